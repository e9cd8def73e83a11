/*
 * mfa_mem.h - handling of memory that held secrets, and growing arrays.
 *
 * Seeds, codes and replies are wiped before their memory is released, and
 * compared in time that does not depend on where they first differ.
 */
#ifndef MFA_MEM_H
#define MFA_MEM_H

#include <stdarg.h>
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

/*
 * Make room for `need` elements of `elem` bytes in *arrp, which holds *capp:
 * the capacity doubles (from 8).  MFA_OK, or MFA_ERR_NOMEM with *arrp
 * unchanged.  realloc: not for arrays that hold secrets themselves.
 */
int mfa_grow_array(void **arrp, size_t *capp, size_t need, size_t elem);

/*
 * Append a formatted string to the list *listp of *np strings (realloc'ed
 * one slot at a time: for notes and evidence, not hot paths).  MFA_OK, or
 * MFA_ERR_NOMEM with the list unchanged.
 */
int mfa_strlist_addf(char ***listp, size_t *np, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int mfa_strlist_vaddf(char ***listp, size_t *np, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#endif /* MFA_MEM_H */
