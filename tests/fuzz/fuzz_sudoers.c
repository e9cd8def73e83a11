/*
 * fuzz_sudoers.c - sudoers_parse_buffer() (no includes followed), then
 * sudoers_evaluate() for a fixed account in the sudo group.
 */
#include "fuzz_common.h"
#include "sudoers.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const groups[] = {"alice", "sudo", "wheel", "adm"};
	static const unsigned gids[] = {1000, 27, 10, 4};
	static const struct sudoers_account acct = {
		.name = "alice",
		.uid = 1000,
		.gid = 1000,
		.groups = groups,
		.gids = gids,
		.ngroups = sizeof(groups) / sizeof(groups[0]),
		.host = "host1.example.org",
	};
	struct mfa_parse_err perr;
	struct sudoers *s = NULL;
	struct sudoers_grants *g = NULL;
	char *buf = fuzz_copy(data, size);
	size_t i;

	if (sudoers_parse_buffer(buf, size, "/etc/sudoers", &s, &perr) != 0)
		goto out;
	if (sudoers_evaluate(s, &acct, &g) == 0) {
		for (i = 0; i < g->n; i++)
			(void)sudoers_pw_name(g->v[i].password_of);
	}
out:
	sudoers_grants_free(&g);
	sudoers_free(&s);
	free(buf);
	return 0;
}
