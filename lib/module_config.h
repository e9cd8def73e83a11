/*
 * module_config.h - pam_mfacover's arguments: defaults, then the arguments
 * of the stack line.  Parsing is strict: an unknown argument, a malformed
 * value, or the same argument twice is refused, naming the argument, so the
 * module can fail closed with PAM_SERVICE_ERR.
 */
#ifndef MFA_MODULE_CONFIG_H
#define MFA_MODULE_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "mfa_err.h"

enum mfa_input_mode {
	MFA_INPUT_PROMPT = 0, /* ask through the PAM conversation */
	MFA_INPUT_APPEND,     /* the code is the last `digits` characters of the password */
	MFA_INPUT_OPENVPN,    /* SCRV1:<base64 password>:<base64 code> */
	MFA_INPUT_AUTO,       /* SCRV1 when the password has that form, else prompt */
};

#define MFA_CONFIG_GROUPS_MAX 32
#define MFA_CONFIG_PROMPT_MAX 256
#define MFA_CONFIG_WINDOW_MAX 100
#define MFA_CONFIG_DEFAULT_PROMPT "Verification code: "
#define MFA_CONFIG_DEFAULT_TOTP_WINDOW 1
#define MFA_CONFIG_DEFAULT_HOTP_WINDOW 10
#define MFA_CONFIG_DEFAULT_LOCKOUT_FAILURES 5
#define MFA_CONFIG_DEFAULT_LOCKOUT_SECONDS 300
#define MFA_CONFIG_LOCKOUT_SECONDS_MAX 86400
/* factors=: fido2, totp, hotp, recovery, each at most once. */
#define MFA_CONFIG_FACTORS_MAX 4
#define MFA_CONFIG_RP_ID_MAX 256 /* origin=, appid= */

struct mfa_module_config {
	char store_dir[PATH_MAX]; /* the central store; unused with store_home */
	bool store_home;          /* store=home: ~/.config/mfacover/token */
	char *only_groups[MFA_CONFIG_GROUPS_MAX];
	size_t nonly_groups; /* 0: every user is covered */
	bool nullok;
	bool window_set; /* window= given: it applies to TOTP and HOTP */
	unsigned window;
	unsigned digits; /* the digits tokens must have (6..8) */
	unsigned step;   /* the TOTP period tokens must have */
	char prompt[MFA_CONFIG_PROMPT_MAX];
	bool prompt_given; /* prompt= was given (append/openvpn ask with it) */
	enum mfa_input_mode input;
	bool use_first_pass;
	bool try_first_pass;
	unsigned lockout_failures;
	unsigned lockout_seconds;
	/*
	 * factors=: MFA_FACTOR_* bits (factor.h) in order of preference;
	 * default fido2, totp, hotp, recovery.
	 */
	unsigned factors[MFA_CONFIG_FACTORS_MAX];
	size_t nfactors;
	char origin[MFA_CONFIG_RP_ID_MAX]; /* "" : pam://HOSTNAME */
	char appid[MFA_CONFIG_RP_ID_MAX];  /* "" : the origin */
	bool uv_required;                  /* uv=required */
	bool debug;
};

/* Fill *cfg with the defaults (see docs/pam_mfacover.8). */
void mfa_module_config_defaults(struct mfa_module_config *cfg);

/*
 * Apply argc arguments over the defaults.  On error *cfg is released, and
 * perr->msg names the argument (by name only: a prompt= value is the
 * admin's text and is not secret, but nothing is quoted beyond the name).
 * Returns MFA_ERR_PARSE or MFA_ERR_NOMEM.
 */
int mfa_module_config_parse(struct mfa_module_config *cfg, int argc, const char **argv,
			    struct mfa_parse_err *perr);

/* The MFA_FACTOR_* bits of factors=, OR-ed. */
unsigned mfa_module_config_factor_bits(const struct mfa_module_config *cfg);

/*
 * true when factors= puts fido2 before every code factor (totp, hotp,
 * recovery): the security key is tried before a code is asked for.
 */
bool mfa_module_config_fido2_first(const struct mfa_module_config *cfg);

/*
 * The relying party IDs: origin= or "pam://" and this host's name, as
 * pam_u2f; appid= or the origin.  MFA_OK, or MFA_ERR_TOO_LARGE /
 * MFA_ERR_IO (no host name).
 */
int mfa_module_config_rp_ids(const struct mfa_module_config *cfg, char *origin, size_t originsz,
			     char *appid, size_t appidsz);

/* "fido2", "totp", "hotp", "recovery" for one MFA_FACTOR_* bit. */
const char *mfa_factor_bit_name(unsigned bit);

/* Free what parse allocated.  Accepts a config never parsed. */
void mfa_module_config_release(struct mfa_module_config *cfg);

/* The look-behind and look-ahead for a token of this kind. */
unsigned mfa_module_config_window(const struct mfa_module_config *cfg, bool hotp);

/* The argument names the parser knows, NULL-terminated (for docs checks). */
extern const char *const mfa_module_config_names[];

/* "prompt", "append", "openvpn", "auto". */
const char *mfa_input_mode_name(enum mfa_input_mode mode);

#endif /* MFA_MODULE_CONFIG_H */
