/*
 * test_fido2_cred.c - pam_u2f's mapping format (pamu2fcfg lines): keys made
 * here with OpenSSL, their raw public keys exported and base64'd with
 * OpenSSL's EVP_EncodeBlock, lines assembled as pamu2fcfg prints them, then
 * parsed and compared byte for byte; resident credentials, several per
 * user, every options combination, the pre-1.1.0 format, writing back byte
 * for byte; and every malformed form with its code and line number.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "fido2_cred.h"

/* Keys and key handles shared by the tests, made once. */
struct fixture {
	uint8_t es[64], es2[64], ed[32], rs[259];
	uint8_t kh[64], kh2[48], kh_long[1024];
};

static struct fixture fx;

static void
gen_es256(uint8_t xy[64])
{
	uint8_t point[65];
	size_t len = 0;
	EVP_PKEY *pkey = EVP_EC_gen("P-256");

	assert_non_null(pkey);
	assert_int_equal(EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
							 point, sizeof(point), &len),
			 1);
	assert_int_equal(len, 65);
	assert_int_equal(point[0], 0x04);
	memcpy(xy, point + 1, 64);
	EVP_PKEY_free(pkey);
}

static void
gen_eddsa(uint8_t pk[32])
{
	size_t len = 32;
	EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");

	assert_non_null(pkey);
	assert_int_equal(EVP_PKEY_get_raw_public_key(pkey, pk, &len), 1);
	assert_int_equal(len, 32);
	EVP_PKEY_free(pkey);
}

static void
gen_rs256(uint8_t ne[259])
{
	BIGNUM *n = NULL, *e = NULL;
	EVP_PKEY *pkey = EVP_RSA_gen(2048);

	assert_non_null(pkey);
	assert_int_equal(EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n), 1);
	assert_int_equal(EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e), 1);
	assert_int_equal(BN_bn2binpad(n, ne, 256), 256);
	assert_int_equal(BN_bn2binpad(e, ne + 256, 3), 3);
	BN_free(n);
	BN_free(e);
	EVP_PKEY_free(pkey);
}

static int
setup(void **state)
{
	(void)state;
	gen_es256(fx.es);
	gen_es256(fx.es2);
	gen_eddsa(fx.ed);
	gen_rs256(fx.rs);
	if (RAND_bytes(fx.kh, sizeof(fx.kh)) != 1 || RAND_bytes(fx.kh2, sizeof(fx.kh2)) != 1 ||
	    RAND_bytes(fx.kh_long, sizeof(fx.kh_long)) != 1)
		return -1;
	return 0;
}

/* OpenSSL's base64 of len bytes (a static buffer per call site is enough here). */
static char *
b64(const uint8_t *p, size_t len)
{
	char *out = malloc(len / 3 * 4 + 8);

	assert_non_null(out);
	assert_true(EVP_EncodeBlock((unsigned char *)out, p, (int)len) >= 0);
	return out;
}

/* The URL-safe unpadded base64 libu2f-server wrote, from OpenSSL's. */
static char *
websafe(const uint8_t *p, size_t len)
{
	char *s = b64(p, len), *q;

	for (q = s; *q != '\0'; q++) {
		if (*q == '+')
			*q = '-';
		else if (*q == '/')
			*q = '_';
		else if (*q == '=')
			*q = '\0';
	}
	return s;
}

static char *
hex(const uint8_t *p, size_t len, uint8_t prefix)
{
	char *s = malloc(2 * len + 3);
	size_t i;

	assert_non_null(s);
	snprintf(s, 3, "%02x", prefix);
	for (i = 0; i < len; i++)
		snprintf(s + 2 + 2 * i, 3, "%02x", p[i]);
	return s;
}

