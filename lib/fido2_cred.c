/*
 * fido2_cred.c - pam_u2f's mapping format: strict parsing, and writing back.
 *
 * Written from pam-u2f's util.c (parse_native_format,
 * parse_native_credential, parse_pk, cose_type) and pamu2fcfg.c
 * (print_authfile_line); see fido2_cred.h for the format and where this
 * parser is stricter.  Keys are checked with OpenSSL before they are
 * accepted: a P-256 point must be on the curve, an RSA key 2048 bits.
 */
#include "fido2_cred.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base64.h"
#include "mfa_mem.h"
#include "num.h"

/* keyHandle,publicKey,coseType,options */
enum {
	F_KH,
	F_PK,
	F_TYPE,
	F_OPTS,
	F_COUNT
};

static const char *const field_names[F_COUNT] = {"key handle", "public key", "COSE type",
						 "options"};

struct field {
	const char *p;
	size_t len;
	size_t col; /* column of its first byte in the line, from 1 */
};

struct cose_name {
	const char *name;
	enum mfa_fido2_cose type;
	size_t pk_len;
	const char *pk_form;
};

/* pam_u2f's cose_type(): these names, compared without case. */
static const struct cose_name cose_names[] = {
	{"es256", MFA_FIDO2_ES256, MFA_FIDO2_ES256_PK_LEN, "the P-256 point x||y"},
	{"eddsa", MFA_FIDO2_EDDSA, MFA_FIDO2_EDDSA_PK_LEN, "the Ed25519 key"},
	{"rs256", MFA_FIDO2_RS256, MFA_FIDO2_RS256_PK_LEN,
	 "the 2048-bit modulus and 3-byte exponent"},
};

struct option_name {
	const char *name;
	size_t offset;
};

/* In the order pamu2fcfg writes them. */
static const struct option_name option_names[] = {
	{"+presence", offsetof(struct mfa_fido2_cred, presence)},
	{"+verification", offsetof(struct mfa_fido2_cred, verification)},
	{"+pin", offsetof(struct mfa_fido2_cred, pin)},
};

/* The longest base64 texts that can hold a key handle or a public key. */
#define KH_B64_MAX MFA_B64_ENCODED_LEN(MFA_FIDO2_KEY_HANDLE_MAX)
#define PK_B64_MAX MFA_B64_ENCODED_LEN(MFA_FIDO2_PK_MAX)
/* The old format's public key: 65 bytes 04||x||y in hex. */
#define OLD_PK_HEX_LEN (2 * (1 + MFA_FIDO2_ES256_PK_LEN))

static const struct cose_name *
cose_lookup(enum mfa_fido2_cose type)
{
	size_t i;

	for (i = 0; i < sizeof(cose_names) / sizeof(cose_names[0]); i++) {
		if (cose_names[i].type == type)
			return &cose_names[i];
	}
	return NULL;
}

static bool
field_is(const struct field *f, const char *s)
{
	return f->len == strlen(s) && memcmp(f->p, s, f->len) == 0;
}

/* ---- public keys ------------------------------------------------------- */

/* An EVP_PKEY made from params passes OpenSSL's public key check. */
static int
pkey_check(const char *alg, const OSSL_PARAM *params)
{
	EVP_PKEY_CTX *ctx = NULL, *cctx = NULL;
	EVP_PKEY *pkey = NULL;
	int r = MFA_ERR_NOMEM;

	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, alg, NULL)) == NULL)
		goto out;
	r = MFA_ERR_PARSE;
	if (EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, (OSSL_PARAM *)params) != 1)
		goto out;
	if ((cctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL)) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	if (EVP_PKEY_public_check(cctx) != 1)
		goto out;
	r = MFA_OK;
out:
	EVP_PKEY_CTX_free(cctx);
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(ctx);
	return r;
}

/* x||y is a point of P-256 (on the curve, coordinates below p, not the identity). */
static int
es256_check(const uint8_t *xy)
{
	uint8_t point[1 + MFA_FIDO2_ES256_PK_LEN];
	char group[] = "prime256v1";
	OSSL_PARAM params[3];

	point[0] = 0x04;
	memcpy(point + 1, xy, MFA_FIDO2_ES256_PK_LEN);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
	params[1] =
		OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point));
	params[2] = OSSL_PARAM_construct_end();
	return pkey_check("EC", params);
}

