/*
 * test_otpauth.c - otpauth:// Key URIs: the documented examples, every
 * parameter, percent-escaping, each malformed form with its column, and
 * build/parse round trips.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mfa_mem.h"
#include "otpauth.h"

/* "Hello!" 0xDE 0xAD 0xBE 0xEF, the seed of the Key URI format's example. */
#define HELLO_SECRET "JBSWY3DPEHPK3PXP"
static const uint8_t hello_bytes[] = {'H', 'e', 'l', 'l', 'o', '!', 0xde, 0xad, 0xbe, 0xef};

static struct mfa_otpauth *
parse_ok(const char *uri)
{
	struct mfa_otpauth *key = NULL;
	struct mfa_parse_err perr;
	int r;

	mfa_parse_err_init(&perr, NULL);
	r = mfa_otpauth_parse(uri, strlen(uri), &key, &perr);
	if (r != MFA_OK)
		fail_msg("%s: %s (column %u)", uri, perr.msg, perr.column);
	assert_non_null(key);
	return key;
}

static void
test_parse_key_uri_example(void **state)
{
	struct mfa_otpauth *key;

	(void)state;
	key = parse_ok("otpauth://totp/Example:alice@google.com?secret=" HELLO_SECRET
		       "&issuer=Example");
	assert_int_equal(key->kind, MFA_OTP_TOTP);
	assert_string_equal(key->issuer, "Example");
	assert_string_equal(key->account, "alice@google.com");
	assert_int_equal(key->secret_len, sizeof(hello_bytes));
	assert_memory_equal(key->secret, hello_bytes, sizeof(hello_bytes));
	assert_int_equal(key->alg, MFA_OTP_SHA1);
	assert_int_equal(key->digits, 6);
	assert_int_equal(key->period, 30);
	mfa_otpauth_free(&key);
	assert_null(key);
}

static void
test_parse_all_parameters_hotp(void **state)
{
	struct mfa_otpauth *key;

	(void)state;
	key = parse_ok("otpauth://hotp/ACME%20Co:john.doe%40email.com?secret=" HELLO_SECRET
		       "&issuer=ACME%20Co&algorithm=SHA256&digits=8&counter=42");
	assert_int_equal(key->kind, MFA_OTP_HOTP);
	assert_string_equal(key->issuer, "ACME Co");
	assert_string_equal(key->account, "john.doe@email.com");
	assert_int_equal(key->alg, MFA_OTP_SHA256);
	assert_int_equal(key->digits, 8);
	assert_int_equal(key->counter, 42);
	mfa_otpauth_free(&key);

	key = parse_ok(
		"OTPAUTH://TOTP/x?SECRET=" HELLO_SECRET
		"&algorithm=sha512&digits=7&period=60&image=https%3A%2F%2Fexample.org%2Fa.png");
	assert_int_equal(key->kind, MFA_OTP_TOTP);
	assert_null(key->issuer);
	assert_string_equal(key->account, "x");
	assert_int_equal(key->alg, MFA_OTP_SHA512);
	assert_int_equal(key->digits, 7);
	assert_int_equal(key->period, 60);
	mfa_otpauth_free(&key);

	key = parse_ok("otpauth://hotp/a?secret=" HELLO_SECRET "&counter=18446744073709551615");
	assert_true(key->counter == UINT64_MAX);
	mfa_otpauth_free(&key);
}

static void
test_parse_label_forms(void **state)
{
	struct mfa_otpauth *key;

	(void)state;
	/* An encoded colon separates too, and spaces after it are dropped. */
	key = parse_ok(
		"otpauth://totp/Big%20Corporation%3A%20alice%40bigco.com?secret=" HELLO_SECRET);
	assert_string_equal(key->issuer, "Big Corporation");
	assert_string_equal(key->account, "alice@bigco.com");
	mfa_otpauth_free(&key);
	/* '+' is a space in a value, a plus in the label. */
	key = parse_ok("otpauth://totp/ACME%20Co:a+b?secret=" HELLO_SECRET "&issuer=ACME+Co");
	assert_string_equal(key->issuer, "ACME Co");
	assert_string_equal(key->account, "a+b");
	mfa_otpauth_free(&key);
	/* The issuer parameter alone. */
	key = parse_ok("otpauth://totp/alice?issuer=M%C3%BCller%20GmbH&secret=" HELLO_SECRET);
	assert_string_equal(key->issuer, "M\xc3\xbcller GmbH");
	assert_string_equal(key->account, "alice");
	mfa_otpauth_free(&key);
	/* Secrets as people paste them: lower case, grouped, padded. */
	key = parse_ok("otpauth://totp/a?secret=jbsw+y3dp%20ehpk3pxp&&");
	assert_int_equal(key->secret_len, sizeof(hello_bytes));
	assert_memory_equal(key->secret, hello_bytes, sizeof(hello_bytes));
	mfa_otpauth_free(&key);
	key = parse_ok("otpauth://totp/a?secret=JBSWY3DPEHPK3PXPAE%3D%3D%3D%3D%3D%3D");
	assert_int_equal(key->secret_len, sizeof(hello_bytes) + 1);
	assert_memory_equal(key->secret, hello_bytes, sizeof(hello_bytes));
	assert_int_equal(key->secret[sizeof(hello_bytes)], 0x01);
	mfa_otpauth_free(&key);
}

