/*
 * fido2_verify.c - one assertion against one credential: our own checks of
 * the authenticator data, then libfido2's signature check, then the
 * counter.  See fido2_verify.h.
 */
#include "fido2_verify.h"

#include <fido.h>
#include <fido/eddsa.h>
#include <fido/es256.h>
#include <fido/rs256.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <string.h>

#define AUTHDATA_FLAGS_OFF MFA_FIDO2_RP_ID_HASH_LEN
#define AUTHDATA_COUNTER_OFF (MFA_FIDO2_RP_ID_HASH_LEN + 1)

_Static_assert(MFA_FIDO2_ES256 == COSE_ES256 && MFA_FIDO2_EDDSA == COSE_EDDSA &&
		       MFA_FIDO2_RS256 == COSE_RS256,
	       "enum mfa_fido2_cose holds libfido2's COSE_* values");
_Static_assert(MFA_FIDO2_FLAG_UP == CTAP_AUTHDATA_USER_PRESENT &&
		       MFA_FIDO2_FLAG_UV == CTAP_AUTHDATA_USER_VERIFIED &&
		       MFA_FIDO2_FLAG_AT == CTAP_AUTHDATA_ATT_CRED &&
		       MFA_FIDO2_FLAG_ED == CTAP_AUTHDATA_EXT_DATA,
	       "authenticator data flags as libfido2 has them");
/* fido_assert_verify builds EdDSA's signed bytes in a buffer of 1024. */
_Static_assert(MFA_FIDO2_AUTHDATA_MAX + MFA_FIDO2_CDH_LEN <= 1024,
	       "authenticator data and client data hash fit libfido2's buffer");

/* The checks libfido2 does not make, or makes with one error for all. */
static int
check_authdata(const struct mfa_fido2_assertion *as, bool require_uv)
{
	uint8_t want[SHA256_DIGEST_LENGTH];
	const uint8_t *ad = as->authdata;
	uint8_t flags;

	if (as->authdata_len < MFA_FIDO2_AUTHDATA_MIN || as->authdata_len > MFA_FIDO2_AUTHDATA_MAX)
		return MFA_ERR_FIDO2_AUTHDATA;
	flags = ad[AUTHDATA_FLAGS_OFF];
	/* An assertion carries no credential; only extensions may follow. */
	if ((flags & MFA_FIDO2_FLAG_AT) != 0 ||
	    ((flags & MFA_FIDO2_FLAG_ED) != 0) != (as->authdata_len > MFA_FIDO2_AUTHDATA_MIN))
		return MFA_ERR_FIDO2_AUTHDATA;
	if (SHA256((const unsigned char *)as->rp_id, strlen(as->rp_id), want) == NULL)
		return MFA_ERR_CRYPTO;
	if (CRYPTO_memcmp(ad, want, sizeof(want)) != 0)
		return MFA_ERR_FIDO2_RP_ID;
	if ((flags & MFA_FIDO2_FLAG_UP) == 0)
		return MFA_ERR_FIDO2_NO_UP;
	if (require_uv && (flags & MFA_FIDO2_FLAG_UV) == 0)
		return MFA_ERR_FIDO2_NO_UV;
	return MFA_OK;
}

/* libfido2's key object for cred: *pkp to free with free_pk(). */
static int
make_pk(const struct mfa_fido2_cred *cred, void **pkp)
{
	void *pk = NULL;
	int fr = FIDO_ERR_INTERNAL;

	switch (cred->type) {
	case MFA_FIDO2_ES256:
		if ((pk = es256_pk_new()) != NULL)
			fr = es256_pk_from_ptr(pk, cred->public_key, cred->public_key_len);
		break;
	case MFA_FIDO2_EDDSA:
		if ((pk = eddsa_pk_new()) != NULL)
			fr = eddsa_pk_from_ptr(pk, cred->public_key, cred->public_key_len);
		break;
	case MFA_FIDO2_RS256:
		if ((pk = rs256_pk_new()) != NULL)
			fr = rs256_pk_from_ptr(pk, cred->public_key, cred->public_key_len);
		break;
	}
	if (pk == NULL)
		return MFA_ERR_NOMEM;
	if (fr != FIDO_OK) {
		/* The parser checked the key: libfido2 disagreeing is a failure of its own. */
		*pkp = pk;
		return MFA_ERR_CRYPTO;
	}
	*pkp = pk;
	return MFA_OK;
}

