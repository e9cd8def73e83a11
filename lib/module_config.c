/*
 * module_config.c - strict parsing of pam_mfacover's module arguments.
 */
#include "module_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "factor.h"

#include "num.h"
#include "otp.h"
#include "store_dir.h"

enum arg_id {
	A_STORE,
	A_ONLY,
	A_NULLOK,
	A_WINDOW,
	A_DIGITS,
	A_STEP,
	A_PROMPT,
	A_INPUT,
	A_USE_FIRST_PASS,
	A_TRY_FIRST_PASS,
	A_LOCKOUT,
	A_DEBUG,
	A_FACTORS,
	A_ORIGIN,
	A_APPID,
	A_UV,
	A_COUNT
};

struct arg_spec {
	const char *name;
	bool takes_value;
};

static const struct arg_spec arg_specs[A_COUNT] = {
	[A_STORE] = {"store", true},
	[A_ONLY] = {"only", true},
	[A_NULLOK] = {"nullok", false},
	[A_WINDOW] = {"window", true},
	[A_DIGITS] = {"digits", true},
	[A_STEP] = {"step", true},
	[A_PROMPT] = {"prompt", true},
	[A_INPUT] = {"input", true},
	[A_USE_FIRST_PASS] = {"use_first_pass", false},
	[A_TRY_FIRST_PASS] = {"try_first_pass", false},
	[A_LOCKOUT] = {"lockout", true},
	[A_DEBUG] = {"debug", false},
	[A_FACTORS] = {"factors", true},
	[A_ORIGIN] = {"origin", true},
	[A_APPID] = {"appid", true},
	[A_UV] = {"uv", true},
};

_Static_assert(sizeof(arg_specs) / sizeof(arg_specs[0]) == A_COUNT, "one spec per argument");

const char *const mfa_module_config_names[] = {
	"store",   "only",   "nullok",  "window",         "digits",
	"step",    "prompt", "input",   "use_first_pass", "try_first_pass",
	"lockout", "debug",  "factors", "origin",         "appid",
	"uv",      NULL,
};

_Static_assert(sizeof(mfa_module_config_names) / sizeof(mfa_module_config_names[0]) == A_COUNT + 1,
	       "mfa_module_config_names lists every argument");

static const char *const input_mode_names[] = {
	[MFA_INPUT_PROMPT] = "prompt",
	[MFA_INPUT_APPEND] = "append",
	[MFA_INPUT_OPENVPN] = "openvpn",
	[MFA_INPUT_AUTO] = "auto",
};

const char *
mfa_input_mode_name(enum mfa_input_mode mode)
{
	if ((size_t)mode >= sizeof(input_mode_names) / sizeof(input_mode_names[0]))
		return "?";
	return input_mode_names[mode];
}

void
mfa_module_config_defaults(struct mfa_module_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->store_dir, sizeof(cfg->store_dir), "%s", MFA_STORE_DEFAULT_DIR);
	cfg->digits = MFA_OTP_DIGITS_DEFAULT;
	cfg->step = MFA_OTP_PERIOD_DEFAULT;
	snprintf(cfg->prompt, sizeof(cfg->prompt), "%s", MFA_CONFIG_DEFAULT_PROMPT);
	cfg->input = MFA_INPUT_PROMPT;
	cfg->lockout_failures = MFA_CONFIG_DEFAULT_LOCKOUT_FAILURES;
	cfg->lockout_seconds = MFA_CONFIG_DEFAULT_LOCKOUT_SECONDS;
	cfg->factors[0] = MFA_FACTOR_FIDO2;
	cfg->factors[1] = MFA_FACTOR_TOTP;
	cfg->factors[2] = MFA_FACTOR_HOTP;
	cfg->factors[3] = MFA_FACTOR_RECOVERY;
	cfg->nfactors = 4;
}

static const struct {
	const char *name;
	unsigned bit;
} factor_names[] = {
	{"fido2", MFA_FACTOR_FIDO2},
	{"totp", MFA_FACTOR_TOTP},
	{"hotp", MFA_FACTOR_HOTP},
	{"recovery", MFA_FACTOR_RECOVERY},
};

