/*
 * audit_sudo.c - sudo as an access path: which accounts sudoers lets run
 * commands as root, which of those commands need no authentication, and
 * for the others whether the PAM stack sudo uses requires a second factor.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_internal.h"
#include "sudoers.h"
#include "sudoers_ldap.h"

static int
add_grant_evidence(struct audit_path *p, const struct sudoers_grant *g)
{
	size_t i;
	int r;

	if ((r = audit_path_add_evidence(p, g->rule.file, g->rule.line, "%s", g->rule.text)) !=
	    MFA_OK)
		return r;
	for (i = 0; i < g->ndefaults; i++) {
		if ((r = audit_path_add_evidence(p, g->defaults[i].file, g->defaults[i].line, "%s",
						 g->defaults[i].text)) != MFA_OK)
			return r;
	}
	return MFA_OK;
}

static const struct audit_subject *
subject_by_uid(const struct audit_ctx *ctx, unsigned uid)
{
	size_t i;

	for (i = 0; i < ctx->nsubjects; i++) {
		if (ctx->subjects[i].user->uid == uid)
			return &ctx->subjects[i];
	}
	return NULL;
}

/* One path per grant: without authentication a gap; else what PAM requires. */
static int
grant_path(struct audit_ctx *ctx, const struct audit_subject *s, const struct sudoers_grant *g,
	   const char *service, struct mfa_parse_err *perr)
{
	const struct audit_subject *who = s;
	struct audit_pam_verdict v;
	struct audit_path *p;
	char detail[512];
	int r;

	snprintf(detail, sizeof(detail), "%s %s%s", g->runas[0] != '\0' ? g->runas : "(root)",
		 g->command, strcmp(service, g->pam_service) != 0 ? " with sudo -i" : "");
	if ((p = audit_add_path(ctx->report, AUDIT_PATH_SUDO, service, s->user->name, detail)) ==
	    NULL)
		return MFA_ERR_NOMEM;
	if (g->uncertain) {
		if ((r = audit_path_set_reason(
			     p, false, "this rule may apply (%s): %s",
			     g->uncertain_why != NULL ? g->uncertain_why : "uncertain match",
			     g->authenticate ? "checked as if it did"
					     : "without authentication")) != MFA_OK)
			return r;
		if (!g->authenticate)
			return add_grant_evidence(p, g);
	}
	if (!g->authenticate) {
		if ((r = audit_path_set_reason(p, false, "root without authentication: %s",
					       g->auth_reason != NULL ? g->auth_reason
								      : "no password asked")) !=
		    MFA_OK)
			return r;
		return add_grant_evidence(p, g);
	}
	/* rootpw/targetpw/runaspw: PAM authenticates root, with root's factors. */
	if (g->password_of != SUDOERS_PW_USER && (who = subject_by_uid(ctx, 0)) == NULL)
		who = s;
	if ((r = audit_pam_evaluate(ctx, service, who, false, &v, perr)) != MFA_OK)
		return r;
	r = audit_pam_describe(ctx, p, service, &v);
	audit_pam_verdict_clear(&v);
	if (r == MFA_OK && g->uncertain)
		r = audit_path_set_reason(p, false, "this rule may apply (%s), and then: %s",
					  g->uncertain_why != NULL ? g->uncertain_why : "uncertain",
					  p->reason);
	if (r == MFA_OK)
		r = add_grant_evidence(p, g);
	if (r == MFA_OK && g->password_of != SUDOERS_PW_USER)
		r = audit_add_finding(ctx->report, "sudo.target_password", "medium", g->rule.file,
				      g->rule.line,
				      "sudo asks for the %s password (%s): PAM checks that "
				      "account's factor, not %s's",
				      sudoers_pw_name(g->password_of),
				      sudoers_pw_name(g->password_of), s->user->name);
	return r;
}

/*
 * The directory's sudoRole entries as sudoers lines, when nsswitch.conf's
 * sudoers line names ldap or sss and a directory was read; *slp stays NULL
 * otherwise.  *files_usedp / *dir_firstp: the order of the sources.
 */
