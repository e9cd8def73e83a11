/*
 * test_factor_fido2.c - the FIDO2 factor against the software authenticator
 * (tests/support/soft_fido2.c): credentials made with OpenSSL (ES256,
 * EdDSA, RS256), assertions signed over the challenge the factor made.  Good
 * assertions pass and move the stored counter; each of these fails and
 * leaves the state alone: a wrong signature, a wrong rpId hash, no UP, no UV
 * when required, a counter not increased, a credential of another user,
 * short authenticator data; no device, an untouched one and a wrong PIN are
 * their own answers.  Old-format credentials are asked for under appid.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "factor_fido2.h"
#include "soft_fido2.h"

#define ORIGIN "pam://test"
#define APPID "pam://legacy"

static struct mfa_policy pol;

static void
policy(bool require_uv)
{
	memset(&pol, 0, sizeof(pol));
	pol.factors = MFA_FACTOR_FIDO2;
	pol.fido2_origin = ORIGIN;
	pol.fido2_appid = APPID;
	pol.fido2_require_uv = require_uv;
	pol.lockout_failures = 5;
	pol.lockout_seconds = 60;
}

/* A FIDO2-only state holding creds (copied). */
static void
state_with(struct mfa_state *st, struct mfa_state_fido2 *slots, const struct mfa_fido2_cred *creds,
	   size_t n)
{
	size_t i;

	memset(st, 0, sizeof(*st));
	st->kind = MFA_OTP_NONE;
	memset(slots, 0, n * sizeof(*slots));
	for (i = 0; i < n; i++)
		slots[i].cred = creds[i];
	st->fido2 = slots;
	st->nfido2 = n;
}

static int
run(struct soft_fido2 *sf, struct mfa_state *st, struct mfa_factor_detail *detail)
{
	struct mfa_fido2_backend be = soft_fido2_backend(sf);
	struct mfa_fido2_io io = {.backend = &be, .ask_pin = NULL, .tell = NULL, .arg = NULL};
	struct mfa_factor_detail d;

	memset(&d, 0, sizeof(d));
	return mfa_factor_fido2_authenticate(st, &pol, &io, detail != NULL ? detail : &d);
}

static void
test_good_assertions_move_the_counter(void **state)
{
	static const enum mfa_fido2_cose types[] = {MFA_FIDO2_ES256, MFA_FIDO2_EDDSA,
						    MFA_FIDO2_RS256};
	struct soft_fido2 sf;
	struct mfa_fido2_cred cred;
	struct mfa_state st;
	struct mfa_state_fido2 slot;
	struct mfa_factor_detail detail;
	size_t i;

	(void)state;
	policy(false);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		soft_fido2_init(&sf);
		assert_int_equal(soft_fido2_add_key(&sf, types[i], ORIGIN, false, &cred), MFA_OK);
		state_with(&st, &slot, &cred, 1);
		memset(&detail, 0, sizeof(detail));
		assert_int_equal(run(&sf, &st, &detail), MFA_OK);
		assert_string_equal(detail.factor, "fido2");
		assert_int_equal(detail.matched, 1);
		assert_int_equal(slot.counter, 1);
		assert_int_equal(run(&sf, &st, NULL), MFA_OK);
		assert_int_equal(slot.counter, 2);
		/* The device was asked for this user's key handle, under the origin, without UV. */
		assert_string_equal(sf.last_rp_id, ORIGIN);
		assert_int_equal(sf.last_nallow, 1);
		assert_false(sf.last_uv);
		soft_fido2_clear(&sf);
	}
}

