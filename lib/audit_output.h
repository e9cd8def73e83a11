/*
 * audit_output.h - printing an audit report: text for a terminal, JSON
 * for machines (schema "mfacover-audit/1", docs/audit-json.md).
 */
#ifndef MFA_AUDIT_OUTPUT_H
#define MFA_AUDIT_OUTPUT_H

#include <stdio.h>

#include "audit.h"

/* The text report: verdict, admins, the accounts x paths matrix, each gap. */
int audit_write_text(FILE *fp, const struct audit_report *r);

/* One JSON object, pretty-printed. */
int audit_write_json(FILE *fp, const struct audit_report *r);

#endif /* MFA_AUDIT_OUTPUT_H */
