/*
 * audit_pam.c - PAM auth stacks as access paths: evaluating a stack for a
 * user, and the services that are paths of their own (login, su, polkit,
 * and every other service that nothing includes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <security/_pam_types.h>

#include "audit_internal.h"

/* Services that authenticate someone but open no access: not admin paths. */
static const char *const not_access_services[] = {
	"chfn",      "chsh", "passwd", "chpasswd", "newusers",     "chage", "runuser",
	"runuser-l", "cron", "crond",  "atd",      "systemd-user", "vlock",
};

/*
 * Programs' own services: entry points even when another file includes
 * them (Debian's su-l includes su).  Files only meant to be included
 * (common-auth, system-auth, ...) are entry points only if nothing does.
 */
static const char *const program_services[] = {
	"sshd",        "login",   "su",      "su-l",         "sudo",    "sudo-i",
	"polkit-1",    "cockpit", "runuser", "gdm-password", "lightdm", "sddm",
	"xrdp-sesman", "vsftpd",  "openvpn", "other",
};

/* Services run by a user-invoked set-uid program: pam_rootok fails for them. */
static const char *const user_invoked_services[] = {
	"su", "su-l", "sudo", "sudo-i", "polkit-1", "chfn", "chsh", "passwd", "vlock",
};

static bool
name_in(const char *name, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(name, list[i]) == 0)
			return true;
	}
	return false;
}

#define NAME_IN(name, list) name_in(name, list, sizeof(list) / sizeof(list[0]))

void
audit_mark_service(struct audit_ctx *ctx, const char *service)
{
	size_t i;

	if (ctx->pam != NULL && pam_host_find_service(ctx->pam, service, &i) == MFA_OK)
		ctx->service_done[i] = true;
}

void
audit_pam_verdict_clear(struct audit_pam_verdict *v)
{
	if (v == NULL)
		return;
	pam_program_clear(&v->prog);
	pam_flow_result_clear(&v->res);
	memset(v, 0, sizeof(*v));
}

void
audit_oracle_for(const struct audit_ctx *ctx, const struct audit_subject *s, bool caller_is_root,
		 struct audit_user *u, struct audit_oracle *o)
{
	memset(u, 0, sizeof(*u));
	u->name = s->user->name;
	u->uid = s->user->uid;
	u->home = s->user->home;
	u->groups = (const char *const *)s->groups;
	u->ngroups = s->ngroups;
	u->directory_factor = s->directory_factor;
	memset(o, 0, sizeof(*o));
	o->rootfd = ctx->rootfd;
	o->opt = ctx->opt;
	o->user = u;
	o->caller_is_root = caller_is_root;
}

int
audit_pam_evaluate(struct audit_ctx *ctx, const char *service, const struct audit_subject *s,
		   bool caller_is_root, struct audit_pam_verdict *v, struct mfa_parse_err *perr)
{
	struct audit_oracle o;
	struct audit_user u;
	size_t idx, i;
	int r;

	memset(v, 0, sizeof(*v));
	if (ctx->pam == NULL)
		return MFA_OK;
	if (pam_host_find_service(ctx->pam, service, &idx) != MFA_OK &&
	    pam_host_find_service(ctx->pam, "other", &idx) != MFA_OK)
		return MFA_OK; /* no stack at all: libpam refuses */
	if ((r = pam_flow_build(ctx->pam, idx, PAM_TYPE_AUTH, &v->prog, perr)) != MFA_OK)
		return r;
	v->exists = v->prog.n > 0;

	audit_oracle_for(ctx, s, caller_is_root, &u, &o);
	r = pam_flow_analyse(&v->prog, audit_mfa_oracle, &o, FLOW_FACTOR_SECOND, &v->res);
	if (r == MFA_OK && o.err != MFA_OK)
		r = o.err;
	/* What the oracle found out about the user's enrollment. */
	for (i = 0; r == MFA_OK && i < o.nenrolled_in; i++) {
		struct audit_account *a = s->account;
		size_t j;
		bool dup = false;

		for (j = 0; j < a->nenrolled_in; j++)
			dup = dup || strcmp(a->enrolled_in[j], o.enrolled_in[i]) == 0;
		if (!dup)
			r = audit_strlist_add(&a->enrolled_in, &a->nenrolled_in, "%s",
					      o.enrolled_in[i]);
		a->enrolled = true;
	}
	audit_oracle_clear(&o);
	if (r != MFA_OK) {
		if (r == MFA_ERR_TOO_LARGE) {
			mfa_parse_err_init(perr, ctx->pam->services[idx].path);
			mfa_parse_err_set(perr, 0, 0,
					  "the auth stack has too many paths to explore");
		}
		audit_pam_verdict_clear(v);
		return r;
	}
	v->can_succeed = v->res.can_succeed;
	v->needs_second = (v->res.success_without & FLOW_FACTOR_SECOND) == 0;
	v->needs_password = (v->res.success_without & FLOW_FACTOR_KNOWLEDGE) == 0;
	for (i = 0; i < v->res.nwitness; i++) {
		const struct pam_handler *h = &v->prog.h[v->res.witness[i].handler];

		if (audit_mfa_kind_of(h->module, ctx->opt) != AUDIT_MFA_NONE &&
		    v->res.witness[i].note != NULL &&
		    (v->res.witness[i].retval == PAM_IGNORE ||
		     v->res.witness[i].retval == PAM_SUCCESS))
			v->exempt_note = v->res.witness[i].note;
	}
	/* How strong the second factor is that every success passes. */
	if ((r = audit_pam_factor(ctx, s, caller_is_root, v)) != MFA_OK) {
		audit_pam_verdict_clear(v);
		return r;
	}
	return MFA_OK;
}

