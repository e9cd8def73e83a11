/*
 * pambench.c - authentications per second through real PAM stacks.
 *
 *   pambench setup --dir DIR --users N --module M
 *   pambench run   --dir DIR --users N --module M [--sample K] [--workers P] [--wrong]
 *   pambench hmac  --users N [--sample K]
 *
 * Modules (M): mfacover (pam_mfacover.so, one state file per user), oath
 * (Debian's pam_oath.so, one users file, window=5), ga (Debian's
 * pam_google_authenticator.so, one file per user as its tool writes them:
 * rate limit, window, disallow reuse), permit (pam_permit.so alone: the
 * floor of PAM itself).
 *
 * setup writes DIR/<M>/: the users' seeds (derived from the user's index, so
 * a rerun is the same), the module's files (mfacover: slotted state files as
 * mfacover-enroll writes them; with --plain the plain text that versions
 * before the slotted file read), a PAM service "bench" in
 * DIR/<M>/pam.d for pam_start_confdir, and DIR/passwd + DIR/group for
 * nss_wrapper (GA looks its users up).
 *
 * run authenticates K users (default min(N, 1000)) spread evenly over the N,
 * each once, in P worker processes (fork; user i goes to worker i mod P):
 * pam_start_confdir("bench") + pam_authenticate + pam_end, the conversation
 * answering the current TOTP code (HMAC-SHA-1), or with --wrong a code that no
 * step near now has.  Then it checks every user's stored state: the code's
 * use recorded (mfacover: the replay floor moved past the step, no failure;
 * ga: the step in DISALLOW_REUSE; oath: the code in the user's line), or
 * with --wrong one failure counted and nothing accepted.  It prints one JSON
 * object: counts, wall time, authentications per second, p50/p99 latency,
 * CPU per authentication, and "valid": false with the reason when any
 * authentication had the wrong result or any state was not as it must be.
 * Each user may log in once per time step: run waits for a fresh step when
 * DIR/<M>/last-step says this sample already used the current one.
 *
 * The process is made to look like the sshd session process a login runs
 * in: OpenSSL is initialised before the workers fork (sshd's key exchange
 * has done it), and each worker runs one uncounted pam_start + pam_end first
 * (its own start is not a login).  The wall time runs from the first login's
 * start to the last one's end; the CPU time is the workers' own during their
 * logins (CLOCK_PROCESS_CPUTIME_ID around each).  The codes are made with
 * OpenSSL's HMAC, not liboath, so that liboath is not loaded in this process
 * before a module loads it (sshd has not loaded it either).
 *
 * hmac is the floor of the arithmetic: K TOTP checks with liboath in a
 * loop, no PAM, no files.
 *
 * Nothing here asserts a time: scripts/bench-pam runs it and
 * docs/benchmarks.md records what it printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <dlfcn.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <security/pam_appl.h>

#include "base32.h"
#include "mfa_mem.h"
#include "state.h"
#include "state_slots.h"

#define SECRET_LEN 20
#define PERIOD 30
#define MAX_USERS 1000000u

#ifndef PAMBENCH_MODULE_PATH
#error "PAMBENCH_MODULE_PATH: the built pam_mfacover.so"
#endif

enum module {
	MOD_MFACOVER,
	MOD_OATH,
	MOD_GA,
	MOD_PERMIT
};
static const char *const module_names[] = {"mfacover", "oath", "ga", "permit"};

struct opts {
	const char *dir;
	unsigned long users, sample;
	unsigned workers;
	enum module module;
	bool module_set, wrong;
	bool plain; /* setup: plain-text state files (what versions before the slotted file read) */
};

