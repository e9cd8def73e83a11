/*
 * pam_conf.h - parse one PAM configuration file (a /etc/pam.d file or
 * /etc/pam.conf) with Linux-PAM's own rules.
 *
 * The parser takes bytes, not a path: it does no I/O, never prints and never
 * exits.  It follows libpam/pam_handlers.c (line assembly, tokens, types,
 * simple controls, include/substack), pam_misc.c (`[...]` words with `\]`,
 * _pam_parse_control) and Debian's `@include NAME` extension.
 *
 * Malformed lines.  Linux-PAM does not reject a file for a bad line: it
 * installs the line as a handler that always fails (PAM_HT_MUST_FAIL) or,
 * for a bad `[...]` control, with every action set to "bad".  The parser
 * does the same: it never stops at a malformed line; it records the line
 * with `broken` set to a reason and with the action table Linux-PAM would
 * use, and counts it in `nbroken`.  pam_conf_first_broken() turns the first
 * such line into MFA_ERR_PARSE plus file, line and reason in a struct
 * mfa_parse_err, which is how the auditor says "file X line N is malformed".
 * A few constructs that Linux-PAM tolerates silently are also marked broken
 * because their meaning differs from how they read (see pam_conf.c).
 *
 * Only the size caps and allocation failure make pam_conf_parse() fail.
 */
#ifndef PAM_CONF_H
#define PAM_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "mfa_err.h"

/* Size caps: a larger input is refused with MFA_ERR_TOO_LARGE. */
#define PAM_CONF_MAX_BYTES (256u * 1024u)
#define PAM_CONF_MAX_LINES 10000u /* physical lines */

/* How lines start: a pam.d file, or pam.conf with a service field first. */
enum pam_conf_mode {
	PAM_CONF_MODE_PAMD = 0,
	PAM_CONF_MODE_PAMCONF = 1,
};

/* Module types.  PAM_TYPE_NONE: an `@include` line or an unknown type. */
enum pam_type {
	PAM_TYPE_NONE = 0,
	PAM_TYPE_AUTH,
	PAM_TYPE_ACCOUNT,
	PAM_TYPE_PASSWORD,
	PAM_TYPE_SESSION,
};

enum pam_line_kind {
	PAM_LINE_MODULE = 0, /* TYPE CONTROL MODULE [ARGS...] */
	PAM_LINE_INCLUDE,    /* TYPE include FILE */
	PAM_LINE_SUBSTACK,   /* TYPE substack FILE */
	PAM_LINE_AT_INCLUDE, /* @include FILE (Debian): every type of FILE */
};

enum pam_control {
	PAM_CONTROL_NONE = 0, /* @include lines, or no control word at all */
	PAM_CONTROL_REQUIRED,
	PAM_CONTROL_REQUISITE,
	PAM_CONTROL_SUFFICIENT,
	PAM_CONTROL_OPTIONAL,
	PAM_CONTROL_INCLUDE,
	PAM_CONTROL_SUBSTACK,
	PAM_CONTROL_BRACKET, /* [value=action ...] */
	PAM_CONTROL_INVALID, /* an unknown word: Linux-PAM sets every action to bad */
};

/*
 * Actions, encoded as Linux-PAM encodes them: a value > 0 is a jump over
 * that many following lines of the stack, the others are these.
 */
enum pam_action {
	PAM_ACTION_IGNORE = 0,
	PAM_ACTION_OK = -1,
	PAM_ACTION_DONE = -2,
	PAM_ACTION_BAD = -3,
	PAM_ACTION_DIE = -4,
	PAM_ACTION_RESET = -5,
	PAM_ACTION_UNDEF = -6, /* include, substack and @include lines only */
};

/*
 * Return values a control can name, in the order of Linux-PAM's
 * _pam_token_returns (the index is the PAM return code), then "default".
 */
#define PAM_CONF_NRETVALS 32
#define PAM_CONF_RETVAL_DEFAULT PAM_CONF_NRETVALS /* "default" in a control */
#define PAM_CONF_MAX_JUMP 10000

struct pam_conf_line {
	const char *file; /* the file name given to the parser */
	unsigned line;    /* physical line where the logical line starts */
	char *service;    /* pam.conf mode: the service field; else NULL */
	enum pam_line_kind kind;
	enum pam_type type;
	bool silent; /* `-` before the type: skip if module missing */
	enum pam_control control;
	char *control_text;             /* the control as written ("required", "[...]") */
	int actions[PAM_CONF_NRETVALS]; /* what each return value does;
					 * UNDEF for include lines (no handler) */
	char *module;                   /* module path, or the include target */
	char **argv;                    /* NULL-terminated; argc entries */
	size_t argc;
	char *broken; /* NULL, or why Linux-PAM makes this line fail */
};

struct pam_conf {
	char *file;
	enum pam_conf_mode mode;
	struct pam_conf_line *lines;
	size_t nlines;
	size_t nbroken; /* lines with broken != NULL */
};

/*
 * Parse len bytes at buf (need not be NUL-terminated) read from `file`
 * (used for locations only).  On success *confp owns the result.
 * Errors: MFA_ERR_INVALID_ARG, MFA_ERR_TOO_LARGE (perr says which cap),
 * MFA_ERR_NOMEM.  Malformed lines do not fail the parse (see above).
 */
int pam_conf_parse(const char *buf, size_t len, const char *file, enum pam_conf_mode mode,
		   struct pam_conf **confp, struct mfa_parse_err *perr);

/* Free a parse result and NULL the caller's pointer.  Accepts NULL. */
void pam_conf_free(struct pam_conf **confp);

/*
 * 0 when no line is broken; else MFA_ERR_PARSE with perr set to the first
 * broken line's file, line and reason.
 */
int pam_conf_first_broken(const struct pam_conf *conf, struct mfa_parse_err *perr);

/* "auth", "account", "password", "session", or "?" for PAM_TYPE_NONE. */
const char *pam_type_name(enum pam_type type);

/* "required", ..., "[...]" for BRACKET, "" for NONE. */
const char *pam_control_name(enum pam_control control);

/* "ignore", "ok", "done", "bad", "die", "reset"; "jump" for values > 0. */
const char *pam_action_name(int action);

/* Linux-PAM's name of return value i ("success", ...), "default" for 32. */
const char *pam_retval_name(size_t i);

/*
 * The module's name without directory and suffix, as Linux-PAM logs it:
 * "/lib/security/pam_unix.so" -> "pam_unix".  Writes at most outsz bytes.
 */
void pam_module_basename(const char *module, char *out, size_t outsz);

#endif /* PAM_CONF_H */
