/*
 * test_ldap_conf.c - ldap.conf, sssd.conf and nslcd.conf: realistic files
 * (Debian ldap.conf with two URIs, sssd joined to Active Directory, sssd on
 * an RFC 2307bis LDAP server, a FreeIPA client, nslcd with StartTLS), the
 * precedence of the defaults, every malformed line with its file and line,
 * and no configured password in any string the parsers hand out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ldap_conf.h"
#include "root_fs.h"
#include "test_files.h"

/* ---- fixtures --------------------------------------------------------------- */

static const char debian_ldap_conf[] =
	"#\n"
	"# LDAP Defaults\n"
	"#\n"
	"\n"
	"# See ldap.conf(5) for details\n"
	"BASE\tdc=example,dc=com\n"
	"URI\tldaps://ldap1.example.com ldaps://ldap2.example.com:636\n"
	"\n"
	"#SIZELIMIT\t12\n"
	"#TIMELIMIT\t15\n"
	"#DEREF\t\tnever\n"
	"\n"
	"# TLS certificates (needed for GnuTLS)\n"
	"TLS_CACERT\t/etc/ssl/certs/ca-certificates.crt\n"
	"tls_reqcert demand\n"
	"NETWORK_TIMEOUT 5\n"
	"TIMELIMIT 15\n"
	"sizelimit 500\n"
	"DEREF never\n"
	"FROBNICATE yes\n"
	"TIMEOUT\n";

static const char sssd_ad[] = "[sssd]\n"
			      "domains = ad.example.com\n"
			      "config_file_version = 2\n"
			      "services = nss, pam\n"
			      "\n"
			      "[domain/ad.example.com]\n"
			      "default_shell = /bin/bash\n"
			      "krb5_store_password_if_offline = True\n"
			      "cache_credentials = True\n"
			      "krb5_realm = AD.EXAMPLE.COM\n"
			      "realmd_tags = manages-system joined-with-adcli \n"
			      "id_provider = ad\n"
			      "fallback_homedir = /home/%u@%d\n"
			      "ad_domain = ad.example.com\n"
			      "use_fully_qualified_names = True\n"
			      "ldap_id_mapping = True\n"
			      "access_provider = ad\n";

#define SSSD_SECRET "S3cr3t-sssd-Pw"
static const char sssd_ldap_rfc2307bis[] =
	"# sssd.conf for the example.com OpenLDAP servers\n"
	"[sssd]\n"
	"config_file_version = 2\n"
	"services = nss, pam, sudo\n"
	"domains = LDAP\n"
	"\n"
	"[nss]\n"
	"filter_users = root\n"
	"; the sudo responder reads sudoRole entries\n"
	"[sudo]\n"
	"\n"
	"[domain/LDAP]\n"
	"id_provider = ldap\n"
	"auth_provider = ldap\n"
	"sudo_provider = ldap\n"
	"ldap_uri = ldaps://ldap1.example.com, ldaps://ldap2.example.com\n"
	"ldap_search_base = dc=example,dc=com\n"
	"ldap_schema = rfc2307bis\n"
	"ldap_default_bind_dn = cn=sssd,ou=services,dc=example,dc=com\n"
	"ldap_default_authtok_type = password\n"
	"ldap_default_authtok = " SSSD_SECRET "\n"
	"ldap_tls_cacert = /etc/ssl/certs/example-ca.pem\n"
	"LDAP_TLS_REQCERT = demand\n"
	"ldap_id_use_start_tls = false\n"
	"ldap_sudo_search_base = ou=SUDOers,dc=example,dc=com\n"
	"ldap_group_search_base = ou=groups,dc=example,dc=com\n"
	"cache_credentials = true\n";

static const char sssd_freeipa[] = "[domain/ipa.example.com]\n"
				   "\n"
				   "id_provider = ipa\n"
				   "ipa_server = _srv_, ipa1.ipa.example.com\n"
				   "ipa_domain = ipa.example.com\n"
				   "ipa_hostname = client1.ipa.example.com\n"
				   "auth_provider = ipa\n"
				   "chpass_provider = ipa\n"
				   "access_provider = ipa\n"
				   "cache_credentials = True\n"
				   "ldap_tls_cacert = /etc/ipa/ca.crt\n"
				   "krb5_store_password_if_offline = True\n"
				   "[sssd]\n"
				   "services = nss, pam, ssh, sudo\n"
				   "\n"
				   "domains = ipa.example.com\n"
				   "[nss]\n"
				   "homedir_substring = /home\n"
				   "\n"
				   "[pam]\n"
				   "\n"
				   "[sudo]\n"
				   "\n"
				   "[autofs]\n"
				   "\n"
				   "[ssh]\n"
				   "\n"
				   "[pac]\n"
				   "\n"
				   "[ifp]\n"
				   "\n"
				   "[session_recording]\n";

