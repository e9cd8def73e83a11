/*
 * audit_directory.c - the users and groups of a directory, from a server or
 * an LDIF export, for the audit.
 */
#include "audit_directory.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ldap_conf.h"
#include "mfa_mem.h"
#include "root_fs.h"

static const char users_filter[] =
	"(|(objectClass=posixAccount)(&(objectClass=user)(!(objectClass=computer))))";
static const char *const user_attrs[] = {"objectClass",     "uid",
					 "sAMAccountName",  "uidNumber",
					 "gidNumber",       "homeDirectory",
					 "loginShell",      "memberOf",
					 "primaryGroupID",  "userAccountControl",
					 "nsAccountLock",   "unixHomeDirectory",
					 "ipaUserAuthType", "oathHOTPToken",
					 "oathTOTPToken",   NULL};
static const char groups_filter[] = "(|(objectClass=posixGroup)(objectClass=groupOfNames)"
				    "(objectClass=groupOfUniqueNames)(objectClass=group))";
static const char *const group_attrs[] = {"objectClass", "cn",     "sAMAccountName", "gidNumber",
					  "memberUid",   "member", "uniqueMember",   "memberOf",
					  "objectSid",   NULL};

/* Second-factor tokens and FreeIPA's global authentication types: no secret asked for. */
static const char tokens_filter[] = "(|(objectClass=ipatokenTOTP)(objectClass=ipatokenHOTP)"
				    "(objectClass=oathHOTPToken)(objectClass=oathTOTPToken)"
				    "(&(cn=ipaConfig)(ipaUserAuthType=*)))";
static const char *const token_attrs[] = {
	"objectClass", "cn", "ipatokenOwner", "ipatokenDisabled", "ipaUserAuthType", NULL};
static const char roles_filter[] = "(objectClass=sudoRole)";
static const char *const role_attrs[] = {
	"objectClass", "cn",        "sudoUser",      "sudoHost",
	"sudoCommand", "sudoRunAs", "sudoRunAsUser", "sudoRunAsGroup",
	"sudoOption",  "sudoOrder", "sudoNotBefore", "sudoNotAfter",
	NULL};

/*
 * Read a file the auditor was pointed at: no link, a regular file, at most
 * max bytes.  private_file: refuse one that group or others can read.
 */
static int
read_named_file(const char *path, size_t max, bool private_file, char **bufp, size_t *lenp,
		struct mfa_parse_err *perr)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int fd, r = MFA_OK;

	mfa_parse_err_init(perr, path);
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY)) < 0) {
		mfa_parse_err_set(perr, 0, 0, "cannot open: %s", strerror(errno));
		return errno == ENOENT ? MFA_ERR_NOT_FOUND : MFA_ERR_IO;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		mfa_parse_err_set(perr, 0, 0, "not a regular file");
		r = MFA_ERR_UNSAFE_FILE;
	} else if (private_file && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		mfa_parse_err_set(perr, 0, 0,
				  "group or others may read it (mode %03o): chmod 600 it first",
				  (unsigned)(st.st_mode & 0777));
		r = MFA_ERR_UNSAFE_FILE;
	} else if ((size_t)st.st_size > max) {
		mfa_parse_err_set(perr, 0, 0, "larger than %zu bytes", max);
		r = MFA_ERR_TOO_LARGE;
	} else if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		r = MFA_ERR_NOMEM;
	}
	while (r == MFA_OK && len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			mfa_parse_err_set(perr, 0, 0, "cannot read: %s",
					  n < 0 ? strerror(errno) : "shorter than its size");
			r = MFA_ERR_IO;
			break;
		}
		len += (size_t)n;
	}
	close(fd);
	if (r != MFA_OK) {
		if (buf != NULL)
			mfa_freezero(buf, (size_t)st.st_size + 1);
		return r;
	}
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return MFA_OK;
}

