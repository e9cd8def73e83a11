/*
 * accounts.h - a host's local accounts (ROOT/etc/passwd, ROOT/etc/group)
 * and which of them are administrators.
 *
 * Both files are read through root_fs.h and parsed strictly: a passwd line
 * has 7 fields, a group line 4, ids are decimal numbers below 2^32 - 1 and
 * names are not empty.  The first malformed line fails the load with
 * MFA_ERR_PARSE and its file and line in perr: an account the audit cannot
 * read must not silently drop out of it.  Empty lines and `#` comments are
 * passed over, as glibc's files backend does.  NIS compat lines (`+`, `-`,
 * `+user`, `+@netgroup`, ...) are skipped and recorded in `notes`: the
 * accounts they pull in from NIS are not audited here.
 *
 * Duplicates are kept in file order.  Lookups return the first entry, as
 * getpwnam(3), getpwuid(3) and getgrnam(3) do; every later duplicate name
 * gets a note.  Several names for uid 0 (root and "toor") are all admins.
 *
 * A group's members are the users listed in its fourth field plus every
 * user whose primary gid is the group's gid (initgroups(3) gives both).
 * A listed member need not exist in passwd (LDAP users listed in a local
 * group): lookups still return it, with `user` NULL.
 */
#ifndef MFA_ACCOUNTS_H
#define MFA_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "mfa_err.h"

#define ACCOUNTS_MAX_BYTES (64u * 1024u * 1024u) /* per file */
#define ACCOUNTS_MAX_LINES 1000000u              /* per file */

struct account_user {
	char *name;
	uid_t uid;
	gid_t gid;
	char *gecos;
	char *home;
	char *shell;   /* as written; "" means /bin/sh to login(1) and sshd */
	unsigned line; /* in /etc/passwd */
	bool nologin;  /* the shell refuses interactive logins (see below) */
};

struct account_group {
	char *name;
	gid_t gid;
	char **members; /* the fourth field, split at commas (empty items dropped) */
	size_t nmembers;
	unsigned line; /* in /etc/group */
};

/* Something the load passed over or wants the reader to know, with evidence. */
struct account_note {
	char *file; /* "/etc/passwd" or "/etc/group" */
	unsigned line;
	char *text;
};

struct accounts {
	struct account_user *users; /* in file order */
	size_t nusers;
	struct account_group *groups; /* in file order */
	size_t ngroups;
	struct account_note *notes; /* NIS lines, duplicate names */
	size_t nnotes;
};

/*
 * Read ROOT/etc/passwd and ROOT/etc/group.  A missing group file is an
 * empty one (noted); a missing passwd file is MFA_ERR_NOT_FOUND.  Errors:
 * MFA_ERR_PARSE (perr: file, line, reason), MFA_ERR_TOO_LARGE, the
 * root_fs.h errors, MFA_ERR_NOMEM.
 */
int accounts_load(int rootfd, struct accounts **outp, struct mfa_parse_err *perr);

/*
 * The same from the bytes of both files (NUL-terminated or not); the
 * names passwd_file and group_file are used in locations only.  group may
 * be NULL (no group file).  For tests and fuzzing.
 */
int accounts_parse(const char *passwd, size_t passwd_len, const char *passwd_file,
		   const char *group, size_t group_len, const char *group_file,
		   struct accounts **outp, struct mfa_parse_err *perr);

/* Free and NULL the pointer.  Accepts NULL. */
void accounts_free(struct accounts **ap);

/* The first user called `name` / with uid `uid`, or NULL. */
const struct account_user *accounts_user_by_name(const struct accounts *a, const char *name);
const struct account_user *accounts_user_by_uid(const struct accounts *a, uid_t uid);

/* The first group called `name` / with gid `gid`, or NULL. */
const struct account_group *accounts_group_by_name(const struct accounts *a, const char *name);
const struct account_group *accounts_group_by_gid(const struct accounts *a, gid_t gid);