#define NSLCD_SECRET "Very$ecretNslcd"
#define NSLCD_SECRET2 "Another$ecretPw"
static const char nslcd_starttls[] =
	"# /etc/nslcd.conf\n"
	"# nslcd configuration file. See nslcd.conf(5)\n"
	"uid nslcd\n"
	"gid nslcd\n"
	"\n"
	"uri ldap://ldap1.example.com\n"
	"URI ldap://ldap2.example.com ldapi:///\n"
	"base dc=example,dc=com\n"
	"base passwd ou=people,dc=example,dc=com\n"
	"base   group  ou=groups,dc=example,dc=com\n"
	"binddn cn=nslcd,ou=services,dc=example,dc=com\n"
	"bindpw " NSLCD_SECRET "\n"
	"rootpwmodpw " NSLCD_SECRET2 "\n"
	"ssl start_tls\n"
	"tls_reqcert demand\n"
	"tls_cacertfile /etc/ssl/certs/ca-certificates.crt\n"
	"filter passwd (&(objectClass=posixAccount)(memberOf=cn=staff,ou=groups,dc=example,dc=com))\n"
	"map    passwd homeDirectory \"/home/$uid\"\n"
	"map group member uniqueMember\n"
	"scope sub\n"
	"timelimit 10\n"
	"bind_timelimit 5\n"
	"nss_initgroups_ignoreusers ALLLOCAL\n";

/* ---- helpers ---------------------------------------------------------------- */

static void
parse_failed(int r, const struct mfa_parse_err *e)
{
	if (r != 0)
		fail_msg("%s: %s:%u:%u: %s", mfa_strerror(r), e->file, e->line, e->column, e->msg);
}

static struct ldap_conf *
ldap_ok(const char *text)
{
	struct ldap_conf *c = NULL;
	struct mfa_parse_err e;

	parse_failed(ldap_conf_parse(text, strlen(text), "/etc/test.conf", &c, &e), &e);
	assert_non_null(c);
	return c;
}

static struct sssd_conf *
sssd_ok(const char *text)
{
	struct sssd_conf *c = NULL;
	struct mfa_parse_err e;

	parse_failed(sssd_conf_parse(text, strlen(text), "/etc/test.conf", &c, &e), &e);
	assert_non_null(c);
	return c;
}

static struct nslcd_conf *
nslcd_ok(const char *text)
{
	struct nslcd_conf *c = NULL;
	struct mfa_parse_err e;

	parse_failed(nslcd_conf_parse(text, strlen(text), "/etc/test.conf", &c, &e), &e);
	assert_non_null(c);
	return c;
}

static void
assert_str(const struct ldap_conf_str *s, const char *value, unsigned line)
{
	assert_non_null(s->value);
	assert_string_equal(s->value, value);
	assert_int_equal(s->at.line, line);
	assert_non_null(s->at.file);
}

static bool
note_at(const struct ldap_conf_notes *n, unsigned line, const char *part)
{
	size_t i;

	for (i = 0; i < n->n; i++)
		if (n->items[i].at.line == line && strstr(n->items[i].text, part) != NULL)
			return true;
	for (i = 0; i < n->n; i++)
		print_message("note %u: %s\n", n->items[i].at.line, n->items[i].text);
	return false;
}

static void
no_secret_in(const char *s, const char *secret)
{
	if (s != NULL && strstr(s, secret) != NULL)
		fail_msg("a secret in \"%s\"", s);
	/* A part of it would be a leak too. */
	if (s != NULL && strlen(secret) > 6 && strstr(s, secret + 3) != NULL)
		fail_msg("part of a secret in \"%s\"", s);
}

static void
no_secret_list(const struct ldap_conf_list *l, const char *secret)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		no_secret_in(l->items[i].value, secret);
}

static void
no_secret_notes(const struct ldap_conf_notes *n, const char *secret)
{
	size_t i;

	for (i = 0; i < n->n; i++)
		no_secret_in(n->items[i].text, secret);
}

static void
no_secret_sssd(const struct sssd_conf *c, const char *secret)
{
	size_t i;

	no_secret_list(&c->domains, secret);
	no_secret_list(&c->services, secret);
	no_secret_notes(&c->notes, secret);
	for (i = 0; i < c->ndomains; i++) {
		const struct sssd_domain *d = &c->domain[i];
		const struct ldap_conf_str *strs[] = {
			&d->search_base,      &d->default_bind_dn,  &d->tls_cacert,
			&d->tls_cacertdir,    &d->user_search_base, &d->group_search_base,
			&d->sudo_search_base, &d->ipa_domain,       &d->ad_domain,
			&d->derived_base,
		};
		size_t k;

		no_secret_in(d->name, secret);
		for (k = 0; k < sizeof(strs) / sizeof(strs[0]); k++)
			no_secret_in(strs[k]->value, secret);
		no_secret_list(&d->uris, secret);
		no_secret_list(&d->ipa_servers, secret);
		no_secret_list(&d->ad_servers, secret);
	}
}

static void
no_secret_mapped(const struct nslcd_mapped_list *l, const char *secret)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		no_secret_in(l->items[i].map, secret);
		no_secret_in(l->items[i].attribute, secret);
		no_secret_in(l->items[i].value.value, secret);
	}
}

static void
no_secret_nslcd(const struct nslcd_conf *c, const char *secret)
{
	no_secret_list(&c->uris, secret);
	no_secret_mapped(&c->bases, secret);
	no_secret_mapped(&c->filters, secret);
	no_secret_mapped(&c->maps, secret);
	no_secret_in(c->binddn.value, secret);
	no_secret_in(c->rootpwmoddn.value, secret);
	no_secret_in(c->tls_cacertfile.value, secret);
	no_secret_in(c->tls_cacertdir.value, secret);
	no_secret_notes(&c->notes, secret);
}

