/*
 * enroll.c - building, confirming and describing a new token; registering
 * and importing FIDO2 credentials; storing either next to what the user
 * has.
 */
#include "enroll.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "factor.h"
#include "fido2_verify.h"
#include "mfa_mem.h"
#include "otpauth.h"

static size_t
seed_length(enum mfa_otp_alg alg)
{
	switch (alg) {
	case MFA_OTP_SHA256:
		return 32;
	case MFA_OTP_SHA512:
		return 64;
	case MFA_OTP_SHA1:
		break;
	}
	return 20;
}

int
mfa_enroll_build_state(const struct mfa_enroll_params *p, struct mfa_state **stp)
{
	struct mfa_state *st;

	if (stp != NULL)
		*stp = NULL;
	if (p == NULL || stp == NULL || p->now < 0 ||
	    (p->kind != MFA_OTP_TOTP && p->kind != MFA_OTP_HOTP) ||
	    p->digits < MFA_OTP_DIGITS_MIN || p->digits > MFA_OTP_DIGITS_MAX ||
	    (p->kind == MFA_OTP_TOTP && (p->period == 0 || p->period > MFA_OTP_PERIOD_MAX)) ||
	    (p->secret != NULL &&
	     (p->secret_len < MFA_OTP_KEY_MIN || p->secret_len > MFA_OTP_KEY_MAX)))
		return MFA_ERR_INVALID_ARG;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return MFA_ERR_NOMEM;
	st->kind = p->kind;
	st->alg = p->alg;
	st->digits = p->digits;
	st->period = p->kind == MFA_OTP_TOTP ? p->period : 0;
	st->secret_len = p->secret != NULL ? p->secret_len : seed_length(p->alg);
	if ((st->secret = malloc(st->secret_len)) == NULL) {
		mfa_state_free(&st);
		return MFA_ERR_NOMEM;
	}
	if (p->secret != NULL) {
		memcpy(st->secret, p->secret, st->secret_len);
	} else if (RAND_bytes(st->secret, (int)st->secret_len) != 1) {
		mfa_state_free(&st);
		return MFA_ERR_CRYPTO;
	}
	st->next = p->kind == MFA_OTP_HOTP ? p->counter : 0;
	st->created = (uint64_t)p->now;
	*stp = st;
	return MFA_OK;
}

int
mfa_enroll_confirm(struct mfa_state *st, const char *code, time_t now, unsigned window)
{
	struct mfa_policy pol;
	struct mfa_factor_detail detail;

	if (st == NULL || code == NULL)
		return MFA_ERR_INVALID_ARG;
	if (!mfa_factor_otp.claims(st, code))
		return MFA_ERR_OTP_MISMATCH;
	memset(&pol, 0, sizeof(pol));
	memset(&detail, 0, sizeof(detail));
	pol.totp_window = window;
	pol.hotp_window = window;
	pol.digits = st->digits;
	pol.step = st->period;
	return mfa_factor_otp.verify(st, &pol, code, now, &detail);
}

int
mfa_enroll_new_recovery(struct mfa_state *st, size_t n, unsigned iterations,
			char (*codes)[MFA_RECOVERY_CODE_SIZE])
{
	char *hashes[MFA_STATE_RECOVERY_MAX] = {NULL};
	char text[MFA_RECOVERY_HASH_TEXT_SIZE];
	size_t i;
	int r = MFA_OK;

	if (st == NULL || (n > 0 && codes == NULL) || n > MFA_STATE_RECOVERY_MAX)
		return MFA_ERR_INVALID_ARG;
	for (i = 0; i < n; i++) {
		if ((r = mfa_recovery_generate(codes[i])) != MFA_OK ||
		    (r = mfa_recovery_hash(codes[i], iterations, text)) != MFA_OK)
			goto fail;
		if ((hashes[i] = strdup(text)) == NULL) {
			r = MFA_ERR_NOMEM;
			goto fail;
		}
	}
	/* All new codes exist: only now replace the old ones. */
	for (i = 0; i < st->nrecovery; i++) {
		mfa_free_string(st->recovery[i]);
		st->recovery[i] = NULL;
	}
	for (i = 0; i < n; i++)
		st->recovery[i] = hashes[i];
	st->nrecovery = n;
	mfa_wipe(text, sizeof(text));
	return MFA_OK;
fail:
	for (i = 0; i < n; i++) {
		mfa_free_string(hashes[i]);
		mfa_wipe(codes[i], MFA_RECOVERY_CODE_SIZE);
	}
	mfa_wipe(text, sizeof(text));
	return r;
}

