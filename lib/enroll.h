/*
 * enroll.h - what mfacover-enroll does, without a terminal: build a token's
 * state, confirm it with a first code, issue recovery codes, and write the
 * otpauth URI.
 */
#ifndef MFA_ENROLL_H
#define MFA_ENROLL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "mfa_err.h"
#include "otp.h"
#include "recovery.h"
#include "state.h"

struct mfa_enroll_params {
	enum mfa_otp_kind kind;
	enum mfa_otp_alg alg;
	unsigned digits;
	unsigned period;       /* TOTP only */
	const uint8_t *secret; /* NULL: a fresh seed from RAND_bytes */
	size_t secret_len;
	uint64_t counter; /* HOTP: the first counter value */
	time_t now;
};

/*
 * A new state.  A generated seed is as long as the HMAC's output (20, 32
 * or 64 bytes: at least 160 bits, as RFC 4226 recommends).  The replay
 * floor (`next`) starts at the HOTP counter, or at 0 for TOTP: any current
 * code is fresh until the first one is accepted.
 */
int mfa_enroll_build_state(const struct mfa_enroll_params *p, struct mfa_state **stp);

/*
 * Check a first code from the user's app: MFA_OK and the floor moved past
 * it (the code cannot log anyone in later), MFA_ERR_OTP_MISMATCH, or
 * MFA_ERR_OTP_REPLAY.  window: steps (TOTP) or look-ahead (HOTP).
 */
int mfa_enroll_confirm(struct mfa_state *st, const char *code, time_t now, unsigned window);

/*
 * Replace st's recovery codes by n new ones (n <= MFA_STATE_RECOVERY_MAX),
 * hashed with `iterations`; the codes themselves go to codes[0..n-1] to be
 * shown once.  The caller wipes codes.
 */
int mfa_enroll_new_recovery(struct mfa_state *st, size_t n, unsigned iterations,
			    char (*codes)[MFA_RECOVERY_CODE_SIZE]);

/* The otpauth URI for st (a secret: free with mfa_free_string). */
int mfa_enroll_uri(const struct mfa_state *st, const char *issuer, const char *account,
		   char **urip);

#endif /* MFA_ENROLL_H */
