/*
 * test_import_oath.c - importing one user's token from a liboath users
 * file: the documented line forms, the replay floor for event and time
 * tokens, every malformed form of the user's line with its line number,
 * other users' lines ignored as liboath ignores them, and the semantics
 * proven against liboath itself: oath_authenticate_usersfile() advances a
 * copy of the file, the import's floor makes the code liboath accepted a
 * replay for mfacover, and the next code is accepted.
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
#include <liboath/oath.h>

#include "import_oath.h"
#include "mfa_mem.h"
#include "otp.h"
#include "state.h"
#include "test_files.h"

/* "12345678901234567890", the RFC 4226 / RFC 6238 SHA1 key. */
#define HEX "3132333435363738393031323334353637383930"
#define KEY "12345678901234567890"

static struct mfa_state *
import_ok(const char *text, size_t len, const char *user, struct mfa_import_oath_report *rep)
{
	struct mfa_parse_err perr;
	struct mfa_state *st = NULL;
	int r = mfa_import_oath_user_report(text, len, "users.oath", user, &st, rep, &perr);

	if (r != MFA_OK)
		fail_msg("import of %s failed: %s line %u: %s", user, mfa_strerror_name(r),
			 perr.line, perr.msg);
	assert_non_null(st);
	return st;
}

static void
code_at(uint64_t counter, unsigned digits, char code[MFA_OTP_CODE_SIZE])
{
	assert_int_equal(
		mfa_otp_generate((const uint8_t *)KEY, 20, MFA_OTP_SHA1, digits, counter, code),
		MFA_OK);
}

/* The wall-clock time liboath would write for Unix time t in a zone east of UTC by off. */
static void
oath_time(time_t t, long off, char buf[32])
{
	struct tm tm;
	time_t local = t + off;

	assert_non_null(gmtime_r(&local, &tm));
	assert_int_equal(strftime(buf, 32, "%Y-%m-%dT%H:%M:%SL", &tm), 20);
}

struct data_user {
	const char *user;
	unsigned line;
	enum mfa_otp_kind kind;
	unsigned digits, period;
	enum mfa_import_oath_pin pin;
};

/* tests/data/import/users.oath, written by hand to the documented format. */
static void
test_data_file_users(void **state)
{
	static const struct data_user users[] = {
		{"alice", 4, MFA_OTP_HOTP, 6, 0, MFA_IMPORT_OATH_PIN_NONE},
		{"bob", 5, MFA_OTP_HOTP, 8, 0, MFA_IMPORT_OATH_PIN_NONE},
		{"carol", 6, MFA_OTP_TOTP, 6, 30, MFA_IMPORT_OATH_PIN_NONE},
		{"dave", 7, MFA_OTP_TOTP, 7, 60, MFA_IMPORT_OATH_PIN_SET},
		{"erin", 8, MFA_OTP_HOTP, 6, 0, MFA_IMPORT_OATH_PIN_EXTERNAL},
		/* line 10 is "#HOTP frank ...": a comment */
		{"frank", 11, MFA_OTP_TOTP, 8, 30, MFA_IMPORT_OATH_PIN_NONE},
	};
	struct mfa_import_oath_report rep;
	struct mfa_parse_err perr;
	struct mfa_state *st = NULL;
	size_t i, len;
	char *text = test_read_data("import", "users.oath", &len);

	(void)state;
	for (i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
		st = import_ok(text, len, users[i].user, &rep);
		assert_int_equal(rep.line, users[i].line);
		assert_int_equal(st->kind, users[i].kind);
		assert_int_equal(st->alg, MFA_OTP_SHA1);
		assert_int_equal(st->digits, users[i].digits);
		assert_int_equal(st->period, users[i].period);
		assert_int_equal(rep.pin, users[i].pin);
		assert_int_equal(st->secret_len, 20);
		assert_memory_equal(st->secret, KEY, 20);
		assert_false(rep.used);
		mfa_state_free(&st);
	}
	/* bob's line starts at counter 5, not yet used: 5 is acceptable. */
	st = import_ok(text, len, "bob", NULL);
	assert_true(st->next == 5);
	mfa_state_free(&st);

	assert_int_equal(mfa_import_oath_user(text, len, "users.oath", "mallory", &st, &perr),
			 MFA_ERR_PARSE);
	assert_int_equal(perr.line, 9);
	assert_non_null(strstr(perr.msg, "hex digits"));
	assert_int_equal(mfa_import_oath_user(text, len, "users.oath", "nobody", &st, &perr),
			 MFA_ERR_NOT_FOUND);
	assert_int_equal(mfa_import_oath_user(text, len, "users.oath", "HOTP", &st, &perr),
			 MFA_ERR_NOT_FOUND);
	assert_null(st);
	free(text);
}

