/*
 * test_audit_html.c - the HTML report: exact escaping of host text, no
 * markup injected by a hostile report, nothing loaded from elsewhere, and
 * what a reader must find (verdict, matrix cells, gaps with evidence, files).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "audit_html.h"

/* audit_html_escape(in) into memory; the text is returned, to be freed. */
static char *
render_escape(const char *in)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	assert_int_equal(audit_html_escape(fp, in), MFA_OK);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

static char *
render_report(const struct audit_report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	assert_int_equal(audit_write_html(fp, r), MFA_OK);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(strlen(buf), len); /* no NUL inside */
	return buf;
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;
	const char *p;

	for (p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* Cut every occurrence of needle out of s. */
static void
strip(char *s, const char *needle)
{
	size_t n = strlen(needle);
	char *p;

	while ((p = strstr(s, needle)) != NULL)
		memmove(p, p + n, strlen(p + n) + 1);
}

static const struct {
	const char *in;
	const char *out;
} escape_cases[] = {
	{"plain text", "plain text"},
	{"", ""},
	{"a<b>c", "a&lt;b&gt;c"},
	{"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
	{"Tom & Jerry", "Tom &amp; Jerry"},
	{"&amp;", "&amp;amp;"},
	{"\"quoted\" 'single'", "&quot;quoted&quot; &#39;single&#39;"},
	{"x\" onmouseover=\"alert(1)", "x&quot; onmouseover=&quot;alert(1)"},
	{"tab\tand\nnewline", "tab\tand\nnewline"},
	/* control characters: U+FFFD, never raw */
	{"esc\x1b[31m", "esc&#xFFFD;[31m"},
	{"cr\r", "cr&#xFFFD;"},
	{"del\x7f", "del&#xFFFD;"},
	/* valid UTF-8 passes; invalid bytes become U+FFFD one by one */
	{"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91"},
	{"a\xff<", "a&#xFFFD;&lt;"},
	{"\xc3<", "&#xFFFD;&lt;"},
	{"\xe0\x80\xaf", "&#xFFFD;&#xFFFD;&#xFFFD;"},
	{"\xed\xa0\x80", "&#xFFFD;&#xFFFD;&#xFFFD;"},
};

static void
test_escape_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(escape_cases) / sizeof(escape_cases[0]); i++) {
		char *out = render_escape(escape_cases[i].in);

		if (strcmp(out, escape_cases[i].out) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, out, escape_cases[i].out);
		free(out);
	}
	/* NULL writes nothing */
	{
		char *out = render_escape(NULL);

		assert_string_equal(out, "");
		free(out);
	}
}

#define HOSTILE "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&"
#define HOSTILE_ESCAPED                                                                            \
	"&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#39;"       \
	"&amp;"

static void
add_account(struct audit_report *r, const char *name, unsigned uid, const char *via)
{
	struct audit_account *a = &r->accounts[r->naccounts++];

	assert_non_null(a->name = strdup(name));
	a->uid = uid;
	a->source = "local";
	a->can_login = true;
	if (via != NULL)
		assert_int_equal(audit_strlist_add(&a->admin_via, &a->nadmin_via, "%s", via),
				 MFA_OK);
}

/* A report with a hostile string in every field that comes from the host. */
static struct audit_report *
hostile_report(void)
{
	struct audit_report *r = calloc(1, sizeof(*r));
	struct audit_path *p;

	assert_non_null(r);
	assert_non_null(r->root = strdup("/mnt/" HOSTILE));
	assert_non_null(r->host = strdup(HOSTILE));
	assert_non_null(r->date = strdup("2025-06-01T12:00:00Z"));
	assert_non_null(r->accounts = calloc(3, sizeof(*r->accounts)));
	add_account(r, "root", 0, "uid 0");
	add_account(r, HOSTILE, 1000, "member of " HOSTILE);
	add_account(r, "nobody-admin", 65534, NULL); /* no reason: not an admin */

	p = audit_add_path(r, AUDIT_PATH_LOGIN, "login", "root", NULL);
	assert_non_null(p);
	p->admin_path = true;
	assert_int_equal(audit_path_set_reason(p, true, "pam_mfacover is required"), MFA_OK);

	p = audit_add_path(r, AUDIT_PATH_LOGIN, "login", HOSTILE, "detail " HOSTILE);
	assert_non_null(p);
	p->admin_path = true;
	assert_int_equal(audit_path_set_reason(p, false, "nullok: %s", HOSTILE), MFA_OK);
	assert_int_equal(audit_path_add_evidence(p, "/etc/pam.d/" HOSTILE, 17,
						 "auth sufficient pam_unix.so %s -> PAM_SUCCESS",
						 HOSTILE),
			 MFA_OK);
	assert_int_equal(audit_path_add_evidence(p, NULL, 0, "end of stack -> PAM_SUCCESS"),
			 MFA_OK);

	p = audit_add_path(r, AUDIT_PATH_PAM, HOSTILE, "root", NULL);
	assert_non_null(p);
	p->admin_path = false;
	assert_int_equal(audit_path_set_reason(p, false, "opens nothing: %s", HOSTILE), MFA_OK);

	assert_int_equal(audit_add_finding(r, "gap.login", "high", "/etc/pam.d/" HOSTILE, 17,
					   "login: %s", HOSTILE),
			 MFA_OK);
	assert_int_equal(audit_add_note(r, "note %s", HOSTILE), MFA_OK);
	assert_non_null(r->files = calloc(1, sizeof(*r->files)));
	assert_non_null(r->files[0].path = strdup("/etc/pam.d/" HOSTILE));
	r->files[0].size = 42;
	strcpy(r->files[0].sha256,
	       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	r->files[0].changed = true;
	r->nfiles = 1;
	r->covered = false;
	return r;
}

static void
test_hostile_report_injects_nothing(void **state)
{
	struct audit_report *r = hostile_report();
	char *html = render_report(r);

	(void)state;
	/* The only elements are ours: no script, no image, no handler. */
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<img"));
	assert_null(strstr(html, "alert(1)</script>"));
	assert_null(strstr(html, HOSTILE));
	/* Every hostile string is there, as text. */
	assert_true(count(html, HOSTILE_ESCAPED) >= 12);
	assert_non_null(strstr(html, "<title>Second-factor audit of " HOSTILE_ESCAPED ": gaps"));
	assert_non_null(strstr(html, "<span id=\"host\">" HOSTILE_ESCAPED "</span>"));
	assert_non_null(strstr(html, "<code id=\"root\">/mnt/" HOSTILE_ESCAPED "</code>"));
	assert_non_null(
		strstr(html, "<code class=\"loc\">/etc/pam.d/" HOSTILE_ESCAPED ":17</code>"));
	/* Self-contained: nothing to fetch (looked for in our markup, the host's text cut out). */
	strip(html, HOSTILE_ESCAPED);
	assert_null(strstr(html, "alert("));
	assert_int_equal(count(html, "<style>"), 1);
	assert_null(strstr(html, "<link"));
	assert_null(strstr(html, "src="));
	assert_null(strstr(html, "url("));
	assert_null(strstr(html, "@import"));
	assert_null(strstr(html, "http:"));
	assert_null(strstr(html, "https:"));
	assert_non_null(strstr(html, "@media print"));
	free(html);
	audit_report_free(&r);
}

static void
test_reader_sees_verdict_matrix_gaps_files(void **state)
{
	struct audit_report *r = hostile_report();
	char *html = render_report(r);
	const char *row;

	(void)state;
	assert_true(strncmp(html, "<!DOCTYPE html>\n", 16) == 0);
	assert_non_null(strstr(html, "<meta charset=\"utf-8\">"));
	assert_non_null(strstr(html, "<strong>Verdict: GAPS</strong> &mdash; 1 of 2 admin paths"));
	assert_non_null(strstr(html, "<time id=\"date\" datetime=\"2025-06-01T12:00:00Z\">"));
	/* two admins are columns; the account that is no admin is not */
	assert_non_null(strstr(html, "<th scope=\"col\"><code>root</code></th>"));
	assert_null(strstr(html, "nobody-admin"));
	/* the login row: covered for root, a gap linking to its details for the other */
	row = strstr(html, "<tr><th scope=\"row\"><code>login</code></th>");
	assert_non_null(row);
	assert_non_null(strstr(row,
			       "<td class=\"cell c-ok\">covered</td>"
			       "<td class=\"cell c-gap\"><a href=\"#gap-1\">GAP</a></td></tr>"));
	assert_non_null(strstr(html, "<article class=\"gap\" id=\"gap-1\">"));
	assert_non_null(strstr(html, "<strong>Reason:</strong> nullok: " HOSTILE_ESCAPED));
	assert_non_null(strstr(html, "<li><code>end of stack -&gt; PAM_SUCCESS</code></li>"));
	/* a path that opens no access is listed, not in the matrix */
	assert_non_null(strstr(html, "Services that open no access"));
	assert_null(strstr(html, "<code>pam:&lt;script"));
	/* the file with its hash, and the mark of a file that changed */
	assert_non_null(strstr(html,
			       "<code>e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7"
			       "852b855</code>"));
	assert_non_null(strstr(html, "(changed while the audit read it)"));
	assert_non_null(strstr(html, "<td>42</td>"));
	assert_true(strstr(html, "</html>\n") == html + strlen(html) - 8);
	free(html);

	/* covered, no gaps, no host name */
	r->paths[1].covered = true;
	r->covered = true;
	free(r->host);
	r->host = NULL;
	html = render_report(r);
	assert_non_null(
		strstr(html, "<strong>Verdict: COVERED</strong> &mdash; all 2 admin paths"));
	assert_non_null(strstr(html, "unknown (no /etc/hostname under the root)"));
	assert_non_null(strstr(html, "<h2>Gaps (0)</h2>"));
	assert_null(strstr(html, "c-gap\"><a"));
	free(html);
	audit_report_free(&r);
}

/* A copy of the page's section with this id, up to its end. */
static char *
section(const char *html, const char *id)
{
	char start[64];
	const char *a, *b;
	char *s;

	snprintf(start, sizeof(start), "<section id=\"%s\">", id);
	a = strstr(html, start);
	assert_non_null(a);
	b = strstr(a, "</section>");
	assert_non_null(b);
	assert_non_null(s = strndup(a, (size_t)(b - a)));
	return s;
}

/* Each admin path's second factor, with the lines that say how strong it is. */
static void
test_factor_section(void **state)
{
	struct audit_report *r = hostile_report();
	struct audit_path *p;
	const char *row;
	char *html, *sec;

	(void)state;
	p = audit_add_path(r, AUDIT_PATH_SSH, "sshd", "root", "from any address");
	assert_non_null(p);
	assert_int_equal(audit_path_set_reason(p, true, "every way takes two factors"), MFA_OK);
	p->factor = AUDIT_FACTOR_FIDO_VERIFIED;
	p->ssh_keys = "sk-verified";
	assert_int_equal(audit_path_add_evidence(p, "/etc/ssh/sshd_config", 3, "UsePAM yes"),
			 MFA_OK);
	assert_int_equal(audit_path_add_strength_evidence(p, "/root/.ssh/" HOSTILE, 1,
							  "authorized keys: sk-verified: %s",
							  HOSTILE),
			 MFA_OK);
	html = render_report(r);
	sec = section(html, "factors");
	row = strstr(sec, "<tr><td><code>ssh</code> (from any address)</td><td><code>root</code>"
			  "</td><td>FIDO2 with user verification (phishing-resistant)</td>"
			  "<td>yes</td><td><code>sk-verified</code></td><td>");
	assert_non_null(row);
	assert_non_null(strstr(row,
			       "<code class=\"loc\">/root/.ssh/" HOSTILE_ESCAPED
			       ":1</code> authorized keys: sk-verified: " HOSTILE_ESCAPED "<br>"));
	/* only the lines about strength: not every piece of evidence */
	assert_null(strstr(sec, "UsePAM yes"));
	/* a gap without ssh keys has its own section; a path without a judgement is left out */
	assert_null(strstr(sec, "no second factor"));
	assert_null(strstr(sec, "<code>login</code></td><td><code>root</code>"));
	/* an ssh gap names the admin's keys here too */
	p = audit_add_path(r, AUDIT_PATH_SSH, "sshd", HOSTILE, NULL);
	assert_non_null(p);
	assert_int_equal(audit_path_set_reason(p, false, "publickey alone logs in"), MFA_OK);
	p->ssh_keys = "sk-touch";
	free(html);
	free(sec);
	html = render_report(r);
	sec = section(html, "factors");
	assert_non_null(
		strstr(sec, "<td>no second factor</td><td>no</td><td><code>sk-touch</code>"));
	free(sec);
	assert_null(strstr(html, HOSTILE));
	free(html);
	audit_report_free(&r);
}

/* A write error is reported, not swallowed. */
static void
test_write_error(void **state)
{
	struct audit_report *r = hostile_report();
	FILE *fp = fopen("/dev/full", "w");

	(void)state;
	if (fp == NULL) {
		audit_report_free(&r);
		skip();
	}
	assert_int_equal(audit_write_html(fp, r), MFA_ERR_IO);
	fclose(fp);
	audit_report_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_table),
		cmocka_unit_test(test_hostile_report_injects_nothing),
		cmocka_unit_test(test_reader_sees_verdict_matrix_gaps_files),
		cmocka_unit_test(test_factor_section),
		cmocka_unit_test(test_write_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
