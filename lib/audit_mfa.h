/*
 * audit_mfa.h - what the auditor knows about second-factor PAM modules:
 * which modules are second factors, which of their options let users
 * through without a factor, whether a user is enrolled (from the files the
 * module would read, under the audited root), and from all that the
 * results a module line may have for a given user (a pam_flow oracle).
 */
#ifndef MFA_AUDIT_MFA_H
#define MFA_AUDIT_MFA_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "audit.h"
#include "pam_flow.h"

enum audit_mfa_kind {
	AUDIT_MFA_NONE = 0,
	AUDIT_MFA_MFACOVER,
	AUDIT_MFA_GOOGLE_AUTHENTICATOR,
	AUDIT_MFA_OATH,
	AUDIT_MFA_U2F,
	AUDIT_MFA_YUBICO,
	AUDIT_MFA_DUO,
	AUDIT_MFA_EXTRA, /* named with --mfa-module */
};

/* The built-in second-factor modules ("pam_mfacover", ...). */
const char *const *audit_known_mfa_modules(size_t *np);

/* Which second factor a module (basename, "pam_u2f") is, if any. */
enum audit_mfa_kind audit_mfa_kind_of(const char *module, const struct audit_options *opt);

/*
 * What a second-factor line accepts from a user it does not exempt, from
 * its arguments alone.  pam_mfacover's are read with the module's own
 * parser (module_config.h): arguments it refuses make every run of the line
 * PAM_SERVICE_ERR; factors= decides the strength (fido2 alone: FIDO, with
 * uv=required FIDO_VERIFIED; recovery alone: RECOVERY; a code among them:
 * PHISHABLE; fido2 is never tried with input=append or openvpn).  pam_u2f is
 * FIDO, FIDO_VERIFIED with userverification=1 or pinverification=1, and
 * PHISHABLE with userpresence=0 (no touch) and neither.  Every other second
 * factor is PHISHABLE.
 */
struct audit_mfa_line {
	enum audit_factor factor; /* UNKNOWN: the line never grants a factor */
	bool refuses_args;        /* pam_mfacover refuses its arguments */
	const char *why;          /* what it accepts, for evidence (static) */
};

/* A line's judgement, kept while one stack is analysed. */
#define AUDIT_ORACLE_JUDGED 4

/* The user a stack is run for. */
struct audit_user {
	const char *name;
	uid_t uid;
	const char *home; /* as in passwd: inside the root */
	const char *const *groups;
	size_t ngroups;
	/*
	 * A second factor the user's directory checks with every password
	 * (ldap_accounts.h: FreeIPA OTP, OATH-LDAP), so pam_sss and pam_ldap
	 * verify two factors for this user; NULL: none.
	 */
	const char *directory_factor;
};

struct audit_oracle {
	int rootfd;
	const struct audit_options *opt;
	const struct audit_user *user;
	bool caller_is_root; /* pam_rootok succeeds (a daemon running as root) */
	/* Filled while the oracle runs: where the user's factors were found. */
	char **enrolled_in;
	size_t nenrolled_in;
	int err; /* sticky: an allocation failed */
	/* The lines judged last (audit_mfa_line_judge), so each is parsed once. */
	const struct pam_conf_line *judged_line[AUDIT_ORACLE_JUDGED];
	struct audit_mfa_line judged[AUDIT_ORACLE_JUDGED];
	unsigned njudged;
};

/*
 * Where a second-factor line keeps each user's factor when that is a file in
 * the user's home ("~/.google_authenticator"), or NULL (a central file, a
 * server, or a module that keeps nothing).  The line's option that lets a
 * user without the file through ("nullok", "nouserok") goes to *passp, or
 * NULL.
 */
const char *audit_mfa_home_file(const struct pam_conf_line *l, enum audit_mfa_kind kind,
				const char **passp);

/*
 * Judge line l of a module of this kind.  perr (may be NULL) receives the
 * module's own complaint when it refuses its arguments.  MFA_OK, or
 * MFA_ERR_NOMEM.
 */
int audit_mfa_line_judge(const struct pam_conf_line *l, enum audit_mfa_kind kind,
			 struct audit_mfa_line *out, struct mfa_parse_err *perr);

/*
 * Findings about one second-factor auth line (file: where it is): arguments
 * pam_mfacover refuses (pam.bad_arguments), factors= that leaves recovery
 * codes only (pam.recovery_only), pam_u2f without touch
 * (pam.u2f_no_presence).  MFA_OK or MFA_ERR_NOMEM.
 */
int audit_mfa_line_findings(struct audit_report *r, const char *file, const struct pam_conf_line *l,
			    enum audit_mfa_kind kind);

/* The second factor every success of a stack passes, at the least. */
struct audit_factor_verdict {
	bool judged;
	enum audit_factor factor;
	const struct pam_handler *weakest; /* a line of that strength the weakest way passes */
	const char *why;                   /* what that line accepts (static) */
};

/* The pam_flow oracle: second factors per the rules above, others by default. */
size_t audit_mfa_oracle(const struct pam_handler *h, void *ctx, struct pam_outcome *out);

/* Release what the oracle collected. */
void audit_oracle_clear(struct audit_oracle *o);

/*
 * For a stack every success of which passes a second factor (for o's
 * user): the strongest factor level L such that every success passes a
 * factor of level L or more.  When the stack's factor lines are all of one
 * level that is the answer; otherwise the stack is analysed again per level
 * with only the factors of that level or more counting.  Adds to o's
 * enrollment notes as the oracle does.  MFA_OK, or an error of
 * pam_flow_analyse.
 */
int audit_mfa_factor(const struct pam_program *prog, struct audit_oracle *o,
		     struct audit_factor_verdict *out);

#endif /* MFA_AUDIT_MFA_H */
