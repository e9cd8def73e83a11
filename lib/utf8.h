/*
 * utf8.h - UTF-8 validation shared by the JSON and HTML writers, which
 * replace each byte of invalid UTF-8 by U+FFFD.
 */
#ifndef MFA_UTF8_H
#define MFA_UTF8_H

#include <stddef.h>

/*
 * Length of the valid UTF-8 sequence at s (1-4; at most n bytes are
 * looked at), or 0 when the byte at s does not start one (RFC 3629: no
 * overlongs, no surrogates, nothing above U+10FFFF).  n must be > 0.
 */
size_t utf8_valid_len(const unsigned char *s, size_t n);

#endif /* MFA_UTF8_H */