struct good_line {
	const char *text;
	enum mfa_otp_kind kind;
	unsigned digits;
	uint64_t next;
	bool used;
	bool counter_ignored;
	enum mfa_import_oath_pin pin;
};

/* RFC 4226 codes of the key: counter 0 is 755224, 7 is 162583. */
static void
test_line_forms_and_floor(void **state)
{
	static const struct good_line good[] = {
		{"HOTP u - " HEX "\n", MFA_OTP_HOTP, 6, 0, false, false, MFA_IMPORT_OATH_PIN_NONE},
		/* a counter without a last OTP: the start, not yet used */
		{"HOTP u - " HEX " 7\n", MFA_OTP_HOTP, 6, 7, false, false,
		 MFA_IMPORT_OATH_PIN_NONE},
		/* with the last OTP: the counter is the one used */
		{"HOTP u - " HEX " 7 162583 2006-09-23T20:19:34L\n", MFA_OTP_HOTP, 6, 8, true,
		 false, MFA_IMPORT_OATH_PIN_NONE},
		{"HOTP u - " HEX " 7 162583\n", MFA_OTP_HOTP, 6, 8, true, false,
		 MFA_IMPORT_OATH_PIN_NONE},
		{"HOTP/E u - " HEX " 0 755224\n", MFA_OTP_HOTP, 6, 1, true, false,
		 MFA_IMPORT_OATH_PIN_NONE},
		{"HOTP/E/6 u - " HEX "\n", MFA_OTP_HOTP, 6, 0, false, false,
		 MFA_IMPORT_OATH_PIN_NONE},
		{"HOTP/E/7 u - " HEX "\n", MFA_OTP_HOTP, 7, 0, false, false,
		 MFA_IMPORT_OATH_PIN_NONE},
		{"HOTP/E/8 u - " HEX "\n", MFA_OTP_HOTP, 8, 0, false, false,
		 MFA_IMPORT_OATH_PIN_NONE},
		/* liboath checks codes of the length typed: a 6-digit LASTOTP on an 8-digit token */
		{"HOTP/E/8 u - " HEX " 7 162583\n", MFA_OTP_HOTP, 8, 8, true, false,
		 MFA_IMPORT_OATH_PIN_NONE},
		{"HOTP/T30 u - " HEX "\n", MFA_OTP_TOTP, 6, 0, false, false,
		 MFA_IMPORT_OATH_PIN_NONE},
		{"HOTP/T30/6 u - " HEX "\n", MFA_OTP_TOTP, 6, 0, false, false,
		 MFA_IMPORT_OATH_PIN_NONE},
		{"HOTP/T30/7 u - " HEX "\n", MFA_OTP_TOTP, 7, 0, false, false,
		 MFA_IMPORT_OATH_PIN_NONE},
		{"HOTP/T60 u - " HEX "\n", MFA_OTP_TOTP, 6, 0, false, false,
		 MFA_IMPORT_OATH_PIN_NONE},
		{"HOTP/T60/8 u - " HEX "\n", MFA_OTP_TOTP, 8, 0, false, false,
		 MFA_IMPORT_OATH_PIN_NONE},
		/* a time token's COUNTER is a window offset: ignored */
		{"HOTP/T30 u - " HEX " 3\n", MFA_OTP_TOTP, 6, 0, false, true,
		 MFA_IMPORT_OATH_PIN_NONE},
		/* RFC 6238: Unix time 59 is step 1, code 94287082 (8 digits) */
		{"HOTP/T30/8 u - " HEX " 1 94287082 1970-01-01T00:00:59L\n", MFA_OTP_TOTP, 8, 2,
		 true, true, MFA_IMPORT_OATH_PIN_NONE},
		/* PINs */
		{"HOTP u 1234 " HEX "\n", MFA_OTP_HOTP, 6, 0, false, false,
		 MFA_IMPORT_OATH_PIN_SET},
		{"HOTP u + " HEX "\n", MFA_OTP_HOTP, 6, 0, false, false,
		 MFA_IMPORT_OATH_PIN_EXTERNAL},
		{"HOTP u -- " HEX "\n", MFA_OTP_HOTP, 6, 0, false, false, MFA_IMPORT_OATH_PIN_SET},
		/* separators: tabs, runs, CR (liboath splits on " \t\r\n") */
		{"HOTP\tu\t-\t" HEX "\t3\r\n", MFA_OTP_HOTP, 6, 3, false, false,
		 MFA_IMPORT_OATH_PIN_NONE},
		{"  HOTP   u \t - " HEX "  \n", MFA_OTP_HOTP, 6, 0, false, false,
		 MFA_IMPORT_OATH_PIN_NONE},
		/* no final newline */
		{"HOTP u - " HEX " 4", MFA_OTP_HOTP, 6, 4, false, false, MFA_IMPORT_OATH_PIN_NONE},
		/* upper-case hex */
		{"HOTP u - 3132333435363738393031323334353637383930\n", MFA_OTP_HOTP, 6, 0, false,
		 false, MFA_IMPORT_OATH_PIN_NONE},
		/* other users' lines, however broken, are never read past their user */
		{"# comment\n\nHOTP v - nothex\nTOTP v - " HEX "\nHOTP/T99 w\nHOTP uu - " HEX
		 "\nHOTP U - " HEX "\ngarbage\nHOTP v - " HEX " x y z w v\nHOTP u - " HEX " 2\n",
		 MFA_OTP_HOTP, 6, 2, false, false, MFA_IMPORT_OATH_PIN_NONE},
		/* a commented-out line for the user, then the real one */
		{"#HOTP u - 00\n# HOTP u - " HEX " 9\nHOTP/E u - " HEX " 3\n", MFA_OTP_HOTP, 6, 3,
		 false, false, MFA_IMPORT_OATH_PIN_NONE},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct mfa_import_oath_report rep;
		struct mfa_state *st = import_ok(good[i].text, strlen(good[i].text), "u", &rep);

		if (st->kind != good[i].kind || st->digits != good[i].digits ||
		    st->next != good[i].next || rep.used != good[i].used ||
		    rep.counter_ignored != good[i].counter_ignored || rep.pin != good[i].pin)
			fail_msg("case %zu: kind %d digits %u next %llu used %d ignored %d pin %d",
				 i, (int)st->kind, st->digits, (unsigned long long)st->next,
				 rep.used, rep.counter_ignored, (int)rep.pin);
		if (good[i].used && good[i].kind == MFA_OTP_TOTP)
			assert_int_equal(rep.last_step_matches, 1);
		assert_memory_equal(st->secret, KEY, 20);
		mfa_state_free(&st);
	}
}

