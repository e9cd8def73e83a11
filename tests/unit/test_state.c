/*
 * test_state.c - the state file format: exact text, round trips, every
 * malformed form with its line, and truncation at every byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mfa_mem.h"
#include "recovery.h"
#include "state.h"

/* 20 bytes "12345678901234567890" in base32. */
#define SEED_B32 "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
#define REC1                                                                                       \
	"pbkdf2-sha256$10000$000102030405060708090a0b0c0d0e0f$"                                    \
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define REC2                                                                                       \
	"pbkdf2-sha256$20000$ffeeddccbbaa99887766554433221100$"                                    \
	"ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"

static const char totp_text[] = "version=1\n"
				"type=totp\n"
				"algorithm=SHA256\n"
				"digits=8\n"
				"period=60\n"
				"secret=" SEED_B32 "\n"
				"created=1764300000\n"
				"recovery=" REC1 "\n"
				"recovery=" REC2 "\n"
				"next=29405001\n"
				"failures=2\n"
				"locked_until=0\n"
				"last_success=1764300060\n";

static const char hotp_text[] = "version=1\n"
				"type=hotp\n"
				"algorithm=SHA1\n"
				"digits=6\n"
				"secret=" SEED_B32 "\n"
				"created=0\n"
				"next=18446744073709551615\n"
				"failures=0\n"
				"locked_until=18446744073709551615\n"
				"last_success=0\n";

static struct mfa_state *
parse_ok(const char *text, size_t len)
{
	struct mfa_parse_err perr;
	struct mfa_state *st = NULL;
	int r = mfa_state_parse(text, len, "state", &st, &perr);

	if (r != MFA_OK)
		fail_msg("parse failed: line %u: %s", perr.line, perr.msg);
	return st;
}

static void
test_parse_totp_fields(void **state)
{
	struct mfa_state *st = parse_ok(totp_text, strlen(totp_text));

	(void)state;
	assert_int_equal(st->kind, MFA_OTP_TOTP);
	assert_int_equal(st->alg, MFA_OTP_SHA256);
	assert_int_equal(st->digits, 8);
	assert_int_equal(st->period, 60);
	assert_int_equal(st->secret_len, 20);
	assert_memory_equal(st->secret, "12345678901234567890", 20);
	assert_int_equal(st->created, 1764300000);
	assert_int_equal(st->nrecovery, 2);
	assert_string_equal(st->recovery[0], REC1);
	assert_string_equal(st->recovery[1], REC2);
	assert_int_equal(st->next, 29405001);
	assert_int_equal(st->failures, 2);
	assert_int_equal(st->locked_until, 0);
	assert_int_equal(st->last_success, 1764300060);
	mfa_state_free(&st);
	assert_null(st);
}

static void
test_parse_hotp_fields(void **state)
{
	struct mfa_state *st = parse_ok(hotp_text, strlen(hotp_text));

	(void)state;
	assert_int_equal(st->kind, MFA_OTP_HOTP);
	assert_int_equal(st->alg, MFA_OTP_SHA1);
	assert_int_equal(st->nrecovery, 0);
	assert_true(st->next == UINT64_MAX);
	assert_true(st->locked_until == UINT64_MAX);
	mfa_state_free(&st);
}

/* Formatting what was parsed gives back the same bytes. */
static void
test_format_is_byte_identical_round_trip(void **state)
{
	const char *texts[] = {totp_text, hotp_text};
	size_t i, len;
	char *buf;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct mfa_state *st = parse_ok(texts[i], strlen(texts[i]));

		assert_int_equal(mfa_state_format(st, &buf, &len), MFA_OK);
		assert_int_equal(len, strlen(texts[i]));
		assert_memory_equal(buf, texts[i], len);
		mfa_freezero(buf, len);
		mfa_state_free(&st);
	}
}

