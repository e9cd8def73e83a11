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

/* The pam_flow oracle: second factors per the rules above, others by default. */
size_t audit_mfa_oracle(const struct pam_handler *h, void *ctx, struct pam_outcome *out);

/* Release what the oracle collected. */
void audit_oracle_clear(struct audit_oracle *o);

#endif /* MFA_AUDIT_MFA_H */
