/*
 * accounts.c - local passwd and group files under a root, and admin reasons.
 *
 * Line rules (glibc nss_files): a line that is empty or starts with `#`
 * is passed over; anything else must be a whole entry.  Unlike glibc,
 * which silently skips a line it cannot parse, a malformed line here fails
 * the load: the audit must not lose an account without saying so.  A line
 * that starts with blanks is malformed too (glibc would strip them and
 * read a different name than a human sees).  A NUL byte or a carriage
 * return in a line is malformed (a CRLF file names users "root\r").
 */
#include "accounts.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mfa_mem.h"
#include "num.h"
#include "root_fs.h"

#define PASSWD_FIELDS 7
#define GROUP_FIELDS 4
#define ID_MAX ((uint64_t)UINT32_MAX - 1) /* (uid_t)-1 is "no id" */

struct field {
	const char *p;
	size_t len;
};

/* ---- small helpers ------------------------------------------------------ */

static char *
dup_n(const char *p, size_t len)
{
	char *s = malloc(len + 1);

	if (s == NULL)
		return NULL;
	memcpy(s, p, len);
	s[len] = '\0';
	return s;
}

/* Split line at ':' into exactly n fields; false otherwise. */
static bool
split_fields(const char *line, size_t len, struct field *f, size_t n)
{
	size_t i, k = 0, start = 0;

	for (i = 0; i <= len; i++) {
		if (i == len || line[i] == ':') {
			if (k == n)
				return false;
			f[k].p = line + start;
			f[k].len = i - start;
			k++;
			start = i + 1;
		}
	}
	return k == n;
}

/* ---- building ----------------------------------------------------------- */

struct builder {
	struct accounts *a;
	size_t ucap, gcap, ncap;
};

