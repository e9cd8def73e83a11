/*
 * audit_ldap.c - directory accounts join the audit: each directory user
 * becomes a subject with source "ldap", its groups (from the directory and
 * from local group lines that list it, as initgroups(3) merges them), and
 * its reasons to be an admin with the group's DN as evidence.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit_internal.h"

static const char *const default_admin_groups[] = ACCOUNTS_DEFAULT_ADMIN_GROUPS;

/* A group name once in s->groups (gid alongside). */
static int
subject_add_group(struct audit_subject *s, size_t cap, const char *name, unsigned gid)
{
	size_t i;

	for (i = 0; i < s->ngroups; i++) {
		if (strcmp(s->groups[i], name) == 0)
			return MFA_OK;
	}
	if (s->ngroups >= cap)
		return MFA_ERR_INTERNAL;
	if ((s->groups[s->ngroups] = strdup(name)) == NULL)
		return MFA_ERR_NOMEM;
	s->gids[s->ngroups++] = gid;
	return MFA_OK;
}

static bool
local_group_lists(const struct account_group *g, const char *name)
{
	size_t i;

	for (i = 0; g != NULL && i < g->nmembers; i++) {
		if (strcmp(g->members[i], name) == 0)
			return true;
	}
	return false;
}

/* Why directory user u is an admin: uid 0, a directory or local admin group. */
static int
admin_reasons(struct audit_ctx *ctx, const struct ldap_user *u, struct audit_account *acc)
{
	const char *const *groups = ctx->opt->admin_groups;
	size_t ngroups = ctx->opt->nadmin_groups, i;
	const char *src = ctx->opt->directory_source != NULL ? ctx->opt->directory_source : "ldap";
	int r;

	if (groups == NULL) {
		groups = default_admin_groups;
		ngroups = ACCOUNTS_NDEFAULT_ADMIN_GROUPS;
	}
	if (u->uid == 0 && (r = audit_strlist_add(&acc->admin_via, &acc->nadmin_via,
						  "uid 0 (%s: %s)", src, u->dn)) != MFA_OK)
		return r;
	for (i = 0; i < ngroups; i++) {
		const struct ldap_membership *m = ldap_user_in_group(ctx->directory, u, groups[i]);
		const struct account_group *lg = accounts_group_by_name(ctx->accounts, groups[i]);

		if (m != NULL) {
			const struct ldap_group *g = &ctx->directory->groups[m->group];
			const struct ldap_group *via = &ctx->directory->groups[m->via];

			if (m->via != m->group)
				r = audit_strlist_add(&acc->admin_via, &acc->nadmin_via,
						      "member of %s (ldap: nested through %s; %s)",
						      groups[i], via->name, g->dn);
			else
				r = audit_strlist_add(&acc->admin_via, &acc->nadmin_via,
						      "member of %s (ldap %s; %s)", groups[i],
						      m->how, g->dn);
			if (r != MFA_OK)
				return r;
		} else if (local_group_lists(lg, u->name) &&
			   (r = audit_strlist_add(&acc->admin_via, &acc->nadmin_via,
						  "member of %s (listed in /etc/group:%u)",
						  groups[i], lg->line)) != MFA_OK) {
			return r;
		}
	}
	return MFA_OK;
}

/* Room for n more subjects and accounts; the subjects' account pointers follow. */
static int
grow_subjects(struct audit_ctx *ctx, size_t n)
{
	struct audit_report *rep = ctx->report;
	struct audit_subject *s;
	struct audit_account *a;
	size_t k;

	if (n == 0)
		return MFA_OK;
	if ((s = realloc(ctx->subjects, (ctx->nsubjects + n + 1) * sizeof(*s))) == NULL)
		return MFA_ERR_NOMEM;
	ctx->subjects = s;
	memset(&s[ctx->nsubjects], 0, (n + 1) * sizeof(*s));
	if ((a = realloc(rep->accounts, (rep->naccounts + n + 1) * sizeof(*a))) == NULL)
		return MFA_ERR_NOMEM;
	rep->accounts = a;
	memset(&a[rep->naccounts], 0, (n + 1) * sizeof(*a));
	for (k = 0; k < ctx->nsubjects; k++)
		ctx->subjects[k].account = &rep->accounts[k];
	return MFA_OK;
}

