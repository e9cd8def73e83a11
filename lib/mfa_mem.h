/*
 * mfa_mem.h - handling of memory that held secrets.
 *
 * Seeds, codes and replies are wiped before their memory is released, and
 * compared in time that does not depend on where they first differ.
 */
#ifndef MFA_MEM_H
#define MFA_MEM_H

#include <stdbool.h>
#include <stddef.h>

/* Wipe len bytes at p and free p.  Accepts NULL. */
void mfa_freezero(void *p, size_t len);

/* Wipe a NUL-terminated string and free it.  Accepts NULL. */
void mfa_free_string(char *s);

/* Wipe len bytes at p in a way the compiler may not elide. */
void mfa_wipe(void *p, size_t len);

/* true when the len bytes at a and b are equal; constant time in len. */
bool mfa_consttime_eq(const void *a, const void *b, size_t len);

/*
 * true when the strings are equal.  The time depends on the lengths (which
 * are public: the number of digits) but not on the contents.
 */
bool mfa_consttime_streq(const char *a, const char *b);

#endif /* MFA_MEM_H */
