/*
 * fuzz_recovery.c - the stored recovery hash check the state parser uses,
 * on the raw input (with its length) and on the NUL-terminated copy, and
 * the code-or-OTP guess.  (mfa_recovery_verify is not fuzzed: a valid
 * text may ask for 10^7 PBKDF2 rounds.)
 */
#include "fuzz_common.h"
#include "recovery.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size);
	bool valid = mfa_recovery_hash_text_valid(buf, size);

	/* A valid text is printable and fits the state's field. */
	if (valid && (size >= MFA_RECOVERY_HASH_TEXT_SIZE || strlen(buf) != size))
		abort();
	(void)mfa_recovery_looks_like_code(buf);
	free(buf);
	return 0;
}
