/*
 * test_sudoers.c - sudoers parsing and evaluation on small roots in
 * tests/data/sudoers/{valid,bad}/NAME (each a root with etc/sudoers).
 *
 * `test_sudoers --check ROOT` loads ROOT/etc/sudoers and exits 0 (valid)
 * or 1 (refused, reason on stdout): tests/audit/test_sudoers_oracle.sh
 * compares that with `visudo -c`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "root_fs.h"
#include "sudoers.h"

static const char *
data_dir(void)
{
	const char *d = getenv("MFACOVER_TEST_DATA");

	return d != NULL ? d : "tests/data";
}

static struct sudoers *
load_ok(const char *kind, const char *name)
{
	char root[1024];
	struct sudoers *s = NULL;
	struct mfa_parse_err perr;
	int fd = -1, r;

	snprintf(root, sizeof(root), "%s/sudoers/%s/%s", data_dir(), kind, name);
	assert_int_equal(root_fs_open_root(root, &fd, &perr), 0);
	r = sudoers_load_host(fd, "/etc/sudoers", "web1.example.com", &s, &perr);
	close(fd);
	if (r != 0)
		fail_msg("%s: %s: %s:%u: %s", name, mfa_strerror(r), perr.file, perr.line,
			 perr.msg);
	assert_non_null(s);
	return s;
}

/* ---- evaluation table ------------------------------------------------------ */

struct want_grant {
	const char *command;
	bool runas_root;
	bool authenticate;
	const char *pam_service;
	unsigned line;
};

struct eval_case {
	const char *root;
	const char *user;
	const char *group; /* one supplementary group, or NULL */
	bool root_grant;
	bool root_without_auth;
	struct want_grant grants[4]; /* until command == NULL */
};

static const struct eval_case eval_cases[] = {
	/* Debian 12: %sudo ALL=(ALL:ALL) ALL, authenticated through PAM service sudo */
	{"debian12", "alice", "sudo", true, false, {{"ALL", true, true, "sudo", 50}}},
	{"debian12", "mallory", "users", false, false, {{NULL, false, false, NULL, 0}}},
	{"debian12", "root", NULL, true, true, {{"ALL", true, false, "sudo", 47}}},
	{"nopasswd_user_alias", "bob", NULL, true, true, {{"ALL", true, false, "sudo", 3}}},
	{"nopasswd_user_alias", "carol", NULL, false, false, {{NULL, false, false, NULL, 0}}},
	{"defaults_user_noauth", "alice", NULL, true, true, {{"ALL", true, false, "sudo", 2}}},
	{"defaults_user_noauth", "bob", NULL, true, false, {{"ALL", true, true, "sudo", 3}}},
	{"defaults_runas_noauth",
	 "alice",
	 NULL,
	 true,
	 true,
	 {{"ALL", true, false, "sudo", 2}, {"/usr/bin/id", false, true, "sudo", 3}}},
	{"defaults_cmnd_noauth",
	 "alice",
	 NULL,
	 true,
	 true,
	 {{"ALL", true, true, "sudo", 2}, {"/usr/bin/foo", true, false, "sudo", 2}}},
	{"exempt_group", "alice", "admins", true, true, {{"ALL", true, false, "sudo", 2}}},
	{"exempt_group", "bob", "users", true, false, {{"ALL", true, true, "sudo", 3}}},
	{"tag_carried_then_switched",
	 "alice",
	 NULL,
	 true,
	 true,
	 {{"/bin/a", true, false, "sudo", 1},
	  {"/bin/b", true, true, "sudo", 1},
	  {"/bin/c", true, true, "sudo", 1}}},
	{"negated_group", "alice", "sudo", false, false, {{NULL, false, false, NULL, 0}}},
	{"negated_group", "bob", "users", true, true, {{"ALL", true, false, "sudo", 1}}},
	{"later_rule_overrides",
	 "alice",
	 NULL,
	 true,
	 true,
	 {{"ALL", true, true, "sudo", 3}, {"/usr/bin/systemctl", true, false, "sudo", 5}}},
	{"runas_nonroot_only",
	 "alice",
	 NULL,
	 false,
	 false,
	 {{"ALL", false, false, "sudo", 1}, {"/usr/bin/less", false, false, "sudo", 2}}},
	{"includedir_skips", "alice", NULL, true, true, {{"/bin/ok", true, false, "sudo", 1}}},
	{"include_relative",
	 "alice",
	 NULL,
	 true,
	 true,
	 {{"/usr/bin/more", true, false, "sudo", 1}}},
	{"pam_service", "alice", "sudo", true, false, {{"ALL", true, true, "sudo-mfa", 3}}},
	{"host_alias_other_host", "alice", NULL, true, false, {{"ALL", true, true, "sudo", 3}}},
	{"undefined_alias_warns", "alice", NULL, true, false, {{"ALL", true, true, "sudo", 2}}},
	{"continuation_and_comments", "alice", NULL, true, true, {{"SVC", true, false, "sudo", 4}}},
};

