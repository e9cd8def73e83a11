/*
 * import_ga.c - parse a google-authenticator-libpam secret file.
 *
 * Written from the format as google-authenticator(1) writes it and as
 * pam_google_authenticator.so reads and rewrites it; see docs/import.md.
 */
#include "import_ga.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base32.h"
#include "mfa_mem.h"
#include "num.h"

/* What one parse has gathered so far. */
struct ga_parse {
	struct mfa_import_ga_report rep;
	unsigned opt_line[MFA_IMPORT_GA_OPT_COUNT]; /* 0: not seen */
	uint64_t hotp_counter;
	uint64_t step_size;
	bool have_used_step;
	uint64_t max_used_step;
};

typedef int (*ga_option_fn)(struct ga_parse *gp, const char *val, const char *end, unsigned lineno,
			    struct mfa_parse_err *perr);

struct ga_option {
	const char *name;
	enum mfa_import_ga_option bit;
	bool totp_only; /* meaningless in a counter-based file */
	ga_option_fn parse;
};

/* The next token of [*pp, end), separated by spaces or tabs; false at the end. */
static bool
ga_next_token(const char **pp, const char *end, const char **tokp, size_t *lenp)
{
	const char *p = *pp, *t;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end) {
		*pp = p;
		return false;
	}
	t = p;
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	*tokp = t;
	*lenp = (size_t)(p - t);
	*pp = p;
	return true;
}

/* An unsigned decimal token in [min, max]. */
static bool
ga_number(const char *tok, size_t len, uint64_t min, uint64_t max, uint64_t *valp)
{
	uint64_t v;

	if (mfa_parse_u64(tok, len, max, &v) != MFA_OK || v < min)
		return false;
	*valp = v;
	return true;
}

/* The option's one number in [min, max], and nothing after it. */
static int
ga_one_number(const char *name, const char *val, const char *end, uint64_t min, uint64_t max,
	      uint64_t *valp, unsigned lineno, struct mfa_parse_err *perr)
{
	const char *tok;
	size_t len;

	if (!ga_next_token(&val, end, &tok, &len) || !ga_number(tok, len, min, max, valp) ||
	    ga_next_token(&val, end, &tok, &len)) {
		mfa_parse_err_set(perr, lineno, 0, "%s takes one decimal number from %llu to %llu",
				  name, (unsigned long long)min, (unsigned long long)max);
		return MFA_ERR_PARSE;
	}
	return MFA_OK;
}

static int
ga_opt_totp_auth(struct ga_parse *gp, const char *val, const char *end, unsigned lineno,
		 struct mfa_parse_err *perr)
{
	const char *tok;
	size_t len;

	(void)gp;
	if (ga_next_token(&val, end, &tok, &len)) {
		mfa_parse_err_set(perr, lineno, 0, "TOTP_AUTH takes no value");
		return MFA_ERR_PARSE;
	}
	return MFA_OK;
}

/*
 * The module reads the counter with strtol into a long and takes anything
 * below 1 as "not counter-based"; the tool writes 1, the module writes the
 * next counter after each attempt.
 */
static int
ga_opt_hotp_counter(struct ga_parse *gp, const char *val, const char *end, unsigned lineno,
		    struct mfa_parse_err *perr)
{
	return ga_one_number("HOTP_COUNTER", val, end, 1, INT64_MAX, &gp->hotp_counter, lineno,
			     perr);
}

/* The tool and the module both accept 1 to 60 seconds. */
static int
ga_opt_step_size(struct ga_parse *gp, const char *val, const char *end, unsigned lineno,
		 struct mfa_parse_err *perr)
{
	return ga_one_number("STEP_SIZE", val, end, 1, 60, &gp->step_size, lineno, perr);
}

/* The module accepts 1 to 100 (the tool offers 1 to 21). */
static int
ga_opt_window_size(struct ga_parse *gp, const char *val, const char *end, unsigned lineno,
		   struct mfa_parse_err *perr)
{
	uint64_t v;
	int r;

	if ((r = ga_one_number("WINDOW_SIZE", val, end, 1, 100, &v, lineno, perr)) != MFA_OK)
		return r;
	gp->rep.window_size = (unsigned)v;
	return MFA_OK;
}

