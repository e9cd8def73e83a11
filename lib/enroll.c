/*
 * enroll.c - building, confirming and describing a new token.
 */
#include "enroll.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "factor.h"
#include "mfa_mem.h"
#include "otpauth.h"

static size_t
seed_length(enum mfa_otp_alg alg)
{
	switch (alg) {
	case MFA_OTP_SHA256:
		return 32;
	case MFA_OTP_SHA512:
		return 64;
	case MFA_OTP_SHA1:
		break;
	}
	return 20;
}

int
mfa_enroll_build_state(const struct mfa_enroll_params *p, struct mfa_state **stp)
{
	struct mfa_state *st;

	if (stp != NULL)
		*stp = NULL;
	if (p == NULL || stp == NULL || p->now < 0 ||
	    (p->kind != MFA_OTP_TOTP && p->kind != MFA_OTP_HOTP) ||
	    p->digits < MFA_OTP_DIGITS_MIN || p->digits > MFA_OTP_DIGITS_MAX ||
	    (p->kind == MFA_OTP_TOTP && (p->period == 0 || p->period > MFA_OTP_PERIOD_MAX)) ||
	    (p->secret != NULL &&
	     (p->secret_len < MFA_OTP_KEY_MIN || p->secret_len > MFA_OTP_KEY_MAX)))
		return MFA_ERR_INVALID_ARG;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return MFA_ERR_NOMEM;
	st->kind = p->kind;
	st->alg = p->alg;
	st->digits = p->digits;
	st->period = p->kind == MFA_OTP_TOTP ? p->period : 0;
	st->secret_len = p->secret != NULL ? p->secret_len : seed_length(p->alg);
	if ((st->secret = malloc(st->secret_len)) == NULL) {
		mfa_state_free(&st);
		return MFA_ERR_NOMEM;
	}
	if (p->secret != NULL) {
		memcpy(st->secret, p->secret, st->secret_len);
	} else if (RAND_bytes(st->secret, (int)st->secret_len) != 1) {
		mfa_state_free(&st);
		return MFA_ERR_CRYPTO;
	}
	st->next = p->kind == MFA_OTP_HOTP ? p->counter : 0;
	st->created = (uint64_t)p->now;
	*stp = st;
	return MFA_OK;
}

int
mfa_enroll_confirm(struct mfa_state *st, const char *code, time_t now, unsigned window)
{
	struct mfa_policy pol;
	struct mfa_factor_detail detail;

	if (st == NULL || code == NULL)
		return MFA_ERR_INVALID_ARG;
	if (!mfa_factor_otp.claims(st, code))
		return MFA_ERR_OTP_MISMATCH;
	memset(&pol, 0, sizeof(pol));
	memset(&detail, 0, sizeof(detail));
	pol.totp_window = window;
	pol.hotp_window = window;
	pol.digits = st->digits;
	pol.step = st->period;
	return mfa_factor_otp.verify(st, &pol, code, now, &detail);
}

int
mfa_enroll_new_recovery(struct mfa_state *st, size_t n, unsigned iterations,
			char (*codes)[MFA_RECOVERY_CODE_SIZE])
{
	char *hashes[MFA_STATE_RECOVERY_MAX] = {NULL};
	char text[MFA_RECOVERY_HASH_TEXT_SIZE];
	size_t i;
	int r = MFA_OK;

	if (st == NULL || (n > 0 && codes == NULL) || n > MFA_STATE_RECOVERY_MAX)
		return MFA_ERR_INVALID_ARG;
	for (i = 0; i < n; i++) {
		if ((r = mfa_recovery_generate(codes[i])) != MFA_OK ||
		    (r = mfa_recovery_hash(codes[i], iterations, text)) != MFA_OK)
			goto fail;
		if ((hashes[i] = strdup(text)) == NULL) {
			r = MFA_ERR_NOMEM;
			goto fail;
		}
	}
	/* All new codes exist: only now replace the old ones. */
	for (i = 0; i < st->nrecovery; i++) {
		mfa_free_string(st->recovery[i]);
		st->recovery[i] = NULL;
	}
	for (i = 0; i < n; i++)
		st->recovery[i] = hashes[i];
	st->nrecovery = n;
	mfa_wipe(text, sizeof(text));
	return MFA_OK;
fail:
	for (i = 0; i < n; i++) {
		mfa_free_string(hashes[i]);
		mfa_wipe(codes[i], MFA_RECOVERY_CODE_SIZE);
	}
	mfa_wipe(text, sizeof(text));
	return r;
}

int
mfa_enroll_uri(const struct mfa_state *st, const char *issuer, const char *account, char **urip)
{
	struct mfa_otpauth key;

	if (st == NULL || urip == NULL)
		return MFA_ERR_INVALID_ARG;
	memset(&key, 0, sizeof(key));
	key.kind = st->kind;
	key.alg = st->alg;
	key.digits = st->digits;
	key.period = st->period;
	key.counter = st->next;
	key.issuer = (char *)(uintptr_t)issuer;
	key.account = (char *)(uintptr_t)account;
	key.secret = st->secret;
	key.secret_len = st->secret_len;
	return mfa_otpauth_build(&key, urip);
}