const char *
mfa_factor_bit_name(unsigned bit)
{
	size_t i;

	for (i = 0; i < sizeof(factor_names) / sizeof(factor_names[0]); i++)
		if (factor_names[i].bit == bit)
			return factor_names[i].name;
	return "?";
}

unsigned
mfa_module_config_factor_bits(const struct mfa_module_config *cfg)
{
	unsigned bits = 0;
	size_t i;

	for (i = 0; i < cfg->nfactors; i++)
		bits |= cfg->factors[i];
	return bits;
}

bool
mfa_module_config_fido2_first(const struct mfa_module_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nfactors; i++) {
		if (cfg->factors[i] == MFA_FACTOR_FIDO2)
			return true;
		if ((cfg->factors[i] & MFA_FACTOR_CODES) != 0)
			return false;
	}
	return false;
}

int
mfa_module_config_rp_ids(const struct mfa_module_config *cfg, char *origin, size_t originsz,
			 char *appid, size_t appidsz)
{
	char host[256];
	int n;

	if (cfg->origin[0] != '\0') {
		n = snprintf(origin, originsz, "%s", cfg->origin);
	} else {
		if (gethostname(host, sizeof(host)) != 0)
			return MFA_ERR_IO;
		host[sizeof(host) - 1] = '\0';
		n = snprintf(origin, originsz, "pam://%s", host);
	}
	if (n < 0 || (size_t)n >= originsz)
		return MFA_ERR_TOO_LARGE;
	n = snprintf(appid, appidsz, "%s", cfg->appid[0] != '\0' ? cfg->appid : origin);
	if (n < 0 || (size_t)n >= appidsz)
		return MFA_ERR_TOO_LARGE;
	return MFA_OK;
}

void
mfa_module_config_release(struct mfa_module_config *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->nonly_groups; i++) {
		free(cfg->only_groups[i]);
		cfg->only_groups[i] = NULL;
	}
	cfg->nonly_groups = 0;
}

unsigned
mfa_module_config_window(const struct mfa_module_config *cfg, bool hotp)
{
	if (cfg->window_set)
		return cfg->window;
	return hotp ? MFA_CONFIG_DEFAULT_HOTP_WINDOW : MFA_CONFIG_DEFAULT_TOTP_WINDOW;
}

static int
parse_number(const char *value, uint64_t min, uint64_t max, unsigned *out)
{
	uint64_t n;

	if (mfa_parse_u64(value, strlen(value), max, &n) != MFA_OK || n < min)
		return MFA_ERR_PARSE;
	*out = (unsigned)n;
	return MFA_OK;
}

static bool
group_name_valid(const char *g, size_t len)
{
	size_t i;

	if (len == 0 || len > 256)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)g[i];

		if (c <= 0x20 || c == 0x7f || c == ',' || c == ':')
			return false;
	}
	return true;
}

static int
parse_groups(struct mfa_module_config *cfg, const char *value)
{
	const char *p = value;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);

		if (!group_name_valid(p, len) || cfg->nonly_groups == MFA_CONFIG_GROUPS_MAX)
			return MFA_ERR_PARSE;
		if ((cfg->only_groups[cfg->nonly_groups] = strndup(p, len)) == NULL)
			return MFA_ERR_NOMEM;
		cfg->nonly_groups++;
		if (comma == NULL)
			return MFA_OK;
		p = comma + 1;
	}
}

static int
parse_lockout(struct mfa_module_config *cfg, const char *value)
{
	const char *slash = strchr(value, '/');
	uint64_t failures, seconds;

	if (slash == NULL ||
	    mfa_parse_u64(value, (size_t)(slash - value), 1000, &failures) != MFA_OK ||
	    failures == 0 ||
	    mfa_parse_u64(slash + 1, strlen(slash + 1), MFA_CONFIG_LOCKOUT_SECONDS_MAX, &seconds) !=
		    MFA_OK ||
	    seconds == 0)
		return MFA_ERR_PARSE;
	cfg->lockout_failures = (unsigned)failures;
	cfg->lockout_seconds = (unsigned)seconds;
	return MFA_OK;
}

