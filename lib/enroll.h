/*
 * enroll.h - what mfacover-enroll does, without a terminal: build a token's
 * state, confirm it with a first code, issue recovery codes, write the
 * otpauth URI; register a FIDO2 security key or take pam_u2f's credentials,
 * and store either without losing what the user has already.
 */
#ifndef MFA_ENROLL_H
#define MFA_ENROLL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "fido2_device.h"
#include "mfa_err.h"
#include "otp.h"
#include "recovery.h"
#include "state.h"
#include "store.h"

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

/*
 * Store a new OTP token st (from mfa_enroll_build_state or an import) as
 * user's, under the user's lock.  A user without a state gets st.  A user
 * whose state holds FIDO2 credentials only (kind MFA_OTP_NONE) gets st
 * too, without replace.  A user with an OTP token: MFA_ERR_EXISTS unless
 * replace.  Whatever st replaces, the FIDO2 credentials of the old state
 * are kept, with their signature counters (a replaced token must not take
 * the security keys with it; `revoke` removes everything): they are copied
 * into st, and *keptp (may be NULL) says how many.  With replace, a state
 * that cannot be read (MFA_ERR_PARSE, MFA_ERR_UNSAFE_FILE,
 * MFA_ERR_TOO_LARGE) is replaced by st alone.  Errors as the store's
 * (store.h), with perr filled; MFA_ERR_NOT_DURABLE: stored, not synced.
 */
int mfa_enroll_store_token(struct mfa_store *store, const char *user, struct mfa_state *st,
			   bool replace, size_t *keptp, struct mfa_parse_err *perr);

/*
 * true for the errors of mfa_store_begin that mean "there is a state, but
 * it cannot be used" (MFA_ERR_PARSE, MFA_ERR_UNSAFE_FILE,
 * MFA_ERR_TOO_LARGE): what --force may replace.  A failed system call or
 * allocation is not such a state: nothing replaces what could not be read.
 */
bool mfa_enroll_state_unusable(int err);

/* ---- FIDO2 / U2F ---- */

/* Why mfa_enroll_fido2_add refused a credential. */
struct mfa_enroll_fido2_refusal {
	size_t index;     /* which of the credentials given */
	bool in_state;    /* MFA_ERR_EXISTS: it repeats the state's credential `other`... */
	size_t other;     /* ... or, when in_state is false, the one given at `other` */
	const char *what; /* MFA_ERR_EXISTS: "key handle" or "public key" */
};

/*
 * Add creds[0..n) (n >= 1) to st with counters 0, all or none.  Each must be
 * a credential the parser could give (written and read back the same:
 * MFA_ERR_INVALID_ARG otherwise); none may repeat the key handle or the
 * public key of one st has or of another of creds (MFA_ERR_EXISTS); st may
 * hold at most MFA_STATE_FIDO2_MAX (MFA_ERR_TOO_LARGE).  *refusalp (may be
 * NULL) says which credential was refused.  MFA_ERR_NOMEM.
 */
int mfa_enroll_fido2_add(struct mfa_state *st, const struct mfa_fido2_cred *creds, size_t n,
			 struct mfa_enroll_fido2_refusal *refusalp);

/*
 * A new state of kind MFA_OTP_NONE (no OTP token) holding creds[0..n),
 * created at now, with no recovery code.  Errors as mfa_enroll_fido2_add.
 */
int mfa_enroll_fido2_new_state(const struct mfa_fido2_cred *creds, size_t n, time_t now,
			       struct mfa_enroll_fido2_refusal *refusalp, struct mfa_state **stp);

/*
 * Remove st's FIDO2 credential i (0-based), keeping the order of the rest.
 * MFA_ERR_INVALID_ARG for no such credential, or for the only credential of
 * a state without an OTP token (it would hold nothing to log in with:
 * remove the whole state instead).
 */
int mfa_enroll_fido2_remove(struct mfa_state *st, size_t i);

