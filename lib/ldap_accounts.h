/*
 * ldap_accounts.h - accounts and groups held in a directory, and who is in
 * which group, from LDAP entries (ldap_entry.h).
 *
 * Every schema that Linux hosts log in against is read from the same
 * entries, whichever the directory uses (a directory may mix them):
 *   users   objectClass posixAccount (RFC 2307; FreeIPA, OpenLDAP) with uid,
 *           uidNumber, gidNumber, homeDirectory, loginShell; or objectClass
 *           user (Active Directory) with sAMAccountName, and uidNumber etc.
 *           where the RFC 2307 attributes are filled in;
 *   groups  posixGroup with memberUid (RFC 2307: user names);
 *           groupOfNames / groupOfUniqueNames with member / uniqueMember
 *           (RFC 2307bis, FreeIPA: DNs of users or of other groups, nested);
 *           group (Active Directory: member DNs, nested; objectSid).
 * A user's groups are the closure of: groups listing the user by name or
 * DN, the groups its memberOf names (Active Directory, FreeIPA), the group
 * whose gidNumber is its gidNumber, the Active Directory group whose
 * objectSid ends in its primaryGroupID, and every group that contains one
 * of those, to any depth (cycles are harmless).  This is what sssd and
 * nslcd give initgroups(3) for nested schemas, and what Active Directory's
 * in-chain rule (1.2.840.113556.1.4.1941) answers, computed here from the
 * groups read.
 *
 * An attribute handed out in ranges (Active Directory's member;range=0-1499
 * for a group larger than MaxValRange) is refused with MFA_ERR_PARSE: only
 * its first range would be here, and members must not drop out silently.
 *
 * Names are matched as the NSS modules match them: user and group names
 * exactly, DNs case-insensitively with the spaces around `,` and `=`
 * ignored.  An entry without a name is passed over with a note; a user
 * whose uidNumber or gidNumber is not a number is MFA_ERR_PARSE naming the
 * DN.  Nothing here prints or exits.  Token entries are read for their
 * owner and state only: no secret attribute is looked at.
 */
#ifndef MFA_LDAP_ACCOUNTS_H
#define MFA_LDAP_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ldap_entry.h"
#include "mfa_err.h"

#define LDAP_ACCOUNTS_NO_ID UINT32_MAX /* no uidNumber / gidNumber */

struct ldap_group {
	char *name; /* cn (or sAMAccountName) */
	char *dn;
	uint32_t gid; /* gidNumber, or LDAP_ACCOUNTS_NO_ID */
	uint32_t rid; /* last sub-authority of an AD objectSid, or LDAP_ACCOUNTS_NO_ID */
};

/* One group a user belongs to, and how. */
struct ldap_membership {
	size_t group;    /* index into ldap_accounts.groups */
	size_t via;      /* the group it was reached through (== group when direct) */
	const char *how; /* static: "memberUid", "member", "memberOf", "gidNumber",
			  * "primaryGroupID", "nested" */
};

struct ldap_user {
	char *name; /* uid, else sAMAccountName */
	char *dn;
	uint32_t uid;  /* uidNumber, or LDAP_ACCOUNTS_NO_ID */
	uint32_t gid;  /* gidNumber, or LDAP_ACCOUNTS_NO_ID */
	char *home;    /* "" when absent */
	char *shell;   /* "" when absent */
	bool disabled; /* AD userAccountControl ACCOUNTDISABLE, or nsAccountLock TRUE */
	/*
	 * A second factor the directory itself enforces at every password check
	 * (so pam_sss / pam_ldap verify it), with the evidence; NULL: none.
	 *   FreeIPA: ipaUserAuthType (the user's, else cn=ipaConfig's) has otp
	 *     and not password, and an ipatokenTOTP/ipatokenHOTP entry whose
	 *     ipatokenOwner is the user is not ipatokenDisabled;
	 *   OATH-LDAP: the user's oathHOTPToken/oathTOTPToken names a token
	 *     entry that exists (the slapd oath overlay then wants the code in
	 *     every bind).
	 */
	char *directory_factor;
	struct ldap_membership *groups; /* closure, direct ones first */
	size_t ngroups;
	const struct ldap_entry *entry; /* the entry it was read from (NULL once those are freed) */
};

struct ldap_accounts {
	struct ldap_user *users; /* in entry order */
	size_t nusers;
	struct ldap_group *groups;
	size_t ngroups;
	char **notes; /* entries passed over, duplicate names */
	size_t nnotes;
	struct ldap_accounts_index *index; /* private: lookup tables */
};

/*
 * Read users and groups from `entries` (which must outlive *outp: users
 * point at their entry).  `source` names where the entries came from in
 * perr ("ldap://host", a file name).
 */
int ldap_accounts_build(const struct ldap_entries *entries, const char *source,
			struct ldap_accounts **outp, struct mfa_parse_err *perr);

/* Free and NULL.  Accepts NULL. */
void ldap_accounts_free(struct ldap_accounts **ap);

/* The user called `name`, or NULL. */
const struct ldap_user *ldap_accounts_user(const struct ldap_accounts *a, const char *name);

/* The membership of u in the group called `group`, or NULL. */
const struct ldap_membership *ldap_user_in_group(const struct ldap_accounts *a,
						 const struct ldap_user *u, const char *group);

/* true when two DNs are the same (case and the spaces around , and = aside). */
bool ldap_dn_equal(const char *a, const char *b);

#endif /* MFA_LDAP_ACCOUNTS_H */
