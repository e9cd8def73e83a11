/*
 * audit_output.c - the text and JSON forms of an audit report.
 */
#include "audit_output.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_writer.h"
#include "mfa_version.h"

/* ---- text ------------------------------------------------------------------- */

void
audit_path_label(const struct audit_path *p, char *buf, size_t size)
{
	if (p->kind == AUDIT_PATH_SSH && strcmp(p->service, "sshd") == 0)
		snprintf(buf, size, "ssh");
	else if (p->kind == AUDIT_PATH_PAM || p->kind == AUDIT_PATH_VPN)
		snprintf(buf, size, "%s:%s", audit_path_kind_name(p->kind), p->service);
	else if (strcmp(audit_path_kind_name(p->kind), p->service) == 0)
		snprintf(buf, size, "%s", p->service);
	else
		snprintf(buf, size, "%s:%s", audit_path_kind_name(p->kind), p->service);
}

static void
print_evidence(FILE *fp, const struct audit_path *p)
{
	size_t i;

	for (i = 0; i < p->nevidence; i++) {
		const struct audit_evidence *e = &p->evidence[i];

		if (e->file != NULL)
			fprintf(fp, "        %s:%u: %s\n", e->file, e->line, e->text);
		else
			fprintf(fp, "        %s\n", e->text);
	}
}

/* The admin paths with this row and account, in m->sorted: [*lo, *hi). */
static void
cell_range(const struct audit_matrix *m, size_t row, const char *acct, size_t *lo, size_t *hi)
{
	const struct audit_path *paths = m->report->paths;
	size_t a = 0, b = m->nsorted, mid;

	while (a < b) { /* the first path not before (row, acct) */
		const struct audit_path *p = &paths[m->sorted[mid = a + (b - a) / 2]];
		size_t prow = m->row_of[m->sorted[mid]];

		if (prow < row || (prow == row && strcmp(p->account, acct) < 0))
			a = mid + 1;
		else
			b = mid;
	}
	*lo = a;
	while (a < m->nsorted && m->row_of[m->sorted[a]] == row &&
	       strcmp(paths[m->sorted[a]].account, acct) == 0)
		a++;
	*hi = a;
}

enum audit_cell
audit_matrix_cell(const struct audit_matrix *m, size_t row, const char *acct, size_t *gapp)
{
	const char *const accts[] = {acct, "*"};
	enum audit_cell v = AUDIT_CELL_NA;
	size_t k, i, lo, hi, gap = SIZE_MAX;

	for (k = 0; k < 2; k++) {
		if (k == 1 && strcmp(acct, "*") == 0)
			break;
		cell_range(m, row, accts[k], &lo, &hi);
		for (i = lo; i < hi; i++) {
			size_t pi = m->sorted[i];

			if (!m->report->paths[pi].covered) {
				if (pi < gap)
					gap = pi;
				v = AUDIT_CELL_GAP;
			} else if (v == AUDIT_CELL_NA) {
				v = AUDIT_CELL_COVERED;
			}
		}
	}
	if (v == AUDIT_CELL_GAP && gapp != NULL)
		*gapp = gap;
	return v;
}

void
audit_matrix_clear(struct audit_matrix *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nlabels; i++)
		free(m->labels[i]);
	free(m->labels);
	free(m->admins);
	free(m->row_of);
	free(m->sorted);
	memset(m, 0, sizeof(*m));
}

static size_t
label_hash(const char *s)
{
	size_t h = 5381;

	for (; *s != '\0'; s++)
		h = h * 33 + (unsigned char)*s;
	return h;
}

static int
by_row_account(const void *a, const void *b, void *arg)
{
	const struct audit_matrix *m = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c;

	if (m->row_of[i] != m->row_of[j])
		return m->row_of[i] < m->row_of[j] ? -1 : 1;
	if ((c = strcmp(m->report->paths[i].account, m->report->paths[j].account)) != 0)
		return c;
	return i < j ? -1 : i > j;
}

