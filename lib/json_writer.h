/*
 * json_writer.h - a small streaming JSON writer.
 *
 * Writes to a FILE* or to a growable memory buffer.  Commas and (with
 * JSON_WRITER_PRETTY) indentation are managed by the writer; the caller
 * only says what comes next.  Strings are escaped per RFC 8259: quote,
 * backslash and control characters are escaped, valid UTF-8 passes through
 * unchanged, and each byte of invalid UTF-8 (stray continuation bytes,
 * overlong forms, surrogates, values above U+10FFFF, truncated sequences)
 * is replaced by U+FFFD written as "\ufffd".
 *
 * Errors are sticky: the first failure (MFA_ERR_INVALID_ARG for a call that
 * does not fit the document's structure, MFA_ERR_TOO_DEEP, MFA_ERR_NOMEM,
 * MFA_ERR_IO) is returned by that call and by every later one, and nothing
 * more is written.
 */
#ifndef JSON_WRITER_H
#define JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mfa_err.h"

#define JSON_WRITER_MAX_DEPTH 64

#define JSON_WRITER_PRETTY 0x1u /* newlines and two-space indentation */

struct json_writer;

/* A writer that appends to `fp` (not closed by json_writer_free). */
int json_writer_new_file(FILE *fp, unsigned flags, struct json_writer **wp);

/* A writer that collects the document in memory (see json_writer_buffer). */
int json_writer_new_buffer(unsigned flags, struct json_writer **wp);

/* Free the writer and NULL the pointer.  Accepts NULL. */
void json_writer_free(struct json_writer **wp);

int json_begin_object(struct json_writer *w);
int json_end_object(struct json_writer *w);
int json_begin_array(struct json_writer *w);
int json_end_array(struct json_writer *w);

/* An object member's name; the next call writes its value. */
int json_key(struct json_writer *w, const char *key);

/* A string value; NULL writes null.  _len takes bytes that may hold NUL. */
int json_string(struct json_writer *w, const char *s);
int json_string_len(struct json_writer *w, const char *s, size_t len);
int json_int(struct json_writer *w, int64_t v);
int json_uint(struct json_writer *w, uint64_t v);
int json_bool(struct json_writer *w, bool v);
int json_null(struct json_writer *w);

/*
 * 0 when exactly one complete value was written (every object and array
 * closed); writes a final newline and flushes a FILE*.  Else the sticky
 * error, or MFA_ERR_INVALID_ARG for an incomplete document.
 */
int json_writer_finish(struct json_writer *w);

/*
 * The memory writer's text so far, NUL-terminated (NULL for a FILE*
 * writer); *lenp (may be NULL) receives its length.  Owned by the writer.
 */
const char *json_writer_buffer(const struct json_writer *w, size_t *lenp);

#endif /* JSON_WRITER_H */
