/*
 * test_mfa_err.c - every error code has its own name and text, unknown codes
 * are named as such, and parse errors render as file:line:column: reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mfa_err.h"

static void
test_every_code_has_distinct_name_and_text(void **state)
{
	int a, b;

	(void)state;
	for (a = MFA_OK; a >= MFA_ERR_LAST; a--) {
		assert_string_not_equal(mfa_strerror(a), "unknown error");
		assert_string_not_equal(mfa_strerror_name(a), "MFA_ERR_UNKNOWN");
		for (b = a - 1; b >= MFA_ERR_LAST; b--) {
			assert_string_not_equal(mfa_strerror(a), mfa_strerror(b));
			assert_string_not_equal(mfa_strerror_name(a), mfa_strerror_name(b));
		}
	}
	assert_string_equal(mfa_strerror_name(MFA_ERR_BASE32), "MFA_ERR_BASE32");
	assert_string_equal(mfa_strerror_name(MFA_ERR_OTP_REPLAY), "MFA_ERR_OTP_REPLAY");
}

static void
test_unknown_codes(void **state)
{
	(void)state;
	assert_string_equal(mfa_strerror(1), "unknown error");
	assert_string_equal(mfa_strerror(MFA_ERR_LAST - 1), "unknown error");
	assert_string_equal(mfa_strerror_name(MFA_ERR_LAST - 1), "MFA_ERR_UNKNOWN");
}

static void
test_parse_error_format(void **state)
{
	struct mfa_parse_err perr;
	char buf[128];

	(void)state;
	mfa_parse_err_init(&perr, "/etc/pam.d/sshd");
	mfa_parse_err_set(&perr, 12, 0, "unknown control '%s'", "requird");
	assert_string_equal(mfa_parse_err_format(&perr, buf, sizeof(buf)),
			    "/etc/pam.d/sshd:12: unknown control 'requird'");
	mfa_parse_err_set(&perr, 3, 7, "bad");
	assert_string_equal(mfa_parse_err_format(&perr, buf, sizeof(buf)),
			    "/etc/pam.d/sshd:3:7: bad");
	mfa_parse_err_set(&perr, 0, 0, "unreadable");
	assert_string_equal(mfa_parse_err_format(&perr, buf, sizeof(buf)),
			    "/etc/pam.d/sshd: unreadable");
	mfa_parse_err_init(&perr, NULL);
	mfa_parse_err_set(&perr, 0, 9, "x");
	assert_string_equal(mfa_parse_err_format(&perr, buf, sizeof(buf)), "column 9: x");
	/* Truncation keeps the buffer terminated. */
	mfa_parse_err_init(&perr, "/a/very/long/file/name");
	mfa_parse_err_set(&perr, 1, 0, "reason");
	assert_string_equal(mfa_parse_err_format(&perr, buf, 8), "/a/very");
	/* A NULL perr is accepted by the setters. */
	mfa_parse_err_init(NULL, "x");
	mfa_parse_err_set(NULL, 1, 1, "x");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_code_has_distinct_name_and_text),
		cmocka_unit_test(test_unknown_codes),
		cmocka_unit_test(test_parse_error_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