/* The text for a {TOKEN} of the templates. */
static char *
token_text(const char *name, size_t len)
{
	uint8_t buf[300];

#define IS(t) (len == strlen(t) && memcmp(name, t, len) == 0)
	if (IS("KH"))
		return b64(fx.kh, sizeof(fx.kh));
	if (IS("KH2"))
		return b64(fx.kh2, sizeof(fx.kh2));
	if (IS("KHLONG"))
		return b64(fx.kh_long, sizeof(fx.kh_long));
	if (IS("KH1023"))
		return b64(fx.kh_long, 1023);
	if (IS("ES"))
		return b64(fx.es, sizeof(fx.es));
	if (IS("ES2"))
		return b64(fx.es2, sizeof(fx.es2));
	if (IS("ED"))
		return b64(fx.ed, sizeof(fx.ed));
	if (IS("RS"))
		return b64(fx.rs, sizeof(fx.rs));
	if (IS("ES65")) { /* 04||x||y: what libfido2 does not write */
		buf[0] = 0x04;
		memcpy(buf + 1, fx.es, 64);
		return b64(buf, 65);
	}
	if (IS("ED31"))
		return b64(fx.ed, 31);
	if (IS("BADPT")) { /* y with one bit flipped: off the curve */
		memcpy(buf, fx.es, 64);
		buf[63] ^= 0x01;
		return b64(buf, 64);
	}
	if (IS("RSLOW")) { /* a 2047-bit modulus */
		memcpy(buf, fx.rs, 259);
		buf[0] &= 0x7f;
		return b64(buf, 259);
	}
	if (IS("RSEVEN")) { /* an even modulus */
		memcpy(buf, fx.rs, 259);
		buf[255] &= 0xfe;
		return b64(buf, 259);
	}
	if (IS("RSE1")) { /* exponent 1 */
		memcpy(buf, fx.rs, 259);
		buf[256] = buf[257] = 0;
		buf[258] = 1;
		return b64(buf, 259);
	}
	if (IS("RSEEVEN")) { /* an even exponent */
		memcpy(buf, fx.rs, 259);
		buf[258] &= 0xfe;
		return b64(buf, 259);
	}
	if (IS("WSKH"))
		return websafe(fx.kh, sizeof(fx.kh));
	if (IS("OLDPK"))
		return hex(fx.es2, 64, 0x04);
	if (IS("OLDPK03"))
		return hex(fx.es2, 64, 0x03);
	if (IS("OLDBADPT")) {
		memcpy(buf, fx.es2, 64);
		buf[63] ^= 0x01;
		return hex(buf, 64, 0x04);
	}
#undef IS
	fail_msg("unknown token %.*s", (int)len, name);
	return NULL;
}

/* tmpl with each {TOKEN} replaced; a new string. */
static char *
expand(const char *tmpl)
{
	size_t cap = strlen(tmpl) + 1, len = 0;
	char *out = malloc(cap);
	const char *p = tmpl;

	assert_non_null(out);
	while (*p != '\0') {
		const char *close;
		char *t;
		size_t tlen;

		if (*p == '{' && (close = strchr(p, '}')) != NULL) {
			t = token_text(p + 1, (size_t)(close - p - 1));
			tlen = strlen(t);
			p = close + 1;
		} else {
			t = NULL;
			tlen = 1;
		}
		if (len + tlen + 1 > cap) {
			cap = (len + tlen + 1) * 2;
			out = realloc(out, cap);
			assert_non_null(out);
		}
		if (t != NULL) {
			memcpy(out + len, t, tlen);
			free(t);
		} else {
			out[len] = *p++;
		}
		len += tlen;
	}
	out[len] = '\0';
	return out;
}

static struct mfa_fido2_map *
map_ok(const char *text)
{
	struct mfa_fido2_map *map = NULL;
	struct mfa_parse_err perr;
	int r = mfa_fido2_map_parse(text, strlen(text), "u2f_keys", &map, &perr);

	if (r != MFA_OK)
		fail_msg("parse failed: %s line %u column %u: %s", mfa_strerror_name(r), perr.line,
			 perr.column, perr.msg);
	assert_non_null(map);
	return map;
}

static void
assert_cred(const struct mfa_fido2_cred *c, enum mfa_fido2_cose type, const uint8_t *kh,
	    size_t khlen, const uint8_t *pk, size_t pklen)
{
	assert_int_equal(c->type, type);
	assert_int_equal(c->key_handle_len, khlen);
	if (khlen > 0)
		assert_memory_equal(c->key_handle, kh, khlen);
	assert_int_equal(c->resident, khlen == 0);
	assert_int_equal(c->public_key_len, pklen);
	assert_memory_equal(c->public_key, pk, pklen);
}

