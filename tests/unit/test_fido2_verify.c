/*
 * test_fido2_verify.c - assertions made here as an authenticator makes
 * them: keys from OpenSSL (P-256, Ed25519, RSA 2048), authenticator data
 * rpIdHash || flags || signCount for the RP ID "pam://test", signed over
 * authenticatorData || clientDataHash (ECDSA and RSA over its SHA-256,
 * Ed25519 over the bytes).  A good one passes for each key type and gives
 * the new counter; each forgery or policy failure is refused with its own
 * code; the authenticator without a counter is accepted and said so.
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
#include <openssl/sha.h>

#include "base64.h"
#include "fido2_cred.h"
#include "fido2_verify.h"

#define RP "pam://test"
#define UP MFA_FIDO2_FLAG_UP
#define UV MFA_FIDO2_FLAG_UV

struct signer {
	EVP_PKEY *key;
	struct mfa_fido2_cred cred;
};

/* alice's keys of each type, and another user's. */
static struct signer es, ed, rs, other;
static uint8_t cdh[MFA_FIDO2_CDH_LEN];

static void
make_cred(struct signer *s, enum mfa_fido2_cose type)
{
	BIGNUM *n = NULL, *e = NULL;
	size_t len;

	memset(&s->cred, 0, sizeof(s->cred));
	s->cred.type = type;
	s->cred.presence = true;
	s->cred.key_handle_len = 16;
	memset(s->cred.key_handle, 0x5a, 16);
	switch (type) {
	case MFA_FIDO2_ES256: {
		uint8_t point[65];

		assert_non_null(s->key = EVP_EC_gen("P-256"));
		assert_int_equal(EVP_PKEY_get_octet_string_param(s->key,
								 OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
								 point, sizeof(point), &len),
				 1);
		assert_int_equal(len, 65);
		memcpy(s->cred.public_key, point + 1, 64);
		s->cred.public_key_len = 64;
		break;
	}
	case MFA_FIDO2_EDDSA:
		assert_non_null(s->key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"));
		len = 32;
		assert_int_equal(EVP_PKEY_get_raw_public_key(s->key, s->cred.public_key, &len), 1);
		s->cred.public_key_len = 32;
		break;
	case MFA_FIDO2_RS256:
		assert_non_null(s->key = EVP_RSA_gen(2048));
		assert_int_equal(EVP_PKEY_get_bn_param(s->key, OSSL_PKEY_PARAM_RSA_N, &n), 1);
		assert_int_equal(EVP_PKEY_get_bn_param(s->key, OSSL_PKEY_PARAM_RSA_E, &e), 1);
		assert_int_equal(BN_bn2binpad(n, s->cred.public_key, 256), 256);
		assert_int_equal(BN_bn2binpad(e, s->cred.public_key + 256, 3), 3);
		s->cred.public_key_len = 259;
		BN_free(n);
		BN_free(e);
		break;
	}
}

static int
setup(void **state)
{
	(void)state;
	make_cred(&es, MFA_FIDO2_ES256);
	make_cred(&ed, MFA_FIDO2_EDDSA);
	make_cred(&rs, MFA_FIDO2_RS256);
	make_cred(&other, MFA_FIDO2_ES256);
	return RAND_bytes(cdh, sizeof(cdh)) == 1 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(es.key);
	EVP_PKEY_free(ed.key);
	EVP_PKEY_free(rs.key);
	EVP_PKEY_free(other.key);
	return 0;
}

/* rpIdHash || flags || signCount (big-endian): 37 bytes. */
static void
make_authdata(uint8_t ad[37], const char *rp, uint8_t flags, uint32_t counter)
{
	assert_non_null(SHA256((const unsigned char *)rp, strlen(rp), ad));
	ad[32] = flags;
	ad[33] = (uint8_t)(counter >> 24);
	ad[34] = (uint8_t)(counter >> 16);
	ad[35] = (uint8_t)(counter >> 8);
	ad[36] = (uint8_t)counter;
}

/* The signature an authenticator with s's key makes over ad || hash. */
static size_t
sign(const struct signer *s, const uint8_t *ad, size_t adlen, const uint8_t *hash, uint8_t sig[512])
{
	uint8_t msg[600];
	size_t siglen = 512;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	assert_non_null(ctx);
	assert_true(adlen + MFA_FIDO2_CDH_LEN <= sizeof(msg));
	memcpy(msg, ad, adlen);
	memcpy(msg + adlen, hash, MFA_FIDO2_CDH_LEN);
	/* ES256 and RS256 sign SHA-256 of the message (ECDSA as DER, PKCS #1 v1.5); Ed25519 the message. */
	assert_int_equal(EVP_DigestSignInit(ctx, NULL,
					    s->cred.type == MFA_FIDO2_EDDSA ? NULL : EVP_sha256(),
					    NULL, s->key),
			 1);
	assert_int_equal(EVP_DigestSign(ctx, sig, &siglen, msg, adlen + MFA_FIDO2_CDH_LEN), 1);
	EVP_MD_CTX_free(ctx);
	return siglen;
}

/* Sign with `by`, verify against `as`'s credential. */
static int
run(const struct signer *by, const struct mfa_fido2_cred *cred, const uint8_t *ad, size_t adlen,
    bool require_uv, uint32_t stored, struct mfa_fido2_verified *v)
{
	uint8_t sig[512];
	struct mfa_fido2_assertion a;

	memset(&a, 0, sizeof(a));
	a.rp_id = RP;
	a.cdh = cdh;
	a.authdata = ad;
	a.authdata_len = adlen;
	a.sig = sig;
	a.sig_len = sign(by, ad, adlen, cdh, sig);
	return mfa_fido2_verify(cred, &a, require_uv, stored, v);
}

static void
test_good_assertion_each_type(void **state)
{
	const struct signer *signers[] = {&es, &ed, &rs};
	struct mfa_fido2_verified v;
	uint8_t ad[37];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(signers) / sizeof(signers[0]); i++) {
		make_authdata(ad, RP, UP, 5);
		assert_int_equal(run(signers[i], &signers[i]->cred, ad, sizeof(ad), false, 4, &v),
				 MFA_OK);
		assert_int_equal(v.counter, 5);
		assert_false(v.no_counter);
		assert_int_equal(v.flags, UP);
		/* With UV too, required or not; a counter far ahead. */
		make_authdata(ad, RP, UP | UV, 0xfffffffeu);
		assert_int_equal(run(signers[i], &signers[i]->cred, ad, sizeof(ad), true, 5, &v),
				 MFA_OK);
		assert_true(v.counter == 0xfffffffeu);
		assert_int_equal(v.flags, UP | UV);
		/* The first use: nothing stored yet. */
		make_authdata(ad, RP, UP, 1);
		assert_int_equal(run(signers[i], &signers[i]->cred, ad, sizeof(ad), false, 0, NULL),
				 MFA_OK);
	}
}

