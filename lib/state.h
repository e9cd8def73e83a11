/*
 * state.h - a user's second-factor state, and its on-disk text format.
 *
 * One small file per user holds the seed, the replay floor, the failure
 * count and lockout, and the hashed recovery codes.  The format (see
 * docs/state-format.md) is versioned and parsed strictly: every line is
 * `key=value\n`, every key is known, appears once (recovery: up to
 * MFA_STATE_RECOVERY_MAX times) and holds a valid value, the required keys
 * are present, and the file ends with a newline.  Anything else is refused
 * with the line and the reason, so a corrupt or truncated file fails closed.
 * The parser does no I/O and never quotes a value in its messages.
 */
#ifndef MFA_STATE_H
#define MFA_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "mfa_err.h"
#include "otp.h"

#define MFA_STATE_VERSION 1
#define MFA_STATE_MAX_BYTES (16u * 1024u)
#define MFA_STATE_RECOVERY_MAX 32
/* A recovery hash line: "pbkdf2-sha256$ITER$SALT$HASH" in base64 parts. */
#define MFA_STATE_RECOVERY_TEXT_MAX 160

struct mfa_state {
	enum mfa_otp_kind kind;
	enum mfa_otp_alg alg;
	unsigned digits;
	unsigned period; /* TOTP only */
	uint8_t *secret; /* wiped on free */
	size_t secret_len;
	/*
	 * The lowest HOTP counter or TOTP step that may still be accepted:
	 * after accepting value v this is v + 1 (the replay floor).
	 */
	uint64_t next;
	unsigned failures;     /* failed attempts since the last success or lockout */
	uint64_t locked_until; /* Unix time; 0 when not locked */
	uint64_t last_success; /* Unix time of the last accepted factor; 0: never */
	uint64_t created;      /* Unix time of enrollment */
	char *recovery[MFA_STATE_RECOVERY_MAX]; /* hashed recovery codes, unused ones */
	size_t nrecovery;
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
 * Serialise *st.  *bufp holds *lenp bytes (NUL-terminated too) holding the
 * secret: release it with mfa_freezero(*bufp, *lenp).  MFA_ERR_INVALID_ARG
 * when st would not parse back (a value out of range).
 */
int mfa_state_format(const struct mfa_state *st, char **bufp, size_t *lenp);

/* Remove recovery entry i (0-based), keeping the order of the rest. */
int mfa_state_remove_recovery(struct mfa_state *st, size_t i);

/* Wipe and free *statep, set it to NULL.  Accepts NULL. */
void mfa_state_free(struct mfa_state **statep);

#endif /* MFA_STATE_H */
