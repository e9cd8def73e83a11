/*
 * test_pam_flow.c - the PAM stack as a program: each case is a small
 * pam.d, a question (can PAM_SUCCESS be reached without a second factor?)
 * and the expected answer, with the witness path where there is one.
 * Second factors here: pam_mfacover; "nullok" on it lets an unenrolled
 * user through (the case says whether the user is enrolled).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <security/_pam_types.h>

#include "pam_flow.h"
#include "pam_services.h"

struct file_spec {
	const char *name;
	const char *text;
};

struct flow_case {
	const char *title;
	struct file_spec files[4];
	const char *service;
	bool enrolled;
	bool caller_is_root;
	bool can_succeed;
	bool gap;                 /* success possible without the second factor */
	const char *witness_last; /* "file:line" of the last step of the witness */
};

struct oracle_ctx {
	bool enrolled;
	bool caller_is_root;
};

static size_t
test_oracle(const struct pam_handler *h, void *vctx, struct pam_outcome *out)
{
	const struct oracle_ctx *ctx = vctx;
	bool nullok = false;
	size_t i, n = 0;

	if (strcmp(h->module, "pam_mfacover") != 0)
		return pam_flow_default_outcomes(h->module, ctx->caller_is_root, out);
	for (i = 0; i < h->line->argc; i++) {
		if (strcmp(h->line->argv[i], "nullok") == 0)
			nullok = true;
	}
	if (ctx->enrolled) {
		out[n].retval = PAM_SUCCESS;
		out[n].factors = FLOW_FACTOR_SECOND;
		out[n++].note = "the right code";
	} else if (nullok) {
		out[n].retval = PAM_IGNORE;
		out[n].factors = 0;
		out[n++].note = "nullok: the user has no token";
	}
	out[n].retval = PAM_AUTH_ERR;
	out[n].factors = 0;
	out[n++].note = "a wrong code";
	return n;
}

#define DEB_COMMON_AUTH                                                                            \
	"auth [success=1 default=ignore] pam_unix.so nullok\n"                                     \
	"auth requisite pam_deny.so\n"                                                             \
	"auth required pam_permit.so\n"

