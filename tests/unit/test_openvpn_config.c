/*
 * test_openvpn_config.c - OpenVPN configurations under a root: the line
 * splitter against OpenVPN's parse_line rules (table), and small roots in
 * tests/data/openvpn/ for each way a server can authenticate clients.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "openvpn_config.h"
#include "root_fs.h"

static const char *
data_dir(void)
{
	const char *d = getenv("MFACOVER_TEST_DATA");

	return d != NULL ? d : "tests/data";
}

static struct openvpn_configs *
load_root(const char *name)
{
	struct openvpn_configs *c = NULL;
	struct mfa_parse_err perr;
	char root[1024];
	int fd = -1, r;

	snprintf(root, sizeof(root), "%s/openvpn/%s", data_dir(), name);
	if (root_fs_open_root(root, &fd, &perr) != 0)
		fail_msg("open root %s: %s", root, perr.msg);
	r = openvpn_configs_load(fd, &c, &perr);
	close(fd);
	if (r != 0)
		fail_msg("load %s: %s: %s:%u: %s", root, mfa_strerror(r), perr.file, perr.line,
			 perr.msg);
	assert_non_null(c);
	return c;
}

static const struct openvpn_config *
config(const struct openvpn_configs *c, const char *path)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->configs[i].path, path) == 0)
			return &c->configs[i];
	fail_msg("no config %s", path);
	return NULL;
}

/* A problem of cfg at file:line whose text contains `part`. */
static void
has_problem(const struct openvpn_config *cfg, const char *file, unsigned line, const char *part)
{
	size_t i;

	for (i = 0; i < cfg->nproblems; i++) {
		const struct openvpn_msg *m = &cfg->problems[i];

		if (strcmp(m->file, file) == 0 && m->line == line && strstr(m->text, part) != NULL)
			return;
	}
	for (i = 0; i < cfg->nproblems; i++)
		print_message("problem %s:%u: %s\n", cfg->problems[i].file, cfg->problems[i].line,
			      cfg->problems[i].text);
	fail_msg("no problem %s:%u containing \"%s\"", file, line, part);
}

static bool
has_note(const struct openvpn_config *cfg, const char *part)
{
	size_t i;

	for (i = 0; i < cfg->nnotes; i++)
		if (strstr(cfg->notes[i].text, part) != NULL)
			return true;
	return false;
}

/* ---- the line splitter ------------------------------------------------- */

struct split_case {
	const char *line;
	int result;
	const char *words[6]; /* NULL-terminated; for errors: part of the reason */
};

static const struct split_case split_cases[] = {
	{"", 0, {NULL}},
	{"   \t\n", 0, {NULL}},
	{"# comment", 0, {NULL}},
	{"  ; comment", 0, {NULL}},
	{"port 1194\n", 0, {"port", "1194", NULL}},
	{"key a.key # b", 0, {"key", "a.key", NULL}},
	{"key a#b;c", 0, {"key", "a#b;c", NULL}},
	{"push \"route 10.0.0.0 255.0.0.0\"", 0, {"push", "route 10.0.0.0 255.0.0.0", NULL}},
	{"plugin p.so 'a \"b\" c'", 0, {"plugin", "p.so", "a \"b\" c", NULL}},
	{"x \"a\\\"b\\\\c\"", 0, {"x", "a\"b\\c", NULL}},
	{"x a\\ b", 0, {"x", "a b", NULL}},
	{"x 'a\\b'", 0, {"x", "a\\b", NULL}},
	{"x \"\"", 0, {"x", "", NULL}},
	{"x \\# y", 0, {"x", NULL}},
	{"x\r\n", 0, {"x", NULL}},
	{"a b\0c d", 0, {"a", "b", NULL}},
	{"x \"open", MFA_ERR_PARSE, {"double quote", NULL}},
	{"x 'open", MFA_ERR_PARSE, {"single quote", NULL}},
	{"x c:\\dir", MFA_ERR_PARSE, {"backslash", NULL}},
	{"x \"\\n\"", MFA_ERR_PARSE, {"backslash", NULL}},
	{"x a\\", MFA_ERR_PARSE, {"backslash", NULL}},
	{"1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18", 0, {"1", "2", "3", "4", "5", NULL}},
};