/* 32 bytes OpenSSL takes as an Ed25519 public key. */
static int
eddsa_check(const uint8_t *pk)
{
	EVP_PKEY *pkey;

	if ((pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pk,
						MFA_FIDO2_EDDSA_PK_LEN)) == NULL)
		return MFA_ERR_PARSE;
	EVP_PKEY_free(pkey);
	return MFA_OK;
}

/*
 * n (256 bytes) || e (3 bytes), as rs256_pk_t: libfido2 takes only 2048-bit
 * moduli (the top bit set); n must be odd, e odd and at least 3.  Not
 * OpenSSL's EVP_PKEY_public_check: for RSA it runs a Miller-Rabin test with
 * random bases, whose verdict on a malformed modulus can change from one
 * call to the next, and a parser must say the same of the same bytes every
 * time (a state file that reads at one login and not the next; found by
 * fuzz_fido2_cred and fuzz_state).  A wrong modulus that passes here
 * verifies no signature.
 */
static int
rs256_check(const uint8_t *ne)
{
	const uint8_t *e = ne + 256;

	if ((ne[0] & 0x80) == 0 || (ne[255] & 1) == 0)
		return MFA_ERR_PARSE;
	if ((e[2] & 1) == 0 || (e[0] == 0 && e[1] == 0 && e[2] < 3))
		return MFA_ERR_PARSE;
	return MFA_OK;
}

static int
public_key_check(enum mfa_fido2_cose type, const uint8_t *pk)
{
	switch (type) {
	case MFA_FIDO2_ES256:
		return es256_check(pk);
	case MFA_FIDO2_EDDSA:
		return eddsa_check(pk);
	case MFA_FIDO2_RS256:
		return rs256_check(pk);
	}
	return MFA_ERR_INTERNAL;
}

/* ---- one credential ---------------------------------------------------- */

static int
parse_options(const struct field *f, struct mfa_fido2_cred *cred, unsigned lineno,
	      struct mfa_parse_err *perr)
{
	size_t pos = 0, end, i;

	while (pos < f->len) {
		const struct option_name *opt = NULL;
		bool *flag;

		if (f->p[pos] != '+') {
			mfa_parse_err_set(perr, lineno, (unsigned)(f->col + pos),
					  "options must be +presence, +verification, +pin, "
					  "written one after the other");
			return MFA_ERR_PARSE;
		}
		for (end = pos + 1; end < f->len && f->p[end] != '+'; end++)
			;
		for (i = 0; i < sizeof(option_names) / sizeof(option_names[0]); i++) {
			if (end - pos == strlen(option_names[i].name) &&
			    memcmp(f->p + pos, option_names[i].name, end - pos) == 0)
				opt = &option_names[i];
		}
		if (opt == NULL) {
			mfa_parse_err_set(perr, lineno, (unsigned)(f->col + pos),
					  "unknown option (pam_u2f knows +presence, +verification, "
					  "+pin)");
			return MFA_ERR_PARSE;
		}
		flag = (bool *)((char *)cred + opt->offset);
		if (*flag) {
			mfa_parse_err_set(perr, lineno, (unsigned)(f->col + pos),
					  "option %s given twice", opt->name);
			return MFA_ERR_PARSE;
		}
		*flag = true;
		pos = end;
	}
	return MFA_OK;
}

/* pamu2fcfg >= 1.1.0: keyHandle,publicKey,coseType[,options] */
static int
parse_new_format(const struct field *f, size_t n, struct mfa_fido2_cred *cred, unsigned lineno,
		 struct mfa_parse_err *perr)
{
	uint8_t kh[MFA_B64_DECODED_MAX(KH_B64_MAX)], pk[MFA_B64_DECODED_MAX(PK_B64_MAX)];
	const struct cose_name *cose = NULL;
	size_t i, khlen = 0, pklen = 0;
	int r;

