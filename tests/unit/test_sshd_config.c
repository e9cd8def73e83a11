/*
 * test_sshd_config.c - sshd_config as sshd reads it: Include globs and
 * order, Match blocks (also inside included files), first value wins,
 * defaults, AuthenticationMethods, login routes, address classes and
 * malformed input.  Roots live in tests/data/sshd (the same roots the
 * sshd -T oracle checks); a few tokenizer cases use temporary roots.
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

#include "root_fs.h"
#include "sshd_config.h"

#define MAIN "/etc/ssh/sshd_config"

static const char *
data_dir(void)
{
	const char *d = getenv("MFACOVER_TEST_DATA");

	return d != NULL ? d : "tests/data";
}

static int
load_root(const char *root, struct sshd_config **cfgp, struct mfa_parse_err *perr)
{
	int fd = -1, r;

	if ((r = root_fs_open_root(root, &fd, perr)) != 0)
		return r;
	r = sshd_config_load(fd, MAIN, cfgp, perr);
	close(fd);
	return r;
}

static struct sshd_config *
load_data(const char *name)
{
	char root[1024], buf[1024];
	struct sshd_config *cfg = NULL;
	struct mfa_parse_err perr;
	int r;

	snprintf(root, sizeof(root), "%s/sshd/%s", data_dir(), name);
	if ((r = load_root(root, &cfg, &perr)) != 0)
		fail_msg("%s: %s: %s", name, mfa_strerror(r),
			 mfa_parse_err_format(&perr, buf, sizeof(buf)));
	return cfg;
}

static void
eval(const struct sshd_config *cfg, const char *user, const char *groups, const char *addr,
     const char *laddr, int lport, struct sshd_effective *eff)
{
	static char gbuf[256];
	static const char *gv[16];
	struct sshd_match_ctx ctx;
	struct mfa_parse_err perr;
	char *save = NULL, *g;

	memset(&ctx, 0, sizeof(ctx));
	ctx.user = user;
	ctx.addr = addr;
	ctx.host = addr; /* UseDNS no */
	ctx.laddr = laddr;
	ctx.lport = lport;
	snprintf(gbuf, sizeof(gbuf), "%s", groups != NULL ? groups : "");
	for (g = strtok_r(gbuf, ",", &save); g != NULL && ctx.ngroups < 16;
	     g = strtok_r(NULL, ",", &save))
		gv[ctx.ngroups++] = g;
	ctx.groups = gv;
	assert_int_equal(sshd_config_evaluate(cfg, &ctx, eff, &perr), 0);
}

static void
ev_is(const struct sshd_evidence *ev, const char *file, unsigned line)
{
	if (file == NULL) {
		if (ev->file != NULL)
			fail_msg("expected a default, got %s:%u", ev->file, ev->line);
		return;
	}
	if (ev->file == NULL)
		fail_msg("expected %s:%u, got default (%s)", file, line, ev->text);
	assert_string_equal(ev->file, file);
	assert_int_equal(ev->line, line);
}

static void
methods_text(const struct sshd_effective *e, char *buf, size_t sz)
{
	size_t i, used = 0;

	buf[0] = '\0';
	if (e->authentication_methods.any) {
		snprintf(buf, sz, "any");
		return;
	}
	for (i = 0; i < e->authentication_methods.nchains; i++)
		used += (size_t)snprintf(buf + used, sz - used, "%s%s", i > 0 ? " " : "",
					 e->authentication_methods.chains[i].text);
}

/* ---- Debian 12 as shipped ------------------------------------------------- */

