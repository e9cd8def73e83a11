/*
 * fuzz_ldap_conf.c - ldap_conf_parse, sssd_conf_parse or nslcd_conf_parse,
 * picked by the input's first byte (mod 3: ldap.conf, sssd.conf,
 * nslcd.conf) on the rest, then ldap_confs_defaults on the result.
 *
 * Properties: a parse that fails says MFA_ERR_PARSE or MFA_ERR_TOO_LARGE
 * with a line within the input; a parse that succeeds has every value at a
 * line within the input in the config's own file, no newline in a value,
 * only URIs with an ldap, ldaps or ldapi scheme (or nslcd's DNS, sssd's
 * _srv_), and defaults that come from a running sssd domain with a
 * directory provider, or from a file with a URI.
 */
#include <strings.h>

#include "fuzz_common.h"
#include "ldap_conf.h"

static unsigned
count_lines(const char *buf, size_t size)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < size; i++)
		if (buf[i] == '\n')
			n++;
	if (size > 0 && buf[size - 1] != '\n')
		n++;
	return n;
}

static void
check_src(const struct ldap_conf_src *at, const char *file, unsigned nlines, bool may_be_0)
{
	if (at->line == 0 && may_be_0)
		return;
	if (at->file != file || at->line == 0 || at->line > nlines)
		abort();
}

static void
check_str(const struct ldap_conf_str *s, const char *file, unsigned nlines)
{
	if (s->value == NULL) {
		if (s->at.line != 0)
			abort();
		return;
	}
	check_src(&s->at, file, nlines, false);
	if (strchr(s->value, '\n') != NULL)
		abort();
}

static void
check_list(const struct ldap_conf_list *l, const char *file, unsigned nlines, bool uris)
{
	size_t i;

	if (l->n > LDAP_CONF_MAX_ITEMS)
		abort();
	for (i = 0; i < l->n; i++) {
		const char *v = l->items[i].value;

		check_str(&l->items[i], file, nlines);
		if (v == NULL || v[0] == '\0')
			abort();
		if (uris && strncasecmp(v, "ldap://", 7) != 0 &&
		    strncasecmp(v, "ldaps://", 8) != 0 && strncasecmp(v, "ldapi://", 8) != 0 &&
		    strncasecmp(v, "DNS", 3) != 0 && strcasecmp(v, "_srv_") != 0)
			abort();
	}
}

static void
check_notes(const struct ldap_conf_notes *n, const char *file, unsigned nlines)
{
	size_t i;

	if (n->n > LDAP_CONF_MAX_ITEMS)
		abort();
	for (i = 0; i < n->n; i++) {
		check_src(&n->items[i].at, file, nlines, true);
		if (n->items[i].text == NULL || strchr(n->items[i].text, '\n') != NULL)
			abort();
	}
}

static void
check_mapped(const struct nslcd_mapped_list *l, const char *file, unsigned nlines, bool map)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		check_str(&l->items[i].value, file, nlines);
		if (l->items[i].value.value == NULL || (map && l->items[i].map == NULL))
			abort();
	}
}

static void
check_ldap(const struct ldap_conf *c, unsigned nlines)
{
	check_list(&c->uris, c->file, nlines, true);
	check_str(&c->base, c->file, nlines);
	check_str(&c->binddn, c->file, nlines);
	check_str(&c->tls_cacert, c->file, nlines);
	check_str(&c->tls_cacertdir, c->file, nlines);
	check_str(&c->sasl_mech, c->file, nlines);
	check_src(&c->tls_reqcert.at, c->file, nlines, true);
	if (c->network_timeout.set && c->network_timeout.value > LDAP_CONF_NUM_MAX)
		abort();
	check_notes(&c->notes, c->file, nlines);
}

