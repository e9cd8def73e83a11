/*
 * fuzz_authorized_keys.c - authorized_keys_parse(), then what the keys
 * prove under each combination of the server's PubkeyAuthOptions and
 * PubkeyAcceptedAlgorithms, at a fixed time.
 */
#include "authorized_keys.h"
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mfa_parse_err perr;
	struct authorized_keys *k = NULL;
	char *buf = fuzz_copy(data, size);
	unsigned bits;

	if (authorized_keys_parse(buf, size, "/home/alice/.ssh/authorized_keys", &k, &perr) != 0)
		goto out;
	for (bits = 0; bits < 8; bits++) {
		struct authorized_keys_policy pol = {
			.verify_required = (bits & 1u) != 0,
			.touch_required = (bits & 2u) != 0,
			.only_sk_accepted = (bits & 4u) != 0,
			.now = 1767225600, /* 2026-01-01T00:00:00Z */
		};
		size_t weakest = 0;
		enum authorized_keys_strength s = authorized_keys_strength(k, &pol, &weakest);

		(void)authorized_keys_strength_name(s);
		if (weakest != (size_t)-1 && weakest >= k->nkeys)
			abort();
	}
out:
	authorized_keys_free(&k);
	free(buf);
	return 0;
}