static void
test_split_line_table(void **state)
{
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(split_cases) / sizeof(split_cases[0]); i++) {
		const struct split_case *c = &split_cases[i];
		/* the NUL case needs its true length */
		size_t len = i == 15 ? 7 : strlen(c->line);
		struct mfa_parse_err perr;
		char **argv = NULL;
		size_t argc = 99;
		int r;

		mfa_parse_err_init(&perr, "t");
		r = openvpn_split_line(c->line, len, &argv, &argc, &perr);
		if (r != c->result)
			fail_msg("case %zu \"%s\": %d, wanted %d", i, c->line, r, c->result);
		if (r != 0) {
			assert_null(argv);
			if (strstr(perr.msg, c->words[0]) == NULL)
				fail_msg("case %zu: reason \"%s\" lacks \"%s\"", i, perr.msg,
					 c->words[0]);
			continue;
		}
		if (i == sizeof(split_cases) / sizeof(split_cases[0]) - 1) {
			assert_int_equal(argc, OPENVPN_MAX_PARMS);
			assert_string_equal(argv[15], "16");
			assert_null(argv[16]);
			openvpn_argv_free(&argv);
			continue;
		}
		for (k = 0; c->words[k] != NULL; k++) {
			if (k >= argc)
				fail_msg("case %zu: %zu words, wanted more", i, argc);
			if (strcmp(argv[k], c->words[k]) != 0)
				fail_msg("case %zu word %zu: \"%s\", wanted \"%s\"", i, k, argv[k],
					 c->words[k]);
		}
		assert_int_equal(argc, k);
		if (argc == 0)
			assert_null(argv);
		else
			assert_null(argv[argc]);
		openvpn_argv_free(&argv);
		assert_null(argv);
	}
}

/* ---- roots ------------------------------------------------------------- */

