/*
 * fuzz_pam_conf.c - pam_conf_parse() in pam.d mode and in pam.conf mode,
 * then the first-broken report and the name helpers over every line.
 */
#include "fuzz_common.h"
#include "pam_conf.h"

static void
parse_one(const char *buf, size_t len, enum pam_conf_mode mode)
{
	struct mfa_parse_err perr;
	struct pam_conf *conf = NULL;
	char base[64];
	size_t i, j;

	if (pam_conf_parse(buf, len, "/etc/pam.d/fuzz", mode, &conf, &perr) != 0) {
		if (conf != NULL)
			abort(); /* no result on failure */
		return;
	}
	(void)pam_conf_first_broken(conf, &perr);
	for (i = 0; i < conf->nlines; i++) {
		const struct pam_conf_line *l = &conf->lines[i];

		(void)pam_type_name(l->type);
		(void)pam_control_name(l->control);
		for (j = 0; j < PAM_CONF_NRETVALS; j++)
			(void)pam_action_name(l->actions[j]);
		if (l->module != NULL)
			pam_module_basename(l->module, base, sizeof(base));
		for (j = 0; j < l->argc; j++)
			if (l->argv[j] == NULL)
				abort();
		if (l->argv != NULL && l->argv[l->argc] != NULL)
			abort();
	}
	pam_conf_free(&conf);
	if (conf != NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size);

	parse_one(buf, size, PAM_CONF_MODE_PAMD);
	parse_one(buf, size, PAM_CONF_MODE_PAMCONF);
	free(buf);
	return 0;
}