static void
check_sssd(const struct sssd_conf *c, unsigned nlines)
{
	size_t i;

	check_list(&c->domains, c->file, nlines, false);
	check_list(&c->services, c->file, nlines, false);
	check_notes(&c->notes, c->file, nlines);
	for (i = 0; i < c->ndomains; i++) {
		const struct sssd_domain *d = &c->domain[i];

		check_src(&d->at, c->file, nlines, false);
		if (d->name == NULL || d->name[0] == '\0')
			abort();
		check_list(&d->uris, c->file, nlines, true);
		check_list(&d->ipa_servers, c->file, nlines, false);
		check_list(&d->ad_servers, c->file, nlines, false);
		check_str(&d->search_base, c->file, nlines);
		check_str(&d->default_bind_dn, c->file, nlines);
		check_src(&d->default_authtok, c->file, nlines, true);
		if (d->derived_base.value != NULL &&
		    (strncmp(d->derived_base.value, "dc=", 3) != 0 || d->search_base.value != NULL))
			abort();
	}
}

static void
check_nslcd(const struct nslcd_conf *c, unsigned nlines)
{
	check_list(&c->uris, c->file, nlines, true);
	check_mapped(&c->bases, c->file, nlines, false);
	check_mapped(&c->filters, c->file, nlines, true);
	check_mapped(&c->maps, c->file, nlines, true);
	check_str(&c->binddn, c->file, nlines);
	check_src(&c->bindpw, c->file, nlines, true);
	check_src(&c->rootpwmodpw, c->file, nlines, true);
	check_notes(&c->notes, c->file, nlines);
}

static void
check_defaults(const struct ldap_confs *confs)
{
	struct ldap_defaults d;

	if (ldap_confs_defaults(confs, &d) != 0)
		abort();
	switch (d.from) {
	case LDAP_DEFAULTS_SSSD:
		if (d.domain == NULL || !sssd_domain_active(d.domain) || d.schema_at == NULL ||
		    d.schema == LDAPCONF_SCHEMA_UNSET)
			abort();
		break;
	case LDAP_DEFAULTS_NSLCD:
	case LDAP_DEFAULTS_LDAP_CONF:
		if (d.uris == NULL || d.uris->n == 0)
			abort();
		break;
	case LDAP_DEFAULTS_NONE:
		if (d.uris != NULL || d.base != NULL)
			abort();
		break;
	default:
		abort();
	}
	(void)ldap_defaults_from_name(d.from);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ldap_confs confs = {NULL, NULL, NULL};
	struct mfa_parse_err perr;
	char *buf;
	unsigned nlines;
	int which, r;

	if (size == 0)
		return 0;
	which = data[0] % 3;
	buf = fuzz_copy(data + 1, size - 1);
	size--;
	nlines = count_lines(buf, size);
	if (which == 0)
		r = ldap_conf_parse(buf, size, "/etc/ldap/ldap.conf", &confs.ldap, &perr);
	else if (which == 1)
		r = sssd_conf_parse(buf, size, "/etc/sssd/sssd.conf", &confs.sssd, &perr);
	else
		r = nslcd_conf_parse(buf, size, "/etc/nslcd.conf", &confs.nslcd, &perr);
	if (r != 0) {
		if ((r != MFA_ERR_PARSE && r != MFA_ERR_TOO_LARGE) || perr.line == 0 ||
		    perr.line > nlines || perr.msg[0] == '\0')
			abort();
		if (confs.ldap != NULL || confs.sssd != NULL || confs.nslcd != NULL)
			abort();
		goto out;
	}
	if (confs.ldap != NULL)
		check_ldap(confs.ldap, nlines);
	if (confs.sssd != NULL)
		check_sssd(confs.sssd, nlines);
	if (confs.nslcd != NULL)
		check_nslcd(confs.nslcd, nlines);
	check_defaults(&confs);
out:
	ldap_conf_free(&confs.ldap);
	sssd_conf_free(&confs.sssd);
	nslcd_conf_free(&confs.nslcd);
	free(buf);
	return 0;
}
