/*
 * sudoers.h - sudo's policy (sudoers(5)), read and judged as sudo 1.9
 * reads and judges it.
 *
 * Load.  sudoers_load() reads a sudoers file under an audited root with
 * every include followed (@include, @includedir, #include, #includedir;
 * relative paths from the including file's directory; %h = the host's
 * short name; includedir skips names ending in `~` or containing `.`,
 * reads regular files in bytewise order; a missing includedir is ignored,
 * a missing include file is an error, as in sudo).  The grammar and the
 * checks are sudo's (plugins/sudoers/toke.l, gram.y) and visudo -c's:
 * unknown Defaults names, Defaults values of the wrong kind, duplicate and
 * cyclic aliases, reserved words as alias names, a continuation at end of
 * file are errors (MFA_ERR_PARSE with file, line, column, reason); an alias
 * that is used but never defined is a warning (visudo -c accepts the file
 * and sudo lets the alias match nothing).  Include loops and nesting deeper
 * than SUDOERS_MAX_DEPTH fail with MFA_ERR_TOO_DEEP.
 *
 * Evaluate.  sudoers_evaluate() answers, for one account on the audited
 * host, which command specifications let it run commands (as root or not)
 * and, for each, whether sudo authenticates it, with which PAM service and
 * whose password.  See docs/sudoers-model.md for the exact rules.
 *
 * Nothing here prints, exits, or reads a file other than through root_fs.
 */
#ifndef SUDOERS_H
#define SUDOERS_H

#include <stdbool.h>
#include <stddef.h>

#include "mfa_err.h"

#define SUDOERS_MAX_BYTES (1024u * 1024u)       /* one file */
#define SUDOERS_MAX_TOTAL (16u * 1024u * 1024u) /* all files together */
#define SUDOERS_MAX_FILES 1024u
#define SUDOERS_MAX_DEPTH 128u /* sudo's MAX_SUDOERS_DEPTH */

enum sudoers_mtype {
	SUDOERS_M_ALL = 0,
	SUDOERS_M_ALIAS,         /* name: the alias */
	SUDOERS_M_NAME,          /* user, host or group name (may hold glob chars) */
	SUDOERS_M_ID,            /* #uid (or #gid in a runas group list) */
	SUDOERS_M_GROUP,         /* %group */
	SUDOERS_M_GROUP_ID,      /* %#gid */
	SUDOERS_M_NONUNIX_GROUP, /* %:group (group plugin) */
	SUDOERS_M_NETGROUP,      /* +netgroup */
	SUDOERS_M_NETWORK,       /* an IPv4/IPv6 address or network */
	SUDOERS_M_COMMAND,       /* name: path, directory/, glob, ^regex$ or "sudoedit" */
};

struct sudoers_member {
	enum sudoers_mtype type;
	bool negated;
	char *name;   /* as written, without %, %#, %:, +, # prefixes */
	char *args;   /* commands: NULL any arguments, "" none allowed (""), else the arguments */
	char *digest; /* commands: "sha256:..." or NULL */
	char *text;   /* as written, with `!` and prefix ("!%sudo", "/bin/ls -l") */
};

struct sudoers_list {
	struct sudoers_member *v;
	size_t n;
};

enum sudoers_alias_type {
	SUDOERS_ALIAS_USER = 0,
	SUDOERS_ALIAS_RUNAS,
	SUDOERS_ALIAS_HOST,
	SUDOERS_ALIAS_CMND,
};

struct sudoers_alias {
	enum sudoers_alias_type type;
	char *name;
	struct sudoers_list members;
	const char *file;
	unsigned line;
	char *text; /* the logical line, continuations joined */
};

/* Tags; each is -1 (not given), 0 or 1.  Inherited along a Cmnd_Spec_List. */
enum sudoers_tag {
	SUDOERS_TAG_NOPASSWD = 0, /* 1 NOPASSWD, 0 PASSWD */
	SUDOERS_TAG_NOEXEC,       /* 1 NOEXEC, 0 EXEC */
	SUDOERS_TAG_SETENV,
	SUDOERS_TAG_INTERCEPT,
	SUDOERS_TAG_LOG_INPUT,
	SUDOERS_TAG_LOG_OUTPUT,
	SUDOERS_TAG_MAIL,
	SUDOERS_TAG_FOLLOW,
	SUDOERS_NTAGS
};

