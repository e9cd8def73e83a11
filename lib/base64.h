/*
 * base64.h - strict base64 decoding (RFC 4648 section 4, the standard
 * alphabet), one implementation for every reader here: the SCRV1 input of
 * OpenVPN's static challenge, OpenSSH key blobs, LDIF values.
 *
 * The text must end on a group of four characters, padded with one or two
 * '=' when the data does not fill it; nothing but white space (with
 * MFA_B64_SKIP_SPACE) may follow the padding; the bits the padding stands
 * for must be zero, so each byte string has exactly one encoding.  White
 * space is refused unless MFA_B64_SKIP_SPACE (OpenSSH's b64_pton skips it).
 *
 * Encoding writes the same form: the standard alphabet, padded with '=', no
 * line breaks (what OpenSSL's EVP_EncodeBlock and pamu2fcfg write).
 */
#ifndef MFA_BASE64_H
#define MFA_BASE64_H

#include <stddef.h>
#include <stdint.h>

#define MFA_B64_SKIP_SPACE 0x1u

/* Bytes that decoding len characters can give at most. */
#define MFA_B64_DECODED_MAX(len) ((len) / 4 * 3 + 3)

/*
 * Decode len characters at in into out, which has room for
 * MFA_B64_DECODED_MAX(len) bytes; *outlenp gets the count.  MFA_OK or
 * MFA_ERR_PARSE (out then holds nothing of value; the caller wipes it when
 * the data was secret).  No state that held the data is left on the stack.
 */
int mfa_base64_decode(const char *in, size_t len, unsigned flags, uint8_t *out, size_t *outlenp);

/* Characters that encoding len bytes gives, without the NUL. */
#define MFA_B64_ENCODED_LEN(len) (((len) + 2) / 3 * 4)

/*
 * Encode len bytes at in as padded base64 into out, which has room for
 * outsz bytes: MFA_B64_ENCODED_LEN(len) + 1 with the NUL that ends it.
 * *outlenp (may be NULL) gets the length without the NUL.  MFA_OK, or
 * MFA_ERR_TOO_LARGE (out then holds an empty string) when out is too small.
 */
int mfa_base64_encode(const uint8_t *in, size_t len, char *out, size_t outsz, size_t *outlenp);

#endif /* MFA_BASE64_H */
