/*
 * test_audit_mfa.c - how strong the auditor judges a second factor: one
 * line's arguments (pam_mfacover's read by the module's own parser,
 * pam_u2f's verification and presence), the strength every way through a
 * stack passes (path by path, not the weakest line anywhere), a
 * pam_mfacover line that refuses its arguments failing closed, and the
 * findings a line gives.
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

#include "audit.h"
#include "audit_mfa.h"
#include "pam_services.h"
#include "root_fs.h"

/* ---- one line ------------------------------------------------------------------ */

static const struct {
	const char *module;
	const char *args; /* blank-separated */
	enum audit_factor factor;
	bool refuses;
} line_cases[] = {
	{"pam_mfacover.so", "", AUDIT_FACTOR_PHISHABLE, false},
	{"pam_mfacover.so", "factors=fido2", AUDIT_FACTOR_FIDO, false},
	{"pam_mfacover.so", "factors=fido2 uv=required", AUDIT_FACTOR_FIDO_VERIFIED, false},
	{"pam_mfacover.so", "uv=required factors=fido2 nullok only=wheel",
	 AUDIT_FACTOR_FIDO_VERIFIED, false},
	{"pam_mfacover.so", "uv=required", AUDIT_FACTOR_PHISHABLE, false},
	{"pam_mfacover.so", "factors=totp,fido2", AUDIT_FACTOR_PHISHABLE, false},
	{"pam_mfacover.so", "factors=fido2,recovery uv=required", AUDIT_FACTOR_PHISHABLE, false},
	{"pam_mfacover.so", "factors=recovery", AUDIT_FACTOR_RECOVERY, false},
	/* the key is never tried when the code comes with the password */
	{"pam_mfacover.so", "factors=fido2,totp input=append", AUDIT_FACTOR_PHISHABLE, false},
	{"pam_mfacover.so", "factors=fido2,recovery input=openvpn", AUDIT_FACTOR_RECOVERY, false},
	/* refused by the module: PAM_SERVICE_ERR on every run */
	{"pam_mfacover.so", "factors=bogus", AUDIT_FACTOR_UNKNOWN, true},
	{"pam_mfacover.so", "factors=fido2,fido2", AUDIT_FACTOR_UNKNOWN, true},
	{"pam_mfacover.so", "factors=", AUDIT_FACTOR_UNKNOWN, true},
	{"pam_mfacover.so", "factors=fido2 input=append", AUDIT_FACTOR_UNKNOWN, true},
	{"pam_mfacover.so", "uv=optional", AUDIT_FACTOR_UNKNOWN, true},
	{"pam_mfacover.so", "factor=fido2", AUDIT_FACTOR_UNKNOWN, true},
	{"/usr/lib/security/pam_u2f.so", "", AUDIT_FACTOR_FIDO, false},
	{"pam_u2f.so", "cue authfile=/etc/u2f_keys", AUDIT_FACTOR_FIDO, false},
	{"pam_u2f.so", "pinverification=1", AUDIT_FACTOR_FIDO_VERIFIED, false},
	{"pam_u2f.so", "userverification=1", AUDIT_FACTOR_FIDO_VERIFIED, false},
	{"pam_u2f.so", "pinverification=0", AUDIT_FACTOR_FIDO, false},
	{"pam_u2f.so", "userpresence=1", AUDIT_FACTOR_FIDO, false},
	{"pam_u2f.so", "userpresence=0", AUDIT_FACTOR_PHISHABLE, false},
	{"pam_u2f.so", "userpresence=0 pinverification=1", AUDIT_FACTOR_FIDO_VERIFIED, false},
	/* pam_u2f reads every argument in turn: the last one counts */
	{"pam_u2f.so", "pinverification=1 pinverification=0", AUDIT_FACTOR_FIDO, false},
	{"pam_google_authenticator.so", "nullok", AUDIT_FACTOR_PHISHABLE, false},
	{"pam_oath.so", "usersfile=/etc/users.oath", AUDIT_FACTOR_PHISHABLE, false},
	{"pam_duo.so", "", AUDIT_FACTOR_PHISHABLE, false},
	{"pam_yubico.so", "id=1", AUDIT_FACTOR_PHISHABLE, false},
};

static const char *
fname(enum audit_factor f)
{
	return audit_factor_name(f) != NULL ? audit_factor_name(f) : "null";
}