/* Per-command options (NAME=value before the tags).  NULL when not given. */
enum sudoers_opt {
	SUDOERS_OPT_CWD = 0,
	SUDOERS_OPT_CHROOT,
	SUDOERS_OPT_TIMEOUT,
	SUDOERS_OPT_NOTBEFORE,
	SUDOERS_OPT_NOTAFTER,
	SUDOERS_OPT_ROLE,
	SUDOERS_OPT_TYPE,
	SUDOERS_NOPTS
};

/* `(users:groups)`.  users_given false and groups_given true: "(:grp)". */
struct sudoers_runas {
	bool users_given;
	bool groups_given;
	struct sudoers_list users;
	struct sudoers_list groups;
	char *text; /* "(ALL:ALL)" */
};

struct sudoers_cmndspec {
	const char *file;
	unsigned line;
	const struct sudoers_runas *runas; /* NULL: none given yet (runas_default) */
	signed char tags[SUDOERS_NTAGS];   /* after inheritance */
	char *opts[SUDOERS_NOPTS];         /* after inheritance */
	struct sudoers_member cmnd;
};

struct sudoers_privilege {
	struct sudoers_list hosts;
	struct sudoers_cmndspec *specs;
	size_t nspecs;
};

struct sudoers_userspec {
	const char *file;
	unsigned line;
	char *text;
	struct sudoers_list users;
	struct sudoers_privilege *privs;
	size_t nprivs;
};

enum sudoers_defaults_type {
	SUDOERS_DEF_GENERIC = 0, /* Defaults */
	SUDOERS_DEF_USER,        /* Defaults:users */
	SUDOERS_DEF_RUNAS,       /* Defaults>runas */
	SUDOERS_DEF_HOST,        /* Defaults@hosts */
	SUDOERS_DEF_CMND,        /* Defaults!commands */
};

enum sudoers_defop {
	SUDOERS_OP_SET = 0, /* name, or name=value */
	SUDOERS_OP_NEGATE,  /* !name */
	SUDOERS_OP_ADD,     /* name+=value */
	SUDOERS_OP_REMOVE,  /* name-=value */
};

struct sudoers_setting {
	char *name;
	enum sudoers_defop op;
	char *value; /* NULL when none; quotes and backslashes removed */
};

struct sudoers_defaults {
	enum sudoers_defaults_type type;
	struct sudoers_list binding; /* empty for SUDOERS_DEF_GENERIC */
	struct sudoers_setting *settings;
	size_t nsettings;
	const char *file;
	unsigned line;
	char *text;
};

struct sudoers_arena;

/* Everything read, in the order sudo reads it (includes expanded in place). */
struct sudoers {
	char **files; /* every file read, paths inside the root */
	size_t nfiles;
	struct sudoers_userspec *userspecs;
	size_t nuserspecs;
	struct sudoers_defaults *defaults;
	size_t ndefaults;
	struct sudoers_alias *aliases;
	size_t naliases;
	char **warnings; /* "FILE:LINE: Cmnd_Alias "X" referenced but not defined", ... */
	size_t nwarnings;
	char **skipped; /* "/etc/sudoers.d/x~: editor backup", missing includedirs */
	size_t nskipped;
	struct sudoers_arena *arena; /* owns all of the above */
	/* Private: which user specs can name which user or group (sudoers_evaluate). */
	struct sudoers_user_index *user_index;
};

/*
 * Load `path` (inside the root open at rootfd; "/etc/sudoers") and its
 * includes.  %h in include paths is the short name from ROOT/etc/hostname
 * (an include naming %h fails with MFA_ERR_PARSE when that is unreadable).
 */
int sudoers_load(int rootfd, const char *path, struct sudoers **outp, struct mfa_parse_err *perr);

/* As sudoers_load(), with the host name for %h given (its part before the first `.` is used). */
int sudoers_load_host(int rootfd, const char *path, const char *host, struct sudoers **outp,
		      struct mfa_parse_err *perr);