static void
test_debian12_default(void **state)
{
	struct sshd_config *cfg = load_data("debian12-default");
	struct sshd_effective e;
	struct sshd_routes rt;
	const char *corpus = getenv("MFACOVER_SHARED_CORPUS");
	char root[1024];
	struct sshd_config *cfg2 = NULL;
	struct mfa_parse_err perr;

	(void)state;
	eval(cfg, "alice", "alice", "203.0.113.7", NULL, -1, &e);
	assert_true(e.use_pam.value);
	ev_is(&e.use_pam.ev, MAIN, 85);
	assert_false(e.kbd_interactive_authentication.value);
	ev_is(&e.kbd_interactive_authentication.ev, MAIN, 62);
	assert_true(e.password_authentication.value);
	ev_is(&e.password_authentication.ev, NULL, 0);
	assert_int_equal(e.permit_root_login.value, SSHD_ROOT_PROHIBIT_PASSWORD);
	assert_true(e.authentication_methods.any);
	assert_string_equal(e.pam_service_name.value, "sshd");
	assert_int_equal(e.pubkey_accepted_algorithms.n, 16);
	assert_false(e.pubkey_accepted_algorithms.only_sk);
	assert_int_equal(e.authorized_keys_files.n, 2);
	assert_true(e.login_allowed.allowed);

	assert_int_equal(sshd_login_routes(&e, false, &rt), 0);
	assert_int_equal(rt.n, 2); /* publickey; password through PAM */
	assert_int_equal(rt.routes[0].steps[0].method, SSHD_METHOD_PUBLICKEY);
	assert_int_equal(rt.routes[0].steps[0].kind, SSHD_STEP_POSSESSION);
	assert_int_equal(rt.routes[1].steps[0].method, SSHD_METHOD_PASSWORD);
	assert_true(rt.routes[1].steps[0].reaches_pam_auth);
	assert_true(rt.routes[1].steps[0].password_to_all_prompts);
	sshd_routes_clear(&rt);

	/* root: prohibit-password leaves publickey only */
	assert_int_equal(sshd_login_routes(&e, true, &rt), 0);
	assert_int_equal(rt.n, 1);
	assert_int_equal(rt.routes[0].steps[0].method, SSHD_METHOD_PUBLICKEY);
	assert_non_null(strstr(rt.dropped[0].reason, "PasswordAuthentication") == NULL
				? rt.dropped[1].reason
				: rt.dropped[0].reason);
	sshd_routes_clear(&rt);
	sshd_effective_clear(&e);
	sshd_config_free(&cfg);
	assert_null(cfg);
	sshd_config_free(NULL);

	/* the shared corpus copy parses the same (when ../shared is beside the tree) */
	if (corpus != NULL && (snprintf(root, sizeof(root), "%s/debian12-default", corpus), 1) &&
	    access(root, R_OK) == 0) {
		assert_int_equal(load_root(root, &cfg2, &perr), 0);
		assert_non_null(cfg2);
		sshd_config_free(&cfg2);
	}
}

/* ---- effective values, table-driven ----------------------------------------- */

struct eval_case {
	const char *root;
	const char *user, *groups, *addr, *laddr;
	int lport;
	int use_pam, password, kbdint, pubkey, hostbased; /* -1: don't check */
	enum sshd_permit_root root_login;
	const char *methods;
	int verify_required, only_sk;
	const char *pw_file; /* evidence of PasswordAuthentication; NULL: default */
	unsigned pw_line;
	int allowed;
};

