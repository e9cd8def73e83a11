/*
 * test_import_ga.c - importing google-authenticator-libpam secret files:
 * files written by the real google-authenticator tool, every option, every
 * malformed form with its line, and the replay floor proven end to end
 * against the real pam_google_authenticator.so (through pam_start_confdir):
 * the code it last accepted is a replay for mfacover, the next one is not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <security/pam_appl.h>

#include "base32.h"
#include "import_ga.h"
#include "mfa_mem.h"
#include "otp.h"
#include "state.h"
#include "test_files.h"
#include "test_pam_conv.h"

/* 20 bytes "12345678901234567890" in base32. */
#define SEED_B32 "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
#define S SEED_B32 "\n"

static struct mfa_state *
parse_ok(const char *text, size_t len, struct mfa_import_ga_report *rep)
{
	struct mfa_parse_err perr;
	struct mfa_state *st = NULL;
	int r = mfa_import_ga_parse(text, len, "ga", &st, rep, &perr);

	if (r != MFA_OK)
		fail_msg("parse failed: %s line %u: %s", mfa_strerror_name(r), perr.line, perr.msg);
	assert_non_null(st);
	return st;
}

/* The state's secret is what line 1 says. */
static void
assert_secret_is_line1(const struct mfa_state *st, const char *text)
{
	uint8_t *key = NULL;
	size_t keylen = 0;

	assert_int_equal(mfa_base32_decode(text, strcspn(text, "\n"), &key, &keylen, NULL), MFA_OK);
	assert_int_equal(st->secret_len, keylen);
	assert_memory_equal(st->secret, key, keylen);
	mfa_freezero(key, keylen);
}

struct tool_file {
	const char *name;
	enum mfa_otp_kind kind;
	unsigned period;
	uint64_t next;
	unsigned options;
	unsigned scratch;
	unsigned window;
	unsigned rate_logins, rate_period;
};

/* Files as `google-authenticator` (Debian's libpam-google-authenticator) wrote them. */
static void
test_tool_written_files(void **state)
{
	static const struct tool_file files[] = {
		/* -t -d -f -r 3 -R 30 -w 3 -q -Q NONE */
		{"ga_totp_tool", MFA_OTP_TOTP, 30, 0,
		 MFA_IMPORT_GA_OPT_TOTP_AUTH | MFA_IMPORT_GA_OPT_RATE_LIMIT |
			 MFA_IMPORT_GA_OPT_WINDOW_SIZE | MFA_IMPORT_GA_OPT_DISALLOW_REUSE,
		 5, 3, 3, 30},
		/* -c -f -w 5 -u -e 2 -q -Q NONE: the tool starts the counter at 1 */
		{"ga_hotp_tool", MFA_OTP_HOTP, 0, 1,
		 MFA_IMPORT_GA_OPT_HOTP_COUNTER | MFA_IMPORT_GA_OPT_WINDOW_SIZE, 2, 5, 0, 0},
		/* -t -D -f -u -S 60 -W -e 0 -q -Q NONE */
		{"ga_totp_step60_tool", MFA_OTP_TOTP, 60, 0,
		 MFA_IMPORT_GA_OPT_TOTP_AUTH | MFA_IMPORT_GA_OPT_STEP_SIZE |
			 MFA_IMPORT_GA_OPT_WINDOW_SIZE,
		 0, 3, 0, 0},
	};
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct mfa_import_ga_report rep;
		char *text = test_read_data("import", files[i].name, &len);
		struct mfa_state *st = parse_ok(text, len, &rep);

		assert_int_equal(st->kind, files[i].kind);
		assert_int_equal(st->alg, MFA_OTP_SHA1);
		assert_int_equal(st->digits, 6);
		assert_int_equal(st->period, files[i].period);
		assert_true(st->next == files[i].next);
		assert_int_equal(st->secret_len, 16); /* the tool's 128-bit seeds */
		assert_secret_is_line1(st, text);
		assert_int_equal(st->nrecovery, 0);
		assert_int_equal(st->failures, 0);
		assert_int_equal(st->locked_until, 0);
		assert_int_equal(rep.options, files[i].options);
		assert_int_equal(rep.scratch_codes, files[i].scratch);
		assert_int_equal(rep.window_size, files[i].window);
		assert_int_equal(rep.rate_limit_logins, files[i].rate_logins);
		assert_int_equal(rep.rate_limit_period, files[i].rate_period);
		assert_int_equal(rep.disallowed_steps, 0);
		mfa_state_free(&st);
		free(text);
	}
}

