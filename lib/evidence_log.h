/*
 * evidence_log.h - the one syslog line per decision.
 *
 *   user=alice service=sshd rhost=192.0.2.7 tty=ssh factor=totp result=success reason=accepted
 *
 * Values that are not plain tokens ([A-Za-z0-9._@:/+-]) are written in
 * double quotes with \" \\ and \xHH escapes, so a user name or host cannot
 * forge a field.  Absent values are "-".  Codes and secrets never reach it:
 * the fields are names, addresses and fixed reason tokens.
 */
#ifndef MFA_EVIDENCE_LOG_H
#define MFA_EVIDENCE_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "auth.h"

#define MFA_LOG_LINE_MAX 1024

struct mfa_log_context {
	const char *user;
	const char *service;
	const char *rhost;
	const char *tty;
};

/*
 * Render the decision line into buf (always NUL-terminated; values are cut
 * to fit).  `detail` may be NULL; else it is appended as detail="...".
 */
void mfa_log_format_decision(char *buf, size_t bufsz, const struct mfa_log_context *ctx,
			     const struct mfa_decision *d, const char *detail);

/* Append key=value to buf with the quoting above; for other log lines. */
void mfa_log_append(char *buf, size_t bufsz, const char *key, const char *value);

#endif /* MFA_EVIDENCE_LOG_H */
