/*
 * factor_fido2.h - a FIDO2 / U2F security key as a second factor.
 *
 * The factor makes a fresh challenge, asks the backend (fido2_device.h)
 * for an assertion by one of the user's credentials, verifies it
 * (fido2_verify.h) and moves the credential's counter in the state.  The
 * caller (auth.c) holds the user's lock meanwhile, so two logins cannot
 * both accept the same counter, and writes the state back.
 */
#ifndef MFA_FACTOR_FIDO2_H
#define MFA_FACTOR_FIDO2_H

#include "factor.h"
#include "fido2_device.h"

struct mfa_fido2_io;

/* mfa_factor_fido2_authenticate's type: auth.c calls it through mfa_fido2_io. */
typedef int (*mfa_fido2_authenticate_fn)(struct mfa_state *st, const struct mfa_policy *pol,
					 const struct mfa_fido2_io *io,
					 struct mfa_factor_detail *detail);

/* How to reach the authenticator and the person at it. */
struct mfa_fido2_io {
	/*
	 * mfa_factor_fido2_authenticate, or the same from the plugin
	 * (fido2_plugin.h): the module does not link libfido2 itself.
	 */
	mfa_fido2_authenticate_fn authenticate;
	const struct mfa_fido2_backend *backend;
	mfa_fido2_ask_pin_fn ask_pin; /* NULL: no PIN can be given */
	mfa_fido2_tell_fn tell;       /* NULL: say nothing */
	void *arg;
};

/*
 * Authenticate st's user with one of st's FIDO2 credentials.  The relying
 * party is pol->fido2_origin for pamu2fcfg credentials and
 * pol->fido2_appid for old-format ones (mfa_fido2_cred_rp_id()); the
 * credentials of each relying party are asked for together (those with a
 * key handle in the allow list, then the resident ones).  User
 * verification is asked for when pol->fido2_require_uv or a credential
 * wants it.
 *
 *   MFA_OK                  verified: the credential's counter in st moved
 *                           (detail: factor "fido2", matched the counter)
 *   MFA_ERR_NOT_FOUND       no authenticator present holds a credential:
 *                           nothing was asked of the person
 *   MFA_ERR_FIDO2_DEVICE    the device failed or was not touched in time
 *   MFA_ERR_FIDO2_PIN       the PIN was wrong or not given
 *   MFA_ERR_FIDO2_CREDENTIAL, _AUTHDATA, _RP_ID, _NO_UP, _NO_UV, _SIGNATURE,
 *   MFA_ERR_FIDO2_COUNTER   a refused assertion (fido2_verify.h); st unchanged
 *
 * Other codes are errors (fail closed).
 */
int mfa_factor_fido2_authenticate(struct mfa_state *st, const struct mfa_policy *pol,
				  const struct mfa_fido2_io *io, struct mfa_factor_detail *detail);

#endif /* MFA_FACTOR_FIDO2_H */
