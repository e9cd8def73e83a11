/*
 * ldap_conf.h - the LDAP client configuration of a host under a root:
 * OpenLDAP's ldap.conf, sssd.conf and nslcd.conf, and the directory
 * defaults the auditor takes from them when its command line names none.
 *
 * Every value keeps where it came from (file and line).  The formats and
 * their sources are in docs/ldap-defaults.md; in short:
 *  - ldap.conf (ldap.conf(5)): `KEYWORD value`, keywords in any case, `#`
 *    at the start of a line is a comment; the last line of a keyword wins
 *    (libldap sets the option again); URI takes several URIs separated by
 *    blanks or commas.  Unknown keywords and keywords without a value are
 *    ignored by libldap: they are noted here, never an error.
 *  - sssd.conf (sssd.conf(5), an INI file): `[section]`, `key = value`,
 *    keys in any case, `#` and `;` start comment lines.  `[sssd]` gives
 *    `domains` (comma list) and `services`; each `[domain/NAME]` one
 *    struct sssd_domain.  A repeated key: the last wins (noted); a repeated
 *    section is merged (noted).  sssd refuses a sssd.conf that is not
 *    owned by root with mode 0600: ldap_confs_load() notes that, and goes on.
 *  - nslcd.conf (nslcd.conf(5)): `keyword args`, keywords in any case;
 *    `uri` repeats and takes several URIs; `base [MAP] DN` repeats; `map`
 *    and `filter` are recorded per map.  An unknown keyword is noted (nslcd
 *    itself would refuse to start).
 * Secrets: nslcd's `bindpw` and `rootpwmodpw` and sssd's
 * `ldap_default_authtok` are never copied: only the place where one is
 * configured is kept.  No error message and no note quotes input text
 * except sssd domain names (reduced to [A-Za-z0-9._-]).  ldap_confs_load()
 * wipes the bytes it read before freeing them.
 *
 * Malformed input is MFA_ERR_PARSE with file, line (and column where one
 * is known) in perr: a line over LDAP_CONF_LINE_MAX bytes, a NUL byte, a
 * URI whose scheme is not ldap, ldaps or ldapi (nslcd also takes DNS and
 * DNS:domain, sssd `_srv_`), a number that is not a decimal below 2^31, a
 * value not among those the program knows (TLS_REQCERT, ldap_schema,
 * ssl, booleans); in sssd.conf also a line outside any section, a key
 * without `=`, an empty key, a section header without `]`, an empty
 * section or domain name; in nslcd.conf a known keyword without its
 * arguments and a map name nslcd does not know.
 *
 * Precedence (ldap_confs_defaults):
 *   command line  >  sssd  >  nslcd.conf  >  ldap.conf
 * The caller applies its command-line values over the result, field by
 * field.  The first of these that names a directory is the source: sssd
 * when a domain that sssd runs (listed in `domains` and not `enabled =
 * false`, or `enabled = true`) has id_provider ldap, ipa or ad (the first
 * such in `domains` order); else nslcd.conf when it has a `uri`; else
 * ldap.conf when it has a URI.  URIs, base, bind DN, schema, StartTLS and
 * the sudo search base come from the source only.  TLS_CACERT,
 * TLS_CACERTDIR and TLS_REQCERT come from the source and, where it sets
 * none, from ldap.conf: sssd and nslcd use libldap, which reads ldap.conf
 * for what they leave unset.
 */
#ifndef MFA_LDAP_CONF_H
#define MFA_LDAP_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "mfa_err.h"

#define LDAP_CONF_PATH "/etc/ldap/ldap.conf" /* Debian */
#define LDAP_CONF_PATH_ALT                                                                         \
	"/etc/openldap/ldap.conf" /* Red Hat, SUSE: read when the first is missing */
#define SSSD_CONF_PATH "/etc/sssd/sssd.conf"
#define NSLCD_CONF_PATH "/etc/nslcd.conf"
#define LDAP_CONF_MAX_BYTES (1024u * 1024u) /* per file */
#define LDAP_CONF_LINE_MAX 4096u
#define LDAP_CONF_MAX_ITEMS 1024u /* URIs, domains, bases, maps, filters, notes: each */
#define LDAP_CONF_NUM_MAX 2147483647u

/* Where a value was read: file and line (line 0: not set). */
struct ldap_conf_src {
	const char *file; /* the owning config's file name */
	unsigned line;
};

/* A string value; value NULL: not set. */
struct ldap_conf_str {
	char *value;
	struct ldap_conf_src at;
};

/* A number (seconds or entries). */
struct ldap_conf_num {
	bool set;
	unsigned long value;
	struct ldap_conf_src at;
};

/* One of the enums below; 0 (..._UNSET): not set. */
struct ldap_conf_enum {
	int value;
	struct ldap_conf_src at;
};

