/*
 * test_fault_module.c - pam_mfacover fails closed and keeps the store
 * intact when any single call fails.
 *
 * MFACOVER_FAULT_MODULE is a build of pam_mfacover.so linked with
 * fault_inject.c: MFACOVER_FAULT_AT=N fails its N-th allocation, file
 * system call, OpenSSL or liboath call.  For each scenario (a right HOTP
 * code, a right TOTP code, a wrong code, the failure that starts a lockout,
 * a recovery code; through a stack with nullok, one with only=, and one
 * with store=home, where the module becomes the user and back) this
 * runs one authentication per N = 1, 2, ... in a child process, until a run
 * makes fewer than N calls.  After every run:
 *   - the child exited by itself (no crash; under ASan: no error, no leak);
 *   - the module never answered PAM_IGNORE: an enrolled user in the group
 *     is never taken for "not enrolled" or "not concerned";
 *   - PAM_SUCCESS only for a right code, and only with the code's use on
 *     disk (the HOTP counter or TOTP step moved past it, the recovery code
 *     gone, the failure count reset);
 *   - the store holds exactly the user's file, 0600 and owned as before,
 *     and it parses: either the old state byte for byte, or a state that
 *     records this attempt (never a torn or half-written one), and no
 *     temporary file is left behind.
 * The state is then put back for the next N.  The test also requires that
 * faults were injected into each kind of call the store makes, so that it
 * cannot pass by testing nothing.
 *
 * Run by ctest with LD_PRELOAD="libpam_wrapper.so libnss_wrapper.so" and
 * PAM_WRAPPER=1, like the module test.
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
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <security/pam_appl.h>

#include "mfa_mem.h"
#include "otp.h"
#include "recovery.h"
#include "state.h"
#include "state_slots.h"
#include "store_dir.h"
#include "test_files.h"
#include "test_pam_conv.h"

#define PAM_DEBUG_MODULE "/usr/lib/x86_64-linux-gnu/security/pam_debug.so"
#define SEED "12345678901234567890"
#define HOTP_NEXT 5
#define HOME_UID 2001
/* What the child adds to PAM's return code, so a sanitizer's exit is told apart. */
#define CHILD_RC_BASE 100
#define MAX_RUNS 5000
#define FAULT_NAME_MAX 32
#define FAULT_KINDS 32

struct env {
	char root[64];
	char services[128];
	char store[128];
	char home_store[160]; /* bob's ~/.config/mfacover */
	/* The state file of the scenario running: directory, name, path, owner. */
	const char *dir;
	const char *name;
	char file[200];
	uid_t owner;
	char report[128];
	char log[128];
	const char *module;
};

static struct env E;

/* Which calls had a fault injected, over the whole test program. */
static struct {
	char name[FAULT_NAME_MAX];
	unsigned runs;
	unsigned successes; /* of a right code, all the same */
} fault_kinds[FAULT_KINDS];
static size_t nfault_kinds;

enum expect {
	EXPECT_RIGHT_OTP,      /* success possible; it must consume the code */
	EXPECT_WRONG,          /* never success; one more failure or none */
	EXPECT_LOCKOUT,        /* never success; the lock starts or nothing changes */
	EXPECT_RIGHT_RECOVERY, /* success possible; the code must be gone */
};

struct scenario {
	const char *service;
	const char *user; /* alice: central store; bob: store=home */
	enum mfa_otp_kind kind;
	unsigned failures; /* in the state before the attempt */
	enum expect expect;
};

