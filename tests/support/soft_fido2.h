/*
 * soft_fido2.h - a software FIDO2 authenticator for the tests.
 *
 * It answers the operations of fido2_device.h as a security key would: it
 * holds private keys (P-256, Ed25519 or RSA-2048, made by OpenSSL), each
 * registered for one relying party ID, finds a credential by the allow list
 * or as a resident one, sets the user-present and user-verified flags, keeps
 * a signature counter per key and signs authenticatorData || clientDataHash
 * for the challenge the caller made.  Faults make it misbehave the ways a
 * broken or forged authenticator would.
 *
 * Its whole state is a text file, so that a test build of the module or of
 * mfacover-enroll (MFA_TEST_SOFT_FIDO2, the file named by
 * $MFACOVER_SOFT_FIDO2) and the test that drives it share one device:
 *
 *   present 0|1                    is a device plugged in (default 1)
 *   uv none|builtin|pin            how it verifies the user (default builtin)
 *   pin TEXT                       the PIN for uv pin
 *   touch 0|1                      does the person touch it (default 1)
 *   fault none|rp|sig|no_up|counter_same|other_key|short_authdata
 *   key TYPE RP RESIDENT COUNTER CREDID_HEX PRIVKEY_DER_HEX
 *   calls N, last_rp_id RP, last_uv 0|1, last_nallow N   what it was last asked
 *
 * TYPE is es256, eddsa or rs256; RESIDENT 0 or 1; COUNTER the last counter
 * signed with (the next assertion signs with COUNTER + 1).  Never built
 * into what is installed.
 */
#ifndef MFACOVER_SOFT_FIDO2_H
#define MFACOVER_SOFT_FIDO2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "fido2_device.h"

#define SOFT_FIDO2_KEYS_MAX 8
#define SOFT_FIDO2_RP_MAX 128

enum soft_fido2_uv {
	SOFT_UV_NONE,
	SOFT_UV_BUILTIN,
	SOFT_UV_PIN
};

enum soft_fido2_fault {
	SOFT_FAULT_NONE,
	SOFT_FAULT_RP,             /* rpIdHash of another relying party */
	SOFT_FAULT_SIG,            /* a signature with one bit flipped */
	SOFT_FAULT_NO_UP,          /* the user-present flag left out */
	SOFT_FAULT_COUNTER_SAME,   /* the counter not increased (a clone) */
	SOFT_FAULT_OTHER_KEY,      /* signed by a key the credential does not name */
	SOFT_FAULT_SHORT_AUTHDATA, /* authenticator data cut to 36 bytes */
};

struct soft_fido2_key {
	EVP_PKEY *pkey;
	enum mfa_fido2_cose type;
	char rp_id[SOFT_FIDO2_RP_MAX];
	bool resident;
	uint32_t counter;
	uint8_t cred_id[64];
	size_t cred_id_len;
};

struct soft_fido2 {
	bool present;
	bool touch;
	enum soft_fido2_uv uv;
	char pin[MFA_FIDO2_PIN_MAX + 1];
	enum soft_fido2_fault fault;
	struct soft_fido2_key keys[SOFT_FIDO2_KEYS_MAX];
	size_t nkeys;
	/* What the last get_assertion was asked (for the tests to check). */
	unsigned calls;
	char last_rp_id[SOFT_FIDO2_RP_MAX];
	bool last_uv;
	size_t last_nallow;
};

/* An empty device: present, touched, built-in verification, no fault, no key. */
void soft_fido2_init(struct soft_fido2 *sf);

/* Free the keys. */
void soft_fido2_clear(struct soft_fido2 *sf);

/*
 * Make a key of type for rp_id on the device (as a registration would) and
 * fill *credp (may be NULL) with its credential as pamu2fcfg would write it
 * (+presence).  MFA_OK, MFA_ERR_TOO_LARGE when the device is full,
 * MFA_ERR_CRYPTO.
 */
int soft_fido2_add_key(struct soft_fido2 *sf, enum mfa_fido2_cose type, const char *rp_id,
		       bool resident, struct mfa_fido2_cred *credp);

/* Read or write the device's file (the format above).  MFA_OK, MFA_ERR_IO, MFA_ERR_PARSE. */
int soft_fido2_load(const char *path, struct soft_fido2 *sf);
int soft_fido2_save(const char *path, const struct soft_fido2 *sf);

/* A backend whose ctx is sf itself (in-process tests). */
struct mfa_fido2_backend soft_fido2_backend(struct soft_fido2 *sf);

/*
 * A backend that loads the file $MFACOVER_SOFT_FIDO2 for every operation
 * and saves it back (the counters): the test builds of the programs.
 * Without the variable no device is present.
 */
extern const struct mfa_fido2_backend soft_fido2_file_backend;

#endif