/* One line of each type, as pamu2fcfg prints them; the bytes compared. */
static void
test_good_line_of_each_type(void **state)
{
	char *text = expand("alice:{KH},{ES},es256,+presence\n"
			    "bob:{KH2},{ED},eddsa,+presence\n"
			    "carol:{KH},{RS},rs256,+presence\n");
	struct mfa_fido2_map *map = map_ok(text);
	const struct mfa_fido2_user *u;

	(void)state;
	assert_int_equal(map->nusers, 3);
	assert_non_null(u = mfa_fido2_map_find(map, "alice"));
	assert_int_equal(u->line, 1);
	assert_int_equal(u->ncreds, 1);
	assert_cred(&u->creds[0], MFA_FIDO2_ES256, fx.kh, 64, fx.es, 64);
	assert_true(u->creds[0].presence);
	assert_false(u->creds[0].verification || u->creds[0].pin || u->creds[0].old_format);
	assert_non_null(u = mfa_fido2_map_find(map, "bob"));
	assert_int_equal(u->line, 2);
	assert_cred(&u->creds[0], MFA_FIDO2_EDDSA, fx.kh2, 48, fx.ed, 32);
	assert_non_null(u = mfa_fido2_map_find(map, "carol"));
	assert_cred(&u->creds[0], MFA_FIDO2_RS256, fx.kh, 64, fx.rs, 259);
	assert_null(mfa_fido2_map_find(map, "dave"));
	assert_null(mfa_fido2_map_find(map, "alic"));
	mfa_fido2_map_free(&map);
	assert_null(map);
	free(text);
}

/* pamu2fcfg -r: the key handle is "*"; several credentials on one line. */
static void
test_resident_and_several_creds(void **state)
{
	char *text =
		expand("# written by pamu2fcfg\n"
		       "\n"
		       "alice:*,{ES},es256,+presence:{KH2},{ED},eddsa,:{KH},{RS},rs256,+pin\n");
	struct mfa_fido2_map *map = map_ok(text);
	const struct mfa_fido2_user *u = mfa_fido2_map_find(map, "alice");

	(void)state;
	assert_non_null(u);
	assert_int_equal(u->line, 3);
	assert_int_equal(u->ncreds, 3);
	assert_cred(&u->creds[0], MFA_FIDO2_ES256, NULL, 0, fx.es, 64);
	assert_true(u->creds[0].resident);
	assert_cred(&u->creds[1], MFA_FIDO2_EDDSA, fx.kh2, 48, fx.ed, 32);
	assert_false(u->creds[1].presence || u->creds[1].verification || u->creds[1].pin);
	assert_cred(&u->creds[2], MFA_FIDO2_RS256, fx.kh, 64, fx.rs, 259);
	assert_true(u->creds[2].pin);
	assert_false(u->creds[2].presence);
	mfa_fido2_map_free(&map);
	free(text);

	/* The most pam_u2f reads by default: 24. */
	text = expand("u:{KH},{ES},es256,:{KH},{ES},es256,:{KH},{ES},es256,:{KH},{ES},es256,"
		      ":{KH},{ES},es256,:{KH},{ES},es256,:{KH},{ES},es256,:{KH},{ES},es256,"
		      ":{KH},{ES},es256,:{KH},{ES},es256,:{KH},{ES},es256,:{KH},{ES},es256,"
		      ":{KH},{ES},es256,:{KH},{ES},es256,:{KH},{ES},es256,:{KH},{ES},es256,"
		      ":{KH},{ES},es256,:{KH},{ES},es256,:{KH},{ES},es256,:{KH},{ES},es256,"
		      ":{KH},{ES},es256,:{KH},{ES},es256,:{KH},{ES},es256,:*,{ES2},es256,");
	map = map_ok(text);
	assert_int_equal(map->users[0].ncreds, MFA_FIDO2_CREDS_MAX);
	assert_true(map->users[0].creds[23].resident);
	mfa_fido2_map_free(&map);
	free(text);
}

struct opts_case {
	const char *opts;
	bool presence, verification, pin;
	const char *canonical; /* as written back; NULL: the same */
};

