/*
 * audit_report.c - text and JSON reports of a host's PAM auth stacks.
 */
#include "audit_report.h"

#include <string.h>

#include "json_writer.h"
#include "mfa_version.h"

static const char *const known_mfa_modules[] = {
	"pam_mfacover", "pam_oath", "pam_google_authenticator", "pam_u2f", "pam_yubico", "pam_duo",
};

#define NKNOWN (sizeof(known_mfa_modules) / sizeof(known_mfa_modules[0]))

static const char *const not_evaluated[] = {
	"control flow through each PAM stack (controls, [value=action] jumps, module results)",
	"sshd_config (which methods reach PAM, AuthenticationMethods, Match)",
	"sudoers (NOPASSWD, !authenticate, who may run commands as root)",
	"accounts (uid 0, members of the admin groups, LDAP)",
};

#define NNOT_EVALUATED (sizeof(not_evaluated) / sizeof(not_evaluated[0]))

#define VERDICT "not determined"
#define VERDICT_REASON                                                                             \
	"this version lists PAM services and the modules of their auth stacks; it does not "       \
	"yet evaluate the points below, so no access path is judged"
#define FACT_NO_MFA "no second-factor module in its auth stack"

const char *const *
audit_known_mfa_modules(size_t *np)
{
	if (np != NULL)
		*np = NKNOWN;
	return known_mfa_modules;
}

bool
audit_is_second_factor(const char *module, const struct audit_options *opt)
{
	char a[256], b[256];
	size_t i;

	if (module == NULL)
		return false;
	pam_module_basename(module, a, sizeof(a));
	if (a[0] == '\0')
		return false;
	for (i = 0; i < NKNOWN; i++)
		if (strcmp(a, known_mfa_modules[i]) == 0)
			return true;
	if (opt == NULL)
		return false;
	for (i = 0; i < opt->nmfa_modules; i++) {
		pam_module_basename(opt->mfa_modules[i], b, sizeof(b));
		if (b[0] != '\0' && strcmp(a, b) == 0)
			return true;
	}
	return false;
}

const char *
audit_disk_path(const char *root, const char *path, char *buf, size_t bufsz)
{
	size_t n;

	if (buf == NULL || bufsz == 0)
		return buf;
	if (root == NULL || path == NULL || path[0] != '/') {
		snprintf(buf, bufsz, "%s", path != NULL ? path : "");
		return buf;
	}
	n = strlen(root);
	while (n > 0 && root[n - 1] == '/')
		n--;
	snprintf(buf, bufsz, "%.*s%s", (int)n, root, path);
	return buf;
}

static bool
entry_is_mfa(const struct pam_stack_entry *e, const struct audit_options *opt)
{
	return e->line->kind == PAM_LINE_MODULE && audit_is_second_factor(e->line->module, opt);
}

/* ---- text ----------------------------------------------------------- */

static void
text_entry(FILE *fp, const struct pam_stack_entry *e, const struct audit_options *opt)
{
	const struct pam_conf_line *l = e->line;
	char loc[600];
	size_t i;

	snprintf(loc, sizeof(loc), "%s:%u", e->file->path, l->line);
	fprintf(fp, "    %*s%-28s ", (int)(2 * e->depth), "", loc);
	if (l->kind == PAM_LINE_AT_INCLUDE) {
		fprintf(fp, "@include %s", l->module != NULL ? l->module : "");
	} else {
		fprintf(fp, "%s%s %s %s", l->silent ? "-" : "", pam_type_name(l->type),
			l->control_text != NULL ? l->control_text : "",
			l->module != NULL ? l->module : "");
	}
	for (i = 0; i < l->argc; i++)
		fprintf(fp, " %s", l->argv[i]);
	if (e->target_missing)
		fprintf(fp, "   (file not found: Linux-PAM makes this line fail)");
	if (l->broken != NULL)
		fprintf(fp, "   (malformed: %s)", l->broken);
	if (entry_is_mfa(e, opt))
		fprintf(fp, "   <- second-factor module");
	fputc('\n', fp);
}

