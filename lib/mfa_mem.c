/*
 * mfa_mem.c - wiping and constant-time comparison of secrets.
 */
#include "mfa_mem.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

void
mfa_wipe(void *p, size_t len)
{
	if (p != NULL && len > 0)
		OPENSSL_cleanse(p, len);
}

void
mfa_freezero(void *p, size_t len)
{
	if (p == NULL)
		return;
	mfa_wipe(p, len);
	free(p);
}

void
mfa_free_string(char *s)
{
	if (s == NULL)
		return;
	mfa_freezero(s, strlen(s));
}

bool
mfa_consttime_eq(const void *a, const void *b, size_t len)
{
	if (len == 0)
		return true;
	return CRYPTO_memcmp(a, b, len) == 0;
}

bool
mfa_consttime_streq(const char *a, const char *b)
{
	size_t alen, blen;

	if (a == NULL || b == NULL)
		return false;
	alen = strlen(a);
	blen = strlen(b);
	if (alen != blen)
		return false;
	return mfa_consttime_eq(a, b, alen);
}
