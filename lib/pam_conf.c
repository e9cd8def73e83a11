/*
 * pam_conf.c - a PAM configuration file parser that follows Linux-PAM.
 *
 * Line assembly (libpam _pam_assemble_line):
 *  - leading blanks (space, tab) are skipped; a physical line that is then
 *    empty or starts with `#` is skipped, even between continued lines;
 *  - a `#` anywhere ends the logical line (the rest is a comment), and then
 *    a trailing `\` does not continue it;
 *  - otherwise a `\` at the end (before trailing blanks) is replaced by a
 *    space and the next non-blank, non-comment physical line is appended;
 *  - the logical line is numbered by its first physical line.
 * Words (libpam _pam_StrTok): separated by space, tab or newline; a word
 * that starts with `[` runs to the first `]` not written `\]`, and `\]`
 * stands for `]`; the next word may follow the `]` directly.
 *
 * Lines marked broken that Linux-PAM itself makes fail: unknown type, no
 * control, an unknown control word or a bad `[...]` control (every action
 * becomes "bad"), no module path, include/substack without a file.
 * Lines marked broken although Linux-PAM accepts them, because they do not
 * do what they look like: a file that ends inside a `\` continuation
 * (Linux-PAM refuses the whole file), an unterminated `[` (it runs to the
 * end of the line), a carriage return (a CRLF file: it becomes part of the
 * last word), a NUL byte (the rest of the line is lost), an `@` directive
 * other than `@include NAME`, and `@include` in pam.conf.
 */
#include "pam_conf.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Linux-PAM return codes that simple controls refer to. */
#define RV_SUCCESS 0
#define RV_NEW_AUTHTOK_REQD 12
#define RV_IGNORE 25

static const char *const retval_names[PAM_CONF_NRETVALS + 1] = {
	"success",
	"open_err",
	"symbol_err",
	"service_err",
	"system_err",
	"buf_err",
	"perm_denied",
	"auth_err",
	"cred_insufficient",
	"authinfo_unavail",
	"user_unknown",
	"maxtries",
	"new_authtok_reqd",
	"acct_expired",
	"session_err",
	"cred_unavail",
	"cred_expired",
	"cred_err",
	"no_module_data",
	"conv_err",
	"authtok_err",
	"authtok_recover_err",
	"authtok_lock_busy",
	"authtok_disable_aging",
	"try_again",
	"ignore",
	"abort",
	"authtok_expired",
	"module_unknown",
	"bad_item",
	"conv_again",
	"incomplete",
	"default",
};

_Static_assert(sizeof(retval_names) / sizeof(retval_names[0]) == PAM_CONF_NRETVALS + 1,
	       "one name per PAM return value, then default");

struct action_name {
	const char *name;
	enum pam_action action;
};

/* Indexed by -action. */
static const struct action_name action_names[] = {
	{"ignore", PAM_ACTION_IGNORE}, {"ok", PAM_ACTION_OK},   {"done", PAM_ACTION_DONE},
	{"bad", PAM_ACTION_BAD},       {"die", PAM_ACTION_DIE}, {"reset", PAM_ACTION_RESET},
};

_Static_assert(sizeof(action_names) / sizeof(action_names[0]) == (size_t)(-PAM_ACTION_UNDEF),
	       "one name per action");

struct type_name {
	const char *name;
	enum pam_type type;
};

static const struct type_name type_names[] = {
	{"auth", PAM_TYPE_AUTH},
	{"account", PAM_TYPE_ACCOUNT},
	{"password", PAM_TYPE_PASSWORD},
	{"session", PAM_TYPE_SESSION},
};

/* A simple control word and the actions it stands for (pam_handlers.c). */
struct simple_control {
	const char *name;
	enum pam_control control;
	int on_success; /* PAM_SUCCESS and PAM_NEW_AUTHTOK_REQD */
	int on_ignore;  /* PAM_IGNORE, or UNDEF for "like the default" */
	int otherwise;  /* every other value */
};

