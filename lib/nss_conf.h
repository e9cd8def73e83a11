/*
 * nss_conf.h - /etc/nsswitch.conf under a root: which sources answer the
 * passwd, group, shadow, netgroup and sudoers databases, in which order,
 * and whether a directory (ldap, sss) is among them.
 *
 * The syntax is glibc's (nsswitch.conf(5)); see docs/ldap-defaults.md:
 *  - `#` anywhere starts a comment; blank lines are passed over;
 *  - a line is `DATABASE: SOURCE [CRITERIA] SOURCE ...`; blanks may stand
 *    between the name and the `:`;
 *  - criteria follow the source they apply to: `[STATUS=ACTION ...]` or
 *    `[!STATUS=ACTION]`, STATUS one of success, notfound, unavail,
 *    tryagain, ACTION one of return, continue, merge, both in any case,
 *    blanks allowed around `=`;
 *  - a source name runs to a blank or `[`.
 * glibc skips a line it cannot parse; here such a line fails the parse with
 * MFA_ERR_PARSE, its file, line and column: an auditor must not guess which
 * sources a host uses.  Malformed: no `:` after the name, an empty name,
 * criteria before any source, an unterminated `[`, an empty `[]`, an
 * unknown status or action word, a line over NSS_CONF_LINE_MAX bytes, a NUL
 * byte.  A line with no source is noted and left out (the default applies).
 *
 * Database and source names are compared without regard to case (sudo does
 * so for its `sudoers:` line; for glibc this is the reading that never
 * misses a directory).  The first line for a database is the one used, as
 * glibc and sudo do; a later one is noted.  A directory source listed after
 * criteria that can skip it (`files [NOTFOUND=return] ldap`) still counts as
 * used: some lookups reach it.
 *
 * Missing file, or no line for a database: the defaults of glibc 2.36 as
 * Debian builds it (without the obsolete NIS defaults): `files` for passwd,
 * group, shadow, gshadow and netgroup; sudo's default for sudoers is
 * `files` too.  These are added to `dbs` with line 0 and is_default set, so
 * nss_conf_db() finds every database in NSS_CONF_KNOWN_DBS.
 */
#ifndef MFA_NSS_CONF_H
#define MFA_NSS_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "mfa_err.h"

#define NSS_CONF_PATH "/etc/nsswitch.conf"
#define NSS_CONF_MAX_BYTES (1024u * 1024u)
#define NSS_CONF_LINE_MAX 4096u
#define NSS_CONF_MAX_SOURCES 64  /* per line */
#define NSS_CONF_MAX_CRITERIA 16 /* per source */

/* The databases that always have an entry (explicit or default). */
#define NSS_CONF_KNOWN_DBS                                                                         \
	{                                                                                          \
		"passwd", "group", "shadow", "gshadow", "netgroup", "sudoers"                      \
	}

enum nss_status {
	NSS_STATUS_SUCCESS = 0,
	NSS_STATUS_NOTFOUND,
	NSS_STATUS_UNAVAIL,
	NSS_STATUS_TRYAGAIN,
};
#define NSS_STATUS_COUNT 4

enum nss_action {
	NSS_ACTION_RETURN = 0,
	NSS_ACTION_CONTINUE,
	NSS_ACTION_MERGE,
};

/* One STATUS=ACTION as written. */
struct nss_criterion {
	bool negated; /* `!STATUS=ACTION`: every status but STATUS */
	enum nss_status status;
	enum nss_action action;
};

struct nss_source {
	char *name; /* as written: "files", "ldap", "sss", ... */
	unsigned column;
	struct nss_criterion *criteria; /* as written after this source */
	size_t ncriteria;
	/* What follows each result of this source: glibc's defaults (success:
	 * return, others: continue) with the criteria applied in order. */
	enum nss_action on[NSS_STATUS_COUNT];
};

struct nss_db {
	char *name;       /* as written ("passwd") */
	const char *file; /* the config's file */
	unsigned line;    /* 0: a default, no line */
	bool is_default;
	struct nss_source *sources; /* in order */
	size_t nsources;
};

struct nss_note {
	const char *file;
	unsigned line;
	char *text;
};

struct nss_conf {
	char *file;         /* "/etc/nsswitch.conf" */
	bool present;       /* false: the file was missing; every db is a default */
	struct nss_db *dbs; /* file order (first lines only), then the defaults */
	size_t ndbs;
	struct nss_note *notes; /* duplicates, empty lines of sources */
	size_t nnotes;
};

/*
 * Read ROOT/etc/nsswitch.conf.  A missing file gives the defaults above.
 * Errors: MFA_ERR_PARSE (perr: file, line, column, reason),
 * MFA_ERR_TOO_LARGE, the root_fs.h errors, MFA_ERR_NOMEM.
 */
int nss_conf_load(int rootfd, struct nss_conf **outp, struct mfa_parse_err *perr);

/*
 * The same from bytes (NUL-terminated or not).  buf NULL (len 0): the file
 * is missing.  `file` is used in locations only.  For tests and fuzzing.
 */
int nss_conf_parse(const char *buf, size_t len, const char *file, struct nss_conf **outp,
		   struct mfa_parse_err *perr);

/* Free and NULL the pointer.  Accepts NULL. */
void nss_conf_free(struct nss_conf **cp);

/* The entry glibc (or sudo) uses for `db`, or NULL (no line, no default). */
const struct nss_db *nss_conf_db(const struct nss_conf *c, const char *db);

/* The first source of `db` called `source`, or NULL. */
const struct nss_source *nss_db_source(const struct nss_db *db, const char *source);

/*
 * true when `db` lists ldap or sss: the auditor must read the directory
 * for it (sudoers: sudoRole entries).  Evidence: db->file and db->line.
 */
bool nss_db_uses_directory(const struct nss_db *db);

const char *nss_status_name(enum nss_status s); /* "success", ... */
const char *nss_action_name(enum nss_action a); /* "return", ... */

#endif /* MFA_NSS_CONF_H */
