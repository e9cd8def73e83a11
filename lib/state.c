/*
 * state.c - parse and write the per-user state file (format versions 1 and 2).
 */
#include "state.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base32.h"
#include "base64.h"
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
	K_FIDO2,
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
	V_FIDO2,
};

struct state_keyword {
	const char *name;
	enum state_value value;
	size_t offset; /* of the field in struct mfa_state, for V_UINT/V_UNSIGNED */
	uint64_t min, max;
	bool required; /* period: required for TOTP only, checked separately */
	bool repeats;
	bool token;     /* part of the OTP token: not required, and refused, for type none */
	unsigned since; /* the format version that brought the key */
};

#define FIELD(f) offsetof(struct mfa_state, f)

#define FAILURES_MAX 1000000

static const struct state_keyword state_keywords[K_COUNT] = {
	[K_VERSION] = {"version", V_VERSION, 0, 0, 0, true, false, false, 1},
	[K_TYPE] = {"type", V_KIND, 0, 0, 0, true, false, false, 1},
	[K_ALGORITHM] = {"algorithm", V_ALG, 0, 0, 0, true, false, true, 1},
	[K_DIGITS] = {"digits", V_UNSIGNED, FIELD(digits), MFA_OTP_DIGITS_MIN, MFA_OTP_DIGITS_MAX,
		      true, false, true, 1},
	[K_PERIOD] = {"period", V_UNSIGNED, FIELD(period), 1, MFA_OTP_PERIOD_MAX, false, false,
		      true, 1},
	[K_SECRET] = {"secret", V_SECRET, 0, 0, 0, true, false, true, 1},
	[K_CREATED] = {"created", V_UINT, FIELD(created), 0, UINT64_MAX, true, false, false, 1},
	[K_RECOVERY] = {"recovery", V_RECOVERY, 0, 0, 0, false, true, false, 1},
	[K_FIDO2] = {"fido2", V_FIDO2, 0, 0, UINT32_MAX, false, true, false, 2},
	[K_NEXT] = {"next", V_UINT, FIELD(next), 0, UINT64_MAX, true, false, false, 1},
	[K_FAILURES] = {"failures", V_UNSIGNED, FIELD(failures), 0, FAILURES_MAX, true, false,
			false, 1},
	[K_LOCKED_UNTIL] = {"locked_until", V_UINT, FIELD(locked_until), 0, UINT64_MAX, true, false,
			    false, 1},
	[K_LAST_SUCCESS] = {"last_success", V_UINT, FIELD(last_success), 0, UINT64_MAX, true, false,
			    false, 1},
};

_Static_assert(sizeof(state_keywords) / sizeof(state_keywords[0]) == K_COUNT,
	       "one keyword entry per enum state_key");
_Static_assert(MFA_STATE_VERSION <= 9, "the version is one digit");

/*
 * The longest file, line by line: each key with its longest value, 32
 * recovery codes and 24 FIDO2 credentials.  The longest credential
 * mfa_fido2_cred_format writes is an rs256 one (the largest key) with a
 * 1023-byte key handle and every option; the old format (URL-safe base64
 * without padding, 130 hex digits) is shorter.
 */
#define LINE_MAX_LEN(key, value_max) (sizeof(key "=") - 1 + (value_max) + 1)
#define U64_DIGITS 20 /* 18446744073709551615 */
#define U32_DIGITS 10 /* 4294967295 */
#define SECRET_B32_MAX ((MFA_OTP_KEY_MAX * 8 + 4) / 5)
#define RECOVERY_TEXT_MAX                                                                          \
	(sizeof("pbkdf2-sha256$") - 1 + 8 + 1 + 2 * MFA_RECOVERY_SALT_BYTES + 1 +                  \
	 2 * MFA_RECOVERY_HASH_BYTES)
#define FIDO2_CRED_TEXT_MAX                                                                        \
	(MFA_B64_ENCODED_LEN(MFA_FIDO2_KEY_HANDLE_MAX) + 1 +                                       \
	 MFA_B64_ENCODED_LEN(MFA_FIDO2_PK_MAX) + sizeof(",rs256,+presence+verification+pin") - 1)
#define FIDO2_OLD_CRED_TEXT_MAX                                                                    \
	(MFA_B64_ENCODED_LEN(MFA_FIDO2_KEY_HANDLE_MAX) + 1 + 2 * (1 + MFA_FIDO2_ES256_PK_LEN))