/* A credential from a pamu2fcfg line verifies: the stored key is what libfido2 takes. */
static void
test_parsed_credential(void **state)
{
	char kh[32], pk[128], line[256];
	uint8_t khraw[16];
	struct mfa_fido2_user u;
	struct mfa_parse_err perr;
	uint8_t ad[37];

	(void)state;
	memset(khraw, 0x5a, sizeof(khraw));
	assert_int_equal(mfa_base64_encode(khraw, sizeof(khraw), kh, sizeof(kh), NULL), MFA_OK);
	assert_int_equal(mfa_base64_encode(es.cred.public_key, 64, pk, sizeof(pk), NULL), MFA_OK);
	snprintf(line, sizeof(line), "alice:%s,%s,es256,+presence", kh, pk);
	assert_int_equal(mfa_fido2_line_parse(line, strlen(line), &u, &perr), MFA_OK);
	assert_memory_equal(&u.creds[0], &es.cred, sizeof(es.cred));
	make_authdata(ad, RP, UP, 9);
	assert_int_equal(run(&es, &u.creds[0], ad, sizeof(ad), false, 8, NULL), MFA_OK);
	mfa_fido2_user_clear(&u);
}

static void
test_bad_signature(void **state)
{
	const struct signer *signers[] = {&es, &ed, &rs};
	struct mfa_fido2_assertion a;
	uint8_t ad[37], sig[512], other_cdh[MFA_FIDO2_CDH_LEN];
	size_t i, bit;

	(void)state;
	make_authdata(ad, RP, UP, 7);
	memset(&a, 0, sizeof(a));
	a.rp_id = RP;
	a.cdh = cdh;
	a.authdata = ad;
	a.authdata_len = sizeof(ad);
	a.sig = sig;
	for (i = 0; i < sizeof(signers) / sizeof(signers[0]); i++) {
		a.sig_len = sign(signers[i], ad, sizeof(ad), cdh, sig);
		assert_int_equal(mfa_fido2_verify(&signers[i]->cred, &a, false, 6, NULL), MFA_OK);
		/* One bit flipped, at the start, the middle and the end. */
		for (bit = 0; bit < 3; bit++) {
			size_t at = bit == 0 ? 0 : bit == 1 ? a.sig_len / 2 : a.sig_len - 1;

			sig[at] ^= 0x01;
			assert_int_equal(mfa_fido2_verify(&signers[i]->cred, &a, false, 6, NULL),
					 MFA_ERR_FIDO2_SIGNATURE);
			sig[at] ^= 0x01;
		}
		/* Signed for another challenge. */
		assert_int_equal(RAND_bytes(other_cdh, sizeof(other_cdh)), 1);
		a.sig_len = sign(signers[i], ad, sizeof(ad), other_cdh, sig);
		assert_int_equal(mfa_fido2_verify(&signers[i]->cred, &a, false, 6, NULL),
				 MFA_ERR_FIDO2_SIGNATURE);
		/* Authenticator data changed after signing (the counter raised). */
		a.sig_len = sign(signers[i], ad, sizeof(ad), cdh, sig);
		ad[36] = 99;
		assert_int_equal(mfa_fido2_verify(&signers[i]->cred, &a, false, 6, NULL),
				 MFA_ERR_FIDO2_SIGNATURE);
		ad[36] = 7;
	}
	/* Empty and over-long signatures. */
	a.sig_len = 0;
	assert_int_equal(mfa_fido2_verify(&es.cred, &a, false, 6, NULL), MFA_ERR_FIDO2_SIGNATURE);
	a.sig_len = MFA_FIDO2_SIG_MAX + 1;
	assert_int_equal(mfa_fido2_verify(&es.cred, &a, false, 6, NULL), MFA_ERR_FIDO2_SIGNATURE);
}

