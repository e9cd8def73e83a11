/*
 * ldap_entry.c - directory entries in memory, and the LDIF reader.
 */
#include "ldap_entry.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base64.h"
#include "mfa_mem.h"

int
ldap_entries_add(struct ldap_entries *es, const char *dn, unsigned line, struct ldap_entry **entp)
{
	struct ldap_entry *e;
	int r;

	if (es == NULL || dn == NULL || entp == NULL)
		return MFA_ERR_INVALID_ARG;
	if ((r = mfa_grow_array((void **)&es->v, &es->cap, es->n + 1, sizeof(*es->v))) != MFA_OK)
		return r;
	e = &es->v[es->n];
	memset(e, 0, sizeof(*e));
	if ((e->dn = strdup(dn)) == NULL)
		return MFA_ERR_NOMEM;
	e->line = line;
	es->n++;
	*entp = e;
	return MFA_OK;
}

/*
 * The attribute names the auditor asks for, shared by every entry instead of
 * copied into each (ldap_accounts.h, sudoers_ldap.h, audit_directory.c).
 */
static const char *const known_names[] = {
	"objectClass",     "uid",
	"sAMAccountName",  "uidNumber",
	"gidNumber",       "homeDirectory",
	"loginShell",      "memberOf",
	"primaryGroupID",  "userAccountControl",
	"nsAccountLock",   "unixHomeDirectory",
	"ipaUserAuthType", "oathHOTPToken",
	"oathTOTPToken",   "cn",
	"memberUid",       "member",
	"uniqueMember",    "objectSid",
	"sudoUser",        "sudoHost",
	"sudoCommand",     "sudoRunAs",
	"sudoRunAsUser",   "sudoRunAsGroup",
	"sudoOption",      "sudoOrder",
	"sudoNotBefore",   "sudoNotAfter",
	"ipatokenOwner",   "ipatokenDisabled",
};

static const char *
known_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(known_names) / sizeof(known_names[0]); i++) {
		if (strcmp(known_names[i], name) == 0)
			return known_names[i];
	}
	return NULL;
}

int
ldap_entry_add_value(struct ldap_entry *e, const char *name, const char *v, size_t len)
{
	struct ldap_attr *a = NULL;
	struct ldap_value *val;
	size_t i;
	int r;

	if (e == NULL || name == NULL || (v == NULL && len > 0) || len > LDAP_ENTRY_MAX_VALUE)
		return MFA_ERR_INVALID_ARG;
	for (i = 0; i < e->nattrs && a == NULL; i++) {
		if (strcasecmp(e->attrs[i].name, name) == 0)
			a = &e->attrs[i];
	}
	if (a == NULL) {
		if ((r = mfa_grow_array((void **)&e->attrs, &e->cap, e->nattrs + 1,
					sizeof(*e->attrs))) != MFA_OK)
			return r;
		a = &e->attrs[e->nattrs];
		memset(a, 0, sizeof(*a));
		if ((a->name = known_name(name)) == NULL) {
			if ((a->name = strdup(name)) == NULL)
				return MFA_ERR_NOMEM;
			a->name_owned = true;
		}
		e->nattrs++;
	}
	/* Most attributes hold one value: room for one, then doubling. */
	if (a->nvalues == a->cap) {
		size_t cap = a->cap == 0 ? 1 : a->cap * 2;
		struct ldap_value *nv = realloc(a->values, cap * sizeof(*nv));

		if (nv == NULL)
			return MFA_ERR_NOMEM;
		a->values = nv;
		a->cap = cap;
	}
	val = &a->values[a->nvalues];
	if ((val->v = malloc(len + 1)) == NULL)
		return MFA_ERR_NOMEM;
	if (len > 0)
		memcpy(val->v, v, len);
	val->v[len] = '\0';
	val->len = len;
	a->nvalues++;
	return MFA_OK;
}

static void
entry_clear(struct ldap_entry *e)
{
	size_t i, j;

	for (i = 0; i < e->nattrs; i++) {
		for (j = 0; j < e->attrs[i].nvalues; j++)
			free(e->attrs[i].values[j].v);
		free(e->attrs[i].values);
		if (e->attrs[i].name_owned)
			free((char *)e->attrs[i].name);
	}
	free(e->attrs);
	free(e->dn);
	memset(e, 0, sizeof(*e));
}

void
ldap_entry_shrink(struct ldap_entry *e)
{
	struct ldap_attr *a;

	if (e == NULL || e->nattrs == 0 || e->nattrs == e->cap)
		return;
	if ((a = realloc(e->attrs, e->nattrs * sizeof(*a))) != NULL) {
		e->attrs = a;
		e->cap = e->nattrs;
	}
}

void
ldap_entries_truncate(struct ldap_entries *es, size_t n)
{
	while (es != NULL && es->n > n)
		entry_clear(&es->v[--es->n]);
}

void
ldap_entries_clear(struct ldap_entries *es)
{
	if (es == NULL)
		return;
	ldap_entries_truncate(es, 0);
	free(es->v);
	memset(es, 0, sizeof(*es));
}

