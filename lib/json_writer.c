/*
 * json_writer.c - streaming JSON output with correct string escaping.
 */
#include "json_writer.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "mfa_mem.h"
#include "utf8.h"

enum frame {
	FRAME_OBJECT,
	FRAME_ARRAY,
};

struct json_writer {
	FILE *fp; /* NULL: memory */
	char *buf;
	size_t len, cap;
	unsigned flags;
	int err; /* sticky */
	size_t depth;
	enum frame frames[JSON_WRITER_MAX_DEPTH];
	size_t count[JSON_WRITER_MAX_DEPTH + 1]; /* values in each frame so far */
	bool want_value;                         /* a key was written, its value comes next */
	bool done;                               /* the top-level value is complete */
};

static int
writer_new(FILE *fp, unsigned flags, struct json_writer **wp)
{
	struct json_writer *w;

	if (wp == NULL || (flags & ~JSON_WRITER_PRETTY) != 0)
		return MFA_ERR_INVALID_ARG;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return MFA_ERR_NOMEM;
	w->fp = fp;
	w->flags = flags;
	if (fp == NULL) {
		w->cap = 256;
		if ((w->buf = malloc(w->cap)) == NULL) {
			free(w);
			return MFA_ERR_NOMEM;
		}
		w->buf[0] = '\0';
	}
	*wp = w;
	return 0;
}

int
json_writer_new_file(FILE *fp, unsigned flags, struct json_writer **wp)
{
	if (fp == NULL)
		return MFA_ERR_INVALID_ARG;
	return writer_new(fp, flags, wp);
}

int
json_writer_new_buffer(unsigned flags, struct json_writer **wp)
{
	return writer_new(NULL, flags, wp);
}

void
json_writer_free(struct json_writer **wp)
{
	if (wp == NULL || *wp == NULL)
		return;
	/* A document may hold a secret (enrollment prints the seed). */
	mfa_freezero((*wp)->buf, (*wp)->cap);
	free(*wp);
	*wp = NULL;
}

static int
emit(struct json_writer *w, const char *s, size_t n)
{
	if (w->err != 0)
		return w->err;
	if (n == 0)
		return 0;
	if (w->fp != NULL) {
		if (fwrite(s, 1, n, w->fp) != n)
			w->err = MFA_ERR_IO;
		return w->err;
	}
	if (n > SIZE_MAX - w->len - 1) {
		w->err = MFA_ERR_NOMEM;
		return w->err;
	}
	if (w->len + n + 1 > w->cap) {
		size_t ncap = w->cap;
		char *nb;

		while (ncap < w->len + n + 1)
			ncap = ncap > SIZE_MAX / 2 ? SIZE_MAX : ncap * 2;
		/* Not realloc: the old buffer is wiped, not left behind. */
		if ((nb = malloc(ncap)) == NULL) {
			w->err = MFA_ERR_NOMEM;
			return w->err;
		}
		if (w->len > 0)
			memcpy(nb, w->buf, w->len);
		mfa_freezero(w->buf, w->cap);
		w->buf = nb;
		w->cap = ncap;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
	return 0;
}

static int
emits(struct json_writer *w, const char *s)
{
	return emit(w, s, strlen(s));
}

static int
newline_indent(struct json_writer *w, size_t depth)
{
	size_t i;
	int r;

	if ((w->flags & JSON_WRITER_PRETTY) == 0)
		return 0;
	if ((r = emit(w, "\n", 1)) != 0)
		return r;
	for (i = 0; i < depth; i++)
		if ((r = emit(w, "  ", 2)) != 0)
			return r;
	return 0;
}

static int
fail(struct json_writer *w, int err)
{
	if (w->err == 0)
		w->err = err;
	return w->err;
}

/* Before any value: check it may come here, write the separator. */
static int
before_value(struct json_writer *w)
{
	int r;

	if (w->err != 0)
		return w->err;
	if (w->done)
		return fail(w, MFA_ERR_INVALID_ARG);
	if (w->depth == 0)
		return 0;
	if (w->frames[w->depth - 1] == FRAME_OBJECT) {
		if (!w->want_value)
			return fail(w, MFA_ERR_INVALID_ARG); /* a member needs a key */
		w->want_value = false;
		return 0;
	}
	if (w->count[w->depth] > 0 && (r = emit(w, ",", 1)) != 0)
		return r;
	w->count[w->depth]++;
	return newline_indent(w, w->depth);
}

static int
after_value(struct json_writer *w)
{
	if (w->depth == 0)
		w->done = true;
	return w->err;
}

static int
begin(struct json_writer *w, enum frame f, const char *open)
{
	int r;

	if ((r = before_value(w)) != 0)
		return r;
	if (w->depth == JSON_WRITER_MAX_DEPTH)
		return fail(w, MFA_ERR_TOO_DEEP);
	if ((r = emits(w, open)) != 0)
		return r;
	w->frames[w->depth++] = f;
	w->count[w->depth] = 0;
	return 0;
}

static int
end(struct json_writer *w, enum frame f, const char *close)
{
	int r;

	if (w->err != 0)
		return w->err;
	if (w->depth == 0 || w->frames[w->depth - 1] != f || w->want_value)
		return fail(w, MFA_ERR_INVALID_ARG);
	if (w->count[w->depth] > 0 && (r = newline_indent(w, w->depth - 1)) != 0)
		return r;
	if ((r = emits(w, close)) != 0)
		return r;
	w->depth--;
	return after_value(w);
}

int
json_begin_object(struct json_writer *w)
{
	if (w == NULL)
		return MFA_ERR_INVALID_ARG;
	return begin(w, FRAME_OBJECT, "{");
}

int
json_end_object(struct json_writer *w)
{
	if (w == NULL)
		return MFA_ERR_INVALID_ARG;
	return end(w, FRAME_OBJECT, "}");
}

int
json_begin_array(struct json_writer *w)
{
	if (w == NULL)
		return MFA_ERR_INVALID_ARG;
	return begin(w, FRAME_ARRAY, "[");
}

int
json_end_array(struct json_writer *w)
{
	if (w == NULL)
		return MFA_ERR_INVALID_ARG;
	return end(w, FRAME_ARRAY, "]");
}

static int
write_string(struct json_writer *w, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0, k;
	char esc[8];
	int r;

	if ((r = emit(w, "\"", 1)) != 0)
		return r;
	while (i < n) {
		unsigned char c = s[i];
		const char *rep = NULL;

		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0x80 && (k = utf8_valid_len(s + i, n - i)) > 0) {
			i += k;
			continue;
		}
		/* flush the plain run before s[i] */
		if ((r = emit(w, str + run, i - run)) != 0)
			return r;
		switch (c) {
		case '"':
			rep = "\\\"";
			break;
		case '\\':
			rep = "\\\\";
			break;
		case '\b':
			rep = "\\b";
			break;
		case '\f':
			rep = "\\f";
			break;
		case '\n':
			rep = "\\n";
			break;
		case '\r':
			rep = "\\r";
			break;
		case '\t':
			rep = "\\t";
			break;
		default:
			if (c < 0x20) {
				snprintf(esc, sizeof(esc), "\\u%04x", (unsigned)c);
				rep = esc;
			} else {
				rep = "\\ufffd"; /* a byte of invalid UTF-8 */
			}
			break;
		}
		if ((r = emits(w, rep)) != 0)
			return r;
		run = ++i;
	}
	if ((r = emit(w, str + run, n - run)) != 0)
		return r;
	return emit(w, "\"", 1);
}