int
mfa_enroll_uri(const struct mfa_state *st, const char *issuer, const char *account, char **urip)
{
	struct mfa_otpauth key;

	if (st == NULL || urip == NULL)
		return MFA_ERR_INVALID_ARG;
	memset(&key, 0, sizeof(key));
	key.kind = st->kind;
	key.alg = st->alg;
	key.digits = st->digits;
	key.period = st->period;
	key.counter = st->next;
	key.issuer = (char *)(uintptr_t)issuer;
	key.account = (char *)(uintptr_t)account;
	key.secret = st->secret;
	key.secret_len = st->secret_len;
	return mfa_otpauth_build(&key, urip);
}

bool
mfa_enroll_state_unusable(int err)
{
	return err == MFA_ERR_PARSE || err == MFA_ERR_UNSAFE_FILE || err == MFA_ERR_TOO_LARGE;
}

/* Copy src's FIDO2 credentials (with their counters) into dst, which has none. */
static int
keep_fido2(struct mfa_state *dst, const struct mfa_state *src)
{
	struct mfa_state_fido2 *copy;

	if (dst->nfido2 != 0 || dst->fido2 != NULL)
		return MFA_ERR_INVALID_ARG;
	if (src->nfido2 == 0)
		return MFA_OK;
	if ((copy = calloc(src->nfido2, sizeof(*copy))) == NULL)
		return MFA_ERR_NOMEM;
	memcpy(copy, src->fido2, src->nfido2 * sizeof(*copy));
	dst->fido2 = copy;
	dst->nfido2 = src->nfido2;
	return MFA_OK;
}

static void
drop_fido2(struct mfa_state *st)
{
	free(st->fido2);
	st->fido2 = NULL;
	st->nfido2 = 0;
}

int
mfa_enroll_store_token(struct mfa_store *store, const char *user, struct mfa_state *st,
		       bool replace, size_t *keptp, struct mfa_parse_err *perr)
{
	struct mfa_store_txn *txn = NULL;
	struct mfa_state *old = NULL;
	size_t kept = 0;
	int r;

	if (keptp != NULL)
		*keptp = 0;
	if (store == NULL || user == NULL || st == NULL || st->kind == MFA_OTP_NONE ||
	    st->nfido2 != 0)
		return MFA_ERR_INVALID_ARG;
	r = mfa_store_begin(store, user, &txn, &old, perr);
	if (r == MFA_ERR_NOT_FOUND)
		return mfa_store_create(store, user, st, false, perr);
	if (r != MFA_OK)
		return replace && mfa_enroll_state_unusable(r)
			       ? mfa_store_create(store, user, st, true, perr)
			       : r;
	if (old->kind != MFA_OTP_NONE && !replace) {
		mfa_parse_err_init(perr, user);
		mfa_parse_err_set(perr, 0, 0, "has an OTP token already");
		r = MFA_ERR_EXISTS;
	} else if ((r = keep_fido2(st, old)) == MFA_OK) {
		kept = old->nfido2;
		r = mfa_store_commit(txn, st, perr);
		if (r != MFA_OK && r != MFA_ERR_NOT_DURABLE) {
			drop_fido2(st); /* st is as it came */
			kept = 0;
		}
	}
	mfa_store_end(&txn);
	mfa_state_free(&old);
	if (keptp != NULL)
		*keptp = kept;
	return r;
}

/* ---- FIDO2 / U2F ---- */

