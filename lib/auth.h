/*
 * auth.h - one second-factor decision: lock the user's state, check the
 * lockout, hand the response to the factor whose input it is, record the
 * outcome (replay floor, failure count, lockout, consumed recovery code)
 * and write it back before answering.  A success is never reported unless
 * its state change is durably written.
 */
#ifndef MFA_AUTH_H
#define MFA_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "factor.h"
#include "factor_fido2.h"
#include "mfa_err.h"
#include "store.h"

enum mfa_result {
	MFA_RESULT_SUCCESS = 0,
	MFA_RESULT_FAIL,       /* wrong code, unrecognised input, unusable token */
	MFA_RESULT_REPLAY,     /* a code of an already used step or counter */
	MFA_RESULT_LOCKED,     /* too many failures: refused without looking */
	MFA_RESULT_UNENROLLED, /* no state for this user */
	MFA_RESULT_IGNORED,    /* outside the policy (decided by the caller) */
};

struct mfa_decision {
	enum mfa_result result;
	const char *factor; /* "totp", "hotp", "recovery", "fido2", or "-" */
	const char *reason; /* a fixed token for the evidence line */
	bool recovery_used;
	size_t recovery_left;
	unsigned failures;        /* after this attempt */
	bool lockout_started;     /* this failure locked the user */
	uint64_t locked_until;    /* when result is LOCKED or lockout_started */
	bool fido2_absent;        /* FIDO2: no security key with a credential was present */
	bool clone_suspected;     /* FIDO2: a good signature with a counter that did not increase */
	bool read_past_torn_copy; /* the state file's other copy was torn (store.h) */
};

/* What a user has enrolled, read without changing it. */
struct mfa_auth_summary {
	bool enrolled;
	bool has_otp;     /* a TOTP or HOTP token */
	bool otp_is_totp; /* which one */
	size_t nrecovery; /* unused recovery codes */
	size_t nfido2;    /* FIDO2 credentials */
};

/* "success", "fail", "replay", "locked", "unenrolled", "ignored". */
const char *mfa_result_name(enum mfa_result result);

/*
 * Decide on `response` for `user` at time `now`.  Returns MFA_OK with *d
 * filled for every decision (including refusals), or an error when the
 * state cannot be read or written (unsafe, corrupt, I/O): perr then names
 * the file and the problem, and the caller must fail closed.
 */
int mfa_auth_check(struct mfa_store *store, const char *user, const char *response, time_t now,
		   const struct mfa_policy *pol, struct mfa_decision *d,
		   struct mfa_parse_err *perr);

/*
 * Decide with a FIDO2 security key (factor_fido2.h) instead of a typed
 * response: as mfa_auth_check, under the user's lock and lockout.  A
 * refused assertion counts as a failure; no device present
 * (d->fido2_absent, reason "no_fido2_device"), a device error, a wrong PIN
 * or a user without credentials fail without counting and without a
 * write.  A counter that did not increase sets d->clone_suspected.
 */
int mfa_auth_check_fido2(struct mfa_store *store, const char *user, const struct mfa_fido2_io *io,
			 time_t now, const struct mfa_policy *pol, struct mfa_decision *d,
			 struct mfa_parse_err *perr);

/*
 * What user has enrolled, without changing it.  MFA_OK with *sump (enrolled
 * false when there is no state), or an error as above (an unsafe file is
 * an error, not "unenrolled").
 */
int mfa_auth_summary(struct mfa_store *store, const char *user, struct mfa_auth_summary *sump,
		     struct mfa_parse_err *perr);

#endif /* MFA_AUTH_H */
