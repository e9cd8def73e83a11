/*
 * test_otp.c - HOTP/TOTP against RFC 4226 Appendix D and RFC 6238
 * Appendix B, an independent HMAC computation for HOTP with SHA-2, and the
 * window, floor (replay) and malformed-code rules of mfa_otp_verify.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "otp.h"

#define RFC4226_SEED "12345678901234567890"
#define RFC6238_SEED_SHA1 "12345678901234567890"
#define RFC6238_SEED_SHA256 "12345678901234567890123456789012"
#define RFC6238_SEED_SHA512 "1234567890123456789012345678901234567890123456789012345678901234"

static const uint8_t *
seed(const char *s)
{
	return (const uint8_t *)s;
}

/* RFC 4226 Appendix D: HOTP values for counters 0..9. */
static void
test_rfc4226_appendix_d(void **state)
{
	static const char *const expected[10] = {
		"755224", "287082", "359152", "969429", "338314",
		"254676", "287922", "162583", "399871", "520489",
	};
	char code[MFA_OTP_CODE_SIZE];
	uint64_t c;

	(void)state;
	for (c = 0; c < 10; c++) {
		assert_int_equal(mfa_otp_generate(seed(RFC4226_SEED), 20, MFA_OTP_SHA1, 6, c, code),
				 MFA_OK);
		assert_string_equal(code, expected[c]);
	}
}

struct rfc6238_vector {
	int64_t time;
	const char *sha1;
	const char *sha256;
	const char *sha512;
};

/* RFC 6238 Appendix B: T0 = 0, X = 30, 8 digits. */
static const struct rfc6238_vector rfc6238_vectors[] = {
	{59, "94287082", "46119246", "90693936"},
	{1111111109, "07081804", "68084774", "25091201"},
	{1111111111, "14050471", "67062674", "99943326"},
	{1234567890, "89005924", "91819424", "93441116"},
	{2000000000, "69279037", "90698825", "38618901"},
	{20000000000, "65353130", "77737706", "47863826"},
};

static void
check_totp(const char *seed_text, enum mfa_otp_alg alg, int64_t t, const char *expected8)
{
	char code[MFA_OTP_CODE_SIZE];
	unsigned digits;

	/* A d-digit code is the last d digits of the 8-digit one (mod 10^d). */
	for (digits = 6; digits <= 8; digits++) {
		assert_int_equal(mfa_otp_totp_generate(seed(seed_text), strlen(seed_text), alg,
						       digits, 30, (time_t)t, code),
				 MFA_OK);
		assert_string_equal(code, expected8 + (8 - digits));
	}
}

static void
test_rfc6238_appendix_b_sha1(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rfc6238_vectors) / sizeof(rfc6238_vectors[0]); i++)
		check_totp(RFC6238_SEED_SHA1, MFA_OTP_SHA1, rfc6238_vectors[i].time,
			   rfc6238_vectors[i].sha1);
}

static void
test_rfc6238_appendix_b_sha256(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rfc6238_vectors) / sizeof(rfc6238_vectors[0]); i++)
		check_totp(RFC6238_SEED_SHA256, MFA_OTP_SHA256, rfc6238_vectors[i].time,
			   rfc6238_vectors[i].sha256);
}

static void
test_rfc6238_appendix_b_sha512(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rfc6238_vectors) / sizeof(rfc6238_vectors[0]); i++)
		check_totp(RFC6238_SEED_SHA512, MFA_OTP_SHA512, rfc6238_vectors[i].time,
			   rfc6238_vectors[i].sha512);
}

/* RFC 4226 section 5.3 computed with OpenSSL's HMAC, independently of liboath. */
static void
reference_hotp(const EVP_MD *md, const uint8_t *key, size_t keylen, uint64_t counter,
	       unsigned digits, char *out)
{
	unsigned char msg[8], mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0, offset, i;
	uint32_t bin, mod = 1;

	for (i = 0; i < 8; i++)
		msg[i] = (unsigned char)(counter >> (56 - 8 * i));
	assert_non_null(HMAC(md, key, (int)keylen, msg, sizeof(msg), mac, &maclen));
	offset = mac[maclen - 1] & 0x0f;
	bin = ((uint32_t)(mac[offset] & 0x7f) << 24) | ((uint32_t)mac[offset + 1] << 16) |
	      ((uint32_t)mac[offset + 2] << 8) | mac[offset + 3];
	for (i = 0; i < digits; i++)
		mod *= 10;
	snprintf(out, 16, "%0*u", (int)digits, bin % mod);
}

