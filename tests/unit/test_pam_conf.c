/*
 * test_pam_conf.c - the PAM configuration parser against Linux-PAM's rules.
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

#include "pam_conf.h"
#include "test_files.h"

/* Linux-PAM return codes used below. */
#define RV_SUCCESS 0
#define RV_AUTH_ERR 7
#define RV_USER_UNKNOWN 10
#define RV_NEW_AUTHTOK_REQD 12
#define RV_IGNORE 25
#define RV_MODULE_UNKNOWN 28

static struct pam_conf *
parse_ok(const char *text, enum pam_conf_mode mode)
{
	struct pam_conf *conf = NULL;
	struct mfa_parse_err perr;

	assert_int_equal(pam_conf_parse(text, strlen(text), "t.conf", mode, &conf, &perr), 0);
	assert_non_null(conf);
	return conf;
}

/* ---- controls: one table row per form ------------------------------- */

struct control_case {
	const char *control;
	enum pam_control kind;
	const char *broken; /* substring of the reason, or NULL */
	int success, new_authtok_reqd, ignore, auth_err, module_unknown;
};

#define OK PAM_ACTION_OK
#define DONE PAM_ACTION_DONE
#define BAD PAM_ACTION_BAD
#define DIE PAM_ACTION_DIE
#define IGN PAM_ACTION_IGNORE
#define RESET PAM_ACTION_RESET

static const struct control_case control_cases[] = {
	{"required", PAM_CONTROL_REQUIRED, NULL, OK, OK, IGN, BAD, BAD},
	{"requisite", PAM_CONTROL_REQUISITE, NULL, OK, OK, IGN, DIE, DIE},
	{"sufficient", PAM_CONTROL_SUFFICIENT, NULL, DONE, DONE, IGN, IGN, IGN},
	{"optional", PAM_CONTROL_OPTIONAL, NULL, OK, OK, IGN, IGN, IGN},
	{"REQUIRED", PAM_CONTROL_REQUIRED, NULL, OK, OK, IGN, BAD, BAD},
	{"Sufficient", PAM_CONTROL_SUFFICIENT, NULL, DONE, DONE, IGN, IGN, IGN},
	{"[success=1 default=ignore]", PAM_CONTROL_BRACKET, NULL, 1, IGN, IGN, IGN, IGN},
	{"[success=2 default=ignore]", PAM_CONTROL_BRACKET, NULL, 2, IGN, IGN, IGN, IGN},
	{"[success=ok new_authtok_reqd=done default=ignore]", PAM_CONTROL_BRACKET, NULL, OK, DONE,
	 IGN, IGN, IGN},
	{"[default=bad success=ok]", PAM_CONTROL_BRACKET, NULL, OK, BAD, BAD, BAD, BAD},
	{"[success=ok default=bad]", PAM_CONTROL_BRACKET, NULL, OK, BAD, BAD, BAD, BAD},
	{"[default=die]", PAM_CONTROL_BRACKET, NULL, DIE, DIE, DIE, DIE, DIE},
	{"[default=1]", PAM_CONTROL_BRACKET, NULL, 1, 1, 1, 1, 1},
	{"[success=ok ignore=ignore module_unknown=ignore default=bad]", PAM_CONTROL_BRACKET, NULL,
	 OK, BAD, IGN, BAD, IGN},
	{"[auth_err=reset module_unknown=die default=done]", PAM_CONTROL_BRACKET, NULL, DONE, DONE,
	 DONE, RESET, DIE},
	/* blanks around '=' are allowed, none needed between pairs */
	{"[success = ok   default = die]", PAM_CONTROL_BRACKET, NULL, OK, DIE, DIE, DIE, DIE},
	{"[success=okdefault=bad]", PAM_CONTROL_BRACKET, NULL, OK, BAD, BAD, BAD, BAD},
	{"[success=3default=ignore]", PAM_CONTROL_BRACKET, NULL, 3, IGN, IGN, IGN, IGN},
	/* the first "default" wins: it only fills what is undefined */
	{"[default=ok default=bad]", PAM_CONTROL_BRACKET, NULL, OK, OK, OK, OK, OK},
	/* Linux-PAM strips brackets before it compares keywords */
	{"[required]", PAM_CONTROL_REQUIRED, NULL, OK, OK, IGN, BAD, BAD},
	/* an unbracketed pair list is still a pair list */
	{"success=done", PAM_CONTROL_BRACKET, NULL, DONE, BAD, BAD, BAD, BAD},
	/* empty brackets: every value is bad, but Linux-PAM logs nothing */
	{"[]", PAM_CONTROL_BRACKET, NULL, BAD, BAD, BAD, BAD, BAD},
	/* malformed: every action becomes bad */
	{"[success=0]", PAM_CONTROL_BRACKET, "must be a positive number", BAD, BAD, BAD, BAD, BAD},
	{"[success=-1 default=ignore]", PAM_CONTROL_BRACKET, "unknown action", BAD, BAD, BAD, BAD,
	 BAD},
	{"[success=10001]", PAM_CONTROL_BRACKET, "larger than 10000", BAD, BAD, BAD, BAD, BAD},
	{"[succes=ok default=ignore]", PAM_CONTROL_BRACKET, "unknown return value", BAD, BAD, BAD,
	 BAD, BAD},
	{"[Success=ok]", PAM_CONTROL_BRACKET, "unknown return value", BAD, BAD, BAD, BAD, BAD},
	{"[success ok]", PAM_CONTROL_BRACKET, "expecting '=' after \"success\"", BAD, BAD, BAD, BAD,
	 BAD},
	{"[success=]", PAM_CONTROL_BRACKET, "expecting an action", BAD, BAD, BAD, BAD, BAD},
	{"[success=okay]", PAM_CONTROL_BRACKET, "unknown return value at \"ay\"", BAD, BAD, BAD,
	 BAD, BAD},
	{"[success=ok default=ignore", PAM_CONTROL_BRACKET, "unterminated '['", BAD, BAD, BAD, BAD,
	 BAD},
	{"requird", PAM_CONTROL_INVALID, "unknown control \"requird\"", BAD, BAD, BAD, BAD, BAD},
};