int
audit_matrix_build(const struct audit_report *r, struct audit_matrix *m)
{
	size_t *slot = NULL, cap = 16, i, j;
	int rc = MFA_OK;

	memset(m, 0, sizeof(*m));
	m->report = r;
	while (cap < 2 * (r->npaths + 1))
		cap *= 2;
	if ((m->admins = calloc(r->naccounts + 1, sizeof(*m->admins))) == NULL ||
	    (m->labels = calloc(r->npaths + 1, sizeof(*m->labels))) == NULL ||
	    (m->row_of = calloc(r->npaths + 1, sizeof(*m->row_of))) == NULL ||
	    (m->sorted = calloc(r->npaths + 1, sizeof(*m->sorted))) == NULL ||
	    (slot = malloc(cap * sizeof(*slot))) == NULL) {
		rc = MFA_ERR_NOMEM;
		goto out;
	}
	for (j = 0; j < cap; j++)
		slot[j] = SIZE_MAX; /* labels by hash: their row */
	for (i = 0; i < r->naccounts; i++) {
		if (r->accounts[i].nadmin_via > 0)
			m->admins[m->nadmins++] = r->accounts[i].name;
	}
	for (i = 0; i < r->npaths; i++) {
		char l[AUDIT_LABEL_MAX];

		m->row_of[i] = SIZE_MAX;
		if (!r->paths[i].admin_path)
			continue;
		m->nadmin_paths++;
		if (!r->paths[i].covered)
			m->ngaps++;
		audit_path_label(&r->paths[i], l, sizeof(l));
		for (j = label_hash(l) & (cap - 1);
		     slot[j] != SIZE_MAX && strcmp(m->labels[slot[j]], l) != 0;
		     j = (j + 1) & (cap - 1))
			;
		if (slot[j] == SIZE_MAX) {
			if ((m->labels[m->nlabels] = strdup(l)) == NULL) {
				rc = MFA_ERR_NOMEM;
				goto out;
			}
			slot[j] = m->nlabels++;
		}
		m->row_of[i] = slot[j];
		m->sorted[m->nsorted++] = i;
	}
	qsort_r(m->sorted, m->nsorted, sizeof(*m->sorted), by_row_account, m);
out:
	free(slot);
	if (rc != MFA_OK)
		audit_matrix_clear(m);
	return rc;
}

static const char *
cell_word(enum audit_cell c)
{
	return c == AUDIT_CELL_GAP ? "GAP" : c == AUDIT_CELL_COVERED ? "ok" : "-";
}

