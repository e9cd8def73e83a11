/*
 * fuzz_sshd_config.c - the sshd_config loader.  lib/sshd_config.h has no
 * buffer entry point (Include is resolved through root_fs), so the input
 * becomes ROOT/etc/ssh/sshd_config of a per-process scratch root
 * (fuzz_root.c).  A config that loads is evaluated for a fixed connection
 * and for every address class, and turned into login routes.
 */
#include "fuzz_common.h"
#include "fuzz_root.h"
#include "sshd_config.h"

static void
evaluate(const struct sshd_config *cfg, const struct sshd_match_ctx *ctx)
{
	struct mfa_parse_err perr;
	struct sshd_effective eff;
	struct sshd_routes routes;

	memset(&eff, 0, sizeof(eff));
	if (sshd_config_evaluate(cfg, ctx, &eff, &perr) != 0)
		abort(); /* never fails for a config that loaded */
	(void)sshd_permit_root_name(eff.permit_root_login.value);
	memset(&routes, 0, sizeof(routes));
	if (sshd_login_routes(&eff, false, &routes) != 0)
		abort();
	sshd_routes_clear(&routes);
	memset(&routes, 0, sizeof(routes));
	if (sshd_login_routes(&eff, true, &routes) != 0)
		abort();
	sshd_routes_clear(&routes);
	sshd_effective_clear(&eff);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const groups[] = {"alice", "sudo"};
	struct sshd_match_ctx ctx = {
		.user = "alice",
		.groups = groups,
		.ngroups = sizeof(groups) / sizeof(groups[0]),
		.host = "192.0.2.7",
		.addr = "192.0.2.7",
		.laddr = "198.51.100.1",
		.lport = 22,
		.rdomain = NULL,
	};
	struct mfa_parse_err perr;
	struct sshd_config *cfg = NULL;
	struct sshd_address_classes classes;
	size_t i, j;

	fuzz_root_write("etc/ssh/sshd_config", data, size);
	if (sshd_config_load(fuzz_root_fd(), "/etc/ssh/sshd_config", &cfg, &perr) != 0)
		goto out;
	evaluate(cfg, &ctx);
	memset(&classes, 0, sizeof(classes));
	if (sshd_config_address_classes(cfg, &classes, &perr) == 0) {
		/* Bounded: a few classes on each side cover the code paths. */
		for (i = 0; i < classes.nremote && i < 4; i++) {
			for (j = 0; j < classes.nlocal && j < 4; j++) {
				ctx.addr = classes.remote[i].addr;
				ctx.host = classes.remote[i].host;
				ctx.laddr = classes.local[j].addr;
				ctx.lport = classes.local[j].port;
				evaluate(cfg, &ctx);
			}
		}
		sshd_address_classes_clear(&classes);
	}
out:
	sshd_config_free(&cfg);
	return 0;
}