	if (field_is(&f[F_KH], "*")) {
		cred->resident = true;
	} else if (f[F_KH].len > KH_B64_MAX) {
		mfa_parse_err_set(perr, lineno, (unsigned)f[F_KH].col,
				  "the key handle is longer than %d bytes",
				  MFA_FIDO2_KEY_HANDLE_MAX);
		return MFA_ERR_PARSE;
	} else if (mfa_base64_decode(f[F_KH].p, f[F_KH].len, 0, kh, &khlen) != MFA_OK) {
		mfa_parse_err_set(
			perr, lineno, (unsigned)f[F_KH].col,
			"the key handle is not base64 (or \"*\" for a resident credential)");
		return MFA_ERR_PARSE;
	} else if (khlen > MFA_FIDO2_KEY_HANDLE_MAX) {
		mfa_parse_err_set(perr, lineno, (unsigned)f[F_KH].col,
				  "the key handle is longer than %d bytes",
				  MFA_FIDO2_KEY_HANDLE_MAX);
		return MFA_ERR_PARSE;
	} else {
		memcpy(cred->key_handle, kh, khlen);
		cred->key_handle_len = khlen;
	}

	for (i = 0; i < sizeof(cose_names) / sizeof(cose_names[0]); i++) {
		if (f[F_TYPE].len == strlen(cose_names[i].name) &&
		    strncasecmp(f[F_TYPE].p, cose_names[i].name, f[F_TYPE].len) == 0)
			cose = &cose_names[i];
	}
	if (cose == NULL) {
		mfa_parse_err_set(perr, lineno, (unsigned)f[F_TYPE].col,
				  "unknown COSE type (pam_u2f knows es256, eddsa, rs256)");
		return MFA_ERR_PARSE;
	}
	cred->type = cose->type;

	if (f[F_PK].len > PK_B64_MAX ||
	    mfa_base64_decode(f[F_PK].p, f[F_PK].len, 0, pk, &pklen) != MFA_OK) {
		mfa_parse_err_set(perr, lineno, (unsigned)f[F_PK].col,
				  f[F_PK].len > PK_B64_MAX ? "the public key is too long"
							   : "the public key is not base64");
		return MFA_ERR_PARSE;
	}
	if (pklen != cose->pk_len) {
		mfa_parse_err_set(perr, lineno, (unsigned)f[F_PK].col,
				  "an %s public key is %zu bytes (%s), not %zu", cose->name,
				  cose->pk_len, cose->pk_form, pklen);
		return MFA_ERR_PARSE;
	}
	if ((r = public_key_check(cose->type, pk)) != MFA_OK) {
		if (r == MFA_ERR_PARSE)
			mfa_parse_err_set(
				perr, lineno, (unsigned)f[F_PK].col,
				"the public key is not a valid %s key%s", cose->name,
				cose->type == MFA_FIDO2_ES256 ? " (not on the P-256 curve)" : "");
		return r;
	}
	memcpy(cred->public_key, pk, pklen);
	cred->public_key_len = pklen;

	if (n > F_OPTS)
		return parse_options(&f[F_OPTS], cred, lineno, perr);
	return MFA_OK;
}

/*
 * URL-safe base64 without padding, as libu2f-server wrote key handles; out
 * has room for MFA_B64_DECODED_MAX(KH_B64_MAX) bytes.
 */
static int
websafe_b64_decode(const char *p, size_t len, uint8_t *out, size_t *outlenp)
{
	char buf[KH_B64_MAX + 4];
	size_t i;
	int r;

	if (len == 0 || len > KH_B64_MAX || len % 4 == 1)
		return MFA_ERR_PARSE;
	for (i = 0; i < len; i++) {
		char c = p[i];

		if (c == '-')
			c = '+';
		else if (c == '_')
			c = '/';
		else if (c == '+' || c == '/' || c == '=')
			return MFA_ERR_PARSE;
		buf[i] = c;
	}
	while (i % 4 != 0)
		buf[i++] = '=';
	r = mfa_base64_decode(buf, i, 0, out, outlenp);
	return r;
}

/* pamu2fcfg <= 1.0.8: keyHandle,publicKeyHex (es256, +presence, rp = appid) */
static int
parse_old_format(const struct field *f, struct mfa_fido2_cred *cred, unsigned lineno,
		 struct mfa_parse_err *perr)
{
	uint8_t kh[MFA_B64_DECODED_MAX(KH_B64_MAX)], point[1 + MFA_FIDO2_ES256_PK_LEN];
	size_t i, khlen = 0;
	int r;

