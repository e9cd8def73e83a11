/*
 * test_enroll_fido2.c - FIDO2 enrollment in lib/enroll.c: credentials added
 * to a state all or none (duplicates by key handle or public key, the cap of
 * 24, keys that do not parse back); registration through the software
 * authenticator of tests/support (built-in verification, PIN, wrong PIN, the
 * exclude list, no device, a device whose answer does not check out); and
 * storing next to what the user has: a new FIDO2-only state with recovery
 * codes, an OTP token and counters kept, a refusal leaving the file
 * byte-identical, a state that cannot be read replaced only when asked, and
 * a new OTP token keeping the FIDO2 credentials of the one it replaces.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "enroll.h"
#include "mfa_mem.h"
#include "soft_fido2.h"
#include "store_dir.h"
#include "test_files.h"

#define RP "pam://testhost"

/* n fresh credentials of type for RP, from as many software devices as it takes. */
static void
make_creds(enum mfa_fido2_cose type, struct mfa_fido2_cred *creds, size_t n)
{
	struct soft_fido2 sf;
	size_t i;

	soft_fido2_init(&sf);
	for (i = 0; i < n; i++) {
		if (sf.nkeys == SOFT_FIDO2_KEYS_MAX) {
			soft_fido2_clear(&sf);
			soft_fido2_init(&sf);
		}
		assert_int_equal(soft_fido2_add_key(&sf, type, RP, false, &creds[i]), MFA_OK);
	}
	soft_fido2_clear(&sf);
}

static struct mfa_state *
totp_state(void)
{
	struct mfa_enroll_params p;
	struct mfa_state *st = NULL;

	memset(&p, 0, sizeof(p));
	p.kind = MFA_OTP_TOTP;
	p.alg = MFA_OTP_SHA1;
	p.digits = 6;
	p.period = 30;
	p.secret = (const uint8_t *)"12345678901234567890";
	p.secret_len = 20;
	p.now = 1764300000;
	assert_int_equal(mfa_enroll_build_state(&p, &st), MFA_OK);
	return st;
}

/* st written and read back: what the store would hold. */
static struct mfa_state *
round_trip(const struct mfa_state *st)
{
	struct mfa_state *back = NULL;
	struct mfa_parse_err perr;
	char *buf = NULL;
	size_t len = 0;

	assert_int_equal(mfa_state_format(st, &buf, &len), MFA_OK);
	assert_int_equal(mfa_state_parse(buf, len, "state", &back, &perr), MFA_OK);
	mfa_freezero(buf, len);
	return back;
}

static void
test_new_state_fido2_only(void **unused)
{
	struct mfa_fido2_cred creds[2];
	struct mfa_state *st = NULL, *back;

	(void)unused;
	make_creds(MFA_FIDO2_ES256, &creds[0], 1);
	make_creds(MFA_FIDO2_EDDSA, &creds[1], 1);
	assert_int_equal(mfa_enroll_fido2_new_state(creds, 2, 1764300000, NULL, &st), MFA_OK);
	assert_int_equal(st->kind, MFA_OTP_NONE);
	assert_null(st->secret);
	assert_int_equal(st->nfido2, 2);
	assert_int_equal(st->fido2[0].counter, 0);
	back = round_trip(st);
	assert_int_equal(back->kind, MFA_OTP_NONE);
	assert_int_equal(back->nfido2, 2);
	assert_int_equal(back->created, 1764300000);
	assert_memory_equal(back->fido2[1].cred.public_key, creds[1].public_key, 32);
	mfa_state_free(&back);
	mfa_state_free(&st);
	/* Nothing to hold: refused. */
	assert_int_equal(mfa_enroll_fido2_new_state(creds, 0, 1764300000, NULL, &st),
			 MFA_ERR_INVALID_ARG);
	assert_null(st);
}