struct ldap_conf_list {
	struct ldap_conf_str *items;
	size_t n;
	size_t cap; /* internal */
};

struct ldap_conf_note {
	struct ldap_conf_src at; /* line 0: the file as a whole */
	char *text;
};

struct ldap_conf_notes {
	struct ldap_conf_note *items;
	size_t n;
	size_t cap; /* internal */
};

enum ldap_conf_reqcert {
	LDAPCONF_REQCERT_UNSET = 0,
	LDAPCONF_REQCERT_NEVER,
	LDAPCONF_REQCERT_ALLOW,
	LDAPCONF_REQCERT_TRY,
	LDAPCONF_REQCERT_DEMAND,
	LDAPCONF_REQCERT_HARD,
};

enum ldap_conf_schema {
	LDAPCONF_SCHEMA_UNSET = 0,
	LDAPCONF_SCHEMA_RFC2307,
	LDAPCONF_SCHEMA_RFC2307BIS,
	LDAPCONF_SCHEMA_IPA,
	LDAPCONF_SCHEMA_AD,
};

enum ldap_conf_bool {
	LDAPCONF_BOOL_UNSET = 0,
	LDAPCONF_FALSE,
	LDAPCONF_TRUE,
};

enum sssd_provider {
	SSSD_PROVIDER_UNSET = 0,
	SSSD_PROVIDER_LDAP,
	SSSD_PROVIDER_IPA,
	SSSD_PROVIDER_AD,
	SSSD_PROVIDER_FILES,
	SSSD_PROVIDER_PROXY,
	SSSD_PROVIDER_KRB5,
	SSSD_PROVIDER_NONE,
	SSSD_PROVIDER_OTHER, /* a word this parser does not know (noted) */
};

enum nslcd_ssl {
	NSLCD_SSL_UNSET = 0,
	NSLCD_SSL_OFF,
	NSLCD_SSL_ON, /* ldaps:// */
	NSLCD_SSL_START_TLS,
};

/* ---- ldap.conf ---------------------------------------------------------- */

struct ldap_conf {
	char *file;
	struct ldap_conf_list uris; /* URI: the last URI line's URIs */
	struct ldap_conf_str base, binddn, tls_cacert, tls_cacertdir, sasl_mech;
	struct ldap_conf_enum tls_reqcert; /* enum ldap_conf_reqcert */
	struct ldap_conf_num network_timeout, timeout, timelimit, sizelimit;
	struct ldap_conf_notes notes; /* unknown keywords, keywords without a value, repeats */
};

int ldap_conf_parse(const char *buf, size_t len, const char *file, struct ldap_conf **outp,
		    struct mfa_parse_err *perr);
void ldap_conf_free(struct ldap_conf **cp);

/* ---- sssd.conf ---------------------------------------------------------- */

struct sssd_domain {
	char *name;                    /* NAME of [domain/NAME] */
	struct ldap_conf_src at;       /* its (first) section header */
	bool listed;                   /* named in [sssd] domains */
	struct ldap_conf_enum enabled; /* enum ldap_conf_bool: `enabled =` */
	struct ldap_conf_enum id_provider, auth_provider, sudo_provider; /* enum sssd_provider */
	struct ldap_conf_list uris;                                      /* ldap_uri */
	struct ldap_conf_str search_base;                                /* ldap_search_base */
	struct ldap_conf_enum schema; /* ldap_schema: enum ldap_conf_schema */
	struct ldap_conf_str default_bind_dn;
	struct ldap_conf_src default_authtok; /* line != 0: ldap_default_authtok is set */
	struct ldap_conf_str tls_cacert, tls_cacertdir;
	struct ldap_conf_enum tls_reqcert;      /* enum ldap_conf_reqcert */
	struct ldap_conf_enum id_use_start_tls; /* enum ldap_conf_bool */
	struct ldap_conf_str user_search_base, group_search_base, sudo_search_base;
	struct ldap_conf_list ipa_servers, ad_servers; /* ipa_server, ad_server */
	struct ldap_conf_str ipa_domain, ad_domain;
	/* The search base sssd derives from ipa_domain or ad_domain when
	 * ldap_search_base is unset ("example.com" -> "dc=example,dc=com"). */
	struct ldap_conf_str derived_base;
};

struct sssd_conf {
	char *file;
	struct ldap_conf_list domains;  /* [sssd] domains, in order */
	struct ldap_conf_list services; /* [sssd] services */
	struct sssd_domain *domain;     /* file order */
	size_t ndomains;
	size_t domcap; /* internal */
	struct ldap_conf_notes notes;
};

int sssd_conf_parse(const char *buf, size_t len, const char *file, struct sssd_conf **outp,
		    struct mfa_parse_err *perr);
