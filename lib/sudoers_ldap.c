/*
 * sudoers_ldap.c - sudoRole entries as sudoers lines.
 */
#include "sudoers_ldap.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mfa_mem.h"

/* sudoOption values that sudo applies as tags on the role's commands. */
static const struct {
	const char *option;
	const char *on, *off; /* the tag for `option` and for `!option` */
} option_tags[] = {
	{"authenticate", "PASSWD", "NOPASSWD"},
	{"noexec", "NOEXEC", "EXEC"},
	{"setenv", "SETENV", "NOSETENV"},
	{"log_input", "LOG_INPUT", "NOLOG_INPUT"},
	{"log_output", "LOG_OUTPUT", "NOLOG_OUTPUT"},
	{"mail_all_cmnds", "MAIL", "NOMAIL"},
	{"intercept", "INTERCEPT", "NOINTERCEPT"},
	{"sudoedit_follow", "FOLLOW", "NOFOLLOW"},
};

/* A growing text. */
struct text {
	char *p;
	size_t n, cap;
	int err;
};

static void
put(struct text *t, const char *s, size_t n)
{
	if (t->err != MFA_OK)
		return;
	if ((t->err = mfa_grow_array((void **)&t->p, &t->cap, t->n + n + 1, 1)) != MFA_OK)
		return;
	memcpy(t->p + t->n, s, n);
	t->n += n;
	t->p[t->n] = '\0';
}

static void
puts_(struct text *t, const char *s)
{
	put(t, s, strlen(s));
}

/* s with a backslash before each character in `special`. */
static void
put_escaped(struct text *t, const char *s, const char *special)
{
	for (; *s != '\0'; s++) {
		if (strchr(special, *s) != NULL)
			put(t, "\\", 1);
		put(t, s, 1);
	}
}

static bool
has_control(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return true;
	}
	return false;
}

