/*
 * audit_model.c - building and freeing an audit report.
 */
#include "audit.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const path_kind_names[] = {
	[AUDIT_PATH_SSH] = "ssh",     [AUDIT_PATH_SUDO] = "sudo",     [AUDIT_PATH_SU] = "su",
	[AUDIT_PATH_LOGIN] = "login", [AUDIT_PATH_POLKIT] = "polkit", [AUDIT_PATH_VPN] = "vpn",
	[AUDIT_PATH_PAM] = "pam",
};

const char *
audit_path_kind_name(enum audit_path_kind kind)
{
	if ((size_t)kind >= sizeof(path_kind_names) / sizeof(path_kind_names[0]))
		return "?";
	return path_kind_names[kind];
}

static const struct {
	const char *name;
	const char *text;
} factor_names[] = {
	[AUDIT_FACTOR_UNKNOWN] = {NULL, NULL},
	[AUDIT_FACTOR_NONE] = {"none", "no second factor"},
	[AUDIT_FACTOR_RECOVERY] = {"recovery-codes",
				   "recovery codes only (not phishing-resistant)"},
	[AUDIT_FACTOR_PHISHABLE] = {"phishable",
				    "a code, a push or a plain key (not phishing-resistant)"},
	[AUDIT_FACTOR_FIDO] = {"fido", "a FIDO2/U2F key, touched (phishing-resistant)"},
	[AUDIT_FACTOR_FIDO_VERIFIED] = {"fido-verified",
					"FIDO2 with user verification (phishing-resistant)"},
};

_Static_assert(sizeof(factor_names) / sizeof(factor_names[0]) == AUDIT_FACTOR_FIDO_VERIFIED + 1,
	       "a name for every audit_factor");

const char *
audit_factor_name(enum audit_factor f)
{
	if ((size_t)f >= sizeof(factor_names) / sizeof(factor_names[0]))
		return NULL;
	return factor_names[f].name;
}

const char *
audit_factor_text(enum audit_factor f)
{
	if ((size_t)f >= sizeof(factor_names) / sizeof(factor_names[0]))
		return NULL;
	return factor_names[f].text;
}

bool
audit_factor_phishing_resistant(enum audit_factor f)
{
	return f == AUDIT_FACTOR_FIDO || f == AUDIT_FACTOR_FIDO_VERIFIED;
}

bool
audit_path_shows_factor(const struct audit_path *p)
{
	return p->admin_path &&
	       ((p->covered && p->factor != AUDIT_FACTOR_UNKNOWN) || p->ssh_keys != NULL);
}

__attribute__((format(printf, 1, 0))) static char *
vformat(const char *fmt, va_list ap)
{
	va_list ap2;
	char *s;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || (s = malloc((size_t)n + 1)) == NULL)
		return NULL;
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

/* Grow an array of `size`-byte items by one; the new item is zeroed. */
static void *
grow(void *arrayp, size_t *n, size_t size)
{
	void **array = arrayp;
	char *na = realloc(*array, (*n + 1) * size);

	if (na == NULL)
		return NULL;
	*array = na;
	memset(na + *n * size, 0, size);
	return na + (*n)++ * size;
}

int
audit_strlist_add(char ***list, size_t *n, const char *fmt, ...)
{
	va_list ap;
	char *s, **slot;

	va_start(ap, fmt);
	s = vformat(fmt, ap);
	va_end(ap);
	if (s == NULL || (slot = grow(list, n, sizeof(**list))) == NULL) {
		free(s);
		return MFA_ERR_NOMEM;
	}
	*slot = s;
	return MFA_OK;
}

static char *
dup_or_null(const char *s, bool *failed)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		*failed = true;
	return d;
}

/* ---- the report's strings, each held once ------------------------------------ */

struct audit_strings {
	char **slot; /* open addressing; cap is a power of two, at most half full */
	size_t cap;
	size_t n;
};

static size_t
string_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325u; /* FNV-1a */

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3u;
	}
	return (size_t)h;
}

static int
strings_grow(struct audit_strings *t)
{
	size_t cap = t->cap == 0 ? 1024 : t->cap * 2, i, j;
	char **slot;

	if (cap > SIZE_MAX / 2 / sizeof(*slot) || (slot = calloc(cap, sizeof(*slot))) == NULL)
		return MFA_ERR_NOMEM;
	for (i = 0; i < t->cap; i++) {
		if (t->slot[i] == NULL)
			continue;
		for (j = string_hash(t->slot[i]) & (cap - 1); slot[j] != NULL;
		     j = (j + 1) & (cap - 1))
			;
		slot[j] = t->slot[i];
	}
	free(t->slot);
	t->slot = slot;
	t->cap = cap;
	return MFA_OK;
}

/* The held copy of s (NULL stays NULL); *failed set when memory ran out. */
static const char *
strings_hold(struct audit_strings *t, const char *s, bool *failed)
{
	size_t j;

	if (s == NULL)
		return NULL;
	if ((t->n + 1) * 2 > t->cap && strings_grow(t) != MFA_OK) {
		*failed = true;
		return NULL;
	}
	for (j = string_hash(s) & (t->cap - 1); t->slot[j] != NULL; j = (j + 1) & (t->cap - 1)) {
		if (strcmp(t->slot[j], s) == 0)
			return t->slot[j];
	}
	if ((t->slot[j] = strdup(s)) == NULL) {
		*failed = true;
		return NULL;
	}
	t->n++;
	return t->slot[j];
}

static void
strings_free(struct audit_strings **tp)
{
	struct audit_strings *t = *tp;
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->cap; i++)
		free(t->slot[i]);
	free(t->slot);
	free(t);
	*tp = NULL;
}

