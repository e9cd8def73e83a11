/*
 * import_oath.c - one user's token from a liboath users file.
 *
 * Written from the format as liboath's usersfile.c reads and rewrites it
 * (oath-toolkit 2.6.7, Debian 12); see docs/import.md.
 */
#include "import_oath.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mfa_mem.h"
#include "num.h"
#include "otp.h"

/* TYPE USER PIN SECRET COUNTER LASTOTP TIME */
enum oath_field {
	F_TYPE,
	F_USER,
	F_PIN,
	F_SECRET,
	F_COUNTER,
	F_LASTOTP,
	F_TIME,
	F_COUNT
};

struct oath_token_type {
	const char *name;
	unsigned digits;
	unsigned period; /* 0: event (HOTP) token */
};

/* liboath's parse_type(): exactly these spellings. */
static const struct oath_token_type oath_types[] = {
	{"HOTP", 6, 0},        {"HOTP/E", 6, 0},    {"HOTP/E/6", 6, 0},    {"HOTP/E/7", 7, 0},
	{"HOTP/E/8", 8, 0},    {"HOTP/T30", 6, 30}, {"HOTP/T30/6", 6, 30}, {"HOTP/T30/7", 7, 30},
	{"HOTP/T30/8", 8, 30}, {"HOTP/T60", 6, 60}, {"HOTP/T60/6", 6, 60}, {"HOTP/T60/7", 7, 60},
	{"HOTP/T60/8", 8, 60},
};

struct oath_field_text {
	const char *p;
	size_t len;
};

/* The TIME field liboath writes: strftime "%Y-%m-%dT%H:%M:%SL", 20 bytes. */
#define OATH_TIME_LEN 20
/* Local time is UTC plus -12h..+14h. */
#define OATH_UTC_OFFSET_MIN (-12 * 3600)
#define OATH_UTC_OFFSET_MAX (14 * 3600)

static bool
oath_is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Split a line into at most F_COUNT + 1 fields; returns how many. */
static size_t
oath_split(const char *p, size_t len, struct oath_field_text f[F_COUNT + 1])
{
	const char *end = p + len;
	size_t n = 0;

	while (n < F_COUNT + 1) {
		while (p < end && oath_is_sep(*p))
			p++;
		if (p == end)
			break;
		f[n].p = p;
		while (p < end && !oath_is_sep(*p))
			p++;
		f[n].len = (size_t)(p - f[n].p);
		n++;
	}
	return n;
}

static bool
oath_field_is(const struct oath_field_text *f, const char *s)
{
	return f->len == strlen(s) && memcmp(f->p, s, f->len) == 0;
}

static const struct oath_token_type *
oath_type_lookup(const struct oath_field_text *f)
{
	size_t i;

	for (i = 0; i < sizeof(oath_types) / sizeof(oath_types[0]); i++) {
		if (oath_field_is(f, oath_types[i].name))
			return &oath_types[i];
	}
	return NULL;
}

/* Hex (either case, even length, as oath_hex2bin) into a new buffer. */
static int
oath_hex_decode(const char *hex, size_t len, uint8_t **outp, size_t *outlenp)
{
	uint8_t *out;
	size_t i;

	if (len == 0 || len % 2 != 0)
		return MFA_ERR_PARSE;
	if ((out = malloc(len / 2)) == NULL)
		return MFA_ERR_NOMEM;
	for (i = 0; i < len; i += 2) {
		int hi = mfa_hex_digit(hex[i]), lo = mfa_hex_digit(hex[i + 1]);

		if (hi < 0 || lo < 0) {
			mfa_freezero(out, len / 2);
			return MFA_ERR_PARSE;
		}
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	*outp = out;
	*outlenp = len / 2;
	return MFA_OK;
}

static bool
oath_digits_only(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
	}
	return len > 0;
}

/* Two or four decimal digits at p, within [min, max]. */
static bool
oath_time_part(const char *p, size_t len, unsigned min, unsigned max, unsigned *valp)
{
	uint64_t v;

	if (mfa_parse_u64(p, len, max, &v) != MFA_OK || v < min)
		return false;
	*valp = (unsigned)v;
	return true;
}