static int
add_subject(struct audit_ctx *ctx, const struct ldap_user *u)
{
	struct account_user *au = &ctx->dir_users[ctx->ndir_users];
	struct audit_subject *s = &ctx->subjects[ctx->nsubjects];
	struct audit_account *acc = &ctx->report->accounts[ctx->report->naccounts];
	size_t cap = u->ngroups, i;
	int r;

	/* Room for the local groups that list u, not for every local group: a
	 * slot per local group was 2.8 KiB a user on a host with 230 groups. */
	for (i = 0; i < ctx->accounts->ngroups; i++)
		cap += local_group_lists(&ctx->accounts->groups[i], u->name);

	memset(au, 0, sizeof(*au));
	au->name = u->name;
	au->uid = (uid_t)u->uid;
	au->gid = (gid_t)u->gid;
	au->gecos = (char *)"";
	au->home = u->home;
	au->shell = u->shell;
	/* No shell in the directory: nss_ldap and sssd give none, and login(1) runs /bin/sh. */
	au->nologin = u->disabled || accounts_shell_is_nologin(u->shell);
	ctx->ndir_users++;
	if ((acc->name = strdup(u->name)) == NULL)
		return MFA_ERR_NOMEM;
	acc->uid = u->uid;
	acc->source = "ldap";
	acc->can_login = !au->nologin;
	s->user = au;
	s->account = acc;
	s->directory_factor = u->directory_factor;
	if (u->directory_factor != NULL) {
		acc->enrolled = true;
		if ((r = audit_strlist_add(&acc->enrolled_in, &acc->nenrolled_in, "directory: %s",
					   u->directory_factor)) != MFA_OK)
			return r;
	}
	ctx->nsubjects++;
	ctx->report->naccounts++;
	if (cap > 0 && ((s->groups = calloc(cap, sizeof(*s->groups))) == NULL ||
			(s->gids = calloc(cap, sizeof(*s->gids))) == NULL))
		return MFA_ERR_NOMEM;
	for (i = 0; i < u->ngroups; i++) {
		const struct ldap_group *g = &ctx->directory->groups[u->groups[i].group];

		if ((r = subject_add_group(s, cap, g->name, g->gid)) != MFA_OK)
			return r;
	}
	for (i = 0; i < ctx->accounts->ngroups; i++) {
		const struct account_group *g = &ctx->accounts->groups[i];

		if (local_group_lists(g, u->name) &&
		    (r = subject_add_group(s, cap, g->name, (unsigned)g->gid)) != MFA_OK)
			return r;
	}
	return admin_reasons(ctx, u, acc);
}