static void
test_controls(void **state)
{
	size_t i;
	char text[256];

	(void)state;
	for (i = 0; i < sizeof(control_cases) / sizeof(control_cases[0]); i++) {
		const struct control_case *c = &control_cases[i];
		struct pam_conf *conf;
		const struct pam_conf_line *l;

		snprintf(text, sizeof(text), "auth %s pam_test.so arg\n", c->control);
		print_message("control %s\n", c->control);
		conf = parse_ok(text, PAM_CONF_MODE_PAMD);
		assert_int_equal(conf->nlines, 1);
		l = &conf->lines[0];
		assert_int_equal(l->kind, PAM_LINE_MODULE);
		assert_int_equal(l->type, PAM_TYPE_AUTH);
		assert_int_equal(l->control, c->kind);
		if (c->broken == NULL) {
			assert_null(l->broken);
			assert_int_equal(conf->nbroken, 0);
			assert_string_equal(l->module, "pam_test.so");
		} else {
			assert_non_null(l->broken);
			assert_non_null(strstr(l->broken, c->broken));
			assert_int_equal(conf->nbroken, 1);
		}
		assert_int_equal(l->actions[RV_SUCCESS], c->success);
		assert_int_equal(l->actions[RV_NEW_AUTHTOK_REQD], c->new_authtok_reqd);
		assert_int_equal(l->actions[RV_IGNORE], c->ignore);
		assert_int_equal(l->actions[RV_AUTH_ERR], c->auth_err);
		assert_int_equal(l->actions[RV_MODULE_UNKNOWN], c->module_unknown);
		pam_conf_free(&conf);
		assert_null(conf);
	}
}