static void
free_pk(enum mfa_fido2_cose type, void **pkp)
{
	switch (type) {
	case MFA_FIDO2_ES256:
		es256_pk_free((es256_pk_t **)pkp);
		break;
	case MFA_FIDO2_EDDSA:
		eddsa_pk_free((eddsa_pk_t **)pkp);
		break;
	case MFA_FIDO2_RS256:
		rs256_pk_free((rs256_pk_t **)pkp);
		break;
	}
}

static bool
cred_is_usable(const struct mfa_fido2_cred *cred)
{
	switch (cred->type) {
	case MFA_FIDO2_ES256:
		return cred->public_key_len == MFA_FIDO2_ES256_PK_LEN;
	case MFA_FIDO2_EDDSA:
		return cred->public_key_len == MFA_FIDO2_EDDSA_PK_LEN;
	case MFA_FIDO2_RS256:
		return cred->public_key_len == MFA_FIDO2_RS256_PK_LEN;
	}
	return false;
}

/* libfido2's verdict on the signature (the same flags and rp checked again). */
static int
libfido2_verify(const struct mfa_fido2_cred *cred, const struct mfa_fido2_assertion *as,
		bool require_uv)
{
	fido_assert_t *assert = NULL;
	void *pk = NULL;
	int fr, r;

	if ((r = make_pk(cred, &pk)) != MFA_OK)
		goto out;
	r = MFA_ERR_NOMEM;
	if ((assert = fido_assert_new()) == NULL || fido_assert_set_count(assert, 1) != FIDO_OK ||
	    fido_assert_set_rp(assert, as->rp_id) != FIDO_OK)
		goto out;
	r = MFA_ERR_CRYPTO;
	if (fido_assert_set_clientdata_hash(assert, as->cdh, MFA_FIDO2_CDH_LEN) != FIDO_OK ||
	    fido_assert_set_up(assert, FIDO_OPT_TRUE) != FIDO_OK ||
	    fido_assert_set_uv(assert, require_uv ? FIDO_OPT_TRUE : FIDO_OPT_OMIT) != FIDO_OK)
		goto out;
	/* Refused extensions, or CBOR libfido2 cannot read after the fixed part. */
	if (fido_assert_set_authdata_raw(assert, 0, as->authdata, as->authdata_len) != FIDO_OK) {
		r = MFA_ERR_FIDO2_AUTHDATA;
		goto out;
	}
	if (fido_assert_set_sig(assert, 0, as->sig, as->sig_len) != FIDO_OK)
		goto out;
	switch ((fr = fido_assert_verify(assert, 0, (int)cred->type, pk))) {
	case FIDO_OK:
		r = MFA_OK;
		break;
	case FIDO_ERR_INVALID_SIG:
		r = MFA_ERR_FIDO2_SIGNATURE;
		break;
	case FIDO_ERR_INVALID_PARAM:
		/* Flags and rp passed our checks: extensions that were not asked for. */
		r = MFA_ERR_FIDO2_AUTHDATA;
		break;
	default:
		r = MFA_ERR_CRYPTO;
		break;
	}
out:
	fido_assert_free(&assert);
	free_pk(cred->type, &pk);
	return r;
}