/* One authentication's outcome, in memory the workers share. */
struct sample {
	uint64_t start_ns; /* CLOCK_MONOTONIC when this login began */
	uint64_t ns;
	uint64_t cpu_ns; /* the worker's CPU time (user and system) during this login */
	int32_t pam_result;
	int32_t step; /* the TOTP step the answer was for, relative to the run's first */
	char code[8];
};

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("pambench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static void
user_name(unsigned long i, char *buf, size_t size)
{
	snprintf(buf, size, "u%06lu", i);
}

/* The seed of user i: the first 20 bytes of SHA-256("mfacover-bench" || i). */
static void
user_secret(unsigned long i, uint8_t out[SECRET_LEN])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char in[64];
	int n = snprintf(in, sizeof(in), "mfacover-bench %lu", i);

	if (EVP_Digest(in, (size_t)n, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen < SECRET_LEN)
		die("SHA-256 failed");
	memcpy(out, md, SECRET_LEN);
}

static unsigned long
sample_user(const struct opts *o, unsigned long k)
{
	/* K users spread evenly over N: the first, the last, and between. */
	return o->sample <= 1 ? 0 : (unsigned long)((uint64_t)k * (o->users - 1) / (o->sample - 1));
}

static void path_of(char *buf, size_t size, const struct opts *o, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
path_of(char *buf, size_t size, const struct opts *o, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(buf, size, "%s/%s/", o->dir, module_names[o->module]);

	va_start(ap, fmt);
	if (n < 0 || (size_t)n >= size || vsnprintf(buf + n, size - (size_t)n, fmt, ap) < 0)
		die("path too long");
	va_end(ap);
}

static FILE *
create_file(const char *path, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);
	FILE *fp;

	if (fd < 0 || fchmod(fd, mode) != 0 || (fp = fdopen(fd, "w")) == NULL)
		die("%s: %s", path, strerror(errno));
	return fp;
}

static void
close_file(FILE *fp, const char *path)
{
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0 || fclose(fp) != 0)
		die("%s: %s", path, strerror(errno));
}

static void
make_dir(const char *path)
{
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		die("%s: %s", path, strerror(errno));
}

/* ---- setup ------------------------------------------------------------------- */

static void
setup_mfacover(const struct opts *o, const char *mdir)
{
	char path[4096], name[32];
	unsigned long i;
	time_t now = time(NULL);

	path_of(path, sizeof(path), o, "store");
	make_dir(path);
	for (i = 0; i < o->users; i++) {
		struct mfa_state st;
		uint8_t secret[SECRET_LEN];
		char *text = NULL;
		size_t len = 0;
		FILE *fp;

		user_secret(i, secret);
		memset(&st, 0, sizeof(st));
		st.kind = MFA_OTP_TOTP;
		st.alg = MFA_OTP_SHA1;
		st.digits = 6;
		st.period = PERIOD;
		st.secret = secret;
		st.secret_len = SECRET_LEN;
		st.created = (uint64_t)now;
		if (mfa_state_format(&st, &text, &len) != 0)
			die("mfa_state_format");
		user_name(i, name, sizeof(name));
		path_of(path, sizeof(path), o, "store/%s", name);
		fp = create_file(path, 0600);
		if (o->plain) {
			if (fwrite(text, 1, len, fp) != len)
				die("%s: short write", path);
		} else {
			/* Slotted, as mfacover-enroll writes it: the first login then updates in place. */
			size_t size = mfa_slots_size_for(len);
			uint8_t *file = size != 0 ? calloc(2, size) : NULL;

			if (file == NULL || mfa_slots_write(text, len, 1, file, size) != 0 ||
			    fwrite(file, 1, 2 * size, fp) != 2 * size)
				die("%s: cannot write a slotted state", path);
			mfa_freezero(file, 2 * size);
		}
		/* Only every 1000th file is synced: setup is not what is measured. */
		if (i % 1000 == 0)
			close_file(fp, path);
		else if (fclose(fp) != 0)
			die("%s: %s", path, strerror(errno));
		mfa_freezero(text, len);
	}
	path_of(path, sizeof(path), o, "pam.d/bench");
	{
		FILE *fp = create_file(path, 0644);

		fprintf(fp, "auth required %s store=%s/store\n", PAMBENCH_MODULE_PATH, mdir);
		close_file(fp, path);
	}
}

static void
setup_oath(const struct opts *o, const char *mdir)
{
	char path[4096], name[32];
	unsigned long i, b;
	FILE *fp;

	path_of(path, sizeof(path), o, "users.oath");
	fp = create_file(path, 0600);
	for (i = 0; i < o->users; i++) {
		uint8_t secret[SECRET_LEN];

		user_secret(i, secret);
		user_name(i, name, sizeof(name));
		fprintf(fp, "HOTP/T30/6\t%s\t-\t", name);
		for (b = 0; b < SECRET_LEN; b++)
			fprintf(fp, "%02x", secret[b]);
		fputc('\n', fp);
	}
	close_file(fp, path);
	path_of(path, sizeof(path), o, "pam.d/bench");
	fp = create_file(path, 0644);
	fprintf(fp, "auth required pam_oath.so usersfile=%s/users.oath window=5\n", mdir);
	close_file(fp, path);
}