static bool
same_cred(const struct mfa_fido2_cred *a, const struct mfa_fido2_cred *b)
{
	return a->type == b->type && a->resident == b->resident && a->old_format == b->old_format &&
	       a->presence == b->presence && a->verification == b->verification &&
	       a->pin == b->pin && a->key_handle_len == b->key_handle_len &&
	       a->key_handle_len <= sizeof(a->key_handle) &&
	       memcmp(a->key_handle, b->key_handle, a->key_handle_len) == 0 &&
	       a->public_key_len == b->public_key_len &&
	       a->public_key_len <= sizeof(a->public_key) &&
	       memcmp(a->public_key, b->public_key, a->public_key_len) == 0;
}

/*
 * Whether cred is one the parser could have given: written as pamu2fcfg
 * does and read back, it is the same (the key checked on its curve).
 */
static int
cred_valid(const struct mfa_fido2_cred *cred)
{
	struct mfa_fido2_cred back;
	struct mfa_parse_err perr;
	char *text = NULL;
	int r;

	mfa_parse_err_init(&perr, NULL);
	if ((r = mfa_fido2_cred_format(cred, &text)) != MFA_OK)
		return r == MFA_ERR_NOMEM ? r : MFA_ERR_INVALID_ARG;
	r = mfa_fido2_cred_parse(text, strlen(text), &back, &perr);
	free(text);
	if (r != MFA_OK)
		return r == MFA_ERR_NOMEM ? r : MFA_ERR_INVALID_ARG;
	return same_cred(cred, &back) ? MFA_OK : MFA_ERR_INVALID_ARG;
}

/* "key handle" or "public key" when a and b are one credential, else NULL (as state.c). */
static const char *
repeats(const struct mfa_fido2_cred *a, const struct mfa_fido2_cred *b)
{
	if (!a->resident && !b->resident && a->key_handle_len == b->key_handle_len &&
	    memcmp(a->key_handle, b->key_handle, a->key_handle_len) == 0)
		return "key handle";
	if (a->public_key_len == b->public_key_len &&
	    memcmp(a->public_key, b->public_key, a->public_key_len) == 0)
		return "public key";
	return NULL;
}

int
mfa_enroll_fido2_add(struct mfa_state *st, const struct mfa_fido2_cred *creds, size_t n,
		     struct mfa_enroll_fido2_refusal *refusalp)
{
	struct mfa_enroll_fido2_refusal refusal = {0, false, 0, NULL};
	struct mfa_state_fido2 *grown;
	size_t i, j;
	int r = MFA_OK;

	if (st == NULL || creds == NULL || n == 0 || st->nfido2 > MFA_STATE_FIDO2_MAX)
		return MFA_ERR_INVALID_ARG;
	if (n > MFA_STATE_FIDO2_MAX - st->nfido2) {
		refusal.index = MFA_STATE_FIDO2_MAX - st->nfido2;
		r = MFA_ERR_TOO_LARGE;
		goto out;
	}
	for (i = 0; i < n && r == MFA_OK; i++) {
		refusal.index = i;
		if ((r = cred_valid(&creds[i])) != MFA_OK)
			break;
		for (j = 0; j < st->nfido2 && r == MFA_OK; j++) {
			if ((refusal.what = repeats(&st->fido2[j].cred, &creds[i])) != NULL) {
				refusal.in_state = true;
				refusal.other = j;
				r = MFA_ERR_EXISTS;
			}
		}
		for (j = 0; j < i && r == MFA_OK; j++) {
			if ((refusal.what = repeats(&creds[j], &creds[i])) != NULL) {
				refusal.other = j;
				r = MFA_ERR_EXISTS;
			}
		}
	}
	if (r != MFA_OK)
		goto out;
	if ((grown = realloc(st->fido2, (st->nfido2 + n) * sizeof(*grown))) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	st->fido2 = grown;
	for (i = 0; i < n; i++) {
		memset(&grown[st->nfido2 + i], 0, sizeof(*grown));
		grown[st->nfido2 + i].cred = creds[i];
	}
	st->nfido2 += n;
out:
	if (refusalp != NULL)
		*refusalp = refusal;
	return r;
}

int
mfa_enroll_fido2_new_state(const struct mfa_fido2_cred *creds, size_t n, time_t now,
			   struct mfa_enroll_fido2_refusal *refusalp, struct mfa_state **stp)
{
	struct mfa_state *st = NULL;
	int r;