/* "auth [success=1 default=ignore] pam_unix.so nullok" */
static void
line_text(const struct pam_conf_line *l, char *buf, size_t size)
{
	size_t o, i;

	o = (size_t)snprintf(buf, size, "%s%s %s %s", l->silent ? "-" : "",
			     l->kind == PAM_LINE_AT_INCLUDE ? "@include" : pam_type_name(l->type),
			     l->kind == PAM_LINE_AT_INCLUDE ? "" : l->control_text, l->module);
	for (i = 0; i < l->argc && o < size; i++)
		o += (size_t)snprintf(buf + o, size - o, " %s", l->argv[i]);
}

static bool
stack_has_second_factor(struct audit_ctx *ctx, const struct pam_program *prog)
{
	size_t i;

	for (i = 0; i < prog->n; i++) {
		if (prog->h[i].kind == PAM_HANDLER_MODULE &&
		    audit_mfa_kind_of(prog->h[i].module, ctx->opt) != AUDIT_MFA_NONE)
			return true;
	}
	return false;
}

int
audit_pam_describe(struct audit_ctx *ctx, struct audit_path *p, const char *service,
		   const struct audit_pam_verdict *v)
{
	char text[1024];
	size_t i;
	int r;

	if (!v->exists)
		return audit_path_set_reason(p, true,
					     "no auth stack for %s and no \"other\": PAM refuses "
					     "everyone",
					     service);
	if ((r = audit_pam_describe_factor(ctx, p, v)) != MFA_OK)
		return r;
	if (!v->can_succeed) {
		r = audit_path_set_reason(p, true, "the %s auth stack lets nobody in", service);
		return r;
	}
	if (v->needs_second) {
		if ((r = audit_path_set_reason(p, true,
					       "every way through the %s auth stack passes a "
					       "second factor",
					       service)) != MFA_OK)
			return r;
		for (i = 0; i < v->prog.n; i++) {
			const struct pam_handler *h = &v->prog.h[i];

			if (h->kind != PAM_HANDLER_MODULE ||
			    audit_mfa_kind_of(h->module, ctx->opt) == AUDIT_MFA_NONE)
				continue;
			line_text(h->line, text, sizeof(text));
			if ((r = audit_path_add_evidence(p, h->file->path, h->line->line, "%s",
							 text)) != MFA_OK)
				return r;
		}
		return MFA_OK;
	}
	if (v->exempt_note != NULL)
		r = audit_path_set_reason(p, false,
					  "the %s auth stack can succeed without a second factor "
					  "(%s)",
					  service, v->exempt_note);
	else if (!stack_has_second_factor(ctx, &v->prog))
		r = audit_path_set_reason(p, false, "the %s auth stack has no second-factor module",
					  service);
	else
		r = audit_path_set_reason(p, false,
					  "the %s auth stack can succeed without its second-factor "
					  "module",
					  service);
	if (r != MFA_OK)
		return r;
	if (v->prog.from_other &&
	    (r = audit_path_add_evidence(p, NULL, 0,
					 "%s has no auth lines of its own: libpam uses \"other\"",
					 service)) != MFA_OK)
		return r;
	/* The witness: the path PAM takes to PAM_SUCCESS, line by line. */
	for (i = 0; i < v->res.nwitness; i++) {
		const struct pam_flow_step *st = &v->res.witness[i];
		const struct pam_handler *h = &v->prog.h[st->handler];
		char act[32];

		if (st->action > 0)
			snprintf(act, sizeof(act), "jump %d", st->action);
		else
			snprintf(act, sizeof(act), "%s", pam_action_name(st->action));
		line_text(h->line, text, sizeof(text));
		if ((r = audit_path_add_evidence(
			     p, h->file->path, h->line->line, "%s -> %s -> %s%s%s", text,
			     pam_flow_retval_name(st->retval), act, st->note != NULL ? ": " : "",
			     st->note != NULL ? st->note : "")) != MFA_OK)
			return r;
	}
	return audit_path_add_evidence(p, NULL, 0, "end of stack -> PAM_SUCCESS");
}

