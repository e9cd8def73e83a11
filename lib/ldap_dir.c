/*
 * ldap_dir.c - connect, bind and search with libldap; pages and time limits.
 */
#include "ldap_dir.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <lber.h>
#include <ldap.h>

struct ldap_dir {
	LDAP *ld;
	char *uri;
	int timeout;
	unsigned page_size;
	void (*progress)(void *arg, const char *what, size_t entries);
	void *progress_arg;
	size_t referrals; /* search continuation references passed over */
};

/*
 * perr: "<what>: <libldap's text> (<code>)[: <server's diagnostic>]"; the
 * diagnostic is `server_diag` when given, else the handle's last one.
 */
static int
dir_error(LDAP *ld, const char *uri, int code, const char *what, const char *server_diag,
	  struct mfa_parse_err *perr)
{
	char *diag = NULL;
	const char *d = server_diag;

	mfa_parse_err_init(perr, uri);
	if (d == NULL && ld != NULL &&
	    ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag) == LDAP_OPT_SUCCESS)
		d = diag;
	mfa_parse_err_set(perr, 0, 0, "%s: %s (%d)%s%.120s", what, ldap_err2string(code), code,
			  d != NULL && d[0] != '\0' ? ": " : "", d != NULL ? d : "");
	if (diag != NULL)
		ldap_memfree(diag);
	return code == LDAP_NO_MEMORY ? MFA_ERR_NOMEM : MFA_ERR_IO;
}

static int
set_options(LDAP *ld, const struct ldap_dir_options *opt, int timeout, const char *uri,
	    struct mfa_parse_err *perr)
{
	int v3 = LDAP_VERSION3, hard = LDAP_OPT_X_TLS_HARD, zero = 0, rc;
	struct timeval net = {
		opt->network_timeout > 0 ? opt->network_timeout : LDAP_DIR_DEFAULT_NET_TIMEOUT, 0};
	struct timeval op = {timeout, 0};

	if ((rc = ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3)) != LDAP_OPT_SUCCESS ||
	    (rc = ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF)) != LDAP_OPT_SUCCESS ||
	    (rc = ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &net)) != LDAP_OPT_SUCCESS ||
	    (rc = ldap_set_option(ld, LDAP_OPT_TIMEOUT, &op)) != LDAP_OPT_SUCCESS ||
	    (rc = ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &hard)) != LDAP_OPT_SUCCESS ||
	    (opt->ca_file != NULL && (rc = ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE,
							   opt->ca_file)) != LDAP_OPT_SUCCESS) ||
	    (rc = ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &zero)) != LDAP_OPT_SUCCESS) {
		mfa_parse_err_init(perr, uri);
		mfa_parse_err_set(perr, 0, 0, "setting up the connection (TLS context: %s)",
				  opt->ca_file != NULL ? "is the CA file readable PEM?"
						       : "the system CA store");
		return MFA_ERR_IO;
	}
	return MFA_OK;
}

int
ldap_dir_connect(const struct ldap_dir_options *opt, struct ldap_dir **dirp,
		 struct mfa_parse_err *perr)
{
	struct ldap_dir *d = NULL;
	struct berval cred = {0, NULL};
	const char *mech = LDAP_SASL_SIMPLE, *dn = NULL;
	char what[256];
	int rc, r;