struct bad_uri {
	const char *uri;
	int err;
	unsigned column;
	const char *msg_part;
};

static void
test_parse_malformed(void **state)
{
	static const struct bad_uri bad[] = {
		{"", MFA_ERR_URI, 1, "does not start with otpauth://"},
		{"https://totp/a?secret=" HELLO_SECRET, MFA_ERR_URI, 1, "does not start"},
		{"otpauth:/totp/a?secret=" HELLO_SECRET, MFA_ERR_URI, 1, "does not start"},
		{"otpauth://totp", MFA_ERR_URI, 11, "has no label"},
		{"otpauth://motp/a?secret=" HELLO_SECRET, MFA_ERR_URI, 11, "totp or hotp"},
		{"otpauth://totp/?secret=" HELLO_SECRET, MFA_ERR_URI, 16, "label is empty"},
		{"otpauth://totp/alice", MFA_ERR_URI, 21, "no parameters"},
		{"otpauth://totp/alice?issuer=x", MFA_ERR_URI, 21, "secret is missing"},
		{"otpauth://totp/alice?secret=JBSWY3DPEHPK3PX1", MFA_ERR_BASE32, 44,
		 "not in the base32 alphabet"},
		{"otpauth://totp/alice?secret=JBSWY3DP", MFA_ERR_URI, 29, "at least 80"},
		{"otpauth://hotp/alice?secret=" HELLO_SECRET, MFA_ERR_URI, 21,
		 "counter is required"},
		{"otpauth://totp/a?secret=" HELLO_SECRET "&digits=5", MFA_ERR_URI, 49,
		 "digits must"},
		{"otpauth://totp/a?secret=" HELLO_SECRET "&digits=9", MFA_ERR_URI, 49,
		 "digits must"},
		{"otpauth://totp/a?secret=" HELLO_SECRET "&digits=six", MFA_ERR_URI, 49,
		 "digits must"},
		{"otpauth://totp/a?secret=" HELLO_SECRET "&digits=", MFA_ERR_URI, 49,
		 "digits must"},
		{"otpauth://totp/a?secret=" HELLO_SECRET "&period=0", MFA_ERR_URI, 49,
		 "period must"},
		{"otpauth://totp/a?secret=" HELLO_SECRET "&period=-30", MFA_ERR_URI, 49,
		 "period must"},
		{"otpauth://totp/a?secret=" HELLO_SECRET "&period=3601", MFA_ERR_URI, 49,
		 "period must"},
		{"otpauth://hotp/a?secret=" HELLO_SECRET "&counter=18446744073709551616",
		 MFA_ERR_URI, 50, "counter must"},
		{"otpauth://totp/a?secret=" HELLO_SECRET "&algorithm=MD5", MFA_ERR_URI, 52,
		 "SHA1, SHA256 or SHA512"},
		{"otpauth://totp/a?secret=" HELLO_SECRET "&secret=" HELLO_SECRET, MFA_ERR_URI, 42,
		 "given twice"},
		{"otpauth://totp/A:a?secret=" HELLO_SECRET "&issuer=B", MFA_ERR_URI, 16, "differ"},
		{"otpauth://totp/A%G1?secret=" HELLO_SECRET, MFA_ERR_URI, 17, "two hex digits"},
		{"otpauth://totp/A%4?secret=" HELLO_SECRET, MFA_ERR_URI, 17, "two hex digits"},
		{"otpauth://totp/a?secret=" HELLO_SECRET "&issuer=%", MFA_ERR_URI, 49,
		 "two hex digits"},
		{"otpauth://totp/A%00?secret=" HELLO_SECRET, MFA_ERR_URI, 17, "control character"},
		{"otpauth://totp/A%0A?secret=" HELLO_SECRET, MFA_ERR_URI, 17, "control character"},
		{"otpauth://totp/A B?secret=" HELLO_SECRET, MFA_ERR_URI, 17, "not allowed"},
		{"otpauth://totp/A?secret=" HELLO_SECRET "#frag", MFA_ERR_URI, 41, "not allowed"},
		{"otpauth://totp/A:b:c?secret=" HELLO_SECRET, MFA_ERR_URI, 16, "more than one ':'"},
		{"otpauth://totp/:alice?secret=" HELLO_SECRET, MFA_ERR_URI, 16, "empty issuer"},
		{"otpauth://totp/Example:?secret=" HELLO_SECRET, MFA_ERR_URI, 16, "no account"},
		{"otpauth://totp/Example:%20%20?secret=" HELLO_SECRET, MFA_ERR_URI, 16,
		 "no account"},
		{"otpauth://totp/a?secret", MFA_ERR_URI, 18, "no '='"},
		{"otpauth://totp/a?secret=" HELLO_SECRET "&issuer=", MFA_ERR_URI, 49,
		 "issuer is empty"},
	};
	struct mfa_parse_err perr;
	struct mfa_otpauth *key;
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		key = (struct mfa_otpauth *)&perr; /* must be reset to NULL */
		mfa_parse_err_init(&perr, NULL);
		r = mfa_otpauth_parse(bad[i].uri, strlen(bad[i].uri), &key, &perr);
		if (r != bad[i].err || perr.column != bad[i].column ||
		    strstr(perr.msg, bad[i].msg_part) == NULL)
			fail_msg("%s: got %s column %u \"%s\"; want %s column %u \"%s\"",
				 bad[i].uri, mfa_strerror_name(r), perr.column, perr.msg,
				 mfa_strerror_name(bad[i].err), bad[i].column, bad[i].msg_part);
		assert_null(key);
	}
}