static bool
oath_leap_year(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar, y >= 1970. */
static int64_t
oath_days_since_epoch(unsigned y, unsigned m, unsigned d)
{
	static const unsigned before_month[12] = {0,   31,  59,  90,  120, 151,
						  181, 212, 243, 273, 304, 334};
	int64_t days = 0;
	unsigned yy;

	for (yy = 1970; yy < y; yy++)
		days += oath_leap_year(yy) ? 366 : 365;
	days += before_month[m - 1] + (m > 2 && oath_leap_year(y) ? 1 : 0);
	return days + (int64_t)d - 1;
}

/*
 * TIME as written by liboath, "YYYY-MM-DDTHH:MM:SSL": the local wall-clock
 * time in seconds as if it were UTC (the zone is not recorded).
 */
static bool
oath_parse_time(const char *p, size_t len, int64_t *civilp)
{
	static const unsigned month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	unsigned y, mo, d, h, mi, s, mdays;

	if (len != OATH_TIME_LEN || p[4] != '-' || p[7] != '-' || p[10] != 'T' || p[13] != ':' ||
	    p[16] != ':' || p[19] != 'L')
		return false;
	if (!oath_time_part(p, 4, 1970, 9999, &y) || !oath_time_part(p + 5, 2, 1, 12, &mo) ||
	    !oath_time_part(p + 8, 2, 1, 31, &d) || !oath_time_part(p + 11, 2, 0, 23, &h) ||
	    !oath_time_part(p + 14, 2, 0, 59, &mi) || !oath_time_part(p + 17, 2, 0, 60, &s))
		return false;
	mdays = month_days[mo - 1] + (mo == 2 && oath_leap_year(y) ? 1 : 0);
	if (d > mdays)
		return false;
	*civilp = oath_days_since_epoch(y, mo, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 +
		  (int64_t)s;
	return true;
}

/*
 * The time step whose code is `lastotp`, around the wall-clock time `civil`
 * of an unknown zone.  *matchesp counts the steps that fit; *stepp is the
 * highest.
 */
static int
oath_find_last_step(const struct mfa_state *st, const char *lastotp, size_t otplen, int64_t civil,
		    uint64_t *stepp, unsigned *matchesp)
{
	char want[MFA_OTP_CODE_SIZE], code[MFA_OTP_CODE_SIZE];
	int64_t lo, hi, slack = (int64_t)MFA_IMPORT_OATH_SLACK_STEPS * st->period;
	uint64_t step, first, last;
	unsigned matches = 0;
	int r = MFA_OK;

	memcpy(want, lastotp, otplen);
	want[otplen] = '\0';
	lo = civil - OATH_UTC_OFFSET_MAX - slack;
	hi = civil - OATH_UTC_OFFSET_MIN + slack;
	first = lo < 0 ? 0 : (uint64_t)lo / st->period;
	last = (uint64_t)hi / st->period;
	for (step = first; step <= last; step++) {
		if ((r = mfa_otp_generate(st->secret, st->secret_len, st->alg, (unsigned)otplen,
					  step, code)) != MFA_OK)
			break;
		if (mfa_consttime_streq(code, want)) {
			*stepp = step;
			matches++;
		}
	}
	mfa_wipe(want, sizeof(want));
	mfa_wipe(code, sizeof(code));
	*matchesp = matches;
	return r;
}

/* The user's line, split into n fields: build the state. */
static int
oath_entry(const struct oath_field_text *f, size_t n, const struct oath_token_type *type,
	   unsigned lineno, struct mfa_state **statep, struct mfa_import_oath_report *rep,
	   struct mfa_parse_err *perr)
{
	struct mfa_state *st = NULL;
	char code[MFA_OTP_CODE_SIZE];
	uint64_t counter = 0, step = 0;
	int64_t civil = 0;
	bool have_time = false;
	int r = MFA_ERR_PARSE;

	if (n <= F_SECRET) {
		mfa_parse_err_set(perr, lineno, 0, "the user's line has no %s field",
				  n == F_PIN ? "PIN" : "secret");
		goto out;
	}
	if (n > F_COUNT) {
		mfa_parse_err_set(perr, lineno, 0, "the user's line has more than %d fields",
				  F_COUNT);
		goto out;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	st->kind = type->period == 0 ? MFA_OTP_HOTP : MFA_OTP_TOTP;
	st->alg = MFA_OTP_SHA1;
	st->digits = type->digits;
	st->period = type->period;

	if (oath_field_is(&f[F_PIN], "-"))
		rep->pin = MFA_IMPORT_OATH_PIN_NONE;
	else if (oath_field_is(&f[F_PIN], "+"))
		rep->pin = MFA_IMPORT_OATH_PIN_EXTERNAL;
	else
		rep->pin = MFA_IMPORT_OATH_PIN_SET;

	if ((r = oath_hex_decode(f[F_SECRET].p, f[F_SECRET].len, &st->secret, &st->secret_len)) !=
	    MFA_OK) {
		if (r == MFA_ERR_PARSE)
			mfa_parse_err_set(perr, lineno, 0,
					  "the secret is not an even number of hex digits");
		goto out;
	}
	r = MFA_ERR_PARSE;
	if (st->secret_len < MFA_OTP_KEY_MIN || st->secret_len > MFA_OTP_KEY_MAX) {
		mfa_parse_err_set(perr, lineno, 0, "the secret must be %d to %d bytes",
				  MFA_OTP_KEY_MIN, MFA_OTP_KEY_MAX);
		goto out;
	}
	if (n > F_COUNTER &&
	    mfa_parse_u64(f[F_COUNTER].p, f[F_COUNTER].len, UINT64_MAX, &counter) != MFA_OK) {
		mfa_parse_err_set(perr, lineno, 0,
				  "the counter must be a decimal number from 0 to %llu",
				  (unsigned long long)UINT64_MAX);
		goto out;
	}
	if (n > F_LASTOTP &&
	    (!oath_digits_only(f[F_LASTOTP].p, f[F_LASTOTP].len) ||
	     f[F_LASTOTP].len < MFA_OTP_DIGITS_MIN || f[F_LASTOTP].len > MFA_OTP_DIGITS_MAX)) {
		mfa_parse_err_set(perr, lineno, 0, "the last OTP must be %d to %d digits",
				  MFA_OTP_DIGITS_MIN, MFA_OTP_DIGITS_MAX);
		goto out;
	}
	if (n > F_TIME) {
		if (!oath_parse_time(f[F_TIME].p, f[F_TIME].len, &civil)) {
			mfa_parse_err_set(perr, lineno, 0,
					  "the time must be YYYY-MM-DDTHH:MM:SSL (a valid date)");
			goto out;
		}
		have_time = true;
	}
	rep->used = n > F_LASTOTP;

	if (st->kind == MFA_OTP_HOTP) {
		/*
		 * liboath stores the counter of the code it accepted (start +
		 * window position) and refuses that code again only because it
		 * equals LASTOTP.  It checks codes of strlen(otp) digits.
		 */
		st->next = counter;
		if (rep->used) {
			if ((r = mfa_otp_generate(st->secret, st->secret_len, st->alg,
						  (unsigned)f[F_LASTOTP].len, counter, code)) !=
			    MFA_OK)
				goto out;
			r = MFA_ERR_PARSE;
			if (!mfa_consttime_eq(code, f[F_LASTOTP].p, f[F_LASTOTP].len)) {
				mfa_parse_err_set(perr, lineno, 0,
						  "the last OTP is not the code of the counter "
						  "(edited by hand?)");
				goto out;
			}
			if (counter == UINT64_MAX) {
				mfa_parse_err_set(perr, lineno, 0,
						  "the counter is used up (no next value)");
				goto out;
			}
			st->next = counter + 1;
		}
	} else {
		/* liboath stores start + |window position| in COUNTER: meaningless. */
		rep->counter_ignored = n > F_COUNTER;
		if (rep->used) {
			if (!have_time) {
				mfa_parse_err_set(perr, lineno, 0,
						  "the last OTP has no time: it cannot be placed");
				goto out;
			}
			if ((r = oath_find_last_step(st, f[F_LASTOTP].p, f[F_LASTOTP].len, civil,
						     &step, &rep->last_step_matches)) != MFA_OK)
				goto out;
			r = MFA_ERR_PARSE;
			if (rep->last_step_matches == 0) {
				mfa_parse_err_set(perr, lineno, 0,
						  "the last OTP is no code of the secret near its "
						  "time (edited by hand?)");
				goto out;
			}
			st->next = step + 1;
		}
	}
	*statep = st;
	st = NULL;
	r = MFA_OK;
out:
	mfa_wipe(code, sizeof(code));
	mfa_state_free(&st);
	return r;
}

int
mfa_import_oath_user_report(const char *buf, size_t len, const char *file, const char *user,
			    struct mfa_state **statep, struct mfa_import_oath_report *reportp,
			    struct mfa_parse_err *perr)
{
	struct mfa_import_oath_report rep;
	struct mfa_state *st = NULL;
	const char *p = buf, *end = buf + len;
	unsigned lineno = 0;
	int r = MFA_ERR_PARSE;

	mfa_parse_err_init(perr, file);
	memset(&rep, 0, sizeof(rep));
	if (statep != NULL)
		*statep = NULL;
	if (reportp != NULL)
		memset(reportp, 0, sizeof(*reportp));
	if (buf == NULL || statep == NULL || user == NULL || user[0] == '\0')
		return MFA_ERR_INVALID_ARG;
	if (len > MFA_IMPORT_OATH_MAX_BYTES) {
		mfa_parse_err_set(perr, 0, 0, "file is larger than %u bytes",
				  MFA_IMPORT_OATH_MAX_BYTES);
		return MFA_ERR_TOO_LARGE;
	}

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t linelen = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		struct oath_field_text f[F_COUNT + 1];
		const struct oath_token_type *type;
		size_t n;

		lineno++;
		if (memchr(p, '\0', linelen) != NULL) {
			mfa_parse_err_set(perr, lineno, 0, "line holds a NUL byte");
			goto out;
		}
		n = oath_split(p, linelen, f);
		p = nl != NULL ? nl + 1 : end;
		/* Blank lines, comments, other users' lines: liboath skips them too. */
		if (n == 0 || f[F_TYPE].p[0] == '#' || n <= F_USER ||
		    !oath_field_is(&f[F_USER], user))
			continue;
		if ((type = oath_type_lookup(&f[F_TYPE])) == NULL) {
			mfa_parse_err_set(perr, lineno, 0,
					  "unknown token type for the user (liboath ignores this "
					  "line)");
			goto out;
		}
		if (st != NULL) {
			mfa_parse_err_set(
				perr, lineno, 0,
				"the user has a second token line (the first is line %u): "
				"liboath tries each, mfacover keeps one",
				rep.line);
			goto out;
		}
		if ((r = oath_entry(f, n, type, lineno, &st, &rep, perr)) != MFA_OK)
			goto out;
		r = MFA_ERR_PARSE;
		rep.line = lineno;
	}
	if (st == NULL) {
		mfa_parse_err_set(perr, 0, 0, "the user has no line");
		r = MFA_ERR_NOT_FOUND;
		goto out;
	}
	*statep = st;
	st = NULL;
	if (reportp != NULL)
		*reportp = rep;
	r = MFA_OK;
out:
	mfa_state_free(&st);
	return r;
}

int
mfa_import_oath_user(const char *buf, size_t len, const char *file, const char *user,
		     struct mfa_state **statep, struct mfa_parse_err *perr)
{
	return mfa_import_oath_user_report(buf, len, file, user, statep, NULL, perr);
}
