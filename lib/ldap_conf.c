/*
 * ldap_conf.c - ldap.conf, sssd.conf and nslcd.conf under a root, and the
 * LDAP defaults they give; see ldap_conf.h and docs/ldap-defaults.md.
 *
 * The three formats share one line driver (caps, NUL bytes, numbering)
 * and one table-driven value setter: a keyword table per format or sssd
 * section names each keyword, its kind and where it lands in the struct.
 * Nothing here copies a secret: KW_SECRET records only the line.
 */
#include "ldap_conf.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "mfa_mem.h"
#include "num.h"
#include "root_fs.h"

/* ---- small helpers ------------------------------------------------------ */

static bool
is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v';
}

/* Drop blanks at both ends of [*pp, *pp + *lenp). */
static void
trim(const char **pp, size_t *lenp)
{
	while (*lenp > 0 && is_blank(**pp)) {
		(*pp)++;
		(*lenp)--;
	}
	while (*lenp > 0 && is_blank((*pp)[*lenp - 1]))
		(*lenp)--;
}

/* The length of the word at p (up to a blank or the end). */
static size_t
word_len(const char *p, size_t len)
{
	size_t i = 0;

	while (i < len && !is_blank(p[i]))
		i++;
	return i;
}

static bool
word_is(const char *p, size_t len, const char *word)
{
	return strlen(word) == len && strncasecmp(p, word, len) == 0;
}

/* ---- notes and lists ---------------------------------------------------- */

static int note_add(struct ldap_conf_notes *notes, const char *file, unsigned line, const char *fmt,
		    ...) __attribute__((format(printf, 4, 5)));

/* Past LDAP_CONF_MAX_ITEMS notes, the last one says so and others are dropped. */
static int
note_add(struct ldap_conf_notes *notes, const char *file, unsigned line, const char *fmt, ...)
{
	struct ldap_conf_note *n;
	char text[256];
	va_list ap;

	if (notes->n >= LDAP_CONF_MAX_ITEMS)
		return MFA_OK;
	if (notes->n == LDAP_CONF_MAX_ITEMS - 1) {
		snprintf(text, sizeof(text), "more notes left out");
	} else {
		va_start(ap, fmt);
		vsnprintf(text, sizeof(text), fmt, ap);
		va_end(ap);
	}
	if (mfa_grow_array((void **)&notes->items, &notes->cap, notes->n + 1, sizeof(*n)) != MFA_OK)
		return MFA_ERR_NOMEM;
	n = &notes->items[notes->n];
	if ((n->text = strdup(text)) == NULL)
		return MFA_ERR_NOMEM;
	n->at.file = file;
	n->at.line = line;
	notes->n++;
	return MFA_OK;
}

static void
notes_clear(struct ldap_conf_notes *notes)
{
	size_t i;

	for (i = 0; i < notes->n; i++)
		free(notes->items[i].text);
	free(notes->items);
	memset(notes, 0, sizeof(*notes));
}

static void
str_clear(struct ldap_conf_str *s)
{
	free(s->value);
	memset(s, 0, sizeof(*s));
}

static int
str_set(struct ldap_conf_str *s, const char *p, size_t len, const char *file, unsigned line)
{
	char *v = strndup(p, len);

	if (v == NULL)
		return MFA_ERR_NOMEM;
	free(s->value);
	s->value = v;
	s->at.file = file;
	s->at.line = line;
	return MFA_OK;
}

static void
list_clear(struct ldap_conf_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->items[i].value);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

/* MFA_ERR_TOO_LARGE past LDAP_CONF_MAX_ITEMS (the caller sets perr). */
static int
list_add(struct ldap_conf_list *l, const char *p, size_t len, const char *file, unsigned line)
{
	struct ldap_conf_str *s;

	if (l->n >= LDAP_CONF_MAX_ITEMS)
		return MFA_ERR_TOO_LARGE;
	if (mfa_grow_array((void **)&l->items, &l->cap, l->n + 1, sizeof(*s)) != MFA_OK)
		return MFA_ERR_NOMEM;
	s = &l->items[l->n];
	memset(s, 0, sizeof(*s));
	if (str_set(s, p, len, file, line) != MFA_OK)
		return MFA_ERR_NOMEM;
	l->n++;
	return MFA_OK;
}

static void
mapped_clear(struct nslcd_mapped_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->items[i].map);
		free(l->items[i].attribute);
		free(l->items[i].value.value);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}

/* ---- value words ---------------------------------------------------------- */

struct word {
	const char *word;
	int value;
};

static const struct word reqcert_words[] = {
	{"never", LDAPCONF_REQCERT_NEVER}, {"allow", LDAPCONF_REQCERT_ALLOW},
	{"try", LDAPCONF_REQCERT_TRY},     {"demand", LDAPCONF_REQCERT_DEMAND},
	{"hard", LDAPCONF_REQCERT_HARD},   {NULL, 0},
};

static const struct word schema_words[] = {
	{"rfc2307", LDAPCONF_SCHEMA_RFC2307},
	{"rfc2307bis", LDAPCONF_SCHEMA_RFC2307BIS},
	{"ipa", LDAPCONF_SCHEMA_IPA},
	{"ad", LDAPCONF_SCHEMA_AD},
	{NULL, 0},
};

/* sssd's confdb booleans: TRUE or FALSE, any case. */
static const struct word bool_words[] = {
	{"true", LDAPCONF_TRUE},
	{"false", LDAPCONF_FALSE},
	{NULL, 0},
};

static const struct word provider_words[] = {
	{"ldap", SSSD_PROVIDER_LDAP},   {"ipa", SSSD_PROVIDER_IPA},
	{"ad", SSSD_PROVIDER_AD},       {"files", SSSD_PROVIDER_FILES},
	{"proxy", SSSD_PROVIDER_PROXY}, {"krb5", SSSD_PROVIDER_KRB5},
	{"none", SSSD_PROVIDER_NONE},   {NULL, 0},
};

/* nslcd's ssl: its booleans, or start_tls. */
static const struct word ssl_words[] = {
	{"start_tls", NSLCD_SSL_START_TLS},
	{"on", NSLCD_SSL_ON},
	{"yes", NSLCD_SSL_ON},
	{"true", NSLCD_SSL_ON},
	{"1", NSLCD_SSL_ON},
	{"off", NSLCD_SSL_OFF},
	{"no", NSLCD_SSL_OFF},
	{"false", NSLCD_SSL_OFF},
	{"0", NSLCD_SSL_OFF},
	{NULL, 0},
};

/* The maps nslcd knows (nslcd.conf(5) "MAPS"). */
static const char *const nslcd_map_names[] = {
	"aliases", "ethers",    "group", "hosts",    "netgroup", "networks",
	"passwd",  "protocols", "rpc",   "services", "shadow",   NULL,
};

