/*
 * store_dir.c - per-user state files in a directory, updated atomically.
 *
 * A state file is slotted (state_slots.h): an authentication writes the
 * older of its two slots in place and syncs the data, one flush and no
 * rename.  A new file (enrollment), a plain-text file from an older
 * version, or a state that outgrew its slots is written whole instead: a
 * temporary file, fsync, rename, fsync of the directory.
 */
#include "store_dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "mfa_mem.h"
#include "state_slots.h"

struct store_dir {
	struct mfa_store base; /* first: the dispatch header */
	int dirfd;
	uid_t owner;
	char *path;       /* the resolved directory, for messages */
	char *fixed_name; /* home store: the one file name; else NULL */
};

struct store_dir_txn {
	struct mfa_store_txn base; /* first: the dispatch header */
	int fd;                    /* the locked state file */
	char name[MFA_STORE_NAME_MAX + 1];
	bool committed;
	struct mfa_slots_view slots; /* where the state was read; slot_size 0: plain text */
};

_Static_assert(MFA_STATE_MAX_BYTES + MFA_SLOTS_TRAILER_MAX <= MFA_SLOTS_SIZE_MAX,
	       "the largest state text fits one slot");

static const struct mfa_store_ops store_dir_ops;

bool
mfa_store_user_name_valid(const char *user)
{
	size_t i, len;

	if (user == NULL || (len = strlen(user)) == 0 || len > MFA_STORE_NAME_MAX || user[0] == '.')
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)user[i];

		if (c == '/' || c < 0x21 || c == 0x7f)
			return false;
	}
	return true;
}

/* Record "path: reason[: strerror]" in perr and return err. */
static int
store_fail(struct mfa_parse_err *perr, const char *dir, const char *name, int err, int errnum,
	   const char *reason)
{
	char file[MFA_PARSE_ERR_FILE_MAX];

	if (perr == NULL)
		return err;
	if (name != NULL)
		snprintf(file, sizeof(file), "%s/%s", dir, name);
	else
		snprintf(file, sizeof(file), "%s", dir);
	mfa_parse_err_init(perr, file);
	if (errnum != 0)
		mfa_parse_err_set(perr, 0, 0, "%s: %s", reason, strerror(errnum));
	else
		mfa_parse_err_set(perr, 0, 0, "%s", reason);
	return err;
}

/*
 * Walk the resolved path from / without following links, checking each
 * directory's owner and mode (see store_dir.h).  Returns the last fd.
 */
static int
open_dir_safely(const char *real, uid_t owner, int *fdp, bool *linkp, struct mfa_parse_err *perr)
{
	char *copy = NULL, *comp, *save = NULL;
	struct stat st;
	int fd = -1, nfd, r;

	*fdp = -1;
	*linkp = false;
	if (real[0] != '/')
		return store_fail(perr, real, NULL, MFA_ERR_INVALID_ARG, 0,
				  "store directory is not an absolute path");
	if ((copy = strdup(real)) == NULL)
		return MFA_ERR_NOMEM;
	if ((fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		r = store_fail(perr, "/", NULL, MFA_ERR_IO, errno, "cannot open");
		goto out;
	}
	comp = strtok_r(copy, "/", &save);
	for (;;) {
		bool last = comp == NULL;

		if (fstat(fd, &st) != 0) {
			r = store_fail(perr, real, NULL, MFA_ERR_IO, errno, "cannot stat");
			goto out;
		}
		if (last) {
			if (st.st_uid != owner) {
				r = store_fail(perr, real, NULL, MFA_ERR_UNSAFE_FILE, 0,
					       "store directory has the wrong owner");
				goto out;
			}
			if ((st.st_mode & 022) != 0) {
				r = store_fail(perr, real, NULL, MFA_ERR_UNSAFE_FILE, 0,
					       "store directory is writable by group or others");
				goto out;
			}
			break;
		}
		if ((st.st_uid != 0 && st.st_uid != owner) ||
		    ((st.st_mode & 022) != 0 && (st.st_mode & S_ISVTX) == 0)) {
			r = store_fail(perr, real, NULL, MFA_ERR_UNSAFE_FILE, 0,
				       "a parent of the store directory is writable by someone "
				       "other than root or the owner");
			goto out;
		}
		nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0) {
			int e = errno;

			*linkp = e == ELOOP || e == ENOTDIR;
			r = store_fail(perr, real, NULL,
				       e == ENOENT                  ? MFA_ERR_NOT_FOUND
				       : e == ELOOP || e == ENOTDIR ? MFA_ERR_UNSAFE_FILE
								    : MFA_ERR_IO,
				       e, "cannot open the store directory");
			goto out;
		}
		close(fd);
		fd = nfd;
		comp = strtok_r(NULL, "/", &save);
	}
	*fdp = fd;
	fd = -1;
	r = MFA_OK;
out:
	if (fd >= 0)
		close(fd);
	free(copy);
	return r;
}

