/*
 * fuzz_module_config.c - pam_mfacover's argument parser.  The input split
 * at NUL bytes and newlines gives argv (at most 64 arguments).
 */
#include "fuzz_common.h"
#include "module_config.h"

#define FUZZ_MAX_ARGS 64

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mfa_parse_err perr;
	struct mfa_module_config cfg;
	const char *argv[FUZZ_MAX_ARGS];
	char *buf = fuzz_copy(data, size), *p = buf;
	int argc = 0;
	size_t i;

	for (i = 0; i <= size && argc < FUZZ_MAX_ARGS; i++) {
		if (buf[i] == '\n' || buf[i] == '\0') {
			buf[i] = '\0';
			if (p < buf + i || i < size) /* keep empty arguments inside */
				argv[argc++] = p;
			p = buf + i + 1;
		}
	}
	mfa_module_config_defaults(&cfg);
	if (mfa_module_config_parse(&cfg, argc, argv, &perr) == 0) {
		(void)mfa_module_config_window(&cfg, true);
		(void)mfa_module_config_window(&cfg, false);
		(void)mfa_input_mode_name(cfg.input);
		if (strnlen(cfg.prompt, sizeof(cfg.prompt)) == sizeof(cfg.prompt) ||
		    strnlen(cfg.store_dir, sizeof(cfg.store_dir)) == sizeof(cfg.store_dir) ||
		    strnlen(cfg.origin, sizeof(cfg.origin)) == sizeof(cfg.origin) ||
		    strnlen(cfg.appid, sizeof(cfg.appid)) == sizeof(cfg.appid) ||
		    cfg.nonly_groups > MFA_CONFIG_GROUPS_MAX || cfg.nfactors == 0 ||
		    cfg.nfactors > MFA_CONFIG_FACTORS_MAX)
			abort();
		/* Each factor at most once: the bits are as many as the names. */
		if ((size_t)__builtin_popcount(mfa_module_config_factor_bits(&cfg)) != cfg.nfactors)
			abort();
	}
	mfa_module_config_release(&cfg);
	free(buf);
	return 0;
}