/* every one of the 32 return-value names is accepted in a control */
static void
test_every_return_value_name(void **state)
{
	size_t i;
	char text[256];

	(void)state;
	for (i = 0; i < PAM_CONF_NRETVALS; i++) {
		struct pam_conf *conf;

		snprintf(text, sizeof(text), "auth [%s=die default=ok] pam_x.so\n",
			 pam_retval_name(i));
		conf = parse_ok(text, PAM_CONF_MODE_PAMD);
		assert_null(conf->lines[0].broken);
		assert_int_equal(conf->lines[0].actions[i], PAM_ACTION_DIE);
		assert_int_equal(conf->lines[0].actions[(i + 1) % PAM_CONF_NRETVALS],
				 PAM_ACTION_OK);
		pam_conf_free(&conf);
	}
	assert_string_equal(pam_retval_name(0), "success");
	assert_string_equal(pam_retval_name(RV_USER_UNKNOWN), "user_unknown");
	assert_string_equal(pam_retval_name(31), "incomplete");
	assert_string_equal(pam_retval_name(PAM_CONF_RETVAL_DEFAULT), "default");
	assert_string_equal(pam_action_name(PAM_ACTION_RESET), "reset");
	assert_string_equal(pam_action_name(3), "jump");
	assert_string_equal(pam_control_name(PAM_CONTROL_SUBSTACK), "substack");
}

/* ---- types, '-', include forms ---------------------------------------- */

static void
test_types_and_includes(void **state)
{
	struct pam_conf *conf;
	const struct pam_conf_line *l;

	(void)state;
	conf = parse_ok("AUTH required pam_a.so\n"
			"Account required pam_b.so\n"
			"-session optional pam_systemd.so\n"
			"-password [success=1 default=ignore] pam_systemd_home.so\n"
			"auth include common-auth\n"
			"account substack system-auth\n"
			"@include common-session\n"
			"  \t@include   common-password  \n",
			PAM_CONF_MODE_PAMD);
	assert_int_equal(conf->nlines, 8);
	assert_int_equal(conf->nbroken, 0);
	assert_int_equal(conf->lines[0].type, PAM_TYPE_AUTH);
	assert_false(conf->lines[0].silent);
	assert_int_equal(conf->lines[1].type, PAM_TYPE_ACCOUNT);
	l = &conf->lines[2];
	assert_int_equal(l->type, PAM_TYPE_SESSION);
	assert_true(l->silent);
	assert_string_equal(l->module, "pam_systemd.so");
	l = &conf->lines[3];
	assert_int_equal(l->type, PAM_TYPE_PASSWORD);
	assert_true(l->silent);
	assert_int_equal(l->actions[RV_SUCCESS], 1);
	l = &conf->lines[4];
	assert_int_equal(l->kind, PAM_LINE_INCLUDE);
	assert_int_equal(l->control, PAM_CONTROL_INCLUDE);
	assert_string_equal(l->module, "common-auth");
	assert_int_equal(l->actions[RV_SUCCESS], PAM_ACTION_UNDEF);
	l = &conf->lines[5];
	assert_int_equal(l->kind, PAM_LINE_SUBSTACK);
	assert_int_equal(l->type, PAM_TYPE_ACCOUNT);
	assert_string_equal(l->module, "system-auth");
	l = &conf->lines[6];
	assert_int_equal(l->kind, PAM_LINE_AT_INCLUDE);
	assert_int_equal(l->type, PAM_TYPE_NONE);
	assert_string_equal(l->module, "common-session");
	assert_int_equal(l->line, 7);
	assert_string_equal(conf->lines[7].module, "common-password");
	assert_int_equal(conf->lines[7].argc, 0);
	assert_string_equal(conf->lines[7].file, "t.conf");
	pam_conf_free(&conf);
}

/* ---- line assembly ------------------------------------------------------ */