static void
test_hotp_all_algorithms_match_reference_hmac(void **state)
{
	static const struct {
		enum mfa_otp_alg alg;
		const char *seed;
	} cases[] = {
		{MFA_OTP_SHA1, RFC6238_SEED_SHA1},
		{MFA_OTP_SHA256, RFC6238_SEED_SHA256},
		{MFA_OTP_SHA512, RFC6238_SEED_SHA512},
	};
	static const uint64_t counters[] = {
		0, 1, 7, 1000, 65536, 4294967296ULL, (uint64_t)INT64_MAX};
	char got[MFA_OTP_CODE_SIZE], want[16];
	size_t i, j;
	unsigned digits;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const EVP_MD *md = cases[i].alg == MFA_OTP_SHA1     ? EVP_sha1()
				   : cases[i].alg == MFA_OTP_SHA256 ? EVP_sha256()
								    : EVP_sha512();

		for (j = 0; j < sizeof(counters) / sizeof(counters[0]); j++) {
			for (digits = 6; digits <= 8; digits++) {
				reference_hotp(md, seed(cases[i].seed), strlen(cases[i].seed),
					       counters[j], digits, want);
				assert_int_equal(
					mfa_otp_generate(seed(cases[i].seed), strlen(cases[i].seed),
							 cases[i].alg, digits, counters[j], got),
					MFA_OK);
				assert_string_equal(got, want);
			}
		}
	}
}

static void
test_generate_rejects_bad_arguments(void **state)
{
	char code[MFA_OTP_CODE_SIZE];

	(void)state;
	assert_int_equal(mfa_otp_generate(seed(RFC4226_SEED), 20, MFA_OTP_SHA1, 5, 0, code),
			 MFA_ERR_RANGE);
	assert_int_equal(mfa_otp_generate(seed(RFC4226_SEED), 20, MFA_OTP_SHA1, 9, 0, code),
			 MFA_ERR_RANGE);
	assert_int_equal(mfa_otp_generate(seed(RFC4226_SEED), 0, MFA_OTP_SHA1, 6, 0, code),
			 MFA_ERR_INVALID_ARG);
	assert_int_equal(mfa_otp_generate(NULL, 20, MFA_OTP_SHA1, 6, 0, code), MFA_ERR_INVALID_ARG);
	assert_int_equal(mfa_otp_generate(seed(RFC4226_SEED), 20, (enum mfa_otp_alg)7, 6, 0, code),
			 MFA_ERR_INVALID_ARG);
	/* liboath's SHA-2 entry point takes a signed time: counters above it are refused. */
	assert_int_equal(mfa_otp_generate(seed(RFC6238_SEED_SHA256), 32, MFA_OTP_SHA256, 6,
					  (uint64_t)INT64_MAX + 1, code),
			 MFA_ERR_RANGE);
}

static void
test_totp_step(void **state)
{
	uint64_t step = 99;

	(void)state;
	assert_int_equal(mfa_otp_totp_step(59, 0, 30, &step), MFA_OK);
	assert_int_equal(step, 1);
	assert_int_equal(mfa_otp_totp_step(60, 0, 30, &step), MFA_OK);
	assert_int_equal(step, 2);
	assert_int_equal(mfa_otp_totp_step(0, 0, 30, &step), MFA_OK);
	assert_int_equal(step, 0);
	assert_int_equal(mfa_otp_totp_step(1111111109, 0, 30, &step), MFA_OK);
	assert_int_equal(step, 0x23523EC);
	assert_int_equal(mfa_otp_totp_step(100, 40, 60, &step), MFA_OK);
	assert_int_equal(step, 1);
	assert_int_equal(mfa_otp_totp_step(39, 40, 30, &step), MFA_ERR_RANGE);
	assert_int_equal(mfa_otp_totp_step(59, 0, 0, &step), MFA_ERR_RANGE);
	assert_int_equal(mfa_otp_totp_step(59, 0, MFA_OTP_PERIOD_MAX + 1, &step), MFA_ERR_RANGE);
}

