/*
 * otpauth.c - parse and build otpauth:// Key URIs.
 */
#include "otpauth.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base32.h"
#include "mfa_mem.h"
#include "num.h"

#define OTPAUTH_SCHEME "otpauth://"

/* A byte span of the URI being parsed, with its offset for error columns. */
struct span {
	const char *p;
	size_t len;
	size_t off; /* offset of p[0] in the URI, from 0 */
};

static unsigned
col(size_t off)
{
	return (unsigned)(off + 1);
}

/*
 * Percent-decode s into a new NUL-terminated string.  plus_is_space turns
 * '+' into ' ' (query values).  Control characters, decoded or literal, are
 * refused: these strings reach logs and terminals.
 */
static int
percent_decode(const struct span *s, bool plus_is_space, const char *what, char **outp,
	       struct mfa_parse_err *perr)
{
	char *out;
	size_t i, o = 0;

	*outp = NULL;
	if ((out = malloc(s->len + 1)) == NULL)
		return MFA_ERR_NOMEM;
	for (i = 0; i < s->len; i++) {
		unsigned char c = (unsigned char)s->p[i];
		size_t at = i; /* where this character starts, for errors */

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= s->len || (hi = mfa_hex_digit(s->p[i + 1])) < 0 ||
			    (lo = mfa_hex_digit(s->p[i + 2])) < 0) {
				mfa_parse_err_set(perr, 0, col(s->off + i),
						  "%s: '%%' is not followed by two hex digits",
						  what);
				mfa_freezero(out, s->len + 1);
				return MFA_ERR_URI;
			}
			c = (unsigned char)(hi * 16 + lo);
			i += 2;
		} else if (c == '+' && plus_is_space) {
			c = ' ';
		}
		if (c < 0x20 || c == 0x7f) {
			mfa_parse_err_set(perr, 0, col(s->off + at),
					  "%s contains a control character", what);
			mfa_freezero(out, s->len + 1);
			return MFA_ERR_URI;
		}
		out[o++] = (char)c;
	}
	out[o] = '\0';
	*outp = out;
	return MFA_OK;
}

/* The parameters the parser knows; each may appear once. */
enum otpauth_param {
	P_SECRET,
	P_ISSUER,
	P_ALGORITHM,
	P_DIGITS,
	P_PERIOD,
	P_COUNTER,
	P_COUNT
};

static const char *const otpauth_param_names[P_COUNT] = {
	[P_SECRET] = "secret", [P_ISSUER] = "issuer", [P_ALGORITHM] = "algorithm",
	[P_DIGITS] = "digits", [P_PERIOD] = "period", [P_COUNTER] = "counter",
};

static int
param_lookup(const struct span *name)
{
	int i;

	for (i = 0; i < P_COUNT; i++) {
		if (strlen(otpauth_param_names[i]) == name->len &&
		    strncasecmp(otpauth_param_names[i], name->p, name->len) == 0)
			return i;
	}
	return -1;
}

/* Take one value of the query and store it in *key. */
static int
apply_param(struct mfa_otpauth *key, int which, const struct span *raw, char **issuer_paramp,
	    struct mfa_parse_err *perr)
{
	char *value = NULL;
	uint64_t n;
	int r;

