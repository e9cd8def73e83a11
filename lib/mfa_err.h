/*
 * mfa_err.h - error codes and parse-error locations shared by libmfacover.
 *
 * Library functions return 0 (MFA_OK) or a negative MFA_ERR_* code and fill
 * their out-parameters only on success.  Parsers additionally fill a
 * caller-owned struct mfa_parse_err with the file, line and column of the
 * offending input and a short reason; the reason never quotes secret input.
 */
#ifndef MFA_ERR_H
#define MFA_ERR_H

#include <stddef.h>

enum mfa_err {
	MFA_OK = 0,
	MFA_ERR_INTERNAL = -1,     /* a bug: an invariant did not hold */
	MFA_ERR_NOMEM = -2,        /* allocation failed */
	MFA_ERR_INVALID_ARG = -3,  /* caller passed an impossible argument */
	MFA_ERR_PARSE = -4,        /* malformed input; see struct mfa_parse_err */
	MFA_ERR_RANGE = -5,        /* a number outside its allowed range */
	MFA_ERR_BASE32 = -6,       /* malformed base32 text */
	MFA_ERR_URI = -7,          /* malformed otpauth:// URI */
	MFA_ERR_OTP_MISMATCH = -8, /* the code matches no step in the window */
	MFA_ERR_OTP_REPLAY = -9,   /* the code matches only an already used step */
	MFA_ERR_CRYPTO = -10,      /* the HMAC / OTP backend failed */
	MFA_ERR_IO = -11,          /* a system call failed; errno tells more */
	MFA_ERR_UNSAFE_FILE = -12, /* wrong owner, mode, type, or a symlink */
	MFA_ERR_NOT_FOUND = -13,   /* the file or entry does not exist */
	MFA_ERR_TOO_LARGE = -14,   /* input exceeds a fixed size cap */
	MFA_ERR_TOO_DEEP = -15,    /* include nesting exceeds its limit */
	MFA_ERR_EXISTS = -16,      /* refusing to replace what exists */
	/* The change is in place, but could not be made durable (fsync failed). */
	MFA_ERR_NOT_DURABLE = -17,
	/* FIDO2 assertions (fido2_verify.h): each refusal has its own code. */
	MFA_ERR_FIDO2_AUTHDATA = -18,  /* authenticator data malformed or of the wrong shape */
	MFA_ERR_FIDO2_RP_ID = -19,     /* signed for another relying party (rpIdHash) */
	MFA_ERR_FIDO2_NO_UP = -20,     /* the user-present flag is not set */
	MFA_ERR_FIDO2_NO_UV = -21,     /* user verification required but not done */
	MFA_ERR_FIDO2_SIGNATURE = -22, /* the signature does not verify with the key */
	MFA_ERR_FIDO2_COUNTER = -23,   /* the signature counter did not increase: a clone? */
	/* FIDO2 devices (fido2_device.h). */
	MFA_ERR_FIDO2_DEVICE = -24, /* the device failed, timed out, or was not touched */
	MFA_ERR_FIDO2_PIN = -25,    /* the PIN was wrong, missing, or is blocked */
	/* An assertion by a credential that is not the user's. */
	MFA_ERR_FIDO2_CREDENTIAL = -26,
};

#define MFA_ERR_LAST MFA_ERR_FIDO2_CREDENTIAL

/* A static, human-readable text for an MFA_ERR_* code (never NULL). */
const char *mfa_strerror(int err);

/* A static identifier such as "MFA_ERR_BASE32", for logs and tests. */
const char *mfa_strerror_name(int err);

#define MFA_PARSE_ERR_FILE_MAX 512
#define MFA_PARSE_ERR_MSG_MAX 256

/*
 * Where and why a parser refused its input.  `line` and `column` count from
 * 1; 0 means "not applicable" (for example a URI has no lines).
 */
struct mfa_parse_err {
	char file[MFA_PARSE_ERR_FILE_MAX];
	unsigned line;
	unsigned column;
	char msg[MFA_PARSE_ERR_MSG_MAX];
};

/* Reset *perr to "no error" and remember which file is being parsed. */
void mfa_parse_err_init(struct mfa_parse_err *perr, const char *file);

/*
 * Record a parse error.  `perr` may be NULL (the caller does not want the
 * details).  The message is formatted with a compile-time format string.
 */
void mfa_parse_err_set(struct mfa_parse_err *perr, unsigned line, unsigned column, const char *fmt,
		       ...) __attribute__((format(printf, 4, 5)));

/*
 * Render "file:line:column: msg" (leaving out what is unknown) into buf.
 * Returns buf.
 */
const char *mfa_parse_err_format(const struct mfa_parse_err *perr, char *buf, size_t bufsz);

#endif /* MFA_ERR_H */