static void
setup_ga(const struct opts *o, const char *mdir)
{
	char path[4096], name[32];
	unsigned long i;
	FILE *fp;

	path_of(path, sizeof(path), o, "secrets");
	make_dir(path);
	for (i = 0; i < o->users; i++) {
		uint8_t secret[SECRET_LEN];
		char *b32 = NULL;
		int k;

		user_secret(i, secret);
		if (mfa_base32_encode(secret, SECRET_LEN, false, &b32) != 0)
			die("base32");
		user_name(i, name, sizeof(name));
		path_of(path, sizeof(path), o, "secrets/%s", name);
		fp = create_file(path, 0400);
		/* As google-authenticator -t -d -r 3 -R 30 -w 3 writes it. */
		fprintf(fp,
			"%s\n\" RATE_LIMIT 3 30\n\" WINDOW_SIZE 3\n\" DISALLOW_REUSE\n"
			"\" TOTP_AUTH\n",
			b32);
		for (k = 0; k < 5; k++)
			fprintf(fp, "%08lu\n",
				(i * 5 + (unsigned long)k) % 90000000ul + 10000000ul);
		if (fclose(fp) != 0)
			die("%s: %s", path, strerror(errno));
		mfa_free_string(b32);
	}
	path_of(path, sizeof(path), o, "pam.d/bench");
	fp = create_file(path, 0644);
	fprintf(fp,
		"auth required pam_google_authenticator.so secret=%s/secrets/${USER} user=root\n",
		mdir);
	close_file(fp, path);
}

static void
setup_nss(const struct opts *o)
{
	char path[4096], name[32];
	unsigned long i;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/passwd", o->dir);
	fp = create_file(path, 0644);
	fprintf(fp, "root:x:0:0:root:/root:/bin/sh\n");
	for (i = 0; i < o->users; i++) {
		user_name(i, name, sizeof(name));
		fprintf(fp, "%s:x:%lu:%lu::/nonexistent:/bin/sh\n", name, 100000 + i, 100000 + i);
	}
	close_file(fp, path);
	snprintf(path, sizeof(path), "%s/group", o->dir);
	fp = create_file(path, 0644);
	fprintf(fp, "root:x:0:\n");
	close_file(fp, path);
}

static void
do_setup(const struct opts *o)
{
	char mdir[4096], path[4096];

	make_dir(o->dir);
	snprintf(mdir, sizeof(mdir), "%s/%s", o->dir, module_names[o->module]);
	make_dir(mdir);
	path_of(path, sizeof(path), o, "pam.d");
	make_dir(path);
	path_of(path, sizeof(path), o, "last-step");
	(void)unlink(path);
	switch (o->module) {
	case MOD_MFACOVER:
		setup_mfacover(o, mdir);
		break;
	case MOD_OATH:
		setup_oath(o, mdir);
		break;
	case MOD_GA:
		setup_ga(o, mdir);
		break;
	case MOD_PERMIT:
		path_of(path, sizeof(path), o, "pam.d/bench");
		{
			FILE *fp = create_file(path, 0644);

			fputs("auth required pam_permit.so\n", fp);
			close_file(fp, path);
		}
		break;
	}
	setup_nss(o);
}

/* ---- run ----------------------------------------------------------------------- */

struct conv_ctx {
	unsigned long user;
	bool wrong;
	struct sample *out;
	time_t t0; /* the run's first step, in seconds */
};

/*
 * The 6-digit TOTP code (RFC 6238, HMAC-SHA-1) of secret for the step
 * `delta` steps from now's.  Computed with OpenSSL's HMAC, not liboath, so
 * that this process has not loaded liboath when libpam loads a module: sshd
 * has not either, and loading it is part of what a login costs
 * (docs/benchmarks.md).
 */
static void
totp_code(const uint8_t *secret, time_t now, long delta, char code[8])
{
	uint64_t step = (uint64_t)((long)(now / PERIOD) + delta);
	uint8_t msg[8], md[EVP_MAX_MD_SIZE];
	size_t mdlen = 0, off;
	uint32_t bin;
	int i;

	for (i = 7; i >= 0; i--) {
		msg[i] = (uint8_t)step;
		step >>= 8;
	}
	if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA1", NULL, secret, SECRET_LEN, msg, sizeof(msg), md,
		      sizeof(md), &mdlen) == NULL ||
	    mdlen != 20)
		die("HMAC-SHA-1");
	off = md[19] & 0x0f;
	bin = (uint32_t)(md[off] & 0x7f) << 24 | (uint32_t)md[off + 1] << 16 |
	      (uint32_t)md[off + 2] << 8 | md[off + 3];
	snprintf(code, 8, "%06u", (unsigned)(bin % 1000000u));
}