static void
test_auth_pam_quoted_args_and_client_ignored(void **state)
{
	struct openvpn_configs *c = load_root("pam-quoted");
	const struct openvpn_config *s, *cl;
	const struct openvpn_auth *a;
	size_t i;

	(void)state;
	assert_int_equal(c->n, 2);
	/* sorted by path */
	assert_string_equal(c->configs[0].path, "/etc/openvpn/client/laptop.conf");
	s = config(c, "/etc/openvpn/server/vpn.conf");
	assert_int_equal(s->location, OPENVPN_LOC_SERVER_DIR);
	assert_int_equal(s->nproblems, 0);
	assert_int_equal(s->role, OPENVPN_ROLE_SERVER);
	/* "--server" on line 6 decided it */
	assert_string_equal(s->directives[s->role_directive].argv[0], "server");
	assert_int_equal(s->directives[s->role_directive].line, 6);
	assert_int_equal(s->verdict, OPENVPN_VERDICT_PAM);
	assert_string_equal(openvpn_verdict_name(s->verdict), "pam");
	assert_int_equal(s->client_cert, OPENVPN_CERT_REQUIRE);
	assert_int_equal(s->client_cert_directive, OPENVPN_NONE);
	/* the plugin line inside <ca> is content, not an option */
	assert_int_equal(s->nauths, 1);
	a = &s->auths[0];
	assert_int_equal(a->kind, OPENVPN_AUTH_PAM_PLUGIN);
	assert_string_equal(a->pam_service, "openvpn-mfa");
	assert_int_equal(s->directives[a->directive].line, 15);
	assert_string_equal(s->directives[a->directive].file, "/etc/openvpn/server/vpn.conf");
	/* the argument string split as OpenVPN splits it for the plugin */
	assert_int_equal(a->argc, 8);
	assert_string_equal(a->argv[1], "openvpn-mfa");
	assert_string_equal(a->argv[6], "verification code");
	assert_string_equal(a->argv[7], "OTP");
	assert_null(a->argv[8]);
	/* inline block kept as {tag, "[inline]"} at its opening line, content never stored */
	for (i = 0; i < s->ndirectives; i++)
		if (strcmp(s->directives[i].argv[0], "ca") == 0)
			break;
	assert_true(i < s->ndirectives);
	assert_int_equal(s->directives[i].line, 7);
	assert_string_equal(s->directives[i].argv[1], "[inline]");
	assert_string_equal(s->directives[i + 1].argv[0], "cert");
	assert_int_equal(s->directives[i + 1].line, 12);
	assert_string_equal(s->directives[i + 1].argv[1], "/etc/openvpn/server/server.crt");
	assert_string_equal(s->directives[i + 2].argv[1], "/etc/openvpn/server/server.key");
	assert_int_equal(s->directives[i + 2].argc, 2);
	assert_true(s->auth_gen_token);
	assert_true(s->username_as_common_name);
	assert_true(has_note(s, "auth-gen-token"));
	/* setenv opt NAME: the option NAME */
	assert_string_equal(s->directives[s->ndirectives - 2].argv[0], "block-outside-dns");
	assert_true(s->directives[s->ndirectives - 2].via_setenv_opt);

	cl = config(c, "/etc/openvpn/client/laptop.conf");
	assert_int_equal(cl->location, OPENVPN_LOC_CLIENT_DIR);
	assert_int_equal(cl->role, OPENVPN_ROLE_CLIENT);
	assert_int_equal(cl->verdict, OPENVPN_VERDICT_NOT_SERVER);
	assert_true(cl->static_challenge);
	assert_true(cl->auth_user_pass);
	assert_int_equal(openvpn_configs_first_problem(c, NULL), 0);
	openvpn_configs_free(&c);
	assert_null(c);
}

static void
test_script_not_provable(void **state)
{
	struct openvpn_configs *c = load_root("script");
	const struct openvpn_config *s;

	(void)state;
	assert_int_equal(c->n, 1);
	s = config(c, "/etc/openvpn/server.conf");
	assert_int_equal(s->location, OPENVPN_LOC_TOP);
	assert_int_equal(s->role, OPENVPN_ROLE_SERVER);
	assert_int_equal(s->verdict, OPENVPN_VERDICT_NOT_PROVABLE);
	assert_int_equal(s->nauths, 1);
	assert_int_equal(s->auths[0].kind, OPENVPN_AUTH_SCRIPT);
	assert_string_equal(s->auths[0].argv[0], "/etc/openvpn/check user.sh");
	assert_string_equal(s->auths[0].argv[1], "via-file");
	assert_int_equal(s->directives[s->auths[0].directive].line, 6);
	assert_int_equal(s->client_cert, OPENVPN_CERT_OPTIONAL);
	assert_int_equal(s->directives[s->client_cert_directive].line, 7);
	assert_int_equal(s->script_security, 2);
	openvpn_configs_free(&c);
}

static void
test_certificates_only(void **state)
{
	struct openvpn_configs *c = load_root("certonly");
	const struct openvpn_config *s;

	(void)state;
	assert_int_equal(c->n, 1);
	s = &c->configs[0];
	assert_int_equal(s->role, OPENVPN_ROLE_SERVER);
	/* the down-root plugin checks no user */
	assert_int_equal(s->nauths, 0);
	assert_int_equal(s->verdict, OPENVPN_VERDICT_CERT_ONLY);
	openvpn_configs_free(&c);
}

