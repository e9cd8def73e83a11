/*
 * otp_code - print a TOTP or HOTP code with libmfacover, for shell tests
 * that compare it with oathtool's.
 *
 *   otp_code BASE32 totp UNIX_TIME [ALG [DIGITS [PERIOD]]]
 *   otp_code BASE32 hotp COUNTER [ALG [DIGITS]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base32.h"
#include "mfa_mem.h"
#include "num.h"
#include "otp.h"

int
main(int argc, char **argv)
{
	enum mfa_otp_alg alg = MFA_OTP_SHA1;
	char code[MFA_OTP_CODE_SIZE];
	uint64_t value, digits = 6, period = 30;
	uint8_t *key = NULL;
	size_t keylen = 0;
	int r;

	if (argc < 4 || (strcmp(argv[2], "totp") != 0 && strcmp(argv[2], "hotp") != 0) ||
	    mfa_parse_u64(argv[3], strlen(argv[3]), UINT64_MAX, &value) != MFA_OK ||
	    (argc > 4 && mfa_otp_alg_parse(argv[4], &alg) != MFA_OK) ||
	    (argc > 5 && mfa_parse_u64(argv[5], strlen(argv[5]), 8, &digits) != MFA_OK) ||
	    (argc > 6 && mfa_parse_u64(argv[6], strlen(argv[6]), 3600, &period) != MFA_OK)) {
		fprintf(stderr,
			"usage: otp_code BASE32 totp|hotp TIME|COUNTER [ALG [DIGITS [PERIOD]]]\n");
		return 64;
	}
	if (mfa_base32_decode(argv[1], strlen(argv[1]), &key, &keylen, NULL) != MFA_OK)
		return 1;
	if (strcmp(argv[2], "totp") == 0)
		r = mfa_otp_totp_generate(key, keylen, alg, (unsigned)digits, (unsigned)period,
					  (time_t)value, code);
	else
		r = mfa_otp_generate(key, keylen, alg, (unsigned)digits, value, code);
	mfa_freezero(key, keylen);
	if (r != MFA_OK)
		return 1;
	printf("%s\n", code);
	return 0;
}
