/*
 * fuzz_accounts.c - accounts_parse() with the input split at its first NUL
 * into passwd and group (no NUL: no group file), then the admin reasons,
 * groups and lookups for every user.
 */
#include "accounts.h"
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mfa_parse_err perr;
	struct accounts *a = NULL;
	char *buf = fuzz_copy(data, size), *group = NULL;
	size_t plen = strnlen(buf, size), glen = 0, i;

	if (plen < size) {
		group = buf + plen + 1;
		glen = size - plen - 1;
	}
	if (accounts_parse(buf, plen, "/etc/passwd", group, glen, "/etc/group", &a, &perr) != 0)
		goto out;
	for (i = 0; i < a->nusers; i++) {
		struct account_reasons reasons = {NULL, 0};
		struct account_group_ref *refs = NULL;
		size_t nrefs = 0;
		const char *name = a->users[i].name;

		if (accounts_admin_reasons(a, name, NULL, 0, &reasons) != 0)
			abort(); /* every user is in passwd */
		account_reasons_clear(&reasons);
		if (accounts_user_groups(a, name, &refs, &nrefs) != 0)
			abort();
		free(refs);
		if (accounts_user_by_name(a, name) == NULL ||
		    accounts_user_by_uid(a, a->users[i].uid) == NULL)
			abort();
		(void)accounts_shell_is_nologin(a->users[i].shell);
	}
	for (i = 0; i < a->ngroups; i++) {
		struct account_member *m = NULL;
		size_t nm = 0;

		if (accounts_group_members(a, a->groups[i].name, &m, &nm) != 0)
			abort();
		free(m);
	}
out:
	accounts_free(&a);
	free(buf);
	return 0;
}
