/*
 * import_oath.h - import one user's token from a pam_oath / liboath users
 * file (/etc/users.oath).
 *
 * Each line is `TYPE USER PIN SECRET_HEX [COUNTER [LASTOTP [TIME]]]`,
 * separated by spaces or tabs (liboath also splits on CR).  TYPE is one of
 * HOTP, HOTP/E, HOTP/E/{6,7,8} (event, 6 digits by default) or
 * HOTP/T{30,60}[/{6,7,8}] (time steps of 30 or 60 seconds).  liboath's
 * tokens are HMAC-SHA1.  After each accepted code liboath rewrites the line
 * with COUNTER, the code itself (LASTOTP) and the local time (TIME, as
 * 2006-09-23T20:19:34L).  See docs/import.md for what is carried over:
 *
 *   event token, no LASTOTP    -> next = COUNTER (never used from there)
 *   event token, LASTOTP       -> next = COUNTER + 1 (COUNTER is the value
 *                                 whose code LASTOTP liboath accepted)
 *   time token, LASTOTP + TIME -> next = (the time step whose code is
 *                                 LASTOTP, searched around TIME) + 1
 *
 * liboath tries every line for the user in order, and skips lines whose
 * TYPE it does not know or that lack fields; it only fails on bad fields
 * in the user's own lines.  The importer does likewise for other users'
 * lines (never reads past their user field), and for the user's own:
 * refuses a malformed one, and refuses a second line (a second token that
 * mfacover, one token per user, cannot hold).  Lines whose first field
 * starts with '#' are comments (liboath skips them as unknown types).
 *
 * The parser does no I/O, never prints, and never quotes the input (secret,
 * PIN, codes) in its messages.
 */
#ifndef MFA_IMPORT_OATH_H
#define MFA_IMPORT_OATH_H

#include <stdbool.h>
#include <stddef.h>

#include "mfa_err.h"
#include "state.h"

/* Largest users file accepted. */
#define MFA_IMPORT_OATH_MAX_BYTES (1024u * 1024u)

/*
 * How far around TIME a time token's LASTOTP is searched, beyond the
 * -14h..+12h that TIME (local time of an unknown zone) spans: the search
 * window pam_oath may have used.
 */
#define MFA_IMPORT_OATH_SLACK_STEPS 60

/* The PIN field: pam_oath's password prefix. */
enum mfa_import_oath_pin {
	MFA_IMPORT_OATH_PIN_NONE = 0, /* "-": no password */
	MFA_IMPORT_OATH_PIN_EXTERNAL, /* "+": password checked by another module */
	MFA_IMPORT_OATH_PIN_SET,      /* a password: NOT carried over */
};

struct mfa_import_oath_report {
	unsigned line;                /* the line imported */
	enum mfa_import_oath_pin pin; /* the caller warns on MFA_IMPORT_OATH_PIN_SET */
	bool used;                    /* LASTOTP present: the replay floor came from it */
	/*
	 * Time token with LASTOTP: how many time steps in the searched range
	 * have LASTOTP as their code.  1 is exact; more is a coincidence of
	 * codes, and the highest step was taken (the replay-safe choice; the
	 * floor may then be ahead of the clock: the caller should warn).
	 */
	unsigned last_step_matches;
	bool counter_ignored; /* time token with a COUNTER: liboath stores a window offset there */
};

/*
 * Find `user`'s line in len bytes of a users file named `file` (for
 * messages).  On success *statep is a new state (created, last_success,
 * failures, locked_until 0, no recovery codes) to release with
 * mfa_state_free(), and *reportp (may be NULL) tells the PIN and the replay
 * evidence.  MFA_ERR_NOT_FOUND when the user has no line; MFA_ERR_PARSE with
 * perr's line and reason for a malformed or second line of the user's;
 * MFA_ERR_TOO_LARGE past MFA_IMPORT_OATH_MAX_BYTES.
 */
int mfa_import_oath_user_report(const char *buf, size_t len, const char *file, const char *user,
				struct mfa_state **statep, struct mfa_import_oath_report *reportp,
				struct mfa_parse_err *perr);

/* mfa_import_oath_user_report() without the report. */
int mfa_import_oath_user(const char *buf, size_t len, const char *file, const char *user,
			 struct mfa_state **statep, struct mfa_parse_err *perr);

#endif /* MFA_IMPORT_OATH_H */
