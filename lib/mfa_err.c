/*
 * mfa_err.c - texts for MFA_ERR_* codes and parse-error bookkeeping.
 */
#include "mfa_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct mfa_err_text {
	int code;
	const char *name;
	const char *text;
};

/* Indexed by -code: keep in the order of enum mfa_err. */
static const struct mfa_err_text mfa_err_texts[] = {
	{MFA_OK, "MFA_OK", "success"},
	{MFA_ERR_INTERNAL, "MFA_ERR_INTERNAL", "internal error"},
	{MFA_ERR_NOMEM, "MFA_ERR_NOMEM", "out of memory"},
	{MFA_ERR_INVALID_ARG, "MFA_ERR_INVALID_ARG", "invalid argument"},
	{MFA_ERR_PARSE, "MFA_ERR_PARSE", "malformed input"},
	{MFA_ERR_RANGE, "MFA_ERR_RANGE", "value out of range"},
	{MFA_ERR_BASE32, "MFA_ERR_BASE32", "malformed base32 secret"},
	{MFA_ERR_URI, "MFA_ERR_URI", "malformed otpauth URI"},
	{MFA_ERR_OTP_MISMATCH, "MFA_ERR_OTP_MISMATCH", "code does not match"},
	{MFA_ERR_OTP_REPLAY, "MFA_ERR_OTP_REPLAY", "code was already used"},
	{MFA_ERR_CRYPTO, "MFA_ERR_CRYPTO", "cryptographic backend failed"},
	{MFA_ERR_IO, "MFA_ERR_IO", "input/output error"},
	{MFA_ERR_UNSAFE_FILE, "MFA_ERR_UNSAFE_FILE", "file is unsafe (owner, mode, type or link)"},
	{MFA_ERR_NOT_FOUND, "MFA_ERR_NOT_FOUND", "not found"},
	{MFA_ERR_TOO_LARGE, "MFA_ERR_TOO_LARGE", "input too large"},
	{MFA_ERR_TOO_DEEP, "MFA_ERR_TOO_DEEP", "nesting too deep"},
	{MFA_ERR_EXISTS, "MFA_ERR_EXISTS", "already exists"},
	{MFA_ERR_NOT_DURABLE, "MFA_ERR_NOT_DURABLE", "done, but not yet safe from a crash"},
	{MFA_ERR_FIDO2_AUTHDATA, "MFA_ERR_FIDO2_AUTHDATA", "malformed FIDO2 authenticator data"},
	{MFA_ERR_FIDO2_RP_ID, "MFA_ERR_FIDO2_RP_ID", "FIDO2 assertion for another relying party"},
	{MFA_ERR_FIDO2_NO_UP, "MFA_ERR_FIDO2_NO_UP", "FIDO2 assertion without user presence"},
	{MFA_ERR_FIDO2_NO_UV, "MFA_ERR_FIDO2_NO_UV",
	 "FIDO2 assertion without the required user verification"},
	{MFA_ERR_FIDO2_SIGNATURE, "MFA_ERR_FIDO2_SIGNATURE", "FIDO2 signature does not verify"},
	{MFA_ERR_FIDO2_COUNTER, "MFA_ERR_FIDO2_COUNTER",
	 "FIDO2 signature counter did not increase (cloned authenticator?)"},
	{MFA_ERR_FIDO2_DEVICE, "MFA_ERR_FIDO2_DEVICE",
	 "FIDO2 device failed, timed out, or was not touched"},
	{MFA_ERR_FIDO2_PIN, "MFA_ERR_FIDO2_PIN", "FIDO2 PIN wrong, missing, or blocked"},
	{MFA_ERR_FIDO2_CREDENTIAL, "MFA_ERR_FIDO2_CREDENTIAL",
	 "FIDO2 assertion by a credential the user does not have"},
};

_Static_assert(sizeof(mfa_err_texts) / sizeof(mfa_err_texts[0]) == (size_t)(-MFA_ERR_LAST) + 1,
	       "mfa_err_texts must have one entry per enum mfa_err value");

static const struct mfa_err_text *
mfa_err_lookup(int err)
{
	if (err > 0 || err < MFA_ERR_LAST)
		return NULL;
	return &mfa_err_texts[-err];
}

const char *
mfa_strerror(int err)
{
	const struct mfa_err_text *t = mfa_err_lookup(err);

	return t != NULL ? t->text : "unknown error";
}

const char *
mfa_strerror_name(int err)
{
	const struct mfa_err_text *t = mfa_err_lookup(err);

	return t != NULL ? t->name : "MFA_ERR_UNKNOWN";
}

void
mfa_parse_err_init(struct mfa_parse_err *perr, const char *file)
{
	if (perr == NULL)
		return;
	memset(perr, 0, sizeof(*perr));
	if (file != NULL)
		snprintf(perr->file, sizeof(perr->file), "%s", file);
}

void
mfa_parse_err_set(struct mfa_parse_err *perr, unsigned line, unsigned column, const char *fmt, ...)
{
	va_list ap;

	if (perr == NULL)
		return;
	perr->line = line;
	perr->column = column;
	va_start(ap, fmt);
	vsnprintf(perr->msg, sizeof(perr->msg), fmt, ap);
	va_end(ap);
}

const char *
mfa_parse_err_format(const struct mfa_parse_err *perr, char *buf, size_t bufsz)
{
	const char *file;

	if (buf == NULL || bufsz == 0)
		return buf;
	if (perr == NULL) {
		snprintf(buf, bufsz, "unknown error");
		return buf;
	}
	file = perr->file[0] != '\0' ? perr->file : NULL;
	if (file != NULL && perr->line != 0 && perr->column != 0)
		snprintf(buf, bufsz, "%s:%u:%u: %s", file, perr->line, perr->column, perr->msg);
	else if (file != NULL && perr->line != 0)
		snprintf(buf, bufsz, "%s:%u: %s", file, perr->line, perr->msg);
	else if (file != NULL)
		snprintf(buf, bufsz, "%s: %s", file, perr->msg);
	else if (perr->column != 0)
		snprintf(buf, bufsz, "column %u: %s", perr->column, perr->msg);
	else
		snprintf(buf, bufsz, "%s", perr->msg);
	return buf;
}
