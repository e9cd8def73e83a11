/*
 * pam_flow.c - lay out a PAM stack as libpam does, and explore every path
 * through it with libpam's dispatch rules.
 */
#include "pam_flow.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <security/_pam_types.h>

/* libpam's code for a line that cannot run (PAM_MUST_FAIL_CODE). */
#define FLOW_MUST_FAIL_CODE PAM_PERM_DENIED

#define IMPRESSION_UNDEF 0
#define IMPRESSION_POSITIVE 1
#define IMPRESSION_NEGATIVE (-1)

/* ---- laying the stack out -------------------------------------------------- */

static int
emit(struct pam_program *p, size_t *cap, const struct pam_handler *h)
{
	if (p->n == PAM_FLOW_MAX_HANDLERS)
		return MFA_ERR_TOO_LARGE;
	if (p->n == *cap) {
		size_t ncap = *cap == 0 ? 32 : *cap * 2;
		struct pam_handler *nh = realloc(p->h, ncap * sizeof(*nh));

		if (nh == NULL)
			return MFA_ERR_NOMEM;
		p->h = nh;
		*cap = ncap;
	}
	p->h[p->n++] = *h;
	return MFA_OK;
}

static void
all_actions(int actions[PAM_CONF_NRETVALS], int action)
{
	size_t i;

	for (i = 0; i < PAM_CONF_NRETVALS; i++)
		actions[i] = action;
}

struct layout {
	const struct pam_host *host;
	enum pam_type type;
	struct pam_program *p;
	size_t cap;
	struct mfa_parse_err *perr;
};

static int
lay_out(struct layout *lo, size_t file, const char *service, unsigned level, unsigned depth)
{
	const struct pam_file *f = &lo->host->files[file];
	size_t i;
	int r;

	if (depth > PAM_SERVICES_MAX_DEPTH || level > PAM_FLOW_MAX_LEVEL) {
		mfa_parse_err_init(lo->perr, f->path);
		mfa_parse_err_set(lo->perr, 0, 0, "includes and substacks nest too deep");
		return MFA_ERR_TOO_DEEP;
	}
	if (f->conf == NULL)
		return MFA_OK;
	for (i = 0; i < f->conf->nlines; i++) {
		const struct pam_conf_line *l = &f->conf->lines[i];
		size_t target = f->targets != NULL ? f->targets[i] : PAM_NO_FILE;
		struct pam_handler h;

		/* pam.conf: only this service's lines. */
		if (service != NULL && l->service != NULL && strcasecmp(l->service, service) != 0)
			continue;
		if (l->kind != PAM_LINE_AT_INCLUDE && l->type != lo->type)
			continue;
		memset(&h, 0, sizeof(h));
		h.level = level;
		h.file = f;
		h.line = l;
		if (l->broken != NULL) {
			/* libpam installs it to fail, with the actions it could parse. */
			h.kind = PAM_HANDLER_MUST_FAIL;
			memcpy(h.actions, l->actions, sizeof(h.actions));
			h.why_fails = l->broken;
			if ((r = emit(lo->p, &lo->cap, &h)) != MFA_OK)
				return r;
			continue;
		}
		switch (l->kind) {
		case PAM_LINE_AT_INCLUDE:
		case PAM_LINE_INCLUDE:
		case PAM_LINE_SUBSTACK:
			if (target == PAM_NO_FILE) {
				h.kind = PAM_HANDLER_MUST_FAIL;
				all_actions(h.actions, PAM_ACTION_BAD);
				h.why_fails = "the included file does not exist";
				if ((r = emit(lo->p, &lo->cap, &h)) != MFA_OK)
					return r;
				break;
			}
			if (l->kind == PAM_LINE_SUBSTACK) {
				h.kind = PAM_HANDLER_SUBSTACK;
				all_actions(h.actions, PAM_ACTION_IGNORE);
				if ((r = emit(lo->p, &lo->cap, &h)) != MFA_OK ||
				    (r = lay_out(lo, target, NULL, level + 1, depth + 1)) != MFA_OK)
					return r;
			} else if ((r = lay_out(lo, target, NULL, level, depth + 1)) != MFA_OK) {
				return r;
			}
			break;
		case PAM_LINE_MODULE:
			h.kind = PAM_HANDLER_MODULE;
			memcpy(h.actions, l->actions, sizeof(h.actions));
			pam_module_basename(l->module, h.module, sizeof(h.module));
			if ((r = emit(lo->p, &lo->cap, &h)) != MFA_OK)
				return r;
			break;
		}
	}
	return MFA_OK;
}

