/*
 * store_dir.h - the directory store: one state file per user.
 *
 * Central store (default /var/lib/mfacover): the file is named after the
 * user.  Home store (~/.config/mfacover/token): a single fixed file name,
 * opened by a process already running as the user.
 *
 * Opening walks the directory from / with O_NOFOLLOW (resolving it with
 * realpath first only when it goes through a symbolic link or has "." or
 * ".." in it): every ancestor must belong to root or to the owner and be
 * writable by nobody else (a sticky directory such as /tmp excepted), and
 * the store directory itself must belong to the owner with no group or
 * world write.  A state file must be a regular file, not a symlink, with one
 * link, owned by the owner, with no group or world access, and at most
 * MFA_STATE_MAX_BYTES long.
 *
 * The update is: flock the user's file (waiting at most
 * MFA_STORE_LOCK_WAIT_MS), check that the name still names the locked file,
 * read and parse, then on commit write ".NAME.RANDOM" in the same
 * directory (O_CREAT|O_EXCL|O_NOFOLLOW, 0600), fsync, rename over NAME,
 * fsync the directory.  A crash at any point leaves either the old or the
 * new file under NAME, never a partial one.
 */
#ifndef MFA_STORE_DIR_H
#define MFA_STORE_DIR_H

#include <sys/types.h>

#include "mfa_err.h"
#include "store.h"

#define MFA_STORE_DEFAULT_DIR "/var/lib/mfacover"
#define MFA_STORE_HOME_SUBDIR ".config/mfacover"
#define MFA_STORE_HOME_FILE "token"
#define MFA_STORE_LOCK_WAIT_MS 10000
#define MFA_STORE_NAME_MAX 200

/*
 * Open the store in `dir`, whose files belong to `owner`.  fixed_name NULL:
 * one file per user, named after the user; otherwise every user maps to
 * that one file (the home store).
 */
int mfa_store_dir_open(const char *dir, uid_t owner, const char *fixed_name,
		       struct mfa_store **storep, struct mfa_parse_err *perr);

/* true when user can name a state file: 1..MFA_STORE_NAME_MAX printable
 * bytes, no '/', not starting with '.'. */
bool mfa_store_user_name_valid(const char *user);

#endif /* MFA_STORE_DIR_H */