/* RATE_LIMIT logins(1..100) seconds(1..3600) [Unix times of recent attempts...] */
static int
ga_opt_rate_limit(struct ga_parse *gp, const char *val, const char *end, unsigned lineno,
		  struct mfa_parse_err *perr)
{
	const char *tok;
	size_t len;
	uint64_t logins, period, t;

	if (!ga_next_token(&val, end, &tok, &len) || !ga_number(tok, len, 1, 100, &logins) ||
	    !ga_next_token(&val, end, &tok, &len) || !ga_number(tok, len, 1, 3600, &period)) {
		mfa_parse_err_set(perr, lineno, 0,
				  "RATE_LIMIT takes a login count from 1 to 100 and a period "
				  "from 1 to 3600 seconds");
		return MFA_ERR_PARSE;
	}
	while (ga_next_token(&val, end, &tok, &len)) {
		if (!ga_number(tok, len, 0, UINT32_MAX, &t)) {
			mfa_parse_err_set(perr, lineno, 0,
					  "RATE_LIMIT attempt times must be decimal Unix times");
			return MFA_ERR_PARSE;
		}
	}
	gp->rep.rate_limit_logins = (unsigned)logins;
	gp->rep.rate_limit_period = (unsigned)period;
	return MFA_OK;
}

/*
 * DISALLOW_REUSE [steps...]: each is the time step (Unix time / STEP_SIZE,
 * TIME_SKEW and the window offset included) whose code the module accepted;
 * it keeps those still inside its window.  The module writes them with %d.
 */
static int
ga_opt_disallow_reuse(struct ga_parse *gp, const char *val, const char *end, unsigned lineno,
		      struct mfa_parse_err *perr)
{
	const char *tok;
	size_t len;
	uint64_t step;

	while (ga_next_token(&val, end, &tok, &len)) {
		if (!ga_number(tok, len, 0, INT32_MAX, &step)) {
			mfa_parse_err_set(perr, lineno, 0,
					  "DISALLOW_REUSE time steps must be decimal numbers from "
					  "0 to %ld",
					  (long)INT32_MAX);
			return MFA_ERR_PARSE;
		}
		if (!gp->have_used_step || step > gp->max_used_step)
			gp->max_used_step = step;
		gp->have_used_step = true;
		gp->rep.disallowed_steps++;
	}
	return MFA_OK;
}

/* An optionally signed decimal token within int32_t. */
static bool
ga_signed(const char *tok, size_t len, int64_t *valp)
{
	bool neg = false;
	uint64_t mag;

	if (len > 0 && (tok[0] == '-' || tok[0] == '+')) {
		neg = tok[0] == '-';
		tok++;
		len--;
	}
	if (!ga_number(tok, len, 0, neg ? (uint64_t)INT32_MAX + 1 : INT32_MAX, &mag))
		return false;
	*valp = neg ? -(int64_t)mag : (int64_t)mag;
	return true;
}

/* TIME_SKEW N: the steps the module adds to the current one (signed). */
static int
ga_opt_time_skew(struct ga_parse *gp, const char *val, const char *end, unsigned lineno,
		 struct mfa_parse_err *perr)
{
	const char *tok;
	size_t len;
	int64_t skew;

	if (!ga_next_token(&val, end, &tok, &len) || !ga_signed(tok, len, &skew) ||
	    ga_next_token(&val, end, &tok, &len)) {
		mfa_parse_err_set(perr, lineno, 0, "TIME_SKEW takes one signed decimal number");
		return MFA_ERR_PARSE;
	}
	gp->rep.time_skew = (int32_t)skew;
	return MFA_OK;
}

/*
 * RESETTING_TIME_SKEW [step+skew step-skew ...]: the module's notes while a
 * user proves a new clock skew (transient; possibly empty).
 */
static int
ga_opt_resetting_time_skew(struct ga_parse *gp, const char *val, const char *end, unsigned lineno,
			   struct mfa_parse_err *perr)
{
	const char *tok;
	size_t len, i;
	uint64_t step;
	int64_t skew;

	(void)gp;
	while (ga_next_token(&val, end, &tok, &len)) {
		for (i = 1; i < len && tok[i] != '+' && tok[i] != '-'; i++)
			;
		if (i == len || !ga_number(tok, i, 0, UINT32_MAX, &step) ||
		    !ga_signed(tok + i, len - i, &skew)) {
			mfa_parse_err_set(perr, lineno, 0,
					  "RESETTING_TIME_SKEW entries must be STEP+SKEW or "
					  "STEP-SKEW");
			return MFA_ERR_PARSE;
		}
	}
	return MFA_OK;
}

