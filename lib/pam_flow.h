/*
 * pam_flow.h - every way a PAM stack can end, found by walking it as
 * Linux-PAM's dispatcher does (libpam/pam_dispatch.c, _pam_dispatch_aux).
 *
 * A service's stack of one type is first laid out as libpam lays it out
 * (pam_flow_build): include and @include are spliced in at the same level;
 * a substack line becomes a marker and its lines one level deeper; an
 * include whose file is missing, and a broken line, become handlers that
 * always fail.  Then pam_flow_analyse explores every combination of module
 * results the caller's oracle allows, with libpam's rules for impression
 * and status: ok/done only make a positive impression while nothing failed
 * before, done and die end the stack (or, inside a substack, only the
 * substack), bad marks it failed, reset restores the state from where the
 * current substack began, a jump skips that many lines of its own level (a
 * whole substack counting as one) and a jump past the end is an error; a
 * success that no module granted is no success.
 *
 * Each module result may carry factors (FLOW_FACTOR_*): the analysis says
 * whether PAM_SUCCESS can be reached without a given factor, and gives one
 * such path, line by line, as the witness.
 */
#ifndef MFA_PAM_FLOW_H
#define MFA_PAM_FLOW_H

#include <stdbool.h>
#include <stddef.h>

#include "mfa_err.h"
#include "pam_conf.h"
#include "pam_services.h"

#define PAM_FLOW_MAX_HANDLERS 4096
#define PAM_FLOW_MAX_LEVEL 16
#define PAM_FLOW_MAX_OUTCOMES PAM_CONF_NRETVALS
/* States explored before the analysis gives up (MFA_ERR_TOO_LARGE). */
#define PAM_FLOW_MAX_STATES 200000

/* Factors a module's success can establish. */
#define FLOW_FACTOR_SECOND 0x1u    /* a second-factor module verified a factor */
#define FLOW_FACTOR_KNOWLEDGE 0x2u /* a password module verified a password */

enum pam_handler_kind {
	PAM_HANDLER_MODULE = 0,
	PAM_HANDLER_MUST_FAIL, /* broken line, or include of a missing file */
	PAM_HANDLER_SUBSTACK,  /* the marker before a substack's lines */
};

struct pam_handler {
	enum pam_handler_kind kind;
	unsigned level; /* substack nesting */
	int actions[PAM_CONF_NRETVALS];
	char module[64]; /* "pam_unix"; "" for markers and failures */
	const struct pam_file *file;
	const struct pam_conf_line *line;
	const char *why_fails; /* for PAM_HANDLER_MUST_FAIL */
};

struct pam_program {
	struct pam_handler *h;
	size_t n;
	bool from_other; /* the service has no lines of this type: "other"'s */
};

/* Lay out `type` of service `service` as libpam would. */
int pam_flow_build(const struct pam_host *host, size_t service, enum pam_type type,
		   struct pam_program *out, struct mfa_parse_err *perr);

/* Free a program's handlers.  Accepts NULL. */
void pam_program_clear(struct pam_program *p);

/* One thing a module may return, and what its success would establish. */
struct pam_outcome {
	int retval;       /* a PAM return code, 0..31 */
	unsigned factors; /* FLOW_FACTOR_* established when it returns this */
	const char *note; /* why this result is possible ("nullok: not enrolled") */
};

/*
 * The results a module line may have for the case being analysed: fill
 * out[0..n-1] and return n (at most PAM_FLOW_MAX_OUTCOMES).
 */
typedef size_t (*pam_flow_oracle)(const struct pam_handler *h, void *ctx, struct pam_outcome *out);

/* One handler on a path and what happened there. */
struct pam_flow_step {
	size_t handler;
	int retval;
	int action;
	unsigned factors;
	const char *note;
};

struct pam_flow_result {
	bool can_succeed;
	/* For each FLOW_FACTOR_* bit: can PAM_SUCCESS be reached without it? */
	unsigned success_without; /* bits of factors some success path lacks */
	/* A success path lacking `want` (see pam_flow_analyse), or NULL. */
	struct pam_flow_step *witness;
	size_t nwitness;
	size_t states;
};

/*
 * Explore every path.  `want` names the factors whose absence the caller
 * wants a witness for (e.g. FLOW_FACTOR_SECOND): the first success path
 * found without all of them is kept in out->witness.
 */
int pam_flow_analyse(const struct pam_program *p, pam_flow_oracle oracle, void *ctx, unsigned want,
		     struct pam_flow_result *out);

/* Free a result's witness.  Accepts NULL. */
void pam_flow_result_clear(struct pam_flow_result *r);

/*
 * The results the analysis assumes for modules that are not second
 * factors, by name: pam_permit succeeds, pam_deny fails, pam_rootok
 * succeeds only when `caller_is_root`, password modules (pam_unix,
 * pam_sss, ...) succeed with FLOW_FACTOR_KNOWLEDGE or fail, condition
 * modules (pam_succeed_if, pam_access, ...) go either way, modules that do
 * not authenticate (pam_env, ...) succeed or are ignored, and anything
 * unknown may return anything.  Returns the number filled.
 */
size_t pam_flow_default_outcomes(const char *module, bool caller_is_root, struct pam_outcome *out);

/* "PAM_SUCCESS", "PAM_AUTH_ERR", ... for reports. */
const char *pam_flow_retval_name(int retval);

#endif /* MFA_PAM_FLOW_H */
