/*
 * fuzz_evidence_log.c - mfa_log_append() with the input as a value, into a
 * full-size line and into a small one (cut).  The line must hold no raw
 * control or non-ASCII byte, and every '"' must open a value right after
 * "key=", close one, or be escaped as \" inside one: else a value could
 * forge a field.
 */
#include "evidence_log.h"
#include "fuzz_common.h"

static void
check_line(const char *line)
{
	const unsigned char *p;
	int in_quotes = 0;

	for (p = (const unsigned char *)line; *p != '\0'; p++) {
		if (*p < 0x20 || *p >= 0x7f)
			abort();
		if (in_quotes) {
			if (*p == '\\') {
				if (p[1] == '\0')
					break; /* cut inside an escape */
				p++;
				if (*p != '"' && *p != '\\' && *p != 'x')
					abort();
			} else if (*p == '"') {
				in_quotes = 0;
				if (p[1] != '\0' && p[1] != ' ')
					abort();
			}
		} else if (*p == '"') {
			if (p == (const unsigned char *)line || p[-1] != '=')
				abort();
			in_quotes = 1;
		}
	}
}

static void
append_to(char *buf, size_t bufsz, const char *value)
{
	buf[0] = '\0';
	mfa_log_append(buf, bufsz, "user", "alice");
	mfa_log_append(buf, bufsz, "detail", value);
	mfa_log_append(buf, bufsz, "result", "success");
	if (strnlen(buf, bufsz) >= bufsz)
		abort();
	check_line(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[MFA_LOG_LINE_MAX];
	char *value = fuzz_copy(data, size);

	append_to(line, sizeof(line), value);
	append_to(line, 1 + (size > 0 ? data[0] % 64u : 0u), value);
	free(value);
	return 0;
}