static void
answer_code(struct conv_ctx *c, char code[8])
{
	uint8_t secret[SECRET_LEN];
	time_t now = time(NULL);
	long d;
	int k;

	user_secret(c->user, secret);
	totp_code(secret, now, 0, code);
	c->out->step = (int32_t)(now / PERIOD - c->t0 / PERIOD);
	if (c->wrong) {
		/* A code no step within 10 of now has: refused by every window here. */
		for (k = 0;; k++) {
			char cand[8], near[8];
			bool taken = false;

			snprintf(cand, sizeof(cand), "%06d", (atoi(code) + 500000 + k) % 1000000);
			for (d = -10; d <= 10 && !taken; d++) {
				totp_code(secret, now, d, near);
				taken = strcmp(near, cand) == 0;
			}
			if (!taken) {
				memcpy(code, cand, 7);
				break;
			}
		}
	}
	mfa_wipe(secret, sizeof(secret));
	memcpy(c->out->code, code, 7);
	c->out->code[7] = '\0';
}

static int
conv(int n, const struct pam_message **msg, struct pam_response **resp, void *arg)
{
	struct conv_ctx *c = arg;
	struct pam_response *r;
	int i;

	if (n <= 0 || (r = calloc((size_t)n, sizeof(*r))) == NULL)
		return PAM_CONV_ERR;
	for (i = 0; i < n; i++) {
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF ||
		    msg[i]->msg_style == PAM_PROMPT_ECHO_ON) {
			char code[8];

			answer_code(c, code);
			if ((r[i].resp = strdup(code)) == NULL) {
				free(r);
				return PAM_CONV_ERR;
			}
		}
	}
	*resp = r;
	return PAM_SUCCESS;
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* This process's CPU time, user and system, in nanoseconds. */
static uint64_t
cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
worker(const struct opts *o, unsigned w, struct sample *samples, const char *confdir, time_t t0)
{
	unsigned long k;

	/*
	 * One transaction without authenticating, not counted: the worker's own
	 * start (libpam's first calls, the pages fork shared) is not a login's
	 * cost, as an sshd session process has started before PAM runs.  No
	 * user's state is read or written.
	 */
	{
		struct conv_ctx c = {0, o->wrong, NULL, t0};
		struct pam_conv pc = {conv, &c};
		pam_handle_t *pamh = NULL;

		if (pam_start_confdir("bench", "warm-up", &pc, confdir, &pamh) == PAM_SUCCESS)
			pam_end(pamh, PAM_SUCCESS);
	}
	for (k = w; k < o->sample; k += o->workers) {
		struct conv_ctx c = {sample_user(o, k), o->wrong, &samples[k], t0};
		struct pam_conv pc = {conv, &c};
		pam_handle_t *pamh = NULL;
		char name[32];
		uint64_t t, cpu;
		int r;

		user_name(c.user, name, sizeof(name));
		cpu = cpu_ns();
		t = now_ns();
		r = pam_start_confdir("bench", name, &pc, confdir, &pamh);
		if (r == PAM_SUCCESS)
			r = pam_authenticate(pamh, PAM_SILENT);
		if (pamh != NULL)
			pam_end(pamh, r);
		samples[k].start_ns = t;
		samples[k].ns = now_ns() - t;
		samples[k].cpu_ns = cpu_ns() - cpu;
		samples[k].pam_result = r;
	}
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static char *
read_all(const char *path, size_t *lenp)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	char *buf;
	ssize_t n;

	if (fd < 0 || fstat(fd, &st) != 0 || (buf = malloc((size_t)st.st_size + 1)) == NULL)
		die("%s: %s", path, strerror(errno));
	n = read(fd, buf, (size_t)st.st_size);
	close(fd);
	if (n != st.st_size)
		die("%s: short read", path);
	buf[n] = '\0';
	*lenp = (size_t)n;
	return buf;
}

