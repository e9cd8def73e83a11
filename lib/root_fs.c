/*
 * root_fs.c - path resolution confined to a root directory.
 */
#include "root_fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file_journal.h"
#include "mfa_mem.h"

/* See root_fs_set_journal in root_fs.h for why this one pointer exists. */
static _Thread_local struct file_journal *read_journal;

struct file_journal *
root_fs_set_journal(struct file_journal *j)
{
	struct file_journal *prev = read_journal;

	read_journal = j;
	return prev;
}

static int
errno_to_err(int e)
{
	if (e == ENOENT || e == ENOTDIR)
		return MFA_ERR_NOT_FOUND;
	if (e == ENOMEM)
		return MFA_ERR_NOMEM;
	if (e == ELOOP)
		return MFA_ERR_UNSAFE_FILE;
	return MFA_ERR_IO;
}

static int
fail_errno(struct mfa_parse_err *perr, const char *path, const char *what, int e)
{
	mfa_parse_err_init(perr, path);
	mfa_parse_err_set(perr, 0, 0, "%s: %s", what, strerror(e));
	return errno_to_err(e);
}

static int
fail(struct mfa_parse_err *perr, const char *path, int err, const char *msg)
{
	mfa_parse_err_init(perr, path);
	mfa_parse_err_set(perr, 0, 0, "%s", msg);
	return err;
}

int
root_fs_open_root(const char *root, int *rootfdp, struct mfa_parse_err *perr)
{
	int fd;

	if (root == NULL || rootfdp == NULL)
		return fail(perr, root, MFA_ERR_INVALID_ARG, "no root directory given");
	fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return fail_errno(perr, root, "cannot open the root directory", errno);
	*rootfdp = fd;
	return 0;
}

/* The result of walking a path: the final object's parent and name. */
struct walk {
	int parent;     /* owned descriptor of the final object's directory */
	char *name;     /* final component ("." for a directory path) */
	char *resolved; /* path inside the root after links */
	struct stat st; /* lstat of the final object (never a link) */
};

static void
walk_clear(struct walk *w)
{
	if (w->parent >= 0)
		close(w->parent);
	free(w->name);
	free(w->resolved);
	w->parent = -1;
	w->name = NULL;
	w->resolved = NULL;
}

/*
 * Resolve `path` inside the root, one component at a time, each opened
 * with O_NOFOLLOW relative to its parent.  Links are read and spliced into
 * what is left of the path.
 */