/* Signed by another user's authenticator, checked against alice's credential. */
static void
test_other_users_key(void **state)
{
	uint8_t ad[37];

	(void)state;
	make_authdata(ad, RP, UP, 3);
	assert_int_equal(run(&other, &other.cred, ad, sizeof(ad), false, 2, NULL), MFA_OK);
	assert_int_equal(run(&other, &es.cred, ad, sizeof(ad), false, 2, NULL),
			 MFA_ERR_FIDO2_SIGNATURE);
	assert_int_equal(run(&es, &other.cred, ad, sizeof(ad), false, 2, NULL),
			 MFA_ERR_FIDO2_SIGNATURE);
	/* A key of another type under the same bytes' credential. */
	assert_int_equal(run(&ed, &es.cred, ad, sizeof(ad), false, 2, NULL),
			 MFA_ERR_FIDO2_SIGNATURE);
}

static void
test_wrong_rp_id(void **state)
{
	uint8_t ad[37];

	(void)state;
	/* Signed correctly, but for another relying party. */
	make_authdata(ad, "pam://other", UP, 3);
	assert_int_equal(run(&es, &es.cred, ad, sizeof(ad), false, 2, NULL), MFA_ERR_FIDO2_RP_ID);
	make_authdata(ad, "pam://test ", UP, 3);
	assert_int_equal(run(&ed, &ed.cred, ad, sizeof(ad), false, 2, NULL), MFA_ERR_FIDO2_RP_ID);
	make_authdata(ad, RP, UP, 3);
	ad[31] ^= 0x80;
	assert_int_equal(run(&rs, &rs.cred, ad, sizeof(ad), false, 2, NULL), MFA_ERR_FIDO2_RP_ID);
}