struct good_case {
	const char *text;
	enum mfa_otp_kind kind;
	unsigned period;
	uint64_t next;
	unsigned scratch;
	size_t disallowed;
	int32_t skew;
	unsigned window;
};

/* Every option, spacing the module accepts, and the replay floor each gives. */
static void
test_options_and_replay_floor(void **state)
{
	static const struct good_case good[] = {
		{S "\" TOTP_AUTH\n", MFA_OTP_TOTP, 30, 0, 0, 0, 0, 0},
		{S "\" TOTP_AUTH\n\" DISALLOW_REUSE\n", MFA_OTP_TOTP, 30, 0, 0, 0, 0, 0},
		/* the highest used step + 1, whatever the order */
		{S "\" DISALLOW_REUSE 56666667 56666669 56666668\n\" TOTP_AUTH\n", MFA_OTP_TOTP, 30,
		 56666670, 0, 3, 0, 0},
		{S "\" STEP_SIZE 60\n\" DISALLOW_REUSE 28333334\n\" TOTP_AUTH\n", MFA_OTP_TOTP, 60,
		 28333335, 0, 1, 0, 0},
		{S "\" STEP_SIZE 1\n\" TOTP_AUTH\n", MFA_OTP_TOTP, 1, 0, 0, 0, 0, 0},
		{S "\" DISALLOW_REUSE 0\n\" TOTP_AUTH\n", MFA_OTP_TOTP, 30, 1, 0, 1, 0, 0},
		{S "\" DISALLOW_REUSE 2147483647\n\" TOTP_AUTH\n", MFA_OTP_TOTP, 30, 2147483648u, 0,
		 1, 0, 0},
		/* tabs and trailing blanks, as the module's reader allows */
		{S "\" DISALLOW_REUSE\t5 \t7 \n\" TOTP_AUTH \n", MFA_OTP_TOTP, 30, 8, 0, 2, 0, 0},
		{S "\" TIME_SKEW -2\n\" TOTP_AUTH\n", MFA_OTP_TOTP, 30, 0, 0, 0, -2, 0},
		{S "\" TIME_SKEW 3\n\" TOTP_AUTH\n", MFA_OTP_TOTP, 30, 0, 0, 0, 3, 0},
		{S "\" TIME_SKEW -2147483648\n\" TOTP_AUTH\n", MFA_OTP_TOTP, 30, 0, 0, 0, INT32_MIN,
		 0},
		{S "\" RESETTING_TIME_SKEW 56666666+3 56666667-1 56666668+0\n\" TOTP_AUTH\n",
		 MFA_OTP_TOTP, 30, 0, 0, 0, 0, 0},
		{S "\" RESETTING_TIME_SKEW \n\" TOTP_AUTH\n", MFA_OTP_TOTP, 30, 0, 0, 0, 0, 0},
		{S "\" WINDOW_SIZE 17\n\" TOTP_AUTH\n", MFA_OTP_TOTP, 30, 0, 0, 0, 0, 17},
		{S "\" WINDOW_SIZE 100\n\" TOTP_AUTH\n", MFA_OTP_TOTP, 30, 0, 0, 0, 0, 100},
		{S "\" RATE_LIMIT 3 30 1764300000 1764300010\n\" TOTP_AUTH\n", MFA_OTP_TOTP, 30, 0,
		 0, 0, 0, 0},
		{S "\" RATE_LIMIT 100 3600\n\" TOTP_AUTH\n", MFA_OTP_TOTP, 30, 0, 0, 0, 0, 0},
		/* HOTP_COUNTER is the next counter the module will try */
		{S "\" HOTP_COUNTER 1\n", MFA_OTP_HOTP, 0, 1, 0, 0, 0, 0},
		{S "\" HOTP_COUNTER 17\n\" WINDOW_SIZE 3\n", MFA_OTP_HOTP, 0, 17, 0, 0, 0, 3},
		{S "\" HOTP_COUNTER 9223372036854775807\n", MFA_OTP_HOTP, 0, INT64_MAX, 0, 0, 0, 0},
		/* scratch codes: counted, and options may follow them */
		{S "\" TOTP_AUTH\n10000000\n99999999\n12345678\n", MFA_OTP_TOTP, 30, 0, 3, 0, 0, 0},
		{S "12345678\n\" HOTP_COUNTER 4\n87654321\n", MFA_OTP_HOTP, 0, 4, 2, 0, 0, 0},
		/* lower case and grouped secrets decode too */
		{"gezd gnbv gy3t qojq gezd gnbv gy3t qojq\n\" TOTP_AUTH\n", MFA_OTP_TOTP, 30, 0, 0,
		 0, 0, 0},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct mfa_import_ga_report rep;
		struct mfa_state *st = parse_ok(good[i].text, strlen(good[i].text), &rep);

		if (st->kind != good[i].kind || st->period != good[i].period ||
		    st->next != good[i].next || rep.scratch_codes != good[i].scratch ||
		    rep.disallowed_steps != good[i].disallowed || rep.time_skew != good[i].skew ||
		    rep.window_size != good[i].window)
			fail_msg(
				"case %zu: kind %d period %u next %llu scratch %u steps %zu skew %d "
				"window %u",
				i, (int)st->kind, st->period, (unsigned long long)st->next,
				rep.scratch_codes, rep.disallowed_steps, (int)rep.time_skew,
				rep.window_size);
		assert_int_equal(st->secret_len, 20);
		assert_memory_equal(st->secret, "12345678901234567890", 20);
		mfa_state_free(&st);
	}
}