int
mfa_fido2_verify(const struct mfa_fido2_cred *cred, const struct mfa_fido2_assertion *as,
		 bool require_uv, uint32_t stored_counter, struct mfa_fido2_verified *verifiedp)
{
	uint32_t counter;
	const uint8_t *c;
	int r;

	if (verifiedp != NULL)
		memset(verifiedp, 0, sizeof(*verifiedp));
	if (cred == NULL || as == NULL || as->rp_id == NULL || as->rp_id[0] == '\0' ||
	    as->cdh == NULL || as->authdata == NULL || (as->sig == NULL && as->sig_len > 0) ||
	    !cred_is_usable(cred))
		return MFA_ERR_INVALID_ARG;
	/* CVE-2021-31924: a credential that asks for a PIN or UV gets its UV flag checked. */
	require_uv = require_uv || mfa_fido2_cred_requires_uv(cred);

	if ((r = check_authdata(as, require_uv)) != MFA_OK)
		return r;
	if (as->sig_len == 0 || as->sig_len > MFA_FIDO2_SIG_MAX)
		return MFA_ERR_FIDO2_SIGNATURE;
	if ((r = libfido2_verify(cred, as, require_uv)) != MFA_OK)
		return r;

	/* Genuine: now the counter means something. */
	c = as->authdata + AUTHDATA_COUNTER_OFF;
	counter = (uint32_t)c[0] << 24 | (uint32_t)c[1] << 16 | (uint32_t)c[2] << 8 | c[3];
	if (counter <= stored_counter && !(counter == 0 && stored_counter == 0))
		return MFA_ERR_FIDO2_COUNTER;
	if (verifiedp != NULL) {
		verifiedp->counter = counter;
		verifiedp->no_counter = counter == 0;
		verifiedp->flags = as->authdata[AUTHDATA_FLAGS_OFF];
	}
	return MFA_OK;
}

int
mfa_fido2_new_client_data_hash(uint8_t cdh[MFA_FIDO2_CDH_LEN])
{
	if (cdh == NULL)
		return MFA_ERR_INVALID_ARG;
	if (RAND_bytes(cdh, MFA_FIDO2_CDH_LEN) != 1) {
		memset(cdh, 0, MFA_FIDO2_CDH_LEN);
		return MFA_ERR_CRYPTO;
	}
	return MFA_OK;
}

int
mfa_fido2_authdata_from_cbor(const uint8_t *cbor, size_t len, const uint8_t **rawp, size_t *rawlenp)
{
	uint64_t n = 0;
	size_t hdr, i;

	if (cbor == NULL || rawp == NULL || rawlenp == NULL)
		return MFA_ERR_INVALID_ARG;
	/* Major type 2 (byte string); the additional information gives the length. */
	if (len < 1 || (cbor[0] & 0xe0) != 0x40)
		return MFA_ERR_FIDO2_AUTHDATA;
	switch (cbor[0] & 0x1f) {
	case 24:
		hdr = 2;
		break;
	case 25:
		hdr = 3;
		break;
	case 26:
		hdr = 5;
		break;
	case 27:
		hdr = 9;
		break;
	default:
		if ((cbor[0] & 0x1f) > 23) /* 28-30 reserved, 31 indefinite */
			return MFA_ERR_FIDO2_AUTHDATA;
		hdr = 1;
		n = (uint64_t)(cbor[0] & 0x1f);
		break;
	}
	if (len < hdr)
		return MFA_ERR_FIDO2_AUTHDATA;
	for (i = 1; i < hdr; i++)
		n = n << 8 | cbor[i];
	/* Shortest form only: what libcbor writes, and one encoding per value. */
	if ((hdr == 2 && n < 24) || (hdr == 3 && n <= 0xff) || (hdr == 5 && n <= 0xffff) ||
	    (hdr == 9 && n <= 0xffffffffu))
		return MFA_ERR_FIDO2_AUTHDATA;
	if (n != len - hdr)
		return MFA_ERR_FIDO2_AUTHDATA;
	*rawp = cbor + hdr;
	*rawlenp = (size_t)n;
	return MFA_OK;
}