static void
test_eval_table(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(eval_cases) / sizeof(eval_cases[0]); i++) {
		const struct eval_case *ec = &eval_cases[i];
		struct sudoers *s = load_ok("valid", ec->root);
		const char *groups[1] = {ec->group};
		unsigned gids[1] = {2000};
		struct sudoers_account a = {ec->user,
					    strcmp(ec->user, "root") == 0 ? 0u : 1000u,
					    1000,
					    groups,
					    gids,
					    ec->group != NULL ? 1u : 0u,
					    "web1.example.com"};
		struct sudoers_grants *g = NULL;
		size_t want = 0;

		assert_int_equal(sudoers_evaluate(s, &a, &g), 0);
		while (want < 4 && ec->grants[want].command != NULL)
			want++;
		if (g->n != want || g->root != ec->root_grant ||
		    g->root_without_auth != ec->root_without_auth)
			fail_msg(
				"%s/%s: %zu grants (want %zu), root %d (want %d), root w/o auth %d "
				"(want %d)",
				ec->root, ec->user, g->n, want, g->root, ec->root_grant,
				g->root_without_auth, ec->root_without_auth);
		for (j = 0; j < want; j++) {
			const struct want_grant *w = &ec->grants[j];
			const struct sudoers_grant *x = &g->v[j];

			if (strcmp(x->command, w->command) != 0 || x->runas_root != w->runas_root ||
			    x->authenticate != w->authenticate ||
			    strcmp(x->pam_service, w->pam_service) != 0 || x->rule.line != w->line)
				fail_msg("%s/%s grant %zu: %s root=%d auth=%d (%s) pam=%s line %u",
					 ec->root, ec->user, j, x->command, x->runas_root,
					 x->authenticate, x->auth_reason, x->pam_service,
					 x->rule.line);
			assert_non_null(x->rule.text);
		}
		sudoers_grants_free(&g);
		assert_null(g);
		sudoers_free(&s);
		assert_null(s);
	}
}

/* ---- details of the parse ----------------------------------------------------- */

