/*
 * sudoers.c - read sudoers(5) as sudo 1.9 does, and work out what it grants.
 *
 * The lexer follows the rules of sudo's plugins/sudoers/toke.l (longest
 * match among the token patterns, context-dependent states for Defaults,
 * command arguments and include paths); the parser is a recursive-descent
 * rendering of gram.y; the checks after parsing are visudo -c's.  The code
 * is our own.  Everything the parse produces lives in one arena.
 */
#include "sudoers.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mfa_mem.h"
#include "root_fs.h"

/* ---- arena --------------------------------------------------------------- */

struct arena_blk {
	struct arena_blk *next;
	size_t size;
	size_t used;
	max_align_t data[];
};

struct sudoers_arena {
	struct arena_blk *head;
};

#define ARENA_BLOCK 16384u

static void *
ar_alloc(struct sudoers_arena *a, size_t n)
{
	struct arena_blk *b = a->head;
	size_t align = sizeof(max_align_t);
	void *p;

	if (n > SIZE_MAX - align)
		return NULL;
	n = (n + align - 1) / align * align;
	if (n == 0)
		n = align;
	if (b == NULL || b->size - b->used < n) {
		size_t sz = n > ARENA_BLOCK ? n : ARENA_BLOCK;

		if ((b = calloc(1, sizeof(*b) + sz)) == NULL)
			return NULL;
		b->size = sz;
		b->next = a->head;
		a->head = b;
	}
	p = (char *)b->data + b->used;
	b->used += n;
	return p;
}