	cred->old_format = true;
	cred->type = MFA_FIDO2_ES256;
	cred->presence = true;
	if (websafe_b64_decode(f[F_KH].p, f[F_KH].len, kh, &khlen) != MFA_OK ||
	    khlen > MFA_FIDO2_KEY_HANDLE_MAX) {
		mfa_parse_err_set(
			perr, lineno, (unsigned)f[F_KH].col,
			"the key handle of an old-format credential (keyHandle,publicKey) "
			"is not URL-safe base64 of at most %d bytes",
			MFA_FIDO2_KEY_HANDLE_MAX);
		return MFA_ERR_PARSE;
	}
	memcpy(cred->key_handle, kh, khlen);
	cred->key_handle_len = khlen;
	for (i = 0; i < f[F_PK].len && i < OLD_PK_HEX_LEN; i++) {
		if (mfa_hex_digit(f[F_PK].p[i]) < 0)
			break;
	}
	if (f[F_PK].len != OLD_PK_HEX_LEN || i != OLD_PK_HEX_LEN) {
		mfa_parse_err_set(
			perr, lineno, (unsigned)f[F_PK].col,
			"the public key of an old-format credential (keyHandle,publicKey) "
			"is not %d hex digits (or the COSE type is missing)",
			OLD_PK_HEX_LEN);
		return MFA_ERR_PARSE;
	}
	for (i = 0; i < sizeof(point); i++)
		point[i] = (uint8_t)(mfa_hex_digit(f[F_PK].p[2 * i]) << 4 |
				     mfa_hex_digit(f[F_PK].p[2 * i + 1]));
	if (point[0] != 0x04) {
		mfa_parse_err_set(
			perr, lineno, (unsigned)f[F_PK].col,
			"the public key of an old-format credential is not an uncompressed "
			"point (04...)");
		return MFA_ERR_PARSE;
	}
	if ((r = es256_check(point + 1)) != MFA_OK) {
		if (r == MFA_ERR_PARSE)
			mfa_parse_err_set(
				perr, lineno, (unsigned)f[F_PK].col,
				"the public key is not a valid es256 key (not on the P-256 "
				"curve)");
		return r;
	}
	memcpy(cred->public_key, point + 1, MFA_FIDO2_ES256_PK_LEN);
	cred->public_key_len = MFA_FIDO2_ES256_PK_LEN;
	return MFA_OK;
}

/* text holds one CRED that starts at column col of line lineno. */
static int
cred_parse(const char *text, size_t len, size_t col, unsigned lineno, struct mfa_fido2_cred *cred,
	   struct mfa_parse_err *perr)
{
	struct field f[F_COUNT];
	size_t n = 0, pos = 0, i;
	int r;

	memset(cred, 0, sizeof(*cred));
	if (len == 0) {
		mfa_parse_err_set(perr, lineno, (unsigned)col, "empty credential");
		return MFA_ERR_PARSE;
	}
	for (;;) {
		const char *comma = memchr(text + pos, ',', len - pos);
		size_t flen = comma != NULL ? (size_t)(comma - (text + pos)) : len - pos;

		if (n == F_COUNT) {
			mfa_parse_err_set(perr, lineno, (unsigned)(col + pos),
					  "more than %d fields in a credential "
					  "(keyHandle,publicKey,coseType,options)",
					  F_COUNT);
			r = MFA_ERR_PARSE;
			goto out;
		}
		f[n].p = text + pos;
		f[n].len = flen;
		f[n].col = col + pos;
		n++;
		if (comma == NULL)
			break;
		pos += flen + 1;
	}
	for (i = 0; i < n && i < F_OPTS; i++) {
		if (f[i].len == 0) {
			mfa_parse_err_set(perr, lineno, (unsigned)f[i].col, "empty %s",
					  field_names[i]);
			r = MFA_ERR_PARSE;
			goto out;
		}
	}
	if (n == 1) {
		mfa_parse_err_set(perr, lineno, (unsigned)(col + len),
				  "the credential has no public key");
		r = MFA_ERR_PARSE;
		goto out;
	}
	r = n == 2 ? parse_old_format(f, cred, lineno, perr)
		   : parse_new_format(f, n, cred, lineno, perr);
out:
	if (r != MFA_OK)
		memset(cred, 0, sizeof(*cred));
	return r;
}

int
mfa_fido2_cred_parse(const char *text, size_t len, struct mfa_fido2_cred *credp,
		     struct mfa_parse_err *perr)
{
	size_t i;

