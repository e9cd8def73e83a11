/*
 * test_pam_mfacover.c - pam_mfacover.so in real PAM stacks, through
 * pam_wrapper (service files in a temporary directory, never /etc/pam.d)
 * and libpamtest, with nss_wrapper providing the test users and groups.
 *
 * Run by ctest with LD_PRELOAD="libpam_wrapper.so libnss_wrapper.so",
 * PAM_WRAPPER=1 and MFACOVER_MODULE pointing at the built module.  The
 * fixture makes the service directory, the store and the NSS files.
 *
 * Return codes are made visible through the stack: the module's line is
 *   auth [success=done ignore=ignore default=die] pam_mfacover.so ...
 *   auth requisite pam_debug.so auth=cred_unavail
 * so PAM_SUCCESS, PAM_AUTH_ERR, PAM_SERVICE_ERR come back as themselves
 * and PAM_IGNORE comes back as PAM_CRED_UNAVAIL.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
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
#include <libpamtest.h>
#include <security/pam_appl.h>

#include "fido2_cred.h"
#include "mfa_mem.h"
#include "otp.h"
#include "recovery.h"
#include "soft_fido2.h"
#include "store_dir.h"
#include "test_files.h"
#include "test_pam_conv.h"

#define PAM_DEBUG_MODULE "/usr/lib/x86_64-linux-gnu/security/pam_debug.so"
#define IGNORED PAM_CRED_UNAVAIL /* what PAM_IGNORE becomes through the stack */
#define SEED "12345678901234567890"
#define HOME_UID 2001

struct env {
	char root[64];
	char services[128];
	char store[128];
	char home[128];
	char log[128];
	const char *module;
	const char *pam_dir;
	const char *soft_module; /* the module with the software authenticator */
	char device[128];        /* that authenticator's file */
};

static struct env E;

/* A service whose first line is pam_mfacover with args, then `rest`. */
static void
service(const char *name, const char *args, const char *rest)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", E.services, name);
	test_write_file(path, 0644,
			"auth [success=done ignore=ignore default=die] %s store=%s %s\n"
			"auth requisite %s auth=cred_unavail\n%s",
			E.module, E.store, args, PAM_DEBUG_MODULE, rest != NULL ? rest : "");
}

/* A service whose first line is the soft-device module (store= unless args has one). */
static void
soft_service(const char *name, const char *args)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", E.services, name);
	test_write_file(path, 0644,
			"auth [success=done ignore=ignore default=die] %s %s%s %s\n"
			"auth requisite %s auth=cred_unavail\n",
			E.soft_module, strstr(args, "store=") != NULL ? "" : "store=",
			strstr(args, "store=") != NULL ? "" : E.store, args, PAM_DEBUG_MODULE);
}

/* A service with the given full text (for item-passing stacks). */
static void
service_text(const char *name, const char *text)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", E.services, name);
	test_write_file(path, 0644, "%s", text);
}

static int
rm_rf(const char *path)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	return system(cmd);
}

/* Arguments that must make the module refuse to run. */
static const char *const bad_args[] = {
	"frobnicate",      "window=101",
	"window=-1",       "digits=9",
	"digits",          "nullok=yes",
	"lockout=0/60",    "lockout=5",
	"input=telepathy", "store=relative/dir",
	"nullok nullok",   "use_first_pass try_first_pass",
	"step=0",          "factors=fido2,sms",
	"factors=",        "factors=totp,totp",
	"uv=preferred",    "origin=",
	"appid=pam://a b", "factors=fido2 input=append",
};

/*
 * pam_wrapper copies the service directory when it first starts a
 * transaction, so every service the tests use is written up front.
 */
static void
define_services(void)
{
	char text[2048], name[32];
	size_t i;

	service("mfa", "", NULL);
	service("w0", "window=0", NULL);
	service("w1", "window=1", NULL);
	service("w3", "window=3", NULL);
	service("lock", "lockout=3/2", NULL);
	service("crash", "lockout=1000/1", NULL); /* every failure counted, none locks */
	service("strict", "", NULL);
	service("lenient", "nullok", NULL);
	service("admins", "only=wheel,admins", NULL);
	service("typo", "only=admnis", NULL);
	service("eight", "digits=8", NULL);
	for (i = 0; i < sizeof(bad_args) / sizeof(bad_args[0]); i++) {
		snprintf(name, sizeof(name), "bad%zu", i);
		service(name, bad_args[i], NULL);
	}
	snprintf(text, sizeof(text),
		 "auth required %s store=%s input=append\n"
		 "auth required %s/pam_get_items.so\n",
		 E.module, E.store, E.pam_dir);
	service_text("vpn", text);
	snprintf(text, sizeof(text),
		 "auth required %s/pam_set_items.so\n"
		 "auth required %s store=%s input=openvpn\n"
		 "auth required %s/pam_get_items.so\n",
		 E.pam_dir, E.module, E.store, E.pam_dir);
	service_text("openvpn", text);
	snprintf(text, sizeof(text),
		 "auth required %s/pam_set_items.so\n"
		 "auth required %s store=%s input=auto\n"
		 "auth required %s/pam_get_items.so\n",
		 E.pam_dir, E.module, E.store, E.pam_dir);
	service_text("auto", text);
	snprintf(text, sizeof(text),
		 "auth required %s/pam_set_items.so\n"
		 "auth required %s store=%s use_first_pass [prompt=OTP code: ]\n",
		 E.pam_dir, E.module, E.store);
	service_text("first", text);
	snprintf(text, sizeof(text),
		 "auth required %s/pam_set_items.so\n"
		 "auth required %s store=%s try_first_pass\n",
		 E.pam_dir, E.module, E.store);
	service_text("try", text);
	snprintf(text, sizeof(text), "auth required %s store=home\n", E.module);
	service_text("home", text);
	/* The module with the software authenticator (MFACOVER_SOFT_FIDO2). */
	soft_service("f2", "origin=pam://test");
	soft_service("f2only", "origin=pam://test factors=fido2");
	soft_service("f2many", "origin=pam://test factors=fido2 lockout=100/60");
	soft_service("f2uv", "origin=pam://test factors=fido2 uv=required");
	soft_service("f2last", "origin=pam://test factors=totp,recovery,fido2");
	soft_service("f2codes", "origin=pam://test factors=totp,hotp");
	soft_service("f2appid", "origin=pam://test appid=pam://legacy factors=fido2");
	soft_service("f2home", "store=home origin=pam://test factors=fido2");
}

static int
setup_env(void **state)
{
	char path[512];

	(void)state;
	E.module = getenv("MFACOVER_MODULE");
	assert_non_null(E.module);
	E.soft_module = getenv("MFACOVER_SOFT_MODULE");
	assert_non_null(E.soft_module);
	snprintf(E.root, sizeof(E.root), "/tmp/mfacover-pam-XXXXXX");
	assert_non_null(mkdtemp(E.root));
	assert_int_equal(chmod(E.root, 0755), 0);
	snprintf(E.services, sizeof(E.services), "%s/services", E.root);
	snprintf(E.store, sizeof(E.store), "%s/store", E.root);
	snprintf(E.home, sizeof(E.home), "%s/home", E.root);
	snprintf(E.log, sizeof(E.log), "%s/pam.log", E.root);
	snprintf(E.device, sizeof(E.device), "%s/device", E.root);
	assert_int_equal(setenv("MFACOVER_SOFT_FIDO2", E.device, 1), 0);
	assert_int_equal(mkdir(E.services, 0755), 0);
	assert_int_equal(mkdir(E.store, 0700), 0);
	assert_int_equal(mkdir(E.home, 0755), 0);
	/* libpam reads "other" at every pam_start. */
	snprintf(path, sizeof(path), "%s/other", E.services);
	test_write_file(path, 0644, "auth required %s auth=perm_denied\n", PAM_DEBUG_MODULE);

	snprintf(path, sizeof(path), "%s/passwd", E.root);
	test_write_file(path, 0644,
			"alice:x:2000:2000:Alice:/nonexistent:/bin/sh\n"
			"bob:x:2001:2001:Bob:%s/bob:/bin/sh\n"
			"carol:x:2002:2002:Carol:/nonexistent:/bin/sh\n",
			E.home);
	assert_int_equal(setenv("NSS_WRAPPER_PASSWD", path, 1), 0);
	snprintf(path, sizeof(path), "%s/group", E.root);
	test_write_file(path, 0644,
			"alice:x:2000:\nbob:x:2001:\ncarol:x:2002:\n"
			"admins:x:3000:alice,carol\nvendors:x:3001:bob\n");
	assert_int_equal(setenv("NSS_WRAPPER_GROUP", path, 1), 0);
	assert_int_equal(setenv("PAM_WRAPPER_SERVICE_DIR", E.services, 1), 0);
	define_services();
	return 0;
}

