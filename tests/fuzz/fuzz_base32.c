/*
 * fuzz_base32.c - mfa_base32_decode() on the input; a decoded seed must
 * encode (padded and not) and decode back to the same bytes.  The raw
 * input, as bytes, must also survive encode+decode.
 */
#include "base32.h"
#include "fuzz_common.h"
#include "mfa_mem.h"

static void
round_trip(const uint8_t *bytes, size_t len, bool pad)
{
	struct mfa_parse_err perr;
	uint8_t *back = NULL;
	size_t backlen = 0;
	char *text = NULL;

	if (mfa_base32_encode(bytes, len, pad, &text) != 0)
		abort();
	if (mfa_base32_decode(text, strlen(text), &back, &backlen, &perr) != 0)
		abort();
	if (backlen != len || memcmp(back, bytes, len) != 0)
		abort();
	mfa_freezero(back, backlen);
	mfa_free_string(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mfa_parse_err perr;
	char *buf = fuzz_copy(data, size);
	uint8_t *out = NULL;
	size_t outlen = 0;

	if (mfa_base32_decode(buf, size, &out, &outlen, &perr) == 0) {
		if (out == NULL || outlen == 0)
			abort();
		round_trip(out, outlen, true);
		round_trip(out, outlen, false);
		mfa_freezero(out, outlen);
	}
	/* The encoder's output for up to 640 bytes fits MFA_BASE32_TEXT_MAX. */
	if (size > 0 && size <= MFA_BASE32_TEXT_MAX / 8 * 5) {
		round_trip(data, size, true);
		round_trip(data, size, false);
	}
	free(buf);
	return 0;
}