static const struct word *
word_find(const struct word *words, const char *p, size_t len)
{
	for (; words->word != NULL; words++)
		if (word_is(p, len, words->word))
			return words;
	return NULL;
}

static const char *
word_name(const struct word *words, int value)
{
	for (; words->word != NULL; words++)
		if (words->value == value)
			return words->word;
	return "unset";
}

static bool
is_nslcd_map(const char *p, size_t len)
{
	size_t i;

	for (i = 0; nslcd_map_names[i] != NULL; i++)
		if (word_is(p, len, nslcd_map_names[i]))
			return true;
	return false;
}

/* ---- keyword tables ------------------------------------------------------- */

enum kw_kind {
	KW_STR,    /* struct ldap_conf_str: the value; a repeat replaces it (noted) */
	KW_NUM,    /* struct ldap_conf_num */
	KW_ENUM,   /* struct ldap_conf_enum, a value from `words` */
	KW_URIS,   /* struct ldap_conf_list of URIs (see struct format) */
	KW_LIST,   /* struct ldap_conf_list: a comma list */
	KW_SECRET, /* struct ldap_conf_src: where; the value is never copied */
	KW_BASE,   /* struct nslcd_mapped_list: `base [MAP] DN` */
	KW_FILTER, /* struct nslcd_mapped_list: `filter MAP FILTER` */
	KW_MAP,    /* struct nslcd_mapped_list: `map MAP ATTRIBUTE VALUE` */
	KW_IGNORE, /* known; nothing here depends on it */
};

struct keyword {
	const char *name;
	enum kw_kind kind;
	size_t offset;
	const struct word *words; /* KW_ENUM */
	int other;                /* KW_ENUM: value for an unknown word (noted); 0: refuse it */
};

/* What differs between the formats. */
struct format {
	const char *uri_seps; /* characters between URIs */
	bool uri_append;      /* another URI line adds (nslcd) or replaces */
	bool dns_uri;         /* nslcd: `DNS` and `DNS:domain` */
	bool srv_uri;         /* sssd: `_srv_` */
};

#define IGN(n)                                                                                     \
	{                                                                                          \
		n, KW_IGNORE, 0, NULL, 0                                                           \
	}

#define LC(f) offsetof(struct ldap_conf, f)
static const struct keyword ldap_conf_keywords[] = {
	{"URI", KW_URIS, LC(uris), NULL, 0},
	{"BASE", KW_STR, LC(base), NULL, 0},
	{"BINDDN", KW_STR, LC(binddn), NULL, 0},
	{"TLS_CACERT", KW_STR, LC(tls_cacert), NULL, 0},
	{"TLS_CACERTDIR", KW_STR, LC(tls_cacertdir), NULL, 0},
	{"TLS_REQCERT", KW_ENUM, LC(tls_reqcert), reqcert_words, 0},
	{"SASL_MECH", KW_STR, LC(sasl_mech), NULL, 0},
	{"NETWORK_TIMEOUT", KW_NUM, LC(network_timeout), NULL, 0},
	{"TIMEOUT", KW_NUM, LC(timeout), NULL, 0},
	{"TIMELIMIT", KW_NUM, LC(timelimit), NULL, 0},
	{"SIZELIMIT", KW_NUM, LC(sizelimit), NULL, 0},
	IGN("HOST"),
	IGN("PORT"),
	IGN("DEREF"),
	IGN("REFERRALS"),
	IGN("KEEPALIVE_IDLE"),
	IGN("KEEPALIVE_PROBES"),
	IGN("KEEPALIVE_INTERVAL"),
	IGN("TCP_USER_TIMEOUT"),
	IGN("SOCKET_BIND_ADDRESSES"),
	IGN("SASL_REALM"),
	IGN("SASL_AUTHCID"),
	IGN("SASL_AUTHZID"),
	IGN("SASL_SECPROPS"),
	IGN("SASL_NOCANON"),
	IGN("SASL_CBINDING"),
	IGN("GSSAPI_SIGN"),
	IGN("GSSAPI_ENCRYPT"),
	IGN("GSSAPI_ALLOW_REMOTE_PRINCIPAL"),
	IGN("TLS_CERT"),
	IGN("TLS_KEY"),
	IGN("TLS_CIPHER_SUITE"),
	IGN("TLS_PROTOCOL_MIN"),
	IGN("TLS_PROTOCOL_MAX"),
	IGN("TLS_RANDFILE"),
	IGN("TLS_REQSAN"),
	IGN("TLS_CRLCHECK"),
	IGN("TLS_CRLFILE"),
	IGN("TLS_ECNAME"),
	IGN("TLS_PEERKEY_HASH"),
	{NULL, KW_IGNORE, 0, NULL, 0},
};
static const struct format ldap_conf_format = {", \t", false, false, false};

#define SC(f) offsetof(struct sssd_conf, f)
static const struct keyword sssd_main_keywords[] = {
	{"domains", KW_LIST, SC(domains), NULL, 0},
	{"services", KW_LIST, SC(services), NULL, 0},
	{NULL, KW_IGNORE, 0, NULL, 0},
};

#define SD(f) offsetof(struct sssd_domain, f)
static const struct keyword sssd_domain_keywords[] = {
	{"enabled", KW_ENUM, SD(enabled), bool_words, 0},
	{"id_provider", KW_ENUM, SD(id_provider), provider_words, SSSD_PROVIDER_OTHER},
	{"auth_provider", KW_ENUM, SD(auth_provider), provider_words, SSSD_PROVIDER_OTHER},
	{"sudo_provider", KW_ENUM, SD(sudo_provider), provider_words, SSSD_PROVIDER_OTHER},
	{"ldap_uri", KW_URIS, SD(uris), NULL, 0},
	{"ldap_search_base", KW_STR, SD(search_base), NULL, 0},
	{"ldap_schema", KW_ENUM, SD(schema), schema_words, 0},
	{"ldap_default_bind_dn", KW_STR, SD(default_bind_dn), NULL, 0},
	{"ldap_default_authtok", KW_SECRET, SD(default_authtok), NULL, 0},
	{"ldap_tls_cacert", KW_STR, SD(tls_cacert), NULL, 0},
	{"ldap_tls_cacertdir", KW_STR, SD(tls_cacertdir), NULL, 0},
	{"ldap_tls_reqcert", KW_ENUM, SD(tls_reqcert), reqcert_words, 0},
	{"ldap_id_use_start_tls", KW_ENUM, SD(id_use_start_tls), bool_words, 0},
	{"ldap_user_search_base", KW_STR, SD(user_search_base), NULL, 0},
	{"ldap_group_search_base", KW_STR, SD(group_search_base), NULL, 0},
	{"ldap_sudo_search_base", KW_STR, SD(sudo_search_base), NULL, 0},
	{"ipa_server", KW_LIST, SD(ipa_servers), NULL, 0},
	{"ipa_domain", KW_STR, SD(ipa_domain), NULL, 0},
	{"ad_server", KW_LIST, SD(ad_servers), NULL, 0},
	{"ad_domain", KW_STR, SD(ad_domain), NULL, 0},
	{NULL, KW_IGNORE, 0, NULL, 0},
};
static const struct format sssd_format = {",", false, false, true};