static void
test_options_combinations(void **state)
{
	static const struct opts_case cases[] = {
		{"", false, false, false, NULL},
		{"+presence", true, false, false, NULL},
		{"+verification", false, true, false, NULL},
		{"+pin", false, false, true, NULL},
		{"+presence+verification", true, true, false, NULL},
		{"+presence+pin", true, false, true, NULL},
		{"+verification+pin", false, true, true, NULL},
		{"+presence+verification+pin", true, true, true, NULL},
		/* other orders: pam_u2f looks for each with strstr */
		{"+pin+presence", true, false, true, "+presence+pin"},
		{"+verification+presence", true, true, false, "+presence+verification"},
		{"+pin+verification+presence", true, true, true, "+presence+verification+pin"},
	};
	struct mfa_fido2_user u;
	struct mfa_parse_err perr;
	char tmpl[128], want[128], *line, *expected, *back;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(tmpl, sizeof(tmpl), "alice:{KH},{ES},es256,%s", cases[i].opts);
		line = expand(tmpl);
		if (mfa_fido2_line_parse(line, strlen(line), &u, &perr) != MFA_OK)
			fail_msg("case %zu: %s", i, perr.msg);
		assert_int_equal(u.creds[0].presence, cases[i].presence);
		assert_int_equal(u.creds[0].verification, cases[i].verification);
		assert_int_equal(u.creds[0].pin, cases[i].pin);
		assert_int_equal(mfa_fido2_cred_requires_uv(&u.creds[0]),
				 cases[i].verification || cases[i].pin);
		assert_int_equal(mfa_fido2_line_format(&u, &back), MFA_OK);
		snprintf(want, sizeof(want), "alice:{KH},{ES},es256,%s",
			 cases[i].canonical != NULL ? cases[i].canonical : cases[i].opts);
		expected = expand(want);
		assert_string_equal(back, expected);
		free(expected);
		free(back);
		free(line);
		mfa_fido2_user_clear(&u);
	}

	/* Without the options field (pam_u2f: "Empty attributes"); the type in capitals. */
	line = expand("alice:{KH},{ES},ES256");
	assert_int_equal(mfa_fido2_line_parse(line, strlen(line), &u, &perr), MFA_OK);
	assert_false(u.creds[0].presence);
	assert_int_equal(u.creds[0].type, MFA_FIDO2_ES256);
	assert_int_equal(mfa_fido2_line_format(&u, &back), MFA_OK);
	free(line);
	line = expand("alice:{KH},{ES},es256,");
	assert_string_equal(back, line);
	free(back);
	free(line);
	mfa_fido2_user_clear(&u);
}

/* What pamu2fcfg printed comes back byte for byte, line and credential alike. */
static void
test_round_trip(void **state)
{
	static const char *const lines[] = {
		"alice:{KH},{ES},es256,+presence",
		"bob:{KH2},{ED},eddsa,+presence+verification:{KH},{RS},rs256,+presence+pin",
		"carol:*,{ES2},es256,",
		"dave:{WSKH},{OLDPK}",
		"erin:{KH1023},{ED},eddsa,+verification:{WSKH},{OLDPK}:*,{RS},rs256,+presence",
	};
	struct mfa_fido2_user u, again;
	struct mfa_fido2_cred c;
	struct mfa_parse_err perr;
	char *line, *back, *cred;
	const char *colon;
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		line = expand(lines[i]);
		if (mfa_fido2_line_parse(line, strlen(line), &u, &perr) != MFA_OK)
			fail_msg("line %zu: %s", i, perr.msg);
		assert_int_equal(u.line, 0);
		assert_int_equal(mfa_fido2_line_format(&u, &back), MFA_OK);
		assert_string_equal(back, line);
		assert_int_equal(mfa_fido2_line_parse(back, strlen(back), &again, &perr), MFA_OK);
		assert_int_equal(again.ncreds, u.ncreds);
		assert_memory_equal(again.creds, u.creds, u.ncreds * sizeof(u.creds[0]));
		/* Each credential alone. */
		colon = strchr(line, ':');
		for (k = 0; k < u.ncreds; k++) {
			const char *next = strchr(colon + 1, ':');
			size_t len = next != NULL ? (size_t)(next - colon - 1) : strlen(colon + 1);

			assert_int_equal(mfa_fido2_cred_parse(colon + 1, len, &c, &perr), MFA_OK);
			assert_memory_equal(&c, &u.creds[k], sizeof(c));
			assert_int_equal(mfa_fido2_cred_format(&c, &cred), MFA_OK);
			assert_int_equal(strlen(cred), len);
			assert_memory_equal(cred, colon + 1, len);
			free(cred);
			colon = next;
		}
		mfa_fido2_user_clear(&again);
		mfa_fido2_user_clear(&u);
		free(back);
		free(line);
	}
}