static int
teardown_env(void **state)
{
	(void)state;
	return rm_rf(E.root) == 0 ? 0 : -1;
}

/* Remove every state file between tests. */
static int
reset_store(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'/* '%s'/.[!.]* 2>/dev/null; true", E.store, E.store);
	return system(cmd) == 0 ? 0 : -1;
}

static struct mfa_state *
new_state(enum mfa_otp_kind kind, uint64_t next)
{
	struct mfa_state *st = calloc(1, sizeof(*st));

	assert_non_null(st);
	st->kind = kind;
	st->alg = MFA_OTP_SHA1;
	st->digits = 6;
	st->period = kind == MFA_OTP_TOTP ? 30 : 0;
	st->secret = malloc(20);
	assert_non_null(st->secret);
	memcpy(st->secret, SEED, 20);
	st->secret_len = 20;
	st->next = next;
	st->created = (uint64_t)time(NULL);
	return st;
}

static void
enroll_in(const char *dir, uid_t owner, const char *fixed, const char *user, struct mfa_state *st)
{
	struct mfa_store *store = NULL;
	struct mfa_parse_err perr;

	if (mfa_store_dir_open(dir, owner, fixed, &store, &perr) != MFA_OK)
		fail_msg("open store %s: %s", dir, perr.msg);
	if (mfa_store_create(store, user, st, true, &perr) != MFA_OK)
		fail_msg("enroll %s: %s", user, perr.msg);
	mfa_store_close(&store);
}

static void
enroll(const char *user, struct mfa_state *st)
{
	enroll_in(E.store, geteuid(), NULL, user, st);
}

static struct mfa_state *
read_state(const char *user)
{
	struct mfa_store *store = NULL;
	struct mfa_store_txn *txn = NULL;
	struct mfa_state *st = NULL;
	struct mfa_parse_err perr;

	assert_int_equal(mfa_store_dir_open(E.store, geteuid(), NULL, &store, &perr), MFA_OK);
	if (mfa_store_begin(store, user, &txn, &st, &perr) != MFA_OK)
		fail_msg("read state of %s: %s", user, perr.msg);
	mfa_store_end(&txn);
	mfa_store_close(&store);
	return st;
}

static void
hotp(uint64_t counter, char code[MFA_OTP_CODE_SIZE])
{
	assert_int_equal(
		mfa_otp_generate((const uint8_t *)SEED, 20, MFA_OTP_SHA1, 6, counter, code),
		MFA_OK);
}

/* Wait until at least 4 s remain in the current 30 s step; return the step. */
static uint64_t
quiet_totp_step(void)
{
	time_t now = time(NULL);

	if (now % 30 >= 26) {
		sleep((unsigned)(31 - now % 30));
		now = time(NULL);
	}
	return (uint64_t)now / 30;
}

static void
totp(uint64_t step, char code[MFA_OTP_CODE_SIZE])
{
	hotp(step, code);
}

/*
 * Authenticate user through service, answering the conversation's hidden
 * prompts from answers (NULL-terminated), and return what PAM returned.
 * The module's log lines (pam_wrapper sends them to stderr) go to E.log.
 */
