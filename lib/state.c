/*
 * state.c - parse and write the per-user state file (format version 1).
 */
#include "state.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base32.h"
#include "mfa_mem.h"
#include "num.h"
#include "recovery.h"

/*
 * The keys, in the one order they are written and must be read.  A file cut
 * short anywhere loses a required key or its final newline, so truncation
 * never parses.
 */
enum state_key {
	K_VERSION,
	K_TYPE,
	K_ALGORITHM,
	K_DIGITS,
	K_PERIOD,
	K_SECRET,
	K_CREATED,
	K_RECOVERY,
	K_NEXT,
	K_FAILURES,
	K_LOCKED_UNTIL,
	K_LAST_SUCCESS,
	K_COUNT
};

enum state_value {
	V_VERSION,
	V_KIND,
	V_ALG,
	V_UINT,     /* into a uint64_t field */
	V_UNSIGNED, /* into an unsigned field */
	V_SECRET,
	V_RECOVERY,
};

struct state_keyword {
	const char *name;
	enum state_value value;
	size_t offset; /* of the field in struct mfa_state, for V_UINT/V_UNSIGNED */
	uint64_t min, max;
	bool required; /* period: required for TOTP only, checked separately */
	bool repeats;
};

#define FIELD(f) offsetof(struct mfa_state, f)

static const struct state_keyword state_keywords[K_COUNT] = {
	[K_VERSION] = {"version", V_VERSION, 0, 0, 0, true, false},
	[K_TYPE] = {"type", V_KIND, 0, 0, 0, true, false},
	[K_ALGORITHM] = {"algorithm", V_ALG, 0, 0, 0, true, false},
	[K_DIGITS] = {"digits", V_UNSIGNED, FIELD(digits), MFA_OTP_DIGITS_MIN, MFA_OTP_DIGITS_MAX,
		      true, false},
	[K_PERIOD] = {"period", V_UNSIGNED, FIELD(period), 1, MFA_OTP_PERIOD_MAX, false, false},
	[K_SECRET] = {"secret", V_SECRET, 0, 0, 0, true, false},
	[K_CREATED] = {"created", V_UINT, FIELD(created), 0, UINT64_MAX, true, false},
	[K_RECOVERY] = {"recovery", V_RECOVERY, 0, 0, 0, false, true},
	[K_NEXT] = {"next", V_UINT, FIELD(next), 0, UINT64_MAX, true, false},
	[K_FAILURES] = {"failures", V_UNSIGNED, FIELD(failures), 0, 1000000, true, false},
	[K_LOCKED_UNTIL] = {"locked_until", V_UINT, FIELD(locked_until), 0, UINT64_MAX, true,
			    false},
	[K_LAST_SUCCESS] = {"last_success", V_UINT, FIELD(last_success), 0, UINT64_MAX, true,
			    false},
};

_Static_assert(sizeof(state_keywords) / sizeof(state_keywords[0]) == K_COUNT,
	       "one keyword entry per enum state_key");

static int
state_keyword_lookup(const char *name, size_t len)
{
	int i;

	for (i = 0; i < K_COUNT; i++) {
		if (strlen(state_keywords[i].name) == len &&
		    memcmp(state_keywords[i].name, name, len) == 0)
			return i;
	}
	return -1;
}