static const struct simple_control simple_controls[] = {
	{"required", PAM_CONTROL_REQUIRED, PAM_ACTION_OK, PAM_ACTION_IGNORE, PAM_ACTION_BAD},
	{"requisite", PAM_CONTROL_REQUISITE, PAM_ACTION_OK, PAM_ACTION_IGNORE, PAM_ACTION_DIE},
	{"optional", PAM_CONTROL_OPTIONAL, PAM_ACTION_OK, PAM_ACTION_UNDEF, PAM_ACTION_IGNORE},
	{"sufficient", PAM_CONTROL_SUFFICIENT, PAM_ACTION_DONE, PAM_ACTION_UNDEF,
	 PAM_ACTION_IGNORE},
};

/* ---- small helpers -------------------------------------------------- */

static void
set_all(int *actions, int action)
{
	size_t i;

	for (i = 0; i < PAM_CONF_NRETVALS; i++)
		actions[i] = action;
}

/* _pam_set_default_control: fill what is still undefined. */
static void
set_default(int *actions, int action)
{
	size_t i;

	for (i = 0; i < PAM_CONF_NRETVALS; i++)
		if (actions[i] == PAM_ACTION_UNDEF)
			actions[i] = action;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
is_word_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

static int mark_broken(struct pam_conf_line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Record the first reason a line is broken; later ones add nothing. */
static int
mark_broken(struct pam_conf_line *l, const char *fmt, ...)
{
	char msg[MFA_PARSE_ERR_MSG_MAX];
	va_list ap;

	if (l->broken != NULL)
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if ((l->broken = strdup(msg)) == NULL)
		return MFA_ERR_NOMEM;
	return 0;
}

/*
 * The next word of a logical line, NUL-terminated in place, or NULL when
 * only blanks are left.  *bracketedp says it was written `[...]`;
 * *unterminatedp that its `[` had no `]`.
 */
static char *
next_word(char **cursorp, int *bracketedp, int *unterminatedp)
{
	char *p = *cursorp, *w, *to;

	*bracketedp = 0;
	*unterminatedp = 0;
	if (p == NULL)
		return NULL;
	while (*p != '\0' && is_word_sep(*p))
		p++;
	if (*p == '\0') {
		*cursorp = NULL;
		return NULL;
	}
	if (*p == '[') {
		*bracketedp = 1;
		w = to = ++p;
		while (*p != '\0' && *p != ']') {
			if (*p == '\\' && p[1] == ']')
				p++;
			*to++ = *p++;
		}
		if (*p == ']')
			p++;
		else
			*unterminatedp = 1;
		*to = '\0';
		*cursorp = p;
		return w;
	}
	w = p;
	while (*p != '\0' && !is_word_sep(*p))
		p++;
	if (*p != '\0')
		*p++ = '\0';
	*cursorp = p;
	return w;
}

/*
 * Parse the inside of a `[...]` control the way _pam_parse_control does:
 * pairs `value=action` (blanks allowed around `=`, none needed between
 * pairs), names matched case-sensitively, "default" filling what is still
 * undefined, actions a keyword or a jump > 0.  On error every action is
 * "bad" and *whyp says why.
 */
static void
parse_bracket(const char *s, int *actions, char *why, size_t whysz)
{
	const char *p = s;
	size_t i, len;
	int ret, act;

	why[0] = '\0';
	while (*p != '\0') {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		ret = -1;
		for (i = 0; i <= PAM_CONF_NRETVALS; i++) {
			len = strlen(retval_names[i]);
			if (strncmp(retval_names[i], p, len) == 0) {
				ret = (int)i;
				break;
			}
		}
		if (ret < 0) {
			snprintf(why, whysz, "unknown return value at \"%.40s\"", p);
			goto fail;
		}
		p += len;
		while (isspace((unsigned char)*p))
			p++;
		if (*p != '=') {
			snprintf(why, whysz, "expecting '=' after \"%s\"", retval_names[ret]);
			goto fail;
		}
		p++;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0') {
			snprintf(why, whysz, "expecting an action after \"%s=\"",
				 retval_names[ret]);
			goto fail;
		}
		act = 1;
		for (i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++) {
			len = strlen(action_names[i].name);
			if (strncmp(action_names[i].name, p, len) == 0) {
				act = action_names[i].action;
				p += len;
				break;
			}
		}
		if (act > 0) {
			long jump = 0;

			if (!isdigit((unsigned char)*p)) {
				snprintf(why, whysz, "unknown action at \"%.40s\"", p);
				goto fail;
			}
			while (isdigit((unsigned char)*p)) {
				jump = jump * 10 + (*p++ - '0');
				if (jump > PAM_CONF_MAX_JUMP) {
					snprintf(why, whysz, "jump for \"%s\" is larger than %d",
						 retval_names[ret], PAM_CONF_MAX_JUMP);
					goto fail;
				}
			}
			if (jump <= 0) {
				snprintf(why, whysz, "jump for \"%s\" must be a positive number",
					 retval_names[ret]);
				goto fail;
			}
			act = (int)jump;
		}
		if (ret == PAM_CONF_RETVAL_DEFAULT)
			set_default(actions, act);
		else
			actions[ret] = act;
	}
	return;
fail:
	set_all(actions, PAM_ACTION_BAD);
}

/* ---- one logical line ----------------------------------------------- */

static int
append_arg(struct pam_conf_line *l, const char *w)
{
	char **nv;

	if ((nv = realloc(l->argv, (l->argc + 2) * sizeof(*nv))) == NULL)
		return MFA_ERR_NOMEM;
	l->argv = nv;
	if ((nv[l->argc] = strdup(w)) == NULL) {
		nv[l->argc] = NULL;
		return MFA_ERR_NOMEM;
	}
	nv[++l->argc] = NULL;
	return 0;
}

static int
parse_control(struct pam_conf_line *l, const char *w, int bracketed, int unterminated)
{
	char why[160];
	size_t i, n;
	int r;

	n = strlen(w) + 3;
	if ((l->control_text = malloc(n)) == NULL)
		return MFA_ERR_NOMEM;
	snprintf(l->control_text, n, bracketed ? "[%s]" : "%s", w);
	set_all(l->actions, PAM_ACTION_UNDEF);
	/* the clearer reason first: the control swallowed the rest of the line */
	if (unterminated && (r = mark_broken(l, "unterminated '[' in the control")) != 0)
		return r;

	/* A bracketed simple word is that word: Linux-PAM strips brackets first. */
	for (i = 0; i < sizeof(simple_controls) / sizeof(simple_controls[0]); i++) {
		const struct simple_control *c = &simple_controls[i];

		if (strcasecmp(c->name, w) != 0)
			continue;
		l->control = c->control;
		l->actions[RV_SUCCESS] = c->on_success;
		l->actions[RV_NEW_AUTHTOK_REQD] = c->on_success;
		if (c->on_ignore != PAM_ACTION_UNDEF)
			l->actions[RV_IGNORE] = c->on_ignore;
		set_default(l->actions, c->otherwise);
		return 0;
	}
	if (strcasecmp(w, "include") == 0) {
		l->control = PAM_CONTROL_INCLUDE;
		l->kind = PAM_LINE_INCLUDE;
		return 0;
	}
	if (strcasecmp(w, "substack") == 0) {
		l->control = PAM_CONTROL_SUBSTACK;
		l->kind = PAM_LINE_SUBSTACK;
		return 0;
	}
	parse_bracket(w, l->actions, why, sizeof(why));
	set_default(l->actions, PAM_ACTION_BAD);
	if (why[0] == '\0') {
		l->control = PAM_CONTROL_BRACKET;
	} else if (bracketed) {
		l->control = PAM_CONTROL_BRACKET;
		if ((r = mark_broken(l, "bad control: %s (every result counts as failure)", why)) !=
		    0)
			return r;
	} else {
		l->control = PAM_CONTROL_INVALID;
		if ((r = mark_broken(
			     l,
			     "unknown control \"%.60s\" (expected required, requisite, "
			     "sufficient, optional, include, substack or [value=action ...])",
			     w)) != 0)
			return r;
	}
	return 0;
}

static int
parse_line(struct pam_conf *conf, struct pam_conf_line *l, char *text)
{
	char *cur = text, *w;
	int br, unt, r;
	size_t i;

	set_all(l->actions, PAM_ACTION_UNDEF);

	if (strchr(text, '\r') != NULL &&
	    (r = mark_broken(l,
			     "carriage return in line (CRLF line ending?): Linux-PAM reads it as "
			     "part of a word")) != 0)
		return r;

	w = next_word(&cur, &br, &unt);
	if (w == NULL)
		return MFA_ERR_INTERNAL; /* the assembler never yields blank lines */

	if (conf->mode == PAM_CONF_MODE_PAMCONF) {
		if ((l->service = strdup(w)) == NULL)
			return MFA_ERR_NOMEM;
		if (w[0] == '@')
			return mark_broken(l,
					   "\"%.60s\" is not allowed in pam.conf (each line starts "
					   "with a service name)",
					   w);
		w = next_word(&cur, &br, &unt);
		if (w == NULL) {
			set_all(l->actions, PAM_ACTION_BAD);
			return mark_broken(l, "no module type after the service name");
		}
	}

	if (w[0] == '@') {
		l->kind = PAM_LINE_AT_INCLUDE;
		if (strcmp(w, "@include") != 0)
			return mark_broken(
				l, "unknown directive \"%.60s\" (only @include NAME exists)", w);
		if ((w = next_word(&cur, &br, &unt)) == NULL)
			return mark_broken(l, "@include without a file name");
		if ((l->module = strdup(w)) == NULL)
			return MFA_ERR_NOMEM;
		if (unt && (r = mark_broken(l, "unterminated '[' in the file name")) != 0)
			return r;
		goto args;
	}

	/* module type, with Linux-PAM's optional "-" */
	if (w[0] == '-') {
		l->silent = true;
		w++;
	}
	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (strcasecmp(type_names[i].name, w) == 0)
			l->type = type_names[i].type;
	if (l->type == PAM_TYPE_NONE &&
	    (r = mark_broken(l,
			     "unknown module type \"%.60s\" (expected auth, account, password or "
			     "session)",
			     w)) != 0)
		return r;

	/* control */
	if ((w = next_word(&cur, &br, &unt)) == NULL) {
		set_all(l->actions, PAM_ACTION_BAD);
		return mark_broken(l, "no control after the module type");
	}
	if ((r = parse_control(l, w, br, unt)) != 0)
		return r;

	/* module path or include target */
	if ((w = next_word(&cur, &br, &unt)) == NULL) {
		if (l->kind == PAM_LINE_MODULE)
			return mark_broken(l, "no module path after the control");
		return mark_broken(l, "%s without a file name", l->control_text);
	}
	if ((l->module = strdup(w)) == NULL)
		return MFA_ERR_NOMEM;
	if (unt && (r = mark_broken(l, "unterminated '[' in the module path")) != 0)
		return r;
args:
	while ((w = next_word(&cur, &br, &unt)) != NULL) {
		if ((r = append_arg(l, w)) != 0)
			return r;
		if (unt &&
		    (r = mark_broken(l, "unterminated '[' in the arguments: Linux-PAM passes "
					"the rest of the line as one argument")) != 0)
			return r;
	}
	return 0;
}

/* ---- the file ------------------------------------------------------- */

static void
free_line(struct pam_conf_line *l)
{
	size_t i;

	free(l->service);
	free(l->control_text);
	free(l->module);
	if (l->argv != NULL)
		for (i = 0; i < l->argc; i++)
			free(l->argv[i]);
	free(l->argv);
	free(l->broken);
	memset(l, 0, sizeof(*l));
}

void
pam_conf_free(struct pam_conf **confp)
{
	struct pam_conf *conf;
	size_t i;

	if (confp == NULL || (conf = *confp) == NULL)
		return;
	for (i = 0; i < conf->nlines; i++)
		free_line(&conf->lines[i]);
	free(conf->lines);
	free(conf->file);
	free(conf);
	*confp = NULL;
}

static int
add_line(struct pam_conf *conf, size_t *capp, unsigned lineno, char *text, const char *early_reason)
{
	struct pam_conf_line *l, *nl;
	size_t ncap;
	int r;

	if (conf->nlines == *capp) {
		ncap = *capp == 0 ? 16 : *capp * 2;
		if ((nl = realloc(conf->lines, ncap * sizeof(*nl))) == NULL)
			return MFA_ERR_NOMEM;
		conf->lines = nl;
		*capp = ncap;
	}
	l = &conf->lines[conf->nlines++];
	memset(l, 0, sizeof(*l));
	l->file = conf->file;
	l->line = lineno;
	if (early_reason != NULL && (r = mark_broken(l, "%s", early_reason)) != 0)
		return r;
	if ((r = parse_line(conf, l, text)) != 0)
		return r;
	if (l->broken != NULL)
		conf->nbroken++;
	return 0;
}

int
pam_conf_parse(const char *buf, size_t len, const char *file, enum pam_conf_mode mode,
	       struct pam_conf **confp, struct mfa_parse_err *perr)
{
	struct pam_conf *conf = NULL;
	char *logical = NULL;
	size_t cap = 0, llen = 0, pos = 0, nphys = 0, i;
	unsigned lineno = 0, start = 0;
	int assembling = 0, r = MFA_ERR_INTERNAL;
	const char *reason = NULL;

	mfa_parse_err_init(perr, file);
	if ((buf == NULL && len != 0) || confp == NULL ||
	    (mode != PAM_CONF_MODE_PAMD && mode != PAM_CONF_MODE_PAMCONF)) {
		mfa_parse_err_set(perr, 0, 0, "invalid arguments to the PAM parser");
		return MFA_ERR_INVALID_ARG;
	}
	if (len > PAM_CONF_MAX_BYTES) {
		mfa_parse_err_set(perr, 0, 0, "file is larger than %u bytes", PAM_CONF_MAX_BYTES);
		return MFA_ERR_TOO_LARGE;
	}
	for (i = 0; i < len; i++)
		if (buf[i] == '\n')
			nphys++;
	if (len > 0 && buf[len - 1] != '\n')
		nphys++;
	if (nphys > PAM_CONF_MAX_LINES) {
		mfa_parse_err_set(perr, PAM_CONF_MAX_LINES + 1, 0, "file has more than %u lines",
				  PAM_CONF_MAX_LINES);
		return MFA_ERR_TOO_LARGE;
	}

	if ((conf = calloc(1, sizeof(*conf))) == NULL ||
	    (conf->file = strdup(file != NULL ? file : "(unnamed)")) == NULL ||
	    (logical = malloc(len + 2)) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	conf->mode = mode;

	while (pos < len) {
		size_t eol = pos, s, e, n;
		int has_nul = 0, comment = 0;

		while (eol < len && buf[eol] != '\n')
			eol++;
		lineno++;
		/* What fgets()+strlen() see: the line up to a NUL byte. */
		for (e = pos; e < eol; e++) {
			if (buf[e] == '\0') {
				has_nul = 1;
				break;
			}
		}
		s = pos;
		pos = eol < len ? eol + 1 : eol;
		while (s < e && is_blank(buf[s]))
			s++;
		if (s == e || buf[s] == '#') {
			continue;
		}
		if (!assembling) {
			start = lineno;
			llen = 0;
			reason = NULL;
		}
		if (has_nul)
			reason = "NUL byte in line: Linux-PAM ignores the rest of the line";
		/* a comment ends the logical line, continuation or not */
		for (n = s; n < e; n++) {
			if (buf[n] == '#') {
				comment = 1;
				break;
			}
		}
		if (!comment) {
			n = e;
			while (n > s && is_blank(buf[n - 1]))
				n--;
			if (buf[n - 1] == '\\') {
				memcpy(logical + llen, buf + s, n - 1 - s);
				llen += n - 1 - s;
				logical[llen++] = ' ';
				assembling = 1;
				continue;
			}
			n = e;
		}
		memcpy(logical + llen, buf + s, n - s);
		llen += n - s;
		logical[llen] = '\0';
		assembling = 0;
		if ((r = add_line(conf, &cap, start, logical, reason)) != 0)
			goto out;
	}
	if (assembling) {
		logical[llen] = '\0';
		if ((r = add_line(conf, &cap, start, logical,
				  "file ends inside a '\\' continued line: Linux-PAM refuses the "
				  "whole file")) != 0)
			goto out;
	}
	*confp = conf;
	conf = NULL;
	r = 0;
out:
	if (r == MFA_ERR_NOMEM)
		mfa_parse_err_set(perr, 0, 0, "out of memory");
	free(logical);
	pam_conf_free(&conf);
	return r;
}

int
pam_conf_first_broken(const struct pam_conf *conf, struct mfa_parse_err *perr)
{
	size_t i;

	if (conf == NULL)
		return MFA_ERR_INVALID_ARG;
	for (i = 0; i < conf->nlines; i++) {
		const struct pam_conf_line *l = &conf->lines[i];

		if (l->broken == NULL)
			continue;
		mfa_parse_err_init(perr, conf->file);
		mfa_parse_err_set(perr, l->line, 0, "%s", l->broken);
		return MFA_ERR_PARSE;
	}
	return 0;
}

/* ---- names ---------------------------------------------------------- */

const char *
pam_type_name(enum pam_type type)
{
	size_t i;

	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (type_names[i].type == type)
			return type_names[i].name;
	return "?";
}

const char *
pam_control_name(enum pam_control control)
{
	switch (control) {
	case PAM_CONTROL_REQUIRED:
		return "required";
	case PAM_CONTROL_REQUISITE:
		return "requisite";
	case PAM_CONTROL_SUFFICIENT:
		return "sufficient";
	case PAM_CONTROL_OPTIONAL:
		return "optional";
	case PAM_CONTROL_INCLUDE:
		return "include";
	case PAM_CONTROL_SUBSTACK:
		return "substack";
	case PAM_CONTROL_BRACKET:
		return "[...]";
	case PAM_CONTROL_INVALID:
		return "invalid";
	case PAM_CONTROL_NONE:
		break;
	}
	return "";
}

const char *
pam_action_name(int action)
{
	if (action > 0)
		return "jump";
	if (action <= PAM_ACTION_UNDEF)
		return "undefined";
	return action_names[-action].name;
}

const char *
pam_retval_name(size_t i)
{
	if (i > PAM_CONF_NRETVALS)
		return "?";
	return retval_names[i];
}

void
pam_module_basename(const char *module, char *out, size_t outsz)
{
	const char *b, *dot;
	size_t n;

	if (out == NULL || outsz == 0)
		return;
	out[0] = '\0';
	if (module == NULL)
		return;
	b = strrchr(module, '/');
	b = b != NULL ? b + 1 : module;
	dot = strrchr(b, '.');
	n = dot != NULL ? (size_t)(dot - b) : strlen(b);
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, b, n);
	out[n] = '\0';
}