/* ---- ldap.conf ------------------------------------------------------------ */

static void
test_ldap_conf_debian_two_uris(void **state)
{
	struct ldap_conf *c = ldap_ok(debian_ldap_conf);

	(void)state;
	assert_string_equal(c->file, "/etc/test.conf");
	assert_int_equal(c->uris.n, 2);
	assert_str(&c->uris.items[0], "ldaps://ldap1.example.com", 7);
	assert_str(&c->uris.items[1], "ldaps://ldap2.example.com:636", 7);
	assert_str(&c->base, "dc=example,dc=com", 6);
	assert_str(&c->tls_cacert, "/etc/ssl/certs/ca-certificates.crt", 14);
	assert_int_equal(c->tls_reqcert.value, LDAPCONF_REQCERT_DEMAND);
	assert_int_equal(c->tls_reqcert.at.line, 15);
	assert_string_equal(ldap_conf_reqcert_name(c->tls_reqcert.value), "demand");
	assert_true(c->network_timeout.set);
	assert_int_equal(c->network_timeout.value, 5);
	assert_int_equal(c->network_timeout.at.line, 16);
	assert_int_equal(c->timelimit.value, 15);
	assert_int_equal(c->sizelimit.value, 500);
	assert_int_equal(c->sizelimit.at.line, 18);
	assert_false(c->timeout.set);
	assert_null(c->binddn.value);
	/* Ignored by libldap, noted here with their lines; DEREF is known. */
	assert_true(note_at(&c->notes, 20, "unknown keyword"));
	assert_true(note_at(&c->notes, 21, "without a value"));
	assert_int_equal(c->notes.n, 2);
	ldap_conf_free(&c);
	assert_null(c);
	ldap_conf_free(&c);
}

/* libldap: the last URI line wins; URIs split at blanks and commas. */
static void
test_ldap_conf_last_wins(void **state)
{
	static const char text[] = "URI ldap://old.example.com\n"
				   "URI ldap://a.example.com,ldapi:///  LDAPS://b.example.com\n"
				   "BASE dc=old\n"
				   "BASE dc=new\n"
				   "BINDDN cn=reader,dc=new\n";
	struct ldap_conf *c = ldap_ok(text);

	(void)state;
	assert_int_equal(c->uris.n, 3);
	assert_str(&c->uris.items[1], "ldapi:///", 2);
	assert_str(&c->uris.items[2], "LDAPS://b.example.com", 2);
	assert_str(&c->base, "dc=new", 4);
	assert_true(note_at(&c->notes, 4, "replaces line 3"));
	assert_str(&c->binddn, "cn=reader,dc=new", 5);
	assert_true(note_at(&c->notes, 5, "user-only"));
	ldap_conf_free(&c);
}

/* ---- sssd.conf ------------------------------------------------------------ */

static void
test_sssd_ad(void **state)
{
	struct sssd_conf *c = sssd_ok(sssd_ad);
	struct ldap_confs confs = {NULL, c, NULL};
	struct ldap_defaults d;
	const struct sssd_domain *dom;

	(void)state;
	assert_int_equal(c->domains.n, 1);
	assert_str(&c->domains.items[0], "ad.example.com", 2);
	assert_int_equal(c->services.n, 2);
	assert_str(&c->services.items[1], "pam", 4);
	assert_int_equal(c->ndomains, 1);
	dom = &c->domain[0];
	assert_string_equal(dom->name, "ad.example.com");
	assert_int_equal(dom->at.line, 6);
	assert_true(dom->listed);
	assert_true(sssd_domain_active(dom));
	assert_int_equal(dom->id_provider.value, SSSD_PROVIDER_AD);
	assert_int_equal(dom->id_provider.at.line, 12);
	assert_str(&dom->ad_domain, "ad.example.com", 14);
	assert_str(&dom->derived_base, "dc=ad,dc=example,dc=com", 14);
	assert_int_equal(dom->uris.n, 0);

	assert_int_equal(ldap_confs_defaults(&confs, &d), 0);
	assert_int_equal(d.from, LDAP_DEFAULTS_SSSD);
	assert_string_equal(ldap_defaults_from_name(d.from), "sssd");
	assert_ptr_equal(d.domain, dom);
	assert_int_equal(d.uris->n, 0);
	assert_int_equal(d.schema, LDAPCONF_SCHEMA_AD);
	assert_int_equal(d.schema_at->line, 12); /* implied by id_provider */
	assert_str(d.base, "dc=ad,dc=example,dc=com", 14);
	assert_null(d.binddn);
	assert_null(d.bind_secret);
	sssd_conf_free(&c);
}