static void
test_each_forgery_refused_state_unchanged(void **state)
{
	static const struct {
		enum soft_fido2_fault fault;
		int want;
	} cases[] = {
		{SOFT_FAULT_SIG, MFA_ERR_FIDO2_SIGNATURE},
		{SOFT_FAULT_OTHER_KEY, MFA_ERR_FIDO2_SIGNATURE},
		{SOFT_FAULT_RP, MFA_ERR_FIDO2_RP_ID},
		{SOFT_FAULT_NO_UP, MFA_ERR_FIDO2_NO_UP},
		{SOFT_FAULT_SHORT_AUTHDATA, MFA_ERR_FIDO2_AUTHDATA},
		{SOFT_FAULT_COUNTER_SAME, MFA_ERR_FIDO2_COUNTER},
	};
	struct soft_fido2 sf;
	struct mfa_fido2_cred cred;
	struct mfa_state st;
	struct mfa_state_fido2 slot;
	size_t i;

	(void)state;
	policy(false);
	soft_fido2_init(&sf);
	assert_int_equal(soft_fido2_add_key(&sf, MFA_FIDO2_ES256, ORIGIN, false, &cred), MFA_OK);
	state_with(&st, &slot, &cred, 1);
	assert_int_equal(run(&sf, &st, NULL), MFA_OK);
	assert_int_equal(slot.counter, 1);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sf.fault = cases[i].fault;
		if (cases[i].fault == SOFT_FAULT_COUNTER_SAME)
			sf.keys[0].counter = 1; /* signs with 1 again: not above the stored 1 */
		assert_int_equal(run(&sf, &st, NULL), cases[i].want);
		assert_int_equal(slot.counter, 1);
	}
	sf.fault = SOFT_FAULT_NONE;
	assert_int_equal(run(&sf, &st, NULL), MFA_OK);
	assert_int_equal(slot.counter, 2);
	soft_fido2_clear(&sf);
}

static void
test_user_verification_required(void **state)
{
	struct soft_fido2 sf;
	struct mfa_fido2_cred cred;
	struct mfa_state st;
	struct mfa_state_fido2 slot;

	(void)state;
	soft_fido2_init(&sf);
	assert_int_equal(soft_fido2_add_key(&sf, MFA_FIDO2_EDDSA, ORIGIN, false, &cred), MFA_OK);
	state_with(&st, &slot, &cred, 1);
	/* A device that cannot verify: UV missing when the policy requires it. */
	sf.uv = SOFT_UV_NONE;
	policy(true);
	assert_int_equal(run(&sf, &st, NULL), MFA_ERR_FIDO2_NO_UV);
	assert_true(sf.last_uv);
	assert_int_equal(slot.counter, 0);
	policy(false);
	assert_int_equal(run(&sf, &st, NULL), MFA_OK);
	/* The credential asks for it (+pin) whatever the policy says. */
	slot.cred.pin = true;
	assert_int_equal(run(&sf, &st, NULL), MFA_ERR_FIDO2_NO_UV);
	assert_true(sf.last_uv);
	sf.uv = SOFT_UV_BUILTIN;
	assert_int_equal(run(&sf, &st, NULL), MFA_OK);
	/* A PIN device and nobody to ask for the PIN. */
	sf.uv = SOFT_UV_PIN;
	snprintf(sf.pin, sizeof(sf.pin), "1234");
	assert_int_equal(run(&sf, &st, NULL), MFA_ERR_FIDO2_PIN);
	soft_fido2_clear(&sf);
}

static void
test_credentials_of_another_user(void **state)
{
	struct soft_fido2 sf, elsewhere;
	struct mfa_fido2_cred mine, theirs;
	struct mfa_state st;
	struct mfa_state_fido2 slot;

	(void)state;
	policy(false);
	soft_fido2_init(&sf);
	soft_fido2_init(&elsewhere);
	assert_int_equal(soft_fido2_add_key(&sf, MFA_FIDO2_ES256, ORIGIN, false, &theirs), MFA_OK);
	assert_int_equal(soft_fido2_add_key(&elsewhere, MFA_FIDO2_ES256, ORIGIN, false, &mine),
			 MFA_OK);
	/* The device holds none of mine: it is not asked to sign anything. */
	state_with(&st, &slot, &mine, 1);
	assert_int_equal(run(&sf, &st, NULL), MFA_ERR_NOT_FOUND);
	/* A device that answers for my key handle with its own key. */
	memcpy(sf.keys[0].cred_id, mine.key_handle, mine.key_handle_len);
	sf.keys[0].cred_id_len = mine.key_handle_len;
	assert_int_equal(run(&sf, &st, NULL), MFA_ERR_FIDO2_SIGNATURE);
	assert_int_equal(slot.counter, 0);
	soft_fido2_clear(&sf);
	soft_fido2_clear(&elsewhere);

	/* Resident credentials: the device names its own; none of mine verifies it. */
	soft_fido2_init(&sf);
	soft_fido2_init(&elsewhere);
	assert_int_equal(soft_fido2_add_key(&sf, MFA_FIDO2_ES256, ORIGIN, true, &theirs), MFA_OK);
	assert_int_equal(soft_fido2_add_key(&elsewhere, MFA_FIDO2_ES256, ORIGIN, true, &mine),
			 MFA_OK);
	assert_true(mine.resident);
	state_with(&st, &slot, &mine, 1);
	assert_int_equal(run(&sf, &st, NULL), MFA_ERR_FIDO2_SIGNATURE);
	assert_int_equal(sf.last_nallow, 0);
	/* And with their resident credential, the device's answer verifies. */
	state_with(&st, &slot, &theirs, 1);
	assert_int_equal(run(&sf, &st, NULL), MFA_OK);
	soft_fido2_clear(&sf);
	soft_fido2_clear(&elsewhere);
}