static void
test_user_presence_and_verification(void **state)
{
	struct mfa_fido2_cred pin, verif;
	uint8_t ad[37];

	(void)state;
	/* No UP: refused, whatever the policy. */
	make_authdata(ad, RP, 0, 3);
	assert_int_equal(run(&es, &es.cred, ad, sizeof(ad), false, 2, NULL), MFA_ERR_FIDO2_NO_UP);
	make_authdata(ad, RP, UV, 3);
	assert_int_equal(run(&ed, &ed.cred, ad, sizeof(ad), true, 2, NULL), MFA_ERR_FIDO2_NO_UP);

	/* UP without UV: refused when UV is required, accepted when it is not. */
	make_authdata(ad, RP, UP, 3);
	assert_int_equal(run(&es, &es.cred, ad, sizeof(ad), true, 2, NULL), MFA_ERR_FIDO2_NO_UV);
	assert_int_equal(run(&rs, &rs.cred, ad, sizeof(ad), true, 2, NULL), MFA_ERR_FIDO2_NO_UV);
	assert_int_equal(run(&es, &es.cred, ad, sizeof(ad), false, 2, NULL), MFA_OK);

	/* CVE-2021-31924: a +pin or +verification credential needs UV even if not asked. */
	pin = es.cred;
	pin.pin = true;
	verif = ed.cred;
	verif.verification = true;
	assert_int_equal(run(&es, &pin, ad, sizeof(ad), false, 2, NULL), MFA_ERR_FIDO2_NO_UV);
	assert_int_equal(run(&ed, &verif, ad, sizeof(ad), false, 2, NULL), MFA_ERR_FIDO2_NO_UV);
	make_authdata(ad, RP, UP | UV, 3);
	assert_int_equal(run(&es, &pin, ad, sizeof(ad), false, 2, NULL), MFA_OK);
	assert_int_equal(run(&ed, &verif, ad, sizeof(ad), false, 2, NULL), MFA_OK);
}

static void
test_counter(void **state)
{
	struct mfa_fido2_verified v;
	uint8_t ad[37];

	(void)state;
	/* Equal to the stored one: a replay or a clone. */
	make_authdata(ad, RP, UP, 10);
	assert_int_equal(run(&es, &es.cred, ad, sizeof(ad), false, 10, &v), MFA_ERR_FIDO2_COUNTER);
	assert_int_equal(v.counter, 0);
	/* Lower. */
	assert_int_equal(run(&ed, &ed.cred, ad, sizeof(ad), false, 11, NULL),
			 MFA_ERR_FIDO2_COUNTER);
	assert_int_equal(run(&rs, &rs.cred, ad, sizeof(ad), false, 0xffffffffu, NULL),
			 MFA_ERR_FIDO2_COUNTER);
	/* Back to 0 after a stored counter: not "no counter". */
	make_authdata(ad, RP, UP, 0);
	assert_int_equal(run(&es, &es.cred, ad, sizeof(ad), false, 1, NULL), MFA_ERR_FIDO2_COUNTER);
	/* Both 0: the authenticator keeps no counter (WebAuthn), accepted and said so. */
	assert_int_equal(run(&es, &es.cred, ad, sizeof(ad), false, 0, &v), MFA_OK);
	assert_true(v.no_counter);
	assert_int_equal(v.counter, 0);
	assert_int_equal(run(&ed, &ed.cred, ad, sizeof(ad), false, 0, &v), MFA_OK);
	assert_true(v.no_counter);
	/* One above: fine, and not "no counter". */
	make_authdata(ad, RP, UP, 11);
	assert_int_equal(run(&es, &es.cred, ad, sizeof(ad), false, 10, &v), MFA_OK);
	assert_int_equal(v.counter, 11);
	assert_false(v.no_counter);
}

