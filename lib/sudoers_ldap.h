/*
 * sudoers_ldap.h - sudo rules kept in a directory (sudoers.ldap(5)) turned
 * into sudoers lines, so that sudoers.h reads and judges them exactly as it
 * does a file (what sudo itself does since 1.9, and what cvtsudoers prints).
 *
 * Each entry of class sudoRole becomes one line
 *
 *     USERS HOSTS = (RUNAS_USERS:RUNAS_GROUPS) TAGS COMMANDS
 *
 * from sudoUser, sudoHost (ALL when absent, as sudo has it), sudoRunAsUser
 * (or the old sudoRunAs), sudoRunAsGroup and sudoCommand; a role without
 * sudoUser or sudoCommand grants nothing and is noted.  sudoOption values
 * that sudo turns into tags become tags (`!authenticate` is NOPASSWD,
 * `authenticate` PASSWD, noexec, setenv, log_input, log_output, mail_all_cmnds,
 * intercept, and their negations); the others are noted as not modelled.
 * The entry named cn=defaults gives one `Defaults` line of its sudoOption
 * values.  Roles are ordered by sudoOrder (a number; absent is 0), then in
 * the order read; with sudo's "last match wins", a higher sudoOrder wins.
 * sudoNotBefore/sudoNotAfter are not applied (sudo ignores them unless
 * SUDOERS_TIMED is set): a timed role is taken as always in force, noted.
 *
 * Every value is written escaped; a value with a control character, or one
 * the sudoers grammar then refuses, is an error naming the role's DN: a rule
 * the auditor cannot read stops the audit, never silently drops out.
 */
#ifndef MFA_SUDOERS_LDAP_H
#define MFA_SUDOERS_LDAP_H

#include <stddef.h>

#include "ldap_entry.h"
#include "mfa_err.h"
#include "sudoers.h"

struct sudoers_ldap {
	struct sudoers_buffer *buffers; /* the defaults line first, then the roles in order */
	size_t nbuffers;
	char **notes; /* roles passed over, options not modelled, timed roles */
	size_t nnotes;
};

/*
 * Convert the sudoRole entries among `entries` (others are passed over).
 * MFA_OK with *outp (possibly with no buffers), MFA_ERR_PARSE naming the
 * role's DN in perr, MFA_ERR_NOMEM.
 */
int sudoers_ldap_convert(const struct ldap_entries *entries, struct sudoers_ldap **outp,
			 struct mfa_parse_err *perr);

/* Free and NULL.  Accepts NULL. */
void sudoers_ldap_free(struct sudoers_ldap **sp);

#endif /* MFA_SUDOERS_LDAP_H */