int
json_key(struct json_writer *w, const char *key)
{
	int r;

	if (w == NULL)
		return MFA_ERR_INVALID_ARG;
	if (w->err != 0)
		return w->err;
	if (key == NULL || w->depth == 0 || w->frames[w->depth - 1] != FRAME_OBJECT ||
	    w->want_value)
		return fail(w, MFA_ERR_INVALID_ARG);
	if (w->count[w->depth] > 0 && (r = emit(w, ",", 1)) != 0)
		return r;
	w->count[w->depth]++;
	if ((r = newline_indent(w, w->depth)) != 0 ||
	    (r = write_string(w, key, strlen(key))) != 0 ||
	    (r = emits(w, (w->flags & JSON_WRITER_PRETTY) ? ": " : ":")) != 0)
		return r;
	w->want_value = true;
	return 0;
}

int
json_string_len(struct json_writer *w, const char *s, size_t len)
{
	int r;

	if (w == NULL)
		return MFA_ERR_INVALID_ARG;
	if (s == NULL)
		return json_null(w);
	if ((r = before_value(w)) != 0 || (r = write_string(w, s, len)) != 0)
		return r;
	return after_value(w);
}

int
json_string(struct json_writer *w, const char *s)
{
	return json_string_len(w, s, s != NULL ? strlen(s) : 0);
}

static int
raw_value(struct json_writer *w, const char *text)
{
	int r;

	if (w == NULL)
		return MFA_ERR_INVALID_ARG;
	if ((r = before_value(w)) != 0 || (r = emits(w, text)) != 0)
		return r;
	return after_value(w);
}

int
json_int(struct json_writer *w, int64_t v)
{
	char num[32];

	snprintf(num, sizeof(num), "%" PRId64, v);
	return raw_value(w, num);
}

int
json_uint(struct json_writer *w, uint64_t v)
{
	char num[32];

	snprintf(num, sizeof(num), "%" PRIu64, v);
	return raw_value(w, num);
}

int
json_bool(struct json_writer *w, bool v)
{
	return raw_value(w, v ? "true" : "false");
}

int
json_null(struct json_writer *w)
{
	return raw_value(w, "null");
}

int
json_writer_finish(struct json_writer *w)
{
	int r;

	if (w == NULL)
		return MFA_ERR_INVALID_ARG;
	if (w->err != 0)
		return w->err;
	if (!w->done || w->depth != 0)
		return fail(w, MFA_ERR_INVALID_ARG);
	if ((r = emit(w, "\n", 1)) != 0)
		return r;
	if (w->fp != NULL && fflush(w->fp) != 0)
		return fail(w, MFA_ERR_IO);
	return 0;
}

const char *
json_writer_buffer(const struct json_writer *w, size_t *lenp)
{
	if (w == NULL || w->fp != NULL)
		return NULL;
	if (lenp != NULL)
		*lenp = w->len;
	return w->buf;
}