static const struct eval_case eval_cases[] = {
	/* drop-ins: 10-mfa.conf wins over the main file and over 50-cloud-init.conf */
	{"dropins", "bob", "bob,staff", "203.0.113.7", NULL, -1, 1, 0, 1, 1, 0, SSHD_ROOT_NO,
	 "publickey,keyboard-interactive:pam", 0, 0, "/etc/ssh/sshd_config.d/10-mfa.conf", 2, 1},
	/* the Match in 20-admins.conf applies to wheel; it ends with its file */
	{"dropins", "alice", "alice,wheel", "203.0.113.7", NULL, -1, 1, 0, 1, 1, 0,
	 SSHD_ROOT_PROHIBIT_PASSWORD, "publickey", 0, 0, "/etc/ssh/sshd_config.d/10-mfa.conf", 2,
	 1},
	/* Match User, Group, Address with negation */
	{"match", "alice", "alice,wheel", "10.1.2.3", NULL, -1, 1, 1, 0, 1, 0, SSHD_ROOT_NO,
	 "publickey,keyboard-interactive:pam", 1, 0, MAIN, 6, 1},
	{"match", "alice", "alice,wheel", "10.9.0.1", NULL, -1, 1, 1, 1, 1, 0, SSHD_ROOT_NO,
	 "publickey,keyboard-interactive:pam", 0, 0, MAIN, 6, 1},
	{"match", "carol", "carol,staff", "10.1.2.3", NULL, -1, 1, 0, 0, 1, 0, SSHD_ROOT_NO, "any",
	 1, 0, MAIN, 2, 1},
	{"match", "carol", "carol,staff", "192.168.1.20", NULL, -1, 1, 0, 1, 1, 1, SSHD_ROOT_NO,
	 "any", 0, 0, MAIN, 2, 0},
	{"match", "root", "root", "192.168.1.20", "192.0.2.5", 2222, 1, 0, 1, 1, 0, SSHD_ROOT_YES,
	 "any", 0, 0, MAIN, 2, 1},
	{"match", "root", "root", "192.168.1.20", "192.0.2.5", 22, 1, 0, 1, 1, 0, SSHD_ROOT_NO,
	 "any", 0, 0, MAIN, 2, 1},
	{"match", "mallory", "mallory,nologin", "203.0.113.7", NULL, -1, 1, 0, 1, 1, 0,
	 SSHD_ROOT_NO, "any", 0, 0, MAIN, 2, 0},
	/* Include inside Match; Match inside the included file is ANDed */
	{"include-match", "alice", "alice", "172.16.1.1", NULL, -1, 1, 1, 0, 1, 0, SSHD_ROOT_NO,
	 "any", 0, 0, NULL, 0, 1},
	{"include-match", "alice", "alice", "10.1.1.1", NULL, -1, 1, 0, 1, 1, 0, SSHD_ROOT_NO,
	 "publickey,password publickey,keyboard-interactive", 0, 0, MAIN, 8, 1},
	{"include-match", "bob", "bob", "172.16.1.1", NULL, -1, 1, 0, 1, 1, 0, SSHD_ROOT_NO, "any",
	 0, 0, "/etc/ssh/top.conf", 3, 1},
	{"include-match", "carol", "carol", "172.16.1.1", NULL, -1, 1, 1, 1, 1, 0, SSHD_ROOT_NO,
	 "any", 0, 0, NULL, 0, 1},
	/* AuthenticationMethods: quoted, several lists, first line wins */
	{"authmethods", "alice", "alice", "203.0.113.7", NULL, -1, 1, 1, 1, 1, 1,
	 SSHD_ROOT_PROHIBIT_PASSWORD,
	 "publickey,password publickey,keyboard-interactive:pam hostbased", 0, 0, NULL, 0, 1},
	{"authmethods", "bob", "bob", "203.0.113.7", NULL, -1, 1, 1, 1, 1, 1,
	 SSHD_ROOT_PROHIBIT_PASSWORD, "keyboard-interactive password", 0, 0, NULL, 0, 1},
	/* PermitRootLogin variants */
	{"permitroot", "root", "root", "10.0.0.1", NULL, -1, 1, 1, 1, 1, 0, SSHD_ROOT_YES, "any", 0,
	 0, NULL, 0, 1},
	{"permitroot", "root", "root", "172.16.0.1", NULL, -1, 1, 1, 1, 1, 0,
	 SSHD_ROOT_PROHIBIT_PASSWORD, "any", 0, 0, NULL, 0, 1},
	{"permitroot", "root", "root", "192.168.0.1", NULL, -1, 1, 1, 1, 1, 0, SSHD_ROOT_NO, "any",
	 0, 0, NULL, 0, 1},
	{"permitroot", "root", "root", "203.0.113.7", NULL, -1, 1, 1, 1, 1, 0,
	 SSHD_ROOT_FORCED_COMMANDS_ONLY, "any", 0, 0, NULL, 0, 1},
	/* ChallengeResponseAuthentication is KbdInteractiveAuthentication: first wins */
	{"usepam-no", "alice", "alice", "203.0.113.7", NULL, -1, 0, 1, 1, 1, 0,
	 SSHD_ROOT_PROHIBIT_PASSWORD, "any", 0, 0, NULL, 0, 1},
	/* sk- keys with verify-required */
	{"sk-verify", "alice", "alice", "203.0.113.7", NULL, -1, 1, 0, 0, 1, 0,
	 SSHD_ROOT_PROHIBIT_PASSWORD, "publickey", 1, 1, MAIN, 2, 1},
	{"sk-verify", "bob", "bob", "203.0.113.7", NULL, -1, 1, 0, 0, 1, 0,
	 SSHD_ROOT_PROHIBIT_PASSWORD, "publickey", 1, 0, MAIN, 2, 1},
	{"sk-verify", "carol", "carol", "203.0.113.7", NULL, -1, 1, 0, 0, 1, 0,
	 SSHD_ROOT_PROHIBIT_PASSWORD, "publickey", 0, 0, MAIN, 2, 1},
};

