/*
 * test_pam_services.c - finding a host's PAM services under a root:
 * pam.d / usr/lib/pam.d / pam.conf, include resolution, links inside the
 * root, cycles and depth, skipped names.  Roots with links are built in a
 * temporary directory per test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pam_services.h"
#include "root_fs.h"

/* ---- temporary roots ---------------------------------------------------- */

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
setup_root(void **state)
{
	char *dir = strdup("/tmp/mfacover-test-XXXXXX");

	if (dir == NULL || mkdtemp(dir) == NULL)
		return -1;
	*state = dir;
	return 0;
}

static int
teardown_root(void **state)
{
	char *dir = *state;

	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
	return 0;
}

static void
mkdirs(const char *root, const char *rel)
{
	char path[2048], *p;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (p = path + strlen(root) + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*p = '/';
	}
}

static void
put(const char *root, const char *rel, const char *text)
{
	char path[2048];
	FILE *fp;

	mkdirs(root, rel);
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

static void
link_to(const char *root, const char *rel, const char *target)
{
	char path[2048];

	mkdirs(root, rel);
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(symlink(target, path), 0);
}

static struct pam_host *
load_ok(const char *root)
{
	struct pam_host *host = NULL;
	struct mfa_parse_err perr;
	int r;

	r = pam_services_load(root, &host, &perr);
	if (r != 0)
		fail_msg("load %s: %s: %s:%u: %s", root, mfa_strerror(r), perr.file, perr.line,
			 perr.msg);
	assert_non_null(host);
	return host;
}

static size_t
service(const struct pam_host *host, const char *name)
{
	size_t i = 0;

	if (pam_host_find_service(host, name, &i) != 0)
		fail_msg("no service %s", name);
	return i;
}

static void
auth_stack(const struct pam_host *host, const char *name, struct pam_stack *st)
{
	struct mfa_parse_err perr;

	assert_int_equal(pam_service_stack(host, service(host, name), PAM_TYPE_AUTH, st, &perr), 0);
}

/* assert entry i is FILE:LINE at depth D naming MODULE */
static void
entry_is(const struct pam_stack *st, size_t i, const char *file, unsigned line, unsigned depth,
	 const char *module)
{
	const struct pam_stack_entry *e;

	if (i >= st->n)
		fail_msg("stack has %zu entries, wanted #%zu", st->n, i);
	e = &st->entries[i];
	assert_string_equal(e->file->path, file);
	assert_int_equal(e->line->line, line);
	assert_int_equal(e->depth, depth);
	assert_string_equal(e->line->module, module);
}

static const char *
data_dir(void)
{
	const char *d = getenv("MFACOVER_TEST_DATA");

	return d != NULL ? d : "tests/data";
}

/* ---- the corpus roots --------------------------------------------------- */

static void
test_debian12_root(void **state)
{
	char root[1024];
	struct pam_host *host;
	struct pam_stack st = {NULL, 0, false};
	const struct pam_service *s;

	(void)state;
	snprintf(root, sizeof(root), "%s/pam/debian12-default", data_dir());
	host = load_ok(root);
	assert_false(host->pam_conf_mode);
	assert_int_equal(host->nservices, 19);
	assert_string_equal(host->services[0].name, "chfn");
	assert_string_equal(host->services[18].name, "sudo-i");
	s = &host->services[service(host, "sshd")];
	assert_string_equal(s->path, "/etc/pam.d/sshd");
	assert_int_equal(host->files[s->file].origin, PAM_ORIGIN_ETC);

	/* sshd: @include common-auth, then its four auth lines */
	auth_stack(host, "sshd", &st);
	assert_false(st.from_other);
	assert_int_equal(st.n, 5);
	entry_is(&st, 0, "/etc/pam.d/sshd", 4, 0, "common-auth");
	assert_int_equal(st.entries[0].line->kind, PAM_LINE_AT_INCLUDE);
	entry_is(&st, 1, "/etc/pam.d/common-auth", 17, 1, "pam_unix.so");
	entry_is(&st, 2, "/etc/pam.d/common-auth", 19, 1, "pam_deny.so");
	entry_is(&st, 3, "/etc/pam.d/common-auth", 23, 1, "pam_permit.so");
	entry_is(&st, 4, "/etc/pam.d/common-auth", 25, 1, "pam_cap.so");
	pam_stack_clear(&st);

	/* su-l: "auth include su", su: rootok, then @include common-auth */
	auth_stack(host, "su-l", &st);
	assert_int_equal(st.n, 7);
	entry_is(&st, 0, "/etc/pam.d/su-l", 2, 0, "su");
	assert_int_equal(st.entries[0].line->kind, PAM_LINE_INCLUDE);
	entry_is(&st, 1, "/etc/pam.d/su", 6, 1, "pam_rootok.so");
	entry_is(&st, 2, "/etc/pam.d/su", 57, 1, "common-auth");
	entry_is(&st, 3, "/etc/pam.d/common-auth", 17, 2, "pam_unix.so");
	pam_stack_clear(&st);

	/* chpasswd has no auth line: libpam uses "other" */
	auth_stack(host, "chpasswd", &st);
	assert_true(st.from_other);
	entry_is(&st, 0, "/etc/pam.d/other", 13, 0, "common-auth");
	entry_is(&st, 1, "/etc/pam.d/common-auth", 17, 1, "pam_unix.so");
	pam_stack_clear(&st);

	/* sudo's auth stack has no @include of non-auth files */
	auth_stack(host, "sudo", &st);
	assert_int_equal(st.n, 5);
	pam_stack_clear(&st);
	pam_host_free(&host);
	assert_null(host);
	pam_host_free(NULL);
}

static void
test_rhel9_missing_include(void **state)
{
	char root[1024];
	struct pam_host *host;
	struct pam_stack st = {NULL, 0, false};

	(void)state;
	snprintf(root, sizeof(root), "%s/pam/rhel9-sssd-u2f-2fa", data_dir());
	host = load_ok(root);
	assert_int_equal(host->nservices, 3);
	auth_stack(host, "sshd", &st);
	assert_int_equal(st.n, 12);
	entry_is(&st, 0, "/etc/pam.d/sshd", 2, 0, "pam_sepermit.so");
	entry_is(&st, 1, "/etc/pam.d/sshd", 3, 0, "password-auth");
	assert_false(st.entries[1].target_missing);
	entry_is(&st, 4, "/etc/pam.d/password-auth", 3, 1, "pam_u2f.so");
	/* postlogin does not exist: the line is kept and fails */
	entry_is(&st, 11, "/etc/pam.d/sshd", 4, 0, "postlogin");
	assert_true(st.entries[11].target_missing);
	pam_stack_clear(&st);
	pam_host_free(&host);
}

/* ---- where services come from ----------------------------------------- */

static void
test_vendor_dir_fallback(void **state)
{
	const char *root = *state;
	struct pam_host *host;
	struct pam_stack st = {NULL, 0, false};
	const struct pam_service *s;

	put(root, "etc/pam.d/sshd", "auth required pam_etc.so\nauth include vendoronly\n");
	put(root, "usr/lib/pam.d/sshd", "auth required pam_shadowed.so\n");
	put(root, "usr/lib/pam.d/vendoronly", "auth required pam_vendor.so\n");
	put(root, "usr/lib/pam.d/login", "auth required pam_login.so\n");
	host = load_ok(root);
	assert_int_equal(host->nservices, 3);
	s = &host->services[service(host, "sshd")];
	assert_string_equal(s->path, "/etc/pam.d/sshd");
	assert_int_equal(host->files[s->file].origin, PAM_ORIGIN_ETC);
	s = &host->services[service(host, "login")];
	assert_string_equal(s->path, "/usr/lib/pam.d/login");
	assert_int_equal(host->files[s->file].origin, PAM_ORIGIN_VENDOR);
	auth_stack(host, "sshd", &st);
	assert_int_equal(st.n, 3);
	entry_is(&st, 0, "/etc/pam.d/sshd", 1, 0, "pam_etc.so");
	entry_is(&st, 2, "/usr/lib/pam.d/vendoronly", 1, 1, "pam_vendor.so");
	pam_stack_clear(&st);
	pam_host_free(&host);
}

static void
test_only_vendor_dir_is_pamd_mode(void **state)
{
	const char *root = *state;
	struct pam_host *host;

	put(root, "usr/lib/pam.d/other", "auth required pam_deny.so\n");
	put(root, "etc/pam.conf", "sshd auth required pam_permit.so\n");
	host = load_ok(root);
	assert_false(host->pam_conf_mode); /* pam.conf is ignored, as libpam does */
	assert_int_equal(host->nservices, 1);
	assert_string_equal(host->services[0].name, "other");
	pam_host_free(&host);
}

static void
test_pam_conf_mode(void **state)
{
	const char *root = *state;
	struct pam_host *host;
	struct pam_stack st = {NULL, 0, false};

	put(root, "etc/pam.conf",
	    "# services\n"
	    "sshd auth required pam_unix.so\n"
	    "login auth required pam_login.so\n"
	    "SSHD auth optional pam_second.so\n"
	    "other auth required pam_deny.so\n"
	    "sshd account required pam_unix.so\n"
	    "cron account required pam_unix.so\n");
	host = load_ok(root);
	assert_true(host->pam_conf_mode);
	assert_int_equal(host->nservices, 4);
	assert_string_equal(host->services[0].name, "cron");
	assert_string_equal(host->services[1].name, "login");
	assert_string_equal(host->services[2].name, "other");
	assert_string_equal(host->services[3].name, "sshd");
	assert_string_equal(host->services[3].path, "/etc/pam.conf");
	auth_stack(host, "sshd", &st);
	assert_int_equal(st.n, 2); /* service names compare without case */
	entry_is(&st, 0, "/etc/pam.conf", 2, 0, "pam_unix.so");
	entry_is(&st, 1, "/etc/pam.conf", 4, 0, "pam_second.so");
	pam_stack_clear(&st);
	auth_stack(host, "cron", &st);
	assert_true(st.from_other);
	entry_is(&st, 0, "/etc/pam.conf", 5, 0, "pam_deny.so");
	pam_stack_clear(&st);
	pam_host_free(&host);
}

static void
test_no_pam_config(void **state)
{
	const char *root = *state;
	struct pam_host *host = NULL;
	struct mfa_parse_err perr;

	put(root, "etc/hostname", "x\n");
	assert_int_equal(pam_services_load(root, &host, &perr), MFA_ERR_NOT_FOUND);
	assert_null(host);
	assert_non_null(strstr(perr.msg, "no PAM configuration"));
	assert_int_equal(pam_services_load("/nonexistent/mfacover/root", &host, &perr),
			 MFA_ERR_NOT_FOUND);
	assert_non_null(strstr(perr.msg, "root /nonexistent/mfacover/root"));
}

/* ---- links inside the root ----------------------------------------------- */

static void
test_symlinks_resolved_inside_root(void **state)
{
	const char *root = *state;
	struct pam_host *host;
	struct pam_stack st = {NULL, 0, false};
	const struct pam_service *s;
	const struct pam_file *f;

	/* /etc/passwd exists on every test machine: the link must not reach it */
	put(root, "etc/passwd", "auth required pam_inroot.so\n");
	link_to(root, "etc/pam.d/login", "/etc/passwd");
	/* Debian alternatives style: absolute link to another in-root link */
	put(root, "etc/security/sshd-real", "auth required pam_alt.so\n");
	link_to(root, "etc/alternatives/sshd-pam", "../security/sshd-real");
	link_to(root, "etc/pam.d/sshd", "/etc/alternatives/sshd-pam");
	/* ".." never climbs above the root */
	put(root, "etc/su-real", "auth required pam_su.so\n");
	link_to(root, "etc/pam.d/su", "../../../../../../../../etc/su-real");
	/* an absolute include target is read under the root */
	put(root, "etc/pam.d/sudo", "auth include /etc/security/../passwd\n");
	host = load_ok(root);
	assert_int_equal(host->nservices, 4);

	s = &host->services[service(host, "login")];
	f = &host->files[s->file];
	assert_string_equal(s->path, "/etc/pam.d/login");
	assert_string_equal(f->resolved, "/etc/passwd");
	assert_int_equal(f->conf->nlines, 1);
	assert_string_equal(f->conf->lines[0].module, "pam_inroot.so");

	s = &host->services[service(host, "sshd")];
	f = &host->files[s->file];
	assert_string_equal(f->resolved, "/etc/security/sshd-real");
	assert_string_equal(f->conf->lines[0].module, "pam_alt.so");

	s = &host->services[service(host, "su")];
	assert_string_equal(host->files[s->file].resolved, "/etc/su-real");

	auth_stack(host, "sudo", &st);
	assert_int_equal(st.n, 2);
	assert_string_equal(st.entries[1].line->module, "pam_inroot.so");
	assert_ptr_equal(st.entries[1].file,
			 &host->files[host->services[service(host, "login")].file]);
	pam_stack_clear(&st);
	pam_host_free(&host);
}

static void
test_symlink_loop_and_dangling(void **state)
{
	const char *root = *state;
	struct pam_host *host = NULL;
	struct mfa_parse_err perr;

	put(root, "etc/pam.d/other", "auth required pam_deny.so\n");
	link_to(root, "etc/pam.d/gone", "/etc/nothing-here");
	host = load_ok(root);
	assert_int_equal(host->nservices, 1);
	assert_int_equal(host->nskipped, 1);
	assert_string_equal(host->skipped[0], "/etc/pam.d/gone: dangling symbolic link");
	pam_host_free(&host);

	link_to(root, "etc/pam.d/loop", "loop");
	assert_int_equal(pam_services_load(root, &host, &perr), MFA_ERR_UNSAFE_FILE);
	assert_string_equal(perr.file, "/etc/pam.d/loop");
	assert_non_null(strstr(perr.msg, "symbolic links"));
}

static void
test_root_fs_direct(void **state)
{
	const char *root = *state;
	struct mfa_parse_err perr;
	char *buf = NULL, *resolved = NULL, **names = NULL, fifo[2048];
	size_t len = 0, n = 0;
	int rootfd;

	put(root, "a/b/file", "hello\n");
	link_to(root, "a/up", "../../..");
	put(root, "big", "0123456789");
	snprintf(fifo, sizeof(fifo), "%s/fifo", root);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(root_fs_open_root(root, &rootfd, &perr), 0);
	assert_int_equal(root_fs_read_file(rootfd, "/a/up/a/./b/../b/file", 100, &buf, &len,
					   &resolved, &perr),
			 0);
	assert_int_equal(len, 6);
	assert_string_equal(buf, "hello\n");
	assert_string_equal(resolved, "/a/b/file");
	free(buf);
	free(resolved);
	buf = NULL;
	assert_int_equal(root_fs_read_file(rootfd, "/big", 9, &buf, &len, NULL, &perr),
			 MFA_ERR_TOO_LARGE);
	assert_null(buf);
	assert_int_equal(root_fs_read_file(rootfd, "/big", 10, &buf, &len, NULL, &perr), 0);
	free(buf);
	buf = NULL;
	assert_int_equal(root_fs_read_file(rootfd, "/a/b", 100, &buf, &len, NULL, &perr),
			 MFA_ERR_UNSAFE_FILE);
	assert_int_equal(root_fs_read_file(rootfd, "/fifo", 100, &buf, &len, NULL, &perr),
			 MFA_ERR_UNSAFE_FILE);
	assert_int_equal(root_fs_read_file(rootfd, "/a/b/file/x", 100, &buf, &len, NULL, &perr),
			 MFA_ERR_NOT_FOUND);
	assert_int_equal(root_fs_read_file(rootfd, "relative", 100, &buf, &len, NULL, &perr),
			 MFA_ERR_INVALID_ARG);
	assert_int_equal(root_fs_list_dir(rootfd, "/a", &names, &n, &perr), 0);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "b");
	assert_string_equal(names[1], "up");
	root_fs_free_names(&names, n);
	assert_null(names);
	close(rootfd);
}

