/*
 * fuzz_otpauth.c - mfa_otpauth_parse(); on success, when the key can be
 * written back (mfa_otpauth_build refuses a ':' in issuer or account),
 * the URI must parse to the same key and build to the same URI.
 */
#include "fuzz_common.h"
#include "mfa_mem.h"
#include "otpauth.h"

static int
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* The period means something for TOTP only, the counter for HOTP only. */
static void
same_key(const struct mfa_otpauth *a, const struct mfa_otpauth *b)
{
	if (a->kind != b->kind || a->alg != b->alg || a->digits != b->digits ||
	    (a->kind == MFA_OTP_TOTP && a->period != b->period) ||
	    (a->kind == MFA_OTP_HOTP && a->counter != b->counter) ||
	    !str_eq(a->issuer, b->issuer) || !str_eq(a->account, b->account) ||
	    a->secret_len != b->secret_len || memcmp(a->secret, b->secret, a->secret_len) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mfa_parse_err perr;
	struct mfa_otpauth *key = NULL, *key2 = NULL;
	char *buf = fuzz_copy(data, size), *uri1 = NULL, *uri2 = NULL;

	if (mfa_otpauth_parse(buf, size, &key, &perr) != 0)
		goto out;
	if (key->account == NULL || key->account[0] == '\0')
		abort();
	if (mfa_otpauth_build(key, &uri1) != 0)
		goto out;
	if (mfa_otpauth_parse(uri1, strlen(uri1), &key2, &perr) != 0)
		abort();
	same_key(key, key2);
	if (mfa_otpauth_build(key2, &uri2) != 0 || strcmp(uri1, uri2) != 0)
		abort();
out:
	mfa_free_string(uri1);
	mfa_free_string(uri2);
	mfa_otpauth_free(&key);
	mfa_otpauth_free(&key2);
	free(buf);
	return 0;
}