	if ((r = percent_decode(raw, true, otpauth_param_names[which], &value, perr)) != MFA_OK)
		return r;
	switch (which) {
	case P_SECRET: {
		struct mfa_parse_err inner;

		mfa_parse_err_init(&inner, NULL);
		r = mfa_base32_decode(value, strlen(value), &key->secret, &key->secret_len, &inner);
		if (r != MFA_OK) {
			/* Point into the URI where the value is not percent-encoded. */
			size_t at = raw->off;

			if (inner.column > 0 && memchr(raw->p, '%', raw->len) == NULL)
				at += inner.column - 1;
			mfa_parse_err_set(perr, 0, col(at), "secret: %.200s", inner.msg);
			break;
		}
		if (key->secret_len < MFA_OTP_KEY_MIN) {
			mfa_parse_err_set(perr, 0, col(raw->off),
					  "secret is %zu bits; at least %d are required",
					  key->secret_len * 8, MFA_OTP_KEY_MIN * 8);
			r = MFA_ERR_URI;
		} else if (key->secret_len > MFA_OTP_KEY_MAX) {
			mfa_parse_err_set(perr, 0, col(raw->off), "secret is longer than %d bytes",
					  MFA_OTP_KEY_MAX);
			r = MFA_ERR_URI;
		}
		break;
	}
	case P_ISSUER:
		if (value[0] == '\0') {
			mfa_parse_err_set(perr, 0, col(raw->off), "issuer is empty");
			r = MFA_ERR_URI;
			break;
		}
		*issuer_paramp = value;
		value = NULL;
		break;
	case P_ALGORITHM:
		if (mfa_otp_alg_parse(value, &key->alg) != MFA_OK) {
			mfa_parse_err_set(perr, 0, col(raw->off),
					  "algorithm must be SHA1, SHA256 or SHA512");
			r = MFA_ERR_URI;
		}
		break;
	case P_DIGITS:
		if (mfa_parse_u64(value, strlen(value), MFA_OTP_DIGITS_MAX, &n) != MFA_OK ||
		    n < MFA_OTP_DIGITS_MIN) {
			mfa_parse_err_set(perr, 0, col(raw->off), "digits must be %d to %d",
					  MFA_OTP_DIGITS_MIN, MFA_OTP_DIGITS_MAX);
			r = MFA_ERR_URI;
			break;
		}
		key->digits = (unsigned)n;
		break;
	case P_PERIOD:
		if (mfa_parse_u64(value, strlen(value), MFA_OTP_PERIOD_MAX, &n) != MFA_OK ||
		    n == 0) {
			mfa_parse_err_set(perr, 0, col(raw->off), "period must be 1 to %d seconds",
					  MFA_OTP_PERIOD_MAX);
			r = MFA_ERR_URI;
			break;
		}
		key->period = (unsigned)n;
		break;
	case P_COUNTER:
		if (mfa_parse_u64(value, strlen(value), UINT64_MAX, &n) != MFA_OK) {
			mfa_parse_err_set(perr, 0, col(raw->off),
					  "counter must be a decimal number below 2^64");
			r = MFA_ERR_URI;
			break;
		}
		key->counter = n;
		break;
	default:
		r = MFA_ERR_INTERNAL;
		break;
	}
	mfa_free_string(value);
	return r;
}

/* Split the decoded label "issuer:account" (spaces may follow the colon). */
static int
split_label(const char *label, const struct span *raw, char **issuerp, char **accountp,
	    struct mfa_parse_err *perr)
{
	const char *colon = strchr(label, ':');
	const char *account = label;

	*issuerp = NULL;
	*accountp = NULL;
	if (colon != NULL) {
		if (strchr(colon + 1, ':') != NULL) {
			mfa_parse_err_set(perr, 0, col(raw->off),
					  "label has more than one ':' (issuer:account)");
			return MFA_ERR_URI;
		}
		if (colon == label) {
			mfa_parse_err_set(perr, 0, col(raw->off), "label has an empty issuer");
			return MFA_ERR_URI;
		}
		if ((*issuerp = strndup(label, (size_t)(colon - label))) == NULL)
			return MFA_ERR_NOMEM;
		account = colon + 1;
		while (*account == ' ')
			account++;
	}
	if (*account == '\0') {
		mfa_parse_err_set(perr, 0, col(raw->off), "label has no account name");
		free(*issuerp);
		*issuerp = NULL;
		return MFA_ERR_URI;
	}
	if ((*accountp = strdup(account)) == NULL) {
		free(*issuerp);
		*issuerp = NULL;
		return MFA_ERR_NOMEM;
	}
	return MFA_OK;
}

int
mfa_otpauth_parse(const char *uri, size_t len, struct mfa_otpauth **outp,
		  struct mfa_parse_err *perr)
{
	struct mfa_otpauth *key = NULL;
	struct span type, label, query;
	char *label_text = NULL, *issuer_prefix = NULL, *issuer_param = NULL;
	bool seen[P_COUNT] = {false};
	const char *slash, *qmark, *end;
	size_t i;
	int r = MFA_ERR_URI;

	if (outp != NULL)
		*outp = NULL;
	if (uri == NULL || outp == NULL)
		return MFA_ERR_INVALID_ARG;
	if (len > MFA_OTPAUTH_URI_MAX) {
		mfa_parse_err_set(perr, 0, 0, "URI is longer than %d characters",
				  MFA_OTPAUTH_URI_MAX);
		return MFA_ERR_TOO_LARGE;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)uri[i];

