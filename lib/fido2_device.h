/*
 * fido2_device.h - talking to FIDO2 / U2F authenticators, behind a table of
 * operations.
 *
 * The module and mfacover-enroll never call libfido2's fido_dev_* directly:
 * they are handed a struct mfa_fido2_backend.  mfa_fido2_backend_libfido2
 * (fido2_device_libfido2.c) reaches the security keys plugged into this
 * machine; the tests hand in a software authenticator
 * (tests/support/soft_fido2.c) that signs with keys OpenSSL made, so that
 * everything after the device (the challenge, the verification, the
 * counter, the store, the evidence line) is tested without hardware.
 *
 * What comes back from a backend is untrusted: a device is a USB peripheral
 * anyone can plug in.  Its answers go through mfa_fido2_verify()
 * (fido2_verify.h) before anything is believed.
 */
#ifndef MFA_FIDO2_DEVICE_H
#define MFA_FIDO2_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fido2_cred.h"
#include "fido2_verify.h"

/* Longest PIN taken (CTAP2: at most 63 bytes of UTF-8). */
#define MFA_FIDO2_PIN_MAX 63
/* The user handle given at registration (WebAuthn: at most 64 bytes). */
#define MFA_FIDO2_USER_ID_LEN 32

/*
 * Asks the person at the device for its PIN (the module: the PAM
 * conversation; enroll: the terminal).  On MFA_OK *pinp is a new string
 * (a secret: the backend wipes and frees it with mfa_free_string()).
 */
typedef int (*mfa_fido2_ask_pin_fn)(void *arg, char **pinp);

/* Tells the person to touch the device (a PAM_TEXT_INFO, a line on stderr). */
typedef void (*mfa_fido2_tell_fn)(void *arg, const char *text);

/* One assertion asked of whatever authenticator holds one of the credentials. */
struct mfa_fido2_get_request {
	const char *rp_id;                         /* the relying party ID */
	const uint8_t *cdh;                        /* MFA_FIDO2_CDH_LEN bytes: the challenge */
	const struct mfa_fido2_cred *const *allow; /* credentials with key handles */
	size_t nallow;                             /* 0: resident credentials only */
	bool uv;                                   /* ask for user verification */
	mfa_fido2_ask_pin_fn ask_pin;              /* NULL: never ask for a PIN */
	mfa_fido2_tell_fn tell;                    /* NULL: say nothing */
	void *arg;                                 /* for ask_pin and tell */
};

/* The authenticator's answer, as it sent it: unverified. */
struct mfa_fido2_got_assertion {
	uint8_t cred_id[MFA_FIDO2_KEY_HANDLE_MAX]; /* the credential that signed */
	size_t cred_id_len;
	uint8_t authdata[MFA_FIDO2_AUTHDATA_MAX]; /* raw, not CBOR-wrapped */
	size_t authdata_len;
	uint8_t sig[MFA_FIDO2_SIG_MAX];
	size_t sig_len;
};

/* One registration (mfacover-enroll --fido2). */
struct mfa_fido2_make_request {
	const char *rp_id;
	const char *user_name;                       /* shown by some devices */
	const uint8_t *user_id;                      /* MFA_FIDO2_USER_ID_LEN random bytes */
	const uint8_t *cdh;                          /* MFA_FIDO2_CDH_LEN bytes */
	enum mfa_fido2_cose type;                    /* MFA_FIDO2_ES256 unless asked */
	bool resident;                               /* a discoverable credential */
	bool uv;                                     /* require user verification */
	const struct mfa_fido2_cred *const *exclude; /* already registered: refuse them */
	size_t nexclude;
	mfa_fido2_ask_pin_fn ask_pin;
	mfa_fido2_tell_fn tell;
	void *arg;
};

struct mfa_fido2_backend {
	const char *name; /* "libfido2", "soft" */
	void *ctx;        /* the backend's own */
	/*
	 * Get one assertion for req from the first authenticator present that
	 * holds one of req->allow (found without asking for a touch), or any
	 * present one when nallow is 0.  MFA_OK with *got filled;
	 * MFA_ERR_NOT_FOUND when no authenticator is present or none holds a
	 * credential (nothing was asked of the person); MFA_ERR_FIDO2_DEVICE
	 * when the device failed, timed out or the person did not touch it or
	 * gave no PIN; MFA_ERR_FIDO2_PIN for a wrong or blocked PIN.
	 */
	int (*get_assertion)(void *ctx, const struct mfa_fido2_get_request *req,
			     struct mfa_fido2_got_assertion *got);
	/*
	 * Register a new credential on the first authenticator present.  On
	 * MFA_OK *credp holds its type, key handle (empty and resident set for a
	 * resident one, as pamu2fcfg -r writes it), public key, and the options
	 * +presence, and +verification or +pin when req->uv (after how the
	 * device verified).  The attestation is checked (the signature over the
	 * new credential), not its certificate chain.  Errors as for
	 * get_assertion; MFA_ERR_EXISTS when the device already holds one of
	 * req->exclude.
	 */
	int (*make_credential)(void *ctx, const struct mfa_fido2_make_request *req,
			       struct mfa_fido2_cred *credp);
};

/* The security keys of this machine, through libfido2 (USB HID). */
extern const struct mfa_fido2_backend mfa_fido2_backend_libfido2;

#endif /* MFA_FIDO2_DEVICE_H */