	if ((text == NULL && len > 0) || credp == NULL)
		return MFA_ERR_INVALID_ARG;
	memset(credp, 0, sizeof(*credp));
	for (i = 0; i < len; i++) {
		if (text[i] == ':' || text[i] == '\n' || text[i] == '\r' || text[i] == '\0') {
			mfa_parse_err_set(perr, 0, (unsigned)(i + 1),
					  "a credential holds no ':', line break or NUL byte");
			return MFA_ERR_PARSE;
		}
	}
	return cred_parse(text, len, 1, 0, credp, perr);
}

/* ---- lines and files --------------------------------------------------- */

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* No blank or control character: pam_u2f would never match such a name. */
static size_t
user_name_bad_at(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c <= 0x20 || c == 0x7f)
			return i + 1;
	}
	return 0;
}

void
mfa_fido2_user_clear(struct mfa_fido2_user *userp)
{
	if (userp == NULL)
		return;
	free(userp->name);
	free(userp->creds);
	memset(userp, 0, sizeof(*userp));
}

static int
line_parse(const char *line, size_t len, unsigned lineno, struct mfa_fido2_user *user,
	   struct mfa_parse_err *perr)
{
	const char *colon, *nul;
	size_t i, ulen, pos, ncreds;
	int r = MFA_ERR_PARSE;

	memset(user, 0, sizeof(*user));
	if (len > MFA_FIDO2_LINE_MAX) {
		mfa_parse_err_set(perr, lineno, 0, "line longer than %u bytes", MFA_FIDO2_LINE_MAX);
		return MFA_ERR_TOO_LARGE;
	}
	if ((nul = memchr(line, '\0', len)) != NULL) {
		mfa_parse_err_set(perr, lineno, (unsigned)(nul - line + 1),
				  "line holds a NUL byte");
		return MFA_ERR_PARSE;
	}
	for (i = 0; i < len && is_blank(line[i]); i++)
		;
	if (i == len || line[0] == '#')
		return MFA_ERR_NOT_FOUND;
	for (i = 0; i < len; i++) {
		if (line[i] == '\r') {
			mfa_parse_err_set(perr, lineno, (unsigned)(i + 1),
					  "carriage return in the line (a CRLF line end?)");
			return MFA_ERR_PARSE;
		}
	}

	colon = memchr(line, ':', len);
	ulen = colon != NULL ? (size_t)(colon - line) : len;
	if (ulen == 0) {
		mfa_parse_err_set(perr, lineno, 1, "empty user name");
		return MFA_ERR_PARSE;
	}
	if (ulen > MFA_FIDO2_USER_MAX) {
		mfa_parse_err_set(perr, lineno, 1, "user name longer than %d bytes",
				  MFA_FIDO2_USER_MAX);
		return MFA_ERR_PARSE;
	}
	if ((i = user_name_bad_at(line, ulen)) != 0) {
		mfa_parse_err_set(perr, lineno, (unsigned)i,
				  "the user name holds a blank or control character");
		return MFA_ERR_PARSE;
	}
	if (colon == NULL || ulen + 1 == len) {
		mfa_parse_err_set(perr, lineno, (unsigned)(ulen + 1),
				  "the user has no credential (user:keyHandle,publicKey,coseType,"
				  "options)");
		return MFA_ERR_PARSE;
	}