struct bad_case {
	const char *text;
	size_t len; /* 0: strlen */
	unsigned line;
	const char *msg_part;
};

#define T "\" TOTP_AUTH\n"

static void
test_malformed(void **state)
{
	static const struct bad_case bad[] = {
		{"", 0, 0, "empty"},
		{SEED_B32, 0, 1, "newline"},
		{S T "12345678", 0, 3, "newline"},
		{T, 0, 1, "first line must be the base32 secret"},
		{"\n" T, 0, 1, "first line must be the base32 secret"},
		{"GEZDGNBVGY3TQOJQ!EZDGNBVGY3TQOJQ\n" T, 0, 1, "not valid base32"},
		{"GEZDGNBVGY3TQOJQ-GEZDGNBVGY3TQOJQ\n" T, 0, 1, "not valid base32"},
		{"GEZDGNBV\n" T, 0, 1, "decode to 10 to 512 bytes"},
		{S T T, 0, 3, "TOTP_AUTH is given twice (first on line 2)"},
		{S "\" HOTP_COUNTER 1\n\" HOTP_COUNTER 2\n", 0, 3, "given twice"},
		{S "\" COLOUR blue\n" T, 0, 2, "unknown option"},
		{S "\" totp_auth\n", 0, 2, "unknown option"},
		{S "\" TOTP_AUTHX\n", 0, 2, "unknown option"},
		{S "\" \n", 0, 2, "unknown option"},
		{S "\"TOTP_AUTH\n", 0, 2, "neither"},
		{S "\"\tTOTP_AUTH\n", 0, 2, "neither"},
		{S "\" TOTP_AUTH yes\n", 0, 2, "takes no value"},
		{S "\" HOTP_COUNTER\n", 0, 2, "HOTP_COUNTER takes one decimal number"},
		{S "\" HOTP_COUNTER 0\n", 0, 2, "HOTP_COUNTER takes one decimal number"},
		{S "\" HOTP_COUNTER -1\n", 0, 2, "HOTP_COUNTER takes"},
		{S "\" HOTP_COUNTER +1\n", 0, 2, "HOTP_COUNTER takes"},
		{S "\" HOTP_COUNTER 0x10\n", 0, 2, "HOTP_COUNTER takes"},
		{S "\" HOTP_COUNTER 9223372036854775808\n", 0, 2, "HOTP_COUNTER takes"},
		{S "\" HOTP_COUNTER 99999999999999999999999\n", 0, 2, "HOTP_COUNTER takes"},
		{S "\" HOTP_COUNTER 1 2\n", 0, 2, "HOTP_COUNTER takes"},
		{S "\" STEP_SIZE 0\n" T, 0, 2, "STEP_SIZE takes one decimal number from 1 to 60"},
		{S "\" STEP_SIZE 61\n" T, 0, 2, "STEP_SIZE takes"},
		{S "\" STEP_SIZE thirty\n" T, 0, 2, "STEP_SIZE takes"},
		{S "\" WINDOW_SIZE 0\n" T, 0, 2,
		 "WINDOW_SIZE takes one decimal number from 1 to 100"},
		{S "\" WINDOW_SIZE 101\n" T, 0, 2, "WINDOW_SIZE takes"},
		{S "\" RATE_LIMIT 3\n" T, 0, 2, "RATE_LIMIT takes a login count"},
		{S "\" RATE_LIMIT 0 30\n" T, 0, 2, "RATE_LIMIT takes"},
		{S "\" RATE_LIMIT 101 30\n" T, 0, 2, "RATE_LIMIT takes"},
		{S "\" RATE_LIMIT 3 3601\n" T, 0, 2, "RATE_LIMIT takes"},
		{S "\" RATE_LIMIT 3 30 now\n" T, 0, 2, "RATE_LIMIT attempt times"},
		{S "\" RATE_LIMIT 3 30 4294967296\n" T, 0, 2, "RATE_LIMIT attempt times"},
		{S "\" DISALLOW_REUSE abc\n" T, 0, 2, "DISALLOW_REUSE time steps must be decimal"},
		{S "\" DISALLOW_REUSE -5\n" T, 0, 2, "DISALLOW_REUSE time steps"},
		{S "\" DISALLOW_REUSE 2147483648\n" T, 0, 2, "DISALLOW_REUSE time steps"},
		{S "\" DISALLOW_REUSE 5,6\n" T, 0, 2, "DISALLOW_REUSE time steps"},
		{S "\" TIME_SKEW\n" T, 0, 2, "TIME_SKEW takes one signed decimal number"},
		{S "\" TIME_SKEW x\n" T, 0, 2, "TIME_SKEW takes"},
		{S "\" TIME_SKEW -\n" T, 0, 2, "TIME_SKEW takes"},
		{S "\" TIME_SKEW 1 2\n" T, 0, 2, "TIME_SKEW takes"},
		{S "\" TIME_SKEW 2147483648\n" T, 0, 2, "TIME_SKEW takes"},
		{S "\" RESETTING_TIME_SKEW 123\n" T, 0, 2, "RESETTING_TIME_SKEW entries"},
		{S "\" RESETTING_TIME_SKEW 123+x\n" T, 0, 2, "RESETTING_TIME_SKEW entries"},
		{S "\" RESETTING_TIME_SKEW +5\n" T, 0, 2, "RESETTING_TIME_SKEW entries"},
		{S "\" RESETTING_TIME_SKEW 123+\n" T, 0, 2, "RESETTING_TIME_SKEW entries"},
		{S T "hello\n", 0, 3, "neither"},
		{S T "1234567\n", 0, 3, "neither"},
		{S T "123456789\n", 0, 3, "neither"},
		{S T "01234567\n", 0, 3, "neither"},
		{S T "1234567a\n", 0, 3, "neither"},
		{S T " 12345678\n", 0, 3, "neither"},
		{S "\n" T, 0, 2, "neither"},
		{SEED_B32 "\r\n" T, 0, 1, "carriage return"},
		{S "\" TOTP_AUTH\r\n", 0, 2, "carriage return"},
		{S "\" TOTP_A\0UTH\n", sizeof(S) - 1 + 13, 2, "NUL"},
		{S T "\" HOTP_COUNTER 1\n", 0, 3, "both TOTP_AUTH and HOTP_COUNTER"},
		{S "\" HOTP_COUNTER 1\n" T, 0, 3, "both TOTP_AUTH and HOTP_COUNTER"},
		{S, 0, 0, "neither TOTP_AUTH nor HOTP_COUNTER"},
		{S "\" WINDOW_SIZE 3\n12345678\n", 0, 0, "neither TOTP_AUTH nor HOTP_COUNTER"},
		{S "\" HOTP_COUNTER 1\n\" DISALLOW_REUSE 5\n", 0, 3,
		 "DISALLOW_REUSE applies to time-based (TOTP_AUTH) files only"},
		{S "\" STEP_SIZE 60\n\" HOTP_COUNTER 1\n", 0, 2, "STEP_SIZE applies to time-based"},
		{S "\" HOTP_COUNTER 1\n\" TIME_SKEW 1\n", 0, 3, "TIME_SKEW applies"},
		{S "\" HOTP_COUNTER 1\n\" RESETTING_TIME_SKEW\n", 0, 3,
		 "RESETTING_TIME_SKEW applies"},
	};
	struct mfa_parse_err perr;
	struct mfa_import_ga_report rep;
	struct mfa_state *st;
	size_t i, len;
	int r;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		len = bad[i].len != 0 ? bad[i].len : strlen(bad[i].text);
		st = NULL;
		memset(&rep, 0xa5, sizeof(rep));
		r = mfa_import_ga_parse(bad[i].text, len, "/home/alice/.google_authenticator", &st,
					&rep, &perr);
		if (r != MFA_ERR_PARSE || perr.line != bad[i].line ||
		    strstr(perr.msg, bad[i].msg_part) == NULL)
			fail_msg("case %zu: got %s line %u \"%s\"; want line %u \"%s\"", i,
				 mfa_strerror_name(r), perr.line, perr.msg, bad[i].line,
				 bad[i].msg_part);
		assert_string_equal(perr.file, "/home/alice/.google_authenticator");
		assert_null(st);
		assert_int_equal(rep.options, 0); /* the report is filled on success only */
		/* The reason never quotes the secret, an option value or a code. */
		assert_null(strstr(perr.msg, "GEZD"));
		assert_null(strstr(perr.msg, "gezd"));
		assert_null(strstr(perr.msg, "1234567"));
		assert_null(strstr(perr.msg, "blue"));
	}
}

