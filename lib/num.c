/*
 * num.c - strict decimal parsing.
 */
#include "num.h"

#include "mfa_err.h"

int
mfa_parse_u64(const char *text, size_t len, uint64_t max, uint64_t *valp)
{
	uint64_t v = 0;
	size_t i;

	if (text == NULL || valp == NULL || len == 0)
		return MFA_ERR_RANGE;
	for (i = 0; i < len; i++) {
		uint64_t d;

		if (text[i] < '0' || text[i] > '9')
			return MFA_ERR_RANGE;
		d = (uint64_t)(text[i] - '0');
		if (d > max || v > (max - d) / 10)
			return MFA_ERR_RANGE;
		v = v * 10 + d;
	}
	*valp = v;
	return MFA_OK;
}

int
mfa_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