/*
 * The stored state of sample k after the run: NULL when it is as it must be,
 * else why not.  `oath_file` is pam_oath's users file (read once).
 */
static const char *
verify_one(const struct opts *o, unsigned long k, const struct sample *s, time_t t0,
	   const char *oath_file)
{
	char path[4096], name[32];
	unsigned long u = sample_user(o, k);
	uint64_t step = (uint64_t)(t0 / PERIOD) + (uint64_t)s->step;

	user_name(u, name, sizeof(name));
	switch (o->module) {
	case MOD_MFACOVER: {
		struct mfa_state *st = NULL;
		size_t len;
		char *buf;
		const char *why = NULL;

		path_of(path, sizeof(path), o, "store/%s", name);
		buf = read_all(path, &len);
		if (mfa_state_file_parse(buf, len, path, &st, NULL, NULL) != 0)
			why = "the state file does not parse";
		else if (!o->wrong && (st->next <= step || st->failures != 0))
			why = "the code's use is not recorded (replay floor or failures)";
		else if (o->wrong && st->failures == 0)
			why = "the failure is not counted";
		mfa_state_free(&st);
		mfa_freezero(buf, len);
		return why;
	}
	case MOD_GA: {
		size_t len;
		char *buf, needle[64];
		const char *why = NULL;

		path_of(path, sizeof(path), o, "secrets/%s", name);
		buf = read_all(path, &len);
		snprintf(needle, sizeof(needle), " %" PRIu64, step);
		if (!o->wrong && strstr(buf, needle) == NULL)
			why = "the step is not in DISALLOW_REUSE";
		mfa_freezero(buf, len);
		return why;
	}
	case MOD_OATH: {
		char key[40];
		const char *line;

		snprintf(key, sizeof(key), "\t%s\t", name);
		if ((line = strstr(oath_file, key)) == NULL)
			return "the user's line is gone";
		{
			const char *eol = strchr(line, '\n');
			size_t n = eol != NULL ? (size_t)(eol - line) : strlen(line);
			char *copy = strndup(line, n);
			bool has = copy != NULL && strstr(copy, s->code) != NULL;

			free(copy);
			if (!o->wrong && !has)
				return "the used code is not in the user's line (an update was lost)";
			if (o->wrong && has)
				return "the wrong code was recorded as used";
		}
		return NULL;
	}
	case MOD_PERMIT:
		return NULL;
	}
	return NULL;
}

/*
 * Initialise OpenSSL in the parent, before the workers fork, as an sshd
 * process has done long before PAM runs (its key exchange used HMAC and
 * SHA-256).  Without it each worker's first login paid libcrypto's one-time
 * set-up (reading openssl.cnf, loading the default provider, fetching the
 * digests): about 5 ms, in the first HMAC of the conversation or the
 * module's first SHA-256, whichever came first, for every module alike.
 */
static void
warm_openssl(void)
{
	static const uint8_t key[SECRET_LEN];
	uint8_t md[EVP_MAX_MD_SIZE];
	size_t len = 0;
	unsigned int dlen = 0;

	if (OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG, NULL) != 1 ||
	    EVP_Q_mac(NULL, "HMAC", NULL, "SHA1", NULL, key, sizeof(key), key, sizeof(key), md,
		      sizeof(md), &len) == NULL ||
	    EVP_Digest(key, sizeof(key), md, &dlen, EVP_sha256(), NULL) != 1)
		die("OpenSSL initialisation");
}

/* Wait until the time step differs from the one this module's last run used. */
static time_t
fresh_step(const struct opts *o)
{
	char path[4096], buf[32] = "";
	long last = -1;
	FILE *fp;

	path_of(path, sizeof(path), o, "last-step");
	if ((fp = fopen(path, "re")) != NULL) {
		if (fgets(buf, sizeof(buf), fp) != NULL)
			last = atol(buf);
		fclose(fp);
	}
	while (o->module != MOD_PERMIT && time(NULL) / PERIOD <= last)
		usleep(200000);
	return time(NULL);
}

static void
record_step(const struct opts *o, time_t t_end)
{
	char path[4096];
	FILE *fp;

	path_of(path, sizeof(path), o, "last-step");
	fp = create_file(path, 0600);
	fprintf(fp, "%ld\n", (long)(t_end / PERIOD));
	close_file(fp, path);
}