	if (stp != NULL)
		*stp = NULL;
	if (stp == NULL || now < 0)
		return MFA_ERR_INVALID_ARG;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return MFA_ERR_NOMEM;
	st->kind = MFA_OTP_NONE;
	st->created = (uint64_t)now;
	if ((r = mfa_enroll_fido2_add(st, creds, n, refusalp)) != MFA_OK) {
		mfa_state_free(&st);
		return r;
	}
	*stp = st;
	return MFA_OK;
}

int
mfa_enroll_fido2_remove(struct mfa_state *st, size_t i)
{
	if (st == NULL || i >= st->nfido2 || (st->kind == MFA_OTP_NONE && st->nfido2 == 1))
		return MFA_ERR_INVALID_ARG;
	memmove(&st->fido2[i], &st->fido2[i + 1], (st->nfido2 - i - 1) * sizeof(st->fido2[0]));
	if (--st->nfido2 == 0)
		drop_fido2(st);
	return MFA_OK;
}

int
mfa_enroll_fido2_register(const struct mfa_fido2_backend *be,
			  const struct mfa_enroll_fido2_request *req, struct mfa_fido2_cred *credp)
{
	const struct mfa_fido2_cred **exclude = NULL;
	const struct mfa_state *old;
	struct mfa_fido2_make_request mr;
	uint8_t user_id[MFA_FIDO2_USER_ID_LEN], cdh[MFA_FIDO2_CDH_LEN];
	size_t nexclude = 0, i;
	int r;

	if (credp != NULL)
		memset(credp, 0, sizeof(*credp));
	if (be == NULL || be->make_credential == NULL || req == NULL || credp == NULL ||
	    req->rp_id == NULL || req->rp_id[0] == '\0' || req->user_name == NULL)
		return MFA_ERR_INVALID_ARG;
	old = req->existing;
	if (old != NULL && old->nfido2 >= MFA_STATE_FIDO2_MAX)
		return MFA_ERR_TOO_LARGE;
	if (old != NULL && old->nfido2 > 0) {
		if ((exclude = calloc(old->nfido2, sizeof(*exclude))) == NULL)
			return MFA_ERR_NOMEM;
		/* Resident credentials have no key handle to exclude by. */
		for (i = 0; i < old->nfido2; i++)
			if (old->fido2[i].cred.key_handle_len > 0)
				exclude[nexclude++] = &old->fido2[i].cred;
	}
	if (RAND_bytes(user_id, (int)sizeof(user_id)) != 1 ||
	    mfa_fido2_new_client_data_hash(cdh) != MFA_OK) {
		r = MFA_ERR_CRYPTO;
		goto out;
	}
	memset(&mr, 0, sizeof(mr));
	mr.rp_id = req->rp_id;
	mr.user_name = req->user_name;
	mr.user_id = user_id;
	mr.cdh = cdh;
	mr.type = req->type;
	mr.resident = req->resident;
	mr.uv = req->uv;
	mr.exclude = exclude;
	mr.nexclude = nexclude;
	mr.ask_pin = req->ask_pin;
	mr.tell = req->tell;
	mr.arg = req->arg;
	if ((r = be->make_credential(be->ctx, &mr, credp)) != MFA_OK)
		goto out;
	/* The device's answer is believed only as far as it checks out. */
	if (credp->type != req->type || credp->resident != req->resident || credp->old_format ||
	    !credp->presence || (req->uv && !credp->verification && !credp->pin) ||
	    (!req->uv && (credp->verification || credp->pin)) ||
	    (!credp->resident && credp->key_handle_len == 0) || cred_valid(credp) != MFA_OK) {
		r = MFA_ERR_FIDO2_DEVICE;
		goto out;
	}
	for (i = 0; old != NULL && i < old->nfido2; i++) {
		if (repeats(&old->fido2[i].cred, credp) != NULL) {
			r = MFA_ERR_EXISTS; /* a device that ignored the exclude list */
			goto out;
		}
	}
out:
	if (r != MFA_OK)
		memset(credp, 0, sizeof(*credp));
	free(exclude);
	return r;
}

/* perr for a refused credential: user, and which credential (counting from 1) and why. */
static void
refusal_text(int r, const struct mfa_enroll_fido2_refusal *rf, const char *user,
	     struct mfa_parse_err *perr)
{
	mfa_parse_err_init(perr, user);
	switch (r) {
	case MFA_ERR_EXISTS:
		mfa_parse_err_set(perr, 0, 0, "credential %zu repeats the %s of %s %zu",
				  rf->index + 1, rf->what,
				  rf->in_state ? "the user's FIDO2 credential" : "credential",
				  rf->other + 1);
		break;
	case MFA_ERR_TOO_LARGE:
		mfa_parse_err_set(perr, 0, 0, "more than %d FIDO2 credentials",
				  MFA_STATE_FIDO2_MAX);
		break;
	case MFA_ERR_INVALID_ARG:
		mfa_parse_err_set(perr, 0, 0, "credential %zu is not a valid FIDO2 credential",
				  rf->index + 1);
		break;
	default:
		mfa_parse_err_set(perr, 0, 0, "%s", mfa_strerror(r));
		break;
	}
}

int
mfa_enroll_fido2_store(struct mfa_store *store, const char *user,
		       const struct mfa_fido2_cred *creds, size_t n,
		       const struct mfa_enroll_fido2_store_params *params,
		       struct mfa_enroll_fido2_result *resp, struct mfa_parse_err *perr)
{
	struct mfa_store_txn *txn = NULL;
	struct mfa_state *st = NULL;
	bool replace = false;
	int r;