static int
walk_path(int rootfd, const char *path, struct walk *out, struct mfa_parse_err *perr)
{
	int stack[ROOT_FS_MAX_COMPONENTS + 1];
	size_t depth = 0, i;
	char *pend = NULL, *cur, *res = NULL, *comp = NULL;
	char target[PATH_MAX];
	unsigned hops = 0;
	int r = MFA_ERR_INTERNAL, fd;

	out->parent = -1;
	out->name = NULL;
	out->resolved = NULL;
	stack[0] = rootfd;
	if (path == NULL || path[0] != '/')
		return fail(perr, path, MFA_ERR_INVALID_ARG,
			    "path inside the root must be absolute");
	if ((pend = strdup(path)) == NULL || (res = calloc(1, PATH_MAX)) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	cur = pend;
	for (;;) {
		size_t clen;
		char *rest;
		int last;
		struct stat st;
		ssize_t tl;

		while (*cur == '/')
			cur++;
		if (*cur == '\0') {
			/* the path names a directory we stand in */
			free(comp);
			if ((comp = strdup(".")) == NULL) {
				r = MFA_ERR_NOMEM;
				goto out;
			}
			if (fstatat(stack[depth], ".", &out->st, AT_SYMLINK_NOFOLLOW) != 0) {
				r = fail_errno(perr, path, "cannot stat", errno);
				goto out;
			}
			break;
		}
		clen = strcspn(cur, "/");
		rest = cur + clen;
		free(comp);
		if ((comp = strndup(cur, clen)) == NULL) {
			r = MFA_ERR_NOMEM;
			goto out;
		}
		cur = rest;
		last = rest[strspn(rest, "/")] == '\0';
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			char *slash;

			if (depth > 0) {
				close(stack[depth--]);
				if ((slash = strrchr(res, '/')) != NULL)
					*slash = '\0';
			}
			continue;
		}
		if (fstatat(stack[depth], comp, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			r = fail_errno(perr, path, "cannot resolve", errno);
			goto out;
		}
		if (S_ISLNK(st.st_mode)) {
			char *np;
			size_t tlen, rlen;

			if (++hops > ROOT_FS_MAX_SYMLINKS) {
				r = fail(perr, path, MFA_ERR_UNSAFE_FILE,
					 "too many levels of symbolic links");
				goto out;
			}
			tl = readlinkat(stack[depth], comp, target, sizeof(target));
			if (tl < 0) {
				r = fail_errno(perr, path, "cannot read link", errno);
				goto out;
			}
			if ((size_t)tl >= sizeof(target) || tl == 0) {
				r = fail(perr, path, MFA_ERR_UNSAFE_FILE,
					 "symbolic link target is empty or too long");
				goto out;
			}
			tlen = (size_t)tl;
			rlen = strlen(rest);
			if (tlen + rlen + 2 > 2 * PATH_MAX) {
				r = fail(perr, path, MFA_ERR_UNSAFE_FILE,
					 "path too long while following links");
				goto out;
			}
			if ((np = malloc(tlen + rlen + 2)) == NULL) {
				r = MFA_ERR_NOMEM;
				goto out;
			}
			memcpy(np, target, tlen);
			np[tlen] = '/';
			memcpy(np + tlen + 1, rest, rlen + 1);
			free(pend);
			pend = cur = np;
			if (target[0] == '/') {
				/* absolute: start again at the root, never the real / */
				while (depth > 0)
					close(stack[depth--]);
				res[0] = '\0';
			}
			continue;
		}
		if (last) {
			out->st = st;
			break;
		}
		if (!S_ISDIR(st.st_mode)) {
			r = fail(perr, path, MFA_ERR_NOT_FOUND,
				 "a path component is not a directory");
			goto out;
		}
		if (depth == ROOT_FS_MAX_COMPONENTS) {
			r = fail(perr, path, MFA_ERR_UNSAFE_FILE, "too many path components");
			goto out;
		}
		fd = openat(stack[depth], comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			r = fail_errno(perr, path, "cannot open directory", errno);
			goto out;
		}
		stack[++depth] = fd;
		if (strlen(res) + clen + 2 > PATH_MAX) {
			r = fail(perr, path, MFA_ERR_UNSAFE_FILE, "path too long");
			goto out;
		}
		strcat(res, "/");
		strcat(res, comp);
	}
	/* hand the parent over */
	if (depth == 0) {
		if ((out->parent = fcntl(rootfd, F_DUPFD_CLOEXEC, 0)) < 0) {
			r = fail_errno(perr, path, "cannot duplicate descriptor", errno);
			goto out;
		}
	} else {
		out->parent = stack[depth--];
	}
	if (strcmp(comp, ".") != 0) {
		if (strlen(res) + strlen(comp) + 2 > PATH_MAX) {
			r = fail(perr, path, MFA_ERR_UNSAFE_FILE, "path too long");
			goto out;
		}
		strcat(res, "/");
		strcat(res, comp);
	} else if (res[0] == '\0') {
		strcpy(res, "/");
	}
	out->name = comp;
	comp = NULL;
	out->resolved = res;
	res = NULL;
	r = 0;
out:
	for (i = 1; i <= depth; i++)
		close(stack[i]);
	if (r != 0 && r == MFA_ERR_NOMEM)
		fail(perr, path, r, "out of memory");
	if (r != 0)
		walk_clear(out);
	free(comp);
	free(pend);
	free(res);
	return r;
}

int
root_fs_stat(int rootfd, const char *path, struct stat *stp, char **resolvedp,
	     struct mfa_parse_err *perr)
{
	struct walk w;
	int r;

	if (stp == NULL)
		return fail(perr, path, MFA_ERR_INVALID_ARG, "no stat buffer");
	if ((r = walk_path(rootfd, path, &w, perr)) != 0)
		return r;
	*stp = w.st;
	if (resolvedp != NULL) {
		*resolvedp = w.resolved;
		w.resolved = NULL;
	}
	walk_clear(&w);
	return 0;
}

int
root_fs_read_file(int rootfd, const char *path, size_t maxsize, char **bufp, size_t *lenp,
		  char **resolvedp, struct mfa_parse_err *perr)
{
	struct walk w;
	struct stat st;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd = -1, r;

	if (bufp == NULL || lenp == NULL)
		return fail(perr, path, MFA_ERR_INVALID_ARG, "no output buffer");
	if ((r = walk_path(rootfd, path, &w, perr)) != 0)
		return r;
	if (!S_ISREG(w.st.st_mode)) {
		r = fail(perr, path, MFA_ERR_UNSAFE_FILE,
			 S_ISDIR(w.st.st_mode) ? "is a directory, not a regular file"
					       : "not a regular file");
		goto out;
	}
	fd = openat(w.parent, w.name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		r = fail_errno(perr, path, "cannot open", errno);
		goto out;
	}
	if (fstat(fd, &st) != 0) {
		r = fail_errno(perr, path, "cannot stat", errno);
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_dev != w.st.st_dev || st.st_ino != w.st.st_ino) {
		r = fail(perr, path, MFA_ERR_UNSAFE_FILE, "file changed while it was opened");
		goto out;
	}
	if (st.st_size < 0 || (unsigned long long)st.st_size > maxsize) {
		mfa_parse_err_init(perr, path);
		mfa_parse_err_set(perr, 0, 0, "file is larger than %zu bytes", maxsize);
		r = MFA_ERR_TOO_LARGE;
		goto out;
	}
	/*
	 * Room for the size fstat saw, one byte more to notice a file that grew
	 * meanwhile, and the NUL; not maxsize, which is for the worst case.
	 */
	cap = (size_t)st.st_size + 1;
	if ((buf = malloc(cap + 1)) == NULL) {
		r = fail(perr, path, MFA_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (;;) {
		if (len == cap) {
			/* It grew: read on, up to one byte past maxsize. */
			size_t ncap = cap > maxsize / 2 ? maxsize + 1 : cap * 2;
			char *nb;

			/* Not realloc: some files hold secrets, and the old copy is wiped. */
			if (ncap <= cap || (nb = malloc(ncap + 1)) == NULL) {
				r = fail(perr, path, MFA_ERR_NOMEM, "out of memory");
				goto out;
			}
			memcpy(nb, buf, len);
			mfa_freezero(buf, cap + 1);
			buf = nb;
			cap = ncap;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = fail_errno(perr, path, "cannot read", errno);
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > maxsize) {
			mfa_parse_err_init(perr, path);
			mfa_parse_err_set(perr, 0, 0, "file is larger than %zu bytes", maxsize);
			r = MFA_ERR_TOO_LARGE;
			goto out;
		}
	}
	buf[len] = '\0';
	/* A failed record sticks in the journal; the read itself succeeded. */
	(void)file_journal_record(read_journal, w.resolved, buf, len);
	*bufp = buf;
	buf = NULL;
	*lenp = len;
	if (resolvedp != NULL) {
		*resolvedp = w.resolved;
		w.resolved = NULL;
	}
	r = 0;
out:
	if (fd >= 0)
		close(fd);
	if (buf != NULL)
		mfa_freezero(buf, cap + 1);
	walk_clear(&w);
	return r;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
root_fs_free_names(char ***namesp, size_t n)
{
	size_t i;

	if (namesp == NULL || *namesp == NULL)
		return;
	for (i = 0; i < n; i++)
		free((*namesp)[i]);
	free(*namesp);
	*namesp = NULL;
}

int
root_fs_list_dir(int rootfd, const char *path, char ***namesp, size_t *np,
		 struct mfa_parse_err *perr)
{
	struct walk w;
	DIR *d = NULL;
	struct dirent *de;
	char **names = NULL, **nn;
	size_t n = 0, cap = 0;
	int fd = -1, r;

	if (namesp == NULL || np == NULL)
		return fail(perr, path, MFA_ERR_INVALID_ARG, "no output list");
	if ((r = walk_path(rootfd, path, &w, perr)) != 0)
		return r;
	if (!S_ISDIR(w.st.st_mode)) {
		r = fail(perr, path, MFA_ERR_NOT_FOUND, "not a directory");
		goto out;
	}
	fd = openat(w.parent, w.name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		r = fail_errno(perr, path, "cannot open directory", errno);
		goto out;
	}
	if ((d = fdopendir(fd)) == NULL) {
		r = fail_errno(perr, path, "cannot read directory", errno);
		goto out;
	}
	fd = -1; /* owned by d */
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0) {
				r = fail_errno(perr, path, "cannot read directory", errno);
				goto out;
			}
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n == ROOT_FS_MAX_DIR_ENTRIES) {
			r = fail(perr, path, MFA_ERR_TOO_LARGE, "directory has too many entries");
			goto out;
		}
		if (n == cap) {
			cap = cap == 0 ? 32 : cap * 2;
			if ((nn = realloc(names, cap * sizeof(*nn))) == NULL) {
				r = fail(perr, path, MFA_ERR_NOMEM, "out of memory");
				goto out;
			}
			names = nn;
		}
		if ((names[n] = strdup(de->d_name)) == NULL) {
			r = fail(perr, path, MFA_ERR_NOMEM, "out of memory");
			goto out;
		}
		n++;
	}
	if (n > 0)
		qsort(names, n, sizeof(*names), cmp_names);
	*namesp = names;
	names = NULL;
	*np = n;
	r = 0;
out:
	root_fs_free_names(&names, n);
	if (d != NULL)
		closedir(d);
	if (fd >= 0)
		close(fd);
	walk_clear(&w);
	return r;
}

/* "dir" + "/" + "name" without a doubled slash; NULL when out of memory. */
static char *
join_inside(const char *dir, const char *name, size_t namelen)
{
	size_t dirlen = strlen(dir);
	bool slash = dirlen == 0 || dir[dirlen - 1] != '/';
	char *out = malloc(dirlen + (slash ? 1 : 0) + namelen + 1);

	if (out == NULL)
		return NULL;
	memcpy(out, dir, dirlen);
	if (slash)
		out[dirlen++] = '/';
	memcpy(out + dirlen, name, namelen);
	out[dirlen + namelen] = '\0';
	return out;
}

int
root_fs_host_dir(const char *root, const char *path, bool create, mode_t leaf_mode, char **hostp,
		 struct mfa_parse_err *perr)
{
	char *sofar = NULL, *candidate = NULL, *resolved = NULL, *host = NULL;
	const char *p = path, *end;
	struct stat st;
	size_t rootlen;
	int rootfd = -1, r;

	if (root == NULL || path == NULL || path[0] != '/' || hostp == NULL)
		return fail(perr, path, MFA_ERR_INVALID_ARG, "not an absolute path");
	*hostp = NULL;
	if ((r = root_fs_open_root(root, &rootfd, perr)) != MFA_OK)
		return r;
	if ((sofar = strdup("/")) == NULL) {
		r = fail(perr, path, MFA_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (; *p != '\0'; p = end) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		end = p + strcspn(p, "/");
		if ((candidate = join_inside(sofar, p, (size_t)(end - p))) == NULL) {
			r = fail(perr, path, MFA_ERR_NOMEM, "out of memory");
			goto out;
		}
		r = root_fs_stat(rootfd, candidate, &st, &resolved, perr);
		if (r == MFA_ERR_NOT_FOUND && create) {
			/* sofar is free of links: the new directory lands inside the root. */
			bool last = end[strspn(end, "/")] == '\0';

			if (mkdirat(rootfd, candidate + 1, last ? leaf_mode : 0755) != 0 &&
			    errno != EEXIST) {
				r = fail_errno(perr, candidate, "cannot create the directory",
					       errno);
				goto out;
			}
			r = root_fs_stat(rootfd, candidate, &st, &resolved, perr);
		}
		if (r != MFA_OK)
			goto out;
		if (!S_ISDIR(st.st_mode)) {
			r = fail(perr, candidate, MFA_ERR_UNSAFE_FILE, "not a directory");
			goto out;
		}
		free(sofar);
		sofar = resolved;
		resolved = NULL;
		free(candidate);
		candidate = NULL;
	}
	rootlen = strlen(root);
	while (rootlen > 0 && root[rootlen - 1] == '/')
		rootlen--;
	if ((host = malloc(rootlen + strlen(sofar) + 1)) == NULL) {
		r = fail(perr, path, MFA_ERR_NOMEM, "out of memory");
		goto out;
	}
	memcpy(host, root, rootlen);
	memcpy(host + rootlen, sofar, strlen(sofar) + 1);
	*hostp = host;
	r = MFA_OK;
out:
	free(sofar);
	free(candidate);
	free(resolved);
	if (rootfd >= 0)
		close(rootfd);
	return r;
}