/* An absolute path without "." or ".." components (which the walk would take literally). */
static bool
path_is_plain(const char *path)
{
	const char *p = path;

	if (path[0] != '/')
		return false;
	while (*p != '\0') {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n;
	}
	return true;
}

int
mfa_store_dir_open(const char *dir, uid_t owner, const char *fixed_name, struct mfa_store **storep,
		   struct mfa_parse_err *perr)
{
	struct store_dir *sd = NULL;
	char *real = NULL;
	bool link;
	int r;

	if (storep != NULL)
		*storep = NULL;
	if (dir == NULL || storep == NULL ||
	    (fixed_name != NULL && !mfa_store_user_name_valid(fixed_name)))
		return MFA_ERR_INVALID_ARG;
	if ((sd = calloc(1, sizeof(*sd))) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	sd->base.ops = &store_dir_ops;
	sd->dirfd = -1;
	sd->owner = owner;
	if ((fixed_name != NULL && (sd->fixed_name = strdup(fixed_name)) == NULL)) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	/*
	 * The path as written is walked first.  Only when it goes through a
	 * symbolic link (a root-made /var -> /srv/var, say), or has "." or ".."
	 * in it, is it resolved with realpath and the result walked instead:
	 * the same directories are checked either way, and a login is spared
	 * realpath's readlink of every component.
	 */
	link = !path_is_plain(dir);
	if (!link) {
		size_t n = strlen(dir);

		while (n > 1 && dir[n - 1] == '/')
			n--;
		if ((real = strndup(dir, n)) == NULL) {
			r = MFA_ERR_NOMEM;
			goto out;
		}
		r = open_dir_safely(real, owner, &sd->dirfd, &link, perr);
		if (r != MFA_OK && !link)
			goto out;
	}
	if (link) {
		free(real);
		if ((real = realpath(dir, NULL)) == NULL) {
			r = store_fail(perr, dir, NULL,
				       errno == ENOENT ? MFA_ERR_NOT_FOUND : MFA_ERR_IO, errno,
				       "cannot resolve the store directory");
			goto out;
		}
		if ((r = open_dir_safely(real, owner, &sd->dirfd, &link, perr)) != MFA_OK)
			goto out;
	}
	sd->path = real;
	real = NULL;
	*storep = &sd->base;
	sd = NULL;
out:
	free(real);
	if (sd != NULL) {
		struct mfa_store *s = &sd->base;

		store_dir_ops.close(&s);
	}
	return r;
}

static const char *
store_file_name(const struct store_dir *sd, const char *user)
{
	return sd->fixed_name != NULL ? sd->fixed_name : user;
}

/* Why this file must not be trusted, or NULL. */
static const char *
state_file_problem(const struct stat *st, uid_t owner)
{
	if (!S_ISREG(st->st_mode))
		return "is not a regular file";
	if (st->st_uid != owner)
		return "has the wrong owner";
	if ((st->st_mode & 077) != 0)
		return "is accessible by group or others (must be 0600)";
	if (st->st_nlink > 1)
		return "has more than one hard link";
	if (st->st_nlink == 0)
		return "was removed while being read";
	if (st->st_size < 0 || (unsigned long long)st->st_size > 2ull * MFA_SLOTS_SIZE_MAX)
		return "is larger than a state file can be";
	return NULL;
}

/* flock with a bounded wait: a PAM module must not hang a login forever. */
static int
lock_with_timeout(int fd)
{
	const struct timespec pause = {0, 5 * 1000 * 1000};
	unsigned waited_ms = 0;

	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK || waited_ms >= MFA_STORE_LOCK_WAIT_MS)
			return -1;
		nanosleep(&pause, NULL);
		waited_ms += 5;
	}
}