int
audit_write_text(FILE *fp, const struct audit_report *r)
{
	struct audit_matrix m;
	size_t i, j, n;
	int rc;

	if ((rc = audit_matrix_build(r, &m)) != MFA_OK)
		return rc;
	fprintf(fp, "mfacover-audit %s: the host under %s\n", MFACOVER_VERSION, r->root);
	fprintf(fp, "host %s, audited %s\n",
		r->host != NULL ? r->host : "unknown (no /etc/hostname)", r->date);
	if (r->covered)
		fprintf(fp, "verdict: COVERED - all %zu admin paths require a second factor\n\n",
			m.nadmin_paths);
	else if (m.ngaps == 0 && r->incomplete != NULL)
		fprintf(fp, "verdict: GAPS - %s\n\n", r->incomplete);
	else
		fprintf(fp,
			"verdict: GAPS - %zu of %zu admin paths do not require a second factor%s%s\n\n",
			m.ngaps, m.nadmin_paths, r->incomplete != NULL ? "; and " : "",
			r->incomplete != NULL ? r->incomplete : "");

	fprintf(fp, "admin accounts:\n");
	for (i = 0; i < r->naccounts; i++) {
		const struct audit_account *a = &r->accounts[i];

		if (a->nadmin_via == 0)
			continue;
		if (a->uid == AUDIT_UID_UNKNOWN)
			fprintf(fp, "  %s (no uidNumber): ", a->name);
		else
			fprintf(fp, "  %s (uid %u): ", a->name, a->uid);
		for (j = 0; j < a->nadmin_via; j++)
			fprintf(fp, "%s%s", j > 0 ? "; " : "", a->admin_via[j]);
		fprintf(fp, "%s\n", a->can_login ? "" : " (no login shell)");
		for (j = 0; j < a->nenrolled_in; j++)
			fprintf(fp, "      enrolled: %s\n", a->enrolled_in[j]);
		if (a->nenrolled_in == 0)
			fprintf(fp, "      enrolled: no factor found\n");
	}
	if (m.nadmins == 0)
		fprintf(fp, "  none\n");

	/* The matrix: one row per path, one column per admin. */
	fprintf(fp, "\naccounts x paths (ok: a second factor is required; GAP: it is not; "
		    "-: no such path):\n");
	fprintf(fp, "  %-28s", "PATH");
	for (j = 0; j < m.nadmins; j++)
		fprintf(fp, " %-10.10s", m.admins[j]);
	fprintf(fp, "\n");
	for (i = 0; i < m.nlabels; i++) {
		fprintf(fp, "  %-28.28s", m.labels[i]);
		for (j = 0; j < m.nadmins; j++)
			fprintf(fp, " %-10s",
				cell_word(audit_matrix_cell(&m, i, m.admins[j], NULL)));
		fprintf(fp, "\n");
	}

	if (m.ngaps > 0)
		fprintf(fp, "\ngaps:\n");
	for (i = 0, n = 0; i < r->npaths; i++) {
		const struct audit_path *p = &r->paths[i];
		char l[AUDIT_LABEL_MAX];

		if (!p->admin_path || p->covered)
			continue;
		audit_path_label(p, l, sizeof(l));
		fprintf(fp, "  [%zu] %s, account %s%s%s%s\n      %s\n", ++n, l, p->account,
			p->detail != NULL ? " (" : "", p->detail != NULL ? p->detail : "",
			p->detail != NULL ? ")" : "", p->reason);
		print_evidence(fp, p);
	}

	for (i = 0, n = 0; i < r->npaths; i++) {
		const struct audit_path *p = &r->paths[i];
		char l[AUDIT_LABEL_MAX];

		if (!audit_path_shows_factor(p))
			continue;
		if (n++ == 0)
			fprintf(fp,
				"\nsecond factor per admin path (phishing-resistant: a FIDO2/U2F "
				"key, or an ssh sk- key):\n");
		audit_path_label(p, l, sizeof(l));
		fprintf(fp, "  %s, account %s%s%s%s: %s%s%s\n", l, p->account,
			p->detail != NULL ? " (" : "", p->detail != NULL ? p->detail : "",
			p->detail != NULL ? ")" : "",
			p->factor != AUDIT_FACTOR_UNKNOWN ? audit_factor_text(p->factor)
							  : "nobody logs in",
			p->ssh_keys != NULL ? "; authorized keys: " : "",
			p->ssh_keys != NULL ? p->ssh_keys : "");
		for (j = 0; j < p->nevidence; j++) {
			const struct audit_evidence *e = &p->evidence[j];

			if (!e->strength)
				continue;
			if (e->file != NULL)
				fprintf(fp, "        %s:%u: %s\n", e->file, e->line, e->text);
			else
				fprintf(fp, "        %s\n", e->text);
		}
	}

	for (i = 0, n = 0; i < r->npaths; i++) {
		const struct audit_path *p = &r->paths[i];

		if (p->admin_path)
			continue;
		if (n++ == 0)
			fprintf(fp, "\nservices that open no access (reported, not counted):\n");
		fprintf(fp, "  %s, account %s: %s%s\n", p->service, p->account,
			p->covered ? "" : "no second factor: ", p->reason);
	}
	if (r->nnotes > 0)
		fprintf(fp, "\nnotes:\n");
	for (i = 0; i < r->nnotes; i++)
		fprintf(fp, "  - %s\n", r->notes[i]);
	if (r->nfiles > 0)
		fprintf(fp,
			"\n%zu files read; --format json or html lists them with their "
			"SHA-256.\n",
			r->nfiles);
	if (ferror(fp))
		rc = MFA_ERR_IO;
	audit_matrix_clear(&m);
	return rc;
}

/* ---- JSON -------------------------------------------------------------------- */

static void
json_str_or_null(struct json_writer *w, const char *key, const char *v)
{
	json_key(w, key);
	if (v != NULL)
		json_string(w, v);
	else
		json_null(w);
}

static void
json_strlist(struct json_writer *w, const char *key, char *const *list, size_t n)
{
	size_t i;

	json_key(w, key);
	json_begin_array(w);
	for (i = 0; i < n; i++)
		json_string(w, list[i]);
	json_end_array(w);
}

