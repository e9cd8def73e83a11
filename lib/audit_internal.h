/*
 * audit_internal.h - what the parts of the audit (audit_pam.c, audit_ssh.c,
 * audit_sudo.c, audit_vpn.c) share while audit_run() builds a report.
 */
#ifndef MFA_AUDIT_INTERNAL_H
#define MFA_AUDIT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "accounts.h"
#include "audit.h"
#include "audit_mfa.h"
#include "ldap_accounts.h"
#include "nss_conf.h"
#include "pam_flow.h"
#include "pam_services.h"

/* An account the audit looks at, with what it needs for PAM evaluation. */
struct audit_subject {
	const struct account_user *user; /* a directory user's is held by audit_ctx */
	char **groups;                   /* names */
	unsigned *gids;                  /* the same groups' ids (UINT32_MAX: none) */
	size_t ngroups;
	struct audit_account *account; /* the report's entry */
	const char *directory_factor;  /* ldap_user.directory_factor, or NULL */
};

struct audit_ctx {
	const struct audit_options *opt;
	int rootfd;
	struct pam_host *pam;
	struct accounts *accounts;
	struct nss_conf *nss;            /* ROOT/etc/nsswitch.conf (or glibc's defaults) */
	struct ldap_accounts *directory; /* NULL: no directory */
	struct account_user *dir_users;  /* the directory users that are subjects */
	size_t ndir_users;
	struct audit_report *report;
	struct audit_subject *subjects; /* admins first, in passwd order */
	size_t nsubjects;
	char hostname[256];
	bool *service_done; /* per PAM service: already reported as a path */
};

/* The verdict on one PAM auth stack for one user. */
struct audit_pam_verdict {
	bool exists; /* the service (or "other" in its place) has an auth stack */
	bool can_succeed;
	bool needs_second; /* every success passes a second factor */
	bool needs_password;
	struct pam_program prog;
	struct pam_flow_result res;         /* witness: a success without a second factor */
	const char *exempt_note;            /* a second-factor module's exemption on the witness */
	struct audit_factor_verdict factor; /* when needs_second: see audit_pam_factor */
};

/*
 * Evaluate the auth stack of `service` for subject s.  A service without a
 * file falls back to "other", as libpam does.
 */
int audit_pam_evaluate(struct audit_ctx *ctx, const char *service, const struct audit_subject *s,
		       bool caller_is_root, struct audit_pam_verdict *v,
		       struct mfa_parse_err *perr);
void audit_pam_verdict_clear(struct audit_pam_verdict *v);

/* Record v on path p: covered or not, the reason, the witness as evidence. */
int audit_pam_describe(struct audit_ctx *ctx, struct audit_path *p, const char *service,
		       const struct audit_pam_verdict *v);

/* The PAM oracle for subject s (o points into u; release o with audit_oracle_clear). */
void audit_oracle_for(const struct audit_ctx *ctx, const struct audit_subject *s,
		      bool caller_is_root, struct audit_user *u, struct audit_oracle *o);

/*
 * v->factor for subject s (audit_mfa_factor): how strong the second factor
 * is that every success of a stack needing one passes.  Nothing to do when
 * v cannot succeed, does not need a second factor, or is judged already.
 * MFA_OK or an error of the analysis.
 */
int audit_pam_factor(struct audit_ctx *ctx, const struct audit_subject *s, bool caller_is_root,
		     struct audit_pam_verdict *v);

/*
 * What audit_pam_describe adds about the second factor: p->factor and the
 * line of the weakest factor as evidence, from v->factor when judged; for a
 * stack that lets nobody in, each pam_mfacover line that refuses its
 * arguments (it fails closed), with the module's complaint.
 */
int audit_pam_describe_factor(struct audit_ctx *ctx, struct audit_path *p,
			      const struct audit_pam_verdict *v);

/* The plain PAM paths: login, su, polkit, every other entry-point service. */
int audit_pam_paths(struct audit_ctx *ctx, struct mfa_parse_err *perr);

/* sudo: its grants of root, with or without authentication. */
int audit_sudo_paths(struct audit_ctx *ctx, struct mfa_parse_err *perr);

/* sshd: every admin, every class of client address, every way in. */
int audit_ssh_paths(struct audit_ctx *ctx, struct mfa_parse_err *perr);

/* OpenVPN servers under /etc/openvpn. */
int audit_vpn_paths(struct audit_ctx *ctx, struct mfa_parse_err *perr);

/*
 * Directory users (opt->directory) as subjects after the local ones:
 * ctx->directory is built and ctx->subjects must have room for its users.
 */
int audit_ldap_subjects(struct audit_ctx *ctx, struct mfa_parse_err *perr);
void audit_ldap_free(struct audit_ctx *ctx);

/*
 * The nsswitch.conf facts the audit needs: for each of passwd, group and
 * sudoers that lists ldap or sss while no directory was given, a finding
 * (the directory's accounts or rules are not audited).
 */
int audit_ldap_nss_findings(struct audit_ctx *ctx);

/* Does nsswitch.conf's `db` line consult a directory before its files (or without them)? */
bool audit_nss_directory_first(const struct audit_ctx *ctx, const char *db, bool *files_usedp);

/* Mark a PAM service as reported by another part (sshd, sudo, openvpn). */
void audit_mark_service(struct audit_ctx *ctx, const char *service);

#endif /* MFA_AUDIT_INTERNAL_H */
