/*
 * test_nss_conf.c - nsswitch.conf as glibc reads it: Debian's stock file,
 * sss and ldap hosts, criteria, glibc's defaults for a missing file or
 * line, and every malformed line with its file, line and column.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nss_conf.h"
#include "root_fs.h"
#include "test_files.h"

static struct nss_conf *
parse_ok(const char *text)
{
	struct nss_conf *c = NULL;
	struct mfa_parse_err perr;
	int r = nss_conf_parse(text, strlen(text), NSS_CONF_PATH, &c, &perr);

	if (r != 0)
		fail_msg("parse: %s: %s:%u:%u: %s", mfa_strerror(r), perr.file, perr.line,
			 perr.column, perr.msg);
	assert_non_null(c);
	return c;
}

static void
assert_sources(const struct nss_db *db, const char *const *names, size_t n)
{
	size_t i;

	assert_non_null(db);
	assert_int_equal(db->nsources, n);
	for (i = 0; i < n; i++)
		assert_string_equal(db->sources[i].name, names[i]);
}

static bool
has_note(const struct nss_conf *c, unsigned line, const char *part)
{
	size_t i;

	for (i = 0; i < c->nnotes; i++)
		if (c->notes[i].line == line && strstr(c->notes[i].text, part) != NULL)
			return true;
	return false;
}

/* Debian 12 as installed: no directory anywhere, sudoers by sudo's default. */
static void
test_debian_stock(void **state)
{
	static const char text[] =
		"# /etc/nsswitch.conf\n"
		"#\n"
		"# Example configuration of GNU Name Service Switch functionality.\n"
		"\n"
		"passwd:         files systemd\n"
		"group:          files systemd\n"
		"shadow:         files\n"
		"gshadow:        files\n"
		"\n"
		"hosts:          files dns\n"
		"networks:       files\n"
		"\n"
		"protocols:      db files\n"
		"services:       db files\n"
		"ethers:         db files\n"
		"rpc:            db files\n"
		"\n"
		"netgroup:       nis\n";
	static const char *const files_systemd[] = {"files", "systemd"};
	static const char *const files[] = {"files"};
	struct nss_conf *c = parse_ok(text);
	const struct nss_db *db;

	(void)state;
	assert_true(c->present);
	db = nss_conf_db(c, "passwd");
	assert_sources(db, files_systemd, 2);
	assert_int_equal(db->line, 5);
	assert_false(db->is_default);
	assert_string_equal(db->file, NSS_CONF_PATH);
	assert_int_equal(db->sources[1].column, 23);
	assert_false(nss_db_uses_directory(db));
	assert_false(nss_db_uses_directory(nss_conf_db(c, "group")));
	db = nss_conf_db(c, "netgroup");
	assert_int_equal(db->line, 18);
	assert_non_null(nss_db_source(db, "nis"));
	/* No sudoers line: sudo reads files only. */
	db = nss_conf_db(c, "sudoers");
	assert_sources(db, files, 1);
	assert_true(db->is_default);
	assert_int_equal(db->line, 0);
	assert_false(nss_db_uses_directory(db));
	assert_null(nss_conf_db(c, "automount"));
	assert_int_equal(c->nnotes, 0);
	nss_conf_free(&c);
	assert_null(c);
}

/* A host joined with sssd (realm join / ipa-client-install). */
static void
test_sss_host(void **state)
{
	static const char text[] = "passwd:     files systemd sss\n"
				   "group:      files systemd sss\n"
				   "shadow:     files sss\n"
				   "sudoers:    files sss\n"
				   "netgroup:   files sss\n"
				   "automount:  sss files\n";
	struct nss_conf *c = parse_ok(text);
	const struct nss_db *db = nss_conf_db(c, "sudoers");

	(void)state;
	assert_true(nss_db_uses_directory(db));
	assert_int_equal(db->line, 4);
	assert_int_equal(nss_db_source(db, "sss")->column, 19);
	assert_true(nss_db_uses_directory(nss_conf_db(c, "passwd")));
	assert_true(nss_db_uses_directory(nss_conf_db(c, "group")));
	assert_null(nss_db_source(nss_conf_db(c, "passwd"), "ldap"));
	nss_conf_free(&c);
}