const struct ldap_attr *
ldap_entry_attr(const struct ldap_entry *e, const char *name)
{
	size_t i;

	for (i = 0; e != NULL && i < e->nattrs; i++) {
		if (strcasecmp(e->attrs[i].name, name) == 0)
			return &e->attrs[i];
	}
	return NULL;
}

const char *
ldap_entry_first(const struct ldap_entry *e, const char *name)
{
	const struct ldap_attr *a = ldap_entry_attr(e, name);

	if (a == NULL || a->nvalues == 0 || strlen(a->values[0].v) != a->values[0].len)
		return NULL;
	return a->values[0].v;
}

bool
ldap_entry_has_value(const struct ldap_entry *e, const char *name, const char *value)
{
	const struct ldap_attr *a = ldap_entry_attr(e, name);
	size_t i;

	for (i = 0; a != NULL && i < a->nvalues; i++) {
		if (strlen(a->values[i].v) == a->values[i].len &&
		    strcasecmp(a->values[i].v, value) == 0)
			return true;
	}
	return false;
}

/* ---- LDIF ------------------------------------------------------------------ */

struct ldif {
	const char *p, *end;
	unsigned lineno; /* of the next physical line */
	char *buf;       /* the current logical line, unfolded */
	size_t len, cap;
	unsigned line; /* where it started */
};

static int
ldif_append(struct ldif *l, const char *s, size_t n)
{
	int r;

	if (l->len + n + 1 > LDAP_ENTRY_MAX_VALUE * 2)
		return MFA_ERR_TOO_LARGE;
	if ((r = mfa_grow_array((void **)&l->buf, &l->cap, l->len + n + 1, 1)) != MFA_OK)
		return r;
	memcpy(l->buf + l->len, s, n);
	l->len += n;
	l->buf[l->len] = '\0';
	return MFA_OK;
}

/* One physical line: [*sp, *sp + *np), without its end of line. */
static bool
ldif_physical(struct ldif *l, const char **sp, size_t *np)
{
	const char *nl;
	size_t n;

	if (l->p >= l->end)
		return false;
	nl = memchr(l->p, '\n', (size_t)(l->end - l->p));
	n = nl != NULL ? (size_t)(nl - l->p) : (size_t)(l->end - l->p);
	*sp = l->p;
	*np = n > 0 && l->p[n - 1] == '\r' ? n - 1 : n;
	l->p += n + (nl != NULL);
	l->lineno++;
	return true;
}

/*
 * The next logical line into l->buf (continuations joined).  *emptyp: it
 * is empty (a record separator), which nothing continues.  *gotp false at
 * the end of the text.
 */
static int
ldif_next(struct ldif *l, bool *gotp, bool *emptyp)
{
	const char *s;
	size_t n;
	int r;

	*gotp = false;
	l->len = 0;
	if (!ldif_physical(l, &s, &n))
		return MFA_OK;
	l->line = l->lineno;
	if ((r = ldif_append(l, s, n)) != MFA_OK)
		return r;
	/* A physical line that starts with a space continues this one (n >= 1 there). */
	while (l->len > 0 && l->p < l->end && *l->p == ' ' && ldif_physical(l, &s, &n)) {
		if ((r = ldif_append(l, s + 1, n - 1)) != MFA_OK)
			return r;
	}
	*gotp = true;
	*emptyp = l->len == 0;
	return MFA_OK;
}

/* An AttributeDescription: a name or OID, then `;options`. */
static bool
attr_desc_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 256)
		return false;
	if (isdigit((unsigned char)s[0])) {
		for (i = 0; i < n && s[i] != ';'; i++) {
			if (!isdigit((unsigned char)s[i]) && s[i] != '.')
				return false;
		}
	} else {
		if (!isalpha((unsigned char)s[0]))
			return false;
		for (i = 0; i < n && s[i] != ';'; i++) {
			if (!isalnum((unsigned char)s[i]) && s[i] != '-')
				return false;
		}
	}
	for (; i < n; i++) {
		if (s[i] != ';' && !isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '=')
			return false;
		if (s[i] == ';' && (i + 1 == n || s[i + 1] == ';'))
			return false;
	}
	return true;
}

/* Decode base64 text (base64.h) into a new NUL-terminated buffer. */
static int
b64_decode(const char *s, size_t n, char **outp, size_t *lenp)
{
	char *out;
	int r;

	*outp = NULL;
	if ((out = malloc(MFA_B64_DECODED_MAX(n) + 1)) == NULL)
		return MFA_ERR_NOMEM;
	if ((r = mfa_base64_decode(s, n, 0, (uint8_t *)out, lenp)) != MFA_OK) {
		free(out);
		return r;
	}
	out[*lenp] = '\0';
	*outp = out;
	return MFA_OK;
}

/*
 * Split l->buf ("name: value", "name:: b64", "name:< url") into the name and
 * the decoded value (*valp allocated).
 */
