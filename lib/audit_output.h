/*
 * audit_output.h - printing an audit report: text for a terminal, JSON
 * for machines (schema "mfacover-audit/1", docs/audit-json.md); the HTML
 * page is audit_html.h.  The accounts x paths matrix is built here for
 * every form.
 */
#ifndef MFA_AUDIT_OUTPUT_H
#define MFA_AUDIT_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

#include "audit.h"

#define AUDIT_LABEL_MAX 256

/* The text report: verdict, admins, the accounts x paths matrix, each gap. */
int audit_write_text(FILE *fp, const struct audit_report *r);

/* One JSON object, pretty-printed. */
int audit_write_json(FILE *fp, const struct audit_report *r);

/*
 * The label of a path's row in the matrix: "ssh", "sudo", "su", "login",
 * "pam:cron", "vpn:openvpn", ...
 */
void audit_path_label(const struct audit_path *p, char *buf, size_t size);

/* The accounts x paths matrix: one row per admin path label, one column per admin. */
struct audit_matrix {
	char **labels; /* first-seen order */
	size_t nlabels;
	const char **admins; /* names, owned by the report */
	size_t nadmins;
	size_t nadmin_paths; /* paths that count for the verdict */
	size_t ngaps;        /* of those, the ones without a second factor */
	/* private, for audit_matrix_cell: */
	const struct audit_report *report;
	size_t *row_of; /* each path's row (label index); SIZE_MAX: no admin path */
	size_t *sorted; /* the admin paths' indexes, by row, account, then index */
	size_t nsorted;
};

enum audit_cell {
	AUDIT_CELL_NA = 0, /* no such path for this account */
	AUDIT_CELL_COVERED,
	AUDIT_CELL_GAP,
};

/* Build m for r, which must outlive it. */
int audit_matrix_build(const struct audit_report *r, struct audit_matrix *m);
void audit_matrix_clear(struct audit_matrix *m);

/*
 * The verdict of account `acct` on row `row` (an index into m->labels): a
 * gap if any of its paths (or of the paths for every account, "*") is one
 * (*gapp, may be NULL: the index of the first such path in the report's
 * paths), covered if it has paths and all are, else not applicable.
 * O(log paths) per cell.
 */
enum audit_cell audit_matrix_cell(const struct audit_matrix *m, size_t row, const char *acct,
				  size_t *gapp);

#endif /* MFA_AUDIT_OUTPUT_H */
