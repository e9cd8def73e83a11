/*
 * audit_directory.h - fetch the directory part of an audit: the users and
 * groups of an LDAP server (ldap_dir.h), or of an LDIF export of one, as
 * entries for audit_options.directory.
 *
 * Users are entries of class posixAccount, or user but not computer
 * (Active Directory); groups are posixGroup, groupOfNames,
 * groupOfUniqueNames or group.  Only the attributes ldap_accounts.h reads
 * are asked for.  A server that returns no user at all is an error (a
 * wrong base, or a bind without read rights), never an empty directory
 * that would leave the audit "covered".  Without a base, the server's root DSE names it
 * (defaultNamingContext, else the first namingContexts value).
 *
 * The bind password is read from a file (never the command line): a
 * regular file, not a link, not readable by group or others, one line (a
 * final newline is not part of the password).  It is wiped after the bind.
 */
#ifndef MFA_AUDIT_DIRECTORY_H
#define MFA_AUDIT_DIRECTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "ldap_dir.h"
#include "ldap_entry.h"
#include "mfa_err.h"

#define AUDIT_DIRECTORY_MAX_PASSWORD 1024

struct audit_directory_options {
	const char *ldif_file; /* read this export instead of a server */
	const char *uri;
	bool starttls;
	const char *ca_file;
	const char *bind_dn;       /* simple bind with the password from password_file */
	const char *password_file; /* required with bind_dn */
	bool sasl_external;
	const char *base;
	int timeout; /* seconds; 0: the default */
	void (*progress)(void *arg, const char *what, size_t entries);
	void *progress_arg;
};

/*
 * Append the users and groups to *out.  *sourcep (allocated) names where
 * they came from for the report: "ldap://host:389 (dc=example,dc=org)" or
 * the LDIF file.  *nreferralsp: continuation references passed over (parts
 * of the tree held elsewhere).  Errors carry the URI or file in perr.
 */
int audit_directory_fetch(const struct audit_directory_options *o, struct ldap_entries *out,
			  char **sourcep, size_t *nreferralsp, struct mfa_parse_err *perr);

/*
 * The directory the audited host itself uses, from its configuration
 * under `root` (ldap_conf.h: sssd.conf, nslcd.conf, ldap.conf, in that
 * precedence): for `mfacover-audit --ldap`.  Paths in it (the CA file) are
 * made paths on this machine under the root.  `from` says which file and
 * line named the server.  bind_secret: the host binds as bind_dn with a
 * password kept in its configuration, which the auditor does not read.
 */
struct audit_directory_host {
	char *uri; /* space-separated */
	char *base;
	char *bind_dn;
	bool bind_secret;
	char *ca_file;
	bool starttls;
	int timeout; /* 0: not set */
	char *from;  /* "/etc/sssd/sssd.conf:3 (sssd domain example.org)" */
};

/*
 * Fill *h (zeroed first).  MFA_ERR_NOT_FOUND with a message in perr when
 * no file under the root names a server the auditor can reach by URI; the
 * ldap_conf.h parse errors.
 */
int audit_directory_host_defaults(const char *root, struct audit_directory_host *h,
				  struct mfa_parse_err *perr);
void audit_directory_host_clear(struct audit_directory_host *h);

#endif /* MFA_AUDIT_DIRECTORY_H */
