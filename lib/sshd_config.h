/*
 * sshd_config.h - the OpenSSH server configuration as sshd itself reads it
 * (modelled on OpenSSH 9.2p1 as built by Debian 12; docs/sshd-model.md).
 *
 * Three steps:
 *
 *  1. sshd_config_load() reads /etc/ssh/sshd_config under an audited root
 *     (root_fs), expands Include where it stands (globs, sorted; relative
 *     names are relative to /etc/ssh) and records every directive with its
 *     file and line and the chain of Match lines that governs it.  Whatever
 *     makes sshd refuse to start (unknown keyword, missing argument, bad
 *     value of a modelled keyword, bad Match criterion, bad CIDR, a
 *     global-only keyword inside a Match block, unterminated quote, include
 *     nesting deeper than sshd's 16 levels) fails the load with file, line
 *     and reason.  Keywords sshd accepts but ignores ("Deprecated option",
 *     "Unsupported option") load fine and are kept with `ignored` set.
 *
 *  2. sshd_config_evaluate() computes the effective settings for one
 *     connection (user, groups, host, address, local address and port) the
 *     way sshd does: a global pass and a Match pass, "the first value
 *     obtained wins" inside each, Match values override global ones, list
 *     keywords (Allow/Deny Users/Groups) accumulate, and compiled-in
 *     defaults fill the rest.  Every value carries its evidence.
 *
 *  3. sshd_login_routes() turns the effective settings into the ways a user
 *     can log in (see the contract before that function).
 *
 * sshd_config_address_classes() lists representative remote and local
 * endpoints so that evaluating each covers every Match distinction.
 *
 * Nothing here prints, exits or touches files outside the root_fs layer.
 */
#ifndef SSHD_CONFIG_H
#define SSHD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "mfa_err.h"

#define SSHD_CONFIG_MAX_DEPTH 16              /* servconf.c SERVCONF_MAX_DEPTH */
#define SSHD_CONFIG_MAX_BYTES (1024u * 1024u) /* per file */
#define SSHD_CONFIG_MAX_FILES 1024u           /* files parsed, includes counted each time */
#define SSHD_CONFIG_MAX_DIRECTIVES 100000u
#define SSHD_CONFIG_SSHDIR "/etc/ssh" /* where relative Include names start */

#define SSHD_NO_MATCH ((size_t)-1)

/* One criterion of a Match line. */
enum sshd_match_kind {
	SSHD_MATCH_ALL = 0,
	SSHD_MATCH_USER,
	SSHD_MATCH_GROUP,
	SSHD_MATCH_HOST,
	SSHD_MATCH_ADDRESS,
	SSHD_MATCH_LOCALADDRESS,
	SSHD_MATCH_LOCALPORT,
	SSHD_MATCH_RDOMAIN,
};

struct sshd_match_criterion {
	enum sshd_match_kind kind;
	char *arg; /* pattern list as written; NULL for All */
	int port;  /* LocalPort only */
};

/* A Match line.  Its block lasts until the next Match or the end of its file. */
struct sshd_match {
	const char *file; /* owned by the config (files[]) */
	unsigned line;
	char *text; /* the line as written, trimmed */
	struct sshd_match_criterion *crit;
	size_t ncrit;
	bool all; /* "Match All" */
	/*
	 * The Match governing the Include that brought this line's file in,
	 * or SSHD_NO_MATCH.  A directive applies when its Match and every
	 * parent match (Include inside Match applies under that Match).
	 */
	size_t parent;
};

struct sshd_directive {
	const char *file; /* owned by the config */
	unsigned line;
	const char *keyword; /* canonical lower-case name ("kbdinteractiveauthentication") */
	char *text;          /* the whole line, trimmed */
	char **argv;         /* arguments after sshd's quote handling */
	size_t argc;
	int setting;    /* enum sshd_setting in sshd_config.c; internal */
	bool global;    /* keyword not allowed inside Match */
	bool ignored;   /* deprecated / unsupported: sshd logs and ignores it */
	size_t match;   /* governing Match line, or SSHD_NO_MATCH */
	unsigned depth; /* 0 in the main file */
};

struct sshd_config {
	char **files; /* every file read, in order (paths inside the root) */
	size_t nfiles;
	struct sshd_directive *dirs; /* every directive, Include and Match lines too, in order */
	size_t ndirs;
	struct sshd_match *matches;
	size_t nmatches;
};

/*
 * Load `path` (normally "/etc/ssh/sshd_config") under the root open at
 * rootfd.  Errors: MFA_ERR_NOT_FOUND when the main file does not exist
 * (the caller says "sshd not configured"); MFA_ERR_PARSE with file, line
 * and reason; MFA_ERR_TOO_DEEP for include nesting past
 * SSHD_CONFIG_MAX_DEPTH (an include loop ends there, as in sshd);
 * MFA_ERR_TOO_LARGE; MFA_ERR_NOMEM; MFA_ERR_IO; MFA_ERR_UNSAFE_FILE (main
 * file only); MFA_ERR_INVALID_ARG.
 */
int sshd_config_load(int rootfd, const char *path, struct sshd_config **cfgp,
		     struct mfa_parse_err *perr);