static void
do_run(const struct opts *o)
{
	struct sample *samples;
	char confdir[4096], path[4096];
	uint64_t *lat, first, last, wall, cpu_total_ns;
	unsigned long k, ok = 0, bad = 0, state_bad = 0;
	const char *first_bad = NULL;
	char *oath_file = NULL;
	size_t oath_len = 0, size = o->sample * sizeof(*samples);
	time_t t0;
	unsigned w;
	bool valid;

	path_of(confdir, sizeof(confdir), o, "pam.d");
	if ((samples = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
			    0)) == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	memset(samples, 0, size);
	warm_openssl();
	t0 = fresh_step(o);
	for (w = 0; w < o->workers; w++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork: %s", strerror(errno));
		if (pid == 0) {
			worker(o, w, samples, confdir, t0);
			_exit(0);
		}
	}
	for (w = 0; w < o->workers; w++) {
		int status;

		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			die("a worker failed");
	}
	record_step(o, time(NULL));
	/*
	 * Wall time from the first login's start to the last one's end, and the
	 * CPU time of the logins themselves: the workers' fork, warm-up and exit
	 * are not logins.
	 */
	first = UINT64_MAX;
	last = 0;
	cpu_total_ns = 0;
	for (k = 0; k < o->sample; k++) {
		if (samples[k].start_ns < first)
			first = samples[k].start_ns;
		if (samples[k].start_ns + samples[k].ns > last)
			last = samples[k].start_ns + samples[k].ns;
		cpu_total_ns += samples[k].cpu_ns;
	}
	wall = last > first ? last - first : 1;

	if (o->module == MOD_OATH) {
		path_of(path, sizeof(path), o, "users.oath");
		oath_file = read_all(path, &oath_len);
	}
	if ((lat = calloc(o->sample, sizeof(*lat))) == NULL)
		die("out of memory");
	for (k = 0; k < o->sample; k++) {
		bool want = !o->wrong || o->module == MOD_PERMIT;
		const char *why;

		lat[k] = samples[k].ns;
		if ((samples[k].pam_result == PAM_SUCCESS) == want) {
			ok++;
		} else {
			bad++;
			if (first_bad == NULL)
				first_bad = pam_strerror(NULL, samples[k].pam_result);
		}
		if ((why = verify_one(o, k, &samples[k], t0, oath_file)) != NULL) {
			state_bad++;
			if (state_bad == 1)
				fprintf(stderr, "pambench: %s: user %lu: %s\n",
					module_names[o->module], sample_user(o, k), why);
		}
	}
	qsort(lat, o->sample, sizeof(*lat), cmp_u64);
	valid = bad == 0 && state_bad == 0;
	printf("{\"module\":\"%s\",\"users\":%lu,\"sample\":%lu,\"workers\":%u,\"code\":\"%s\","
	       "\"expected\":%lu,\"unexpected\":%lu,\"state_wrong\":%lu,\"wall_s\":%.3f,"
	       "\"auth_per_s\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"cpu_ms_per_auth\":%.3f,"
	       "\"valid\":%s,\"why\":\"%s\"}\n",
	       module_names[o->module], o->users, o->sample, o->workers,
	       o->wrong ? "wrong" : "right", ok, bad, state_bad, (double)wall / 1e9,
	       (double)o->sample / ((double)wall / 1e9), (double)lat[o->sample / 2] / 1e6,
	       (double)lat[(o->sample * 99 + 99) / 100 - 1] / 1e6,
	       (double)cpu_total_ns / 1e6 / (double)o->sample, valid ? "true" : "false",
	       valid     ? ""
	       : bad > 0 ? (first_bad != NULL ? first_bad : "unexpected PAM result")
			 : "stored state not as it must be");
	free(lat);
	free(oath_file);
	munmap(samples, size);
	if (!valid)
		exit(1);
}

/* ---- hmac ---------------------------------------------------------------------- */

/* liboath's functions, loaded for this floor only (see totp_code). */
typedef int (*oath_init_fn)(void);
typedef int (*oath_generate_fn)(const char *, size_t, time_t, unsigned, time_t, unsigned, char *);
typedef int (*oath_validate_fn)(const char *, size_t, time_t, unsigned, time_t, size_t,
				const char *);