static int
ldif_attr_line(struct ldif *l, char **namep, char **valp, size_t *vlenp, struct mfa_parse_err *perr)
{
	char *colon = strchr(l->buf, ':');
	const char *v;
	size_t nlen;
	int r;

	*namep = NULL;
	*valp = NULL;
	if (colon == NULL) {
		mfa_parse_err_set(perr, l->line, 1, "a line without ':' (LDIF wants name: value)");
		return MFA_ERR_PARSE;
	}
	nlen = (size_t)(colon - l->buf);
	if (!attr_desc_ok(l->buf, nlen)) {
		mfa_parse_err_set(perr, l->line, 1, "not an attribute name before ':'");
		return MFA_ERR_PARSE;
	}
	if ((*namep = strndup(l->buf, nlen)) == NULL)
		return MFA_ERR_NOMEM;
	v = colon + 1;
	if (*v == '<') {
		mfa_parse_err_set(perr, l->line, (unsigned)nlen + 2,
				  "a value from a URL (name:< url) is not read");
		r = MFA_ERR_PARSE;
	} else if (*v == ':') {
		v++;
		while (*v == ' ')
			v++;
		r = b64_decode(v, strlen(v), valp, vlenp);
		if (r == MFA_ERR_PARSE)
			mfa_parse_err_set(perr, l->line, (unsigned)(v - l->buf) + 1,
					  "malformed base64 value after '::'");
	} else {
		while (*v == ' ')
			v++;
		*vlenp = strlen(v);
		r = (*valp = strdup(v)) == NULL ? MFA_ERR_NOMEM : MFA_OK;
	}
	if (r != MFA_OK) {
		free(*namep);
		*namep = NULL;
		free(*valp);
		*valp = NULL;
	}
	return r;
}

int
ldif_parse(const char *buf, size_t len, const char *file, struct ldap_entries *es,
	   struct mfa_parse_err *perr)
{
	struct ldif l;
	struct ldap_entry *cur = NULL;
	size_t n0;
	bool got, empty, first = true;
	int r = MFA_OK;

	mfa_parse_err_init(perr, file);
	if ((buf == NULL && len > 0) || es == NULL)
		return MFA_ERR_INVALID_ARG;
	if (len > LDIF_MAX_BYTES)
		return MFA_ERR_TOO_LARGE;
	n0 = es->n;
	memset(&l, 0, sizeof(l));
	l.p = buf;
	l.end = buf + len;
	for (;;) {
		char *name = NULL, *val = NULL;
		size_t vlen = 0;

		if ((r = ldif_next(&l, &got, &empty)) != MFA_OK) {
			mfa_parse_err_set(perr, l.line, 0, "%s", mfa_strerror(r));
			break;
		}
		if (!got) {
			ldap_entry_shrink(cur);
			break;
		}
		if (empty) {
			ldap_entry_shrink(cur);
			cur = NULL;
			continue;
		}
		if (l.buf[0] == '#')
			continue;
		if (l.buf[0] == ' ') {
			mfa_parse_err_set(perr, l.line, 1,
					  "a continuation line with nothing to continue");
			r = MFA_ERR_PARSE;
			break;
		}
		if ((r = ldif_attr_line(&l, &name, &val, &vlen, perr)) != MFA_OK) {
			if (r != MFA_ERR_PARSE)
				mfa_parse_err_set(perr, l.line, 0, "%s", mfa_strerror(r));
			break;
		}
		if (cur == NULL) {
			if (first && strcasecmp(name, "version") == 0) {
				if (strcmp(val, "1") != 0) {
					mfa_parse_err_set(perr, l.line, 1,
							  "LDIF version 1 is the only one");
					r = MFA_ERR_PARSE;
				}
			} else if (strcasecmp(name, "dn") != 0) {
				mfa_parse_err_set(perr, l.line, 1,
						  "a record must start with dn:, not %.64s:", name);
				r = MFA_ERR_PARSE;
			} else if (strlen(val) != vlen) {
				mfa_parse_err_set(perr, l.line, 1, "a DN holds a NUL byte");
				r = MFA_ERR_PARSE;
			} else {
				r = ldap_entries_add(es, val, l.line, &cur);
			}
		} else if (strcasecmp(name, "changetype") == 0 ||
			   strcasecmp(name, "control") == 0) {
			mfa_parse_err_set(perr, l.line, 1,
					  "a change record (%s:): only content records are read",
					  name);
			r = MFA_ERR_PARSE;
		} else if (strcasecmp(name, "dn") == 0) {
			mfa_parse_err_set(
				perr, l.line, 1,
				"a second dn: in one record (records end at an empty line)");
			r = MFA_ERR_PARSE;
		} else {
			r = ldap_entry_add_value(cur, name, val, vlen);
		}
		first = false;
		free(name);
		free(val);
		if (r != MFA_OK) {
			if (r != MFA_ERR_PARSE)
				mfa_parse_err_set(perr, l.line, 0, "%s", mfa_strerror(r));
			break;
		}
	}
	free(l.buf);
	if (r != MFA_OK)
		ldap_entries_truncate(es, n0);
	return r;
}
