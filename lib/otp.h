/*
 * otp.h - HOTP (RFC 4226) and TOTP (RFC 6238) through liboath.
 *
 * Codes are computed by liboath; this layer adds what a PAM module needs on
 * top: SHA-256/512 for HOTP as well as TOTP, separate look-behind and
 * look-ahead windows, a floor below which matches count as replays, and
 * constant-time comparison that scans the whole window.
 */
#ifndef MFA_OTP_H
#define MFA_OTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "mfa_err.h"

enum mfa_otp_alg {
	MFA_OTP_SHA1 = 0,
	MFA_OTP_SHA256,
	MFA_OTP_SHA512,
};

enum mfa_otp_kind {
	MFA_OTP_TOTP = 0,
	MFA_OTP_HOTP,
	/*
	 * No OTP token: a state (format version 2) that holds only FIDO2
	 * credentials, and maybe recovery codes.  Never an otpauth type, and
	 * nothing here generates or verifies a code for it.
	 */
	MFA_OTP_NONE,
};

#define MFA_OTP_DIGITS_MIN 6
#define MFA_OTP_DIGITS_MAX 8
#define MFA_OTP_DIGITS_DEFAULT 6
#define MFA_OTP_PERIOD_DEFAULT 30
#define MFA_OTP_PERIOD_MAX 3600
/* Buffer size for a code and its NUL. */
#define MFA_OTP_CODE_SIZE (MFA_OTP_DIGITS_MAX + 1)
/* Most candidates one verification may try (look-behind + look-ahead + 1). */
#define MFA_OTP_WINDOW_MAX 1001
/* Shortest and longest seed accepted, in bytes (80 bits; RFC 4226 R6 asks 128, 160 recommended). */
#define MFA_OTP_KEY_MIN 10
#define MFA_OTP_KEY_MAX 512

/* "SHA1", "SHA256", "SHA512" (the otpauth spelling). */
const char *mfa_otp_alg_name(enum mfa_otp_alg alg);
/* Parse an algorithm name, case-insensitive; MFA_ERR_PARSE if unknown. */
int mfa_otp_alg_parse(const char *name, enum mfa_otp_alg *algp);
/* "totp", "hotp" or "none". */
const char *mfa_otp_kind_name(enum mfa_otp_kind kind);

/*
 * The code for one counter value (HOTP), or for one TOTP time step, with
 * digits in [MFA_OTP_DIGITS_MIN, MFA_OTP_DIGITS_MAX].  code must hold
 * MFA_OTP_CODE_SIZE bytes; it is NUL-terminated on success and is a secret.
 */
int mfa_otp_generate(const uint8_t *key, size_t keylen, enum mfa_otp_alg alg, unsigned digits,
		     uint64_t counter, char code[MFA_OTP_CODE_SIZE]);

/*
 * The TOTP time step for `now`: floor((now - t0) / period).  MFA_ERR_RANGE
 * when now is before t0 or period is 0 or above MFA_OTP_PERIOD_MAX.
 */
int mfa_otp_totp_step(time_t now, time_t t0, unsigned period, uint64_t *stepp);

/* The TOTP code for `now` (RFC 6238): mfa_otp_generate at mfa_otp_totp_step. */
int mfa_otp_totp_generate(const uint8_t *key, size_t keylen, enum mfa_otp_alg alg, unsigned digits,
			  unsigned period, time_t now, char code[MFA_OTP_CODE_SIZE]);

/* What mfa_otp_verify searches. */
struct mfa_otp_window {
	uint64_t center; /* the expected counter or current time step */
	uint64_t behind; /* how many earlier values are tried (clock drift) */
	uint64_t ahead;  /* how many later values are tried (HOTP presses, drift) */
	/*
	 * Values below this floor were used already: a match there is a replay.
	 * For a token that was never used, 0.  After accepting value v, v + 1.
	 */
	uint64_t floor;
};

/*
 * Check `code` against every value in [center - behind, center + ahead]
 * (clamped at 0 and UINT64_MAX).  Each candidate is generated and compared
 * in constant time; the scan never stops early.
 *   MFA_OK                the code matches a value >= floor; *matchedp is the
 *                         highest such value (the caller stores it + 1 as the
 *                         next floor).
 *   MFA_ERR_OTP_REPLAY    the code matches only values below floor.
 *   MFA_ERR_OTP_MISMATCH  no match, or the code is not exactly `digits` digits.
 *   MFA_ERR_RANGE         the window has more than MFA_OTP_WINDOW_MAX values,
 *                         or digits is out of range.
 */
int mfa_otp_verify(const uint8_t *key, size_t keylen, enum mfa_otp_alg alg, unsigned digits,
		   const struct mfa_otp_window *window, const char *code, uint64_t *matchedp);

#endif /* MFA_OTP_H */
