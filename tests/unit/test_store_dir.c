/*
 * test_store_dir.c - the directory store: create, read, commit, and every
 * unsafe or corrupt file failing closed while staying byte-identical; user
 * names that cannot name a file; no temporary left behind; the lock
 * serialising concurrent writers.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "mfa_mem.h"
#include "state_slots.h"
#include "store_dir.h"
#include "test_files.h"

struct fixture {
	char dir[64];
	char path[128];
	struct mfa_store *store;
};

static struct mfa_state *
sample_state(uint64_t next)
{
	struct mfa_state *st = calloc(1, sizeof(*st));

	assert_non_null(st);
	st->kind = MFA_OTP_TOTP;
	st->alg = MFA_OTP_SHA1;
	st->digits = 6;
	st->period = 30;
	st->secret = malloc(20);
	assert_non_null(st->secret);
	memcpy(st->secret, "12345678901234567890", 20);
	st->secret_len = 20;
	st->next = next;
	st->created = 1764300000;
	return st;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct mfa_parse_err perr;
	struct mfa_state *st = sample_state(7);

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/mfacover-store-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	assert_int_equal(mfa_store_dir_open(f->dir, geteuid(), NULL, &f->store, &perr), MFA_OK);
	assert_int_equal(mfa_store_create(f->store, "alice", st, false, &perr), MFA_OK);
	snprintf(f->path, sizeof(f->path), "%s/alice", f->dir);
	mfa_state_free(&st);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	mfa_store_close(&f->store);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void
spit(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static size_t
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, ".."))
			n++;
	}
	closedir(d);
	return n;
}

static void
test_begin_commit_round_trip(void **state)
{
	struct fixture *f = *state;
	struct mfa_store_txn *txn = NULL;
	struct mfa_state *st = NULL;
	struct mfa_parse_err perr;
	struct stat sb;

	assert_int_equal(mfa_store_begin(f->store, "alice", &txn, &st, &perr), MFA_OK);
	assert_int_equal(st->next, 7);
	assert_memory_equal(st->secret, "12345678901234567890", 20);
	st->next = 8;
	st->failures = 1;
	assert_int_equal(mfa_store_commit(txn, st, &perr), MFA_OK);
	/* One commit per lock: the lock is on the file that was replaced. */
	assert_int_equal(mfa_store_commit(txn, st, &perr), MFA_ERR_INVALID_ARG);
	mfa_store_end(&txn);
	assert_null(txn);
	mfa_state_free(&st);

	assert_int_equal(mfa_store_begin(f->store, "alice", &txn, &st, &perr), MFA_OK);
	assert_int_equal(st->next, 8);
	assert_int_equal(st->failures, 1);
	mfa_store_end(&txn);
	mfa_state_free(&st);

	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(sb.st_uid, geteuid());
	assert_int_equal(count_entries(f->dir), 1); /* no temporary left behind */
}

static void
test_unenrolled_user_is_not_found(void **state)
{
	struct fixture *f = *state;
	struct mfa_store_txn *txn = NULL;
	struct mfa_state *st = NULL;
	struct mfa_parse_err perr;

	assert_int_equal(mfa_store_begin(f->store, "bob", &txn, &st, &perr), MFA_ERR_NOT_FOUND);
	assert_null(txn);
	assert_null(st);
	assert_non_null(strstr(perr.file, "/bob"));
	assert_non_null(strstr(perr.msg, "not enrolled"));
}

static void
test_create_never_replaces_without_force(void **state)
{
	struct fixture *f = *state;
	struct mfa_state *st = sample_state(1000);
	struct mfa_parse_err perr;
	char *before, *after;
	size_t blen, alen;

	before = test_read_file(f->path, &blen);
	assert_int_equal(mfa_store_create(f->store, "alice", st, false, &perr), MFA_ERR_EXISTS);
	after = test_read_file(f->path, &alen);
	assert_int_equal(alen, blen);
	assert_memory_equal(after, before, blen);
	free(after);
	assert_int_equal(mfa_store_create(f->store, "alice", st, true, &perr), MFA_OK);
	after = test_read_file(f->path, &alen);
	assert_non_null(strstr(after, "next=1000\n"));
	assert_int_equal(count_entries(f->dir), 1);
	free(before);
	free(after);
	mfa_state_free(&st);
}