static void
test_continuation_and_comments(void **state)
{
	struct pam_conf *conf;
	const struct pam_conf_line *l;

	(void)state;
	conf = parse_ok("#%PAM-1.0\n"
			"\n"
			"auth \\\n"
			"   required \\  \t\n"
			"# a comment between continued lines is skipped\n"
			"\n"
			"   pam_unix.so nullok\n"
			"auth optional pam_permit.so # trailing comment\n"
			"auth required pam_a.so x \\ # a comment ends the line: no continuation\n"
			"auth required pam_b.so a#b c\n"
			"auth required pam_c.so a\\b\n",
			PAM_CONF_MODE_PAMD);
	assert_int_equal(conf->nlines, 5);
	assert_int_equal(conf->nbroken, 0);
	l = &conf->lines[0];
	assert_int_equal(l->line, 3); /* where the logical line starts */
	assert_int_equal(l->control, PAM_CONTROL_REQUIRED);
	assert_string_equal(l->module, "pam_unix.so");
	assert_int_equal(l->argc, 1);
	assert_string_equal(l->argv[0], "nullok");
	assert_null(l->argv[1]);
	l = &conf->lines[1];
	assert_int_equal(l->line, 8);
	assert_string_equal(l->module, "pam_permit.so");
	assert_int_equal(l->argc, 0);
	l = &conf->lines[2];
	assert_int_equal(l->line, 9);
	assert_int_equal(l->argc, 2);
	assert_string_equal(l->argv[0], "x");
	assert_string_equal(l->argv[1], "\\");
	l = &conf->lines[3];
	assert_int_equal(l->line, 10);
	assert_int_equal(l->argc, 1);
	assert_string_equal(l->argv[0], "a");
	l = &conf->lines[4];
	assert_int_equal(l->line, 11);
	assert_string_equal(l->argv[0], "a\\b");
	pam_conf_free(&conf);

	/* a last line without newline */
	conf = parse_ok("auth required pam_unix.so", PAM_CONF_MODE_PAMD);
	assert_int_equal(conf->nlines, 1);
	assert_string_equal(conf->lines[0].module, "pam_unix.so");
	pam_conf_free(&conf);

	/* nothing but comments and blanks */
	conf = parse_ok("# only\n\n   \n\t# comments\n", PAM_CONF_MODE_PAMD);
	assert_int_equal(conf->nlines, 0);
	pam_conf_free(&conf);
	conf = parse_ok("", PAM_CONF_MODE_PAMD);
	assert_int_equal(conf->nlines, 0);
	pam_conf_free(&conf);
}

static void
test_bracketed_arguments(void **state)
{
	struct pam_conf *conf;
	const struct pam_conf_line *l;

	(void)state;
	conf = parse_ok("auth required pam_mysql.so [query=select x from t where a=\\]b] last\n"
			"auth required pam_a.so [a b]c\n"
			"auth required pam_a.so x[y z]\n"
			"auth required pam_a.so []\n"
			"auth [success=1 default=ignore]pam_glued.so\n"
			"auth required pam_a.so [a\\b [c]\n",
			PAM_CONF_MODE_PAMD);
	assert_int_equal(conf->nlines, 6);
	assert_int_equal(conf->nbroken, 0);
	l = &conf->lines[0];
	assert_int_equal(l->argc, 2);
	assert_string_equal(l->argv[0], "query=select x from t where a=]b");
	assert_string_equal(l->argv[1], "last");
	l = &conf->lines[1];
	assert_int_equal(l->argc, 2);
	assert_string_equal(l->argv[0], "a b");
	assert_string_equal(l->argv[1], "c");
	l = &conf->lines[2];
	assert_int_equal(l->argc, 2);
	assert_string_equal(l->argv[0], "x[y");
	assert_string_equal(l->argv[1], "z]");
	l = &conf->lines[3];
	assert_int_equal(l->argc, 1);
	assert_string_equal(l->argv[0], "");
	l = &conf->lines[4];
	assert_string_equal(l->control_text, "[success=1 default=ignore]");
	assert_string_equal(l->module, "pam_glued.so");
	l = &conf->lines[5];
	assert_int_equal(l->argc, 1);
	assert_string_equal(l->argv[0], "a\\b [c");
	pam_conf_free(&conf);
}

/* ---- pam.conf mode ------------------------------------------------------ */