static void
test_remove_recovery_keeps_order(void **state)
{
	struct mfa_state *st = parse_ok(totp_text, strlen(totp_text));

	(void)state;
	assert_int_equal(mfa_state_remove_recovery(st, 0), MFA_OK);
	assert_int_equal(st->nrecovery, 1);
	assert_string_equal(st->recovery[0], REC2);
	assert_int_equal(mfa_state_remove_recovery(st, 1), MFA_ERR_INVALID_ARG);
	assert_int_equal(mfa_state_remove_recovery(st, 0), MFA_OK);
	assert_int_equal(st->nrecovery, 0);
	mfa_state_free(&st);
}

/* Every proper prefix of a valid file is refused: truncation fails closed. */
static void
test_every_truncation_is_refused(void **state)
{
	const char *texts[] = {totp_text, hotp_text};
	struct mfa_state *st;
	size_t i, cut;

	(void)state;
	for (i = 0; i < 2; i++) {
		for (cut = 0; cut < strlen(texts[i]); cut++) {
			st = NULL;
			if (mfa_state_parse(texts[i], cut, "state", &st, NULL) == MFA_OK)
				fail_msg("text %zu cut at %zu parsed", i, cut);
			assert_null(st);
		}
	}
}

struct bad_state {
	const char *text;
	unsigned line;
	const char *msg_part;
};

#define HEAD "version=1\ntype=totp\nalgorithm=SHA1\ndigits=6\nperiod=30\n"
#define SECRET "secret=" SEED_B32 "\n"
#define TAIL "next=0\nfailures=0\nlocked_until=0\nlast_success=0\n"

static void
test_malformed(void **state)
{
	static const struct bad_state bad[] = {
		{"", 0, "empty"},
		{"version=1", 0, "newline"},
		{"type=totp\n", 1, "first line must be version"},
		{"version=2\n", 1, "unsupported state format version"},
		{"version=\n", 1, "unsupported"},
		{HEAD "colour=blue\n", 6, "unknown key"},
		{HEAD "secret\n", 6, "not key=value"},
		{"version=1\ntype=motp\n", 2, "totp or hotp"},
		{"version=1\ntype=totp\nalgorithm=sha1\n", 3, "SHA1, SHA256 or SHA512"},
		{"version=1\ntype=totp\nalgorithm=MD5\n", 3, "SHA1, SHA256 or SHA512"},
		{"version=1\ntype=totp\nalgorithm=SHA1\ndigits=5\n", 4, "digits must"},
		{"version=1\ntype=totp\nalgorithm=SHA1\ndigits=9\n", 4, "digits must"},
		{"version=1\ntype=totp\nalgorithm=SHA1\ndigits=06\n", 4, "digits must"},
		{"version=1\ntype=totp\nalgorithm=SHA1\ndigits= 6\n", 4, "digits must"},
		{"version=1\ntype=totp\nalgorithm=SHA1\ndigits=6\nperiod=0\n", 5, "period must"},
		{HEAD "secret=gezdgnbvgy3tqojqgezdgnbvgy3tqojq\n", 6, "upper-case"},
		{HEAD "secret=GEZDGNBV\n", 6, "does not decode"},
		{HEAD "secret=GEZDGNBVGY3TQOJQ====\n", 6, "upper-case"},
		{HEAD SECRET "created=0\nrecovery=pbkdf2-sha256$10$00$00\n", 8, "recovery hash"},
		{HEAD SECRET "created=0\nnext=-1\n", 8, "next must"},
		{HEAD SECRET "created=0\nnext=18446744073709551616\n", 8, "next must"},
		{HEAD SECRET "created=0\nnext=0\nfailures=1000001\n", 9, "failures must"},
		{HEAD SECRET "created=0\nnext=0\nnext=1\n", 9, "given twice"},
		{HEAD SECRET "next=0\ncreated=0\n", 8, "out of order"},
		{HEAD SECRET "created=0\nnext=0\r\nfailures=0\n", 8, "carriage return"},
		{HEAD SECRET "created=0\nnext=0\nfailures=0\nlocked_until=0\n", 0,
		 "last_success is missing"},
		{"version=1\ntype=totp\nalgorithm=SHA1\ndigits=6\n" SECRET "created=0\n" TAIL, 0,
		 "period is missing"},
		{"version=1\ntype=hotp\nalgorithm=SHA1\ndigits=6\nperiod=30\n" SECRET
		 "created=0\n" TAIL,
		 0, "period is given for a hotp"},
	};
	struct mfa_parse_err perr;
	struct mfa_state *st;
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		st = NULL;
		r = mfa_state_parse(bad[i].text, strlen(bad[i].text), "/var/lib/mfacover/alice",
				    &st, &perr);
		if (r != MFA_ERR_PARSE || perr.line != bad[i].line ||
		    strstr(perr.msg, bad[i].msg_part) == NULL)
			fail_msg("case %zu: got %s line %u \"%s\"; want line %u \"%s\"", i,
				 mfa_strerror_name(r), perr.line, perr.msg, bad[i].line,
				 bad[i].msg_part);
		assert_string_equal(perr.file, "/var/lib/mfacover/alice");
		assert_null(st);
		/* The reason never quotes the secret. */
		assert_null(strstr(perr.msg, "GEZDGNBV"));
	}
}

