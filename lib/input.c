/*
 * input.c - appended codes and OpenVPN's SCRV1 static-challenge responses.
 */
#include "input.h"

#include <stdlib.h>
#include <string.h>

#include "base64.h"
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

/*
 * Strict base64 (base64.h) into a new NUL-terminated string: a NUL in the
 * result is refused.  The pieces of a password and a code are wiped on
 * every way out.
 */
static int
b64_decode(const char *in, size_t len, char **outp)
{
	size_t size = MFA_B64_DECODED_MAX(len) + 1, n = 0;
	char *out;
	int r;

	*outp = NULL;
	if ((out = malloc(size)) == NULL)
		return MFA_ERR_NOMEM;
	r = mfa_base64_decode(in, len, 0, (uint8_t *)out, &n);
	if (r == MFA_OK && memchr(out, '\0', n) != NULL)
		r = MFA_ERR_PARSE;
	if (r != MFA_OK) {
		mfa_freezero(out, size);
		return r;
	}
	out[n] = '\0';
	*outp = out;
	return MFA_OK;
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