/* Store one value; the caller has matched the key. */
static int
state_apply(struct mfa_state *st, const struct state_keyword *kw, const char *value, size_t len,
	    unsigned lineno, struct mfa_parse_err *perr)
{
	uint64_t n;

	switch (kw->value) {
	case V_VERSION:
		if (len != 1 || value[0] != '0' + MFA_STATE_VERSION) {
			mfa_parse_err_set(perr, lineno, 0,
					  "unsupported state format version (this build reads %d)",
					  MFA_STATE_VERSION);
			return MFA_ERR_PARSE;
		}
		return MFA_OK;
	case V_KIND:
		if (len == 4 && memcmp(value, "totp", 4) == 0) {
			st->kind = MFA_OTP_TOTP;
		} else if (len == 4 && memcmp(value, "hotp", 4) == 0) {
			st->kind = MFA_OTP_HOTP;
		} else {
			mfa_parse_err_set(perr, lineno, 0, "type must be totp or hotp");
			return MFA_ERR_PARSE;
		}
		return MFA_OK;
	case V_ALG:
		if (len == 4 && memcmp(value, "SHA1", 4) == 0) {
			st->alg = MFA_OTP_SHA1;
		} else if (len == 6 && memcmp(value, "SHA256", 6) == 0) {
			st->alg = MFA_OTP_SHA256;
		} else if (len == 6 && memcmp(value, "SHA512", 6) == 0) {
			st->alg = MFA_OTP_SHA512;
		} else {
			mfa_parse_err_set(perr, lineno, 0,
					  "algorithm must be SHA1, SHA256 or SHA512");
			return MFA_ERR_PARSE;
		}
		return MFA_OK;
	case V_UINT:
	case V_UNSIGNED:
		if ((len > 1 && value[0] == '0') ||
		    mfa_parse_u64(value, len, kw->max, &n) != MFA_OK || n < kw->min) {
			mfa_parse_err_set(perr, lineno, 0,
					  "%s must be a decimal number from %llu to %llu", kw->name,
					  (unsigned long long)kw->min, (unsigned long long)kw->max);
			return MFA_ERR_PARSE;
		}
		if (kw->value == V_UINT)
			*(uint64_t *)(void *)((char *)st + kw->offset) = n;
		else
			*(unsigned *)(void *)((char *)st + kw->offset) = (unsigned)n;
		return MFA_OK;
	case V_SECRET: {
		size_t i;

		for (i = 0; i < len; i++) {
			/* Only the canonical form is written: upper case, no padding or spaces. */
			if (!((value[i] >= 'A' && value[i] <= 'Z') ||
			      (value[i] >= '2' && value[i] <= '7'))) {
				mfa_parse_err_set(perr, lineno, 0,
						  "secret is not upper-case unpadded base32");
				return MFA_ERR_PARSE;
			}
		}
		if (mfa_base32_decode(value, len, &st->secret, &st->secret_len, NULL) != MFA_OK ||
		    st->secret_len < MFA_OTP_KEY_MIN || st->secret_len > MFA_OTP_KEY_MAX) {
			mfa_parse_err_set(perr, lineno, 0,
					  "secret does not decode to %d to %d bytes",
					  MFA_OTP_KEY_MIN, MFA_OTP_KEY_MAX);
			return MFA_ERR_PARSE;
		}
		return MFA_OK;
	}
	case V_RECOVERY:
		if (st->nrecovery == MFA_STATE_RECOVERY_MAX) {
			mfa_parse_err_set(perr, lineno, 0, "more than %d recovery codes",
					  MFA_STATE_RECOVERY_MAX);
			return MFA_ERR_PARSE;
		}
		if (!mfa_recovery_hash_text_valid(value, len)) {
			mfa_parse_err_set(perr, lineno, 0, "recovery hash is malformed");
			return MFA_ERR_PARSE;
		}
		if ((st->recovery[st->nrecovery] = strndup(value, len)) == NULL)
			return MFA_ERR_NOMEM;
		st->nrecovery++;
		return MFA_OK;
	}
	return MFA_ERR_INTERNAL;
}

int
mfa_state_parse(const char *buf, size_t len, const char *file, struct mfa_state **statep,
		struct mfa_parse_err *perr)
{
	struct mfa_state *st = NULL;
	bool seen[K_COUNT] = {false};
	const char *p = buf, *end = buf + len;
	unsigned lineno = 0;
	int last = -1, i, r = MFA_ERR_PARSE;

	mfa_parse_err_init(perr, file);
	if (statep != NULL)
		*statep = NULL;
	if (buf == NULL || statep == NULL)
		return MFA_ERR_INVALID_ARG;
	if (len > MFA_STATE_MAX_BYTES) {
		mfa_parse_err_set(perr, 0, 0, "state file is larger than %u bytes",
				  MFA_STATE_MAX_BYTES);
		return MFA_ERR_TOO_LARGE;
	}
	if (len == 0) {
		mfa_parse_err_set(perr, 0, 0, "state file is empty");
		return MFA_ERR_PARSE;
	}
	if (buf[len - 1] != '\n') {
		mfa_parse_err_set(perr, 0, 0,
				  "state file does not end with a newline (truncated?)");
		return MFA_ERR_PARSE;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return MFA_ERR_NOMEM;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eq;
		size_t linelen = (size_t)(nl - p);
		int k;

		lineno++;
		if (memchr(p, '\0', linelen) != NULL || memchr(p, '\r', linelen) != NULL) {
			mfa_parse_err_set(perr, lineno, 0, "line holds a NUL or carriage return");
			goto out;
		}
		if ((eq = memchr(p, '=', linelen)) == NULL) {
			mfa_parse_err_set(perr, lineno, 0, "line is not key=value");
			goto out;
		}
		if ((k = state_keyword_lookup(p, (size_t)(eq - p))) < 0) {
			mfa_parse_err_set(perr, lineno, 0, "unknown key");
			goto out;
		}
		if (lineno == 1 && k != K_VERSION) {
			mfa_parse_err_set(perr, lineno, 0, "the first line must be version=");
			goto out;
		}
		if (seen[k] && !state_keywords[k].repeats) {
			mfa_parse_err_set(perr, lineno, 0, "%s is given twice",
					  state_keywords[k].name);
			goto out;
		}
		if (k < last) {
			mfa_parse_err_set(perr, lineno, 0, "%s is out of order (after %s)",
					  state_keywords[k].name, state_keywords[last].name);
			goto out;
		}
		if ((r = state_apply(st, &state_keywords[k], eq + 1, (size_t)(nl - eq - 1), lineno,
				     perr)) != MFA_OK)
			goto out;
		r = MFA_ERR_PARSE;
		seen[k] = true;
		last = k;
		p = nl + 1;
	}
	for (i = 0; i < K_COUNT; i++) {
		if (state_keywords[i].required && !seen[i]) {
			mfa_parse_err_set(perr, 0, 0, "%s is missing (truncated?)",
					  state_keywords[i].name);
			goto out;
		}
	}
	if (st->kind == MFA_OTP_TOTP && !seen[K_PERIOD]) {
		mfa_parse_err_set(perr, 0, 0, "period is missing for a totp token");
		goto out;
	}
	if (st->kind == MFA_OTP_HOTP && seen[K_PERIOD]) {
		mfa_parse_err_set(perr, 0, 0, "period is given for a hotp token");
		goto out;
	}
	*statep = st;
	st = NULL;
	r = MFA_OK;
out:
	mfa_state_free(&st);
	return r;
}