static int
text_service(FILE *fp, const struct pam_host *host, size_t si, const struct audit_options *opt,
	     struct mfa_parse_err *perr)
{
	const struct pam_service *s = &host->services[si];
	const struct pam_file *f = &host->files[s->file];
	struct pam_stack st = {NULL, 0, false};
	size_t i, nmfa = 0;
	int r;

	if ((r = pam_service_stack(host, si, PAM_TYPE_AUTH, &st, perr)) != 0)
		return r;
	fprintf(fp, "\nservice %s\n", s->name);
	if (host->pam_conf_mode)
		fprintf(fp, "  file: %s (lines for service %s)\n", s->path, s->name);
	else
		fprintf(fp, "  file: %s (from %s)\n", s->path, pam_origin_name(f->origin));
	if (strcmp(f->resolved, s->path) != 0)
		fprintf(fp, "  symbolic link to: %s (inside the root)\n", f->resolved);
	if (st.n == 0)
		fprintf(fp,
			"  auth stack: empty (no auth lines of its own and no \"other\" service)\n");
	else if (st.from_other)
		fprintf(fp,
			"  auth stack: none of its own; Linux-PAM uses the \"other\" service's:\n");
	else
		fprintf(fp, "  auth stack (include, substack and @include followed):\n");
	for (i = 0; i < st.n; i++) {
		text_entry(fp, &st.entries[i], opt);
		if (entry_is_mfa(&st.entries[i], opt))
			nmfa++;
	}
	if (nmfa == 0)
		fprintf(fp, "  fact: %s\n", FACT_NO_MFA);
	else
		fprintf(fp,
			"  fact: a second-factor module appears in its auth stack (%zu line%s); "
			"whether every path through the stack needs it is not evaluated yet\n",
			nmfa, nmfa == 1 ? "" : "s");
	pam_stack_clear(&st);
	return 0;
}

int
audit_report_text(FILE *fp, const struct pam_host *host, const struct audit_options *opt,
		  struct mfa_parse_err *perr)
{
	size_t i;
	int r;

	if (fp == NULL || host == NULL || opt == NULL)
		return MFA_ERR_INVALID_ARG;
	fprintf(fp, "mfacover-audit %s: PAM services under %s\n", MFACOVER_VERSION, host->root);
	if (host->pam_conf_mode)
		fprintf(fp, "PAM configuration: /etc/pam.conf (no /etc/pam.d or /usr/lib/pam.d)\n");
	else
		fprintf(fp,
			"PAM configuration: /etc/pam.d, and /usr/lib/pam.d where /etc/pam.d has "
			"no file of that name\n");
	fprintf(fp, "admin groups (recorded, not evaluated yet):");
	if (opt->nadmin_groups == 0)
		fprintf(fp, " none given");
	for (i = 0; i < opt->nadmin_groups; i++)
		fprintf(fp, "%s %s", i > 0 ? "," : "", opt->admin_groups[i]);
	fprintf(fp, "\nsecond-factor modules looked for:");
	for (i = 0; i < NKNOWN; i++)
		fprintf(fp, "%s %s", i > 0 ? "," : "", known_mfa_modules[i]);
	for (i = 0; i < opt->nmfa_modules; i++)
		fprintf(fp, ", %s", opt->mfa_modules[i]);
	fprintf(fp, "\n");

	for (i = 0; i < host->nservices; i++)
		if ((r = text_service(fp, host, i, opt, perr)) != 0)
			return r;
	if (host->nservices == 0)
		fprintf(fp, "\nno PAM services found\n");
	if (host->nskipped > 0) {
		fprintf(fp, "\nnot read as services:\n");
		for (i = 0; i < host->nskipped; i++)
			fprintf(fp, "  %s\n", host->skipped[i]);
	}
	fprintf(fp, "\nverdict: %s\n  %s:\n", VERDICT, VERDICT_REASON);
	for (i = 0; i < NNOT_EVALUATED; i++)
		fprintf(fp, "  - %s\n", not_evaluated[i]);
	if (fflush(fp) != 0 || ferror(fp))
		return MFA_ERR_IO;
	return 0;
}