static int
parse_input(struct mfa_module_config *cfg, const char *value)
{
	size_t i;

	for (i = 0; i < sizeof(input_mode_names) / sizeof(input_mode_names[0]); i++) {
		if (strcmp(value, input_mode_names[i]) == 0) {
			cfg->input = (enum mfa_input_mode)i;
			return MFA_OK;
		}
	}
	return MFA_ERR_PARSE;
}

static int
parse_prompt(struct mfa_module_config *cfg, const char *value)
{
	size_t i, len = strlen(value);

	if (len == 0 || len >= sizeof(cfg->prompt))
		return MFA_ERR_PARSE;
	for (i = 0; i < len; i++) {
		if ((unsigned char)value[i] < 0x20 || value[i] == 0x7f)
			return MFA_ERR_PARSE;
	}
	memcpy(cfg->prompt, value, len + 1);
	cfg->prompt_given = true;
	return MFA_OK;
}

static int
parse_store(struct mfa_module_config *cfg, const char *value)
{
	size_t len = strlen(value);

	if (strcmp(value, "home") == 0) {
		cfg->store_home = true;
		return MFA_OK;
	}
	if (value[0] != '/' || len >= sizeof(cfg->store_dir))
		return MFA_ERR_PARSE;
	memcpy(cfg->store_dir, value, len + 1);
	return MFA_OK;
}

static int
parse_factors(struct mfa_module_config *cfg, const char *value)
{
	const char *p = value;
	unsigned seen = 0;
	size_t i;

	cfg->nfactors = 0;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);

		for (i = 0; i < sizeof(factor_names) / sizeof(factor_names[0]); i++)
			if (strlen(factor_names[i].name) == len &&
			    strncmp(factor_names[i].name, p, len) == 0)
				break;
		if (i == sizeof(factor_names) / sizeof(factor_names[0]) ||
		    (seen & factor_names[i].bit) != 0)
			return MFA_ERR_PARSE;
		seen |= factor_names[i].bit;
		cfg->factors[cfg->nfactors++] = factor_names[i].bit;
		if (comma == NULL)
			return MFA_OK;
		p = comma + 1;
	}
}

/* A relying party ID: printable, no blanks, 1 to 255 bytes (pam_u2f takes any string). */
static int
parse_rp_id(char *out, size_t outsz, const char *value)
{
	size_t i, len = strlen(value);

	if (len == 0 || len >= outsz)
		return MFA_ERR_PARSE;
	for (i = 0; i < len; i++)
		if ((unsigned char)value[i] <= 0x20 || value[i] == 0x7f)
			return MFA_ERR_PARSE;
	memcpy(out, value, len + 1);
	return MFA_OK;
}

/* What each argument accepts, for the error message. */
static const char *const arg_expect[A_COUNT] = {
	[A_STORE] = "an absolute directory or \"home\"",
	[A_ONLY] = "group names separated by commas",
	[A_NULLOK] = "no value",
	[A_WINDOW] = "a number from 0 to 100",
	[A_DIGITS] = "6, 7 or 8",
	[A_STEP] = "seconds from 1 to 3600",
	[A_PROMPT] = "printable text of 1 to 255 bytes",
	[A_INPUT] = "prompt, append, openvpn or auto",
	[A_USE_FIRST_PASS] = "no value",
	[A_TRY_FIRST_PASS] = "no value",
	[A_LOCKOUT] = "FAILURES/SECONDS, e.g. 5/300",
	[A_DEBUG] = "no value",
	[A_FACTORS] = "fido2, totp, hotp, recovery, separated by commas, each once",
	[A_ORIGIN] = "printable text without blanks, 1 to 255 bytes, e.g. pam://host",
	[A_APPID] = "printable text without blanks, 1 to 255 bytes, e.g. pam://host",
	[A_UV] = "\"required\"",
};