/* A line as the parser would give it: argv split on blanks. */
static void
make_line(struct pam_conf_line *l, char *argbuf, char **argv, size_t max, const char *module,
	  const char *args)
{
	char *save = NULL, *w;

	memset(l, 0, sizeof(*l));
	l->module = (char *)module;
	l->line = 1;
	strcpy(argbuf, args);
	for (w = strtok_r(argbuf, " ", &save); w != NULL && l->argc + 1 < max;
	     w = strtok_r(NULL, " ", &save))
		argv[l->argc++] = w;
	argv[l->argc] = NULL;
	l->argv = argv;
}

static void
test_line_strength(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(line_cases) / sizeof(line_cases[0]); i++) {
		struct pam_conf_line l;
		struct audit_mfa_line ml;
		struct mfa_parse_err perr;
		char buf[256], *argv[16];
		enum audit_mfa_kind kind = audit_mfa_kind_of(line_cases[i].module, NULL);

		make_line(&l, buf, argv, 16, line_cases[i].module, line_cases[i].args);
		mfa_parse_err_init(&perr, NULL);
		assert_int_equal(audit_mfa_line_judge(&l, kind, &ml, &perr), MFA_OK);
		if (ml.factor != line_cases[i].factor || ml.refuses_args != line_cases[i].refuses)
			fail_msg("%s %s: factor %s refuses %d; want %s %d", line_cases[i].module,
				 line_cases[i].args, fname(ml.factor), ml.refuses_args,
				 fname(line_cases[i].factor), line_cases[i].refuses);
		assert_non_null(ml.why);
		if (ml.refuses_args)
			assert_true(perr.msg[0] != '\0'); /* the module's own complaint */
	}
}

static void
test_factor_names(void **state)
{
	(void)state;
	assert_null(audit_factor_name(AUDIT_FACTOR_UNKNOWN));
	assert_string_equal(audit_factor_name(AUDIT_FACTOR_NONE), "none");
	assert_string_equal(audit_factor_name(AUDIT_FACTOR_RECOVERY), "recovery-codes");
	assert_string_equal(audit_factor_name(AUDIT_FACTOR_PHISHABLE), "phishable");
	assert_string_equal(audit_factor_name(AUDIT_FACTOR_FIDO), "fido");
	assert_string_equal(audit_factor_name(AUDIT_FACTOR_FIDO_VERIFIED), "fido-verified");
	assert_null(audit_factor_name((enum audit_factor)99));
	assert_false(audit_factor_phishing_resistant(AUDIT_FACTOR_UNKNOWN));
	assert_false(audit_factor_phishing_resistant(AUDIT_FACTOR_NONE));
	assert_false(audit_factor_phishing_resistant(AUDIT_FACTOR_RECOVERY));
	assert_false(audit_factor_phishing_resistant(AUDIT_FACTOR_PHISHABLE));
	assert_true(audit_factor_phishing_resistant(AUDIT_FACTOR_FIDO));
	assert_true(audit_factor_phishing_resistant(AUDIT_FACTOR_FIDO_VERIFIED));
}

/* A gap has no second factor; a path made covered again has none judged. */
static void
test_reason_sets_none(void **state)
{
	struct audit_report *r = calloc(1, sizeof(*r));
	struct audit_path *p;

	(void)state;
	assert_non_null(r);
	assert_non_null(p = audit_add_path(r, AUDIT_PATH_SUDO, "sudo", "alice", NULL));
	assert_int_equal(p->factor, AUDIT_FACTOR_UNKNOWN);
	assert_int_equal(audit_path_set_reason(p, false, "no"), MFA_OK);
	assert_int_equal(p->factor, AUDIT_FACTOR_NONE);
	assert_int_equal(audit_path_set_reason(p, true, "yes"), MFA_OK);
	assert_int_equal(p->factor, AUDIT_FACTOR_UNKNOWN);
	p->factor = AUDIT_FACTOR_FIDO;
	assert_int_equal(audit_path_set_reason(p, true, "still yes"), MFA_OK);
	assert_int_equal(p->factor, AUDIT_FACTOR_FIDO);
	/* strength evidence is marked, and a repeat marks the line already there */
	assert_int_equal(audit_path_add_evidence(p, "/etc/pam.d/sudo", 2, "x"), MFA_OK);
	assert_int_equal(audit_path_add_strength_evidence(p, "/etc/pam.d/sudo", 2, "x"), MFA_OK);
	assert_int_equal(p->nevidence, 1);
	assert_true(p->evidence[0].strength);
	audit_report_free(&r);
}

/* ---- a whole stack ------------------------------------------------------------- */

struct stack_case {
	const char *title;
	const char *stack;
	enum audit_factor factor;
	unsigned weakest_line; /* 0: not judged */
};

#define PW "auth required pam_unix.so\n"

