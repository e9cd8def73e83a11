/*
 * audit.c - audit_run(): read the host, find the admins, evaluate every
 * access path, and draw the verdict.
 */
#include "audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit_internal.h"
#include "root_fs.h"

static const char *const default_admin_groups[] = ACCOUNTS_DEFAULT_ADMIN_GROUPS;

static void
subjects_free(struct audit_ctx *ctx)
{
	size_t i, j;

	for (i = 0; i < ctx->nsubjects; i++) {
		for (j = 0; j < ctx->subjects[i].ngroups; j++)
			free(ctx->subjects[i].groups[j]);
		free(ctx->subjects[i].groups);
		free(ctx->subjects[i].gids);
	}
	free(ctx->subjects);
	ctx->subjects = NULL;
	ctx->nsubjects = 0;
}

/* Every local account becomes a subject; admins get their reasons. */
static int
load_subjects(struct audit_ctx *ctx)
{
	const struct accounts *a = ctx->accounts;
	const char *const *groups = ctx->opt->admin_groups;
	size_t ngroups = ctx->opt->nadmin_groups, i, j;
	struct audit_report *rep = ctx->report;
	int r;

	if (groups == NULL) {
		groups = default_admin_groups;
		ngroups = ACCOUNTS_NDEFAULT_ADMIN_GROUPS;
	}
	if ((ctx->subjects = calloc(a->nusers + 1, sizeof(*ctx->subjects))) == NULL ||
	    (rep->accounts = calloc(a->nusers + 1, sizeof(*rep->accounts))) == NULL)
		return MFA_ERR_NOMEM;
	for (i = 0; i < a->nusers; i++) {
		const struct account_user *u = &a->users[i];
		struct audit_subject *s = &ctx->subjects[ctx->nsubjects];
		struct audit_account *acc = &rep->accounts[rep->naccounts];
		struct account_reasons reasons = {NULL, 0};
		struct account_group_ref *refs = NULL;
		size_t nrefs = 0;

		/* Duplicated names: the first entry is the one that logs in. */
		if (accounts_user_by_name(a, u->name) != u)
			continue;
		if ((acc->name = strdup(u->name)) == NULL)
			return MFA_ERR_NOMEM;
		acc->uid = (unsigned)u->uid;
		acc->source = "local";
		acc->can_login = !u->nologin;
		s->user = u;
		s->account = acc;
		ctx->nsubjects++;
		rep->naccounts++;
		if ((r = accounts_admin_reasons(a, u->name, groups, ngroups, &reasons)) != MFA_OK)
			return r;
		for (j = 0; j < reasons.n; j++) {
			r = audit_strlist_add(&acc->admin_via, &acc->nadmin_via, "%s",
					      reasons.items[j].text);
			if (r != MFA_OK) {
				account_reasons_clear(&reasons);
				return r;
			}
		}
		account_reasons_clear(&reasons);
		if ((r = accounts_user_groups(a, u->name, &refs, &nrefs)) != MFA_OK)
			return r;
		if (nrefs > 0 && ((s->groups = calloc(nrefs, sizeof(*s->groups))) == NULL ||
				  (s->gids = calloc(nrefs, sizeof(*s->gids))) == NULL)) {
			free(refs);
			return MFA_ERR_NOMEM;
		}
		for (j = 0; j < nrefs; j++) {
			if (refs[j].name == NULL)
				continue;
			if ((s->groups[s->ngroups] = strdup(refs[j].name)) == NULL) {
				free(refs);
				return MFA_ERR_NOMEM;
			}
			s->gids[s->ngroups] = (unsigned)refs[j].gid;
			s->ngroups++;
		}
		free(refs);
	}
	return MFA_OK;
}

/* false when the root has no usable /etc/hostname ("localhost" is assumed). */
static bool
read_hostname(struct audit_ctx *ctx)
{
	char *buf = NULL;
	size_t len = 0;
	bool found = false;

	snprintf(ctx->hostname, sizeof(ctx->hostname), "localhost");
	if (root_fs_read_file(ctx->rootfd, "/etc/hostname", 4096, &buf, &len, NULL, NULL) ==
	    MFA_OK) {
		buf[strcspn(buf, " \t\r\n")] = '\0';
		if (buf[0] != '\0') {
			snprintf(ctx->hostname, sizeof(ctx->hostname), "%s", buf);
			found = true;
		}
	}
	free(buf);
	return found;
}

/* A gap path and where it stands in the report. */
struct gap_ref {
	const struct audit_path *p;
	size_t idx;
};

