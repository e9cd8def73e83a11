/*
 * fuzz_recovery.c - recovery codes: the stored hash check the state parser
 * uses (on the raw input with its length, and on the NUL-terminated copy),
 * the code-or-OTP guess, and mfa_recovery_verify.
 *
 * For verify the input is split at newlines: the first line is what the
 * user typed, up to MAX_HASHES further lines are stored hash texts.  A line
 * that asks for more than MFA_RECOVERY_ITERATIONS_MIN PBKDF2 rounds is left
 * out (10^7 rounds would make every run a timeout).  When the typed line is
 * a well-formed code, its own fresh hash is appended, and verify must then
 * find a match: a code always verifies against its own hash.
 */
#include <errno.h>

#include "fuzz_common.h"
#include "recovery.h"

#define MAX_HASHES 4
#define HASH_PREFIX "pbkdf2-sha256$"

/* Cheap enough to verify: not a valid hash (verify stops at it), or few rounds. */
static bool
cheap_to_verify(const char *line)
{
	const char *p;
	char *end;
	unsigned long rounds;

	if (!mfa_recovery_hash_text_valid(line, strlen(line)))
		return true;
	p = line + strlen(HASH_PREFIX);
	errno = 0;
	rounds = strtoul(p, &end, 10);
	return errno == 0 && end != p && rounds <= MFA_RECOVERY_ITERATIONS_MIN;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size);
	char *hashes[MAX_HASHES + 1], own[MFA_RECOVERY_HASH_TEXT_SIZE];
	char *typed, *line, *save = NULL;
	size_t n = 0, index = 0;
	bool valid = mfa_recovery_hash_text_valid(buf, size);
	int r;

	/* A valid text is printable and fits the state's field. */
	if (valid && (size >= MFA_RECOVERY_HASH_TEXT_SIZE || strlen(buf) != size))
		abort();
	(void)mfa_recovery_looks_like_code(buf);

	typed = buf;
	line = strchr(buf, '\n');
	if (line != NULL) {
		*line++ = '\0';
		for (line = strtok_r(line, "\n", &save); line != NULL && n < MAX_HASHES;
		     line = strtok_r(NULL, "\n", &save)) {
			if (cheap_to_verify(line))
				hashes[n++] = line;
		}
	}
	r = mfa_recovery_verify(typed, hashes, n, &index);
	if (r == MFA_OK && index >= n)
		abort();
	if (r != MFA_OK && r != MFA_ERR_OTP_MISMATCH && r != MFA_ERR_PARSE)
		abort();

	if (mfa_recovery_hash(typed, MFA_RECOVERY_ITERATIONS_MIN, own) == MFA_OK) {
		bool all_valid = true;
		size_t i;

		for (i = 0; i < n; i++)
			all_valid = all_valid &&
				    mfa_recovery_hash_text_valid(hashes[i], strlen(hashes[i]));
		hashes[n] = own;
		r = mfa_recovery_verify(typed, hashes, n + 1, &index);
		/* With every stored text valid, the code's own hash must match. */
		if (all_valid && (r != MFA_OK || index > n))
			abort();
	}
	free(buf);
	return 0;
}
