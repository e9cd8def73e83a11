/*
 * mfa_mem.c - wiping and constant-time comparison of secrets, and growing
 * arrays.
 */
#include "mfa_mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "mfa_err.h"

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

int
mfa_grow_array(void **arrp, size_t *capp, size_t need, size_t elem)
{
	size_t cap = *capp;
	void *n;

	if (need <= cap)
		return MFA_OK;
	if (elem == 0)
		return MFA_ERR_INVALID_ARG;
	cap = cap == 0 ? 8 : cap;
	while (cap < need) {
		if (cap > SIZE_MAX / 2 / elem)
			return MFA_ERR_NOMEM;
		cap *= 2;
	}
	if ((n = realloc(*arrp, cap * elem)) == NULL)
		return MFA_ERR_NOMEM;
	*arrp = n;
	*capp = cap;
	return MFA_OK;
}

int
mfa_strlist_vaddf(char ***listp, size_t *np, const char *fmt, va_list ap)
{
	char **v, *s = NULL;

	if (listp == NULL || np == NULL || fmt == NULL)
		return MFA_ERR_INVALID_ARG;
	if (vasprintf(&s, fmt, ap) < 0)
		return MFA_ERR_NOMEM;
	if ((v = realloc(*listp, (*np + 1) * sizeof(*v))) == NULL) {
		free(s);
		return MFA_ERR_NOMEM;
	}
	v[(*np)++] = s;
	*listp = v;
	return MFA_OK;
}

int
mfa_strlist_addf(char ***listp, size_t *np, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = mfa_strlist_vaddf(listp, np, fmt, ap);
	va_end(ap);
	return r;
}
