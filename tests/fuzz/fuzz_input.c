/*
 * fuzz_input.c - the front-end input splitters: SCRV1 decoding, the
 * appended code (6 and 8 digits) and blank stripping.
 */
#include "fuzz_common.h"
#include "input.h"
#include "mfa_mem.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned digits[] = {6, 8};
	struct mfa_parse_err perr;
	char *buf = fuzz_copy(data, size), *pw = NULL, *code = NULL;
	size_t i;

	(void)mfa_input_is_scrv1(buf);
	if (mfa_input_parse_scrv1(buf, &pw, &code, &perr) == 0 && (pw == NULL || code == NULL))
		abort();
	mfa_free_string(pw);
	mfa_free_string(code);
	for (i = 0; i < sizeof(digits) / sizeof(digits[0]); i++) {
		pw = code = NULL;
		if (mfa_input_split_appended(buf, digits[i], &pw, &code, &perr) == 0) {
			if (pw == NULL || code == NULL || strlen(code) != digits[i])
				abort();
		}
		mfa_free_string(pw);
		mfa_free_string(code);
	}
	(void)mfa_input_strip_blanks(buf);
	free(buf);
	return 0;
}
