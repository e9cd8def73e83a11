/*
 * ldap_dir.h - a read-only LDAP client for the auditor (OpenLDAP libldap).
 *
 * ldap_dir_connect() opens one connection: ldap://, ldaps:// or ldapi://
 * (a space-separated list is tried in order, as libldap does), LDAPv3, no
 * referrals chased, optionally StartTLS; TLS always verifies the server's
 * certificate (against `ca_file` when given, else the system's store) and
 * its name.  It then binds: simple with a DN and password, SASL EXTERNAL
 * (the peer credentials of ldapi://, or a TLS client certificate), or
 * anonymously.
 *
 * ldap_dir_search() runs a subtree search with the Simple Paged Results
 * control (RFC 2696) so a directory of any size comes back whole, page by
 * page; it fails when the server ends the search short (a size or time
 * limit, a referral), never returning a partial answer as if it were all.
 *
 * Every network wait is bounded: connecting by `network_timeout`, each
 * operation by `timeout` seconds.  Errors are MFA_ERR_IO with perr->file =
 * the URI and perr->msg = what failed and the server's diagnostic
 * ("bind as cn=audit,dc=example,dc=org: Invalid credentials (49)").  A
 * password never appears in an error.
 */
#ifndef MFA_LDAP_DIR_H
#define MFA_LDAP_DIR_H

#include <stdbool.h>
#include <stddef.h>

#include "ldap_entry.h"
#include "mfa_err.h"

#define LDAP_DIR_DEFAULT_TIMEOUT 30     /* seconds, per operation */
#define LDAP_DIR_DEFAULT_NET_TIMEOUT 10 /* seconds, to connect */
#define LDAP_DIR_DEFAULT_PAGE_SIZE 500u

enum ldap_dir_bind {
	LDAP_DIR_BIND_ANONYMOUS = 0,
	LDAP_DIR_BIND_SIMPLE,   /* bind_dn + password */
	LDAP_DIR_BIND_EXTERNAL, /* SASL EXTERNAL */
};

struct ldap_dir_options {
	const char *uri;
	bool starttls;
	const char *ca_file; /* NULL: the system's CA store */
	enum ldap_dir_bind bind;
	const char *bind_dn;
	const char *password; /* the caller wipes it */
	int timeout;          /* seconds; 0: LDAP_DIR_DEFAULT_TIMEOUT */
	int network_timeout;  /* seconds; 0: LDAP_DIR_DEFAULT_NET_TIMEOUT */
	unsigned page_size;   /* 0: LDAP_DIR_DEFAULT_PAGE_SIZE */
	/* Called after each page with the entries so far (progress); may be NULL. */
	void (*progress)(void *arg, const char *what, size_t entries);
	void *progress_arg;
};

struct ldap_dir;

int ldap_dir_connect(const struct ldap_dir_options *opt, struct ldap_dir **dirp,
		     struct mfa_parse_err *perr);

/*
 * Append to *out every entry under `base` (subtree) that matches `filter`,
 * with the attributes named in `attrs` (NULL-terminated; NULL: all user
 * attributes).  `what` names the search in progress reports and errors
 * ("users", "groups").  On error *out keeps what it had before the call.
 */
int ldap_dir_search(struct ldap_dir *dir, const char *base, const char *filter,
		    const char *const *attrs, const char *what, struct ldap_entries *out,
		    struct mfa_parse_err *perr);

/*
 * The root DSE's namingContexts (the bases the server holds), for when no
 * base is given.  Appends the entry to *out.
 */
int ldap_dir_root_dse(struct ldap_dir *dir, struct ldap_entries *out, struct mfa_parse_err *perr);

/* Search continuation references (parts of the tree on other servers) passed over. */
size_t ldap_dir_referrals(const struct ldap_dir *dir);

/* The URI the connection was opened with. */
const char *ldap_dir_uri(const struct ldap_dir *dir);

/* Unbind and free; NULLs the pointer.  Accepts NULL. */
void ldap_dir_close(struct ldap_dir **dirp);

#endif /* MFA_LDAP_DIR_H */
