/*
 * root_fs.h - read files of a host tree mounted or copied under a root
 * directory, the way the host itself would see them.
 *
 * Paths are absolute inside the root ("/etc/pam.d/sshd").  Symbolic links
 * are followed *inside* the root: an absolute link target restarts at the
 * root, and `..` never climbs above it, so a link to /etc/alternatives/x
 * in an audited tree reads ROOT/etc/alternatives/x, never the auditing
 * machine's own file.  Each component is opened with O_NOFOLLOW relative to
 * its parent's descriptor; the final file is opened with
 * O_RDONLY|O_NOFOLLOW|O_CLOEXEC|O_NOCTTY and checked with fstat (regular
 * file, the object that was resolved, size cap).
 *
 * Errors: MFA_ERR_NOT_FOUND (a component does not exist or is not a
 * directory), MFA_ERR_UNSAFE_FILE (not a regular file / directory, more
 * than ROOT_FS_MAX_SYMLINKS links, too many components), MFA_ERR_TOO_LARGE,
 * MFA_ERR_IO (errno in the message), MFA_ERR_NOMEM.  perr names the path
 * asked for (file) and the reason (msg).
 */
#ifndef ROOT_FS_H
#define ROOT_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "mfa_err.h"

#define ROOT_FS_MAX_SYMLINKS 40
#define ROOT_FS_MAX_COMPONENTS 256
#define ROOT_FS_MAX_DIR_ENTRIES 10000

/* Open `root` (a directory; followed if it is a link) for the calls below. */
int root_fs_open_root(const char *root, int *rootfdp, struct mfa_parse_err *perr);

/*
 * stat() what `path` names inside the root, links resolved inside it.
 * *resolvedp (may be NULL) receives the resolved path inside the root.
 */
int root_fs_stat(int rootfd, const char *path, struct stat *stp, char **resolvedp,
		 struct mfa_parse_err *perr);

/*
 * Read the regular file `path` (at most maxsize bytes) into *bufp (NUL
 * appended, not counted in *lenp).  *resolvedp as above (may be NULL).
 */
int root_fs_read_file(int rootfd, const char *path, size_t maxsize, char **bufp, size_t *lenp,
		      char **resolvedp, struct mfa_parse_err *perr);

/* The names in directory `path` (without "." and ".."), sorted bytewise. */
int root_fs_list_dir(int rootfd, const char *path, char ***namesp, size_t *np,
		     struct mfa_parse_err *perr);

/*
 * The host's path of the directory `path` inside `root` ("/var/lib/x" in
 * root "/mnt/img" may be "/mnt/img/srv/x" when the image links it there),
 * every link resolved inside the root, for a caller that must write there.
 * With create, missing directories are made (0755; the last one leaf_mode)
 * below the part that exists, so nothing is made outside the root.  The
 * result has no link left below the root; free it.  A component that is
 * not a directory is MFA_ERR_UNSAFE_FILE; a link whose target is missing is
 * MFA_ERR_NOT_FOUND (its target is never made).  The path is checked, then
 * used: someone writing inside the root at the same moment could swap a
 * checked directory for a link.  Roots are images an admin controls.
 */
int root_fs_host_dir(const char *root, const char *path, bool create, mode_t leaf_mode,
		     char **hostp, struct mfa_parse_err *perr);

/*
 * The journal of files read.  While a journal is set, every successful
 * root_fs_read_file records the resolved path (inside the root, no link
 * left: `sha256sum ROOT/path` checks it) and the SHA-256 of exactly the
 * bytes it returns (file_journal.h).  Files only stat()ed or listed are
 * not recorded: their contents were not used.  A record that fails does
 * not fail the read; it sticks in the journal's err, which
 * file_journal_finish returns, so the owner of the journal fails instead.
 *
 * The hash of a file is a verifier of its contents: a file whose only
 * unknown part may be a low-entropy secret (a bind password in nslcd.conf
 * or sssd.conf) must not be read while a journal is set, or the report
 * would let guesses of the password be tested.  Such files are read outside
 * audit_run (the LDAP defaults); files with high-entropy secrets (OATH
 * seeds, Duo's skey) are listed.
 *
 * Sets the calling thread's journal (NULL: none) and returns the one it
 * replaces, so that a caller can restore it:
 *
 *	prev = root_fs_set_journal(&j); ... ; root_fs_set_journal(prev);
 *
 * Why a _Thread_local pointer and not a parameter (STYLE.md: no global
 * mutable state).  Every reader of the host takes a plain root descriptor
 * (accounts, PAM services, sudoers, sshd_config, authorized_keys, OpenVPN,
 * the second-factor oracle, and the LDAP configuration files to come):
 * about a dozen call sites in eight parsers, several of which open the
 * root themselves.  Threading a journal through all of them would change
 * every parser's interface for a concern none of them has, and a parser
 * that forgot to pass it on would silently drop files from the list.  The
 * descriptor cannot carry it either.  The pointer is the least bad
 * option because it is confined: per thread (two audits in two threads
 * never mix), set only by audit_run for the span of one audit and restored
 * on every exit, NULL everywhere else (the PAM module, the enroll tool and
 * the fuzzers never set it, so in sshd or sudo it is always NULL and
 * root_fs behaves as it always did), and it holds no data itself: the
 * journal belongs to the caller's stack frame.
 */
struct file_journal;
struct file_journal *root_fs_set_journal(struct file_journal *j);

/* Free a list from root_fs_list_dir and NULL the pointer.  Accepts NULL. */
void root_fs_free_names(char ***namesp, size_t n);

#endif /* ROOT_FS_H */