static void
test_pam_conf_mode(void **state)
{
	struct pam_conf *conf;
	const struct pam_conf_line *l;

	(void)state;
	conf = parse_ok("# /etc/pam.conf\n"
			"sshd auth required pam_unix.so nullok\n"
			"login account include system\n"
			"OTHER  session  [default=1] pam_x.so a \\\n"
			"   b\n"
			"sshd\n"
			"sshd auth\n"
			"@include common-auth\n",
			PAM_CONF_MODE_PAMCONF);
	assert_int_equal(conf->nlines, 6);
	assert_int_equal(conf->mode, PAM_CONF_MODE_PAMCONF);
	l = &conf->lines[0];
	assert_string_equal(l->service, "sshd");
	assert_int_equal(l->type, PAM_TYPE_AUTH);
	assert_string_equal(l->module, "pam_unix.so");
	l = &conf->lines[1];
	assert_string_equal(l->service, "login");
	assert_int_equal(l->kind, PAM_LINE_INCLUDE);
	assert_string_equal(l->module, "system");
	l = &conf->lines[2];
	assert_string_equal(l->service, "OTHER");
	assert_int_equal(l->line, 4);
	assert_int_equal(l->argc, 2);
	assert_string_equal(l->argv[1], "b");
	assert_null(l->broken);
	assert_int_equal(conf->lines[3].line, 6);
	assert_non_null(strstr(conf->lines[3].broken, "no module type"));
	assert_non_null(strstr(conf->lines[4].broken, "no control"));
	assert_non_null(strstr(conf->lines[5].broken, "not allowed in pam.conf"));
	assert_int_equal(conf->nbroken, 3);
	pam_conf_free(&conf);

	/* pam.d lines have no service field */
	conf = parse_ok("auth required pam_unix.so\n", PAM_CONF_MODE_PAMD);
	assert_null(conf->lines[0].service);
	pam_conf_free(&conf);
}

/* ---- malformed lines: the right line and a clear reason ----------------- */

struct bad_case {
	const char *text;
	size_t len; /* 0: strlen */
	unsigned line;
	const char *reason;
};

static const struct bad_case bad_cases[] = {
	{"auth\trequired\n", 0, 1, "no module path after the control"},
	{"\n\nfoo required pam_unix.so\n", 0, 3, "unknown module type \"foo\""},
	{"-sesion optional pam_systemd.so\n", 0, 1, "unknown module type \"sesion\""},
	{"auth\n", 0, 1, "no control after the module type"},
	{"# x\nauth requird pam_unix.so\n", 0, 2, "unknown control \"requird\""},
	{"auth [success=ok pam_unix.so\n", 0, 1, "unterminated '[' in the control"},
	{"auth [success=ok default=wrong] pam_unix.so\n", 0, 1, "bad control: unknown action"},
	{"auth include\n", 0, 1, "include without a file name"},
	{"account substack   \n", 0, 1, "substack without a file name"},
	{"@include\n", 0, 1, "@include without a file name"},
	{"@inclde common-auth\n", 0, 1, "unknown directive \"@inclde\""},
	{"auth required pam_unix.so\r\n", 0, 1, "carriage return"},
	{"auth required pam_x.so [a b\n", 0, 1, "unterminated '[' in the arguments"},
	{"auth required pam_a.so\nauth required \\\n", 0, 2, "file ends inside a '\\' continued"},
	{"# c\nauth required pam_unix.so\nauth requisite\n", 0, 3, "no module path"},
	{"auth required pam_\0unix.so\n", 27, 1, "NUL byte"},
};

static void
test_malformed_lines(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct pam_conf *conf = NULL;
		struct mfa_parse_err perr;
		size_t len = c->len != 0 ? c->len : strlen(c->text);
		char shown[1024];

		print_message("malformed case %zu\n", i);
		assert_int_equal(pam_conf_parse(c->text, len, "/etc/pam.d/x", PAM_CONF_MODE_PAMD,
						&conf, &perr),
				 0);
		assert_true(conf->nbroken >= 1);
		assert_int_equal(pam_conf_first_broken(conf, &perr), MFA_ERR_PARSE);
		assert_string_equal(perr.file, "/etc/pam.d/x");
		assert_int_equal(perr.line, c->line);
		if (strstr(perr.msg, c->reason) == NULL)
			fail_msg("case %zu: reason \"%s\" lacks \"%s\"", i, perr.msg, c->reason);
		mfa_parse_err_format(&perr, shown, sizeof(shown));
		assert_memory_equal(shown, "/etc/pam.d/x:", 13);
		pam_conf_free(&conf);
	}
}