static const struct ga_option ga_options[] = {
	{"TOTP_AUTH", MFA_IMPORT_GA_OPT_TOTP_AUTH, false, ga_opt_totp_auth},
	{"HOTP_COUNTER", MFA_IMPORT_GA_OPT_HOTP_COUNTER, false, ga_opt_hotp_counter},
	{"STEP_SIZE", MFA_IMPORT_GA_OPT_STEP_SIZE, true, ga_opt_step_size},
	{"WINDOW_SIZE", MFA_IMPORT_GA_OPT_WINDOW_SIZE, false, ga_opt_window_size},
	{"RATE_LIMIT", MFA_IMPORT_GA_OPT_RATE_LIMIT, false, ga_opt_rate_limit},
	{"DISALLOW_REUSE", MFA_IMPORT_GA_OPT_DISALLOW_REUSE, true, ga_opt_disallow_reuse},
	{"TIME_SKEW", MFA_IMPORT_GA_OPT_TIME_SKEW, true, ga_opt_time_skew},
	{"RESETTING_TIME_SKEW", MFA_IMPORT_GA_OPT_RESETTING_TIME_SKEW, true,
	 ga_opt_resetting_time_skew},
};

_Static_assert(sizeof(ga_options) / sizeof(ga_options[0]) == MFA_IMPORT_GA_OPT_COUNT,
	       "one ga_options entry per enum mfa_import_ga_option bit");

/* Line `p` (len bytes, starting with `" `): one option. */
static int
ga_option_line(struct ga_parse *gp, const char *p, size_t len, unsigned lineno,
	       struct mfa_parse_err *perr)
{
	const char *end = p + len, *name = p + 2, *val;
	size_t namelen, i;

	for (val = name; val < end && *val != ' ' && *val != '\t'; val++)
		;
	namelen = (size_t)(val - name);
	for (i = 0; i < MFA_IMPORT_GA_OPT_COUNT; i++) {
		const struct ga_option *o = &ga_options[i];

		if (strlen(o->name) != namelen || memcmp(o->name, name, namelen) != 0)
			continue;
		if (gp->opt_line[i] != 0) {
			mfa_parse_err_set(perr, lineno, 0, "%s is given twice (first on line %u)",
					  o->name, gp->opt_line[i]);
			return MFA_ERR_PARSE;
		}
		gp->opt_line[i] = lineno;
		gp->rep.options |= (unsigned)o->bit;
		return o->parse(gp, val, end, lineno, perr);
	}
	mfa_parse_err_set(perr, lineno, 0, "unknown option line");
	return MFA_ERR_PARSE;
}

/* The tool writes 8 digits from 10000000 up; the module only matches those. */
static bool
ga_scratch_code(const char *p, size_t len)
{
	size_t i;

	if (len != 8 || p[0] < '1' || p[0] > '9')
		return false;
	for (i = 1; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
	}
	return true;
}

static unsigned
ga_option_index(enum mfa_import_ga_option bit)
{
	unsigned i;

	for (i = 0; i < MFA_IMPORT_GA_OPT_COUNT; i++) {
		if (ga_options[i].bit == bit)
			break;
	}
	return i;
}

/* Decide the token kind and replay floor once every line is read. */
static int
ga_finish(struct ga_parse *gp, struct mfa_state *st, struct mfa_parse_err *perr)
{
	unsigned totp_line = gp->opt_line[ga_option_index(MFA_IMPORT_GA_OPT_TOTP_AUTH)];
	unsigned hotp_line = gp->opt_line[ga_option_index(MFA_IMPORT_GA_OPT_HOTP_COUNTER)];
	unsigned i;

	if (totp_line != 0 && hotp_line != 0) {
		mfa_parse_err_set(perr, totp_line > hotp_line ? totp_line : hotp_line, 0,
				  "both TOTP_AUTH and HOTP_COUNTER are given: the token kind is "
				  "ambiguous");
		return MFA_ERR_PARSE;
	}
	if (totp_line == 0 && hotp_line == 0) {
		mfa_parse_err_set(perr, 0, 0,
				  "neither TOTP_AUTH nor HOTP_COUNTER is given: no usable token");
		return MFA_ERR_PARSE;
	}
	st->alg = MFA_OTP_SHA1;
	st->digits = 6;
	if (hotp_line != 0) {
		for (i = 0; i < MFA_IMPORT_GA_OPT_COUNT; i++) {
			if (ga_options[i].totp_only && gp->opt_line[i] != 0) {
				mfa_parse_err_set(perr, gp->opt_line[i], 0,
						  "%s applies to time-based (TOTP_AUTH) files only",
						  ga_options[i].name);
				return MFA_ERR_PARSE;
			}
		}
		st->kind = MFA_OTP_HOTP;
		st->period = 0;
		st->next = gp->hotp_counter;
	} else {
		st->kind = MFA_OTP_TOTP;
		st->period = gp->step_size != 0 ? (unsigned)gp->step_size : MFA_OTP_PERIOD_DEFAULT;
		st->next = gp->have_used_step ? gp->max_used_step + 1 : 0;
	}
	return MFA_OK;
}

