/*
 * pam_services.c - find, read and link a host's PAM configuration files.
 */
#include "pam_services.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "root_fs.h"

#define ETC_PAMD "/etc/pam.d"
#define VENDOR_PAMD "/usr/lib/pam.d"
#define PAM_CONF_PATH "/etc/pam.conf"

struct loader {
	struct pam_host *host;
	int rootfd;
	size_t fcap, scap, kcap;
};

/* ---- names ---------------------------------------------------------- */

static bool
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

bool
pam_services_skip_name(const char *name, const char **whyp)
{
	const char *why = NULL;

	if (name == NULL || name[0] == '\0' || name[0] == '.')
		why = "hidden file";
	else if (has_suffix(name, "~"))
		why = "editor backup";
	else if (strstr(name, ".dpkg-") != NULL)
		why = "dpkg leftover";
	else if (strstr(name, ".ucf-") != NULL)
		why = "ucf leftover";
	else if (has_suffix(name, ".rpmnew") || has_suffix(name, ".rpmsave"))
		why = "rpm leftover";
	else if (has_suffix(name, ".pam-old") || has_suffix(name, ".pam-new"))
		why = "pam-auth-update backup";
	if (whyp != NULL)
		*whyp = why;
	return why != NULL;
}

const char *
pam_origin_name(enum pam_origin origin)
{
	switch (origin) {
	case PAM_ORIGIN_ETC:
		return ETC_PAMD;
	case PAM_ORIGIN_VENDOR:
		return VENDOR_PAMD;
	case PAM_ORIGIN_PAM_CONF:
		return PAM_CONF_PATH;
	case PAM_ORIGIN_PATH:
		break;
	}
	return "path";
}

static enum pam_origin
origin_of(const char *path)
{
	if (strncmp(path, ETC_PAMD "/", sizeof(ETC_PAMD)) == 0)
		return PAM_ORIGIN_ETC;
	if (strncmp(path, VENDOR_PAMD "/", sizeof(VENDOR_PAMD)) == 0)
		return PAM_ORIGIN_VENDOR;
	return PAM_ORIGIN_PATH;
}

/* ---- freeing -------------------------------------------------------- */

static void
free_file(struct pam_file *f)
{
	free(f->path);
	free(f->resolved);
	pam_conf_free(&f->conf);
	free(f->targets);
}

void
pam_host_free(struct pam_host **hostp)
{
	struct pam_host *h;
	size_t i;

	if (hostp == NULL || (h = *hostp) == NULL)
		return;
	for (i = 0; i < h->nfiles; i++)
		free_file(&h->files[i]);
	free(h->files);
	for (i = 0; i < h->nservices; i++) {
		free(h->services[i].name);
		free(h->services[i].path);
	}
	free(h->services);
	for (i = 0; i < h->nskipped; i++)
		free(h->skipped[i]);
	free(h->skipped);
	free(h->root);
	free(h);
	*hostp = NULL;
}

void
pam_stack_clear(struct pam_stack *st)
{
	if (st == NULL)
		return;
	free(st->entries);
	st->entries = NULL;
	st->n = 0;
	st->from_other = false;
}

/* ---- loading files -------------------------------------------------- */

static int
add_skipped(struct loader *ld, const char *path, const char *why)
{
	struct pam_host *h = ld->host;
	char **nk;
	size_t n;

	if (h->nskipped == ld->kcap) {
		ld->kcap = ld->kcap == 0 ? 8 : ld->kcap * 2;
		if ((nk = realloc(h->skipped, ld->kcap * sizeof(*nk))) == NULL)
			return MFA_ERR_NOMEM;
		h->skipped = nk;
	}
	n = strlen(path) + strlen(why) + 3;
	if ((h->skipped[h->nskipped] = malloc(n)) == NULL)
		return MFA_ERR_NOMEM;
	snprintf(h->skipped[h->nskipped++], n, "%s: %s", path, why);
	return 0;
}

/*
 * Read and parse `path` (inside the root) unless a file with the same
 * resolved path is already loaded; *indexp receives its index.
 */