static void
code_at(uint64_t counter, char *out)
{
	assert_int_equal(mfa_otp_generate(seed(RFC4226_SEED), 20, MFA_OTP_SHA1, 6, counter, out),
			 MFA_OK);
}

static int
verify(const char *code, uint64_t center, uint64_t behind, uint64_t ahead, uint64_t floor,
       uint64_t *matched)
{
	struct mfa_otp_window w = {center, behind, ahead, floor};

	return mfa_otp_verify(seed(RFC4226_SEED), 20, MFA_OTP_SHA1, 6, &w, code, matched);
}

static void
test_verify_window_edges(void **state)
{
	char code[MFA_OTP_CODE_SIZE];
	uint64_t matched = 0;

	(void)state;
	/* center 100, 2 behind, 3 ahead: 98..103 accepted, 97 and 104 not. */
	code_at(98, code);
	assert_int_equal(verify(code, 100, 2, 3, 0, &matched), MFA_OK);
	assert_int_equal(matched, 98);
	code_at(103, code);
	assert_int_equal(verify(code, 100, 2, 3, 0, &matched), MFA_OK);
	assert_int_equal(matched, 103);
	code_at(97, code);
	assert_int_equal(verify(code, 100, 2, 3, 0, &matched), MFA_ERR_OTP_MISMATCH);
	code_at(104, code);
	assert_int_equal(verify(code, 100, 2, 3, 0, &matched), MFA_ERR_OTP_MISMATCH);
	/* No window at all: only the center. */
	code_at(100, code);
	assert_int_equal(verify(code, 100, 0, 0, 0, &matched), MFA_OK);
	assert_int_equal(matched, 100);
	code_at(101, code);
	assert_int_equal(verify(code, 100, 0, 0, 0, &matched), MFA_ERR_OTP_MISMATCH);
	/* Look-behind clamps at counter 0. */
	code_at(0, code);
	assert_int_equal(verify(code, 1, 5, 0, 0, &matched), MFA_OK);
	assert_int_equal(matched, 0);
}

static void
test_verify_floor_is_replay(void **state)
{
	char code[MFA_OTP_CODE_SIZE];
	uint64_t matched = 0;

	(void)state;
	/* Step 100 was used (floor 101): its code is a replay, inside the window. */
	code_at(100, code);
	assert_int_equal(verify(code, 100, 1, 1, 101, &matched), MFA_ERR_OTP_REPLAY);
	code_at(99, code);
	assert_int_equal(verify(code, 100, 1, 1, 101, &matched), MFA_ERR_OTP_REPLAY);
	code_at(101, code);
	assert_int_equal(verify(code, 100, 1, 1, 101, &matched), MFA_OK);
	assert_int_equal(matched, 101);
	/* Floor exactly at a value: that value is still fresh. */
	code_at(100, code);
	assert_int_equal(verify(code, 100, 1, 1, 100, &matched), MFA_OK);
	assert_int_equal(matched, 100);
}

static void
test_verify_hotp_look_ahead_resync(void **state)
{
	char code[MFA_OTP_CODE_SIZE];
	uint64_t matched = 0;

	(void)state;
	/* The token was pressed 7 times without logging in: counter 7 from expected 0. */
	code_at(7, code);
	assert_int_equal(verify(code, 0, 0, 10, 0, &matched), MFA_OK);
	assert_int_equal(matched, 7);
	assert_int_equal(verify(code, 0, 0, 6, 0, &matched), MFA_ERR_OTP_MISMATCH);
}

static void
test_verify_malformed_codes(void **state)
{
	static const char *const bad[] = {
		"",        "75522",  "7552244", "75522a",  " 55224",
		"755224 ", "+55224", "-55224",  "７55224",
	};
	uint64_t matched = 42;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(verify(bad[i], 0, 0, 0, 0, &matched), MFA_ERR_OTP_MISMATCH);
		assert_int_equal(matched, 42);
	}
	assert_int_equal(verify("755224", 0, 0, 0, 0, &matched), MFA_OK);
	assert_int_equal(matched, 0);
}