/*
 * A time token's LASTOTP is placed whatever the zone liboath's TIME was
 * written in: RFC 6238's 1111111109 (step 37037036, code 07081804) in zones
 * from UTC-12 to UTC+14.
 */
static void
test_totp_last_otp_any_zone(void **state)
{
	static const long offsets[] = {-12 * 3600, -10 * 3600, -3600, 0, 3600, 19800, 14 * 3600};
	char line[256], tbuf[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		struct mfa_import_oath_report rep;
		struct mfa_state *st;

		oath_time(1111111109, offsets[i], tbuf);
		snprintf(line, sizeof(line), "HOTP/T30/8 u - " HEX " 1 07081804 %s\n", tbuf);
		st = import_ok(line, strlen(line), "u", &rep);
		assert_int_equal(rep.last_step_matches, 1);
		assert_true(st->next == 37037037);
		mfa_state_free(&st);
	}
}

struct bad_line {
	const char *text;
	size_t len; /* 0: strlen */
	unsigned line;
	const char *msg_part;
};

static void
test_malformed_user_lines(void **state)
{
	static const struct bad_line bad[] = {
		{"HOTP u\n", 0, 1, "no PIN field"},
		{"HOTP u -\n", 0, 1, "no secret field"},
		{"HOTP u - " HEX " 1 755224 2006-09-23T20:19:34L extra\n", 0, 1,
		 "more than 7 fields"},
		{"TOTP u - " HEX "\n", 0, 1, "unknown token type"},
		{"hotp u - " HEX "\n", 0, 1, "unknown token type"},
		{"HOTP/T90 u - " HEX "\n", 0, 1, "unknown token type"},
		{"HOTP/E/9 u - " HEX "\n", 0, 1, "unknown token type"},
		{"HOTP/T30/ u - " HEX "\n", 0, 1, "unknown token type"},
		{"HOTP u - 31323334353637383930313233343536373839303\n", 0, 1,
		 "even number of hex"},
		{"HOTP u - 3132333435363738393031323334353637383g30\n", 0, 1, "even number of hex"},
		{"HOTP u - 0x3132333435363738393031323334353637383930\n", 0, 1, "hex digits"},
		{"HOTP u - 313233343536373839\n", 0, 1, "secret must be 10 to 512 bytes"},
		{"HOTP u - " HEX " x\n", 0, 1, "counter must be a decimal number"},
		{"HOTP u - " HEX " -1\n", 0, 1, "counter must"},
		{"HOTP u - " HEX " +1\n", 0, 1, "counter must"},
		{"HOTP u - " HEX " 1#\n", 0, 1, "counter must"},
		{"HOTP u - " HEX " 18446744073709551616\n", 0, 1, "counter must"},
		{"HOTP u - " HEX " 7 16258\n", 0, 1, "last OTP must be 6 to 8 digits"},
		{"HOTP u - " HEX " 7 162583999\n", 0, 1, "last OTP must"},
		{"HOTP u - " HEX " 7 16258a\n", 0, 1, "last OTP must"},
		{"HOTP u - " HEX " 7 162583 2006-09-23T20:19:34\n", 0, 1, "time must be"},
		{"HOTP u - " HEX " 7 162583 2006-09-23 20:19:34L\n", 0, 1, "more than 7 fields"},
		{"HOTP u - " HEX " 7 162583 2006-09-23t20:19:34L\n", 0, 1, "time must be"},
		{"HOTP u - " HEX " 7 162583 2006-9-23T20:19:34L\n", 0, 1, "time must be"},
		{"HOTP u - " HEX " 7 162583 2006-02-29T00:00:00L\n", 0, 1, "time must be"},
		{"HOTP u - " HEX " 7 162583 2006-13-01T00:00:00L\n", 0, 1, "time must be"},
		{"HOTP u - " HEX " 7 162583 2006-00-01T00:00:00L\n", 0, 1, "time must be"},
		{"HOTP u - " HEX " 7 162583 2006-09-23T24:00:00L\n", 0, 1, "time must be"},
		{"HOTP u - " HEX " 7 162583 2006-09-23T23:60:00L\n", 0, 1, "time must be"},
		{"HOTP u - " HEX " 7 162583 1969-12-31T23:59:59L\n", 0, 1, "time must be"},
		/* the last OTP must be the counter's code */
		{"HOTP u - " HEX " 7 755224\n", 0, 1, "not the code of the counter"},
		{"HOTP u - " HEX " 8 162583\n", 0, 1, "not the code of the counter"},
		/* a time token's last OTP needs its time, and must fit near it */
		{"HOTP/T30 u - " HEX " 0 287082\n", 0, 1, "has no time"},
		{"HOTP/T30/8 u - " HEX " 0 94287082 2005-03-18T01:58:29L\n", 0, 1,
		 "no code of the secret near its time"},
		/* one token per user */
		{"HOTP u - " HEX "\nHOTP/T30 u - " HEX "\n", 0, 2,
		 "second token line (the first is line 1)"},
		{"HOTP v - x\nHOTP u - " HEX "\n\nHOTP u - " HEX " 3\n", 0, 4,
		 "second token line (the first is line 2)"},
		/* the first line for the user is broken: refused, not skipped */
		{"HOTP v - " HEX "\nHOTP u - nothex\nHOTP u - " HEX "\n", 0, 2, "hex"},
		/* NUL anywhere: not a text file */
		{"HOTP v - x\0y\nHOTP u - " HEX "\n", 13 + 9 + sizeof(HEX), 1, "NUL"},
	};
	struct mfa_import_oath_report rep;
	struct mfa_parse_err perr;
	struct mfa_state *st;
	size_t i, len;
	int r;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		len = bad[i].len != 0 ? bad[i].len : strlen(bad[i].text);
		st = NULL;
		memset(&rep, 0xa5, sizeof(rep));
		r = mfa_import_oath_user_report(bad[i].text, len, "/etc/users.oath", "u", &st, &rep,
						&perr);
		if (r != MFA_ERR_PARSE || perr.line != bad[i].line ||
		    strstr(perr.msg, bad[i].msg_part) == NULL)
			fail_msg("case %zu: got %s line %u \"%s\"; want line %u \"%s\"", i,
				 mfa_strerror_name(r), perr.line, perr.msg, bad[i].line,
				 bad[i].msg_part);
		assert_string_equal(perr.file, "/etc/users.oath");
		assert_null(st);
		assert_int_equal(rep.line, 0); /* the report is filled on success only */
		/* The reason never quotes the secret or a code. */
		assert_null(strstr(perr.msg, "3132333435"));
		assert_null(strstr(perr.msg, "16258"));
		assert_null(strstr(perr.msg, "755224"));
	}
}

