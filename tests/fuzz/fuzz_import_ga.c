/*
 * fuzz_import_ga.c - the google-authenticator file importer.  An imported
 * state must format, and the text must parse back.
 */
#include "fuzz_common.h"
#include "import_ga.h"
#include "mfa_mem.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mfa_parse_err perr;
	struct mfa_import_ga_report report;
	struct mfa_state *st = NULL, *st2 = NULL;
	char *buf = fuzz_copy(data, size), *text = NULL;
	size_t len = 0;

	if (mfa_import_ga_parse(buf, size, "/home/alice/.google_authenticator", &st, &report,
				&perr) != 0)
		goto out;
	if (mfa_state_format(st, &text, &len) != 0)
		abort();
	if (mfa_state_parse(text, len, "state", &st2, &perr) != 0)
		abort();
out:
	if (text != NULL)
		mfa_freezero(text, len);
	mfa_state_free(&st);
	mfa_state_free(&st2);
	free(buf);
	return 0;
}
