/*
 * file_journal.h - the list of files an audit read, each with the SHA-256
 * of exactly the bytes read, so that a report can be checked against the
 * host later (`sha256sum ROOT/path`).
 *
 * A journal collects records as files are read (root_fs_read_file records
 * into the journal set with root_fs_set_journal) and is put in order once at
 * the end: sorted by path, the same path with the same contents listed
 * once.  A path read twice with different contents (the file changed while
 * the audit ran) is listed once per distinct content, each entry marked
 * `changed`.
 *
 * Errors are sticky: a record that cannot be kept (MFA_ERR_NOMEM, or
 * MFA_ERR_CRYPTO when OpenSSL fails) sets j->err, and file_journal_finish
 * returns it, so that an incomplete list is never presented as complete.
 */
#ifndef MFA_FILE_JOURNAL_H
#define MFA_FILE_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mfa_err.h"

#define FILE_JOURNAL_SHA256_HEX 65 /* 64 lowercase hex digits and the NUL */

struct file_journal_entry {
	char *path; /* inside the root, every link resolved */
	uint64_t size;
	char sha256[FILE_JOURNAL_SHA256_HEX];
	bool changed; /* this path was read more than once with different contents */
};

struct file_journal {
	struct file_journal_entry *entries;
	size_t n;
	size_t cap;
	int err; /* sticky: the first record that could not be kept */
};

/* An empty journal. */
void file_journal_init(struct file_journal *j);

/*
 * Record that `path` was read and held the len bytes at buf.  MFA_OK, or
 * the error (also kept in j->err).  A NULL journal records nothing.
 */
int file_journal_record(struct file_journal *j, const char *path, const void *buf, size_t len);

/*
 * Sort by path (then by hash), drop repeated identical reads and mark the
 * paths whose contents changed between reads.  Returns j->err.
 */
int file_journal_finish(struct file_journal *j);

/* Free every entry; the journal is empty again.  Accepts NULL. */
void file_journal_clear(struct file_journal *j);

/* The SHA-256 of the len bytes at buf as 64 lowercase hex digits. */
int file_journal_sha256_hex(const void *buf, size_t len, char out[FILE_JOURNAL_SHA256_HEX]);

#endif /* MFA_FILE_JOURNAL_H */