	ncreds = 1;
	for (i = ulen + 1; i < len; i++) {
		if (line[i] == ':' && ++ncreds > MFA_FIDO2_CREDS_MAX) {
			mfa_parse_err_set(perr, lineno, (unsigned)(i + 2),
					  "more than %d credentials for the user (pam_u2f's "
					  "max_devices default ignores the rest)",
					  MFA_FIDO2_CREDS_MAX);
			return MFA_ERR_PARSE;
		}
	}
	if ((user->name = strndup(line, ulen)) == NULL ||
	    (user->creds = calloc(ncreds, sizeof(*user->creds))) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	pos = ulen + 1;
	for (i = 0; i < ncreds; i++) {
		const char *next = memchr(line + pos, ':', len - pos);
		size_t clen = next != NULL ? (size_t)(next - (line + pos)) : len - pos;

		if ((r = cred_parse(line + pos, clen, pos + 1, lineno, &user->creds[i], perr)) !=
		    MFA_OK)
			goto out;
		pos += clen + 1;
	}
	user->ncreds = ncreds;
	user->line = lineno;
	r = MFA_OK;
out:
	if (r != MFA_OK)
		mfa_fido2_user_clear(user);
	return r;
}

int
mfa_fido2_line_parse(const char *line, size_t len, struct mfa_fido2_user *userp,
		     struct mfa_parse_err *perr)
{
	if ((line == NULL && len > 0) || userp == NULL) {
		if (userp != NULL)
			memset(userp, 0, sizeof(*userp));
		return MFA_ERR_INVALID_ARG;
	}
	return line_parse(line, len, 0, userp, perr);
}

const struct mfa_fido2_user *
mfa_fido2_map_find(const struct mfa_fido2_map *map, const char *user)
{
	size_t i;

	if (map == NULL || user == NULL)
		return NULL;
	for (i = 0; i < map->nusers; i++) {
		if (strcmp(map->users[i].name, user) == 0)
			return &map->users[i];
	}
	return NULL;
}

void
mfa_fido2_map_free(struct mfa_fido2_map **mapp)
{
	struct mfa_fido2_map *map;
	size_t i;

	if (mapp == NULL || (map = *mapp) == NULL)
		return;
	for (i = 0; i < map->nusers; i++)
		mfa_fido2_user_clear(&map->users[i]);
	free(map->users);
	free(map);
	*mapp = NULL;
}

int
mfa_fido2_map_parse(const char *buf, size_t len, const char *file, struct mfa_fido2_map **mapp,
		    struct mfa_parse_err *perr)
{
	struct mfa_fido2_map *map = NULL;
	struct mfa_fido2_user user;
	const struct mfa_fido2_user *prev;
	const char *p = buf, *end;
	size_t cap = 0;
	unsigned lineno = 0;
	int r;

	mfa_parse_err_init(perr, file);
	if (mapp != NULL)
		*mapp = NULL;
	if ((buf == NULL && len > 0) || mapp == NULL)
		return MFA_ERR_INVALID_ARG;
	end = buf != NULL ? buf + len : NULL;
	if (len > MFA_FIDO2_FILE_MAX) {
		mfa_parse_err_set(perr, 0, 0, "file larger than %u bytes", MFA_FIDO2_FILE_MAX);
		return MFA_ERR_TOO_LARGE;
	}
	if ((map = calloc(1, sizeof(*map))) == NULL)
		return MFA_ERR_NOMEM;
	memset(&user, 0, sizeof(user));

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t linelen = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

		lineno++;
		r = line_parse(p, linelen, lineno, &user, perr);
		p = nl != NULL ? nl + 1 : end;
		if (r == MFA_ERR_NOT_FOUND)
			continue;
		if (r != MFA_OK)
			goto out;
		if ((prev = mfa_fido2_map_find(map, user.name)) != NULL) {
			mfa_parse_err_set(perr, lineno, 1,
					  "a second line for the user (the first is line %u): "
					  "pam_u2f would use only this one",
					  prev->line);
			r = MFA_ERR_PARSE;
			goto out;
		}
		if ((r = mfa_grow_array((void **)&map->users, &cap, map->nusers + 1,
					sizeof(*map->users))) != MFA_OK)
			goto out;
		map->users[map->nusers++] = user;
		memset(&user, 0, sizeof(user));
	}
	*mapp = map;
	map = NULL;
	r = MFA_OK;
out:
	mfa_fido2_user_clear(&user);
	mfa_fido2_map_free(&map);
	return r;
}

/* ---- writing back ------------------------------------------------------ */

/* URL-safe base64 without padding into out (room for KH_B64_MAX + 1). */
static int
websafe_b64_encode(const uint8_t *in, size_t len, char *out, size_t outsz)
{
	size_t n, i;
	int r;

	if ((r = mfa_base64_encode(in, len, out, outsz, &n)) != MFA_OK)
		return r;
	for (i = 0; i < n; i++) {
		if (out[i] == '+')
			out[i] = '-';
		else if (out[i] == '/')
			out[i] = '_';
		else if (out[i] == '=')
			out[i] = '\0';
	}
	return MFA_OK;
}

