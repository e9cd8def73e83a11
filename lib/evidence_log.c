/*
 * evidence_log.c - key=value decision lines that cannot be forged.
 */
#include "evidence_log.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool
log_plain_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '@' || c == ':' || c == '/' || c == '+' || c == '-';
}

static void
log_putc(char *buf, size_t bufsz, size_t *len, char c)
{
	if (*len + 1 < bufsz) {
		buf[*len] = c;
		(*len)++;
		buf[*len] = '\0';
	}
}

static void
log_puts(char *buf, size_t bufsz, size_t *len, const char *s)
{
	for (; *s != '\0'; s++)
		log_putc(buf, bufsz, len, *s);
}

void
mfa_log_append(char *buf, size_t bufsz, const char *key, const char *value)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p;
	bool plain = true;
	size_t len;

	if (buf == NULL || bufsz == 0)
		return;
	len = strnlen(buf, bufsz - 1);
	buf[len] = '\0';
	if (value == NULL || value[0] == '\0')
		value = "-";
	for (p = (const unsigned char *)value; *p != '\0'; p++) {
		if (!log_plain_char(*p))
			plain = false;
	}
	if (len > 0)
		log_putc(buf, bufsz, &len, ' ');
	log_puts(buf, bufsz, &len, key);
	log_putc(buf, bufsz, &len, '=');
	if (plain) {
		log_puts(buf, bufsz, &len, value);
		return;
	}
	log_putc(buf, bufsz, &len, '"');
	for (p = (const unsigned char *)value; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			log_putc(buf, bufsz, &len, '\\');
			log_putc(buf, bufsz, &len, (char)*p);
		} else if (*p < 0x20 || *p >= 0x7f) {
			log_puts(buf, bufsz, &len, "\\x");
			log_putc(buf, bufsz, &len, hex[*p >> 4]);
			log_putc(buf, bufsz, &len, hex[*p & 0x0f]);
		} else {
			log_putc(buf, bufsz, &len, (char)*p);
		}
	}
	log_putc(buf, bufsz, &len, '"');
}

void
mfa_log_format_decision(char *buf, size_t bufsz, const struct mfa_log_context *ctx,
			const struct mfa_decision *d, const char *detail)
{
	char num[32];

	if (buf == NULL || bufsz == 0)
		return;
	buf[0] = '\0';
	mfa_log_append(buf, bufsz, "user", ctx->user);
	mfa_log_append(buf, bufsz, "service", ctx->service);
	mfa_log_append(buf, bufsz, "rhost", ctx->rhost);
	mfa_log_append(buf, bufsz, "tty", ctx->tty);
	mfa_log_append(buf, bufsz, "factor", d->factor);
	mfa_log_append(buf, bufsz, "result", mfa_result_name(d->result));
	mfa_log_append(buf, bufsz, "reason", d->reason);
	if (d->recovery_used || (d->factor != NULL && strcmp(d->factor, "recovery") == 0)) {
		snprintf(num, sizeof(num), "%zu", d->recovery_left);
		mfa_log_append(buf, bufsz, "recovery_left", num);
	}
	if ((d->result == MFA_RESULT_FAIL || d->result == MFA_RESULT_REPLAY) &&
	    strcmp(d->factor, "-") != 0) {
		snprintf(num, sizeof(num), "%u", d->failures);
		mfa_log_append(buf, bufsz, "failures", num);
	}
	if (d->result == MFA_RESULT_LOCKED || d->lockout_started) {
		snprintf(num, sizeof(num), "%llu", (unsigned long long)d->locked_until);
		mfa_log_append(buf, bufsz, "locked_until", num);
		if (d->lockout_started)
			mfa_log_append(buf, bufsz, "lockout", "started");
	}
	if (detail != NULL)
		mfa_log_append(buf, bufsz, "detail", detail);
}
