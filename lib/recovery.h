/*
 * recovery.h - one-time recovery codes, kept only as salted hashes.
 *
 * A code is 12 characters of Crockford's base32 alphabet in lower case
 * (60 bits), shown as xxxx-xxxx-xxxx.  What is stored is
 *   pbkdf2-sha256$ITERATIONS$SALT$HASH
 * with a 16-byte random salt and a 32-byte PBKDF2-HMAC-SHA256 output, both
 * in lower-case hex.  Input is normalised before hashing: spaces and '-'
 * are dropped and letters folded to lower case.
 */
#ifndef MFA_RECOVERY_H
#define MFA_RECOVERY_H

#include <stdbool.h>
#include <stddef.h>

#include "mfa_err.h"

#define MFA_RECOVERY_CODE_CHARS 12
/* "xxxx-xxxx-xxxx" and its NUL. */
#define MFA_RECOVERY_CODE_SIZE (MFA_RECOVERY_CODE_CHARS + 3)
#define MFA_RECOVERY_DEFAULT_COUNT 10
#define MFA_RECOVERY_ITERATIONS 10000
#define MFA_RECOVERY_ITERATIONS_MIN 1000
#define MFA_RECOVERY_ITERATIONS_MAX 10000000
#define MFA_RECOVERY_SALT_BYTES 16
#define MFA_RECOVERY_HASH_BYTES 32
/* The stored text and its NUL. */
#define MFA_RECOVERY_HASH_TEXT_SIZE 160

/* A new random code, "xxxx-xxxx-xxxx".  code is a secret: wipe it after use. */
int mfa_recovery_generate(char code[MFA_RECOVERY_CODE_SIZE]);

/*
 * Hash a code for storage with a fresh salt.  out holds the stored text.
 * MFA_ERR_PARSE when the code does not normalise to MFA_RECOVERY_CODE_CHARS
 * alphabet characters.
 */
int mfa_recovery_hash(const char *code, unsigned iterations, char out[MFA_RECOVERY_HASH_TEXT_SIZE]);

/* true when text is a well-formed stored hash (the state parser's check). */
bool mfa_recovery_hash_text_valid(const char *text, size_t len);

/* true when input looks like a recovery code rather than an OTP. */
bool mfa_recovery_looks_like_code(const char *input);

/*
 * Compare input with each of the n stored hashes, all of them, in constant
 * time per comparison.  MFA_OK and *indexp = the matching entry, or
 * MFA_ERR_OTP_MISMATCH.  MFA_ERR_PARSE if a stored hash is malformed.
 */
int mfa_recovery_verify(const char *input, char *const *hashes, size_t n, size_t *indexp);

#endif /* MFA_RECOVERY_H */