static int add_note(struct builder *b, const char *file, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
add_note(struct builder *b, const char *file, unsigned line, const char *fmt, ...)
{
	struct account_note *n;
	char text[512];
	va_list ap;

	if (mfa_grow_array((void **)&b->a->notes, &b->ncap, b->a->nnotes + 1, sizeof(*n)) != MFA_OK)
		return MFA_ERR_NOMEM;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	n = &b->a->notes[b->a->nnotes];
	n->line = line;
	n->file = strdup(file);
	n->text = strdup(text);
	if (n->file == NULL || n->text == NULL) {
		free(n->file);
		free(n->text);
		return MFA_ERR_NOMEM;
	}
	b->a->nnotes++;
	return MFA_OK;
}

static bool
name_ok(const struct field *f)
{
	size_t i;

	if (f->len == 0)
		return false;
	for (i = 0; i < f->len; i++) {
		unsigned char c = (unsigned char)f->p[i];

		if (c <= ' ' || c == 0x7f || c == ',')
			return false;
	}
	return true;
}

static int
passwd_line(struct builder *b, const char *file, unsigned lineno, const char *line, size_t len,
	    struct mfa_parse_err *perr)
{
	struct field f[PASSWD_FIELDS];
	struct account_user *u;
	uint64_t uid, gid;
	size_t i;

	if (!split_fields(line, len, f, PASSWD_FIELDS)) {
		mfa_parse_err_set(perr, lineno, 0,
				  "not 7 fields (name:password:uid:gid:gecos:home:shell)");
		return MFA_ERR_PARSE;
	}
	if (!name_ok(&f[0])) {
		mfa_parse_err_set(perr, lineno, 0,
				  "the user name is empty or has blanks or commas");
		return MFA_ERR_PARSE;
	}
	if (mfa_parse_u64(f[2].p, f[2].len, ID_MAX, &uid) != MFA_OK ||
	    mfa_parse_u64(f[3].p, f[3].len, ID_MAX, &gid) != MFA_OK) {
		mfa_parse_err_set(perr, lineno, 0,
				  "the uid or gid is not a decimal number below 4294967295");
		return MFA_ERR_PARSE;
	}
	/* duplicates: getpwnam returns the first; say so */
	for (i = 0; i < b->a->nusers; i++) {
		const struct account_user *o = &b->a->users[i];

		if (strlen(o->name) == f[0].len && memcmp(o->name, f[0].p, f[0].len) == 0) {
			if (add_note(b, file, lineno,
				     "user %s is defined again (first at line %u): lookups by name "
				     "use the first",
				     o->name, o->line) != MFA_OK)
				return MFA_ERR_NOMEM;
			break;
		}
	}
	if (mfa_grow_array((void **)&b->a->users, &b->ucap, b->a->nusers + 1, sizeof(*u)) != MFA_OK)
		return MFA_ERR_NOMEM;
	u = &b->a->users[b->a->nusers];
	memset(u, 0, sizeof(*u));
	u->uid = (uid_t)uid;
	u->gid = (gid_t)gid;
	u->line = lineno;
	u->name = dup_n(f[0].p, f[0].len);
	u->gecos = dup_n(f[4].p, f[4].len);
	u->home = dup_n(f[5].p, f[5].len);
	u->shell = dup_n(f[6].p, f[6].len);
	b->a->nusers++; /* counted first so that accounts_free releases it */
	if (u->name == NULL || u->gecos == NULL || u->home == NULL || u->shell == NULL)
		return MFA_ERR_NOMEM;
	u->nologin = accounts_shell_is_nologin(u->shell);
	return MFA_OK;
}

static int
group_line(struct builder *b, const char *file, unsigned lineno, const char *line, size_t len,
	   struct mfa_parse_err *perr)
{
	struct field f[GROUP_FIELDS];
	struct account_group *g;
	uint64_t gid;
	size_t i, start, k, cap = 0;

	if (!split_fields(line, len, f, GROUP_FIELDS)) {
		mfa_parse_err_set(perr, lineno, 0, "not 4 fields (name:password:gid:members)");
		return MFA_ERR_PARSE;
	}
	if (!name_ok(&f[0])) {
		mfa_parse_err_set(perr, lineno, 0,
				  "the group name is empty or has blanks or commas");
		return MFA_ERR_PARSE;
	}
	if (mfa_parse_u64(f[2].p, f[2].len, ID_MAX, &gid) != MFA_OK) {
		mfa_parse_err_set(perr, lineno, 0,
				  "the gid is not a decimal number below 4294967295");
		return MFA_ERR_PARSE;
	}
	for (i = 0; i < f[3].len; i++) {
		unsigned char c = (unsigned char)f[3].p[i];

		if (c <= ' ' || c == 0x7f) {
			mfa_parse_err_set(perr, lineno, 0,
					  "the member list has a blank or control character");
			return MFA_ERR_PARSE;
		}
	}
	for (i = 0; i < b->a->ngroups; i++) {
		const struct account_group *o = &b->a->groups[i];

		if (strlen(o->name) == f[0].len && memcmp(o->name, f[0].p, f[0].len) == 0) {
			if (add_note(
				    b, file, lineno,
				    "group %s is defined again (first at line %u): lookups by name "
				    "use the first, but members listed here still get gid %llu",
				    o->name, o->line, (unsigned long long)gid) != MFA_OK)
				return MFA_ERR_NOMEM;
			break;
		}
	}
	if (mfa_grow_array((void **)&b->a->groups, &b->gcap, b->a->ngroups + 1, sizeof(*g)) !=
	    MFA_OK)
		return MFA_ERR_NOMEM;
	g = &b->a->groups[b->a->ngroups];
	memset(g, 0, sizeof(*g));
	g->gid = (gid_t)gid;
	g->line = lineno;
	b->a->ngroups++;
	if ((g->name = dup_n(f[0].p, f[0].len)) == NULL)
		return MFA_ERR_NOMEM;
	for (start = 0, k = 0; k <= f[3].len; k++) {
		char *m;

		if (k < f[3].len && f[3].p[k] != ',')
			continue;
		if (k > start) {
			if (mfa_grow_array((void **)&g->members, &cap, g->nmembers + 1,
					   sizeof(char *)) != MFA_OK ||
			    (m = dup_n(f[3].p + start, k - start)) == NULL)
				return MFA_ERR_NOMEM;
			g->members[g->nmembers++] = m;
		}
		start = k + 1;
	}
	return MFA_OK;
}

typedef int (*line_fn)(struct builder *, const char *, unsigned, const char *, size_t,
		       struct mfa_parse_err *);

static int
parse_file(struct builder *b, const char *buf, size_t len, const char *file, line_fn fn,
	   struct mfa_parse_err *perr)
{
	const char *p = buf, *end = buf + len;
	unsigned lineno = 0;
	int r;

	mfa_parse_err_init(perr, file);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t linelen = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

		if (++lineno > ACCOUNTS_MAX_LINES) {
			mfa_parse_err_set(perr, lineno, 0, "more than %u lines",
					  ACCOUNTS_MAX_LINES);
			return MFA_ERR_TOO_LARGE;
		}
		if (linelen == 0 || p[0] == '#') {
			/* empty line or comment */
		} else if (memchr(p, '\0', linelen) != NULL || memchr(p, '\r', linelen) != NULL) {
			mfa_parse_err_set(perr, lineno, 0,
					  "a NUL byte or carriage return in the line");
			return MFA_ERR_PARSE;
		} else if (p[0] == ' ' || p[0] == '\t') {
			mfa_parse_err_set(perr, lineno, 0, "the line starts with a blank");
			return MFA_ERR_PARSE;
		} else if (p[0] == '+' || p[0] == '-') {
			if (add_note(
				    b, file, lineno,
				    "NIS compat entry \"%c...\" skipped: accounts from NIS are not "
				    "audited",
				    p[0]) != MFA_OK)
				return MFA_ERR_NOMEM;
		} else if ((r = fn(b, file, lineno, p, linelen, perr)) != MFA_OK) {
			return r;
		}
		p = nl != NULL ? nl + 1 : end;
	}
	return MFA_OK;
}

