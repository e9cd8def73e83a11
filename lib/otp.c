/*
 * otp.c - HOTP/TOTP generation and windowed verification over liboath.
 */
#include "otp.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <liboath/oath.h>

#include "mfa_mem.h"

static bool
otp_digits_valid(unsigned digits)
{
	return digits >= MFA_OTP_DIGITS_MIN && digits <= MFA_OTP_DIGITS_MAX;
}

int
mfa_otp_generate(const uint8_t *key, size_t keylen, enum mfa_otp_alg alg, unsigned digits,
		 uint64_t counter, char code[MFA_OTP_CODE_SIZE])
{
	char buf[MFA_OTP_CODE_SIZE + 8];
	int flags, rc;

	if (key == NULL || code == NULL || keylen == 0 || keylen > MFA_OTP_KEY_MAX)
		return MFA_ERR_INVALID_ARG;
	if (!otp_digits_valid(digits))
		return MFA_ERR_RANGE;

	memset(buf, 0, sizeof(buf));
	switch (alg) {
	case MFA_OTP_SHA1:
		rc = oath_hotp_generate((const char *)key, keylen, counter, digits, false,
					OATH_HOTP_DYNAMIC_TRUNCATION, buf);
		break;
	case MFA_OTP_SHA256:
	case MFA_OTP_SHA512:
		/*
		 * liboath offers SHA-256/512 only through its TOTP entry point,
		 * which computes the moving factor as (now - t0) / step: with
		 * t0 = 0 and step = 1 it is the counter itself.
		 */
		if (counter > (uint64_t)INT64_MAX)
			return MFA_ERR_RANGE;
		flags = alg == MFA_OTP_SHA256 ? OATH_TOTP_HMAC_SHA256 : OATH_TOTP_HMAC_SHA512;
		rc = oath_totp_generate2((const char *)key, keylen, (time_t)counter, 1, 0, digits,
					 flags, buf);
		break;
	default:
		return MFA_ERR_INVALID_ARG;
	}
	if (rc != OATH_OK || strlen(buf) != digits) {
		mfa_wipe(buf, sizeof(buf));
		return MFA_ERR_CRYPTO;
	}
	memcpy(code, buf, digits + 1);
	mfa_wipe(buf, sizeof(buf));
	return MFA_OK;
}

int
mfa_otp_totp_step(time_t now, time_t t0, unsigned period, uint64_t *stepp)
{
	if (stepp == NULL)
		return MFA_ERR_INVALID_ARG;
	if (period == 0 || period > MFA_OTP_PERIOD_MAX || now < t0)
		return MFA_ERR_RANGE;
	/* now >= t0, so the difference fits in uint64_t even for t0 < 0. */
	*stepp = ((uint64_t)now - (uint64_t)t0) / period;
	return MFA_OK;
}

int
mfa_otp_totp_generate(const uint8_t *key, size_t keylen, enum mfa_otp_alg alg, unsigned digits,
		      unsigned period, time_t now, char code[MFA_OTP_CODE_SIZE])
{
	uint64_t step;
	int r;

	if ((r = mfa_otp_totp_step(now, 0, period, &step)) != MFA_OK)
		return r;
	return mfa_otp_generate(key, keylen, alg, digits, step, code);
}

/* true when code is exactly `digits` ASCII digits. */
static bool
otp_code_well_formed(const char *code, unsigned digits)
{
	unsigned i;

	for (i = 0; i < digits; i++) {
		if (code[i] < '0' || code[i] > '9')
			return false;
	}
	return code[digits] == '\0';
}

int
mfa_otp_verify(const uint8_t *key, size_t keylen, enum mfa_otp_alg alg, unsigned digits,
	       const struct mfa_otp_window *window, const char *code, uint64_t *matchedp)
{
	char candidate[MFA_OTP_CODE_SIZE];
	uint64_t first, last, c, best = 0;
	bool have_match = false, have_replay = false;
	int r = MFA_ERR_OTP_MISMATCH;

	if (key == NULL || window == NULL || code == NULL || matchedp == NULL)
		return MFA_ERR_INVALID_ARG;
	if (!otp_digits_valid(digits))
		return MFA_ERR_RANGE;
	if (window->behind >= MFA_OTP_WINDOW_MAX || window->ahead >= MFA_OTP_WINDOW_MAX ||
	    window->behind + window->ahead >= MFA_OTP_WINDOW_MAX)
		return MFA_ERR_RANGE;
	/* The length of what was typed is public; its contents are not. */
	if (strnlen(code, digits + 1) != digits || !otp_code_well_formed(code, digits))
		return MFA_ERR_OTP_MISMATCH;

	first = window->center >= window->behind ? window->center - window->behind : 0;
	last = UINT64_MAX - window->center >= window->ahead ? window->center + window->ahead
							    : UINT64_MAX;
	for (c = first;; c++) {
		if ((r = mfa_otp_generate(key, keylen, alg, digits, c, candidate)) != MFA_OK)
			goto out;
		if (mfa_consttime_eq(candidate, code, digits)) {
			if (c >= window->floor) {
				have_match = true;
				best = c;
			} else {
				have_replay = true;
			}
		}
		if (c == last)
			break;
	}
	if (have_match) {
		*matchedp = best;
		r = MFA_OK;
	} else {
		r = have_replay ? MFA_ERR_OTP_REPLAY : MFA_ERR_OTP_MISMATCH;
	}
out:
	mfa_wipe(candidate, sizeof(candidate));
	return r;
}
