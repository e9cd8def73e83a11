/*
 * audit.h - mfacover-audit's model of a host: admin accounts, the access
 * paths each can take, and for every path whether a second factor is
 * required, with the reason and the lines that prove it.
 *
 * audit_run() reads a host as files under a root (never changing anything)
 * and builds a struct audit_report; audit_output.c (text, JSON) and
 * audit_html.c print it.  The verdict is "covered" only when every
 * admin path is; anything the audit cannot read or parse is an error
 * (mfacover-audit exits 2), never a silent "covered".
 */
#ifndef MFA_AUDIT_H
#define MFA_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "file_journal.h"
#include "mfa_err.h"

struct ldap_entries;

/* Exit status of mfacover-audit. */
#define AUDIT_EXIT_COVERED 0      /* every admin access path needs a second factor */
#define AUDIT_EXIT_GAPS 1         /* at least one admin path does not */
#define AUDIT_EXIT_CANNOT_AUDIT 2 /* bad input or an unreadable file */
#define AUDIT_EXIT_USAGE 64       /* EX_USAGE: bad command line */

#define AUDIT_SCHEMA "mfacover-audit/1"

struct audit_options {
	const char *root;                /* "/" by default */
	const char *const *admin_groups; /* NULL: sudo, wheel, admin */
	size_t nadmin_groups;
	const char *const *mfa_modules; /* second-factor modules besides the known ones */
	size_t nmfa_modules;
	/*
	 * Directory entries (users and groups, ldap_entry.h) that join the local
	 * accounts, as NSS's `passwd: files ldap` would have them: a local name
	 * shadows a directory one.  NULL: no directory.  directory_source names
	 * where they came from ("ldap://host", an LDIF file) in evidence.
	 */
	const struct ldap_entries *directory;
	const char *directory_source;
	/*
	 * Called once, when audit_run has read all it needs of *directory
	 * (its accounts and sudoRoles are converted), so that the caller may
	 * free the entries before the paths are built: a large directory's
	 * entries need not share the peak with a large report.  NULL: none.
	 */
	void (*directory_read)(void *arg);
	void *directory_read_arg;
};

/* The uid of a directory account with no uidNumber (sssd maps one from its SID). */
#define AUDIT_UID_UNKNOWN 0xffffffffu

/*
 * The strings of paths and their evidence are held once per report
 * (audit_model.c): the same service, reason and stack lines recur across
 * every admin, and a report with 100 000 paths would otherwise hold as
 * many copies.  They belong to the report; never free or change them.
 */
struct audit_strings;

struct audit_evidence {
	const char *file; /* inside the root */
	unsigned line;
	const char *text; /* the line, or what happened there */
	bool strength;    /* says how strong the path's second factor is (or its ssh keys) */
};

struct audit_account {
	char *name;
	unsigned uid;       /* AUDIT_UID_UNKNOWN: a directory account without uidNumber */
	const char *source; /* "local" or "ldap" */
	char **admin_via;   /* "uid 0", "member of sudo", "sudoers: /etc/sudoers:23" */
	size_t nadmin_via;
	bool enrolled;      /* has a factor for a second-factor module in use */
	char **enrolled_in; /* "pam_mfacover: /var/lib/mfacover/alice" */
	size_t nenrolled_in;
	bool can_login; /* the shell allows interactive logins */
};

enum audit_path_kind {
	AUDIT_PATH_SSH = 0,
	AUDIT_PATH_SUDO,
	AUDIT_PATH_SU,
	AUDIT_PATH_LOGIN,
	AUDIT_PATH_POLKIT,
	AUDIT_PATH_VPN,
	AUDIT_PATH_PAM,
};

/*
 * The weakest second factor a path lets an admin in with, from the weakest
 * to the strongest after UNKNOWN.  Phishing-resistant (FIDO, FIDO_VERIFIED):
 * a site that relays the prompts to the admin learns nothing it can replay,
 * because the authenticator signs for its relying party only and must be
 * touched.  A way in counts with its strongest factor (an sk- key with a
 * code is FIDO); the path with its weakest way in.
 */
enum audit_factor {
	AUDIT_FACTOR_UNKNOWN = 0,   /* not judged: the path lets nobody in */
	AUDIT_FACTOR_NONE,          /* a way in without a second factor: a gap */
	AUDIT_FACTOR_RECOVERY,      /* one-time recovery codes only */
	AUDIT_FACTOR_PHISHABLE,     /* a code, a push, a plain key, a FIDO key without touch */
	AUDIT_FACTOR_FIDO,          /* a FIDO/U2F authenticator, touched */
	AUDIT_FACTOR_FIDO_VERIFIED, /* the same, with user verification (PIN, biometric) */
};