/* a broken line keeps what Linux-PAM would run: the others are intact */
static void
test_broken_line_is_recorded_not_fatal(void **state)
{
	struct pam_conf *conf;
	struct mfa_parse_err perr;

	(void)state;
	conf = parse_ok("auth required pam_a.so\n"
			"auth bogus pam_b.so\n"
			"auth required pam_c.so\n"
			"auth [x=y] pam_d.so\n",
			PAM_CONF_MODE_PAMD);
	assert_int_equal(conf->nlines, 4);
	assert_int_equal(conf->nbroken, 2);
	assert_null(conf->lines[0].broken);
	assert_non_null(conf->lines[1].broken);
	assert_string_equal(conf->lines[1].module, "pam_b.so");
	assert_int_equal(conf->lines[1].actions[RV_SUCCESS], PAM_ACTION_BAD);
	assert_null(conf->lines[2].broken);
	assert_string_equal(conf->lines[3].module, "pam_d.so");
	assert_int_equal(pam_conf_first_broken(conf, &perr), MFA_ERR_PARSE);
	assert_int_equal(perr.line, 2);
	pam_conf_free(&conf);

	conf = parse_ok("auth required pam_a.so\n", PAM_CONF_MODE_PAMD);
	assert_int_equal(pam_conf_first_broken(conf, &perr), 0);
	pam_conf_free(&conf);
}

/* ---- caps and arguments ------------------------------------------------- */

static void
test_caps(void **state)
{
	struct pam_conf *conf = NULL;
	struct mfa_parse_err perr;
	char *buf;
	size_t n;

	(void)state;
	buf = malloc(PAM_CONF_MAX_BYTES + 1);
	assert_non_null(buf);

	/* exactly at the size cap: fine */
	memset(buf, ' ', PAM_CONF_MAX_BYTES);
	buf[0] = '#';
	buf[PAM_CONF_MAX_BYTES - 1] = '\n';
	assert_int_equal(
		pam_conf_parse(buf, PAM_CONF_MAX_BYTES, "big", PAM_CONF_MODE_PAMD, &conf, &perr),
		0);
	pam_conf_free(&conf);
	/* one byte more: refused */
	buf[PAM_CONF_MAX_BYTES] = '\n';
	assert_int_equal(pam_conf_parse(buf, PAM_CONF_MAX_BYTES + 1, "big", PAM_CONF_MODE_PAMD,
					&conf, &perr),
			 MFA_ERR_TOO_LARGE);
	assert_null(conf);
	assert_string_equal(perr.file, "big");
	assert_non_null(strstr(perr.msg, "larger than"));

	/* line cap */
	n = PAM_CONF_MAX_LINES;
	memset(buf, '\n', n);
	assert_int_equal(pam_conf_parse(buf, n, "lines", PAM_CONF_MODE_PAMD, &conf, &perr), 0);
	pam_conf_free(&conf);
	memset(buf, '\n', n + 1);
	assert_int_equal(pam_conf_parse(buf, n + 1, "lines", PAM_CONF_MODE_PAMD, &conf, &perr),
			 MFA_ERR_TOO_LARGE);
	assert_null(conf);
	assert_non_null(strstr(perr.msg, "more than 10000 lines"));
	free(buf);

	/* bad arguments */
	assert_int_equal(pam_conf_parse(NULL, 3, "x", PAM_CONF_MODE_PAMD, &conf, &perr),
			 MFA_ERR_INVALID_ARG);
	assert_int_equal(pam_conf_parse("a", 1, "x", PAM_CONF_MODE_PAMD, NULL, &perr),
			 MFA_ERR_INVALID_ARG);
	assert_int_equal(pam_conf_parse("a", 1, "x", (enum pam_conf_mode)7, &conf, &perr),
			 MFA_ERR_INVALID_ARG);
	/* perr may be NULL */
	assert_int_equal(pam_conf_parse("auth x\n", 7, "x", PAM_CONF_MODE_PAMD, &conf, NULL), 0);
	pam_conf_free(&conf);
	/* free accepts NULL both ways */
	pam_conf_free(NULL);
	pam_conf_free(&conf);
}