/* Of several credentials, the one the device holds answers; the counter is its own. */
static void
test_several_credentials_and_appid(void **state)
{
	struct soft_fido2 sf, other;
	struct mfa_fido2_cred creds[3];
	struct mfa_state st;
	struct mfa_state_fido2 slots[3];

	(void)state;
	policy(false);
	soft_fido2_init(&sf);
	soft_fido2_init(&other);
	assert_int_equal(soft_fido2_add_key(&other, MFA_FIDO2_ES256, ORIGIN, false, &creds[0]),
			 MFA_OK);
	assert_int_equal(soft_fido2_add_key(&sf, MFA_FIDO2_EDDSA, APPID, false, &creds[1]), MFA_OK);
	assert_int_equal(soft_fido2_add_key(&other, MFA_FIDO2_ES256, APPID, false, &creds[2]),
			 MFA_OK);
	creds[1].old_format = true; /* pre-1.1.0 pamu2fcfg: the rp is the appid */
	creds[2].old_format = true;
	state_with(&st, slots, creds, 3);
	assert_int_equal(run(&sf, &st, NULL), MFA_OK);
	assert_string_equal(sf.last_rp_id, APPID);
	assert_int_equal(sf.last_nallow, 2);
	assert_int_equal(slots[0].counter, 0);
	assert_int_equal(slots[1].counter, 1);
	assert_int_equal(slots[2].counter, 0);
	soft_fido2_clear(&sf);
	soft_fido2_clear(&other);
}

static void
test_device_absent_untouched(void **state)
{
	struct soft_fido2 sf;
	struct mfa_fido2_cred cred;
	struct mfa_state st;
	struct mfa_state_fido2 slot;

	(void)state;
	policy(false);
	soft_fido2_init(&sf);
	assert_int_equal(soft_fido2_add_key(&sf, MFA_FIDO2_ES256, ORIGIN, false, &cred), MFA_OK);
	state_with(&st, &slot, &cred, 1);
	sf.present = false;
	assert_int_equal(run(&sf, &st, NULL), MFA_ERR_NOT_FOUND);
	sf.present = true;
	sf.touch = false;
	assert_int_equal(run(&sf, &st, NULL), MFA_ERR_FIDO2_DEVICE);
	assert_int_equal(slot.counter, 0);
	/* No credential at all: nothing to ask. */
	st.nfido2 = 0;
	assert_int_equal(run(&sf, &st, NULL), MFA_ERR_NOT_FOUND);
	assert_int_equal(run(&sf, NULL, NULL), MFA_ERR_INVALID_ARG);
	soft_fido2_clear(&sf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_assertions_move_the_counter),
		cmocka_unit_test(test_each_forgery_refused_state_unchanged),
		cmocka_unit_test(test_user_verification_required),
		cmocka_unit_test(test_credentials_of_another_user),
		cmocka_unit_test(test_several_credentials_and_appid),
		cmocka_unit_test(test_device_absent_untouched),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