int
pam_flow_build(const struct pam_host *host, size_t service, enum pam_type type,
	       struct pam_program *out, struct mfa_parse_err *perr)
{
	struct layout lo;
	const struct pam_service *svc;
	size_t other;
	int r;

	if (host == NULL || out == NULL || service >= host->nservices)
		return MFA_ERR_INVALID_ARG;
	memset(out, 0, sizeof(*out));
	memset(&lo, 0, sizeof(lo));
	lo.host = host;
	lo.type = type;
	lo.p = out;
	lo.perr = perr;
	svc = &host->services[service];
	r = lay_out(&lo, svc->file, host->pam_conf_mode ? svc->name : NULL, 0, 0);
	if (r == MFA_OK && out->n == 0 && strcasecmp(svc->name, "other") != 0 &&
	    pam_host_find_service(host, "other", &other) == MFA_OK) {
		/* No lines of this type: libpam takes "other"'s. */
		out->from_other = true;
		r = lay_out(&lo, host->services[other].file, host->pam_conf_mode ? "other" : NULL,
			    0, 0);
	}
	if (r != MFA_OK)
		pam_program_clear(out);
	return r;
}

void
pam_program_clear(struct pam_program *p)
{
	if (p == NULL)
		return;
	free(p->h);
	p->h = NULL;
	p->n = 0;
	p->from_other = false;
}

/* ---- exploring ----------------------------------------------------------------- */

struct flow_state {
	size_t pc;
	int impression;
	int status;
	unsigned prev_level;
	unsigned factors;
	int sub_impression[PAM_FLOW_MAX_LEVEL + 1];
	int sub_status[PAM_FLOW_MAX_LEVEL + 1];
};

struct explorer {
	const struct pam_program *p;
	pam_flow_oracle oracle;
	void *ctx;
	unsigned want;
	unsigned all_factors;
	struct pam_flow_result *out;
	struct pam_flow_step *path;
	size_t depth;
	/* visited states: an open-addressing set over `seen` */
	struct flow_state *seen;
	size_t nseen;
	size_t *slots;
	size_t nslots;
	int err;
};