/* Rules that come from somewhere else than a file (sudoRole entries, sudoers_ldap.h). */
struct sudoers_buffer {
	const char *file; /* what evidence names as the file: "sudoRole cn=x,ou=SUDOers,..." */
	const char *buf;
	size_t len;
};

/*
 * As sudoers_load_host(), with `nextra` buffers parsed before (extra_first)
 * or after the file and its includes, as sudo reads its sources in the
 * order nsswitch.conf's `sudoers:` line gives; path NULL: no file at all
 * (`sudoers: ldap`).  An include in a buffer is a parse error.
 */
int sudoers_load_with(int rootfd, const char *path, const char *host,
		      const struct sudoers_buffer *extra, size_t nextra, bool extra_first,
		      struct sudoers **outp, struct mfa_parse_err *perr);

/* Parse one buffer with no includes allowed to be followed (rootfd < 0: includes fail). */
int sudoers_parse_buffer(const char *buf, size_t len, const char *file, struct sudoers **outp,
			 struct mfa_parse_err *perr);

/* Free and NULL the pointer.  Accepts NULL. */
void sudoers_free(struct sudoers **sp);

/* ---- evaluation ---------------------------------------------------------- */

struct sudoers_account {
	const char *name;
	unsigned uid;
	unsigned gid;              /* primary group */
	const char *const *groups; /* group names, the primary one included */
	const unsigned *gids;      /* the same groups' ids (may be NULL) */
	size_t ngroups;
	const char *host; /* the audited host's name; NULL: unknown (host
				      * names then match uncertainly) */
};

/* Whose password sudo asks for (PAM_USER during pam_authenticate). */
enum sudoers_pw {
	SUDOERS_PW_USER = 0, /* the invoking user (default) */
	SUDOERS_PW_ROOT,     /* Defaults rootpw */
	SUDOERS_PW_TARGET,   /* Defaults targetpw: the runas user (root for a root grant) */
	SUDOERS_PW_RUNAS,    /* Defaults runaspw: runas_default's user */
};

struct sudoers_evidence {
	const char *file;
	unsigned line;
	const char *text;
};

struct sudoers_grant {
	bool runas_root;         /* the spec lets the account run this command as root */
	bool authenticate;       /* sudo calls pam_authenticate before running it */
	const char *auth_reason; /* static text: why authenticate is what it is */
	enum sudoers_pw password_of;
	char *pam_service;         /* Defaults pam_service (default "sudo") */
	char *pam_login_service;   /* for sudo -i (default "sudo-i") */
	char *command;             /* as written ("ALL", "/usr/bin/foo", "CMNDS", "!/bin/sh") */
	char *runas;               /* "(ALL:ALL)", or "" when runas_default applies */
	bool uncertain;            /* depends on facts the auditor lacks (netgroups, ...) */
	const char *uncertain_why; /* static text, or NULL */
	struct sudoers_evidence rule;
	struct sudoers_evidence *defaults; /* Defaults lines that set authenticate,
					    * exempt_group, pam_*service, *pw for it */
	size_t ndefaults;
};

struct sudoers_grants {
	struct sudoers_grant *v; /* in file order */
	size_t n;
	bool root;              /* some grant has runas_root */
	bool root_without_auth; /* some grant has runas_root && !authenticate */
};

/*
 * The grants of `acct` under `s`: every command specification that matches
 * the account and host, is not negated, and is not wholly overridden by a
 * later specification (sudo's last match wins), plus one grant per
 * `Defaults!cmnd` that changes authentication for part of a broader grant.
 * Errors: MFA_ERR_INVALID_ARG, MFA_ERR_NOMEM.
 */
int sudoers_evaluate(const struct sudoers *s, const struct sudoers_account *acct,
		     struct sudoers_grants **outp);

/* Free and NULL the pointer.  Accepts NULL. */
void sudoers_grants_free(struct sudoers_grants **gp);

/* "user", "root (rootpw)", "target (targetpw)", "runas_default (runaspw)". */
const char *sudoers_pw_name(enum sudoers_pw pw);

#endif /* SUDOERS_H */