/* pamu2fcfg <= 1.0.8: keyHandle (URL-safe base64),publicKey (hex of 04||x||y). */
static void
test_old_format(void **state)
{
	char *text = expand("dave:{WSKH},{OLDPK}\n");
	struct mfa_fido2_map *map = map_ok(text);
	const struct mfa_fido2_user *u = mfa_fido2_map_find(map, "dave");
	char *upper, *p, *back;
	struct mfa_fido2_user v;
	struct mfa_parse_err perr;

	(void)state;
	assert_non_null(u);
	assert_cred(&u->creds[0], MFA_FIDO2_ES256, fx.kh, 64, fx.es2, 64);
	assert_true(u->creds[0].old_format);
	assert_true(u->creds[0].presence);
	assert_false(u->creds[0].verification || u->creds[0].pin);
	/* pam_u2f asks for such a credential with its appid. */
	assert_string_equal(mfa_fido2_cred_rp_id(&u->creds[0], "pam://origin", "pam://appid"),
			    "pam://appid");
	mfa_fido2_map_free(&map);
	free(text);

	/* Hex digits in capitals read too (pam_u2f's sscanf("%02x")), written back in small. */
	text = expand("dave:{WSKH},{OLDPK}");
	upper = strdup(text);
	assert_non_null(upper);
	for (p = strchr(upper, ',') + 1; *p != '\0'; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	assert_int_equal(mfa_fido2_line_parse(upper, strlen(upper), &v, &perr), MFA_OK);
	assert_int_equal(mfa_fido2_line_format(&v, &back), MFA_OK);
	assert_string_equal(back, text);
	mfa_fido2_user_clear(&v);
	free(back);
	free(upper);
	free(text);

	/* A new-format credential is asked for with the origin. */
	text = expand("alice:{KH},{ES},es256,+presence");
	assert_int_equal(mfa_fido2_line_parse(text, strlen(text), &v, &perr), MFA_OK);
	assert_string_equal(mfa_fido2_cred_rp_id(&v.creds[0], "pam://origin", "pam://appid"),
			    "pam://origin");
	mfa_fido2_user_clear(&v);
	free(text);
}

static void
test_blank_and_comment_lines(void **state)
{
	char *text =
		expand("\n#alice:{KH},{ES},es256,+presence\n  \n\t\n# x\nbob:{KH},{ES},es256,");
	struct mfa_fido2_map *map = map_ok(text);
	struct mfa_fido2_user u;
	struct mfa_parse_err perr;

	(void)state;
	assert_int_equal(map->nusers, 1);
	assert_string_equal(map->users[0].name, "bob");
	assert_int_equal(map->users[0].line, 6);
	mfa_fido2_map_free(&map);
	free(text);
	/* An empty file, and one of comments only, have no user. */
	map = map_ok("");
	assert_int_equal(map->nusers, 0);
	mfa_fido2_map_free(&map);
	map = map_ok("# nobody yet\n\n");
	assert_int_equal(map->nusers, 0);
	mfa_fido2_map_free(&map);
	assert_int_equal(mfa_fido2_line_parse("# c", 3, &u, &perr), MFA_ERR_NOT_FOUND);
	assert_int_equal(mfa_fido2_line_parse("", 0, &u, &perr), MFA_ERR_NOT_FOUND);
	assert_null(u.name);
}

struct bad_case {
	const char *tmpl; /* the third line of the file; {TOKENS} expanded */
	int code;
	unsigned column; /* 0: not checked */
	const char *msg_part;
};

/* Each malformed line, after a comment and a good line: refused at line 3. */
static void
test_malformed_lines(void **state)
{
	static const struct bad_case cases[] = {
		/* missing or empty fields */
		{"alice", MFA_ERR_PARSE, 6, "no credential"},
		{"alice:", MFA_ERR_PARSE, 6, "no credential"},
		{"alice:{KH}", MFA_ERR_PARSE, 0, "no public key"},
		{"alice:{KH},", MFA_ERR_PARSE, 0, "empty public key"},
		{"alice:,{ES},es256,", MFA_ERR_PARSE, 7, "empty key handle"},
		{"alice:{KH},{ES},,+presence", MFA_ERR_PARSE, 0, "empty COSE type"},
		{"alice:{KH},{ES},es256,::{KH},{ES},es256,", MFA_ERR_PARSE, 0, "empty credential"},
		{"alice:{KH},{ES},es256,+presence:", MFA_ERR_PARSE, 0, "empty credential"},
		{"alice:{KH},{ES},es256,+presence,", MFA_ERR_PARSE, 0, "more than 4 fields"},
		{"alice:{KH},{ES},es256,+presence,x", MFA_ERR_PARSE, 0, "more than 4 fields"},
		/* bad base64 */
		{"alice:{KH}!,{ES},es256,", MFA_ERR_PARSE, 7, "key handle is not base64"},
		{"alice:a2g,{ES},es256,", MFA_ERR_PARSE, 7, "key handle is not base64"},
		{"alice:{KH},{ES}x,es256,", MFA_ERR_PARSE, 0, "public key is not base64"},
		{"alice:{KH},{ES} ,es256,", MFA_ERR_PARSE, 0, "public key is not base64"},
		{"alice:{KHLONG},{ES},es256,", MFA_ERR_PARSE, 7, "longer than 1023 bytes"},
		/* wrong key length for the type */
		{"alice:{KH},{ES65},es256,", MFA_ERR_PARSE, 0, "64 bytes"},
		{"alice:{KH},{ED},es256,", MFA_ERR_PARSE, 0, "64 bytes"},
		{"alice:{KH},{ES},eddsa,", MFA_ERR_PARSE, 0, "32 bytes"},
		{"alice:{KH},{ED31},eddsa,", MFA_ERR_PARSE, 0, "32 bytes"},
		{"alice:{KH},{ES},rs256,", MFA_ERR_PARSE, 0, "259 bytes"},
		/* not a key of its type */
		{"alice:{KH},{BADPT},es256,", MFA_ERR_PARSE, 0, "not on the P-256 curve"},
		{"alice:{KH},{RSLOW},rs256,", MFA_ERR_PARSE, 0, "not a valid rs256 key"},
		{"alice:{KH},{RSEVEN},rs256,", MFA_ERR_PARSE, 0, "not a valid rs256 key"},
		{"alice:{KH},{RSE1},rs256,", MFA_ERR_PARSE, 0, "not a valid rs256 key"},
		{"alice:{KH},{RSEEVEN},rs256,", MFA_ERR_PARSE, 0, "not a valid rs256 key"},
		/* types and options */
		{"alice:{KH},{ES},es384,", MFA_ERR_PARSE, 0, "unknown COSE type"},
		{"alice:{KH},{ES},es2560,", MFA_ERR_PARSE, 0, "unknown COSE type"},
		{"alice:{KH},{ES},es256,+touch", MFA_ERR_PARSE, 0, "unknown option"},
		{"alice:{KH},{ES},es256,+presence+", MFA_ERR_PARSE, 0, "unknown option"},
		{"alice:{KH},{ES},es256,+Presence", MFA_ERR_PARSE, 0, "unknown option"},
		{"alice:{KH},{ES},es256,presence", MFA_ERR_PARSE, 0, "written one after"},
		{"alice:{KH},{ES},es256,+pin+pin", MFA_ERR_PARSE, 0, "given twice"},
		/* user names */
		{":{KH},{ES},es256,", MFA_ERR_PARSE, 1, "empty user name"},
		{"al ice:{KH},{ES},es256,", MFA_ERR_PARSE, 3, "blank or control"},
		{" alice:{KH},{ES},es256,", MFA_ERR_PARSE, 1, "blank or control"},
		{"al\x01ice:{KH},{ES},es256,", MFA_ERR_PARSE, 3, "blank or control"},
		{"bob:{KH},{ES},es256,", MFA_ERR_PARSE, 1, "second line for the user"},
		/* line ends */
		{"alice:{KH},{ES},es256,+presence\r", MFA_ERR_PARSE, 0, "carriage return"},
		/* the old format */
		{"alice:{WSKH},{ES}", MFA_ERR_PARSE, 0, "hex digits"},
		{"alice:{KH},{OLDPK}", MFA_ERR_PARSE, 7, "URL-safe base64"},
		{"alice:*,{OLDPK}", MFA_ERR_PARSE, 7, "URL-safe base64"},
		{"alice:{WSKH},{OLDPK03}", MFA_ERR_PARSE, 0, "uncompressed point"},
		{"alice:{WSKH},{OLDBADPT}", MFA_ERR_PARSE, 0, "not on the P-256 curve"},
		{"alice:{WSKH},{OLDPK}0", MFA_ERR_PARSE, 0, "hex digits"},
		{"alice:{WSKH},{OLDPK}:{KH},{ES},es256,+x", MFA_ERR_PARSE, 0, "unknown option"},
	};
	struct mfa_fido2_map *map = NULL;
	struct mfa_parse_err perr;
	char tmpl[256], *text;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r;

		snprintf(tmpl, sizeof(tmpl), "# u2f_keys\nbob:{KH2},{ED},eddsa,+presence\n%s\n",
			 cases[i].tmpl);
		text = expand(tmpl);
		r = mfa_fido2_map_parse(text, strlen(text), "/etc/u2f_mappings", &map, &perr);
		if (r != cases[i].code || perr.line != 3 ||
		    strstr(perr.msg, cases[i].msg_part) == NULL ||
		    (cases[i].column != 0 && perr.column != cases[i].column))
			fail_msg("case %zu (%s): %s line %u column %u: %s", i, cases[i].tmpl,
				 mfa_strerror_name(r), perr.line, perr.column, perr.msg);
		assert_null(map);
		assert_string_equal(perr.file, "/etc/u2f_mappings");
		/* The message never quotes the line. */
		assert_null(strstr(perr.msg, "alice"));
		free(text);
	}
}

