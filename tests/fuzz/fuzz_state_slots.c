/*
 * fuzz_state_slots.c - mfa_slots_read() on any bytes; when a file reads,
 * its state written into the other slot with the next number must read
 * back as that state, and the file with that slot torn halfway must read
 * as the state before.
 */
#include "fuzz_common.h"
#include "state_slots.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mfa_slots_view v, v2;
	struct mfa_parse_err perr;
	uint8_t *file = NULL;
	size_t s;

	if (mfa_slots_read(data, size, "state", &v, &perr) != MFA_OK)
		return 0;
	if (v.text_len == 0 || v.text_len > v.slot_size || v.slot_size * 2 != size ||
	    v.current > 1 || v.seq == 0)
		abort();
	if (v.seq == UINT64_MAX)
		return 0;
	s = v.slot_size;
	if ((file = malloc(size)) == NULL)
		abort();
	memcpy(file, data, size);
	if (mfa_slots_write(v.text, v.text_len, v.seq + 1, file + (1 - v.current) * s, s) != MFA_OK)
		abort(); /* the text of a slot always fits a slot of the same size */
	if (mfa_slots_read(file, size, "state", &v2, &perr) != MFA_OK ||
	    v2.current != 1 - v.current || v2.seq != v.seq + 1 || v2.text_len != v.text_len ||
	    memcmp(v2.text, data + v.current * s, v.text_len) != 0 || v2.other_damaged)
		abort();
	/*
	 * Half of the new slot written over the old bytes: the state before
	 * stands, unless those halves make the whole new slot already.
	 */
	{
		uint8_t *newslot = malloc(s), *torn = file + (1 - v.current) * s;

		if (newslot == NULL)
			abort();
		memcpy(newslot, torn, s);
		memcpy(torn + s / 2, data + (1 - v.current) * s + s / 2, s - s / 2);
		if (mfa_slots_read(file, size, "state", &v2, &perr) != MFA_OK)
			abort();
		if (memcmp(torn, newslot, s) == 0 ? v2.seq != v.seq + 1 : v2.seq != v.seq)
			abort();
		free(newslot);
	}
	free(file);
	return 0;
}
