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
mfa_auth_summary(struct mfa_store *store, const char *user, struct mfa_auth_summary *sump,
		 struct mfa_parse_err *perr)
{
	struct mfa_store_txn *txn = NULL;
	struct mfa_state *st = NULL;
	int r;

	if (sump == NULL)
		return MFA_ERR_INVALID_ARG;
	memset(sump, 0, sizeof(*sump));
	r = mfa_store_begin(store, user, &txn, &st, perr);
	if (r == MFA_ERR_NOT_FOUND)
		return MFA_OK;
	if (r != MFA_OK)
		return r;
	sump->enrolled = true;
	sump->has_otp = st->kind != MFA_OTP_NONE;
	sump->otp_is_totp = st->kind == MFA_OTP_TOTP;
	sump->nrecovery = st->nrecovery;
	sump->nfido2 = st->nfido2;
	mfa_store_end(&txn);
	mfa_state_free(&st);
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

/* What one decision is about: a typed response or a security key. */
struct auth_attempt {
	const char *response;          /* NULL for FIDO2 */
	const struct mfa_fido2_io *io; /* FIDO2 only */
};

/* The bit of factors= that allows st's token. */
static unsigned
otp_factor_bit(const struct mfa_state *st)
{
	return st->kind == MFA_OTP_HOTP ? MFA_FACTOR_HOTP : MFA_FACTOR_TOTP;
}

/* Decide on a typed response: MFA_OK with d filled (st to be written), or an error. */
static int
decide_code(struct mfa_state *st, const struct mfa_policy *pol, const char *response, time_t now,
	    struct mfa_decision *d)
{
	struct mfa_factor_detail detail;
	const struct mfa_factor *factor = NULL;
	unsigned bit;
	size_t i;
	int r;

	memset(&detail, 0, sizeof(detail));
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
		return MFA_OK;
	}
	bit = factor == &mfa_factor_recovery ? MFA_FACTOR_RECOVERY : otp_factor_bit(st);
	if ((pol->factors & bit) == 0) {
		/* factors= leaves this one out: refused without looking, counted. */
		d->result = MFA_RESULT_FAIL;
		d->reason = "factor_not_allowed";
		d->factor =
			factor == &mfa_factor_recovery ? "recovery" : mfa_otp_kind_name(st->kind);
		auth_count_failure(st, pol, now, d);
		return MFA_OK;
	}
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
		return r;
	}
	return MFA_OK;
}

/* The evidence reason of a refused assertion; NULL for an error. */
static const char *
fido2_refusal_reason(int r, bool *countedp)
{
	*countedp = true;
	switch (r) {
	case MFA_ERR_FIDO2_CREDENTIAL:
		return "fido2_unknown_credential";
	case MFA_ERR_FIDO2_AUTHDATA:
		return "fido2_malformed_assertion";
	case MFA_ERR_FIDO2_RP_ID:
		return "fido2_wrong_relying_party";
	case MFA_ERR_FIDO2_NO_UP:
		return "fido2_no_user_presence";
	case MFA_ERR_FIDO2_NO_UV:
		return "fido2_no_user_verification";
	case MFA_ERR_FIDO2_SIGNATURE:
		return "fido2_bad_signature";
	case MFA_ERR_FIDO2_COUNTER:
		return "fido2_counter_not_increased_clone_suspected";
	}
	*countedp = false;
	switch (r) {
	case MFA_ERR_NOT_FOUND:
		return "no_fido2_device";
	case MFA_ERR_FIDO2_DEVICE:
		return "fido2_device_failed_or_not_touched";
	case MFA_ERR_FIDO2_PIN:
		return "fido2_pin_wrong_or_missing";
	}
	return NULL;
}

/* Decide with a security key; *changedp when st must be written. */
static int
decide_fido2(struct mfa_state *st, const struct mfa_policy *pol, const struct mfa_fido2_io *io,
	     time_t now, struct mfa_decision *d, bool *changedp)
{
	struct mfa_factor_detail detail;
	bool counted;
	int r;

	memset(&detail, 0, sizeof(detail));
	d->factor = "fido2";
	*changedp = false;
	if ((pol->factors & MFA_FACTOR_FIDO2) == 0 || st->nfido2 == 0) {
		d->result = MFA_RESULT_FAIL;
		d->reason = st->nfido2 == 0 ? "no_fido2_credential" : "factor_not_allowed";
		d->failures = st->failures;
		return MFA_OK;
	}
	r = io->authenticate(st, pol, io, &detail);
	if (r == MFA_OK) {
		d->result = MFA_RESULT_SUCCESS;
		d->reason = "accepted";
		st->failures = 0;
		st->last_success = (uint64_t)now;
		d->recovery_left = st->nrecovery;
		*changedp = true;
		return MFA_OK;
	}
	if ((d->reason = fido2_refusal_reason(r, &counted)) == NULL)
		return r;
	d->result = MFA_RESULT_FAIL;
	d->fido2_absent = r == MFA_ERR_NOT_FOUND;
	d->clone_suspected = r == MFA_ERR_FIDO2_COUNTER;
	d->failures = st->failures;
	if (counted) {
		auth_count_failure(st, pol, now, d);
		*changedp = true;
	}
	return MFA_OK;
}

static int
auth_run(struct mfa_store *store, const char *user, const struct auth_attempt *at, time_t now,
	 const struct mfa_policy *pol, struct mfa_decision *d, struct mfa_parse_err *perr)
{
	struct mfa_store_txn *txn = NULL;
	struct mfa_state *st = NULL;
	bool changed = true;
	int r;

	if (store == NULL || user == NULL || pol == NULL || d == NULL || now < 0 ||
	    pol->lockout_failures == 0 ||
	    (pol->factors & ~(MFA_FACTOR_CODES | MFA_FACTOR_FIDO2)) != 0)
		return MFA_ERR_INVALID_ARG;
	memset(d, 0, sizeof(*d));
	d->factor = "-";

	r = mfa_store_begin(store, user, &txn, &st, perr);
	if (r == MFA_ERR_NOT_FOUND) {
		d->result = MFA_RESULT_UNENROLLED;
		d->reason = "no_token";
		return MFA_OK;
	}
	if (r != MFA_OK)
		return r;
	d->read_past_torn_copy = txn->read_past_torn_copy;

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

	if (at->response == NULL) {
		r = decide_fido2(st, pol, at->io, now, d, &changed);
	} else if (st->kind != MFA_OTP_NONE &&
		   (st->digits != pol->digits ||
		    (st->kind == MFA_OTP_TOTP && st->period != pol->step))) {
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
	} else {
		r = decide_code(st, pol, at->response, now, d);
	}
	if (r != MFA_OK || !changed)
		goto out;
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

int
mfa_auth_check(struct mfa_store *store, const char *user, const char *response, time_t now,
	       const struct mfa_policy *pol, struct mfa_decision *d, struct mfa_parse_err *perr)
{
	struct auth_attempt at = {.response = response, .io = NULL};

	if (response == NULL)
		return MFA_ERR_INVALID_ARG;
	return auth_run(store, user, &at, now, pol, d, perr);
}

int
mfa_auth_check_fido2(struct mfa_store *store, const char *user, const struct mfa_fido2_io *io,
		     time_t now, const struct mfa_policy *pol, struct mfa_decision *d,
		     struct mfa_parse_err *perr)
{
	struct auth_attempt at = {.response = NULL, .io = io};

	if (io == NULL || io->authenticate == NULL)
		return MFA_ERR_INVALID_ARG;
	return auth_run(store, user, &at, now, pol, d, perr);
}