void
accounts_free(struct accounts **ap)
{
	struct accounts *a;
	size_t i, k;

	if (ap == NULL || (a = *ap) == NULL)
		return;
	for (i = 0; i < a->nusers; i++) {
		free(a->users[i].name);
		free(a->users[i].gecos);
		free(a->users[i].home);
		free(a->users[i].shell);
	}
	for (i = 0; i < a->ngroups; i++) {
		for (k = 0; k < a->groups[i].nmembers; k++)
			free(a->groups[i].members[k]);
		free(a->groups[i].members);
		free(a->groups[i].name);
	}
	for (i = 0; i < a->nnotes; i++) {
		free(a->notes[i].file);
		free(a->notes[i].text);
	}
	free(a->users);
	free(a->groups);
	free(a->notes);
	free(a);
	*ap = NULL;
}

int
accounts_parse(const char *passwd, size_t passwd_len, const char *passwd_file, const char *group,
	       size_t group_len, const char *group_file, struct accounts **outp,
	       struct mfa_parse_err *perr)
{
	struct builder b;
	int r;

	memset(&b, 0, sizeof(b));
	if (outp == NULL || passwd == NULL || passwd_file == NULL || group_file == NULL)
		return MFA_ERR_INVALID_ARG;
	*outp = NULL;
	if (passwd_len > ACCOUNTS_MAX_BYTES || group_len > ACCOUNTS_MAX_BYTES) {
		mfa_parse_err_init(perr,
				   passwd_len > ACCOUNTS_MAX_BYTES ? passwd_file : group_file);
		mfa_parse_err_set(perr, 0, 0, "larger than %u bytes", ACCOUNTS_MAX_BYTES);
		return MFA_ERR_TOO_LARGE;
	}
	if ((b.a = calloc(1, sizeof(*b.a))) == NULL)
		return MFA_ERR_NOMEM;
	if ((r = parse_file(&b, passwd, passwd_len, passwd_file, passwd_line, perr)) != MFA_OK)
		goto out;
	if (group == NULL)
		r = add_note(&b, group_file, 0, "no group file: no supplementary groups");
	else
		r = parse_file(&b, group, group_len, group_file, group_line, perr);
	if (r != MFA_OK)
		goto out;
	*outp = b.a;
	b.a = NULL;
out:
	accounts_free(&b.a);
	return r;
}

int
accounts_load(int rootfd, struct accounts **outp, struct mfa_parse_err *perr)
{
	char *pw = NULL, *gr = NULL;
	size_t pwlen = 0, grlen = 0;
	int r;

	if (outp == NULL)
		return MFA_ERR_INVALID_ARG;
	*outp = NULL;
	if ((r = root_fs_read_file(rootfd, "/etc/passwd", ACCOUNTS_MAX_BYTES, &pw, &pwlen, NULL,
				   perr)) != MFA_OK)
		goto out;
	r = root_fs_read_file(rootfd, "/etc/group", ACCOUNTS_MAX_BYTES, &gr, &grlen, NULL, perr);
	if (r != MFA_OK && r != MFA_ERR_NOT_FOUND)
		goto out;
	r = accounts_parse(pw, pwlen, "/etc/passwd", gr, grlen, "/etc/group", outp, perr);
out:
	free(pw);
	free(gr);
	return r;
}