static void
test_parse_elements(void **state)
{
	struct sudoers *s;
	const struct sudoers_cmndspec *cs;
	struct sudoers_account a = {"bob", 1001, 1001, NULL, NULL, 0, "web1"};
	struct sudoers_grants *g = NULL;

	(void)state;
	s = load_ok("valid", "debian12");
	assert_int_equal(s->nfiles, 2);
	assert_string_equal(s->files[1], "/etc/sudoers.d/README");
	assert_int_equal(s->ndefaults, 4);
	assert_string_equal(s->defaults[2].settings[0].name, "secure_path");
	assert_string_equal(s->defaults[2].settings[0].value,
			    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	assert_int_equal(s->defaults[3].line, 15);
	assert_int_equal(s->nuserspecs, 2);
	assert_string_equal(s->userspecs[1].text, "%sudo\tALL=(ALL:ALL) ALL");
	assert_int_equal(s->userspecs[1].users.v[0].type, SUDOERS_M_GROUP);
	assert_string_equal(s->userspecs[1].users.v[0].name, "sudo");
	sudoers_free(&s);

	s = load_ok("valid", "includedir_skips");
	assert_int_equal(s->nfiles, 2);
	assert_int_equal(s->nskipped, 2);
	assert_non_null(strstr(s->skipped[0], "foo.bak"));
	assert_non_null(strstr(s->skipped[1], "foo~"));
	sudoers_free(&s);

	s = load_ok("valid", "tag_carried_then_switched");
	cs = s->userspecs[0].privs[0].specs;
	assert_int_equal(s->userspecs[0].privs[0].nspecs, 3);
	assert_int_equal(cs[0].tags[SUDOERS_TAG_NOPASSWD], 1);
	assert_int_equal(cs[1].tags[SUDOERS_TAG_NOPASSWD], 0);
	assert_int_equal(cs[2].tags[SUDOERS_TAG_NOPASSWD], 0);
	assert_ptr_equal(cs[2].runas, cs[0].runas);
	sudoers_free(&s);

	s = load_ok("valid", "undefined_alias_warns");
	assert_int_equal(s->nwarnings, 1);
	assert_non_null(strstr(s->warnings[0], "NOSUCH"));
	sudoers_free(&s);

	/* rootpw for bob: still PAM, but with root's password */
	s = load_ok("valid", "pam_service");
	{
		const char *grp[] = {"sudo"};

		a.groups = grp;
		a.ngroups = 1;
		assert_int_equal(sudoers_evaluate(s, &a, &g), 0);
		assert_int_equal(g->n, 1);
		assert_int_equal(g->v[0].password_of, SUDOERS_PW_ROOT);
		assert_string_equal(g->v[0].pam_login_service, "sudo-mfa-i");
		assert_int_equal(g->v[0].ndefaults, 2);
		assert_int_equal(g->v[0].defaults[1].line, 2);
		sudoers_grants_free(&g);
	}
	sudoers_free(&s);
}

/* ---- refused input ------------------------------------------------------------- */

struct bad_case {
	const char *root;
	int err;
	const char *file;
	unsigned line;
	const char *reason;
};

static const struct bad_case bad_cases[] = {
	{"unknown_keyword", MFA_ERR_PARSE, "/etc/sudoers", 3, "unknown defaults entry"},
	{"unbalanced_paren", MFA_ERR_PARSE, "/etc/sudoers", 2, "')'"},
	{"missing_equals", MFA_ERR_PARSE, "/etc/sudoers", 1, "expected '='"},
	{"bad_include", MFA_ERR_PARSE, "/etc/sudoers", 2, "not found"},
	{"include_loop", MFA_ERR_TOO_DEEP, "/etc/sudoers.d/b", 2, "include loop"},
	{"continuation_at_eof", MFA_ERR_PARSE, "/etc/sudoers", 2, "continuation at end of file"},
	{"error_in_includedir_file", MFA_ERR_PARSE, "/etc/sudoers.d/20-broken", 2, "syntax error"},
	{"relative_command", MFA_ERR_PARSE, "/etc/sudoers", 1, "fully-qualified"},
	{"duplicate_alias", MFA_ERR_PARSE, "/etc/sudoers", 2, "already defined"},
};

static void
test_bad_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *bc = &bad_cases[i];
		char root[1024];
		struct sudoers *s = NULL;
		struct mfa_parse_err perr;
		int fd = -1, r;

		snprintf(root, sizeof(root), "%s/sudoers/bad/%s", data_dir(), bc->root);
		assert_int_equal(root_fs_open_root(root, &fd, &perr), 0);
		r = sudoers_load(fd, "/etc/sudoers", &s, &perr);
		close(fd);
		if (r != bc->err || strcmp(perr.file, bc->file) != 0 || perr.line != bc->line ||
		    strstr(perr.msg, bc->reason) == NULL)
			fail_msg("%s: got %s %s:%u: %s", bc->root, mfa_strerror_name(r), perr.file,
				 perr.line, perr.msg);
		assert_null(s);
	}
}