static void
test_sssd_ldap_rfc2307bis(void **state)
{
	struct sssd_conf *c = sssd_ok(sssd_ldap_rfc2307bis);
	struct ldap_confs confs = {NULL, c, NULL};
	struct ldap_defaults d;
	const struct sssd_domain *dom = &c->domain[0];

	(void)state;
	assert_int_equal(c->ndomains, 1);
	assert_true(sssd_domain_active(dom));
	assert_int_equal(dom->uris.n, 2);
	assert_str(&dom->uris.items[0], "ldaps://ldap1.example.com", 16);
	assert_str(&dom->uris.items[1], "ldaps://ldap2.example.com", 16);
	assert_int_equal(dom->schema.value, LDAPCONF_SCHEMA_RFC2307BIS);
	assert_string_equal(ldap_conf_schema_name(dom->schema.value), "rfc2307bis");
	assert_int_equal(dom->sudo_provider.value, SSSD_PROVIDER_LDAP);
	assert_string_equal(sssd_provider_name(dom->auth_provider.value), "ldap");
	assert_int_equal(dom->tls_reqcert.value, LDAPCONF_REQCERT_DEMAND);
	assert_int_equal(dom->id_use_start_tls.value, LDAPCONF_FALSE);
	assert_int_equal(dom->default_authtok.line, 21);
	assert_null(dom->derived_base.value);

	assert_int_equal(ldap_confs_defaults(&confs, &d), 0);
	assert_int_equal(d.from, LDAP_DEFAULTS_SSSD);
	assert_int_equal(d.uris->n, 2);
	assert_str(d.base, "dc=example,dc=com", 17);
	assert_str(d.binddn, "cn=sssd,ou=services,dc=example,dc=com", 19);
	assert_non_null(d.bind_secret);
	assert_int_equal(d.bind_secret->line, 21);
	assert_int_equal(d.schema, LDAPCONF_SCHEMA_RFC2307BIS);
	assert_int_equal(d.schema_at->line, 18);
	assert_int_equal(d.start_tls, LDAPCONF_FALSE);
	assert_str(d.sudo_base, "ou=SUDOers,dc=example,dc=com", 25);
	assert_str(d.group_base, "ou=groups,dc=example,dc=com", 26);
	assert_str(d.tls_cacert, "/etc/ssl/certs/example-ca.pem", 22);
	assert_int_equal(d.tls_reqcert->value, LDAPCONF_REQCERT_DEMAND);

	no_secret_sssd(c, SSSD_SECRET);
	sssd_conf_free(&c);
}

static void
test_sssd_freeipa(void **state)
{
	struct sssd_conf *c = sssd_ok(sssd_freeipa);
	struct ldap_confs confs = {NULL, c, NULL};
	struct ldap_defaults d;
	const struct sssd_domain *dom = &c->domain[0];

	(void)state;
	assert_int_equal(c->ndomains, 1);
	assert_string_equal(dom->name, "ipa.example.com");
	assert_true(dom->listed); /* [sssd] comes after the domain */
	assert_int_equal(dom->ipa_servers.n, 2);
	assert_str(&dom->ipa_servers.items[0], "_srv_", 4);
	assert_str(&dom->ipa_servers.items[1], "ipa1.ipa.example.com", 4);
	assert_str(&dom->derived_base, "dc=ipa,dc=example,dc=com", 5);

	assert_int_equal(ldap_confs_defaults(&confs, &d), 0);
	assert_int_equal(d.from, LDAP_DEFAULTS_SSSD);
	assert_int_equal(d.schema, LDAPCONF_SCHEMA_IPA);
	assert_int_equal(d.schema_at->line, 3);
	assert_ptr_equal(d.servers, &dom->ipa_servers);
	assert_str(d.base, "dc=ipa,dc=example,dc=com", 5);
	assert_str(d.tls_cacert, "/etc/ipa/ca.crt", 11);
	assert_null(d.sudo_base);
	assert_int_equal(c->notes.n, 0);
	sssd_conf_free(&c);
}

/* Several domains: the first listed, running one with a directory provider. */
static void
test_sssd_several_domains(void **state)
{
	static const char text[] = "[sssd]\n"
				   "domains = local, gone, off, corp\n"
				   "[domain/local]\n"
				   "id_provider = files\n"
				   "[domain/off]\n"
				   "id_provider = ldap\n"
				   "enabled = false\n"
				   "ldap_uri = ldap://off.example.com\n"
				   "[domain/corp]\n"
				   "id_provider = ldap\n"
				   "ldap_uri = ldap://corp.example.com\n"
				   "ldap_uri = ldap://corp2.example.com\n"
				   "[domain/extra]\n"
				   "id_provider = ldap\n"
				   "enabled = TRUE\n"
				   "[domain/corp]\n"
				   "ldap_id_use_start_tls = True\n"
				   "id_provider = someday\n";
	struct sssd_conf *c = sssd_ok(text);
	struct ldap_confs confs = {NULL, c, NULL};
	struct ldap_defaults d;

	(void)state;
	assert_int_equal(c->ndomains, 4);
	assert_false(sssd_domain_active(&c->domain[1])); /* off */
	assert_true(sssd_domain_active(&c->domain[3]));  /* extra: enabled = TRUE */
	assert_false(c->domain[3].listed);
	assert_true(note_at(&c->notes, 2, "\"gone\""));
	assert_true(note_at(&c->notes, 12, "replaces line 11"));
	assert_true(note_at(&c->notes, 16, "merged with line 9"));
	assert_true(note_at(&c->notes, 18, "does not model"));
	/* corp's provider is now unknown: "extra" is the directory. */
	assert_int_equal(c->domain[2].id_provider.value, SSSD_PROVIDER_OTHER);
	assert_string_equal(sssd_provider_name(SSSD_PROVIDER_OTHER), "other");
	assert_int_equal(ldap_confs_defaults(&confs, &d), 0);
	assert_string_equal(d.domain->name, "extra");
	assert_int_equal(d.schema, LDAPCONF_SCHEMA_RFC2307);
	sssd_conf_free(&c);

	/* Without the last line, corp (listed) comes before extra. */
	c = NULL;
	{
		size_t len = strlen(text) - strlen("id_provider = someday\n");
		struct mfa_parse_err e;

		assert_int_equal(sssd_conf_parse(text, len, "/etc/sssd/sssd.conf", &c, &e), 0);
	}
	confs.sssd = c;
	assert_int_equal(ldap_confs_defaults(&confs, &d), 0);
	assert_string_equal(d.domain->name, "corp");
	assert_int_equal(d.uris->n, 1);
	assert_str(&d.uris->items[0], "ldap://corp2.example.com", 12);
	assert_int_equal(d.start_tls, LDAPCONF_TRUE);
	assert_int_equal(d.start_tls_at->line, 17);
	sssd_conf_free(&c);
}