static const struct stack_case stack_cases[] = {
	{"fido2 only", PW "auth required pam_mfacover.so factors=fido2\n", AUDIT_FACTOR_FIDO, 2},
	{"fido2 with uv", PW "auth required pam_mfacover.so factors=fido2 uv=required\n",
	 AUDIT_FACTOR_FIDO_VERIFIED, 2},
	{"default factors", PW "auth required pam_mfacover.so\n", AUDIT_FACTOR_PHISHABLE, 2},
	{"recovery only", PW "auth required pam_mfacover.so factors=recovery\n",
	 AUDIT_FACTOR_RECOVERY, 2},
	/* both required: every success passes the key, whatever else it passes */
	{"u2f and totp both required",
	 "auth required pam_u2f.so authfile=/etc/u2f_keys\n"
	 "auth required pam_mfacover.so factors=totp\n",
	 AUDIT_FACTOR_FIDO, 1},
	/* either one: the weaker way is the code */
	{"u2f or totp",
	 PW "auth [success=1 default=ignore] pam_u2f.so authfile=/etc/u2f_keys\n"
	    "auth required pam_mfacover.so factors=totp\n",
	 AUDIT_FACTOR_PHISHABLE, 3},
	{"verified key or recovery codes",
	 PW "auth [success=1 default=ignore] pam_mfacover.so factors=fido2 uv=required\n"
	    "auth required pam_mfacover.so factors=recovery\n",
	 AUDIT_FACTOR_RECOVERY, 3},
	{"u2f touched and mfacover verified, both required",
	 PW "auth required pam_u2f.so authfile=/etc/u2f_keys\n"
	    "auth required pam_mfacover.so factors=fido2 uv=required\n",
	 AUDIT_FACTOR_FIDO_VERIFIED, 3},
	{"u2f with a PIN or a touched fido2 key",
	 PW "auth [success=1 default=ignore] pam_u2f.so authfile=/etc/u2f_keys pinverification=1\n"
	    "auth required pam_mfacover.so factors=fido2\n",
	 AUDIT_FACTOR_FIDO, 3},
	/* a refused line grants nothing; the other line is the factor */
	{"a refused sufficient line before a code",
	 PW "auth sufficient pam_mfacover.so factors=fido2,yubikey\n"
	    "auth required pam_mfacover.so factors=totp\n",
	 AUDIT_FACTOR_PHISHABLE, 3},
};

