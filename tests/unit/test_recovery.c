/*
 * test_recovery.c - recovery codes: their shape, salted hashing, checking
 * with the forms people type, and refusal of malformed stored hashes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "recovery.h"

#define CROCKFORD "0123456789abcdefghjkmnpqrstvwxyz"

static void
test_generated_codes_have_the_documented_shape(void **state)
{
	char code[MFA_RECOVERY_CODE_SIZE], first[MFA_RECOVERY_CODE_SIZE];
	bool used[256] = {false};
	size_t i, j, distinct = 0;

	(void)state;
	assert_int_equal(mfa_recovery_generate(first), MFA_OK);
	for (i = 0; i < 2000; i++) {
		assert_int_equal(mfa_recovery_generate(code), MFA_OK);
		assert_int_equal(strlen(code), 14);
		for (j = 0; j < 14; j++) {
			if (j == 4 || j == 9) {
				assert_int_equal(code[j], '-');
				continue;
			}
			assert_non_null(memchr(CROCKFORD, code[j], 32));
			used[(unsigned char)code[j]] = true;
		}
		assert_string_not_equal(code, first);
		assert_true(mfa_recovery_looks_like_code(code));
	}
	for (i = 0; i < 256; i++)
		distinct += used[i];
	/* 24000 draws from 32 symbols: every symbol shows up. */
	assert_int_equal(distinct, 32);
}

static void
test_hash_and_verify_forms(void **state)
{
	char h1[MFA_RECOVERY_HASH_TEXT_SIZE], h2[MFA_RECOVERY_HASH_TEXT_SIZE];
	char h3[MFA_RECOVERY_HASH_TEXT_SIZE];
	char *hashes[3] = {h1, h2, h3};
	size_t index = 99;

	(void)state;
	assert_int_equal(mfa_recovery_hash("abcd-efgh-jkmn", 1000, h1), MFA_OK);
	assert_int_equal(mfa_recovery_hash("0000-1111-2222", 1000, h2), MFA_OK);
	assert_int_equal(mfa_recovery_hash("zzzz yyyy xxxx", 1000, h3), MFA_OK);
	assert_true(mfa_recovery_hash_text_valid(h1, strlen(h1)));
	assert_int_equal(strncmp(h1, "pbkdf2-sha256$1000$", 19), 0);
	assert_int_equal(strlen(h1), 19 + 32 + 1 + 64);

	assert_int_equal(mfa_recovery_verify("0000-1111-2222", hashes, 3, &index), MFA_OK);
	assert_int_equal(index, 1);
	assert_int_equal(mfa_recovery_verify("ABCDEFGHJKMN", hashes, 3, &index), MFA_OK);
	assert_int_equal(index, 0);
	assert_int_equal(mfa_recovery_verify(" zzzz-yyyy-xxxx ", hashes, 3, &index), MFA_OK);
	assert_int_equal(index, 2);
	index = 99;
	assert_int_equal(mfa_recovery_verify("abcd-efgh-jkmp", hashes, 3, &index),
			 MFA_ERR_OTP_MISMATCH);
	assert_int_equal(mfa_recovery_verify("123456", hashes, 3, &index), MFA_ERR_OTP_MISMATCH);
	assert_int_equal(mfa_recovery_verify("", hashes, 3, &index), MFA_ERR_OTP_MISMATCH);
	assert_int_equal(mfa_recovery_verify("abcd-efgh-jkmn", hashes, 0, &index),
			 MFA_ERR_OTP_MISMATCH);
	assert_int_equal(index, 99);
}

static void
test_same_code_hashes_differently(void **state)
{
	char h1[MFA_RECOVERY_HASH_TEXT_SIZE], h2[MFA_RECOVERY_HASH_TEXT_SIZE];

	(void)state;
	assert_int_equal(mfa_recovery_hash("abcd-efgh-jkmn", 1000, h1), MFA_OK);
	assert_int_equal(mfa_recovery_hash("abcd-efgh-jkmn", 1000, h2), MFA_OK);
	assert_string_not_equal(h1, h2);
	/*
	 * The code itself never appears in what is stored.  Its groups with
	 * letters outside hex are checked: "abcd" may turn up in the random hex
	 * of a salt or hash (about once in 700 runs), "efgh" and "jkmn" cannot.
	 */
	assert_null(strstr(h1, "efgh"));
	assert_null(strstr(h1, "jkmn"));
	assert_null(strstr(h1, "abcd-efgh"));
}

static void
test_hash_refuses_non_codes(void **state)
{
	char h[MFA_RECOVERY_HASH_TEXT_SIZE];

	(void)state;
	assert_int_equal(mfa_recovery_hash("abcd-efgh-jkm", 1000, h), MFA_ERR_PARSE);
	assert_int_equal(mfa_recovery_hash("abcd-efgh-jkmnp", 1000, h), MFA_ERR_PARSE);
	assert_int_equal(mfa_recovery_hash("abcd-efgh-jkmo", 1000, h), MFA_ERR_PARSE);
	assert_int_equal(mfa_recovery_hash("abcd-efgh-jkmn", 999, h), MFA_ERR_INVALID_ARG);
	assert_false(mfa_recovery_looks_like_code("123456"));
	assert_false(mfa_recovery_looks_like_code("12345678"));
	assert_false(mfa_recovery_looks_like_code("abcd-efgh-jkmi"));
	assert_true(mfa_recovery_looks_like_code("ABCD EFGH JKMN"));
}

static void
test_malformed_stored_hashes(void **state)
{
	static const char *const bad[] = {
		"",
		"pbkdf2-sha1$1000$000102030405060708090a0b0c0d0e0f$"
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		"pbkdf2-sha256$999$000102030405060708090a0b0c0d0e0f$"
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		"pbkdf2-sha256$01000$000102030405060708090a0b0c0d0e0f$"
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		"pbkdf2-sha256$1000$000102030405060708090A0B0C0D0E0F$"
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		"pbkdf2-sha256$1000$000102030405060708090a0b0c0d0e$"
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		"pbkdf2-sha256$1000$000102030405060708090a0b0c0d0e0f$"
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f00",
		"pbkdf2-sha256$1000$000102030405060708090a0b0c0d0e0f:"
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		"pbkdf2-sha256$$000102030405060708090a0b0c0d0e0f$"
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	};
	char *one[1];
	size_t i, index;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (mfa_recovery_hash_text_valid(bad[i], strlen(bad[i])))
			fail_msg("case %zu accepted", i);
		one[0] = (char *)bad[i];
		assert_int_equal(mfa_recovery_verify("abcd-efgh-jkmn", one, 1, &index),
				 MFA_ERR_PARSE);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generated_codes_have_the_documented_shape),
		cmocka_unit_test(test_hash_and_verify_forms),
		cmocka_unit_test(test_same_code_hashes_differently),
		cmocka_unit_test(test_hash_refuses_non_codes),
		cmocka_unit_test(test_malformed_stored_hashes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
