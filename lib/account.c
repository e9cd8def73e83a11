/*
 * account.c - user lookup through NSS or a root directory's /etc/passwd.
 */
#include "account.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "num.h"
#include "root_fs.h"

#define PASSWD_MAX_BYTES (64u * 1024u * 1024u)

void
mfa_account_free(struct mfa_account **acctp)
{
	if (acctp == NULL || *acctp == NULL)
		return;
	free((*acctp)->name);
	free((*acctp)->home);
	free(*acctp);
	*acctp = NULL;
}

static int
account_new(const char *name, uint64_t uid, uint64_t gid, const char *root, const char *home,
	    size_t homelen, struct mfa_account **acctp)
{
	struct mfa_account *a;
	size_t rootlen = root != NULL ? strlen(root) : 0;

	while (rootlen > 0 && root[rootlen - 1] == '/')
		rootlen--;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return MFA_ERR_NOMEM;
	a->uid = (uid_t)uid;
	a->gid = (gid_t)gid;
	if ((a->name = strdup(name)) == NULL || (a->home = malloc(rootlen + homelen + 1)) == NULL) {
		mfa_account_free(&a);
		return MFA_ERR_NOMEM;
	}
	if (rootlen > 0)
		memcpy(a->home, root, rootlen);
	memcpy(a->home + rootlen, home, homelen);
	a->home[rootlen + homelen] = '\0';
	*acctp = a;
	return MFA_OK;
}

static int
lookup_nss(const char *user, struct mfa_account **acctp, struct mfa_parse_err *perr)
{
	struct passwd pw, *res = NULL;
	size_t size = 4096;
	char *buf = NULL;
	int e, r;

	for (;;) {
		char *nbuf = realloc(buf, size);

		if (nbuf == NULL) {
			free(buf);
			return MFA_ERR_NOMEM;
		}
		buf = nbuf;
		e = getpwnam_r(user, &pw, buf, size, &res);
		if (e != ERANGE || size >= 1024 * 1024)
			break;
		size *= 2;
	}
	if (e == 0 && res == NULL) {
		mfa_parse_err_set(perr, 0, 0, "no such user");
		r = MFA_ERR_NOT_FOUND;
	} else if (e != 0) {
		mfa_parse_err_set(perr, 0, 0, "user lookup failed: %s", strerror(e));
		r = MFA_ERR_IO;
	} else {
		r = account_new(pw.pw_name, pw.pw_uid, pw.pw_gid, NULL, pw.pw_dir,
				strlen(pw.pw_dir), acctp);
	}
	free(buf);
	return r;
}

/* Split a passwd line into its 7 fields; false when it does not have them. */
static bool
passwd_fields(const char *line, size_t len, const char *f[7], size_t flen[7])
{
	size_t i, k = 0, start = 0;

	for (i = 0; i <= len; i++) {
		if (i == len || line[i] == ':') {
			if (k == 7)
				return false;
			f[k] = line + start;
			flen[k] = i - start;
			k++;
			start = i + 1;
		}
	}
	return k == 7;
}

static int
lookup_file(const char *root, const char *user, struct mfa_account **acctp,
	    struct mfa_parse_err *perr)
{
	char *buf = NULL, *p, *end, name[256];
	size_t len = 0, userlen = strlen(user);
	unsigned lineno = 0;
	int rootfd = -1, r;

	if ((r = root_fs_open_root(root, &rootfd, perr)) != MFA_OK)
		return r;
	r = root_fs_read_file(rootfd, "/etc/passwd", PASSWD_MAX_BYTES, &buf, &len, NULL, perr);
	close(rootfd);
	if (r != MFA_OK)
		return r;
	mfa_parse_err_init(perr, "/etc/passwd");
	r = MFA_ERR_NOT_FOUND;
	mfa_parse_err_set(perr, 0, 0, "no such user in %s/etc/passwd", root);
	for (p = buf, end = buf + len; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t linelen = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		const char *f[7];
		size_t flen[7];
		uint64_t uid, gid;

		lineno++;
		if (linelen > userlen && memcmp(p, user, userlen) == 0 && p[userlen] == ':') {
			if (!passwd_fields(p, linelen, f, flen) ||
			    mfa_parse_u64(f[2], flen[2], UINT32_MAX - 1, &uid) != MFA_OK ||
			    mfa_parse_u64(f[3], flen[3], UINT32_MAX - 1, &gid) != MFA_OK ||
			    flen[5] == 0 || f[5][0] != '/' || memchr(f[5], '\0', flen[5]) != NULL) {
				mfa_parse_err_set(perr, lineno, 0,
						  "the user's line is not name:password:uid:gid:"
						  "gecos:home:shell with numeric ids and an "
						  "absolute home");
				r = MFA_ERR_PARSE;
				break;
			}
			snprintf(name, sizeof(name), "%.*s", (int)flen[0], f[0]);
			r = account_new(name, uid, gid, root, f[5], flen[5], acctp);
			break;
		}
		p = nl != NULL ? nl + 1 : end;
	}
	free(buf);
	return r;
}

int
mfa_account_lookup(const char *root, const char *user, struct mfa_account **acctp,
		   struct mfa_parse_err *perr)
{
	if (acctp != NULL)
		*acctp = NULL;
	if (user == NULL || acctp == NULL || user[0] == '\0' || strchr(user, ':') != NULL ||
	    strchr(user, '\n') != NULL)
		return MFA_ERR_INVALID_ARG;
	if (root == NULL || strcmp(root, "/") == 0)
		return lookup_nss(user, acctp, perr);
	return lookup_file(root, user, acctp, perr);
}