/* Buffers: grammar corners, checked against visudo 1.9.13 by hand. */
static void
test_buffers(void **state)
{
	static const struct {
		const char *text;
		bool ok;
	} cases[] = {
		{"foo ALL=(ALL) NOPASSWD: /bin/a, PASSWD: /bin/b, /bin/c\n", true},
		{"foo ALL=(ALL:) ALL\n", false},
		{"foo ALL=(:) ALL\n", true},
		{"foo ALL=NOPASSWD ALL\n", false},
		{"Defaults authenticate=foo\n", false},
		{"Defaults !pam_service\n", false},
		{"Defaults exempt_group+=wheel\n", false},
		{"Defaults env_keep += \"A B\", !lecture\n", true},
		{"Defaults:foo,%bar,!baz !authenticate\n", true},
		{"Defaults :foo !authenticate\n", false},
		{"Defaults\n", false},
		{"User_Alias ALL=x\n", false},
		{"   #include f\n", true},
		{"#123 ALL=ALL\n", true},
		{"\\\nDefaults env_reset\n", false},
		{"foo ALL=(ALL) ALL # c \\\nbar ALL=ALL\n", true},
		{"foo ALL=CWD=foo ALL\n", false},
		{"foo ALL=(ALL) TIMEOUT=1h30m ALL\n", true},
		{"foo ALL=(ALL) ^/usr/bin/.*$\n", true},
		{"foo ::1=ALL\n", true},
		{"foo ALL=/bin/ls = b\n", false},
		{"%: ALL=ALL\n", false},
		{"@include x\n", false}, /* includes are not followed from a buffer */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sudoers *s = NULL;
		struct mfa_parse_err perr;
		int r = sudoers_parse_buffer(cases[i].text, strlen(cases[i].text), "/etc/sudoers",
					     &s, &perr);

		if ((r == 0) != cases[i].ok)
			fail_msg("case %zu (%s): %s %s:%u: %s", i, cases[i].text,
				 mfa_strerror_name(r), perr.file, perr.line, perr.msg);
		sudoers_free(&s);
	}
}

/* %h in an include names the host's short name. */
static void
test_host_expansion(void **state)
{
	char dir[] = "/tmp/mfacover-sudoers-XXXXXX", p[256];
	struct sudoers *s = NULL;
	struct mfa_parse_err perr;
	FILE *fp;
	int fd = -1;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/etc", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/etc/sudoers", dir);
	assert_non_null(fp = fopen(p, "w"));
	fputs("@include /etc/sudoers.%h\n", fp);
	fclose(fp);
	snprintf(p, sizeof(p), "%s/etc/sudoers.web1", dir);
	assert_non_null(fp = fopen(p, "w"));
	fputs("alice ALL=(ALL) NOPASSWD: ALL\n", fp);
	fclose(fp);
	assert_int_equal(root_fs_open_root(dir, &fd, &perr), 0);
	assert_int_equal(sudoers_load_host(fd, "/etc/sudoers", "web1.example.com", &s, &perr), 0);
	assert_int_equal(s->nuserspecs, 1);
	assert_string_equal(s->files[1], "/etc/sudoers.web1");
	sudoers_free(&s);
	/* no host given and no /etc/hostname: refused, not guessed */
	assert_int_equal(sudoers_load(fd, "/etc/sudoers", &s, &perr), MFA_ERR_PARSE);
	assert_non_null(strstr(perr.msg, "%h"));
	close(fd);
	snprintf(p, sizeof(p), "%s/etc/sudoers.web1", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/etc/sudoers", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/etc", dir);
	rmdir(p);
	rmdir(dir);
}

static int
check_main(const char *root)
{
	struct sudoers *s = NULL;
	struct mfa_parse_err perr;
	char buf[1024];
	int fd = -1, r;

	if ((r = root_fs_open_root(root, &fd, &perr)) == 0) {
		r = sudoers_load_host(fd, "/etc/sudoers", "web1", &s, &perr);
		close(fd);
	}
	if (r != 0) {
		printf("invalid: %s: %s\n", mfa_strerror_name(r),
		       mfa_parse_err_format(&perr, buf, sizeof(buf)));
		return 1;
	}
	printf("valid: %zu files, %zu warnings\n", s->nfiles, s->nwarnings);
	sudoers_free(&s);
	return 0;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eval_table),     cmocka_unit_test(test_parse_elements),
		cmocka_unit_test(test_bad_table),      cmocka_unit_test(test_buffers),
		cmocka_unit_test(test_host_expansion),
	};

	if (argc == 3 && strcmp(argv[1], "--check") == 0)
		return check_main(argv[2]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
