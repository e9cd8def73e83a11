/*
 * store.h - where users' second-factor state lives, behind one interface.
 *
 * An authentication is a transaction on one user's state: begin (lock and
 * read), decide in memory, commit (write atomically) or not, end (unlock).
 * The directory store (store_dir.c) keeps one file per user; an LDAP store
 * slots in behind the same operations, its commit being one atomic modify.
 *
 * Errors: MFA_ERR_NOT_FOUND (the user has no state: not enrolled),
 * MFA_ERR_UNSAFE_FILE (a symlink, wrong owner or mode, a hard link, not a
 * regular file), MFA_ERR_PARSE (corrupt or truncated), MFA_ERR_TOO_LARGE,
 * MFA_ERR_IO (a system call failed; the message names it and errno), and
 * MFA_ERR_INVALID_ARG for a user name that cannot name a file.  Every error
 * fills perr with the file and the reason; nothing is ever written after a
 * failed begin, so a bad file stays byte-identical.  Commit, create and
 * remove change nothing when they fail, except with MFA_ERR_NOT_DURABLE:
 * the change is made and visible, but the directory could not be synced,
 * so a crash may still undo it.  Authentication treats that as a failure
 * (fail closed); administration reports the change and warns.
 */
#ifndef MFA_STORE_H
#define MFA_STORE_H

#include <stdbool.h>
#include <sys/types.h>

#include "mfa_err.h"
#include "state.h"

struct mfa_store;
struct mfa_store_txn;

struct mfa_store_ops {
	const char *name;
	int (*begin)(struct mfa_store *store, const char *user, struct mfa_store_txn **txnp,
		     struct mfa_state **statep, struct mfa_parse_err *perr);
	int (*commit)(struct mfa_store_txn *txn, const struct mfa_state *st,
		      struct mfa_parse_err *perr);
	void (*end)(struct mfa_store_txn **txnp);
	int (*create)(struct mfa_store *store, const char *user, const struct mfa_state *st,
		      bool replace, struct mfa_parse_err *perr);
	int (*remove)(struct mfa_store *store, const char *user, struct mfa_parse_err *perr);
	int (*list)(struct mfa_store *store, char ***usersp, size_t *np,
		    struct mfa_parse_err *perr);
	void (*close)(struct mfa_store **storep);
};

/* Implementations embed these as their first member. */
struct mfa_store {
	const struct mfa_store_ops *ops;
};

struct mfa_store_txn {
	struct mfa_store *store;
	/*
	 * Set by begin: the file's other copy of the state is torn (a write
	 * that a crash or power cut interrupted, or damage on disk), so the
	 * state was read from the one valid copy.  Nothing is lost that was
	 * ever reported done; the next commit writes over the torn copy.  For
	 * a log line.
	 */
	bool read_past_torn_copy;
};

/* Lock and read user's state.  On success the caller must call mfa_store_end. */
int mfa_store_begin(struct mfa_store *store, const char *user, struct mfa_store_txn **txnp,
		    struct mfa_state **statep, struct mfa_parse_err *perr);

/* Replace the state read by begin, atomically and durably. */
int mfa_store_commit(struct mfa_store_txn *txn, const struct mfa_state *st,
		     struct mfa_parse_err *perr);

/* Release the lock; NULLs *txnp.  Accepts NULL. */
void mfa_store_end(struct mfa_store_txn **txnp);

/*
 * Write a new user's state (enrollment).  Without replace, an existing
 * state is never overwritten: MFA_ERR_EXISTS.
 */
int mfa_store_create(struct mfa_store *store, const char *user, const struct mfa_state *st,
		     bool replace, struct mfa_parse_err *perr);

/* Remove a user's state (revocation), waiting for an update in flight. */
int mfa_store_remove(struct mfa_store *store, const char *user, struct mfa_parse_err *perr);

/*
 * The users that have a state, sorted; free with mfa_store_free_list().
 * For administration (it reads the whole store), never for authentication.
 */
int mfa_store_list(struct mfa_store *store, char ***usersp, size_t *np, struct mfa_parse_err *perr);
void mfa_store_free_list(char ***usersp, size_t n);

/* Close the store; NULLs *storep.  Accepts NULL. */
void mfa_store_close(struct mfa_store **storep);

#endif /* MFA_STORE_H */
