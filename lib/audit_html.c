/*
 * audit_html.c - the audit report as one self-contained HTML page.
 *
 * Literal markup is written with fputs; every value from the report goes
 * through esc() (host text) or a fixed "%zu"/"%u" format (numbers).  No
 * format string is ever built from the report.
 */
#include "audit_html.h"

#include <string.h>

#include "audit_output.h"
#include "mfa_version.h"
#include "utf8.h"

/*
 * The page's only style sheet.  Colours come with words (covered, GAP, n/a)
 * and with weights and borders, so nothing depends on seeing colour.
 */
static const char style_sheet[] =
	"<style>\n"
	":root{--ok-bg:#ccf0d6;--ok-fg:#0b4d1e;--gap-bg:#f8c9c9;--gap-fg:#7a0010;"
	"--na-bg:#eeeeee;--na-fg:#555555;--line:#b8b8b8}\n"
	"body{font-family:system-ui,'DejaVu Sans',Arial,sans-serif;margin:1.5em auto;"
	"max-width:80em;padding:0 1em;color:#111;line-height:1.4}\n"
	"h1{font-size:1.6em;margin:0 0 .4em}h2{font-size:1.25em;margin:1.6em 0 .5em;"
	"border-bottom:2px solid var(--line);padding-bottom:.2em}h3{font-size:1.05em;margin:0 0 .3em}\n"
	"table{border-collapse:collapse;margin:.3em 0}th,td{border:1px solid var(--line);"
	"padding:.25em .5em;text-align:left;vertical-align:top}thead th{background:#f4f4f4}\n"
	"table.facts th{background:#f4f4f4;width:9em}\n"
	"code,.mono{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:.92em}\n"
	".verdict{font-size:1.3em;padding:.5em .8em;margin:.8em 0;border:3px solid}\n"
	".verdict.covered{background:var(--ok-bg);color:var(--ok-fg);border-style:solid}\n"
	".verdict.gaps{background:var(--gap-bg);color:var(--gap-fg);border-style:double;"
	"border-width:6px}\n"
	".scroll{overflow-x:auto}\n"
	"table.matrix td.cell{text-align:center;min-width:5.5em}\n"
	".c-ok{background:var(--ok-bg);color:var(--ok-fg)}\n"
	".c-gap{background:var(--gap-bg);color:var(--gap-fg);font-weight:bold;"
	"border:2px solid var(--gap-fg)}\n"
	".c-gap a{color:inherit}\n"
	".c-na{background:var(--na-bg);color:var(--na-fg);font-style:italic}\n"
	".legend span{display:inline-block;padding:0 .5em;margin:0 .4em 0 1em;"
	"border:1px solid var(--line)}\n"
	"article.gap{border:1px solid var(--line);border-left:6px solid var(--gap-fg);"
	"padding:.5em .8em;margin:.8em 0}\n"
	".reason{margin:.2em 0 .4em}\n"
	"ol.witness{margin:.2em 0;padding-left:2em}ol.witness li{margin:.1em 0}\n"
	".loc{font-weight:bold;white-space:nowrap}\n"
	"table.files td.sha{word-break:break-all}\n"
	".sev-high{font-weight:bold;color:var(--gap-fg)}\n"
	"footer{margin-top:2em;color:#555;font-size:.9em}\n"
	"@page{size:A4;margin:14mm}\n"
	"@media print{body{max-width:none;margin:0;padding:0;font-size:9.5pt}"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
	".scroll{overflow:visible}a{color:inherit;text-decoration:none}"
	"thead{display:table-header-group}tr,article.gap,.verdict{break-inside:avoid}"
	"h2,h3{break-after:avoid}}\n"
	"</style>\n";

int
audit_html_escape(FILE *fp, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0, n, k;

	if (str == NULL)
		return MFA_OK;
	n = strlen(str);
	while (i < n) {
		unsigned char c = s[i];
		const char *rep;

		if (c >= 0x80 && (k = utf8_valid_len(s + i, n - i)) > 0) {
			i += k;
			continue;
		}
		switch (c) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		case '\t':
		case '\n':
			rep = NULL;
			break;
		default:
			rep = c < 0x20 || c >= 0x7f ? "&#xFFFD;" : NULL;
			break;
		}
		if (rep == NULL) {
			i++;
			continue;
		}
		if ((i > run && fwrite(str + run, 1, i - run, fp) != i - run) || fputs(rep, fp) < 0)
			return MFA_ERR_IO;
		run = ++i;
	}
	if (i > run && fwrite(str + run, 1, i - run, fp) != i - run)
		return MFA_ERR_IO;
	return MFA_OK;
}

