/*
 * state.h - a user's second-factor state, and its on-disk text format.
 *
 * One small file per user holds the OTP token (seed, replay floor), the
 * failure count and lockout, the hashed recovery codes, and the FIDO2
 * credentials with their signature counters.  The format (see
 * docs/state-format.md) is versioned and parsed strictly: every line is
 * `key=value\n`, every key is known, comes in the one order, appears once
 * (recovery: up to MFA_STATE_RECOVERY_MAX times, fido2: up to
 * MFA_STATE_FIDO2_MAX times) and holds a valid value, the required keys
 * are present, and the file ends with a newline.  Anything else is refused
 * with the line and the reason, so a corrupt or truncated file fails closed.
 * The parser does no I/O and never quotes a value in its messages.
 *
 * Version 1 holds an OTP token and recovery codes.  Version 2 adds `fido2`
 * lines (a pam_u2f credential and its counter) and `type=none`, a state
 * without an OTP token (kind MFA_OTP_NONE: secret NULL, no algorithm,
 * digits or period, replay floor 0), which must hold a FIDO2 credential.
 * Both are read.  The writer picks the version: 1 for a state with a token
 * and no FIDO2 credential (the bytes older modules read), 2 otherwise.
 */
#ifndef MFA_STATE_H
#define MFA_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "fido2_cred.h"
#include "mfa_err.h"
#include "otp.h"

/* The oldest and the newest format version read; the writer uses both. */
#define MFA_STATE_VERSION_MIN 1
#define MFA_STATE_VERSION 2
/*
 * The largest file: the longest of every line, with 32 recovery codes and
 * 24 rs256 credentials with 1023-byte key handles, is 47 522 bytes (the
 * sum is checked in state.c, and a test writes such a state).
 */
#define MFA_STATE_MAX_BYTES (48u * 1024u)
#define MFA_STATE_RECOVERY_MAX 32
/* FIDO2 credentials of a user: pam_u2f's default max_devices. */
#define MFA_STATE_FIDO2_MAX MFA_FIDO2_CREDS_MAX
/* A recovery hash line: "pbkdf2-sha256$ITER$SALT$HASH" in base64 parts. */
#define MFA_STATE_RECOVERY_TEXT_MAX 160

/* A FIDO2 credential (pamu2fcfg's keyHandle,publicKey,coseType,options) and its counter. */
struct mfa_state_fido2 {
	struct mfa_fido2_cred cred;
	/* The signature counter of the last accepted assertion (0: none yet, or no counter). */
	uint32_t counter;
};

struct mfa_state {
	enum mfa_otp_kind kind; /* MFA_OTP_NONE: no OTP token (version 2 only) */
	enum mfa_otp_alg alg;   /* kind NONE: unused */
	unsigned digits;        /* kind NONE: 0 */
	unsigned period;        /* TOTP only */
	uint8_t *secret;        /* wiped on free; NULL for kind NONE */
	size_t secret_len;      /* 0 for kind NONE */
	/*
	 * The lowest HOTP counter or TOTP step that may still be accepted:
	 * after accepting value v this is v + 1 (the replay floor).  0 for
	 * kind NONE.
	 */
	uint64_t next;
	unsigned failures;     /* failed attempts since the last success or lockout */
	uint64_t locked_until; /* Unix time; 0 when not locked */
	uint64_t last_success; /* Unix time of the last accepted factor; 0: never */
	uint64_t created;      /* Unix time of enrollment */
	char *recovery[MFA_STATE_RECOVERY_MAX]; /* hashed recovery codes, unused ones */
	size_t nrecovery;
	/*
	 * FIDO2 credentials, in file order (a heap array freed by
	 * mfa_state_free; NULL when nfido2 is 0).  No two have the same key
	 * handle (resident ones have none) or the same public key.
	 */
	struct mfa_state_fido2 *fido2;
	size_t nfido2; /* 0..MFA_STATE_FIDO2_MAX; at least 1 for kind NONE */
};

/*
 * Parse len bytes of a state file named `file` (for messages).  On success
 * *statep is a new state to release with mfa_state_free().  Malformed input
 * returns MFA_ERR_PARSE with perr's line and reason; MFA_ERR_TOO_LARGE past
 * MFA_STATE_MAX_BYTES.
 */
int mfa_state_parse(const char *buf, size_t len, const char *file, struct mfa_state **statep,
		    struct mfa_parse_err *perr);

/*
 * Serialise *st: format version 1 when it has an OTP token and no FIDO2
 * credential, else version 2.  *bufp holds *lenp bytes (NUL-terminated too)
 * holding the secret: release it with mfa_freezero(*bufp, *lenp).
 * MFA_ERR_INVALID_ARG when st would not parse back (a value out of range,
 * kind NONE with a secret, a replay floor or no FIDO2 credential, a
 * duplicate credential).
 */
int mfa_state_format(const struct mfa_state *st, char **bufp, size_t *lenp);

/* Remove recovery entry i (0-based), keeping the order of the rest. */
int mfa_state_remove_recovery(struct mfa_state *st, size_t i);

/* Wipe and free *statep, set it to NULL.  Accepts NULL. */
void mfa_state_free(struct mfa_state **statep);

#endif /* MFA_STATE_H */