static void
test_add_keeps_token_and_refuses_duplicates(void **unused)
{
	struct mfa_enroll_fido2_refusal rf;
	struct mfa_fido2_cred creds[3], twin;
	struct mfa_state *st = totp_state(), *back;

	(void)unused;
	make_creds(MFA_FIDO2_ES256, creds, 3);
	assert_int_equal(mfa_enroll_fido2_add(st, creds, 2, &rf), MFA_OK);
	assert_int_equal(st->kind, MFA_OTP_TOTP);
	assert_int_equal(st->nfido2, 2);
	back = round_trip(st);
	assert_int_equal(back->kind, MFA_OTP_TOTP);
	assert_memory_equal(back->secret, "12345678901234567890", 20);
	assert_int_equal(back->nfido2, 2);
	mfa_state_free(&back);

	/* The same key handle again (another key): refused, naming the state's credential. */
	twin = creds[2];
	memcpy(twin.key_handle, creds[1].key_handle, creds[1].key_handle_len);
	twin.key_handle_len = creds[1].key_handle_len;
	assert_int_equal(mfa_enroll_fido2_add(st, &twin, 1, &rf), MFA_ERR_EXISTS);
	assert_true(rf.in_state);
	assert_int_equal(rf.index, 0);
	assert_int_equal(rf.other, 1);
	assert_string_equal(rf.what, "key handle");
	assert_int_equal(st->nfido2, 2);
	/* The same public key as a resident credential: refused by its key. */
	twin = creds[0];
	twin.resident = true;
	twin.key_handle_len = 0;
	assert_int_equal(mfa_enroll_fido2_add(st, &twin, 1, &rf), MFA_ERR_EXISTS);
	assert_string_equal(rf.what, "public key");
	assert_int_equal(rf.other, 0);
	/* Twice in one batch: none is added. */
	{
		struct mfa_fido2_cred batch[2] = {creds[2], creds[2]};

		assert_int_equal(mfa_enroll_fido2_add(st, batch, 2, &rf), MFA_ERR_EXISTS);
		assert_false(rf.in_state);
		assert_int_equal(rf.index, 1);
		assert_int_equal(rf.other, 0);
	}
	assert_int_equal(st->nfido2, 2);
	mfa_state_free(&st);
}

static void
test_add_cap_and_invalid(void **unused)
{
	struct mfa_enroll_fido2_refusal rf;
	struct mfa_fido2_cred *creds = calloc(MFA_STATE_FIDO2_MAX + 1, sizeof(*creds));
	struct mfa_fido2_cred bad;
	struct mfa_state *st = NULL, *back;

	(void)unused;
	assert_non_null(creds);
	make_creds(MFA_FIDO2_EDDSA, creds, MFA_STATE_FIDO2_MAX + 1);
	assert_int_equal(mfa_enroll_fido2_new_state(creds, MFA_STATE_FIDO2_MAX + 1, 1, &rf, &st),
			 MFA_ERR_TOO_LARGE);
	assert_int_equal(rf.index, MFA_STATE_FIDO2_MAX);
	assert_int_equal(mfa_enroll_fido2_new_state(creds, MFA_STATE_FIDO2_MAX - 1, 1, &rf, &st),
			 MFA_OK);
	/* Room for one more, not two. */
	assert_int_equal(mfa_enroll_fido2_add(st, &creds[MFA_STATE_FIDO2_MAX - 1], 2, &rf),
			 MFA_ERR_TOO_LARGE);
	assert_int_equal(st->nfido2, MFA_STATE_FIDO2_MAX - 1);
	assert_int_equal(mfa_enroll_fido2_add(st, &creds[MFA_STATE_FIDO2_MAX - 1], 1, &rf), MFA_OK);
	back = round_trip(st);
	assert_int_equal(back->nfido2, MFA_STATE_FIDO2_MAX);
	mfa_state_free(&back);
	assert_int_equal(mfa_enroll_fido2_add(st, &creds[MFA_STATE_FIDO2_MAX], 1, &rf),
			 MFA_ERR_TOO_LARGE);
	mfa_state_free(&st);

	/* A P-256 point off its curve, a key of the wrong length, an unknown type. */
	st = totp_state();
	make_creds(MFA_FIDO2_ES256, &bad, 1);
	bad.public_key[63] ^= 0x01;
	assert_int_equal(mfa_enroll_fido2_add(st, &bad, 1, &rf), MFA_ERR_INVALID_ARG);
	make_creds(MFA_FIDO2_ES256, &bad, 1);
	bad.public_key_len = 32;
	assert_int_equal(mfa_enroll_fido2_add(st, &bad, 1, &rf), MFA_ERR_INVALID_ARG);
	make_creds(MFA_FIDO2_ES256, &bad, 1);
	bad.type = (enum mfa_fido2_cose) - 9;
	assert_int_equal(mfa_enroll_fido2_add(st, &bad, 1, &rf), MFA_ERR_INVALID_ARG);
	assert_int_equal(st->nfido2, 0);
	mfa_state_free(&st);
	free(creds);
}