static int
read_password(const char *path, char **pwp, struct mfa_parse_err *perr)
{
	char *buf = NULL;
	size_t len = 0;
	int r;

	if ((r = read_named_file(path, AUDIT_DIRECTORY_MAX_PASSWORD, true, &buf, &len, perr)) !=
	    MFA_OK)
		return r;
	if (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (len > 0 && buf[len - 1] == '\r')
		buf[--len] = '\0';
	if (len == 0 || memchr(buf, '\n', len) != NULL || strlen(buf) != len) {
		/* An empty password would be an unauthenticated bind (RFC 4513 5.1.2). */
		mfa_parse_err_set(perr, 0, 0, "the password file must hold one non-empty line");
		mfa_freezero(buf, len + 1);
		return MFA_ERR_PARSE;
	}
	*pwp = buf;
	return MFA_OK;
}

/* The search base: the one given, else the root DSE's. */
static int
find_base(struct ldap_dir *dir, const char *given, char **basep, struct mfa_parse_err *perr)
{
	struct ldap_entries dse = {0};
	const char *b = given;
	int r;

	if (b == NULL) {
		if ((r = ldap_dir_root_dse(dir, &dse, perr)) != MFA_OK)
			return r;
		if (dse.n > 0 && (b = ldap_entry_first(&dse.v[0], "defaultNamingContext")) == NULL)
			b = ldap_entry_first(&dse.v[0], "namingContexts");
		if (b == NULL || b[0] == '\0') {
			ldap_entries_clear(&dse);
			mfa_parse_err_init(perr, ldap_dir_uri(dir));
			mfa_parse_err_set(perr, 0, 0,
					  "the server names no naming context: give --ldap-base");
			return MFA_ERR_NOT_FOUND;
		}
	}
	*basep = strdup(b);
	ldap_entries_clear(&dse);
	return *basep != NULL ? MFA_OK : MFA_ERR_NOMEM;
}

static int
fetch_ldif(const struct audit_directory_options *o, struct ldap_entries *out, char **sourcep,
	   struct mfa_parse_err *perr)
{
	char *buf = NULL;
	size_t len = 0;
	int r;

	if ((r = read_named_file(o->ldif_file, LDIF_MAX_BYTES, false, &buf, &len, perr)) != MFA_OK)
		return r;
	r = ldif_parse(buf, len, o->ldif_file, out, perr);
	free(buf);
	if (r == MFA_OK && (*sourcep = strdup(o->ldif_file)) == NULL)
		r = MFA_ERR_NOMEM;
	return r;
}

int
audit_directory_fetch(const struct audit_directory_options *o, struct ldap_entries *out,
		      char **sourcep, size_t *nreferralsp, struct mfa_parse_err *perr)
{
	struct ldap_dir_options lo;
	struct ldap_dir *dir = NULL;
	char *password = NULL, *base = NULL;
	size_t n0;
	int r;

	if (o == NULL || out == NULL || sourcep == NULL || (o->ldif_file == NULL && o->uri == NULL))
		return MFA_ERR_INVALID_ARG;
	*sourcep = NULL;
	if (nreferralsp != NULL)
		*nreferralsp = 0;
	if (o->ldif_file != NULL)
		return fetch_ldif(o, out, sourcep, perr);
	memset(&lo, 0, sizeof(lo));
	lo.uri = o->uri;
	lo.starttls = o->starttls;
	lo.ca_file = o->ca_file;
	lo.timeout = o->timeout;
	lo.network_timeout = o->timeout;
	lo.progress = o->progress;
	lo.progress_arg = o->progress_arg;
	if (o->bind_dn != NULL) {
		if (o->password_file == NULL)
			return MFA_ERR_INVALID_ARG;
		if ((r = read_password(o->password_file, &password, perr)) != MFA_OK)
			return r;
		lo.bind = LDAP_DIR_BIND_SIMPLE;
		lo.bind_dn = o->bind_dn;
		lo.password = password;
	} else if (o->sasl_external) {
		lo.bind = LDAP_DIR_BIND_EXTERNAL;
	}
	r = ldap_dir_connect(&lo, &dir, perr);
	mfa_free_string(password);
	if (r != MFA_OK)
		return r;
	n0 = out->n;
	if ((r = find_base(dir, o->base, &base, perr)) != MFA_OK ||
	    (r = ldap_dir_search(dir, base, users_filter, user_attrs, "users", out, perr)) !=
		    MFA_OK)
		goto out;
	if (out->n == n0) {
		/* A bind without read rights sees an empty tree: that is no audit. */
		mfa_parse_err_init(perr, o->uri);
		mfa_parse_err_set(perr, 0, 0,
				  "no user entries under %.200s: a wrong base, or the bind may "
				  "not read them",
				  base);
		r = MFA_ERR_NOT_FOUND;
		goto out;
	}
	if ((r = ldap_dir_search(dir, base, groups_filter, group_attrs, "groups", out, perr)) !=
		    MFA_OK ||
	    (r = ldap_dir_search(dir, base, roles_filter, role_attrs, "sudo rules", out, perr)) !=
		    MFA_OK ||
	    (r = ldap_dir_search(dir, base, tokens_filter, token_attrs, "tokens", out, perr)) !=
		    MFA_OK)
		goto out;
	if (asprintf(sourcep, "%s (%s)", o->uri, base) < 0) {
		*sourcep = NULL;
		r = MFA_ERR_NOMEM;
		goto out;
	}
	if (nreferralsp != NULL)
		*nreferralsp = ldap_dir_referrals(dir);
out:
	if (r != MFA_OK)
		ldap_entries_truncate(out, n0);
	free(base);
	ldap_dir_close(&dir);
	return r;
}

/* ---- the host's own directory ------------------------------------------------- */

static int
dup_opt(char **dst, const struct ldap_conf_str *src)
{
	if (src == NULL || src->value == NULL)
		return MFA_OK;
	return (*dst = strdup(src->value)) == NULL ? MFA_ERR_NOMEM : MFA_OK;
}

/* The URIs, space-separated; sssd's ipa_server/ad_server become ldap://NAME. */
static int
host_uris(const struct ldap_defaults *d, char **urip)
{
	const struct ldap_conf_list *l = d->uris != NULL && d->uris->n > 0 ? d->uris : d->servers;
	size_t i, n = 0;
	char *u;

	*urip = NULL;
	for (i = 0; l != NULL && i < l->n; i++)
		n += strlen(l->items[i].value) + sizeof("ldap:// ");
	if (n == 0)
		return MFA_OK;
	if ((u = calloc(1, n + 1)) == NULL)
		return MFA_ERR_NOMEM;
	for (i = 0; i < l->n; i++) {
		const char *v = l->items[i].value;
		bool scheme = strstr(v, "://") != NULL;

		/* DNS discovery (_srv_, DNS:...) is not a server the auditor can name. */
		if (strcmp(v, "_srv_") == 0 || strncasecmp(v, "DNS", 3) == 0)
			continue;
		if (u[0] != '\0')
			strcat(u, " ");
		if (!scheme)
			strcat(u, "ldap://");
		strcat(u, v);
	}
	if (u[0] == '\0') {
		free(u);
		return MFA_OK;
	}
	*urip = u;
	return MFA_OK;
}

int
audit_directory_host_defaults(const char *root, struct audit_directory_host *h,
			      struct mfa_parse_err *perr)
{
	struct ldap_confs *c = NULL;
	struct ldap_defaults d;
	const struct ldap_conf_src *at = NULL;
	int rootfd = -1, r;

	if (root == NULL || h == NULL)
		return MFA_ERR_INVALID_ARG;
	memset(h, 0, sizeof(*h));
	if ((r = root_fs_open_root(root, &rootfd, perr)) != MFA_OK)
		return r;
	r = ldap_confs_load(rootfd, &c, perr);
	close(rootfd);
	if (r != MFA_OK)
		return r;
	if ((r = ldap_confs_defaults(c, &d)) != MFA_OK)
		goto out;
	if ((r = host_uris(&d, &h->uri)) != MFA_OK)
		goto out;
	if (d.from == LDAP_DEFAULTS_NONE || h->uri == NULL) {
		mfa_parse_err_init(perr, root);
		mfa_parse_err_set(perr, 0, 0,
				  "no sssd.conf, nslcd.conf or ldap.conf under the root names an "
				  "LDAP server by URI (DNS discovery is not followed): give "
				  "--ldap-uri");
		r = MFA_ERR_NOT_FOUND;
		goto out;
	}
	if ((r = dup_opt(&h->base, d.base)) != MFA_OK ||
	    (r = dup_opt(&h->bind_dn, d.binddn)) != MFA_OK)
		goto out;
	h->bind_secret = d.bind_secret != NULL && d.bind_secret->line != 0;
	h->starttls = d.start_tls == LDAPCONF_TRUE;
	if (d.network_timeout != NULL && d.network_timeout->set && d.network_timeout->value > 0 &&
	    d.network_timeout->value <= 3600)
		h->timeout = (int)d.network_timeout->value;
	if (d.tls_cacert != NULL && d.tls_cacert->value != NULL &&
	    asprintf(&h->ca_file, "%s%s", strcmp(root, "/") == 0 ? "" : root, d.tls_cacert->value) <
		    0) {
		h->ca_file = NULL;
		r = MFA_ERR_NOMEM;
		goto out;
	}
	if (d.uris != NULL && d.uris->n > 0)
		at = &d.uris->items[0].at;
	else if (d.servers != NULL && d.servers->n > 0)
		at = &d.servers->items[0].at;
	if (asprintf(&h->from, "%s:%u (%s%s%s)", at != NULL ? at->file : "?",
		     at != NULL ? at->line : 0, ldap_defaults_from_name(d.from),
		     d.domain != NULL ? " domain " : "",
		     d.domain != NULL ? d.domain->name : "") < 0) {
		h->from = NULL;
		r = MFA_ERR_NOMEM;
	}
out:
	ldap_confs_free(&c);
	if (r != MFA_OK)
		audit_directory_host_clear(h);
	return r;
}

void
audit_directory_host_clear(struct audit_directory_host *h)
{
	if (h == NULL)
		return;
	free(h->uri);
	free(h->base);
	free(h->bind_dn);
	free(h->ca_file);
	free(h->from);
	memset(h, 0, sizeof(*h));
}
