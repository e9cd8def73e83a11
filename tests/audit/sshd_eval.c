/*
 * sshd_eval.c - print what libmfacover's sshd model makes of a config, in
 * `sshd -T` format, for the oracle test (tests/audit/test_sshd_oracle.sh).
 *
 *   sshd_eval ROOT PATH [user=U] [host=H] [addr=A] [laddr=L] [lport=P]
 *             [groups=G1,G2,...] [--routes] [--classes]
 *
 * Exit 0 and the values; exit 1 with "ERROR file:line: reason" when the
 * configuration does not load; exit 2 on usage errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "root_fs.h"
#include "sshd_config.h"

static const char *
yn(bool v)
{
	return v ? "yes" : "no";
}

static void
print_list(const char *key, const struct sshd_strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		printf("%s %s\n", key, l->v[i]);
}

static void
print_effective(const struct sshd_effective *e)
{
	size_t i;

	printf("usepam %s\n", yn(e->use_pam.value));
	printf("permitrootlogin %s\n", e->permit_root_login.value == SSHD_ROOT_PROHIBIT_PASSWORD
					       ? "without-password"
					       : sshd_permit_root_name(e->permit_root_login.value));
	printf("hostbasedauthentication %s\n", yn(e->hostbased_authentication.value));
	printf("pubkeyauthentication %s\n", yn(e->pubkey_authentication.value));
	printf("kerberosauthentication %s\n", yn(e->kerberos_authentication.value));
	printf("gssapiauthentication %s\n", yn(e->gssapi_authentication.value));
	printf("passwordauthentication %s\n", yn(e->password_authentication.value));
	printf("kbdinteractiveauthentication %s\n", yn(e->kbd_interactive_authentication.value));
	printf("permitemptypasswords %s\n", yn(e->permit_empty_passwords.value));
	printf("usedns %s\n", yn(e->use_dns.value));
	printf("pubkeyacceptedalgorithms ");
	for (i = 0; i < e->pubkey_accepted_algorithms.n; i++)
		printf("%s%s", i > 0 ? "," : "", e->pubkey_accepted_algorithms.algs[i]);
	printf("\n");
	printf("authorizedkeysfile");
	for (i = 0; i < e->authorized_keys_files.n; i++)
		printf(" %s", e->authorized_keys_files.files[i]);
	printf("\n");
	print_list("allowusers", &e->allow_users);
	print_list("denyusers", &e->deny_users);
	print_list("allowgroups", &e->allow_groups);
	print_list("denygroups", &e->deny_groups);
	printf("authenticationmethods");
	if (e->authentication_methods.any)
		printf(" any");
	for (i = 0; i < e->authentication_methods.nchains; i++)
		printf(" %s", e->authentication_methods.chains[i].text);
	printf("\n");
	if (!e->pubkey_auth_options.touch_required && !e->pubkey_auth_options.verify_required)
		printf("pubkeyauthoptions none\n");
	else
		printf("pubkeyauthoptions%s%s\n",
		       e->pubkey_auth_options.touch_required ? " touch-required" : "",
		       e->pubkey_auth_options.verify_required ? " verify-required" : "");
}

static const char *const step_kinds[] = {
	"pam", "knowledge", "possession", "possession+verification", "host", "kerberos",
};

static void
print_routes(const struct sshd_effective *e, bool root)
{
	struct sshd_routes rt = {0};
	size_t i, j;

	if (sshd_login_routes(e, root, &rt) != 0) {
		printf("# routes: error\n");
		return;
	}
	printf("# login %s%s%s\n", rt.login_denied ? "denied" : "allowed",
	       rt.login_denied ? ": " : "", rt.login_denied ? e->login_allowed.why : "");
	for (i = 0; i < rt.n; i++) {
		printf("# route");
		for (j = 0; j < rt.routes[i].n; j++) {
			const struct sshd_route_step *s = &rt.routes[i].steps[j];

			printf(" %s%s%s[%s%s]", sshd_method_name(s->method),
			       s->submethod != NULL ? ":" : "",
			       s->submethod != NULL ? s->submethod : "", step_kinds[s->kind],
			       s->may_bypass_pam ? ",krb5" : "");
		}
		printf("\n");
	}
	for (i = 0; i < rt.ndropped; i++)
		printf("# dropped %s: %s\n", rt.dropped[i].text, rt.dropped[i].reason);
	sshd_routes_clear(&rt);
}

int
main(int argc, char **argv)
{
	struct sshd_config *cfg = NULL;
	struct sshd_effective eff;
	struct sshd_match_ctx ctx;
	struct sshd_address_classes cls = {0};
	struct mfa_parse_err perr;
	char buf[1024], *groupbuf = NULL, *g, *save = NULL;
	const char *groups[64];
	bool routes = false, classes = false;
	int rootfd = -1, r, i, rc = 2;
	size_t k;

	memset(&ctx, 0, sizeof(ctx));
	memset(&eff, 0, sizeof(eff));
	ctx.lport = -1;
	if (argc < 3) {
		fprintf(stderr,
			"usage: %s ROOT PATH [user=U host=H addr=A laddr=L lport=P "
			"groups=G,...] [--routes] [--classes]\n",
			argv[0]);
		return 2;
	}
	for (i = 3; i < argc; i++) {
		if (strncmp(argv[i], "user=", 5) == 0)
			ctx.user = argv[i] + 5;
		else if (strncmp(argv[i], "host=", 5) == 0)
			ctx.host = argv[i] + 5;
		else if (strncmp(argv[i], "addr=", 5) == 0)
			ctx.addr = argv[i] + 5;
		else if (strncmp(argv[i], "laddr=", 6) == 0)
			ctx.laddr = argv[i] + 6;
		else if (strncmp(argv[i], "lport=", 6) == 0)
			ctx.lport = atoi(argv[i] + 6);
		else if (strncmp(argv[i], "groups=", 7) == 0)
			groupbuf = argv[i] + 7;
		else if (strcmp(argv[i], "--routes") == 0)
			routes = true;
		else if (strcmp(argv[i], "--classes") == 0)
			classes = true;
		else {
			fprintf(stderr, "%s: unknown argument %s\n", argv[0], argv[i]);
			return 2;
		}
	}
	for (g = groupbuf != NULL ? strtok_r(groupbuf, ", ", &save) : NULL;
	     g != NULL && ctx.ngroups < sizeof(groups) / sizeof(groups[0]);
	     g = strtok_r(NULL, ", ", &save))
		groups[ctx.ngroups++] = g;
	ctx.groups = groups;

	if ((r = root_fs_open_root(argv[1], &rootfd, &perr)) != 0) {
		printf("ERROR %s\n", mfa_parse_err_format(&perr, buf, sizeof(buf)));
		return 2;
	}
	if ((r = sshd_config_load(rootfd, argv[2], &cfg, &perr)) != 0) {
		printf("ERROR %s (%s)\n", mfa_parse_err_format(&perr, buf, sizeof(buf)),
		       mfa_strerror_name(r));
		rc = 1;
		goto out;
	}
	if ((r = sshd_config_evaluate(cfg, &ctx, &eff, &perr)) != 0) {
		printf("ERROR %s (%s)\n", mfa_parse_err_format(&perr, buf, sizeof(buf)),
		       mfa_strerror_name(r));
		rc = 1;
		goto out;
	}
	print_effective(&eff);
	if (routes)
		print_routes(&eff, ctx.user != NULL && strcmp(ctx.user, "root") == 0);
	if (classes && sshd_config_address_classes(cfg, &cls, &perr) == 0) {
		for (k = 0; k < cls.nremote; k++)
			printf("# remote addr=%s host=%s: %s\n", cls.remote[k].addr,
			       cls.remote[k].host, cls.remote[k].label);
		for (k = 0; k < cls.nlocal; k++)
			printf("# local laddr=%s lport=%d: %s\n", cls.local[k].addr,
			       cls.local[k].port, cls.local[k].label);
		sshd_address_classes_clear(&cls);
	}
	rc = 0;
out:
	sshd_effective_clear(&eff);
	sshd_config_free(&cfg);
	if (rootfd >= 0)
		close(rootfd);
	return rc;
}