/* ---- lookups ------------------------------------------------------------ */

const struct account_user *
accounts_user_by_name(const struct accounts *a, const char *name)
{
	size_t i;

	if (a == NULL || name == NULL)
		return NULL;
	for (i = 0; i < a->nusers; i++)
		if (strcmp(a->users[i].name, name) == 0)
			return &a->users[i];
	return NULL;
}

const struct account_user *
accounts_user_by_uid(const struct accounts *a, uid_t uid)
{
	size_t i;

	if (a == NULL)
		return NULL;
	for (i = 0; i < a->nusers; i++)
		if (a->users[i].uid == uid)
			return &a->users[i];
	return NULL;
}

const struct account_group *
accounts_group_by_name(const struct accounts *a, const char *name)
{
	size_t i;

	if (a == NULL || name == NULL)
		return NULL;
	for (i = 0; i < a->ngroups; i++)
		if (strcmp(a->groups[i].name, name) == 0)
			return &a->groups[i];
	return NULL;
}

const struct account_group *
accounts_group_by_gid(const struct accounts *a, gid_t gid)
{
	size_t i;

	if (a == NULL)
		return NULL;
	for (i = 0; i < a->ngroups; i++)
		if (a->groups[i].gid == gid)
			return &a->groups[i];
	return NULL;
}

static bool
group_lists(const struct account_group *g, const char *user)
{
	size_t i;

	for (i = 0; i < g->nmembers; i++)
		if (strcmp(g->members[i], user) == 0)
			return true;
	return false;
}

int
accounts_user_groups(const struct accounts *a, const char *user, struct account_group_ref **refsp,
		     size_t *np)
{
	const struct account_user *u;
	struct account_group_ref *refs = NULL;
	size_t i, k, n = 0;
	int r = MFA_OK;

	if (a == NULL || user == NULL || refsp == NULL || np == NULL)
		return MFA_ERR_INVALID_ARG;
	*refsp = NULL;
	*np = 0;
	if ((u = accounts_user_by_name(a, user)) == NULL)
		return MFA_ERR_NOT_FOUND;
	if ((refs = calloc(a->ngroups + 1, sizeof(*refs))) == NULL)
		return MFA_ERR_NOMEM;
	refs[n].gid = u->gid;
	refs[n].group = accounts_group_by_gid(a, u->gid);
	refs[n].name = refs[n].group != NULL ? refs[n].group->name : NULL;
	refs[n].primary = true;
	refs[n].listed = refs[n].group != NULL && group_lists(refs[n].group, user);
	n++;
	for (i = 0; i < a->ngroups; i++) {
		const struct account_group *g = &a->groups[i];
		bool seen = false;

		if (!group_lists(g, user))
			continue;
		for (k = 0; k < n && !seen; k++)
			seen = refs[k].gid == g->gid;
		if (seen)
			continue;
		refs[n].gid = g->gid;
		refs[n].group = g;
		refs[n].name = g->name;
		refs[n].listed = true;
		n++;
	}
	*refsp = refs;
	*np = n;
	return r;
}

int
accounts_group_members(const struct accounts *a, const char *group,
		       struct account_member **membersp, size_t *np)
{
	const struct account_group *g;
	struct account_member *m = NULL;
	size_t i, k, n = 0;

	if (a == NULL || group == NULL || membersp == NULL || np == NULL)
		return MFA_ERR_INVALID_ARG;
	*membersp = NULL;
	*np = 0;
	if ((g = accounts_group_by_name(a, group)) == NULL)
		return MFA_ERR_NOT_FOUND;
	if (a->nusers + g->nmembers == 0)
		return MFA_OK;
	if ((m = calloc(a->nusers + g->nmembers, sizeof(*m))) == NULL)
		return MFA_ERR_NOMEM;
	for (i = 0; i < a->nusers; i++) {
		const struct account_user *u = &a->users[i];

		if (u->gid != g->gid)
			continue;
		m[n].name = u->name;
		m[n].user = u;
		m[n].primary = true;
		m[n].listed = group_lists(g, u->name);
		n++;
	}
	for (i = 0; i < g->nmembers; i++) {
		bool seen = false;

		for (k = 0; k < n && !seen; k++)
			seen = strcmp(m[k].name, g->members[i]) == 0;
		if (seen)
			continue;
		m[n].name = g->members[i];
		m[n].user = accounts_user_by_name(a, g->members[i]);
		m[n].listed = true;
		n++;
	}
	if (n == 0) {
		free(m);
		m = NULL;
	}
	*membersp = m;
	*np = n;
	return MFA_OK;
}

