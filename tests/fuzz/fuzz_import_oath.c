/*
 * fuzz_import_oath.c - the pam_oath users file importer, for a fixed user
 * ("alice"), for the input's first word, as asked, and for its second
 * word (the user name column of a first line "TYPE USER ...").  An imported state must format and parse back.
 */
#include "fuzz_common.h"
#include "import_oath.h"
#include "mfa_mem.h"

static void
import_one(const char *buf, size_t len, const char *user)
{
	struct mfa_parse_err perr;
	struct mfa_import_oath_report report;
	struct mfa_state *st = NULL, *st2 = NULL;
	char *text = NULL;
	size_t tlen = 0;

	if (mfa_import_oath_user_report(buf, len, "/etc/users.oath", user, &st, &report, &perr) !=
	    0)
		goto out;
	if (mfa_state_format(st, &text, &tlen) != 0)
		abort();
	if (mfa_state_parse(text, tlen, "state", &st2, &perr) != 0)
		abort();
out:
	if (text != NULL)
		mfa_freezero(text, tlen);
	mfa_state_free(&st);
	mfa_state_free(&st2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char blanks[] = " \t\r\n";
	char *buf = fuzz_copy(data, size), *tok;
	size_t start = 0, n;
	int word;

	import_one(buf, size, "alice");
	for (word = 0; word < 2; word++) {
		start += strspn(buf + start, blanks);
		n = strcspn(buf + start, blanks);
		if (n == 0)
			break;
		tok = fuzz_copy((const uint8_t *)buf + start, n);
		import_one(buf, size, tok);
		free(tok);
		start += n;
	}
	free(buf);
	return 0;
}