#define NC(f) offsetof(struct nslcd_conf, f)
static const struct keyword nslcd_keywords[] = {
	{"uri", KW_URIS, NC(uris), NULL, 0},
	{"base", KW_BASE, NC(bases), NULL, 0},
	{"filter", KW_FILTER, NC(filters), NULL, 0},
	{"map", KW_MAP, NC(maps), NULL, 0},
	{"binddn", KW_STR, NC(binddn), NULL, 0},
	{"bindpw", KW_SECRET, NC(bindpw), NULL, 0},
	{"rootpwmoddn", KW_STR, NC(rootpwmoddn), NULL, 0},
	{"rootpwmodpw", KW_SECRET, NC(rootpwmodpw), NULL, 0},
	{"ssl", KW_ENUM, NC(ssl), ssl_words, 0},
	{"tls_reqcert", KW_ENUM, NC(tls_reqcert), reqcert_words, 0},
	{"tls_cacertfile", KW_STR, NC(tls_cacertfile), NULL, 0},
	{"tls_cacertdir", KW_STR, NC(tls_cacertdir), NULL, 0},
	{"timelimit", KW_NUM, NC(timelimit), NULL, 0},
	{"bind_timelimit", KW_NUM, NC(bind_timelimit), NULL, 0},
	IGN("threads"),
	IGN("uid"),
	IGN("gid"),
	IGN("log"),
	IGN("ldap_version"),
	IGN("sasl_mech"),
	IGN("sasl_realm"),
	IGN("sasl_authcid"),
	IGN("sasl_authzid"),
	IGN("sasl_secprops"),
	IGN("sasl_canonicalize"),
	IGN("krb5_ccname"),
	IGN("scope"),
	IGN("deref"),
	IGN("referrals"),
	IGN("idle_timelimit"),
	IGN("reconnect_sleeptime"),
	IGN("reconnect_retrytime"),
	IGN("reconnect_invalidate"),
	IGN("pagesize"),
	IGN("nss_initgroups_ignoreusers"),
	IGN("nss_min_uid"),
	IGN("nss_uid_offset"),
	IGN("nss_gid_offset"),
	IGN("nss_nested_groups"),
	IGN("nss_getgrent_skipmembers"),
	IGN("nss_disable_enumeration"),
	IGN("validnames"),
	IGN("ignorecase"),
	IGN("pam_authc_ng"),
	IGN("pam_authc_search"),
	IGN("pam_authz_search"),
	IGN("pam_password_prohibit_message"),
	IGN("tls_randfile"),
	IGN("tls_ciphers"),
	IGN("tls_cert"),
	IGN("tls_key"),
	IGN("tls_crlcheck"),
	IGN("tls_crlfile"),
	IGN("cache"),
	{NULL, KW_IGNORE, 0, NULL, 0},
};
static const struct format nslcd_format = {" \t", true, true, false};

static const struct keyword *
keyword_find(const struct keyword *table, const char *p, size_t len)
{
	for (; table->name != NULL; table++)
		if (word_is(p, len, table->name))
			return table;
	return NULL;
}

/* ---- setting values ------------------------------------------------------- */

/* Where a line is being read. */
struct pctx {
	const char *file; /* owned by the config being built */
	unsigned line;
	const struct format *fmt;
	struct ldap_conf_notes *notes;
	struct mfa_parse_err *perr;
};

static int
parse_error(struct pctx *x, size_t column, int r, const char *what, const char *reason)
{
	mfa_parse_err_set(x->perr, x->line, column > UINT_MAX ? 0 : (unsigned)column, "%s: %s",
			  what, reason);
	return r;
}

static bool
uri_ok(const struct format *fmt, const char *p, size_t len)
{
	static const char *const schemes[] = {"ldap://", "ldaps://", "ldapi://"};
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)p[i] <= 0x20 || (unsigned char)p[i] == 0x7f)
			return false;
	if (fmt->srv_uri && word_is(p, len, "_srv_"))
		return true;
	if (fmt->dns_uri && (word_is(p, len, "DNS") || (len > 4 && strncasecmp(p, "DNS:", 4) == 0)))
		return true;
	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		size_t sl = strlen(schemes[i]);

		if (len >= sl && strncasecmp(p, schemes[i], sl) == 0)
			return true;
	}
	return false;
}

/*
 * Split v at any of seps into l (empty items dropped).  With check_uri,
 * every item must be a URI of the format.  col: v's column.
 */
static int
split_into(struct pctx *x, const struct keyword *kw, const char *v, size_t vlen, size_t col,
	   const char *seps, bool check_uri, struct ldap_conf_list *l)
{
	size_t pos = 0;
	int r;

	while (pos < vlen) {
		const char *item;
		size_t start = pos, ilen;

		while (pos < vlen && strchr(seps, v[pos]) == NULL)
			pos++;
		item = v + start;
		ilen = pos - start;
		pos++;
		trim(&item, &ilen);
		if (ilen == 0)
			continue;
		if (check_uri && !uri_ok(x->fmt, item, ilen))
			return parse_error(x, col + (size_t)(item - v), MFA_ERR_PARSE, kw->name,
					   "the URI scheme is not ldap, ldaps or ldapi");
		if ((r = list_add(l, item, ilen, x->file, x->line)) != MFA_OK)
			return r == MFA_ERR_TOO_LARGE
				       ? parse_error(x, col + start, r, kw->name, "too many items")
				       : r;
	}
	if (l->n == 0)
		return parse_error(x, col, MFA_ERR_PARSE, kw->name, "no value in the list");
	return MFA_OK;
}