/* Caps, NUL bytes, too many credentials: each with its line number. */
static void
test_caps_and_nul(void **state)
{
	struct mfa_fido2_map *map = NULL;
	struct mfa_parse_err perr;
	char *cred = expand("{KH},{ES},es256,+presence"), *text, *p;
	size_t clen = strlen(cred), i, len;

	(void)state;
	/* 25 credentials: the 25th is refused where it starts. */
	len = 6 + 25 * (clen + 1) + 1;
	text = malloc(len + 16);
	assert_non_null(text);
	p = text + sprintf(text, "\n\nalice");
	for (i = 0; i < 25; i++)
		p += sprintf(p, ":%s", cred);
	*p++ = '\n';
	*p = '\0';
	assert_int_equal(mfa_fido2_map_parse(text, strlen(text), "f", &map, &perr), MFA_ERR_PARSE);
	assert_int_equal(perr.line, 3);
	assert_int_equal(perr.column, 5 + 1 + 24 * (clen + 1) + 1);
	assert_non_null(strstr(perr.msg, "more than 24 credentials"));
	free(text);

	/* An over-long line: MFA_ERR_TOO_LARGE with its line. */
	len = MFA_FIDO2_LINE_MAX + 10;
	text = malloc(len + 1);
	assert_non_null(text);
	memcpy(text, "#\nalice:", 8);
	memset(text + 8, 'A', len - 8);
	text[len] = '\0';
	assert_int_equal(mfa_fido2_map_parse(text, len, "f", &map, &perr), MFA_ERR_TOO_LARGE);
	assert_int_equal(perr.line, 2);
	assert_non_null(strstr(perr.msg, "line longer than"));
	free(text);

	/* A NUL byte inside a line, wherever it is. */
	text = expand("bob:{KH},{ES},es256,\nalice:{KH},{ES},es256,+presence\n");
	len = strlen(text);
	p = strstr(text, "alice") + 20;
	*p = '\0';
	assert_int_equal(mfa_fido2_map_parse(text, len, "f", &map, &perr), MFA_ERR_PARSE);
	assert_int_equal(perr.line, 2);
	assert_int_equal(perr.column, 21);
	assert_non_null(strstr(perr.msg, "NUL"));
	assert_null(map);
	free(text);

	/* A file past the cap is refused before any line is read. */
	assert_int_equal(mfa_fido2_map_parse(cred, MFA_FIDO2_FILE_MAX + 1, "f", &map, &perr),
			 MFA_ERR_TOO_LARGE);
	assert_int_equal(perr.line, 0);
	free(cred);
}

