/*
 * fuzz_root.c - see fuzz_root.h.
 */
#include "fuzz_root.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "root_fs.h"

static char root_dir[PATH_MAX];
static int root_fd = -1;

static int
remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	(void)remove(path);
	return 0;
}

static void
root_cleanup(void)
{
	if (root_fd >= 0)
		(void)close(root_fd);
	root_fd = -1;
	if (root_dir[0] != '\0')
		(void)nftw(root_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	root_dir[0] = '\0';
}

int
fuzz_root_fd(void)
{
	struct mfa_parse_err perr;
	const char *tmp = getenv("TMPDIR");
	int n;

	if (root_fd >= 0)
		return root_fd;
	if (tmp == NULL || tmp[0] != '/')
		tmp = "/tmp";
	n = snprintf(root_dir, sizeof(root_dir), "%s/mfacover-fuzz.XXXXXX", tmp);
	if (n < 0 || (size_t)n >= sizeof(root_dir) || mkdtemp(root_dir) == NULL) {
		fprintf(stderr, "fuzz_root: cannot make a scratch root: %s\n", strerror(errno));
		abort();
	}
	if (atexit(root_cleanup) != 0 || root_fs_open_root(root_dir, &root_fd, &perr) != 0)
		abort();
	return root_fd;
}

const char *
fuzz_root_path(void)
{
	(void)fuzz_root_fd();
	return root_dir;
}

void
fuzz_root_write(const char *rel, const void *data, size_t len)
{
	char path[PATH_MAX];
	const char *p = data;
	char *slash;
	int fd, n;

	(void)fuzz_root_fd();
	n = snprintf(path, sizeof(path), "%s/%s", root_dir, rel);
	if (n < 0 || (size_t)n >= sizeof(path))
		abort();
	/* mkdir -p the parents below the root. */
	for (slash = strchr(path + strlen(root_dir) + 1, '/'); slash != NULL;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			abort();
		*slash = '/';
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		abort();
	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			abort();
		p += w;
		len -= (size_t)w;
	}
	if (close(fd) != 0)
		abort();
}
