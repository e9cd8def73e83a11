/*
 * ldap_accounts.c - users, groups and nested memberships from LDAP entries.
 */
#include "ldap_accounts.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mfa_mem.h"
#include "num.h"

/* A sorted lookup key: a string or a number, and the index it names. */
struct la_key {
	const char *s;
	uint32_t n;
	size_t idx;
};

struct la_list {
	struct ldap_membership *v;
	size_t n, cap;
};

struct ldap_accounts_index {
	char **user_ndn, **group_ndn; /* normalised DNs */
	struct la_key *by_uname, *by_udn, *by_gname, *by_gdn, *by_gid, *by_rid;
	size_t nby_gid, nby_rid;
	struct la_list *direct;  /* per user: groups it is listed in */
	struct la_list *parents; /* per group: groups that contain it */
};

#define AD_ACCOUNTDISABLE 0x2u

/* ---- DNs -------------------------------------------------------------------- */

/* A DN lowercased, without the spaces around `,`, `=` and `+`; NULL on NOMEM. */
static char *
dn_normalise(const char *dn)
{
	size_t n = strlen(dn), i, o = 0;
	char *out = malloc(n + 1);

	if (out == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)dn[i];

		if (c == '\\' && i + 1 < n) { /* an escaped character stays as it is */
			out[o++] = dn[i++];
			out[o++] = (char)tolower((unsigned char)dn[i]);
			continue;
		}
		if (c == ' ') {
			size_t j = i;

			while (j < n && dn[j] == ' ')
				j++;
			/* Spaces before a separator, after one, or at either end go. */
			if (o == 0 || j == n || dn[j] == ',' || dn[j] == '=' || dn[j] == '+' ||
			    out[o - 1] == ',' || out[o - 1] == '=' || out[o - 1] == '+') {
				i = j - 1;
				continue;
			}
		}
		out[o++] = (char)tolower(c);
	}
	out[o] = '\0';
	return out;
}

bool
ldap_dn_equal(const char *a, const char *b)
{
	char *na, *nb;
	bool eq;

	if (a == NULL || b == NULL)
		return false;
	na = dn_normalise(a);
	nb = dn_normalise(b);
	eq = na != NULL && nb != NULL && strcmp(na, nb) == 0;
	free(na);
	free(nb);
	return eq;
}

/* ---- sorted keys ------------------------------------------------------------ */