static int
setup_env(void **state)
{
	char path[256];

	(void)state;
	E.module = getenv("MFACOVER_FAULT_MODULE");
	assert_non_null(E.module);
	snprintf(E.root, sizeof(E.root), "/tmp/mfacover-fault-XXXXXX");
	assert_non_null(mkdtemp(E.root));
	assert_int_equal(chmod(E.root, 0755), 0);
	snprintf(E.services, sizeof(E.services), "%s/services", E.root);
	snprintf(E.store, sizeof(E.store), "%s/store", E.root);
	snprintf(E.report, sizeof(E.report), "%s/fault-report", E.root);
	snprintf(E.log, sizeof(E.log), "%s/child.log", E.root);
	assert_int_equal(mkdir(E.services, 0755), 0);
	assert_int_equal(mkdir(E.store, 0700), 0);
	/* bob's home, his own down to the store, as for store=home. */
	snprintf(path, sizeof(path), "%s/home", E.root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/home/bob", E.root);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(chown(path, HOME_UID, HOME_UID), 0);
	snprintf(path, sizeof(path), "%s/home/bob/.config", E.root);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(chown(path, HOME_UID, HOME_UID), 0);
	snprintf(E.home_store, sizeof(E.home_store), "%s/home/bob/.config/mfacover", E.root);
	assert_int_equal(mkdir(E.home_store, 0700), 0);
	assert_int_equal(chown(E.home_store, HOME_UID, HOME_UID), 0);

	snprintf(path, sizeof(path), "%s/other", E.services);
	test_write_file(path, 0644, "auth required %s auth=perm_denied\n", PAM_DEBUG_MODULE);
	/*
	 * The module's answer comes back as itself; PAM_IGNORE as
	 * PAM_CRED_UNAVAIL.  nullok: a store fault must not look like "no token".
	 * only=: a fault in the group lookup must not look like "not concerned".
	 */
	snprintf(path, sizeof(path), "%s/nullok", E.services);
	test_write_file(
		path, 0644,
		"auth [success=done ignore=ignore default=die] %s store=%s nullok lockout=3/600\n"
		"auth requisite %s auth=cred_unavail\n",
		E.module, E.store, PAM_DEBUG_MODULE);
	snprintf(path, sizeof(path), "%s/only", E.services);
	test_write_file(
		path, 0644,
		"auth [success=done ignore=ignore default=die] %s store=%s only=admins,wheel "
		"lockout=3/600\n"
		"auth requisite %s auth=cred_unavail\n",
		E.module, E.store, PAM_DEBUG_MODULE);

	/* store=home drops to bob before it reads his home. */
	snprintf(path, sizeof(path), "%s/home", E.services);
	test_write_file(
		path, 0644,
		"auth [success=done ignore=ignore default=die] %s store=home nullok lockout=3/600\n"
		"auth requisite %s auth=cred_unavail\n",
		E.module, PAM_DEBUG_MODULE);

	snprintf(path, sizeof(path), "%s/passwd", E.root);
	test_write_file(path, 0644,
			"alice:x:2000:2000:Alice:/nonexistent:/bin/sh\n"
			"bob:x:2001:2001:Bob:%s/home/bob:/bin/sh\n",
			E.root);
	assert_int_equal(setenv("NSS_WRAPPER_PASSWD", path, 1), 0);
	snprintf(path, sizeof(path), "%s/group", E.root);
	test_write_file(path, 0644, "alice:x:2000:\nbob:x:2001:\nadmins:x:3000:alice\n");
	assert_int_equal(setenv("NSS_WRAPPER_GROUP", path, 1), 0);
	assert_int_equal(setenv("PAM_WRAPPER_SERVICE_DIR", E.services, 1), 0);
	return 0;
}

static int
teardown_env(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", E.root);
	return system(cmd) == 0 ? 0 : -1;
}

static void restore(const char *bytes, size_t len);

/*
 * The scenario's user's state, formatted by the library and written as the
 * store would hold it; returns its bytes.
 */
static char *
enroll(const struct scenario *sc, char recovery_code[MFA_RECOVERY_CODE_SIZE], size_t *lenp)
{
	struct mfa_state *st = calloc(1, sizeof(*st));
	char *text, *copy;
	size_t len;

	assert_non_null(st);
	st->kind = sc->kind;
	st->alg = MFA_OTP_SHA1;
	st->digits = 6;
	st->period = sc->kind == MFA_OTP_TOTP ? 30 : 0;
	st->secret = malloc(20);
	assert_non_null(st->secret);
	memcpy(st->secret, SEED, 20);
	st->secret_len = 20;
	st->next = sc->kind == MFA_OTP_HOTP ? HOTP_NEXT : 0;
	st->failures = sc->failures;
	st->created = (uint64_t)time(NULL);
	/* Two recovery codes; the first is the one typed in the recovery scenario. */
	for (st->nrecovery = 0; st->nrecovery < 2; st->nrecovery++) {
		char code[MFA_RECOVERY_CODE_SIZE];

		st->recovery[st->nrecovery] = malloc(MFA_RECOVERY_HASH_TEXT_SIZE);
		assert_non_null(st->recovery[st->nrecovery]);
		assert_int_equal(mfa_recovery_generate(code), MFA_OK);
		assert_int_equal(mfa_recovery_hash(code, MFA_RECOVERY_ITERATIONS_MIN,
						   st->recovery[st->nrecovery]),
				 MFA_OK);
		if (st->nrecovery == 0)
			memcpy(recovery_code, code, sizeof(code));
	}
	if (strcmp(sc->user, "bob") == 0) {
		E.dir = E.home_store;
		E.name = MFA_STORE_HOME_FILE;
		E.owner = HOME_UID;
	} else {
		E.dir = E.store;
		E.name = sc->user;
		E.owner = geteuid();
	}
	snprintf(E.file, sizeof(E.file), "%s/%s", E.dir, E.name);
	assert_int_equal(mfa_state_format(st, &text, &len), MFA_OK);
	mfa_state_free(&st);
	copy = malloc(len);
	assert_non_null(copy);
	memcpy(copy, text, len);
	mfa_freezero(text, len);
	restore(copy, len);
	*lenp = len;
	return copy;
}

/* Put the state file back as it was before the run. */
static void
restore(const char *bytes, size_t len)
{
	char tmp[200];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s/restore.tmp", E.root);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, bytes, len), (ssize_t)len);
	assert_int_equal(fchown(fd, E.owner, E.owner), 0);
	assert_int_equal(close(fd), 0);
	assert_int_equal(rename(tmp, E.file), 0);
}

/* In a child: one pam_authenticate with fault N; returns the child's wait status. */
static int
run_child(const struct scenario *sc, const char *answer, long n)
{
	char at[32];
	pid_t pid;
	int status;

	unlink(E.report);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct pam_conv conv = {test_pam_conv_answer, &answer};
		pam_handle_t *pamh = NULL;
		char fdtext[16];
		int fd, report, rc;

		/* pam_wrapper's log lines and any sanitizer report. */
		fd = open(E.log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(90);
		report = open(E.report, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (report < 0)
			_exit(91);
		snprintf(at, sizeof(at), "%ld", n);
		snprintf(fdtext, sizeof(fdtext), "%d", report);
		if (setenv("MFACOVER_FAULT_AT", at, 1) != 0 ||
		    setenv("MFACOVER_FAULT_REPORT_FD", fdtext, 1) != 0)
			_exit(91);
		if (pam_start(sc->service, sc->user, &conv, &pamh) != PAM_SUCCESS)
			_exit(92);
		rc = pam_authenticate(pamh, 0);
		pam_end(pamh, rc);
		exit(CHILD_RC_BASE + rc); /* exit, not _exit: LeakSanitizer runs at exit */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void
print_child_log(void)
{
	size_t len;
	char *text = test_read_file(E.log, &len);

	fprintf(stderr, "---- child's stderr ----\n%s\n------------------------\n", text);
	free(text);
}

/* The fault of the last run ("" when none was injected). */
static void
read_report(char name[FAULT_NAME_MAX])
{
	FILE *fp = fopen(E.report, "r");
	long n;
	int got;

	name[0] = '\0';
	if (fp == NULL) {
		assert_int_equal(errno, ENOENT); /* the child stopped before it made it */
		return;
	}
	got = fscanf(fp, "%ld %31s", &n, name);
	assert_true(got == 2 || (got == EOF && !ferror(fp)));
	fclose(fp);
}

static void
count_fault(const char *name, bool success)
{
	size_t i;

	for (i = 0; i < nfault_kinds && strcmp(fault_kinds[i].name, name) != 0; i++)
		;
	if (i == nfault_kinds) {
		assert_true(nfault_kinds < FAULT_KINDS);
		snprintf(fault_kinds[nfault_kinds++].name, FAULT_NAME_MAX, "%s", name);
	}
	fault_kinds[i].runs++;
	if (success)
		fault_kinds[i].successes++;
}

/* Only the user's file in the store, with its owner and mode. */
static void
check_store_entries(long n, const char *fault)
{
	DIR *d = opendir(E.dir);
	struct dirent *e;
	struct stat st;
	unsigned files = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (strcmp(e->d_name, E.name) != 0)
			fail_msg("fault %ld (%s) left %s in the store", n, fault, e->d_name);
		files++;
	}
	closedir(d);
	if (files != 1)
		fail_msg("fault %ld (%s) removed the state file", n, fault);
	assert_int_equal(lstat(E.file, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_uid, E.owner);
}

/* The state after the run against the state before it and the answer. */
static void
check_state(const struct scenario *sc, long n, const char *fault, int rc, const char *before,
	    size_t before_len, uint64_t step)
{
	struct mfa_state *old = NULL, *now = NULL;
	struct mfa_parse_err perr;
	size_t len;
	char *after = test_read_file(E.file, &len);
	bool same = len == before_len && memcmp(after, before, len) == 0;

	if (mfa_state_file_parse(after, len, E.file, &now, NULL, &perr) != MFA_OK)
		fail_msg("fault %ld (%s): the state no longer parses: line %u: %s", n, fault,
			 perr.line, perr.msg);
	assert_int_equal(mfa_state_file_parse(before, before_len, E.file, &old, NULL, &perr),
			 MFA_OK);
	assert_memory_equal(now->secret, old->secret, old->secret_len);

	switch (sc->expect) {
	case EXPECT_RIGHT_OTP:
		if (rc == PAM_SUCCESS) {
			uint64_t used = sc->kind == MFA_OTP_HOTP ? HOTP_NEXT : step;

			if (now->next <= used || now->failures != 0)
				fail_msg("fault %ld (%s): success without the code's use on disk",
					 n, fault);
		} else if (!same && (now->next <= old->next || now->failures != 0)) {
			fail_msg("fault %ld (%s): refused, and the state changed otherwise", n,
				 fault);
		}
		break;
	case EXPECT_WRONG:
		if (!same && (now->next != old->next || now->failures != old->failures + 1))
			fail_msg("fault %ld (%s): a wrong code changed more than the count", n,
				 fault);
		break;
	case EXPECT_LOCKOUT:
		if (!same && (now->locked_until == 0 || now->failures != 0))
			fail_msg("fault %ld (%s): the lockout was written half", n, fault);
		break;
	case EXPECT_RIGHT_RECOVERY:
		if (rc == PAM_SUCCESS) {
			if (now->nrecovery != old->nrecovery - 1 ||
			    strcmp(now->recovery[0], old->recovery[1]) != 0)
				fail_msg(
					"fault %ld (%s): success with the recovery code still there",
					n, fault);
		} else if (!same && now->nrecovery != old->nrecovery - 1) {
			fail_msg("fault %ld (%s): refused, and the state changed otherwise", n,
				 fault);
		}
		break;
	}
	mfa_state_free(&old);
	mfa_state_free(&now);
	free(after);
}

/*
 * The only calls whose failure may leave a right code accepted: closing a
 * descriptor that was only read or locked (a failed close of the new state
 * file is refused before the rename), and the re-check of the name after
 * locking, which is tried again.  Any other failure must end in a refusal.
 */
static bool
may_still_succeed(const char *fault)
{
	return strcmp(fault, "close") == 0 || strcmp(fault, "fstatat") == 0;
}

static void
run_scenario(const struct scenario *sc)
{
	char recovery[MFA_RECOVERY_CODE_SIZE], code[MFA_OTP_CODE_SIZE], fault[FAULT_NAME_MAX];
	size_t before_len;
	char *before = enroll(sc, recovery, &before_len);
	unsigned faulted = 0, succeeded = 0;
	uint64_t step = 0;
	long n;

	for (n = 1; n <= MAX_RUNS; n++) {
		const char *answer = code;
		int status, rc;

		if (sc->kind == MFA_OTP_TOTP) {
			step = (uint64_t)time(NULL) / 30;
			assert_int_equal(mfa_otp_generate((const uint8_t *)SEED, 20, MFA_OTP_SHA1,
							  6, step, code),
					 MFA_OK);
		} else {
			assert_int_equal(mfa_otp_generate((const uint8_t *)SEED, 20, MFA_OTP_SHA1,
							  6, HOTP_NEXT, code),
					 MFA_OK);
		}
		if (sc->expect == EXPECT_WRONG || sc->expect == EXPECT_LOCKOUT)
			code[0] = code[0] == '9' ? '0' : (char)(code[0] + 1);
		if (sc->expect == EXPECT_RIGHT_RECOVERY)
			answer = recovery;

		status = run_child(sc, answer, n);
		read_report(fault);
		if (!WIFEXITED(status) || WEXITSTATUS(status) < CHILD_RC_BASE) {
			print_child_log();
			fail_msg("fault %ld (%s): the child crashed or a sanitizer reported "
				 "(status %#x)",
				 n, fault[0] != '\0' ? fault : "none", (unsigned)status);
		}
		rc = WEXITSTATUS(status) - CHILD_RC_BASE;
		if (fault[0] == '\0') {
			/* Every call has failed once: this run is the clean one. */
			bool right = sc->expect == EXPECT_RIGHT_OTP ||
				     sc->expect == EXPECT_RIGHT_RECOVERY;

			if (rc != (right ? PAM_SUCCESS : PAM_AUTH_ERR))
				fail_msg("clean run of %s: %s", sc->service,
					 pam_strerror(NULL, rc));
			check_store_entries(n, "none");
			check_state(sc, n, "none", rc, before, before_len, step);
			break;
		}
		faulted++;
		count_fault(fault, rc == PAM_SUCCESS);
		if (rc == PAM_CRED_UNAVAIL)
			fail_msg("fault %ld (%s): the module answered PAM_IGNORE", n, fault);
		if (rc == PAM_SUCCESS) {
			succeeded++;
			if (sc->expect == EXPECT_WRONG || sc->expect == EXPECT_LOCKOUT)
				fail_msg("fault %ld (%s): a wrong code was accepted", n, fault);
			if (!may_still_succeed(fault))
				fail_msg("fault %ld (%s): accepted all the same", n, fault);
		}
		check_store_entries(n, fault);
		check_state(sc, n, fault, rc, before, before_len, step);
		restore(before, before_len);
	}
	if (n > MAX_RUNS)
		fail_msg("more than %d calls in one authentication", MAX_RUNS);
	fprintf(stderr, "%-8s %-9s expect=%d: %u runs with a fault (%u still succeeded)\n",
		sc->service, mfa_otp_kind_name(sc->kind), (int)sc->expect, faulted, succeeded);
	assert_true(faulted > 0);
	mfa_wipe(recovery, sizeof(recovery));
	free(before);
}

static void
test_right_hotp(void **state)
{
	const struct scenario a = {"nullok", "alice", MFA_OTP_HOTP, 0, EXPECT_RIGHT_OTP};
	const struct scenario b = {"only", "alice", MFA_OTP_HOTP, 1, EXPECT_RIGHT_OTP};
	const struct scenario c = {"home", "bob", MFA_OTP_HOTP, 0, EXPECT_RIGHT_OTP};

	(void)state;
	run_scenario(&a);
	run_scenario(&b);
	run_scenario(&c);
}

static void
test_right_totp(void **state)
{
	const struct scenario a = {"nullok", "alice", MFA_OTP_TOTP, 0, EXPECT_RIGHT_OTP};

	(void)state;
	run_scenario(&a);
}

static void
test_wrong_code(void **state)
{
	const struct scenario a = {"nullok", "alice", MFA_OTP_HOTP, 0, EXPECT_WRONG};
	const struct scenario b = {"only", "alice", MFA_OTP_TOTP, 1, EXPECT_WRONG};
	const struct scenario c = {"home", "bob", MFA_OTP_HOTP, 1, EXPECT_WRONG};

	(void)state;
	run_scenario(&a);
	run_scenario(&b);
	run_scenario(&c);
}

static void
test_lockout(void **state)
{
	const struct scenario a = {"nullok", "alice", MFA_OTP_HOTP, 2, EXPECT_LOCKOUT};

	(void)state;
	run_scenario(&a);
}

static void
test_recovery_code(void **state)
{
	const struct scenario a = {"nullok", "alice", MFA_OTP_HOTP, 1, EXPECT_RIGHT_RECOVERY};
	const struct scenario b = {"only", "alice", MFA_OTP_TOTP, 0, EXPECT_RIGHT_RECOVERY};
	const struct scenario c = {"home", "bob", MFA_OTP_TOTP, 2, EXPECT_RIGHT_RECOVERY};

	(void)state;
	run_scenario(&a);
	run_scenario(&b);
	run_scenario(&c);
}

/* The runs above must have failed every kind of call the store and the factors make. */
static void
test_every_kind_of_call_failed(void **state)
{
	static const char *const needed[] = {
		"malloc",
		"calloc",
		"strdup",
		"openat",
		"fstat",
		"flock",
		"pread",
		"write",
		"fsync",
		"close",
		"renameat",
		"fstatat",
		"PKCS5_PBKDF2_HMAC",
		"oath_hotp_generate",
		"pam_modutil_drop_priv",
		"pam_modutil_regain_priv",
	};
	size_t i, j;

	(void)state;
	for (i = 0; i < nfault_kinds; i++)
		fprintf(stderr, "  %-20s failed in %3u runs, %u of them still a success\n",
			fault_kinds[i].name, fault_kinds[i].runs, fault_kinds[i].successes);
	for (i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		for (j = 0; j < nfault_kinds; j++) {
			if (strcmp(fault_kinds[j].name, needed[i]) == 0)
				break;
		}
		if (j == nfault_kinds)
			fail_msg("no fault was injected into %s", needed[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_right_hotp),
		cmocka_unit_test(test_right_totp),
		cmocka_unit_test(test_wrong_code),
		cmocka_unit_test(test_lockout),
		cmocka_unit_test(test_recovery_code),
		cmocka_unit_test(test_every_kind_of_call_failed),
	};

	return cmocka_run_group_tests(tests, setup_env, teardown_env);
}