static int
load_file(struct loader *ld, const char *path, enum pam_origin origin, enum pam_conf_mode mode,
	  size_t *indexp, struct mfa_parse_err *perr)
{
	struct pam_host *h = ld->host;
	struct pam_file *f, *nf;
	char *buf = NULL, *resolved = NULL;
	size_t len = 0, i;
	int r;

	if ((r = root_fs_read_file(ld->rootfd, path, PAM_CONF_MAX_BYTES, &buf, &len, &resolved,
				   perr)) != 0)
		return r;
	for (i = 0; i < h->nfiles; i++) {
		if (strcmp(h->files[i].resolved, resolved) == 0) {
			*indexp = i;
			r = 0;
			goto out;
		}
	}
	if (h->nfiles == PAM_SERVICES_MAX_FILES) {
		mfa_parse_err_init(perr, path);
		mfa_parse_err_set(perr, 0, 0, "more than %u PAM files", PAM_SERVICES_MAX_FILES);
		r = MFA_ERR_TOO_LARGE;
		goto out;
	}
	if (h->nfiles == ld->fcap) {
		ld->fcap = ld->fcap == 0 ? 32 : ld->fcap * 2;
		if ((nf = realloc(h->files, ld->fcap * sizeof(*nf))) == NULL) {
			r = MFA_ERR_NOMEM;
			goto out;
		}
		h->files = nf;
	}
	f = &h->files[h->nfiles];
	memset(f, 0, sizeof(*f));
	f->origin = origin;
	if ((f->path = strdup(path)) == NULL) {
		r = MFA_ERR_NOMEM;
		goto fail_file;
	}
	f->resolved = resolved;
	resolved = NULL;
	if ((r = pam_conf_parse(buf, len, path, mode, &f->conf, perr)) != 0)
		goto fail_file;
	if (f->conf->nlines > 0) {
		if ((f->targets = calloc(f->conf->nlines, sizeof(*f->targets))) == NULL) {
			r = MFA_ERR_NOMEM;
			goto fail_file;
		}
		for (i = 0; i < f->conf->nlines; i++)
			f->targets[i] = PAM_NO_FILE;
	}
	*indexp = h->nfiles++;
	r = 0;
	goto out;
fail_file:
	free_file(f);
out:
	if (r == MFA_ERR_NOMEM) {
		mfa_parse_err_init(perr, path);
		mfa_parse_err_set(perr, 0, 0, "out of memory");
	}
	free(buf);
	free(resolved);
	return r;
}

/*
 * Find a file named by a service or an include: absolute inside the root,
 * else /etc/pam.d then /usr/lib/pam.d.  MFA_ERR_NOT_FOUND when none exists.
 */
static int
lookup_file(struct loader *ld, const char *name, size_t *indexp, char **pathp,
	    struct mfa_parse_err *perr)
{
	const char *dirs[] = {ETC_PAMD, VENDOR_PAMD};
	char path[4096];
	size_t i;
	int r;

	if (name[0] == '/') {
		if (strlen(name) >= sizeof(path))
			return MFA_ERR_NOT_FOUND;
		snprintf(path, sizeof(path), "%s", name);
		r = load_file(ld, path, origin_of(path), PAM_CONF_MODE_PAMD, indexp, perr);
		goto found;
	}
	r = MFA_ERR_NOT_FOUND;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dirs[i], name) >= sizeof(path))
			return MFA_ERR_NOT_FOUND;
		r = load_file(ld, path, origin_of(path), PAM_CONF_MODE_PAMD, indexp, perr);
		if (r != MFA_ERR_NOT_FOUND)
			break;
	}
found:
	if (r == 0 && pathp != NULL && (*pathp = strdup(path)) == NULL)
		return MFA_ERR_NOMEM;
	return r;
}

static int
add_service(struct loader *ld, const char *name, const char *path, size_t file)
{
	struct pam_host *h = ld->host;
	struct pam_service *ns, *s;

	if (h->nservices == ld->scap) {
		ld->scap = ld->scap == 0 ? 32 : ld->scap * 2;
		if ((ns = realloc(h->services, ld->scap * sizeof(*ns))) == NULL)
			return MFA_ERR_NOMEM;
		h->services = ns;
	}
	s = &h->services[h->nservices];
	memset(s, 0, sizeof(*s));
	s->file = file;
	if ((s->name = strdup(name)) == NULL || (s->path = strdup(path)) == NULL) {
		free(s->name);
		free(s->path);
		return MFA_ERR_NOMEM;
	}
	h->nservices++;
	return 0;
}

