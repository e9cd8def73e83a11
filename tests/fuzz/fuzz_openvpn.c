/*
 * fuzz_openvpn.c - OpenVPN configs: openvpn_split_line() on every line of
 * the input, then the whole loader (lib/openvpn_config.h has no buffer
 * entry point: it searches ROOT/etc/openvpn) with the input as
 * ROOT/etc/openvpn/server/fuzz.conf in a per-process scratch root.
 */
#include "fuzz_common.h"
#include "fuzz_root.h"
#include "openvpn_config.h"

static void
split_lines(const char *buf, size_t size)
{
	const char *p = buf, *end = buf + size;

	while (p < end) {
		struct mfa_parse_err perr;
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (nl != NULL ? (size_t)(nl - p) : (size_t)(end - p));
		char *line = fuzz_copy((const uint8_t *)p, len);
		char **argv = NULL;
		size_t argc = 0, i;

		if (openvpn_split_line(line, len, &argv, &argc, &perr) == 0) {
			for (i = 0; i < argc; i++)
				if (argv[i] == NULL)
					abort();
			if (argv != NULL && argv[argc] != NULL)
				abort();
		}
		openvpn_argv_free(&argv);
		free(line);
		p += len + 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mfa_parse_err perr;
	struct openvpn_configs *c = NULL;
	char *buf = fuzz_copy(data, size);
	size_t i;

	split_lines(buf, size);
	fuzz_root_write("etc/openvpn/server/fuzz.conf", data, size);
	if (openvpn_configs_load(fuzz_root_fd(), &c, &perr) == 0) {
		(void)openvpn_configs_first_problem(c, &perr);
		for (i = 0; i < c->n; i++) {
			(void)openvpn_verdict_name(c->configs[i].verdict);
			(void)openvpn_role_name(c->configs[i].role);
		}
	}
	openvpn_configs_free(&c);
	free(buf);
	return 0;
}