/* nslcd / sudo-ldap with criteria: parsed, recorded, applied. */
static void
test_ldap_with_criteria(void **state)
{
	static const char text[] = "passwd:   files ldap\n"
				   "group:    files [SUCCESS=merge] ldap\n"
				   "sudoers:  files [NOTFOUND=return] ldap   # sudo-ldap\n"
				   "hosts:    files [!UNAVAIL=return] dns\n"
				   "Shadow :  files[ notfound = Return tryagain=continue ]LDAP\n";
	struct nss_conf *c = parse_ok(text);
	const struct nss_db *db;
	const struct nss_source *s;

	(void)state;
	db = nss_conf_db(c, "sudoers");
	assert_true(nss_db_uses_directory(db));
	s = nss_db_source(db, "files");
	assert_int_equal(s->ncriteria, 1);
	assert_false(s->criteria[0].negated);
	assert_int_equal(s->criteria[0].status, NSS_STATUS_NOTFOUND);
	assert_int_equal(s->criteria[0].action, NSS_ACTION_RETURN);
	assert_int_equal(s->on[NSS_STATUS_SUCCESS], NSS_ACTION_RETURN);
	assert_int_equal(s->on[NSS_STATUS_NOTFOUND], NSS_ACTION_RETURN);
	assert_int_equal(s->on[NSS_STATUS_UNAVAIL], NSS_ACTION_CONTINUE);
	assert_int_equal(nss_db_source(db, "ldap")->ncriteria, 0);

	s = nss_db_source(nss_conf_db(c, "group"), "files");
	assert_int_equal(s->on[NSS_STATUS_SUCCESS], NSS_ACTION_MERGE);

	/* !UNAVAIL=return: every other status returns. */
	s = nss_db_source(nss_conf_db(c, "hosts"), "files");
	assert_true(s->criteria[0].negated);
	assert_int_equal(s->on[NSS_STATUS_SUCCESS], NSS_ACTION_RETURN);
	assert_int_equal(s->on[NSS_STATUS_NOTFOUND], NSS_ACTION_RETURN);
	assert_int_equal(s->on[NSS_STATUS_TRYAGAIN], NSS_ACTION_RETURN);
	assert_int_equal(s->on[NSS_STATUS_UNAVAIL], NSS_ACTION_CONTINUE);

	/* Names in any case, blanks before ':' and around '=', no blank before '['. */
	db = nss_conf_db(c, "shadow");
	assert_non_null(db);
	assert_string_equal(db->name, "Shadow");
	assert_int_equal(db->nsources, 2);
	assert_int_equal(db->sources[0].ncriteria, 2);
	assert_int_equal(db->sources[0].on[NSS_STATUS_NOTFOUND], NSS_ACTION_RETURN);
	assert_int_equal(db->sources[0].on[NSS_STATUS_TRYAGAIN], NSS_ACTION_CONTINUE);
	assert_true(nss_db_uses_directory(db));
	assert_string_equal(nss_status_name(NSS_STATUS_TRYAGAIN), "tryagain");
	assert_string_equal(nss_action_name(NSS_ACTION_MERGE), "merge");
	nss_conf_free(&c);
}

/* First line wins; a line without sources leaves the default. */
static void
test_duplicates_and_empty(void **state)
{
	static const char text[] = "sudoers: files\n"
				   "sudoers: ldap\n"
				   "passwd:\n";
	struct nss_conf *c = parse_ok(text);
	const struct nss_db *db = nss_conf_db(c, "sudoers");

	(void)state;
	assert_int_equal(db->line, 1);
	assert_false(nss_db_uses_directory(db));
	assert_true(has_note(c, 2, "first one is used"));
	db = nss_conf_db(c, "passwd");
	assert_true(db->is_default);
	assert_true(has_note(c, 3, "no source"));
	nss_conf_free(&c);
}

/* No file: glibc's defaults for every known database. */
static void
test_missing_file_defaults(void **state)
{
	static const char *const dbs[] = NSS_CONF_KNOWN_DBS;
	struct nss_conf *c = NULL;
	struct mfa_parse_err perr;
	size_t i;

	(void)state;
	assert_int_equal(nss_conf_parse(NULL, 0, NSS_CONF_PATH, &c, &perr), 0);
	assert_false(c->present);
	assert_int_equal(c->ndbs, sizeof(dbs) / sizeof(dbs[0]));
	for (i = 0; i < sizeof(dbs) / sizeof(dbs[0]); i++) {
		const struct nss_db *db = nss_conf_db(c, dbs[i]);

		assert_non_null(db);
		assert_true(db->is_default);
		assert_int_equal(db->nsources, 1);
		assert_string_equal(db->sources[0].name, "files");
		assert_int_equal(db->sources[0].on[NSS_STATUS_SUCCESS], NSS_ACTION_RETURN);
		assert_false(nss_db_uses_directory(db));
	}
	nss_conf_free(&c);
	nss_conf_free(&c); /* NULL: no-op */
	nss_conf_free(NULL);
}

struct bad_case {
	const char *text;
	unsigned line;
	unsigned column; /* 0: not checked */
	const char *part;
};