int
audit_write_json(FILE *fp, const struct audit_report *r)
{
	struct json_writer *w = NULL;
	size_t i, j;
	int rc;

	if ((rc = json_writer_new_file(fp, JSON_WRITER_PRETTY, &w)) != MFA_OK)
		return rc;
	json_begin_object(w);
	json_key(w, "schema");
	json_string(w, AUDIT_SCHEMA);
	json_key(w, "version");
	json_string(w, MFACOVER_VERSION);
	json_key(w, "root");
	json_string(w, r->root);
	json_str_or_null(w, "host", r->host);
	json_str_or_null(w, "date", r->date);
	json_key(w, "verdict");
	json_string(w, r->covered ? "covered" : "gaps");
	json_str_or_null(w, "incomplete", r->incomplete);

	json_key(w, "accounts");
	json_begin_array(w);
	for (i = 0; i < r->naccounts; i++) {
		const struct audit_account *a = &r->accounts[i];

		if (a->nadmin_via == 0)
			continue;
		json_begin_object(w);
		json_key(w, "name");
		json_string(w, a->name);
		json_key(w, "uid");
		if (a->uid == AUDIT_UID_UNKNOWN)
			json_null(w);
		else
			json_uint(w, a->uid);
		json_key(w, "source");
		json_string(w, a->source);
		json_strlist(w, "admin_via", a->admin_via, a->nadmin_via);
		json_key(w, "enrolled");
		json_bool(w, a->enrolled);
		json_strlist(w, "enrolled_in", a->enrolled_in, a->nenrolled_in);
		json_key(w, "can_login");
		json_bool(w, a->can_login);
		json_end_object(w);
	}
	json_end_array(w);

	json_key(w, "paths");
	json_begin_array(w);
	for (i = 0; i < r->npaths; i++) {
		const struct audit_path *p = &r->paths[i];

		json_begin_object(w);
		json_key(w, "kind");
		json_string(w, audit_path_kind_name(p->kind));
		json_key(w, "service");
		json_string(w, p->service);
		json_key(w, "account");
		json_string(w, p->account);
		json_str_or_null(w, "detail", p->detail);
		json_key(w, "admin_path");
		json_bool(w, p->admin_path);
		json_key(w, "covered");
		json_bool(w, p->covered);
		json_str_or_null(w, "reason", p->reason);
		json_str_or_null(w, "second_factor", audit_factor_name(p->factor));
		json_key(w, "phishing_resistant");
		json_bool(w, audit_factor_phishing_resistant(p->factor));
		json_str_or_null(w, "ssh_keys", p->ssh_keys);
		json_key(w, "evidence");
		json_begin_array(w);
		for (j = 0; j < p->nevidence; j++) {
			json_begin_object(w);
			json_str_or_null(w, "file", p->evidence[j].file);
			json_key(w, "line");
			if (p->evidence[j].file != NULL)
				json_uint(w, p->evidence[j].line);
			else
				json_null(w);
			json_key(w, "text");
			json_string(w, p->evidence[j].text);
			json_end_object(w);
		}
		json_end_array(w);
		json_end_object(w);
	}
	json_end_array(w);

	json_key(w, "findings");
	json_begin_array(w);
	for (i = 0; i < r->nfindings; i++) {
		const struct audit_finding *f = &r->findings[i];

		json_begin_object(w);
		json_key(w, "id");
		json_string(w, f->id);
		json_key(w, "severity");
		json_string(w, f->severity);
		json_key(w, "message");
		json_string(w, f->message);
		json_str_or_null(w, "file", f->file);
		json_key(w, "line");
		if (f->file != NULL)
			json_uint(w, f->line);
		else
			json_null(w);
		json_end_object(w);
	}
	json_end_array(w);
	json_strlist(w, "notes", r->notes, r->nnotes);

	json_key(w, "files");
	json_begin_array(w);
	for (i = 0; i < r->nfiles; i++) {
		const struct file_journal_entry *f = &r->files[i];

		json_begin_object(w);
		json_key(w, "path");
		json_string(w, f->path);
		json_key(w, "size");
		json_uint(w, f->size);
		json_key(w, "sha256");
		json_string(w, f->sha256);
		json_key(w, "changed");
		json_bool(w, f->changed);
		json_end_object(w);
	}
	json_end_array(w);
	json_end_object(w);
	rc = json_writer_finish(w);
	json_writer_free(&w);
	return rc;
}