	mfa_parse_err_init(perr, opt != NULL && opt->uri != NULL ? opt->uri : "ldap");
	if (dirp != NULL)
		*dirp = NULL;
	if (opt == NULL || dirp == NULL || opt->uri == NULL ||
	    (opt->bind == LDAP_DIR_BIND_SIMPLE && (opt->bind_dn == NULL || opt->password == NULL)))
		return MFA_ERR_INVALID_ARG;
	if ((d = calloc(1, sizeof(*d))) == NULL || (d->uri = strdup(opt->uri)) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	d->timeout = opt->timeout > 0 ? opt->timeout : LDAP_DIR_DEFAULT_TIMEOUT;
	d->page_size = opt->page_size > 0 ? opt->page_size : LDAP_DIR_DEFAULT_PAGE_SIZE;
	d->progress = opt->progress;
	d->progress_arg = opt->progress_arg;
	if ((rc = ldap_initialize(&d->ld, opt->uri)) != LDAP_SUCCESS) {
		r = dir_error(NULL, opt->uri, rc, "not a usable LDAP URI", NULL, perr);
		goto out;
	}
	if ((r = set_options(d->ld, opt, d->timeout, opt->uri, perr)) != MFA_OK)
		goto out;
	if (opt->starttls && (rc = ldap_start_tls_s(d->ld, NULL, NULL)) != LDAP_SUCCESS) {
		r = dir_error(d->ld, opt->uri, rc, "StartTLS", NULL, perr);
		goto out;
	}
	switch (opt->bind) {
	case LDAP_DIR_BIND_SIMPLE:
		dn = opt->bind_dn;
		cred.bv_val = (char *)opt->password;
		cred.bv_len = strlen(opt->password);
		snprintf(what, sizeof(what), "bind as %.200s", dn);
		break;
	case LDAP_DIR_BIND_EXTERNAL:
		/* The initial response is the authorization identity: empty, not absent. */
		mech = "EXTERNAL";
		cred.bv_val = (char *)"";
		snprintf(what, sizeof(what), "SASL EXTERNAL bind");
		break;
	default:
		snprintf(what, sizeof(what), "anonymous bind");
		break;
	}
	/* A bind of some kind always: it is where an unreachable server shows. */
	rc = ldap_sasl_bind_s(d->ld, dn, mech, &cred, NULL, NULL, NULL);
	if (rc != LDAP_SUCCESS) {
		r = dir_error(d->ld, opt->uri, rc, what, NULL, perr);
		goto out;
	}
	*dirp = d;
	d = NULL;
	r = MFA_OK;
out:
	ldap_dir_close(&d);
	return r;
}

/* Copy every attribute value of one result entry into *out. */
static int
copy_entry(LDAP *ld, LDAPMessage *msg, struct ldap_entries *out)
{
	struct ldap_entry *e;
	BerElement *ber = NULL;
	char *dn, *a;
	int r;

	if ((dn = ldap_get_dn(ld, msg)) == NULL)
		return MFA_ERR_NOMEM;
	r = ldap_entries_add(out, dn, 0, &e);
	ldap_memfree(dn);
	if (r != MFA_OK)
		return r;
	for (a = ldap_first_attribute(ld, msg, &ber); a != NULL && r == MFA_OK;
	     a = ldap_next_attribute(ld, msg, ber)) {
		struct berval **vals = ldap_get_values_len(ld, msg, a);
		size_t i;

		for (i = 0; vals != NULL && vals[i] != NULL && r == MFA_OK; i++)
			r = ldap_entry_add_value(e, a, vals[i]->bv_val, vals[i]->bv_len);
		ldap_value_free_len(vals);
		ldap_memfree(a);
	}
	if (ber != NULL)
		ber_free(ber, 0);
	ldap_entry_shrink(e);
	return r;
}

/* The paged-results cookie of a search's final message into *cookiep. */
static int
page_cookie(LDAP *ld, LDAPControl **ctrls, struct berval *cookiep)
{
	LDAPControl *c = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, ctrls, NULL);
	ber_int_t count = 0;

	cookiep->bv_val = NULL;
	cookiep->bv_len = 0;
	if (c == NULL)
		return LDAP_SUCCESS; /* no control: the server sent everything at once */
	return ldap_parse_pageresponse_control(ld, c, &count, cookiep);
}

int
ldap_dir_search(struct ldap_dir *dir, const char *base, const char *filter,
		const char *const *attrs, const char *what, struct ldap_entries *out,
		struct mfa_parse_err *perr)
{
	struct berval cookie = {0, NULL};
	struct timeval tv;
	size_t n0, got = 0;
	char label[256];
	int r = MFA_OK, rc;