static void
test_no_client_cert(void **state)
{
	struct openvpn_configs *c = load_root("nocert");
	const struct openvpn_config *s;

	(void)state;
	assert_int_equal(c->n, 3);
	/* verify-client-cert none + auth-pam with a plain service word */
	s = config(c, "/etc/openvpn/server/pam.conf");
	assert_int_equal(s->verdict, OPENVPN_VERDICT_PAM);
	assert_int_equal(s->client_cert, OPENVPN_CERT_NONE);
	assert_int_equal(s->directives[s->client_cert_directive].line, 3);
	assert_string_equal(s->auths[0].pam_service, "openvpn");
	assert_int_equal(s->auths[0].argc, 2);
	/* optional certificate and nothing else: anyone gets in */
	s = config(c, "/etc/openvpn/server/open.conf");
	assert_int_equal(s->verdict, OPENVPN_VERDICT_NO_CLIENT_AUTH);
	assert_int_equal(s->client_cert, OPENVPN_CERT_OPTIONAL);
	/* the removed client-cert-not-required still reads as "no certificate" */
	s = config(c, "/etc/openvpn/server/legacy.conf");
	assert_int_equal(s->client_cert, OPENVPN_CERT_NONE);
	assert_int_equal(s->verdict, OPENVPN_VERDICT_NOT_PROVABLE);
	assert_true(has_note(s, "client-cert-not-required"));
	openvpn_configs_free(&c);
}

static void
test_config_include_and_cycle(void **state)
{
	struct openvpn_configs *c = load_root("include");
	const struct openvpn_config *s, *f;
	struct mfa_parse_err perr;
	size_t i;

	(void)state;
	assert_int_equal(c->n, 5);
	s = config(c, "/etc/openvpn/server/main.conf");
	assert_int_equal(s->nproblems, 0);
	assert_int_equal(s->nfiles, 4);
	assert_string_equal(s->files[1], "/etc/openvpn/server/tls.conf");
	assert_string_equal(s->files[2], "/etc/openvpn/common/auth.conf");
	/* after `cd /etc/openvpn/common`, relative names start there */
	assert_string_equal(s->files[3], "/etc/openvpn/common/more.conf");
	assert_int_equal(s->role, OPENVPN_ROLE_SERVER);
	/* PAM service vpn-admins and a RADIUS plugin: both must accept */
	assert_int_equal(s->nauths, 2);
	assert_int_equal(s->auths[0].kind, OPENVPN_AUTH_PAM_PLUGIN);
	assert_string_equal(s->auths[0].pam_service, "vpn-admins");
	assert_string_equal(s->directives[s->auths[0].directive].file,
			    "/etc/openvpn/common/auth.conf");
	assert_int_equal(s->directives[s->auths[0].directive].line, 2);
	assert_int_equal(s->directives[s->auths[0].directive].depth, 1);
	assert_int_equal(s->auths[1].kind, OPENVPN_AUTH_PLUGIN);
	assert_true(s->directives[s->auths[1].directive].via_setenv_opt);
	assert_int_equal(s->directives[s->auths[1].directive].depth, 2);
	assert_int_equal(s->verdict, OPENVPN_VERDICT_PAM);
	/* keepalive after the includes is still read, from main.conf line 4 */
	assert_string_equal(s->directives[s->ndirectives - 1].argv[0], "keepalive");
	assert_int_equal(s->directives[s->ndirectives - 1].line, 4);

	/* the fragments are found too, marked as included, and are no servers */
	f = config(c, "/etc/openvpn/server/tls.conf");
	assert_true(f->included);
	assert_int_equal(f->role, OPENVPN_ROLE_P2P_NOCRYPTO); /* has dev: would run alone */
	f = config(c, "/etc/openvpn/common/auth.conf");
	assert_true(f->included);
	assert_int_equal(f->location, OPENVPN_LOC_OTHER);
	assert_int_equal(f->role, OPENVPN_ROLE_NONE);
	assert_int_equal(f->verdict, OPENVPN_VERDICT_NOT_SERVER);
	assert_false(s->included);

	/* a file that includes itself stops at OpenVPN's depth limit */
	s = config(c, "/etc/openvpn/server/loop.conf");
	assert_int_equal(s->verdict, OPENVPN_VERDICT_BROKEN);
	has_problem(s, "/etc/openvpn/server/loop.conf", 3, "deep");
	assert_int_equal(s->nfiles, OPENVPN_MAX_DEPTH);
	for (i = 0; i < c->n; i++)
		if (c->configs[i].nproblems > 0)
			break;
	assert_int_equal(openvpn_configs_first_problem(c, &perr), MFA_ERR_PARSE);
	assert_string_equal(perr.file, "/etc/openvpn/server/loop.conf");
	assert_int_equal(perr.line, 3);
	openvpn_configs_free(&c);
}