static void
do_hmac(const struct opts *o)
{
	uint64_t t, total;
	unsigned long k, ok = 0;
	time_t now = time(NULL);
	void *lib = dlopen("liboath.so.0", RTLD_NOW | RTLD_LOCAL);
	oath_init_fn oath_init;
	oath_generate_fn oath_totp_generate;
	oath_validate_fn oath_totp_validate;

	if (lib == NULL)
		die("liboath: %s", dlerror());
	*(void **)&oath_init = dlsym(lib, "oath_init");
	*(void **)&oath_totp_generate = dlsym(lib, "oath_totp_generate");
	*(void **)&oath_totp_validate = dlsym(lib, "oath_totp_validate");
	if (oath_init == NULL || oath_totp_generate == NULL || oath_totp_validate == NULL ||
	    oath_init() != 0)
		die("liboath: oath_init");
	t = now_ns();
	for (k = 0; k < o->sample; k++) {
		uint8_t secret[SECRET_LEN];
		char code[8];

		user_secret(sample_user(o, k), secret);
		if (oath_totp_generate((const char *)secret, SECRET_LEN, now, PERIOD, 0, 6, code) ==
			    0 &&
		    oath_totp_validate((const char *)secret, SECRET_LEN, now, PERIOD, 0, 1, code) >=
			    0)
			ok++;
	}
	total = now_ns() - t;
	printf("{\"module\":\"hmac\",\"users\":%lu,\"sample\":%lu,\"workers\":1,\"code\":\"right\","
	       "\"expected\":%lu,\"unexpected\":%lu,\"state_wrong\":0,\"wall_s\":%.3f,"
	       "\"auth_per_s\":%.1f,\"p50_ms\":%.4f,\"p99_ms\":%.4f,\"cpu_ms_per_auth\":%.4f,"
	       "\"valid\":%s,\"why\":\"\"}\n",
	       o->users, o->sample, ok, o->sample - ok, (double)total / 1e9,
	       (double)o->sample / ((double)total / 1e9), (double)total / 1e6 / (double)o->sample,
	       (double)total / 1e6 / (double)o->sample, (double)total / 1e6 / (double)o->sample,
	       ok == o->sample ? "true" : "false");
}

static void
usage(int status)
{
	fputs("usage: pambench setup --dir DIR --users N --module mfacover|oath|ga|permit "
	      "[--plain]\n"
	      "       pambench run --dir DIR --users N --module M [--sample K] [--workers P] "
	      "[--wrong]\n"
	      "       pambench hmac --users N [--sample K]\n",
	      status == 0 ? stdout : stderr);
	exit(status);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"dir", required_argument, NULL, 'd'},
		{"users", required_argument, NULL, 'n'},
		{"module", required_argument, NULL, 'm'},
		{"sample", required_argument, NULL, 'k'},
		{"workers", required_argument, NULL, 'p'},
		{"wrong", no_argument, NULL, 'w'},
		{"plain", no_argument, NULL, 'P'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct opts o;
	const char *cmd;
	int c;
	size_t i;

	memset(&o, 0, sizeof(o));
	o.workers = 1;
	if (argc < 2)
		usage(64);
	cmd = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o.dir = optarg;
			break;
		case 'n':
			o.users = strtoul(optarg, NULL, 10);
			break;
		case 'k':
			o.sample = strtoul(optarg, NULL, 10);
			break;
		case 'p':
			o.workers = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'w':
			o.wrong = true;
			break;
		case 'P':
			o.plain = true;
			break;
		case 'm':
			for (i = 0; i < sizeof(module_names) / sizeof(module_names[0]); i++) {
				if (strcmp(optarg, module_names[i]) == 0) {
					o.module = (enum module)i;
					o.module_set = true;
				}
			}
			if (!o.module_set)
				die("unknown module %s", optarg);
			break;
		case 'h':
			usage(0);
			break;
		default:
			usage(64);
		}
	}
	if (o.users == 0 || o.users > MAX_USERS || o.workers == 0 || o.workers > 64)
		die("--users 1..%u and --workers 1..64", MAX_USERS);
	if (o.sample == 0 || o.sample > o.users)
		o.sample = o.users < 1000 ? o.users : 1000;
	if (strcmp(cmd, "hmac") == 0) {
		do_hmac(&o);
		return 0;
	}
	if (o.dir == NULL || o.dir[0] != '/' || !o.module_set)
		die("--dir (absolute) and --module are needed");
	if (strcmp(cmd, "setup") == 0)
		do_setup(&o);
	else if (strcmp(cmd, "run") == 0)
		do_run(&o);
	else
		usage(64);
	return 0;
}