/* ---- paths --------------------------------------------------------------------- */

struct audit_path *
audit_add_path(struct audit_report *r, enum audit_path_kind kind, const char *service,
	       const char *account, const char *detail)
{
	struct audit_path *p;
	bool failed = false;

	if (r->strings == NULL && (r->strings = calloc(1, sizeof(*r->strings))) == NULL)
		return NULL;
	if ((p = grow(&r->paths, &r->npaths, sizeof(*r->paths))) == NULL)
		return NULL;
	p->kind = kind;
	p->admin_path = true;
	p->strings = r->strings;
	p->service = strings_hold(r->strings, service, &failed);
	p->account = strings_hold(r->strings, account, &failed);
	p->detail = strings_hold(r->strings, detail, &failed);
	if (failed) {
		r->npaths--;
		return NULL;
	}
	return p;
}

int
audit_path_set_reason(struct audit_path *p, bool covered, const char *fmt, ...)
{
	va_list ap;
	const char *held;
	bool failed = false;
	char *s;

	if (p->strings == NULL)
		return MFA_ERR_INVALID_ARG; /* not made by audit_add_path */
	va_start(ap, fmt);
	s = vformat(fmt, ap);
	va_end(ap);
	if (s == NULL)
		return MFA_ERR_NOMEM;
	held = strings_hold(p->strings, s, &failed);
	free(s);
	if (failed)
		return MFA_ERR_NOMEM;
	p->reason = held;
	p->covered = covered;
	if (!covered)
		p->factor = AUDIT_FACTOR_NONE;
	else if (p->factor == AUDIT_FACTOR_NONE)
		p->factor = AUDIT_FACTOR_UNKNOWN;
	return MFA_OK;
}

__attribute__((format(printf, 5, 0))) static int
add_evidence(struct audit_path *p, bool strength, const char *file, unsigned line, const char *fmt,
	     va_list ap)
{
	struct audit_evidence *e;
	const char *text, *f;
	bool failed = false;
	char *s;

	if (p->strings == NULL)
		return MFA_ERR_INVALID_ARG; /* not made by audit_add_path */
	s = vformat(fmt, ap);
	if (s == NULL)
		return MFA_ERR_NOMEM;
	text = strings_hold(p->strings, s, &failed);
	free(s);
	f = strings_hold(p->strings, file, &failed);
	if (failed)
		return MFA_ERR_NOMEM;
	/* The same line twice says nothing more; held strings compare by address. */
	for (size_t i = 0; i < p->nevidence; i++) {
		struct audit_evidence *o = &p->evidence[i];

		if (o->line == line && o->text == text && o->file == f) {
			o->strength = o->strength || strength;
			return MFA_OK;
		}
	}
	if ((e = grow(&p->evidence, &p->nevidence, sizeof(*p->evidence))) == NULL)
		return MFA_ERR_NOMEM;
	e->file = f;
	e->line = line;
	e->text = text;
	e->strength = strength;
	return MFA_OK;
}

int
audit_path_add_evidence(struct audit_path *p, const char *file, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = add_evidence(p, false, file, line, fmt, ap);
	va_end(ap);
	return r;
}

int
audit_path_add_strength_evidence(struct audit_path *p, const char *file, unsigned line,
				 const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = add_evidence(p, true, file, line, fmt, ap);
	va_end(ap);
	return r;
}

int
audit_add_finding(struct audit_report *r, const char *id, const char *severity, const char *file,
		  unsigned line, const char *fmt, ...)
{
	struct audit_finding *f;
	va_list ap;
	bool failed = false;
	char *msg;

	va_start(ap, fmt);
	msg = vformat(fmt, ap);
	va_end(ap);
	if (msg == NULL || (f = grow(&r->findings, &r->nfindings, sizeof(*r->findings))) == NULL) {
		free(msg);
		return MFA_ERR_NOMEM;
	}
	f->message = msg;
	f->id = dup_or_null(id, &failed);
	f->severity = dup_or_null(severity, &failed);
	f->file = dup_or_null(file, &failed);
	f->line = line;
	return failed ? MFA_ERR_NOMEM : MFA_OK;
}

int
audit_add_note(struct audit_report *r, const char *fmt, ...)
{
	va_list ap;
	char *s, **slot;

	va_start(ap, fmt);
	s = vformat(fmt, ap);
	va_end(ap);
	if (s == NULL || (slot = grow(&r->notes, &r->nnotes, sizeof(*r->notes))) == NULL) {
		free(s);
		return MFA_ERR_NOMEM;
	}
	*slot = s;
	return MFA_OK;
}

static void
strlist_free(char **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

void
audit_report_free(struct audit_report **reportp)
{
	struct audit_report *r;
	size_t i;

	if (reportp == NULL || (r = *reportp) == NULL)
		return;
	for (i = 0; i < r->naccounts; i++) {
		free(r->accounts[i].name);
		strlist_free(r->accounts[i].admin_via, r->accounts[i].nadmin_via);
		strlist_free(r->accounts[i].enrolled_in, r->accounts[i].nenrolled_in);
	}
	free(r->accounts);
	for (i = 0; i < r->npaths; i++)
		free(r->paths[i].evidence);
	free(r->paths);
	strings_free(&r->strings);
	for (i = 0; i < r->nfindings; i++) {
		free(r->findings[i].id);
		free(r->findings[i].severity);
		free(r->findings[i].message);
		free(r->findings[i].file);
	}
	free(r->findings);
	strlist_free(r->notes, r->nnotes);
	for (i = 0; i < r->nfiles; i++)
		free(r->files[i].path);
	free(r->files);
	free(r->root);
	free(r->incomplete);
	free(r->host);
	free(r->date);
	free(r);
	*reportp = NULL;
}