static void
test_remove(void **unused)
{
	struct mfa_fido2_cred creds[3];
	struct mfa_state *st = NULL, *back;

	(void)unused;
	make_creds(MFA_FIDO2_ES256, creds, 3);
	assert_int_equal(mfa_enroll_fido2_new_state(creds, 3, 1, NULL, &st), MFA_OK);
	st->fido2[2].counter = 9;
	assert_int_equal(mfa_enroll_fido2_remove(st, 3), MFA_ERR_INVALID_ARG);
	assert_int_equal(mfa_enroll_fido2_remove(st, 1), MFA_OK);
	assert_int_equal(st->nfido2, 2);
	assert_memory_equal(st->fido2[1].cred.public_key, creds[2].public_key, 64);
	assert_int_equal(st->fido2[1].counter, 9);
	assert_int_equal(mfa_enroll_fido2_remove(st, 0), MFA_OK);
	/* The last key of a state without a token: the state would hold nothing. */
	assert_int_equal(mfa_enroll_fido2_remove(st, 0), MFA_ERR_INVALID_ARG);
	assert_int_equal(st->nfido2, 1);
	mfa_state_free(&st);
	/* With a token it may go: the state is a plain TOTP one again (version 1). */
	st = totp_state();
	assert_int_equal(mfa_enroll_fido2_add(st, creds, 1, NULL), MFA_OK);
	assert_int_equal(mfa_enroll_fido2_remove(st, 0), MFA_OK);
	assert_int_equal(st->nfido2, 0);
	assert_null(st->fido2);
	back = round_trip(st);
	assert_int_equal(back->nfido2, 0);
	mfa_state_free(&back);
	mfa_state_free(&st);
}

/* ---- registration ---- */

struct pin_answer {
	const char *pin; /* NULL: the person gives none */
	unsigned asked;
};

static int
answer_pin(void *arg, char **pinp)
{
	struct pin_answer *a = arg;

	a->asked++;
	if (a->pin == NULL)
		return MFA_ERR_FIDO2_PIN;
	*pinp = strdup(a->pin);
	return *pinp != NULL ? MFA_OK : MFA_ERR_NOMEM;
}

static void
told(void *arg, const char *text)
{
	(void)arg;
	assert_string_equal(text, "Touch your security key.");
}

static struct mfa_enroll_fido2_request
request(enum mfa_fido2_cose type, bool resident, bool uv, const struct mfa_state *existing,
	struct pin_answer *pin)
{
	struct mfa_enroll_fido2_request req;

	memset(&req, 0, sizeof(req));
	req.rp_id = RP;
	req.user_name = "alice";
	req.type = type;
	req.resident = resident;
	req.uv = uv;
	req.existing = existing;
	req.ask_pin = answer_pin;
	req.tell = told;
	req.arg = pin;
	return req;
}