static void
test_size_cap_and_arguments(void **state)
{
	struct mfa_parse_err perr;
	struct mfa_state *st = NULL;
	char *big;
	size_t len = MFA_IMPORT_GA_MAX_BYTES + 1;

	(void)state;
	big = malloc(len);
	assert_non_null(big);
	memset(big, '\n', len);
	memcpy(big, S T, strlen(S T));
	assert_int_equal(mfa_import_ga_parse(big, len, "ga", &st, NULL, &perr), MFA_ERR_TOO_LARGE);
	assert_non_null(strstr(perr.msg, "larger than"));
	assert_null(st);
	free(big);
	assert_int_equal(mfa_import_ga_parse(NULL, 0, "ga", &st, NULL, &perr), MFA_ERR_INVALID_ARG);
	assert_int_equal(mfa_import_ga_parse(S T, strlen(S T), "ga", NULL, NULL, &perr),
			 MFA_ERR_INVALID_ARG);
	/* perr and the report are optional */
	assert_int_equal(mfa_import_ga_parse(S T, strlen(S T), "ga", &st, NULL, NULL), MFA_OK);
	mfa_state_free(&st);
	assert_int_equal(mfa_import_ga_parse(S, strlen(S), "ga", &st, NULL, NULL), MFA_ERR_PARSE);
}