static const struct flow_case cases[] = {
	{"required password then required factor: covered",
	 {{"svc", "auth required pam_unix.so\nauth required pam_mfacover.so\n"}},
	 "svc",
	 true,
	 false,
	 true,
	 false,
	 NULL},
	{"sufficient password before the factor: gap",
	 {{"svc", "auth sufficient pam_unix.so\nauth required pam_mfacover.so\n"}},
	 "svc",
	 true,
	 false,
	 true,
	 true,
	 "/etc/pam.d/svc:1"},
	{"requisite factor before a sufficient password: covered",
	 {{"svc",
	   "auth requisite pam_mfacover.so\nauth sufficient pam_unix.so\nauth required pam_deny.so\n"}},
	 "svc",
	 true,
	 false,
	 true,
	 false,
	 NULL},
	{"factor as sufficient alternative to the password: gap",
	 {{"svc", "auth sufficient pam_mfacover.so\nauth required pam_unix.so\n"}},
	 "svc",
	 true,
	 false,
	 true,
	 true,
	 "/etc/pam.d/svc:2"},
	{"Debian common-auth alone: gap",
	 {{"svc", "@include common-auth\n"}, {"common-auth", DEB_COMMON_AUTH}},
	 "svc",
	 true,
	 false,
	 true,
	 true,
	 "/etc/pam.d/common-auth:3"},
	{"Debian common-auth then the factor: covered",
	 {{"svc", "@include common-auth\nauth required pam_mfacover.so\n"},
	  {"common-auth", DEB_COMMON_AUTH}},
	 "svc",
	 true,
	 false,
	 true,
	 false,
	 NULL},
	{"include: sufficient inside ends the whole stack: gap",
	 {{"svc", "auth include inner\nauth required pam_mfacover.so\n"},
	  {"inner", "auth sufficient pam_unix.so\nauth required pam_deny.so\n"}},
	 "svc",
	 true,
	 false,
	 true,
	 true,
	 "/etc/pam.d/inner:1"},
	{"substack: sufficient inside ends only the substack: covered",
	 {{"svc", "auth substack inner\nauth required pam_mfacover.so\n"},
	  {"inner", "auth sufficient pam_unix.so\nauth required pam_deny.so\n"}},
	 "svc",
	 true,
	 false,
	 true,
	 false,
	 NULL},
	{"die inside a substack ends only the substack, failed: cannot succeed",
	 {{"svc", "auth substack inner\nauth required pam_mfacover.so\n"},
	  {"inner", "auth [success=done default=die] pam_unix.so\n"}},
	 "svc",
	 true,
	 false,
	 true,
	 false,
	 NULL},
	{"a '-' line counts in jump arithmetic (Arch system-auth shape): covered",
	 {{"svc", "auth [success=2 default=ignore] pam_unix.so\n"
		  "-auth [success=1 default=ignore] pam_systemd_home.so\n"
		  "auth [default=die] pam_faillock.so authfail\n"
		  "auth optional pam_permit.so\n"
		  "auth required pam_mfacover.so\n"}},
	 "svc",
	 true,
	 false,
	 true,
	 false,
	 NULL},
	{"a jump over the factor: gap",
	 {{"svc", "auth [success=1 default=ignore] pam_unix.so\n"
		  "auth required pam_mfacover.so\n"
		  "auth required pam_permit.so\n"}},
	 "svc",
	 true,
	 false,
	 true,
	 true,
	 "/etc/pam.d/svc:3"},
	{"a jump past the end fails: cannot succeed that way, covered",
	 {{"svc", "auth [success=5 default=ignore] pam_unix.so\n"
		  "auth required pam_mfacover.so\n"}},
	 "svc",
	 true,
	 false,
	 true,
	 false,
	 NULL},
	{"nullok and an unenrolled user: gap",
	 {{"svc", "auth required pam_unix.so\nauth required pam_mfacover.so nullok\n"}},
	 "svc",
	 false,
	 false,
	 true,
	 true,
	 "/etc/pam.d/svc:2"},
	{"nullok and an enrolled user: covered",
	 {{"svc", "auth required pam_unix.so\nauth required pam_mfacover.so nullok\n"}},
	 "svc",
	 true,
	 false,
	 true,
	 false,
	 NULL},
	{"no nullok and an unenrolled user: cannot succeed",
	 {{"svc", "auth required pam_unix.so\nauth required pam_mfacover.so\n"}},
	 "svc",
	 false,
	 false,
	 false,
	 false,
	 NULL},
	{"pam_rootok sufficient, called by a root daemon: gap",
	 {{"svc", "auth sufficient pam_rootok.so\nauth required pam_mfacover.so\n"}},
	 "svc",
	 true,
	 true,
	 true,
	 true,
	 "/etc/pam.d/svc:1"},
	{"pam_rootok sufficient, called by a user (su, sudo): covered",
	 {{"svc", "auth sufficient pam_rootok.so\nauth required pam_mfacover.so\n"}},
	 "svc",
	 true,
	 false,
	 true,
	 false,
	 NULL},
	{"reset after a failure forgets it: gap",
	 {{"svc", "auth [default=bad] pam_mfacover.so\n"
		  "auth [default=reset] pam_env.so\n"
		  "auth required pam_permit.so\n"}},
	 "svc",
	 true,
	 false,
	 true,
	 true,
	 "/etc/pam.d/svc:3"},
	{"an unknown module used as sufficient may return anything: gap",
	 {{"svc", "auth sufficient pam_mystery.so\nauth required pam_mfacover.so\n"}},
	 "svc",
	 true,
	 false,
	 true,
	 true,
	 "/etc/pam.d/svc:1"},
	{"a broken line fails: cannot succeed",
	 {{"svc", "auth requird pam_permit.so\n"}},
	 "svc",
	 true,
	 false,
	 false,
	 false,
	 NULL},
	{"an include of a missing file fails the stack",
	 {{"svc", "auth include nowhere\nauth required pam_permit.so\n"}},
	 "svc",
	 true,
	 false,
	 false,
	 false,
	 NULL},
	{"no auth lines: libpam uses other",
	 {{"svc", "account required pam_permit.so\n"}, {"other", "auth required pam_permit.so\n"}},
	 "svc",
	 true,
	 false,
	 true,
	 true,
	 "/etc/pam.d/other:1"},
	{"only pam_deny: cannot succeed",
	 {{"svc", "auth required pam_deny.so\n"}},
	 "svc",
	 true,
	 false,
	 false,
	 false,
	 NULL},
	{"ignore does not make a stack succeed",
	 {{"svc", "auth [default=ignore] pam_permit.so\n"}},
	 "svc",
	 true,
	 false,
	 false,
	 false,
	 NULL},
	{"done after a required failure does not succeed: covered",
	 {{"svc", "auth required pam_mfacover.so\nauth [success=done default=die] pam_unix.so\n"}},
	 "svc",
	 true,
	 false,
	 true,
	 false,
	 NULL},
};