/*
 * root_fs_host_dir: where a writer must go for a directory of the image.
 * Absolute links and ".." stay inside the root; missing directories are made
 * inside it with the modes asked for; a file in the way is refused.
 */
static void
test_root_fs_host_dir(void **state)
{
	const char *root = *state;
	struct mfa_parse_err perr;
	char *host = NULL, want[2048], outside[256];
	struct stat st;

	mkdirs(root, "srv/state/x");
	link_to(root, "var/lib", "/srv/state");    /* absolute: restarts at the root */
	link_to(root, "var/up", "../../../../.."); /* climbs no higher than the root */
	put(root, "etc/file", "not a directory\n");

	assert_int_equal(root_fs_host_dir(root, "/var/lib", false, 0700, &host, &perr), MFA_OK);
	snprintf(want, sizeof(want), "%s/srv/state", root);
	assert_string_equal(host, want);
	free(host);

	/* Made through the link, inside the root: 0755 on the way, 0700 the last. */
	assert_int_equal(root_fs_host_dir(root, "/var/lib/mfacover/deep", true, 0700, &host, &perr),
			 MFA_OK);
	snprintf(want, sizeof(want), "%s/srv/state/mfacover/deep", root);
	assert_string_equal(host, want);
	free(host);
	assert_int_equal(stat(want, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	snprintf(want, sizeof(want), "%s/srv/state/mfacover", root);
	assert_int_equal(stat(want, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(lstat("/srv/state/mfacover", &st), -1);

	/* ".." through a link ends at the root, and what is made lands under it. */
	snprintf(outside, sizeof(outside), "/mfacover-host-dir-test-%ld", (long)getpid());
	assert_int_equal(root_fs_host_dir(root, outside, false, 0700, &host, &perr),
			 MFA_ERR_NOT_FOUND);
	snprintf(want, sizeof(want), "/var/up%s", outside);
	assert_int_equal(root_fs_host_dir(root, want, true, 0700, &host, &perr), MFA_OK);
	snprintf(want, sizeof(want), "%s%s", root, outside);
	assert_string_equal(host, want);
	free(host);
	assert_int_equal(lstat(outside, &st), -1);

	/* A dangling link is not followed into making its target. */
	link_to(root, "var/dangling", "/nowhere");
	assert_int_equal(root_fs_host_dir(root, "/var/dangling/x", true, 0700, &host, &perr),
			 MFA_ERR_NOT_FOUND);
	assert_null(host);
	snprintf(want, sizeof(want), "%s/nowhere", root);
	assert_int_equal(lstat(want, &st), -1);

	assert_int_equal(root_fs_host_dir(root, "/etc/file/x", true, 0700, &host, &perr),
			 MFA_ERR_UNSAFE_FILE);
	assert_null(host);
	assert_int_equal(root_fs_host_dir(root, "/nothing/here", false, 0700, &host, &perr),
			 MFA_ERR_NOT_FOUND);
	assert_int_equal(root_fs_host_dir(root, "relative", true, 0700, &host, &perr),
			 MFA_ERR_INVALID_ARG);
}

/* ---- skipped names --------------------------------------------------------- */

static void
test_skipped_names(void **state)
{
	const char *root = *state;
	struct pam_host *host;
	struct pam_stack st = {NULL, 0, false};
	const char *skip[] = {"sshd~",         "sshd.dpkg-old",      "sshd.dpkg-dist",
			      ".sshd.swp",     "sshd.rpmnew",        "sshd.rpmsave",
			      "sshd.ucf-dist", "common-auth.pam-old"};
	const char *keep[] = {"sshd", "sshd.d", "dpkg", "common-auth", "rpmnew"};
	const char *why;
	char rel[256];
	size_t i;

	for (i = 0; i < sizeof(skip) / sizeof(skip[0]); i++) {
		assert_true(pam_services_skip_name(skip[i], &why));
		assert_non_null(why);
		snprintf(rel, sizeof(rel), "etc/pam.d/%s", skip[i]);
		put(root, rel, "auth required pam_old.so\n");
	}
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		assert_false(pam_services_skip_name(keep[i], NULL));
	put(root, "etc/pam.d/sshd", "auth include sshd.dpkg-old\n");
	put(root, "etc/pam.d/subdir/x", "auth required pam_x.so\n");
	host = load_ok(root);
	assert_int_equal(host->nservices, 1);
	assert_string_equal(host->services[0].name, "sshd");
	assert_int_equal(host->nskipped, 9);
	assert_string_equal(host->skipped[0], "/etc/pam.d/.sshd.swp: hidden file");
	assert_string_equal(host->skipped[1],
			    "/etc/pam.d/common-auth.pam-old: pam-auth-update backup");
	assert_string_equal(host->skipped[8], "/etc/pam.d/subdir: a directory");
	/* a skipped name is still read when included */
	auth_stack(host, "sshd", &st);
	assert_int_equal(st.n, 2);
	entry_is(&st, 1, "/etc/pam.d/sshd.dpkg-old", 1, 1, "pam_old.so");
	pam_stack_clear(&st);
	pam_host_free(&host);
}

/* ---- include cycles and depth ------------------------------------------- */

static void
test_include_cycles(void **state)
{
	const char *root = *state;
	struct pam_host *host = NULL;
	struct mfa_parse_err perr;

	put(root, "etc/pam.d/a", "auth required pam_x.so\nauth include b\n");
	put(root, "etc/pam.d/b", "# b\nauth include a\n");
	assert_int_equal(pam_services_load(root, &host, &perr), MFA_ERR_TOO_DEEP);
	assert_null(host);
	assert_string_equal(perr.file, "/etc/pam.d/b");
	assert_int_equal(perr.line, 2);
	assert_string_equal(perr.msg,
			    "include cycle: /etc/pam.d/a:2 -> /etc/pam.d/b:2 -> /etc/pam.d/a");
}

static void
test_at_include_self_cycle(void **state)
{
	const char *root = *state;
	struct pam_host *host = NULL;
	struct mfa_parse_err perr;

	put(root, "etc/pam.d/s", "@include s\n");
	assert_int_equal(pam_services_load(root, &host, &perr), MFA_ERR_TOO_DEEP);
	assert_string_equal(perr.msg, "include cycle: /etc/pam.d/s:1 -> /etc/pam.d/s");
}

/* "auth include B" in A and "account include A" in B: libpam never loops */
static void
test_type_aware_no_false_cycle(void **state)
{
	const char *root = *state;
	struct pam_host *host;
	struct pam_stack st = {NULL, 0, false};
	struct mfa_parse_err perr;

	put(root, "etc/pam.d/a", "auth include b\naccount required pam_acct.so\n");
	put(root, "etc/pam.d/b", "auth required pam_b.so\naccount include a\n");
	host = load_ok(root);
	auth_stack(host, "a", &st);
	assert_int_equal(st.n, 2);
	entry_is(&st, 1, "/etc/pam.d/b", 1, 1, "pam_b.so");
	pam_stack_clear(&st);
	assert_int_equal(pam_service_stack(host, service(host, "b"), PAM_TYPE_ACCOUNT, &st, &perr),
			 0);
	assert_int_equal(st.n, 2);
	entry_is(&st, 1, "/etc/pam.d/a", 2, 1, "pam_acct.so");
	pam_stack_clear(&st);
	pam_host_free(&host);
}

static void
make_chain(const char *root, unsigned files)
{
	char rel[64], text[128];
	unsigned i;

	for (i = 0; i < files; i++) {
		snprintf(rel, sizeof(rel), "etc/pam.d/s%02u", i);
		if (i + 1 < files)
			snprintf(text, sizeof(text), "auth substack s%02u\n", i + 1);
		else
			snprintf(text, sizeof(text), "auth required pam_leaf.so\n");
		put(root, rel, text);
	}
}

static void
test_depth_limit_ok(void **state)
{
	const char *root = *state;
	struct pam_host *host;
	struct pam_stack st = {NULL, 0, false};

	make_chain(root, PAM_SERVICES_MAX_DEPTH); /* 16 files: the most libpam loads */
	host = load_ok(root);
	auth_stack(host, "s00", &st);
	assert_int_equal(st.n, PAM_SERVICES_MAX_DEPTH);
	assert_int_equal(st.entries[0].line->kind, PAM_LINE_SUBSTACK);
	entry_is(&st, PAM_SERVICES_MAX_DEPTH - 1, "/etc/pam.d/s15", 1, PAM_SERVICES_MAX_DEPTH - 1,
		 "pam_leaf.so");
	pam_stack_clear(&st);
	pam_host_free(&host);
}

static void
test_depth_limit_exceeded(void **state)
{
	const char *root = *state;
	struct pam_host *host = NULL;
	struct mfa_parse_err perr;

	make_chain(root, PAM_SERVICES_MAX_DEPTH + 1);
	assert_int_equal(pam_services_load(root, &host, &perr), MFA_ERR_TOO_DEEP);
	assert_null(host);
	assert_string_equal(perr.file, "/etc/pam.d/s15");
	assert_int_equal(perr.line, 1);
	/* the chain is shortened in the middle to fit the message */
	print_message("%s\n", perr.msg);
	assert_memory_equal(perr.msg,
			    "includes nested deeper than 16 files: /etc/pam.d/s00:1 -> ...", 61);
	assert_non_null(
		strstr(perr.msg, " -> /etc/pam.d/s14:1 -> /etc/pam.d/s15:1 -> /etc/pam.d/s16"));
	assert_true(strlen(perr.msg) < MFA_PARSE_ERR_MSG_MAX - 1);
}

/* ---- files that cannot be read, broken lines ------------------------------ */

static void
test_unreadable_and_broken(void **state)
{
	const char *root = *state;
	struct pam_host *host = NULL;
	struct mfa_parse_err perr;
	char path[2048], *big;
	size_t i;

	put(root, "etc/pam.d/sshd", "auth required pam_unix.so\nauth requird pam_x.so\n");
	host = load_ok(root);
	assert_int_equal(host->files[0].conf->nbroken, 1);
	assert_int_equal(pam_conf_first_broken(host->files[0].conf, &perr), MFA_ERR_PARSE);
	assert_string_equal(perr.file, "/etc/pam.d/sshd");
	assert_int_equal(perr.line, 2);
	pam_host_free(&host);

	/* an include of something that is not a regular file */
	snprintf(path, sizeof(path), "%s/etc/pam.d/pipe", root);
	assert_int_equal(mkfifo(path, 0600), 0);
	put(root, "etc/pam.d/sshd", "auth required pam_unix.so\nauth include /etc/pam.d/pipe\n");
	assert_int_equal(pam_services_load(root, &host, &perr), MFA_ERR_UNSAFE_FILE);
	assert_string_equal(perr.file, "/etc/pam.d/pipe");
	unlink(path);

	/* larger than the parser's cap */
	big = malloc(PAM_CONF_MAX_BYTES + 2);
	assert_non_null(big);
	for (i = 0; i <= PAM_CONF_MAX_BYTES; i++)
		big[i] = (i % 64 == 63) ? '\n' : '#';
	big[PAM_CONF_MAX_BYTES + 1] = '\0';
	put(root, "etc/pam.d/huge", big);
	free(big);
	assert_int_equal(pam_services_load(root, &host, &perr), MFA_ERR_TOO_LARGE);
	assert_string_equal(perr.file, "/etc/pam.d/huge");
}

/* a line of unknown type counts as the type requested, as in libpam */
static void
test_unknown_type_inherits_requested_type(void **state)
{
	const char *root = *state;
	struct pam_host *host;
	struct pam_stack st = {NULL, 0, false};
	struct mfa_parse_err perr;

	put(root, "etc/pam.d/inc", "bogus required pam_bad.so\n");
	put(root, "etc/pam.d/svc", "account include inc\nauth required pam_ok.so\n");
	host = load_ok(root);
	assert_int_equal(
		pam_service_stack(host, service(host, "svc"), PAM_TYPE_ACCOUNT, &st, &perr), 0);
	assert_int_equal(st.n, 2);
	entry_is(&st, 1, "/etc/pam.d/inc", 1, 1, "pam_bad.so");
	assert_non_null(st.entries[1].line->broken);
	pam_stack_clear(&st);
	/* at the top level it is an auth line */
	auth_stack(host, "inc", &st);
	assert_int_equal(st.n, 1);
	pam_stack_clear(&st);
	pam_host_free(&host);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian12_root),
		cmocka_unit_test(test_rhel9_missing_include),
		cmocka_unit_test_setup_teardown(test_vendor_dir_fallback, setup_root,
						teardown_root),
		cmocka_unit_test_setup_teardown(test_only_vendor_dir_is_pamd_mode, setup_root,
						teardown_root),
		cmocka_unit_test_setup_teardown(test_pam_conf_mode, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_no_pam_config, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_symlinks_resolved_inside_root, setup_root,
						teardown_root),
		cmocka_unit_test_setup_teardown(test_symlink_loop_and_dangling, setup_root,
						teardown_root),
		cmocka_unit_test_setup_teardown(test_root_fs_direct, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_root_fs_host_dir, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_skipped_names, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_include_cycles, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_at_include_self_cycle, setup_root,
						teardown_root),
		cmocka_unit_test_setup_teardown(test_type_aware_no_false_cycle, setup_root,
						teardown_root),
		cmocka_unit_test_setup_teardown(test_depth_limit_ok, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_depth_limit_exceeded, setup_root,
						teardown_root),
		cmocka_unit_test_setup_teardown(test_unreadable_and_broken, setup_root,
						teardown_root),
		cmocka_unit_test_setup_teardown(test_unknown_type_inherits_requested_type,
						setup_root, teardown_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