/* Free a config and NULL the caller's pointer.  Accepts NULL. */
void sshd_config_free(struct sshd_config **cfgp);

/*
 * The connection to evaluate, like `sshd -T -C user=,host=,addr=,laddr=,
 * lport=`.  A NULL field (lport -1) makes criteria on it false, as sshd
 * does in test mode.  groups: the user's primary and supplementary group
 * names.  host: what sshd matches Host against; with UseDNS no (the
 * default) sshd uses the address text, so pass addr again (the address
 * classes below do).
 */
struct sshd_match_ctx {
	const char *user;
	const char *const *groups;
	size_t ngroups;
	const char *host;
	const char *addr;
	const char *laddr;
	int lport;
	const char *rdomain;
};

/* Where a value came from: file == NULL means sshd's compiled-in default. */
struct sshd_evidence {
	const char *file; /* borrowed from the config */
	unsigned line;
	const char *text; /* the directive line, or a description of the default */
};

struct sshd_flag {
	bool value;
	struct sshd_evidence ev;
};

enum sshd_permit_root {
	SSHD_ROOT_YES = 0,
	SSHD_ROOT_PROHIBIT_PASSWORD, /* also "without-password" */
	SSHD_ROOT_FORCED_COMMANDS_ONLY,
	SSHD_ROOT_NO,
};

enum sshd_method {
	SSHD_METHOD_NONE = 0, /* "none": an empty password (PermitEmptyPasswords) */
	SSHD_METHOD_PUBLICKEY,
	SSHD_METHOD_PASSWORD,
	SSHD_METHOD_KBDINT, /* keyboard-interactive */
	SSHD_METHOD_HOSTBASED,
	SSHD_METHOD_GSSAPI, /* gssapi-with-mic */
};

struct sshd_auth_method {
	enum sshd_method method;
	char *submethod; /* "pam" in keyboard-interactive:pam; NULL if none */
};

/* One AuthenticationMethods list: every method must succeed, in order. */
struct sshd_auth_chain {
	struct sshd_auth_method *methods;
	size_t n;
	char *text; /* as written */
};

struct sshd_auth_methods {
	bool any; /* "any" or unset: one enabled method suffices */
	struct sshd_auth_chain *chains;
	size_t nchains;
	struct sshd_evidence ev;
};

struct sshd_strlist {
	char **v;
	size_t n;
	struct sshd_evidence *ev; /* per entry (Allow/Deny lists accumulate) */
};

struct sshd_effective {
	struct sshd_flag use_pam;
	struct {
		enum sshd_permit_root value;
		struct sshd_evidence ev;
	} permit_root_login;
	struct sshd_flag password_authentication;
	struct sshd_flag kbd_interactive_authentication; /* ChallengeResponse... is an alias */
	struct sshd_flag pubkey_authentication;
	struct sshd_flag hostbased_authentication;
	struct sshd_flag gssapi_authentication;
	struct sshd_flag kerberos_authentication; /* password checked by Kerberos first */
	struct sshd_flag permit_empty_passwords;
	struct sshd_flag use_dns;
	struct sshd_auth_methods authentication_methods;
	struct {
		const char *value; /* always "sshd": OpenSSH 9.2 has no PAMServiceName */
		struct sshd_evidence ev;
	} pam_service_name;
	struct {
		bool touch_required;
		bool verify_required;
		struct sshd_evidence ev;
	} pubkey_auth_options;
	struct {
		char **algs; /* resolved list, sshd -T order */
		size_t n;
		bool only_sk; /* every accepted algorithm is a FIDO (sk-) one */
		struct sshd_evidence ev;
	} pubkey_accepted_algorithms;
	struct {
		char **files; /* as written: %h, %u, %% not expanded */
		size_t n;
		struct sshd_evidence ev;
	} authorized_keys_files;
	struct sshd_strlist allow_users, deny_users, allow_groups, deny_groups;
	struct {
		bool allowed;            /* Allow/Deny Users/Groups let this user in */
		char why[256];           /* when not allowed */
		struct sshd_evidence ev; /* the entry that decided, or default */
	} login_allowed;
};

/*
 * Evaluate cfg for ctx into *out (caller-owned; free with
 * sshd_effective_clear).  The evidence borrows strings from cfg: keep cfg
 * alive while out is used.  Errors: MFA_ERR_INVALID_ARG, MFA_ERR_NOMEM,
 * MFA_ERR_PARSE (never for a config that loaded; kept for safety).
 */
int sshd_config_evaluate(const struct sshd_config *cfg, const struct sshd_match_ctx *ctx,
			 struct sshd_effective *out, struct mfa_parse_err *perr);

/* Free what evaluate allocated and zero *eff.  Accepts NULL. */
void sshd_effective_clear(struct sshd_effective *eff);

/* "yes", "prohibit-password", "forced-commands-only", "no". */
const char *sshd_permit_root_name(enum sshd_permit_root v);

/* "none", "publickey", "password", "keyboard-interactive", "hostbased", "gssapi-with-mic". */
const char *sshd_method_name(enum sshd_method m);

