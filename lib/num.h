/*
 * num.h - strict parsing of decimal numbers from untrusted text.
 */
#ifndef MFA_NUM_H
#define MFA_NUM_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parse exactly len bytes of text as an unsigned decimal number no greater
 * than max: digits only (no sign, space or base prefix), at least one, and
 * no overflow.  Returns 0 and fills *valp, or MFA_ERR_RANGE.
 */
int mfa_parse_u64(const char *text, size_t len, uint64_t max, uint64_t *valp);

/* The value of one hexadecimal digit (either case), or -1. */
int mfa_hex_digit(char c);

#endif /* MFA_NUM_H */