static int
directory_rules(struct audit_ctx *ctx, struct sudoers_ldap **slp, bool *files_usedp,
		bool *dir_firstp, struct mfa_parse_err *perr)
{
	const struct nss_db *db = nss_conf_db(ctx->nss, "sudoers");
	size_t i;
	int r;

	*slp = NULL;
	*files_usedp = true;
	*dir_firstp = false;
	if (ctx->opt->directory == NULL || db == NULL || !nss_db_uses_directory(db))
		return MFA_OK;
	*dir_firstp = audit_nss_directory_first(ctx, "sudoers", files_usedp);
	if ((r = sudoers_ldap_convert(ctx->opt->directory, slp, perr)) != MFA_OK)
		return r;
	if ((r = audit_add_note(ctx->report, "sudo rules: %s (%s:%u), %zu from the directory %s",
				db->name, db->file, db->line, (*slp)->nbuffers,
				ctx->opt->directory_source != NULL ? ctx->opt->directory_source
								   : "")) != MFA_OK)
		return r;
	for (i = 0; i < (*slp)->nnotes; i++) {
		if ((r = audit_add_note(ctx->report, "%s", (*slp)->notes[i])) != MFA_OK)
			return r;
	}
	return MFA_OK;
}

static int
no_sudo(struct audit_ctx *ctx, const char *why)
{
	audit_mark_service(ctx, "sudo");
	audit_mark_service(ctx, "sudo-i");
	return audit_add_note(ctx->report, "%s: sudo not audited", why);
}

int
audit_sudo_paths(struct audit_ctx *ctx, struct mfa_parse_err *perr)
{
	struct sudoers *sd = NULL;
	struct sudoers_ldap *sl = NULL;
	const struct sudoers_buffer *extra = NULL;
	size_t k, i, nextra = 0;
	bool files_used, dir_first;
	int r;

	if ((r = directory_rules(ctx, &sl, &files_used, &dir_first, perr)) != MFA_OK)
		goto out;
	if (sl != NULL) {
		extra = sl->buffers;
		nextra = sl->nbuffers;
	}
	if (!files_used && nextra == 0) {
		r = no_sudo(ctx, "sudo rules come only from the directory, which holds none");
		goto out;
	}
	r = sudoers_load_with(ctx->rootfd, files_used ? "/etc/sudoers" : NULL, ctx->hostname, extra,
			      nextra, dir_first, &sd, perr);
	if (r == MFA_ERR_NOT_FOUND && nextra > 0) {
		r = sudoers_load_with(ctx->rootfd, NULL, ctx->hostname, extra, nextra, dir_first,
				      &sd, perr);
		if (r == MFA_OK)
			r = audit_add_note(
				ctx->report,
				"no /etc/sudoers: only the directory's rules are audited");
	} else if (r == MFA_ERR_NOT_FOUND) {
		r = no_sudo(ctx, "no /etc/sudoers");
		goto out;
	}
	if (r != MFA_OK)
		goto out;
	for (i = 0; i < sd->nwarnings; i++) {
		if ((r = audit_add_finding(ctx->report, "sudo.warning", "low", NULL, 0, "%s",
					   sd->warnings[i])) != MFA_OK)
			goto out;
	}
	for (k = 0; k < ctx->nsubjects; k++) {
		struct audit_subject *s = &ctx->subjects[k];
		struct sudoers_account acct;
		struct sudoers_grants *grants = NULL;

		/* Root needs no sudo; an account without a shell cannot run it. */
		if (s->user->uid == 0 || !s->account->can_login)
			continue;
		memset(&acct, 0, sizeof(acct));
		acct.name = s->user->name;
		acct.uid = (unsigned)s->user->uid;
		acct.gid = (unsigned)s->user->gid;
		acct.groups = (const char *const *)s->groups;
		acct.gids = s->gids;
		acct.ngroups = s->ngroups;
		acct.host = ctx->hostname;
		if ((r = sudoers_evaluate(sd, &acct, &grants)) != MFA_OK)
			goto out;
		for (i = 0; i < grants->n && r == MFA_OK; i++) {
			const struct sudoers_grant *g = &grants->v[i];

			if (!g->runas_root)
				continue;
			r = audit_strlist_add(&s->account->admin_via, &s->account->nadmin_via,
					      "sudoers: %s:%u", g->rule.file, g->rule.line);
			if (r == MFA_OK)
				r = grant_path(ctx, s, g, g->pam_service, perr);
			if (r == MFA_OK && g->authenticate &&
			    strcmp(g->pam_login_service, g->pam_service) != 0)
				r = grant_path(ctx, s, g, g->pam_login_service, perr);
			audit_mark_service(ctx, g->pam_service);
			audit_mark_service(ctx, g->pam_login_service);
		}
		sudoers_grants_free(&grants);
		if (r != MFA_OK)
			goto out;
	}
	audit_mark_service(ctx, "sudo");
	audit_mark_service(ctx, "sudo-i");
	r = MFA_OK;
out:
	sudoers_free(&sd);
	sudoers_ldap_free(&sl);
	return r;
}
