/*
 * auth.c - the second-factor decision over a store transaction.
 */
#include "auth.h"

#include <string.h>

/* Preference order: a response goes to the first factor that claims it. */
static const struct mfa_factor *const auth_factors[] = {
	&mfa_factor_otp,
	&mfa_factor_recovery,
};

static const char *const result_names[] = {
	[MFA_RESULT_SUCCESS] = "success",       [MFA_RESULT_FAIL] = "fail",
	[MFA_RESULT_REPLAY] = "replay",         [MFA_RESULT_LOCKED] = "locked",
	[MFA_RESULT_UNENROLLED] = "unenrolled", [MFA_RESULT_IGNORED] = "ignored",
};

const char *
mfa_result_name(enum mfa_result result)
{
	if ((size_t)result >= sizeof(result_names) / sizeof(result_names[0]))
		return "?";
	return result_names[result];
}

int
mfa_auth_is_enrolled(struct mfa_store *store, const char *user, bool *enrolledp,
		     struct mfa_parse_err *perr)
{
	struct mfa_store_txn *txn = NULL;
	struct mfa_state *st = NULL;
	int r;

	if (enrolledp == NULL)
		return MFA_ERR_INVALID_ARG;
	r = mfa_store_begin(store, user, &txn, &st, perr);
	if (r == MFA_ERR_NOT_FOUND) {
		*enrolledp = false;
		return MFA_OK;
	}
	if (r != MFA_OK)
		return r;
	mfa_store_end(&txn);
	mfa_state_free(&st);
	*enrolledp = true;
	return MFA_OK;
}

/* Count a failure; lock the user when it reaches the limit. */
static void
auth_count_failure(struct mfa_state *st, const struct mfa_policy *pol, time_t now,
		   struct mfa_decision *d)
{
	st->failures++;
	if (st->failures >= pol->lockout_failures) {
		st->locked_until = (uint64_t)now + pol->lockout_seconds;
		st->failures = 0;
		d->lockout_started = true;
		d->locked_until = st->locked_until;
	}
	d->failures = st->failures;
}

int
mfa_auth_check(struct mfa_store *store, const char *user, const char *response, time_t now,
	       const struct mfa_policy *pol, struct mfa_decision *d, struct mfa_parse_err *perr)
{
	struct mfa_store_txn *txn = NULL;
	struct mfa_state *st = NULL;
	struct mfa_factor_detail detail;
	const struct mfa_factor *factor = NULL;
	size_t i;
	int r;

	if (store == NULL || user == NULL || response == NULL || pol == NULL || d == NULL ||
	    now < 0 || pol->lockout_failures == 0)
		return MFA_ERR_INVALID_ARG;
	memset(d, 0, sizeof(*d));
	memset(&detail, 0, sizeof(detail));
	d->factor = "-";

	r = mfa_store_begin(store, user, &txn, &st, perr);
	if (r == MFA_ERR_NOT_FOUND) {
		d->result = MFA_RESULT_UNENROLLED;
		d->reason = "no_token";
		return MFA_OK;
	}
	if (r != MFA_OK)
		return r;

	/* Locked: the same answer whatever was typed, and nothing is looked at. */
	if (st->locked_until > (uint64_t)now) {
		d->result = MFA_RESULT_LOCKED;
		d->reason = "locked_out";
		d->locked_until = st->locked_until;
		d->failures = st->failures;
		r = MFA_OK;
		goto out;
	}
	st->locked_until = 0;

	if (st->kind != MFA_OTP_NONE &&
	    (st->digits != pol->digits || (st->kind == MFA_OTP_TOTP && st->period != pol->step))) {
		/*
		 * A token the module is not configured for: fail closed, count
		 * nothing.  A state without a token (FIDO2 only) goes on: no
		 * code is its, and its recovery codes still work.
		 */
		d->result = MFA_RESULT_FAIL;
		d->reason = "token_parameters_differ_from_module";
		d->factor = mfa_otp_kind_name(st->kind);
		d->failures = st->failures;
		r = MFA_OK;
		goto out;
	}

	for (i = 0; i < sizeof(auth_factors) / sizeof(auth_factors[0]); i++) {
		if (auth_factors[i]->claims(st, response)) {
			factor = auth_factors[i];
			break;
		}
	}
	if (factor == NULL) {
		d->result = MFA_RESULT_FAIL;
		/* FIDO2 only: a code cannot be right, whatever it looks like. */
		d->reason = st->kind == MFA_OTP_NONE ? "no_otp_token" : "input_is_no_code";
		auth_count_failure(st, pol, now, d);
	} else {
		r = factor->verify(st, pol, response, now, &detail);
		d->factor = detail.factor != NULL ? detail.factor : factor->name;
		if (r == MFA_OK) {
			d->result = MFA_RESULT_SUCCESS;
			d->reason = "accepted";
			st->failures = 0;
			st->last_success = (uint64_t)now;
			d->recovery_used = factor == &mfa_factor_recovery;
			d->recovery_left = st->nrecovery;
		} else if (r == MFA_ERR_OTP_REPLAY) {
			d->result = MFA_RESULT_REPLAY;
			d->reason = "code_already_used";
			auth_count_failure(st, pol, now, d);
		} else if (r == MFA_ERR_OTP_MISMATCH) {
			d->result = MFA_RESULT_FAIL;
			d->reason = "wrong_code";
			d->recovery_left = st->nrecovery;
			auth_count_failure(st, pol, now, d);
		} else {
			goto out;
		}
	}
	/* Success is only reported once its state change is on disk. */
	if ((r = mfa_store_commit(txn, st, perr)) != MFA_OK) {
		memset(d, 0, sizeof(*d));
		d->factor = "-";
		goto out;
	}
	r = MFA_OK;
out:
	mfa_store_end(&txn);
	mfa_state_free(&st);
	return r;
}