#define STATE_TEXT_MAX                                                                             \
	(LINE_MAX_LEN("version", 1) + LINE_MAX_LEN("type", 4) + LINE_MAX_LEN("algorithm", 6) +     \
	 LINE_MAX_LEN("digits", 1) + LINE_MAX_LEN("period", 4) +                                   \
	 LINE_MAX_LEN("secret", SECRET_B32_MAX) + LINE_MAX_LEN("created", U64_DIGITS) +            \
	 MFA_STATE_RECOVERY_MAX * LINE_MAX_LEN("recovery", RECOVERY_TEXT_MAX) +                    \
	 MFA_STATE_FIDO2_MAX * LINE_MAX_LEN("fido2", U32_DIGITS + 1 + FIDO2_CRED_TEXT_MAX) +       \
	 LINE_MAX_LEN("next", U64_DIGITS) + LINE_MAX_LEN("failures", 7) +                          \
	 LINE_MAX_LEN("locked_until", U64_DIGITS) + LINE_MAX_LEN("last_success", U64_DIGITS))

_Static_assert(MFA_FIDO2_PK_MAX == MFA_FIDO2_RS256_PK_LEN, "rs256 has the longest public key");
_Static_assert(FIDO2_OLD_CRED_TEXT_MAX <= FIDO2_CRED_TEXT_MAX, "the old format is shorter");
_Static_assert(MFA_RECOVERY_ITERATIONS_MAX <= 99999999, "an iteration count has 8 digits");
_Static_assert(MFA_OTP_PERIOD_MAX <= 9999 && MFA_OTP_DIGITS_MAX <= 9 && FAILURES_MAX <= 9999999,
	       "the digits counted above");
_Static_assert(STATE_TEXT_MAX <= MFA_STATE_MAX_BYTES, "the longest state file fits the cap");
_Static_assert(MFA_STATE_MAX_BYTES - STATE_TEXT_MAX < 2048,
	       "the cap is no larger than the longest state file needs");

/* What the parser knows beyond the state itself. */
struct state_parse {
	struct mfa_state *st;
	unsigned version; /* 0 until the version line is read */
	unsigned lineno;
};

/*
 * Whether cred repeats one of fido2[0..n): "key handle" or "public key"
 * with *idxp the entry, or NULL.  Resident credentials have no key handle.
 */
static const char *
fido2_duplicate(const struct mfa_state_fido2 *fido2, size_t n, const struct mfa_fido2_cred *cred,
		size_t *idxp)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct mfa_fido2_cred *c = &fido2[i].cred;

		*idxp = i;
		if (!c->resident && !cred->resident && c->key_handle_len == cred->key_handle_len &&
		    memcmp(c->key_handle, cred->key_handle, c->key_handle_len) == 0)
			return "key handle";
		if (c->public_key_len == cred->public_key_len &&
		    memcmp(c->public_key, cred->public_key, c->public_key_len) == 0)
			return "public key";
	}
	return NULL;
}

