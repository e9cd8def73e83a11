/*
 * test_module_config.c - pam_mfacover's arguments: the defaults, every
 * default flipped, every malformed form refused with the argument's name,
 * and every argument documented in docs/pam_mfacover.8.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "factor.h"
#include "module_config.h"

static void
test_defaults(void **state)
{
	struct mfa_module_config cfg;

	(void)state;
	mfa_module_config_defaults(&cfg);
	assert_string_equal(cfg.store_dir, "/var/lib/mfacover");
	assert_false(cfg.store_home);
	assert_int_equal(cfg.nonly_groups, 0);
	assert_false(cfg.nullok);
	assert_int_equal(mfa_module_config_window(&cfg, false), 1);
	assert_int_equal(mfa_module_config_window(&cfg, true), 10);
	assert_int_equal(cfg.digits, 6);
	assert_int_equal(cfg.step, 30);
	assert_string_equal(cfg.prompt, "Verification code: ");
	assert_false(cfg.prompt_given);
	assert_int_equal(cfg.input, MFA_INPUT_PROMPT);
	assert_false(cfg.use_first_pass);
	assert_false(cfg.try_first_pass);
	assert_int_equal(cfg.lockout_failures, 5);
	assert_int_equal(cfg.lockout_seconds, 300);
	assert_false(cfg.debug);
	assert_int_equal(cfg.nfactors, 4);
	assert_int_equal(mfa_module_config_factor_bits(&cfg), MFA_FACTOR_CODES | MFA_FACTOR_FIDO2);
	assert_true(mfa_module_config_fido2_first(&cfg));
	assert_string_equal(cfg.origin, "");
	assert_string_equal(cfg.appid, "");
	assert_false(cfg.uv_required);
}

static void
test_factors_and_relying_party(void **state)
{
	const char *argv[] = {"factors=totp,recovery,fido2", "origin=pam://bastion",
			      "appid=https://legacy.example", "uv=required"};
	const char *only_key[] = {"factors=fido2"};
	const char *codes[] = {"factors=hotp"};
	struct mfa_module_config cfg;
	struct mfa_parse_err perr;
	char origin[300], appid[300], host[256], want[300];

	(void)state;
	mfa_module_config_defaults(&cfg);
	assert_int_equal(mfa_module_config_parse(&cfg, 4, argv, &perr), MFA_OK);
	assert_int_equal(cfg.nfactors, 3);
	assert_int_equal(cfg.factors[0], MFA_FACTOR_TOTP);
	assert_int_equal(cfg.factors[1], MFA_FACTOR_RECOVERY);
	assert_int_equal(cfg.factors[2], MFA_FACTOR_FIDO2);
	assert_int_equal(mfa_module_config_factor_bits(&cfg),
			 MFA_FACTOR_TOTP | MFA_FACTOR_RECOVERY | MFA_FACTOR_FIDO2);
	assert_false(mfa_module_config_fido2_first(&cfg));
	assert_true(cfg.uv_required);
	assert_int_equal(
		mfa_module_config_rp_ids(&cfg, origin, sizeof(origin), appid, sizeof(appid)),
		MFA_OK);
	assert_string_equal(origin, "pam://bastion");
	assert_string_equal(appid, "https://legacy.example");
	assert_string_equal(mfa_factor_bit_name(MFA_FACTOR_RECOVERY), "recovery");

	mfa_module_config_defaults(&cfg);
	assert_int_equal(mfa_module_config_parse(&cfg, 1, only_key, &perr), MFA_OK);
	assert_true(mfa_module_config_fido2_first(&cfg));
	assert_int_equal(mfa_module_config_factor_bits(&cfg), MFA_FACTOR_FIDO2);
	/* The defaults: pam://HOSTNAME for both, as pam_u2f. */
	assert_int_equal(gethostname(host, sizeof(host)), 0);
	snprintf(want, sizeof(want), "pam://%s", host);
	assert_int_equal(
		mfa_module_config_rp_ids(&cfg, origin, sizeof(origin), appid, sizeof(appid)),
		MFA_OK);
	assert_string_equal(origin, want);
	assert_string_equal(appid, want);
	assert_int_equal(mfa_module_config_rp_ids(&cfg, origin, 8, appid, sizeof(appid)),
			 MFA_ERR_TOO_LARGE);

	mfa_module_config_defaults(&cfg);
	assert_int_equal(mfa_module_config_parse(&cfg, 1, codes, &perr), MFA_OK);
	assert_false(mfa_module_config_fido2_first(&cfg));
	assert_int_equal(mfa_module_config_factor_bits(&cfg), MFA_FACTOR_HOTP);
}