/* By (kind, service, reason), then by place in the report. */
static int
gap_cmp(const void *a, const void *b)
{
	const struct gap_ref *x = a, *y = b;
	int c;

	if (x->p->kind != y->p->kind)
		return x->p->kind < y->p->kind ? -1 : 1;
	if ((c = strcmp(x->p->service, y->p->service)) != 0 ||
	    (c = strcmp(x->p->reason, y->p->reason)) != 0)
		return c;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

static bool
same_gap(const struct gap_ref *x, const struct gap_ref *y)
{
	return x->p->kind == y->p->kind && strcmp(x->p->service, y->p->service) == 0 &&
	       strcmp(x->p->reason, y->p->reason) == 0;
}

/* By the place of each group's first path: findings in report order. */
static int
first_cmp(const void *a, const void *b)
{
	const struct gap_ref *x = a, *y = b;

	return (x->idx > y->idx) - (x->idx < y->idx);
}

/* The finding for the gaps refs[0..n), which are one (kind, service, reason). */
static int
gap_finding(struct audit_report *rep, const struct gap_ref *refs, size_t n)
{
	const struct audit_path *p = refs[0].p;
	char accounts[1024] = "", id[32];
	const char *file = NULL;
	unsigned line = 0;
	size_t o = 0, j;

	for (j = 0; j < n && o < sizeof(accounts); j++)
		o += (size_t)snprintf(accounts + o, sizeof(accounts) - o, "%s%s", o > 0 ? ", " : "",
				      refs[j].p->account);
	for (j = 0; j < p->nevidence && file == NULL; j++) {
		if (p->evidence[j].file != NULL) {
			file = p->evidence[j].file;
			line = p->evidence[j].line;
		}
	}
	snprintf(id, sizeof(id), "gap.%s", audit_path_kind_name(p->kind));
	return audit_add_finding(rep, id, "high", file, line, "%s (%s): %s; accounts: %s",
				 audit_path_kind_name(p->kind), p->service, p->reason, accounts);
}

/*
 * One finding per distinct gap (kind, service, reason), naming the accounts
 * in report order, the findings in the order of each gap's first path.
 * Sorted, not compared pairwise: a large host has tens of thousands of gaps.
 */
static int
derive_findings(struct audit_report *rep)
{
	struct gap_ref *refs = NULL, *firsts = NULL;
	size_t n = 0, ngroups = 0, i, j;
	int r = MFA_OK;

	if ((refs = calloc(rep->npaths + 1, sizeof(*refs))) == NULL ||
	    (firsts = calloc(rep->npaths + 1, sizeof(*firsts))) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < rep->npaths; i++) {
		if (!rep->paths[i].covered && rep->paths[i].admin_path) {
			refs[n].p = &rep->paths[i];
			refs[n++].idx = i;
		}
	}
	qsort(refs, n, sizeof(*refs), gap_cmp);
	/* firsts[k]: the group's first path, with .idx the group's start in refs. */
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && same_gap(&refs[i], &refs[j]); j++)
			;
		firsts[ngroups].p = refs[i].p;
		firsts[ngroups++].idx = refs[i].idx;
	}
	qsort(firsts, ngroups, sizeof(*firsts), first_cmp);
	for (i = 0; i < ngroups && r == MFA_OK; i++) {
		struct gap_ref key = firsts[i];
		const struct gap_ref *start = bsearch(&key, refs, n, sizeof(*refs), gap_cmp);

		for (j = (size_t)(start - refs); j < n && same_gap(&refs[j], start); j++)
			;
		r = gap_finding(rep, start, j - (size_t)(start - refs));
	}
out:
	free(refs);
	free(firsts);
	return r;
}

/* Options of second-factor modules that let users through without a factor. */
static const struct {
	enum audit_mfa_kind kind;
	const char *arg; /* "nullok", or "grace_period=" for a prefix */
	const char *id;
	const char *why;
} risky_options[] = {
	{AUDIT_MFA_MFACOVER, "nullok", "pam.nullok",
	 "users without a token pass without a second factor"},
	{AUDIT_MFA_GOOGLE_AUTHENTICATOR, "nullok", "pam.nullok",
	 "users without a secret file pass without a second factor"},
	{AUDIT_MFA_GOOGLE_AUTHENTICATOR, "grace_period=", "pam.grace_period",
	 "no code is asked again from an address that logged in recently"},
	{AUDIT_MFA_U2F, "nouserok", "pam.nouserok",
	 "users without a key mapping pass without a second factor"},
	{AUDIT_MFA_U2F, "alwaysok", "pam.alwaysok", "the module succeeds for everyone"},
	{AUDIT_MFA_YUBICO, "nullok", "pam.nullok",
	 "users without a YubiKey mapping pass without a second factor"},
	{AUDIT_MFA_DUO, "failmode=safe", "pam.duo_failmode_safe",
	 "everyone passes when Duo cannot be reached"},
};