/* One group a user belongs to. */
struct account_group_ref {
	gid_t gid;
	const char *name;                  /* NULL: a primary gid with no group line */
	const struct account_group *group; /* NULL likewise */
	bool primary;                      /* the user's passwd gid */
	bool listed;                       /* the group's member field names the user */
};

/*
 * The groups of `user`: the primary gid first, then every group line that
 * lists the user, in file order; a gid appears once.  *refsp is
 * allocated (free(3) it; NULL when *np is 0).  MFA_ERR_NOT_FOUND for a user
 * not in passwd.
 */
int accounts_user_groups(const struct accounts *a, const char *user,
			 struct account_group_ref **refsp, size_t *np);

/* One member of a group. */
struct account_member {
	const char *name;
	const struct account_user *user; /* NULL: listed but not in passwd */
	bool primary;                    /* the user's primary gid is the group's */
	bool listed;                     /* named in the member field */
};

/*
 * The members of group `group` (first group line of that name): users with
 * it as primary group in passwd order, then listed names not already
 * given, in field order.  *membersp as above.  MFA_ERR_NOT_FOUND for an
 * unknown group.
 */
int accounts_group_members(const struct accounts *a, const char *group,
			   struct account_member **membersp, size_t *np);

/*
 * true when a login shell stops interactive logins: /usr/sbin/nologin,
 * /sbin/nologin, /usr/bin/nologin, /bin/nologin, /bin/false,
 * /usr/bin/false.  Such an account cannot get a shell through sshd, su or
 * login, and so cannot run sudo either: it is no admin *login* path.  It is
 * still an account PAM authenticates where no shell is started (OpenVPN's
 * auth-pam plugin, RADIUS, IMAP, cockpit's web login): callers decide per
 * path.  The shadow file (a locked password) is not read here.
 */
bool accounts_shell_is_nologin(const char *shell);

/* ---- why an account is an admin ---------------------------------------- */

enum account_reason_kind {
	ACCOUNT_REASON_UID0 = 0,  /* uid 0 */
	ACCOUNT_REASON_GROUP,     /* member of an admin group */
	ACCOUNT_REASON_SUDO_RULE, /* a sudoers rule (added by the sudoers analysis) */
	ACCOUNT_REASON_OTHER,
};

struct account_reason {
	enum account_reason_kind kind;
	char *text; /* "uid 0", "member of sudo (listed)" */
	char *file; /* evidence: "/etc/passwd", "/etc/group", "/etc/sudoers.d/x" */
	unsigned line;
};

/* A growable list; start with {NULL, 0} and clear with account_reasons_clear. */
struct account_reasons {
	struct account_reason *items;
	size_t n;
};

/* Administrative groups when the caller names none. */
#define ACCOUNTS_DEFAULT_ADMIN_GROUPS                                                              \
	{                                                                                          \
		"sudo", "wheel", "admin"                                                           \
	}
#define ACCOUNTS_NDEFAULT_ADMIN_GROUPS 3

/*
 * Append to *out why `user` is an admin: "uid 0" (evidence: its passwd
 * line), "member of G (primary group)" (passwd line), "member of G
 * (listed)" (group line), for each G of admin_groups (NULL: the defaults
 * above; n is then ignored).  Nothing appended: not an admin by these
 * rules (the sudoers analysis may still add reasons).  MFA_ERR_NOT_FOUND
 * for a user not in passwd; MFA_ERR_NOMEM.  On error *out keeps what it had.
 */
int accounts_admin_reasons(const struct accounts *a, const char *user,
			   const char *const *admin_groups, size_t n, struct account_reasons *out);

/* Append one reason (the text is formatted).  file may be NULL. */
int account_reasons_add(struct account_reasons *r, enum account_reason_kind kind, const char *file,
			unsigned line, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Free the items and reset to {NULL, 0}.  Accepts NULL. */
void account_reasons_clear(struct account_reasons *r);

#endif /* MFA_ACCOUNTS_H */