/* fido2=COUNTER,CREDENTIAL: the counter, then one pamu2fcfg credential. */
static int
state_apply_fido2(struct state_parse *ps, const char *value, size_t len, struct mfa_parse_err *perr)
{
	struct mfa_state *st = ps->st;
	struct mfa_state_fido2 *grown, e;
	struct mfa_parse_err cerr;
	const char *comma = memchr(value, ',', len), *what;
	size_t clen, col, i;
	uint64_t n;
	int r;

	if (st->nfido2 == MFA_STATE_FIDO2_MAX) {
		mfa_parse_err_set(perr, ps->lineno, 0, "more than %d fido2 credentials",
				  MFA_STATE_FIDO2_MAX);
		return MFA_ERR_PARSE;
	}
	if (comma == NULL) {
		mfa_parse_err_set(perr, ps->lineno, 0,
				  "fido2 must be COUNTER,keyHandle,publicKey,coseType,options");
		return MFA_ERR_PARSE;
	}
	clen = (size_t)(comma - value);
	if ((clen > 1 && value[0] == '0') || mfa_parse_u64(value, clen, UINT32_MAX, &n) != MFA_OK) {
		mfa_parse_err_set(perr, ps->lineno, (unsigned)sizeof("fido2="),
				  "the fido2 signature counter must be a decimal number from 0 "
				  "to %lu",
				  (unsigned long)UINT32_MAX);
		return MFA_ERR_PARSE;
	}
	memset(&e, 0, sizeof(e));
	e.counter = (uint32_t)n;
	mfa_parse_err_init(&cerr, NULL);
	col = sizeof("fido2=") - 1 + clen + 1; /* columns before the credential */
	r = mfa_fido2_cred_parse(comma + 1, len - clen - 1, &e.cred, &cerr);
	if (r == MFA_ERR_PARSE) {
		mfa_parse_err_set(perr, ps->lineno,
				  cerr.column != 0 ? (unsigned)(col + cerr.column) : 0,
				  "fido2 credential: %s", cerr.msg);
		return MFA_ERR_PARSE;
	}
	if (r != MFA_OK)
		return r;
	if ((what = fido2_duplicate(st->fido2, st->nfido2, &e.cred, &i)) != NULL) {
		mfa_parse_err_set(perr, ps->lineno, 0,
				  "duplicate fido2 credential: the %s of line %zu again", what,
				  ps->lineno - st->nfido2 + i);
		return MFA_ERR_PARSE;
	}
	if ((grown = realloc(st->fido2, (st->nfido2 + 1) * sizeof(*st->fido2))) == NULL)
		return MFA_ERR_NOMEM;
	st->fido2 = grown;
	st->fido2[st->nfido2++] = e;
	return MFA_OK;
}

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
state_apply(struct state_parse *ps, const struct state_keyword *kw, const char *value, size_t len,
	    struct mfa_parse_err *perr)
{
	struct mfa_state *st = ps->st;
	unsigned lineno = ps->lineno;
	uint64_t n;

