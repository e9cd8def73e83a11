/*
 * import_ga.h - import a google-authenticator-libpam secret file.
 *
 * The file (~/.google_authenticator, written by the `google-authenticator`
 * tool and rewritten by pam_google_authenticator.so) holds the base32 seed
 * on its first line, option lines that start with `" ` (quote, space), and
 * the 8-digit emergency scratch codes, one a line.  See docs/import.md for
 * the format as the tool and the module read and write it, and for what is
 * carried over into a struct mfa_state:
 *
 *   TOTP_AUTH               -> kind totp, SHA1, 6 digits (the only ones GA has)
 *   HOTP_COUNTER N          -> kind hotp, next = N (the module stores the
 *                              next counter it will try, not the last used)
 *   STEP_SIZE N             -> period (30 when absent)
 *   DISALLOW_REUSE s1 s2 .. -> next = max(s) + 1: the s are time steps
 *                              (Unix time / STEP_SIZE, skew included) whose
 *                              codes the module already accepted
 *
 * Scratch codes are counted, never imported (mfacover issues its own
 * recovery codes).  WINDOW_SIZE, RATE_LIMIT, TIME_SKEW and
 * RESETTING_TIME_SKEW are validated and reported, not carried over.
 *
 * The parser does no I/O, never prints, and never quotes the input in its
 * messages.
 */
#ifndef MFA_IMPORT_GA_H
#define MFA_IMPORT_GA_H

#include <stddef.h>
#include <stdint.h>

#include "mfa_err.h"
#include "state.h"

/* pam_google_authenticator refuses secret files larger than this. */
#define MFA_IMPORT_GA_MAX_BYTES (64u * 1024u)

/* The option lines, as bits of mfa_import_ga_report.options. */
enum mfa_import_ga_option {
	MFA_IMPORT_GA_OPT_TOTP_AUTH = 1u << 0,
	MFA_IMPORT_GA_OPT_HOTP_COUNTER = 1u << 1,
	MFA_IMPORT_GA_OPT_STEP_SIZE = 1u << 2,
	MFA_IMPORT_GA_OPT_WINDOW_SIZE = 1u << 3,
	MFA_IMPORT_GA_OPT_RATE_LIMIT = 1u << 4,
	MFA_IMPORT_GA_OPT_DISALLOW_REUSE = 1u << 5,
	MFA_IMPORT_GA_OPT_TIME_SKEW = 1u << 6,
	MFA_IMPORT_GA_OPT_RESETTING_TIME_SKEW = 1u << 7,
};

#define MFA_IMPORT_GA_OPT_COUNT 8

/* What the file held beyond the state: for the caller to tell the admin. */
struct mfa_import_ga_report {
	unsigned options;           /* MFA_IMPORT_GA_OPT_* bits of the lines seen */
	unsigned scratch_codes;     /* emergency scratch codes seen, not imported */
	size_t disallowed_steps;    /* time steps listed by DISALLOW_REUSE */
	unsigned window_size;       /* WINDOW_SIZE; 0 when absent (module default 3) */
	unsigned rate_limit_logins; /* RATE_LIMIT N M: N; 0 when absent */
	unsigned rate_limit_period; /* RATE_LIMIT N M: M seconds; 0 when absent */
	int32_t time_skew;          /* TIME_SKEW in steps; 0 when absent */
};

/*
 * Parse len bytes of a google-authenticator secret file named `file` (for
 * messages).  On success *statep is a new state (created, last_success,
 * failures, locked_until 0, no recovery codes: the caller fills in what it
 * issues) to release with mfa_state_free(), and *reportp (may be NULL) says
 * what else the file held.  Malformed input returns MFA_ERR_PARSE with
 * perr's line and reason; MFA_ERR_TOO_LARGE past MFA_IMPORT_GA_MAX_BYTES.
 */
int mfa_import_ga_parse(const char *buf, size_t len, const char *file, struct mfa_state **statep,
			struct mfa_import_ga_report *reportp, struct mfa_parse_err *perr);

#endif /* MFA_IMPORT_GA_H */