static void
test_module_basename(void **state)
{
	char out[64];

	(void)state;
	pam_module_basename("/lib/x86_64-linux-gnu/security/pam_unix.so", out, sizeof(out));
	assert_string_equal(out, "pam_unix");
	pam_module_basename("pam_u2f.so", out, sizeof(out));
	assert_string_equal(out, "pam_u2f");
	pam_module_basename("pam_foo", out, sizeof(out));
	assert_string_equal(out, "pam_foo");
	pam_module_basename("/lib/security/$ISA/pam_x.so", out, sizeof(out));
	assert_string_equal(out, "pam_x");
	pam_module_basename("pam_google_authenticator.so", out, 5);
	assert_string_equal(out, "pam_");
	pam_module_basename(NULL, out, sizeof(out));
	assert_string_equal(out, "");
}

/* ---- real files --------------------------------------------------------- */

/* Parse every <base>/<root>/etc/pam.d/<file>; returns how many. */
static size_t
parse_tree(const char *base)
{
	DIR *roots, *pamd;
	struct dirent *r, *f;
	char dir[1024], path[2048];
	size_t count = 0;

	roots = opendir(base);
	if (roots == NULL)
		return 0;
	while ((r = readdir(roots)) != NULL) {
		if (r->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), "%s/%s/etc/pam.d", base, r->d_name);
		if ((pamd = opendir(dir)) == NULL)
			continue;
		while ((f = readdir(pamd)) != NULL) {
			struct pam_conf *conf = NULL;
			struct mfa_parse_err perr;
			struct stat st;
			size_t len;
			char *buf;

			snprintf(path, sizeof(path), "%s/%s", dir, f->d_name);
			if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
				continue;
			buf = test_read_file(path, &len);
			assert_int_equal(
				pam_conf_parse(buf, len, path, PAM_CONF_MODE_PAMD, &conf, &perr),
				0);
			if (conf->nbroken != 0) {
				pam_conf_first_broken(conf, &perr);
				fail_msg("%s:%u: %s", perr.file, perr.line, perr.msg);
			}
			assert_true(conf->nlines > 0);
			count++;
			pam_conf_free(&conf);
			free(buf);
		}
		closedir(pamd);
	}
	closedir(roots);
	return count;
}

static const char *
data_dir(void)
{
	const char *d = getenv("MFACOVER_TEST_DATA");

	return d != NULL ? d : "tests/data";
}

static void
test_corpus_parses_cleanly(void **state)
{
	char base[1024];
	const char *shared = getenv("MFACOVER_SHARED_CORPUS");
	size_t n;

	(void)state;
	snprintf(base, sizeof(base), "%s/pam", data_dir());
	n = parse_tree(base);
	assert_true(n >= 28); /* the copies in tests/data/pam */
	if (shared != NULL) {
		n = parse_tree(shared);
		print_message("shared corpus: %zu files\n", n);
	}
}

static struct pam_conf *
parse_data_file(const char *rel)
{
	char path[1024];
	struct pam_conf *conf = NULL;
	struct mfa_parse_err perr;
	size_t len;
	char *buf;

	snprintf(path, sizeof(path), "%s/pam/%s", data_dir(), rel);
	buf = test_read_file(path, &len);
	assert_int_equal(pam_conf_parse(buf, len, rel, PAM_CONF_MODE_PAMD, &conf, &perr), 0);
	free(buf);
	return conf;
}