	switch (kw->value) {
	case V_VERSION:
		if (len != 1 || value[0] < '0' + MFA_STATE_VERSION_MIN ||
		    value[0] > '0' + MFA_STATE_VERSION) {
			mfa_parse_err_set(perr, lineno, 0,
					  "unsupported state format version (this build reads %d "
					  "to %d)",
					  MFA_STATE_VERSION_MIN, MFA_STATE_VERSION);
			return MFA_ERR_PARSE;
		}
		ps->version = (unsigned)(value[0] - '0');
		return MFA_OK;
	case V_KIND:
		if (len == 4 && memcmp(value, "totp", 4) == 0) {
			st->kind = MFA_OTP_TOTP;
		} else if (len == 4 && memcmp(value, "hotp", 4) == 0) {
			st->kind = MFA_OTP_HOTP;
		} else if (len == 4 && memcmp(value, "none", 4) == 0 && ps->version >= 2) {
			st->kind = MFA_OTP_NONE;
		} else if (len == 4 && memcmp(value, "none", 4) == 0) {
			mfa_parse_err_set(perr, lineno, 0,
					  "type none (no OTP token) needs state format version 2");
			return MFA_ERR_PARSE;
		} else {
			mfa_parse_err_set(perr, lineno, 0, "type must be totp or hotp%s",
					  ps->version >= 2 ? " or none" : "");
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
	case V_FIDO2:
		return state_apply_fido2(ps, value, len, perr);
	}
	return MFA_ERR_INTERNAL;
}

int
mfa_state_parse(const char *buf, size_t len, const char *file, struct mfa_state **statep,
		struct mfa_parse_err *perr)
{
	struct mfa_state *st = NULL;
	struct state_parse ps = {NULL, 0, 0};
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
	ps.st = st;

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
		if (k != K_VERSION && state_keywords[k].since > ps.version) {
			mfa_parse_err_set(perr, lineno, 0, "%s needs state format version %u",
					  state_keywords[k].name, state_keywords[k].since);
			goto out;
		}
		if (state_keywords[k].token && st->kind == MFA_OTP_NONE) {
			mfa_parse_err_set(
				perr, lineno, 0,
				"%s is given for type none (a state without an OTP token)",
				state_keywords[k].name);
			goto out;
		}
		if (k == K_NEXT && st->kind == MFA_OTP_NONE && st->nfido2 == 0) {
			mfa_parse_err_set(perr, lineno, 0,
					  "type none without a fido2 credential: nothing to "
					  "authenticate with");
			goto out;
		}
		ps.lineno = lineno;
		if ((r = state_apply(&ps, &state_keywords[k], eq + 1, (size_t)(nl - eq - 1),
				     perr)) != MFA_OK)
			goto out;
		r = MFA_ERR_PARSE;
		if (k == K_NEXT && st->kind == MFA_OTP_NONE && st->next != 0) {
			mfa_parse_err_set(perr, lineno, 0,
					  "next must be 0 for type none (there is no OTP token)");
			goto out;
		}
		seen[k] = true;
		last = k;
		p = nl + 1;
	}
	for (i = 0; i < K_COUNT; i++) {
		if (state_keywords[i].required && !seen[i] &&
		    !(state_keywords[i].token && st->kind == MFA_OTP_NONE)) {
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

/* The OTP token's fields are what the parser takes, or absent for kind NONE. */
static bool
state_token_valid(const struct mfa_state *st)
{
	bool otp = st->secret != NULL && st->secret_len >= MFA_OTP_KEY_MIN &&
		   st->secret_len <= MFA_OTP_KEY_MAX && st->digits >= MFA_OTP_DIGITS_MIN &&
		   st->digits <= MFA_OTP_DIGITS_MAX;

	switch (st->kind) {
	case MFA_OTP_TOTP:
		return otp && st->period != 0 && st->period <= MFA_OTP_PERIOD_MAX;
	case MFA_OTP_HOTP:
		return otp;
	case MFA_OTP_NONE:
		return st->secret == NULL && st->secret_len == 0 && st->next == 0 && st->nfido2 > 0;
	}
	return false;
}

int
mfa_state_format(const struct mfa_state *st, char **bufp, size_t *lenp)
{
	struct state_writer w = {NULL, MFA_STATE_MAX_BYTES + 1, 0, false};
	char *secret = NULL, *cred = NULL;
	size_t i, j;
	bool token;
	int r;

	if (bufp != NULL)
		*bufp = NULL;
	if (lenp != NULL)
		*lenp = 0;
	if (st == NULL || bufp == NULL || lenp == NULL || !state_token_valid(st) ||
	    st->nrecovery > MFA_STATE_RECOVERY_MAX || st->failures > FAILURES_MAX ||
	    st->nfido2 > MFA_STATE_FIDO2_MAX || (st->nfido2 > 0 && st->fido2 == NULL))
		return MFA_ERR_INVALID_ARG;
	for (i = 0; i < st->nrecovery; i++) {
		if (st->recovery[i] == NULL ||
		    !mfa_recovery_hash_text_valid(st->recovery[i], strlen(st->recovery[i])))
			return MFA_ERR_INVALID_ARG;
	}
	for (i = 0; i < st->nfido2; i++) {
		if (fido2_duplicate(st->fido2, i, &st->fido2[i].cred, &j) != NULL)
			return MFA_ERR_INVALID_ARG;
	}
	token = st->kind != MFA_OTP_NONE;
	if (token && (r = mfa_base32_encode(st->secret, st->secret_len, false, &secret)) != MFA_OK)
		return r;
	if ((w.buf = malloc(w.cap)) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	/* Version 1 where it says everything: older modules read it. */
	sw_printf(&w, "version=%d\n", token && st->nfido2 == 0 ? 1 : 2);
	sw_printf(&w, "type=%s\n", mfa_otp_kind_name(st->kind));
	if (token) {
		sw_printf(&w, "algorithm=%s\n", mfa_otp_alg_name(st->alg));
		sw_printf(&w, "digits=%u\n", st->digits);
		if (st->kind == MFA_OTP_TOTP)
			sw_printf(&w, "period=%u\n", st->period);
		sw_printf(&w, "secret=%s\n", secret);
	}
	sw_printf(&w, "created=%llu\n", (unsigned long long)st->created);
	for (i = 0; i < st->nrecovery; i++)
		sw_printf(&w, "recovery=%s\n", st->recovery[i]);
	for (i = 0; i < st->nfido2; i++) {
		if ((r = mfa_fido2_cred_format(&st->fido2[i].cred, &cred)) != MFA_OK)
			goto out;
		sw_printf(&w, "fido2=%lu,%s\n", (unsigned long)st->fido2[i].counter, cred);
		free(cred);
		cred = NULL;
	}
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
	free(cred);
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
	free(st->fido2); /* public keys and key handles: nothing secret */
	mfa_freezero(st, sizeof(*st));
	*statep = NULL;
}