static void
test_flip_every_default(void **state)
{
	const char *argv[] = {
		"store=/srv/mfa",
		"only=wheel,admins,svc-vendor",
		"nullok",
		"window=4",
		"digits=8",
		"step=60",
		"prompt=OTP code: ",
		"input=append",
		"try_first_pass",
		"lockout=3/900",
		"debug",
	};
	struct mfa_module_config cfg;
	struct mfa_parse_err perr;

	(void)state;
	mfa_module_config_defaults(&cfg);
	assert_int_equal(
		mfa_module_config_parse(&cfg, (int)(sizeof(argv) / sizeof(argv[0])), argv, &perr),
		MFA_OK);
	assert_string_equal(cfg.store_dir, "/srv/mfa");
	assert_int_equal(cfg.nonly_groups, 3);
	assert_string_equal(cfg.only_groups[0], "wheel");
	assert_string_equal(cfg.only_groups[2], "svc-vendor");
	assert_true(cfg.nullok);
	assert_int_equal(mfa_module_config_window(&cfg, false), 4);
	assert_int_equal(mfa_module_config_window(&cfg, true), 4);
	assert_int_equal(cfg.digits, 8);
	assert_int_equal(cfg.step, 60);
	assert_string_equal(cfg.prompt, "OTP code: ");
	assert_true(cfg.prompt_given);
	assert_int_equal(cfg.input, MFA_INPUT_APPEND);
	assert_true(cfg.try_first_pass);
	assert_int_equal(cfg.lockout_failures, 3);
	assert_int_equal(cfg.lockout_seconds, 900);
	assert_true(cfg.debug);
	mfa_module_config_release(&cfg);
	assert_int_equal(cfg.nonly_groups, 0);

	{
		const char *home[] = {"store=home", "input=openvpn", "use_first_pass", "window=0"};

		mfa_module_config_defaults(&cfg);
		assert_int_equal(mfa_module_config_parse(&cfg, 4, home, &perr), MFA_OK);
		assert_true(cfg.store_home);
		assert_int_equal(cfg.input, MFA_INPUT_OPENVPN);
		assert_true(cfg.use_first_pass);
		assert_int_equal(mfa_module_config_window(&cfg, true), 0);
	}
}

struct bad_arg {
	const char *arg;
	const char *msg_part;
};

static void
test_malformed_arguments_name_the_argument(void **state)
{
	static const struct bad_arg bad[] = {
		{"frobnicate", "unknown argument \"frobnicate\""},
		{"Nullok", "unknown argument \"Nullok\""},
		{"store", "store needs =VALUE"},
		{"store=", "store must be"},
		{"store=var/lib", "store must be"},
		{"only=", "only must be"},
		{"only=a,,b", "only must be"},
		{"only=a b", "only must be"},
		{"nullok=1", "nullok takes no value"},
		{"window=101", "window must be"},
		{"window=x", "window must be"},
		{"window=", "window must be"},
		{"digits=5", "digits must be 6, 7 or 8"},
		{"digits=9", "digits must be 6, 7 or 8"},
		{"step=0", "step must be"},
		{"step=3601", "step must be"},
		{"prompt=", "prompt must be"},
		{"prompt=a\nb", "prompt must be"},
		{"input=push", "input must be prompt, append, openvpn or auto"},
		{"lockout=5", "lockout must be"},
		{"lockout=0/60", "lockout must be"},
		{"lockout=5/0", "lockout must be"},
		{"lockout=5/86401", "lockout must be"},
		{"lockout=/60", "lockout must be"},
		{"debug=yes", "debug takes no value"},
		{"factors=", "factors must be"},
		{"factors=sms", "factors must be"},
		{"factors=totp,,recovery", "factors must be"},
		{"factors=totp,totp", "factors must be"},
		{"factors=TOTP", "factors must be"},
		{"factors=fido2,", "factors must be"},
		{"origin=", "origin must be"},
		{"origin=pam://a b", "origin must be"},
		{"appid=", "appid must be"},
		{"uv=preferred", "uv must be \"required\""},
		{"uv", "uv needs =VALUE"},
	};
	struct mfa_module_config cfg;
	struct mfa_parse_err perr;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *argv[] = {"try_first_pass", bad[i].arg};

		mfa_module_config_defaults(&cfg);
		if (mfa_module_config_parse(&cfg, 2, argv, &perr) != MFA_ERR_PARSE ||
		    strstr(perr.msg, bad[i].msg_part) == NULL)
			fail_msg("\"%s\": \"%s\" lacks \"%s\"", bad[i].arg, perr.msg,
				 bad[i].msg_part);
		assert_int_equal(cfg.nonly_groups, 0);
	}
}