static bool
all_caps(const char *s)
{
	if (!isupper((unsigned char)*s))
		return false;
	for (; *s != '\0'; s++) {
		if (!isupper((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
			return false;
	}
	return true;
}

/* The leading `!`s of *vp, moved past; true when the rest is ALL (written too). */
static bool
put_negation_or_all(struct text *t, const char **vp)
{
	while (**vp == '!') {
		put(t, "!", 1);
		(*vp)++;
	}
	if (strcmp(*vp, "ALL") != 0)
		return false;
	puts_(t, "ALL");
	return true;
}

/*
 * A user, host or run-as member: `!`s, a prefix (% %# %: + #), a name.  The
 * name is escaped so that it stays one word, and one that looks like an
 * alias (LDAP has none) gets its first letter escaped to stay a name.
 */
static void
put_member(struct text *t, const char *v)
{
	static const char special[] = "#>!=:,() \t\\\"";

	if (put_negation_or_all(t, &v))
		return;
	if (strncmp(v, "%#", 2) == 0 || strncmp(v, "%:", 2) == 0) {
		put(t, v, 2);
		v += 2;
	} else if (*v == '%' || *v == '+') {
		put(t, v, 1);
		v++;
	} else if (*v == '#' && isdigit((unsigned char)v[1])) {
		puts_(t, v); /* #uid: digits only, checked by the grammar */
		return;
	}
	/* An alias-like name stays a name; a leading @ never reads as @include. */
	if (all_caps(v) || *v == '@')
		put(t, "\\", 1);
	put_escaped(t, v, special);
}

/* A command: `!`, an optional digest, the path, and its arguments. */
static void
put_command(struct text *t, const char *v)
{
	const char *sp;

	if (put_negation_or_all(t, &v))
		return;
	/* sha256:BASE64 /path: the digest is written as it is (the grammar checks it). */
	if (strncmp(v, "sha", 3) == 0 && (sp = strchr(v, ' ')) != NULL &&
	    memchr(v, ':', (size_t)(sp - v)) != NULL) {
		put(t, v, (size_t)(sp - v) + 1);
		v = sp + 1;
	}
	/* The path, then each argument, with sudoers' special characters escaped. */
	while (*v != '\0') {
		size_t n = strcspn(v, " ");
		char *word = strndup(v, n);

		if (word == NULL) {
			t->err = MFA_ERR_NOMEM;
			return;
		}
		put_escaped(t, word, ",:=#\\");
		free(word);
		v += n;
		while (*v == ' ')
			v++;
		if (*v != '\0')
			put(t, " ", 1);
	}
}

/* A Defaults setting: `!name`, `name`, `name=value`, `name+=value`, `name-=value`. */
static void
put_setting(struct text *t, const char *v)
{
	const char *eq = strchr(v, '=');
	size_t n;

	if (eq == NULL) {
		put_escaped(t, v, "#=:,() \t\\\"");
		return;
	}
	n = (size_t)(eq - v);
	if (n > 0 && (v[n - 1] == '+' || v[n - 1] == '-'))
		n--;
	put(t, v, n);
	put(t, v + n, (size_t)(eq + 1 - (v + n)));
	put(t, "\"", 1);
	put_escaped(t, eq + 1, "\"\\");
	put(t, "\"", 1);
}

/* ---- the conversion ------------------------------------------------------------ */

struct role {
	const struct ldap_entry *e;
	double order;
	size_t index;
};

static int
role_cmp(const void *a, const void *b)
{
	const struct role *x = a, *y = b;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

static int add_note(struct sudoers_ldap *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
add_note(struct sudoers_ldap *s, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = mfa_strlist_vaddf(&s->notes, &s->nnotes, fmt, ap);
	va_end(ap);
	return r;
}

/* Every value of every attribute the role uses is text without control characters. */
static int
check_values(const struct ldap_entry *e, struct mfa_parse_err *perr)
{
	size_t i, j;

	for (i = 0; i < e->nattrs; i++) {
		if (strncasecmp(e->attrs[i].name, "sudo", 4) != 0)
			continue;
		for (j = 0; j < e->attrs[i].nvalues; j++) {
			const struct ldap_value *v = &e->attrs[i].values[j];

			if (strlen(v->v) != v->len || has_control(v->v, v->len) || v->len == 0) {
				mfa_parse_err_set(
					perr, e->line, 0,
					"sudoRole %.200s: a %s value that is empty or holds "
					"a control character",
					e->dn, e->attrs[i].name);
				return MFA_ERR_PARSE;
			}
		}
	}
	return MFA_OK;
}

/* ", "-separated members of attribute `name`; false when there is none. */
static bool
put_list(struct text *t, const struct ldap_entry *e, const char *name,
	 void (*one)(struct text *, const char *))
{
	const struct ldap_attr *a = ldap_entry_attr(e, name);
	size_t i;

	for (i = 0; a != NULL && i < a->nvalues; i++) {
		if (i > 0)
			puts_(t, ", ");
		one(t, a->values[i].v);
	}
	return a != NULL && a->nvalues > 0;
}

/* The tags a role's options give, and notes for the options that are not tags. */
static int
role_tags(struct sudoers_ldap *s, const struct ldap_entry *e, struct text *t)
{
	const struct ldap_attr *a = ldap_entry_attr(e, "sudoOption");
	size_t i, k;
	int r;

	for (i = 0; a != NULL && i < a->nvalues; i++) {
		const char *v = a->values[i].v;
		bool neg = *v == '!';
		bool tag = false;

		for (k = 0; k < sizeof(option_tags) / sizeof(option_tags[0]); k++) {
			if (strcmp(v + neg, option_tags[k].option) == 0) {
				puts_(t, neg ? option_tags[k].off : option_tags[k].on);
				puts_(t, ": ");
				tag = true;
			}
		}
		if (!tag && (r = add_note(s,
					  "sudoRole %.200s: sudoOption %.64s is not modelled (only "
					  "the options sudo makes tags are)",
					  e->dn, v)) != MFA_OK)
			return r;
	}
	return MFA_OK;
}

static int
add_buffer(struct sudoers_ldap *s, const char *dn, struct text *t)
{
	struct sudoers_buffer *b;
	char *file = NULL;

	if (t->err != MFA_OK)
		return t->err;
	if ((b = realloc(s->buffers, (s->nbuffers + 1) * sizeof(*b))) == NULL)
		return MFA_ERR_NOMEM;
	s->buffers = b;
	if (asprintf(&file, "sudoRole %s", dn) < 0)
		return MFA_ERR_NOMEM;
	put(t, "\n", 1);
	if (t->err != MFA_OK) {
		free(file);
		return t->err;
	}
	b[s->nbuffers].file = file;
	b[s->nbuffers].buf = t->p;
	b[s->nbuffers].len = t->n;
	s->nbuffers++;
	t->p = NULL;
	t->n = t->cap = 0;
	return MFA_OK;
}

static int
convert_role(struct sudoers_ldap *s, const struct ldap_entry *e, struct mfa_parse_err *perr)
{
	struct text t = {NULL, 0, 0, MFA_OK};
	const char *ru = "sudoRunAsUser";
	bool has_g = ldap_entry_attr(e, "sudoRunAsGroup") != NULL;
	int r;

	if ((r = check_values(e, perr)) != MFA_OK)
		return r;
	if (ldap_entry_attr(e, "sudoUser") == NULL || ldap_entry_attr(e, "sudoCommand") == NULL)
		return add_note(s,
				"sudoRole %.200s: no sudoUser or no sudoCommand: it grants nothing",
				e->dn);
	if ((ldap_entry_attr(e, "sudoNotBefore") != NULL ||
	     ldap_entry_attr(e, "sudoNotAfter") != NULL) &&
	    (r = add_note(s,
			  "sudoRole %.200s: sudoNotBefore/sudoNotAfter are not applied (sudo "
			  "ignores them unless SUDOERS_TIMED is set): taken as always in force",
			  e->dn)) != MFA_OK)
		return r;
	put_list(&t, e, "sudoUser", put_member);
	puts_(&t, " ");
	if (!put_list(&t, e, "sudoHost", put_member))
		puts_(&t, "ALL");
	puts_(&t, " = ");
	/* Neither run-as list: runas_default applies, as with no (...) in a file. */
	if (ldap_entry_attr(e, ru) == NULL)
		ru = "sudoRunAs"; /* the old attribute */
	if (ldap_entry_attr(e, ru) != NULL || has_g) {
		puts_(&t, "(");
		put_list(&t, e, ru, put_member);
		if (has_g) {
			puts_(&t, ":");
			put_list(&t, e, "sudoRunAsGroup", put_member);
		}
		puts_(&t, ") ");
	}
	if ((r = role_tags(s, e, &t)) != MFA_OK) {
		free(t.p);
		return r;
	}
	put_list(&t, e, "sudoCommand", put_command);
	r = add_buffer(s, e->dn, &t);
	free(t.p);
	return r;
}

static int
convert_defaults(struct sudoers_ldap *s, const struct ldap_entry *e, struct mfa_parse_err *perr)
{
	struct text t = {NULL, 0, 0, MFA_OK};
	int r;

	if ((r = check_values(e, perr)) != MFA_OK)
		return r;
	if (ldap_entry_attr(e, "sudoOption") == NULL)
		return MFA_OK;
	puts_(&t, "Defaults ");
	put_list(&t, e, "sudoOption", put_setting);
	r = add_buffer(s, e->dn, &t);
	free(t.p);
	return r;
}

static bool
is_defaults(const struct ldap_entry *e)
{
	const char *cn = ldap_entry_first(e, "cn");

	return cn != NULL && strcasecmp(cn, "defaults") == 0;
}

int
sudoers_ldap_convert(const struct ldap_entries *entries, struct sudoers_ldap **outp,
		     struct mfa_parse_err *perr)
{
	struct sudoers_ldap *s = NULL;
	struct role *roles = NULL;
	size_t nroles = 0, i;
	int r = MFA_OK;

	mfa_parse_err_init(perr, "ldap");
	if (outp != NULL)
		*outp = NULL;
	if (entries == NULL || outp == NULL)
		return MFA_ERR_INVALID_ARG;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (roles = calloc(entries->n + 1, sizeof(*roles))) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < entries->n && r == MFA_OK; i++) {
		const struct ldap_entry *e = &entries->v[i];
		const char *order = ldap_entry_first(e, "sudoOrder");
		char *end = NULL;

		if (!ldap_entry_has_value(e, "objectClass", "sudoRole"))
			continue;
		if (is_defaults(e)) {
			r = convert_defaults(s, e, perr);
			continue;
		}
		roles[nroles].e = e;
		roles[nroles].index = i;
		if (order != NULL) {
			errno = 0;
			roles[nroles].order = strtod(order, &end);
			if (errno != 0 || end == order || *end != '\0' ||
			    !isfinite(roles[nroles].order)) {
				mfa_parse_err_set(perr, e->line, 0,
						  "sudoRole %.200s: sudoOrder is not a number",
						  e->dn);
				r = MFA_ERR_PARSE;
			}
		}
		nroles++;
	}
	if (r != MFA_OK)
		goto out;
	qsort(roles, nroles, sizeof(*roles), role_cmp);
	for (i = 0; i < nroles && r == MFA_OK; i++)
		r = convert_role(s, roles[i].e, perr);
out:
	free(roles);
	if (r == MFA_OK) {
		*outp = s;
		s = NULL;
	}
	sudoers_ldap_free(&s);
	return r;
}

void
sudoers_ldap_free(struct sudoers_ldap **sp)
{
	struct sudoers_ldap *s;
	size_t i;

	if (sp == NULL || (s = *sp) == NULL)
		return;
	for (i = 0; i < s->nbuffers; i++) {
		free((char *)s->buffers[i].file);
		free((char *)s->buffers[i].buf);
	}
	for (i = 0; i < s->nnotes; i++)
		free(s->notes[i]);
	free(s->buffers);
	free(s->notes);
	free(s);
	*sp = NULL;
}
