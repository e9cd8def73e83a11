/*
 * base32.h - RFC 4648 base32, as authenticator apps write seeds.
 *
 * The decoder accepts what people paste: upper or lower case, groups
 * separated by spaces or tabs, and '=' padding present or absent.  Anything
 * else is refused with the position of the first offending character; the
 * character itself is never quoted, since it may belong to a secret.
 */
#ifndef MFA_BASE32_H
#define MFA_BASE32_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mfa_err.h"

/* Longest base32 text accepted, spaces included (a 512-byte seed). */
#define MFA_BASE32_TEXT_MAX 1024

/*
 * Decode len bytes of base32 text.  On success *outp holds *outlenp bytes
 * (at least one) that the caller wipes and frees with mfa_freezero().
 * Returns MFA_ERR_BASE32 with perr->column set (counting from 1) for a bad
 * character, a misplaced '=', or an impossible length; MFA_ERR_TOO_LARGE
 * when the text exceeds MFA_BASE32_TEXT_MAX.  Bits left over after the last
 * whole byte are ignored, as authenticator apps do.
 */
int mfa_base32_decode(const char *text, size_t len, uint8_t **outp, size_t *outlenp,
		      struct mfa_parse_err *perr);

/*
 * Encode len bytes (len > 0) as upper-case base32, with '=' padding to a
 * multiple of eight characters when pad is true.  *outp is NUL-terminated;
 * the caller frees it with mfa_free_string() since it encodes a secret.
 */
int mfa_base32_encode(const uint8_t *data, size_t len, bool pad, char **outp);

#endif /* MFA_BASE32_H */
