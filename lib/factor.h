/*
 * factor.h - second factors as a small table of operations.
 *
 * Each factor says whether a response is its kind of input (a 6-digit code,
 * a recovery code, later a FIDO2 assertion) and verifies it against the
 * user's state, changing the state in memory on success (the replay floor
 * moves, a recovery code is consumed).  The caller owns locking and the
 * write (auth.c).
 */
#ifndef MFA_FACTOR_H
#define MFA_FACTOR_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "state.h"

/* The factors a policy allows (module argument factors=), a bit each. */
#define MFA_FACTOR_TOTP 0x1u
#define MFA_FACTOR_HOTP 0x2u
#define MFA_FACTOR_RECOVERY 0x4u
#define MFA_FACTOR_FIDO2 0x8u
#define MFA_FACTOR_CODES (MFA_FACTOR_TOTP | MFA_FACTOR_HOTP | MFA_FACTOR_RECOVERY)

/* What the module's arguments ask of every verification. */
struct mfa_policy {
	unsigned totp_window; /* steps tried before and after the current one */
	unsigned hotp_window; /* counters tried after the expected one */
	unsigned digits;      /* the digits tokens must have */
	unsigned step;        /* the period TOTP tokens must have */
	unsigned lockout_failures;
	unsigned lockout_seconds;
	unsigned factors;         /* MFA_FACTOR_*: what may be used */
	const char *fido2_origin; /* the relying party of pamu2fcfg credentials */
	const char *fido2_appid;  /* the relying party of old-format credentials */
	bool fido2_require_uv;    /* uv=required: every assertion must carry UV */
};

/* Details a factor reports back for the evidence line. */
struct mfa_factor_detail {
	const char *factor;   /* "totp", "hotp", "recovery", "fido2" */
	uint64_t matched;     /* the counter or step accepted; fido2: the signature counter */
	size_t recovery_left; /* for recovery: codes left after this one */
};

struct mfa_factor {
	const char *name;
	/* true when response has this factor's shape (never verifies). */
	bool (*claims)(const struct mfa_state *st, const char *response);
	/*
	 * MFA_OK: verified; st changed so the response cannot be used again.
	 * MFA_ERR_OTP_MISMATCH / MFA_ERR_OTP_REPLAY: refused; st unchanged.
	 * Other codes: an error (fail closed).
	 */
	int (*verify)(struct mfa_state *st, const struct mfa_policy *pol, const char *response,
		      time_t now, struct mfa_factor_detail *detail);
};

extern const struct mfa_factor mfa_factor_otp;
extern const struct mfa_factor mfa_factor_recovery;

#endif /* MFA_FACTOR_H */