bool
accounts_shell_is_nologin(const char *shell)
{
	static const char *const nologin[] = {
		"/usr/sbin/nologin", "/sbin/nologin", "/usr/bin/nologin",
		"/bin/nologin",      "/bin/false",    "/usr/bin/false",
	};
	size_t i;

	if (shell == NULL)
		return false;
	for (i = 0; i < sizeof(nologin) / sizeof(nologin[0]); i++)
		if (strcmp(shell, nologin[i]) == 0)
			return true;
	return false;
}

/* ---- admin reasons ------------------------------------------------------ */

int
account_reasons_add(struct account_reasons *r, enum account_reason_kind kind, const char *file,
		    unsigned line, const char *fmt, ...)
{
	struct account_reason *items, *it;
	char text[512];
	va_list ap;

	if (r == NULL || fmt == NULL)
		return MFA_ERR_INVALID_ARG;
	if (r->n >= SIZE_MAX / sizeof(*items) - 1)
		return MFA_ERR_NOMEM;
	if ((items = realloc(r->items, (r->n + 1) * sizeof(*items))) == NULL)
		return MFA_ERR_NOMEM;
	r->items = items;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	it = &items[r->n];
	it->kind = kind;
	it->line = line;
	it->text = strdup(text);
	it->file = file != NULL ? strdup(file) : NULL;
	if (it->text == NULL || (file != NULL && it->file == NULL)) {
		free(it->text);
		free(it->file);
		return MFA_ERR_NOMEM;
	}
	r->n++;
	return MFA_OK;
}

void
account_reasons_clear(struct account_reasons *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		free(r->items[i].text);
		free(r->items[i].file);
	}
	free(r->items);
	r->items = NULL;
	r->n = 0;
}

int
accounts_admin_reasons(const struct accounts *a, const char *user, const char *const *admin_groups,
		       size_t n, struct account_reasons *out)
{
	static const char *const defaults[ACCOUNTS_NDEFAULT_ADMIN_GROUPS] =
		ACCOUNTS_DEFAULT_ADMIN_GROUPS;
	const struct account_user *u;
	size_t i, k, before;
	int r = MFA_OK;

	if (a == NULL || user == NULL || out == NULL)
		return MFA_ERR_INVALID_ARG;
	if ((u = accounts_user_by_name(a, user)) == NULL)
		return MFA_ERR_NOT_FOUND;
	if (admin_groups == NULL) {
		admin_groups = defaults;
		n = ACCOUNTS_NDEFAULT_ADMIN_GROUPS;
	}
	before = out->n;
	if (u->uid == 0)
		r = account_reasons_add(out, ACCOUNT_REASON_UID0, "/etc/passwd", u->line, "uid 0");
	for (i = 0; i < n && r == MFA_OK; i++) {
		if (admin_groups[i] == NULL)
			continue;
		/* every group line of that name counts: initgroups reads them all */
		for (k = 0; k < a->ngroups && r == MFA_OK; k++) {
			const struct account_group *g = &a->groups[k];

			if (strcmp(g->name, admin_groups[i]) != 0)
				continue;
			if (g->gid == u->gid)
				r = account_reasons_add(out, ACCOUNT_REASON_GROUP, "/etc/passwd",
							u->line, "member of %s (primary group)",
							g->name);
			else if (group_lists(g, user))
				r = account_reasons_add(out, ACCOUNT_REASON_GROUP, "/etc/group",
							g->line, "member of %s (listed)", g->name);
		}
	}
	if (r != MFA_OK) {
		while (out->n > before) {
			out->n--;
			free(out->items[out->n].text);
			free(out->items[out->n].file);
		}
	}
	return r;
}
