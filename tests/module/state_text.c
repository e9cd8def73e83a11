/*
 * state_text - print the current state text of a state file, plain or
 * slotted (lib/state_slots.h), for shell tests that read its lines.
 *
 *   state_text FILE
 *
 * Exits 1 when the file cannot be read or holds no valid state.
 */
#include <stdio.h>
#include <stdlib.h>

#include "state_slots.h"

/* The whole file, or NULL with a message. */
static char *
read_file(const char *path, size_t *lenp)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, len = 0, n;

	if (f == NULL) {
		perror(path);
		return NULL;
	}
	do {
		if (len == cap) {
			char *nb = realloc(buf, cap = cap * 2 + 4096);

			if (nb == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		perror(path);
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*lenp = len;
	return buf;
}

int
main(int argc, char **argv)
{
	struct mfa_slots_view v;
	struct mfa_parse_err perr;
	char *buf;
	size_t len;

	if (argc != 2) {
		fputs("usage: state_text FILE\n", stderr);
		return 2;
	}
	if ((buf = read_file(argv[1], &len)) == NULL)
		return 1;
	if (!mfa_slots_detect((const uint8_t *)buf, len)) {
		fwrite(buf, 1, len, stdout);
	} else if (mfa_slots_read((const uint8_t *)buf, len, argv[1], &v, &perr) == MFA_OK) {
		fwrite(v.text, 1, v.text_len, stdout);
	} else {
		fprintf(stderr, "state_text: %s: %s\n", argv[1], perr.msg);
		free(buf);
		return 1;
	}
	free(buf);
	return fflush(stdout) == 0 ? 0 : 1;
}