static void
test_register_types_uv_pin(void **unused)
{
	static const enum mfa_fido2_cose types[] = {MFA_FIDO2_ES256, MFA_FIDO2_EDDSA,
						    MFA_FIDO2_RS256};
	struct pin_answer pin = {"4711", 0};
	struct mfa_enroll_fido2_request req;
	struct mfa_fido2_cred cred;
	struct mfa_fido2_backend be;
	struct soft_fido2 sf;
	size_t i;

	(void)unused;
	soft_fido2_init(&sf);
	be = soft_fido2_backend(&sf);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		req = request(types[i], false, false, NULL, &pin);
		assert_int_equal(mfa_enroll_fido2_register(&be, &req, &cred), MFA_OK);
		assert_int_equal(cred.type, types[i]);
		assert_true(cred.presence);
		assert_false(cred.verification || cred.pin || cred.resident);
		assert_int_equal(cred.key_handle_len, 48);
		assert_string_equal(sf.keys[sf.nkeys - 1].rp_id, RP);
	}
	/* Resident: no key handle, as pamu2fcfg -r writes "*". */
	req = request(MFA_FIDO2_ES256, true, false, NULL, &pin);
	assert_int_equal(mfa_enroll_fido2_register(&be, &req, &cred), MFA_OK);
	assert_true(cred.resident);
	assert_int_equal(cred.key_handle_len, 0);
	/* Built-in verification: +verification, no PIN asked. */
	req = request(MFA_FIDO2_ES256, false, true, NULL, &pin);
	assert_int_equal(mfa_enroll_fido2_register(&be, &req, &cred), MFA_OK);
	assert_true(cred.verification);
	assert_false(cred.pin);
	assert_int_equal(pin.asked, 0);
	soft_fido2_clear(&sf);

	/* A PIN device: +pin; a wrong PIN or none registers nothing. */
	soft_fido2_init(&sf);
	be = soft_fido2_backend(&sf);
	sf.uv = SOFT_UV_PIN;
	snprintf(sf.pin, sizeof(sf.pin), "4711");
	req = request(MFA_FIDO2_EDDSA, false, true, NULL, &pin);
	assert_int_equal(mfa_enroll_fido2_register(&be, &req, &cred), MFA_OK);
	assert_true(cred.pin);
	assert_false(cred.verification);
	assert_int_equal(pin.asked, 1);
	pin.pin = "1234";
	assert_int_equal(mfa_enroll_fido2_register(&be, &req, &cred), MFA_ERR_FIDO2_PIN);
	assert_int_equal(cred.key_handle_len, 0);
	pin.pin = NULL;
	assert_int_equal(mfa_enroll_fido2_register(&be, &req, &cred), MFA_ERR_FIDO2_DEVICE);
	assert_int_equal(sf.nkeys, 1);
	/* A device that cannot verify the user refuses --uv. */
	sf.uv = SOFT_UV_NONE;
	assert_int_equal(mfa_enroll_fido2_register(&be, &req, &cred), MFA_ERR_FIDO2_DEVICE);
	/* Not touched; not present. */
	sf.uv = SOFT_UV_BUILTIN;
	sf.touch = false;
	assert_int_equal(mfa_enroll_fido2_register(&be, &req, &cred), MFA_ERR_FIDO2_DEVICE);
	sf.touch = true;
	sf.present = false;
	assert_int_equal(mfa_enroll_fido2_register(&be, &req, &cred), MFA_ERR_NOT_FOUND);
	assert_int_equal(sf.nkeys, 1);
	soft_fido2_clear(&sf);
}

static void
test_register_excludes_existing(void **unused)
{
	struct pin_answer pin = {NULL, 0};
	struct mfa_enroll_fido2_request req;
	struct mfa_fido2_cred cred, *many;
	struct mfa_fido2_backend be;
	struct mfa_state *st = totp_state();
	struct soft_fido2 sf;

	(void)unused;
	soft_fido2_init(&sf);
	be = soft_fido2_backend(&sf);
	req = request(MFA_FIDO2_ES256, false, false, st, &pin);
	assert_int_equal(mfa_enroll_fido2_register(&be, &req, &cred), MFA_OK);
	assert_int_equal(mfa_enroll_fido2_add(st, &cred, 1, NULL), MFA_OK);
	/* The same device again: its credential is in the exclude list. */
	assert_int_equal(mfa_enroll_fido2_register(&be, &req, &cred), MFA_ERR_EXISTS);
	assert_int_equal(sf.nkeys, 1);
	/* Another device registers. */
	soft_fido2_clear(&sf);
	soft_fido2_init(&sf);
	be = soft_fido2_backend(&sf);
	assert_int_equal(mfa_enroll_fido2_register(&be, &req, &cred), MFA_OK);
	mfa_state_free(&st);
	soft_fido2_clear(&sf);

	/* A user with 24 credentials: refused before the device is asked. */
	soft_fido2_init(&sf);
	be = soft_fido2_backend(&sf);
	many = calloc(MFA_STATE_FIDO2_MAX, sizeof(*many));
	assert_non_null(many);
	make_creds(MFA_FIDO2_EDDSA, many, MFA_STATE_FIDO2_MAX);
	assert_int_equal(mfa_enroll_fido2_new_state(many, MFA_STATE_FIDO2_MAX, 1, NULL, &st),
			 MFA_OK);
	req = request(MFA_FIDO2_ES256, false, false, st, &pin);
	assert_int_equal(mfa_enroll_fido2_register(&be, &req, &cred), MFA_ERR_TOO_LARGE);
	assert_int_equal(sf.nkeys, 0);
	mfa_state_free(&st);
	free(many);
	soft_fido2_clear(&sf);
}

