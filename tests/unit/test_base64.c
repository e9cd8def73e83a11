/*
 * test_base64.c - the strict base64 decoder: RFC 4648's test vectors, every
 * malformed form refused, white space only where asked for; the encoder:
 * the same vectors, OpenSSL's EVP_EncodeBlock as the oracle, and decoding
 * what it wrote gives the bytes back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include <openssl/evp.h>

#include "base64.h"
#include "mfa_err.h"

static int
decode(const char *in, unsigned flags, char *out, size_t *np)
{
	uint8_t buf[256];
	size_t n = 0;
	int r = mfa_base64_decode(in, strlen(in), flags, buf, &n);

	if (r == MFA_OK) {
		memcpy(out, buf, n);
		out[n] = '\0';
		*np = n;
	}
	return r;
}

static void
test_rfc4648_vectors(void **state)
{
	/* RFC 4648 section 10 */
	static const char *const v[][2] = {
		{"", ""},
		{"Zg==", "f"},
		{"Zm8=", "fo"},
		{"Zm9v", "foo"},
		{"Zm9vYg==", "foob"},
		{"Zm9vYmE=", "fooba"},
		{"Zm9vYmFy", "foobar"},
	};
	char out[64];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(decode(v[i][0], 0, out, &n), MFA_OK);
		assert_int_equal(n, strlen(v[i][1]));
		assert_string_equal(out, v[i][1]);
		assert_true(MFA_B64_DECODED_MAX(strlen(v[i][0])) >= n);
	}
	/* All 64 characters of the alphabet, and binary output. */
	assert_int_equal(decode("+/+/", 0, out, &n), MFA_OK);
	assert_int_equal(n, 3);
	assert_memory_equal(out, "\xfb\xff\xbf", 3);
	assert_int_equal(decode("AAA=", 0, out, &n), MFA_OK);
	assert_int_equal(n, 2);
	assert_memory_equal(out, "\0\0", 2);
}

static void
test_malformed_refused(void **state)
{
	static const char *const bad[] = {
		"Zg",           /* no padding */
		"Zg=",          /* short padding */
		"Zg===",        /* too much */
		"Z===",         /* padding after one character */
		"====",         /* padding alone */
		"Zm9vYg==Zg==", /* data after padding */
		"Zh==",         /* non-zero bits under the padding */
		"Zm9=",         /* likewise for one '=' */
		"Zm9v!",        /* outside the alphabet */
		"Zm9v-_",       /* the URL-safe alphabet is another one */
		"Zm9v\n",       /* white space without SKIP_SPACE */
		"Zm 9v",        "A",
	};
	char out[64];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (decode(bad[i], 0, out, &n) != MFA_ERR_PARSE)
			fail_msg("accepted: '%s'", bad[i]);
	}
	assert_int_equal(mfa_base64_decode(NULL, 1, 0, (uint8_t *)out, &n), MFA_ERR_INVALID_ARG);
}

static void
test_skip_space(void **state)
{
	char out[64];
	size_t n;

	(void)state;
	assert_int_equal(decode(" Zm9v\nYmE = \t", MFA_B64_SKIP_SPACE, out, &n), MFA_OK);
	assert_string_equal(out, "fooba");
	assert_int_equal(decode("Zm9vYmE= x", MFA_B64_SKIP_SPACE, out, &n), MFA_ERR_PARSE);
	assert_int_equal(decode("Zm9vYm", MFA_B64_SKIP_SPACE, out, &n), MFA_ERR_PARSE);
}

static void
test_encode_vectors_and_oracle(void **state)
{
	static const char *const v[][2] = {
		{"", ""},
		{"f", "Zg=="},
		{"fo", "Zm8="},
		{"foo", "Zm9v"},
		{"foob", "Zm9vYg=="},
		{"fooba", "Zm9vYmE="},
		{"foobar", "Zm9vYmFy"},
	};
	uint8_t in[200], back[200];
	char out[300], oracle[300];
	size_t i, len, n, m;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		len = strlen(v[i][0]);
		assert_int_equal(
			mfa_base64_encode((const uint8_t *)v[i][0], len, out, sizeof(out), &n),
			MFA_OK);
		assert_string_equal(out, v[i][1]);
		assert_int_equal(n, MFA_B64_ENCODED_LEN(len));
	}
	/* Every length up to 200 bytes, against OpenSSL. */
	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 37 + 11);
	for (len = 0; len <= sizeof(in); len++) {
		assert_int_equal(mfa_base64_encode(in, len, out, sizeof(out), &n), MFA_OK);
		assert_int_equal(EVP_EncodeBlock((unsigned char *)oracle, in, (int)len), (int)n);
		assert_string_equal(out, oracle);
		assert_int_equal(mfa_base64_decode(out, n, 0, back, &m), MFA_OK);
		assert_int_equal(m, len);
		if (len > 0)
			assert_memory_equal(back, in, len);
	}
	/* The room for the NUL counts; too small leaves an empty string. */
	assert_int_equal(mfa_base64_encode(in, 3, out, 5, &n), MFA_OK);
	assert_string_equal(out, "CzBV");
	assert_int_equal(mfa_base64_encode(in, 3, out, 4, &n), MFA_ERR_TOO_LARGE);
	assert_string_equal(out, "");
	assert_int_equal(mfa_base64_encode(NULL, 1, out, sizeof(out), &n), MFA_ERR_INVALID_ARG);
	assert_int_equal(mfa_base64_encode(in, 1, NULL, 8, &n), MFA_ERR_INVALID_ARG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4648_vectors),
		cmocka_unit_test(test_malformed_refused),
		cmocka_unit_test(test_skip_space),
		cmocka_unit_test(test_encode_vectors_and_oracle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
