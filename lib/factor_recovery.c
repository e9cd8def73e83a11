/*
 * factor_recovery.c - one-time recovery codes as a second factor.
 */
#include "factor.h"
#include "recovery.h"

static bool
recovery_claims(const struct mfa_state *st, const char *response)
{
	(void)st;
	return mfa_recovery_looks_like_code(response);
}

static int
recovery_verify(struct mfa_state *st, const struct mfa_policy *pol, const char *response,
		time_t now, struct mfa_factor_detail *detail)
{
	size_t index;
	int r;

	(void)pol;
	(void)now;
	detail->factor = "recovery";
	detail->recovery_left = st->nrecovery;
	if ((r = mfa_recovery_verify(response, st->recovery, st->nrecovery, &index)) != MFA_OK)
		return r;
	/* Consumed in the same write that records the success. */
	if ((r = mfa_state_remove_recovery(st, index)) != MFA_OK)
		return r;
	detail->recovery_left = st->nrecovery;
	return MFA_OK;
}

const struct mfa_factor mfa_factor_recovery = {
	.name = "recovery",
	.claims = recovery_claims,
	.verify = recovery_verify,
};