/* `base [MAP] DN`, `filter MAP FILTER`, `map MAP ATTRIBUTE VALUE`. */
static int
set_mapped(struct pctx *x, const struct keyword *kw, struct nslcd_mapped_list *l, const char *v,
	   size_t vlen, size_t col)
{
	struct nslcd_mapped m;
	size_t mlen = word_len(v, vlen), alen = 0;
	const char *rest = v + mlen, *attr = NULL;
	size_t rlen = vlen - mlen;
	int r = MFA_ERR_NOMEM;

	memset(&m, 0, sizeof(m));
	trim(&rest, &rlen);
	if (kw->kind == KW_BASE && (!is_nslcd_map(v, mlen) || rlen == 0)) {
		/* No map: the whole value is the DN. */
		rest = v;
		rlen = vlen;
		mlen = 0;
	} else if (!is_nslcd_map(v, mlen)) {
		return parse_error(x, col, MFA_ERR_PARSE, kw->name, "not a map nslcd knows");
	}
	if (kw->kind == KW_MAP) {
		attr = rest;
		alen = word_len(rest, rlen);
		rest += alen;
		rlen -= alen;
		trim(&rest, &rlen);
	}
	if (rlen == 0 || (kw->kind == KW_MAP && alen == 0))
		return parse_error(x, col, MFA_ERR_PARSE, kw->name, "missing arguments");
	if (l->n >= LDAP_CONF_MAX_ITEMS)
		return parse_error(x, col, MFA_ERR_TOO_LARGE, kw->name, "too many lines");
	if ((mlen > 0 && (m.map = strndup(v, mlen)) == NULL) ||
	    (attr != NULL && (m.attribute = strndup(attr, alen)) == NULL) ||
	    (m.value.value = strndup(rest, rlen)) == NULL ||
	    mfa_grow_array((void **)&l->items, &l->cap, l->n + 1, sizeof(m)) != MFA_OK)
		goto out;
	m.value.at.file = x->file;
	m.value.at.line = x->line;
	l->items[l->n++] = m;
	memset(&m, 0, sizeof(m));
	r = MFA_OK;
out:
	free(m.map);
	free(m.attribute);
	free(m.value.value);
	return r;
}

/*
 * Set keyword kw of the struct at base from the value [v, v + vlen) (not
 * empty, blanks trimmed) found at column col.
 */
static int
set_value(struct pctx *x, const struct keyword *kw, void *base, const char *v, size_t vlen,
	  size_t col)
{
	void *field = (char *)base + kw->offset;
	struct ldap_conf_list l;
	int r;

	switch (kw->kind) {
	case KW_STR: {
		struct ldap_conf_str *s = field;

		if (s->value != NULL &&
		    (r = note_add(x->notes, x->file, x->line,
				  "%s is given again: this line replaces line %u", kw->name,
				  s->at.line)) != MFA_OK)
			return r;
		return str_set(s, v, vlen, x->file, x->line);
	}
	case KW_NUM: {
		struct ldap_conf_num *n = field;
		uint64_t val;

		if (mfa_parse_u64(v, vlen, LDAP_CONF_NUM_MAX, &val) != MFA_OK)
			return parse_error(x, col, MFA_ERR_PARSE, kw->name,
					   "not a decimal number below 2^31");
		n->set = true;
		n->value = (unsigned long)val;
		n->at.file = x->file;
		n->at.line = x->line;
		return MFA_OK;
	}
	case KW_ENUM: {
		struct ldap_conf_enum *e = field;
		const struct word *w = word_find(kw->words, v, vlen);

		if (w == NULL && kw->other == 0)
			return parse_error(x, col, MFA_ERR_PARSE, kw->name,
					   "not a value the program knows");
		if (w == NULL && (r = note_add(x->notes, x->file, x->line,
					       "%s names a value this audit does not model",
					       kw->name)) != MFA_OK)
			return r;
		e->value = w != NULL ? w->value : kw->other;
		e->at.file = x->file;
		e->at.line = x->line;
		return MFA_OK;
	}
	case KW_URIS:
	case KW_LIST: {
		struct ldap_conf_list *dst = field;
		bool uris = kw->kind == KW_URIS;
		size_t i;

		memset(&l, 0, sizeof(l));
		if ((r = split_into(x, kw, v, vlen, col, uris ? x->fmt->uri_seps : ",", uris,
				    &l)) != MFA_OK) {
			list_clear(&l);
			return r;
		}
		if (!(uris && x->fmt->uri_append)) {
			if (dst->n > 0 &&
			    (r = note_add(x->notes, x->file, x->line,
					  "%s is given again: this line replaces line %u", kw->name,
					  dst->items[0].at.line)) != MFA_OK) {
				list_clear(&l);
				return r;
			}
			list_clear(dst);
			*dst = l;
			return MFA_OK;
		}
		for (i = 0; i < l.n && r == MFA_OK; i++)
			r = list_add(dst, l.items[i].value, strlen(l.items[i].value), x->file,
				     x->line);
		list_clear(&l);
		if (r == MFA_ERR_TOO_LARGE)
			return parse_error(x, col, r, kw->name, "too many URIs");
		return r;
	}
	case KW_SECRET: {
		struct ldap_conf_src *s = field;

		s->file = x->file;
		s->line = x->line;
		return MFA_OK;
	}
	case KW_BASE:
	case KW_FILTER:
	case KW_MAP:
		return set_mapped(x, kw, field, v, vlen, col);
	case KW_IGNORE:
		return MFA_OK;
	}
	return MFA_ERR_INTERNAL;
}

/* ---- the line driver ------------------------------------------------------ */

typedef int (*line_fn)(void *ctx, struct pctx *x, const char *line, size_t len);

/*
 * Call fn for every line of buf (newline dropped, not yet trimmed), with
 * x->line set.  Refuses long lines and NUL bytes first.
 */
static int
each_line(const char *buf, size_t len, struct pctx *x, line_fn fn, void *ctx)
{
	size_t pos = 0;
	int r;

	x->line = 0;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t llen = nl != NULL ? (size_t)(nl - (buf + pos)) : len - pos;

		if (x->line == UINT_MAX)
			return parse_error(x, 0, MFA_ERR_TOO_LARGE, "file", "too many lines");
		x->line++;
		if (llen > LDAP_CONF_LINE_MAX) {
			mfa_parse_err_set(x->perr, x->line, 0, "line longer than %u bytes",
					  LDAP_CONF_LINE_MAX);
			return MFA_ERR_PARSE;
		}
		if (memchr(buf + pos, '\0', llen) != NULL) {
			mfa_parse_err_set(x->perr, x->line, 0, "NUL byte in the line");
			return MFA_ERR_PARSE;
		}
		if ((r = fn(ctx, x, buf + pos, llen)) != MFA_OK)
			return r;
		pos += llen + 1;
	}
	return MFA_OK;
}

/*
 * `KEYWORD value` lines (ldap.conf, nslcd.conf): the keyword, looked up in
 * table, and the rest.  *kwp NULL: a blank, comment or unknown line
 * (noted); *vlenp 0: no value.
 */
static int
split_keyword_line(struct pctx *x, const struct keyword *table, const char *line, size_t len,
		   const struct keyword **kwp, const char **vp, size_t *vlenp, size_t *colp,
		   const char *unknown_note)
{
	const char *p = line, *v;
	size_t plen = len, klen, vlen;

	*kwp = NULL;
	*vlenp = 0;
	trim(&p, &plen);
	if (plen == 0 || p[0] == '#')
		return MFA_OK;
	klen = word_len(p, plen);
	v = p + klen;
	vlen = plen - klen;
	trim(&v, &vlen);
	if ((*kwp = keyword_find(table, p, klen)) == NULL)
		return note_add(x->notes, x->file, x->line, "%s", unknown_note);
	*vp = v;
	*vlenp = vlen;
	*colp = (size_t)(v - line) + 1;
	return MFA_OK;
}