static void
check_flag(const char *what, const struct sshd_flag *f, int want)
{
	if (want >= 0 && f->value != (want == 1))
		fail_msg("%s: got %d, want %d", what, f->value, want);
}

static void
test_eval_table(void **state)
{
	const struct eval_case *c;
	struct sshd_config *cfg;
	struct sshd_effective e;
	char methods[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(eval_cases) / sizeof(eval_cases[0]); i++) {
		c = &eval_cases[i];
		print_message("case %zu: %s user=%s addr=%s\n", i, c->root, c->user, c->addr);
		cfg = load_data(c->root);
		eval(cfg, c->user, c->groups, c->addr, c->laddr, c->lport, &e);
		check_flag("usepam", &e.use_pam, c->use_pam);
		check_flag("passwordauthentication", &e.password_authentication, c->password);
		check_flag("kbdinteractiveauthentication", &e.kbd_interactive_authentication,
			   c->kbdint);
		check_flag("pubkeyauthentication", &e.pubkey_authentication, c->pubkey);
		check_flag("hostbasedauthentication", &e.hostbased_authentication, c->hostbased);
		assert_string_equal(sshd_permit_root_name(e.permit_root_login.value),
				    sshd_permit_root_name(c->root_login));
		methods_text(&e, methods, sizeof(methods));
		assert_string_equal(methods, c->methods);
		assert_int_equal(e.pubkey_auth_options.verify_required, c->verify_required);
		assert_int_equal(e.pubkey_accepted_algorithms.only_sk, c->only_sk);
		ev_is(&e.password_authentication.ev, c->pw_file, c->pw_line);
		assert_int_equal(e.login_allowed.allowed, c->allowed);
		sshd_effective_clear(&e);
		sshd_config_free(&cfg);
	}
}

static void
test_include_order_and_files(void **state)
{
	struct sshd_config *cfg = load_data("dropins");
	size_t i;

	(void)state;
	/* main, then the drop-ins sorted; the .bak file is not matched */
	assert_int_equal(cfg->nfiles, 4);
	assert_string_equal(cfg->files[0], MAIN);
	assert_string_equal(cfg->files[1], "/etc/ssh/sshd_config.d/10-mfa.conf");
	assert_string_equal(cfg->files[2], "/etc/ssh/sshd_config.d/20-admins.conf");
	assert_string_equal(cfg->files[3], "/etc/ssh/sshd_config.d/50-cloud-init.conf");
	/* expanded where the Include stands: drop-in lines come before main line 14 on */
	for (i = 0; i < cfg->ndirs; i++)
		if (strcmp(cfg->dirs[i].keyword, "include") == 0)
			break;
	assert_true(i + 1 < cfg->ndirs);
	assert_string_equal(cfg->dirs[i + 1].file, "/etc/ssh/sshd_config.d/10-mfa.conf");
	assert_int_equal(cfg->dirs[i + 1].depth, 1);
	sshd_config_free(&cfg);
}

/* ---- routes ----------------------------------------------------------------- */