/* A registration on a security key. */
struct mfa_enroll_fido2_request {
	const char *rp_id;     /* the module's origin= (pam://HOSTNAME by default) */
	const char *user_name; /* shown by some devices */
	enum mfa_fido2_cose type;
	bool resident; /* a discoverable credential (pamu2fcfg -r) */
	bool uv;       /* require user verification (PIN or built in) at every login */
	/*
	 * The user's state, or NULL: its credentials go in the exclude list,
	 * so a device registered already refuses (MFA_ERR_EXISTS).
	 */
	const struct mfa_state *existing;
	mfa_fido2_ask_pin_fn ask_pin;
	mfa_fido2_tell_fn tell;
	void *arg;
};

/*
 * Register a new credential through be (fido2_device.h) with a fresh random
 * user ID of MFA_FIDO2_USER_ID_LEN bytes and a fresh challenge.  What the
 * device returns is checked before *credp is filled: the type and residence
 * asked for, +presence, +verification or +pin when uv, a key that parses
 * back (a P-256 point on its curve), and no repeat of an existing
 * credential.  MFA_OK; MFA_ERR_TOO_LARGE when existing holds
 * MFA_STATE_FIDO2_MAX already (nothing is asked of the device); the
 * backend's MFA_ERR_NOT_FOUND (no device), MFA_ERR_EXISTS (registered
 * already), MFA_ERR_FIDO2_PIN, MFA_ERR_FIDO2_DEVICE (also for an answer
 * that fails the checks), MFA_ERR_FIDO2_SIGNATURE (attestation);
 * MFA_ERR_CRYPTO, MFA_ERR_NOMEM, MFA_ERR_INVALID_ARG.
 */
int mfa_enroll_fido2_register(const struct mfa_fido2_backend *be,
			      const struct mfa_enroll_fido2_request *req,
			      struct mfa_fido2_cred *credp);

/* How to store FIDO2 credentials (mfa_enroll_fido2_store). */
struct mfa_enroll_fido2_store_params {
	time_t now;
	/*
	 * A user without a state gets a new one (kind MFA_OTP_NONE) with
	 * nrecovery recovery codes hashed with `iterations`; the codes go to
	 * codes[0..nrecovery) to be shown once (the caller wipes them).
	 */
	size_t nrecovery;
	unsigned iterations;
	char (*codes)[MFA_RECOVERY_CODE_SIZE];
	/* Replace a state that cannot be read (--force) by the new one. */
	bool replace_unusable;
};

/* What mfa_enroll_fido2_store did. */
struct mfa_enroll_fido2_result {
	bool created;                            /* a new state (recovery codes issued) */
	bool replaced;                           /* ... in place of one that could not be read */
	enum mfa_otp_kind kind;                  /* the user's OTP token: MFA_OTP_NONE for none */
	size_t nfido2;                           /* the user's FIDO2 credentials now */
	size_t nrecovery;                        /* the user's recovery codes now */
	struct mfa_enroll_fido2_refusal refusal; /* on MFA_ERR_EXISTS, _TOO_LARGE, _INVALID_ARG */
};

/*
 * Add creds[0..n) to user's state, under the user's lock: an existing
 * state keeps its OTP token, recovery codes, lockout and the counters of
 * its credentials, read afresh under the lock.  Without a state, a new one
 * is created (see params).  A state that cannot be read is an error unless
 * replace_unusable.  Nothing is written on any error but
 * MFA_ERR_NOT_DURABLE (stored, not synced).  Errors: those of
 * mfa_enroll_fido2_add (*resp's refusal says which credential; perr too),
 * mfa_enroll_new_recovery, and the store's (perr filled).
 */
int mfa_enroll_fido2_store(struct mfa_store *store, const char *user,
			   const struct mfa_fido2_cred *creds, size_t n,
			   const struct mfa_enroll_fido2_store_params *params,
			   struct mfa_enroll_fido2_result *resp, struct mfa_parse_err *perr);

#endif /* MFA_ENROLL_H */