/*
 * A second factor kept in a file the user owns: whatever writes to the home
 * as the user can change it or take it away.  Medium: it takes a second way
 * in (a file share reached with the password alone, say), which the audit
 * cannot see.
 */
static int
home_file_finding(struct audit_ctx *ctx, const char *file, const struct pam_conf_line *l,
		  enum audit_mfa_kind kind, const char *module)
{
	const char *pass, *where = audit_mfa_home_file(l, kind, &pass);

	if (where == NULL)
		return MFA_OK;
	return audit_add_finding(ctx->report, "pam.home_store", "medium", file, l->line,
				 "%s keeps the factor in %s, a file the user owns: whatever "
				 "writes to the home as the user (a file share reached with the "
				 "password alone, say) can change or remove it%s%s%s",
				 module, where, pass != NULL ? ", which with " : "",
				 pass != NULL ? pass : "",
				 pass != NULL ? " turns the factor off" : "");
}

/* Each line that uses such an option is a finding of its own, named by file and line. */
static int
option_findings(struct audit_ctx *ctx)
{
	const struct pam_host *host = ctx->pam;
	size_t f, i, a, k;
	int r;

	for (f = 0; host != NULL && f < host->nfiles; f++) {
		const struct pam_conf *conf = host->files[f].conf;

		for (i = 0; conf != NULL && i < conf->nlines; i++) {
			const struct pam_conf_line *l = &conf->lines[i];
			enum audit_mfa_kind kind;
			char base[64];

			if (l->kind != PAM_LINE_MODULE || l->type != PAM_TYPE_AUTH)
				continue;
			kind = audit_mfa_kind_of(l->module, ctx->opt);
			if (kind == AUDIT_MFA_NONE)
				continue;
			pam_module_basename(l->module, base, sizeof(base));
			for (a = 0; a < l->argc; a++) {
				for (k = 0; k < sizeof(risky_options) / sizeof(risky_options[0]);
				     k++) {
					size_t n = strlen(risky_options[k].arg);
					bool prefix = risky_options[k].arg[n - 1] == '=';

					if (risky_options[k].kind != kind ||
					    (prefix ? strncmp(l->argv[a], risky_options[k].arg,
							      n) != 0
						    : strcmp(l->argv[a], risky_options[k].arg) !=
							      0))
						continue;
					if ((r = audit_add_finding(ctx->report, risky_options[k].id,
								   "high", host->files[f].path,
								   l->line, "%s %s: %s", base,
								   l->argv[a],
								   risky_options[k].why)) != MFA_OK)
						return r;
				}
			}
			if ((r = home_file_finding(ctx, host->files[f].path, l, kind, base)) !=
				    MFA_OK ||
			    (r = audit_mfa_line_findings(ctx->report, host->files[f].path, l,
							 kind)) != MFA_OK)
				return r;
			if (l->control == PAM_CONTROL_SUFFICIENT &&
			    (r = audit_add_finding(
				     ctx->report, "pam.sufficient_factor", "medium",
				     host->files[f].path, l->line,
				     "%s is sufficient: an alternative to the password, "
				     "not a second factor",
				     base)) != MFA_OK)
				return r;
		}
	}
	return MFA_OK;
}