static void
test_routes(void **state)
{
	struct sshd_config *cfg;
	struct sshd_effective e;
	struct sshd_routes rt;

	(void)state;
	/* publickey + PAM keyboard-interactive for a non-wheel user */
	cfg = load_data("dropins");
	eval(cfg, "bob", "bob", "203.0.113.7", NULL, -1, &e);
	assert_int_equal(sshd_login_routes(&e, false, &rt), 0);
	assert_int_equal(rt.n, 1);
	assert_int_equal(rt.routes[0].n, 2);
	assert_int_equal(rt.routes[0].steps[0].kind, SSHD_STEP_POSSESSION);
	assert_int_equal(rt.routes[0].steps[0].factors, 1);
	assert_int_equal(rt.routes[0].steps[1].method, SSHD_METHOD_KBDINT);
	assert_string_equal(rt.routes[0].steps[1].submethod, "pam");
	assert_true(rt.routes[0].steps[1].reaches_pam_auth);
	assert_int_equal(rt.routes[0].steps[1].kind, SSHD_STEP_PAM);
	ev_is(&rt.routes[0].ev, "/etc/ssh/sshd_config.d/10-mfa.conf", 4);
	sshd_routes_clear(&rt);
	/* root with prohibit-password cannot use the keyboard-interactive chain */
	assert_int_equal(sshd_login_routes(&e, true, &rt), 0);
	assert_int_equal(rt.n, 0);
	assert_int_equal(rt.ndropped, 1);
	assert_non_null(strstr(rt.dropped[0].reason, "PermitRootLogin no"));
	sshd_routes_clear(&rt);
	sshd_effective_clear(&e);
	sshd_config_free(&cfg);

	/* FIDO keys with verify-required: two factors in one step */
	cfg = load_data("sk-verify");
	eval(cfg, "alice", "alice", "203.0.113.7", NULL, -1, &e);
	assert_int_equal(sshd_login_routes(&e, false, &rt), 0);
	assert_int_equal(rt.n, 1);
	assert_int_equal(rt.routes[0].steps[0].kind, SSHD_STEP_POSSESSION_VERIFIED);
	assert_int_equal(rt.routes[0].steps[0].factors, 2);
	assert_int_equal(e.authorized_keys_files.n, 2);
	assert_string_equal(e.authorized_keys_files.files[0], "/etc/ssh/keys/%u");
	sshd_routes_clear(&rt);
	sshd_effective_clear(&e);
	eval(cfg, "bob", "bob", "203.0.113.7", NULL, -1, &e); /* +ssh-ed25519 */
	assert_int_equal(sshd_login_routes(&e, false, &rt), 0);
	assert_int_equal(rt.routes[0].steps[0].kind, SSHD_STEP_POSSESSION);
	sshd_routes_clear(&rt);
	sshd_effective_clear(&e);
	sshd_config_free(&cfg);

	/* UsePAM no: the password is checked by sshd, keyboard-interactive has no device */
	cfg = load_data("usepam-no");
	eval(cfg, "alice", "alice", "203.0.113.7", NULL, -1, &e);
	assert_int_equal(sshd_login_routes(&e, false, &rt), 0);
	assert_int_equal(rt.n, 3); /* publickey, password, none (empty password) */
	assert_int_equal(rt.routes[1].steps[0].kind, SSHD_STEP_KNOWLEDGE);
	assert_false(rt.routes[1].steps[0].reaches_pam_auth);
	assert_true(rt.routes[1].steps[0].may_bypass_pam); /* KerberosAuthentication yes */
	assert_int_equal(rt.routes[2].steps[0].method, SSHD_METHOD_NONE);
	assert_int_equal(rt.routes[2].steps[0].factors, 0);
	sshd_routes_clear(&rt);
	sshd_effective_clear(&e);
	sshd_config_free(&cfg);

	/* AuthenticationMethods lists with a disabled method are skipped */
	cfg = load_data("authmethods");
	eval(cfg, "carol", "carol", "203.0.113.7", NULL, -1, &e);
	assert_int_equal(sshd_login_routes(&e, false, &rt), 0);
	assert_int_equal(rt.n, 2);
	assert_int_equal(rt.routes[0].n, 2); /* publickey,publickey */
	assert_int_equal(rt.routes[1].steps[0].kind, SSHD_STEP_KERBEROS);
	sshd_routes_clear(&rt);
	sshd_effective_clear(&e);
	eval(cfg, "root", "root", "203.0.113.7", NULL, -1, &e);
	assert_int_equal(sshd_login_routes(&e, true, &rt), 0);
	assert_int_equal(rt.n, 0); /* none is never enabled; password is prohibited for root */
	assert_int_equal(rt.ndropped, 2);
	sshd_routes_clear(&rt);
	sshd_effective_clear(&e);
	sshd_config_free(&cfg);

	/* DenyGroups: no route at all */
	cfg = load_data("match");
	eval(cfg, "mallory", "mallory,nologin", "203.0.113.7", NULL, -1, &e);
	assert_int_equal(sshd_login_routes(&e, false, &rt), 0);
	assert_true(rt.login_denied);
	assert_int_equal(rt.n, 0);
	assert_non_null(strstr(e.login_allowed.why, "AllowUsers"));
	sshd_routes_clear(&rt);
	sshd_effective_clear(&e);
	sshd_config_free(&cfg);
}