static uint64_t
state_hash(const struct flow_state *s)
{
	const unsigned char *b = (const unsigned char *)s;
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < sizeof(*s); i++) {
		h ^= b[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* true when s was seen before; else remember it. */
static bool
seen_before(struct explorer *x, const struct flow_state *s)
{
	size_t i, mask;

	if (x->nseen * 2 >= x->nslots) {
		size_t nslots = x->nslots == 0 ? 1024 : x->nslots * 2, j;
		size_t *slots = malloc(nslots * sizeof(*slots));
		struct flow_state *nseen;

		if (slots == NULL) {
			x->err = MFA_ERR_NOMEM;
			return true;
		}
		if ((nseen = realloc(x->seen, (nslots / 2) * sizeof(*nseen))) == NULL) {
			free(slots);
			x->err = MFA_ERR_NOMEM;
			return true;
		}
		x->seen = nseen;
		for (j = 0; j < nslots; j++)
			slots[j] = SIZE_MAX;
		for (j = 0; j < x->nseen; j++) {
			size_t k = (size_t)state_hash(&x->seen[j]) & (nslots - 1);

			while (slots[k] != SIZE_MAX)
				k = (k + 1) & (nslots - 1);
			slots[k] = j;
		}
		free(x->slots);
		x->slots = slots;
		x->nslots = nslots;
	}
	mask = x->nslots - 1;
	for (i = (size_t)state_hash(s) & mask; x->slots[i] != SIZE_MAX; i = (i + 1) & mask) {
		if (memcmp(&x->seen[x->slots[i]], s, sizeof(*s)) == 0)
			return true;
	}
	if (x->nseen >= PAM_FLOW_MAX_STATES) {
		x->err = MFA_ERR_TOO_LARGE;
		return true;
	}
	x->seen[x->nseen] = *s;
	x->slots[i] = x->nseen++;
	return false;
}

static void
record_success(struct explorer *x, const struct flow_state *s)
{
	unsigned missing = x->all_factors & ~s->factors;

	x->out->can_succeed = true;
	x->out->success_without |= missing;
	if (x->out->witness == NULL && (missing & x->want) != 0) {
		x->out->witness = malloc((x->depth + 1) * sizeof(*x->out->witness));
		if (x->out->witness == NULL) {
			x->err = MFA_ERR_NOMEM;
			return;
		}
		memcpy(x->out->witness, x->path, x->depth * sizeof(*x->path));
		x->out->nwitness = x->depth;
	}
}

/* Where libpam goes after "done" or "die": past the rest of this level. */
static size_t
after_level(const struct pam_program *p, size_t pc, unsigned level)
{
	while (pc + 1 < p->n && p->h[pc + 1].level >= level)
		pc++;
	return pc + 1;
}

static void explore(struct explorer *x, struct flow_state s);

static void
apply(struct explorer *x, const struct flow_state *base, const struct pam_handler *h,
      const struct pam_outcome *o)
{
	const struct pam_program *p = x->p;
	struct flow_state s = *base;
	unsigned level = h->level;
	int retval = o->retval, action;
	size_t next = s.pc + 1;

	if (retval < 0 || retval >= PAM_CONF_NRETVALS) {
		retval = FLOW_MUST_FAIL_CODE;
		action = PAM_ACTION_BAD;
	} else {
		action = h->actions[retval];
	}
	if (retval == PAM_SUCCESS)
		s.factors |= o->factors;

	switch (action) {
	case PAM_ACTION_RESET:
		s.impression = s.sub_impression[level];
		s.status = s.sub_status[level];
		break;
	case PAM_ACTION_OK:
	case PAM_ACTION_DONE:
		if (s.impression == IMPRESSION_UNDEF ||
		    (s.impression == IMPRESSION_POSITIVE && s.status == PAM_SUCCESS)) {
			s.impression = IMPRESSION_POSITIVE;
			s.status = retval;
		}
		if (s.impression != IMPRESSION_NEGATIVE && action == PAM_ACTION_DONE)
			next = after_level(p, s.pc, level);
		break;
	case PAM_ACTION_BAD:
	case PAM_ACTION_DIE:
		if (s.impression != IMPRESSION_NEGATIVE) {
			s.impression = IMPRESSION_NEGATIVE;
			s.status = retval == PAM_IGNORE ? FLOW_MUST_FAIL_CODE : retval;
		}
		if (action == PAM_ACTION_DIE)
			next = after_level(p, s.pc, level);
		break;
	case PAM_ACTION_IGNORE:
		break;
	default:
		if (action > 0) {
			size_t i = s.pc;
			int left = action;

			/* Skip `action` lines of this level; a substack counts as one. */
			while (i + 1 < p->n && p->h[i + 1].level >= level && left > 0) {
				do {
					i++;
				} while (i + 1 < p->n && p->h[i + 1].level > level);
				left--;
			}
			next = i + 1;
			if (left == 0)
				break;
		}
		/* A jump past the end of the stack, or no action at all: libpam fails. */
		s.impression = IMPRESSION_NEGATIVE;
		s.status = FLOW_MUST_FAIL_CODE;
		break;
	}
	s.pc = next;
	s.prev_level = level;
	x->path[x->depth].handler = base->pc;
	x->path[x->depth].retval = retval;
	x->path[x->depth].action = action;
	x->path[x->depth].factors = retval == PAM_SUCCESS ? o->factors : 0;
	x->path[x->depth].note = o->note;
	x->depth++;
	explore(x, s);
	x->depth--;
}

static void
explore(struct explorer *x, struct flow_state s)
{
	struct pam_outcome outcomes[PAM_FLOW_MAX_OUTCOMES];
	const struct pam_handler *h;
	size_t i, n;

	if (x->err != MFA_OK || (x->out->witness != NULL && x->out->can_succeed &&
				 (x->out->success_without & x->want) == x->want))
		return; /* nothing more to learn */
	if (s.pc >= x->p->n) {
		if (s.status == PAM_SUCCESS && s.impression == IMPRESSION_POSITIVE)
			record_success(x, &s);
		return;
	}
	if (seen_before(x, &s))
		return;
	h = &x->p->h[s.pc];
	if (s.prev_level < h->level) {
		s.sub_impression[h->level] = s.impression;
		s.sub_status[h->level] = s.status;
	}
	if (h->kind == PAM_HANDLER_SUBSTACK) {
		s.prev_level = h->level;
		s.pc++;
		explore(x, s);
		return;
	}
	if (h->kind == PAM_HANDLER_MUST_FAIL) {
		outcomes[0].retval = FLOW_MUST_FAIL_CODE;
		outcomes[0].factors = 0;
		outcomes[0].note = h->why_fails;
		n = 1;
	} else {
		n = x->oracle(h, x->ctx, outcomes);
		if (n > PAM_FLOW_MAX_OUTCOMES)
			n = PAM_FLOW_MAX_OUTCOMES;
	}
	for (i = 0; i < n && x->err == MFA_OK; i++)
		apply(x, &s, h, &outcomes[i]);
}

int
pam_flow_analyse(const struct pam_program *p, pam_flow_oracle oracle, void *ctx, unsigned want,
		 struct pam_flow_result *out)
{
	struct explorer x;
	struct flow_state s;
	int r;

	if (p == NULL || oracle == NULL || out == NULL)
		return MFA_ERR_INVALID_ARG;
	memset(out, 0, sizeof(*out));
	memset(&x, 0, sizeof(x));
	memset(&s, 0, sizeof(s));
	x.p = p;
	x.oracle = oracle;
	x.ctx = ctx;
	x.want = want;
	x.all_factors = FLOW_FACTOR_SECOND | FLOW_FACTOR_KNOWLEDGE;
	x.out = out;
	x.err = MFA_OK;
	s.impression = IMPRESSION_UNDEF;
	s.status = FLOW_MUST_FAIL_CODE;
	s.sub_impression[0] = IMPRESSION_UNDEF;
	s.sub_status[0] = FLOW_MUST_FAIL_CODE;
	if ((x.path = calloc(p->n + 1, sizeof(*x.path))) == NULL)
		return MFA_ERR_NOMEM;
	/* An empty stack: libpam fails ("no modules loaded"). */
	if (p->n > 0)
		explore(&x, s);
	out->states = x.nseen;
	r = x.err;
	free(x.path);
	free(x.seen);
	free(x.slots);
	if (r != MFA_OK)
		pam_flow_result_clear(out);
	return r;
}

void
pam_flow_result_clear(struct pam_flow_result *r)
{
	if (r == NULL)
		return;
	free(r->witness);
	memset(r, 0, sizeof(*r));
}

/* ---- what modules may return -------------------------------------------------- */

enum module_class {
	MOD_UNKNOWN = 0,
	MOD_PERMIT,
	MOD_DENY,
	MOD_ROOTOK,
	MOD_PASSWORD,            /* local passwords: never PAM_IGNORE */
	MOD_PASSWORD_MAY_IGNORE, /* directory modules: PAM_IGNORE for users they skip */
	MOD_CONDITION,
	MOD_NEUTRAL,
};

static const struct {
	const char *name;
	enum module_class cls;
} known_modules[] = {
	{"pam_permit", MOD_PERMIT},
	{"pam_deny", MOD_DENY},
	{"pam_rootok", MOD_ROOTOK},
	{"pam_unix", MOD_PASSWORD},
	{"pam_unix2", MOD_PASSWORD},
	{"pam_sss", MOD_PASSWORD_MAY_IGNORE},
	{"pam_ldap", MOD_PASSWORD_MAY_IGNORE},
	{"pam_krb5", MOD_PASSWORD_MAY_IGNORE},
	{"pam_winbind", MOD_PASSWORD_MAY_IGNORE},
	{"pam_systemd_home", MOD_PASSWORD},
	{"pam_userdb", MOD_PASSWORD},
	{"pam_pwdfile", MOD_PASSWORD},
	{"pam_radius_auth", MOD_PASSWORD_MAY_IGNORE},
	{"pam_succeed_if", MOD_CONDITION},
	{"pam_access", MOD_CONDITION},
	{"pam_listfile", MOD_CONDITION},
	{"pam_localuser", MOD_CONDITION},
	{"pam_faillock", MOD_CONDITION},
	{"pam_tally2", MOD_CONDITION},
	{"pam_time", MOD_CONDITION},
	{"pam_shells", MOD_CONDITION},
	{"pam_nologin", MOD_CONDITION},
	{"pam_securetty", MOD_CONDITION},
	{"pam_wheel", MOD_CONDITION},
	{"pam_usertype", MOD_CONDITION},
	{"pam_sepermit", MOD_CONDITION},
	{"pam_env", MOD_NEUTRAL},
	{"pam_faildelay", MOD_NEUTRAL},
	{"pam_cap", MOD_NEUTRAL},
	{"pam_group", MOD_NEUTRAL},
	{"pam_keyinit", MOD_NEUTRAL},
	{"pam_warn", MOD_NEUTRAL},
	{"pam_echo", MOD_NEUTRAL},
	{"pam_motd", MOD_NEUTRAL},
	{"pam_mail", MOD_NEUTRAL},
	{"pam_lastlog", MOD_NEUTRAL},
	{"pam_limits", MOD_NEUTRAL},
	{"pam_loginuid", MOD_NEUTRAL},
	{"pam_systemd", MOD_NEUTRAL},
	{"pam_gnome_keyring", MOD_NEUTRAL},
	{"pam_kwallet5", MOD_NEUTRAL},
	{"pam_umask", MOD_NEUTRAL},
	{"pam_selinux", MOD_NEUTRAL},
	{"pam_namespace", MOD_NEUTRAL},
	{"pam_mkhomedir", MOD_NEUTRAL},
	{"pam_xauth", MOD_NEUTRAL},
	{"pam_fprintd", MOD_UNKNOWN},
};

static size_t
outcomes_of(const int *codes, size_t n, unsigned success_factors, struct pam_outcome *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		out[i].retval = codes[i];
		out[i].factors = codes[i] == PAM_SUCCESS ? success_factors : 0;
		out[i].note = NULL;
	}
	return n;
}

size_t
pam_flow_default_outcomes(const char *module, bool caller_is_root, struct pam_outcome *out)
{
	static const int permit[] = {PAM_SUCCESS};
	static const int deny[] = {PAM_AUTH_ERR};
	static const int password[] = {PAM_SUCCESS,          PAM_AUTH_ERR, PAM_USER_UNKNOWN,
				       PAM_AUTHINFO_UNAVAIL, PAM_MAXTRIES, PAM_IGNORE};
	static const int condition[] = {PAM_SUCCESS, PAM_AUTH_ERR, PAM_IGNORE, PAM_USER_UNKNOWN,
					PAM_PERM_DENIED};
	static const int neutral[] = {PAM_SUCCESS, PAM_IGNORE, PAM_SYSTEM_ERR};
	enum module_class cls = MOD_UNKNOWN;
	size_t i;
	int codes[PAM_CONF_NRETVALS];

	for (i = 0; i < sizeof(known_modules) / sizeof(known_modules[0]); i++) {
		if (module != NULL && strcmp(known_modules[i].name, module) == 0) {
			cls = known_modules[i].cls;
			break;
		}
	}
	switch (cls) {
	case MOD_PERMIT:
		return outcomes_of(permit, 1, 0, out);
	case MOD_DENY:
		return outcomes_of(deny, 1, 0, out);
	case MOD_ROOTOK:
		if (caller_is_root) {
			outcomes_of(permit, 1, 0, out);
			out[0].note = "the calling process runs as root";
			return 1;
		}
		return outcomes_of(deny, 1, 0, out);
	case MOD_PASSWORD:
		return outcomes_of(password, sizeof(password) / sizeof(password[0]) - 1,
				   FLOW_FACTOR_KNOWLEDGE, out);
	case MOD_PASSWORD_MAY_IGNORE:
		return outcomes_of(password, sizeof(password) / sizeof(password[0]),
				   FLOW_FACTOR_KNOWLEDGE, out);
	case MOD_CONDITION:
		return outcomes_of(condition, sizeof(condition) / sizeof(condition[0]), 0, out);
	case MOD_NEUTRAL:
		return outcomes_of(neutral, sizeof(neutral) / sizeof(neutral[0]), 0, out);
	case MOD_UNKNOWN:
		break;
	}
	/* An unknown module may return anything. */
	for (i = 0; i < PAM_CONF_NRETVALS; i++)
		codes[i] = (int)i;
	outcomes_of(codes, PAM_CONF_NRETVALS, 0, out);
	out[PAM_SUCCESS].note = "an unknown module may return anything";
	return PAM_CONF_NRETVALS;
}

const char *
pam_flow_retval_name(int retval)
{
	static const char *const names[PAM_CONF_NRETVALS] = {
		"PAM_SUCCESS",
		"PAM_OPEN_ERR",
		"PAM_SYMBOL_ERR",
		"PAM_SERVICE_ERR",
		"PAM_SYSTEM_ERR",
		"PAM_BUF_ERR",
		"PAM_PERM_DENIED",
		"PAM_AUTH_ERR",
		"PAM_CRED_INSUFFICIENT",
		"PAM_AUTHINFO_UNAVAIL",
		"PAM_USER_UNKNOWN",
		"PAM_MAXTRIES",
		"PAM_NEW_AUTHTOK_REQD",
		"PAM_ACCT_EXPIRED",
		"PAM_SESSION_ERR",
		"PAM_CRED_UNAVAIL",
		"PAM_CRED_EXPIRED",
		"PAM_CRED_ERR",
		"PAM_NO_MODULE_DATA",
		"PAM_CONV_ERR",
		"PAM_AUTHTOK_ERR",
		"PAM_AUTHTOK_RECOVERY_ERR",
		"PAM_AUTHTOK_LOCK_BUSY",
		"PAM_AUTHTOK_DISABLE_AGING",
		"PAM_TRY_AGAIN",
		"PAM_IGNORE",
		"PAM_ABORT",
		"PAM_AUTHTOK_EXPIRED",
		"PAM_MODULE_UNKNOWN",
		"PAM_BAD_ITEM",
		"PAM_CONV_AGAIN",
		"PAM_INCOMPLETE",
	};

	if (retval < 0 || retval >= PAM_CONF_NRETVALS)
		return "PAM_?";
	return names[retval];
}