static void
test_size_cap_arguments_counter_end(void **state)
{
	struct mfa_parse_err perr;
	struct mfa_state *st = NULL;
	char line[256], code[MFA_OTP_CODE_SIZE];
	char *big;
	size_t len = MFA_IMPORT_OATH_MAX_BYTES + 1;

	(void)state;
	big = malloc(len);
	assert_non_null(big);
	memset(big, '\n', len);
	assert_int_equal(mfa_import_oath_user(big, len, "f", "u", &st, &perr), MFA_ERR_TOO_LARGE);
	assert_non_null(strstr(perr.msg, "larger than"));
	free(big);
	assert_int_equal(mfa_import_oath_user(NULL, 0, "f", "u", &st, &perr), MFA_ERR_INVALID_ARG);
	assert_int_equal(mfa_import_oath_user("", 0, "f", NULL, &st, &perr), MFA_ERR_INVALID_ARG);
	assert_int_equal(mfa_import_oath_user("", 0, "f", "", &st, &perr), MFA_ERR_INVALID_ARG);
	assert_int_equal(mfa_import_oath_user("", 0, "f", "u", NULL, &perr), MFA_ERR_INVALID_ARG);
	assert_int_equal(mfa_import_oath_user("", 0, "f", "u", &st, NULL), MFA_ERR_NOT_FOUND);

	/* The last counter, used: there is no next value. */
	code_at(UINT64_MAX, 6, code);
	snprintf(line, sizeof(line), "HOTP u - " HEX " 18446744073709551615 %s\n", code);
	assert_int_equal(mfa_import_oath_user(line, strlen(line), "f", "u", &st, &perr),
			 MFA_ERR_PARSE);
	assert_non_null(strstr(perr.msg, "used up"));
	assert_null(st);
}