/* ---- ldap.conf ------------------------------------------------------------ */

static int
ldap_conf_line(void *ctx, struct pctx *x, const char *line, size_t len)
{
	struct ldap_conf *c = ctx;
	const struct keyword *kw;
	const char *v = NULL;
	size_t vlen, col = 0;
	int r;

	if ((r = split_keyword_line(x, ldap_conf_keywords, line, len, &kw, &v, &vlen, &col,
				    "an unknown keyword: libldap ignores it")) != MFA_OK ||
	    kw == NULL)
		return r;
	if (vlen == 0)
		return note_add(x->notes, x->file, x->line,
				"%s without a value: libldap ignores the line", kw->name);
	if (strcmp(kw->name, "BINDDN") == 0 &&
	    (r = note_add(
		     x->notes, x->file, x->line,
		     "BINDDN is a user-only option: libldap reads it from ~/.ldaprc, not here")) !=
		    MFA_OK)
		return r;
	return set_value(x, kw, c, v, vlen, col);
}

void
ldap_conf_free(struct ldap_conf **cp)
{
	struct ldap_conf *c;

	if (cp == NULL || *cp == NULL)
		return;
	c = *cp;
	list_clear(&c->uris);
	str_clear(&c->base);
	str_clear(&c->binddn);
	str_clear(&c->tls_cacert);
	str_clear(&c->tls_cacertdir);
	str_clear(&c->sasl_mech);
	notes_clear(&c->notes);
	free(c->file);
	free(c);
	*cp = NULL;
}

/* Shared start of the three parse entry points. */
static int
parse_start(const char *buf, size_t len, const char *file, void *outp, struct mfa_parse_err *perr)
{
	if (outp == NULL || file == NULL || (buf == NULL && len != 0))
		return MFA_ERR_INVALID_ARG;
	mfa_parse_err_init(perr, file);
	return MFA_OK;
}

static int
parse_nomem(struct mfa_parse_err *perr)
{
	mfa_parse_err_set(perr, 0, 0, "out of memory");
	return MFA_ERR_NOMEM;
}

/*
 * The shared body: the config's file name into *filep, then every line
 * through fn with notes going to *notes.
 */
static int
parse_body(const char *buf, size_t len, const char *file, char **filep,
	   struct ldap_conf_notes *notes, const struct format *fmt, line_fn fn, void *ctx,
	   struct mfa_parse_err *perr)
{
	struct pctx x;
	int r = MFA_ERR_NOMEM;

	if ((*filep = strdup(file)) != NULL) {
		x = (struct pctx){*filep, 0, fmt, notes, perr};
		r = each_line(buf, len, &x, fn, ctx);
	}
	return r == MFA_ERR_NOMEM ? parse_nomem(perr) : r;
}

int
ldap_conf_parse(const char *buf, size_t len, const char *file, struct ldap_conf **outp,
		struct mfa_parse_err *perr)
{
	struct ldap_conf *c = NULL;
	int r;

	if ((r = parse_start(buf, len, file, outp, perr)) != MFA_OK)
		return r;
	*outp = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return parse_nomem(perr);
	if ((r = parse_body(buf, len, file, &c->file, &c->notes, &ldap_conf_format, ldap_conf_line,
			    c, perr)) == MFA_OK) {
		*outp = c;
		c = NULL;
	}
	ldap_conf_free(&c);
	return r;
}

/* ---- sssd.conf ------------------------------------------------------------ */

enum sssd_section_kind {
	SSSD_SEC_NONE = 0, /* before the first header */
	SSSD_SEC_MAIN,     /* [sssd] */
	SSSD_SEC_DOMAIN,   /* [domain/NAME] */
	SSSD_SEC_OTHER,    /* [nss], [pam], [sudo], ...: syntax only */
};

struct sssd_builder {
	struct sssd_conf *c;
	enum sssd_section_kind section;
	size_t domain; /* index, in SSSD_SEC_DOMAIN */
};

static void
domain_clear(struct sssd_domain *d)
{
	free(d->name);
	list_clear(&d->uris);
	str_clear(&d->search_base);
	str_clear(&d->default_bind_dn);
	str_clear(&d->tls_cacert);
	str_clear(&d->tls_cacertdir);
	str_clear(&d->user_search_base);
	str_clear(&d->group_search_base);
	str_clear(&d->sudo_search_base);
	list_clear(&d->ipa_servers);
	list_clear(&d->ad_servers);
	str_clear(&d->ipa_domain);
	str_clear(&d->ad_domain);
	str_clear(&d->derived_base);
}

