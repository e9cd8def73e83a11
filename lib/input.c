/*
 * input.c - appended codes and OpenVPN's SCRV1 static-challenge responses.
 */
#include "input.h"

#include <stdlib.h>
#include <string.h>

#include "mfa_mem.h"

int
mfa_input_split_appended(const char *authtok, unsigned digits, char **passwordp, char **codep,
			 struct mfa_parse_err *perr)
{
	char *password = NULL, *code = NULL;
	size_t len;

	if (passwordp != NULL)
		*passwordp = NULL;
	if (codep != NULL)
		*codep = NULL;
	if (authtok == NULL || passwordp == NULL || codep == NULL || digits == 0)
		return MFA_ERR_INVALID_ARG;
	if ((len = strnlen(authtok, MFA_INPUT_MAX + 1)) > MFA_INPUT_MAX) {
		mfa_parse_err_set(perr, 0, 0, "input is longer than %d bytes", MFA_INPUT_MAX);
		return MFA_ERR_TOO_LARGE;
	}
	if (len < digits) {
		mfa_parse_err_set(perr, 0, 0, "input is shorter than the %u-digit code", digits);
		return MFA_ERR_PARSE;
	}
	if ((password = strndup(authtok, len - digits)) == NULL ||
	    (code = strdup(authtok + len - digits)) == NULL) {
		mfa_free_string(password);
		return MFA_ERR_NOMEM;
	}
	*passwordp = password;
	*codep = code;
	return MFA_OK;
}

bool
mfa_input_is_scrv1(const char *authtok)
{
	return authtok != NULL && strncmp(authtok, MFA_SCRV1_PREFIX, strlen(MFA_SCRV1_PREFIX)) == 0;
}

static int
b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Strict base64: length a multiple of 4, '=' only as the last one or two
 * characters, zero bits after the last byte, no NUL in the result.
 */
static int
b64_decode(const char *in, size_t len, char **outp)
{
	char *out;
	size_t i, o = 0, pad = 0;
	/* Pieces of a password and a code: wiped on every way out. */
	int v[4], k, r = MFA_ERR_PARSE;
	unsigned long block = 0;
	char c = 0;

	*outp = NULL;
	if (len % 4 != 0)
		return MFA_ERR_PARSE;
	if (len > 0 && in[len - 1] == '=')
		pad++;
	if (len > 1 && in[len - 2] == '=')
		pad++;
	if ((out = malloc(len / 4 * 3 + 1)) == NULL)
		return MFA_ERR_NOMEM;
	for (i = 0; i < len; i += 4) {
		size_t nbytes = 3;

		for (k = 0; k < 4; k++) {
			bool last_group = i + 4 == len;

			if (in[i + (size_t)k] == '=' && last_group && (size_t)k >= 4 - pad) {
				v[k] = 0;
				continue;
			}
			if ((v[k] = b64_value(in[i + (size_t)k])) < 0)
				goto out;
		}
		block = 0;
		for (k = 0; k < 4; k++)
			block = (block << 6) | (unsigned long)v[k];
		if (i + 4 == len) {
			nbytes = 3 - pad;
			/* The bits padding stands for must be zero. */
			if ((pad == 1 && (block & 0xff) != 0) ||
			    (pad == 2 && (block & 0xffff) != 0))
				goto out;
		}
		for (k = 0; k < (int)nbytes; k++) {
			c = (char)((block >> (16 - 8 * k)) & 0xff);
			if (c == '\0')
				goto out;
			out[o++] = c;
		}
	}
	out[o] = '\0';
	*outp = out;
	out = NULL;
	r = MFA_OK;
out:
	if (out != NULL)
		mfa_freezero(out, len / 4 * 3 + 1);
	mfa_wipe(v, sizeof(v));
	mfa_wipe(&block, sizeof(block));
	mfa_wipe(&c, sizeof(c));
	return r;
}

int
mfa_input_parse_scrv1(const char *authtok, char **passwordp, char **codep,
		      struct mfa_parse_err *perr)
{
	const char *p, *colon;
	char *password = NULL, *code = NULL;
	size_t len;
	int r;

	if (passwordp != NULL)
		*passwordp = NULL;
	if (codep != NULL)
		*codep = NULL;
	if (authtok == NULL || passwordp == NULL || codep == NULL)
		return MFA_ERR_INVALID_ARG;
	if ((len = strnlen(authtok, MFA_INPUT_MAX + 1)) > MFA_INPUT_MAX) {
		mfa_parse_err_set(perr, 0, 0, "input is longer than %d bytes", MFA_INPUT_MAX);
		return MFA_ERR_TOO_LARGE;
	}
	if (!mfa_input_is_scrv1(authtok)) {
		mfa_parse_err_set(perr, 0, 0, "input does not start with SCRV1:");
		return MFA_ERR_PARSE;
	}
	p = authtok + strlen(MFA_SCRV1_PREFIX);
	if ((colon = strchr(p, ':')) == NULL || strchr(colon + 1, ':') != NULL) {
		mfa_parse_err_set(perr, 0, 0, "SCRV1 input is not SCRV1:<password>:<response>");
		return MFA_ERR_PARSE;
	}
	if ((r = b64_decode(p, (size_t)(colon - p), &password)) != MFA_OK) {
		mfa_parse_err_set(perr, 0, 0, "SCRV1 password part is not valid base64");
		return r;
	}
	if ((r = b64_decode(colon + 1, strlen(colon + 1), &code)) != MFA_OK) {
		mfa_parse_err_set(perr, 0, 0, "SCRV1 response part is not valid base64");
		mfa_free_string(password);
		return r;
	}
	*passwordp = password;
	*codep = code;
	return MFA_OK;
}

char *
mfa_input_strip_blanks(char *s)
{
	char *r, *w;

	if (s == NULL)
		return NULL;
	for (r = w = s; *r != '\0'; r++) {
		if (*r != ' ' && *r != '\t')
			*w++ = *r;
	}
	/* Wipe the tail the copy left behind. */
	while (w < r)
		*w++ = '\0';
	return s;
}