static bool
in_list(char **names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

static int
cmp_service(const void *a, const void *b)
{
	return strcmp(((const struct pam_service *)a)->name, ((const struct pam_service *)b)->name);
}

/* stat a directory inside the root: 1 is a directory, 0 is absent. */
static int
is_dir(struct loader *ld, const char *path, struct mfa_parse_err *perr)
{
	struct stat st;
	int r;

	r = root_fs_stat(ld->rootfd, path, &st, NULL, perr);
	if (r == MFA_ERR_NOT_FOUND)
		return 0;
	if (r != 0)
		return r;
	return S_ISDIR(st.st_mode) ? 1 : 0;
}

static int
load_pamd_services(struct loader *ld, int have_etc, int have_vendor, struct mfa_parse_err *perr)
{
	char **etc = NULL, **vendor = NULL, **all = NULL;
	char path[4096];
	size_t netc = 0, nvendor = 0, nall = 0, i, idx;
	const char *why;
	struct stat st;
	int r;

	if (have_etc && (r = root_fs_list_dir(ld->rootfd, ETC_PAMD, &etc, &netc, perr)) != 0)
		goto out;
	if (have_vendor &&
	    (r = root_fs_list_dir(ld->rootfd, VENDOR_PAMD, &vendor, &nvendor, perr)) != 0)
		goto out;
	if ((all = calloc(netc + nvendor + 1, sizeof(*all))) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < netc; i++)
		all[nall++] = etc[i];
	for (i = 0; i < nvendor; i++)
		if (!in_list(etc, netc, vendor[i]))
			all[nall++] = vendor[i];

	for (i = 0; i < nall; i++) {
		const char *dir = in_list(etc, netc, all[i]) ? ETC_PAMD : VENDOR_PAMD;
		char *named = NULL;

		snprintf(path, sizeof(path), "%s/%s", dir, all[i]);
		if (pam_services_skip_name(all[i], &why)) {
			if ((r = add_skipped(ld, path, why)) != 0)
				goto out;
			continue;
		}
		r = root_fs_stat(ld->rootfd, path, &st, NULL, perr);
		if (r == 0 && S_ISDIR(st.st_mode)) {
			if ((r = add_skipped(ld, path, "a directory")) != 0)
				goto out;
			continue;
		}
		if (r != 0 && r != MFA_ERR_NOT_FOUND)
			goto out;
		/* as libpam: /etc/pam.d/NAME, else /usr/lib/pam.d/NAME */
		r = lookup_file(ld, all[i], &idx, &named, perr);
		if (r == MFA_ERR_NOT_FOUND) {
			if ((r = add_skipped(ld, path, "dangling symbolic link")) != 0)
				goto out;
			continue;
		}
		if (r != 0)
			goto out;
		r = add_service(ld, all[i], named, idx);
		free(named);
		if (r != 0)
			goto out;
	}
	r = 0;
out:
	free(all);
	root_fs_free_names(&etc, netc);
	root_fs_free_names(&vendor, nvendor);
	return r;
}

static int
load_pamconf_services(struct loader *ld, struct mfa_parse_err *perr)
{
	struct pam_host *h = ld->host;
	const struct pam_conf *conf;
	size_t idx, i, j;
	bool seen;
	int r;

	r = load_file(ld, PAM_CONF_PATH, PAM_ORIGIN_PAM_CONF, PAM_CONF_MODE_PAMCONF, &idx, perr);
	if (r == MFA_ERR_NOT_FOUND) {
		mfa_parse_err_init(perr, PAM_CONF_PATH);
		mfa_parse_err_set(perr, 0, 0,
				  "no PAM configuration: neither " ETC_PAMD ", " VENDOR_PAMD
				  " nor " PAM_CONF_PATH " exists under the root");
	}
	if (r != 0)
		return r;
	h->pam_conf_mode = true;
	conf = h->files[idx].conf;
	for (i = 0; i < conf->nlines; i++) {
		const char *svc = conf->lines[i].service;

		if (svc == NULL)
			continue;
		seen = false;
		for (j = 0; j < h->nservices && !seen; j++)
			seen = strcasecmp(h->services[j].name, svc) == 0;
		if (!seen && (r = add_service(ld, svc, PAM_CONF_PATH, idx)) != 0)
			return r;
	}
	return 0;
}

/* Resolve every include target; files found are appended and resolved too. */
static int
link_includes(struct loader *ld, struct mfa_parse_err *perr)
{
	struct pam_host *h = ld->host;
	size_t fi, li, idx;
	int r;

	for (fi = 0; fi < h->nfiles; fi++) {
		for (li = 0; li < h->files[fi].conf->nlines; li++) {
			const struct pam_conf_line *l = &h->files[fi].conf->lines[li];
			struct mfa_parse_err sub;

			if (l->kind == PAM_LINE_MODULE || l->module == NULL)
				continue;
			r = lookup_file(ld, l->module, &idx, NULL, &sub);
			if (r == MFA_ERR_NOT_FOUND)
				continue; /* recorded as missing: the line fails */
			if (r != 0) {
				char msg[MFA_PARSE_ERR_MSG_MAX];

				mfa_parse_err_format(&sub, msg, sizeof(msg));
				mfa_parse_err_init(perr, h->files[fi].path);
				mfa_parse_err_set(perr, l->line, 0, "cannot read included file: %s",
						  msg);
				return r;
			}
			h->files[fi].targets[li] = idx;
		}
	}
	return 0;
}

/* ---- walking stacks ------------------------------------------------- */

struct walker {
	const struct pam_host *host;
	enum pam_type want; /* PAM_TYPE_NONE: every type (validation) */
	size_t chain[PAM_SERVICES_MAX_DEPTH];
	unsigned chain_line[PAM_SERVICES_MAX_DEPTH];
	struct pam_stack *out; /* NULL: only check nesting */
	size_t cap;
	struct mfa_parse_err *perr;
};

static int
push_entry(struct walker *wk, const struct pam_file *f, const struct pam_conf_line *l,
	   unsigned depth, bool missing)
{
	struct pam_stack_entry *ne;
	struct pam_stack *st = wk->out;

	if (st == NULL)
		return 0;
	if (st->n == wk->cap) {
		wk->cap = wk->cap == 0 ? 32 : wk->cap * 2;
		if ((ne = realloc(st->entries, wk->cap * sizeof(*ne))) == NULL)
			return MFA_ERR_NOMEM;
		st->entries = ne;
	}
	st->entries[st->n].file = f;
	st->entries[st->n].line = l;
	st->entries[st->n].depth = depth;
	st->entries[st->n].target_missing = missing;
	st->n++;
	return 0;
}

#define ELLIPSIS " -> ..."

static void
chain_message(struct walker *wk, unsigned depth, size_t target, const char *what)
{
	char full[4096], msg[MFA_PARSE_ERR_MSG_MAX];
	size_t used, d, head, keep, n;
	const char *tail, *p;

	used = (size_t)snprintf(full, sizeof(full), "%s: ", what);
	for (d = 0; d <= depth && used < sizeof(full); d++)
		used += (size_t)snprintf(full + used, sizeof(full) - used, "%s:%u -> ",
					 wk->host->files[wk->chain[d]].path, wk->chain_line[d]);
	if (used < sizeof(full))
		snprintf(full + used, sizeof(full) - used, "%s", wk->host->files[target].path);
	n = strlen(full);
	if (n < sizeof(msg)) {
		memcpy(msg, full, n + 1);
	} else {
		/* keep the start of the chain and as much of its end as fits */
		tail = strstr(full, " -> ");
		head = tail != NULL ? (size_t)(tail - full) : 0;
		if (head > sizeof(msg) / 2)
			head = sizeof(msg) / 2;
		keep = sizeof(msg) - 1 - head - strlen(ELLIPSIS);
		tail = full + n - keep;
		if ((p = strstr(tail, " -> ")) != NULL)
			tail = p;
		memcpy(msg, full, head);
		memcpy(msg + head, ELLIPSIS, strlen(ELLIPSIS));
		memcpy(msg + head + strlen(ELLIPSIS), tail, strlen(tail) + 1);
	}
	mfa_parse_err_init(wk->perr, wk->host->files[wk->chain[depth]].path);
	mfa_parse_err_set(wk->perr, wk->chain_line[depth], 0, "%s", msg);
}

/*
 * Walk file `fi` as libpam loads it for requested type `req` (NONE: the
 * service's own file, every type).  svc: pam.conf mode, only that service.
 */
static int
walk_file(struct walker *wk, size_t fi, enum pam_type req, unsigned depth, const char *svc)
{
	const struct pam_file *f = &wk->host->files[fi];
	size_t li, d, target, before;
	int r;

	wk->chain[depth] = fi;
	for (li = 0; li < f->conf->nlines; li++) {
		const struct pam_conf_line *l = &f->conf->lines[li];
		enum pam_type eff, next;

		if (svc != NULL && (l->service == NULL || strcasecmp(l->service, svc) != 0))
			continue;
		if (l->kind == PAM_LINE_AT_INCLUDE) {
			eff = req;
		} else {
			/* libpam files a line of unknown type as the requested type, or auth */
			eff = l->type != PAM_TYPE_NONE
				      ? l->type
				      : (req != PAM_TYPE_NONE ? req : PAM_TYPE_AUTH);
			if (req != PAM_TYPE_NONE && eff != req)
				continue;
			if (wk->want != PAM_TYPE_NONE && eff != wk->want)
				continue;
		}
		target = f->targets != NULL ? f->targets[li] : PAM_NO_FILE;
		if (l->kind == PAM_LINE_MODULE || target == PAM_NO_FILE) {
			if ((r = push_entry(wk, f, l, depth,
					    l->kind != PAM_LINE_MODULE && l->module != NULL)) != 0)
				return r;
			continue;
		}
		before = wk->out != NULL ? wk->out->n : 0;
		if ((r = push_entry(wk, f, l, depth, false)) != 0)
			return r;
		wk->chain_line[depth] = l->line;
		for (d = 0; d <= depth; d++) {
			if (wk->chain[d] == target) {
				chain_message(wk, depth, target, "include cycle");
				return MFA_ERR_TOO_DEEP;
			}
		}
		if (depth + 1 >= PAM_SERVICES_MAX_DEPTH) {
			chain_message(wk, depth, target, "includes nested deeper than 16 files");
			return MFA_ERR_TOO_DEEP;
		}
		next = l->kind == PAM_LINE_AT_INCLUDE ? req : eff;
		if ((r = walk_file(wk, target, next, depth + 1, NULL)) != 0)
			return r;
		/* an @include that gave nothing of the wanted type is noise */
		if (wk->out != NULL && l->kind == PAM_LINE_AT_INCLUDE && wk->out->n == before + 1)
			wk->out->n = before;
	}
	return 0;
}

static int
walk_service(const struct pam_host *host, size_t si, enum pam_type want, struct pam_stack *out,
	     size_t *capp, struct mfa_parse_err *perr)
{
	struct walker wk;
	const struct pam_service *s = &host->services[si];
	int r;

	memset(&wk, 0, sizeof(wk));
	wk.host = host;
	wk.want = want;
	wk.out = out;
	wk.cap = capp != NULL ? *capp : 0;
	wk.perr = perr;
	r = walk_file(&wk, s->file, PAM_TYPE_NONE, 0, host->pam_conf_mode ? s->name : NULL);
	if (r == MFA_ERR_NOMEM) {
		mfa_parse_err_init(perr, s->path);
		mfa_parse_err_set(perr, 0, 0, "out of memory");
	}
	if (capp != NULL)
		*capp = wk.cap;
	return r;
}

/* Does the stack hold a handler (libpam adds none for an include that worked)? */
static bool
has_handler(const struct pam_stack *st)
{
	size_t i;

	for (i = 0; i < st->n; i++) {
		const struct pam_stack_entry *e = &st->entries[i];

		if (e->line->kind == PAM_LINE_MODULE || e->line->kind == PAM_LINE_SUBSTACK ||
		    e->target_missing || e->line->broken != NULL)
			return true;
	}
	return false;
}

int
pam_service_stack(const struct pam_host *host, size_t service, enum pam_type type,
		  struct pam_stack *out, struct mfa_parse_err *perr)
{
	struct pam_stack st = {NULL, 0, false};
	size_t cap = 0, other;
	int r;

	if (host == NULL || out == NULL || service >= host->nservices || type == PAM_TYPE_NONE)
		return MFA_ERR_INVALID_ARG;
	if ((r = walk_service(host, service, type, &st, &cap, perr)) != 0)
		goto out;
	if (!has_handler(&st) && strcasecmp(host->services[service].name, "other") != 0 &&
	    pam_host_find_service(host, "other", &other) == 0) {
		pam_stack_clear(&st);
		cap = 0;
		if ((r = walk_service(host, other, type, &st, &cap, perr)) != 0)
			goto out;
		st.from_other = true;
	}
	*out = st;
	st.entries = NULL;
	r = 0;
out:
	pam_stack_clear(&st);
	return r;
}

int
pam_host_find_service(const struct pam_host *host, const char *name, size_t *indexp)
{
	size_t i;

	if (host == NULL || name == NULL || indexp == NULL)
		return MFA_ERR_INVALID_ARG;
	for (i = 0; i < host->nservices; i++) {
		if (strcasecmp(host->services[i].name, name) == 0) {
			*indexp = i;
			return 0;
		}
	}
	return MFA_ERR_NOT_FOUND;
}

int
pam_services_load(const char *root, struct pam_host **hostp, struct mfa_parse_err *perr)
{
	struct loader ld;
	size_t i;
	int have_etc, have_vendor, r;

	memset(&ld, 0, sizeof(ld));
	ld.rootfd = -1;
	mfa_parse_err_init(perr, root);
	if (root == NULL || hostp == NULL) {
		mfa_parse_err_set(perr, 0, 0, "no root directory given");
		return MFA_ERR_INVALID_ARG;
	}
	if ((ld.host = calloc(1, sizeof(*ld.host))) == NULL ||
	    (ld.host->root = strdup(root)) == NULL) {
		r = MFA_ERR_NOMEM;
		mfa_parse_err_set(perr, 0, 0, "out of memory");
		goto out;
	}
	if ((r = root_fs_open_root(root, &ld.rootfd, perr)) != 0) {
		char msg[MFA_PARSE_ERR_MSG_MAX];

		/* the root is a path on this machine, not inside the root */
		snprintf(msg, sizeof(msg), "%s", perr != NULL ? perr->msg : "");
		mfa_parse_err_init(perr, NULL);
		mfa_parse_err_set(perr, 0, 0, "root %s: %s", root, msg);
		goto out;
	}
	if ((have_etc = is_dir(&ld, ETC_PAMD, perr)) < 0) {
		r = have_etc;
		goto out;
	}
	if ((have_vendor = is_dir(&ld, VENDOR_PAMD, perr)) < 0) {
		r = have_vendor;
		goto out;
	}
	if (have_etc || have_vendor)
		r = load_pamd_services(&ld, have_etc, have_vendor, perr);
	else
		r = load_pamconf_services(&ld, perr);
	if (r != 0 || (r = link_includes(&ld, perr)) != 0)
		goto out;
	if (ld.host->nservices > 1)
		qsort(ld.host->services, ld.host->nservices, sizeof(*ld.host->services),
		      cmp_service);
	/* nesting and cycles, every type */
	for (i = 0; i < ld.host->nservices; i++)
		if ((r = walk_service(ld.host, i, PAM_TYPE_NONE, NULL, NULL, perr)) != 0)
			goto out;
	*hostp = ld.host;
	ld.host = NULL;
	r = 0;
out:
	if (r == MFA_ERR_NOMEM && perr != NULL && perr->msg[0] == '\0')
		mfa_parse_err_set(perr, 0, 0, "out of memory");
	if (ld.rootfd >= 0)
		close(ld.rootfd);
	pam_host_free(&ld.host);
	return r;
}