/* A domain name as a note may show it: [A-Za-z0-9._-], others '?', at most 64. */
static void
safe_name(const char *name, char *out, size_t outsz)
{
	size_t i;

	for (i = 0; name[i] != '\0' && i + 1 < outsz && i < 64; i++) {
		char ch = name[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			  (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';

		out[i] = ok ? ch : '?';
	}
	out[i] = '\0';
}

static int
sssd_section(struct sssd_builder *b, struct pctx *x, const char *name, size_t nlen, size_t col)
{
	struct sssd_conf *c = b->c;
	struct sssd_domain *d;
	size_t i;

	if (nlen == 0)
		return parse_error(x, col, MFA_ERR_PARSE, "section", "an empty section name");
	if (word_is(name, nlen, "sssd")) {
		b->section = SSSD_SEC_MAIN;
		return MFA_OK;
	}
	if (nlen < 7 || strncasecmp(name, "domain/", 7) != 0) {
		b->section = SSSD_SEC_OTHER;
		return MFA_OK;
	}
	name += 7;
	nlen -= 7;
	if (nlen == 0)
		return parse_error(x, col, MFA_ERR_PARSE, "section", "an empty domain name");
	b->section = SSSD_SEC_DOMAIN;
	for (i = 0; i < c->ndomains; i++) {
		if (strlen(c->domain[i].name) == nlen &&
		    memcmp(c->domain[i].name, name, nlen) == 0) {
			b->domain = i;
			return note_add(x->notes, x->file, x->line,
					"a second section for a domain: merged with line %u",
					c->domain[i].at.line);
		}
	}
	if (c->ndomains >= LDAP_CONF_MAX_ITEMS)
		return parse_error(x, col, MFA_ERR_TOO_LARGE, "section", "too many domains");
	if (mfa_grow_array((void **)&c->domain, &c->domcap, c->ndomains + 1, sizeof(*d)) != MFA_OK)
		return MFA_ERR_NOMEM;
	d = &c->domain[c->ndomains];
	memset(d, 0, sizeof(*d));
	if ((d->name = strndup(name, nlen)) == NULL)
		return MFA_ERR_NOMEM;
	d->at.file = x->file;
	d->at.line = x->line;
	b->domain = c->ndomains++;
	return MFA_OK;
}

static int
sssd_line(void *ctx, struct pctx *x, const char *line, size_t len)
{
	struct sssd_builder *b = ctx;
	const struct keyword *table = NULL, *kw;
	const char *p = line, *eq, *key, *v;
	size_t plen = len, klen, vlen;
	void *base = NULL;

	trim(&p, &plen);
	if (plen == 0 || p[0] == '#' || p[0] == ';')
		return MFA_OK;
	if (p[0] == '[') {
		const char *name = p + 1;
		size_t nlen;

		if (plen < 2 || p[plen - 1] != ']')
			return parse_error(x, (size_t)(p - line) + 1, MFA_ERR_PARSE, "section",
					   "a section header without ']' at its end");
		nlen = plen - 2;
		trim(&name, &nlen);
		return sssd_section(b, x, name, nlen, (size_t)(p - line) + 1);
	}
	if (b->section == SSSD_SEC_NONE)
		return parse_error(x, 1, MFA_ERR_PARSE, "line", "a line outside any section");
	if ((eq = memchr(p, '=', plen)) == NULL)
		return parse_error(x, (size_t)(p - line) + 1, MFA_ERR_PARSE, "line",
				   "'=' expected after the key");
	key = p;
	klen = (size_t)(eq - p);
	trim(&key, &klen);
	if (klen == 0)
		return parse_error(x, (size_t)(p - line) + 1, MFA_ERR_PARSE, "line",
				   "an empty key before '='");
	v = eq + 1;
	vlen = (size_t)((p + plen) - v);
	trim(&v, &vlen);
	if (b->section == SSSD_SEC_MAIN) {
		table = sssd_main_keywords;
		base = b->c;
	} else if (b->section == SSSD_SEC_DOMAIN) {
		table = sssd_domain_keywords;
		base = &b->c->domain[b->domain];
	}
	if (table == NULL || (kw = keyword_find(table, key, klen)) == NULL)
		return MFA_OK; /* sssd has hundreds of options; none of the others matters here */
	if (vlen == 0)
		return note_add(x->notes, x->file, x->line, "%s has an empty value: left unset",
				kw->name);
	return set_value(x, kw, base, v, vlen, (size_t)(v - line) + 1);
}

/* "example.com" -> "dc=example,dc=com"; NULL (no error) for a name that is not one. */
static int
domain_to_base(const char *dom, char **outp)
{
	size_t i, n = strlen(dom), labels = 1, o = 0;
	char *out;

	*outp = NULL;
	if (n == 0 || n > 253 || dom[0] == '.' || dom[n - 1] == '.')
		return MFA_OK;
	for (i = 0; i < n; i++) {
		char ch = dom[i];

		if (ch == '.') {
			if (dom[i + 1] == '.')
				return MFA_OK;
			labels++;
		} else if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			     (ch >= '0' && ch <= '9') || ch == '-')) {
			return MFA_OK;
		}
	}
	/* "dc=" per label, a ',' for each '.', the NUL. */
	if ((out = malloc(n + 3 * labels + 1)) == NULL)
		return MFA_ERR_NOMEM;
	memcpy(out, "dc=", 3);
	o = 3;
	for (i = 0; i < n; i++) {
		if (dom[i] == '.') {
			memcpy(out + o, ",dc=", 4);
			o += 4;
		} else {
			out[o++] = dom[i];
		}
	}
	out[o] = '\0';
	*outp = out;
	return MFA_OK;
}

/* After the last line: listed flags, missing domains, derived bases. */
static int
sssd_finish(struct sssd_conf *c)
{
	char shown[80];
	size_t i, j;
	int r;

	for (i = 0; i < c->domains.n; i++) {
		const struct ldap_conf_str *name = &c->domains.items[i];
		bool found = false;

		for (j = 0; j < c->ndomains; j++) {
			if (strcmp(c->domain[j].name, name->value) == 0) {
				c->domain[j].listed = true;
				found = true;
			}
		}
		safe_name(name->value, shown, sizeof(shown));
		if (!found && (r = note_add(&c->notes, c->file, name->at.line,
					    "domains names \"%s\", which has no [domain/%s] "
					    "section: sssd refuses to start",
					    shown, shown)) != MFA_OK)
			return r;
	}
	for (i = 0; i < c->ndomains; i++) {
		struct sssd_domain *d = &c->domain[i];
		const struct ldap_conf_str *from = NULL;
		const char *dom = NULL;
		struct ldap_conf_src at = d->at;
		char *base = NULL;

		if (d->search_base.value != NULL)
			continue;
		if (d->id_provider.value == SSSD_PROVIDER_IPA)
			from = &d->ipa_domain;
		else if (d->id_provider.value == SSSD_PROVIDER_AD)
			from = &d->ad_domain;
		else
			continue;
		/* ipa_domain / ad_domain default to the section's name. */
		dom = from->value != NULL ? from->value : d->name;
		if (from->value != NULL)
			at = from->at;
		if ((r = domain_to_base(dom, &base)) != MFA_OK)
			return r;
		if (base == NULL)
			continue;
		d->derived_base.value = base;
		d->derived_base.at = at;
	}
	return MFA_OK;
}

void
sssd_conf_free(struct sssd_conf **cp)
{
	struct sssd_conf *c;
	size_t i;

	if (cp == NULL || *cp == NULL)
		return;
	c = *cp;
	list_clear(&c->domains);
	list_clear(&c->services);
	for (i = 0; i < c->ndomains; i++)
		domain_clear(&c->domain[i]);
	free(c->domain);
	notes_clear(&c->notes);
	free(c->file);
	free(c);
	*cp = NULL;
}

int
sssd_conf_parse(const char *buf, size_t len, const char *file, struct sssd_conf **outp,
		struct mfa_parse_err *perr)
{
	struct sssd_builder b;
	int r;

	if ((r = parse_start(buf, len, file, outp, perr)) != MFA_OK)
		return r;
	*outp = NULL;
	memset(&b, 0, sizeof(b));
	if ((b.c = calloc(1, sizeof(*b.c))) == NULL)
		return parse_nomem(perr);
	if ((r = parse_body(buf, len, file, &b.c->file, &b.c->notes, &sssd_format, sssd_line, &b,
			    perr)) == MFA_OK &&
	    (r = sssd_finish(b.c)) == MFA_ERR_NOMEM)
		parse_nomem(perr);
	if (r == MFA_OK) {
		*outp = b.c;
		b.c = NULL;
	}
	sssd_conf_free(&b.c);
	return r;
}