/* ---- liboath itself ---- */

struct oath_run {
	char dir[64];
	char path[128];
};

static void
oath_setup(struct oath_run *run)
{
	size_t len;
	char *text = test_read_data("import", "users.oath", &len);
	FILE *f;

	snprintf(run->dir, sizeof(run->dir), "/tmp/mfacover-test-oath-XXXXXX");
	assert_non_null(mkdtemp(run->dir));
	snprintf(run->path, sizeof(run->path), "%s/users.oath", run->dir);
	f = fopen(run->path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(run->path, 0600), 0);
	free(text);
}

static void
oath_teardown(struct oath_run *run)
{
	char lock[160];

	snprintf(lock, sizeof(lock), "%s.lock", run->path);
	unlink(lock);
	unlink(run->path);
	rmdir(run->dir);
}

static struct mfa_state *
oath_import(struct oath_run *run, const char *user, struct mfa_import_oath_report *rep)
{
	size_t len;
	char *text = test_read_file(run->path, &len);
	struct mfa_state *st = import_ok(text, len, user, rep);

	free(text);
	return st;
}

static void
assert_replay_then_next(const struct mfa_state *st, uint64_t used, uint64_t center)
{
	struct mfa_otp_window w = {center, 2, 2, 0};
	char code[MFA_OTP_CODE_SIZE];
	uint64_t matched = 0;

	w.floor = st->next;
	assert_int_equal(
		mfa_otp_generate(st->secret, st->secret_len, st->alg, st->digits, used, code),
		MFA_OK);
	assert_int_equal(
		mfa_otp_verify(st->secret, st->secret_len, st->alg, st->digits, &w, code, &matched),
		MFA_ERR_OTP_REPLAY);
	assert_int_equal(
		mfa_otp_generate(st->secret, st->secret_len, st->alg, st->digits, used + 1, code),
		MFA_OK);
	assert_int_equal(
		mfa_otp_verify(st->secret, st->secret_len, st->alg, st->digits, &w, code, &matched),
		MFA_OK);
	assert_true(matched == used + 1);
}