void sssd_conf_free(struct sssd_conf **cp);

/* true when sssd runs the domain (see the precedence rule above). */
bool sssd_domain_active(const struct sssd_domain *d);

/* ---- nslcd.conf --------------------------------------------------------- */

/* base, filter and map lines: `base [MAP] DN`, `filter MAP FILTER`,
 * `map MAP ATTRIBUTE VALUE`. */
struct nslcd_mapped {
	char *map;                  /* "passwd", "group", ...; NULL: a base for every map */
	char *attribute;            /* map lines only */
	struct ldap_conf_str value; /* the DN, the filter, or the new attribute or expression */
};

struct nslcd_mapped_list {
	struct nslcd_mapped *items;
	size_t n;
	size_t cap; /* internal */
};

struct nslcd_conf {
	char *file;
	struct ldap_conf_list uris; /* every uri line's URIs, in order */
	struct nslcd_mapped_list bases, filters, maps;
	struct ldap_conf_str binddn, rootpwmoddn, tls_cacertfile, tls_cacertdir;
	struct ldap_conf_src bindpw;      /* line != 0: a bindpw is configured */
	struct ldap_conf_src rootpwmodpw; /* likewise */
	struct ldap_conf_enum ssl;        /* enum nslcd_ssl */
	struct ldap_conf_enum tls_reqcert;
	struct ldap_conf_num timelimit, bind_timelimit;
	struct ldap_conf_notes notes;
};

int nslcd_conf_parse(const char *buf, size_t len, const char *file, struct nslcd_conf **outp,
		     struct mfa_parse_err *perr);
void nslcd_conf_free(struct nslcd_conf **cp);

/* ---- all three, and the defaults --------------------------------------- */

struct ldap_confs {
	struct ldap_conf *ldap;   /* NULL: neither ldap.conf path exists */
	struct sssd_conf *sssd;   /* NULL: no sssd.conf */
	struct nslcd_conf *nslcd; /* NULL: no nslcd.conf */
};

/*
 * Read the three files under the root.  A missing file is no error.
 * Errors: MFA_ERR_PARSE (perr), MFA_ERR_TOO_LARGE, the root_fs.h errors,
 * MFA_ERR_NOMEM.
 */
int ldap_confs_load(int rootfd, struct ldap_confs **outp, struct mfa_parse_err *perr);
void ldap_confs_free(struct ldap_confs **cp);

enum ldap_defaults_from {
	LDAP_DEFAULTS_NONE = 0, /* no file names a directory */
	LDAP_DEFAULTS_SSSD,
	LDAP_DEFAULTS_NSLCD,
	LDAP_DEFAULTS_LDAP_CONF,
};

/*
 * What the auditor uses when the command line names nothing.  Pointers
 * borrow from the struct ldap_confs (valid while it lives); NULL: unset.
 */
struct ldap_defaults {
	enum ldap_defaults_from from;
	const struct sssd_domain *domain;        /* LDAP_DEFAULTS_SSSD: the domain */
	const struct ldap_conf_list *uris;       /* may be empty (sssd: servers or DNS discovery) */
	const struct ldap_conf_list *servers;    /* sssd ipa_server / ad_server */
	const struct ldap_conf_str *base;        /* NULL: ask the server's root DSE */
	const struct ldap_conf_str *binddn;      /* NULL: anonymous or SASL */
	const struct ldap_conf_src *bind_secret; /* a password is configured there */
	const struct ldap_conf_str *tls_cacert, *tls_cacertdir;
	const struct ldap_conf_enum *tls_reqcert;
	enum ldap_conf_bool start_tls; /* sssd ldap_id_use_start_tls, nslcd ssl start_tls */
	const struct ldap_conf_src *start_tls_at;
	enum ldap_conf_schema schema;          /* set or implied by the provider */
	const struct ldap_conf_src *schema_at; /* the ldap_schema or id_provider line */
	const struct ldap_conf_str *user_base, *group_base, *sudo_base;
	const struct ldap_conf_num *network_timeout, *timelimit;
};

/* Fill *out by the precedence rule above.  c may be NULL (nothing). */
int ldap_confs_defaults(const struct ldap_confs *c, struct ldap_defaults *out);

const char *ldap_conf_reqcert_name(int v);                      /* "demand", ...; "unset" */
const char *ldap_conf_schema_name(int v);                       /* "rfc2307bis", ... */
const char *sssd_provider_name(int v);                          /* "ldap", "ipa", ... */
const char *nslcd_ssl_name(int v);                              /* "start_tls", ... */
const char *ldap_defaults_from_name(enum ldap_defaults_from f); /* "sssd", ... */

#endif /* MFA_LDAP_CONF_H */