static void
write_file(const char *root, const char *rel, const char *text)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void
make_dir(const char *root, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_true(mkdir(path, 0755) == 0);
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
run_stack_case(const struct stack_case *c)
{
	char root[] = "/tmp/mfacover-audit-mfa-XXXXXX";
	struct pam_host *host = NULL;
	struct pam_program prog;
	struct pam_flow_result res;
	struct mfa_parse_err perr;
	struct audit_factor_verdict fv;
	struct audit_options opt;
	struct audit_oracle o;
	struct audit_user u;
	const char *groups[] = {"wheel"};
	size_t svc;
	int rootfd = -1;

	assert_non_null(mkdtemp(root));
	make_dir(root, "etc");
	make_dir(root, "etc/pam.d");
	make_dir(root, "var");
	make_dir(root, "var/lib");
	make_dir(root, "var/lib/mfacover");
	write_file(root, "etc/pam.d/svc", c->stack);
	write_file(root, "etc/u2f_keys", "alice:kh,pk,es256,+presence\n");
	write_file(root, "var/lib/mfacover/alice", "");
	if (pam_services_load(root, &host, &perr) != MFA_OK)
		fail_msg("%s: load: %s", c->title, perr.msg);
	assert_int_equal(root_fs_open_root(root, &rootfd, &perr), MFA_OK);
	assert_int_equal(pam_host_find_service(host, "svc", &svc), MFA_OK);
	assert_int_equal(pam_flow_build(host, svc, PAM_TYPE_AUTH, &prog, &perr), MFA_OK);

	memset(&opt, 0, sizeof(opt));
	memset(&u, 0, sizeof(u));
	u.name = "alice";
	u.uid = 1000;
	u.home = "/home/alice";
	u.groups = groups;
	u.ngroups = 1;
	memset(&o, 0, sizeof(o));
	o.rootfd = rootfd;
	o.opt = &opt;
	o.user = &u;
	o.caller_is_root = false;
	/* The stack needs a second factor on every success, as the audit checks first. */
	assert_int_equal(pam_flow_analyse(&prog, audit_mfa_oracle, &o, FLOW_FACTOR_SECOND, &res),
			 MFA_OK);
	if (!res.can_succeed || (res.success_without & FLOW_FACTOR_SECOND) != 0)
		fail_msg("%s: can_succeed %d, a success without a second factor %d", c->title,
			 res.can_succeed, (res.success_without & FLOW_FACTOR_SECOND) != 0);
	pam_flow_result_clear(&res);

	assert_int_equal(audit_mfa_factor(&prog, &o, &fv), MFA_OK);
	assert_int_equal(o.err, MFA_OK);
	if (!fv.judged || fv.factor != c->factor)
		fail_msg("%s: judged %d factor %s; want %s", c->title, fv.judged, fname(fv.factor),
			 fname(c->factor));
	assert_non_null(fv.weakest);
	assert_non_null(fv.why);
	if (fv.weakest->line->line != c->weakest_line)
		fail_msg("%s: weakest line %u; want %u", c->title, fv.weakest->line->line,
			 c->weakest_line);
	audit_oracle_clear(&o);
	pam_program_clear(&prog);
	pam_host_free(&host);
	close(rootfd);
	nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void
test_stack_strength(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(stack_cases) / sizeof(stack_cases[0]); i++)
		run_stack_case(&stack_cases[i]);
}

/* A line the module refuses: PAM_SERVICE_ERR, and nothing else, for everyone. */
static void
test_refused_line_fails_closed(void **state)
{
	struct pam_conf_line l;
	struct pam_handler h;
	struct pam_outcome out[PAM_FLOW_MAX_OUTCOMES];
	struct audit_options opt;
	struct audit_oracle o;
	struct audit_user u;
	char buf[64], *argv[4];
	size_t n;

	(void)state;
	make_line(&l, buf, argv, 4, "pam_mfacover.so", "nullok factors=fido2,fido2");
	memset(&h, 0, sizeof(h));
	h.kind = PAM_HANDLER_MODULE;
	strcpy(h.module, "pam_mfacover");
	h.line = &l;
	memset(&opt, 0, sizeof(opt));
	memset(&u, 0, sizeof(u));
	u.name = "alice";
	u.home = "/home/alice";
	memset(&o, 0, sizeof(o));
	o.rootfd = -1;
	o.opt = &opt;
	o.user = &u;
	n = audit_mfa_oracle(&h, &o, out);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].retval, PAM_SERVICE_ERR);
	assert_int_equal(out[0].factors, 0);
	assert_non_null(strstr(out[0].note, "refuses its arguments"));
	assert_int_equal(o.nenrolled_in, 0);
}

static void
test_line_findings(void **state)
{
	static const struct {
		const char *module;
		const char *args;
		const char *id; /* NULL: no finding */
		const char *says;
	} cases[] = {
		{"pam_mfacover.so", "factors=recovery", "pam.recovery_only", "recovery codes"},
		{"pam_mfacover.so", "factors=fido2,yubikey", "pam.bad_arguments", "factors"},
		{"pam_mfacover.so", "factors=fido2,fido2", "pam.bad_arguments", "PAM_SERVICE_ERR"},
		{"pam_u2f.so", "userpresence=0", "pam.u2f_no_presence", "touch"},
		{"pam_mfacover.so", "factors=fido2 uv=required", NULL, NULL},
		{"pam_mfacover.so", "", NULL, NULL},
		{"pam_u2f.so", "userpresence=0 userverification=1", NULL, NULL},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct audit_report *r = calloc(1, sizeof(*r));
		struct pam_conf_line l;
		char buf[128], *argv[8];

		assert_non_null(r);
		make_line(&l, buf, argv, 8, cases[i].module, cases[i].args);
		l.line = 7;
		assert_int_equal(audit_mfa_line_findings(r, "/etc/pam.d/sudo", &l,
							 audit_mfa_kind_of(cases[i].module, NULL)),
				 MFA_OK);
		if (cases[i].id == NULL) {
			if (r->nfindings != 0)
				fail_msg("%s %s: finding %s", cases[i].module, cases[i].args,
					 r->findings[0].id);
		} else {
			assert_int_equal(r->nfindings, 1);
			assert_string_equal(r->findings[0].id, cases[i].id);
			assert_string_equal(r->findings[0].severity, "medium");
			assert_string_equal(r->findings[0].file, "/etc/pam.d/sudo");
			assert_int_equal(r->findings[0].line, 7);
			if (strstr(r->findings[0].message, cases[i].says) == NULL)
				fail_msg("%s: %s", cases[i].id, r->findings[0].message);
		}
		audit_report_free(&r);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_strength),
		cmocka_unit_test(test_factor_names),
		cmocka_unit_test(test_reason_sets_none),
		cmocka_unit_test(test_stack_strength),
		cmocka_unit_test(test_refused_line_fails_closed),
		cmocka_unit_test(test_line_findings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