/* ---- address classes -------------------------------------------------------- */

static bool
has_class(const struct sshd_endpoint_class *v, size_t n, const char *addr, int port)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].addr, addr) == 0 && (port < 0 || v[i].port == port))
			return true;
	return false;
}

static void
test_address_classes(void **state)
{
	struct sshd_config *cfg = load_data("match");
	struct sshd_address_classes c;
	struct mfa_parse_err perr;

	(void)state;
	assert_int_equal(sshd_config_address_classes(cfg, &c, &perr), 0);
	/* elsewhere, inside 10/8 but not 10.9/16, inside 10.9/16, 192.168.1.* */
	assert_string_equal(c.remote[0].addr, "203.0.113.7");
	assert_non_null(strstr(c.remote[0].label, "matches no"));
	assert_true(has_class(c.remote, c.nremote, "10.0.0.0", -1));
	assert_true(has_class(c.remote, c.nremote, "10.9.0.0", -1));
	assert_true(has_class(c.remote, c.nremote, "192.168.1.1", -1));
	assert_true(c.nremote >= 4 && c.nremote <= 8);
	assert_true(has_class(c.local, c.nlocal, "192.0.2.0", 2222));
	assert_true(has_class(c.local, c.nlocal, "198.51.100.7", 22));
	sshd_address_classes_clear(&c);
	sshd_config_free(&cfg);
}

/* ---- malformed input -------------------------------------------------------- */

struct bad_case {
	const char *root;
	int err;
	const char *file;
	unsigned line;
	const char *reason;
};

static const struct bad_case bad_cases[] = {
	{"bad-unknown-keyword", MFA_ERR_PARSE, MAIN, 3,
	 "Bad configuration option: PasswordAuthenticaton"},
	{"bad-missing-argument", MFA_ERR_PARSE, MAIN, 2, "no argument after keyword"},
	{"bad-match-criterion", MFA_ERR_PARSE, MAIN, 2, "unsupported Match attribute Usr"},
	{"bad-cidr", MFA_ERR_PARSE, MAIN, 3, "10.0.0.1/8"},
	{"bad-include-loop", MFA_ERR_TOO_DEEP, "/etc/ssh/loop.conf", 1, "too many recursive"},
	{"bad-quote", MFA_ERR_PARSE, MAIN, 2, "invalid quotes"},
	{"bad-global-in-match", MFA_ERR_PARSE, MAIN, 2, "not allowed within a Match block"},
	{"bad-dropin", MFA_ERR_PARSE, "/etc/ssh/sshd_config.d/20-broken.conf", 2, "\"otp\""},
	{"bad-extra-args", MFA_ERR_PARSE, MAIN, 1, "extra arguments"},
	{"bad-pamservicename", MFA_ERR_PARSE, MAIN, 2, "Bad configuration option: PAMServiceName"},
	{"bad-all-combined", MFA_ERR_PARSE, MAIN, 1, "'all' cannot be combined"},
	{"bad-any-after-methods", MFA_ERR_PARSE, MAIN, 3, "\"any\" must appear alone"},
};

