/*
 * pam_services.h - a host's PAM services, read from a root directory with
 * Linux-PAM's rules for finding them.
 *
 *  - pam.d mode when ROOT/etc/pam.d or ROOT/usr/lib/pam.d is a directory
 *    (libpam _pam_init_handlers): the services are the names in both
 *    directories; a name is read from /etc/pam.d, and from /usr/lib/pam.d
 *    only when /etc/pam.d has no file of that name.  /etc/pam.conf is then
 *    ignored, as libpam ignores it.
 *  - pam.conf mode otherwise: ROOT/etc/pam.conf, one service per distinct
 *    first field (compared without case, as libpam does).
 *  - `include`, `substack` and Debian's `@include` name a file: an absolute
 *    name is read under ROOT (never the auditing machine's /), a relative
 *    one from ROOT/etc/pam.d, then ROOT/usr/lib/pam.d.  A target that does
 *    not exist is recorded, not an error: Linux-PAM makes that line fail.
 *  - Nesting is limited to PAM_SERVICES_MAX_DEPTH files (libpam's
 *    PAM_SUBSTACK_MAX_LEVEL); deeper nesting and include cycles (which
 *    libpam only stops at that limit) fail the load with MFA_ERR_TOO_DEEP
 *    and the chain in perr.  Only lines of the type being assembled are
 *    followed, as libpam does, so "auth include B" + "account include A"
 *    in B is no cycle.
 *  - Directory entries skipped (never a service, listed in host->skipped):
 *    names starting with ".", editor backups "*~", package-manager leftovers
 *    "*.dpkg-*" (dpkg-old, dpkg-dist, dpkg-new, dpkg-tmp, dpkg-bak),
 *    "*.ucf-*", "*.rpmnew", "*.rpmsave", pam-auth-update's "*.pam-old" and
 *    "*.pam-new", and entries that are directories.
 *    They are still read when a line includes them by name.
 *  - Files are read through root_fs.h: links resolved inside ROOT, regular
 *    files only, PAM_CONF_MAX_BYTES at most.
 *
 * Broken lines (see pam_conf.h) do not fail the load; callers decide.
 */
#ifndef PAM_SERVICES_H
#define PAM_SERVICES_H

#include <stdbool.h>
#include <stddef.h>

#include "mfa_err.h"
#include "pam_conf.h"

#define PAM_SERVICES_MAX_DEPTH 16
#define PAM_SERVICES_MAX_FILES 4096
#define PAM_NO_FILE ((size_t)-1)

enum pam_origin {
	PAM_ORIGIN_ETC = 0,  /* ROOT/etc/pam.d */
	PAM_ORIGIN_VENDOR,   /* ROOT/usr/lib/pam.d */
	PAM_ORIGIN_PAM_CONF, /* ROOT/etc/pam.conf */
	PAM_ORIGIN_PATH,     /* an absolute include target elsewhere */
};

struct pam_file {
	char *path;     /* inside the root, as first named */
	char *resolved; /* inside the root, after symbolic links */
	enum pam_origin origin;
	struct pam_conf *conf;
	size_t *targets; /* per line: included file, or PAM_NO_FILE */
};

struct pam_service {
	char *name;
	char *path;  /* the service's file as named ("/etc/pam.d/sshd") */
	size_t file; /* index into host->files */
};

struct pam_host {
	char *root;
	bool pam_conf_mode;
	struct pam_file *files;
	size_t nfiles;
	struct pam_service *services; /* sorted by name */
	size_t nservices;
	char **skipped; /* "/etc/pam.d/sshd~: editor backup", ... */
	size_t nskipped;
};

/* One line of an assembled stack. */
struct pam_stack_entry {
	const struct pam_file *file;
	const struct pam_conf_line *line;
	unsigned depth;      /* 0: the service's own file */
	bool target_missing; /* include whose file does not exist (line fails) */
};

struct pam_stack {
	struct pam_stack_entry *entries;
	size_t n;
	bool from_other; /* no lines of this type: libpam uses "other" */
};

/* Load every service of the host under `root`.  *hostp owns the result. */
int pam_services_load(const char *root, struct pam_host **hostp, struct mfa_parse_err *perr);

/* Free a host and NULL the pointer.  Accepts NULL. */
void pam_host_free(struct pam_host **hostp);

/* Index of the service called `name` (case-insensitive) or MFA_ERR_NOT_FOUND. */
int pam_host_find_service(const struct pam_host *host, const char *name, size_t *indexp);

/*
 * The `type` stack of service `service` with include, substack and
 * @include followed, in order, include lines listed before what they
 * include.  When the service has no line of that type, the stack of the
 * service "other" (from_other set), as libpam does.
 */
int pam_service_stack(const struct pam_host *host, size_t service, enum pam_type type,
		      struct pam_stack *out, struct mfa_parse_err *perr);

/* Free a stack's entries.  Accepts NULL. */
void pam_stack_clear(struct pam_stack *st);

/*
 * true when a pam.d directory entry is never a service (see above);
 * *whyp (may be NULL) receives a short reason.
 */
bool pam_services_skip_name(const char *name, const char **whyp);

/* "/etc/pam.d", "/usr/lib/pam.d", "/etc/pam.conf", "path". */
const char *pam_origin_name(enum pam_origin origin);

#endif /* PAM_SERVICES_H */