static int
apply_arg(struct mfa_module_config *cfg, enum arg_id id, const char *value)
{
	switch (id) {
	case A_STORE:
		return parse_store(cfg, value);
	case A_ONLY:
		return parse_groups(cfg, value);
	case A_NULLOK:
		cfg->nullok = true;
		return MFA_OK;
	case A_WINDOW:
		cfg->window_set = true;
		return parse_number(value, 0, MFA_CONFIG_WINDOW_MAX, &cfg->window);
	case A_DIGITS:
		return parse_number(value, MFA_OTP_DIGITS_MIN, MFA_OTP_DIGITS_MAX, &cfg->digits);
	case A_STEP:
		return parse_number(value, 1, MFA_OTP_PERIOD_MAX, &cfg->step);
	case A_PROMPT:
		return parse_prompt(cfg, value);
	case A_INPUT:
		return parse_input(cfg, value);
	case A_USE_FIRST_PASS:
		cfg->use_first_pass = true;
		return MFA_OK;
	case A_TRY_FIRST_PASS:
		cfg->try_first_pass = true;
		return MFA_OK;
	case A_LOCKOUT:
		return parse_lockout(cfg, value);
	case A_DEBUG:
		cfg->debug = true;
		return MFA_OK;
	case A_FACTORS:
		return parse_factors(cfg, value);
	case A_ORIGIN:
		return parse_rp_id(cfg->origin, sizeof(cfg->origin), value);
	case A_APPID:
		return parse_rp_id(cfg->appid, sizeof(cfg->appid), value);
	case A_UV:
		if (strcmp(value, "required") != 0)
			return MFA_ERR_PARSE;
		cfg->uv_required = true;
		return MFA_OK;
	case A_COUNT:
		break;
	}
	return MFA_ERR_INTERNAL;
}

int
mfa_module_config_parse(struct mfa_module_config *cfg, int argc, const char **argv,
			struct mfa_parse_err *perr)
{
	bool seen[A_COUNT] = {false};
	int i, r;

	mfa_parse_err_init(perr, NULL);
	for (i = 0; i < argc; i++) {
		const char *arg = argv[i], *eq, *value = NULL;
		size_t namelen;
		int id;

		if (arg == NULL)
			continue;
		eq = strchr(arg, '=');
		namelen = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
		for (id = 0; id < A_COUNT; id++) {
			if (strlen(arg_specs[id].name) == namelen &&
			    strncmp(arg_specs[id].name, arg, namelen) == 0)
				break;
		}
		if (id == A_COUNT) {
			mfa_parse_err_set(perr, 0, 0, "unknown argument \"%.*s\" (argument %d)",
					  (int)(namelen > 64 ? 64 : namelen), arg, i + 1);
			r = MFA_ERR_PARSE;
			goto fail;
		}
		if (seen[id]) {
			mfa_parse_err_set(perr, 0, 0, "argument %s is given twice",
					  arg_specs[id].name);
			r = MFA_ERR_PARSE;
			goto fail;
		}
		seen[id] = true;
		if (arg_specs[id].takes_value != (eq != NULL)) {
			mfa_parse_err_set(perr, 0, 0, "argument %s %s", arg_specs[id].name,
					  arg_specs[id].takes_value ? "needs =VALUE"
								    : "takes no value");
			r = MFA_ERR_PARSE;
			goto fail;
		}
		if (eq != NULL)
			value = eq + 1;
		if ((r = apply_arg(cfg, (enum arg_id)id, value)) != MFA_OK) {
			if (r == MFA_ERR_PARSE)
				mfa_parse_err_set(perr, 0, 0, "argument %s must be %s",
						  arg_specs[id].name, arg_expect[id]);
			goto fail;
		}
	}
	if (cfg->use_first_pass && cfg->try_first_pass) {
		mfa_parse_err_set(perr, 0, 0,
				  "arguments use_first_pass and try_first_pass exclude each other");
		r = MFA_ERR_PARSE;
		goto fail;
	}
	if (cfg->input != MFA_INPUT_PROMPT &&
	    (mfa_module_config_factor_bits(cfg) & MFA_FACTOR_CODES) == 0) {
		/* The code part of the password would be checked by nothing. */
		mfa_parse_err_set(perr, 0, 0, "argument input=%s needs a code factor in factors=",
				  mfa_input_mode_name(cfg->input));
		r = MFA_ERR_PARSE;
		goto fail;
	}
	return MFA_OK;
fail:
	mfa_module_config_release(cfg);
	return r;
}
