/*
 * test_accounts.c - local accounts from ROOT/etc/passwd and ROOT/etc/group:
 * strict parsing with file:line, NIS lines, duplicates, uid 0 aliases,
 * membership through the primary gid and the member list, admin reasons.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accounts.h"
#include "root_fs.h"

static const char *
data_dir(void)
{
	const char *d = getenv("MFACOVER_TEST_DATA");

	return d != NULL ? d : "tests/data";
}

static int
load_at(const char *root, struct accounts **ap, struct mfa_parse_err *perr)
{
	int fd = -1, r;

	if (root_fs_open_root(root, &fd, perr) != 0)
		fail_msg("open root %s: %s", root, perr->msg);
	r = accounts_load(fd, ap, perr);
	close(fd);
	return r;
}

static struct accounts *
load_ok(const char *name)
{
	struct accounts *a = NULL;
	struct mfa_parse_err perr;
	char root[1024];
	int r;

	snprintf(root, sizeof(root), "%s/accounts/%s", data_dir(), name);
	if ((r = load_at(root, &a, &perr)) != 0)
		fail_msg("load %s: %s: %s:%u: %s", root, mfa_strerror(r), perr.file, perr.line,
			 perr.msg);
	assert_non_null(a);
	return a;
}

static bool
has_note(const struct accounts *a, const char *file, unsigned line, const char *part)
{
	size_t i;

	for (i = 0; i < a->nnotes; i++)
		if (strcmp(a->notes[i].file, file) == 0 && a->notes[i].line == line &&
		    strstr(a->notes[i].text, part) != NULL)
			return true;
	return false;
}

static void
test_passwd_group_parse(void **state)
{
	struct accounts *a = load_ok("basic");
	const struct account_user *u;
	const struct account_group *g;

	(void)state;
	assert_int_equal(a->nusers, 9);
	assert_int_equal(a->ngroups, 9);
	u = accounts_user_by_name(a, "alice");
	assert_non_null(u);
	/* the first of two "alice" lines wins, as getpwnam */
	assert_int_equal(u->uid, 1000);
	assert_int_equal(u->line, 6);
	assert_string_equal(u->gecos, "Alice Admin,,,");
	assert_string_equal(u->home, "/home/alice");
	assert_string_equal(u->shell, "/bin/bash");
	assert_false(u->nologin);
	assert_true(has_note(a, "/etc/passwd", 12, "defined again (first at line 6)"));
	/* uid 0 resolves to root, the first line */
	assert_string_equal(accounts_user_by_uid(a, 0)->name, "root");
	assert_null(accounts_user_by_uid(a, 4242));
	assert_null(accounts_user_by_name(a, "eve"));
	/* nologin shells */
	assert_true(accounts_user_by_name(a, "daemon")->nologin);
	assert_true(accounts_user_by_name(a, "svc")->nologin);
	/* an empty shell is /bin/sh: it can log in */
	assert_string_equal(accounts_user_by_name(a, "dave")->shell, "");
	assert_false(accounts_user_by_name(a, "dave")->nologin);
	assert_true(accounts_shell_is_nologin("/sbin/nologin"));
	assert_true(accounts_shell_is_nologin("/usr/bin/false"));
	assert_false(accounts_shell_is_nologin("/bin/falsey"));
	assert_false(accounts_shell_is_nologin(NULL));
	/* NIS lines are skipped and noted */
	assert_true(has_note(a, "/etc/passwd", 11, "NIS"));
	assert_true(has_note(a, "/etc/passwd", 13, "NIS"));
	assert_true(has_note(a, "/etc/group", 10, "NIS"));
	/* groups: the trailing comma adds no empty member */
	g = accounts_group_by_name(a, "sudo");
	assert_non_null(g);
	assert_int_equal(g->gid, 27);
	assert_int_equal(g->line, 3);
	assert_int_equal(g->nmembers, 2);
	assert_string_equal(g->members[1], "ldapuser");
	assert_string_equal(accounts_group_by_gid(a, 10)->name, "wheel");
	assert_null(accounts_group_by_name(a, "admin"));
	accounts_free(&a);
	assert_null(a);
	accounts_free(&a);
	accounts_free(NULL);
}