/* Now, in UTC, ISO 8601 with seconds: "2025-06-01T12:00:00Z". */
static char *
utc_now(void)
{
	char buf[32];
	struct tm tm;
	time_t now = time(NULL);

	if (now == (time_t)-1 || gmtime_r(&now, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return NULL;
	return strdup(buf);
}

/* The journal's files, in order, become the report's. */
static int
take_files(struct audit_report *rep, struct file_journal *j, struct mfa_parse_err *perr)
{
	int r;

	if ((r = file_journal_finish(j)) != MFA_OK) {
		mfa_parse_err_init(perr, rep->root);
		mfa_parse_err_set(perr, 0, 0, "cannot record the files read: %s", mfa_strerror(r));
		return r;
	}
	rep->files = j->entries;
	rep->nfiles = j->n;
	j->entries = NULL;
	j->n = j->cap = 0;
	return MFA_OK;
}

int
audit_run(const struct audit_options *opt, struct audit_report **reportp,
	  struct mfa_parse_err *perr)
{
	struct audit_ctx ctx;
	struct audit_report *rep = NULL;
	struct file_journal journal, *prev_journal;
	const char *root;
	size_t i;
	int r;

	if (reportp != NULL)
		*reportp = NULL;
	if (opt == NULL || reportp == NULL)
		return MFA_ERR_INVALID_ARG;
	root = opt->root != NULL ? opt->root : "/";
	memset(&ctx, 0, sizeof(ctx));
	ctx.opt = opt;
	ctx.rootfd = -1;
	/* Every file read from here on is listed with its hash (root_fs.h). */
	file_journal_init(&journal);
	prev_journal = root_fs_set_journal(&journal);
	if ((rep = calloc(1, sizeof(*rep))) == NULL || (rep->root = strdup(root)) == NULL ||
	    (rep->date = utc_now()) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	ctx.report = rep;
	if ((r = root_fs_open_root(root, &ctx.rootfd, perr)) != MFA_OK)
		goto out;
	if (read_hostname(&ctx) && (rep->host = strdup(ctx.hostname)) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}

	r = accounts_load(ctx.rootfd, &ctx.accounts, perr);
	if (r == MFA_ERR_NOT_FOUND) {
		/* A partial tree (a copy of /etc/pam.d, say): every Linux host has root. */
		static const char root_only[] = "root:x:0:0:root:/root:/bin/sh\n";

		if ((r = accounts_parse(root_only, sizeof(root_only) - 1, "/etc/passwd", NULL, 0,
					"/etc/group", &ctx.accounts, perr)) != MFA_OK ||
		    (r = audit_add_note(rep,
					"no /etc/passwd under %s: only root (uid 0) is "
					"audited",
					root)) != MFA_OK)
			goto out;
	} else if (r != MFA_OK) {
		goto out;
	}
	r = pam_services_load(root, &ctx.pam, perr);
	if (r != MFA_OK) {
		goto out; /* no PAM configuration at all: this is no host to audit */
	} else {
		/* A malformed line stops the audit: its meaning cannot be proven. */
		for (i = 0; i < ctx.pam->nfiles; i++) {
			if (ctx.pam->files[i].conf != NULL &&
			    (r = pam_conf_first_broken(ctx.pam->files[i].conf, perr)) != MFA_OK)
				goto out;
		}
		if ((ctx.service_done = calloc(ctx.pam->nservices + 1, sizeof(bool))) == NULL) {
			r = MFA_ERR_NOMEM;
			goto out;
		}
	}
	if ((r = nss_conf_load(ctx.rootfd, &ctx.nss, perr)) != MFA_OK)
		goto out;
	if ((r = load_subjects(&ctx)) != MFA_OK || (r = audit_ldap_subjects(&ctx, perr)) != MFA_OK)
		goto out;
	if ((r = audit_sudo_paths(&ctx, perr)) != MFA_OK)
		goto out;
	/* From here on nothing reads the directory's entries. */
	if (opt->directory != NULL) {
		for (i = 0; ctx.directory != NULL && i < ctx.directory->nusers; i++)
			ctx.directory->users[i].entry = NULL;
		if (opt->directory_read != NULL)
			opt->directory_read(opt->directory_read_arg);
	}
	if ((r = audit_ssh_paths(&ctx, perr)) != MFA_OK ||
	    (r = audit_vpn_paths(&ctx, perr)) != MFA_OK ||
	    (r = audit_pam_paths(&ctx, perr)) != MFA_OK)
		goto out;

	rep->covered = true;
	for (i = 0; i < rep->npaths; i++) {
		if (rep->paths[i].admin_path && !rep->paths[i].covered)
			rep->covered = false;
	}
	if ((r = derive_findings(rep)) != MFA_OK || (r = option_findings(&ctx)) != MFA_OK ||
	    (r = audit_ldap_nss_findings(&ctx)) != MFA_OK ||
	    (r = take_files(rep, &journal, perr)) != MFA_OK)
		goto out;
	*reportp = rep;
	rep = NULL;
out:
	root_fs_set_journal(prev_journal);
	file_journal_clear(&journal);
	subjects_free(&ctx);
	audit_ldap_free(&ctx);
	nss_conf_free(&ctx.nss);
	free(ctx.service_done);
	pam_host_free(&ctx.pam);
	accounts_free(&ctx.accounts);
	if (ctx.rootfd >= 0)
		close(ctx.rootfd);
	audit_report_free(&rep);
	return r;
}
