/*
 * openvpn_config.c - OpenVPN 2.x configuration files read as OpenVPN reads
 * them (options.c / options_util.c: parse_line, read_config_file,
 * check_inline_file, add_option), and each server's client authentication
 * derived from them.  Written from OpenVPN's documented behaviour and a
 * reading of its sources; no code is taken from it.
 */
#include "openvpn_config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mfa_mem.h"
#include "root_fs.h"

#define AUTH_PAM_PLUGIN "openvpn-plugin-auth-pam.so"
#define AUTH_PAM_PLUGIN_OLD "openvpn-auth-pam.so" /* OpenVPN 2.0/2.1 name */

/* Plugins known to check no user: they never decide a login. */
static const char *const non_auth_plugins[] = {
	"openvpn-plugin-down-root.so",
	"openvpn-down-root.so",
};

/* ---- small helpers ------------------------------------------------------ */

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

/* "dir" + "/" + "name", or a copy of name when it is absolute. */
static char *
join_path(const char *dir, const char *name)
{
	size_t dl, nl;
	char *s;

	if (name[0] == '/')
		return strdup(name);
	dl = strlen(dir);
	nl = strlen(name);
	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	if ((s = malloc(dl + 1 + nl + 1)) == NULL)
		return NULL;
	memcpy(s, dir, dl);
	s[dl] = '/';
	memcpy(s + dl + 1, name, nl + 1);
	return s;
}