static void
test_parse_error_never_quotes_the_secret(void **state)
{
	static const char uri[] = "otpauth://totp/a?secret=QQQQQQQQQQQQQQQ!";
	struct mfa_parse_err perr;
	struct mfa_otpauth *key = NULL;

	(void)state;
	mfa_parse_err_init(&perr, NULL);
	assert_int_not_equal(mfa_otpauth_parse(uri, strlen(uri), &key, &perr), MFA_OK);
	assert_null(strstr(perr.msg, "QQQQ"));
	assert_null(strstr(perr.msg, "!"));
}

static void
test_parse_size_cap(void **state)
{
	struct mfa_otpauth *key = NULL;
	char *uri;

	(void)state;
	uri = malloc(MFA_OTPAUTH_URI_MAX + 2);
	assert_non_null(uri);
	memset(uri, 'a', MFA_OTPAUTH_URI_MAX + 1);
	uri[MFA_OTPAUTH_URI_MAX + 1] = '\0';
	assert_int_equal(mfa_otpauth_parse(uri, MFA_OTPAUTH_URI_MAX + 1, &key, NULL),
			 MFA_ERR_TOO_LARGE);
	assert_null(key);
	free(uri);
}

static void
test_build_exact_text(void **state)
{
	uint8_t secret[sizeof(hello_bytes)];
	struct mfa_otpauth key = {
		.kind = MFA_OTP_TOTP,
		.alg = MFA_OTP_SHA1,
		.digits = 6,
		.period = 30,
		.issuer = (char *)"ACME Co",
		.account = (char *)"john.doe@email.com",
		.secret = secret,
		.secret_len = sizeof(secret),
	};
	char *uri = NULL;

	(void)state;
	memcpy(secret, hello_bytes, sizeof(secret));
	assert_int_equal(mfa_otpauth_build(&key, &uri), MFA_OK);
	assert_string_equal(uri,
			    "otpauth://totp/ACME%20Co:john.doe%40email.com?secret=" HELLO_SECRET
			    "&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30");
	mfa_free_string(uri);

	key.kind = MFA_OTP_HOTP;
	key.issuer = NULL;
	key.counter = 7;
	key.alg = MFA_OTP_SHA512;
	key.digits = 8;
	assert_int_equal(mfa_otpauth_build(&key, &uri), MFA_OK);
	assert_string_equal(uri, "otpauth://hotp/john.doe%40email.com?secret=" HELLO_SECRET
				 "&algorithm=SHA512&digits=8&counter=7");
	mfa_free_string(uri);
}

