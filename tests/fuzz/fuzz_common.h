/*
 * fuzz_common.h - what every libFuzzer harness here shares: the entry
 * point's prototype and the copy that gives the parser a NUL-terminated
 * buffer of its own (so ASan sees a read past the input's end).
 */
#ifndef MFACOVER_FUZZ_COMMON_H
#define MFACOVER_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A malloc'ed copy of the input with a NUL after it; never NULL. */
static inline char *
fuzz_copy(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);

	if (buf == NULL)
		abort();
	if (size > 0)
		memcpy(buf, data, size);
	buf[size] = '\0';
	return buf;
}

#endif /* MFACOVER_FUZZ_COMMON_H */