/* A device that answers with a credential of its own making. */
struct liar {
	struct mfa_fido2_cred cred;
};

static int
liar_make(void *ctx, const struct mfa_fido2_make_request *req, struct mfa_fido2_cred *credp)
{
	struct liar *l = ctx;

	(void)req;
	*credp = l->cred;
	return MFA_OK;
}

static void
test_register_checks_the_answer(void **unused)
{
	struct pin_answer pin = {NULL, 0};
	struct mfa_enroll_fido2_request req = request(MFA_FIDO2_ES256, false, false, NULL, &pin);
	struct mfa_fido2_backend be = {"liar", NULL, NULL, liar_make};
	struct mfa_fido2_cred cred, good;
	struct mfa_state *st = totp_state();
	struct liar l;

	(void)unused;
	be.ctx = &l;
	make_creds(MFA_FIDO2_ES256, &good, 1);
	l.cred = good;
	assert_int_equal(mfa_enroll_fido2_register(&be, &req, &cred), MFA_OK);
	/* Another type than asked for. */
	make_creds(MFA_FIDO2_EDDSA, &l.cred, 1);
	assert_int_equal(mfa_enroll_fido2_register(&be, &req, &cred), MFA_ERR_FIDO2_DEVICE);
	assert_int_equal(cred.public_key_len, 0);
	/* A point off the curve. */
	l.cred = good;
	l.cred.public_key[10] ^= 0x40;
	assert_int_equal(mfa_enroll_fido2_register(&be, &req, &cred), MFA_ERR_FIDO2_DEVICE);
	/* Without +presence; with +pin when no verification was asked. */
	l.cred = good;
	l.cred.presence = false;
	assert_int_equal(mfa_enroll_fido2_register(&be, &req, &cred), MFA_ERR_FIDO2_DEVICE);
	l.cred = good;
	l.cred.pin = true;
	assert_int_equal(mfa_enroll_fido2_register(&be, &req, &cred), MFA_ERR_FIDO2_DEVICE);
	/* Verification asked for, not given. */
	req.uv = true;
	l.cred = good;
	assert_int_equal(mfa_enroll_fido2_register(&be, &req, &cred), MFA_ERR_FIDO2_DEVICE);
	/* Resident asked for, a key handle given; an empty key handle when not resident. */
	req.uv = false;
	req.resident = true;
	assert_int_equal(mfa_enroll_fido2_register(&be, &req, &cred), MFA_ERR_FIDO2_DEVICE);
	req.resident = false;
	l.cred.key_handle_len = 0;
	assert_int_equal(mfa_enroll_fido2_register(&be, &req, &cred), MFA_ERR_FIDO2_DEVICE);
	/* A credential the user has already, the exclude list ignored. */
	assert_int_equal(mfa_enroll_fido2_add(st, &good, 1, NULL), MFA_OK);
	req.existing = st;
	l.cred = good;
	assert_int_equal(mfa_enroll_fido2_register(&be, &req, &cred), MFA_ERR_EXISTS);
	mfa_state_free(&st);
}

/* ---- the store ---- */

struct fixture {
	char dir[64];
	struct mfa_store *store;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct mfa_parse_err perr;

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/mfacover-enroll-fido2-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	assert_int_equal(mfa_store_dir_open(f->dir, geteuid(), NULL, &f->store, &perr), MFA_OK);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	mfa_store_close(&f->store);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static struct mfa_state *
read_user(struct fixture *f, const char *user)
{
	struct mfa_store_txn *txn = NULL;
	struct mfa_state *st = NULL;
	struct mfa_parse_err perr;

	assert_int_equal(mfa_store_begin(f->store, user, &txn, &st, &perr), MFA_OK);
	mfa_store_end(&txn);
	return st;
}

static char *
file_of(struct fixture *f, const char *user, size_t *lenp)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", f->dir, user);
	return test_read_file(path, lenp);
}