	if (dir == NULL || base == NULL || filter == NULL || out == NULL)
		return MFA_ERR_INVALID_ARG;
	mfa_parse_err_init(perr, dir->uri);
	snprintf(label, sizeof(label), "search for %s under %.180s", what != NULL ? what : filter,
		 base);
	n0 = out->n;
	for (;;) {
		LDAPControl *page = NULL, *sctrls[2] = {NULL, NULL}, **rctrls = NULL;
		LDAPMessage *res = NULL, *m;
		char *diag = NULL;
		int code = LDAP_SUCCESS;

		rc = ldap_create_page_control(dir->ld, (ber_int_t)dir->page_size, &cookie, 1,
					      &page);
		if (rc != LDAP_SUCCESS) {
			r = dir_error(dir->ld, dir->uri, rc, label, NULL, perr);
			break;
		}
		sctrls[0] = page;
		tv.tv_sec = dir->timeout;
		tv.tv_usec = 0;
		rc = ldap_search_ext_s(dir->ld, base, LDAP_SCOPE_SUBTREE, filter, (char **)attrs, 0,
				       sctrls, NULL, &tv, LDAP_NO_LIMIT, &res);
		ldap_control_free(page);
		if (cookie.bv_val != NULL)
			ber_memfree(cookie.bv_val);
		cookie.bv_val = NULL;
		cookie.bv_len = 0;
		if (rc != LDAP_SUCCESS && res == NULL) {
			r = dir_error(dir->ld, dir->uri, rc, label, NULL, perr);
			break;
		}
		for (m = ldap_first_message(dir->ld, res); m != NULL && r == MFA_OK;
		     m = ldap_next_message(dir->ld, m)) {
			switch (ldap_msgtype(m)) {
			case LDAP_RES_SEARCH_ENTRY:
				r = copy_entry(dir->ld, m, out);
				got++;
				break;
			case LDAP_RES_SEARCH_REFERENCE:
				dir->referrals++;
				break;
			case LDAP_RES_SEARCH_RESULT:
				rc = ldap_parse_result(dir->ld, m, &code, NULL, &diag, NULL,
						       &rctrls, 0);
				if (rc == LDAP_SUCCESS && code == LDAP_SUCCESS)
					rc = page_cookie(dir->ld, rctrls, &cookie);
				else if (rc == LDAP_SUCCESS)
					rc = code;
				break;
			default:
				break;
			}
		}
		/* A size or time limit, a referral: a partial answer is no answer. */
		if (r == MFA_OK && rc != LDAP_SUCCESS)
			r = dir_error(dir->ld, dir->uri, rc, label, diag, perr);
		if (rctrls != NULL)
			ldap_controls_free(rctrls);
		if (diag != NULL)
			ldap_memfree(diag);
		ldap_msgfree(res);
		if (r != MFA_OK)
			break;
		if (dir->progress != NULL)
			dir->progress(dir->progress_arg, what != NULL ? what : "entries", got);
		if (cookie.bv_val == NULL || cookie.bv_len == 0)
			break;
	}
	if (cookie.bv_val != NULL)
		ber_memfree(cookie.bv_val);
	if (r != MFA_OK)
		ldap_entries_truncate(out, n0);
	return r;
}

int
ldap_dir_root_dse(struct ldap_dir *dir, struct ldap_entries *out, struct mfa_parse_err *perr)
{
	static const char *const attrs[] = {"namingContexts",          "defaultNamingContext",
					    "supportedControl",        "supportedCapabilities",
					    "supportedSASLMechanisms", NULL};
	struct timeval tv;
	LDAPMessage *res = NULL, *m;
	size_t n0;
	int rc, r = MFA_OK;

	if (dir == NULL || out == NULL)
		return MFA_ERR_INVALID_ARG;
	mfa_parse_err_init(perr, dir->uri);
	n0 = out->n;
	tv.tv_sec = dir->timeout;
	tv.tv_usec = 0;
	rc = ldap_search_ext_s(dir->ld, "", LDAP_SCOPE_BASE, "(objectClass=*)", (char **)attrs, 0,
			       NULL, NULL, &tv, 1, &res);
	if (rc != LDAP_SUCCESS) {
		ldap_msgfree(res);
		return dir_error(dir->ld, dir->uri, rc, "reading the root DSE", NULL, perr);
	}
	for (m = ldap_first_entry(dir->ld, res); m != NULL && r == MFA_OK;
	     m = ldap_next_entry(dir->ld, m))
		r = copy_entry(dir->ld, m, out);
	ldap_msgfree(res);
	if (r != MFA_OK)
		ldap_entries_truncate(out, n0);
	return r;
}

size_t
ldap_dir_referrals(const struct ldap_dir *dir)
{
	return dir != NULL ? dir->referrals : 0;
}

const char *
ldap_dir_uri(const struct ldap_dir *dir)
{
	return dir != NULL ? dir->uri : "";
}

void
ldap_dir_close(struct ldap_dir **dirp)
{
	struct ldap_dir *d;

	if (dirp == NULL || (d = *dirp) == NULL)
		return;
	if (d->ld != NULL)
		ldap_unbind_ext_s(d->ld, NULL, NULL);
	free(d->uri);
	free(d);
	*dirp = NULL;
}
