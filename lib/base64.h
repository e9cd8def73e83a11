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

#endif /* MFA_BASE64_H */
