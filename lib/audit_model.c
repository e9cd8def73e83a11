/*
 * audit_model.c - building and freeing an audit report.
 */
#include "audit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const path_kind_names[] = {
	[AUDIT_PATH_SSH] = "ssh",     [AUDIT_PATH_SUDO] = "sudo",     [AUDIT_PATH_SU] = "su",
	[AUDIT_PATH_LOGIN] = "login", [AUDIT_PATH_POLKIT] = "polkit", [AUDIT_PATH_VPN] = "vpn",
	[AUDIT_PATH_PAM] = "pam",
};

const char *
audit_path_kind_name(enum audit_path_kind kind)
{
	if ((size_t)kind >= sizeof(path_kind_names) / sizeof(path_kind_names[0]))
		return "?";
	return path_kind_names[kind];
}

__attribute__((format(printf, 1, 0))) static char *
vformat(const char *fmt, va_list ap)
{
	va_list ap2;
	char *s;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || (s = malloc((size_t)n + 1)) == NULL)
		return NULL;
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

/* Grow an array of `size`-byte items by one; the new item is zeroed. */
static void *
grow(void *arrayp, size_t *n, size_t size)
{
	void **array = arrayp;
	char *na = realloc(*array, (*n + 1) * size);

	if (na == NULL)
		return NULL;
	*array = na;
	memset(na + *n * size, 0, size);
	return na + (*n)++ * size;
}

int
audit_strlist_add(char ***list, size_t *n, const char *fmt, ...)
{
	va_list ap;
	char *s, **slot;

	va_start(ap, fmt);
	s = vformat(fmt, ap);
	va_end(ap);
	if (s == NULL || (slot = grow(list, n, sizeof(**list))) == NULL) {
		free(s);
		return MFA_ERR_NOMEM;
	}
	*slot = s;
	return MFA_OK;
}

static char *
dup_or_null(const char *s, bool *failed)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		*failed = true;
	return d;
}

static void
path_release(struct audit_path *p)
{
	size_t i;

	free(p->service);
	free(p->account);
	free(p->detail);
	free(p->reason);
	for (i = 0; i < p->nevidence; i++) {
		free(p->evidence[i].file);
		free(p->evidence[i].text);
	}
	free(p->evidence);
}

struct audit_path *
audit_add_path(struct audit_report *r, enum audit_path_kind kind, const char *service,
	       const char *account, const char *detail)
{
	struct audit_path *p;
	bool failed = false;

	if ((p = grow(&r->paths, &r->npaths, sizeof(*r->paths))) == NULL)
		return NULL;
	p->kind = kind;
	p->admin_path = true;
	p->service = dup_or_null(service, &failed);
	p->account = dup_or_null(account, &failed);
	p->detail = dup_or_null(detail, &failed);
	if (failed) {
		path_release(p);
		r->npaths--;
		return NULL;
	}
	return p;
}

int
audit_path_set_reason(struct audit_path *p, bool covered, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = vformat(fmt, ap);
	va_end(ap);
	if (s == NULL)
		return MFA_ERR_NOMEM;
	free(p->reason);
	p->reason = s;
	p->covered = covered;
	return MFA_OK;
}

int
audit_path_add_evidence(struct audit_path *p, const char *file, unsigned line, const char *fmt, ...)
{
	struct audit_evidence *e;
	va_list ap;
	char *text, *f = NULL;

	va_start(ap, fmt);
	text = vformat(fmt, ap);
	va_end(ap);
	/* The same line twice says nothing more. */
	for (size_t i = 0; text != NULL && i < p->nevidence; i++) {
		const struct audit_evidence *o = &p->evidence[i];

		if (o->line == line && strcmp(o->text, text) == 0 &&
		    ((o->file == NULL && file == NULL) ||
		     (o->file != NULL && file != NULL && strcmp(o->file, file) == 0))) {
			free(text);
			return MFA_OK;
		}
	}
	if (text == NULL || (file != NULL && (f = strdup(file)) == NULL) ||
	    (e = grow(&p->evidence, &p->nevidence, sizeof(*p->evidence))) == NULL) {
		free(text);
		free(f);
		return MFA_ERR_NOMEM;
	}
	e->file = f;
	e->line = line;
	e->text = text;
	return MFA_OK;
}

int
audit_add_finding(struct audit_report *r, const char *id, const char *severity, const char *file,
		  unsigned line, const char *fmt, ...)
{
	struct audit_finding *f;
	va_list ap;
	bool failed = false;
	char *msg;

	va_start(ap, fmt);
	msg = vformat(fmt, ap);
	va_end(ap);
	if (msg == NULL || (f = grow(&r->findings, &r->nfindings, sizeof(*r->findings))) == NULL) {
		free(msg);
		return MFA_ERR_NOMEM;
	}
	f->message = msg;
	f->id = dup_or_null(id, &failed);
	f->severity = dup_or_null(severity, &failed);
	f->file = dup_or_null(file, &failed);
	f->line = line;
	return failed ? MFA_ERR_NOMEM : MFA_OK;
}

int
audit_add_note(struct audit_report *r, const char *fmt, ...)
{
	va_list ap;
	char *s, **slot;

	va_start(ap, fmt);
	s = vformat(fmt, ap);
	va_end(ap);
	if (s == NULL || (slot = grow(&r->notes, &r->nnotes, sizeof(*r->notes))) == NULL) {
		free(s);
		return MFA_ERR_NOMEM;
	}
	*slot = s;
	return MFA_OK;
}

static void
strlist_free(char **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

void
audit_report_free(struct audit_report **reportp)
{
	struct audit_report *r;
	size_t i;

	if (reportp == NULL || (r = *reportp) == NULL)
		return;
	for (i = 0; i < r->naccounts; i++) {
		free(r->accounts[i].name);
		strlist_free(r->accounts[i].admin_via, r->accounts[i].nadmin_via);
		strlist_free(r->accounts[i].enrolled_in, r->accounts[i].nenrolled_in);
	}
	free(r->accounts);
	for (i = 0; i < r->npaths; i++)
		path_release(&r->paths[i]);
	free(r->paths);
	for (i = 0; i < r->nfindings; i++) {
		free(r->findings[i].id);
		free(r->findings[i].severity);
		free(r->findings[i].message);
		free(r->findings[i].file);
	}
	free(r->findings);
	strlist_free(r->notes, r->nnotes);
	for (i = 0; i < r->nfiles; i++)
		free(r->files[i].path);
	free(r->files);
	free(r->root);
	free(r->incomplete);
	free(r->host);
	free(r->date);
	free(r);
	*reportp = NULL;
}
