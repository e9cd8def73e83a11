/*
 * factor_otp.c - TOTP and HOTP codes as a second factor.
 */
#include <string.h>

#include "factor.h"
#include "otp.h"

/* A state of kind NONE (FIDO2 only) has no token: no code is ever its. */
static bool
otp_has_token(const struct mfa_state *st)
{
	return (st->kind == MFA_OTP_TOTP || st->kind == MFA_OTP_HOTP) && st->secret != NULL &&
	       st->secret_len > 0;
}

static bool
otp_claims(const struct mfa_state *st, const char *response)
{
	size_t i, len = strlen(response);

	if (!otp_has_token(st) || len != st->digits)
		return false;
	for (i = 0; i < len; i++) {
		if (response[i] < '0' || response[i] > '9')
			return false;
	}
	return true;
}

static int
otp_verify(struct mfa_state *st, const struct mfa_policy *pol, const char *response, time_t now,
	   struct mfa_factor_detail *detail)
{
	struct mfa_otp_window w;
	uint64_t matched = 0;
	int r;

	if (!otp_has_token(st))
		return MFA_ERR_OTP_MISMATCH; /* refused: no code matches a token that is not there */
	memset(&w, 0, sizeof(w));
	w.floor = st->next;
	if (st->kind == MFA_OTP_TOTP) {
		if ((r = mfa_otp_totp_step(now, 0, st->period, &w.center)) != MFA_OK)
			return r;
		w.behind = pol->totp_window;
		w.ahead = pol->totp_window;
	} else {
		/*
		 * Values below the counter are never accepted; looking at the
		 * window below it only tells a replayed code from a wrong one.
		 */
		w.center = st->next;
		w.behind = pol->hotp_window;
		w.ahead = pol->hotp_window;
	}
	detail->factor = mfa_otp_kind_name(st->kind);
	r = mfa_otp_verify(st->secret, st->secret_len, st->alg, st->digits, &w, response, &matched);
	if (r != MFA_OK)
		return r;
	if (matched == UINT64_MAX)
		return MFA_ERR_RANGE; /* no floor above it could be stored */
	st->next = matched + 1;
	detail->matched = matched;
	return MFA_OK;
}

const struct mfa_factor mfa_factor_otp = {
	.name = "otp",
	.claims = otp_claims,
	.verify = otp_verify,
};