int
audit_ldap_subjects(struct audit_ctx *ctx, struct mfa_parse_err *perr)
{
	const char *src;
	struct ldap_accounts *d;
	size_t i;
	int r;

	if (ctx->opt->directory == NULL)
		return MFA_OK;
	src = ctx->opt->directory_source != NULL ? ctx->opt->directory_source : "ldap";
	if ((r = ldap_accounts_build(ctx->opt->directory, src, &ctx->directory, perr)) != MFA_OK)
		return r;
	d = ctx->directory;
	if ((r = audit_add_note(ctx->report, "%s: %zu users and %zu groups read", src, d->nusers,
				d->ngroups)) != MFA_OK)
		return r;
	for (i = 0; i < d->nnotes; i++) {
		if ((r = audit_add_note(ctx->report, "%s: %s", src, d->notes[i])) != MFA_OK)
			return r;
	}
	{
		const struct nss_db *pw = nss_conf_db(ctx->nss, "passwd");
		bool files_used;

		if (pw != NULL && !nss_db_uses_directory(pw) &&
		    (r = audit_add_note(
			     ctx->report,
			     "%s: nsswitch.conf's passwd line (%s:%u) lists neither ldap "
			     "nor sss: the directory's users may not log in here; they "
			     "are audited as if they could",
			     src, pw->file, pw->line)) != MFA_OK)
			return r;
		if (audit_nss_directory_first(ctx, "passwd", &files_used) && files_used &&
		    (r = audit_add_note(ctx->report,
					"%s: nsswitch.conf's passwd line asks the directory before "
					"files: for a name in both, the directory's entry logs in, "
					"but this audit takes the local one",
					src)) != MFA_OK)
			return r;
	}
	if ((r = grow_subjects(ctx, d->nusers)) != MFA_OK)
		return r;
	if ((ctx->dir_users = calloc(d->nusers + 1, sizeof(*ctx->dir_users))) == NULL)
		return MFA_ERR_NOMEM;
	for (i = 0; i < d->nusers; i++) {
		const struct ldap_user *u = &d->users[i];
		const struct account_user *local = accounts_user_by_name(ctx->accounts, u->name);

		if (ldap_accounts_user(d, u->name) != u)
			continue; /* a duplicate name: noted by ldap_accounts_build */
		if (local != NULL) {
			/* passwd: files ldap — the local entry is the one that logs in. */
			if ((r = audit_add_note(
				     ctx->report,
				     "%s: %s is also in /etc/passwd:%u, which is the one "
				     "audited (NSS reads files first)",
				     src, u->dn, local->line)) != MFA_OK)
				return r;
			continue;
		}
		if ((r = add_subject(ctx, u)) != MFA_OK)
			return r;
	}
	return MFA_OK;
}

bool
audit_nss_directory_first(const struct audit_ctx *ctx, const char *db, bool *files_usedp)
{
	const struct nss_db *d = nss_conf_db(ctx->nss, db);
	size_t i;
	bool dir_seen = false, first = false;

	*files_usedp = d == NULL;
	for (i = 0; d != NULL && i < d->nsources; i++) {
		const char *name = d->sources[i].name;

		if (strcasecmp(name, "files") == 0 || strcasecmp(name, "compat") == 0) {
			*files_usedp = true;
		} else if (strcasecmp(name, "ldap") == 0 || strcasecmp(name, "sss") == 0) {
			if (!dir_seen && !*files_usedp)
				first = true;
			dir_seen = true;
		}
	}
	return first;
}

int
audit_ldap_nss_findings(struct audit_ctx *ctx)
{
	static const struct {
		const char *db, *what;
	} dbs[] = {
		{"passwd", "its accounts"},
		{"group", "its groups, and the admins they make"},
		{"sudoers", "its sudo rules (sudoRole)"},
	};
	size_t i;
	int r;

	if (ctx->opt->directory != NULL)
		return MFA_OK;
	for (i = 0; i < sizeof(dbs) / sizeof(dbs[0]); i++) {
		const struct nss_db *d = nss_conf_db(ctx->nss, dbs[i].db);

		if (d == NULL || !nss_db_uses_directory(d))
			continue;
		/* Admins the audit cannot see: the host is not proven covered. */
		ctx->report->covered = false;
		if (ctx->report->incomplete == NULL &&
		    (ctx->report->incomplete = strdup(
			     "nsswitch.conf names a directory (ldap or sss) that was not read "
			     "(give --ldap-uri or --ldap-ldif)")) == NULL)
			return MFA_ERR_NOMEM;
		if ((r = audit_add_finding(
			     ctx->report, "nss.directory_not_read", "high", d->file, d->line,
			     "%s comes from a directory (ldap or sss) too, and none was "
			     "read: %s are not audited (give --ldap-uri or --ldap-ldif)",
			     dbs[i].db, dbs[i].what)) != MFA_OK)
			return r;
	}
	return MFA_OK;
}

void
audit_ldap_free(struct audit_ctx *ctx)
{
	free(ctx->dir_users);
	ctx->dir_users = NULL;
	ctx->ndir_users = 0;
	ldap_accounts_free(&ctx->directory);
}
