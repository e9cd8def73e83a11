/*
 * test_file_journal.c - the journal of files read: SHA-256 of exactly the
 * bytes read, one entry per path and content, sorted, paths inside the root
 * with links resolved, recorded by root_fs_read_file only while a journal
 * is set, and carried by audit_run into the report.
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

#include "audit.h"
#include "file_journal.h"
#include "root_fs.h"
#include "test_files.h"

/* FIPS 180-2 / NIST CSRC examples. */
static void
test_sha256_vectors(void **state)
{
	char hex[FILE_JOURNAL_SHA256_HEX];
	static const char two_blocks[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	(void)state;
	assert_int_equal(file_journal_sha256_hex("", 0, hex), MFA_OK);
	assert_string_equal(hex,
			    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_int_equal(file_journal_sha256_hex(NULL, 0, hex), MFA_OK);
	assert_string_equal(hex,
			    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_int_equal(file_journal_sha256_hex("abc", 3, hex), MFA_OK);
	assert_string_equal(hex,
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(file_journal_sha256_hex(two_blocks, sizeof(two_blocks) - 1, hex), MFA_OK);
	assert_string_equal(hex,
			    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* Bytes after a NUL count: the hash is of the bytes, not of a string. */
	assert_int_equal(file_journal_sha256_hex("abc\0", 4, hex), MFA_OK);
	assert_string_not_equal(hex,
				"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(file_journal_sha256_hex(NULL, 1, hex), MFA_ERR_INVALID_ARG);
}

static void
test_sorted_folded_changed(void **state)
{
	struct file_journal j;
	char abc[FILE_JOURNAL_SHA256_HEX];

	(void)state;
	file_journal_init(&j);
	assert_int_equal(file_journal_record(&j, "/etc/sudoers", "abc", 3), MFA_OK);
	assert_int_equal(file_journal_record(&j, "/etc/group", "g", 1), MFA_OK);
	assert_int_equal(file_journal_record(&j, "/etc/sudoers", "abc", 3), MFA_OK);
	assert_int_equal(file_journal_record(&j, "/etc/hostname", "a", 1), MFA_OK);
	/* read again, and it changed in between */
	assert_int_equal(file_journal_record(&j, "/etc/hostname", "b\n", 2), MFA_OK);
	assert_int_equal(file_journal_record(&j, "/etc/hostname", "a", 1), MFA_OK);
	assert_int_equal(file_journal_finish(&j), MFA_OK);

	assert_int_equal(j.n, 4);
	assert_string_equal(j.entries[0].path, "/etc/group");
	assert_false(j.entries[0].changed);
	assert_string_equal(j.entries[1].path, "/etc/hostname");
	assert_string_equal(j.entries[2].path, "/etc/hostname");
	assert_true(j.entries[1].changed);
	assert_true(j.entries[2].changed);
	assert_true(j.entries[1].size + j.entries[2].size == 3);
	assert_string_not_equal(j.entries[1].sha256, j.entries[2].sha256);
	assert_string_equal(j.entries[3].path, "/etc/sudoers");
	assert_false(j.entries[3].changed);
	assert_int_equal(j.entries[3].size, 3);
	assert_int_equal(file_journal_sha256_hex("abc", 3, abc), MFA_OK);
	assert_string_equal(j.entries[3].sha256, abc);
	/* finishing twice changes nothing */
	assert_int_equal(file_journal_finish(&j), MFA_OK);
	assert_int_equal(j.n, 4);
	file_journal_clear(&j);
	assert_null(j.entries);
	assert_int_equal(j.n, 0);
	file_journal_clear(NULL);
	/* A NULL journal records nothing and is no error. */
	assert_int_equal(file_journal_record(NULL, "/x", "x", 1), MFA_OK);
}

/* A file read once per user (users.oath, say) does not grow the journal. */
static void
test_repeated_reads_fold_early(void **state)
{
	struct file_journal j;
	char path[64];
	size_t i;

	(void)state;
	file_journal_init(&j);
	for (i = 0; i < 20000; i++)
		assert_int_equal(file_journal_record(&j, "/etc/users.oath", "seed", 4), MFA_OK);
	assert_true(j.cap <= 2048);
	/* many distinct files still grow it, each kept */
	for (i = 0; i < 3000; i++) {
		snprintf(path, sizeof(path), "/home/u%zu/.ssh/authorized_keys", i);
		assert_int_equal(file_journal_record(&j, path, path, strlen(path)), MFA_OK);
	}
	assert_int_equal(file_journal_finish(&j), MFA_OK);
	assert_int_equal(j.n, 3001);
	for (i = 1; i < j.n; i++)
		assert_true(strcmp(j.entries[i - 1].path, j.entries[i].path) < 0);
	file_journal_clear(&j);
}

static void
test_errors_stick(void **state)
{
	struct file_journal j;

	(void)state;
	file_journal_init(&j);
	assert_int_equal(file_journal_record(&j, NULL, "x", 1), MFA_ERR_INVALID_ARG);
	assert_int_equal(file_journal_record(&j, "/etc/passwd", "x", 1), MFA_OK);
	assert_int_equal(file_journal_finish(&j), MFA_ERR_INVALID_ARG);
	file_journal_clear(&j);
	assert_int_equal(file_journal_finish(NULL), MFA_ERR_INVALID_ARG);
}

/* ---- through root_fs and audit_run ------------------------------------------ */

struct tree {
	char dir[64];
};

static void
mkdirs(const char *base, const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", base, rel);
	assert_int_equal(mkdir(p, 0755), 0);
}

static void
put(const char *base, const char *rel, const char *text)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", base, rel);
	test_write_file(p, 0644, "%s", text);
}

static int
setup_tree(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));
	char p[512];

	assert_non_null(t);
	snprintf(t->dir, sizeof(t->dir), "/tmp/mfacover-journal-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	mkdirs(t->dir, "etc");
	mkdirs(t->dir, "etc/pam.d");
	mkdirs(t->dir, "real");
	put(t->dir, "etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");
	put(t->dir, "etc/group", "root:x:0:\n");
	put(t->dir, "etc/hostname", "web<1>\n");
	put(t->dir, "real/other", "auth required pam_deny.so\n");
	/* An absolute link: inside the root it means ROOT/real/other. */
	snprintf(p, sizeof(p), "%s/etc/pam.d/other", t->dir);
	assert_int_equal(symlink("/real/other", p), 0);
	*state = t;
	return 0;
}

static int
teardown_tree(void **state)
{
	struct tree *t = *state;
	static const char *const files[] = {"etc/passwd", "etc/group", "etc/hostname", "real/other",
					    "etc/pam.d/other"};
	static const char *const dirs[] = {"etc/pam.d", "etc", "real", ""};
	char p[512];
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", t->dir, files[i]);
		unlink(p);
	}
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", t->dir, dirs[i]);
		rmdir(p);
	}
	free(t);
	return 0;
}

static void
test_root_fs_records_while_set(void **state)
{
	struct tree *t = *state;
	struct file_journal j;
	char *buf = NULL, hex[FILE_JOURNAL_SHA256_HEX];
	size_t len = 0;
	int rootfd = -1;

	file_journal_init(&j);
	assert_int_equal(root_fs_open_root(t->dir, &rootfd, NULL), MFA_OK);
	assert_null(root_fs_set_journal(&j));

	assert_int_equal(
		root_fs_read_file(rootfd, "/etc/pam.d/other", 4096, &buf, &len, NULL, NULL),
		MFA_OK);
	free(buf);
	buf = NULL;
	/* not found: nothing was read, nothing recorded */
	assert_int_equal(root_fs_read_file(rootfd, "/etc/shadow", 4096, &buf, &len, NULL, NULL),
			 MFA_ERR_NOT_FOUND);
	/* too large: refused, so not used, so not recorded */
	assert_int_equal(root_fs_read_file(rootfd, "/etc/passwd", 4, &buf, &len, NULL, NULL),
			 MFA_ERR_TOO_LARGE);
	assert_int_equal(root_fs_read_file(rootfd, "/etc/hostname", 4096, &buf, &len, NULL, NULL),
			 MFA_OK);
	free(buf);
	buf = NULL;

	/* Restored: reads are no longer recorded. */
	assert_ptr_equal(root_fs_set_journal(NULL), &j);
	assert_int_equal(root_fs_read_file(rootfd, "/etc/group", 4096, &buf, &len, NULL, NULL),
			 MFA_OK);
	free(buf);
	close(rootfd);

	assert_int_equal(file_journal_finish(&j), MFA_OK);
	assert_int_equal(j.n, 2);
	assert_string_equal(j.entries[0].path, "/etc/hostname");
	assert_int_equal(j.entries[0].size, 7);
	assert_int_equal(file_journal_sha256_hex("web<1>\n", 7, hex), MFA_OK);
	assert_string_equal(j.entries[0].sha256, hex);
	/* the link's target as inside the root: sha256sum ROOT/real/other checks it */
	assert_string_equal(j.entries[1].path, "/real/other");
	assert_int_equal(file_journal_sha256_hex("auth required pam_deny.so\n", 26, hex), MFA_OK);
	assert_string_equal(j.entries[1].sha256, hex);
	file_journal_clear(&j);
}

static void
test_audit_run_lists_files(void **state)
{
	struct tree *t = *state;
	struct audit_options opt;
	struct audit_report *rep = NULL;
	struct mfa_parse_err perr;
	char hex[FILE_JOURNAL_SHA256_HEX];
	size_t i;

	memset(&opt, 0, sizeof(opt));
	opt.root = t->dir;
	mfa_parse_err_init(&perr, NULL);
	assert_int_equal(audit_run(&opt, &rep, &perr), MFA_OK);
	assert_non_null(rep);
	/* the journal pointer is put back */
	assert_null(root_fs_set_journal(NULL));

	assert_string_equal(rep->host, "web<1>");
	assert_non_null(rep->date);
	assert_int_equal(strlen(rep->date), 20);
	assert_int_equal(rep->date[10], 'T');
	assert_int_equal(rep->date[19], 'Z');
	assert_true(strncmp(rep->date, "20", 2) == 0);

	assert_int_equal(rep->nfiles, 4);
	assert_string_equal(rep->files[0].path, "/etc/group");
	assert_string_equal(rep->files[1].path, "/etc/hostname");
	assert_string_equal(rep->files[2].path, "/etc/passwd");
	assert_string_equal(rep->files[3].path, "/real/other");
	for (i = 0; i < rep->nfiles; i++)
		assert_false(rep->files[i].changed);
	assert_int_equal(file_journal_sha256_hex("root:x:0:0:root:/root:/bin/sh\n", 30, hex),
			 MFA_OK);
	assert_string_equal(rep->files[2].sha256, hex);
	audit_report_free(&rep);

	/* No /etc/hostname: no host, rather than a guess. */
	{
		char p[512];

		snprintf(p, sizeof(p), "%s/etc/hostname", t->dir);
		assert_int_equal(unlink(p), 0);
		assert_int_equal(audit_run(&opt, &rep, &perr), MFA_OK);
		assert_null(rep->host);
		assert_int_equal(rep->nfiles, 3);
		audit_report_free(&rep);
		put(t->dir, "etc/hostname", "web<1>\n");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_vectors),
		cmocka_unit_test(test_sorted_folded_changed),
		cmocka_unit_test(test_repeated_reads_fold_early),
		cmocka_unit_test(test_errors_stick),
		cmocka_unit_test_setup_teardown(test_root_fs_records_while_set, setup_tree,
						teardown_tree),
		cmocka_unit_test_setup_teardown(test_audit_run_lists_files, setup_tree,
						teardown_tree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