static void
test_store_new_and_existing(void **state)
{
	struct fixture *f = *state;
	char codes[3][MFA_RECOVERY_CODE_SIZE];
	struct mfa_enroll_fido2_store_params sp = {1764300000, 3, MFA_RECOVERY_ITERATIONS_MIN,
						   codes, false};
	struct mfa_enroll_fido2_result res;
	struct mfa_fido2_cred creds[3];
	struct mfa_store_txn *txn = NULL;
	struct mfa_parse_err perr;
	struct mfa_state *st;
	char *before, *after;
	size_t blen, alen, idx;

	make_creds(MFA_FIDO2_ES256, creds, 3);
	/* A new user: a FIDO2-only state with recovery codes. */
	memset(codes, 0, sizeof(codes));
	assert_int_equal(mfa_enroll_fido2_store(f->store, "alice", &creds[0], 1, &sp, &res, &perr),
			 MFA_OK);
	assert_true(res.created);
	assert_false(res.replaced);
	assert_int_equal(res.kind, MFA_OTP_NONE);
	assert_int_equal(res.nfido2, 1);
	assert_int_equal(res.nrecovery, 3);
	st = read_user(f, "alice");
	assert_int_equal(st->kind, MFA_OTP_NONE);
	assert_int_equal(st->nrecovery, 3);
	assert_int_equal(mfa_recovery_verify(codes[2], st->recovery, st->nrecovery, &idx), MFA_OK);
	mfa_state_free(&st);

	/* The counter moves (a login) before the next key is added: it stays. */
	assert_int_equal(mfa_store_begin(f->store, "alice", &txn, &st, &perr), MFA_OK);
	st->fido2[0].counter = 41;
	st->failures = 2;
	assert_int_equal(mfa_store_commit(txn, st, &perr), MFA_OK);
	mfa_store_end(&txn);
	mfa_state_free(&st);
	memset(codes, 0, sizeof(codes));
	assert_int_equal(mfa_enroll_fido2_store(f->store, "alice", &creds[1], 1, &sp, &res, &perr),
			 MFA_OK);
	assert_false(res.created);
	assert_int_equal(res.nfido2, 2);
	assert_int_equal(res.nrecovery, 3);
	st = read_user(f, "alice");
	assert_int_equal(st->nfido2, 2);
	assert_int_equal(st->fido2[0].counter, 41);
	assert_int_equal(st->fido2[1].counter, 0);
	assert_int_equal(st->failures, 2);
	assert_int_equal(st->nrecovery, 3);
	mfa_state_free(&st);

	/* A duplicate: refused, the file byte for byte as it was. */
	before = file_of(f, "alice", &blen);
	assert_int_equal(mfa_enroll_fido2_store(f->store, "alice", &creds[1], 1, &sp, &res, &perr),
			 MFA_ERR_EXISTS);
	assert_true(res.refusal.in_state);
	assert_int_equal(res.refusal.other, 1);
	assert_non_null(strstr(perr.msg, "repeats the key handle"));
	after = file_of(f, "alice", &alen);
	assert_int_equal(alen, blen);
	assert_memory_equal(after, before, blen);
	free(before);
	free(after);

	/* A user with a TOTP token keeps it. */
	st = totp_state();
	assert_int_equal(mfa_store_create(f->store, "bob", st, false, &perr), MFA_OK);
	mfa_state_free(&st);
	assert_int_equal(mfa_enroll_fido2_store(f->store, "bob", &creds[2], 1, &sp, &res, &perr),
			 MFA_OK);
	assert_false(res.created);
	assert_int_equal(res.kind, MFA_OTP_TOTP);
	st = read_user(f, "bob");
	assert_int_equal(st->kind, MFA_OTP_TOTP);
	assert_memory_equal(st->secret, "12345678901234567890", 20);
	assert_int_equal(st->nfido2, 1);
	assert_int_equal(st->nrecovery, 0);
	mfa_state_free(&st);
}