static int
key_cmp_s(const void *a, const void *b)
{
	const struct la_key *x = a, *y = b;
	int c = strcmp(x->s, y->s);

	/* Equal keys keep entry order: the first entry wins, as with getpwnam(3). */
	return c != 0 ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

static int
key_cmp_n(const void *a, const void *b)
{
	const struct la_key *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

/* The first key equal to s (or n), or NULL. */
static const struct la_key *
key_find_s(const struct la_key *keys, size_t nkeys, const char *s)
{
	size_t lo = 0, hi = nkeys;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(keys[mid].s, s) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < nkeys && strcmp(keys[lo].s, s) == 0 ? &keys[lo] : NULL;
}

static const struct la_key *
key_find_n(const struct la_key *keys, size_t nkeys, uint32_t n)
{
	size_t lo = 0, hi = nkeys;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (keys[mid].n < n)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < nkeys && keys[lo].n == n ? &keys[lo] : NULL;
}

/* ---- reading entries ---------------------------------------------------------- */

static int add_note(struct ldap_accounts *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
add_note(struct ldap_accounts *a, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = mfa_strlist_vaddf(&a->notes, &a->nnotes, fmt, ap);
	va_end(ap);
	return r;
}

/* A uidNumber / gidNumber: absent is LDAP_ACCOUNTS_NO_ID; not a number is an error. */
static int
read_id(const struct ldap_entry *e, const char *attr, uint32_t *idp, const char *source,
	struct mfa_parse_err *perr)
{
	const char *v = ldap_entry_first(e, attr);
	uint64_t n;

	*idp = LDAP_ACCOUNTS_NO_ID;
	if (ldap_entry_attr(e, attr) == NULL)
		return MFA_OK;
	if (v == NULL || mfa_parse_u64(v, strlen(v), LDAP_ACCOUNTS_NO_ID - 1, &n) != MFA_OK) {
		mfa_parse_err_init(perr, source);
		mfa_parse_err_set(perr, e->line, 0, "%.200s: %s is not a number below 2^32-1",
				  e->dn, attr);
		return MFA_ERR_PARSE;
	}
	*idp = (uint32_t)n;
	return MFA_OK;
}

/* The RID of a binary objectSid (S-1-x-...-RID), or LDAP_ACCOUNTS_NO_ID. */
static uint32_t
sid_rid(const struct ldap_entry *e)
{
	const struct ldap_attr *a = ldap_entry_attr(e, "objectSid");
	const unsigned char *b;
	size_t n, count;

	if (a == NULL || a->nvalues == 0)
		return LDAP_ACCOUNTS_NO_ID;
	b = (const unsigned char *)a->values[0].v;
	n = a->values[0].len;
	/* revision 1, sub-authority count, 6-byte authority, count 4-byte LE parts */
	if (n < 8 || b[0] != 1)
		return LDAP_ACCOUNTS_NO_ID;
	count = b[1];
	if (count == 0 || n != 8 + 4 * count)
		return LDAP_ACCOUNTS_NO_ID;
	b += 8 + 4 * (count - 1);
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static bool
is_user(const struct ldap_entry *e)
{
	/* AD computer objects are of class user too; they log in to no host. */
	return ldap_entry_has_value(e, "objectClass", "posixAccount") ||
	       (ldap_entry_has_value(e, "objectClass", "user") &&
		!ldap_entry_has_value(e, "objectClass", "computer"));
}

static bool
is_group(const struct ldap_entry *e)
{
	return ldap_entry_has_value(e, "objectClass", "posixGroup") ||
	       ldap_entry_has_value(e, "objectClass", "groupOfNames") ||
	       ldap_entry_has_value(e, "objectClass", "groupOfUniqueNames") ||
	       ldap_entry_has_value(e, "objectClass", "group");
}

static char *
dup_or_empty(const char *s)
{
	return strdup(s != NULL ? s : "");
}

static int
read_user(struct ldap_accounts *a, const struct ldap_entry *e, const char *source,
	  struct mfa_parse_err *perr)
{
	struct ldap_user *u = &a->users[a->nusers];
	const char *name = ldap_entry_first(e, "uid");
	const char *uac = ldap_entry_first(e, "userAccountControl");
	const char *lock = ldap_entry_first(e, "nsAccountLock");
	/* Active Directory's homeDirectory is a Windows path; unixHomeDirectory is the one. */
	const char *home = ldap_entry_first(e, "unixHomeDirectory");
	uint64_t flags;
	int r;

	if (name == NULL)
		name = ldap_entry_first(e, "sAMAccountName");
	if (name == NULL || name[0] == '\0')
		return add_note(a,
				"%.200s: a user entry without uid or sAMAccountName, passed over",
				e->dn);
	if (home == NULL && !(ldap_entry_has_value(e, "objectClass", "user") &&
			      !ldap_entry_has_value(e, "objectClass", "posixAccount")))
		home = ldap_entry_first(e, "homeDirectory");
	memset(u, 0, sizeof(*u));
	u->entry = e;
	if ((r = read_id(e, "uidNumber", &u->uid, source, perr)) != MFA_OK ||
	    (r = read_id(e, "gidNumber", &u->gid, source, perr)) != MFA_OK)
		return r;
	if ((u->name = strdup(name)) == NULL || (u->dn = strdup(e->dn)) == NULL ||
	    (u->home = dup_or_empty(home)) == NULL ||
	    (u->shell = dup_or_empty(ldap_entry_first(e, "loginShell"))) == NULL) {
		free(u->name);
		free(u->dn);
		free(u->home);
		return MFA_ERR_NOMEM;
	}
	if (uac != NULL && mfa_parse_u64(uac, strlen(uac), UINT32_MAX, &flags) == MFA_OK &&
	    (flags & AD_ACCOUNTDISABLE) != 0)
		u->disabled = true;
	if (lock != NULL && strcasecmp(lock, "TRUE") == 0)
		u->disabled = true;
	a->nusers++;
	return MFA_OK;
}

static int
read_group(struct ldap_accounts *a, const struct ldap_entry *e, const char *source,
	   struct mfa_parse_err *perr)
{
	struct ldap_group *g = &a->groups[a->ngroups];
	const char *name = ldap_entry_first(e, "cn");
	int r;

	if (ldap_entry_has_value(e, "objectClass", "group") &&
	    ldap_entry_first(e, "sAMAccountName") != NULL)
		name = ldap_entry_first(e, "sAMAccountName");
	if (name == NULL || name[0] == '\0')
		return add_note(a, "%.200s: a group entry without cn, passed over", e->dn);
	memset(g, 0, sizeof(*g));
	if ((r = read_id(e, "gidNumber", &g->gid, source, perr)) != MFA_OK)
		return r;
	g->rid = sid_rid(e);
	if ((g->name = strdup(name)) == NULL || (g->dn = strdup(e->dn)) == NULL) {
		free(g->name);
		return MFA_ERR_NOMEM;
	}
	a->ngroups++;
	return MFA_OK;
}

/* ---- the index ---------------------------------------------------------------- */

static int
keys_of_strings(char *const *strs, size_t n, struct la_key **outp)
{
	struct la_key *k;
	size_t i;

	if ((k = calloc(n + 1, sizeof(*k))) == NULL)
		return MFA_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		k[i].s = strs[i];
		k[i].idx = i;
	}
	qsort(k, n, sizeof(*k), key_cmp_s);
	*outp = k;
	return MFA_OK;
}

static int
build_index(struct ldap_accounts *a)
{
	struct ldap_accounts_index *ix;
	char **names = NULL;
	size_t i;
	int r = MFA_ERR_NOMEM;

	if ((ix = calloc(1, sizeof(*ix))) == NULL)
		return MFA_ERR_NOMEM;
	a->index = ix;
	if ((ix->user_ndn = calloc(a->nusers + 1, sizeof(char *))) == NULL ||
	    (ix->group_ndn = calloc(a->ngroups + 1, sizeof(char *))) == NULL ||
	    (names = calloc(a->nusers + a->ngroups + 1, sizeof(char *))) == NULL ||
	    (ix->by_gid = calloc(a->ngroups + 1, sizeof(*ix->by_gid))) == NULL ||
	    (ix->by_rid = calloc(a->ngroups + 1, sizeof(*ix->by_rid))) == NULL ||
	    (ix->direct = calloc(a->nusers + 1, sizeof(*ix->direct))) == NULL ||
	    (ix->parents = calloc(a->ngroups + 1, sizeof(*ix->parents))) == NULL)
		goto out;
	for (i = 0; i < a->nusers; i++) {
		if ((ix->user_ndn[i] = dn_normalise(a->users[i].dn)) == NULL)
			goto out;
		names[i] = a->users[i].name;
	}
	if ((r = keys_of_strings(names, a->nusers, &ix->by_uname)) != MFA_OK ||
	    (r = keys_of_strings(ix->user_ndn, a->nusers, &ix->by_udn)) != MFA_OK)
		goto out;
	r = MFA_ERR_NOMEM;
	for (i = 0; i < a->ngroups; i++) {
		if ((ix->group_ndn[i] = dn_normalise(a->groups[i].dn)) == NULL)
			goto out;
		names[i] = a->groups[i].name;
		if (a->groups[i].gid != LDAP_ACCOUNTS_NO_ID) {
			ix->by_gid[ix->nby_gid].n = a->groups[i].gid;
			ix->by_gid[ix->nby_gid++].idx = i;
		}
		if (a->groups[i].rid != LDAP_ACCOUNTS_NO_ID) {
			ix->by_rid[ix->nby_rid].n = a->groups[i].rid;
			ix->by_rid[ix->nby_rid++].idx = i;
		}
	}
	if ((r = keys_of_strings(names, a->ngroups, &ix->by_gname)) != MFA_OK ||
	    (r = keys_of_strings(ix->group_ndn, a->ngroups, &ix->by_gdn)) != MFA_OK)
		goto out;
	qsort(ix->by_gid, ix->nby_gid, sizeof(*ix->by_gid), key_cmp_n);
	qsort(ix->by_rid, ix->nby_rid, sizeof(*ix->by_rid), key_cmp_n);
	r = MFA_OK;
out:
	free(names);
	return r;
}

static void
index_free(struct ldap_accounts_index *ix, size_t nusers, size_t ngroups)
{
	size_t i;

	if (ix == NULL)
		return;
	for (i = 0; ix->user_ndn != NULL && i < nusers; i++)
		free(ix->user_ndn[i]);
	for (i = 0; ix->group_ndn != NULL && i < ngroups; i++)
		free(ix->group_ndn[i]);
	for (i = 0; ix->direct != NULL && i < nusers; i++)
		free(ix->direct[i].v);
	for (i = 0; ix->parents != NULL && i < ngroups; i++)
		free(ix->parents[i].v);
	free(ix->user_ndn);
	free(ix->group_ndn);
	free(ix->by_uname);
	free(ix->by_udn);
	free(ix->by_gname);
	free(ix->by_gdn);
	free(ix->by_gid);
	free(ix->by_rid);
	free(ix->direct);
	free(ix->parents);
	free(ix);
}

static int
list_add(struct la_list *l, size_t group, size_t via, const char *how)
{
	size_t i;
	int r;

	for (i = 0; i < l->n; i++) {
		if (l->v[i].group == group)
			return MFA_OK;
	}
	if ((r = mfa_grow_array((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v))) != MFA_OK)
		return r;
	l->v[l->n].group = group;
	l->v[l->n].via = via;
	l->v[l->n].how = how;
	l->n++;
	return MFA_OK;
}

/* The user or group a DN names: *userp / *groupp (SIZE_MAX when not that kind). */
static int
find_dn(const struct ldap_accounts *a, const char *dn, size_t *userp, size_t *groupp)
{
	const struct ldap_accounts_index *ix = a->index;
	const struct la_key *k;
	char *ndn;
	size_t n;

	*userp = *groupp = SIZE_MAX;
	/* uniqueMember may end in #'0101'B, an optional unique identifier. */
	n = strlen(dn);
	if (n > 0 && dn[n - 1] == 'B' && strstr(dn, "#'") != NULL)
		n = (size_t)(strstr(dn, "#'") - dn);
	if ((ndn = strndup(dn, n)) == NULL)
		return MFA_ERR_NOMEM;
	{
		char *tmp = dn_normalise(ndn);

		free(ndn);
		if ((ndn = tmp) == NULL)
			return MFA_ERR_NOMEM;
	}
	if ((k = key_find_s(ix->by_udn, a->nusers, ndn)) != NULL)
		*userp = k->idx;
	else if ((k = key_find_s(ix->by_gdn, a->ngroups, ndn)) != NULL)
		*groupp = k->idx;
	free(ndn);
	return MFA_OK;
}

/* The members a group lists: user names and DNs of users and groups. */
static int
group_members(struct ldap_accounts *a, const struct ldap_entry *e, size_t gi)
{
	static const char *const dn_attrs[] = {"member", "uniqueMember"};
	struct ldap_accounts_index *ix = a->index;
	const struct ldap_attr *at = ldap_entry_attr(e, "memberUid");
	size_t i, k, u, g;
	int r;

	for (i = 0; at != NULL && i < at->nvalues; i++) {
		const struct la_key *key = key_find_s(ix->by_uname, a->nusers, at->values[i].v);

		if (key != NULL &&
		    (r = list_add(&ix->direct[key->idx], gi, gi, "memberUid")) != MFA_OK)
			return r;
	}
	for (k = 0; k < 2; k++) {
		at = ldap_entry_attr(e, dn_attrs[k]);
		for (i = 0; at != NULL && i < at->nvalues; i++) {
			if ((r = find_dn(a, at->values[i].v, &u, &g)) != MFA_OK)
				return r;
			if (u != SIZE_MAX)
				r = list_add(&ix->direct[u], gi, gi, dn_attrs[k]);
			else if (g != SIZE_MAX && g != gi)
				r = list_add(&ix->parents[g], gi, gi, dn_attrs[k]);
			if (r != MFA_OK)
				return r;
		}
	}
	return MFA_OK;
}

/* memberOf of a user (direct groups) or of a group (its parents). */
static int
member_of(struct ldap_accounts *a, const struct ldap_entry *e, struct la_list *l)
{
	const struct ldap_attr *at = ldap_entry_attr(e, "memberOf");
	size_t i, u, g;
	int r;

	for (i = 0; at != NULL && i < at->nvalues; i++) {
		if ((r = find_dn(a, at->values[i].v, &u, &g)) != MFA_OK)
			return r;
		if (g != SIZE_MAX && (r = list_add(l, g, g, "memberOf")) != MFA_OK)
			return r;
	}
	return MFA_OK;
}

/* User i's groups: its direct ones, then every group containing one, breadth first. */
static int
user_closure(struct ldap_accounts *a, size_t i, size_t *stamp)
{
	struct ldap_accounts_index *ix = a->index;
	struct ldap_user *u = &a->users[i];
	struct la_list all = {NULL, 0, 0};
	struct ldap_membership *shrunk;
	const struct la_key *k;
	const char *pgid = ldap_entry_first(u->entry, "primaryGroupID");
	uint64_t rid;
	size_t j, p;
	int r;

	if ((r = member_of(a, u->entry, &ix->direct[i])) != MFA_OK)
		return r;
	if (u->gid != LDAP_ACCOUNTS_NO_ID &&
	    (k = key_find_n(ix->by_gid, ix->nby_gid, u->gid)) != NULL &&
	    (r = list_add(&ix->direct[i], k->idx, k->idx, "gidNumber")) != MFA_OK)
		return r;
	if (pgid != NULL && mfa_parse_u64(pgid, strlen(pgid), UINT32_MAX - 1, &rid) == MFA_OK &&
	    (k = key_find_n(ix->by_rid, ix->nby_rid, (uint32_t)rid)) != NULL &&
	    (r = list_add(&ix->direct[i], k->idx, k->idx, "primaryGroupID")) != MFA_OK)
		return r;
	for (j = 0; j < ix->direct[i].n && r == MFA_OK; j++) {
		r = list_add(&all, ix->direct[i].v[j].group, ix->direct[i].v[j].group,
			     ix->direct[i].v[j].how);
		stamp[ix->direct[i].v[j].group] = i + 1;
	}
	for (j = 0; j < all.n && r == MFA_OK; j++) {
		const struct la_list *up = &ix->parents[all.v[j].group];

		for (p = 0; p < up->n && r == MFA_OK; p++) {
			if (stamp[up->v[p].group] == i + 1)
				continue;
			stamp[up->v[p].group] = i + 1;
			r = list_add(&all, up->v[p].group, all.v[j].group, "nested");
		}
	}
	if (r != MFA_OK) {
		free(all.v);
		return r;
	}
	/* Kept for the whole audit, one a user: no room to spare (the lists
	 * grow 8 at a time).  The direct list served its turn. */
	if (all.n > 0 && all.n < all.cap &&
	    (shrunk = realloc(all.v, all.n * sizeof(*all.v))) != NULL)
		all.v = shrunk;
	u->groups = all.v;
	u->ngroups = all.n;
	free(ix->direct[i].v);
	memset(&ix->direct[i], 0, sizeof(ix->direct[i]));
	return MFA_OK;
}

/* Direct groups of every user and parents of every group, then each user's closure. */
static int
resolve(struct ldap_accounts *a, const struct ldap_entries *entries, const size_t *gentry)
{
	size_t *stamp = NULL, i;
	int r = MFA_OK;

	for (i = 0; i < a->ngroups; i++) {
		if ((r = group_members(a, &entries->v[gentry[i]], i)) != MFA_OK ||
		    (r = member_of(a, &entries->v[gentry[i]], &a->index->parents[i])) != MFA_OK)
			return r;
	}
	if ((stamp = calloc(a->ngroups + 1, sizeof(*stamp))) == NULL)
		return MFA_ERR_NOMEM;
	for (i = 0; i < a->nusers && r == MFA_OK; i++)
		r = user_closure(a, i, stamp);
	free(stamp);
	return r;
}

/* ---- second factors the directory enforces ------------------------------------ */

static bool
is_ipa_token(const struct ldap_entry *e)
{
	return ldap_entry_has_value(e, "objectClass", "ipatokenTOTP") ||
	       ldap_entry_has_value(e, "objectClass", "ipatokenHOTP");
}

static bool
is_oath_token(const struct ldap_entry *e)
{
	return ldap_entry_has_value(e, "objectClass", "oathHOTPToken") ||
	       ldap_entry_has_value(e, "objectClass", "oathTOTPToken");
}

/* FreeIPA's authentication types: OTP required when otp is there and password is not. */
static bool
otp_only(const struct ldap_entry *e)
{
	return ldap_entry_has_value(e, "ipaUserAuthType", "otp") &&
	       !ldap_entry_has_value(e, "ipaUserAuthType", "password");
}

/* The OATH-LDAP token a user's oathHOTPToken/oathTOTPToken names, if it exists. */
static const struct ldap_entry *
oath_token_of(const struct ldap_entries *entries, const struct ldap_entry *u)
{
	static const char *const refs[] = {"oathHOTPToken", "oathTOTPToken"};
	size_t k, i, t;

	for (k = 0; k < 2; k++) {
		const struct ldap_attr *a = ldap_entry_attr(u, refs[k]);

		for (i = 0; a != NULL && i < a->nvalues; i++) {
			for (t = 0; t < entries->n; t++) {
				if (is_oath_token(&entries->v[t]) &&
				    ldap_dn_equal(entries->v[t].dn, a->values[i].v))
					return &entries->v[t];
			}
		}
	}
	return NULL;
}

static int
directory_factors(struct ldap_accounts *a, const struct ldap_entries *entries)
{
	const struct ldap_entry *config = NULL;
	const struct ldap_entry **ipa_token = NULL;
	size_t i, u, g;
	int r = MFA_OK;

	if ((ipa_token = calloc(a->nusers + 1, sizeof(*ipa_token))) == NULL)
		return MFA_ERR_NOMEM;
	for (i = 0; i < entries->n && r == MFA_OK; i++) {
		const struct ldap_entry *e = &entries->v[i];
		const char *owner = ldap_entry_first(e, "ipatokenOwner");
		const char *off = ldap_entry_first(e, "ipatokenDisabled");

		if (strncasecmp(e->dn, "cn=ipaConfig,", 13) == 0 &&
		    ldap_entry_attr(e, "ipaUserAuthType") != NULL)
			config = e;
		if (!is_ipa_token(e) || owner == NULL ||
		    (off != NULL && strcasecmp(off, "TRUE") == 0))
			continue;
		if ((r = find_dn(a, owner, &u, &g)) == MFA_OK && u != SIZE_MAX &&
		    ipa_token[u] == NULL)
			ipa_token[u] = e;
	}
	for (u = 0; u < a->nusers && r == MFA_OK; u++) {
		const struct ldap_entry *e = a->users[u].entry;
		const struct ldap_entry *types =
			ldap_entry_attr(e, "ipaUserAuthType") != NULL ? e : config;
		const struct ldap_entry *oath;
		int n = 0;

		if (types != NULL && otp_only(types) && ipa_token[u] != NULL)
			n = asprintf(&a->users[u].directory_factor,
				     "FreeIPA: ipaUserAuthType otp without password (%.200s), "
				     "enabled token %.200s",
				     types == e ? "the user's" : types->dn, ipa_token[u]->dn);
		else if ((oath = oath_token_of(entries, e)) != NULL)
			n = asprintf(&a->users[u].directory_factor, "OATH-LDAP: token %.200s",
				     oath->dn);
		if (n < 0) {
			a->users[u].directory_factor = NULL;
			r = MFA_ERR_NOMEM;
		}
	}
	free(ipa_token);
	return r;
}

int
ldap_accounts_build(const struct ldap_entries *entries, const char *source,
		    struct ldap_accounts **outp, struct mfa_parse_err *perr)
{
	struct ldap_accounts *a = NULL;
	size_t *gentry = NULL, i;
	int r = MFA_ERR_NOMEM;

	mfa_parse_err_init(perr, source != NULL ? source : "ldap");
	if (outp != NULL)
		*outp = NULL;
	if (entries == NULL || outp == NULL)
		return MFA_ERR_INVALID_ARG;
	if ((a = calloc(1, sizeof(*a))) == NULL ||
	    (a->users = calloc(entries->n + 1, sizeof(*a->users))) == NULL ||
	    (a->groups = calloc(entries->n + 1, sizeof(*a->groups))) == NULL ||
	    (gentry = calloc(entries->n + 1, sizeof(*gentry))) == NULL)
		goto out;
	for (i = 0; i < entries->n; i++) {
		const struct ldap_entry *e = &entries->v[i];
		size_t before = a->ngroups;
		size_t k;

		/*
		 * Active Directory hands out a large member list in ranges
		 * (member;range=0-1499) to be fetched piece by piece; reading only the
		 * first piece would drop members silently.  Not read yet: refuse.
		 */
		for (k = 0; k < e->nattrs; k++) {
			if (strcasestr(e->attrs[k].name, ";range=") != NULL) {
				mfa_parse_err_set(
					perr, e->line, 0,
					"%.200s: %.64s: a ranged attribute (a group larger "
					"than the server's MaxValRange) is not read yet",
					e->dn, e->attrs[k].name);
				r = MFA_ERR_PARSE;
				goto out;
			}
		}

		if (is_user(e))
			r = read_user(a, e, source, perr);
		else if (is_group(e))
			r = read_group(a, e, source, perr);
		else
			r = MFA_OK;
		if (r != MFA_OK)
			goto out;
		if (a->ngroups > before)
			gentry[before] = i;
	}
	if ((r = build_index(a)) != MFA_OK)
		goto out;
	/* A second entry with a name already taken is not the one NSS returns. */
	for (i = 1; i < a->nusers; i++) {
		const struct la_key *k =
			key_find_s(a->index->by_uname, a->nusers, a->users[i].name);

		if (k != NULL && k->idx != i &&
		    (r = add_note(a,
				  "%.200s: user name %.64s is also %.200s, which is the one used",
				  a->users[i].dn, a->users[i].name, a->users[k->idx].dn)) != MFA_OK)
			goto out;
	}
	if ((r = resolve(a, entries, gentry)) == MFA_OK)
		r = directory_factors(a, entries);
out:
	free(gentry);
	if (r == MFA_OK) {
		*outp = a;
		a = NULL;
	}
	ldap_accounts_free(&a);
	return r;
}

void
ldap_accounts_free(struct ldap_accounts **ap)
{
	struct ldap_accounts *a;
	size_t i;

	if (ap == NULL || (a = *ap) == NULL)
		return;
	index_free(a->index, a->nusers, a->ngroups);
	for (i = 0; i < a->nusers; i++) {
		free(a->users[i].name);
		free(a->users[i].dn);
		free(a->users[i].home);
		free(a->users[i].shell);
		free(a->users[i].groups);
		free(a->users[i].directory_factor);
	}
	for (i = 0; i < a->ngroups; i++) {
		free(a->groups[i].name);
		free(a->groups[i].dn);
	}
	for (i = 0; i < a->nnotes; i++)
		free(a->notes[i]);
	free(a->notes);
	free(a->users);
	free(a->groups);
	free(a);
	*ap = NULL;
}

const struct ldap_user *
ldap_accounts_user(const struct ldap_accounts *a, const char *name)
{
	const struct la_key *k;

	if (a == NULL || name == NULL || a->index == NULL)
		return NULL;
	k = key_find_s(a->index->by_uname, a->nusers, name);
	return k != NULL ? &a->users[k->idx] : NULL;
}

const struct ldap_membership *
ldap_user_in_group(const struct ldap_accounts *a, const struct ldap_user *u, const char *group)
{
	size_t i;

	if (a == NULL || u == NULL || group == NULL)
		return NULL;
	for (i = 0; i < u->ngroups; i++) {
		if (strcmp(a->groups[u->groups[i].group].name, group) == 0)
			return &u->groups[i];
	}
	return NULL;
}