/* ---- nslcd.conf ----------------------------------------------------------- */

static void
test_nslcd_start_tls(void **state)
{
	struct nslcd_conf *c = nslcd_ok(nslcd_starttls);
	struct ldap_confs confs = {NULL, NULL, c};
	struct ldap_defaults d;

	(void)state;
	assert_int_equal(c->uris.n, 3);
	assert_str(&c->uris.items[0], "ldap://ldap1.example.com", 6);
	assert_str(&c->uris.items[1], "ldap://ldap2.example.com", 7);
	assert_str(&c->uris.items[2], "ldapi:///", 7);
	assert_int_equal(c->bases.n, 3);
	assert_null(c->bases.items[0].map);
	assert_str(&c->bases.items[0].value, "dc=example,dc=com", 8);
	assert_string_equal(c->bases.items[1].map, "passwd");
	assert_str(&c->bases.items[1].value, "ou=people,dc=example,dc=com", 9);
	assert_string_equal(c->bases.items[2].map, "group");
	assert_str(&c->binddn, "cn=nslcd,ou=services,dc=example,dc=com", 11);
	assert_int_equal(c->bindpw.line, 12);
	assert_int_equal(c->rootpwmodpw.line, 13);
	assert_int_equal(c->ssl.value, NSLCD_SSL_START_TLS);
	assert_string_equal(nslcd_ssl_name(c->ssl.value), "start_tls");
	assert_int_equal(c->tls_reqcert.value, LDAPCONF_REQCERT_DEMAND);
	assert_int_equal(c->filters.n, 1);
	assert_string_equal(c->filters.items[0].map, "passwd");
	assert_str(&c->filters.items[0].value,
		   "(&(objectClass=posixAccount)(memberOf=cn=staff,ou=groups,dc=example,dc=com))",
		   17);
	assert_int_equal(c->maps.n, 2);
	assert_string_equal(c->maps.items[0].map, "passwd");
	assert_string_equal(c->maps.items[0].attribute, "homeDirectory");
	assert_str(&c->maps.items[0].value, "\"/home/$uid\"", 18);
	assert_string_equal(c->maps.items[1].attribute, "member");
	assert_str(&c->maps.items[1].value, "uniqueMember", 19);
	assert_int_equal(c->timelimit.value, 10);
	assert_int_equal(c->bind_timelimit.value, 5);
	assert_int_equal(c->notes.n, 0);

	assert_int_equal(ldap_confs_defaults(&confs, &d), 0);
	assert_int_equal(d.from, LDAP_DEFAULTS_NSLCD);
	assert_int_equal(d.uris->n, 3);
	assert_str(d.base, "dc=example,dc=com", 8);
	assert_str(d.user_base, "ou=people,dc=example,dc=com", 9);
	assert_str(d.group_base, "ou=groups,dc=example,dc=com", 10);
	assert_int_equal(d.bind_secret->line, 12);
	assert_int_equal(d.start_tls, LDAPCONF_TRUE);
	assert_int_equal(d.start_tls_at->line, 14);
	assert_int_equal(d.schema, LDAPCONF_SCHEMA_UNSET);

	no_secret_nslcd(c, NSLCD_SECRET);
	no_secret_nslcd(c, NSLCD_SECRET2);
	nslcd_conf_free(&c);
}

/* ---- precedence ------------------------------------------------------------ */

