/*
 * fuzz_state.c - mfa_state_parse(); on success the text written by
 * mfa_state_format() must parse again and format to the same bytes.
 */
#include "fuzz_common.h"
#include "mfa_mem.h"
#include "state.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mfa_parse_err perr;
	struct mfa_state *st = NULL, *st2 = NULL;
	char *buf = fuzz_copy(data, size), *out1 = NULL, *out2 = NULL;
	size_t len1 = 0, len2 = 0;

	if (mfa_state_parse(buf, size, "state", &st, &perr) != 0)
		goto out;
	if (mfa_state_format(st, &out1, &len1) != 0)
		abort(); /* a parsed state always formats */
	if (mfa_state_parse(out1, len1, "state", &st2, &perr) != 0)
		abort();
	if (mfa_state_format(st2, &out2, &len2) != 0)
		abort();
	if (len1 != len2 || memcmp(out1, out2, len1) != 0)
		abort();
out:
	if (out1 != NULL)
		mfa_freezero(out1, len1);
	if (out2 != NULL)
		mfa_freezero(out2, len2);
	mfa_state_free(&st);
	mfa_state_free(&st2);
	free(buf);
	return 0;
}