int
mfa_import_ga_parse(const char *buf, size_t len, const char *file, struct mfa_state **statep,
		    struct mfa_import_ga_report *reportp, struct mfa_parse_err *perr)
{
	struct mfa_state *st = NULL;
	struct ga_parse gp;
	struct mfa_parse_err b32err;
	const char *p = buf, *end = buf + len;
	unsigned lineno = 0;
	int r = MFA_ERR_PARSE;

	mfa_parse_err_init(perr, file);
	memset(&gp, 0, sizeof(gp));
	if (statep != NULL)
		*statep = NULL;
	if (reportp != NULL)
		memset(reportp, 0, sizeof(*reportp));
	if (buf == NULL || statep == NULL)
		return MFA_ERR_INVALID_ARG;
	if (len > MFA_IMPORT_GA_MAX_BYTES) {
		mfa_parse_err_set(perr, 0, 0, "file is larger than %u bytes",
				  MFA_IMPORT_GA_MAX_BYTES);
		return MFA_ERR_TOO_LARGE;
	}
	if (len == 0) {
		mfa_parse_err_set(perr, 0, 0, "file is empty: no secret");
		return MFA_ERR_PARSE;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return MFA_ERR_NOMEM;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t linelen;

		lineno++;
		if (nl == NULL) {
			mfa_parse_err_set(perr, lineno, 0,
					  "last line does not end with a newline (truncated?)");
			goto out;
		}
		linelen = (size_t)(nl - p);
		if (memchr(p, '\0', linelen) != NULL || memchr(p, '\r', linelen) != NULL) {
			mfa_parse_err_set(perr, lineno, 0, "line holds a NUL or carriage return");
			goto out;
		}
		if (lineno == 1) {
			if (linelen == 0 || p[0] == '"') {
				mfa_parse_err_set(perr, lineno, 0,
						  "the first line must be the base32 secret");
				goto out;
			}
			mfa_parse_err_init(&b32err, NULL);
			if (mfa_base32_decode(p, linelen, &st->secret, &st->secret_len, &b32err) !=
			    MFA_OK) {
				mfa_parse_err_set(perr, lineno, b32err.column,
						  "the secret is not valid base32");
				goto out;
			}
			if (st->secret_len < MFA_OTP_KEY_MIN || st->secret_len > MFA_OTP_KEY_MAX) {
				mfa_parse_err_set(perr, lineno, 0,
						  "the secret must decode to %d to %d bytes",
						  MFA_OTP_KEY_MIN, MFA_OTP_KEY_MAX);
				goto out;
			}
		} else if (linelen >= 2 && p[0] == '"' && p[1] == ' ') {
			if ((r = ga_option_line(&gp, p, linelen, lineno, perr)) != MFA_OK)
				goto out;
			r = MFA_ERR_PARSE;
		} else if (ga_scratch_code(p, linelen)) {
			gp.rep.scratch_codes++;
		} else {
			mfa_parse_err_set(perr, lineno, 0,
					  "line is neither a `\" OPTION` line nor an 8-digit "
					  "scratch code");
			goto out;
		}
		p = nl + 1;
	}
	if ((r = ga_finish(&gp, st, perr)) != MFA_OK)
		goto out;
	*statep = st;
	st = NULL;
	if (reportp != NULL)
		*reportp = gp.rep;
	r = MFA_OK;
out:
	mfa_state_free(&st);
	mfa_wipe(&gp, sizeof(gp));
	return r;
}