		if (c <= 0x20 || c >= 0x7f || c == '#') {
			mfa_parse_err_set(perr, 0, col(i),
					  "character %zu is not allowed in a URI (spaces, control, "
					  "non-ASCII and '#' must be percent-encoded)",
					  i + 1);
			return MFA_ERR_URI;
		}
	}
	if (len < strlen(OTPAUTH_SCHEME) ||
	    strncasecmp(uri, OTPAUTH_SCHEME, strlen(OTPAUTH_SCHEME)) != 0) {
		mfa_parse_err_set(perr, 0, 1, "URI does not start with otpauth://");
		return MFA_ERR_URI;
	}
	end = uri + len;
	type.p = uri + strlen(OTPAUTH_SCHEME);
	type.off = strlen(OTPAUTH_SCHEME);
	if ((slash = memchr(type.p, '/', (size_t)(end - type.p))) == NULL) {
		mfa_parse_err_set(perr, 0, col(type.off),
				  "URI has no label: otpauth://TYPE/LABEL?secret=...");
		return MFA_ERR_URI;
	}
	type.len = (size_t)(slash - type.p);

	if ((key = calloc(1, sizeof(*key))) == NULL)
		return MFA_ERR_NOMEM;
	key->alg = MFA_OTP_SHA1;
	key->digits = MFA_OTP_DIGITS_DEFAULT;
	key->period = MFA_OTP_PERIOD_DEFAULT;
	if (type.len == 4 && strncasecmp(type.p, "totp", 4) == 0) {
		key->kind = MFA_OTP_TOTP;
	} else if (type.len == 4 && strncasecmp(type.p, "hotp", 4) == 0) {
		key->kind = MFA_OTP_HOTP;
	} else {
		mfa_parse_err_set(perr, 0, col(type.off), "type must be totp or hotp");
		goto out;
	}

	label.p = slash + 1;
	label.off = (size_t)(label.p - uri);
	qmark = memchr(label.p, '?', (size_t)(end - label.p));
	label.len = (size_t)((qmark != NULL ? qmark : end) - label.p);
	if (label.len == 0) {
		mfa_parse_err_set(perr, 0, col(label.off), "label is empty");
		goto out;
	}
	if ((r = percent_decode(&label, false, "label", &label_text, perr)) != MFA_OK ||
	    (r = split_label(label_text, &label, &issuer_prefix, &key->account, perr)) != MFA_OK)
		goto out;
	r = MFA_ERR_URI;
	if (qmark == NULL) {
		mfa_parse_err_set(perr, 0, col(len), "URI has no parameters; secret= is required");
		goto out;
	}

	query.p = qmark + 1;
	query.off = (size_t)(query.p - uri);
	query.len = (size_t)(end - query.p);
	while (query.len > 0) {
		const char *amp = memchr(query.p, '&', query.len);
		size_t plen = amp != NULL ? (size_t)(amp - query.p) : query.len;
		const char *eq = memchr(query.p, '=', plen);
		struct span name, value;
		int which;

		if (plen > 0) {
			if (eq == NULL) {
				mfa_parse_err_set(perr, 0, col(query.off),
						  "parameter has no '=': expected name=value");
				goto out;
			}
			name.p = query.p;
			name.len = (size_t)(eq - query.p);
			name.off = query.off;
			value.p = eq + 1;
			value.len = plen - name.len - 1;
			value.off = query.off + name.len + 1;
			if ((which = param_lookup(&name)) >= 0) {
				if (seen[which]) {
					mfa_parse_err_set(perr, 0, col(name.off),
							  "parameter %s is given twice",
							  otpauth_param_names[which]);
					goto out;
				}
				seen[which] = true;
				if ((r = apply_param(key, which, &value, &issuer_param, perr)) !=
				    MFA_OK)
					goto out;
				r = MFA_ERR_URI;
			}
		}
		if (amp == NULL)
			break;
		query.len -= plen + 1;
		query.off += plen + 1;
		query.p = amp + 1;
	}

	if (!seen[P_SECRET]) {
		mfa_parse_err_set(perr, 0, col((size_t)(qmark - uri)),
				  "parameter secret is missing");
		goto out;
	}
	if (key->kind == MFA_OTP_HOTP && !seen[P_COUNTER]) {
		mfa_parse_err_set(perr, 0, col((size_t)(qmark - uri)),
				  "parameter counter is required for hotp");
		goto out;
	}
	if (issuer_prefix != NULL && issuer_param != NULL &&
	    strcmp(issuer_prefix, issuer_param) != 0) {
		mfa_parse_err_set(perr, 0, col(label.off),
				  "issuer prefix of the label and issuer parameter differ");
		goto out;
	}
	if (issuer_param != NULL) {
		key->issuer = issuer_param;
		issuer_param = NULL;
	} else {
		key->issuer = issuer_prefix;
		issuer_prefix = NULL;
	}
	*outp = key;
	key = NULL;
	r = MFA_OK;
out:
	free(label_text);
	free(issuer_prefix);
	free(issuer_param);
	mfa_otpauth_free(&key);
	return r;
}

/* A growable string that is wiped when released: it may hold a secret. */
struct strbuf {
	char *p;
	size_t len;
	size_t cap;
	int err;
};