static void
test_precedence(void **state)
{
	static const char ldapconf[] = "URI ldap://from-ldap-conf\n"
				       "BASE dc=ldapconf\n"
				       "TLS_CACERT /etc/ssl/ldapconf-ca.pem\n"
				       "TLS_REQCERT never\n"
				       "NETWORK_TIMEOUT 7\n";
	static const char nslcd[] = "uri ldap://from-nslcd\n";
	static const char sssd_files_only[] = "[sssd]\ndomains = local\n[domain/local]\n"
					      "id_provider = files\n";
	struct ldap_confs confs = {NULL, NULL, NULL};
	struct ldap_defaults d;

	(void)state;
	assert_int_equal(ldap_confs_defaults(NULL, &d), 0);
	assert_int_equal(d.from, LDAP_DEFAULTS_NONE);
	assert_int_equal(ldap_confs_defaults(&confs, NULL), MFA_ERR_INVALID_ARG);

	confs.ldap = ldap_ok(ldapconf);
	assert_int_equal(ldap_confs_defaults(&confs, &d), 0);
	assert_int_equal(d.from, LDAP_DEFAULTS_LDAP_CONF);
	assert_str(&d.uris->items[0], "ldap://from-ldap-conf", 1);
	assert_str(d.base, "dc=ldapconf", 2);
	assert_int_equal(d.network_timeout->value, 7);

	/* nslcd beats ldap.conf; its unset TLS options fall back to ldap.conf;
	 * the base does not (nslcd asks the server). */
	confs.nslcd = nslcd_ok(nslcd);
	assert_int_equal(ldap_confs_defaults(&confs, &d), 0);
	assert_int_equal(d.from, LDAP_DEFAULTS_NSLCD);
	assert_str(&d.uris->items[0], "ldap://from-nslcd", 1);
	assert_null(d.base);
	assert_str(d.tls_cacert, "/etc/ssl/ldapconf-ca.pem", 3);
	assert_int_equal(d.tls_reqcert->value, LDAPCONF_REQCERT_NEVER);
	assert_int_equal(d.tls_reqcert->at.line, 4);
	assert_null(d.network_timeout);

	/* An sssd with only a files domain names no directory: nslcd stays. */
	confs.sssd = sssd_ok(sssd_files_only);
	assert_int_equal(ldap_confs_defaults(&confs, &d), 0);
	assert_int_equal(d.from, LDAP_DEFAULTS_NSLCD);
	sssd_conf_free(&confs.sssd);

	/* A running LDAP domain wins over both. */
	confs.sssd = sssd_ok(sssd_ldap_rfc2307bis);
	assert_int_equal(ldap_confs_defaults(&confs, &d), 0);
	assert_int_equal(d.from, LDAP_DEFAULTS_SSSD);
	assert_str(d.tls_cacert, "/etc/ssl/certs/example-ca.pem", 22);

	ldap_conf_free(&confs.ldap);
	nslcd_conf_free(&confs.nslcd);
	sssd_conf_free(&confs.sssd);
}

/* ---- malformed input -------------------------------------------------------- */

enum which {
	LDAPCONF,
	SSSD,
	NSLCD
};

struct bad_case {
	enum which which;
	const char *text;
	unsigned line;
	unsigned column; /* 0: not checked */
	const char *part;
};

static const struct bad_case bad_cases[] = {
	{LDAPCONF, "URI ldap://a.example.com http://b.example.com\n", 1, 26, "URI scheme"},
	{LDAPCONF, "BASE dc=x\nURI ldap:/broken\n", 2, 5, "URI scheme"},
	{LDAPCONF, "BASE dc=x\nNETWORK_TIMEOUT 5s\n", 2, 17, "not a decimal"},
	{LDAPCONF, "TIMELIMIT -1\n", 1, 11, "not a decimal"},
	{LDAPCONF, "SIZELIMIT 99999999999999999999\n", 1, 11, "not a decimal"},
	{LDAPCONF, "TIMEOUT 2147483648\n", 1, 9, "not a decimal"},
	{LDAPCONF, "\n\nTLS_REQCERT sometimes\n", 3, 13, "TLS_REQCERT"},
	{SSSD, "domains = a\n", 1, 1, "outside any section"},
	{SSSD, "# comment\n[sssd]\ndomains\n", 3, 1, "'=' expected"},
	{SSSD, "[sssd\ndomains = a\n", 1, 1, "without ']'"},
	{SSSD, "[sssd]\n  [nss\n", 2, 3, "without ']'"},
	{SSSD, "[ ]\n", 1, 1, "empty section name"},
	{SSSD, "[domain/]\n", 1, 1, "empty domain name"},
	{SSSD, "[sssd]\n = x\n", 2, 2, "empty key"},
	{SSSD, "[domain/x]\nldap_uri = ldap://a, https://b\n", 2, 22, "URI scheme"},
	{SSSD, "[domain/x]\nldap_schema = rfc9999\n", 2, 15, "ldap_schema"},
	{SSSD, "[domain/x]\nldap_id_use_start_tls = yes\n", 2, 25, "ldap_id_use_start_tls"},
	{SSSD, "[domain/x]\nldap_tls_reqcert = maybe\n", 2, 20, "ldap_tls_reqcert"},
	{SSSD, "[domain/x]\nldap_uri = ,\n", 2, 12, "no value"},
	{NSLCD, "uri http://x.example.com\n", 1, 5, "URI scheme"},
	{NSLCD, "uri ldap://x DNS:example.com ftp://y\n", 1, 30, "URI scheme"},
	{NSLCD, "base\n", 1, 0, "argument is missing"},
	{NSLCD, "map passwd uid\n", 1, 5, "missing arguments"},
	{NSLCD, "map users uid sAMAccountName\n", 1, 5, "not a map"},
	{NSLCD, "filter passwd\n", 1, 8, "missing arguments"},
	{NSLCD, "ssl maybe\n", 1, 5, "ssl"},
	{NSLCD, "uid nslcd\ntimelimit 10s\n", 2, 11, "not a decimal"},
	{NSLCD, "bindpw\n", 1, 0, "argument is missing"},
};