/* A forgery is a bad signature, never "counter" or "no UV": the order of the checks. */
static void
test_forgery_reported_as_signature(void **state)
{
	uint8_t ad[37];

	(void)state;
	make_authdata(ad, RP, UP, 1);
	/* By another key with a lower counter: the signature fails first. */
	assert_int_equal(run(&other, &es.cred, ad, sizeof(ad), false, 5, NULL),
			 MFA_ERR_FIDO2_SIGNATURE);
}

static void
test_malformed_authdata(void **state)
{
	struct mfa_fido2_assertion a;
	uint8_t ad[64], sig[512];

	(void)state;
	/* Too short: 36 bytes, and nothing. */
	make_authdata(ad, RP, UP, 3);
	assert_int_equal(run(&es, &es.cred, ad, 36, false, 2, NULL), MFA_ERR_FIDO2_AUTHDATA);
	memset(&a, 0, sizeof(a));
	a.rp_id = RP;
	a.cdh = cdh;
	a.authdata = ad;
	a.sig = sig;
	a.sig_len = sign(&es, ad, 37, cdh, sig);
	a.authdata_len = 0;
	assert_int_equal(mfa_fido2_verify(&es.cred, &a, false, 2, NULL), MFA_ERR_FIDO2_AUTHDATA);
	/* Too long. */
	a.authdata_len = MFA_FIDO2_AUTHDATA_MAX + 1;
	assert_int_equal(mfa_fido2_verify(&es.cred, &a, false, 2, NULL), MFA_ERR_FIDO2_AUTHDATA);
	/* Attested credential data has no place in an assertion. */
	make_authdata(ad, RP, UP | MFA_FIDO2_FLAG_AT, 3);
	assert_int_equal(run(&es, &es.cred, ad, 37, false, 2, NULL), MFA_ERR_FIDO2_AUTHDATA);
	/* Bytes after the fixed part without the ED flag, and ED without them. */
	make_authdata(ad, RP, UP, 3);
	ad[37] = 0xa0;
	assert_int_equal(run(&es, &es.cred, ad, 38, false, 2, NULL), MFA_ERR_FIDO2_AUTHDATA);
	make_authdata(ad, RP, UP | MFA_FIDO2_FLAG_ED, 3);
	assert_int_equal(run(&es, &es.cred, ad, 37, false, 2, NULL), MFA_ERR_FIDO2_AUTHDATA);
	/* ED with an empty extension map is well formed; with garbage it is not. */
	assert_int_equal(run(&es, &es.cred, ad, 38, false, 2, NULL), MFA_OK);
	ad[37] = 0xff;
	assert_int_equal(run(&es, &es.cred, ad, 38, false, 2, NULL), MFA_ERR_FIDO2_AUTHDATA);
}

static void
test_invalid_arguments(void **state)
{
	struct mfa_fido2_assertion a;
	struct mfa_fido2_cred bad = es.cred;
	uint8_t ad[37], sig[512];

	(void)state;
	make_authdata(ad, RP, UP, 3);
	memset(&a, 0, sizeof(a));
	a.rp_id = RP;
	a.cdh = cdh;
	a.authdata = ad;
	a.authdata_len = sizeof(ad);
	a.sig = sig;
	a.sig_len = sign(&es, ad, sizeof(ad), cdh, sig);
	assert_int_equal(mfa_fido2_verify(NULL, &a, false, 2, NULL), MFA_ERR_INVALID_ARG);
	assert_int_equal(mfa_fido2_verify(&es.cred, NULL, false, 2, NULL), MFA_ERR_INVALID_ARG);
	bad.public_key_len = 65;
	assert_int_equal(mfa_fido2_verify(&bad, &a, false, 2, NULL), MFA_ERR_INVALID_ARG);
	bad = es.cred;
	bad.type = (enum mfa_fido2_cose) - 35;
	assert_int_equal(mfa_fido2_verify(&bad, &a, false, 2, NULL), MFA_ERR_INVALID_ARG);
	a.rp_id = "";
	assert_int_equal(mfa_fido2_verify(&es.cred, &a, false, 2, NULL), MFA_ERR_INVALID_ARG);
	a.rp_id = RP;
	a.cdh = NULL;
	assert_int_equal(mfa_fido2_verify(&es.cred, &a, false, 2, NULL), MFA_ERR_INVALID_ARG);
	a.cdh = cdh;
	assert_int_equal(mfa_fido2_verify(&es.cred, &a, false, 2, NULL), MFA_OK);
}