static void
test_corpus_details(void **state)
{
	struct pam_conf *conf;
	const struct pam_conf_line *l;
	size_t i;

	(void)state;
	/* Debian's common-auth: the pam-auth-update "Primary" block */
	conf = parse_data_file("debian12-default/etc/pam.d/common-auth");
	assert_int_equal(conf->nlines, 4);
	l = &conf->lines[0];
	assert_int_equal(l->line, 17);
	assert_string_equal(l->module, "pam_unix.so");
	assert_string_equal(l->argv[0], "nullok");
	assert_int_equal(l->actions[RV_SUCCESS], 1);
	for (i = 1; i < PAM_CONF_NRETVALS; i++)
		assert_int_equal(l->actions[i], PAM_ACTION_IGNORE);
	assert_int_equal(conf->lines[1].line, 19);
	assert_int_equal(conf->lines[1].control, PAM_CONTROL_REQUISITE);
	assert_string_equal(conf->lines[1].module, "pam_deny.so");
	assert_int_equal(conf->lines[2].line, 23);
	assert_int_equal(conf->lines[3].line, 25);
	assert_string_equal(conf->lines[3].module, "pam_cap.so");
	pam_conf_free(&conf);

	/* Debian's sshd: @include lines between module lines */
	conf = parse_data_file("debian12-default/etc/pam.d/sshd");
	assert_int_equal(conf->nlines, 15);
	l = &conf->lines[9]; /* "session optional pam_mail.so standard noenv # [1]" */
	assert_int_equal(l->line, 37);
	assert_int_equal(l->argc, 2);
	assert_string_equal(l->argv[1], "noenv");
	assert_string_equal(conf->lines[14].module, "common-password");
	assert_int_equal(conf->lines[14].line, 55);
	assert_int_equal(conf->lines[0].kind, PAM_LINE_AT_INCLUDE);
	assert_int_equal(conf->lines[0].line, 4);
	assert_string_equal(conf->lines[0].module, "common-auth");
	assert_int_equal(conf->lines[3].line, 19);
	assert_int_equal(conf->lines[3].actions[RV_SUCCESS], PAM_ACTION_OK);
	assert_int_equal(conf->lines[3].actions[RV_MODULE_UNKNOWN], PAM_ACTION_IGNORE);
	assert_int_equal(conf->lines[3].actions[RV_AUTH_ERR], PAM_ACTION_BAD);
	pam_conf_free(&conf);

	/* Arch: a '-' line still counts, [default=die] */
	conf = parse_data_file("arch-pambase/etc/pam.d/system-auth");
	l = &conf->lines[1];
	assert_int_equal(l->line, 6);
	assert_int_equal(l->actions[RV_SUCCESS], 2);
	l = &conf->lines[2];
	assert_int_equal(l->line, 7);
	assert_true(l->silent);
	assert_string_equal(l->module, "pam_systemd_home.so");
	l = &conf->lines[3];
	assert_int_equal(l->line, 8);
	for (i = 0; i < PAM_CONF_NRETVALS; i++)
		assert_int_equal(l->actions[i], PAM_ACTION_DIE);
	pam_conf_free(&conf);

	/* RHEL u2f: the module and its arguments */
	conf = parse_data_file("rhel9-sssd-u2f-2fa/etc/pam.d/system-auth");
	l = &conf->lines[2];
	assert_int_equal(l->line, 3);
	assert_string_equal(l->module, "pam_u2f.so");
	assert_int_equal(l->argc, 2);
	assert_string_equal(l->argv[1], "nouserok");
	l = &conf->lines[3];
	assert_int_equal(l->actions[RV_SUCCESS], PAM_ACTION_OK);
	assert_int_equal(l->actions[RV_IGNORE], PAM_ACTION_IGNORE);
	assert_int_equal(l->actions[RV_USER_UNKNOWN], 1);
	pam_conf_free(&conf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_every_return_value_name),
		cmocka_unit_test(test_types_and_includes),
		cmocka_unit_test(test_continuation_and_comments),
		cmocka_unit_test(test_bracketed_arguments),
		cmocka_unit_test(test_pam_conf_mode),
		cmocka_unit_test(test_malformed_lines),
		cmocka_unit_test(test_broken_line_is_recorded_not_fatal),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_module_basename),
		cmocka_unit_test(test_corpus_parses_cleanly),
		cmocka_unit_test(test_corpus_details),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
