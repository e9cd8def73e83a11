/*
 * fuzz_sudoers.c - sudoers_parse_buffer() (no includes followed), then
 * sudoers_evaluate() for a fixed account in the sudo group.  Property: the
 * grants are the same with the user index (which skips the user specs the
 * account's name and groups cannot match) and without it, rule by rule.
 */
#include "fuzz_common.h"
#include "sudoers.h"

static void
same_grants(const struct sudoers_grants *a, const struct sudoers_grants *b)
{
	size_t i;

	if (a->n != b->n || a->root != b->root || a->root_without_auth != b->root_without_auth)
		abort();
	for (i = 0; i < a->n; i++) {
		const struct sudoers_grant *x = &a->v[i], *y = &b->v[i];

		if (x->runas_root != y->runas_root || x->authenticate != y->authenticate ||
		    x->password_of != y->password_of || x->uncertain != y->uncertain ||
		    x->rule.line != y->rule.line || strcmp(x->command, y->command) != 0 ||
		    strcmp(x->runas, y->runas) != 0 || strcmp(x->pam_service, y->pam_service) != 0)
			abort();
	}
}

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
	struct sudoers_grants *g = NULL, *full = NULL;
	struct sudoers_user_index *ix;
	char *buf = fuzz_copy(data, size);
	size_t i;
	int r1, r2;

	if (sudoers_parse_buffer(buf, size, "/etc/sudoers", &s, &perr) != 0)
		goto out;
	r1 = sudoers_evaluate(s, &acct, &g);
	ix = s->user_index;
	s->user_index = NULL;
	r2 = sudoers_evaluate(s, &acct, &full);
	s->user_index = ix;
	if (r1 != r2)
		abort();
	if (r1 == 0) {
		same_grants(g, full);
		for (i = 0; i < g->n; i++)
			(void)sudoers_pw_name(g->v[i].password_of);
	}
out:
	sudoers_grants_free(&g);
	sudoers_grants_free(&full);
	sudoers_free(&s);
	free(buf);
	return 0;
}