/*
 * The file has no terminator, but no prefix of a real file parses to a
 * lower replay floor or another kind: it fails or gives the same token.
 */
static void
test_prefixes_never_lower_the_floor(void **state)
{
	static const char text[] =
		S "\" RATE_LIMIT 3 30 1764300000\n"
		  "\" DISALLOW_REUSE 58810000 58810001\n" T "13391067\n18390062\n";
	struct mfa_state *full, *st;
	size_t cut;

	(void)state;
	full = parse_ok(text, strlen(text), NULL);
	assert_true(full->next == 58810002);
	for (cut = 0; cut < strlen(text); cut++) {
		st = NULL;
		if (mfa_import_ga_parse(text, cut, "ga", &st, NULL, NULL) != MFA_OK)
			continue;
		assert_int_equal(st->kind, full->kind);
		assert_true(st->next == full->next);
		mfa_state_free(&st);
	}
	mfa_state_free(&full);
}

/* After import, the steps DISALLOW_REUSE lists are replays; the next step is fine. */
static void
test_floor_blocks_listed_steps(void **state)
{
	static const char text[] = S "\" DISALLOW_REUSE 56666667 56666668\n" T;
	struct mfa_state *st = parse_ok(text, strlen(text), NULL);
	struct mfa_otp_window w = {56666668, 1, 1, 0};
	char code[MFA_OTP_CODE_SIZE];
	uint64_t matched = 0;

	(void)state;
	w.floor = st->next;
	assert_int_equal(
		mfa_otp_generate(st->secret, st->secret_len, st->alg, st->digits, 56666668, code),
		MFA_OK);
	assert_int_equal(
		mfa_otp_verify(st->secret, st->secret_len, st->alg, st->digits, &w, code, &matched),
		MFA_ERR_OTP_REPLAY);
	assert_int_equal(
		mfa_otp_generate(st->secret, st->secret_len, st->alg, st->digits, 56666669, code),
		MFA_OK);
	assert_int_equal(
		mfa_otp_verify(st->secret, st->secret_len, st->alg, st->digits, &w, code, &matched),
		MFA_OK);
	assert_true(matched == 56666669);
	mfa_state_free(&st);
}