static void
test_duplicates_and_conflicts(void **state)
{
	const char *dup[] = {"window=1", "window=2"};
	const char *dup_groups[] = {"only=a", "only=b"};
	const char *both[] = {"use_first_pass", "try_first_pass"};
	struct mfa_module_config cfg;
	struct mfa_parse_err perr;

	(void)state;
	mfa_module_config_defaults(&cfg);
	assert_int_equal(mfa_module_config_parse(&cfg, 2, dup, &perr), MFA_ERR_PARSE);
	assert_non_null(strstr(perr.msg, "window is given twice"));
	mfa_module_config_defaults(&cfg);
	assert_int_equal(mfa_module_config_parse(&cfg, 2, dup_groups, &perr), MFA_ERR_PARSE);
	assert_int_equal(cfg.nonly_groups, 0); /* released */
	mfa_module_config_defaults(&cfg);
	assert_int_equal(mfa_module_config_parse(&cfg, 2, both, &perr), MFA_ERR_PARSE);
	assert_non_null(strstr(perr.msg, "exclude each other"));
}

static void
test_every_argument_is_documented(void **state)
{
	const char *docs = getenv("MFACOVER_DOCS");
	char path[1024], *page, needle[128];
	const char *const *name;
	size_t n;
	FILE *fp;

	(void)state;
	assert_non_null(docs);
	snprintf(path, sizeof(path), "%s/pam_mfacover.8", docs);
	fp = fopen(path, "r");
	assert_non_null(fp);
	page = malloc(1 << 20);
	assert_non_null(page);
	n = fread(page, 1, (1 << 20) - 1, fp);
	page[n] = '\0';
	fclose(fp);
	for (name = mfa_module_config_names; *name != NULL; name++) {
		/* An entry of the ARGUMENTS list: ".B name" or ".BI name=". */
		snprintf(needle, sizeof(needle), "\n.TP\n.B %s", *name);
		if (strstr(page, needle) != NULL)
			continue;
		snprintf(needle, sizeof(needle), "\n.TP\n.BI %s=", *name);
		if (strstr(page, needle) == NULL)
			fail_msg("docs/pam_mfacover.8 has no entry for %s", *name);
	}
	/* And every input mode. */
	for (n = 0; n <= MFA_INPUT_AUTO; n++) {
		snprintf(needle, sizeof(needle), "\n.TP\n.B input=%s\n",
			 mfa_input_mode_name((enum mfa_input_mode)n));
		if (strstr(page, needle) == NULL)
			fail_msg("docs/pam_mfacover.8 has no entry for input=%s",
				 mfa_input_mode_name((enum mfa_input_mode)n));
	}
	free(page);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_flip_every_default),
		cmocka_unit_test(test_factors_and_relying_party),
		cmocka_unit_test(test_malformed_arguments_name_the_argument),
		cmocka_unit_test(test_duplicates_and_conflicts),
		cmocka_unit_test(test_every_argument_is_documented),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