static void
test_client_data_hash(void **state)
{
	uint8_t a[MFA_FIDO2_CDH_LEN], b[MFA_FIDO2_CDH_LEN];

	(void)state;
	assert_int_equal(mfa_fido2_new_client_data_hash(a), MFA_OK);
	assert_int_equal(mfa_fido2_new_client_data_hash(b), MFA_OK);
	assert_memory_not_equal(a, b, sizeof(a));
	assert_int_equal(mfa_fido2_new_client_data_hash(NULL), MFA_ERR_INVALID_ARG);
}

/* libfido2 hands authenticator data over as a CBOR byte string. */
static void
test_authdata_from_cbor(void **state)
{
	uint8_t buf[300];
	const uint8_t *raw = NULL;
	size_t len = 0;

	(void)state;
	memset(buf, 0x11, sizeof(buf));
	buf[0] = 0x58; /* byte string, 1-byte length */
	buf[1] = 37;
	assert_int_equal(mfa_fido2_authdata_from_cbor(buf, 39, &raw, &len), MFA_OK);
	assert_ptr_equal(raw, buf + 2);
	assert_int_equal(len, 37);
	buf[0] = 0x45; /* 5 bytes, length in the first byte */
	assert_int_equal(mfa_fido2_authdata_from_cbor(buf, 6, &raw, &len), MFA_OK);
	assert_int_equal(len, 5);
	buf[0] = 0x59; /* 2-byte length 0x0100 */
	buf[1] = 0x01;
	buf[2] = 0x00;
	assert_int_equal(mfa_fido2_authdata_from_cbor(buf, 3 + 256, &raw, &len), MFA_OK);
	assert_int_equal(len, 256);
	/* Not the shortest form, a length that disagrees, other types. */
	buf[0] = 0x58;
	buf[1] = 5;
	assert_int_equal(mfa_fido2_authdata_from_cbor(buf, 7, &raw, &len), MFA_ERR_FIDO2_AUTHDATA);
	buf[1] = 37;
	assert_int_equal(mfa_fido2_authdata_from_cbor(buf, 40, &raw, &len), MFA_ERR_FIDO2_AUTHDATA);
	assert_int_equal(mfa_fido2_authdata_from_cbor(buf, 38, &raw, &len), MFA_ERR_FIDO2_AUTHDATA);
	assert_int_equal(mfa_fido2_authdata_from_cbor(buf, 1, &raw, &len), MFA_ERR_FIDO2_AUTHDATA);
	buf[0] = 0x5f; /* indefinite length */
	assert_int_equal(mfa_fido2_authdata_from_cbor(buf, 39, &raw, &len), MFA_ERR_FIDO2_AUTHDATA);
	buf[0] = 0x78; /* a text string */
	assert_int_equal(mfa_fido2_authdata_from_cbor(buf, 39, &raw, &len), MFA_ERR_FIDO2_AUTHDATA);
	assert_int_equal(mfa_fido2_authdata_from_cbor(buf, 0, &raw, &len), MFA_ERR_FIDO2_AUTHDATA);
	assert_int_equal(mfa_fido2_authdata_from_cbor(NULL, 0, &raw, &len), MFA_ERR_INVALID_ARG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_assertion_each_type),
		cmocka_unit_test(test_parsed_credential),
		cmocka_unit_test(test_bad_signature),
		cmocka_unit_test(test_other_users_key),
		cmocka_unit_test(test_wrong_rp_id),
		cmocka_unit_test(test_user_presence_and_verification),
		cmocka_unit_test(test_counter),
		cmocka_unit_test(test_forgery_reported_as_signature),
		cmocka_unit_test(test_malformed_authdata),
		cmocka_unit_test(test_invalid_arguments),
		cmocka_unit_test(test_client_data_hash),
		cmocka_unit_test(test_authdata_from_cbor),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
