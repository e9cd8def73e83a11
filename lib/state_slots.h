/*
 * state_slots.h - a state file that holds two copies of the state and is
 * updated in place, with one flush and no rename.
 *
 * Why: the store's update (a new file, fsync, rename, fsync of the
 * directory) costs two journal commits per login; the directory's is what
 * makes the rename survive a crash.  Writing a slot of a file that keeps
 * its size, then fdatasync, costs one flush of the data and no journal
 * commit (docs/benchmarks.md measures both), and a crash still leaves the
 * old state or the new one, never a mix:
 *
 *   A file of 2 x S bytes (S a multiple of MFA_SLOTS_ALIGN, at most
 *   MFA_SLOTS_SIZE_MAX) is two slots.  Slot i is bytes [i*S, (i+1)*S):
 *
 *     <state text>slot=<seq>\n
 *     sha256=<64 lower-case hex>\n
 *     <zero bytes up to S; at least one>
 *
 *   seq is a decimal number from 1 (no sign, no leading zero); sha256 is
 *   the SHA-256 of every byte of the slot before "sha256=".  The state is
 *   the text of the valid slot with the higher seq.  An update writes the
 *   whole other slot with seq + 1 and syncs it.  A crash in that write
 *   leaves that slot torn: its sum does not match, or its padding holds
 *   old bytes, so it is not valid and the slot before stands.  A slot of S
 *   zero bytes is empty (a file made from one state holds one).
 *
 * A state file in the plain text format (state.h) holds no zero byte; a
 * slotted one always does (the padding), which tells the two apart.
 *
 * These functions do no I/O.  Messages name the file and the slot, never
 * quote the text (it holds the seed).
 */
#ifndef MFA_STATE_SLOTS_H
#define MFA_STATE_SLOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mfa_err.h"
#include "state.h"

#define MFA_SLOTS_ALIGN 4096u
#define MFA_SLOTS_SIZE_MAX (64u * 1024u) /* one slot: room for the largest state text */
/* "slot=" 20 digits "\n" "sha256=" 64 hex "\n", and one zero byte. */
#define MFA_SLOTS_TRAILER_MAX (5u + 20u + 1u + 7u + 64u + 1u + 1u)

/* What a slotted file holds. */
struct mfa_slots_view {
	const char *text; /* the current state's text, inside the buffer given */
	size_t text_len;
	uint64_t seq;       /* its sequence number */
	unsigned current;   /* its slot: 0 or 1 */
	size_t slot_size;   /* S */
	bool other_damaged; /* the other slot is neither empty nor valid (a torn write) */
	bool other_empty;   /* the other slot is all zero bytes */
};

/* Does buf look like a slotted file (it holds a zero byte)?  Plain state text never does. */
bool mfa_slots_detect(const uint8_t *buf, size_t len);

/*
 * Read a slotted file of len bytes (`file` names it in messages).  MFA_OK
 * and *view (pointing into buf), or MFA_ERR_PARSE with perr's reason: a
 * size that is not 2 x S, no valid slot, or two valid slots with the same
 * seq.  One torn slot beside a valid one is not an error: view says so,
 * for a log line.
 */
int mfa_slots_read(const uint8_t *buf, size_t len, const char *file, struct mfa_slots_view *view,
		   struct mfa_parse_err *perr);

/* The slot size for a state text of text_len bytes, with room to grow; 0 when none fits. */
size_t mfa_slots_size_for(size_t text_len);

/*
 * Write one slot of slot_size bytes at out: text, then seq's trailer and
 * its sum, then zero bytes.  MFA_ERR_TOO_LARGE when the text and the
 * trailer do not fit (the caller then rewrites the file with a larger S);
 * MFA_ERR_INVALID_ARG for a slot size that is not valid, seq 0, or text
 * that is empty, holds a zero byte or does not end in a newline.
 */
int mfa_slots_write(const char *text, size_t text_len, uint64_t seq, uint8_t *out,
		    size_t slot_size);

/*
 * A state file's bytes, in either format: plain text (state.h) or slotted.
 * On MFA_OK *statep is the state; *viewp (may be NULL) tells the slot it
 * came from, or is zeroed (slot_size 0) for a plain file.  Errors are
 * mfa_slots_read's and mfa_state_parse's; a slot's parse error says which
 * slot, with the line inside it.
 */
int mfa_state_file_parse(const char *buf, size_t len, const char *file, struct mfa_state **statep,
			 struct mfa_slots_view *viewp, struct mfa_parse_err *perr);

#endif /* MFA_STATE_SLOTS_H */