static void
test_malformed_lines_have_file_and_line(void **state)
{
	struct openvpn_configs *c = load_root("malformed");
	const struct openvpn_config *s;
	const char *bad = "/etc/openvpn/server/bad.conf";
	size_t i;

	(void)state;
	assert_int_equal(c->n, 3);
	s = config(c, bad);
	assert_int_equal(s->verdict, OPENVPN_VERDICT_BROKEN);
	has_problem(s, bad, 3, "double quote");
	has_problem(s, bad, 4, "without a module path");
	has_problem(s, bad, 6, "backslash");
	has_problem(s, bad, 7, "without a PAM service");
	has_problem(s, bad, 8, "verify-client-cert");
	has_problem(s, bad, 9, "via-env or via-file");
	has_problem(s, bad, 10, "single quote");
	has_problem(s, bad, 11, "cannot read config /etc/openvpn/server/missing.conf");
	assert_int_equal(s->nproblems, 8);
	/* sorted by line: the first problem is the earliest line */
	assert_int_equal(s->problems[0].line, 3);
	assert_int_equal(s->problems[7].line, 11);
	assert_int_equal(s->problems[1].line, 4);
	/* no reason quotes the line's content */
	for (i = 0; i < s->nproblems; i++)
		assert_null(strstr(s->problems[i].text, "USERNAME"));

	s = config(c, "/etc/openvpn/server/noend.conf");
	has_problem(s, "/etc/openvpn/server/noend.conf", 4, "</key>");
	assert_int_equal(s->verdict, OPENVPN_VERDICT_BROKEN);
	for (i = 0; i < s->ndirectives; i++)
		assert_null(strstr(s->directives[i].argv[s->directives[i].argc - 1], "secret"));

	s = config(c, "/etc/openvpn/server/long.conf");
	has_problem(s, "/etc/openvpn/server/long.conf", 4, "longer than 256");
	openvpn_configs_free(&c);
}

static void
test_no_openvpn_directory(void **state)
{
	struct openvpn_configs *c = NULL;
	struct mfa_parse_err perr;
	char root[1024];
	int fd = -1;

	(void)state;
	/* a root without /etc/openvpn: no configurations, no error */
	snprintf(root, sizeof(root), "%s/openvpn/script/etc", data_dir());
	assert_int_equal(root_fs_open_root(root, &fd, &perr), 0);
	assert_int_equal(openvpn_configs_load(fd, &c, &perr), 0);
	close(fd);
	assert_non_null(c);
	assert_int_equal(c->n, 0);
	openvpn_configs_free(&c);
	openvpn_configs_free(&c);
	openvpn_configs_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_line_table),
		cmocka_unit_test(test_auth_pam_quoted_args_and_client_ignored),
		cmocka_unit_test(test_script_not_provable),
		cmocka_unit_test(test_certificates_only),
		cmocka_unit_test(test_no_client_cert),
		cmocka_unit_test(test_config_include_and_cycle),
		cmocka_unit_test(test_malformed_lines_have_file_and_line),
		cmocka_unit_test(test_no_openvpn_directory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
