/*
 * account.h - the user an enrollment is for: name, ids and home.
 *
 * Without a root directory the lookup goes through NSS (local files, LDAP,
 * SSSD: whatever the host uses).  With one (mfacover-enroll --root DIR, for
 * images and offline provisioning) it reads DIR/etc/passwd itself, resolved
 * inside DIR, and the home directory it returns is re-rooted under DIR.
 */
#ifndef MFA_ACCOUNT_H
#define MFA_ACCOUNT_H

#include <sys/types.h>

#include "mfa_err.h"

struct mfa_account {
	char *name;
	uid_t uid;
	gid_t gid;
	char *home; /* as seen from here: under the root when one was given */
};

/*
 * Look user up.  root NULL or "/": NSS.  MFA_ERR_NOT_FOUND for an unknown
 * user; MFA_ERR_PARSE when the user's own passwd line is malformed (perr has
 * the file and line); lines of other users that are malformed are passed
 * over, as libc's files backend does.
 */
int mfa_account_lookup(const char *root, const char *user, struct mfa_account **acctp,
		       struct mfa_parse_err *perr);

/* Free *acctp and NULL it.  Accepts NULL. */
void mfa_account_free(struct mfa_account **acctp);

#endif /* MFA_ACCOUNT_H */
