/*
 * groups.c - group membership through NSS.
 */
#include "groups.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GROUPS_BUF_MAX (1024 * 1024)
#define GROUPS_LIST_MAX 65536

/* getpwnam_r/getgrnam_r with a buffer that grows on ERANGE. */
static int
lookup_gid(const char *name, bool is_user, gid_t *gidp)
{
	size_t size = 4096;
	char *buf = NULL;
	int r = MFA_ERR_NOT_FOUND;

	for (;;) {
		char *nbuf;
		int e;

		if ((nbuf = realloc(buf, size)) == NULL) {
			r = MFA_ERR_NOMEM;
			break;
		}
		buf = nbuf;
		if (is_user) {
			struct passwd pw, *res = NULL;

			e = getpwnam_r(name, &pw, buf, size, &res);
			if (e == 0 && res != NULL) {
				*gidp = pw.pw_gid;
				r = MFA_OK;
			}
		} else {
			struct group gr, *res = NULL;

			e = getgrnam_r(name, &gr, buf, size, &res);
			if (e == 0 && res != NULL) {
				*gidp = gr.gr_gid;
				r = MFA_OK;
			}
		}
		if (e == ERANGE && size < GROUPS_BUF_MAX) {
			size *= 2;
			continue;
		}
		if (e != 0 && e != ENOENT && e != ESRCH && e != EBADF && e != EPERM)
			r = MFA_ERR_IO;
		break;
	}
	free(buf);
	return r;
}

int
mfa_user_in_groups(const char *user, char *const *groups, size_t n, bool *inp,
		   struct mfa_parse_err *perr)
{
	gid_t primary, want, *list = NULL;
	int count = 64, i, r;
	size_t g, found = 0;

	if (user == NULL || inp == NULL || (groups == NULL && n > 0))
		return MFA_ERR_INVALID_ARG;
	*inp = false;
	if ((r = lookup_gid(user, true, &primary)) != MFA_OK) {
		mfa_parse_err_set(perr, 0, 0, "user is unknown to NSS");
		return r;
	}
	for (;;) {
		int got = count;

		if ((list = calloc((size_t)count, sizeof(*list))) == NULL)
			return MFA_ERR_NOMEM;
		if (getgrouplist(user, primary, list, &got) >= 0) {
			count = got;
			break;
		}
		free(list);
		list = NULL;
		if (got <= count || got > GROUPS_LIST_MAX)
			return MFA_ERR_IO;
		count = got;
	}
	for (g = 0; g < n; g++) {
		r = lookup_gid(groups[g], false, &want);
		if (r == MFA_ERR_NOT_FOUND)
			continue; /* a list shared across hosts may name absent groups */
		if (r != MFA_OK)
			goto out;
		found++;
		for (i = 0; i < count; i++) {
			if (list[i] == want)
				*inp = true;
		}
	}
	if (found == 0) {
		/* Nobody could be covered: a misspelling must not exempt everyone. */
		mfa_parse_err_set(perr, 0, 0, "none of the only= groups exists");
		r = MFA_ERR_NOT_FOUND;
		goto out;
	}
	r = MFA_OK;
out:
	free(list);
	return r;
}
