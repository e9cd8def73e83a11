/*
 * audit_report.h - the first mfacover-audit report: a host's PAM services,
 * the modules of each service's auth stack (include, substack and @include
 * followed) and whether a known second-factor module appears in it.
 *
 * This version does not yet evaluate control flow through the stacks,
 * sshd_config, sudoers or accounts, so its host verdict is always "not
 * determined" (exit status AUDIT_EXIT_CANNOT_AUDIT).  It never says
 * "covered".
 */
#ifndef AUDIT_REPORT_H
#define AUDIT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "mfa_err.h"
#include "pam_services.h"

/* Exit status of mfacover-audit. */
#define AUDIT_EXIT_COVERED 0      /* every admin access path needs a second factor */
#define AUDIT_EXIT_GAPS 1         /* at least one admin path does not */
#define AUDIT_EXIT_CANNOT_AUDIT 2 /* bad input, unreadable file, or not determined */
#define AUDIT_EXIT_USAGE 64       /* EX_USAGE: bad command line */

#define AUDIT_REPORT_FORMAT_VERSION 1

struct audit_options {
	const char *root;
	const char *const *admin_groups; /* recorded in the report, used later */
	size_t nadmin_groups;
	const char *const *mfa_modules; /* second-factor modules besides the known ones */
	size_t nmfa_modules;
};

/* The built-in second-factor modules ("pam_oath", ...); *np receives the count. */
const char *const *audit_known_mfa_modules(size_t *np);

/*
 * true when `module` (a path or name as written in a PAM line) is a known
 * second-factor module or one of opt->mfa_modules; names are compared
 * without directory and suffix ("/lib/security/pam_u2f.so" = "pam_u2f").
 */
bool audit_is_second_factor(const char *module, const struct audit_options *opt);

/* The text report, for a terminal. */
int audit_report_text(FILE *fp, const struct pam_host *host, const struct audit_options *opt,
		      struct mfa_parse_err *perr);

/* The JSON report: one object, see docs/audit-report-format.md. */
int audit_report_json(FILE *fp, const struct pam_host *host, const struct audit_options *opt,
		      struct mfa_parse_err *perr);

/*
 * Where a path inside the root is on this machine: "/etc/pam.d/sshd" under
 * root "/mnt/h" is "/mnt/h/etc/pam.d/sshd".  Returns buf.
 */
const char *audit_disk_path(const char *root, const char *path, char *buf, size_t bufsz);

#endif /* AUDIT_REPORT_H */