static void
test_build_refuses_bad_keys(void **state)
{
	uint8_t secret[20] = {1};
	struct mfa_otpauth key = {
		.kind = MFA_OTP_TOTP,
		.alg = MFA_OTP_SHA1,
		.digits = 6,
		.period = 30,
		.account = (char *)"a:b",
		.secret = secret,
		.secret_len = sizeof(secret),
	};
	char *uri = NULL;

	(void)state;
	assert_int_equal(mfa_otpauth_build(&key, &uri), MFA_ERR_INVALID_ARG);
	key.account = (char *)"alice";
	key.issuer = (char *)"Evil:Corp";
	assert_int_equal(mfa_otpauth_build(&key, &uri), MFA_ERR_INVALID_ARG);
	key.issuer = NULL;
	key.account = (char *)"";
	assert_int_equal(mfa_otpauth_build(&key, &uri), MFA_ERR_INVALID_ARG);
	key.account = (char *)"a\nb";
	assert_int_equal(mfa_otpauth_build(&key, &uri), MFA_ERR_INVALID_ARG);
	key.account = (char *)"alice";
	key.digits = 9;
	assert_int_equal(mfa_otpauth_build(&key, &uri), MFA_ERR_INVALID_ARG);
	key.digits = 6;
	key.secret_len = 9;
	assert_int_equal(mfa_otpauth_build(&key, &uri), MFA_ERR_INVALID_ARG);
	key.secret_len = sizeof(secret);
	key.period = 0;
	assert_int_equal(mfa_otpauth_build(&key, &uri), MFA_ERR_INVALID_ARG);
	assert_null(uri);
	key.period = 30;
	/* With an issuer, a leading blank in the account would not survive a parse. */
	key.issuer = (char *)"ACME";
	key.account = (char *)" alice";
	assert_int_equal(mfa_otpauth_build(&key, &uri), MFA_ERR_INVALID_ARG);
	key.account = (char *)"alice";
	assert_int_equal(mfa_otpauth_build(&key, &uri), MFA_OK);
	mfa_free_string(uri);
	/* Never longer than the parser takes: 1500 '{' percent-encode to 4500. */
	{
		char big[1501];

		memset(big, '{', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		key.issuer = big;
		assert_int_equal(mfa_otpauth_build(&key, &uri), MFA_ERR_TOO_LARGE);
		assert_null(uri);
	}
}

static void
test_round_trip(void **state)
{
	static const struct {
		enum mfa_otp_kind kind;
		enum mfa_otp_alg alg;
		unsigned digits;
		unsigned period;
		uint64_t counter;
		const char *issuer;
		const char *account;
	} cases[] = {
		{MFA_OTP_TOTP, MFA_OTP_SHA1, 6, 30, 0, NULL, "root"},
		{MFA_OTP_TOTP, MFA_OTP_SHA256, 7, 60, 0, "Dienstleister GmbH & Co. KG",
		 "svc-wartung@example.de"},
		{MFA_OTP_TOTP, MFA_OTP_SHA512, 8, 1, 0, "M\xc3\xbcller", "j\xc3\xb6rg+admin"},
		{MFA_OTP_HOTP, MFA_OTP_SHA1, 6, 30, 0, "VPN", "alice"},
		{MFA_OTP_HOTP, MFA_OTP_SHA256, 8, 30, UINT64_MAX, "a/b?c=d&e", "100%% #1"},
	};
	uint8_t secret[32];
	struct mfa_otpauth *back = NULL;
	size_t i, j;
	char *uri = NULL;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mfa_otpauth key = {
			.kind = cases[i].kind,
			.alg = cases[i].alg,
			.digits = cases[i].digits,
			.period = cases[i].period,
			.counter = cases[i].counter,
			.issuer = (char *)cases[i].issuer,
			.account = (char *)cases[i].account,
			.secret = secret,
			.secret_len = 10 + i * 5,
		};

		for (j = 0; j < sizeof(secret); j++)
			secret[j] = (uint8_t)(j * 13 + i);
		assert_int_equal(mfa_otpauth_build(&key, &uri), MFA_OK);
		back = parse_ok(uri);
		assert_int_equal(back->kind, key.kind);
		assert_int_equal(back->alg, key.alg);
		assert_int_equal(back->digits, key.digits);
		if (key.kind == MFA_OTP_TOTP)
			assert_int_equal(back->period, key.period);
		else
			assert_true(back->counter == key.counter);
		if (key.issuer == NULL)
			assert_null(back->issuer);
		else
			assert_string_equal(back->issuer, key.issuer);
		assert_string_equal(back->account, key.account);
		assert_int_equal(back->secret_len, key.secret_len);
		assert_memory_equal(back->secret, key.secret, key.secret_len);
		mfa_otpauth_free(&back);
		mfa_free_string(uri);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_key_uri_example),
		cmocka_unit_test(test_parse_all_parameters_hotp),
		cmocka_unit_test(test_parse_label_forms),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_parse_error_never_quotes_the_secret),
		cmocka_unit_test(test_parse_size_cap),
		cmocka_unit_test(test_build_exact_text),
		cmocka_unit_test(test_build_refuses_bad_keys),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