/* ---- login routes ------------------------------------------------------ */

/*
 * What a step proves by itself.  The auditor combines it with the PAM
 * analysis as follows (this is the contract):
 *
 *  - SSHD_STEP_PAM: the step succeeds exactly when the PAM auth stack of
 *    service pam_service_name ("sshd") succeeds.  The step contributes a
 *    second factor only if that stack requires one.  For `password` the
 *    conversation answers every echo-off prompt with the one password the
 *    client sent and fails on any echo-on prompt, so a module that asks
 *    its own OTP question can only succeed if it accepts the code appended
 *    to the password (or is skipped); for `keyboard-interactive` each PAM
 *    prompt goes to the client.  For `none` the password is empty.
 *    `may_bypass_pam` (password with KerberosAuthentication yes): a
 *    Kerberos password check can succeed without PAM's auth stack: count
 *    the step as one knowledge factor.
 *  - SSHD_STEP_KNOWLEDGE: sshd checks the password itself (UsePAM no): one
 *    factor, PAM's auth stack never runs.
 *  - SSHD_STEP_POSSESSION: a private key (publickey): one factor.
 *  - SSHD_STEP_POSSESSION_VERIFIED: publickey where only FIDO sk- keys are
 *    accepted and PubkeyAuthOptions verify-required: the authenticator
 *    verifies the user (PIN/biometric): two factors by itself.
 *  - SSHD_STEP_HOST: hostbased: trust in the client host, one factor.
 *  - SSHD_STEP_KERBEROS: gssapi-with-mic: a Kerberos ticket, one factor.
 *
 * A route has a second factor when its steps together give two distinct
 * factors: two possession steps (publickey,publickey) do not count as two,
 * a POSSESSION step plus a PAM step whose stack requires a second factor
 * does.  UsePAM yes also runs PAM's account and session stacks on every
 * route; they never add a factor.  Routes the configuration makes
 * impossible are listed in `dropped` with the reason, as evidence.
 */
enum sshd_step_kind {
	SSHD_STEP_PAM = 0,
	SSHD_STEP_KNOWLEDGE,
	SSHD_STEP_POSSESSION,
	SSHD_STEP_POSSESSION_VERIFIED,
	SSHD_STEP_HOST,
	SSHD_STEP_KERBEROS,
};

struct sshd_route_step {
	enum sshd_method method;
	const char *submethod; /* borrowed from eff, or NULL */
	enum sshd_step_kind kind;
	bool reaches_pam_auth;        /* PAM's auth stack decides this step */
	bool password_to_all_prompts; /* password method: see above */
	bool may_bypass_pam;          /* KerberosAuthentication yes */
	unsigned factors;             /* factors sshd itself verifies: 0 for PAM steps */
	struct sshd_evidence ev;      /* the keyword that enables the method */
};

struct sshd_route {
	struct sshd_route_step *steps;
	size_t n;
	struct sshd_evidence ev; /* AuthenticationMethods, or the enabling keyword */
};

struct sshd_dropped_route {
	char *text;   /* "publickey,password" */
	char *reason; /* "PasswordAuthentication no (/etc/ssh/sshd_config:12)" */
};

struct sshd_routes {
	bool login_denied; /* Allow/Deny lists refuse this user: no route at all */
	struct sshd_route *routes;
	size_t n;
	struct sshd_dropped_route *dropped;
	size_t ndropped;
};

/*
 * The ways a user may log in under eff.  user_is_root: uid 0 (PermitRootLogin
 * applies).  *out is caller-owned; free with sshd_routes_clear.  out borrows
 * from eff (and so from the config).  Errors: MFA_ERR_INVALID_ARG,
 * MFA_ERR_NOMEM.
 */
int sshd_login_routes(const struct sshd_effective *eff, bool user_is_root, struct sshd_routes *out);

void sshd_routes_clear(struct sshd_routes *routes);

/* ---- address classes ----------------------------------------------------- */

struct sshd_endpoint_class {
	char *addr;  /* remote: address; local: local address */
	char *host;  /* remote only: what to pass as ctx.host */
	int port;    /* local only: local port, or -1 */
	char *label; /* "matches Match Address 10.0.0.0/8 (/etc/ssh/sshd_config:30)" */
};

/*
 * Representative endpoints: evaluating every (remote, local) pair covers
 * every distinction that Match Address/Host/LocalAddress/LocalPort and
 * Allow/DenyUsers user@host entries make (each criterion depends on one
 * side only, so the cross product is enough).  The first remote class is
 * an address outside every range when there is one.  Errors:
 * MFA_ERR_INVALID_ARG, MFA_ERR_NOMEM, MFA_ERR_TOO_LARGE.
 */
struct sshd_address_classes {
	struct sshd_endpoint_class *remote;
	size_t nremote;
	struct sshd_endpoint_class *local;
	size_t nlocal;
};

int sshd_config_address_classes(const struct sshd_config *cfg, struct sshd_address_classes *out,
				struct mfa_parse_err *perr);

void sshd_address_classes_clear(struct sshd_address_classes *c);

#endif /* SSHD_CONFIG_H */