/* ---- the real pam_google_authenticator.so ---- */

struct ga_run {
	char dir[64];
	char secret[128];
	char confdir[128];
};

static void
write_file(const char *path, const char *text, size_t len, mode_t mode)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* A private copy of data file `name` and a PAM service using the module on it. */
static void
ga_setup(struct ga_run *run, const char *name)
{
	char path[256], svc[512];
	char *text;
	size_t len;

	snprintf(run->dir, sizeof(run->dir), "/tmp/mfacover-test-ga-XXXXXX");
	assert_non_null(mkdtemp(run->dir));
	snprintf(run->secret, sizeof(run->secret), "%s/google_authenticator", run->dir);
	snprintf(run->confdir, sizeof(run->confdir), "%s/pam.d", run->dir);
	assert_int_equal(mkdir(run->confdir, 0700), 0);
	text = test_read_data("import", name, &len);
	write_file(run->secret, text, len, 0600);
	free(text);
	/* user=<our uid>: the module then needs no passwd entry nor a home. */
	snprintf(svc, sizeof(svc), "auth required pam_google_authenticator.so secret=%s user=%u\n",
		 run->secret, (unsigned)getuid());
	snprintf(path, sizeof(path), "%s/mfacover-ga", run->confdir);
	write_file(path, svc, strlen(svc), 0600);
}

static void
ga_teardown(struct ga_run *run)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/mfacover-ga", run->confdir);
	unlink(path);
	rmdir(run->confdir);
	unlink(run->secret);
	rmdir(run->dir);
}

static int
ga_authenticate(struct ga_run *run, const char *code)
{
	struct pam_conv conv = {test_pam_conv_answer, &code};
	pam_handle_t *pamh = NULL;
	int r;

	assert_int_equal(
		pam_start_confdir("mfacover-ga", "mfacover-test", &conv, run->confdir, &pamh),
		PAM_SUCCESS);
	r = pam_authenticate(pamh, PAM_SILENT);
	pam_end(pamh, r);
	return r;
}

static struct mfa_state *
ga_import(struct ga_run *run, struct mfa_import_ga_report *rep)
{
	size_t len;
	char *text = test_read_file(run->secret, &len);
	struct mfa_state *st = parse_ok(text, len, rep);

	mfa_wipe(text, len);
	free(text);
	return st;
}