static int
read_all(int fd, char *buf, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = pread(fd, buf + off, len - off, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			/* Shorter than fstat said: another writer does not lock. */
			errno = ENODATA;
			return -1;
		}
		off += (size_t)n;
	}
	return 0;
}

static int
write_all(int fd, const char *buf, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = write(fd, buf + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

/*
 * NAME cannot be opened for writing: say why as precisely as reading it
 * lets us (a file of the wrong owner or mode is the usual cause).
 */
static int
unwritable(struct store_dir *sd, const char *name, struct mfa_parse_err *perr)
{
	const char *problem = NULL;
	struct stat st;
	int fd, e = EACCES;

	fd = openat(sd->dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd >= 0) {
		if (fstat(fd, &st) == 0)
			problem = state_file_problem(&st, sd->owner);
		close(fd);
	} else {
		e = errno;
	}
	if (problem != NULL)
		return store_fail(perr, sd->path, name, MFA_ERR_UNSAFE_FILE, 0, problem);
	return store_fail(perr, sd->path, name, MFA_ERR_IO, e, "cannot open");
}

/*
 * Open NAME, lock it, and make sure NAME still names the locked file (a
 * writer may have renamed a new version over it while we waited).
 */
static int
open_and_lock(struct store_dir *sd, const char *name, int *fdp, struct stat *stp,
	      struct mfa_parse_err *perr)
{
	const char *problem = NULL;
	struct stat now;
	int fd, tries;

	*fdp = -1;
	for (tries = 0; tries < 64; tries++) {
		/* Read and write: an update rewrites one slot of this file in place. */
		fd = openat(sd->dirfd, name,
			    O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (fd < 0) {
			if (errno == ENOENT)
				return store_fail(perr, sd->path, name, MFA_ERR_NOT_FOUND, 0,
						  "no state file (not enrolled)");
			if (errno == ELOOP)
				return store_fail(perr, sd->path, name, MFA_ERR_UNSAFE_FILE, 0,
						  "is a symbolic link");
			if (errno == EISDIR)
				return store_fail(perr, sd->path, name, MFA_ERR_UNSAFE_FILE, 0,
						  "is not a regular file");
			if (errno == EACCES)
				return unwritable(sd, name, perr);
			return store_fail(perr, sd->path, name, MFA_ERR_IO, errno, "cannot open");
		}
		/* Never wait on a lock of something that is no state file at all. */
		if (fstat(fd, stp) != 0) {
			int e = errno;

			close(fd);
			return store_fail(perr, sd->path, name, MFA_ERR_IO, e, "cannot stat");
		}
		if (!S_ISREG(stp->st_mode)) {
			close(fd);
			return store_fail(perr, sd->path, name, MFA_ERR_UNSAFE_FILE, 0,
					  "is not a regular file");
		}
		if (lock_with_timeout(fd) != 0) {
			int e = errno;

			close(fd);
			return store_fail(perr, sd->path, name, MFA_ERR_IO, e,
					  "cannot lock the state file");
		}
		/*
		 * A writer may have renamed a new version over the name while we
		 * waited (the file we hold then has no link left): take the new one.
		 * Only the file the name still names is checked and used.
		 */
		if (fstatat(sd->dirfd, name, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
		    now.st_dev == stp->st_dev && now.st_ino == stp->st_ino) {
			if (fstat(fd, stp) != 0 ||
			    (problem = state_file_problem(stp, sd->owner)) != NULL) {
				close(fd);
				return store_fail(perr, sd->path, name, MFA_ERR_UNSAFE_FILE, 0,
						  problem != NULL ? problem : "cannot stat");
			}
			*fdp = fd;
			return MFA_OK;
		}
		close(fd);
	}
	return store_fail(perr, sd->path, name, MFA_ERR_IO, 0,
			  "the state file keeps changing under the lock");
}

static int
sd_begin(struct mfa_store *store, const char *user, struct mfa_store_txn **txnp,
	 struct mfa_state **statep, struct mfa_parse_err *perr)
{
	struct store_dir *sd = (struct store_dir *)store;
	struct store_dir_txn *txn = NULL;
	struct stat st;
	const char *name;
	char *buf = NULL;
	size_t len = 0;
	int fd = -1, r;

	if (!mfa_store_user_name_valid(user))
		return store_fail(perr, sd->path, NULL, MFA_ERR_INVALID_ARG, 0,
				  "the user name cannot name a state file");
	name = store_file_name(sd, user);
	if ((r = open_and_lock(sd, name, &fd, &st, perr)) != MFA_OK)
		return r;
	len = (size_t)st.st_size;
	if ((buf = malloc(len + 1)) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	if (read_all(fd, buf, len) != 0) {
		r = store_fail(perr, sd->path, name, MFA_ERR_IO, errno, "cannot read");
		goto out;
	}
	buf[len] = '\0';
	if ((txn = calloc(1, sizeof(*txn))) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	if ((r = mfa_state_file_parse(buf, len, NULL, statep, &txn->slots, perr)) != MFA_OK) {
		char reason[MFA_PARSE_ERR_MSG_MAX];
		unsigned line = perr != NULL ? perr->line : 0;

		/* Name the file; keep the parser's line and reason. */
		if (perr != NULL) {
			snprintf(reason, sizeof(reason), "%s", perr->msg);
			store_fail(perr, sd->path, name, r, 0, "");
			mfa_parse_err_set(perr, line, 0, "%s", reason);
		}
		goto out;
	}
	txn->slots.text = NULL; /* in buf: only where it was is kept */
	txn->slots.text_len = 0;
	txn->base.store = store;
	txn->base.read_past_torn_copy = txn->slots.slot_size != 0 && txn->slots.other_damaged;
	txn->fd = fd;
	snprintf(txn->name, sizeof(txn->name), "%s", name);
	fd = -1;
	*txnp = &txn->base;
	txn = NULL;
	r = MFA_OK;
out:
	free(txn);
	if (fd >= 0)
		close(fd);
	mfa_freezero(buf, len + 1);
	return r;
}

/*
 * A slotted file holding st in its first slot with number seq, the second
 * empty: *filep (2 * slot size bytes, *lenp) to wipe and free.
 */
static int
slotted_file(const struct mfa_state *st, uint64_t seq, uint8_t **filep, size_t *lenp)
{
	char *text = NULL;
	uint8_t *file = NULL;
	size_t len = 0, size;
	int r;

	*filep = NULL;
	*lenp = 0;
	if ((r = mfa_state_format(st, &text, &len)) != MFA_OK)
		return r;
	if ((size = mfa_slots_size_for(len)) == 0) {
		r = MFA_ERR_TOO_LARGE;
		goto out;
	}
	if ((file = calloc(2, size)) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	if ((r = mfa_slots_write(text, len, seq, file, size)) != MFA_OK) {
		mfa_freezero(file, 2 * size);
		file = NULL;
		goto out;
	}
	*filep = file;
	*lenp = 2 * size;
out:
	mfa_freezero(text, len);
	return r;
}

/*
 * Write st to a fresh temporary file in the store directory, slotted with
 * st in its first slot numbered seq, and make it durable.  *tmpname receives its name.  Under the user's lock (locked) the
 * name is fixed, ".NAME.new", and a leftover from a writer that died is
 * removed first, so crashes leave no litter and no directory scan is needed;
 * without the lock (enrollment of a new user) the name is random.
 */
static int
write_temp(struct store_dir *sd, const char *name, const struct mfa_state *st, uint64_t seq,
	   bool locked, char *tmpname, size_t tmpsize, struct mfa_parse_err *perr)
{
	unsigned char rnd[6];
	struct stat tst;
	uint8_t *buf = NULL;
	size_t len = 0;
	int fd = -1, r;

	if ((r = slotted_file(st, seq, &buf, &len)) != MFA_OK)
		return store_fail(perr, sd->path, name, r, 0, "cannot serialise the state");
	if (locked) {
		snprintf(tmpname, tmpsize, ".%s.new", name);
		if (unlinkat(sd->dirfd, tmpname, 0) != 0 && errno != ENOENT) {
			r = store_fail(perr, sd->path, tmpname, MFA_ERR_IO, errno,
				       "cannot remove a leftover temporary file");
			tmpname[0] = '\0';
			goto out;
		}
	} else {
		if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
			r = MFA_ERR_CRYPTO;
			goto out;
		}
		snprintf(tmpname, tmpsize, ".%s.%02x%02x%02x%02x%02x%02x", name, rnd[0], rnd[1],
			 rnd[2], rnd[3], rnd[4], rnd[5]);
	}
	fd = openat(sd->dirfd, tmpname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		r = store_fail(perr, sd->path, tmpname, MFA_ERR_IO, errno, "cannot create");
		tmpname[0] = '\0';
		goto out;
	}
	if (fstat(fd, &tst) != 0 || tst.st_uid != sd->owner) {
		r = store_fail(perr, sd->path, tmpname, MFA_ERR_UNSAFE_FILE, 0,
			       "new state file would not belong to the store's owner");
		goto out;
	}
	if (write_all(fd, (const char *)buf, len) != 0 || fsync(fd) != 0) {
		r = store_fail(perr, sd->path, tmpname, MFA_ERR_IO, errno, "cannot write");
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		r = store_fail(perr, sd->path, tmpname, MFA_ERR_IO, errno, "cannot close");
		goto out;
	}
	fd = -1;
	r = MFA_OK;
out:
	if (fd >= 0)
		close(fd);
	if (r != MFA_OK && tmpname[0] != '\0')
		unlinkat(sd->dirfd, tmpname, 0);
	mfa_freezero(buf, len);
	return r;
}

/*
 * After a rename or unlink: the change is visible, and this makes it survive
 * a crash.  A failure here cannot be undone, so it is told apart from one
 * that changed nothing.
 */
static int
sync_dir(struct store_dir *sd, const char *name, struct mfa_parse_err *perr)
{
	if (fsync(sd->dirfd) != 0)
		return store_fail(perr, sd->path, name, MFA_ERR_NOT_DURABLE, errno,
				  "the change is made, but the store directory cannot be synced");
	return MFA_OK;
}

/* Write len bytes at off, whole or not at all as far as the caller can tell. */
static int
pwrite_all(int fd, const uint8_t *buf, size_t len, off_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pwrite(fd, buf + done, len - done, off + (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

/*
 * The state into the older slot of the locked file, then its data synced.
 * MFA_ERR_TOO_LARGE when it no longer fits a slot (the caller rewrites the
 * file).  A failed write leaves that slot torn, which reads as the state
 * before: nothing changed.  A failed sync: the change is made but may not
 * survive a crash (MFA_ERR_NOT_DURABLE).
 */
static int
commit_in_place(struct store_dir *sd, struct store_dir_txn *txn, const struct mfa_state *st,
		struct mfa_parse_err *perr)
{
	const struct mfa_slots_view *v = &txn->slots;
	uint8_t *slot = NULL;
	char *text = NULL;
	size_t len = 0;
	int r;

	if ((r = mfa_state_format(st, &text, &len)) != MFA_OK)
		return store_fail(perr, sd->path, txn->name, r, 0, "cannot serialise the state");
	if ((slot = malloc(v->slot_size)) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	if ((r = mfa_slots_write(text, len, v->seq + 1, slot, v->slot_size)) != MFA_OK)
		goto out; /* MFA_ERR_TOO_LARGE: the caller rewrites the file */
	if (pwrite_all(txn->fd, slot, v->slot_size, (off_t)((1 - v->current) * v->slot_size)) !=
	    0) {
		r = store_fail(perr, sd->path, txn->name, MFA_ERR_IO, errno, "cannot write");
		goto out;
	}
	txn->committed = true;
	if (fdatasync(txn->fd) != 0)
		r = store_fail(perr, sd->path, txn->name, MFA_ERR_NOT_DURABLE, errno,
			       "the change is made, but the state file cannot be synced");
out:
	if (slot != NULL)
		mfa_freezero(slot, v->slot_size);
	mfa_freezero(text, len);
	return r;
}

static int
sd_commit(struct mfa_store_txn *base, const struct mfa_state *st, struct mfa_parse_err *perr)
{
	struct store_dir_txn *txn = (struct store_dir_txn *)base;
	struct store_dir *sd = (struct store_dir *)base->store;
	char tmpname[MFA_STORE_NAME_MAX + 32] = "";
	uint64_t seq = 1;
	int r;

	/* The lock is on the file a first commit replaced: one commit per lock. */
	if (txn->committed)
		return MFA_ERR_INVALID_ARG;
	if (txn->slots.slot_size != 0 && txn->slots.seq < UINT64_MAX) {
		r = commit_in_place(sd, txn, st, perr);
		if (r != MFA_ERR_TOO_LARGE)
			return r;
		seq = txn->slots.seq + 1; /* outgrew its slots: a larger file, numbers go on */
	}
	/* A plain-text file from an older version, or a larger state: rewrite it whole. */
	if ((r = write_temp(sd, txn->name, st, seq, true, tmpname, sizeof(tmpname), perr)) !=
	    MFA_OK)
		return r;
	if (renameat(sd->dirfd, tmpname, sd->dirfd, txn->name) != 0) {
		r = store_fail(perr, sd->path, txn->name, MFA_ERR_IO, errno,
			       "cannot rename the new state into place");
		unlinkat(sd->dirfd, tmpname, 0);
		return r;
	}
	txn->committed = true;
	return sync_dir(sd, txn->name, perr);
}

static void
sd_end(struct mfa_store_txn **txnp)
{
	struct store_dir_txn *txn = (struct store_dir_txn *)*txnp;

	if (txn->fd >= 0)
		close(txn->fd); /* releases the lock */
	free(txn);
	*txnp = NULL;
}

static int
sd_create(struct mfa_store *store, const char *user, const struct mfa_state *st, bool replace,
	  struct mfa_parse_err *perr)
{
	struct store_dir *sd = (struct store_dir *)store;
	char tmpname[MFA_STORE_NAME_MAX + 32] = "";
	const char *name;
	int oldfd = -1, r;

	if (!mfa_store_user_name_valid(user))
		return store_fail(perr, sd->path, NULL, MFA_ERR_INVALID_ARG, 0,
				  "the user name cannot name a state file");
	name = store_file_name(sd, user);
	if ((r = write_temp(sd, name, st, 1, false, tmpname, sizeof(tmpname), perr)) != MFA_OK)
		return r;
	if (replace) {
		/* Wait for an authentication in flight on the old file to finish. */
		oldfd = openat(sd->dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
		if (oldfd >= 0 && lock_with_timeout(oldfd) != 0) {
			r = store_fail(perr, sd->path, name, MFA_ERR_IO, errno,
				       "cannot lock the old state file");
			goto out;
		}
		if (renameat(sd->dirfd, tmpname, sd->dirfd, name) != 0) {
			r = store_fail(perr, sd->path, name, MFA_ERR_IO, errno,
				       "cannot rename the new state into place");
			goto out;
		}
	} else {
		/* Never replaces: an existing state is left alone. */
		if (renameat2(sd->dirfd, tmpname, sd->dirfd, name, RENAME_NOREPLACE) != 0) {
			r = errno == EEXIST ? store_fail(perr, sd->path, name, MFA_ERR_EXISTS, 0,
							 "a state file exists already")
					    : store_fail(perr, sd->path, name, MFA_ERR_IO, errno,
							 "cannot rename the new state into place");
			goto out;
		}
	}
	tmpname[0] = '\0';
	r = sync_dir(sd, name, perr);
out:
	if (tmpname[0] != '\0')
		unlinkat(sd->dirfd, tmpname, 0);
	if (oldfd >= 0)
		close(oldfd);
	return r;
}

static int
sd_remove(struct mfa_store *store, const char *user, struct mfa_parse_err *perr)
{
	struct store_dir *sd = (struct store_dir *)store;
	const char *name;
	struct stat st;
	int fd = -1, r;

	if (!mfa_store_user_name_valid(user))
		return store_fail(perr, sd->path, NULL, MFA_ERR_INVALID_ARG, 0,
				  "the user name cannot name a state file");
	name = store_file_name(sd, user);
	/*
	 * Lock what the name names so an authentication in flight finishes
	 * first; an unsafe or corrupt file may be removed too (that is how an
	 * admin clears it), but a missing one is reported.
	 */
	r = open_and_lock(sd, name, &fd, &st, perr);
	if (r != MFA_OK && r != MFA_ERR_UNSAFE_FILE)
		return r;
	if (unlinkat(sd->dirfd, name, 0) != 0) {
		r = store_fail(perr, sd->path, name, MFA_ERR_IO, errno, "cannot remove");
		goto out;
	}
	r = sync_dir(sd, name, perr);
out:
	if (fd >= 0)
		close(fd);
	return r;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
sd_list(struct mfa_store *store, char ***usersp, size_t *np, struct mfa_parse_err *perr)
{
	struct store_dir *sd = (struct store_dir *)store;
	struct dirent *e;
	char **users = NULL;
	size_t n = 0, cap = 0;
	DIR *d = NULL;
	int fd, r = MFA_OK;

	if (sd->fixed_name != NULL) {
		/* The home store holds one file. */
		if (faccessat(sd->dirfd, sd->fixed_name, F_OK, AT_SYMLINK_NOFOLLOW) != 0)
			return MFA_OK;
		if ((users = calloc(1, sizeof(*users))) == NULL ||
		    (users[0] = strdup(sd->fixed_name)) == NULL) {
			free(users);
			return MFA_ERR_NOMEM;
		}
		*usersp = users;
		*np = 1;
		return MFA_OK;
	}
	if ((fd = dup(sd->dirfd)) < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return store_fail(perr, sd->path, NULL, MFA_ERR_IO, errno, "cannot read");
	}
	rewinddir(d);
	while ((e = readdir(d)) != NULL) {
		if (!mfa_store_user_name_valid(e->d_name))
			continue; /* ".", "..", temporaries */
		if (n == cap) {
			size_t ncap = cap == 0 ? 16 : cap * 2;
			char **nu = realloc(users, ncap * sizeof(*users));

			if (nu == NULL) {
				r = MFA_ERR_NOMEM;
				goto out;
			}
			users = nu;
			cap = ncap;
		}
		if ((users[n] = strdup(e->d_name)) == NULL) {
			r = MFA_ERR_NOMEM;
			goto out;
		}
		n++;
	}
	if (n > 0)
		qsort(users, n, sizeof(*users), name_cmp);
	*usersp = users;
	*np = n;
	users = NULL;
	n = 0;
out:
	mfa_store_free_list(&users, n);
	closedir(d);
	return r;
}

static void
sd_close(struct mfa_store **storep)
{
	struct store_dir *sd = (struct store_dir *)*storep;

	if (sd->dirfd >= 0)
		close(sd->dirfd);
	free(sd->path);
	free(sd->fixed_name);
	free(sd);
	*storep = NULL;
}

static const struct mfa_store_ops store_dir_ops = {
	.name = "dir",
	.begin = sd_begin,
	.commit = sd_commit,
	.end = sd_end,
	.create = sd_create,
	.remove = sd_remove,
	.list = sd_list,
	.close = sd_close,
};
