/*
 * groups.h - is a user a member of any of these groups (primary or
 * supplementary, through NSS)?
 */
#ifndef MFA_GROUPS_H
#define MFA_GROUPS_H

#include <stdbool.h>
#include <stddef.h>

#include "mfa_err.h"

/*
 * *inp = whether user belongs to one of the n groups.  Groups that do not
 * exist are passed over (one list may serve hosts with and without
 * "wheel"), but when none of them exists, or the user does not,
 * MFA_ERR_NOT_FOUND: a misspelt group must not silently exempt everyone.
 */
int mfa_user_in_groups(const char *user, char *const *groups, size_t n, bool *inp,
		       struct mfa_parse_err *perr);

#endif /* MFA_GROUPS_H */
