/*
 * base32.c - RFC 4648 section 6 base32 decoding and encoding.
 */
#include "base32.h"

#include <stdlib.h>

#include "mfa_mem.h"

static const char base32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/* The 5-bit value of c, or -1 when c is not in the (case-folded) alphabet. */
static int
base32_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

static bool
base32_is_separator(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * A final quantum of n data characters (1..7) carries whole bytes only for
 * n = 2, 4, 5 and 7 (RFC 4648 section 6, cases 1-4).
 */
static bool
base32_tail_is_possible(size_t ndata)
{
	switch (ndata % 8) {
	case 0:
	case 2:
	case 4:
	case 5:
	case 7:
		return true;
	default:
		return false;
	}
}

int
mfa_base32_decode(const char *text, size_t len, uint8_t **outp, size_t *outlenp,
		  struct mfa_parse_err *perr)
{
	uint8_t *out = NULL;
	size_t i, ndata = 0, npad = 0, nout = 0, cap;
	uint32_t acc = 0;
	unsigned nbits = 0;
	int r = MFA_ERR_BASE32;

	if (outp != NULL)
		*outp = NULL;
	if (outlenp != NULL)
		*outlenp = 0;
	if (text == NULL || outp == NULL || outlenp == NULL)
		return MFA_ERR_INVALID_ARG;
	if (len > MFA_BASE32_TEXT_MAX) {
		mfa_parse_err_set(perr, 0, 0, "base32 text is longer than %d characters",
				  MFA_BASE32_TEXT_MAX);
		return MFA_ERR_TOO_LARGE;
	}

	/* First pass: validate and count, so the output is sized exactly. */
	for (i = 0; i < len; i++) {
		char c = text[i];

		if (base32_is_separator(c))
			continue;
		if (c == '=') {
			npad++;
			continue;
		}
		if (base32_value(c) < 0) {
			mfa_parse_err_set(perr, 0, (unsigned)(i + 1),
					  "character %zu is not in the base32 alphabet (A-Z, 2-7)",
					  i + 1);
			return MFA_ERR_BASE32;
		}
		if (npad > 0) {
			mfa_parse_err_set(perr, 0, (unsigned)(i + 1),
					  "character %zu follows '=' padding", i + 1);
			return MFA_ERR_BASE32;
		}
		ndata++;
	}
	if (ndata == 0) {
		mfa_parse_err_set(perr, 0, 0, "base32 text holds no data");
		return MFA_ERR_BASE32;
	}
	if (!base32_tail_is_possible(ndata)) {
		mfa_parse_err_set(perr, 0, 0,
				  "base32 text has %zu data characters; a whole number of bytes "
				  "needs a count that leaves 0, 2, 4, 5 or 7 over a multiple of 8",
				  ndata);
		return MFA_ERR_BASE32;
	}
	if (npad > 0 && ((ndata + npad) % 8 != 0 || npad > 6)) {
		mfa_parse_err_set(perr, 0, 0,
				  "base32 padding does not complete a group of 8 characters");
		return MFA_ERR_BASE32;
	}

	cap = ndata * 5 / 8;
	if ((out = malloc(cap)) == NULL)
		return MFA_ERR_NOMEM;
	for (i = 0; i < len; i++) {
		int v;

		if (base32_is_separator(text[i]) || text[i] == '=')
			continue;
		v = base32_value(text[i]);
		acc = (acc << 5) | (uint32_t)v;
		nbits += 5;
		if (nbits >= 8) {
			nbits -= 8;
			out[nout++] = (uint8_t)(acc >> nbits);
			acc &= (1u << nbits) - 1;
		}
	}
	if (nout != cap) {
		r = MFA_ERR_INTERNAL;
		goto out;
	}
	*outp = out;
	*outlenp = nout;
	out = NULL;
	r = MFA_OK;
out:
	mfa_freezero(out, cap);
	mfa_wipe(&acc, sizeof(acc));
	return r;
}

int
mfa_base32_encode(const uint8_t *data, size_t len, bool pad, char **outp)
{
	char *out;
	size_t i, nchars, total, o = 0;
	uint32_t acc = 0;
	unsigned nbits = 0;

	if (outp != NULL)
		*outp = NULL;
	if (data == NULL || len == 0 || outp == NULL)
		return MFA_ERR_INVALID_ARG;
	if (len > (MFA_BASE32_TEXT_MAX / 8) * 5)
		return MFA_ERR_TOO_LARGE;
	nchars = (len * 8 + 4) / 5;
	total = pad ? (nchars + 7) / 8 * 8 : nchars;
	if ((out = malloc(total + 1)) == NULL)
		return MFA_ERR_NOMEM;
	for (i = 0; i < len; i++) {
		acc = (acc << 8) | data[i];
		nbits += 8;
		while (nbits >= 5) {
			nbits -= 5;
			out[o++] = base32_alphabet[(acc >> nbits) & 0x1f];
		}
		acc &= (1u << nbits) - 1;
	}
	if (nbits > 0)
		out[o++] = base32_alphabet[(acc << (5 - nbits)) & 0x1f];
	while (o < total)
		out[o++] = '=';
	out[o] = '\0';
	mfa_wipe(&acc, sizeof(acc));
	*outp = out;
	return MFA_OK;
}
