/*
 * fuzz_fido2_cred.c - pam_u2f's mapping format: the input as a whole file,
 * and each of its first 64 ':'-separated pieces as one credential.  A
 * failure must name a line of the input and a column within that line;
 * whatever parses must format, parse back to the same credential, and
 * format to the same text again.
 */
#include "fido2_cred.h"
#include "fuzz_common.h"

#define PIECES_MAX 64

/* The length of line `lineno` (from 1) of buf, or SIZE_MAX past the end. */
static size_t
line_length(const char *buf, size_t size, unsigned lineno)
{
	const char *p = buf, *end = buf + size, *nl;
	unsigned n = 1;

	while (n < lineno) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return SIZE_MAX;
		p = nl + 1;
		n++;
	}
	nl = memchr(p, '\n', (size_t)(end - p));
	return nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
}

static void
cred_round_trip(const struct mfa_fido2_cred *cred)
{
	struct mfa_fido2_cred back;
	struct mfa_parse_err perr;
	char *text = NULL, *text2 = NULL;

	if (mfa_fido2_cred_format(cred, &text) != 0 ||
	    mfa_fido2_cred_parse(text, strlen(text), &back, &perr) != 0 ||
	    memcmp(&back, cred, sizeof(back)) != 0 || mfa_fido2_cred_format(&back, &text2) != 0 ||
	    strcmp(text, text2) != 0)
		abort();
	free(text);
	free(text2);
}

static void
user_round_trip(const struct mfa_fido2_user *user)
{
	struct mfa_fido2_user back;
	struct mfa_parse_err perr;
	char *text = NULL, *text2 = NULL;
	size_t i;

	if (mfa_fido2_line_format(user, &text) != 0 ||
	    mfa_fido2_line_parse(text, strlen(text), &back, &perr) != 0 ||
	    strcmp(back.name, user->name) != 0 || back.ncreds != user->ncreds)
		abort();
	for (i = 0; i < user->ncreds; i++) {
		if (memcmp(&back.creds[i], &user->creds[i], sizeof(back.creds[i])) != 0)
			abort();
		cred_round_trip(&user->creds[i]);
	}
	if (mfa_fido2_line_format(&back, &text2) != 0 || strcmp(text, text2) != 0)
		abort();
	mfa_fido2_user_clear(&back);
	free(text);
	free(text2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mfa_fido2_map *map = NULL;
	struct mfa_fido2_cred cred;
	struct mfa_parse_err perr;
	char *buf = fuzz_copy(data, size);
	size_t i, start = 0, n, linelen;
	int r;

	r = mfa_fido2_map_parse(buf, size, "u2f_keys", &map, &perr);
	if (r == 0) {
		for (i = 0; i < map->nusers; i++) {
			if (mfa_fido2_map_find(map, map->users[i].name) != &map->users[i])
				abort();
			user_round_trip(&map->users[i]);
		}
	} else if (r == MFA_ERR_PARSE || (r == MFA_ERR_TOO_LARGE && perr.line != 0)) {
		if (perr.line == 0 || (linelen = line_length(buf, size, perr.line)) == SIZE_MAX ||
		    perr.column > linelen + 1 || map != NULL)
			abort();
	}
	mfa_fido2_map_free(&map);

	for (i = 0; i < PIECES_MAX && start <= size; i++) {
		const char *colon = memchr(buf + start, ':', size - start);

		n = colon != NULL ? (size_t)(colon - (buf + start)) : size - start;
		mfa_parse_err_init(&perr, NULL);
		r = mfa_fido2_cred_parse(buf + start, n, &cred, &perr);
		if (r == 0)
			cred_round_trip(&cred);
		else if (r == MFA_ERR_PARSE && (perr.column == 0 || perr.column > n + 1))
			abort();
		start += n + 1;
	}
	free(buf);
	return 0;
}