/* ---- JSON ----------------------------------------------------------- */

static int
json_kv(struct json_writer *w, const char *k, const char *v)
{
	int r;

	if ((r = json_key(w, k)) != 0)
		return r;
	return json_string(w, v);
}

static const char *
kind_name(enum pam_line_kind k)
{
	switch (k) {
	case PAM_LINE_MODULE:
		return "module";
	case PAM_LINE_INCLUDE:
		return "include";
	case PAM_LINE_SUBSTACK:
		return "substack";
	case PAM_LINE_AT_INCLUDE:
		return "@include";
	}
	return "?";
}

static int
json_entry(struct json_writer *w, const struct pam_stack_entry *e, const struct audit_options *opt)
{
	const struct pam_conf_line *l = e->line;
	size_t i;
	int r;

	if ((r = json_begin_object(w)) != 0 || (r = json_kv(w, "file", e->file->path)) != 0 ||
	    (r = json_key(w, "line")) != 0 || (r = json_uint(w, l->line)) != 0 ||
	    (r = json_key(w, "depth")) != 0 || (r = json_uint(w, e->depth)) != 0 ||
	    (r = json_kv(w, "kind", kind_name(l->kind))) != 0)
		return r;
	if (l->kind != PAM_LINE_AT_INCLUDE &&
	    ((r = json_kv(w, "type", pam_type_name(l->type))) != 0 ||
	     (r = json_key(w, "silent_if_missing")) != 0 || (r = json_bool(w, l->silent)) != 0 ||
	     (r = json_kv(w, "control", l->control_text)) != 0))
		return r;
	if ((r = json_kv(w, l->kind == PAM_LINE_MODULE ? "module" : "target", l->module)) != 0 ||
	    (r = json_key(w, "args")) != 0 || (r = json_begin_array(w)) != 0)
		return r;
	for (i = 0; i < l->argc; i++)
		if ((r = json_string(w, l->argv[i])) != 0)
			return r;
	if ((r = json_end_array(w)) != 0)
		return r;
	if (l->kind == PAM_LINE_MODULE && ((r = json_key(w, "second_factor")) != 0 ||
					   (r = json_bool(w, entry_is_mfa(e, opt))) != 0))
		return r;
	if (l->kind != PAM_LINE_MODULE && ((r = json_key(w, "target_missing")) != 0 ||
					   (r = json_bool(w, e->target_missing)) != 0))
		return r;
	if (l->broken != NULL && (r = json_kv(w, "malformed", l->broken)) != 0)
		return r;
	return json_end_object(w);
}

static int
json_service(struct json_writer *w, const struct pam_host *host, size_t si,
	     const struct audit_options *opt, struct mfa_parse_err *perr)
{
	const struct pam_service *s = &host->services[si];
	const struct pam_file *f = &host->files[s->file];
	struct pam_stack st = {NULL, 0, false};
	size_t i, nmfa = 0;
	int r;

	if ((r = pam_service_stack(host, si, PAM_TYPE_AUTH, &st, perr)) != 0)
		return r;
	for (i = 0; i < st.n; i++)
		if (entry_is_mfa(&st.entries[i], opt))
			nmfa++;
	if ((r = json_begin_object(w)) != 0 || (r = json_kv(w, "name", s->name)) != 0 ||
	    (r = json_kv(w, "file", s->path)) != 0 ||
	    (r = json_kv(w, "resolved_file", f->resolved)) != 0 ||
	    (r = json_kv(w, "origin",
			 host->pam_conf_mode ? "/etc/pam.conf" : pam_origin_name(f->origin))) !=
		    0 ||
	    (r = json_key(w, "auth_from_other")) != 0 || (r = json_bool(w, st.from_other)) != 0 ||
	    (r = json_key(w, "auth")) != 0 || (r = json_begin_array(w)) != 0)
		goto out;
	for (i = 0; i < st.n; i++)
		if ((r = json_entry(w, &st.entries[i], opt)) != 0)
			goto out;
	if ((r = json_end_array(w)) != 0 || (r = json_key(w, "second_factor_in_auth")) != 0 ||
	    (r = json_bool(w, nmfa > 0)) != 0 || (r = json_key(w, "facts")) != 0 ||
	    (r = json_begin_array(w)) != 0)
		goto out;
	if (nmfa == 0 && (r = json_string(w, FACT_NO_MFA)) != 0)
		goto out;
	if ((r = json_end_array(w)) != 0 || (r = json_end_object(w)) != 0)
		goto out;
out:
	pam_stack_clear(&st);
	return r;
}