static void
write_root(const char *root, const struct flow_case *c)
{
	char path[512];
	size_t i;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/etc", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/etc/pam.d", root);
	mkdir(path, 0755);
	for (i = 0; i < 4 && c->files[i].name != NULL; i++) {
		snprintf(path, sizeof(path), "%s/etc/pam.d/%s", root, c->files[i].name);
		fp = fopen(path, "w");
		assert_non_null(fp);
		fputs(c->files[i].text, fp);
		fclose(fp);
	}
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
run_case(const struct flow_case *c)
{
	char root[] = "/tmp/mfacover-flow-XXXXXX", where[600];
	struct pam_host *host = NULL;
	struct pam_program prog;
	struct pam_flow_result res;
	struct mfa_parse_err perr;
	struct oracle_ctx ctx = {c->enrolled, c->caller_is_root};
	size_t svc;
	bool gap;

	assert_non_null(mkdtemp(root));
	write_root(root, c);
	if (pam_services_load(root, &host, &perr) != MFA_OK)
		fail_msg("%s: load: %s", c->title, perr.msg);
	assert_int_equal(pam_host_find_service(host, c->service, &svc), MFA_OK);
	assert_int_equal(pam_flow_build(host, svc, PAM_TYPE_AUTH, &prog, &perr), MFA_OK);
	assert_int_equal(pam_flow_analyse(&prog, test_oracle, &ctx, FLOW_FACTOR_SECOND, &res),
			 MFA_OK);
	gap = (res.success_without & FLOW_FACTOR_SECOND) != 0;
	if (res.can_succeed != c->can_succeed || gap != c->gap)
		fail_msg("%s: can_succeed %d gap %d; want %d %d", c->title, res.can_succeed, gap,
			 c->can_succeed, c->gap);
	if (c->gap) {
		const struct pam_handler *last;

		assert_non_null(res.witness);
		assert_true(res.nwitness > 0);
		last = &prog.h[res.witness[res.nwitness - 1].handler];
		snprintf(where, sizeof(where), "%s:%u", last->file->path, last->line->line);
		if (strcmp(where, c->witness_last) != 0)
			fail_msg("%s: witness ends at %s, want %s", c->title, where,
				 c->witness_last);
		/* A witness path never holds a second factor's success. */
		for (size_t i = 0; i < res.nwitness; i++)
			assert_int_equal(res.witness[i].factors & FLOW_FACTOR_SECOND, 0);
	} else {
		assert_null(res.witness);
	}
	pam_flow_result_clear(&res);
	pam_program_clear(&prog);
	pam_host_free(&host);
	nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void
test_flow_cases(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
}

/* The layout: include spliced, substack one level down behind a marker. */
static void
test_layout_levels(void **state)
{
	static const struct flow_case c = {
		"layout",
		{{"svc", "auth include a\nauth substack b\nauth required pam_permit.so\n"},
		 {"a", "auth required pam_env.so\nauth required pam_unix.so\n"},
		 {"b", "auth required pam_deny.so\n"}},
		"svc",
		true,
		false,
		false,
		false,
		NULL};
	char root[] = "/tmp/mfacover-flow-XXXXXX";
	struct pam_host *host = NULL;
	struct pam_program prog;
	struct mfa_parse_err perr;
	size_t svc;

	(void)state;
	assert_non_null(mkdtemp(root));
	write_root(root, &c);
	assert_int_equal(pam_services_load(root, &host, &perr), MFA_OK);
	assert_int_equal(pam_host_find_service(host, "svc", &svc), MFA_OK);
	assert_int_equal(pam_flow_build(host, svc, PAM_TYPE_AUTH, &prog, &perr), MFA_OK);
	assert_int_equal(prog.n, 5);
	assert_string_equal(prog.h[0].module, "pam_env");
	assert_int_equal(prog.h[0].level, 0);
	assert_string_equal(prog.h[1].module, "pam_unix");
	assert_int_equal(prog.h[2].kind, PAM_HANDLER_SUBSTACK);
	assert_int_equal(prog.h[2].level, 0);
	assert_string_equal(prog.h[3].module, "pam_deny");
	assert_int_equal(prog.h[3].level, 1);
	assert_string_equal(prog.h[4].module, "pam_permit");
	assert_int_equal(prog.h[4].level, 0);
	assert_false(prog.from_other);
	pam_program_clear(&prog);
	pam_host_free(&host);
	nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void
test_default_outcomes(void **state)
{
	struct pam_outcome out[PAM_FLOW_MAX_OUTCOMES];

	(void)state;
	assert_int_equal(pam_flow_default_outcomes("pam_permit", false, out), 1);
	assert_int_equal(out[0].retval, PAM_SUCCESS);
	assert_int_equal(pam_flow_default_outcomes("pam_deny", true, out), 1);
	assert_int_equal(out[0].retval, PAM_AUTH_ERR);
	assert_int_equal(pam_flow_default_outcomes("pam_rootok", false, out), 1);
	assert_int_equal(out[0].retval, PAM_AUTH_ERR);
	assert_int_equal(pam_flow_default_outcomes("pam_rootok", true, out), 1);
	assert_int_equal(out[0].retval, PAM_SUCCESS);
	assert_true(pam_flow_default_outcomes("pam_unix", false, out) > 1);
	assert_int_equal(out[0].factors, FLOW_FACTOR_KNOWLEDGE);
	assert_int_equal(pam_flow_default_outcomes("pam_frobnicate", false, out),
			 PAM_FLOW_MAX_OUTCOMES);
	assert_string_equal(pam_flow_retval_name(PAM_IGNORE), "PAM_IGNORE");
	assert_string_equal(pam_flow_retval_name(99), "PAM_?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flow_cases),
		cmocka_unit_test(test_layout_levels),
		cmocka_unit_test(test_default_outcomes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