/* Event tokens: liboath stores the counter it accepted; mfacover's floor is one more. */
static void
test_liboath_event_counter_semantics(void **state)
{
	struct oath_run run;
	struct mfa_import_oath_report rep;
	struct mfa_state *st;
	char code[MFA_OTP_CODE_SIZE];
	size_t len;
	char *text;

	(void)state;
	oath_setup(&run);
	/* bob: HOTP/E/8 from counter 5; the code of counter 7 is in liboath's window. */
	code_at(7, 8, code);
	assert_int_equal(oath_authenticate_usersfile(run.path, "bob", code, 5, "", NULL), OATH_OK);
	text = test_read_file(run.path, &len);
	assert_non_null(strstr(text, "bob\t-\t" HEX "\t7\t")); /* the used counter, not 8 */
	free(text);
	st = oath_import(&run, "bob", &rep);
	assert_true(rep.used);
	assert_true(st->next == 8);
	assert_replay_then_next(st, 7, 8);
	mfa_state_free(&st);
	/* liboath refuses it again too. */
	assert_int_equal(oath_authenticate_usersfile(run.path, "bob", code, 5, "", NULL),
			 OATH_REPLAYED_OTP);

	/* mallory's broken line does not stop alice, in liboath or here ... */
	code_at(0, 6, code);
	assert_int_equal(oath_authenticate_usersfile(run.path, "alice", code, 5, "", NULL),
			 OATH_OK);
	st = oath_import(&run, "alice", NULL);
	assert_true(st->next == 1);
	assert_replay_then_next(st, 0, 1);
	mfa_state_free(&st);
	/* ... but fails mallory, in liboath and here. */
	assert_int_equal(oath_authenticate_usersfile(run.path, "mallory", code, 5, "", NULL),
			 OATH_INVALID_HEX);
	oath_teardown(&run);
}

/*
 * Time tokens: LASTOTP and TIME place the step liboath accepted, whatever
 * the zone liboath wrote TIME in (TZ set for liboath only).
 */
static void
test_liboath_time_semantics(void **state)
{
	static const struct {
		const char *user;
		unsigned digits;
		const char *tz;
	} runs[] = {
		{"frank", 8, "MFA-5:30"},
		{"carol", 6, "MFA+10"},
		{"frank", 8, "UTC0"},
	};
	struct oath_run run;
	struct mfa_import_oath_report rep;
	struct mfa_state *st;
	char code[MFA_OTP_CODE_SIZE];
	uint64_t step;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		oath_setup(&run);
		assert_int_equal(setenv("TZ", runs[i].tz, 1), 0);
		tzset();
		assert_int_equal(mfa_otp_totp_step(time(NULL), 0, 30, &step), MFA_OK);
		code_at(step, runs[i].digits, code);
		assert_int_equal(
			oath_authenticate_usersfile(run.path, runs[i].user, code, 1, "", NULL),
			OATH_OK);
		assert_int_equal(
			oath_authenticate_usersfile(run.path, runs[i].user, code, 1, "", NULL),
			OATH_REPLAYED_OTP);
		assert_int_equal(unsetenv("TZ"), 0);
		tzset();

		st = oath_import(&run, runs[i].user, &rep);
		assert_true(rep.used);
		assert_true(rep.counter_ignored);
		assert_true(rep.last_step_matches >= 1);
		if (rep.last_step_matches == 1) {
			assert_true(st->next == step + 1);
			assert_replay_then_next(st, step, step);
		} else {
			/* a coincidence of codes: the highest match, never lower */
			assert_true(st->next > step);
		}
		mfa_state_free(&st);
		oath_teardown(&run);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_data_file_users),
		cmocka_unit_test(test_line_forms_and_floor),
		cmocka_unit_test(test_totp_last_otp_any_zone),
		cmocka_unit_test(test_malformed_user_lines),
		cmocka_unit_test(test_size_cap_arguments_counter_end),
		cmocka_unit_test(test_liboath_event_counter_semantics),
		cmocka_unit_test(test_liboath_time_semantics),
	};
	int r;

	if (oath_init() != OATH_OK)
		return 1;
	r = cmocka_run_group_tests(tests, NULL, NULL);
	oath_done();
	return r;
}