bool
sssd_domain_active(const struct sssd_domain *d)
{
	if (d == NULL)
		return false;
	if (d->enabled.value == LDAPCONF_TRUE)
		return true;
	return d->listed && d->enabled.value != LDAPCONF_FALSE;
}

/* ---- nslcd.conf ----------------------------------------------------------- */

static int
nslcd_line(void *ctx, struct pctx *x, const char *line, size_t len)
{
	const struct keyword *kw;
	const char *v = NULL;
	size_t vlen, col = 0;
	int r;

	if ((r = split_keyword_line(x, nslcd_keywords, line, len, &kw, &v, &vlen, &col,
				    "an unknown keyword: nslcd refuses to start")) != MFA_OK ||
	    kw == NULL)
		return r;
	if (vlen == 0)
		return parse_error(x, col, MFA_ERR_PARSE, kw->name, "an argument is missing");
	return set_value(x, kw, ctx, v, vlen, col);
}

void
nslcd_conf_free(struct nslcd_conf **cp)
{
	struct nslcd_conf *c;

	if (cp == NULL || *cp == NULL)
		return;
	c = *cp;
	list_clear(&c->uris);
	mapped_clear(&c->bases);
	mapped_clear(&c->filters);
	mapped_clear(&c->maps);
	str_clear(&c->binddn);
	str_clear(&c->rootpwmoddn);
	str_clear(&c->tls_cacertfile);
	str_clear(&c->tls_cacertdir);
	notes_clear(&c->notes);
	free(c->file);
	free(c);
	*cp = NULL;
}

int
nslcd_conf_parse(const char *buf, size_t len, const char *file, struct nslcd_conf **outp,
		 struct mfa_parse_err *perr)
{
	struct nslcd_conf *c = NULL;
	int r;

	if ((r = parse_start(buf, len, file, outp, perr)) != MFA_OK)
		return r;
	*outp = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return parse_nomem(perr);
	if ((r = parse_body(buf, len, file, &c->file, &c->notes, &nslcd_format, nslcd_line, c,
			    perr)) == MFA_OK) {
		*outp = c;
		c = NULL;
	}
	nslcd_conf_free(&c);
	return r;
}

/* ---- loading all three ---------------------------------------------------- */

/*
 * Read path under the root into *bufp; a missing file leaves *bufp NULL
 * and returns MFA_OK.
 */
static int
read_optional(int rootfd, const char *path, char **bufp, size_t *lenp, struct mfa_parse_err *perr)
{
	int r;

	*bufp = NULL;
	*lenp = 0;
	r = root_fs_read_file(rootfd, path, LDAP_CONF_MAX_BYTES, bufp, lenp, NULL, perr);
	if (r == MFA_ERR_NOT_FOUND) {
		*bufp = NULL;
		*lenp = 0;
		mfa_parse_err_init(perr, NULL);
		return MFA_OK;
	}
	return r;
}

/* sssd refuses a sssd.conf that is not root's with mode 0600: say so. */
static int
sssd_note_owner(int rootfd, struct sssd_conf *c)
{
	struct mfa_parse_err e;
	struct stat st;

	if (root_fs_stat(rootfd, SSSD_CONF_PATH, &st, NULL, &e) != MFA_OK)
		return MFA_OK;
	if (st.st_uid == 0 && (st.st_mode & 07777) == 0600)
		return MFA_OK;
	return note_add(&c->notes, c->file, 0,
			"owner uid %lu, mode %04o: sssd refuses a sssd.conf that is not owned "
			"by root with mode 0600, and does not start",
			(unsigned long)st.st_uid, (unsigned)(st.st_mode & 07777));
}

int
ldap_confs_load(int rootfd, struct ldap_confs **outp, struct mfa_parse_err *perr)
{
	struct ldap_confs *c = NULL;
	const char *ldap_path = LDAP_CONF_PATH;
	char *buf = NULL;
	size_t len = 0;
	int r;

	if (outp == NULL)
		return MFA_ERR_INVALID_ARG;
	*outp = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	if ((r = read_optional(rootfd, ldap_path, &buf, &len, perr)) != MFA_OK)
		goto out;
	if (buf == NULL) {
		ldap_path = LDAP_CONF_PATH_ALT;
		if ((r = read_optional(rootfd, ldap_path, &buf, &len, perr)) != MFA_OK)
			goto out;
	}
	if (buf != NULL && (r = ldap_conf_parse(buf, len, ldap_path, &c->ldap, perr)) != MFA_OK)
		goto out;
	free(buf);
	buf = NULL;

	/* sssd.conf and nslcd.conf may hold a bind password: wipe the bytes. */
	if ((r = read_optional(rootfd, SSSD_CONF_PATH, &buf, &len, perr)) != MFA_OK)
		goto out;
	if (buf != NULL &&
	    ((r = sssd_conf_parse(buf, len, SSSD_CONF_PATH, &c->sssd, perr)) != MFA_OK ||
	     (r = sssd_note_owner(rootfd, c->sssd)) != MFA_OK))
		goto out;
	mfa_freezero(buf, len);
	buf = NULL;

	if ((r = read_optional(rootfd, NSLCD_CONF_PATH, &buf, &len, perr)) != MFA_OK)
		goto out;
	if (buf != NULL &&
	    (r = nslcd_conf_parse(buf, len, NSLCD_CONF_PATH, &c->nslcd, perr)) != MFA_OK)
		goto out;
	*outp = c;
	c = NULL;
	r = MFA_OK;
out:
	mfa_freezero(buf, len);
	ldap_confs_free(&c);
	return r;
}

void
ldap_confs_free(struct ldap_confs **cp)
{
	if (cp == NULL || *cp == NULL)
		return;
	ldap_conf_free(&(*cp)->ldap);
	sssd_conf_free(&(*cp)->sssd);
	nslcd_conf_free(&(*cp)->nslcd);
	free(*cp);
	*cp = NULL;
}

/* ---- the defaults --------------------------------------------------------- */

static const struct ldap_conf_str *
str_or_null(const struct ldap_conf_str *s)
{
	return s != NULL && s->value != NULL ? s : NULL;
}

static bool
directory_provider(int p)
{
	return p == SSSD_PROVIDER_LDAP || p == SSSD_PROVIDER_IPA || p == SSSD_PROVIDER_AD;
}

/* The sssd domain the defaults come from, or NULL. */
static const struct sssd_domain *
sssd_pick(const struct sssd_conf *s)
{
	size_t i, j;

	if (s == NULL)
		return NULL;
	for (i = 0; i < s->domains.n; i++)
		for (j = 0; j < s->ndomains; j++)
			if (strcmp(s->domain[j].name, s->domains.items[i].value) == 0 &&
			    sssd_domain_active(&s->domain[j]) &&
			    directory_provider(s->domain[j].id_provider.value))
				return &s->domain[j];
	for (j = 0; j < s->ndomains; j++)
		if (sssd_domain_active(&s->domain[j]) &&
		    directory_provider(s->domain[j].id_provider.value))
			return &s->domain[j];
	return NULL;
}