/* One credential alone, as the module may store it. */
static void
test_single_cred(void **state)
{
	struct mfa_fido2_cred c;
	struct mfa_parse_err perr;
	char *cred = expand("{KH2},{ED},eddsa,+presence+verification"), *back = NULL;

	(void)state;
	mfa_parse_err_init(&perr, "state");
	assert_int_equal(mfa_fido2_cred_parse(cred, strlen(cred), &c, &perr), MFA_OK);
	assert_cred(&c, MFA_FIDO2_EDDSA, fx.kh2, 48, fx.ed, 32);
	assert_true(c.presence && c.verification && !c.pin);
	assert_int_equal(mfa_fido2_cred_format(&c, &back), MFA_OK);
	assert_string_equal(back, cred);
	free(back);
	/* A ':' or a line break cannot be inside one. */
	cred[10] = ':';
	assert_int_equal(mfa_fido2_cred_parse(cred, strlen(cred), &c, &perr), MFA_ERR_PARSE);
	assert_int_equal(perr.column, 11);
	assert_int_equal(perr.line, 0);
	assert_string_equal(perr.file, "state");
	assert_int_equal(c.type, 0);
	assert_int_equal(mfa_fido2_cred_parse("", 0, &c, &perr), MFA_ERR_PARSE);
	assert_non_null(strstr(perr.msg, "empty credential"));
	assert_int_equal(mfa_fido2_cred_parse(NULL, 1, &c, &perr), MFA_ERR_INVALID_ARG);
	free(cred);
}