/* Each unsafe state file fails closed with its reason and stays byte-identical. */
static void
expect_refused(struct fixture *f, const char *user, int err, const char *reason)
{
	struct mfa_store_txn *txn = NULL;
	struct mfa_state *st = NULL;
	struct mfa_parse_err perr;
	int r;

	r = mfa_store_begin(f->store, user, &txn, &st, &perr);
	if (r != err || strstr(perr.msg, reason) == NULL)
		fail_msg("%s: got %s \"%s\"; want %s \"%s\"", user, mfa_strerror_name(r), perr.msg,
			 mfa_strerror_name(err), reason);
	assert_null(txn);
	assert_null(st);
	assert_non_null(strstr(perr.file, user));
}

static void
expect_unchanged(const char *path, const char *text)
{
	size_t len;
	char *now = test_read_file(path, &len);

	assert_int_equal(len, strlen(text));
	assert_memory_equal(now, text, len);
	free(now);
}

static void
test_unsafe_and_corrupt_files_fail_closed(void **state)
{
	struct fixture *f = *state;
	char path[256], target[256];
	size_t len;
	char *good = test_read_file(f->path, &len);
	const char *truncated = "version=1\ntype=totp\nalgorithm=SHA1\ndigits=6\n";
	const char *garbage = "\x7f"
			      "ELF\x01\x02garbage\n";

	good[len] = '\0';

	snprintf(target, sizeof(target), "%s/../mfacover-victim-%d", f->dir, (int)getpid());
	spit(target, good, 0600);
	snprintf(path, sizeof(path), "%s/linked", f->dir);
	assert_int_equal(symlink(target, path), 0);
	expect_refused(f, "linked", MFA_ERR_UNSAFE_FILE, "symbolic link");
	expect_unchanged(target, good);
	unlink(target);

	snprintf(path, sizeof(path), "%s/groupread", f->dir);
	spit(path, good, 0640);
	expect_refused(f, "groupread", MFA_ERR_UNSAFE_FILE, "group or others");
	expect_unchanged(path, good);

	snprintf(path, sizeof(path), "%s/worldwrite", f->dir);
	spit(path, good, 0602);
	expect_refused(f, "worldwrite", MFA_ERR_UNSAFE_FILE, "group or others");

	snprintf(path, sizeof(path), "%s/truncated", f->dir);
	spit(path, truncated, 0600);
	expect_refused(f, "truncated", MFA_ERR_PARSE, "missing");
	expect_unchanged(path, truncated);

	snprintf(path, sizeof(path), "%s/garbage", f->dir);
	spit(path, garbage, 0600);
	expect_refused(f, "garbage", MFA_ERR_PARSE, "");
	expect_unchanged(path, garbage);

	snprintf(path, sizeof(path), "%s/empty", f->dir);
	spit(path, "", 0600);
	expect_refused(f, "empty", MFA_ERR_PARSE, "empty");

	snprintf(path, sizeof(path), "%s/hardlinked", f->dir);
	assert_int_equal(link(f->path, path), 0);
	expect_refused(f, "hardlinked", MFA_ERR_UNSAFE_FILE, "hard link");
	unlink(path);

	snprintf(path, sizeof(path), "%s/fifo", f->dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	expect_refused(f, "fifo", MFA_ERR_UNSAFE_FILE, "not a regular file");

	snprintf(path, sizeof(path), "%s/adir", f->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	expect_refused(f, "adir", MFA_ERR_UNSAFE_FILE, "not a regular file");

	if (geteuid() == 0) {
		snprintf(path, sizeof(path), "%s/foreign", f->dir);
		spit(path, good, 0600);
		assert_int_equal(chown(path, 4242, 4242), 0);
		expect_refused(f, "foreign", MFA_ERR_UNSAFE_FILE, "wrong owner");
		expect_unchanged(path, good);
	} else {
		print_message("not root: the foreign-owner case needs chown and is skipped\n");
	}
	free(good);
}

static void
test_user_names_that_cannot_name_a_file(void **state)
{
	static const char *const bad[] = {"",    ".",   "..",        ".hidden", "../alice",
					  "a/b", "a b", "tab\tname", "nl\nname"};
	struct fixture *f = *state;
	struct mfa_store_txn *txn = NULL;
	struct mfa_state *st = NULL, *good = sample_state(0);
	struct mfa_parse_err perr;
	char longname[MFA_STORE_NAME_MAX + 2];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(mfa_store_user_name_valid(bad[i]));
		assert_int_equal(mfa_store_begin(f->store, bad[i], &txn, &st, &perr),
				 MFA_ERR_INVALID_ARG);
		assert_int_equal(mfa_store_create(f->store, bad[i], good, false, &perr),
				 MFA_ERR_INVALID_ARG);
	}
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_false(mfa_store_user_name_valid(longname));
	longname[MFA_STORE_NAME_MAX] = '\0';
	assert_true(mfa_store_user_name_valid(longname));
	assert_true(mfa_store_user_name_valid("svc-wartung.extern@corp"));
	assert_int_equal(count_entries(f->dir), 1);
	mfa_state_free(&good);
}

static void
test_unsafe_store_directories(void **state)
{
	struct fixture *f = *state;
	struct mfa_store *s = NULL;
	struct mfa_parse_err perr;
	char path[256];

	snprintf(path, sizeof(path), "%s/open", f->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(chmod(path, 0770), 0);
	assert_int_equal(mfa_store_dir_open(path, geteuid(), NULL, &s, &perr), MFA_ERR_UNSAFE_FILE);
	assert_non_null(strstr(perr.msg, "writable by group or others"));
	assert_null(s);

	/* A world-writable parent without the sticky bit. */
	assert_int_equal(chmod(path, 0777), 0);
	snprintf(path, sizeof(path), "%s/open/inner", f->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(mfa_store_dir_open(path, geteuid(), NULL, &s, &perr), MFA_ERR_UNSAFE_FILE);
	assert_non_null(strstr(perr.msg, "parent"));

	assert_int_equal(mfa_store_dir_open("/nonexistent/mfacover", geteuid(), NULL, &s, &perr),
			 MFA_ERR_NOT_FOUND);
	assert_int_equal(mfa_store_dir_open(f->dir, geteuid() + 1, NULL, &s, &perr),
			 MFA_ERR_UNSAFE_FILE);
	assert_non_null(strstr(perr.msg, "wrong owner"));
}

/* Reads alice's state through a store opened at PATH; her floor is 7 (setup). */
static void
expect_alice_through(const char *path)
{
	struct mfa_store *s = NULL;
	struct mfa_store_txn *txn = NULL;
	struct mfa_state *st = NULL;
	struct mfa_parse_err perr;

	assert_int_equal(mfa_store_dir_open(path, geteuid(), NULL, &s, &perr), MFA_OK);
	assert_int_equal(mfa_store_begin(s, "alice", &txn, &st, &perr), MFA_OK);
	assert_int_equal(st->next, 7);
	mfa_store_end(&txn);
	mfa_state_free(&st);
	mfa_store_close(&s);
}

/*
 * The walk takes the path as written; a path through a link, or with "." or
 * "..", is resolved first and the directories it reaches are checked all the
 * same.
 */
static void
test_store_directory_spellings_and_links(void **state)
{
	struct fixture *f = *state;
	struct mfa_store *s = NULL;
	struct mfa_parse_err perr;
	char path[256], link[128];

	snprintf(path, sizeof(path), "%s/", f->dir);
	expect_alice_through(path);
	snprintf(path, sizeof(path), "%s//", f->dir);
	expect_alice_through(path);
	snprintf(path, sizeof(path), "%s/sub", f->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/sub/..", f->dir);
	expect_alice_through(path);
	snprintf(path, sizeof(path), "%s/./sub/../.", f->dir);
	expect_alice_through(path);

	/* A link to the store (as /var -> /srv/var would be) reaches it. */
	snprintf(link, sizeof(link), "%s-alias", f->dir);
	assert_int_equal(symlink(f->dir, link), 0);
	expect_alice_through(link);
	snprintf(path, sizeof(path), "%s/sub/..", link);
	expect_alice_through(path);
	assert_int_equal(unlink(link), 0);

	/* A link to a directory that may not be a store is refused like the directory. */
	snprintf(path, sizeof(path), "%s/open", f->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(chmod(path, 0770), 0);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(mfa_store_dir_open(link, geteuid(), NULL, &s, &perr), MFA_ERR_UNSAFE_FILE);
	assert_non_null(strstr(perr.msg, "writable by group or others"));
	assert_null(s);
	snprintf(path, sizeof(path), "%s/..", link);
	assert_int_equal(mfa_store_dir_open(path, geteuid(), NULL, &s, &perr), MFA_OK);
	mfa_store_close(&s);
	assert_int_equal(unlink(link), 0);

	/* A dangling link, and a missing directory under a link, are "not found". */
	snprintf(path, sizeof(path), "%s/missing", f->dir);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(mfa_store_dir_open(link, geteuid(), NULL, &s, &perr), MFA_ERR_NOT_FOUND);
	assert_int_equal(unlink(link), 0);
	assert_int_equal(symlink(f->dir, link), 0);
	snprintf(path, sizeof(path), "%s/missing", link);
	assert_int_equal(mfa_store_dir_open(path, geteuid(), NULL, &s, &perr), MFA_ERR_NOT_FOUND);
	assert_int_equal(unlink(link), 0);
	assert_null(s);
}

static void
test_home_store_maps_every_user_to_one_file(void **state)
{
	struct fixture *f = *state;
	struct mfa_store *home = NULL;
	struct mfa_store_txn *txn = NULL;
	struct mfa_state *st = sample_state(42);
	struct mfa_parse_err perr;
	char path[256];

	assert_int_equal(mfa_store_dir_open(f->dir, geteuid(), "token", &home, &perr), MFA_OK);
	assert_int_equal(mfa_store_create(home, "carol", st, false, &perr), MFA_OK);
	mfa_state_free(&st);
	snprintf(path, sizeof(path), "%s/token", f->dir);
	assert_int_equal(access(path, F_OK), 0);
	assert_int_equal(mfa_store_begin(home, "carol", &txn, &st, &perr), MFA_OK);
	assert_int_equal(st->next, 42);
	mfa_store_end(&txn);
	mfa_state_free(&st);
	mfa_store_close(&home);
	assert_null(home);
}

/* 32 processes each add one to `next` under the lock: none is lost. */
static void
test_concurrent_writers_lose_no_update(void **state)
{
	struct fixture *f = *state;
	struct mfa_store_txn *txn = NULL;
	struct mfa_state *st = NULL;
	struct mfa_parse_err perr;
	pid_t pids[32];
	int i, status;

	for (i = 0; i < 32; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			int ok = mfa_store_begin(f->store, "alice", &txn, &st, &perr) == MFA_OK;

			if (ok) {
				st->next++;
				ok = mfa_store_commit(txn, st, &perr) == MFA_OK;
				mfa_store_end(&txn);
				mfa_state_free(&st);
			}
			_exit(ok ? 0 : 1);
		}
	}
	for (i = 0; i < 32; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(mfa_store_begin(f->store, "alice", &txn, &st, &perr), MFA_OK);
	assert_int_equal(st->next, 7 + 32);
	mfa_store_end(&txn);
	mfa_state_free(&st);
	assert_int_equal(count_entries(f->dir), 1);
}

/* The file's current slot: its number and where it is. */
static struct mfa_slots_view
slots_of(const char *path, char **bufp)
{
	struct mfa_slots_view v;
	struct mfa_parse_err perr;
	size_t len;

	*bufp = test_read_file(path, &len);
	assert_true(mfa_slots_detect((const uint8_t *)*bufp, len));
	assert_int_equal(mfa_slots_read((const uint8_t *)*bufp, len, path, &v, &perr), MFA_OK);
	return v;
}

static void
commit_next(struct fixture *f, uint64_t next)
{
	struct mfa_store_txn *txn = NULL;
	struct mfa_state *st = NULL;
	struct mfa_parse_err perr;

	assert_int_equal(mfa_store_begin(f->store, "alice", &txn, &st, &perr), MFA_OK);
	st->next = next;
	assert_int_equal(mfa_store_commit(txn, st, &perr), MFA_OK);
	mfa_store_end(&txn);
	mfa_state_free(&st);
}

static uint64_t
next_of(struct fixture *f)
{
	struct mfa_store_txn *txn = NULL;
	struct mfa_state *st = NULL;
	struct mfa_parse_err perr;
	uint64_t next;

	assert_int_equal(mfa_store_begin(f->store, "alice", &txn, &st, &perr), MFA_OK);
	next = st->next;
	mfa_store_end(&txn);
	mfa_state_free(&st);
	return next;
}

/*
 * Enrollment writes a slotted file; each update writes the other slot of
 * the same file (same inode, same size) with the next number: no rename.
 */
static void
test_updates_alternate_slots_in_place(void **state)
{
	struct fixture *f = *state;
	struct mfa_slots_view v;
	struct stat before, after;
	char *buf;

	v = slots_of(f->path, &buf);
	assert_int_equal(v.seq, 1);
	assert_int_equal(v.current, 0);
	assert_true(v.other_empty);
	free(buf);
	assert_int_equal(stat(f->path, &before), 0);
	for (uint64_t i = 0; i < 5; i++) {
		commit_next(f, 100 + i);
		assert_int_equal(stat(f->path, &after), 0);
		assert_int_equal(after.st_ino, before.st_ino);
		assert_int_equal(after.st_size, before.st_size);
		assert_int_equal(after.st_mode & 07777, 0600);
		v = slots_of(f->path, &buf);
		assert_int_equal(v.seq, 2 + i);
		assert_int_equal(v.current, (1 + i) % 2);
		assert_false(v.other_empty);
		assert_false(v.other_damaged);
		free(buf);
		assert_int_equal(next_of(f), 100 + i);
	}
	assert_int_equal(count_entries(f->dir), 1);
}

/* A plain-text state file (an older version's) is read, and rewritten slotted by the first update. */
static void
test_plain_file_converted_by_first_update(void **state)
{
	struct fixture *f = *state;
	struct mfa_state *st = sample_state(42);
	struct mfa_slots_view v;
	char *text = NULL, *buf;
	size_t len = 0;

	assert_int_equal(mfa_state_format(st, &text, &len), MFA_OK);
	test_write_file(f->path, 0600, "%s", text);
	assert_int_equal(next_of(f), 42);
	commit_next(f, 43);
	v = slots_of(f->path, &buf);
	assert_int_equal(v.seq, 1);
	assert_int_equal(next_of(f), 43);
	free(buf);
	commit_next(f, 44);
	v = slots_of(f->path, &buf);
	assert_int_equal(v.seq, 2);
	free(buf);
	assert_int_equal(count_entries(f->dir), 1);
	mfa_freezero(text, len);
	mfa_state_free(&st);
}

/* Did begin report that it read past a torn copy? */
static bool
torn_copy_seen(struct fixture *f)
{
	struct mfa_store_txn *txn = NULL;
	struct mfa_state *st = NULL;
	struct mfa_parse_err perr;
	bool seen;

	assert_int_equal(mfa_store_begin(f->store, "alice", &txn, &st, &perr), MFA_OK);
	seen = txn->read_past_torn_copy;
	mfa_store_end(&txn);
	mfa_state_free(&st);
	return seen;
}

/*
 * A crash in the middle of an update: the newer slot torn.  The state is
 * the older slot's, and the next update writes over the torn one.
 */
static void
test_torn_slot_reads_as_the_state_before(void **state)
{
	struct fixture *f = *state;
	struct mfa_slots_view v;
	char *buf;
	size_t len;
	FILE *fp;

	commit_next(f, 500); /* seq 2 in slot 1 */
	commit_next(f, 501); /* seq 3 in slot 0 */
	buf = test_read_file(f->path, &len);
	/* Tear slot 0: its second half never reached the disk (zeros there). */
	memset(buf + MFA_SLOTS_ALIGN / 2 - 100, 'x', 50);
	assert_non_null(fp = fopen(f->path, "r+b"));
	assert_int_equal(fwrite(buf, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	free(buf);
	v = slots_of(f->path, &buf);
	assert_int_equal(v.seq, 2);
	assert_int_equal(v.current, 1);
	assert_true(v.other_damaged);
	free(buf);
	assert_int_equal(next_of(f), 500);
	assert_true(torn_copy_seen(f));
	commit_next(f, 502);
	v = slots_of(f->path, &buf);
	assert_int_equal(v.seq, 3);
	assert_int_equal(v.current, 0);
	assert_false(v.other_damaged);
	free(buf);
	assert_int_equal(next_of(f), 502);
	assert_false(torn_copy_seen(f));
}

/* A state that outgrows its slots: the file is rewritten larger, the numbers go on. */
static void
test_state_outgrowing_its_slots_is_rewritten(void **state)
{
	struct fixture *f = *state;
	struct mfa_store_txn *txn = NULL;
	struct mfa_state *st = NULL;
	struct mfa_parse_err perr;
	struct mfa_slots_view v;
	struct stat before, after;
	char *buf;

	commit_next(f, 9); /* seq 2 */
	assert_int_equal(stat(f->path, &before), 0);
	assert_int_equal(before.st_size, 2 * MFA_SLOTS_ALIGN);
	assert_int_equal(mfa_store_begin(f->store, "alice", &txn, &st, &perr), MFA_OK);
	/* A seed of 512 bytes and 32 recovery codes do not fit 4 KiB. */
	mfa_freezero(st->secret, st->secret_len);
	assert_non_null(st->secret = malloc(512));
	memset(st->secret, 0x5a, 512);
	st->secret_len = 512;
	for (size_t i = 0; i < MFA_STATE_RECOVERY_MAX; i++) {
		char h[MFA_STATE_RECOVERY_TEXT_MAX];

		snprintf(h, sizeof(h), "pbkdf2-sha256$10000$%032zx$%064zx", i, i);
		assert_non_null(st->recovery[i] = strdup(h));
	}
	st->nrecovery = MFA_STATE_RECOVERY_MAX;
	assert_int_equal(mfa_store_commit(txn, st, &perr), MFA_OK);
	mfa_store_end(&txn);
	mfa_state_free(&st);
	assert_int_equal(stat(f->path, &after), 0);
	assert_true(after.st_size > before.st_size);
	assert_int_not_equal(after.st_ino, before.st_ino);
	v = slots_of(f->path, &buf);
	assert_int_equal(v.seq, 3);
	free(buf);
	assert_int_equal(next_of(f), 9);
	assert_int_equal(count_entries(f->dir), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_begin_commit_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unenrolled_user_is_not_found, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_never_replaces_without_force, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unsafe_and_corrupt_files_fail_closed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_user_names_that_cannot_name_a_file, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unsafe_store_directories, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_directory_spellings_and_links, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_home_store_maps_every_user_to_one_file, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_updates_alternate_slots_in_place, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_plain_file_converted_by_first_update, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_torn_slot_reads_as_the_state_before, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_state_outgrowing_its_slots_is_rewritten, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_writers_lose_no_update, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