static int
json_strings(struct json_writer *w, const char *key, const char *const *v, size_t n)
{
	size_t i;
	int r;

	if ((r = json_key(w, key)) != 0 || (r = json_begin_array(w)) != 0)
		return r;
	for (i = 0; i < n; i++)
		if ((r = json_string(w, v[i])) != 0)
			return r;
	return json_end_array(w);
}

int
audit_report_json(FILE *fp, const struct pam_host *host, const struct audit_options *opt,
		  struct mfa_parse_err *perr)
{
	struct json_writer *w = NULL;
	size_t i;
	int r;

	if (fp == NULL || host == NULL || opt == NULL)
		return MFA_ERR_INVALID_ARG;
	if ((r = json_writer_new_file(fp, JSON_WRITER_PRETTY, &w)) != 0)
		return r;
	if ((r = json_begin_object(w)) != 0 || (r = json_kv(w, "tool", "mfacover-audit")) != 0 ||
	    (r = json_kv(w, "version", MFACOVER_VERSION)) != 0 ||
	    (r = json_key(w, "format_version")) != 0 ||
	    (r = json_uint(w, AUDIT_REPORT_FORMAT_VERSION)) != 0 ||
	    (r = json_kv(w, "root", host->root)) != 0 ||
	    (r = json_strings(w, "admin_groups", opt->admin_groups, opt->nadmin_groups)) != 0 ||
	    (r = json_key(w, "second_factor_modules")) != 0 || (r = json_begin_array(w)) != 0)
		goto out;
	for (i = 0; i < NKNOWN; i++)
		if ((r = json_string(w, known_mfa_modules[i])) != 0)
			goto out;
	for (i = 0; i < opt->nmfa_modules; i++)
		if ((r = json_string(w, opt->mfa_modules[i])) != 0)
			goto out;
	if ((r = json_end_array(w)) != 0 || (r = json_key(w, "pam")) != 0 ||
	    (r = json_begin_object(w)) != 0 ||
	    (r = json_kv(w, "source", host->pam_conf_mode ? "pam.conf" : "pam.d")) != 0 ||
	    (r = json_key(w, "services")) != 0 || (r = json_begin_array(w)) != 0)
		goto out;
	for (i = 0; i < host->nservices; i++)
		if ((r = json_service(w, host, i, opt, perr)) != 0)
			goto out;
	if ((r = json_end_array(w)) != 0 ||
	    (r = json_strings(w, "skipped", (const char *const *)host->skipped, host->nskipped)) !=
		    0 ||
	    (r = json_end_object(w)) != 0 || (r = json_kv(w, "verdict", VERDICT)) != 0 ||
	    (r = json_kv(w, "verdict_reason", VERDICT_REASON)) != 0 ||
	    (r = json_strings(w, "not_evaluated", not_evaluated, NNOT_EVALUATED)) != 0 ||
	    (r = json_key(w, "exit_status")) != 0 ||
	    (r = json_int(w, AUDIT_EXIT_CANNOT_AUDIT)) != 0 || (r = json_end_object(w)) != 0 ||
	    (r = json_writer_finish(w)) != 0)
		goto out;
out:
	json_writer_free(&w);
	return r;
}
