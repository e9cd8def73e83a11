/*
 * audit_html.h - the audit report as one self-contained HTML page, for the
 * people who sign the audit: no script, no external style sheet, font or
 * image; one inline <style> with print rules.
 *
 * At the top: host, date (UTC, ISO 8601), root and verdict.  Then the admin
 * accounts, the accounts x paths matrix (each cell a colour and a word:
 * covered, GAP, n/a, so it reads in greyscale and on paper), each gap with
 * its reason and its witness path (file:line and the line), the second
 * factor of each covered admin path and each ssh path (its strength:
 * recovery codes, phishable, FIDO, FIDO verified; the ssh keys that can log
 * in; the lines that decide it), the findings,
 * the services that open no access, the notes, and every file the audit
 * read with its size and SHA-256.
 *
 * Every string that comes from the audited host is written through
 * audit_html_escape: it never becomes markup.
 */
#ifndef MFA_AUDIT_HTML_H
#define MFA_AUDIT_HTML_H

#include <stdio.h>

#include "audit.h"

/* The whole page.  MFA_OK, or MFA_ERR_IO / MFA_ERR_NOMEM. */
int audit_write_html(FILE *fp, const struct audit_report *r);

/*
 * Write s as HTML text, safe in element content and in quoted attribute
 * values: & < > " ' become character references; each byte of invalid
 * UTF-8 and each control character but tab and newline becomes U+FFFD
 * (&#xFFFD;), so the page stays valid UTF-8.  NULL writes nothing.
 * MFA_OK or MFA_ERR_IO.
 */
int audit_html_escape(FILE *fp, const char *s);

#endif /* MFA_AUDIT_HTML_H */