static void
defaults_from_sssd(const struct sssd_domain *d, struct ldap_defaults *out)
{
	static const int implied[] = {
		[SSSD_PROVIDER_LDAP] = LDAPCONF_SCHEMA_RFC2307,
		[SSSD_PROVIDER_IPA] = LDAPCONF_SCHEMA_IPA,
		[SSSD_PROVIDER_AD] = LDAPCONF_SCHEMA_AD,
	};

	out->from = LDAP_DEFAULTS_SSSD;
	out->domain = d;
	out->uris = &d->uris;
	out->servers = d->id_provider.value == SSSD_PROVIDER_IPA  ? &d->ipa_servers
		       : d->id_provider.value == SSSD_PROVIDER_AD ? &d->ad_servers
								  : NULL;
	out->base = str_or_null(&d->search_base) != NULL ? &d->search_base
							 : str_or_null(&d->derived_base);
	out->binddn = str_or_null(&d->default_bind_dn);
	out->bind_secret = d->default_authtok.line != 0 ? &d->default_authtok : NULL;
	out->tls_cacert = str_or_null(&d->tls_cacert);
	out->tls_cacertdir = str_or_null(&d->tls_cacertdir);
	out->tls_reqcert = d->tls_reqcert.value != 0 ? &d->tls_reqcert : NULL;
	if (d->id_use_start_tls.value != 0) {
		out->start_tls = (enum ldap_conf_bool)d->id_use_start_tls.value;
		out->start_tls_at = &d->id_use_start_tls.at;
	}
	if (d->schema.value != 0) {
		out->schema = (enum ldap_conf_schema)d->schema.value;
		out->schema_at = &d->schema.at;
	} else {
		out->schema = (enum ldap_conf_schema)implied[d->id_provider.value];
		out->schema_at = &d->id_provider.at;
	}
	out->user_base = str_or_null(&d->user_search_base);
	out->group_base = str_or_null(&d->group_search_base);
	out->sudo_base = str_or_null(&d->sudo_search_base);
}

/* nslcd's first base for every map (map NULL) or for `map`, or NULL. */
static const struct ldap_conf_str *
nslcd_base(const struct nslcd_conf *n, const char *map)
{
	size_t i;

	for (i = 0; i < n->bases.n; i++) {
		const char *m = n->bases.items[i].map;

		if (map == NULL ? m == NULL : (m != NULL && strcasecmp(m, map) == 0))
			return &n->bases.items[i].value;
	}
	return NULL;
}

static void
defaults_from_nslcd(const struct nslcd_conf *n, struct ldap_defaults *out)
{
	out->from = LDAP_DEFAULTS_NSLCD;
	out->uris = &n->uris;
	out->base = nslcd_base(n, NULL);
	out->user_base = nslcd_base(n, "passwd");
	out->group_base = nslcd_base(n, "group");
	out->binddn = str_or_null(&n->binddn);
	out->bind_secret = n->bindpw.line != 0 ? &n->bindpw : NULL;
	out->tls_cacert = str_or_null(&n->tls_cacertfile);
	out->tls_cacertdir = str_or_null(&n->tls_cacertdir);
	out->tls_reqcert = n->tls_reqcert.value != 0 ? &n->tls_reqcert : NULL;
	if (n->ssl.value != 0) {
		out->start_tls =
			n->ssl.value == NSLCD_SSL_START_TLS ? LDAPCONF_TRUE : LDAPCONF_FALSE;
		out->start_tls_at = &n->ssl.at;
	}
	out->timelimit = n->timelimit.set ? &n->timelimit : NULL;
	out->network_timeout = n->bind_timelimit.set ? &n->bind_timelimit : NULL;
}

static void
defaults_from_ldap_conf(const struct ldap_conf *l, struct ldap_defaults *out)
{
	out->from = LDAP_DEFAULTS_LDAP_CONF;
	out->uris = &l->uris;
	out->base = str_or_null(&l->base);
	out->binddn = str_or_null(&l->binddn);
}

int
ldap_confs_defaults(const struct ldap_confs *c, struct ldap_defaults *out)
{
	const struct sssd_domain *d;
	const struct ldap_conf *l;

	if (out == NULL)
		return MFA_ERR_INVALID_ARG;
	memset(out, 0, sizeof(*out));
	if (c == NULL)
		return MFA_OK;
	l = c->ldap;
	if ((d = sssd_pick(c->sssd)) != NULL)
		defaults_from_sssd(d, out);
	else if (c->nslcd != NULL && c->nslcd->uris.n > 0)
		defaults_from_nslcd(c->nslcd, out);
	else if (l != NULL && l->uris.n > 0)
		defaults_from_ldap_conf(l, out);
	if (l == NULL)
		return MFA_OK;
	/* libldap's own defaults under sssd and nslcd. */
	if (out->tls_cacert == NULL)
		out->tls_cacert = str_or_null(&l->tls_cacert);
	if (out->tls_cacertdir == NULL)
		out->tls_cacertdir = str_or_null(&l->tls_cacertdir);
	if (out->tls_reqcert == NULL && l->tls_reqcert.value != 0)
		out->tls_reqcert = &l->tls_reqcert;
	if (out->from == LDAP_DEFAULTS_LDAP_CONF || out->from == LDAP_DEFAULTS_NONE) {
		if (out->network_timeout == NULL && l->network_timeout.set)
			out->network_timeout = &l->network_timeout;
		if (out->timelimit == NULL && l->timelimit.set)
			out->timelimit = &l->timelimit;
	}
	return MFA_OK;
}

/* ---- names ---------------------------------------------------------------- */

const char *
ldap_conf_reqcert_name(int v)
{
	return word_name(reqcert_words, v);
}

const char *
ldap_conf_schema_name(int v)
{
	return word_name(schema_words, v);
}

const char *
sssd_provider_name(int v)
{
	return v == SSSD_PROVIDER_OTHER ? "other" : word_name(provider_words, v);
}

const char *
nslcd_ssl_name(int v)
{
	return word_name(ssl_words, v);
}

const char *
ldap_defaults_from_name(enum ldap_defaults_from f)
{
	switch (f) {
	case LDAP_DEFAULTS_NONE:
		return "none";
	case LDAP_DEFAULTS_SSSD:
		return "sssd";
	case LDAP_DEFAULTS_NSLCD:
		return "nslcd";
	case LDAP_DEFAULTS_LDAP_CONF:
		return "ldap.conf";
	}
	return "?";
}