static void
test_real_module_totp_floor(void **state)
{
	struct ga_run run;
	struct mfa_import_ga_report rep;
	struct mfa_state *st;
	struct mfa_otp_window w;
	char code[MFA_OTP_CODE_SIZE], skewed[MFA_OTP_CODE_SIZE], next_code[MFA_OTP_CODE_SIZE];
	uint64_t step, matched = 0;

	(void)state;
	ga_setup(&run, "ga_totp_tool");
	st = ga_import(&run, NULL);
	assert_int_equal(mfa_otp_totp_step(time(NULL), 0, 30, &step), MFA_OK);
	assert_int_equal(mfa_otp_generate(st->secret, st->secret_len, st->alg, 6, step, code),
			 MFA_OK);
	assert_int_equal(
		mfa_otp_generate(st->secret, st->secret_len, st->alg, 6, step + 10, skewed),
		MFA_OK);
	assert_int_equal(
		mfa_otp_generate(st->secret, st->secret_len, st->alg, 6, step + 1, next_code),
		MFA_OK);
	mfa_state_free(&st);

	/* A code 10 steps ahead: refused, and the module notes a possible skew. */
	assert_int_not_equal(ga_authenticate(&run, skewed), PAM_SUCCESS);
	/* The current code: accepted and recorded in DISALLOW_REUSE. */
	assert_int_equal(ga_authenticate(&run, code), PAM_SUCCESS);
	/* The module itself refuses it again. */
	assert_int_not_equal(ga_authenticate(&run, code), PAM_SUCCESS);

	st = ga_import(&run, &rep);
	assert_int_equal(st->kind, MFA_OTP_TOTP);
	assert_int_equal(st->period, 30);
	assert_true(st->next == step + 1);
	assert_int_equal(rep.disallowed_steps, 1);
	assert_true((rep.options & MFA_IMPORT_GA_OPT_RESETTING_TIME_SKEW) != 0);
	assert_int_equal(rep.rate_limit_logins, 3);
	assert_int_equal(rep.scratch_codes, 5);

	/* mfacover: the code GA accepted is a replay, the next one is accepted. */
	w.center = step;
	w.behind = 1;
	w.ahead = 1;
	w.floor = st->next;
	assert_int_equal(
		mfa_otp_verify(st->secret, st->secret_len, st->alg, st->digits, &w, code, &matched),
		MFA_ERR_OTP_REPLAY);
	assert_int_equal(mfa_otp_verify(st->secret, st->secret_len, st->alg, st->digits, &w,
					next_code, &matched),
			 MFA_OK);
	assert_true(matched == step + 1);
	mfa_state_free(&st);
	ga_teardown(&run);
}

static void
test_real_module_hotp_floor(void **state)
{
	struct ga_run run;
	struct mfa_state *st;
	struct mfa_otp_window w;
	char c2[MFA_OTP_CODE_SIZE], c3[MFA_OTP_CODE_SIZE], c4[MFA_OTP_CODE_SIZE];
	uint64_t matched = 0;

	(void)state;
	ga_setup(&run, "ga_hotp_tool");
	st = ga_import(&run, NULL);
	assert_true(st->next == 1);
	assert_int_equal(mfa_otp_generate(st->secret, st->secret_len, st->alg, 6, 2, c2), MFA_OK);
	assert_int_equal(mfa_otp_generate(st->secret, st->secret_len, st->alg, 6, 3, c3), MFA_OK);
	assert_int_equal(mfa_otp_generate(st->secret, st->secret_len, st->alg, 6, 4, c4), MFA_OK);
	mfa_state_free(&st);

	/* Counter 3 is inside the module's window of 5 from 1: accepted. */
	assert_int_equal(ga_authenticate(&run, c3), PAM_SUCCESS);
	st = ga_import(&run, NULL);
	assert_int_equal(st->kind, MFA_OTP_HOTP);
	/* The module stored 4, the next counter it will try; so does mfacover. */
	assert_true(st->next == 4);

	w.center = st->next;
	w.behind = 2;
	w.ahead = 3;
	w.floor = st->next;
	assert_int_equal(
		mfa_otp_verify(st->secret, st->secret_len, st->alg, st->digits, &w, c3, &matched),
		MFA_ERR_OTP_REPLAY);
	/* Skipped over by GA: below the floor too. */
	assert_int_equal(
		mfa_otp_verify(st->secret, st->secret_len, st->alg, st->digits, &w, c2, &matched),
		MFA_ERR_OTP_REPLAY);
	assert_int_equal(
		mfa_otp_verify(st->secret, st->secret_len, st->alg, st->digits, &w, c4, &matched),
		MFA_OK);
	assert_true(matched == 4);
	mfa_state_free(&st);

	/* And the module agrees: 3 is spent. */
	assert_int_not_equal(ga_authenticate(&run, c3), PAM_SUCCESS);
	ga_teardown(&run);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tool_written_files),
		cmocka_unit_test(test_options_and_replay_floor),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_size_cap_and_arguments),
		cmocka_unit_test(test_prefixes_never_lower_the_floor),
		cmocka_unit_test(test_floor_blocks_listed_steps),
		cmocka_unit_test(test_real_module_totp_floor),
		cmocka_unit_test(test_real_module_hotp_floor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