static void
test_malformed(void **state)
{
	static const struct bad_case cases[] = {
		{"passwd: files\npasswd files ldap\n", 2, 8, "':' expected"},
		{"passwd\n", 1, 7, "':' expected"},
		{": files\n", 1, 1, "no database name"},
		{"group: files [NOTFOUND=return\n", 1, 14, "unterminated '['"},
		{"group: files [NOTFOUND=return] [\n", 1, 32, "unterminated '['"},
		{"group: files [FOUND=return] ldap\n", 1, 15, "unknown status"},
		{"group: files [NOTFOUND=stop] ldap\n", 1, 24, "unknown action"},
		{"group: files [NOTFOUND return] ldap\n", 1, 24, "'=' expected"},
		{"group: files [] ldap\n", 1, 14, "empty action item"},
		{"group: [NOTFOUND=return] files\n", 1, 8, "before any source"},
		{"group: files ] ldap\n", 1, 14, "']' without '['"},
		{"\n\ngroup: files [!=return]\n", 3, 16, "unknown status"},
		{"passwd: files\0 ldap\n", 1, 0, "NUL byte"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nss_conf *c = NULL;
		struct mfa_parse_err perr;
		size_t len = strlen(cases[i].text);
		int r;

		if (strstr(cases[i].part, "NUL") != NULL)
			len = sizeof("passwd: files\0 ldap\n") - 1;
		r = nss_conf_parse(cases[i].text, len, "/x/nsswitch.conf", &c, &perr);
		if (r != MFA_ERR_PARSE || perr.line != cases[i].line ||
		    (cases[i].column != 0 && perr.column != cases[i].column) ||
		    strstr(perr.msg, cases[i].part) == NULL)
			fail_msg("case %zu: r=%d %u:%u %s (want %u:%u %s)", i, r, perr.line,
				 perr.column, perr.msg, cases[i].line, cases[i].column,
				 cases[i].part);
		assert_string_equal(perr.file, "/x/nsswitch.conf");
		assert_null(c);
	}
}

static void
test_long_line_and_caps(void **state)
{
	struct nss_conf *c = NULL;
	struct mfa_parse_err perr;
	size_t n = NSS_CONF_LINE_MAX + 10, i, len = 0;
	char *text = malloc(n + 64);

	(void)state;
	assert_non_null(text);
	memcpy(text, "passwd: files\n", 14);
	memset(text + 14, 'a', n);
	text[14 + n] = '\n';
	assert_int_equal(nss_conf_parse(text, 15 + n, NSS_CONF_PATH, &c, &perr), MFA_ERR_PARSE);
	assert_int_equal(perr.line, 2);
	assert_non_null(strstr(perr.msg, "longer than"));
	/* NSS_CONF_MAX_SOURCES + 1 sources on one line. */
	len = (size_t)snprintf(text, n, "passwd:");
	for (i = 0; i <= NSS_CONF_MAX_SOURCES; i++)
		len += (size_t)snprintf(text + len, n - len, " s%zu", i);
	assert_int_equal(nss_conf_parse(text, len, NSS_CONF_PATH, &c, &perr), MFA_ERR_PARSE);
	assert_non_null(strstr(perr.msg, "more than"));
	assert_null(c);
	free(text);
}

/* nss_conf_load reads ROOT/etc/nsswitch.conf, never the machine's own. */
static void
test_load_from_root(void **state)
{
	char root[] = "/tmp/mfacover-nss-XXXXXX", path[256];
	struct nss_conf *c = NULL;
	struct mfa_parse_err perr;
	int fd = -1;

	(void)state;
	assert_non_null(mkdtemp(root));
	assert_int_equal(root_fs_open_root(root, &fd, &perr), 0);
	assert_int_equal(nss_conf_load(fd, &c, &perr), 0);
	assert_false(c->present);
	nss_conf_free(&c);

	snprintf(path, sizeof(path), "%s/etc", root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/etc/nsswitch.conf", root);
	test_write_file(path, 0644, "passwd: files\nsudoers: files sss\n");
	assert_int_equal(nss_conf_load(fd, &c, &perr), 0);
	assert_true(c->present);
	assert_string_equal(nss_conf_db(c, "sudoers")->file, "/etc/nsswitch.conf");
	assert_int_equal(nss_conf_db(c, "sudoers")->line, 2);
	assert_true(nss_db_uses_directory(nss_conf_db(c, "sudoers")));
	nss_conf_free(&c);

	test_write_file(path, 0644, "passwd: files\nsudoers files sss\n");
	assert_int_equal(nss_conf_load(fd, &c, &perr), MFA_ERR_PARSE);
	assert_string_equal(perr.file, "/etc/nsswitch.conf");
	assert_int_equal(perr.line, 2);
	assert_null(c);

	close(fd);
	assert_int_equal(unlink(path), 0);
	snprintf(path, sizeof(path), "%s/etc", root);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(rmdir(root), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_stock),
		cmocka_unit_test(test_sss_host),
		cmocka_unit_test(test_ldap_with_criteria),
		cmocka_unit_test(test_duplicates_and_empty),
		cmocka_unit_test(test_missing_file_defaults),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_long_line_and_caps),
		cmocka_unit_test(test_load_from_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