static void
test_malformed(void **state)
{
	const struct bad_case *c;
	struct sshd_config *cfg = NULL;
	struct mfa_parse_err perr;
	char root[1024];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		c = &bad_cases[i];
		print_message("bad case %s\n", c->root);
		snprintf(root, sizeof(root), "%s/sshd/%s", data_dir(), c->root);
		assert_int_equal(load_root(root, &cfg, &perr), c->err);
		assert_null(cfg);
		assert_string_equal(perr.file, c->file);
		assert_int_equal(perr.line, c->line);
		if (strstr(perr.msg, c->reason) == NULL)
			fail_msg("%s: reason \"%s\" lacks \"%s\"", c->root, perr.msg, c->reason);
	}
}

/* ---- temporary roots: tokenizer and not-found --------------------------------- */

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static char *
tmp_root(const char *config)
{
	char *dir = strdup("/tmp/mfacover-sshd-XXXXXX"), path[1024];
	FILE *fp;

	assert_non_null(dir);
	assert_non_null(mkdtemp(dir));
	if (config == NULL)
		return dir;
	snprintf(path, sizeof(path), "%s/etc", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/etc/ssh", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/etc/ssh/sshd_config", dir);
	assert_non_null(fp = fopen(path, "w"));
	assert_true(fputs(config, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
	return dir;
}

static void
rm_root(char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

static void
test_tokenizer(void **state)
{
	char *root = tmp_root("  passwordauthentication=no\n"
			      "USEPAM = yes # trailing comment\n"
			      "\t# a comment\n"
			      "\n"
			      "AuthorizedKeysFile \"/etc/ssh/my keys/%u\" 'x y'\r\n"
			      "Match User=alice Address=10.0.0.0/8 # comment\n"
			      "  KbdInteractiveAuthentication no\n"
			      "  SkeyAuthentication yes\n"
			      "Match Group !wheel,*\n"
			      "  PermitRootLogin without-password\n");
	struct sshd_config *cfg = NULL;
	struct sshd_effective e;
	struct mfa_parse_err perr;

	(void)state;
	assert_int_equal(load_root(root, &cfg, &perr), 0);
	eval(cfg, "alice", "alice", "10.1.1.1", NULL, -1, &e);
	assert_false(e.password_authentication.value);
	ev_is(&e.password_authentication.ev, MAIN, 1);
	assert_true(e.use_pam.value);
	assert_int_equal(e.authorized_keys_files.n, 2);
	assert_string_equal(e.authorized_keys_files.files[0], "/etc/ssh/my keys/%u");
	assert_string_equal(e.authorized_keys_files.files[1], "x y");
	assert_false(e.kbd_interactive_authentication.value); /* first of the aliases */
	ev_is(&e.kbd_interactive_authentication.ev, MAIN, 7);
	assert_int_equal(e.permit_root_login.value, SSHD_ROOT_PROHIBIT_PASSWORD);
	ev_is(&e.permit_root_login.ev, MAIN, 10);
	sshd_effective_clear(&e);
	/* a negated group wins over "*" */
	eval(cfg, "alice", "alice,wheel", "10.1.1.1", NULL, -1, &e);
	ev_is(&e.permit_root_login.ev, NULL, 0);
	sshd_effective_clear(&e);
	sshd_config_free(&cfg);
	rm_root(root);

	root = tmp_root(NULL);
	assert_int_equal(load_root(root, &cfg, &perr), MFA_ERR_NOT_FOUND);
	assert_non_null(strstr(perr.msg, "not found"));
	rm_root(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian12_default),
		cmocka_unit_test(test_eval_table),
		cmocka_unit_test(test_include_order_and_files),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_address_classes),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_tokenizer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
