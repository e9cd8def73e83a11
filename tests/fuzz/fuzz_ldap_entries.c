/*
 * fuzz_ldap_entries.c - LDAP entries: the LDIF reader, then the directory
 * accounts built from what it read (users, groups, nested memberships).
 * and the sudoRole entries as sudoers lines (sudoers_ldap.h).
 * Properties: a parse error leaves the list as it was and names a line of
 * the input; every user is found by its name (the first of that name);
 * every membership names a group that exists, reached through one that
 * exists, and no group twice; every sudoers line written is one line, and
 * the sudoers grammar either takes it or names it, never follows an include.
 */
#include "fuzz_common.h"
#include "ldap_accounts.h"
#include "ldap_entry.h"
#include "sudoers.h"
#include "sudoers_ldap.h"

static unsigned
count_lines(const char *buf, size_t size)
{
	unsigned n = 1;
	size_t i;

	for (i = 0; i < size; i++)
		n += buf[i] == '\n';
	return n;
}

static void
check_accounts(const struct ldap_accounts *a)
{
	size_t i, j, k;

	for (i = 0; i < a->nusers; i++) {
		const struct ldap_user *u = &a->users[i];
		const struct ldap_user *found = ldap_accounts_user(a, u->name);

		if (found == NULL || strcmp(found->name, u->name) != 0 || found > u)
			abort();
		for (j = 0; j < u->ngroups; j++) {
			if (u->groups[j].group >= a->ngroups || u->groups[j].via >= a->ngroups ||
			    u->groups[j].how == NULL)
				abort();
			for (k = 0; k < j; k++)
				if (u->groups[k].group == u->groups[j].group)
					abort();
			if (ldap_user_in_group(a, u, a->groups[u->groups[j].group].name) == NULL)
				abort();
		}
	}
}

static void
check_sudo_rules(const struct ldap_entries *es)
{
	struct sudoers_ldap *sl = NULL;
	struct mfa_parse_err perr;
	size_t i;

	if (sudoers_ldap_convert(es, &sl, &perr) != MFA_OK)
		return;
	for (i = 0; i < sl->nbuffers; i++) {
		const struct sudoers_buffer *b = &sl->buffers[i];
		struct sudoers *s = NULL;

		if (b->len == 0 || memchr(b->buf, '\n', b->len) != b->buf + b->len - 1)
			abort();
		if (sudoers_parse_buffer(b->buf, b->len, b->file, &s, &perr) == MFA_OK) {
			if (s->nfiles != 1)
				abort(); /* an include was followed */
		} else if (strncmp(perr.file, b->file, sizeof(perr.file) - 1) != 0 &&
			   perr.file[0] != '\0') {
			abort(); /* (perr.file holds a long DN's name cut short) */
		}
		sudoers_free(&s);
	}
	sudoers_ldap_free(&sl);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ldap_entries es = {0};
	struct ldap_accounts *a = NULL;
	struct mfa_parse_err perr;
	struct ldap_entry *e;
	char *buf = fuzz_copy(data, size);

	if (ldap_entries_add(&es, "cn=sentinel", 0, &e) != MFA_OK)
		abort();
	if (ldif_parse(buf, size, "fuzz.ldif", &es, &perr) != MFA_OK) {
		if (es.n != 1 || strcmp(es.v[0].dn, "cn=sentinel") != 0)
			abort();
		if (perr.line > count_lines(buf, size))
			abort();
	} else {
		if (ldap_accounts_build(&es, "fuzz.ldif", &a, &perr) == MFA_OK) {
			check_accounts(a);
			ldap_accounts_free(&a);
		}
		check_sudo_rules(&es);
	}
	ldap_entries_clear(&es);
	free(buf);
	return 0;
}