/* Host text; errors are caught by ferror() at the end. */
static void
esc(FILE *fp, const char *s)
{
	(void)audit_html_escape(fp, s);
}

/* file:line, or nothing for an entry that is not a line. */
static void
location(FILE *fp, const char *file, unsigned line)
{
	if (file == NULL)
		return;
	fputs("<code class=\"loc\">", fp);
	esc(fp, file);
	fprintf(fp, ":%u</code>", line);
}

static void
write_head(FILE *fp, const struct audit_report *r, const struct audit_matrix *m)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"mfacover-audit " MFACOVER_VERSION "\">\n"
	      "<title>Second-factor audit of ",
	      fp);
	esc(fp, r->host != NULL ? r->host : r->root);
	fputs(r->covered ? ": covered" : ": gaps", fp);
	fputs("</title>\n", fp);
	fputs(style_sheet, fp);
	fputs("</head>\n<body>\n<header>\n<h1>Second-factor audit of <span id=\"host\">", fp);
	esc(fp, r->host != NULL ? r->host : "an unnamed host");
	fputs("</span></h1>\n<table class=\"facts\">\n<tr><th scope=\"row\">Host</th><td>", fp);
	if (r->host != NULL)
		esc(fp, r->host);
	else
		fputs("unknown (no /etc/hostname under the root)", fp);
	fputs("</td></tr>\n<tr><th scope=\"row\">Date (UTC)</th><td>", fp);
	if (r->date != NULL) {
		fputs("<time id=\"date\" datetime=\"", fp);
		esc(fp, r->date);
		fputs("\">", fp);
		esc(fp, r->date);
		fputs("</time>", fp);
	} else {
		fputs("unknown", fp);
	}
	fputs("</td></tr>\n<tr><th scope=\"row\">Root</th><td><code id=\"root\">", fp);
	esc(fp, r->root);
	fputs("</code></td></tr>\n<tr><th scope=\"row\">Auditor</th><td>mfacover-audit " MFACOVER_VERSION
	      " (report schema " AUDIT_SCHEMA ")</td></tr>\n</table>\n",
	      fp);
	if (r->covered)
		fprintf(fp,
			"<p id=\"verdict\" class=\"verdict covered\"><strong>Verdict: COVERED</strong>"
			" &mdash; all %zu admin paths require a second factor.</p>\n",
			m->nadmin_paths);
	else
		fprintf(fp,
			"<p id=\"verdict\" class=\"verdict gaps\"><strong>Verdict: GAPS</strong>"
			" &mdash; %zu of %zu admin paths do not require a second factor.</p>\n",
			m->ngaps, m->nadmin_paths);
	if (r->incomplete != NULL) {
		fputs("<p id=\"incomplete\" class=\"verdict gaps\">Not every account was seen: ",
		      fp);
		esc(fp, r->incomplete);
		fputs(".</p>\n", fp);
	}
	fputs("</header>\n<main>\n", fp);
}

