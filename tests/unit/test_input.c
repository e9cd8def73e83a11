/*
 * test_input.c - appended codes and OpenVPN SCRV1 responses: the password
 * part byte for byte, and every malformed form refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "input.h"
#include "mfa_mem.h"

static void
test_split_appended(void **state)
{
	char *pw = NULL, *code = NULL;

	(void)state;
	assert_int_equal(mfa_input_split_appended("p\xc3\xa4ss word123456", 6, &pw, &code, NULL),
			 MFA_OK);
	assert_string_equal(pw, "p\xc3\xa4ss word");
	assert_string_equal(code, "123456");
	mfa_free_string(pw);
	mfa_free_string(code);
	/* An 8-digit code, and a code alone (empty password part). */
	assert_int_equal(mfa_input_split_appended("x12345678", 8, &pw, &code, NULL), MFA_OK);
	assert_string_equal(pw, "x");
	assert_string_equal(code, "12345678");
	mfa_free_string(pw);
	mfa_free_string(code);
	assert_int_equal(mfa_input_split_appended("123456", 6, &pw, &code, NULL), MFA_OK);
	assert_string_equal(pw, "");
	mfa_free_string(pw);
	mfa_free_string(code);
}

static void
test_split_appended_refusals(void **state)
{
	struct mfa_parse_err perr;
	char *pw = (char *)"x", *code = (char *)"x", *big;

	(void)state;
	mfa_parse_err_init(&perr, NULL);
	assert_int_equal(mfa_input_split_appended("12345", 6, &pw, &code, &perr), MFA_ERR_PARSE);
	assert_null(pw);
	assert_null(code);
	assert_non_null(strstr(perr.msg, "shorter than the 6-digit code"));
	assert_null(strstr(perr.msg, "12345"));
	big = malloc(MFA_INPUT_MAX + 2);
	assert_non_null(big);
	memset(big, 'a', MFA_INPUT_MAX + 1);
	big[MFA_INPUT_MAX + 1] = '\0';
	assert_int_equal(mfa_input_split_appended(big, 6, &pw, &code, &perr), MFA_ERR_TOO_LARGE);
	free(big);
}

static void
test_scrv1(void **state)
{
	char *pw = NULL, *code = NULL;

	(void)state;
	/* "secret" / "123456"; "vpn:pass word" / "654321" (padding of two and one). */
	assert_true(mfa_input_is_scrv1("SCRV1:c2VjcmV0:MTIzNDU2"));
	assert_int_equal(mfa_input_parse_scrv1("SCRV1:c2VjcmV0:MTIzNDU2", &pw, &code, NULL),
			 MFA_OK);
	assert_string_equal(pw, "secret");
	assert_string_equal(code, "123456");
	mfa_free_string(pw);
	mfa_free_string(code);
	assert_int_equal(
		mfa_input_parse_scrv1("SCRV1:dnBuOnBhc3Mgd29yZA==:NjU0MzIx", &pw, &code, NULL),
		MFA_OK);
	assert_string_equal(pw, "vpn:pass word");
	assert_string_equal(code, "654321");
	mfa_free_string(pw);
	mfa_free_string(code);
	assert_int_equal(mfa_input_parse_scrv1("SCRV1:YWI=:", &pw, &code, NULL), MFA_OK);
	assert_string_equal(pw, "ab");
	assert_string_equal(code, "");
	mfa_free_string(pw);
	mfa_free_string(code);
}

static void
test_scrv1_malformed(void **state)
{
	static const char *const bad[] =
		{
			"scrv1:c2VjcmV0:MTIzNDU2", /* prefix is case-sensitive */
			"SCRV2:c2VjcmV0:MTIzNDU2",  "SCRV1:c2VjcmV0",
			"SCRV1:c2VjcmV0:MTIz:NDU2", "SCRV1:c2VjcmV:MTIzNDU2", /* length */
			"SCRV1:c2Vj*mV0:MTIzNDU2",  "SCRV1:c2VjcmV0:MTIzN DU2",
			"SCRV1:YQ=a:MTIzNDU2",      "SCRV1:=YWI:MTIzNDU2",
			"SCRV1:YR==:MTIzNDU2", /* non-zero bits under the padding */
			"SCRV1:AA==:MTIzNDU2", /* decodes to a NUL */
			"password123456",
		};
	struct mfa_parse_err perr;
	char *pw = NULL, *code = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		mfa_parse_err_init(&perr, NULL);
		if (mfa_input_parse_scrv1(bad[i], &pw, &code, &perr) != MFA_ERR_PARSE)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_null(pw);
		assert_null(code);
		assert_true(perr.msg[0] != '\0');
	}
}

static void
test_strip_blanks(void **state)
{
	char s[] = " 123 \t456 ";

	(void)state;
	assert_string_equal(mfa_input_strip_blanks(s), "123456");
	assert_null(mfa_input_strip_blanks(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_appended),
		cmocka_unit_test(test_split_appended_refusals),
		cmocka_unit_test(test_scrv1),
		cmocka_unit_test(test_scrv1_malformed),
		cmocka_unit_test(test_strip_blanks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
