/*
 * audit_vpn.c - OpenVPN servers as access paths: which PAM stack (if any)
 * decides who gets in, and whether anything else does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_internal.h"
#include "openvpn_config.h"

static void
directive_text(const struct openvpn_directive *d, char *buf, size_t size)
{
	size_t o = 0, i;

	buf[0] = '\0';
	for (i = 0; i < d->argc && o < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%s", i > 0 ? " " : "", d->argv[i]);
}

static int
add_directive(struct audit_path *p, const struct openvpn_config *c, size_t idx)
{
	char text[512];

	if (idx >= c->ndirectives)
		return MFA_OK;
	directive_text(&c->directives[idx], text, sizeof(text));
	return audit_path_add_evidence(p, c->directives[idx].file, c->directives[idx].line, "%s",
				       text);
}

/*
 * Anyone may try the VPN: its PAM stack is judged for a user who has no
 * factor enrolled and belongs to no group, so an exemption for such users
 * (nullok, only=) shows as the gap it is for remote access.
 */
static int
vpn_pam_path(struct audit_ctx *ctx, const struct openvpn_config *c, const struct openvpn_auth *a,
	     struct mfa_parse_err *perr)
{
	static struct account_user nobody = {
		.name = (char *)"*",
		.uid = 65534,
		.gid = 65534,
		.home = (char *)"/nonexistent",
		.shell = (char *)"/usr/sbin/nologin",
		.nologin = true,
	};
	struct audit_account acct;
	struct audit_subject s;
	struct audit_pam_verdict v;
	struct audit_path *p;
	char detail[600];
	unsigned factors;
	int r;

	memset(&acct, 0, sizeof(acct));
	memset(&s, 0, sizeof(s));
	acct.name = (char *)"*";
	s.user = &nobody;
	s.account = &acct;
	if ((r = audit_pam_evaluate(ctx, a->pam_service, &s, true, &v, perr)) != MFA_OK)
		return r;
	audit_mark_service(ctx, a->pam_service);
	snprintf(detail, sizeof(detail), "OpenVPN server %s, client certificate %s", c->path,
		 openvpn_client_cert_name(c->client_cert));
	if ((p = audit_add_path(ctx->report, AUDIT_PATH_VPN, a->pam_service, "*", detail)) ==
	    NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	factors = (unsigned)(c->client_cert == OPENVPN_CERT_REQUIRE) +
		  (unsigned)(v.can_succeed && v.needs_second) +
		  (unsigned)(v.can_succeed && v.needs_password);
	if (v.can_succeed && !v.needs_second && factors >= 2) {
		/* A certificate and a password: two factors, though no one-time code. */
		r = audit_path_set_reason(p, true,
					  "a client certificate and the %s stack's password: two "
					  "factors",
					  a->pam_service);
	} else {
		r = audit_pam_describe(ctx, p, a->pam_service, &v);
	}
	if (r == MFA_OK)
		r = add_directive(p, c, a->directive);
	if (r == MFA_OK && c->client_cert_directive != OPENVPN_NONE)
		r = add_directive(p, c, c->client_cert_directive);
	if (r == MFA_OK && c->auth_gen_token)
		r = audit_add_finding(ctx->report, "vpn.auth_gen_token", "medium", c->path, 0,
				      "%s: auth-gen-token lets later logins use a token instead of "
				      "the factors",
				      c->path);
	for (size_t i = 0; r == MFA_OK && i < acct.nenrolled_in; i++)
		free(acct.enrolled_in[i]);
	free(acct.enrolled_in);
out:
	audit_pam_verdict_clear(&v);
	return r;
}

int
audit_vpn_paths(struct audit_ctx *ctx, struct mfa_parse_err *perr)
{
	struct openvpn_configs *cfgs = NULL;
	size_t i, j;
	int r;

	if ((r = openvpn_configs_load(ctx->rootfd, &cfgs, perr)) == MFA_ERR_NOT_FOUND)
		return MFA_OK;
	if (r != MFA_OK)
		return r;
	/* OpenVPN refuses a malformed file; so does the audit. */
	if ((r = openvpn_configs_first_problem(cfgs, perr)) != MFA_OK)
		goto out;
	for (i = 0; i < cfgs->n; i++) {
		const struct openvpn_config *c = &cfgs->configs[i];
		struct audit_path *p;
		const char *why = NULL;
		char detail[600];

		switch (c->verdict) {
		case OPENVPN_VERDICT_NOT_SERVER:
		case OPENVPN_VERDICT_BROKEN:
			continue;
		case OPENVPN_VERDICT_PAM:
			for (j = 0; j < c->nauths; j++) {
				if (c->auths[j].kind == OPENVPN_AUTH_PAM_PLUGIN &&
				    (r = vpn_pam_path(ctx, c, &c->auths[j], perr)) != MFA_OK)
					goto out;
			}
			continue;
		case OPENVPN_VERDICT_NOT_PROVABLE:
			why = "a script, plugin or management interface decides who gets in: "
			      "a second factor cannot be proven";
			break;
		case OPENVPN_VERDICT_CERT_ONLY:
			why = "a client certificate alone: one factor";
			break;
		case OPENVPN_VERDICT_STATIC_KEY:
			why = "one pre-shared static key: one factor, shared by everyone";
			break;
		case OPENVPN_VERDICT_NO_CLIENT_AUTH:
			why = "neither users nor certificates are checked";
			break;
		}
		snprintf(detail, sizeof(detail), "OpenVPN server %s", c->path);
		if ((p = audit_add_path(ctx->report, AUDIT_PATH_VPN, "openvpn", "*", detail)) ==
			    NULL ||
		    (r = audit_path_set_reason(p, false, "%s", why)) != MFA_OK) {
			r = r != MFA_OK ? r : MFA_ERR_NOMEM;
			goto out;
		}
		if (c->role_directive != OPENVPN_NONE &&
		    (r = add_directive(p, c, c->role_directive)) != MFA_OK)
			goto out;
		for (j = 0; j < c->nauths; j++) {
			if ((r = add_directive(p, c, c->auths[j].directive)) != MFA_OK)
				goto out;
		}
		if (c->client_cert_directive != OPENVPN_NONE &&
		    (r = add_directive(p, c, c->client_cert_directive)) != MFA_OK)
			goto out;
	}
	r = MFA_OK;
out:
	openvpn_configs_free(&cfgs);
	return r;
}