static void
test_user_groups_primary_and_listed(void **state)
{
	struct accounts *a = load_ok("basic");
	struct account_group_ref *refs = NULL;
	size_t n = 0;

	(void)state;
	/* carol: primary carol(1002), listed in wheel, svc, staff */
	assert_int_equal(accounts_user_groups(a, "carol", &refs, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(refs[0].gid, 1002);
	assert_true(refs[0].primary);
	assert_false(refs[0].listed);
	assert_string_equal(refs[1].name, "wheel");
	assert_true(refs[1].listed);
	assert_false(refs[1].primary);
	assert_string_equal(refs[2].name, "svc");
	assert_string_equal(refs[3].name, "staff");
	free(refs);
	/* bob: primary gid 27 is sudo, listed nowhere */
	assert_int_equal(accounts_user_groups(a, "bob", &refs, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(refs[0].name, "sudo");
	assert_true(refs[0].primary);
	free(refs);
	assert_int_equal(accounts_user_groups(a, "nobody-here", &refs, &n), MFA_ERR_NOT_FOUND);
	assert_null(refs);
	assert_int_equal(n, 0);
	accounts_free(&a);
}

static void
test_group_members_primary_and_listed(void **state)
{
	struct accounts *a = load_ok("basic");
	struct account_member *m = NULL;
	size_t n = 0;

	(void)state;
	/* sudo: bob by primary gid, then alice and ldapuser (not in passwd) listed */
	assert_int_equal(accounts_group_members(a, "sudo", &m, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(m[0].name, "bob");
	assert_true(m[0].primary);
	assert_non_null(m[0].user);
	assert_string_equal(m[1].name, "alice");
	assert_true(m[1].listed);
	assert_false(m[1].primary);
	assert_string_equal(m[2].name, "ldapuser");
	assert_null(m[2].user);
	free(m);
	/* root: root and toor (both gid 0) */
	assert_int_equal(accounts_group_members(a, "root", &m, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(m[1].name, "toor");
	free(m);
	/* a group nobody is in */
	assert_int_equal(accounts_group_members(a, "daemon", &m, &n), 0);
	assert_int_equal(n, 1); /* daemon's primary group */
	free(m);
	assert_int_equal(accounts_group_members(a, "admin", &m, &n), MFA_ERR_NOT_FOUND);
	accounts_free(&a);
}

static void
test_admin_reasons(void **state)
{
	struct accounts *a = load_ok("basic");
	struct account_reasons r = {NULL, 0};
	const char *const only_staff[] = {"staff"};

	(void)state;
	/* toor: a second name for uid 0 */
	assert_int_equal(accounts_admin_reasons(a, "toor", NULL, 0, &r), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.items[0].kind, ACCOUNT_REASON_UID0);
	assert_string_equal(r.items[0].text, "uid 0");
	assert_string_equal(r.items[0].file, "/etc/passwd");
	assert_int_equal(r.items[0].line, 4);
	account_reasons_clear(&r);
	/* alice: listed in sudo */
	assert_int_equal(accounts_admin_reasons(a, "alice", NULL, 0, &r), 0);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.items[0].text, "member of sudo (listed)");
	assert_string_equal(r.items[0].file, "/etc/group");
	assert_int_equal(r.items[0].line, 3);
	account_reasons_clear(&r);
	/* bob: sudo as primary group; evidence is his passwd line */
	assert_int_equal(accounts_admin_reasons(a, "bob", NULL, 0, &r), 0);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.items[0].text, "member of sudo (primary group)");
	assert_string_equal(r.items[0].file, "/etc/passwd");
	assert_int_equal(r.items[0].line, 7);
	account_reasons_clear(&r);
	/* carol: wheel */
	assert_int_equal(accounts_admin_reasons(a, "carol", NULL, 0, &r), 0);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.items[0].text, "member of wheel (listed)");
	/* the sudoers analysis appends to the same list */
	assert_int_equal(account_reasons_add(&r, ACCOUNT_REASON_SUDO_RULE, "/etc/sudoers", 52,
					     "sudo rule %s", "%staff ALL=(ALL) ALL"),
			 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.items[1].kind, ACCOUNT_REASON_SUDO_RULE);
	assert_string_equal(r.items[1].text, "sudo rule %staff ALL=(ALL) ALL");
	assert_int_equal(r.items[1].line, 52);
	account_reasons_clear(&r);
	assert_null(r.items);
	assert_int_equal(r.n, 0);
	/* dave: no reason by default; the caller's own list replaces the defaults */
	assert_int_equal(accounts_admin_reasons(a, "dave", NULL, 0, &r), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(accounts_admin_reasons(a, "dave", only_staff, 1, &r), 0);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.items[0].text, "member of staff (listed)");
	account_reasons_clear(&r);
	/* with staff only, carol is an admin through staff, no longer through wheel */
	assert_int_equal(accounts_admin_reasons(a, "carol", only_staff, 1, &r), 0);
	assert_int_equal(r.n, 1);
	account_reasons_clear(&r);
	assert_int_equal(accounts_admin_reasons(a, "eve", NULL, 0, &r), MFA_ERR_NOT_FOUND);
	assert_int_equal(r.n, 0);
	account_reasons_clear(&r);
	accounts_free(&a);
}

static void
test_malformed_lines(void **state)
{
	struct accounts *a = NULL;
	struct mfa_parse_err perr;
	char root[1024];
	static const struct {
		const char *passwd, *group, *file;
		unsigned line;
		const char *why;
	} cases[] = {
		{"root:x:0:0:root:/root:/bin/bash\nx:y\n", "", "/etc/passwd", 2, "7 fields"},
		{"a:x:0:0::/:/bin/sh:extra\n", "", "/etc/passwd", 1, "7 fields"},
		{"a:x:-1:0::/:/bin/sh\n", "", "/etc/passwd", 1, "decimal"},
		{"a:x:4294967295:0::/:/bin/sh\n", "", "/etc/passwd", 1, "decimal"},
		{"a:x::0::/:/bin/sh\n", "", "/etc/passwd", 1, "decimal"},
		{":x:0:0::/:/bin/sh\n", "", "/etc/passwd", 1, "name"},
		{" a:x:0:0::/:/bin/sh\n", "", "/etc/passwd", 1, "blank"},
		{"a:x:0:0::/:/bin/sh\r\n", "", "/etc/passwd", 1, "carriage"},
		{"a:x:0:0::/:/bin/sh\n", "g:x:1:\ng:x:x:\n", "/etc/group", 2, "gid"},
		{"a:x:0:0::/:/bin/sh\n", "g:x:1\n", "/etc/group", 1, "4 fields"},
		{"a:x:0:0::/:/bin/sh\n", "g:x:1:a b\n", "/etc/group", 1, "blank"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = accounts_parse(cases[i].passwd, strlen(cases[i].passwd), "/etc/passwd",
				       cases[i].group, strlen(cases[i].group), "/etc/group", &a,
				       &perr);

		if (r != MFA_ERR_PARSE)
			fail_msg("case %zu: %d", i, r);
		assert_null(a);
		assert_string_equal(perr.file, cases[i].file);
		assert_int_equal(perr.line, cases[i].line);
		if (strstr(perr.msg, cases[i].why) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, perr.msg, cases[i].why);
	}
	/* from files under a root */
	snprintf(root, sizeof(root), "%s/accounts/malformed-passwd", data_dir());
	assert_int_equal(load_at(root, &a, &perr), MFA_ERR_PARSE);
	assert_string_equal(perr.file, "/etc/passwd");
	assert_int_equal(perr.line, 3);
	snprintf(root, sizeof(root), "%s/accounts/malformed-group", data_dir());
	assert_int_equal(load_at(root, &a, &perr), MFA_ERR_PARSE);
	assert_string_equal(perr.file, "/etc/group");
	assert_int_equal(perr.line, 3);
	assert_null(a);
}

static void
test_missing_files(void **state)
{
	struct accounts *a = load_ok("nogroup");
	struct mfa_parse_err perr;
	char root[1024];

	(void)state;
	assert_int_equal(a->nusers, 1);
	assert_int_equal(a->ngroups, 0);
	assert_true(has_note(a, "/etc/group", 0, "no group file"));
	accounts_free(&a);
	/* no passwd at all: the audit cannot proceed */
	snprintf(root, sizeof(root), "%s/accounts", data_dir());
	assert_int_equal(load_at(root, &a, &perr), MFA_ERR_NOT_FOUND);
	assert_null(a);
}

/* Every corpus root that carries passwd (and group) must load. */
static void
test_corpus_roots(void **state)
{
	const char *corpus = getenv("MFACOVER_SHARED_CORPUS");
	struct dirent *de;
	DIR *d;
	size_t loaded = 0;

	(void)state;
	if (corpus == NULL || (d = opendir(corpus)) == NULL)
		skip();
	while ((de = readdir(d)) != NULL) {
		char root[1024], pw[1100];
		struct accounts *a = NULL;
		struct mfa_parse_err perr;
		struct stat st;
		int r;

		if (de->d_name[0] == '.')
			continue;
		snprintf(root, sizeof(root), "%s/%s", corpus, de->d_name);
		snprintf(pw, sizeof(pw), "%s/etc/passwd", root);
		if (stat(pw, &st) != 0)
			continue;
		if ((r = load_at(root, &a, &perr)) != 0)
			fail_msg("%s: %s: %s:%u: %s", root, mfa_strerror(r), perr.file, perr.line,
				 perr.msg);
		assert_non_null(accounts_user_by_uid(a, 0));
		accounts_free(&a);
		loaded++;
	}
	closedir(d);
	print_message("corpus roots with passwd: %zu\n", loaded);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passwd_group_parse),
		cmocka_unit_test(test_user_groups_primary_and_listed),
		cmocka_unit_test(test_group_members_primary_and_listed),
		cmocka_unit_test(test_admin_reasons),
		cmocka_unit_test(test_malformed_lines),
		cmocka_unit_test(test_missing_files),
		cmocka_unit_test(test_corpus_roots),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