static void
write_accounts(FILE *fp, const struct audit_report *r, const struct audit_matrix *m)
{
	size_t i, j;

	fputs("<section id=\"accounts\">\n<h2>Admin accounts</h2>\n", fp);
	if (m->nadmins == 0) {
		fputs("<p>None.</p>\n</section>\n", fp);
		return;
	}
	fputs("<table>\n<thead><tr><th scope=\"col\">Account</th><th scope=\"col\">UID</th>"
	      "<th scope=\"col\">Source</th><th scope=\"col\">Admin because</th>"
	      "<th scope=\"col\">Second factor enrolled</th><th scope=\"col\">Login shell</th>"
	      "</tr></thead>\n<tbody>\n",
	      fp);
	for (i = 0; i < r->naccounts; i++) {
		const struct audit_account *a = &r->accounts[i];

		if (a->nadmin_via == 0)
			continue;
		fputs("<tr><td><code>", fp);
		esc(fp, a->name);
		if (a->uid == AUDIT_UID_UNKNOWN)
			fputs("</code></td><td>none</td><td>", fp);
		else
			fprintf(fp, "</code></td><td>%u</td><td>", a->uid);
		esc(fp, a->source);
		fputs("</td><td>", fp);
		for (j = 0; j < a->nadmin_via; j++) {
			if (j > 0)
				fputs("<br>", fp);
			esc(fp, a->admin_via[j]);
		}
		fputs("</td><td>", fp);
		for (j = 0; j < a->nenrolled_in; j++) {
			if (j > 0)
				fputs("<br>", fp);
			esc(fp, a->enrolled_in[j]);
		}
		if (a->nenrolled_in == 0)
			fputs("no factor found", fp);
		fputs(a->can_login ? "</td><td>yes</td></tr>\n" : "</td><td>no</td></tr>\n", fp);
	}
	fputs("</tbody>\n</table>\n</section>\n", fp);
}

static void
write_matrix(FILE *fp, const struct audit_matrix *m)
{
	size_t i, j;

	fputs("<section id=\"matrix\">\n<h2>Accounts &times; paths</h2>\n"
	      "<p class=\"legend\"><span class=\"c-ok\">covered</span>a second factor is "
	      "required<span class=\"c-gap\">GAP</span>it is not<span class=\"c-na\">n/a</span>"
	      "no such path</p>\n",
	      fp);
	if (m->nlabels == 0 || m->nadmins == 0) {
		fputs("<p>No admin path was found.</p>\n</section>\n", fp);
		return;
	}
	fputs("<div class=\"scroll\">\n<table class=\"matrix\">\n<thead><tr>"
	      "<th scope=\"col\">Path</th>",
	      fp);
	for (j = 0; j < m->nadmins; j++) {
		fputs("<th scope=\"col\"><code>", fp);
		esc(fp, m->admins[j]);
		fputs("</code></th>", fp);
	}
	fputs("</tr></thead>\n<tbody>\n", fp);
	for (i = 0; i < m->nlabels; i++) {
		fputs("<tr><th scope=\"row\"><code>", fp);
		esc(fp, m->labels[i]);
		fputs("</code></th>", fp);
		for (j = 0; j < m->nadmins; j++) {
			size_t gap = 0;

			switch (audit_matrix_cell(m, i, m->admins[j], &gap)) {
			case AUDIT_CELL_GAP:
				fprintf(fp,
					"<td class=\"cell c-gap\"><a href=\"#gap-%zu\">GAP</a></td>",
					gap);
				break;
			case AUDIT_CELL_COVERED:
				fputs("<td class=\"cell c-ok\">covered</td>", fp);
				break;
			case AUDIT_CELL_NA:
				fputs("<td class=\"cell c-na\">n/a</td>", fp);
				break;
			}
		}
		fputs("</tr>\n", fp);
	}
	fputs("</tbody>\n</table>\n</div>\n</section>\n", fp);
}

static void
write_gaps(FILE *fp, const struct audit_report *r, const struct audit_matrix *m)
{
	size_t i, j, n = 0;

	fprintf(fp, "<section id=\"gaps\">\n<h2>Gaps (%zu)</h2>\n", m->ngaps);
	if (m->ngaps == 0)
		fputs("<p>None: every admin path requires a second factor.</p>\n", fp);
	for (i = 0; i < r->npaths; i++) {
		const struct audit_path *p = &r->paths[i];
		char label[AUDIT_LABEL_MAX];

		if (!p->admin_path || p->covered)
			continue;
		audit_path_label(p, label, sizeof(label));
		fprintf(fp, "<article class=\"gap\" id=\"gap-%zu\">\n<h3>[%zu] <code>", i, ++n);
		esc(fp, label);
		fputs("</code>, account <code>", fp);
		esc(fp, p->account);
		fputs("</code>", fp);
		if (p->detail != NULL) {
			fputs(" (", fp);
			esc(fp, p->detail);
			fputs(")", fp);
		}
		fputs("</h3>\n<p class=\"reason\"><strong>Reason:</strong> ", fp);
		esc(fp, p->reason);
		fputs("</p>\n", fp);
		if (p->nevidence > 0)
			fputs("<p>Witness path (the evidence, line by line):</p>\n"
			      "<ol class=\"witness\">\n",
			      fp);
		for (j = 0; j < p->nevidence; j++) {
			const struct audit_evidence *e = &p->evidence[j];

			fputs("<li>", fp);
			location(fp, e->file, e->line);
			fputs(e->file != NULL ? " <code>" : "<code>", fp);
			esc(fp, e->text);
			fputs("</code></li>\n", fp);
		}
		if (p->nevidence > 0)
			fputs("</ol>\n", fp);
		fputs("</article>\n", fp);
	}
	fputs("</section>\n", fp);
}