static void
test_verify_limits(void **state)
{
	char code[MFA_OTP_CODE_SIZE];
	struct mfa_otp_window w = {10, 0, 0, 0};
	uint64_t matched;

	(void)state;
	code_at(10, code);
	assert_int_equal(verify(code, 10, MFA_OTP_WINDOW_MAX, 0, 0, &matched), MFA_ERR_RANGE);
	assert_int_equal(verify(code, 10, 600, 401, 0, &matched), MFA_ERR_RANGE);
	assert_int_equal(verify(code, 10, 600, 400, 0, &matched), MFA_OK);
	assert_int_equal(
		mfa_otp_verify(seed(RFC4226_SEED), 20, MFA_OTP_SHA1, 9, &w, code, &matched),
		MFA_ERR_RANGE);
	assert_int_equal(
		mfa_otp_verify(seed(RFC4226_SEED), 20, MFA_OTP_SHA1, 6, NULL, code, &matched),
		MFA_ERR_INVALID_ARG);
	/* The top of the counter range does not wrap around. */
	w.center = UINT64_MAX;
	w.ahead = 5;
	assert_int_equal(
		mfa_otp_generate(seed(RFC4226_SEED), 20, MFA_OTP_SHA1, 6, UINT64_MAX, code),
		MFA_OK);
	assert_int_equal(
		mfa_otp_verify(seed(RFC4226_SEED), 20, MFA_OTP_SHA1, 6, &w, code, &matched),
		MFA_OK);
	assert_true(matched == UINT64_MAX);
}

static void
test_verify_eight_digit_sha512_totp(void **state)
{
	struct mfa_otp_window w = {0, 1, 1, 0};
	uint64_t matched = 0;

	(void)state;
	assert_int_equal(mfa_otp_totp_step(1234567890, 0, 30, &w.center), MFA_OK);
	assert_int_equal(mfa_otp_verify(seed(RFC6238_SEED_SHA512), 64, MFA_OTP_SHA512, 8, &w,
					"93441116", &matched),
			 MFA_OK);
	assert_true(matched == w.center);
	/* The same code as 6 digits is not an 8-digit code. */
	assert_int_equal(mfa_otp_verify(seed(RFC6238_SEED_SHA512), 64, MFA_OTP_SHA512, 8, &w,
					"441116", &matched),
			 MFA_ERR_OTP_MISMATCH);
	/* The right code under the wrong algorithm does not verify. */
	assert_int_equal(mfa_otp_verify(seed(RFC6238_SEED_SHA512), 64, MFA_OTP_SHA256, 8, &w,
					"93441116", &matched),
			 MFA_ERR_OTP_MISMATCH);
}

static void
test_algorithm_names(void **state)
{
	enum mfa_otp_alg alg = MFA_OTP_SHA1;

	(void)state;
	assert_string_equal(mfa_otp_alg_name(MFA_OTP_SHA256), "SHA256");
	assert_int_equal(mfa_otp_alg_parse("sha512", &alg), MFA_OK);
	assert_int_equal(alg, MFA_OTP_SHA512);
	assert_int_equal(mfa_otp_alg_parse("SHA1", &alg), MFA_OK);
	assert_int_equal(alg, MFA_OTP_SHA1);
	assert_int_equal(mfa_otp_alg_parse("MD5", &alg), MFA_ERR_PARSE);
	assert_int_equal(mfa_otp_alg_parse("SHA-256", &alg), MFA_ERR_PARSE);
	assert_string_equal(mfa_otp_kind_name(MFA_OTP_HOTP), "hotp");
	assert_string_equal(mfa_otp_kind_name(MFA_OTP_TOTP), "totp");
	assert_string_equal(mfa_otp_kind_name(MFA_OTP_NONE), "none");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4226_appendix_d),
		cmocka_unit_test(test_rfc6238_appendix_b_sha1),
		cmocka_unit_test(test_rfc6238_appendix_b_sha256),
		cmocka_unit_test(test_rfc6238_appendix_b_sha512),
		cmocka_unit_test(test_hotp_all_algorithms_match_reference_hmac),
		cmocka_unit_test(test_generate_rejects_bad_arguments),
		cmocka_unit_test(test_totp_step),
		cmocka_unit_test(test_verify_window_edges),
		cmocka_unit_test(test_verify_floor_is_replay),
		cmocka_unit_test(test_verify_hotp_look_ahead_resync),
		cmocka_unit_test(test_verify_malformed_codes),
		cmocka_unit_test(test_verify_limits),
		cmocka_unit_test(test_verify_eight_digit_sha512_totp),
		cmocka_unit_test(test_algorithm_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