static void
test_embedded_nul_and_size_cap(void **state)
{
	static const char with_nul[] = "version=1\ntype=t\0tp\n";
	struct mfa_parse_err perr;
	struct mfa_state *st = NULL;
	char *big;

	(void)state;
	assert_int_equal(mfa_state_parse(with_nul, sizeof(with_nul) - 1, "s", &st, &perr),
			 MFA_ERR_PARSE);
	assert_int_equal(perr.line, 2);
	big = malloc(MFA_STATE_MAX_BYTES + 1);
	assert_non_null(big);
	memset(big, '\n', MFA_STATE_MAX_BYTES + 1);
	assert_int_equal(mfa_state_parse(big, MFA_STATE_MAX_BYTES + 1, "s", &st, &perr),
			 MFA_ERR_TOO_LARGE);
	free(big);
}

static void
test_too_many_recovery_codes(void **state)
{
	char *text, *p;
	size_t i, cap = 8192;
	struct mfa_parse_err perr;
	struct mfa_state *st = NULL;

	(void)state;
	text = malloc(cap);
	assert_non_null(text);
	p = text + sprintf(text, HEAD SECRET "created=0\n");
	for (i = 0; i <= MFA_STATE_RECOVERY_MAX; i++)
		p += sprintf(p, "recovery=" REC1 "\n");
	sprintf(p, TAIL);
	assert_int_equal(mfa_state_parse(text, strlen(text), "s", &st, &perr), MFA_ERR_PARSE);
	assert_int_equal(perr.line, 8 + MFA_STATE_RECOVERY_MAX);
	assert_non_null(strstr(perr.msg, "more than"));
	free(text);
}

static void
test_format_refuses_invalid_state(void **state)
{
	struct mfa_state *st = parse_ok(totp_text, strlen(totp_text));
	char *buf = NULL;
	size_t len = 0;

	(void)state;
	st->digits = 9;
	assert_int_equal(mfa_state_format(st, &buf, &len), MFA_ERR_INVALID_ARG);
	st->digits = 6;
	st->period = 0;
	assert_int_equal(mfa_state_format(st, &buf, &len), MFA_ERR_INVALID_ARG);
	st->period = 30;
	st->recovery[0][0] = 'x';
	assert_int_equal(mfa_state_format(st, &buf, &len), MFA_ERR_INVALID_ARG);
	assert_null(buf);
	mfa_state_free(&st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_totp_fields),
		cmocka_unit_test(test_parse_hotp_fields),
		cmocka_unit_test(test_format_is_byte_identical_round_trip),
		cmocka_unit_test(test_remove_recovery_keeps_order),
		cmocka_unit_test(test_every_truncation_is_refused),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_embedded_nul_and_size_cap),
		cmocka_unit_test(test_too_many_recovery_codes),
		cmocka_unit_test(test_format_refuses_invalid_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