static char *
ar_strndup(struct sudoers_arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX || (p = ar_alloc(a, n + 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static char *
ar_strdup(struct sudoers_arena *a, const char *s)
{
	return ar_strndup(a, s, strlen(s));
}

static char *ar_printf(struct sudoers_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static char *
ar_printf(struct sudoers_arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (p = ar_alloc(a, (size_t)n + 1)) == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

static void
arena_free(struct sudoers_arena *a)
{
	struct arena_blk *b, *next;

	if (a == NULL)
		return;
	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

/* Append one zeroed element of size elsz to the array *vp of *np (capacity *capp). */
static void *
vec_push(struct sudoers_arena *a, void **vp, size_t *np, size_t *capp, size_t elsz)
{
	if (*np == *capp) {
		size_t ncap = *capp != 0 ? *capp * 2 : 4;
		void *nv;

		if (ncap < *capp || ncap > SIZE_MAX / elsz)
			return NULL;
		if ((nv = ar_alloc(a, ncap * elsz)) == NULL)
			return NULL;
		if (*np != 0)
			memcpy(nv, *vp, *np * elsz);
		*vp = nv;
		*capp = ncap;
	}
	return (char *)*vp + (*np)++ * elsz;
}

/* ---- Defaults names (sudo 1.9.13's table, classified by visudo -c) ------- */

enum def_val {
	DV_NONE = 0, /* a flag: takes no value */
	DV_ANY,
	DV_PATH,      /* must start with '/' */
	DV_PATH_STAR, /* '/', '~' or '*' */
	DV_INT,       /* -?digits */
	DV_UINT,
	DV_MODE,    /* octal, at most 0777 */
	DV_FLOAT,   /* -?digits[.digits] */
	DV_TIMEOUT, /* digits, or [digits d|h|m|s]... */
	DV_RLIMIT,  /* digits, "infinity" or "user" */
	DV_ENUM,
};

#define DF_BARE 0x1u /* `Defaults name` without a value is accepted */
#define DF_NEG 0x2u  /* `Defaults !name` is accepted */
#define DF_LIST 0x4u /* += and -= are accepted */

struct def_kw {
	const char *name;
	enum def_val val;
	unsigned flags;
	const char *const *enums; /* DV_ENUM: NULL-terminated */
};

static const char *const e_lecture[] = {"never", "once", "always", NULL};
static const char *const e_pw[] = {"never", "all", "any", "always", NULL};
static const char *const e_fdexec[] = {"never", "digest_only", "always", NULL};
static const char *const e_fac[] = {"auth",   "authpriv", "daemon", "user",   "local0",
				    "local1", "local2",   "local3", "local4", "local5",
				    "local6", "local7",   NULL};
static const char *const e_pri[] = {"alert", "crit",   "debug",   "emerg", "err",
				    "info",  "notice", "warning", "none",  NULL};
static const char *const e_intercept[] = {"dso", "trace", NULL};
static const char *const e_logfmt[] = {"json", "sudo", NULL};
static const char *const e_ts[] = {"global", "ppid", "tty", "kernel", NULL};

#define FLAG(n)                                                                                    \
	{                                                                                          \
		n, DV_NONE, DF_BARE | DF_NEG, NULL                                                 \
	}
#define STR(n)                                                                                     \
	{                                                                                          \
		n, DV_ANY, 0, NULL                                                                 \
	}
#define STRB(n)                                                                                    \
	{                                                                                          \
		n, DV_ANY, DF_NEG, NULL                                                            \
	}

/* Sorted by name for bsearch. */
static const struct def_kw def_kws[] = {
	{"admin_flag", DV_PATH_STAR, DF_NEG, NULL},
	FLAG("always_query_group_plugin"),
	FLAG("always_set_home"),
	STR("apparmor_profile"),
	FLAG("authenticate"),
	STR("authfail_message"),
	STR("badpass_message"),
	FLAG("case_insensitive_group"),
	FLAG("case_insensitive_user"),
	{"closefrom", DV_INT, 0, NULL},
	FLAG("closefrom_override"),
	{"command_timeout", DV_TIMEOUT, DF_NEG, NULL},
	FLAG("compress_io"),
	{"editor", DV_PATH, 0, NULL},
	{"env_check", DV_ANY, DF_NEG | DF_LIST, NULL},
	{"env_delete", DV_ANY, DF_NEG | DF_LIST, NULL},
	FLAG("env_editor"),
	{"env_file", DV_PATH, DF_NEG, NULL},
	{"env_keep", DV_ANY, DF_NEG | DF_LIST, NULL},
	FLAG("env_reset"),
	FLAG("exec_background"),
	STRB("exempt_group"),
	FLAG("fast_glob"),
	{"fdexec", DV_ENUM, DF_BARE | DF_NEG, e_fdexec},
	FLAG("fqdn"),
	STR("group_plugin"),
	FLAG("ignore_audit_errors"),
	FLAG("ignore_dot"),
	FLAG("ignore_iolog_errors"),
	FLAG("ignore_local_sudoers"),
	FLAG("ignore_logfile_errors"),
	FLAG("ignore_unknown_defaults"),
	FLAG("insults"),
	FLAG("intercept"),
	FLAG("intercept_allow_setid"),
	FLAG("intercept_authenticate"),
	{"intercept_type", DV_ENUM, DF_NEG, e_intercept},
	FLAG("intercept_verify"),
	{"iolog_dir", DV_PATH, 0, NULL},
	STR("iolog_file"),
	FLAG("iolog_flush"),
	STRB("iolog_group"),
	{"iolog_mode", DV_MODE, 0, NULL},
	STRB("iolog_user"),
	{"lecture", DV_ENUM, DF_BARE | DF_NEG, e_lecture},
	{"lecture_file", DV_PATH, DF_NEG, NULL},
	{"lecture_status_dir", DV_PATH, 0, NULL},
	STR("limitprivs"),
	{"listpw", DV_ENUM, DF_BARE | DF_NEG, e_pw},
	FLAG("log_allowed"),
	FLAG("log_denied"),
	FLAG("log_exit_status"),
	{"log_format", DV_ENUM, DF_NEG, e_logfmt},
	FLAG("log_host"),
	FLAG("log_input"),
	FLAG("log_output"),
	FLAG("log_passwords"),
	{"log_server_cabundle", DV_PATH, DF_NEG, NULL},
	FLAG("log_server_keepalive"),
	{"log_server_peer_cert", DV_PATH, DF_NEG, NULL},
	{"log_server_peer_key", DV_PATH, DF_NEG, NULL},
	{"log_server_timeout", DV_TIMEOUT, DF_NEG, NULL},
	FLAG("log_server_verify"),
	{"log_servers", DV_ANY, DF_NEG | DF_LIST, NULL},
	FLAG("log_stderr"),
	FLAG("log_stdin"),
	FLAG("log_stdout"),
	FLAG("log_subcmds"),
	FLAG("log_ttyin"),
	FLAG("log_ttyout"),
	FLAG("log_year"),
	{"logfile", DV_PATH, DF_NEG, NULL},
	{"loglinelen", DV_UINT, DF_NEG, NULL},
	FLAG("long_otp_prompt"),
	FLAG("mail_all_cmnds"),
	FLAG("mail_always"),
	FLAG("mail_badpass"),
	FLAG("mail_no_host"),
	FLAG("mail_no_perms"),
	FLAG("mail_no_user"),
	STRB("mailerflags"),
	{"mailerpath", DV_PATH, DF_NEG, NULL},
	STRB("mailfrom"),
	STR("mailsub"),
	STRB("mailto"),
	FLAG("match_group_by_gid"),
	STR("maxseq"),
	FLAG("netgroup_tuple"),
	FLAG("noexec"),
	FLAG("noninteractive_auth"),
	FLAG("pam_acct_mgmt"),
	STR("pam_askpass_service"),
	STR("pam_login_service"),
	FLAG("pam_rhost"),
	FLAG("pam_ruser"),
	STR("pam_service"),
	FLAG("pam_session"),
	FLAG("pam_setcred"),
	STR("passprompt"),
	FLAG("passprompt_override"),
	{"passprompt_regex", DV_ANY, DF_NEG | DF_LIST, NULL},
	{"passwd_timeout", DV_FLOAT, DF_NEG, NULL},
	{"passwd_tries", DV_UINT, 0, NULL},
	FLAG("path_info"),
	FLAG("preserve_groups"),
	STR("privs"),
	FLAG("pwfeedback"),
	FLAG("requiretty"),
	{"restricted_env_file", DV_PATH, DF_NEG, NULL},
	{"rlimit_as", DV_RLIMIT, DF_NEG, NULL},
	{"rlimit_core", DV_RLIMIT, DF_NEG, NULL},
	{"rlimit_cpu", DV_RLIMIT, DF_NEG, NULL},
	{"rlimit_data", DV_RLIMIT, DF_NEG, NULL},
	{"rlimit_fsize", DV_RLIMIT, DF_NEG, NULL},
	{"rlimit_locks", DV_RLIMIT, DF_NEG, NULL},
	{"rlimit_memlock", DV_RLIMIT, DF_NEG, NULL},
	{"rlimit_nofile", DV_RLIMIT, DF_NEG, NULL},
	{"rlimit_nproc", DV_RLIMIT, DF_NEG, NULL},
	{"rlimit_rss", DV_RLIMIT, DF_NEG, NULL},
	{"rlimit_stack", DV_RLIMIT, DF_NEG, NULL},
	STR("role"),
	FLAG("root_sudo"),
	FLAG("rootpw"),
	FLAG("runas_allow_unknown_id"),
	FLAG("runas_check_shell"),
	STR("runas_default"),
	FLAG("runaspw"),
	{"runchroot", DV_PATH_STAR, DF_NEG, NULL},
	{"runcwd", DV_PATH_STAR, DF_NEG, NULL},
	STRB("secure_path"),
	FLAG("selinux"),
	FLAG("set_home"),
	FLAG("set_logname"),
	FLAG("set_utmp"),
	FLAG("setenv"),
	FLAG("shell_noargs"),
	FLAG("stay_setuid"),
	FLAG("sudoedit_checkdir"),
	FLAG("sudoedit_follow"),
	STR("sudoers_locale"),
	{"syslog", DV_ENUM, DF_BARE | DF_NEG, e_fac},
	{"syslog_badpri", DV_ENUM, DF_NEG, e_pri},
	{"syslog_goodpri", DV_ENUM, DF_NEG, e_pri},
	{"syslog_maxlen", DV_UINT, 0, NULL},
	FLAG("syslog_pid"),
	FLAG("targetpw"),
	{"timestamp_timeout", DV_FLOAT, DF_NEG, NULL},
	{"timestamp_type", DV_ENUM, DF_NEG, e_ts},
	{"timestampdir", DV_PATH, 0, NULL},
	STR("timestampowner"),
	FLAG("tty_tickets"),
	STR("type"),
	{"umask", DV_MODE, DF_NEG, NULL},
	FLAG("umask_override"),
	FLAG("use_loginclass"),
	FLAG("use_netgroups"),
	FLAG("use_pty"),
	FLAG("user_command_timeouts"),
	FLAG("utmp_runas"),
	{"verifypw", DV_ENUM, DF_BARE | DF_NEG, e_pw},
	FLAG("visiblepw"),
};

#undef FLAG
#undef STR
#undef STRB

_Static_assert(sizeof(def_kws) / sizeof(def_kws[0]) == 161, "sudo 1.9.13 knows 161 Defaults");

static int
def_kw_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct def_kw *)elem)->name);
}

static const struct def_kw *
def_kw_find(const char *name)
{
	return bsearch(name, def_kws, sizeof(def_kws) / sizeof(def_kws[0]), sizeof(def_kws[0]),
		       def_kw_cmp);
}

static bool
all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static bool
def_value_ok(const struct def_kw *kw, const char *v)
{
	const char *const *e;
	const char *p;

	switch (kw->val) {
	case DV_NONE:
		return false;
	case DV_ANY:
		return true;
	case DV_PATH:
		return v[0] == '/';
	case DV_PATH_STAR:
		return v[0] == '/' || v[0] == '~' || v[0] == '*';
	case DV_INT:
		return all_digits(v[0] == '-' ? v + 1 : v);
	case DV_UINT:
		return all_digits(v);
	case DV_MODE:
		if (!all_digits(v) || strlen(v) > 4)
			return false;
		for (p = v; *p != '\0'; p++)
			if (*p > '7')
				return false;
		return strtoul(v, NULL, 8) <= 0777;
	case DV_FLOAT:
		p = v[0] == '-' ? v + 1 : v;
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
		if (*p == '.')
			for (p++; isdigit((unsigned char)*p); p++)
				;
		return *p == '\0';
	case DV_TIMEOUT:
		if (all_digits(v))
			return true;
		for (p = v; *p != '\0';) {
			if (!isdigit((unsigned char)*p))
				return false;
			while (isdigit((unsigned char)*p))
				p++;
			if (*p == '\0' || strchr("dDhHmMsS", *p) == NULL)
				return false;
			p++;
		}
		return true;
	case DV_RLIMIT:
		return all_digits(v) || strcmp(v, "infinity") == 0 || strcmp(v, "user") == 0;
	case DV_ENUM:
		for (e = kw->enums; *e != NULL; e++)
			if (strcmp(*e, v) == 0)
				return true;
		return false;
	}
	return false;
}

/* ---- lexer --------------------------------------------------------------- */

enum tok_type {
	T_EOF = 0,
	T_NL,
	T_WORD,
	T_ALIAS,
	T_ALL,
	T_NETGROUP,
	T_USERGROUP,
	T_NTWKADDR,
	T_COMMAND,
	T_DIGEST, /* sha224 .. sha512 */
	T_TAG,
	T_OPT,
	T_BANG,
	T_COMMA,
	T_EQ,
	T_COLON,
	T_LPAREN,
	T_RPAREN,
};

struct tok {
	enum tok_type type;
	int sub;    /* T_TAG: tag*2+value; T_OPT: option; T_DIGEST: index */
	char *val;  /* unescaped text (arena) */
	char *args; /* T_COMMAND */
	char *raw;  /* as written (arena) */
	unsigned line;
	unsigned col;
};

struct lx {
	const char *b;
	size_t len;
	size_t pos;
	size_t bol; /* offset where the current physical line starts */
	unsigned line;
	bool continued; /* a `\` newline since the last newline */
	const char *file;
	struct sudoers_arena *a;
	struct mfa_parse_err *perr;
};

static int lx_error(struct lx *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
lx_error(struct lx *l, const char *fmt, ...)
{
	char msg[MFA_PARSE_ERR_MSG_MAX];
	va_list ap;
	size_t col = l->pos >= l->bol ? l->pos - l->bol + 1 : 1;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mfa_parse_err_init(l->perr, l->file);
	mfa_parse_err_set(l->perr, l->line, col > UINT32_MAX ? 0 : (unsigned)col, "%s", msg);
	return MFA_ERR_PARSE;
}

static int
lx_c(const struct lx *l, size_t off)
{
	return l->pos + off < l->len ? (unsigned char)l->b[l->pos + off] : -1;
}

/* The byte at absolute offset off, or -1 past the end. */
static int
at(const struct lx *l, size_t off)
{
	return off < l->len ? (unsigned char)l->b[off] : -1;
}

static bool
is_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* Length of `\` [blanks] [\r] \n at off, or 0. */
static size_t
cont_len(const struct lx *l, size_t off)
{
	size_t i = off;

	if (lx_c(l, i) != '\\')
		return 0;
	for (i++; is_blank(lx_c(l, i)); i++)
		;
	if (lx_c(l, i) == '\r')
		i++;
	return lx_c(l, i) == '\n' ? i + 1 - off : 0;
}

static void
lx_newline(struct lx *l)
{
	l->line++;
	l->bol = l->pos;
}

/* Skip blanks and line continuations.  A continuation right before EOF is an error. */
static int
skip_blanks(struct lx *l, bool *sawp)
{
	size_t n;
	bool saw = false;

	for (;;) {
		if (is_blank(lx_c(l, 0))) {
			l->pos++;
			saw = true;
		} else if ((n = cont_len(l, 0)) != 0) {
			l->pos += n;
			lx_newline(l);
			l->continued = true;
			saw = true;
			{
				size_t i = 0;

				while (is_blank(lx_c(l, i)))
					i++;
				if (lx_c(l, i) == -1)
					return lx_error(
						l,
						"syntax error: line continuation at end of file");
			}
		} else {
			break;
		}
	}
	if (sawp != NULL)
		*sawp = saw;
	return 0;
}

/* A `#` here starts a comment (not #uid, #-uid). */
static bool
at_comment(const struct lx *l)
{
	int c1;

	if (lx_c(l, 0) != '#')
		return false;
	c1 = lx_c(l, 1);
	if (isdigit(c1))
		return false;
	if (c1 == '-' && isdigit(lx_c(l, 2)))
		return false;
	return true;
}

static void
skip_to_eol(struct lx *l)
{
	while (l->pos < l->len && l->b[l->pos] != '\n')
		l->pos++;
}

static bool
word_char(int c)
{
	return c > 0 && strchr("#>!=:,() \t\r\n\\\"", c) == NULL;
}

/* Length of a WORD at off (backslash escapes included). */
static size_t
word_len(const struct lx *l, size_t off)
{
	size_t i = off;

	for (;;) {
		int c = at(l, i);

		if (c == '\\' && at(l, i + 1) != -1 && at(l, i + 1) != '\t' && at(l, i + 1) != '\n')
			i += 2;
		else if (word_char(c))
			i++;
		else
			break;
	}
	return i - off;
}

static size_t
id_len(const struct lx *l, size_t off)
{
	size_t i = off;

	if (at(l, i) != '#')
		return 0;
	i++;
	if (at(l, i) == '-')
		i++;
	if (!isdigit(at(l, i)))
		return 0;
	while (isdigit(at(l, i)))
		i++;
	return i - off;
}

static size_t
alias_len(const struct lx *l, size_t off)
{
	size_t i = off;

	if (!isupper(at(l, i)))
		return 0;
	for (i++; isupper(at(l, i)) || isdigit(at(l, i)) || at(l, i) == '_'; i++)
		;
	return i - off;
}

static size_t
path_len(const struct lx *l, size_t off)
{
	size_t i = off;

	if (at(l, i) != '/')
		return 0;
	for (i++;;) {
		int c = at(l, i);

		if (c == '\\' && at(l, i + 1) > 0 && strchr(",:= \t#", at(l, i + 1)) != NULL)
			i += 2;
		else if (c > 0 && strchr(",:=\\ \t\r\n#", c) == NULL)
			i++;
		else
			break;
	}
	return i - off > 1 ? i - off : 0;
}

static size_t
regex_len(const struct lx *l, size_t off)
{
	size_t i = off;

	if (at(l, i) != '^')
		return 0;
	for (i++;;) {
		int c = at(l, i);

		if (c == '\\' && (at(l, i + 1) == '#' || at(l, i + 1) == '$'))
			i += 2;
		else if (c == '$')
			return i + 1 - off;
		else if (c == -1 || c == '#' || c == '\r' || c == '\n')
			return 0;
		else
			i++;
	}
}

static size_t
octet_len(const struct lx *l, size_t off)
{
	size_t i = off;
	unsigned v = 0;

	while (isdigit(at(l, i)) && i - off < 3)
		v = v * 10 + (unsigned)(at(l, i++) - '0');
	return (i > off && v <= 255) ? i - off : 0;
}

static size_t
ipv4_len(const struct lx *l, size_t off)
{
	size_t i = off, n;
	int k;

	for (k = 0; k < 4; k++) {
		if (k > 0) {
			if (at(l, i) != '.')
				return 0;
			i++;
		}
		if ((n = octet_len(l, i)) == 0)
			return 0;
		i += n;
	}
	return i - off;
}

/* An IPv4 or IPv6 address or network at off (sudo's NTWKADDR), or 0. */
static size_t
ntwk_len(const struct lx *l, size_t off)
{
	size_t n = ipv4_len(l, off), m, i, colons = 0, grp = 0;

	if (n != 0) {
		if (at(l, off + n) == '/') {
			if ((m = ipv4_len(l, off + n + 1)) != 0)
				return n + 1 + m;
			/* A prefix length of 0 to 32: one or two digits, and no third. */
			unsigned bits = 0;

			for (m = 0; isdigit(at(l, off + n + 1 + m)) && m < 2; m++)
				bits = bits * 10 + (unsigned)(at(l, off + n + 1 + m) - '0');
			if (m != 0 && !isdigit(at(l, off + n + 1 + m)) && bits <= 32)
				return n + 1 + m;
		}
		return n;
	}
	for (i = off; isxdigit(at(l, i)) || at(l, i) == ':'; i++) {
		if (at(l, i) == ':') {
			colons++;
			grp = 0;
		} else if (++grp > 4) {
			return 0;
		}
	}
	if (colons < 2 || colons > 7)
		return 0;
	if (at(l, i) == '/' && isdigit(at(l, i + 1)))
		for (i++; isdigit(at(l, i)); i++)
			;
	return i - off;
}

/* Copy n bytes at off, dropping the backslash of each `\x`. */
static char *
unescape(struct lx *l, size_t off, size_t n)
{
	char *p = ar_alloc(l->a, n + 1), *q;
	size_t i;

	if (p == NULL)
		return NULL;
	for (q = p, i = 0; i < n; i++) {
		if (l->b[off + i] == '\\' && i + 1 < n)
			i++;
		*q++ = l->b[off + i];
	}
	*q = '\0';
	return p;
}

static const char *const tag_names[] = {
	"NOPASSWD",  "PASSWD",      "NOEXEC",    "EXEC",        "SETENV",     "NOSETENV",
	"INTERCEPT", "NOINTERCEPT", "LOG_INPUT", "NOLOG_INPUT", "LOG_OUTPUT", "NOLOG_OUTPUT",
	"MAIL",      "NOMAIL",      "FOLLOW",    "NOFOLLOW",
};
/* tag_names[i] sets tag tag_map[i] to tag_val[i] */
static const enum sudoers_tag tag_map[] = {
	SUDOERS_TAG_NOPASSWD,  SUDOERS_TAG_NOPASSWD,   SUDOERS_TAG_NOEXEC,
	SUDOERS_TAG_NOEXEC,    SUDOERS_TAG_SETENV,     SUDOERS_TAG_SETENV,
	SUDOERS_TAG_INTERCEPT, SUDOERS_TAG_INTERCEPT,  SUDOERS_TAG_LOG_INPUT,
	SUDOERS_TAG_LOG_INPUT, SUDOERS_TAG_LOG_OUTPUT, SUDOERS_TAG_LOG_OUTPUT,
	SUDOERS_TAG_MAIL,      SUDOERS_TAG_MAIL,       SUDOERS_TAG_FOLLOW,
	SUDOERS_TAG_FOLLOW,
};
static const signed char tag_val[] = {1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0};
_Static_assert(sizeof(tag_names) / sizeof(tag_names[0]) == sizeof(tag_val), "tag tables");
_Static_assert(sizeof(tag_map) / sizeof(tag_map[0]) == sizeof(tag_val), "tag tables");

static const char *const opt_names[SUDOERS_NOPTS] = {
	"CWD", "CHROOT", "TIMEOUT", "NOTBEFORE", "NOTAFTER", "ROLE", "TYPE",
};
static const char *const digest_names[] = {"sha224", "sha256", "sha384", "sha512"};
static const size_t digest_bytes[] = {28, 32, 48, 64};

static size_t
literal_len(const struct lx *l, size_t off, const char *s)
{
	size_t n = strlen(s);

	return (off + n <= l->len && memcmp(l->b + off, s, n) == 0) ? n : 0;
}

/* NAME [blanks] ':' */
static size_t
tag_len(const struct lx *l, size_t off, const char *name)
{
	size_t n = literal_len(l, off, name);

	if (n == 0)
		return 0;
	while (is_blank(at(l, off + n)))
		n++;
	return at(l, off + n) == ':' ? n + 1 : 0;
}

/* Scan mode */
#define M_INITIAL 0u
#define M_DEFS 1u       /* a Defaults binding list: commands take no arguments */
#define M_EXPECTPATH 2u /* after CWD= / CHROOT=: a path or a word */

static int
buf_add(char **bufp, size_t *np, size_t *capp, const char *p, size_t k)
{
	if (*np + k + 1 > *capp) {
		size_t ncap = (*np + k + 1) * 2 + 64;
		char *nb = realloc(*bufp, ncap);

		if (nb == NULL)
			return MFA_ERR_NOMEM;
		*bufp = nb;
		*capp = ncap;
	}
	memcpy(*bufp + *np, p, k);
	*np += k;
	return 0;
}

/* The arguments after a command (sudo's GOTCMND / GOTREGEX states). */
static int
scan_args(struct lx *l, struct tok *t)
{
	char *buf = NULL;
	size_t n = 0, cap = 0;
	bool any = false;
	int r = 0;

	for (;;) {
		bool saw;
		int c;

		if ((r = skip_blanks(l, &saw)) != 0)
			goto out;
		c = lx_c(l, 0);
		if (c == -1 || c == '#' || c == ':' || c == ',' || c == '\r' || c == '\n')
			break;
		if (c == '=' && (lx_c(l, 1) == -1 || strchr("#\\:, \t\r\n", lx_c(l, 1)) != NULL))
			break;
		if (any && saw && (r = buf_add(&buf, &n, &cap, " ", 1)) != 0)
			goto out;
		/* one argument: up to the next blank or terminator */
		if (!any && c == '^') {
			/* a regular expression: up to an unescaped '$' (sudo's GOTREGEX) */
			for (;;) {
				int ch = lx_c(l, 0);
				size_t take = (ch == '\\' && lx_c(l, 1) != -1 && lx_c(l, 1) != '\n')
						      ? 2
						      : 1;

				if (ch == -1 || ch == '#' || ch == '\r' || ch == '\n') {
					r = lx_error(l, "unterminated regular expression");
					goto out;
				}
				if ((r = buf_add(&buf, &n, &cap, l->b + l->pos, take)) != 0)
					goto out;
				l->pos += take;
				if (ch == '$')
					break;
			}
		} else {
			for (;;) {
				int ch = lx_c(l, 0), nx = lx_c(l, 1);
				size_t take = 1;

				if (ch == '\\' && nx > 0 && strchr("*?[]!^", nx) != NULL) {
					r = buf_add(&buf, &n, &cap, l->b + l->pos, 2);
					take = 2;
				} else if (ch == '\\' && cont_len(l, 0) != 0) {
					break;
				} else if (ch == '\\' && nx > 0 &&
					   strchr(":\\,= \t#", nx) != NULL) {
					r = buf_add(&buf, &n, &cap, l->b + l->pos + 1, 1);
					take = 2;
				} else if (ch == '\\') {
					r = lx_error(l, "syntax error");
				} else if (ch == -1 || strchr("#:, \t\r\n", ch) != NULL) {
					break;
				} else {
					r = buf_add(&buf, &n, &cap, l->b + l->pos, 1);
				}
				if (r != 0)
					goto out;
				l->pos += take;
			}
		}
		any = true;
	}
	if (any) {
		if ((t->args = ar_strndup(l->a, buf, n)) == NULL)
			r = MFA_ERR_NOMEM;
	}
out:
	free(buf);
	return r;
}

/* A double-quoted string (sudo's INSTR state); pos is at the opening quote. */
static int
scan_string(struct lx *l, char **outp)
{
	char *p;
	size_t cap, n = 0;

	l->pos++;
	cap = 64;
	if ((p = malloc(cap)) == NULL)
		return MFA_ERR_NOMEM;
	for (;;) {
		int c = lx_c(l, 0);
		size_t cl;

		if (c == -1 || c == '\n' || (c == '\r' && lx_c(l, 1) == '\n')) {
			free(p);
			return lx_error(l, "unexpected line break in string");
		}
		if (c == '"') {
			l->pos++;
			break;
		}
		if ((cl = cont_len(l, 0)) != 0) {
			l->pos += cl;
			lx_newline(l);
			while (is_blank(lx_c(l, 0)))
				l->pos++;
			continue;
		}
		if (n + 2 >= cap) {
			char *np = realloc(p, cap * 2);

			if (np == NULL) {
				free(p);
				return MFA_ERR_NOMEM;
			}
			p = np;
			cap *= 2;
		}
		if (c == '\\' && lx_c(l, 1) == '"') {
			p[n++] = '"';
			l->pos += 2;
		} else {
			p[n++] = (char)c;
			l->pos++;
		}
	}
	if (n == 0) {
		free(p);
		return lx_error(l, "empty string");
	}
	*outp = ar_strndup(l->a, p, n);
	free(p);
	return *outp == NULL ? MFA_ERR_NOMEM : 0;
}

/*
 * The next token in sudo's INITIAL (or GOTDEFS / EXPECTPATH) state.
 * Blanks and continuations before it are skipped; a comment is a T_NL.
 */
static int
scan(struct lx *l, struct tok *t, unsigned mode)
{
	size_t off, best = 0, n;
	enum tok_type bt = T_EOF;
	int bsub = 0, c, r;
	size_t i;

	memset(t, 0, sizeof(*t));
	if ((r = skip_blanks(l, NULL)) != 0)
		return r;
	off = l->pos;
	t->line = l->line;
	t->col = (unsigned)(off - l->bol + 1);
	c = lx_c(l, 0);
	if (c == -1) {
		t->type = T_EOF;
		return 0;
	}
	if (c == '\n' || (c == '\r' && lx_c(l, 1) == '\n') || at_comment(l)) {
		skip_to_eol(l);
		t->type = T_NL;
		return 0;
	}
	switch (c) {
	case '(':
		t->type = T_LPAREN;
		l->pos++;
		return 0;
	case ')':
		t->type = T_RPAREN;
		l->pos++;
		return 0;
	case ',':
		t->type = T_COMMA;
		l->pos++;
		return 0;
	case '=':
		t->type = T_EQ;
		l->pos++;
		return 0;
	case ':':
		if (ntwk_len(l, off) != 0)
			break; /* an IPv6 address such as ::1 */
		t->type = T_COLON;
		l->pos++;
		return 0;
	case '!':
		for (n = 0; lx_c(l, n) == '!'; n++)
			;
		l->pos += n;
		if (n % 2 == 1) {
			t->type = T_BANG;
			return 0;
		}
		return scan(l, t, mode);
	case '"': {
		char *s = NULL;

		if ((r = scan_string(l, &s)) != 0)
			return r;
		t->val = s;
		t->raw = s;
		if (s[0] == '%') {
			if (s[1] == '\0' || (s[1] == ':' && s[2] == '\0'))
				return lx_error(l, "empty group");
			t->type = T_USERGROUP;
		} else if (s[0] == '+') {
			if (s[1] == '\0')
				return lx_error(l, "empty netgroup");
			t->type = T_NETGROUP;
		} else {
			t->type = T_WORD;
		}
		return 0;
	}
	default:
		break;
	}

	/* Candidates in toke.l's rule order; the longest wins, ties go to the first. */
#define CAND(len, type, sub)                                                                       \
	do {                                                                                       \
		size_t cl_ = (len);                                                                \
		if (cl_ > best) {                                                                  \
			best = cl_;                                                                \
			bt = (type);                                                               \
			bsub = (sub);                                                              \
		}                                                                                  \
	} while (0)
	for (i = 0; i < sizeof(tag_names) / sizeof(tag_names[0]); i++)
		CAND(tag_len(l, off, tag_names[i]), T_TAG, (int)i);
	if (c == '+') {
		n = word_len(l, off + 1);
		if (n == 0 && best == 0)
			return lx_error(l, "empty netgroup");
		CAND(n != 0 ? n + 1 : 0, T_NETGROUP, 0);
	}
	if (c == '%') {
		size_t p = lx_c(l, 1) == ':' ? 2 : 1, w = word_len(l, off + p),
		       d = id_len(l, off + p);

		if (w < d)
			w = d;
		if (w == 0 && best == 0)
			return lx_error(l, "empty group");
		CAND(w != 0 ? w + p : 0, T_USERGROUP, 0);
	}
	CAND(ntwk_len(l, off), T_NTWKADDR, 0);
	CAND(literal_len(l, off, "ALL"), T_ALL, 0);
	if (mode != M_DEFS)
		for (i = 0; i < SUDOERS_NOPTS; i++)
			CAND(literal_len(l, off, opt_names[i]), T_OPT, (int)i);
	CAND(alias_len(l, off), T_ALIAS, 0);
	if (mode == M_DEFS) {
		CAND(path_len(l, off), T_COMMAND, 1);
		CAND(regex_len(l, off), T_COMMAND, 1);
		CAND(literal_len(l, off, "sudoedit"), T_COMMAND, 1);
	}
	for (i = 0; i < 4; i++)
		CAND(literal_len(l, off, digest_names[i]), T_DIGEST, (int)i);
	CAND(literal_len(l, off, "sudoedit"), T_COMMAND, 0);
	if (mode == M_EXPECTPATH) {
		CAND(path_len(l, off), T_WORD, 0);
		CAND(word_len(l, off), T_WORD, 0);
	}
	CAND(path_len(l, off), T_COMMAND, 0);
	CAND(regex_len(l, off), T_COMMAND, 0);
	CAND(id_len(l, off), T_WORD, 0);
	CAND(word_len(l, off), T_WORD, 0);
#undef CAND
	if (best == 0)
		return lx_error(l, "syntax error");
	l->pos += best;
	t->type = bt;
	t->sub = bsub;
	if ((t->raw = ar_strndup(l->a, l->b + off, best)) == NULL)
		return MFA_ERR_NOMEM;
	if (bt == T_COMMAND) {
		t->val = unescape(l, off, best);
		if (t->val == NULL)
			return MFA_ERR_NOMEM;
		/* a directory takes no arguments; neither does a Defaults!cmnd */
		if (bsub == 0 && t->val[strlen(t->val) - 1] != '/')
			if ((r = scan_args(l, t)) != 0)
				return r;
		t->sub = 0;
		return 0;
	}
	t->val = unescape(l, off, best);
	return t->val == NULL ? MFA_ERR_NOMEM : 0;
}

static int
peek(struct lx *l, struct tok *t, unsigned mode)
{
	struct lx save = *l;
	int r = scan(l, t, mode);

	*l = save;
	return r;
}

/* ---- parser -------------------------------------------------------------- */

struct pctx {
	struct sudoers *s;
	struct sudoers_arena *a;
	size_t cap_us, cap_def, cap_alias, cap_files, cap_warn, cap_skip;
	int rootfd;
	const char *host; /* short name for %h, or NULL */
	bool host_tried;
	char *stack[SUDOERS_MAX_DEPTH + 1]; /* resolved paths of the files being read */
	unsigned depth;
	size_t total;
	bool no_include; /* a buffer from elsewhere (a directory): includes are refused */
	struct mfa_parse_err *perr;
};

static int parse_file(struct pctx *c, const char *path, const char *buf, size_t len);

static int
syntax(struct lx *l, const struct tok *t, const char *what)
{
	int r;

	mfa_parse_err_init(l->perr, l->file);
	if (t != NULL && t->type == T_EOF)
		mfa_parse_err_set(l->perr, t->line, t->col, "syntax error: %s, found end of file",
				  what);
	else if (t != NULL && t->type == T_NL)
		mfa_parse_err_set(l->perr, t->line, t->col, "syntax error: %s, found end of line",
				  what);
	else if (t != NULL && t->raw != NULL)
		mfa_parse_err_set(l->perr, t->line, t->col, "syntax error: %s, found \"%.40s\"",
				  what, t->raw);
	else if (t != NULL)
		mfa_parse_err_set(l->perr, t->line, t->col, "syntax error: %s", what);
	r = MFA_ERR_PARSE;
	return r;
}

static int
add_member(struct lx *l, struct sudoers_list *list, size_t *capp, const struct tok *t, bool neg,
	   struct sudoers_member **outp)
{
	void *v = list->v;
	struct sudoers_member *m = vec_push(l->a, &v, &list->n, capp, sizeof(*m));
	const char *s = t->val;

	if (m == NULL)
		return MFA_ERR_NOMEM;
	list->v = v;
	m->negated = neg;
	switch (t->type) {
	case T_ALL:
		m->type = SUDOERS_M_ALL;
		break;
	case T_ALIAS:
		m->type = SUDOERS_M_ALIAS;
		break;
	case T_NETGROUP:
		m->type = SUDOERS_M_NETGROUP;
		s++;
		break;
	case T_NTWKADDR:
		m->type = SUDOERS_M_NETWORK;
		break;
	case T_COMMAND:
		m->type = SUDOERS_M_COMMAND;
		m->args = t->args;
		break;
	case T_USERGROUP:
		s++;
		if (*s == ':') {
			m->type = SUDOERS_M_NONUNIX_GROUP;
			s++;
		} else if (*s == '#') {
			m->type = SUDOERS_M_GROUP_ID;
			s++;
		} else {
			m->type = SUDOERS_M_GROUP;
		}
		break;
	default:
		if (s[0] == '#' && s[1] != '\0') {
			m->type = SUDOERS_M_ID;
			s++;
		} else {
			m->type = SUDOERS_M_NAME;
		}
		break;
	}
	if ((m->name = ar_strdup(l->a, s)) == NULL)
		return MFA_ERR_NOMEM;
	if (t->type == T_COMMAND && t->args != NULL)
		m->text = ar_printf(l->a, "%s%s %s", neg ? "!" : "", t->raw, t->args);
	else
		m->text = ar_printf(l->a, "%s%s", neg ? "!" : "", t->raw);
	if (m->text == NULL)
		return MFA_ERR_NOMEM;
	if (outp != NULL)
		*outp = m;
	return 0;
}

enum list_kind {
	LK_USER,
	LK_HOST,
	LK_GROUP,
	LK_CMND
};

static bool
member_ok(enum list_kind k, const struct tok *t)
{
	switch (t->type) {
	case T_ALL:
	case T_ALIAS:
	case T_WORD:
		return k != LK_CMND;
	case T_NETGROUP:
		return k == LK_USER || k == LK_HOST;
	case T_USERGROUP:
		return k == LK_USER;
	case T_NTWKADDR:
		return k == LK_HOST;
	case T_COMMAND:
		return k == LK_CMND;
	default:
		return false;
	}
}

/* One [!...]member of a list; for commands, digests and "expected a path". */
static int
parse_opmember(struct lx *l, enum list_kind k, unsigned mode, struct sudoers_list *list,
	       size_t *capp)
{
	struct tok t;
	bool neg = false;
	char *digest = NULL;
	struct sudoers_member *m = NULL;
	int r;

	if ((r = scan(l, &t, mode)) != 0)
		return r;
	while (t.type == T_BANG) {
		neg = !neg;
		if ((r = scan(l, &t, mode)) != 0)
			return r;
	}
	if (k == LK_CMND && t.type == T_DIGEST) {
		/* sha256:HEX-or-base64 [, sha...:...] command */
		for (;;) {
			struct tok colon;
			size_t want = digest_bytes[t.sub], n = 0;
			int tsub = t.sub;

			if ((r = scan(l, &colon, mode)) != 0)
				return r;
			if (colon.type != T_COLON)
				return syntax(l, &colon, "expected ':' after digest type");
			while (isalnum(lx_c(l, n)) || lx_c(l, n) == '+' || lx_c(l, n) == '/' ||
			       lx_c(l, n) == '=')
				n++;
			if (n != want * 2 && n != (4 * want + 2) / 3 && n != 4 * ((want + 2) / 3))
				return lx_error(l, "syntax error: bad %s digest",
						digest_names[tsub]);
			if ((digest = ar_printf(l->a, "%s:%.*s", digest_names[tsub], (int)n,
						l->b + l->pos)) == NULL)
				return MFA_ERR_NOMEM;
			l->pos += n;
			if ((r = scan(l, &t, mode)) != 0)
				return r;
			if (t.type == T_COMMA) {
				if ((r = scan(l, &t, mode)) != 0)
					return r;
				if (t.type == T_DIGEST)
					continue;
				return syntax(l, &t, "expected a digest");
			}
			break;
		}
		while (t.type == T_BANG) {
			neg = !neg;
			if ((r = scan(l, &t, mode)) != 0)
				return r;
		}
	}
	if (k == LK_CMND && (t.type == T_ALL || t.type == T_ALIAS)) {
		/* fine */
	} else if (k == LK_CMND && t.type == T_WORD && strcmp(t.val, "list") == 0) {
		t.type = T_COMMAND; /* the pseudo-command "list" (sudo -l for other users) */
	} else if (k == LK_CMND && t.type == T_WORD) {
		mfa_parse_err_init(l->perr, l->file);
		mfa_parse_err_set(l->perr, t.line, t.col, "expected a fully-qualified path name");
		return MFA_ERR_PARSE;
	} else if (!member_ok(k, &t)) {
		return syntax(l, &t,
			      k == LK_CMND   ? "expected a command"
			      : k == LK_HOST ? "expected a host"
					     : "expected a user or group");
	}
	if ((r = add_member(l, list, capp, &t, neg, &m)) != 0)
		return r;
	m->digest = digest;
	return 0;
}

/* member (',' member)* ; stops before anything else. */
static int
parse_list(struct lx *l, enum list_kind k, unsigned mode, struct sudoers_list *list)
{
	size_t cap = 0;
	struct tok t;
	int r;

	for (;;) {
		if ((r = parse_opmember(l, k, mode, list, &cap)) != 0)
			return r;
		if ((r = peek(l, &t, mode)) != 0)
			return r;
		if (t.type != T_COMMA)
			return 0;
		if ((r = scan(l, &t, mode)) != 0)
			return r;
	}
}

static int
expect_eol(struct lx *l)
{
	struct tok t;
	int r;

	if ((r = scan(l, &t, M_INITIAL)) != 0)
		return r;
	if (t.type != T_NL && t.type != T_EOF)
		return syntax(l, &t, "expected end of line");
	if (t.type == T_NL && l->pos < l->len) {
		l->pos++; /* the newline */
		lx_newline(l);
		l->continued = false;
	}
	return 0;
}

/* The logical line's text from off to the current position, continuations joined. */
static char *
line_text(struct lx *l, size_t off)
{
	size_t end = l->pos, i, n;
	char *p, *q;

	while (end > off && (l->b[end - 1] == '\n' || l->b[end - 1] == '\r'))
		end--;
	n = end - off;
	if ((p = ar_alloc(l->a, n + 1)) == NULL)
		return NULL;
	for (q = p, i = off; i < end; i++) {
		if (l->b[i] == '\\') {
			size_t j = i + 1;

			while (j < end && is_blank((unsigned char)l->b[j]))
				j++;
			if (j < end && l->b[j] == '\r')
				j++;
			if (j < end && l->b[j] == '\n') {
				*q++ = ' ';
				for (i = j + 1; i < end && is_blank((unsigned char)l->b[i]); i++)
					;
				i--;
				continue;
			}
		}
		*q++ = l->b[i];
	}
	/* trim trailing blanks */
	while (q > p && is_blank((unsigned char)q[-1]))
		q--;
	*q = '\0';
	return p;
}

static int
add_string(struct sudoers_arena *a, char ***vp, size_t *np, size_t *capp, char *s)
{
	void *v = *vp;
	char **slot;

	if (s == NULL)
		return MFA_ERR_NOMEM;
	if ((slot = vec_push(a, &v, np, capp, sizeof(*slot))) == NULL)
		return MFA_ERR_NOMEM;
	*vp = v;
	*slot = s;
	return 0;
}

/* runasspec: '(' [userlist] [':' [grouplist]] ')' ; the '(' is consumed. */
static int
parse_runas(struct lx *l, size_t open_off, struct sudoers_runas **outp)
{
	struct sudoers_runas *ra = ar_alloc(l->a, sizeof(*ra));
	struct tok t;
	int r;

	if (ra == NULL)
		return MFA_ERR_NOMEM;
	if ((r = peek(l, &t, M_INITIAL)) != 0)
		return r;
	if (t.type != T_COLON && t.type != T_RPAREN) {
		ra->users_given = true;
		if ((r = parse_list(l, LK_USER, M_INITIAL, &ra->users)) != 0)
			return r;
		if ((r = peek(l, &t, M_INITIAL)) != 0)
			return r;
	}
	if (t.type == T_COLON) {
		if ((r = scan(l, &t, M_INITIAL)) != 0)
			return r;
		if ((r = peek(l, &t, M_INITIAL)) != 0)
			return r;
		if (t.type != T_RPAREN) {
			ra->groups_given = true;
			if ((r = parse_list(l, LK_GROUP, M_INITIAL, &ra->groups)) != 0)
				return r;
		} else if (ra->users_given) {
			return syntax(l, &t, "expected a group after ':'");
		}
	}
	if ((r = scan(l, &t, M_INITIAL)) != 0)
		return r;
	if (t.type != T_RPAREN)
		return syntax(l, &t, "expected ')' to close the Runas list");
	if ((ra->text = ar_strndup(l->a, l->b + open_off, l->pos - open_off)) == NULL)
		return MFA_ERR_NOMEM;
	*outp = ra;
	return 0;
}

static bool
gentime_ok(const char *v)
{
	size_t n = 0;

	while (isdigit((unsigned char)v[n]))
		n++;
	if (n < 10 || n > 14 || n % 2 != 0)
		return false;
	v += n;
	if (*v == '.' || *v == ',')
		for (v++; isdigit((unsigned char)*v); v++)
			;
	if (*v == 'Z')
		v++;
	else if (*v == '+' || *v == '-')
		for (v++, n = 0; isdigit((unsigned char)*v); v++, n++)
			;
	return *v == '\0';
}

static int
check_opt(struct lx *l, const struct tok *t, int opt, const char *v)
{
	bool ok = true;

	switch (opt) {
	case SUDOERS_OPT_CWD:
	case SUDOERS_OPT_CHROOT:
		ok = v[0] == '/' || v[0] == '~' || v[0] == '*';
		if (!ok) {
			mfa_parse_err_init(l->perr, l->file);
			mfa_parse_err_set(l->perr, t->line, t->col,
					  "values for \"%s\" must start with a '/', '~', or '*'",
					  opt_names[opt]);
			return MFA_ERR_PARSE;
		}
		return 0;
	case SUDOERS_OPT_TIMEOUT: {
		struct def_kw kw = {"TIMEOUT", DV_TIMEOUT, 0, NULL};

		ok = def_value_ok(&kw, v);
		break;
	}
	case SUDOERS_OPT_NOTBEFORE:
	case SUDOERS_OPT_NOTAFTER:
		ok = gentime_ok(v);
		break;
	default:
		break;
	}
	if (!ok) {
		char low[16];
		size_t i;

		for (i = 0; opt_names[opt][i] != '\0' && i + 1 < sizeof(low); i++)
			low[i] = (char)tolower((unsigned char)opt_names[opt][i]);
		low[i] = '\0';
		mfa_parse_err_init(l->perr, l->file);
		mfa_parse_err_set(l->perr, t->line, t->col, "invalid %s value", low);
		return MFA_ERR_PARSE;
	}
	return 0;
}

/* userlist privileges eol */
static int
parse_userspec(struct pctx *c, struct lx *l, size_t start)
{
	struct sudoers *s = c->s;
	struct sudoers_userspec *us;
	size_t cap_privs = 0;
	void *v = s->userspecs;
	struct tok t;
	int r;

	if ((us = vec_push(c->a, &v, &s->nuserspecs, &c->cap_us, sizeof(*us))) == NULL)
		return MFA_ERR_NOMEM;
	s->userspecs = v;
	us->file = l->file;
	us->line = l->line;
	if ((r = parse_list(l, LK_USER, M_INITIAL, &us->users)) != 0)
		return r;
	for (;;) {
		struct sudoers_privilege *pv;
		size_t cap_specs = 0;
		const struct sudoers_runas *runas = NULL;
		signed char tags[SUDOERS_NTAGS];
		char *opts[SUDOERS_NOPTS];

		memset(tags, -1, sizeof(tags));
		memset(opts, 0, sizeof(opts));
		v = us->privs;
		if ((pv = vec_push(c->a, &v, &us->nprivs, &cap_privs, sizeof(*pv))) == NULL)
			return MFA_ERR_NOMEM;
		us->privs = v;
		if ((r = parse_list(l, LK_HOST, M_INITIAL, &pv->hosts)) != 0)
			return r;
		if ((r = scan(l, &t, M_INITIAL)) != 0)
			return r;
		if (t.type != T_EQ)
			return syntax(l, &t, "expected '=' after the host list");
		for (;;) {
			struct sudoers_cmndspec *cs;
			struct sudoers_list one = {NULL, 0};
			size_t cap_one = 0;

			v = pv->specs;
			if ((cs = vec_push(c->a, &v, &pv->nspecs, &cap_specs, sizeof(*cs))) == NULL)
				return MFA_ERR_NOMEM;
			pv->specs = v;
			cs->file = l->file;
			if ((r = peek(l, &t, M_INITIAL)) != 0)
				return r;
			cs->line = t.line;
			if (t.type == T_LPAREN) {
				struct sudoers_runas *ra = NULL;
				size_t open = l->pos;

				while (is_blank(lx_c(l, 0)) || cont_len(l, 0) != 0)
					if ((r = skip_blanks(l, NULL)) != 0)
						return r;
				open = l->pos;
				if ((r = scan(l, &t, M_INITIAL)) != 0 ||
				    (r = parse_runas(l, open, &ra)) != 0)
					return r;
				runas = ra;
				if ((r = peek(l, &t, M_INITIAL)) != 0)
					return r;
			}
			/* options, then tags */
			while (t.type == T_OPT) {
				struct tok eq, val;
				int opt = t.sub;

				if ((r = scan(l, &t, M_INITIAL)) != 0 ||
				    (r = scan(l, &eq, M_INITIAL)) != 0)
					return r;
				if (eq.type != T_EQ)
					return syntax(l, &eq, "expected '=' after an option");
				if ((r = scan(l, &val,
					      (opt == SUDOERS_OPT_CWD || opt == SUDOERS_OPT_CHROOT)
						      ? M_EXPECTPATH
						      : M_INITIAL)) != 0)
					return r;
				if (val.type != T_WORD && val.type != T_ALIAS && val.type != T_ALL)
					return syntax(l, &val, "expected a value");
				if ((r = check_opt(l, &val, opt, val.val)) != 0)
					return r;
				opts[opt] = val.val;
				if ((r = peek(l, &t, M_INITIAL)) != 0)
					return r;
			}
			while (t.type == T_TAG) {
				tags[tag_map[t.sub]] = tag_val[t.sub];
				if ((r = scan(l, &t, M_INITIAL)) != 0 ||
				    (r = peek(l, &t, M_INITIAL)) != 0)
					return r;
			}
			cs->runas = runas;
			memcpy(cs->tags, tags, sizeof(tags));
			memcpy(cs->opts, opts, sizeof(opts));
			if ((r = parse_opmember(l, LK_CMND, M_INITIAL, &one, &cap_one)) != 0)
				return r;
			cs->cmnd = one.v[0];
			if ((r = peek(l, &t, M_INITIAL)) != 0)
				return r;
			if (t.type != T_COMMA)
				break;
			if ((r = scan(l, &t, M_INITIAL)) != 0)
				return r;
		}
		if (t.type != T_COLON)
			break;
		if ((r = scan(l, &t, M_INITIAL)) != 0)
			return r;
	}
	if ((r = expect_eol(l)) != 0)
		return r;
	if ((us->text = line_text(l, start)) == NULL)
		return MFA_ERR_NOMEM;
	return 0;
}

static const char *const alias_kw[] = {"User_Alias", "Runas_Alias", "Host_Alias", "Cmnd_Alias"};

static int
parse_alias(struct pctx *c, struct lx *l, enum sudoers_alias_type type, size_t start)
{
	struct sudoers *s = c->s;
	size_t first = s->naliases, i;
	struct tok t;
	int r;

	for (;;) {
		struct sudoers_alias *al;
		void *v = s->aliases;
		enum list_kind k = type == SUDOERS_ALIAS_HOST   ? LK_HOST
				   : type == SUDOERS_ALIAS_CMND ? LK_CMND
								: LK_USER;

		if ((r = scan(l, &t, M_INITIAL)) != 0)
			return r;
		if (t.type == T_ALL || t.type == T_OPT) {
			mfa_parse_err_init(l->perr, l->file);
			mfa_parse_err_set(l->perr, t.line, t.col,
					  "syntax error, reserved word %s used as an alias name",
					  t.raw);
			return MFA_ERR_PARSE;
		}
		if (t.type != T_ALIAS)
			return syntax(l, &t, "expected an alias name (upper case)");
		for (i = 0; i < s->naliases; i++) {
			if (s->aliases[i].type == type && strcmp(s->aliases[i].name, t.val) == 0) {
				mfa_parse_err_init(l->perr, l->file);
				mfa_parse_err_set(l->perr, t.line, t.col,
						  "Alias \"%s\" already defined (%s:%u)", t.val,
						  s->aliases[i].file, s->aliases[i].line);
				return MFA_ERR_PARSE;
			}
		}
		if ((al = vec_push(c->a, &v, &s->naliases, &c->cap_alias, sizeof(*al))) == NULL)
			return MFA_ERR_NOMEM;
		s->aliases = v;
		al->type = type;
		al->name = t.val;
		al->file = l->file;
		al->line = t.line;
		if ((r = scan(l, &t, M_INITIAL)) != 0)
			return r;
		if (t.type != T_EQ)
			return syntax(l, &t, "expected '=' after the alias name");
		if ((r = parse_list(l, k, M_INITIAL, &al->members)) != 0)
			return r;
		if ((r = peek(l, &t, M_INITIAL)) != 0)
			return r;
		if (t.type != T_COLON)
			break;
		if ((r = scan(l, &t, M_INITIAL)) != 0)
			return r;
	}
	if ((r = expect_eol(l)) != 0)
		return r;
	{
		char *text = line_text(l, start);

		if (text == NULL)
			return MFA_ERR_NOMEM;
		for (i = first; i < s->naliases; i++)
			s->aliases[i].text = text;
	}
	return 0;
}

/* After "Defaults[:@>!]": binding (for typed), blanks, settings. */
static int
parse_defaults(struct pctx *c, struct lx *l, enum sudoers_defaults_type type, size_t start)
{
	struct sudoers *s = c->s;
	struct sudoers_defaults *d;
	size_t cap = 0;
	void *v = s->defaults;
	int r;

	if ((d = vec_push(c->a, &v, &s->ndefaults, &c->cap_def, sizeof(*d))) == NULL)
		return MFA_ERR_NOMEM;
	s->defaults = v;
	d->type = type;
	d->file = l->file;
	d->line = l->line;
	if (type != SUDOERS_DEF_GENERIC) {
		enum list_kind k = type == SUDOERS_DEF_HOST   ? LK_HOST
				   : type == SUDOERS_DEF_CMND ? LK_CMND
							      : LK_USER;
		size_t bcap = 0;

		while (is_blank(lx_c(l, 0)))
			l->pos++;
		for (;;) {
			size_t i = 0;

			if ((r = parse_opmember(l, k, M_DEFS, &d->binding, &bcap)) != 0)
				return r;
			/* sudo: [blanks] ',' [blanks] continues; blanks alone end the list */
			while (is_blank(lx_c(l, i)))
				i++;
			if (lx_c(l, i) != ',')
				break;
			l->pos += i + 1;
			while (is_blank(lx_c(l, 0)))
				l->pos++;
		}
	}
	if (!is_blank(lx_c(l, 0)) && cont_len(l, 0) == 0) {
		struct tok t;

		if ((r = scan(l, &t, M_DEFS)) != 0)
			return r;
		return syntax(l, &t, "expected a blank and a Defaults setting");
	}
	for (;;) {
		struct sudoers_setting *st;
		const struct def_kw *kw;
		bool neg = false;
		size_t n, col;
		unsigned line;

		v = d->settings;
		if ((r = skip_blanks(l, NULL)) != 0)
			return r;
		while (lx_c(l, 0) == '!') {
			neg = !neg;
			l->pos++;
			if ((r = skip_blanks(l, NULL)) != 0)
				return r;
		}
		line = l->line;
		col = l->pos - l->bol + 1;
		for (n = 0; islower(lx_c(l, n)) || lx_c(l, n) == '_'; n++)
			;
		if (n == 0) {
			struct tok t;

			if ((r = scan(l, &t, M_DEFS)) != 0)
				return r;
			return syntax(l, &t, "expected a Defaults setting name");
		}
		if ((st = vec_push(c->a, &v, &d->nsettings, &cap, sizeof(*st))) == NULL)
			return MFA_ERR_NOMEM;
		d->settings = v;
		if ((st->name = ar_strndup(c->a, l->b + l->pos, n)) == NULL)
			return MFA_ERR_NOMEM;
		l->pos += n;
		st->op = neg ? SUDOERS_OP_NEGATE : SUDOERS_OP_SET;
		if ((r = skip_blanks(l, NULL)) != 0)
			return r;
		if (lx_c(l, 0) == '=' || (lx_c(l, 0) == '+' && lx_c(l, 1) == '=') ||
		    (lx_c(l, 0) == '-' && lx_c(l, 1) == '=')) {
			const char *opname = lx_c(l, 0) == '='   ? "="
					     : lx_c(l, 0) == '+' ? "+="
								 : "-=";

			if (neg) {
				return lx_error(l, "syntax error: a negated Defaults setting "
						   "takes no value");
			}
			st->op = lx_c(l, 0) == '='   ? SUDOERS_OP_SET
				 : lx_c(l, 0) == '+' ? SUDOERS_OP_ADD
						     : SUDOERS_OP_REMOVE;
			l->pos += strlen(opname);
			if ((r = skip_blanks(l, NULL)) != 0)
				return r;
			if (lx_c(l, 0) == '"') {
				if ((r = scan_string(l, &st->value)) != 0)
					return r;
			} else {
				size_t i = 0;

				/* sudo's ENVAR */
				for (;;) {
					int ch = lx_c(l, i);

					if (ch == '\\' && lx_c(l, i + 1) != -1 &&
					    lx_c(l, i + 1) != '\n' && lx_c(l, i + 1) != '\r')
						i += 2;
					else if (ch > 0 && strchr("#=, \t\r\n\\\"", ch) == NULL &&
						 !(i == 0 && ch == '!'))
						i++;
					else
						break;
				}
				if (i == 0)
					return lx_error(l,
							"syntax error: expected a value for \"%s\"",
							st->name);
				if ((st->value = unescape(l, l->pos, i)) == NULL)
					return MFA_ERR_NOMEM;
				l->pos += i;
			}
			(void)opname;
		}
		/* visudo -c's checks of the setting */
		kw = def_kw_find(st->name);
		mfa_parse_err_init(c->perr, l->file);
		if (kw == NULL) {
			mfa_parse_err_set(c->perr, line, (unsigned)col,
					  "unknown defaults entry \"%s\"", st->name);
			return MFA_ERR_PARSE;
		}
		if ((st->op == SUDOERS_OP_ADD || st->op == SUDOERS_OP_REMOVE) &&
		    !(kw->flags & DF_LIST)) {
			mfa_parse_err_set(c->perr, line, (unsigned)col,
					  "invalid operator \"%s\" for \"%s\"",
					  st->op == SUDOERS_OP_ADD ? "+=" : "-=", st->name);
			return MFA_ERR_PARSE;
		}
		if (kw->val == DV_NONE && st->value != NULL) {
			mfa_parse_err_set(c->perr, line, (unsigned)col,
					  "option \"%s\" does not take a value", st->name);
			return MFA_ERR_PARSE;
		}
		if (st->value == NULL && st->op == SUDOERS_OP_NEGATE && !(kw->flags & DF_NEG)) {
			mfa_parse_err_set(c->perr, line, (unsigned)col,
					  "no value specified for \"%s\"", st->name);
			return MFA_ERR_PARSE;
		}
		if (st->value == NULL && st->op == SUDOERS_OP_SET && !(kw->flags & DF_BARE)) {
			mfa_parse_err_set(c->perr, line, (unsigned)col,
					  "no value specified for \"%s\"", st->name);
			return MFA_ERR_PARSE;
		}
		if (st->value != NULL && !def_value_ok(kw, st->value)) {
			if (kw->val == DV_PATH || kw->val == DV_PATH_STAR)
				mfa_parse_err_set(c->perr, line, (unsigned)col,
						  "values for \"%s\" must start with a '/'%s",
						  st->name,
						  kw->val == DV_PATH_STAR ? ", '~', or '*'" : "");
			else
				mfa_parse_err_set(c->perr, line, (unsigned)col,
						  "value \"%.64s\" is invalid for option \"%s\"",
						  st->value, st->name);
			return MFA_ERR_PARSE;
		}
		if ((r = skip_blanks(l, NULL)) != 0)
			return r;
		if (lx_c(l, 0) == ',') {
			l->pos++;
			continue;
		}
		break;
	}
	if ((r = expect_eol(l)) != 0)
		return r;
	if ((d->text = line_text(l, start)) == NULL)
		return MFA_ERR_NOMEM;
	return 0;
}

/* ---- includes ------------------------------------------------------------- */

static int
host_for_expansion(struct pctx *c, const char **hostp)
{
	char *buf = NULL;
	size_t len = 0, n;
	struct mfa_parse_err e;

	if (c->host == NULL && !c->host_tried && c->rootfd >= 0) {
		c->host_tried = true;
		if (root_fs_read_file(c->rootfd, "/etc/hostname", 4096, &buf, &len, NULL, &e) ==
		    0) {
			for (n = 0; n < len && !isspace((unsigned char)buf[n]) && buf[n] != '.';
			     n++)
				;
			if (n > 0)
				c->host = ar_strndup(c->a, buf, n);
			free(buf);
		}
	}
	*hostp = c->host;
	return 0;
}

/* Expand %h and make a relative path relative to the including file's directory. */
static int
expand_include(struct pctx *c, struct lx *l, const struct tok *t, const char *opath, char **outp)
{
	const char *dirend = strrchr(l->file, '/');
	size_t dirlen = (opath[0] != '/' && dirend != NULL) ? (size_t)(dirend - l->file) + 1 : 0;
	const char *host = NULL, *p;
	char *out, *q;
	size_t n = dirlen;

	for (p = opath; *p != '\0'; p++) {
		if (p[0] == '%' && p[1] == 'h') {
			host_for_expansion(c, &host);
			if (host == NULL) {
				mfa_parse_err_init(l->perr, l->file);
				mfa_parse_err_set(
					l->perr, t->line, t->col,
					"cannot expand %%h in \"%.64s\": host name unknown", opath);
				return MFA_ERR_PARSE;
			}
			n += strlen(host);
			p++;
		} else {
			n++;
		}
	}
	if ((out = ar_alloc(c->a, n + 1)) == NULL)
		return MFA_ERR_NOMEM;
	memcpy(out, l->file, dirlen);
	for (q = out + dirlen, p = opath; *p != '\0'; p++) {
		if (p[0] == '%' && p[1] == 'h') {
			memcpy(q, host, strlen(host));
			q += strlen(host);
			p++;
		} else {
			*q++ = *p;
		}
	}
	*q = '\0';
	*outp = out;
	return 0;
}

static int
include_error(struct lx *l, const struct tok *t, int r, const char *path, const char *what)
{
	mfa_parse_err_init(l->perr, l->file);
	mfa_parse_err_set(l->perr, t->line, t->col, "%s \"%.200s\": %s", what, path,
			  mfa_strerror(r));
	return r == MFA_ERR_NOT_FOUND ? MFA_ERR_PARSE : r;
}

static int
read_and_parse(struct pctx *c, struct lx *l, const struct tok *t, const char *path)
{
	char *buf = NULL, *resolved = NULL;
	size_t len = 0;
	struct mfa_parse_err e;
	unsigned i;
	int r;

	if (c->s->nfiles >= SUDOERS_MAX_FILES) {
		mfa_parse_err_init(l->perr, l->file);
		mfa_parse_err_set(l->perr, t->line, t->col, "more than %u sudoers files",
				  SUDOERS_MAX_FILES);
		return MFA_ERR_TOO_LARGE;
	}
	if ((r = root_fs_read_file(c->rootfd, path, SUDOERS_MAX_BYTES, &buf, &len, &resolved,
				   &e)) != 0)
		return include_error(l, t, r, path, "cannot read include file");
	for (i = 0; i < c->depth; i++) {
		if (strcmp(c->stack[i], resolved) == 0) {
			mfa_parse_err_init(l->perr, l->file);
			mfa_parse_err_set(l->perr, t->line, t->col,
					  "include loop: \"%.200s\" includes itself", path);
			r = MFA_ERR_TOO_DEEP;
			goto out;
		}
	}
	if (c->depth >= SUDOERS_MAX_DEPTH) {
		mfa_parse_err_init(l->perr, l->file);
		mfa_parse_err_set(l->perr, t->line, t->col, "too many levels of includes (%u)",
				  SUDOERS_MAX_DEPTH);
		r = MFA_ERR_TOO_DEEP;
		goto out;
	}
	if (len > SUDOERS_MAX_TOTAL - c->total) {
		mfa_parse_err_init(l->perr, l->file);
		mfa_parse_err_set(l->perr, t->line, t->col, "sudoers files exceed %u bytes",
				  SUDOERS_MAX_TOTAL);
		r = MFA_ERR_TOO_LARGE;
		goto out;
	}
	r = parse_file(c, path, buf, len);
	(void)resolved;
out:
	free(buf);
	free(resolved);
	return r;
}

static const char *
includedir_skip(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || name[n - 1] == '~')
		return "name ends in '~'";
	if (strchr(name, '.') != NULL)
		return "name contains '.'";
	return NULL;
}

static int
do_include(struct pctx *c, struct lx *l, bool dir, size_t start)
{
	struct tok t;
	char *opath = NULL, *path = NULL;
	int r;
	size_t n;

	memset(&t, 0, sizeof(t));
	if (c->no_include)
		return lx_error(l, "an include in rules that do not come from a file");
	while (is_blank(lx_c(l, 0)))
		l->pos++;
	t.line = l->line;
	t.col = (unsigned)(l->pos - l->bol + 1);
	if (lx_c(l, 0) == '"') {
		if ((r = scan_string(l, &opath)) != 0)
			return r;
	} else {
		int ch;

		for (n = 0; (ch = lx_c(l, n)) != -1 && !isspace(ch); n++) {
			if (ch == '\\' && is_blank(lx_c(l, n + 1)))
				n++;
		}
		if (n == 0 || lx_c(l, 0) == '"') {
			t.type = lx_c(l, 0) == -1 ? T_EOF : T_NL;
			return syntax(l, &t,
				      dir ? "expected a directory after @includedir"
					  : "expected a file after @include");
		}
		if ((opath = unescape(l, l->pos, n)) == NULL)
			return MFA_ERR_NOMEM;
		l->pos += n;
	}
	if ((r = expect_eol(l)) != 0)
		return r;
	(void)start;
	if (c->rootfd < 0) {
		mfa_parse_err_init(l->perr, l->file);
		mfa_parse_err_set(l->perr, t.line, t.col, "includes are not followed here");
		return MFA_ERR_PARSE;
	}
	if ((r = expand_include(c, l, &t, opath, &path)) != 0)
		return r;
	if (!dir)
		return read_and_parse(c, l, &t, path);
	{
		struct stat st;
		struct mfa_parse_err e;
		char **names = NULL;
		size_t nnames = 0, i;

		r = root_fs_stat(c->rootfd, path, &st, NULL, &e);
		if (r == MFA_ERR_NOT_FOUND || (r == 0 && !S_ISDIR(st.st_mode))) {
			/* sudo ignores a missing include directory */
			return add_string(c->a, &c->s->skipped, &c->s->nskipped, &c->cap_skip,
					  ar_printf(c->a, "%s: no such directory (%s:%u)", path,
						    l->file, t.line));
		}
		if (r != 0)
			return include_error(l, &t, r, path, "cannot read include directory");
		if ((r = root_fs_list_dir(c->rootfd, path, &names, &nnames, &e)) != 0)
			return include_error(l, &t, r, path, "cannot list include directory");
		for (i = 0; i < nnames && r == 0; i++) {
			const char *why = includedir_skip(names[i]);
			char *fp = ar_printf(c->a, "%s%s%s", path,
					     path[strlen(path) - 1] == '/' ? "" : "/", names[i]);

			if (fp == NULL) {
				r = MFA_ERR_NOMEM;
				break;
			}
			if (why == NULL) {
				r = root_fs_stat(c->rootfd, fp, &st, NULL, &e);
				if (r != 0 || !S_ISREG(st.st_mode))
					why = "not a regular file";
				r = 0;
			}
			if (why != NULL) {
				r = add_string(c->a, &c->s->skipped, &c->s->nskipped, &c->cap_skip,
					       ar_printf(c->a, "%s: %s", fp, why));
				continue;
			}
			r = read_and_parse(c, l, &t, fp);
		}
		root_fs_free_names(&names, nnames);
		return r;
	}
}

/* ---- one file ------------------------------------------------------------- */

static bool
kw_at(const struct lx *l, const char *kw)
{
	size_t n = literal_len(l, l->pos, kw);

	return n != 0;
}

static int
parse_file(struct pctx *c, const char *path, const char *buf, size_t len)
{
	struct lx l;
	char *file = ar_strdup(c->a, path);
	int r = 0;

	if (file == NULL)
		return MFA_ERR_NOMEM;
	if ((r = add_string(c->a, &c->s->files, &c->s->nfiles, &c->cap_files, file)) != 0)
		return r;
	if (memchr(buf, '\0', len) != NULL) {
		mfa_parse_err_init(c->perr, path);
		mfa_parse_err_set(c->perr, 0, 0, "NUL byte in sudoers file");
		return MFA_ERR_PARSE;
	}
	c->stack[c->depth++] = file;
	c->total += len;
	memset(&l, 0, sizeof(l));
	l.b = buf;
	l.len = len;
	l.line = 1;
	l.file = file;
	l.a = c->a;
	l.perr = c->perr;

	while (r == 0) {
		size_t start;
		struct tok t;

		/* at the start of a line: #include / #includedir are anchored at column 1 */
		if (l.pos == l.bol && !l.continued) {
			bool dir = false;
			size_t n = 0;

			if (kw_at(&l, "#includedir") && is_blank(lx_c(&l, 11))) {
				n = 11;
				dir = true;
			} else if (kw_at(&l, "#include") && is_blank(lx_c(&l, 8))) {
				n = 8;
			}
			if (n != 0) {
				start = l.pos;
				l.pos += n;
				r = do_include(c, &l, dir, start);
				continue;
			}
		}
		if ((r = skip_blanks(&l, NULL)) != 0)
			break;
		start = l.pos;
		if (lx_c(&l, 0) == -1)
			break;
		if (lx_c(&l, 0) == '\n' || (lx_c(&l, 0) == '\r' && lx_c(&l, 1) == '\n') ||
		    at_comment(&l)) {
			r = expect_eol(&l);
			continue;
		}
		if (kw_at(&l, "@include")) {
			bool dir = kw_at(&l, "@includedir");

			if (l.continued) {
				r = lx_error(&l, "invalid line continuation");
				break;
			}
			l.pos += dir ? 11 : 8;
			r = do_include(c, &l, dir, start);
			continue;
		}
		if (kw_at(&l, "Defaults") && !(word_len(&l, l.pos) > 8 && lx_c(&l, 8) != ':' &&
					       lx_c(&l, 8) != '@' && lx_c(&l, 8) != '>')) {
			int ch = lx_c(&l, 8);
			enum sudoers_defaults_type type = SUDOERS_DEF_GENERIC;

			if (l.continued) {
				r = lx_error(&l, "invalid line continuation");
				break;
			}
			if (ch == ':' || ch == '@' || ch == '>' || ch == '!') {
				size_t i = 9;

				while (is_blank(lx_c(&l, i)))
					i++;
				while (lx_c(&l, i) == '!')
					i++;
				if (lx_c(&l, i) == '"')
					i++;
				if (id_len(&l, l.pos + i) != 0 || word_len(&l, l.pos + i) != 0) {
					type = ch == ':'   ? SUDOERS_DEF_USER
					       : ch == '@' ? SUDOERS_DEF_HOST
					       : ch == '>' ? SUDOERS_DEF_RUNAS
							   : SUDOERS_DEF_CMND;
					l.pos += 9;
				} else {
					l.pos += 8;
				}
			} else {
				l.pos += 8;
			}
			r = parse_defaults(c, &l, type, start);
			continue;
		}
		{
			size_t k;
			bool done = false;

			for (k = 0; k < 4; k++) {
				size_t n = strlen(alias_kw[k]);

				if ((kw_at(&l, alias_kw[k]) && word_len(&l, l.pos) == n) ||
				    (k == 3 && kw_at(&l, "Cmd_Alias") &&
				     word_len(&l, l.pos) == 9)) {
					if (l.continued) {
						r = lx_error(&l, "invalid line continuation");
						done = true;
						break;
					}
					l.pos += (k == 3 && kw_at(&l, "Cmd_Alias")) ? 9 : n;
					r = parse_alias(c, &l, (enum sudoers_alias_type)k, start);
					done = true;
					break;
				}
			}
			if (done)
				continue;
		}
		(void)t;
		r = parse_userspec(c, &l, start);
	}
	c->depth--;
	return r;
}

/* ---- checks after parsing (visudo -c) -------------------------------------- */

static const struct sudoers_alias *
alias_find(const struct sudoers *s, const char *name, enum sudoers_alias_type type)
{
	size_t i;

	for (i = 0; i < s->naliases; i++)
		if (s->aliases[i].type == type && strcmp(s->aliases[i].name, name) == 0)
			return &s->aliases[i];
	return NULL;
}

static const char *const alias_type_names[] = {"User_Alias", "Runas_Alias", "Host_Alias",
					       "Cmnd_Alias"};

static int
check_refs(struct pctx *c, const struct sudoers_list *list, enum sudoers_alias_type type,
	   const char *file, unsigned line)
{
	size_t i;
	int r;

	for (i = 0; i < list->n; i++) {
		if (list->v[i].type != SUDOERS_M_ALIAS || alias_find(c->s, list->v[i].name, type))
			continue;
		if ((r = add_string(c->a, &c->s->warnings, &c->s->nwarnings, &c->cap_warn,
				    ar_printf(c->a, "%s:%u: %s \"%s\" referenced but not defined",
					      file, line, alias_type_names[type],
					      list->v[i].name))) != 0)
			return r;
	}
	return 0;
}

/* Depth-first search for a cycle through alias `al`; `path` holds the aliases on the way. */
static bool
alias_cycle(const struct sudoers *s, const struct sudoers_alias *al,
	    const struct sudoers_alias **path, size_t depth)
{
	size_t i, j;

	for (i = 0; i < depth; i++)
		if (path[i] == al)
			return true;
	if (depth >= 64)
		return true;
	path[depth] = al;
	for (i = 0; i < al->members.n; i++) {
		const struct sudoers_alias *next;

		if (al->members.v[i].type != SUDOERS_M_ALIAS)
			continue;
		if ((next = alias_find(s, al->members.v[i].name, al->type)) == NULL)
			continue;
		for (j = 0; j <= depth; j++)
			if (path[j] == next)
				return true;
		if (alias_cycle(s, next, path, depth + 1))
			return true;
	}
	return false;
}

static int
check_all(struct pctx *c)
{
	struct sudoers *s = c->s;
	size_t i, j, k;
	int r;

	for (i = 0; i < s->naliases; i++) {
		const struct sudoers_alias *path[65];
		const struct sudoers_alias *al = &s->aliases[i];

		/* visudo -c warns; sudo's lookup stops at the cycle (the alias matches nothing) */
		if (alias_cycle(s, al, path, 0) &&
		    (r = add_string(c->a, &c->s->warnings, &c->s->nwarnings, &c->cap_warn,
				    ar_printf(c->a, "%s:%u: cycle in %s \"%s\"", al->file, al->line,
					      alias_type_names[al->type], al->name))) != 0)
			return r;
		if ((r = check_refs(c, &al->members, al->type, al->file, al->line)) != 0)
			return r;
	}
	for (i = 0; i < s->nuserspecs; i++) {
		const struct sudoers_userspec *us = &s->userspecs[i];

		if ((r = check_refs(c, &us->users, SUDOERS_ALIAS_USER, us->file, us->line)) != 0)
			return r;
		for (j = 0; j < us->nprivs; j++) {
			const struct sudoers_privilege *pv = &us->privs[j];

			if ((r = check_refs(c, &pv->hosts, SUDOERS_ALIAS_HOST, us->file,
					    us->line)) != 0)
				return r;
			for (k = 0; k < pv->nspecs; k++) {
				const struct sudoers_cmndspec *cs = &pv->specs[k];
				struct sudoers_list one = {(struct sudoers_member *)&cs->cmnd, 1};

				if ((r = check_refs(c, &one, SUDOERS_ALIAS_CMND, cs->file,
						    cs->line)) != 0)
					return r;
				if (cs->runas != NULL && k > 0 &&
				    cs->runas == pv->specs[k - 1].runas)
					continue;
				if (cs->runas != NULL &&
				    ((r = check_refs(c, &cs->runas->users, SUDOERS_ALIAS_RUNAS,
						     cs->file, cs->line)) != 0 ||
				     (r = check_refs(c, &cs->runas->groups, SUDOERS_ALIAS_RUNAS,
						     cs->file, cs->line)) != 0))
					return r;
			}
		}
	}
	for (i = 0; i < s->ndefaults; i++) {
		const struct sudoers_defaults *d = &s->defaults[i];
		enum sudoers_alias_type t = d->type == SUDOERS_DEF_HOST    ? SUDOERS_ALIAS_HOST
					    : d->type == SUDOERS_DEF_CMND  ? SUDOERS_ALIAS_CMND
					    : d->type == SUDOERS_DEF_RUNAS ? SUDOERS_ALIAS_RUNAS
									   : SUDOERS_ALIAS_USER;

		if ((r = check_refs(c, &d->binding, t, d->file, d->line)) != 0)
			return r;
	}
	return 0;
}

/* Inherit runas, tags and options along each Cmnd_Spec_List (gram.y does this). */
static void
inherit(struct sudoers *s)
{
	size_t i, j, k, t;

	for (i = 0; i < s->nuserspecs; i++) {
		for (j = 0; j < s->userspecs[i].nprivs; j++) {
			struct sudoers_privilege *pv = &s->userspecs[i].privs[j];

			for (k = 1; k < pv->nspecs; k++) {
				struct sudoers_cmndspec *cs = &pv->specs[k],
							*prev = &pv->specs[k - 1];

				for (t = 0; t < SUDOERS_NTAGS; t++)
					if (cs->tags[t] == -1)
						cs->tags[t] = prev->tags[t];
				for (t = 0; t < SUDOERS_NOPTS; t++)
					if (cs->opts[t] == NULL)
						cs->opts[t] = prev->opts[t];
			}
		}
	}
}

/* ---- public: load --------------------------------------------------------- */

static int
new_sudoers(struct pctx *c, struct sudoers **sp)
{
	struct sudoers *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return MFA_ERR_NOMEM;
	if ((s->arena = calloc(1, sizeof(*s->arena))) == NULL) {
		free(s);
		return MFA_ERR_NOMEM;
	}
	c->s = s;
	c->a = s->arena;
	*sp = s;
	return 0;
}

/* ---- which user specs can match whom ------------------------------------------ */

/*
 * A user spec can only let an account in through a member that is not
 * negated (a negated one only denies): its name, a group it is in, or
 * something this index does not narrow down (ALL, #uid, %#gid, %:group,
 * +netgroup, an alias too deep).  sudoers_evaluate judges only the specs
 * the account's name or groups point at, plus those: on a host with
 * thousands of rules and of directory accounts, most pairs never meet.
 */
struct user_key {
	const char *name;
	bool group;
	size_t spec;
};

struct sudoers_user_index {
	bool *any; /* per user spec: judge it for everyone */
	struct user_key *keys;
	size_t nkeys, cap;
};

static void
user_index_free(struct sudoers_user_index *ix)
{
	if (ix == NULL)
		return;
	free(ix->any);
	free(ix->keys);
	free(ix);
}

static int
user_key_cmp(const void *a, const void *b)
{
	const struct user_key *x = a, *y = b;
	int c;

	if (x->group != y->group)
		return x->group ? 1 : -1;
	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	return (x->spec > y->spec) - (x->spec < y->spec);
}

static int
index_list(const struct sudoers *s, struct sudoers_user_index *ix, const struct sudoers_list *l,
	   size_t spec, unsigned depth)
{
	size_t i;
	int r;

	for (i = 0; i < l->n; i++) {
		const struct sudoers_member *m = &l->v[i];
		const struct sudoers_alias *al;

		if (m->negated)
			continue;
		switch (m->type) {
		case SUDOERS_M_NAME:
		case SUDOERS_M_GROUP:
			if ((r = mfa_grow_array((void **)&ix->keys, &ix->cap, ix->nkeys + 1,
						sizeof(*ix->keys))) != 0)
				return r;
			ix->keys[ix->nkeys].name = m->name;
			ix->keys[ix->nkeys].group = m->type == SUDOERS_M_GROUP;
			ix->keys[ix->nkeys++].spec = spec;
			break;
		case SUDOERS_M_ALIAS:
			if ((al = alias_find(s, m->name, SUDOERS_ALIAS_USER)) == NULL)
				break; /* an undefined alias matches nothing */
			if (depth >= 64) {
				ix->any[spec] = true;
				break;
			}
			if ((r = index_list(s, ix, &al->members, spec, depth + 1)) != 0)
				return r;
			break;
		default:
			ix->any[spec] = true;
			break;
		}
	}
	return 0;
}

/* The index, or NULL when it cannot be made (every spec is then judged). */
static struct sudoers_user_index *
user_index_build(const struct sudoers *s)
{
	struct sudoers_user_index *ix;
	size_t i;

	if ((ix = calloc(1, sizeof(*ix))) == NULL ||
	    (ix->any = calloc(s->nuserspecs + 1, sizeof(*ix->any))) == NULL) {
		user_index_free(ix);
		return NULL;
	}
	for (i = 0; i < s->nuserspecs; i++) {
		if (index_list(s, ix, &s->userspecs[i].users, i, 0) != 0) {
			user_index_free(ix);
			return NULL;
		}
	}
	if (ix->nkeys > 0)
		qsort(ix->keys, ix->nkeys, sizeof(*ix->keys), user_key_cmp);
	return ix;
}

/* Mark in cand[] the specs that key (name, group) points at. */
static void
user_index_mark(const struct sudoers_user_index *ix, const char *name, bool group, bool *cand)
{
	size_t lo = 0, hi = ix->nkeys;
	struct user_key key = {name, group, 0};

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (user_key_cmp(&ix->keys[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (;
	     lo < ix->nkeys && ix->keys[lo].group == group && strcmp(ix->keys[lo].name, name) == 0;
	     lo++)
		cand[ix->keys[lo].spec] = true;
}

static int
finish(struct pctx *c, int r, struct sudoers **sp, struct sudoers **outp)
{
	if (r == 0)
		r = check_all(c);
	if (r == 0) {
		inherit(*sp);
		(*sp)->user_index = user_index_build(*sp);
		*outp = *sp;
		*sp = NULL;
	}
	sudoers_free(sp);
	return r;
}

/* Parse the extra buffers (no includes in them). */
static int
parse_extra(struct pctx *c, const struct sudoers_buffer *extra, size_t nextra)
{
	size_t i;
	int r = 0;

	c->no_include = true;
	for (i = 0; i < nextra && r == 0; i++) {
		mfa_parse_err_init(c->perr, extra[i].file);
		if (extra[i].len > SUDOERS_MAX_BYTES ||
		    c->total + extra[i].len > SUDOERS_MAX_TOTAL) {
			mfa_parse_err_set(c->perr, 0, 0, "more sudoers rules than %u bytes",
					  SUDOERS_MAX_TOTAL);
			r = MFA_ERR_TOO_LARGE;
		} else {
			r = parse_file(c, extra[i].file, extra[i].buf, extra[i].len);
		}
	}
	c->no_include = false;
	return r;
}

int
sudoers_load_host(int rootfd, const char *path, const char *host, struct sudoers **outp,
		  struct mfa_parse_err *perr)
{
	return sudoers_load_with(rootfd, path, host, NULL, 0, false, outp, perr);
}

int
sudoers_load_with(int rootfd, const char *path, const char *host,
		  const struct sudoers_buffer *extra, size_t nextra, bool extra_first,
		  struct sudoers **outp, struct mfa_parse_err *perr)
{
	struct pctx c;
	struct sudoers *s = NULL;
	char *buf = NULL;
	size_t len = 0, n;
	int r;

	mfa_parse_err_init(perr, path);
	if (rootfd < 0 || (path == NULL && nextra == 0) || (path != NULL && path[0] != '/') ||
	    (extra == NULL && nextra > 0) || outp == NULL)
		return MFA_ERR_INVALID_ARG;
	memset(&c, 0, sizeof(c));
	c.rootfd = rootfd;
	c.perr = perr;
	if ((r = new_sudoers(&c, &s)) != 0)
		goto out;
	if (host != NULL) {
		for (n = 0; host[n] != '\0' && host[n] != '.'; n++)
			;
		if (n > 0 && (c.host = ar_strndup(c.a, host, n)) == NULL) {
			r = MFA_ERR_NOMEM;
			goto out;
		}
		c.host_tried = true;
	}
	if (extra_first && (r = parse_extra(&c, extra, nextra)) != 0)
		goto out;
	if (path != NULL) {
		r = root_fs_read_file(rootfd, path, SUDOERS_MAX_BYTES, &buf, &len, NULL, perr);
		if (r != 0)
			goto out;
		if ((r = parse_file(&c, path, buf, len)) != 0)
			goto out;
	}
	if (!extra_first)
		r = parse_extra(&c, extra, nextra);
out:
	free(buf);
	return finish(&c, r, &s, outp);
}

int
sudoers_load(int rootfd, const char *path, struct sudoers **outp, struct mfa_parse_err *perr)
{
	return sudoers_load_host(rootfd, path, NULL, outp, perr);
}

int
sudoers_parse_buffer(const char *buf, size_t len, const char *file, struct sudoers **outp,
		     struct mfa_parse_err *perr)
{
	struct pctx c;
	struct sudoers *s = NULL;
	int r;

	mfa_parse_err_init(perr, file);
	if (buf == NULL || file == NULL || outp == NULL)
		return MFA_ERR_INVALID_ARG;
	if (len > SUDOERS_MAX_BYTES) {
		mfa_parse_err_set(perr, 0, 0, "larger than %u bytes", SUDOERS_MAX_BYTES);
		return MFA_ERR_TOO_LARGE;
	}
	memset(&c, 0, sizeof(c));
	c.rootfd = -1;
	c.perr = perr;
	if ((r = new_sudoers(&c, &s)) != 0)
		return r;
	r = parse_file(&c, file, buf, len);
	return finish(&c, r, &s, outp);
}

void
sudoers_free(struct sudoers **sp)
{
	if (sp == NULL || *sp == NULL)
		return;
	user_index_free((*sp)->user_index);
	arena_free((*sp)->arena);
	free(*sp);
	*sp = NULL;
}

/* ---- evaluation ----------------------------------------------------------- */

/* Tri-state match results, from the account's point of view. */
enum m3 {
	M_NO = 0,    /* the member does not match */
	M_YES = 1,   /* it matches */
	M_MAYBE = 2, /* it may match: depends on facts we lack */
};

/* A list's verdict: sudo's last matching member decides. */
enum verdict {
	V_UNSPEC = 0,
	V_ALLOW,
	V_DENY,
	V_MAYBE, /* may be ALLOW */
};

struct ectx {
	const struct sudoers *s;
	const struct sudoers_account *acct;
	const char *host_short; /* NULL when unknown */
	const char *uncertain_why;
	bool other_target; /* Defaults>runas for a target other than root */
};

static bool
has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static enum verdict list_verdict(struct ectx *e, const struct sudoers_list *list,
				 enum sudoers_alias_type type, unsigned depth);

static bool
in_groups(const struct sudoers_account *a, const char *name)
{
	size_t i;

	for (i = 0; i < a->ngroups; i++)
		if (a->groups != NULL && a->groups[i] != NULL && strcmp(a->groups[i], name) == 0)
			return true;
	return false;
}

static bool
in_gids(const struct sudoers_account *a, unsigned long gid)
{
	size_t i;

	if (a->gid == gid)
		return true;
	for (i = 0; i < a->ngroups; i++)
		if (a->gids != NULL && a->gids[i] == gid)
			return true;
	return false;
}

static bool
parse_id(const char *s, unsigned long *idp)
{
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	*idp = strtoul(s, &end, 10);
	return errno == 0 && *end == '\0';
}

static enum m3
verdict_m3(enum verdict v)
{
	return v == V_ALLOW ? M_YES : v == V_MAYBE ? M_MAYBE : M_NO;
}

static enum m3
user_member(struct ectx *e, const struct sudoers_member *m)
{
	const struct sudoers_account *a = e->acct;
	unsigned long id;

	switch (m->type) {
	case SUDOERS_M_NAME:
		return strcmp(m->name, a->name) == 0 ? M_YES : M_NO;
	case SUDOERS_M_ID:
		return parse_id(m->name, &id) && id == a->uid ? M_YES : M_NO;
	case SUDOERS_M_GROUP:
		return in_groups(a, m->name) ? M_YES : M_NO;
	case SUDOERS_M_GROUP_ID:
		return parse_id(m->name, &id) && in_gids(a, id) ? M_YES : M_NO;
	case SUDOERS_M_NONUNIX_GROUP:
		if (in_groups(a, m->name))
			return M_YES;
		e->uncertain_why = "non-Unix group (%:group) membership is not known";
		return M_MAYBE;
	default:
		return M_NO;
	}
}

static enum m3
host_member(struct ectx *e, const struct sudoers_member *m)
{
	const char *h = e->acct->host;

	switch (m->type) {
	case SUDOERS_M_NAME:
		if (h == NULL) {
			e->uncertain_why = "the host's name is not known";
			return M_MAYBE;
		}
		/* sudo compares a name with a dot to the full name, else to the short one */
		{
			const char *cmp = strchr(m->name, '.') != NULL ? h : e->host_short;

			if (has_glob(m->name))
				return fnmatch(m->name, cmp, FNM_CASEFOLD) == 0 ? M_YES : M_NO;
			return strcasecmp(m->name, cmp) == 0 ? M_YES : M_NO;
		}
	case SUDOERS_M_NETWORK:
		e->uncertain_why = "the host's addresses are not known";
		return M_MAYBE;
	default:
		return M_NO;
	}
}

/* Does a runas user member name root?  Group members: is root in the group? */
static enum m3
runas_member(struct ectx *e, const struct sudoers_member *m)
{
	unsigned long id;

	if (e->other_target)
		return M_NO; /* approximation: only ALL is known to match another target */
	switch (m->type) {
	case SUDOERS_M_NAME:
		return strcmp(m->name, "root") == 0 ? M_YES : M_NO;
	case SUDOERS_M_ID:
		return parse_id(m->name, &id) && id == 0 ? M_YES : M_NO;
	case SUDOERS_M_GROUP:
		if (strcmp(m->name, "root") == 0)
			return M_YES;
		e->uncertain_why = "runas %group: whether root is a member is not known";
		return M_MAYBE;
	case SUDOERS_M_GROUP_ID:
		if (parse_id(m->name, &id) && id == 0)
			return M_YES;
		e->uncertain_why = "runas %#gid: whether root is a member is not known";
		return M_MAYBE;
	case SUDOERS_M_NONUNIX_GROUP:
	case SUDOERS_M_NETGROUP:
		e->uncertain_why = "runas group or netgroup: whether root is a member is not known";
		return M_MAYBE;
	default:
		return M_NO;
	}
}

static enum m3
member_m3(struct ectx *e, const struct sudoers_member *m, enum sudoers_alias_type type,
	  unsigned depth)
{
	const struct sudoers_alias *al;

	if (type != SUDOERS_ALIAS_USER && type != SUDOERS_ALIAS_HOST && type != SUDOERS_ALIAS_RUNAS)
		return M_NO;
	/* What the three lists have alike: ALL, an alias of the list's kind, netgroups. */
	switch (m->type) {
	case SUDOERS_M_ALL:
		return M_YES;
	case SUDOERS_M_ALIAS:
		if ((al = alias_find(e->s, m->name, type)) == NULL)
			return M_NO;
		return verdict_m3(list_verdict(e, &al->members, type, depth + 1));
	case SUDOERS_M_NETGROUP:
		if (type == SUDOERS_ALIAS_RUNAS)
			break;
		e->uncertain_why = "netgroup membership is not known";
		return M_MAYBE;
	default:
		break;
	}
	switch (type) {
	case SUDOERS_ALIAS_USER:
		return user_member(e, m);
	case SUDOERS_ALIAS_HOST:
		return host_member(e, m);
	case SUDOERS_ALIAS_RUNAS:
		return runas_member(e, m);
	default:
		return M_NO;
	}
}

/*
 * sudo scans a list from its end: the last member that matches decides
 * (ALLOW, or DENY when negated).  With uncertain members, V_MAYBE means
 * "ALLOW in some worlds".
 */
static enum verdict
list_verdict(struct ectx *e, const struct sudoers_list *list, enum sudoers_alias_type type,
	     unsigned depth)
{
	size_t i = list->n;
	bool maybe = false;

	if (depth > 64)
		return V_UNSPEC;
	while (i-- > 0) {
		const struct sudoers_member *m = &list->v[i];
		enum m3 r = member_m3(e, m, type, depth);

		if (r == M_NO)
			continue;
		if (r == M_YES) {
			/* Denied whether or not a later negated member matches as well. */
			if (m->negated)
				return V_DENY;
			/* A later negated member that may match denies in some worlds. */
			return maybe ? V_MAYBE : V_ALLOW;
		}
		/* M_MAYBE: it decides in some worlds and not in others */
		if (!m->negated)
			return V_MAYBE;
		maybe = true;
	}
	/* Only negated members may have matched: they deny, they never allow. */
	return V_UNSPEC;
}

/* The runas user of a command spec includes root? */
static enum m3
runas_root(struct ectx *e, const struct sudoers_runas *ra, const char *runas_default)
{
	if (ra == NULL)
		return (strcmp(runas_default, "root") == 0 || strcmp(runas_default, "#0") == 0)
			       ? M_YES
			       : M_NO;
	if (!ra->users_given)
		/* "()" or "(:group)": the invoking user */
		return e->acct->uid == 0 ? M_YES : M_NO;
	return verdict_m3(list_verdict(e, &ra->users, SUDOERS_ALIAS_RUNAS, 0));
}

/* ---- command coverage ---------------------------------------------------- */

static bool cmnd_covers(const struct sudoers *s, const struct sudoers_member *a,
			const struct sudoers_member *b, unsigned depth);

static bool
args_cover(const char *a, const char *b)
{
	if (a == NULL)
		return true;
	if (b == NULL)
		return false;
	if (strcmp(a, b) == 0)
		return true;
	if (has_glob(b))
		return false;
	return fnmatch(a, b, 0) == 0;
}

static bool
path_covers(const struct sudoers_member *a, const struct sudoers_member *b)
{
	size_t n = strlen(a->name);

	if (a->digest != NULL && (b->digest == NULL || strcmp(a->digest, b->digest) != 0))
		return false;
	if (strcmp(a->name, b->name) == 0)
		return args_cover(a->args, b->args);
	if (a->name[0] == '^' || b->name[0] == '^' || has_glob(b->name))
		return false;
	if (n > 0 && a->name[n - 1] == '/')
		return strncmp(a->name, b->name, n) == 0 && strchr(b->name + n, '/') == NULL &&
		       b->name[n] != '\0';
	if (has_glob(a->name))
		return fnmatch(a->name, b->name, FNM_PATHNAME) == 0 && args_cover(a->args, b->args);
	return false;
}

/* Does the command member a (its negation ignored) match every command b matches? */
static bool
cmnd_covers(const struct sudoers *s, const struct sudoers_member *a, const struct sudoers_member *b,
	    unsigned depth)
{
	const struct sudoers_alias *al;
	size_t i;

	if (depth > 64)
		return false;
	if (a->type == SUDOERS_M_ALL)
		return true;
	if (b->type == SUDOERS_M_ALIAS) {
		bool any = false;

		if ((al = alias_find(s, b->name, SUDOERS_ALIAS_CMND)) == NULL)
			return true; /* matches nothing */
		for (i = 0; i < al->members.n; i++) {
			if (al->members.v[i].negated)
				continue;
			if (!cmnd_covers(s, a, &al->members.v[i], depth + 1))
				return false;
			any = true;
		}
		return any || al->members.n > 0;
	}
	if (a->type == SUDOERS_M_ALIAS) {
		if ((al = alias_find(s, a->name, SUDOERS_ALIAS_CMND)) == NULL)
			return false;
		/* the last member that covers b decides; a negated one that only overlaps
		 * b leaves part of b outside */
		for (i = al->members.n; i-- > 0;) {
			const struct sudoers_member *m = &al->members.v[i];

			if (cmnd_covers(s, m, b, depth + 1))
				return true; /* decides for all of b (ALLOW or DENY) */
			if (m->negated && cmnd_covers(s, b, m, depth + 1))
				return false;
		}
		return false;
	}
	if (b->type == SUDOERS_M_ALL)
		return false;
	return path_covers(a, b);
}

/* ---- Defaults state ------------------------------------------------------ */

struct defstate {
	bool authenticate;
	const char *exempt_group;
	const char *pam_service;
	const char *pam_login_service;
	bool rootpw, targetpw, runaspw;
	const char *runas_default;
	const struct sudoers_defaults *ev[64]; /* Defaults lines that changed the above */
	size_t nev;
	bool uncertain;
};

static bool
tracked(const char *name)
{
	static const char *const names[] = {"authenticate",      "exempt_group", "pam_service",
					    "pam_login_service", "rootpw",       "targetpw",
					    "runaspw",           "runas_default"};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

/*
 * Apply one Defaults line.  `maybe`: its binding may or may not match; then
 * only the settings that weaken authentication are applied (the worst case).
 */
static void
apply_defaults(struct defstate *st, const struct sudoers_defaults *d, bool maybe)
{
	size_t i;
	bool touched = false;

	for (i = 0; i < d->nsettings; i++) {
		const struct sudoers_setting *x = &d->settings[i];
		bool on = x->op != SUDOERS_OP_NEGATE;

		if (!tracked(x->name))
			continue;
		if (strcmp(x->name, "authenticate") == 0) {
			if (maybe && on)
				continue;
			st->authenticate = on;
		} else if (strcmp(x->name, "exempt_group") == 0) {
			if (maybe && !on)
				continue;
			st->exempt_group = on ? x->value : NULL;
		} else if (maybe) {
			continue;
		} else if (strcmp(x->name, "pam_service") == 0) {
			st->pam_service = x->value;
		} else if (strcmp(x->name, "pam_login_service") == 0) {
			st->pam_login_service = x->value;
		} else if (strcmp(x->name, "rootpw") == 0) {
			st->rootpw = on;
		} else if (strcmp(x->name, "targetpw") == 0) {
			st->targetpw = on;
		} else if (strcmp(x->name, "runaspw") == 0) {
			st->runaspw = on;
		} else if (strcmp(x->name, "runas_default") == 0) {
			st->runas_default = x->value;
		}
		touched = true;
	}
	if (touched) {
		if (maybe)
			st->uncertain = true;
		if (st->nev < sizeof(st->ev) / sizeof(st->ev[0]))
			st->ev[st->nev++] = d;
	}
}

/* Does a Defaults!cmnd binding apply to every command of x? (YES / MAYBE part / NO) */
static enum m3
cmnd_binding(const struct sudoers *s, const struct sudoers_list *b, const struct sudoers_member *x)
{
	size_t i = b->n;

	while (i-- > 0) {
		const struct sudoers_member *m = &b->v[i];

		if (cmnd_covers(s, m, x, 0))
			return m->negated ? M_NO : M_YES;
		if (cmnd_covers(s, x, m, 0))
			return M_MAYBE; /* part of x */
	}
	return M_NO;
}

/* ---- grants --------------------------------------------------------------- */

struct cand {
	const struct sudoers_userspec *us;
	const struct sudoers_cmndspec *cs;
	enum m3 who;  /* user and host */
	enum m3 root; /* runas includes root */
	const char *why;
};

struct gbuild {
	struct sudoers_grants *g;
	size_t cap;
};

static char *
xstrdup(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static void
grant_clear(struct sudoers_grant *g)
{
	free(g->pam_service);
	free(g->pam_login_service);
	free(g->command);
	free(g->runas);
	free(g->defaults);
}

static bool
in_exempt(const struct sudoers_account *a, const char *grp)
{
	unsigned long id;

	if (grp == NULL)
		return false;
	if (grp[0] == '%')
		grp++;
	if (grp[0] == '#' && parse_id(grp + 1, &id))
		return in_gids(a, id);
	return in_groups(a, grp);
}

static int
emit(struct gbuild *gb, struct ectx *e, const struct cand *cd, const struct defstate *base,
     const struct sudoers_member *cmd, const struct sudoers_defaults *extra)
{
	struct sudoers_grant *g;
	struct defstate st = *base;
	size_t i;
	int nopw = cd->cs->tags[SUDOERS_TAG_NOPASSWD];

	/* Defaults!cmnd, in file order, after the others (sudo's set_cmnd) */
	for (i = 0; i < e->s->ndefaults; i++) {
		const struct sudoers_defaults *d = &e->s->defaults[i];
		enum m3 m;

		if (d->type != SUDOERS_DEF_CMND)
			continue;
		m = cmnd_binding(e->s, &d->binding, cmd);
		if (m == M_YES || d == extra)
			apply_defaults(&st, d, false);
	}
	if (gb->g->n == gb->cap) {
		size_t ncap = gb->cap ? gb->cap * 2 : 8;
		struct sudoers_grant *nv = reallocarray(gb->g->v, ncap, sizeof(*nv));

		if (nv == NULL)
			return MFA_ERR_NOMEM;
		gb->g->v = nv;
		gb->cap = ncap;
	}
	g = &gb->g->v[gb->g->n];
	memset(g, 0, sizeof(*g));
	g->runas_root = cd->root != M_NO;
	/* the tag overrides every Defaults authenticate (sudoers_lookup) */
	g->authenticate = st.authenticate;
	g->auth_reason = st.authenticate ? "Defaults authenticate (sudo's default)"
					 : "Defaults !authenticate";
	if (nopw != -1) {
		g->authenticate = nopw == 0;
		g->auth_reason = nopw ? "NOPASSWD tag" : "PASSWD tag";
	}
	if (g->authenticate && in_exempt(e->acct, st.exempt_group)) {
		g->authenticate = false;
		g->auth_reason = "member of exempt_group";
	}
	if (g->authenticate && e->acct->uid == 0) {
		g->authenticate = false;
		g->auth_reason = "the invoking user is root: sudo asks root for no password";
	}
	g->password_of = st.rootpw     ? SUDOERS_PW_ROOT
			 : st.targetpw ? SUDOERS_PW_TARGET
			 : st.runaspw  ? SUDOERS_PW_RUNAS
				       : SUDOERS_PW_USER;
	g->uncertain = cd->who == M_MAYBE || cd->root == M_MAYBE || st.uncertain;
	g->uncertain_why =
		g->uncertain
			? (cd->why != NULL ? cd->why : "a Defaults binding may or may not match")
			: NULL;
	g->pam_service = xstrdup(st.pam_service);
	g->pam_login_service = xstrdup(st.pam_login_service);
	g->command = xstrdup(cmd->text);
	g->runas = xstrdup(cd->cs->runas != NULL ? cd->cs->runas->text : "");
	g->rule.file = cd->us->file;
	g->rule.line = cd->cs->line;
	g->rule.text = cd->us->text;
	if (st.nev > 0 && (g->defaults = calloc(st.nev, sizeof(*g->defaults))) != NULL) {
		for (i = 0; i < st.nev; i++) {
			g->defaults[i].file = st.ev[i]->file;
			g->defaults[i].line = st.ev[i]->line;
			g->defaults[i].text = st.ev[i]->text;
		}
		g->ndefaults = st.nev;
	}
	if (g->pam_service == NULL || g->pam_login_service == NULL || g->command == NULL ||
	    g->runas == NULL || (st.nev > 0 && g->defaults == NULL)) {
		grant_clear(g);
		return MFA_ERR_NOMEM;
	}
	gb->g->n++;
	if (g->runas_root)
		gb->g->root = true;
	if (g->runas_root && !g->authenticate)
		gb->g->root_without_auth = true;
	return 0;
}

int
sudoers_evaluate(const struct sudoers *s, const struct sudoers_account *acct,
		 struct sudoers_grants **outp)
{
	struct ectx e;
	struct defstate base, base_other;
	struct cand *cands = NULL;
	bool *spec_cand = NULL;
	size_t ncand = 0, capc = 0, i, j, k, p;
	struct gbuild gb = {NULL, 0};
	char hs[256];
	int r = 0;

	if (s == NULL || acct == NULL || acct->name == NULL || outp == NULL)
		return MFA_ERR_INVALID_ARG;
	memset(&e, 0, sizeof(e));
	e.s = s;
	e.acct = acct;
	if (acct->host != NULL) {
		snprintf(hs, sizeof(hs), "%s", acct->host);
		hs[strcspn(hs, ".")] = '\0';
		e.host_short = hs;
	}
	if ((gb.g = calloc(1, sizeof(*gb.g))) == NULL)
		return MFA_ERR_NOMEM;

	/* 1. generic, host, user and runas Defaults, in file order (sudo 1.9); once
	 * for root as the target, once for other targets */
	for (p = 0; p < 2; p++) {
		struct defstate *st = p == 0 ? &base : &base_other;

		memset(st, 0, sizeof(*st));
		st->authenticate = true;
		st->pam_service = "sudo";
		st->pam_login_service = "sudo-i";
		st->runas_default = "root";
		e.other_target = p == 1;
		for (i = 0; i < s->ndefaults; i++) {
			const struct sudoers_defaults *d = &s->defaults[i];
			enum m3 m = M_YES;

			switch (d->type) {
			case SUDOERS_DEF_GENERIC:
				break;
			case SUDOERS_DEF_USER:
				m = verdict_m3(
					list_verdict(&e, &d->binding, SUDOERS_ALIAS_USER, 0));
				break;
			case SUDOERS_DEF_HOST:
				m = verdict_m3(
					list_verdict(&e, &d->binding, SUDOERS_ALIAS_HOST, 0));
				break;
			case SUDOERS_DEF_RUNAS:
				m = verdict_m3(
					list_verdict(&e, &d->binding, SUDOERS_ALIAS_RUNAS, 0));
				break;
			case SUDOERS_DEF_CMND:
				continue;
			}
			if (m != M_NO)
				apply_defaults(st, d, m == M_MAYBE);
		}
	}
	e.other_target = false;

	/* 2. every command spec that may match this account on this host */
	if (s->user_index != NULL &&
	    (spec_cand = calloc(s->nuserspecs + 1, sizeof(*spec_cand))) != NULL) {
		memcpy(spec_cand, s->user_index->any, s->nuserspecs * sizeof(*spec_cand));
		user_index_mark(s->user_index, acct->name, false, spec_cand);
		for (i = 0; i < acct->ngroups; i++)
			user_index_mark(s->user_index, acct->groups[i], true, spec_cand);
	}
	for (i = 0; i < s->nuserspecs; i++) {
		const struct sudoers_userspec *us = &s->userspecs[i];
		enum m3 um;

		if (spec_cand != NULL && !spec_cand[i])
			continue; /* no member of its user list can be this account */
		e.uncertain_why = NULL;
		um = verdict_m3(list_verdict(&e, &us->users, SUDOERS_ALIAS_USER, 0));
		if (um == M_NO)
			continue;
		for (j = 0; j < us->nprivs; j++) {
			const struct sudoers_privilege *pv = &us->privs[j];
			enum m3 hm =
				verdict_m3(list_verdict(&e, &pv->hosts, SUDOERS_ALIAS_HOST, 0));
			const char *why_uh = e.uncertain_why;

			if (hm == M_NO)
				continue;
			for (k = 0; k < pv->nspecs; k++) {
				struct cand *cd;
				void *v = cands;

				if (pv->specs[k].cmnd.type == SUDOERS_M_COMMAND &&
				    strcmp(pv->specs[k].cmnd.name, "list") == 0)
					continue; /* lists privileges, runs nothing */
				if (ncand == capc) {
					size_t ncap = capc ? capc * 2 : 16;

					if ((v = reallocarray(cands, ncap, sizeof(*cands))) ==
					    NULL) {
						r = MFA_ERR_NOMEM;
						goto out;
					}
					cands = v;
					capc = ncap;
				}
				cd = &cands[ncand++];
				e.uncertain_why = why_uh;
				cd->us = us;
				cd->cs = &pv->specs[k];
				cd->who = (um == M_YES && hm == M_YES) ? M_YES : M_MAYBE;
				cd->root = runas_root(&e, pv->specs[k].runas, base.runas_default);
				cd->why = e.uncertain_why;
			}
		}
	}

	/* 3. a spec is overridden when a later one certainly matching covers its command */
	for (i = 0; i < ncand; i++) {
		const struct cand *cd = &cands[i];
		bool shadowed = false;

		if (cd->cs->cmnd.negated)
			continue;
		for (j = i + 1; j < ncand && !shadowed; j++) {
			const struct cand *later = &cands[j];

			if (later->who != M_YES)
				continue;
			if (cd->root != M_NO
				    ? later->root != M_YES
				    : !(later->cs->runas == cd->cs->runas ||
					(later->cs->runas != NULL && cd->cs->runas != NULL &&
					 strcmp(later->cs->runas->text, cd->cs->runas->text) == 0)))
				continue;
			if (cmnd_covers(s, &later->cs->cmnd, &cd->cs->cmnd, 0))
				shadowed = true;
		}
		if (shadowed)
			continue;
		if ((r = emit(&gb, &e, cd, cd->root != M_NO ? &base : &base_other, &cd->cs->cmnd,
			      NULL)) != 0)
			goto out;
		/* 4. Defaults!cmnd for part of this spec's commands: a grant of its own */
		if (cd->cs->tags[SUDOERS_TAG_NOPASSWD] != -1)
			continue;
		for (p = 0; p < s->ndefaults; p++) {
			const struct sudoers_defaults *d = &s->defaults[p];
			size_t q;

			if (d->type != SUDOERS_DEF_CMND)
				continue;
			if (cmnd_binding(s, &d->binding, &cd->cs->cmnd) != M_MAYBE)
				continue;
			for (q = 0; q < d->binding.n; q++) {
				const struct sudoers_member *m = &d->binding.v[q];
				size_t before = gb.g->n;

				if (m->negated || !cmnd_covers(s, &cd->cs->cmnd, m, 0) ||
				    cmnd_covers(s, m, &cd->cs->cmnd, 0))
					continue;
				if ((r = emit(&gb, &e, cd, cd->root != M_NO ? &base : &base_other,
					      m, d)) != 0)
					goto out;
				/* keep it only when it changes something */
				if (gb.g->v[before].authenticate ==
					    gb.g->v[before - 1].authenticate &&
				    strcmp(gb.g->v[before].pam_service,
					   gb.g->v[before - 1].pam_service) == 0) {
					grant_clear(&gb.g->v[before]);
					gb.g->n--;
				}
			}
		}
	}
	/* recompute the summary flags (a dropped duplicate may have set them) */
	gb.g->root = gb.g->root_without_auth = false;
	for (i = 0; i < gb.g->n; i++) {
		if (gb.g->v[i].runas_root)
			gb.g->root = true;
		if (gb.g->v[i].runas_root && !gb.g->v[i].authenticate)
			gb.g->root_without_auth = true;
	}
	*outp = gb.g;
	gb.g = NULL;
out:
	free(cands);
	free(spec_cand);
	sudoers_grants_free(&gb.g);
	return r;
}

void
sudoers_grants_free(struct sudoers_grants **gp)
{
	size_t i;

	if (gp == NULL || *gp == NULL)
		return;
	for (i = 0; i < (*gp)->n; i++)
		grant_clear(&(*gp)->v[i]);
	free((*gp)->v);
	free(*gp);
	*gp = NULL;
}

const char *
sudoers_pw_name(enum sudoers_pw pw)
{
	switch (pw) {
	case SUDOERS_PW_USER:
		return "user";
	case SUDOERS_PW_ROOT:
		return "root (rootpw)";
	case SUDOERS_PW_TARGET:
		return "target (targetpw)";
	case SUDOERS_PW_RUNAS:
		return "runas_default (runaspw)";
	}
	return "?";
}