/* Writing refuses what no parse gives. */
static void
test_format_refuses_impossible(void **state)
{
	struct mfa_fido2_cred c;
	struct mfa_fido2_user u;
	struct mfa_parse_err perr;
	char *cred = expand("{KH},{ES},es256,+presence"), *text = NULL;

	(void)state;
	assert_int_equal(mfa_fido2_cred_parse(cred, strlen(cred), &c, &perr), MFA_OK);
	c.public_key_len = 65;
	assert_int_equal(mfa_fido2_cred_format(&c, &text), MFA_ERR_INVALID_ARG);
	assert_null(text);
	c.public_key_len = 64;
	c.type = (enum mfa_fido2_cose) - 35; /* es384 */
	assert_int_equal(mfa_fido2_cred_format(&c, &text), MFA_ERR_INVALID_ARG);
	c.type = MFA_FIDO2_ES256;
	c.resident = true; /* with a key handle */
	assert_int_equal(mfa_fido2_cred_format(&c, &text), MFA_ERR_INVALID_ARG);
	c.resident = false;
	c.old_format = true;
	c.pin = true; /* the old format has no options */
	assert_int_equal(mfa_fido2_cred_format(&c, &text), MFA_ERR_INVALID_ARG);
	c.old_format = false;
	memset(&u, 0, sizeof(u));
	u.creds = &c;
	u.ncreds = 1;
	u.name = (char *)"a:b";
	assert_int_equal(mfa_fido2_line_format(&u, &text), MFA_ERR_INVALID_ARG);
	u.name = (char *)"a b";
	assert_int_equal(mfa_fido2_line_format(&u, &text), MFA_ERR_INVALID_ARG);
	u.name = (char *)"#a";
	assert_int_equal(mfa_fido2_line_format(&u, &text), MFA_ERR_INVALID_ARG);
	u.name = (char *)"a";
	assert_int_equal(mfa_fido2_line_format(&u, &text), MFA_OK);
	assert_non_null(text);
	free(text);
	free(cred);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_line_of_each_type),
		cmocka_unit_test(test_resident_and_several_creds),
		cmocka_unit_test(test_options_combinations),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_old_format),
		cmocka_unit_test(test_blank_and_comment_lines),
		cmocka_unit_test(test_malformed_lines),
		cmocka_unit_test(test_caps_and_nul),
		cmocka_unit_test(test_single_cred),
		cmocka_unit_test(test_format_refuses_impossible),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
