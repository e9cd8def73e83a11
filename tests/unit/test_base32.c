/*
 * test_base32.c - RFC 4648 section 10 vectors, the forms people paste
 * (lower case, spaces, missing padding), every malformed case with its
 * position, and encode/decode round trips.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base32.h"
#include "mfa_mem.h"

struct b32_vector {
	const char *plain;
	const char *encoded;
};

/* RFC 4648 section 10. */
static const struct b32_vector rfc4648_vectors[] = {
	{"f", "MY======"},    {"fo", "MZXQ===="},    {"foo", "MZXW6==="},
	{"foob", "MZXW6YQ="}, {"fooba", "MZXW6YTB"}, {"foobar", "MZXW6YTBOI======"},
};

static void
expect_decodes_to(const char *text, const char *plain)
{
	struct mfa_parse_err perr;
	uint8_t *out = NULL;
	size_t outlen = 0;

	mfa_parse_err_init(&perr, NULL);
	assert_int_equal(mfa_base32_decode(text, strlen(text), &out, &outlen, &perr), MFA_OK);
	assert_int_equal(outlen, strlen(plain));
	assert_memory_equal(out, plain, outlen);
	mfa_freezero(out, outlen);
}

static void
test_rfc4648_vectors_encode(void **state)
{
	size_t i;
	char *enc = NULL;

	(void)state;
	for (i = 0; i < sizeof(rfc4648_vectors) / sizeof(rfc4648_vectors[0]); i++) {
		const struct b32_vector *v = &rfc4648_vectors[i];

		assert_int_equal(
			mfa_base32_encode((const uint8_t *)v->plain, strlen(v->plain), true, &enc),
			MFA_OK);
		assert_string_equal(enc, v->encoded);
		mfa_free_string(enc);
		/* Without padding: the same text with the '=' cut off. */
		assert_int_equal(
			mfa_base32_encode((const uint8_t *)v->plain, strlen(v->plain), false, &enc),
			MFA_OK);
		assert_int_equal(strlen(enc), strcspn(v->encoded, "="));
		assert_memory_equal(enc, v->encoded, strlen(enc));
		mfa_free_string(enc);
	}
}

static void
test_rfc4648_vectors_decode_all_forms(void **state)
{
	size_t i, j;
	char buf[64];

	(void)state;
	for (i = 0; i < sizeof(rfc4648_vectors) / sizeof(rfc4648_vectors[0]); i++) {
		const struct b32_vector *v = &rfc4648_vectors[i];
		size_t n = strlen(v->encoded);

		expect_decodes_to(v->encoded, v->plain);
		/* Unpadded. */
		memcpy(buf, v->encoded, n + 1);
		buf[strcspn(buf, "=")] = '\0';
		expect_decodes_to(buf, v->plain);
		/* Lower case. */
		for (j = 0; j < n; j++)
			buf[j] = (char)((v->encoded[j] >= 'A' && v->encoded[j] <= 'Z')
						? v->encoded[j] - 'A' + 'a'
						: v->encoded[j]);
		buf[n] = '\0';
		expect_decodes_to(buf, v->plain);
	}
}

static void
test_decode_spaces_and_tabs_between_groups(void **state)
{
	(void)state;
	expect_decodes_to("MZXW 6YTB OI", "foobar");
	expect_decodes_to(" mzxw\t6ytb oi====== ", "foobar");
	/* A typical 160-bit seed as apps show it, in groups of four. */
	expect_decodes_to("GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ", "12345678901234567890");
}

struct b32_bad {
	const char *text;
	unsigned column; /* 0: the error has no single position */
	const char *msg_part;
};