static bool
cred_is_valid(const struct mfa_fido2_cred *cred)
{
	const struct cose_name *cose = cose_lookup(cred->type);

	if (cose == NULL || cred->public_key_len != cose->pk_len ||
	    cred->key_handle_len > MFA_FIDO2_KEY_HANDLE_MAX)
		return false;
	if (cred->resident != (cred->key_handle_len == 0))
		return false;
	if (cred->old_format && (cred->type != MFA_FIDO2_ES256 || cred->resident ||
				 !cred->presence || cred->verification || cred->pin))
		return false;
	return true;
}

int
mfa_fido2_cred_format(const struct mfa_fido2_cred *cred, char **textp)
{
	char kh[KH_B64_MAX + 1], pk[PK_B64_MAX + 1], hex[OLD_PK_HEX_LEN + 1];
	const struct cose_name *cose;
	char *text = NULL;
	size_t i;
	int n, r;

	if (textp != NULL)
		*textp = NULL;
	if (cred == NULL || textp == NULL || !cred_is_valid(cred))
		return MFA_ERR_INVALID_ARG;
	cose = cose_lookup(cred->type);
	if (cred->old_format) {
		if ((r = websafe_b64_encode(cred->key_handle, cred->key_handle_len, kh,
					    sizeof(kh))) != MFA_OK)
			return r;
		snprintf(hex, sizeof(hex), "04");
		for (i = 0; i < cred->public_key_len; i++)
			snprintf(hex + 2 + 2 * i, sizeof(hex) - 2 - 2 * i, "%02x",
				 cred->public_key[i]);
		n = asprintf(&text, "%s,%s", kh, hex);
	} else {
		if (cred->resident)
			snprintf(kh, sizeof(kh), "*");
		else if ((r = mfa_base64_encode(cred->key_handle, cred->key_handle_len, kh,
						sizeof(kh), NULL)) != MFA_OK)
			return r;
		if ((r = mfa_base64_encode(cred->public_key, cred->public_key_len, pk, sizeof(pk),
					   NULL)) != MFA_OK)
			return r;
		n = asprintf(&text, "%s,%s,%s,%s%s%s", kh, pk, cose->name,
			     cred->presence ? "+presence" : "",
			     cred->verification ? "+verification" : "", cred->pin ? "+pin" : "");
	}
	if (n < 0)
		return MFA_ERR_NOMEM;
	*textp = text;
	return MFA_OK;
}

int
mfa_fido2_line_format(const struct mfa_fido2_user *user, char **textp)
{
	char *line = NULL, *cred = NULL;
	size_t len, clen, i;
	int r;

	if (textp != NULL)
		*textp = NULL;
	if (user == NULL || textp == NULL || user->name == NULL || user->creds == NULL ||
	    user->ncreds == 0 || user->ncreds > MFA_FIDO2_CREDS_MAX)
		return MFA_ERR_INVALID_ARG;
	len = strlen(user->name);
	if (len == 0 || len > MFA_FIDO2_USER_MAX || user->name[0] == '#' ||
	    memchr(user->name, ':', len) != NULL || user_name_bad_at(user->name, len) != 0)
		return MFA_ERR_INVALID_ARG;
	if ((line = strdup(user->name)) == NULL)
		return MFA_ERR_NOMEM;
	for (i = 0; i < user->ncreds; i++) {
		char *grown;

		if ((r = mfa_fido2_cred_format(&user->creds[i], &cred)) != MFA_OK)
			goto out;
		clen = strlen(cred);
		if ((grown = realloc(line, len + 1 + clen + 1)) == NULL) {
			r = MFA_ERR_NOMEM;
			goto out;
		}
		line = grown;
		line[len] = ':';
		memcpy(line + len + 1, cred, clen + 1);
		len += 1 + clen;
		free(cred);
		cred = NULL;
	}
	*textp = line;
	line = NULL;
	r = MFA_OK;
out:
	free(cred);
	free(line);
	return r;
}

/* ---- what the module asks ---------------------------------------------- */

const char *
mfa_fido2_cred_rp_id(const struct mfa_fido2_cred *cred, const char *origin, const char *appid)
{
	if (cred == NULL)
		return NULL;
	return cred->old_format ? appid : origin;
}

bool
mfa_fido2_cred_requires_uv(const struct mfa_fido2_cred *cred)
{
	return cred != NULL && (cred->verification || cred->pin);
}