/* Per admin path: how strong its second factor is, and the lines that say so. */
static void
write_factors(FILE *fp, const struct audit_report *r)
{
	size_t i, j, n = 0;

	for (i = 0; i < r->npaths; i++) {
		const struct audit_path *p = &r->paths[i];
		char label[AUDIT_LABEL_MAX];

		if (!audit_path_shows_factor(p))
			continue;
		if (n++ == 0)
			fputs("<section id=\"factors\">\n<h2>Second factor per admin path</h2>\n"
			      "<p>Phishing-resistant: a FIDO2/U2F security key (pam_u2f, "
			      "pam_mfacover <code>factors=fido2</code>) or an ssh FIDO key "
			      "(<code>sk-ecdsa-sha2-nistp256@openssh.com</code>, "
			      "<code>sk-ssh-ed25519@openssh.com</code>) that must be touched. "
			      "A path counts with its weakest way in.</p>\n"
			      "<div class=\"scroll\">\n<table>\n<thead><tr>"
			      "<th scope=\"col\">Path</th><th scope=\"col\">Account</th>"
			      "<th scope=\"col\">Second factor</th>"
			      "<th scope=\"col\">Phishing-resistant</th>"
			      "<th scope=\"col\">Authorized keys (ssh)</th>"
			      "<th scope=\"col\">Evidence</th></tr></thead>\n<tbody>\n",
			      fp);
		audit_path_label(p, label, sizeof(label));
		fputs("<tr><td><code>", fp);
		esc(fp, label);
		fputs("</code>", fp);
		if (p->detail != NULL) {
			fputs(" (", fp);
			esc(fp, p->detail);
			fputs(")", fp);
		}
		fputs("</td><td><code>", fp);
		esc(fp, p->account);
		fputs("</code></td><td>", fp);
		esc(fp, p->factor != AUDIT_FACTOR_UNKNOWN ? audit_factor_text(p->factor)
							  : "nobody logs in");
		fputs(audit_factor_phishing_resistant(p->factor) ? "</td><td>yes</td><td>"
								 : "</td><td>no</td><td>",
		      fp);
		if (p->ssh_keys != NULL) {
			fputs("<code>", fp);
			esc(fp, p->ssh_keys);
			fputs("</code>", fp);
		}
		fputs("</td><td>", fp);
		for (j = 0; j < p->nevidence; j++) {
			const struct audit_evidence *e = &p->evidence[j];

			if (!e->strength)
				continue;
			location(fp, e->file, e->line);
			fputs(e->file != NULL ? " " : "", fp);
			esc(fp, e->text);
			fputs("<br>", fp);
		}
		fputs("</td></tr>\n", fp);
	}
	if (n > 0)
		fputs("</tbody>\n</table>\n</div>\n</section>\n", fp);
}

static void
write_findings(FILE *fp, const struct audit_report *r)
{
	size_t i;

	fprintf(fp, "<section id=\"findings\">\n<h2>Findings (%zu)</h2>\n", r->nfindings);
	if (r->nfindings == 0) {
		fputs("<p>None.</p>\n</section>\n", fp);
		return;
	}
	fputs("<table>\n<thead><tr><th scope=\"col\">Severity</th><th scope=\"col\">Finding</th>"
	      "<th scope=\"col\">What</th><th scope=\"col\">Where</th></tr></thead>\n<tbody>\n",
	      fp);
	for (i = 0; i < r->nfindings; i++) {
		const struct audit_finding *f = &r->findings[i];

		fputs(strcmp(f->severity, "high") == 0 ? "<tr><td class=\"sev-high\">" : "<tr><td>",
		      fp);
		esc(fp, f->severity);
		fputs("</td><td><code>", fp);
		esc(fp, f->id);
		fputs("</code></td><td>", fp);
		esc(fp, f->message);
		fputs("</td><td>", fp);
		location(fp, f->file, f->line);
		fputs("</td></tr>\n", fp);
	}
	fputs("</tbody>\n</table>\n</section>\n", fp);
}