/* Append formatted text; on overflow remember it and write nothing more. */
struct state_writer {
	char *buf;
	size_t cap;
	size_t len;
	bool overflow;
};

static void sw_printf(struct state_writer *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
sw_printf(struct state_writer *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (w->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(w->buf + w->len, w->cap - w->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= w->cap - w->len) {
		w->overflow = true;
		return;
	}
	w->len += (size_t)n;
}

int
mfa_state_format(const struct mfa_state *st, char **bufp, size_t *lenp)
{
	struct state_writer w = {NULL, MFA_STATE_MAX_BYTES + 1, 0, false};
	char *secret = NULL;
	size_t i;
	int r;

	if (bufp != NULL)
		*bufp = NULL;
	if (lenp != NULL)
		*lenp = 0;
	if (st == NULL || bufp == NULL || lenp == NULL || st->secret == NULL ||
	    st->secret_len < MFA_OTP_KEY_MIN || st->secret_len > MFA_OTP_KEY_MAX ||
	    st->digits < MFA_OTP_DIGITS_MIN || st->digits > MFA_OTP_DIGITS_MAX ||
	    (st->kind == MFA_OTP_TOTP && (st->period == 0 || st->period > MFA_OTP_PERIOD_MAX)) ||
	    st->nrecovery > MFA_STATE_RECOVERY_MAX || st->failures > 1000000)
		return MFA_ERR_INVALID_ARG;
	for (i = 0; i < st->nrecovery; i++) {
		if (st->recovery[i] == NULL ||
		    !mfa_recovery_hash_text_valid(st->recovery[i], strlen(st->recovery[i])))
			return MFA_ERR_INVALID_ARG;
	}
	if ((r = mfa_base32_encode(st->secret, st->secret_len, false, &secret)) != MFA_OK)
		return r;
	if ((w.buf = malloc(w.cap)) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	sw_printf(&w, "version=%d\n", MFA_STATE_VERSION);
	sw_printf(&w, "type=%s\n", mfa_otp_kind_name(st->kind));
	sw_printf(&w, "algorithm=%s\n", mfa_otp_alg_name(st->alg));
	sw_printf(&w, "digits=%u\n", st->digits);
	if (st->kind == MFA_OTP_TOTP)
		sw_printf(&w, "period=%u\n", st->period);
	sw_printf(&w, "secret=%s\n", secret);
	sw_printf(&w, "created=%llu\n", (unsigned long long)st->created);
	for (i = 0; i < st->nrecovery; i++)
		sw_printf(&w, "recovery=%s\n", st->recovery[i]);
	sw_printf(&w, "next=%llu\n", (unsigned long long)st->next);
	sw_printf(&w, "failures=%u\n", st->failures);
	sw_printf(&w, "locked_until=%llu\n", (unsigned long long)st->locked_until);
	sw_printf(&w, "last_success=%llu\n", (unsigned long long)st->last_success);
	if (w.overflow) {
		r = MFA_ERR_TOO_LARGE;
		goto out;
	}
	*bufp = w.buf;
	*lenp = w.len;
	w.buf = NULL;
	r = MFA_OK;
out:
	mfa_freezero(w.buf, w.cap);
	mfa_free_string(secret);
	return r;
}

int
mfa_state_remove_recovery(struct mfa_state *st, size_t i)
{
	if (st == NULL || i >= st->nrecovery)
		return MFA_ERR_INVALID_ARG;
	mfa_free_string(st->recovery[i]);
	memmove(&st->recovery[i], &st->recovery[i + 1],
		(st->nrecovery - i - 1) * sizeof(st->recovery[0]));
	st->nrecovery--;
	st->recovery[st->nrecovery] = NULL;
	return MFA_OK;
}

void
mfa_state_free(struct mfa_state **statep)
{
	struct mfa_state *st;
	size_t i;

	if (statep == NULL || (st = *statep) == NULL)
		return;
	mfa_freezero(st->secret, st->secret_len);
	for (i = 0; i < st->nrecovery; i++)
		mfa_free_string(st->recovery[i]);
	mfa_freezero(st, sizeof(*st));
	*statep = NULL;
}