/* Is this service's file included by another (common-auth, system-auth)? */
static bool
included_elsewhere(const struct pam_host *host, size_t service)
{
	size_t f, i, file = host->services[service].file;

	for (f = 0; f < host->nfiles; f++) {
		const struct pam_file *pf = &host->files[f];

		if (f == file || pf->conf == NULL || pf->targets == NULL)
			continue;
		for (i = 0; i < pf->conf->nlines; i++) {
			if (pf->targets[i] == file)
				return true;
		}
	}
	return false;
}

static enum audit_path_kind
service_kind(const char *name)
{
	if (strcmp(name, "su") == 0 || strcmp(name, "su-l") == 0)
		return AUDIT_PATH_SU;
	if (strcmp(name, "login") == 0)
		return AUDIT_PATH_LOGIN;
	if (strcmp(name, "polkit-1") == 0)
		return AUDIT_PATH_POLKIT;
	return AUDIT_PATH_PAM;
}

int
audit_pam_paths(struct audit_ctx *ctx, struct mfa_parse_err *perr)
{
	const struct pam_host *host = ctx->pam;
	size_t i, k;
	int r;

	if (host == NULL)
		return MFA_OK;
	for (i = 0; i < host->nservices; i++) {
		const char *name = host->services[i].name;
		bool admin_path = !NAME_IN(name, not_access_services);
		bool caller_is_root = !NAME_IN(name, user_invoked_services);
		enum audit_path_kind kind = service_kind(name);

		if (ctx->service_done[i])
			continue;
		if (!NAME_IN(name, program_services) && included_elsewhere(host, i))
			continue; /* common-auth and friends: reached through others */
		for (k = 0; k < ctx->nsubjects; k++) {
			const struct audit_subject *s = &ctx->subjects[k];
			struct audit_pam_verdict v;
			struct audit_path *p;
			char detail[256];

			if (s->account->nadmin_via == 0)
				continue;
			/* su authenticates the target; login and su need a shell. */
			if ((kind == AUDIT_PATH_SU || kind == AUDIT_PATH_LOGIN) &&
			    !s->account->can_login)
				continue;
			if (kind == AUDIT_PATH_SU)
				snprintf(detail, sizeof(detail), "su to %s", s->user->name);
			else if (strcmp(name, "other") == 0)
				snprintf(detail, sizeof(detail),
					 "any program without a PAM file of its own");
			else
				detail[0] = '\0';
			if ((r = audit_pam_evaluate(ctx, name, s, caller_is_root, &v, perr)) !=
			    MFA_OK)
				return r;
			p = audit_add_path(ctx->report, kind, name, s->user->name,
					   detail[0] != '\0' ? detail : NULL);
			if (p == NULL) {
				audit_pam_verdict_clear(&v);
				return MFA_ERR_NOMEM;
			}
			p->admin_path = admin_path;
			r = audit_pam_describe(ctx, p, name, &v);
			audit_pam_verdict_clear(&v);
			if (r != MFA_OK)
				return r;
		}
	}
	return MFA_OK;
}
