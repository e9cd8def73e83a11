/*
 * otpauth.h - otpauth:// Key URIs, the format authenticator apps scan.
 *
 *   otpauth://TYPE/[ISSUER:]ACCOUNT?secret=BASE32[&issuer=ISSUER]
 *             [&algorithm=SHA1|SHA256|SHA512][&digits=6..8][&period=N][&counter=N]
 *
 * The label and the values are percent-encoded (RFC 3986); in values a '+'
 * also stands for a space, as form encoders write it.  The issuer prefix and
 * the issuer parameter must agree when both are present.  Unknown parameters
 * (an app's "image", say) are ignored; a known one given twice is an error.
 */
#ifndef MFA_OTPAUTH_H
#define MFA_OTPAUTH_H

#include <stddef.h>
#include <stdint.h>

#include "mfa_err.h"
#include "otp.h"

/* Longest URI accepted. */
#define MFA_OTPAUTH_URI_MAX 4096

struct mfa_otpauth {
	enum mfa_otp_kind kind;
	enum mfa_otp_alg alg;
	unsigned digits;  /* 6..8; 6 when the URI does not say */
	unsigned period;  /* TOTP step in seconds; 30 when the URI does not say */
	uint64_t counter; /* HOTP only: the next counter value */
	char *issuer;     /* NULL when neither prefix nor parameter gives one */
	char *account;    /* never NULL or empty */
	uint8_t *secret;  /* the seed; wiped on free */
	size_t secret_len;
};

/*
 * Parse len bytes of a URI.  On success *outp is a new struct that the caller
 * releases with mfa_otpauth_free().  Malformed input returns MFA_ERR_URI (or
 * MFA_ERR_BASE32 for the secret, MFA_ERR_TOO_LARGE for the size) with
 * perr->column at the offending character and perr->msg saying what is wrong.
 */
int mfa_otpauth_parse(const char *uri, size_t len, struct mfa_otpauth **outp,
		      struct mfa_parse_err *perr);

/*
 * Build the URI for *key.  issuer may be NULL; neither issuer nor account may
 * contain a ':', and with an issuer the account may not start with a blank
 * (MFA_ERR_INVALID_ARG).  A URI longer than MFA_OTPAUTH_URI_MAX is refused
 * (MFA_ERR_TOO_LARGE): what is built always parses back.  All parameters
 * are written explicitly.  *urip holds the secret: free it with
 * mfa_free_string().
 */
int mfa_otpauth_build(const struct mfa_otpauth *key, char **urip);

/* Wipe and free *keyp and set it to NULL.  Accepts NULL and *keyp == NULL. */
void mfa_otpauth_free(struct mfa_otpauth **keyp);

#endif /* MFA_OTPAUTH_H */