	if (resp != NULL)
		memset(resp, 0, sizeof(*resp));
	if (store == NULL || user == NULL || creds == NULL || n == 0 || params == NULL ||
	    resp == NULL || params->nrecovery > MFA_STATE_RECOVERY_MAX ||
	    (params->nrecovery > 0 && params->codes == NULL))
		return MFA_ERR_INVALID_ARG;
	r = mfa_store_begin(store, user, &txn, &st, perr);
	if (r == MFA_OK) {
		/* The counters are the ones read now, under the lock: none goes back. */
		if ((r = mfa_enroll_fido2_add(st, creds, n, &resp->refusal)) == MFA_OK)
			r = mfa_store_commit(txn, st, perr);
		else
			refusal_text(r, &resp->refusal, user, perr);
		resp->kind = st->kind;
		resp->nfido2 = st->nfido2;
		resp->nrecovery = st->nrecovery;
		goto out;
	}
	if (r != MFA_ERR_NOT_FOUND && !(params->replace_unusable && mfa_enroll_state_unusable(r)))
		goto out;
	replace = r != MFA_ERR_NOT_FOUND;
	if ((r = mfa_enroll_fido2_new_state(creds, n, params->now, &resp->refusal, &st)) !=
	    MFA_OK) {
		refusal_text(r, &resp->refusal, user, perr);
		goto out;
	}
	if ((r = mfa_enroll_new_recovery(st, params->nrecovery, params->iterations,
					 params->codes)) != MFA_OK) {
		mfa_parse_err_init(perr, user);
		mfa_parse_err_set(perr, 0, 0, "cannot create recovery codes: %s", mfa_strerror(r));
		goto out;
	}
	r = mfa_store_create(store, user, st, replace, perr);
	resp->created = true;
	resp->replaced = replace;
	resp->kind = MFA_OTP_NONE;
	resp->nfido2 = st->nfido2;
	resp->nrecovery = st->nrecovery;
out:
	if (r != MFA_OK && r != MFA_ERR_NOT_DURABLE) {
		resp->created = false;
		resp->replaced = false;
	}
	mfa_store_end(&txn);
	mfa_state_free(&st);
	return r;
}