static void
sb_append(struct strbuf *sb, const char *s, size_t n)
{
	if (sb->err != MFA_OK)
		return;
	if (sb->len + n + 1 > sb->cap) {
		size_t ncap = sb->cap == 0 ? 128 : sb->cap;
		char *np;

		while (ncap < sb->len + n + 1)
			ncap *= 2;
		if (ncap > MFA_OTPAUTH_URI_MAX * 4) {
			sb->err = MFA_ERR_TOO_LARGE;
			return;
		}
		if ((np = malloc(ncap)) == NULL) {
			sb->err = MFA_ERR_NOMEM;
			return;
		}
		if (sb->p != NULL) {
			memcpy(np, sb->p, sb->len);
			mfa_freezero(sb->p, sb->cap);
		}
		sb->p = np;
		sb->cap = ncap;
	}
	memcpy(sb->p + sb->len, s, n);
	sb->len += n;
	sb->p[sb->len] = '\0';
}

static void
sb_puts(struct strbuf *sb, const char *s)
{
	sb_append(sb, s, strlen(s));
}

static void
sb_printf_u64(struct strbuf *sb, uint64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
	sb_puts(sb, num);
}

/* RFC 3986 unreserved characters pass; every other byte becomes %XX. */
static void
sb_percent_encode(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			sb_append(sb, (const char *)&c, 1);
		} else {
			char esc[3] = {'%', hex[c >> 4], hex[c & 0x0f]};

			sb_append(sb, esc, 3);
		}
	}
}

static bool
label_part_valid(const char *s)
{
	const unsigned char *p;

	if (s == NULL || *s == '\0' || strchr(s, ':') != NULL)
		return false;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return false;
	}
	return true;
}

int
mfa_otpauth_build(const struct mfa_otpauth *key, char **urip)
{
	struct strbuf sb = {NULL, 0, 0, MFA_OK};
	char *secret = NULL;
	int r;

	if (urip != NULL)
		*urip = NULL;
	if (key == NULL || urip == NULL ||
	    (key->kind != MFA_OTP_TOTP && key->kind != MFA_OTP_HOTP) ||
	    !label_part_valid(key->account) ||
	    (key->issuer != NULL && !label_part_valid(key->issuer)) || key->secret == NULL ||
	    key->secret_len < MFA_OTP_KEY_MIN || key->secret_len > MFA_OTP_KEY_MAX ||
	    key->digits < MFA_OTP_DIGITS_MIN || key->digits > MFA_OTP_DIGITS_MAX ||
	    (key->kind == MFA_OTP_TOTP && (key->period == 0 || key->period > MFA_OTP_PERIOD_MAX)))
		return MFA_ERR_INVALID_ARG;
	/* The parser drops blanks after "issuer:": such an account would not come back. */
	if (key->issuer != NULL && key->account[0] == ' ')
		return MFA_ERR_INVALID_ARG;
	if ((r = mfa_base32_encode(key->secret, key->secret_len, false, &secret)) != MFA_OK)
		return r;

	sb_puts(&sb, OTPAUTH_SCHEME);
	sb_puts(&sb, mfa_otp_kind_name(key->kind));
	sb_puts(&sb, "/");
	if (key->issuer != NULL) {
		sb_percent_encode(&sb, key->issuer);
		sb_puts(&sb, ":");
	}
	sb_percent_encode(&sb, key->account);
	sb_puts(&sb, "?secret=");
	sb_puts(&sb, secret);
	if (key->issuer != NULL) {
		sb_puts(&sb, "&issuer=");
		sb_percent_encode(&sb, key->issuer);
	}
	sb_puts(&sb, "&algorithm=");
	sb_puts(&sb, mfa_otp_alg_name(key->alg));
	sb_puts(&sb, "&digits=");
	sb_printf_u64(&sb, key->digits);
	if (key->kind == MFA_OTP_TOTP) {
		sb_puts(&sb, "&period=");
		sb_printf_u64(&sb, key->period);
	} else {
		sb_puts(&sb, "&counter=");
		sb_printf_u64(&sb, key->counter);
	}
	mfa_free_string(secret);
	/* Never write what the parser would refuse as too long. */
	if (sb.err == MFA_OK && sb.len > MFA_OTPAUTH_URI_MAX)
		sb.err = MFA_ERR_TOO_LARGE;
	if (sb.err != MFA_OK) {
		mfa_freezero(sb.p, sb.cap);
		return sb.err;
	}
	*urip = sb.p;
	return MFA_OK;
}

void
mfa_otpauth_free(struct mfa_otpauth **keyp)
{
	struct mfa_otpauth *key;

	if (keyp == NULL || (key = *keyp) == NULL)
		return;
	mfa_freezero(key->secret, key->secret_len);
	free(key->issuer);
	free(key->account);
	mfa_freezero(key, sizeof(*key));
	*keyp = NULL;
}