static int
parse_which(enum which w, const char *text, size_t len, struct mfa_parse_err *perr)
{
	struct ldap_conf *l = NULL;
	struct sssd_conf *s = NULL;
	struct nslcd_conf *n = NULL;
	int r;

	switch (w) {
	case LDAPCONF:
		r = ldap_conf_parse(text, len, "/r/ldap.conf", &l, perr);
		break;
	case SSSD:
		r = sssd_conf_parse(text, len, "/r/sssd.conf", &s, perr);
		break;
	default:
		r = nslcd_conf_parse(text, len, "/r/nslcd.conf", &n, perr);
		break;
	}
	if (r != 0) {
		assert_null(l);
		assert_null(s);
		assert_null(n);
	}
	ldap_conf_free(&l);
	sssd_conf_free(&s);
	nslcd_conf_free(&n);
	return r;
}

static void
test_malformed(void **state)
{
	static const char *const files[] = {"/r/ldap.conf", "/r/sssd.conf", "/r/nslcd.conf"};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *bc = &bad_cases[i];
		struct mfa_parse_err perr;
		int r = parse_which(bc->which, bc->text, strlen(bc->text), &perr);

		if (r != MFA_ERR_PARSE || perr.line != bc->line ||
		    (bc->column != 0 && perr.column != bc->column) ||
		    strstr(perr.msg, bc->part) == NULL)
			fail_msg("case %zu: r=%d %u:%u %s (want %u:%u %s)", i, r, perr.line,
				 perr.column, perr.msg, bc->line, bc->column, bc->part);
		assert_string_equal(perr.file, files[bc->which]);
	}
}

/* A long line, a NUL byte: in each format, with the line. */
static void
test_line_cap_and_nul(void **state)
{
	static const char sssd_nul[] = "[sssd]\na\0b=c\n", kw_nul[] = "#\nBASE\0x\n";
	size_t n = LDAP_CONF_LINE_MAX + 1;
	char *text = malloc(n + 32);
	enum which w;

	(void)state;
	assert_non_null(text);
	for (w = LDAPCONF; w <= NSLCD; w++) {
		struct mfa_parse_err perr;
		size_t len;

		len = (size_t)snprintf(text, 32, "%s", w == SSSD ? "[sssd]\n" : "# first\n");
		memset(text + len, 'x', n);
		len += n;
		assert_int_equal(parse_which(w, text, len, &perr), MFA_ERR_PARSE);
		assert_int_equal(perr.line, 2);
		assert_non_null(strstr(perr.msg, "longer than"));
		/* One byte shorter is fine (an unknown keyword at most). */
		if (w != SSSD)
			assert_int_equal(parse_which(w, text, len - 1, &perr), 0);
		if (w == SSSD)
			assert_int_equal(parse_which(w, sssd_nul, sizeof(sssd_nul) - 1, &perr),
					 MFA_ERR_PARSE);
		else
			assert_int_equal(parse_which(w, kw_nul, sizeof(kw_nul) - 1, &perr),
					 MFA_ERR_PARSE);
		assert_int_equal(perr.line, 2);
		assert_non_null(strstr(perr.msg, "NUL"));
	}
	free(text);
}

/* A bindpw never reaches an error message, even on a refused line. */
static void
test_secret_not_in_errors(void **state)
{
	static const char *const texts[] = {
		"bindpw " NSLCD_SECRET "\nuri http://bad\n",
		"bindpw " NSLCD_SECRET " extra words\nssl " NSLCD_SECRET "\n",
		"bindpw\n" NSLCD_SECRET "\n",
		"timelimit " NSLCD_SECRET "\n",
		"map passwd " NSLCD_SECRET "\n",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct mfa_parse_err perr;
		char buf[1024];

		assert_int_equal(parse_which(NSLCD, texts[i], strlen(texts[i]), &perr),
				 MFA_ERR_PARSE);
		no_secret_in(perr.msg, NSLCD_SECRET);
		no_secret_in(mfa_parse_err_format(&perr, buf, sizeof(buf)), NSLCD_SECRET);
	}
	/* The secret on a line of its own is an unknown keyword: noted, not quoted. */
	{
		struct nslcd_conf *c = NULL;
		struct mfa_parse_err perr;
		static const char t[] = "bindpw x\n" NSLCD_SECRET " " NSLCD_SECRET "\n";

		assert_int_equal(nslcd_conf_parse(t, strlen(t), "/etc/nslcd.conf", &c, &perr), 0);
		assert_true(note_at(&c->notes, 2, "unknown keyword"));
		no_secret_nslcd(c, NSLCD_SECRET);
		nslcd_conf_free(&c);
	}
	/* sssd: an ldap_default_authtok with an unknown value around it. */
	{
		struct mfa_parse_err perr;
		static const char t[] = "[domain/x]\nldap_default_authtok = " SSSD_SECRET "\n"
					"ldap_schema = " SSSD_SECRET "\n";

		assert_int_equal(parse_which(SSSD, t, strlen(t), &perr), MFA_ERR_PARSE);
		assert_int_equal(perr.line, 3);
		no_secret_in(perr.msg, SSSD_SECRET);
	}
}