/* "none", "recovery-codes", "phishable", "fido", "fido-verified"; NULL for UNKNOWN. */
const char *audit_factor_name(enum audit_factor f);

/* For people: "FIDO2 with user verification (phishing-resistant)"; NULL for UNKNOWN. */
const char *audit_factor_text(enum audit_factor f);

/* FIDO or FIDO_VERIFIED. */
bool audit_factor_phishing_resistant(enum audit_factor f);

struct audit_path {
	enum audit_path_kind kind;
	const char *service; /* the PAM service, or "sshd" for ssh routes without PAM */
	const char *account; /* an account name, or "*" for everyone */
	const char *detail;  /* "publickey,keyboard-interactive from any address", ... */
	bool admin_path;     /* counts for the verdict (chfn, passwd, ... do not) */
	bool covered;
	const char *reason;
	struct audit_evidence *evidence;
	size_t nevidence;
	struct audit_strings *strings; /* the report's, where the strings above are held */
	/*
	 * The weakest second factor of the ways in: NONE for a gap (set by
	 * audit_path_set_reason), UNKNOWN where nothing was judged.
	 */
	enum audit_factor factor;
	/*
	 * ssh paths where publickey is a way in: what the admin's authorized
	 * keys prove (authorized_keys_strength_name: "plain", "sk-touch", ...;
	 * static text); NULL otherwise.
	 */
	const char *ssh_keys;
};

struct audit_finding {
	char *id;       /* "pam.nullok", "ssh.key-alone", ... */
	char *severity; /* "high", "medium", "low", "info" */
	char *message;
	char *file; /* may be NULL */
	unsigned line;
};

struct audit_report {
	char *root;
	char *host; /* the root's /etc/hostname; NULL without one */
	char *date; /* when the audit ran: UTC, ISO 8601 ("2025-06-01T12:00:00Z") */
	bool covered;
	/*
	 * Why the verdict is not "covered" though no path is a gap: accounts
	 * the audit could not see (a directory nsswitch.conf names that was
	 * not read).  NULL when there is no such reason.
	 */
	char *incomplete;
	struct audit_account *accounts;
	size_t naccounts;
	struct audit_path *paths;
	size_t npaths;
	struct audit_finding *findings;
	size_t nfindings;
	char **notes; /* what was not audited and why */
	size_t nnotes;
	/* Every file the audit read, sorted by path, with its SHA-256 (file_journal.h). */
	struct file_journal_entry *files;
	size_t nfiles;
	struct audit_strings *strings; /* the paths' strings (created with the first path) */
};

/*
 * Audit the host under opt->root.  MFA_OK and *reportp, or an error with
 * perr naming the file and line that stopped the audit.
 */
int audit_run(const struct audit_options *opt, struct audit_report **reportp,
	      struct mfa_parse_err *perr);

void audit_report_free(struct audit_report **reportp);

/*
 * Whether the text and HTML reports list p under "second factor per admin
 * path": an admin path that is covered with a judged factor, or an ssh path
 * that names the admin's keys (other gaps have a section of their own).
 */
bool audit_path_shows_factor(const struct audit_path *p);

/* "ssh", "sudo", "su", "login", "polkit", "vpn", "pam". */
const char *audit_path_kind_name(enum audit_path_kind kind);

/* ---- building a report (for the audit_*.c parts) ---------------------------- */

/* A new path appended to r (zeroed, strings copied); NULL on allocation failure. */
struct audit_path *audit_add_path(struct audit_report *r, enum audit_path_kind kind,
				  const char *service, const char *account, const char *detail);
/* A gap (covered false) gets factor NONE; a path made covered loses a NONE. */
int audit_path_set_reason(struct audit_path *p, bool covered, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int audit_path_add_evidence(struct audit_path *p, const char *file, unsigned line, const char *fmt,
			    ...) __attribute__((format(printf, 4, 5)));
/* The same, marked as what decides the path's factor or ssh_keys (evidence.strength). */
int audit_path_add_strength_evidence(struct audit_path *p, const char *file, unsigned line,
				     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int audit_add_finding(struct audit_report *r, const char *id, const char *severity,
		      const char *file, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
int audit_add_note(struct audit_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int audit_strlist_add(char ***list, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* MFA_AUDIT_H */