static char *
dir_name(const char *path)
{
	const char *s = strrchr(path, '/');
	size_t len;
	char *d;

	if (s == NULL || s == path)
		return strdup("/");
	len = (size_t)(s - path);
	if ((d = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(d, path, len);
	d[len] = '\0';
	return d;
}

void
openvpn_argv_free(char ***argvp)
{
	char **v;
	size_t i;

	if (argvp == NULL || (v = *argvp) == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
	*argvp = NULL;
}

/* ---- one line ----------------------------------------------------------- */

enum split_state {
	ST_BETWEEN = 0, /* before a word */
	ST_PLAIN,       /* in an unquoted word */
	ST_DQUOTE,      /* in "..." */
	ST_SQUOTE,      /* in '...' */
};

struct words {
	char **v;
	size_t n, cap;
};

static int
words_push(struct words *w, const char *p, size_t len)
{
	char *s;

	if (mfa_grow_array((void **)&w->v, &w->cap, w->n + 2, sizeof(char *)) != MFA_OK ||
	    (s = malloc(len + 1)) == NULL)
		return MFA_ERR_NOMEM;
	memcpy(s, p, len);
	s[len] = '\0';
	w->v[w->n++] = s;
	w->v[w->n] = NULL;
	return MFA_OK;
}

/*
 * The state machine follows OpenVPN's parse_line: a backslash outside single
 * quotes marks the next character as escaped; a comment character is only
 * seen where a word would start (escaped or not); the end of the line acts
 * as a blank.  After OPENVPN_MAX_PARMS words the rest is ignored, as there.
 */
int
openvpn_split_line(const char *line, size_t len, char ***argvp, size_t *argcp,
		   struct mfa_parse_err *perr)
{
	struct words w = {NULL, 0, 0};
	char parm[OPENVPN_PARM_MAX];
	size_t plen = 0, i;
	enum split_state st = ST_BETWEEN;
	bool esc = false;
	int r = MFA_OK;

	if (argvp == NULL || argcp == NULL || (line == NULL && len > 0))
		return MFA_ERR_INVALID_ARG;
	*argvp = NULL;
	*argcp = 0;
	/* OpenVPN stops at a NUL byte; i == len is the terminating "blank" */
	for (i = 0; i <= len; i++) {
		char in = i < len ? line[i] : '\0';
		bool blank = in == '\0' || is_space(in);
		bool done = false, have_out = false;
		char out = 0;

		if (!esc && in == '\\' && st != ST_SQUOTE) {
			esc = true;
			continue;
		}
		switch (st) {
		case ST_BETWEEN:
			if (blank)
				break;
			if (in == '#' || in == ';')
				goto end; /* comment */
			if (!esc && in == '"') {
				st = ST_DQUOTE;
			} else if (!esc && in == '\'') {
				st = ST_SQUOTE;
			} else {
				out = in;
				have_out = true;
				st = ST_PLAIN;
			}
			break;
		case ST_PLAIN:
			if (!esc && blank)
				done = true;
			else if (in != '\0') {
				out = in;
				have_out = true;
			}
			break;
		case ST_DQUOTE:
			if (!esc && in == '"')
				done = true;
			else if (in != '\0') {
				out = in;
				have_out = true;
			}
			break;
		case ST_SQUOTE:
			if (in == '\'')
				done = true;
			else if (in != '\0') {
				out = in;
				have_out = true;
			}
			break;
		}
		if (esc && have_out && out != '\\' && out != '"' && !is_space(out)) {
			mfa_parse_err_set(perr, perr != NULL ? perr->line : 0, 0,
					  "bad backslash escape: only \\\\, \\\" and \\<blank> are "
					  "allowed (OpenVPN refuses the line)");
			r = MFA_ERR_PARSE;
			goto out;
		}
		esc = false;
		if (have_out) {
			if (plen >= sizeof(parm)) {
				mfa_parse_err_set(
					perr, perr != NULL ? perr->line : 0, 0,
					"a word longer than %d bytes (OpenVPN refuses the "
					"line)",
					OPENVPN_PARM_MAX - 1);
				r = MFA_ERR_PARSE;
				goto out;
			}
			parm[plen++] = out;
		}
		if (done) {
			if ((r = words_push(&w, parm, plen)) != MFA_OK)
				goto out;
			plen = 0;
			st = ST_BETWEEN;
			if (w.n >= OPENVPN_MAX_PARMS)
				goto end;
		}
		if (in == '\0')
			break;
	}
end:
	if (st == ST_DQUOTE || st == ST_SQUOTE || st == ST_PLAIN) {
		mfa_parse_err_set(perr, perr != NULL ? perr->line : 0, 0, "%s",
				  st == ST_DQUOTE ? "no closing double quote (\")"
				  : st == ST_SQUOTE
					  ? "no closing single quote (')"
					  : "a backslash at the end of the line escapes nothing");
		r = MFA_ERR_PARSE;
		goto out;
	}
	*argvp = w.v;
	*argcp = w.n;
	w.v = NULL;
out:
	openvpn_argv_free(&w.v);
	return r;
}

/* ---- loading one config ------------------------------------------------- */

struct loader {
	int rootfd;
	struct openvpn_config *cfg;
	size_t fcap, dcap, pcap, ncap, acap;
	char *cwd;       /* where relative names start (the config's dir, or `cd`) */
	char **resolved; /* per file read: its path after links (for `included`) */
	size_t nresolved, rcap;
};

static int add_msg(struct openvpn_msg **arrp, size_t *np, size_t *capp, const char *file,
		   unsigned line, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int
add_msg(struct openvpn_msg **arrp, size_t *np, size_t *capp, const char *file, unsigned line,
	const char *fmt, ...)
{
	char text[512];
	va_list ap;
	char *t;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (mfa_grow_array((void **)arrp, capp, *np + 1, sizeof(**arrp)) != MFA_OK ||
	    (t = strdup(text)) == NULL)
		return MFA_ERR_NOMEM;
	(*arrp)[*np].file = file;
	(*arrp)[*np].line = line;
	(*arrp)[*np].text = t;
	(*np)++;
	return MFA_OK;
}

#define PROBLEM(L, file, line, ...)                                                                \
	add_msg(&(L)->cfg->problems, &(L)->cfg->nproblems, &(L)->pcap, (file), (line), __VA_ARGS__)
#define NOTE(L, file, line, ...)                                                                   \
	add_msg(&(L)->cfg->notes, &(L)->cfg->nnotes, &(L)->ncap, (file), (line), __VA_ARGS__)

/* Take ownership of argv as a new directive. */
static int
add_directive(struct loader *L, const char *file, unsigned line, unsigned depth, bool setenv_opt,
	      char ***argvp, size_t argc)
{
	struct openvpn_directive *d;

	if (L->cfg->ndirectives >= OPENVPN_MAX_DIRECTIVES)
		return MFA_ERR_TOO_LARGE;
	if (mfa_grow_array((void **)&L->cfg->directives, &L->dcap, L->cfg->ndirectives + 1,
			   sizeof(*d)) != MFA_OK)
		return MFA_ERR_NOMEM;
	d = &L->cfg->directives[L->cfg->ndirectives++];
	d->file = file;
	d->line = line;
	d->depth = depth;
	d->via_setenv_opt = setenv_opt;
	d->argv = *argvp;
	d->argc = argc;
	*argvp = NULL;
	return MFA_OK;
}

/* Does the line (leading blanks skipped) start with "</tag>"? */
static bool
is_end_tag(const char *p, size_t len, const char *tag)
{
	size_t tl = strlen(tag);

	while (len > 0 && is_space(*p)) {
		p++;
		len--;
	}
	return len >= tl + 3 && p[0] == '<' && p[1] == '/' && memcmp(p + 2, tag, tl) == 0 &&
	       p[2 + tl] == '>';
}

static int read_config(struct loader *L, const char *name, unsigned depth, const char *from_file,
		       unsigned from_line, struct mfa_parse_err *perr);

/* `config FILE` and `cd DIR`: act on them where they stand. */
static int
act_on(struct loader *L, const struct openvpn_directive *d, struct mfa_parse_err *perr)
{
	const char *name = d->argv[0];

	if (strcmp(name, "config") == 0) {
		if (d->argc != 2)
			return PROBLEM(L, d->file, d->line, "config takes exactly one file name");
		if (d->depth + 1 >= OPENVPN_MAX_DEPTH)
			return PROBLEM(
				L, d->file, d->line,
				"config nested more than %d files deep (a file that includes "
				"itself?): OpenVPN refuses it",
				OPENVPN_MAX_DEPTH);
		return read_config(L, d->argv[1], d->depth + 1, d->file, d->line, perr);
	}
	if (strcmp(name, "cd") == 0) {
		struct mfa_parse_err e;
		struct stat st;
		char *dir;
		int r;

		if (d->argc != 2)
			return PROBLEM(L, d->file, d->line, "cd takes exactly one directory");
		if ((dir = join_path(L->cwd, d->argv[1])) == NULL)
			return MFA_ERR_NOMEM;
		r = root_fs_stat(L->rootfd, dir, &st, NULL, &e);
		if (r == MFA_ERR_NOMEM) {
			free(dir);
			return r;
		}
		if (r != MFA_OK || !S_ISDIR(st.st_mode)) {
			free(dir);
			return PROBLEM(L, d->file, d->line,
				       "cd to a directory that does not exist in the root: OpenVPN "
				       "stops");
		}
		free(L->cwd);
		L->cwd = dir;
	}
	return MFA_OK;
}

static int
parse_buffer(struct loader *L, const char *file, const char *buf, size_t len, unsigned depth,
	     struct mfa_parse_err *perr)
{
	const char *p = buf, *end = buf + len;
	char **argv = NULL;
	unsigned lineno = 0;
	int r = MFA_OK;

	while (p < end && r == MFA_OK) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t linelen = nl != NULL ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		const char *lp = p;
		size_t ll = linelen, argc = 0;
		unsigned dline;
		bool setenv_opt = false;
		struct mfa_parse_err e;

		dline = ++lineno;
		p += linelen;
		if (lineno == 1 && ll >= 3 && memcmp(lp, "\xEF\xBB\xBF", 3) == 0) {
			lp += 3;
			ll -= 3;
		}
		if (ll > OPENVPN_LINE_MAX) {
			r = PROBLEM(L, file, lineno,
				    "line longer than %d bytes: OpenVPN refuses it",
				    OPENVPN_LINE_MAX);
			continue;
		}
		mfa_parse_err_init(&e, file);
		e.line = lineno;
		r = openvpn_split_line(lp, ll, &argv, &argc, &e);
		if (r == MFA_ERR_PARSE) {
			r = PROBLEM(L, file, lineno, "%s", e.msg);
			continue;
		}
		if (r != MFA_OK || argc == 0)
			continue;
		if (strlen(argv[0]) >= 3 && argv[0][0] == '-' && argv[0][1] == '-')
			memmove(argv[0], argv[0] + 2, strlen(argv[0]) - 1);
		if (argc == 1 && strlen(argv[0]) >= 2 && argv[0][0] == '<' &&
		    argv[0][strlen(argv[0]) - 1] == '>') {
			/* inline block: skip to </tag>, never keep its content */
			char *tag = argv[0], **v;
			bool found = false;

			memmove(tag, tag + 1, strlen(tag));
			tag[strlen(tag) - 1] = '\0';
			while (p < end && !found) {
				const char *nl2 = memchr(p, '\n', (size_t)(end - p));
				size_t l2 = nl2 != NULL ? (size_t)(nl2 - p) + 1 : (size_t)(end - p);

				lineno++;
				found = is_end_tag(p, l2, tag);
				p += l2;
			}
			if (!found) {
				r = PROBLEM(L, file, dline,
					    "inline <%s> has no </%s>: OpenVPN refuses the file",
					    tag, tag);
				if (r != MFA_OK)
					break;
			}
			if ((v = realloc(argv, 3 * sizeof(char *))) == NULL) {
				r = MFA_ERR_NOMEM;
				break;
			}
			argv = v;
			argv[2] = NULL;
			if ((argv[1] = strdup("[inline]")) == NULL) {
				r = MFA_ERR_NOMEM;
				break;
			}
			argc = 2;
		} else if (argc >= 3 && strcmp(argv[0], "setenv") == 0 &&
			   strcmp(argv[1], "opt") == 0) {
			/* OpenVPN processes the option after "setenv opt" */
			free(argv[0]);
			free(argv[1]);
			memmove(argv, argv + 2, (argc - 1) * sizeof(char *));
			argc -= 2;
			setenv_opt = true;
		}
		if ((r = add_directive(L, file, dline, depth, setenv_opt, &argv, argc)) != MFA_OK)
			break;
		r = act_on(L, &L->cfg->directives[L->cfg->ndirectives - 1], perr);
	}
	openvpn_argv_free(&argv);
	return r;
}

/*
 * Read `name` (relative to L->cwd) at depth `depth`.  An include that
 * cannot be read is a problem of the including line; the top file (depth
 * 0) failing to read fails the load.
 */
static int
read_config(struct loader *L, const char *name, unsigned depth, const char *from_file,
	    unsigned from_line, struct mfa_parse_err *perr)
{
	char *path = NULL, *buf = NULL, *resolved = NULL;
	struct mfa_parse_err e;
	size_t len = 0;
	const char *file;
	int r;

	if ((path = join_path(L->cwd, name)) == NULL)
		return MFA_ERR_NOMEM;
	r = root_fs_read_file(L->rootfd, path, OPENVPN_MAX_BYTES, &buf, &len, &resolved,
			      depth == 0 ? perr : &e);
	if (r != MFA_OK) {
		if (depth == 0 || r == MFA_ERR_NOMEM)
			goto out;
		r = PROBLEM(L, from_file, from_line, "cannot read config %s (%s): OpenVPN stops",
			    path, mfa_strerror(r));
		goto out;
	}
	if (mfa_grow_array((void **)&L->cfg->files, &L->fcap, L->cfg->nfiles + 1, sizeof(char *)) !=
		    MFA_OK ||
	    mfa_grow_array((void **)&L->resolved, &L->rcap, L->nresolved + 1, sizeof(char *)) !=
		    MFA_OK) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	file = L->cfg->files[L->cfg->nfiles++] = path;
	path = NULL;
	L->resolved[L->nresolved++] = resolved;
	resolved = NULL;
	r = parse_buffer(L, file, buf, len, depth, perr);
out:
	free(path);
	free(resolved);
	mfa_freezero(buf, len + 1); /* inline <key>, <secret>, <tls-crypt> blocks */
	return r;
}

/* ---- what the options mean --------------------------------------------- */

static bool
streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static int
add_auth(struct loader *L, enum openvpn_auth_kind kind, size_t di, char ***argvp, size_t argc,
	 const char *service)
{
	struct openvpn_auth *a;

	if (mfa_grow_array((void **)&L->cfg->auths, &L->acap, L->cfg->nauths + 1, sizeof(*a)) !=
	    MFA_OK)
		return MFA_ERR_NOMEM;
	a = &L->cfg->auths[L->cfg->nauths];
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->directive = di;
	if (service != NULL && (a->pam_service = strdup(service)) == NULL)
		return MFA_ERR_NOMEM;
	a->argv = *argvp;
	a->argc = argc;
	*argvp = NULL;
	L->cfg->nauths++;
	return MFA_OK;
}

static int
copy_argv(char *const *src, size_t n, char ***dstp)
{
	char **v;
	size_t i;

	if ((v = calloc(n + 1, sizeof(char *))) == NULL)
		return MFA_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		if ((v[i] = strdup(src[i])) == NULL) {
			openvpn_argv_free(&v);
			return MFA_ERR_NOMEM;
		}
	}
	*dstp = v;
	return MFA_OK;
}

/*
 * plugin PATH [ARGS]: OpenVPN hands the plugin {PATH, words...}; a single
 * ARGS string is split again with parse_line, several are used as they are.
 */
static int
plugin_directive(struct loader *L, size_t di)
{
	const struct openvpn_directive *d = &L->cfg->directives[di];
	const char *base;
	char **argv = NULL, **more = NULL;
	size_t argc = 0, nmore = 0, i;
	bool pam;
	int r = MFA_OK;

	if (d->argc < 2)
		return PROBLEM(L, d->file, d->line, "plugin without a module path: OpenVPN stops");
	base = base_name(d->argv[1]);
	for (i = 0; i < sizeof(non_auth_plugins) / sizeof(non_auth_plugins[0]); i++)
		if (streq(base, non_auth_plugins[i]))
			return MFA_OK;
	pam = streq(base, AUTH_PAM_PLUGIN) || streq(base, AUTH_PAM_PLUGIN_OLD);
	if (d->argc == 3) {
		struct mfa_parse_err e;

		mfa_parse_err_init(&e, d->file);
		r = openvpn_split_line(d->argv[2], strlen(d->argv[2]), &more, &nmore, &e);
		if (r == MFA_ERR_PARSE) {
			/* OpenVPN only warns and gives the plugin no arguments */
			r = pam ? PROBLEM(L, d->file, d->line,
					  "the plugin's argument string cannot be split (%s): the "
					  "auth-pam plugin gets no service and OpenVPN stops",
					  e.msg)
				: NOTE(L, d->file, d->line,
				       "the plugin's argument string cannot be split (%s): the "
				       "plugin gets no arguments",
				       e.msg);
			if (r != MFA_OK || pam)
				return r;
			nmore = 0;
		} else if (r != MFA_OK) {
			return r;
		}
	}
	if ((argv = calloc(1 + (d->argc == 3 ? nmore : d->argc - 2) + 1, sizeof(char *))) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	if ((argv[argc++] = strdup(d->argv[1])) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	if (d->argc == 3) {
		for (i = 0; i < nmore; i++) {
			argv[argc++] = more[i];
			more[i] = NULL;
		}
	} else {
		for (i = 2; i < d->argc; i++)
			if ((argv[argc++] = strdup(d->argv[i])) == NULL) {
				r = MFA_ERR_NOMEM;
				goto out;
			}
	}
	if (pam && argc < 2) {
		r = PROBLEM(L, d->file, d->line,
			    "the auth-pam plugin without a PAM service name: it refuses to start");
		goto out;
	}
	r = add_auth(L, pam ? OPENVPN_AUTH_PAM_PLUGIN : OPENVPN_AUTH_PLUGIN, di, &argv, argc,
		     pam ? argv[1] : NULL);
out:
	if (more != NULL) {
		for (i = 0; i < nmore; i++)
			free(more[i]);
		free(more);
	}
	openvpn_argv_free(&argv);
	return r;
}

static int
interpret(struct loader *L)
{
	struct openvpn_config *c = L->cfg;
	size_t i, server = OPENVPN_NONE, mode_server = OPENVPN_NONE, client = OPENVPN_NONE;
	size_t tls_server = OPENVPN_NONE, secret = OPENVPN_NONE, dev = OPENVPN_NONE;
	size_t script = OPENVPN_NONE, mgmt = OPENVPN_NONE;
	int r = MFA_OK;

	c->client_cert = OPENVPN_CERT_REQUIRE;
	c->client_cert_directive = OPENVPN_NONE;
	c->script_security = -1;
	for (i = 0; i < c->ndirectives && r == MFA_OK; i++) {
		const struct openvpn_directive *d = &c->directives[i];
		const char *n = d->argv[0];

		if (streq(n, "server") || streq(n, "server-ipv6") || streq(n, "server-bridge")) {
			if (server == OPENVPN_NONE)
				server = i;
		} else if (streq(n, "mode")) {
			if (d->argc == 2 && streq(d->argv[1], "server")) {
				mode_server = i;
			} else if (d->argc == 2 && streq(d->argv[1], "p2p")) {
				mode_server = OPENVPN_NONE;
			} else {
				r = PROBLEM(L, d->file, d->line,
					    "mode must be p2p or server: OpenVPN stops");
			}
		} else if (streq(n, "client") || streq(n, "tls-client") || streq(n, "pull")) {
			if (client == OPENVPN_NONE)
				client = i;
		} else if (streq(n, "tls-server")) {
			if (tls_server == OPENVPN_NONE)
				tls_server = i;
		} else if (streq(n, "secret")) {
			if (secret == OPENVPN_NONE)
				secret = i;
		} else if (streq(n, "dev")) {
			if (dev == OPENVPN_NONE)
				dev = i;
		} else if (streq(n, "plugin")) {
			r = plugin_directive(L, i);
		} else if (streq(n, "auth-user-pass-verify")) {
			if (d->argc != 3 ||
			    !(streq(d->argv[2], "via-env") || streq(d->argv[2], "via-file"))) {
				r = PROBLEM(L, d->file, d->line,
					    "auth-user-pass-verify needs a command and via-env or "
					    "via-file: OpenVPN stops");
			} else {
				if (script != OPENVPN_NONE)
					r = NOTE(
						L, d->file, d->line,
						"auth-user-pass-verify given again: only this last "
						"script runs (line %u is overridden)",
						c->directives[script].line);
				script = i;
			}
		} else if (streq(n, "verify-client-cert")) {
			if (d->argc == 2 && streq(d->argv[1], "none"))
				c->client_cert = OPENVPN_CERT_NONE;
			else if (d->argc == 2 && streq(d->argv[1], "optional"))
				c->client_cert = OPENVPN_CERT_OPTIONAL;
			else if (d->argc <= 2 && (d->argc == 1 || streq(d->argv[1], "require")))
				c->client_cert = OPENVPN_CERT_REQUIRE;
			else
				r = PROBLEM(L, d->file, d->line,
					    "verify-client-cert takes none, optional or require: "
					    "OpenVPN stops");
			c->client_cert_directive = i;
		} else if (streq(n, "client-cert-not-required")) {
			c->client_cert = OPENVPN_CERT_NONE;
			c->client_cert_directive = i;
			r = NOTE(L, d->file, d->line,
				 "client-cert-not-required (OpenVPN 2.4 and older): no client "
				 "certificate; OpenVPN 2.5 and later no longer know the option and "
				 "refuse the file");
		} else if (streq(n, "username-as-common-name")) {
			c->username_as_common_name = true;
		} else if (streq(n, "auth-user-pass-optional")) {
			c->auth_user_pass_optional = true;
		} else if (streq(n, "auth-gen-token")) {
			c->auth_gen_token = true;
		} else if (streq(n, "management-client-auth")) {
			c->management_client_auth = true;
			if (mgmt == OPENVPN_NONE)
				mgmt = i;
		} else if (streq(n, "static-challenge")) {
			c->static_challenge = true;
		} else if (streq(n, "auth-user-pass")) {
			c->auth_user_pass = true;
		} else if (streq(n, "script-security")) {
			if (d->argc >= 2 && strlen(d->argv[1]) == 1 && d->argv[1][0] >= '0' &&
			    d->argv[1][0] <= '3')
				c->script_security = d->argv[1][0] - '0';
		}
	}
	if (r != MFA_OK)
		return r;
	if (script != OPENVPN_NONE) {
		char **argv = NULL;

		if ((r = copy_argv(c->directives[script].argv + 1, 2, &argv)) != MFA_OK ||
		    (r = add_auth(L, OPENVPN_AUTH_SCRIPT, script, &argv, 2, NULL)) != MFA_OK) {
			openvpn_argv_free(&argv);
			return r;
		}
	}
	if (mgmt != OPENVPN_NONE) {
		char **none = NULL;

		if ((r = add_auth(L, OPENVPN_AUTH_MANAGEMENT, mgmt, &none, 0, NULL)) != MFA_OK)
			return r;
	}

	/* the role */
	if (server != OPENVPN_NONE || mode_server != OPENVPN_NONE) {
		c->role = OPENVPN_ROLE_SERVER;
		c->role_directive = server != OPENVPN_NONE ? server : mode_server;
	} else if (client != OPENVPN_NONE) {
		c->role = OPENVPN_ROLE_CLIENT;
		c->role_directive = client;
	} else if (tls_server != OPENVPN_NONE) {
		c->role = OPENVPN_ROLE_P2P_TLS;
		c->role_directive = tls_server;
	} else if (secret != OPENVPN_NONE) {
		c->role = OPENVPN_ROLE_P2P_STATIC;
		c->role_directive = secret;
	} else if (dev != OPENVPN_NONE) {
		c->role = OPENVPN_ROLE_P2P_NOCRYPTO;
		c->role_directive = dev;
	} else {
		c->role = OPENVPN_ROLE_NONE;
		c->role_directive = OPENVPN_NONE;
	}

	/* notes an auditor should pass on */
	if (c->role == OPENVPN_ROLE_SERVER) {
		const char *f = c->files[0];

		if (c->location == OPENVPN_LOC_CLIENT_DIR)
			r = NOTE(L, f, 0,
				 "a server configuration in the client directory: "
				 "openvpn-client@ starts it as a server");
		if (r == MFA_OK && c->auth_gen_token)
			r = NOTE(L, f, 0,
				 "auth-gen-token: after the first login the client "
				 "re-authenticates with a server token; the PAM service (and a "
				 "second factor in it) is asked again only when the token expires");
		if (r == MFA_OK && c->auth_user_pass_optional)
			r = NOTE(
				L, f, 0,
				"auth-user-pass-optional: clients may connect without a user name "
				"and password; plugins and scripts see empty ones and must refuse");
		if (r == MFA_OK && c->username_as_common_name)
			r = NOTE(L, f, 0,
				 "username-as-common-name: the user name, not the certificate, "
				 "names the client for client-config-dir and logs");
		if (r == MFA_OK && c->management_client_auth)
			r = NOTE(L, f, 0,
				 "management-client-auth: a program on the management interface "
				 "must also accept every client");
		if (r == MFA_OK && script != OPENVPN_NONE && c->script_security >= 0 &&
		    c->script_security < 2)
			r = NOTE(
				L, f, 0,
				"script-security %d: the auth-user-pass-verify script may not run, "
				"so every login fails",
				c->script_security);
	}
	return r;
}

static enum openvpn_verdict
verdict_of(const struct openvpn_config *c)
{
	size_t i;
	bool pam = false, other = false;

	if (c->nproblems > 0)
		return OPENVPN_VERDICT_BROKEN;
	switch (c->role) {
	case OPENVPN_ROLE_NONE:
	case OPENVPN_ROLE_CLIENT:
		return OPENVPN_VERDICT_NOT_SERVER;
	case OPENVPN_ROLE_P2P_TLS:
		return OPENVPN_VERDICT_CERT_ONLY;
	case OPENVPN_ROLE_P2P_STATIC:
		return OPENVPN_VERDICT_STATIC_KEY;
	case OPENVPN_ROLE_P2P_NOCRYPTO:
		return OPENVPN_VERDICT_NO_CLIENT_AUTH;
	case OPENVPN_ROLE_SERVER:
		break;
	}
	for (i = 0; i < c->nauths; i++) {
		if (c->auths[i].kind == OPENVPN_AUTH_PAM_PLUGIN)
			pam = true;
		else
			other = true;
	}
	if (pam)
		return OPENVPN_VERDICT_PAM;
	if (other)
		return OPENVPN_VERDICT_NOT_PROVABLE;
	if (c->client_cert == OPENVPN_CERT_REQUIRE)
		return OPENVPN_VERDICT_CERT_ONLY;
	return OPENVPN_VERDICT_NO_CLIENT_AUTH;
}

static void
config_clear(struct openvpn_config *c)
{
	size_t i;

	free(c->path);
	free(c->resolved);
	for (i = 0; i < c->ndirectives; i++)
		openvpn_argv_free(&c->directives[i].argv);
	free(c->directives);
	for (i = 0; i < c->nproblems; i++)
		free(c->problems[i].text);
	free(c->problems);
	for (i = 0; i < c->nnotes; i++)
		free(c->notes[i].text);
	free(c->notes);
	for (i = 0; i < c->nauths; i++) {
		free(c->auths[i].pam_service);
		openvpn_argv_free(&c->auths[i].argv);
	}
	free(c->auths);
	for (i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	memset(c, 0, sizeof(*c));
}

static enum openvpn_location
location_of(const char *path)
{
	static const char top[] = OPENVPN_CONFIG_DIR "/";
	const char *rest;

	if (strncmp(path, top, sizeof(top) - 1) != 0)
		return OPENVPN_LOC_OTHER;
	rest = path + sizeof(top) - 1;
	if (strchr(rest, '/') == NULL)
		return OPENVPN_LOC_TOP;
	if (strncmp(rest, "server/", 7) == 0 && strchr(rest + 7, '/') == NULL)
		return OPENVPN_LOC_SERVER_DIR;
	if (strncmp(rest, "client/", 7) == 0 && strchr(rest + 7, '/') == NULL)
		return OPENVPN_LOC_CLIENT_DIR;
	return OPENVPN_LOC_OTHER;
}

static size_t
file_index(const struct openvpn_config *c, const char *file)
{
	size_t i;

	for (i = 0; i < c->nfiles; i++)
		if (c->files[i] == file)
			return i;
	return c->nfiles;
}

/* Problems in reading order: by file (as first read), then line. */
static void
sort_problems(struct openvpn_config *c)
{
	size_t i, k;

	for (i = 1; i < c->nproblems; i++) {
		struct openvpn_msg m = c->problems[i];
		size_t fi = file_index(c, m.file);

		for (k = i; k > 0; k--) {
			const struct openvpn_msg *p = &c->problems[k - 1];
			size_t pi = file_index(c, p->file);

			if (pi < fi || (pi == fi && p->line <= m.line))
				break;
			c->problems[k] = c->problems[k - 1];
		}
		c->problems[k] = m;
	}
}

/* Load config `path` into *c (cleared first). */
static int
load_one(int rootfd, const char *path, struct openvpn_config *c, char ***resolvedp, size_t *nresp,
	 struct mfa_parse_err *perr)
{
	struct loader L;
	size_t i;
	int r;

	memset(&L, 0, sizeof(L));
	memset(c, 0, sizeof(*c));
	L.rootfd = rootfd;
	L.cfg = c;
	c->location = location_of(path);
	if ((c->path = strdup(path)) == NULL || (L.cwd = dir_name(path)) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	if ((r = read_config(&L, path, 0, NULL, 0, perr)) != MFA_OK)
		goto out;
	if (L.nresolved > 0 && (c->resolved = strdup(L.resolved[0])) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	if ((r = interpret(&L)) != MFA_OK)
		goto out;
	sort_problems(c);
	c->verdict = verdict_of(c);
	*resolvedp = L.resolved;
	*nresp = L.nresolved;
	L.resolved = NULL;
	L.nresolved = 0;
out:
	if (r == MFA_ERR_TOO_LARGE) {
		mfa_parse_err_init(perr, path);
		mfa_parse_err_set(perr, 0, 0, "more than %d options with includes",
				  OPENVPN_MAX_DIRECTIVES);
	}
	for (i = 0; i < L.nresolved; i++)
		free(L.resolved[i]);
	free(L.resolved);
	free(L.cwd);
	return r;
}

/* ---- the directory ------------------------------------------------------ */

struct found {
	char **paths;
	size_t n, cap;
	char **skipped;
	size_t nskipped, scap;
};

static int add_string(char ***arrp, size_t *np, size_t *capp, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
add_string(char ***arrp, size_t *np, size_t *capp, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0)
		return MFA_ERR_INTERNAL;
	if (mfa_grow_array((void **)arrp, capp, *np + 1, sizeof(char *)) != MFA_OK ||
	    (s = malloc((size_t)len + 1)) == NULL)
		return MFA_ERR_NOMEM;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)len + 1, fmt, ap);
	va_end(ap);
	(*arrp)[(*np)++] = s;
	return MFA_OK;
}

static bool
ends_with_conf(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && strcmp(name + n - 5, ".conf") == 0;
}

static int
walk(int rootfd, const char *dir, unsigned depth, struct found *f, struct mfa_parse_err *perr)
{
	char **names = NULL, *path = NULL;
	size_t n = 0, i;
	int r;

	if ((r = root_fs_list_dir(rootfd, dir, &names, &n, perr)) != MFA_OK)
		return r;
	for (i = 0; i < n && r == MFA_OK; i++) {
		struct mfa_parse_err e;
		struct stat st;
		int sr;

		free(path);
		if ((path = join_path(dir, names[i])) == NULL) {
			r = MFA_ERR_NOMEM;
			break;
		}
		sr = root_fs_stat(rootfd, path, &st, NULL, &e);
		if (sr == MFA_ERR_NOT_FOUND || sr == MFA_ERR_UNSAFE_FILE) {
			if (ends_with_conf(names[i]))
				r = add_string(&f->skipped, &f->nskipped, &f->scap, "%s: %s", path,
					       e.msg);
			continue;
		}
		if (sr != MFA_OK) {
			if (perr != NULL)
				*perr = e;
			r = sr;
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			if (depth + 1 >= OPENVPN_MAX_DIR_DEPTH)
				r = add_string(&f->skipped, &f->nskipped, &f->scap,
					       "%s: more than %d directories deep, not searched",
					       path, OPENVPN_MAX_DIR_DEPTH);
			else
				r = walk(rootfd, path, depth + 1, f, perr);
		} else if (S_ISREG(st.st_mode) && ends_with_conf(names[i])) {
			if (f->n >= OPENVPN_MAX_CONFIGS) {
				mfa_parse_err_init(perr, OPENVPN_CONFIG_DIR);
				mfa_parse_err_set(perr, 0, 0, "more than %d configurations",
						  OPENVPN_MAX_CONFIGS);
				r = MFA_ERR_TOO_LARGE;
				break;
			}
			r = add_string(&f->paths, &f->n, &f->cap, "%s", path);
		}
	}
	free(path);
	root_fs_free_names(&names, n);
	return r;
}

static int
cmp_paths(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
openvpn_configs_free(struct openvpn_configs **cp)
{
	struct openvpn_configs *c;
	size_t i;

	if (cp == NULL || (c = *cp) == NULL)
		return;
	for (i = 0; i < c->n; i++)
		config_clear(&c->configs[i]);
	free(c->configs);
	for (i = 0; i < c->nskipped; i++)
		free(c->skipped[i]);
	free(c->skipped);
	free(c);
	*cp = NULL;
}

int
openvpn_configs_load(int rootfd, struct openvpn_configs **outp, struct mfa_parse_err *perr)
{
	struct openvpn_configs *out = NULL;
	struct found f;
	char ***incl = NULL; /* per config: resolved paths of the files it read */
	size_t *nincl = NULL, i, k, j;
	struct stat st;
	int r;

	memset(&f, 0, sizeof(f));
	if (outp == NULL)
		return MFA_ERR_INVALID_ARG;
	*outp = NULL;
	if ((out = calloc(1, sizeof(*out))) == NULL)
		return MFA_ERR_NOMEM;
	r = root_fs_stat(rootfd, OPENVPN_CONFIG_DIR, &st, NULL, perr);
	if (r == MFA_ERR_NOT_FOUND || (r == MFA_OK && !S_ISDIR(st.st_mode))) {
		mfa_parse_err_init(perr, NULL);
		r = MFA_OK;
		goto done; /* no OpenVPN configuration */
	}
	if (r != MFA_OK || (r = walk(rootfd, OPENVPN_CONFIG_DIR, 0, &f, perr)) != MFA_OK)
		goto out;
	if (f.n > 0)
		qsort(f.paths, f.n, sizeof(char *), cmp_paths);
	if (f.n > 0 && ((out->configs = calloc(f.n, sizeof(*out->configs))) == NULL ||
			(incl = calloc(f.n, sizeof(*incl))) == NULL ||
			(nincl = calloc(f.n, sizeof(*nincl))) == NULL)) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < f.n; i++) {
		if ((r = load_one(rootfd, f.paths[i], &out->configs[i], &incl[i], &nincl[i],
				  perr)) != MFA_OK) {
			config_clear(&out->configs[i]);
			goto out;
		}
		out->n++;
	}
	/* a config that another one reads with `config` is (probably) a fragment */
	for (i = 0; i < out->n; i++)
		for (k = 0; k < out->n; k++)
			for (j = 1; k != i && j < nincl[k]; j++)
				if (out->configs[i].resolved != NULL &&
				    strcmp(incl[k][j], out->configs[i].resolved) == 0)
					out->configs[i].included = true;
	mfa_parse_err_init(perr, NULL);
done:
	out->skipped = f.skipped;
	out->nskipped = f.nskipped;
	f.skipped = NULL;
	f.nskipped = 0;
	*outp = out;
	out = NULL;
out:
	if (incl != NULL) {
		for (i = 0; i < f.n; i++) {
			for (k = 0; k < nincl[i]; k++)
				free(incl[i][k]);
			free(incl[i]);
		}
	}
	free(incl);
	free(nincl);
	for (i = 0; i < f.n; i++)
		free(f.paths[i]);
	free(f.paths);
	for (i = 0; i < f.nskipped; i++)
		free(f.skipped[i]);
	free(f.skipped);
	openvpn_configs_free(&out);
	return r;
}

int
openvpn_configs_first_problem(const struct openvpn_configs *c, struct mfa_parse_err *perr)
{
	size_t i;

	if (c == NULL)
		return MFA_ERR_INVALID_ARG;
	for (i = 0; i < c->n; i++) {
		const struct openvpn_msg *m;

		if (c->configs[i].nproblems == 0)
			continue;
		m = &c->configs[i].problems[0];
		mfa_parse_err_init(perr, m->file != NULL ? m->file : c->configs[i].path);
		mfa_parse_err_set(perr, m->line, 0, "%s", m->text);
		return MFA_ERR_PARSE;
	}
	return MFA_OK;
}

/* ---- names -------------------------------------------------------------- */

const char *
openvpn_verdict_name(enum openvpn_verdict v)
{
	switch (v) {
	case OPENVPN_VERDICT_NOT_SERVER:
		return "not-server";
	case OPENVPN_VERDICT_BROKEN:
		return "broken";
	case OPENVPN_VERDICT_PAM:
		return "pam";
	case OPENVPN_VERDICT_NOT_PROVABLE:
		return "not-provable";
	case OPENVPN_VERDICT_CERT_ONLY:
		return "cert-only";
	case OPENVPN_VERDICT_STATIC_KEY:
		return "static-key";
	case OPENVPN_VERDICT_NO_CLIENT_AUTH:
		return "no-client-auth";
	}
	return "?";
}

const char *
openvpn_role_name(enum openvpn_role r)
{
	switch (r) {
	case OPENVPN_ROLE_NONE:
		return "none";
	case OPENVPN_ROLE_SERVER:
		return "server";
	case OPENVPN_ROLE_CLIENT:
		return "client";
	case OPENVPN_ROLE_P2P_TLS:
		return "p2p-tls";
	case OPENVPN_ROLE_P2P_STATIC:
		return "p2p-static-key";
	case OPENVPN_ROLE_P2P_NOCRYPTO:
		return "p2p-no-crypto";
	}
	return "?";
}

const char *
openvpn_location_name(enum openvpn_location l)
{
	switch (l) {
	case OPENVPN_LOC_TOP:
		return "top";
	case OPENVPN_LOC_SERVER_DIR:
		return "server-dir";
	case OPENVPN_LOC_CLIENT_DIR:
		return "client-dir";
	case OPENVPN_LOC_OTHER:
		return "other";
	}
	return "?";
}

const char *
openvpn_client_cert_name(enum openvpn_client_cert c)
{
	switch (c) {
	case OPENVPN_CERT_REQUIRE:
		return "require";
	case OPENVPN_CERT_OPTIONAL:
		return "optional";
	case OPENVPN_CERT_NONE:
		return "none";
	}
	return "?";
}

const char *
openvpn_auth_kind_name(enum openvpn_auth_kind k)
{
	switch (k) {
	case OPENVPN_AUTH_PAM_PLUGIN:
		return "pam-plugin";
	case OPENVPN_AUTH_PLUGIN:
		return "plugin";
	case OPENVPN_AUTH_SCRIPT:
		return "script";
	case OPENVPN_AUTH_MANAGEMENT:
		return "management";
	}
	return "?";
}