static void
test_store_unusable_state(void **state)
{
	struct fixture *f = *state;
	struct mfa_enroll_fido2_store_params sp = {1764300000, 0, MFA_RECOVERY_ITERATIONS_MIN, NULL,
						   false};
	struct mfa_enroll_fido2_result res;
	struct mfa_fido2_cred cred;
	struct mfa_parse_err perr;
	struct mfa_state *st;
	char path[128], *after;
	size_t alen;

	make_creds(MFA_FIDO2_EDDSA, &cred, 1);
	snprintf(path, sizeof(path), "%s/carol", f->dir);
	test_write_file(path, 0600, "version=9\n");
	assert_int_equal(mfa_enroll_fido2_store(f->store, "carol", &cred, 1, &sp, &res, &perr),
			 MFA_ERR_PARSE);
	after = test_read_file(path, &alen);
	assert_string_equal(after, "version=9\n");
	free(after);
	sp.replace_unusable = true;
	assert_int_equal(mfa_enroll_fido2_store(f->store, "carol", &cred, 1, &sp, &res, &perr),
			 MFA_OK);
	assert_true(res.created);
	assert_true(res.replaced);
	st = read_user(f, "carol");
	assert_int_equal(st->kind, MFA_OTP_NONE);
	assert_int_equal(st->nfido2, 1);
	mfa_state_free(&st);
}

static void
test_store_token_keeps_fido2(void **state)
{
	struct fixture *f = *state;
	struct mfa_fido2_cred creds[2];
	struct mfa_store_txn *txn = NULL;
	struct mfa_parse_err perr;
	struct mfa_state *st = NULL, *tok;
	size_t kept;

	make_creds(MFA_FIDO2_ES256, creds, 2);
	/* A FIDO2-only user adds a TOTP token without --force; the counters stay. */
	assert_int_equal(mfa_enroll_fido2_new_state(creds, 2, 1764300000, NULL, &st), MFA_OK);
	st->fido2[1].counter = 7;
	assert_int_equal(mfa_store_create(f->store, "dave", st, false, &perr), MFA_OK);
	mfa_state_free(&st);
	tok = totp_state();
	assert_int_equal(mfa_enroll_store_token(f->store, "dave", tok, false, &kept, &perr),
			 MFA_OK);
	assert_int_equal(kept, 2);
	mfa_state_free(&tok);
	st = read_user(f, "dave");
	assert_int_equal(st->kind, MFA_OTP_TOTP);
	assert_int_equal(st->nfido2, 2);
	assert_int_equal(st->fido2[1].counter, 7);
	mfa_state_free(&st);
	/* Now it has a token: another only with replace, which keeps the keys still. */
	tok = totp_state();
	assert_int_equal(mfa_enroll_store_token(f->store, "dave", tok, false, &kept, &perr),
			 MFA_ERR_EXISTS);
	assert_int_equal(kept, 0);
	assert_int_equal(tok->nfido2, 0);
	assert_int_equal(mfa_store_begin(f->store, "dave", &txn, &st, &perr), MFA_OK);
	st->fido2[0].counter = 99;
	assert_int_equal(mfa_store_commit(txn, st, &perr), MFA_OK);
	mfa_store_end(&txn);
	mfa_state_free(&st);
	tok->secret[0] = 'X';
	assert_int_equal(mfa_enroll_store_token(f->store, "dave", tok, true, &kept, &perr), MFA_OK);
	assert_int_equal(kept, 2);
	mfa_state_free(&tok);
	st = read_user(f, "dave");
	assert_int_equal(st->secret[0], 'X');
	assert_int_equal(st->nfido2, 2);
	assert_int_equal(st->fido2[0].counter, 99);
	assert_int_equal(st->fido2[1].counter, 7);
	mfa_state_free(&st);
	/* A new user gets the token alone. */
	tok = totp_state();
	assert_int_equal(mfa_enroll_store_token(f->store, "erin", tok, false, &kept, &perr),
			 MFA_OK);
	assert_int_equal(kept, 0);
	mfa_state_free(&tok);
	/* A token that is not an OTP token cannot be stored this way. */
	assert_int_equal(mfa_enroll_fido2_new_state(creds, 1, 1, NULL, &st), MFA_OK);
	assert_int_equal(mfa_enroll_store_token(f->store, "frank", st, false, &kept, &perr),
			 MFA_ERR_INVALID_ARG);
	mfa_state_free(&st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_state_fido2_only),
		cmocka_unit_test(test_add_keeps_token_and_refuses_duplicates),
		cmocka_unit_test(test_add_cap_and_invalid),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_register_types_uv_pin),
		cmocka_unit_test(test_register_excludes_existing),
		cmocka_unit_test(test_register_checks_the_answer),
		cmocka_unit_test_setup_teardown(test_store_new_and_existing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_unusable_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_token_keeps_fido2, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
