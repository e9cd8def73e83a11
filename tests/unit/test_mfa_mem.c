/*
 * test_mfa_mem.c - constant-time comparison answers correctly for every
 * position of a difference, and the wiping frees accept NULL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mfa_err.h"
#include "mfa_mem.h"

static void
test_consttime_eq_finds_every_difference(void **state)
{
	unsigned char a[32], b[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(a); i++)
		a[i] = b[i] = (unsigned char)(i * 7);
	assert_true(mfa_consttime_eq(a, b, sizeof(a)));
	for (i = 0; i < sizeof(a); i++) {
		b[i] ^= 0x80;
		assert_false(mfa_consttime_eq(a, b, sizeof(a)));
		b[i] ^= 0x80;
	}
	assert_true(mfa_consttime_eq(a, b, 0));
}

static void
test_consttime_streq(void **state)
{
	(void)state;
	assert_true(mfa_consttime_streq("123456", "123456"));
	assert_false(mfa_consttime_streq("123456", "123457"));
	assert_false(mfa_consttime_streq("123456", "12345"));
	assert_false(mfa_consttime_streq("12345", "123456"));
	assert_true(mfa_consttime_streq("", ""));
	assert_false(mfa_consttime_streq(NULL, "x"));
	assert_false(mfa_consttime_streq("x", NULL));
}

static void
test_wipe_and_free(void **state)
{
	unsigned char buf[16];
	char *s;
	size_t i;

	(void)state;
	memset(buf, 0xaa, sizeof(buf));
	mfa_wipe(buf, sizeof(buf));
	for (i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
	mfa_wipe(NULL, 10);
	mfa_freezero(NULL, 10);
	mfa_free_string(NULL);
	s = strdup("secret");
	assert_non_null(s);
	mfa_free_string(s);
	s = malloc(8);
	assert_non_null(s);
	mfa_freezero(s, 8);
}

static void
test_strlist_addf(void **state)
{
	char **list = NULL;
	size_t n = 0, i;

	(void)state;
	assert_int_equal(mfa_strlist_addf(&list, &n, "%s:%u", "a", 1u), MFA_OK);
	assert_int_equal(mfa_strlist_addf(&list, &n, "%s", ""), MFA_OK);
	assert_int_equal(mfa_strlist_addf(&list, &n, "third %d", -3), MFA_OK);
	assert_int_equal(n, 3);
	assert_string_equal(list[0], "a:1");
	assert_string_equal(list[1], "");
	assert_string_equal(list[2], "third -3");
	assert_int_equal(mfa_strlist_addf(NULL, &n, "x"), MFA_ERR_INVALID_ARG);
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_consttime_eq_finds_every_difference),
		cmocka_unit_test(test_consttime_streq),
		cmocka_unit_test(test_wipe_and_free),
		cmocka_unit_test(test_strlist_addf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