/* ---- loading from a root -------------------------------------------------- */

static void
make_dir(const char *root, const char *sub)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, sub);
	assert_int_equal(mkdir(path, 0755), 0);
}

static void
put_file(const char *root, const char *sub, mode_t mode, const char *text)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, sub);
	test_write_file(path, mode, "%s", text);
}

static void
remove_file(const char *root, const char *sub)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, sub);
	assert_int_equal(remove(path), 0);
}

static void
test_load_from_root(void **state)
{
	char root[] = "/tmp/mfacover-ldapconf-XXXXXX";
	struct ldap_confs *c = NULL;
	struct mfa_parse_err perr;
	struct ldap_defaults d;
	int fd = -1;

	(void)state;
	assert_non_null(mkdtemp(root));
	assert_int_equal(root_fs_open_root(root, &fd, &perr), 0);

	/* Nothing there: no error, nothing configured. */
	assert_int_equal(ldap_confs_load(fd, &c, &perr), 0);
	assert_null(c->ldap);
	assert_null(c->sssd);
	assert_null(c->nslcd);
	ldap_confs_free(&c);

	make_dir(root, "etc");
	make_dir(root, "etc/openldap");
	make_dir(root, "etc/sssd");
	/* Red Hat's path is read when Debian's is missing. */
	put_file(root, "etc/openldap/ldap.conf", 0644, "URI ldap://rh.example.com\n");
	put_file(root, "etc/sssd/sssd.conf", 0644, sssd_ldap_rfc2307bis);
	put_file(root, "etc/nslcd.conf", 0640, nslcd_starttls);
	assert_int_equal(ldap_confs_load(fd, &c, &perr), 0);
	assert_string_equal(c->ldap->file, LDAP_CONF_PATH_ALT);
	assert_string_equal(c->sssd->file, SSSD_CONF_PATH);
	assert_string_equal(c->nslcd->file, NSLCD_CONF_PATH);
	/* 0644: sssd would refuse the file; noted, not an error. */
	assert_true(note_at(&c->sssd->notes, 0, "mode 0644"));
	assert_int_equal(ldap_confs_defaults(c, &d), 0);
	assert_int_equal(d.from, LDAP_DEFAULTS_SSSD);
	assert_string_equal(d.uris->items[0].at.file, SSSD_CONF_PATH);
	no_secret_sssd(c->sssd, SSSD_SECRET);
	no_secret_nslcd(c->nslcd, NSLCD_SECRET);
	ldap_confs_free(&c);
	assert_null(c);

	/* Debian's path wins over Red Hat's; 0600 root-owned sssd.conf: no note
	 * (the tests run as root). */
	make_dir(root, "etc/ldap");
	put_file(root, "etc/ldap/ldap.conf", 0644, debian_ldap_conf);
	put_file(root, "etc/sssd/sssd.conf", 0600, sssd_freeipa);
	assert_int_equal(ldap_confs_load(fd, &c, &perr), 0);
	assert_string_equal(c->ldap->file, LDAP_CONF_PATH);
	assert_int_equal(c->ldap->uris.n, 2);
	if (geteuid() == 0)
		assert_int_equal(c->sssd->notes.n, 0);
	ldap_confs_free(&c);

	/* A malformed nslcd.conf fails the load with its file and line. */
	put_file(root, "etc/nslcd.conf", 0600,
		 "uri ldap://a\nbindpw " NSLCD_SECRET "\nssl sometimes\n");
	assert_int_equal(ldap_confs_load(fd, &c, &perr), MFA_ERR_PARSE);
	assert_null(c);
	assert_string_equal(perr.file, NSLCD_CONF_PATH);
	assert_int_equal(perr.line, 3);
	no_secret_in(perr.msg, NSLCD_SECRET);

	ldap_confs_free(&c);
	ldap_confs_free(NULL);
	close(fd);
	remove_file(root, "etc/nslcd.conf");
	remove_file(root, "etc/sssd/sssd.conf");
	remove_file(root, "etc/ldap/ldap.conf");
	remove_file(root, "etc/openldap/ldap.conf");
	remove_file(root, "etc/ldap");
	remove_file(root, "etc/openldap");
	remove_file(root, "etc/sssd");
	remove_file(root, "etc");
	assert_int_equal(rmdir(root), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ldap_conf_debian_two_uris),
		cmocka_unit_test(test_ldap_conf_last_wins),
		cmocka_unit_test(test_sssd_ad),
		cmocka_unit_test(test_sssd_ldap_rfc2307bis),
		cmocka_unit_test(test_sssd_freeipa),
		cmocka_unit_test(test_sssd_several_domains),
		cmocka_unit_test(test_nslcd_start_tls),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_line_cap_and_nul),
		cmocka_unit_test(test_secret_not_in_errors),
		cmocka_unit_test(test_load_from_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