static int
auth_env(const char *service_name, const char *user, const char **answers, char ***envp)
{
	struct pamtest_conv_data conv;
	struct pam_testcase tests[] = {
		pam_test(PAMTEST_AUTHENTICATE, PAM_SUCCESS),
		pam_test(PAMTEST_GETENVLIST, PAM_SUCCESS),
	};
	const char *none[] = {NULL};
	int saved, fd;

	memset(&conv, 0, sizeof(conv));
	conv.in_echo_off = answers != NULL ? answers : none;
	fflush(stderr);
	saved = dup(2);
	fd = open(E.log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(saved >= 0 && fd >= 0);
	dup2(fd, 2);
	close(fd);
	(void)run_pamtest(service_name, user, &conv, tests, NULL);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	if (envp != NULL)
		*envp = tests[1].case_out.envlist;
	else
		pamtest_free_env(tests[1].case_out.envlist);
	return tests[0].op_rv;
}

static int
auth(const char *service_name, const char *user, const char **answers)
{
	return auth_env(service_name, user, answers, NULL);
}

static char *
log_text(void)
{
	static char buf[65536];
	FILE *fp = fopen(E.log, "r");
	size_t n;

	assert_non_null(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static void
expect_log(const char *needle)
{
	const char *text = log_text();

	if (strstr(text, needle) == NULL)
		fail_msg("log lacks \"%s\":\n%s", needle, text);
}

static const char *
env_value(char **env, const char *name)
{
	size_t n = strlen(name);

	for (; env != NULL && *env != NULL; env++) {
		if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
			return *env + n + 1;
	}
	return NULL;
}

/* ---- right, wrong, replayed ------------------------------------------- */

static void
test_totp_right_wrong_replay(void **state)
{
	struct mfa_state *st = new_state(MFA_OTP_TOTP, 0);
	char code[MFA_OTP_CODE_SIZE], wrong[MFA_OTP_CODE_SIZE];
	const char *answers[] = {code, NULL};
	const char *wrong_answers[] = {wrong, NULL};
	uint64_t step;

	(void)state;
	enroll("alice", st);
	mfa_state_free(&st);

	step = quiet_totp_step();
	totp(step, code);
	snprintf(wrong, sizeof(wrong), "%06u", (unsigned)((strtoul(code, NULL, 10) + 1) % 1000000));
	assert_int_equal(auth("mfa", "alice", wrong_answers), PAM_AUTH_ERR);
	expect_log("user=alice service=mfa");
	expect_log("factor=totp result=fail reason=wrong_code");
	assert_int_equal(auth("mfa", "alice", answers), PAM_SUCCESS);
	expect_log("factor=totp result=success reason=accepted");
	/* No code ever reaches the log. */
	assert_null(strstr(log_text(), code));
	assert_int_equal(auth("mfa", "alice", answers), PAM_AUTH_ERR);
	expect_log("result=replay reason=code_already_used");
	assert_null(strstr(log_text(), code));

	st = read_state("alice");
	assert_true(st->next == step + 1);
	assert_int_equal(st->failures, 1); /* the replay counts; the success reset the wrong one */
	assert_true(st->last_success >= step * 30);
	mfa_state_free(&st);
}

/* A code typed with a space in the middle is the same code. */
static void
test_code_with_blanks(void **state)
{
	struct mfa_state *st = new_state(MFA_OTP_HOTP, 0);
	char code[MFA_OTP_CODE_SIZE], spaced[16];
	const char *answers[] = {spaced, NULL};

	(void)state;
	enroll("alice", st);
	mfa_state_free(&st);
	hotp(0, code);
	snprintf(spaced, sizeof(spaced), "%.3s %s", code, code + 3);
	assert_int_equal(auth("mfa", "alice", answers), PAM_SUCCESS);
}

/*
 * The newer copy in a state file torn (a crash mid-update, or damage): the
 * older copy decides, a warning names the user, and the next update writes
 * over the torn copy, after which the warning is gone.
 */
static void
test_torn_state_copy_is_logged_and_rewritten(void **state)
{
	struct mfa_state *st = new_state(MFA_OTP_HOTP, 0);
	char code[MFA_OTP_CODE_SIZE], path[PATH_MAX + 16];
	const char *answers[] = {code, NULL};
	unsigned char buf[64];
	int fd;

	(void)state;
	enroll("alice", st);
	mfa_state_free(&st);
	hotp(0, code);
	assert_int_equal(auth("mfa", "alice", answers), PAM_SUCCESS); /* seq 2, slot 1 */
	hotp(1, code);
	assert_int_equal(auth("mfa", "alice", answers), PAM_SUCCESS); /* seq 3, slot 0 */
	assert_null(strstr(log_text(), "torn"));

	/* Tear slot 0: bytes in the middle of its text are not what its sum says. */
	snprintf(path, sizeof(path), "%s/alice", E.store);
	assert_true((fd = open(path, O_RDWR | O_CLOEXEC)) >= 0);
	assert_int_equal(pread(fd, buf, sizeof(buf), 8), (ssize_t)sizeof(buf));
	buf[0] ^= 0x20;
	assert_int_equal(pwrite(fd, buf, 1, 8), 1);
	close(fd);

	hotp(2, code);
	assert_int_equal(auth("mfa", "alice", answers), PAM_SUCCESS);
	expect_log("user alice: one of the two copies in the state file was torn");
	expect_log("result=success");
	st = read_state("alice");
	assert_true(st->next == 3);
	mfa_state_free(&st);
	hotp(3, code);
	assert_int_equal(auth("mfa", "alice", answers), PAM_SUCCESS);
	assert_null(strstr(log_text(), "torn"));
}

static void
test_totp_window_edges(void **state)
{
	struct mfa_state *st = new_state(MFA_OTP_TOTP, 0);
	char code[MFA_OTP_CODE_SIZE];
	const char *answers[] = {code, NULL};
	uint64_t step;

	(void)state;
	enroll("alice", st);
	mfa_state_free(&st);

	step = quiet_totp_step();
	totp(step + 2, code); /* two steps ahead: outside window=1 */
	assert_int_equal(auth("w1", "alice", answers), PAM_AUTH_ERR);
	totp(step - 2, code);
	assert_int_equal(auth("w1", "alice", answers), PAM_AUTH_ERR);
	totp(step - 1, code); /* one behind: inside */
	assert_int_equal(auth("w1", "alice", answers), PAM_SUCCESS);
	totp(step + 1, code); /* one ahead with window=0: outside */
	assert_int_equal(auth("w0", "alice", answers), PAM_AUTH_ERR);
	totp(step + 1, code); /* and inside window=1 */
	assert_int_equal(auth("w1", "alice", answers), PAM_SUCCESS);
	/* The floor is now step + 2: the current step is a replay even in the window. */
	totp(step, code);
	assert_int_equal(auth("w1", "alice", answers), PAM_AUTH_ERR);
	expect_log("result=replay");
}

static void
test_hotp_counter_advances_with_look_ahead(void **state)
{
	struct mfa_state *st = new_state(MFA_OTP_HOTP, 5);
	char code[MFA_OTP_CODE_SIZE];
	const char *answers[] = {code, NULL};

	(void)state;
	enroll("alice", st);
	mfa_state_free(&st);

	hotp(5 + 11, code);
	assert_int_equal(auth("mfa", "alice", answers), PAM_AUTH_ERR);
	hotp(5 + 4, code);
	assert_int_equal(auth("w3", "alice", answers), PAM_AUTH_ERR);
	hotp(5 + 10, code); /* pressed ten times unused: still accepted */
	assert_int_equal(auth("mfa", "alice", answers), PAM_SUCCESS);
	st = read_state("alice");
	assert_int_equal(st->next, 16);
	mfa_state_free(&st);
	hotp(14, code); /* below the counter now */
	assert_int_equal(auth("mfa", "alice", answers), PAM_AUTH_ERR);
	expect_log("factor=hotp result=replay");
	hotp(16, code);
	assert_int_equal(auth("mfa", "alice", answers), PAM_SUCCESS);
}

/* ---- input modes -------------------------------------------------------- */

static void
test_append_hands_password_on_byte_for_byte(void **state)
{
	static const char password[] = "S3cret pass w\xc3\xb6rd!:";
	struct mfa_state *st = new_state(MFA_OTP_HOTP, 0);
	char code[MFA_OTP_CODE_SIZE], typed[128];
	const char *answers[] = {typed, NULL};
	char **env = NULL;

	(void)state;
	enroll("alice", st);
	mfa_state_free(&st);

	hotp(0, code);
	snprintf(typed, sizeof(typed), "%s%s", password, code);
	assert_int_equal(auth_env("vpn", "alice", answers, &env), PAM_SUCCESS);
	assert_string_equal(env_value(env, "PAM_AUTHTOK"), password);
	pamtest_free_env(env);

	/* A wrong code fails; the password part is still handed on alone. */
	snprintf(typed, sizeof(typed), "%s%s", password, "000000");
	assert_int_equal(auth_env("vpn", "alice", answers, &env), PAM_AUTH_ERR);
	/* A password shorter than a code is refused. */
	snprintf(typed, sizeof(typed), "12345");
	assert_int_equal(auth("vpn", "alice", answers), PAM_AUTH_ERR);
	expect_log("reason=password_too_short_for_code");
	assert_null(strstr(log_text(), "12345"));
}

static void
base64(const char *in, char *out)
{
	static const char tbl[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t len = strlen(in), i, o = 0;

	for (i = 0; i < len; i += 3) {
		unsigned long v = (unsigned long)(unsigned char)in[i] << 16;

		if (i + 1 < len)
			v |= (unsigned long)(unsigned char)in[i + 1] << 8;
		if (i + 2 < len)
			v |= (unsigned char)in[i + 2];
		out[o++] = tbl[(v >> 18) & 63];
		out[o++] = tbl[(v >> 12) & 63];
		out[o++] = i + 1 < len ? tbl[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? tbl[v & 63] : '=';
	}
	out[o] = '\0';
}

static void
test_openvpn_scrv1_and_auto(void **state)
{
	static const char password[] = "vpn:pass word";
	struct mfa_state *st = new_state(MFA_OTP_HOTP, 0);
	char code[MFA_OTP_CODE_SIZE], b64pw[64], b64code[16], scrv1[128];
	const char *answers[] = {code, NULL};
	char **env = NULL;

	(void)state;
	enroll("alice", st);
	mfa_state_free(&st);

	hotp(0, code);
	base64(password, b64pw);
	base64(code, b64code);
	snprintf(scrv1, sizeof(scrv1), "SCRV1:%s:%s", b64pw, b64code);
	assert_int_equal(setenv("PAM_AUTHTOK", scrv1, 1), 0);
	assert_int_equal(auth_env("openvpn", "alice", NULL, &env), PAM_SUCCESS);
	assert_string_equal(env_value(env, "PAM_AUTHTOK"), password);
	pamtest_free_env(env);

	/* The same SCRV1 again is a replay. */
	assert_int_equal(auth("openvpn", "alice", NULL), PAM_AUTH_ERR);
	expect_log("result=replay");

	/* auto recognises SCRV1 ... */
	hotp(1, code);
	base64(code, b64code);
	snprintf(scrv1, sizeof(scrv1), "SCRV1:%s:%s", b64pw, b64code);
	assert_int_equal(setenv("PAM_AUTHTOK", scrv1, 1), 0);
	assert_int_equal(auth_env("auto", "alice", NULL, &env), PAM_SUCCESS);
	assert_string_equal(env_value(env, "PAM_AUTHTOK"), password);
	pamtest_free_env(env);

	/* ... and otherwise asks. */
	assert_int_equal(unsetenv("PAM_AUTHTOK"), 0);
	hotp(2, code);
	assert_int_equal(auth("auto", "alice", answers), PAM_SUCCESS);

	/* Malformed SCRV1 input fails closed. */
	assert_int_equal(setenv("PAM_AUTHTOK", "SCRV1:not*base64:MTIz", 1), 0);
	assert_int_equal(auth("openvpn", "alice", NULL), PAM_AUTH_ERR);
	expect_log("reason=malformed_scrv1_input");
	assert_int_equal(unsetenv("PAM_AUTHTOK"), 0);
}

static void
test_use_first_pass_and_custom_prompt(void **state)
{
	struct mfa_state *st = new_state(MFA_OTP_HOTP, 0);
	char code[MFA_OTP_CODE_SIZE];

	(void)state;
	enroll("alice", st);
	mfa_state_free(&st);

	hotp(0, code);
	assert_int_equal(setenv("PAM_AUTHTOK", code, 1), 0);
	/* No answers: the module must not ask. */
	assert_int_equal(auth("first", "alice", NULL), PAM_SUCCESS);
	assert_int_equal(unsetenv("PAM_AUTHTOK"), 0);
	/* use_first_pass without a password item fails closed, without asking. */
	assert_int_equal(auth("first", "alice", NULL), PAM_AUTH_ERR);
	expect_log("reason=no_password_item_for_use_first_pass");

	/* try_first_pass takes the item when there is one ... */
	hotp(1, code);
	assert_int_equal(setenv("PAM_AUTHTOK", code, 1), 0);
	assert_int_equal(auth("try", "alice", NULL), PAM_SUCCESS);
	assert_int_equal(unsetenv("PAM_AUTHTOK"), 0);
	/* ... and asks when there is none. */
	{
		const char *answers[] = {code, NULL};

		hotp(2, code);
		assert_int_equal(auth("try", "alice", answers), PAM_SUCCESS);
	}
}

/* ---- lockout and recovery ----------------------------------------------- */

static void
test_lockout_same_answer_then_unlock(void **state)
{
	struct mfa_state *st = new_state(MFA_OTP_HOTP, 0);
	char code[MFA_OTP_CODE_SIZE];
	const char *right[] = {code, NULL};
	const char *wrong[] = {"000001", NULL};
	int i;

	(void)state;
	enroll("alice", st);
	mfa_state_free(&st);

	hotp(0, code);
	assert_string_not_equal(code, "000001");
	for (i = 0; i < 3; i++)
		assert_int_equal(auth("lock", "alice", wrong), PAM_AUTH_ERR);
	expect_log("lockout=started");
	/* Locked: the right code gets the same answer as a wrong one. */
	assert_int_equal(auth("lock", "alice", right), PAM_AUTH_ERR);
	expect_log("result=locked reason=locked_out");
	assert_int_equal(auth("lock", "alice", wrong), PAM_AUTH_ERR);
	expect_log("result=locked");
	/* Nothing was consumed while locked. */
	st = read_state("alice");
	assert_int_equal(st->next, 0);
	assert_true(st->locked_until > 0);
	mfa_state_free(&st);
	sleep(3);
	assert_int_equal(auth("lock", "alice", right), PAM_SUCCESS);
	st = read_state("alice");
	assert_int_equal(st->locked_until, 0);
	assert_int_equal(st->failures, 0);
	mfa_state_free(&st);
}

static void
test_recovery_code_works_exactly_once(void **state)
{
	struct mfa_state *st = new_state(MFA_OTP_TOTP, 0);
	char c1[MFA_RECOVERY_CODE_SIZE], c2[MFA_RECOVERY_CODE_SIZE];
	char h[MFA_RECOVERY_HASH_TEXT_SIZE];
	const char *a1[] = {c1, NULL}, *a2[] = {c2, NULL};

	(void)state;
	assert_int_equal(mfa_recovery_generate(c1), MFA_OK);
	assert_int_equal(mfa_recovery_generate(c2), MFA_OK);
	assert_int_equal(mfa_recovery_hash(c1, 1000, h), MFA_OK);
	assert_non_null(st->recovery[0] = strdup(h));
	assert_int_equal(mfa_recovery_hash(c2, 1000, h), MFA_OK);
	assert_non_null(st->recovery[1] = strdup(h));
	st->nrecovery = 2;
	enroll("alice", st);
	mfa_state_free(&st);

	assert_int_equal(auth("mfa", "alice", a1), PAM_SUCCESS);
	expect_log("factor=recovery result=success reason=accepted recovery_left=1");
	assert_null(strstr(log_text(), c1));
	assert_int_equal(auth("mfa", "alice", a1), PAM_AUTH_ERR);
	expect_log("factor=recovery result=fail reason=wrong_code recovery_left=1");
	assert_int_equal(auth("mfa", "alice", a2), PAM_SUCCESS);
	expect_log("recovery_left=0");
	st = read_state("alice");
	assert_int_equal(st->nrecovery, 0);
	mfa_state_free(&st);
}

/*
 * A state with FIDO2 credentials only (type none): no code is right, the
 * module's digits do not matter, nullok does not let the user through (the
 * user is enrolled), and a recovery code still works.
 */
static void
test_fido2_only_state_refuses_every_code(void **state)
{
	static const char cred[] =
		"9VsFRbRbIF/fya6JOfvkrOLDtSbVmZwll9Wu9qXsWHRU9v75gl78AP1wNlkm6uOIPbGzvaW7ehznmY/"
		"MMkV/aQ==,aiAdsiIAFa4+MO0kbEEqibLIoybOUQUF5zclGSLw8SK/"
		"W7n9rk2uLnTasZbM7Wtex4kKANypkbtd3SkSlGWkHw==,es256,+presence";
	struct mfa_state *st = calloc(1, sizeof(*st));
	struct mfa_parse_err perr;
	char c1[MFA_RECOVERY_CODE_SIZE], h[MFA_RECOVERY_HASH_TEXT_SIZE], path[256], *text;
	const char *six[] = {"123456", NULL}, *eight[] = {"12345678", NULL};
	const char *rec[] = {c1, NULL}, *none[] = {"", NULL};
	size_t len;

	(void)state;
	assert_non_null(st);
	st->kind = MFA_OTP_NONE;
	st->created = (uint64_t)time(NULL);
	assert_non_null(st->fido2 = calloc(1, sizeof(*st->fido2)));
	assert_int_equal(mfa_fido2_cred_parse(cred, strlen(cred), &st->fido2[0].cred, &perr),
			 MFA_OK);
	st->nfido2 = 1;
	assert_int_equal(mfa_recovery_generate(c1), MFA_OK);
	assert_int_equal(mfa_recovery_hash(c1, 1000, h), MFA_OK);
	assert_non_null(st->recovery[0] = strdup(h));
	st->nrecovery = 1;
	enroll("alice", st);
	mfa_state_free(&st);

	snprintf(path, sizeof(path), "%s/alice", E.store);
	text = test_read_file(path, &len);
	assert_memory_equal(text, "version=2\ntype=none\ncreated=", 28);
	assert_null(strstr(text, "secret="));
	free(text);

	assert_int_equal(auth("strict", "alice", six), PAM_AUTH_ERR);
	expect_log(
		"user=alice service=strict rhost=- tty=- factor=- result=fail reason=no_otp_token");
	assert_int_equal(auth("lenient", "alice", six), PAM_AUTH_ERR);
	expect_log("reason=no_otp_token");
	assert_int_equal(auth("eight", "alice", eight), PAM_AUTH_ERR);
	expect_log("reason=no_otp_token");
	assert_int_equal(auth("strict", "alice", none), PAM_AUTH_ERR);
	expect_log("reason=no_otp_token");
	st = read_state("alice");
	assert_int_equal(st->kind, MFA_OTP_NONE);
	assert_int_equal(st->failures, 4);
	assert_int_equal(st->nfido2, 1);
	mfa_state_free(&st);

	assert_int_equal(auth("strict", "alice", rec), PAM_SUCCESS);
	expect_log("factor=recovery result=success reason=accepted recovery_left=0");
	st = read_state("alice");
	assert_int_equal(st->kind, MFA_OTP_NONE);
	assert_int_equal(st->failures, 0);
	assert_int_equal(st->nrecovery, 0);
	assert_int_equal(st->nfido2, 1);
	assert_null(st->secret);
	mfa_state_free(&st);
}

/* ---- who is covered ----------------------------------------------------- */

static void
test_unenrolled_fails_closed_unless_nullok(void **state)
{
	const char *answers[] = {"123456", NULL};

	(void)state;
	/* Asked all the same (the prompt does not reveal enrollment), then refused. */
	assert_int_equal(auth("strict", "bob", answers), PAM_AUTH_ERR);
	expect_log("result=unenrolled reason=no_token");
	assert_int_equal(auth("lenient", "bob", NULL), IGNORED);
	expect_log("result=unenrolled reason=no_token_nullok");
}

static void
test_only_groups(void **state)
{
	struct mfa_state *st = new_state(MFA_OTP_HOTP, 0);
	char code[MFA_OTP_CODE_SIZE];
	const char *answers[] = {code, NULL};

	(void)state;
	enroll("alice", st);
	mfa_state_free(&st);

	/* bob is not an admin: not this module's business. */
	assert_int_equal(auth("admins", "bob", NULL), IGNORED);
	expect_log("user=bob service=admins rhost=- tty=- factor=- result=ignored "
		   "reason=not_in_only_groups");
	/* carol is, and has no token: refused, even with alice's code. */
	hotp(0, code);
	assert_int_equal(auth("admins", "carol", answers), PAM_AUTH_ERR);
	assert_int_equal(auth("admins", "alice", answers), PAM_SUCCESS);
	/* A group that does not exist must not exempt everyone. */
	assert_int_equal(auth("typo", "bob", answers), PAM_AUTH_ERR);
	expect_log("reason=group_lookup_failed");
	/* Nor may an unknown user slip through. */
	assert_int_equal(auth("admins", "mallory", answers), PAM_AUTH_ERR);
}

static void
test_bad_arguments_are_service_errors(void **state)
{
	size_t i;
	char name[32];

	(void)state;
	for (i = 0; i < sizeof(bad_args) / sizeof(bad_args[0]); i++) {
		snprintf(name, sizeof(name), "bad%zu", i);
		if (auth(name, "alice", NULL) != PAM_SERVICE_ERR)
			fail_msg("\"%s\" was not a service error", bad_args[i]);
		expect_log("refusing to run (PAM_SERVICE_ERR)");
	}
}

static void
test_token_parameters_must_match_module(void **state)
{
	struct mfa_state *st = new_state(MFA_OTP_HOTP, 0);
	char code[MFA_OTP_CODE_SIZE];
	const char *answers[] = {code, NULL};

	(void)state;
	enroll("alice", st);
	mfa_state_free(&st);
	hotp(0, code);
	assert_int_equal(auth("eight", "alice", answers), PAM_AUTH_ERR);
	expect_log("reason=token_parameters_differ_from_module");
}

/* ---- the store fails closed --------------------------------------------- */

static void
test_unsafe_state_files_fail_closed_unchanged(void **state)
{
	struct mfa_state *st = new_state(MFA_OTP_HOTP, 0);
	char code[MFA_OTP_CODE_SIZE], path[256], target[256];
	const char *answers[] = {code, NULL};
	char *before, *after;
	size_t blen, alen;

	(void)state;
	enroll("alice", st);
	mfa_state_free(&st);
	hotp(0, code);
	snprintf(path, sizeof(path), "%s/alice", E.store);

	assert_int_equal(chmod(path, 0640), 0);
	before = test_read_file(path, &blen);
	assert_int_equal(auth("mfa", "alice", answers), PAM_AUTH_ERR);
	expect_log("reason=state_unusable");
	expect_log("is accessible by group or others");
	after = test_read_file(path, &alen);
	assert_int_equal(alen, blen);
	assert_memory_equal(before, after, blen);
	free(after);

	assert_int_equal(chmod(path, 0600), 0);
	snprintf(target, sizeof(target), "%s/alice-real", E.root);
	assert_int_equal(rename(path, target), 0);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(auth("mfa", "alice", answers), PAM_AUTH_ERR);
	expect_log("is a symbolic link");
	after = test_read_file(target, &alen);
	assert_memory_equal(before, after, blen);
	free(after);
	assert_int_equal(unlink(path), 0);

	test_write_file(path, 0600, "version=1\ntype=hotp\n");
	assert_int_equal(auth("mfa", "alice", answers), PAM_AUTH_ERR);
	expect_log("missing");
	after = test_read_file(path, &alen);
	assert_int_equal(alen, strlen("version=1\ntype=hotp\n"));
	free(after);

	test_write_file(path, 0600,
			"\x7f"
			"ELF garbage \x01\x02\n");
	assert_int_equal(auth("mfa", "alice", answers), PAM_AUTH_ERR);
	expect_log("reason=state_unusable");
	after = test_read_file(path, &alen);
	assert_int_equal(alen, strlen("\x7f"
				      "ELF garbage \x01\x02\n"));
	assert_memory_equal(after,
			    "\x7f"
			    "ELF garbage \x01\x02\n",
			    alen);
	free(after);

	if (geteuid() == 0) {
		assert_int_equal(rename(target, path), 0);
		assert_int_equal(chown(path, 4242, 4242), 0);
		assert_int_equal(auth("mfa", "alice", answers), PAM_AUTH_ERR);
		expect_log("has the wrong owner");
		after = test_read_file(path, &alen);
		assert_memory_equal(before, after, blen);
		free(after);
	}
	free(before);
}

/* ---- FIDO2 security keys (the software authenticator) ------------------------ */

/* The device: one key of type for rp; *credp its credential. */
static void
device_with_key(enum mfa_fido2_cose type, const char *rp, bool resident,
		struct mfa_fido2_cred *credp)
{
	struct soft_fido2 sf;

	soft_fido2_init(&sf);
	assert_int_equal(soft_fido2_add_key(&sf, type, rp, resident, credp), MFA_OK);
	assert_int_equal(soft_fido2_save(E.device, &sf), MFA_OK);
	soft_fido2_clear(&sf);
}

/* A credential of a key on no device here (someone else's). */
static void
key_elsewhere(enum mfa_fido2_cose type, const char *rp, bool resident, struct mfa_fido2_cred *credp)
{
	struct soft_fido2 sf;

	soft_fido2_init(&sf);
	assert_int_equal(soft_fido2_add_key(&sf, type, rp, resident, credp), MFA_OK);
	soft_fido2_clear(&sf);
}

/* How the device behaves at the next login (its keys and counters kept). */
static void
device_set(bool present, enum soft_fido2_fault fault, enum soft_fido2_uv uv, const char *pin)
{
	struct soft_fido2 sf;

	assert_int_equal(soft_fido2_load(E.device, &sf), MFA_OK);
	sf.present = present;
	sf.fault = fault;
	sf.uv = uv;
	snprintf(sf.pin, sizeof(sf.pin), "%s", pin != NULL ? pin : "");
	assert_int_equal(soft_fido2_save(E.device, &sf), MFA_OK);
	soft_fido2_clear(&sf);
}

static unsigned
device_calls(void)
{
	struct soft_fido2 sf;
	unsigned calls;

	assert_int_equal(soft_fido2_load(E.device, &sf), MFA_OK);
	calls = sf.calls;
	soft_fido2_clear(&sf);
	return calls;
}

/* Enroll user with the credentials (and a TOTP token when totp_too). */
static void
enroll_fido2(const char *user, const struct mfa_fido2_cred *creds, size_t n, bool totp_too)
{
	struct mfa_state *st = new_state(MFA_OTP_TOTP, 0);
	size_t i;

	if (!totp_too) {
		mfa_freezero(st->secret, st->secret_len);
		st->secret = NULL;
		st->secret_len = 0;
		st->kind = MFA_OTP_NONE;
		st->digits = 0;
		st->period = 0;
	}
	assert_non_null(st->fido2 = calloc(n, sizeof(*st->fido2)));
	for (i = 0; i < n; i++)
		st->fido2[i].cred = creds[i];
	st->nfido2 = n;
	enroll(user, st);
	mfa_state_free(&st);
}

static uint32_t
stored_counter(const char *user, size_t i, unsigned *failuresp)
{
	struct mfa_state *st = read_state(user);
	uint32_t c;

	assert_true(i < st->nfido2);
	c = st->fido2[i].counter;
	if (failuresp != NULL)
		*failuresp = st->failures;
	mfa_state_free(&st);
	return c;
}

static void
test_fido2_key_accepted_counter_stored(void **state)
{
	static const enum mfa_fido2_cose types[] = {MFA_FIDO2_ES256, MFA_FIDO2_EDDSA};
	struct mfa_fido2_cred cred;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		assert_int_equal(reset_store(NULL), 0);
		device_with_key(types[i], "pam://test", false, &cred);
		enroll_fido2("alice", &cred, 1, false);
		assert_int_equal(auth("f2only", "alice", NULL), PAM_SUCCESS);
		expect_log("user=alice service=f2only rhost=- tty=- factor=fido2 result=success "
			   "reason=accepted");
		assert_int_equal(stored_counter("alice", 0, NULL), 1);
		assert_int_equal(auth("f2", "alice", NULL), PAM_SUCCESS);
		assert_int_equal(stored_counter("alice", 0, NULL), 2);
		assert_int_equal(device_calls(), 2);
	}
}

/* Each forged or broken assertion is refused, counted, and moves no counter. */
static void
test_fido2_bad_assertions_refused(void **state)
{
	static const struct {
		enum soft_fido2_fault fault;
		const char *reason;
	} cases[] = {
		{SOFT_FAULT_SIG, "reason=fido2_bad_signature"},
		{SOFT_FAULT_OTHER_KEY, "reason=fido2_bad_signature"},
		{SOFT_FAULT_RP, "reason=fido2_wrong_relying_party"},
		{SOFT_FAULT_NO_UP, "reason=fido2_no_user_presence"},
		{SOFT_FAULT_SHORT_AUTHDATA, "reason=fido2_malformed_assertion"},
	};
	struct mfa_fido2_cred cred;
	unsigned failures;
	size_t i;

	(void)state;
	device_with_key(MFA_FIDO2_ES256, "pam://test", false, &cred);
	enroll_fido2("alice", &cred, 1, false);
	assert_int_equal(auth("f2many", "alice", NULL), PAM_SUCCESS);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		device_set(true, cases[i].fault, SOFT_UV_BUILTIN, NULL);
		assert_int_equal(auth("f2many", "alice", NULL), PAM_AUTH_ERR);
		expect_log("factor=fido2 result=fail");
		expect_log(cases[i].reason);
		assert_int_equal(stored_counter("alice", 0, &failures), 1);
		assert_int_equal(failures, i + 1);
	}
	/* The device is sound again: the next good assertion passes and resets the count. */
	device_set(true, SOFT_FAULT_NONE, SOFT_UV_BUILTIN, NULL);
	assert_int_equal(auth("f2many", "alice", NULL), PAM_SUCCESS);
	assert_true(stored_counter("alice", 0, &failures) > 1);
	assert_int_equal(failures, 0);
}

/* Refused assertions count towards the lockout; a locked user's key is not even asked. */
static void
test_fido2_refusals_lock_out(void **state)
{
	struct mfa_fido2_cred cred;
	unsigned calls, i;

	(void)state;
	device_with_key(MFA_FIDO2_ES256, "pam://test", false, &cred);
	enroll_fido2("alice", &cred, 1, false);
	device_set(true, SOFT_FAULT_SIG, SOFT_UV_BUILTIN, NULL);
	for (i = 0; i < 4; i++)
		assert_int_equal(auth("f2only", "alice", NULL), PAM_AUTH_ERR);
	assert_int_equal(auth("f2only", "alice", NULL), PAM_AUTH_ERR);
	expect_log("reason=fido2_bad_signature failures=0");
	expect_log("lockout=started");
	device_set(true, SOFT_FAULT_NONE, SOFT_UV_BUILTIN, NULL);
	calls = device_calls();
	assert_int_equal(auth("f2only", "alice", NULL), PAM_AUTH_ERR);
	expect_log("factor=- result=locked reason=locked_out");
	assert_int_equal(device_calls(), calls);
}

/* A good signature whose counter did not increase: a copy of the key. */
static void
test_fido2_cloned_key_refused_and_logged(void **state)
{
	struct mfa_fido2_cred cred;
	unsigned failures;

	(void)state;
	device_with_key(MFA_FIDO2_EDDSA, "pam://test", false, &cred);
	enroll_fido2("alice", &cred, 1, false);
	assert_int_equal(auth("f2only", "alice", NULL), PAM_SUCCESS);
	assert_int_equal(auth("f2only", "alice", NULL), PAM_SUCCESS);
	assert_int_equal(stored_counter("alice", 0, NULL), 2);
	device_set(true, SOFT_FAULT_COUNTER_SAME, SOFT_UV_BUILTIN, NULL);
	assert_int_equal(auth("f2only", "alice", NULL), PAM_AUTH_ERR);
	expect_log("reason=fido2_counter_not_increased_clone_suspected");
	expect_log("cloned security key?");
	assert_int_equal(stored_counter("alice", 0, &failures), 2);
	assert_int_equal(failures, 1);
}

static void
test_fido2_user_verification(void **state)
{
	struct mfa_fido2_cred cred;
	const char *pin[] = {"4711", NULL};
	const char *wrong_pin[] = {"1234", NULL};
	unsigned failures;

	(void)state;
	device_with_key(MFA_FIDO2_ES256, "pam://test", false, &cred);
	enroll_fido2("alice", &cred, 1, false);
	/* A device that cannot verify: presence alone is not enough for uv=required. */
	device_set(true, SOFT_FAULT_NONE, SOFT_UV_NONE, NULL);
	assert_int_equal(auth("f2uv", "alice", NULL), PAM_AUTH_ERR);
	expect_log("reason=fido2_no_user_verification");
	assert_int_equal(stored_counter("alice", 0, &failures), 0);
	assert_int_equal(failures, 1);
	/* ... though enough without it. */
	assert_int_equal(auth("f2only", "alice", NULL), PAM_SUCCESS);
	/* Built-in verification. */
	device_set(true, SOFT_FAULT_NONE, SOFT_UV_BUILTIN, NULL);
	assert_int_equal(auth("f2uv", "alice", NULL), PAM_SUCCESS);
	/* A PIN, asked through the conversation; a wrong one is the device's to count. */
	device_set(true, SOFT_FAULT_NONE, SOFT_UV_PIN, "4711");
	assert_int_equal(auth("f2uv", "alice", wrong_pin), PAM_AUTH_ERR);
	expect_log("reason=fido2_pin_wrong_or_missing");
	assert_null(strstr(log_text(), "1234"));
	stored_counter("alice", 0, &failures);
	assert_int_equal(failures, 0); /* the key counts its PIN retries, not the module */
	assert_int_equal(auth("f2uv", "alice", pin), PAM_SUCCESS);
	assert_null(strstr(log_text(), "4711"));
}

/* A credential the device holds must be the user's own. */
static void
test_fido2_other_users_key_refused(void **state)
{
	struct mfa_fido2_cred alice, bob;

	(void)state;
	/* alice's credential is not on this device: it holds only bob's key. */
	device_with_key(MFA_FIDO2_ES256, "pam://test", false, &bob);
	key_elsewhere(MFA_FIDO2_ES256, "pam://test", false, &alice);
	enroll_fido2("alice", &alice, 1, false);
	enroll_fido2("bob", &bob, 1, false);
	assert_int_equal(auth("f2only", "alice", NULL), PAM_AUTH_ERR);
	expect_log("user=alice service=f2only rhost=- tty=- factor=fido2 result=fail "
		   "reason=no_fido2_device");
	assert_int_equal(auth("f2only", "bob", NULL), PAM_SUCCESS);

	/* Resident credentials: the device answers with bob's, alice's key must not verify it. */
	assert_int_equal(reset_store(NULL), 0);
	device_with_key(MFA_FIDO2_ES256, "pam://test", true, &bob);
	key_elsewhere(MFA_FIDO2_ES256, "pam://test", true, &alice);
	enroll_fido2("alice", &alice, 1, false);
	assert_int_equal(auth("f2only", "alice", NULL), PAM_AUTH_ERR);
	expect_log("reason=fido2_bad_signature");
	enroll_fido2("bob", &bob, 1, false);
	assert_int_equal(auth("f2only", "bob", NULL), PAM_SUCCESS);
}

/* No key plugged in: a code when the user has one, else a refusal without a prompt. */
static void
test_fido2_absent_device_falls_back_to_code(void **state)
{
	struct mfa_fido2_cred cred;
	char code[MFA_OTP_CODE_SIZE];
	const char *answers[] = {code, NULL};
	unsigned failures;

	(void)state;
	device_with_key(MFA_FIDO2_ES256, "pam://test", false, &cred);
	device_set(false, SOFT_FAULT_NONE, SOFT_UV_BUILTIN, NULL);
	enroll_fido2("alice", &cred, 1, true);
	totp(quiet_totp_step(), code);
	assert_int_equal(auth("f2", "alice", answers), PAM_SUCCESS);
	expect_log("factor=totp result=success reason=accepted");
	/* factors=fido2: nothing else to try. */
	assert_int_equal(auth("f2only", "alice", NULL), PAM_AUTH_ERR);
	expect_log("factor=fido2 result=fail reason=no_fido2_device");
	stored_counter("alice", 0, &failures);
	assert_int_equal(failures, 0);
}

/* factors= decides what is tried, and in which order. */
static void
test_fido2_factors_order_and_subset(void **state)
{
	struct mfa_fido2_cred cred;
	char code[MFA_OTP_CODE_SIZE];
	const char *answers[] = {code, NULL};
	const char *empty[] = {"", NULL};
	unsigned calls;

	(void)state;
	device_with_key(MFA_FIDO2_ES256, "pam://test", false, &cred);
	enroll_fido2("alice", &cred, 1, true);
	/* fido2 first (the default order): the key, no code asked. */
	assert_int_equal(auth("f2", "alice", NULL), PAM_SUCCESS);
	expect_log("factor=fido2 result=success");
	assert_int_equal(device_calls(), 1);
	/* fido2 last: the code first; an empty answer asks for the key. */
	totp(quiet_totp_step(), code);
	assert_int_equal(auth("f2last", "alice", answers), PAM_SUCCESS);
	expect_log("factor=totp result=success");
	assert_int_equal(device_calls(), 1);
	assert_int_equal(auth("f2last", "alice", empty), PAM_SUCCESS);
	expect_log("factor=fido2 result=success");
	assert_int_equal(device_calls(), 2);
	/* fido2 left out: the device is never asked. */
	calls = device_calls();
	assert_int_equal(auth("f2codes", "alice", empty), PAM_AUTH_ERR);
	assert_int_equal(device_calls(), calls);

	/* A TOTP-only user never makes the module look for a device. */
	assert_int_equal(reset_store(NULL), 0);
	{
		struct mfa_state *st = new_state(MFA_OTP_TOTP, 0);

		enroll("carol", st);
		mfa_state_free(&st);
	}
	totp(quiet_totp_step(), code);
	assert_int_equal(auth("f2", "carol", answers), PAM_SUCCESS);
	assert_int_equal(device_calls(), calls);
}

/* Old-format (U2F) credentials use appid= as their relying party, as pam_u2f does. */
static void
test_fido2_old_format_uses_appid(void **state)
{
	struct mfa_fido2_cred cred;
	struct soft_fido2 seen;

	(void)state;
	device_with_key(MFA_FIDO2_ES256, "pam://legacy", false, &cred);
	cred.old_format = true;
	enroll_fido2("alice", &cred, 1, false);
	assert_int_equal(auth("f2appid", "alice", NULL), PAM_SUCCESS);
	assert_int_equal(soft_fido2_load(E.device, &seen), MFA_OK);
	assert_string_equal(seen.last_rp_id, "pam://legacy");
	soft_fido2_clear(&seen);
	/* Without appid= the origin is asked for, and the key is not found under it. */
	assert_int_equal(auth("f2only", "alice", NULL), PAM_AUTH_ERR);
	expect_log("reason=no_fido2_device");
}

/* ---- store=home ----------------------------------------------------------- */

static void
test_home_store_read_as_the_user(void **state)
{
	char dir[256], code[MFA_OTP_CODE_SIZE], text[1024];
	const char *answers[] = {code, NULL};
	struct mfa_state *st;

	(void)state;
	if (geteuid() != 0) {
		skip();
		return;
	}
	snprintf(dir, sizeof(dir), "%s/bob", E.home);
	mkdir(dir, 0700);
	assert_int_equal(chown(dir, HOME_UID, HOME_UID), 0);
	snprintf(dir, sizeof(dir), "%s/bob/.config", E.home);
	mkdir(dir, 0700);
	assert_int_equal(chown(dir, HOME_UID, HOME_UID), 0);
	snprintf(dir, sizeof(dir), "%s/bob/.config/mfacover", E.home);
	mkdir(dir, 0700);
	assert_int_equal(chown(dir, HOME_UID, HOME_UID), 0);

	/* Enrolled as bob himself, as mfacover-enroll does for store=home. */
	{
		pid_t pid = fork();
		int status;

		assert_true(pid >= 0);
		if (pid == 0) {
			if (setgid(HOME_UID) != 0 || setuid(HOME_UID) != 0)
				_exit(2);
			st = new_state(MFA_OTP_HOTP, 0);
			enroll_in(dir, HOME_UID, MFA_STORE_HOME_FILE, "bob", st);
			mfa_state_free(&st);
			_exit(0);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	hotp(0, code);
	assert_int_equal(auth("home", "bob", answers), PAM_SUCCESS);
	assert_int_equal(auth("home", "bob", answers), PAM_AUTH_ERR);
	expect_log("result=replay");
	/* The module is root again afterwards. */
	assert_int_equal(geteuid(), 0);

	/* A token file that root owns in bob's home is not bob's: refused. */
	snprintf(text, sizeof(text), "%s/token", dir);
	assert_int_equal(chown(text, 0, 0), 0);
	hotp(1, code);
	assert_int_equal(auth("home", "bob", answers), PAM_AUTH_ERR);
	expect_log("cannot open: Permission denied"); /* bob cannot even read it */
	assert_int_equal(chmod(text, 0644), 0);
	assert_int_equal(auth("home", "bob", answers), PAM_AUTH_ERR);
	expect_log("has the wrong owner");
	/* A user without ~/.config/mfacover is not enrolled. */
	assert_int_equal(auth("home", "alice", answers), PAM_AUTH_ERR);
	expect_log("result=unenrolled");
}

static size_t
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	}
	closedir(d);
	return n;
}

/* ---- concurrency and crashes ----------------------------------------------- */

static void
test_32_processes_one_code_exactly_one_success(void **state)
{
	struct mfa_state *st = new_state(MFA_OTP_HOTP, 0);
	char code[MFA_OTP_CODE_SIZE];
	const char *answer = code;
	struct pam_conv conv = {test_pam_conv_answer, &answer};
	pam_handle_t *pamh = NULL;
	pid_t pids[32];
	int i, status, successes = 0, refusals = 0;

	(void)state;
	enroll("alice", st);
	mfa_state_free(&st);
	hotp(0, code);
	assert_int_equal(pam_start("crash", "alice", &conv, &pamh), PAM_SUCCESS);
	for (i = 0; i < 32; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			int devnull = open("/dev/null", O_WRONLY), rc;

			dup2(devnull, 2);
			rc = pam_authenticate(pamh, 0);
			_exit(rc == PAM_SUCCESS ? 0 : rc == PAM_AUTH_ERR ? 1 : 100 + rc);
		}
	}
	for (i = 0; i < 32; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		if (WEXITSTATUS(status) == 0)
			successes++;
		else if (WEXITSTATUS(status) == 1)
			refusals++;
		else
			print_message("process %d: PAM returned %d\n", i,
				      WEXITSTATUS(status) - 100);
	}
	pam_end(pamh, PAM_SUCCESS);
	assert_int_equal(successes, 1);
	assert_int_equal(refusals, 31);
	st = read_state("alice"); /* parses */
	assert_int_equal(st->next, 1);
	assert_int_equal(st->failures, 31); /* every refusal counted: no update lost */
	mfa_state_free(&st);
}

/*
 * How much slower than native this run is (MFACOVER_TEST_SLOWDOWN, set for
 * the valgrind run): the kill test must let a writer get somewhere.
 */
static unsigned
slowdown(void)
{
	const char *s = getenv("MFACOVER_TEST_SLOWDOWN");
	unsigned long v = s != NULL ? strtoul(s, NULL, 10) : 1;

	return v >= 1 && v <= 1000 ? (unsigned)v : 1;
}

static void
test_sigkill_during_updates_never_corrupts_or_replays(void **state)
{
	struct mfa_state *st = new_state(MFA_OTP_HOTP, 0);
	char code[MFA_OTP_CODE_SIZE];
	const char *answer = code;
	struct pam_conv conv = {test_pam_conv_answer, &answer};
	pam_handle_t *pamh = NULL;
	uint64_t last_next = 0;
	int round, devnull;

	(void)state;
	enroll("alice", st);
	mfa_state_free(&st);
	assert_int_equal(pam_start("crash", "alice", &conv, &pamh), PAM_SUCCESS);
	srand((unsigned)getpid());
	for (round = 0; round < 40; round++) {
		pid_t pid = fork();
		int status;

		assert_true(pid >= 0);
		if (pid == 0) {
			uint64_t c;

			devnull = open("/dev/null", O_WRONLY);
			dup2(devnull, 2);
			/* Authenticate with each next code, as fast as it goes. */
			for (c = last_next;; c++) {
				hotp(c, code);
				(void)pam_authenticate(pamh, 0);
			}
		}
		usleep((useconds_t)(1000 + rand() % 20000) * slowdown());
		assert_int_equal(kill(pid, SIGKILL), 0);
		assert_int_equal(waitpid(pid, &status, 0), pid);

		st = read_state("alice"); /* must parse after every kill */
		assert_true(st->next >= last_next);
		last_next = st->next;
		mfa_state_free(&st);
		if (last_next > 0) {
			/* The last accepted code is refused: no replay survives a crash. */
			hotp(last_next - 1, code);
			assert_int_equal(pam_authenticate(pamh, 0), PAM_AUTH_ERR);
		}
	}
	pam_end(pamh, PAM_SUCCESS);
	/* The writer got somewhere. */
	assert_true(last_next > 0);
	st = read_state("alice");
	assert_int_equal(st->next, last_next); /* the replays above changed nothing */
	mfa_state_free(&st);
	/* No litter: the state, and at most the one fixed temporary name. */
	assert_true(count_entries(E.store) <= 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_totp_right_wrong_replay, reset_store),
		cmocka_unit_test_setup(test_code_with_blanks, reset_store),
		cmocka_unit_test_setup(test_totp_window_edges, reset_store),
		cmocka_unit_test_setup(test_hotp_counter_advances_with_look_ahead, reset_store),
		cmocka_unit_test_setup(test_torn_state_copy_is_logged_and_rewritten, reset_store),
		cmocka_unit_test_setup(test_append_hands_password_on_byte_for_byte, reset_store),
		cmocka_unit_test_setup(test_openvpn_scrv1_and_auto, reset_store),
		cmocka_unit_test_setup(test_use_first_pass_and_custom_prompt, reset_store),
		cmocka_unit_test_setup(test_lockout_same_answer_then_unlock, reset_store),
		cmocka_unit_test_setup(test_recovery_code_works_exactly_once, reset_store),
		cmocka_unit_test_setup(test_fido2_only_state_refuses_every_code, reset_store),
		cmocka_unit_test_setup(test_unenrolled_fails_closed_unless_nullok, reset_store),
		cmocka_unit_test_setup(test_only_groups, reset_store),
		cmocka_unit_test_setup(test_bad_arguments_are_service_errors, reset_store),
		cmocka_unit_test_setup(test_token_parameters_must_match_module, reset_store),
		cmocka_unit_test_setup(test_unsafe_state_files_fail_closed_unchanged, reset_store),
		cmocka_unit_test_setup(test_home_store_read_as_the_user, reset_store),
		cmocka_unit_test_setup(test_fido2_key_accepted_counter_stored, reset_store),
		cmocka_unit_test_setup(test_fido2_bad_assertions_refused, reset_store),
		cmocka_unit_test_setup(test_fido2_refusals_lock_out, reset_store),
		cmocka_unit_test_setup(test_fido2_cloned_key_refused_and_logged, reset_store),
		cmocka_unit_test_setup(test_fido2_user_verification, reset_store),
		cmocka_unit_test_setup(test_fido2_other_users_key_refused, reset_store),
		cmocka_unit_test_setup(test_fido2_absent_device_falls_back_to_code, reset_store),
		cmocka_unit_test_setup(test_fido2_factors_order_and_subset, reset_store),
		cmocka_unit_test_setup(test_fido2_old_format_uses_appid, reset_store),
		cmocka_unit_test_setup(test_32_processes_one_code_exactly_one_success, reset_store),
		cmocka_unit_test_setup(test_sigkill_during_updates_never_corrupts_or_replays,
				       reset_store),
	};

	E.pam_dir = "/usr/lib/x86_64-linux-gnu/pam_wrapper";
	if (getenv("MFACOVER_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("MFACOVER_TEST_FILTER"));
	return cmocka_run_group_tests(tests, setup_env, teardown_env);
}
