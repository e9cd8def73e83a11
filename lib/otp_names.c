/*
 * otp_names.c - the names of OTP kinds and algorithms, as the state file,
 * otpauth URIs and the evidence line write them.  Apart from otp.c so that
 * what only needs a name (the state writer) does not pull in liboath.
 */
#include <stddef.h>
#include <strings.h>

#include "otp.h"

struct otp_alg_entry {
	enum mfa_otp_alg alg;
	const char *name;
};

static const struct otp_alg_entry otp_algs[] = {
	{MFA_OTP_SHA1, "SHA1"},
	{MFA_OTP_SHA256, "SHA256"},
	{MFA_OTP_SHA512, "SHA512"},
};

const char *
mfa_otp_alg_name(enum mfa_otp_alg alg)
{
	size_t i;

	for (i = 0; i < sizeof(otp_algs) / sizeof(otp_algs[0]); i++) {
		if (otp_algs[i].alg == alg)
			return otp_algs[i].name;
	}
	return "unknown";
}

int
mfa_otp_alg_parse(const char *name, enum mfa_otp_alg *algp)
{
	size_t i;

	if (name == NULL || algp == NULL)
		return MFA_ERR_INVALID_ARG;
	for (i = 0; i < sizeof(otp_algs) / sizeof(otp_algs[0]); i++) {
		if (strcasecmp(otp_algs[i].name, name) == 0) {
			*algp = otp_algs[i].alg;
			return MFA_OK;
		}
	}
	return MFA_ERR_PARSE;
}

const char *
mfa_otp_kind_name(enum mfa_otp_kind kind)
{
	switch (kind) {
	case MFA_OTP_TOTP:
		break;
	case MFA_OTP_HOTP:
		return "hotp";
	case MFA_OTP_NONE:
		return "none";
	}
	return "totp";
}
