/*
 * base64.c - strict base64 decoding, and the encoding it reads.
 */
#include "base64.h"

#include <ctype.h>

#include "mfa_err.h"
#include "mfa_mem.h"

static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int
mfa_base64_decode(const char *in, size_t len, unsigned flags, uint8_t *out, size_t *outlenp)
{
	size_t i, n = 0, pads = 0;
	unsigned long acc = 0;
	unsigned state = 0;
	int v, r = MFA_ERR_PARSE;

	if ((in == NULL && len > 0) || out == NULL || outlenp == NULL)
		return MFA_ERR_INVALID_ARG;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if ((flags & MFA_B64_SKIP_SPACE) != 0 && isspace(c))
			continue;
		if (c == '=')
			break;
		if ((v = b64_value(c)) < 0)
			goto out;
		acc = (acc << 6) | (unsigned long)v;
		if (++state == 4) {
			out[n++] = (uint8_t)(acc >> 16);
			out[n++] = (uint8_t)(acc >> 8);
			out[n++] = (uint8_t)acc;
			acc = 0;
			state = 0;
		}
	}
	/* The padding: "xx==" or "xxx=", then (with SKIP_SPACE) only blanks. */
	for (; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if ((flags & MFA_B64_SKIP_SPACE) != 0 && isspace(c))
			continue;
		if (c != '=' || state < 2 || ++pads > 4 - state)
			goto out;
	}
	if (state != 0 && pads != 4 - state)
		goto out;
	if (state == 2) {
		if ((acc & 0xf) != 0)
			goto out;
		out[n++] = (uint8_t)(acc >> 4);
	} else if (state == 3) {
		if ((acc & 0x3) != 0)
			goto out;
		out[n++] = (uint8_t)(acc >> 10);
		out[n++] = (uint8_t)(acc >> 2);
	}
	*outlenp = n;
	r = MFA_OK;
out:
	mfa_wipe(&acc, sizeof(acc));
	return r;
}

int
mfa_base64_encode(const uint8_t *in, size_t len, char *out, size_t outsz, size_t *outlenp)
{
	static const char tbl[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, o = 0;

	if ((in == NULL && len > 0) || out == NULL || outsz == 0)
		return MFA_ERR_INVALID_ARG;
	if (len > (SIZE_MAX - 3) / 4 * 3 || outsz <= MFA_B64_ENCODED_LEN(len)) {
		out[0] = '\0';
		return MFA_ERR_TOO_LARGE;
	}
	for (i = 0; i < len; i += 3) {
		unsigned long v = (unsigned long)in[i] << 16;

		if (i + 1 < len)
			v |= (unsigned long)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		out[o++] = tbl[(v >> 18) & 63];
		out[o++] = tbl[(v >> 12) & 63];
		out[o++] = i + 1 < len ? tbl[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? tbl[v & 63] : '=';
	}
	out[o] = '\0';
	if (outlenp != NULL)
		*outlenp = o;
	return MFA_OK;
}