static void
test_decode_malformed(void **state)
{
	static const struct b32_bad bad[] = {
		{"", 0, "no data"},
		{"   ", 0, "no data"},
		{"========", 0, "no data"},
		{"MZXW6YT1", 8, "not in the base32 alphabet"},
		{"MZXW6YT8", 8, "not in the base32 alphabet"},
		{"MZXW0YTB", 5, "not in the base32 alphabet"},
		{"MZXW-6YTB", 5, "not in the base32 alphabet"},
		{"MZXW\n6YTB", 5, "not in the base32 alphabet"},
		{"MY=A====", 4, "follows '=' padding"},
		{"M", 0, "1 data characters"},
		{"MZX", 0, "3 data characters"},
		{"MZXW6Y", 0, "6 data characters"},
		{"MY===", 0, "padding does not complete"},
		{"MY=======", 0, "padding does not complete"},
		{"MZXW6YTB========", 0, "padding does not complete"},
	};
	struct mfa_parse_err perr;
	uint8_t *out = (uint8_t *)"sentinel";
	size_t outlen = 99, i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		mfa_parse_err_init(&perr, NULL);
		assert_int_equal(
			mfa_base32_decode(bad[i].text, strlen(bad[i].text), &out, &outlen, &perr),
			MFA_ERR_BASE32);
		assert_null(out);
		assert_int_equal(outlen, 0);
		assert_int_equal(perr.column, bad[i].column);
		if (strstr(perr.msg, bad[i].msg_part) == NULL)
			fail_msg("input %zu: message \"%s\" lacks \"%s\"", i, perr.msg,
				 bad[i].msg_part);
	}
}

static void
test_decode_embedded_nul_is_refused(void **state)
{
	static const char text[] = "MZXW\0YTB";
	struct mfa_parse_err perr;
	uint8_t *out = NULL;
	size_t outlen = 0;

	(void)state;
	mfa_parse_err_init(&perr, NULL);
	assert_int_equal(mfa_base32_decode(text, sizeof(text) - 1, &out, &outlen, &perr),
			 MFA_ERR_BASE32);
	assert_int_equal(perr.column, 5);
}

static void
test_decode_size_cap(void **state)
{
	char *text;
	uint8_t *out = NULL;
	size_t outlen = 0;

	(void)state;
	text = malloc(MFA_BASE32_TEXT_MAX + 2);
	assert_non_null(text);
	memset(text, 'A', MFA_BASE32_TEXT_MAX + 1);
	text[MFA_BASE32_TEXT_MAX + 1] = '\0';
	assert_int_equal(mfa_base32_decode(text, MFA_BASE32_TEXT_MAX + 1, &out, &outlen, NULL),
			 MFA_ERR_TOO_LARGE);
	assert_int_equal(mfa_base32_decode(text, MFA_BASE32_TEXT_MAX, &out, &outlen, NULL), MFA_OK);
	assert_int_equal(outlen, MFA_BASE32_TEXT_MAX * 5 / 8);
	mfa_freezero(out, outlen);
	free(text);
}

static void
test_decode_ignores_leftover_bits(void **state)
{
	(void)state;
	/* Y, Z, 2 and 3 share their first 3 bits and differ in the 2 left over. */
	expect_decodes_to("MY", "f");
	expect_decodes_to("MZ", "f");
	expect_decodes_to("M3", "f");
}

static void
test_round_trip_every_length(void **state)
{
	uint8_t data[80];
	uint8_t *back = NULL;
	size_t len, i, backlen = 0;
	char *enc = NULL;
	int pad;

	(void)state;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 37 + 11);
	for (len = 1; len <= sizeof(data); len++) {
		for (pad = 0; pad <= 1; pad++) {
			assert_int_equal(mfa_base32_encode(data, len, pad != 0, &enc), MFA_OK);
			assert_int_equal(mfa_base32_decode(enc, strlen(enc), &back, &backlen, NULL),
					 MFA_OK);
			assert_int_equal(backlen, len);
			assert_memory_equal(back, data, len);
			mfa_freezero(back, backlen);
			mfa_free_string(enc);
		}
	}
}

static void
test_encode_bad_arguments(void **state)
{
	char *enc = NULL;

	(void)state;
	assert_int_equal(mfa_base32_encode((const uint8_t *)"x", 0, true, &enc),
			 MFA_ERR_INVALID_ARG);
	assert_int_equal(mfa_base32_encode(NULL, 1, true, &enc), MFA_ERR_INVALID_ARG);
	assert_null(enc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4648_vectors_encode),
		cmocka_unit_test(test_rfc4648_vectors_decode_all_forms),
		cmocka_unit_test(test_decode_spaces_and_tabs_between_groups),
		cmocka_unit_test(test_decode_malformed),
		cmocka_unit_test(test_decode_embedded_nul_is_refused),
		cmocka_unit_test(test_decode_size_cap),
		cmocka_unit_test(test_decode_ignores_leftover_bits),
		cmocka_unit_test(test_round_trip_every_length),
		cmocka_unit_test(test_encode_bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