static void
write_other_services(FILE *fp, const struct audit_report *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->npaths; i++) {
		const struct audit_path *p = &r->paths[i];

		if (p->admin_path)
			continue;
		if (n++ == 0)
			fputs("<section id=\"other-services\">\n"
			      "<h2>Services that open no access (reported, not counted)</h2>\n<ul>\n",
			      fp);
		fputs("<li><code>", fp);
		esc(fp, p->service);
		fputs("</code>, account <code>", fp);
		esc(fp, p->account);
		fputs(p->covered ? "</code>: " : "</code>: no second factor: ", fp);
		esc(fp, p->reason);
		fputs("</li>\n", fp);
	}
	if (n > 0)
		fputs("</ul>\n</section>\n", fp);
}

static void
write_notes(FILE *fp, const struct audit_report *r)
{
	size_t i;

	fputs("<section id=\"notes\">\n<h2>Notes</h2>\n", fp);
	if (r->nnotes == 0)
		fputs("<p>None.</p>\n", fp);
	else
		fputs("<ul>\n", fp);
	for (i = 0; i < r->nnotes; i++) {
		fputs("<li>", fp);
		esc(fp, r->notes[i]);
		fputs("</li>\n", fp);
	}
	if (r->nnotes > 0)
		fputs("</ul>\n", fp);
	fputs("</section>\n", fp);
}

static void
write_files(FILE *fp, const struct audit_report *r)
{
	size_t i;

	fprintf(fp,
		"<section id=\"files\">\n<h2>Files read (%zu)</h2>\n"
		"<p>Every file the audit read, as named inside the root with links resolved, "
		"and the SHA-256 of the bytes it read. To check the host later: "
		"<code>sha256sum ROOT/path</code> must print the same.</p>\n",
		r->nfiles);
	if (r->nfiles == 0) {
		fputs("</section>\n", fp);
		return;
	}
	fputs("<table class=\"files\">\n<thead><tr><th scope=\"col\">Path</th>"
	      "<th scope=\"col\">Bytes</th><th scope=\"col\">SHA-256</th></tr></thead>\n<tbody>\n",
	      fp);
	for (i = 0; i < r->nfiles; i++) {
		const struct file_journal_entry *f = &r->files[i];

		fputs("<tr><td><code>", fp);
		esc(fp, f->path);
		fputs("</code>", fp);
		if (f->changed)
			fputs(" <strong>(changed while the audit read it)</strong>", fp);
		fprintf(fp, "</td><td>%llu</td><td class=\"sha\"><code>",
			(unsigned long long)f->size);
		esc(fp, f->sha256);
		fputs("</code></td></tr>\n", fp);
	}
	fputs("</tbody>\n</table>\n</section>\n", fp);
}

int
audit_write_html(FILE *fp, const struct audit_report *r)
{
	struct audit_matrix m;
	int rc;

	if (fp == NULL || r == NULL)
		return MFA_ERR_INVALID_ARG;
	if ((rc = audit_matrix_build(r, &m)) != MFA_OK)
		return rc;
	write_head(fp, r, &m);
	write_accounts(fp, r, &m);
	write_matrix(fp, &m);
	write_gaps(fp, r, &m);
	write_factors(fp, r);
	write_findings(fp, r);
	write_other_services(fp, r);
	write_notes(fp, r);
	write_files(fp, r);
	fputs("</main>\n<footer>Written by mfacover-audit " MFACOVER_VERSION
	      ". Self-contained: no script, style sheet, font or image is loaded from "
	      "anywhere.</footer>\n</body>\n</html>\n",
	      fp);
	audit_matrix_clear(&m);
	if (fflush(fp) != 0 || ferror(fp))
		return MFA_ERR_IO;
	return MFA_OK;
}
