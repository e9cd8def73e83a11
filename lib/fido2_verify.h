/*
 * fido2_verify.h - verify one FIDO2 / U2F assertion against one credential.
 *
 * libfido2 checks the signature (fido_assert_verify with the credential's
 * key), and this file checks the authenticator data itself as well, before
 * libfido2 sees it (defence in depth: pam-u2f's CVE-2021-31924 was an
 * assertion accepted without the user verification its credential asked
 * for).  The authenticator data (WebAuthn, "Authenticator Data") is
 *
 *   rpIdHash (32: SHA-256 of the RP ID) | flags (1) | signCount (4, big-endian)
 *   [ | attested credential data (AT, 0x40: never in an assertion) ]
 *   [ | extensions, a CBOR map (ED, 0x80) ]
 *
 * and the signature covers authenticatorData || clientDataHash: ECDSA over
 * its SHA-256 (DER) for es256, RSASSA-PKCS1-v1_5 with SHA-256 for rs256,
 * Ed25519 over the bytes themselves for eddsa.  pam_u2f gives libfido2 32
 * random bytes as the client data hash (there is no client data JSON):
 * mfa_fido2_new_client_data_hash() makes them.
 *
 * Nothing here talks to a device (no fido_dev_*): the caller gets the
 * assertion from the authenticator, then asks this file.
 */
#ifndef MFA_FIDO2_VERIFY_H
#define MFA_FIDO2_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fido2_cred.h"

#define MFA_FIDO2_CDH_LEN 32 /* the client data hash: SHA-256 sized */
#define MFA_FIDO2_RP_ID_HASH_LEN 32
#define MFA_FIDO2_AUTHDATA_MIN 37 /* rpIdHash, flags, signCount */
/* Longest authenticator data taken (libfido2 signs EdDSA data in 1024 bytes). */
#define MFA_FIDO2_AUTHDATA_MAX 512
#define MFA_FIDO2_SIG_MAX 512 /* an RS256 signature is 256 bytes, ES256 at most 72 */

/* Authenticator data flags. */
#define MFA_FIDO2_FLAG_UP 0x01 /* user present */
#define MFA_FIDO2_FLAG_UV 0x04 /* user verified */
#define MFA_FIDO2_FLAG_AT 0x40 /* attested credential data included */
#define MFA_FIDO2_FLAG_ED 0x80 /* extension data included */

/* What the authenticator returned for one challenge. */
struct mfa_fido2_assertion {
	const char *rp_id;       /* the RP ID asked for: mfa_fido2_cred_rp_id() */
	const uint8_t *cdh;      /* the MFA_FIDO2_CDH_LEN bytes of the challenge */
	const uint8_t *authdata; /* raw authenticator data (not CBOR-wrapped) */
	size_t authdata_len;
	const uint8_t *sig;
	size_t sig_len;
};

/* What a verified assertion tells. */
struct mfa_fido2_verified {
	uint32_t counter; /* the new signature counter: store it */
	bool no_counter;  /* stored and new counter both 0: the authenticator keeps none */
	uint8_t flags;    /* the authenticator data's flags */
};

/*
 * Verify as against cred.  User presence is always required; user
 * verification when require_uv is true or the credential asks for it
 * (mfa_fido2_cred_requires_uv()).  stored_counter is the counter of the
 * last accepted assertion (0 for none yet).  On MFA_OK *verifiedp (may be
 * NULL) says what to store.  Refusals, checked in this order:
 *
 *   MFA_ERR_FIDO2_AUTHDATA   shorter than 37 or longer than
 *                            MFA_FIDO2_AUTHDATA_MAX bytes, attested
 *                            credential data (AT), bytes after the fixed
 *                            part without extensions (ED), or extensions
 *                            libfido2 refuses
 *   MFA_ERR_FIDO2_RP_ID      rpIdHash is not SHA-256(rp_id) (constant time)
 *   MFA_ERR_FIDO2_NO_UP      the UP flag is not set
 *   MFA_ERR_FIDO2_NO_UV      the UV flag is not set and verification is required
 *   MFA_ERR_FIDO2_SIGNATURE  the signature does not verify (empty or longer
 *                            than MFA_FIDO2_SIG_MAX: the same)
 *   MFA_ERR_FIDO2_COUNTER    the counter is not above stored_counter, unless
 *                            both are 0 (WebAuthn: the authenticator has no
 *                            counter; then no_counter is set).  Checked last,
 *                            on a genuine assertion only: a clone is suspected.
 *
 * MFA_ERR_INVALID_ARG for a missing argument or a credential no parse gave;
 * MFA_ERR_NOMEM, MFA_ERR_CRYPTO when libfido2 or OpenSSL fails.
 */
int mfa_fido2_verify(const struct mfa_fido2_cred *cred, const struct mfa_fido2_assertion *as,
		     bool require_uv, uint32_t stored_counter,
		     struct mfa_fido2_verified *verifiedp);

/*
 * Fill cdh with MFA_FIDO2_CDH_LEN fresh random bytes (RAND_bytes): the
 * challenge, given to the authenticator as the client data hash as pam_u2f
 * does (fido_assert_set_clientdata_hash).  Not secret.  MFA_OK or
 * MFA_ERR_CRYPTO.
 */
int mfa_fido2_new_client_data_hash(uint8_t cdh[MFA_FIDO2_CDH_LEN]);

/*
 * libfido2's fido_assert_authdata_ptr() gives the authenticator data as a
 * CBOR byte string (as the authenticator sent it).  Find the raw bytes in
 * it: *rawp points into cbor.  The whole input must be exactly one definite
 * byte string in its shortest-length encoding.  MFA_OK or
 * MFA_ERR_FIDO2_AUTHDATA.
 */
int mfa_fido2_authdata_from_cbor(const uint8_t *cbor, size_t len, const uint8_t **rawp,
				 size_t *rawlenp);

#endif /* MFA_FIDO2_VERIFY_H */
