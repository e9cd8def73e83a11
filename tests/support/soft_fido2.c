/*
 * soft_fido2.c - the software authenticator of soft_fido2.h.
 */
#include "soft_fido2.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "mfa_mem.h"

static const char *const fault_names[] = {
	[SOFT_FAULT_NONE] = "none",
	[SOFT_FAULT_RP] = "rp",
	[SOFT_FAULT_SIG] = "sig",
	[SOFT_FAULT_NO_UP] = "no_up",
	[SOFT_FAULT_COUNTER_SAME] = "counter_same",
	[SOFT_FAULT_OTHER_KEY] = "other_key",
	[SOFT_FAULT_SHORT_AUTHDATA] = "short_authdata",
};
static const char *const uv_names[] = {
	[SOFT_UV_NONE] = "none",
	[SOFT_UV_BUILTIN] = "builtin",
	[SOFT_UV_PIN] = "pin",
};

void
soft_fido2_init(struct soft_fido2 *sf)
{
	memset(sf, 0, sizeof(*sf));
	sf->present = true;
	sf->touch = true;
	sf->uv = SOFT_UV_BUILTIN;
}

void
soft_fido2_clear(struct soft_fido2 *sf)
{
	size_t i;

	for (i = 0; i < sf->nkeys; i++)
		EVP_PKEY_free(sf->keys[i].pkey);
	sf->nkeys = 0;
}

static EVP_PKEY *
new_pkey(enum mfa_fido2_cose type)
{
	switch (type) {
	case MFA_FIDO2_ES256:
		return EVP_EC_gen("P-256");
	case MFA_FIDO2_EDDSA:
		return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	case MFA_FIDO2_RS256:
		return EVP_RSA_gen(2048);
	}
	return NULL;
}

/* The raw public key as libfido2 gives it (fido2_cred.h). */
static int
public_key(EVP_PKEY *pkey, enum mfa_fido2_cose type, uint8_t *out, size_t *lenp)
{
	uint8_t point[65];
	BIGNUM *n = NULL, *e = NULL;
	size_t len = 0;
	int ok = 0;

	switch (type) {
	case MFA_FIDO2_ES256:
		if (EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point,
						    sizeof(point), &len) != 1 ||
		    len != 65)
			return MFA_ERR_CRYPTO;
		memcpy(out, point + 1, 64);
		*lenp = 64;
		return MFA_OK;
	case MFA_FIDO2_EDDSA:
		len = 32;
		if (EVP_PKEY_get_raw_public_key(pkey, out, &len) != 1 || len != 32)
			return MFA_ERR_CRYPTO;
		*lenp = 32;
		return MFA_OK;
	case MFA_FIDO2_RS256:
		ok = EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n) == 1 &&
		     EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e) == 1 &&
		     BN_bn2binpad(n, out, 256) == 256 && BN_bn2binpad(e, out + 256, 3) == 3;
		BN_free(n);
		BN_free(e);
		*lenp = 259;
		return ok ? MFA_OK : MFA_ERR_CRYPTO;
	}
	return MFA_ERR_INVALID_ARG;
}

static int
key_cred(const struct soft_fido2_key *k, struct mfa_fido2_cred *credp)
{
	memset(credp, 0, sizeof(*credp));
	credp->type = k->type;
	credp->presence = true;
	credp->resident = k->resident;
	if (!k->resident) {
		memcpy(credp->key_handle, k->cred_id, k->cred_id_len);
		credp->key_handle_len = k->cred_id_len;
	}
	return public_key(k->pkey, k->type, credp->public_key, &credp->public_key_len);
}

int
soft_fido2_add_key(struct soft_fido2 *sf, enum mfa_fido2_cose type, const char *rp_id,
		   bool resident, struct mfa_fido2_cred *credp)
{
	struct soft_fido2_key *k;
	struct mfa_fido2_cred cred;
	int r;

	if (sf->nkeys >= SOFT_FIDO2_KEYS_MAX || strlen(rp_id) >= SOFT_FIDO2_RP_MAX)
		return MFA_ERR_TOO_LARGE;
	k = &sf->keys[sf->nkeys];
	memset(k, 0, sizeof(*k));
	if ((k->pkey = new_pkey(type)) == NULL)
		return MFA_ERR_CRYPTO;
	k->type = type;
	k->resident = resident;
	snprintf(k->rp_id, sizeof(k->rp_id), "%s", rp_id);
	k->cred_id_len = 48;
	if (RAND_bytes(k->cred_id, (int)k->cred_id_len) != 1 ||
	    (r = key_cred(k, &cred)) != MFA_OK) {
		EVP_PKEY_free(k->pkey);
		k->pkey = NULL;
		return MFA_ERR_CRYPTO;
	}
	sf->nkeys++;
	if (credp != NULL)
		*credp = cred;
	return MFA_OK;
}

/* ---- the file ---- */

static const char *
type_name(enum mfa_fido2_cose type)
{
	return type == MFA_FIDO2_EDDSA ? "eddsa" : type == MFA_FIDO2_RS256 ? "rs256" : "es256";
}

static void
hex_out(FILE *f, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		fprintf(f, "%02x", p[i]);
}

static int
hex_in(const char *hex, uint8_t *out, size_t cap, size_t *lenp)
{
	size_t n = strlen(hex), i;
	unsigned v;

	if (n % 2 != 0 || n / 2 > cap)
		return MFA_ERR_PARSE;
	for (i = 0; i < n / 2; i++) {
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return MFA_ERR_PARSE;
		out[i] = (uint8_t)v;
	}
	*lenp = n / 2;
	return MFA_OK;
}

int
soft_fido2_save(const char *path, const struct soft_fido2 *sf)
{
	FILE *f = fopen(path, "w");
	unsigned char *der = NULL;
	size_t i;
	int len, ok = 1;

	if (f == NULL)
		return MFA_ERR_IO;
	fprintf(f, "present %d\ntouch %d\nuv %s\npin %s\nfault %s\n", sf->present, sf->touch,
		uv_names[sf->uv], sf->pin[0] != '\0' ? sf->pin : "-", fault_names[sf->fault]);
	fprintf(f, "calls %u\nlast_rp_id %s\nlast_uv %d\nlast_nallow %zu\n", sf->calls,
		sf->last_rp_id[0] != '\0' ? sf->last_rp_id : "-", sf->last_uv, sf->last_nallow);
	for (i = 0; i < sf->nkeys && ok; i++) {
		const struct soft_fido2_key *k = &sf->keys[i];

		fprintf(f, "key %s %s %d %u ", type_name(k->type), k->rp_id, k->resident,
			(unsigned)k->counter);
		hex_out(f, k->cred_id, k->cred_id_len);
		fputc(' ', f);
		der = NULL;
		if ((len = i2d_PrivateKey(k->pkey, &der)) <= 0) {
			ok = 0;
			break;
		}
		hex_out(f, der, (size_t)len);
		OPENSSL_clear_free(der, (size_t)len);
		fputc('\n', f);
	}
	if (fclose(f) != 0)
		ok = 0;
	return ok ? MFA_OK : MFA_ERR_IO;
}

static int
parse_key(struct soft_fido2 *sf, char *rest)
{
	struct soft_fido2_key *k;
	char type[16], rp[SOFT_FIDO2_RP_MAX], id[256];
	char *der_hex = NULL;
	uint8_t *der = NULL;
	const unsigned char *p;
	unsigned counter;
	int resident, used = 0;
	size_t len;
	int r = MFA_ERR_PARSE;

	if (sf->nkeys >= SOFT_FIDO2_KEYS_MAX)
		return MFA_ERR_TOO_LARGE;
	k = &sf->keys[sf->nkeys];
	memset(k, 0, sizeof(*k));
	if (sscanf(rest, "%15s %127s %d %u %255s %n", type, rp, &resident, &counter, id, &used) !=
		    5 ||
	    used == 0)
		return MFA_ERR_PARSE;
	der_hex = rest + used;
	der_hex[strcspn(der_hex, "\n")] = '\0';
	k->type = strcmp(type, "eddsa") == 0   ? MFA_FIDO2_EDDSA
		  : strcmp(type, "rs256") == 0 ? MFA_FIDO2_RS256
					       : MFA_FIDO2_ES256;
	snprintf(k->rp_id, sizeof(k->rp_id), "%.127s", rp);
	k->resident = resident != 0;
	k->counter = counter;
	if (hex_in(id, k->cred_id, sizeof(k->cred_id), &k->cred_id_len) != MFA_OK)
		return MFA_ERR_PARSE;
	if ((der = malloc(strlen(der_hex) / 2 + 1)) == NULL)
		return MFA_ERR_NOMEM;
	if (hex_in(der_hex, der, strlen(der_hex) / 2 + 1, &len) == MFA_OK) {
		p = der;
		if ((k->pkey = d2i_AutoPrivateKey(NULL, &p, (long)len)) != NULL) {
			sf->nkeys++;
			r = MFA_OK;
		}
	}
	mfa_freezero(der, strlen(der_hex) / 2 + 1);
	return r;
}

static int
name_index(const char *const *names, size_t n, const char *value)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], value) == 0)
			return (int)i;
	return -1;
}

int
soft_fido2_load(const char *path, struct soft_fido2 *sf)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	char value[128];
	int r = MFA_OK, i;

	soft_fido2_init(sf);
	if (f == NULL)
		return MFA_ERR_IO;
	while (r == MFA_OK && getline(&line, &cap, f) > 0) {
		if (strncmp(line, "key ", 4) == 0) {
			r = parse_key(sf, line + 4);
			continue;
		}
		if (sscanf(line, "present %d", &i) == 1)
			sf->present = i != 0;
		else if (sscanf(line, "calls %u", &sf->calls) == 1)
			;
		else if (sscanf(line, "last_rp_id %127s", value) == 1)
			snprintf(sf->last_rp_id, sizeof(sf->last_rp_id), "%.127s",
				 strcmp(value, "-") == 0 ? "" : value);
		else if (sscanf(line, "last_uv %d", &i) == 1)
			sf->last_uv = i != 0;
		else if (sscanf(line, "last_nallow %zu", &sf->last_nallow) == 1)
			;
		else if (sscanf(line, "touch %d", &i) == 1)
			sf->touch = i != 0;
		else if (sscanf(line, "uv %127s", value) == 1 &&
			 (i = name_index(uv_names, 3, value)) >= 0)
			sf->uv = (enum soft_fido2_uv)i;
		else if (sscanf(line, "pin %63s", value) == 1)
			snprintf(sf->pin, sizeof(sf->pin), "%.63s",
				 strcmp(value, "-") == 0 ? "" : value);
		else if (sscanf(line, "fault %127s", value) == 1 &&
			 (i = name_index(fault_names, sizeof(fault_names) / sizeof(fault_names[0]),
					 value)) >= 0)
			sf->fault = (enum soft_fido2_fault)i;
		else if (line[0] != '\n')
			r = MFA_ERR_PARSE;
	}
	free(line);
	fclose(f);
	if (r != MFA_OK)
		soft_fido2_clear(sf);
	return r;
}

/* ---- the operations ---- */

/* Verify the user as the device would: MFA_OK and *uvp, or a refusal. */
static int
verify_user(struct soft_fido2 *sf, bool asked, mfa_fido2_ask_pin_fn ask_pin, void *arg, bool *uvp)
{
	char *pin = NULL;
	int r;

	*uvp = false;
	if (!asked || sf->uv == SOFT_UV_NONE)
		return MFA_OK; /* a device that cannot verify says so by its flag */
	if (sf->uv == SOFT_UV_BUILTIN) {
		*uvp = true;
		return MFA_OK;
	}
	if (ask_pin == NULL)
		return MFA_ERR_FIDO2_PIN;
	if ((r = ask_pin(arg, &pin)) != MFA_OK)
		return MFA_ERR_FIDO2_DEVICE;
	r = strcmp(pin, sf->pin) == 0 ? MFA_OK : MFA_ERR_FIDO2_PIN;
	mfa_free_string(pin);
	*uvp = r == MFA_OK;
	return r;
}

static bool
allowed(const struct soft_fido2_key *k, const struct mfa_fido2_get_request *req)
{
	size_t i;

	if (strcmp(k->rp_id, req->rp_id) != 0)
		return false;
	if (req->nallow == 0)
		return k->resident;
	for (i = 0; i < req->nallow; i++)
		if (req->allow[i]->key_handle_len == k->cred_id_len &&
		    memcmp(req->allow[i]->key_handle, k->cred_id, k->cred_id_len) == 0)
			return true;
	return false;
}

static int
sign(EVP_PKEY *pkey, enum mfa_fido2_cose type, const uint8_t *ad, size_t adlen, const uint8_t *cdh,
     uint8_t *sig, size_t *siglenp)
{
	uint8_t msg[MFA_FIDO2_AUTHDATA_MAX + MFA_FIDO2_CDH_LEN];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	if (ctx == NULL)
		return MFA_ERR_NOMEM;
	memcpy(msg, ad, adlen);
	memcpy(msg + adlen, cdh, MFA_FIDO2_CDH_LEN);
	*siglenp = MFA_FIDO2_SIG_MAX;
	ok = EVP_DigestSignInit(ctx, NULL, type == MFA_FIDO2_EDDSA ? NULL : EVP_sha256(), NULL,
				pkey) == 1 &&
	     EVP_DigestSign(ctx, sig, siglenp, msg, adlen + MFA_FIDO2_CDH_LEN) == 1;
	EVP_MD_CTX_free(ctx);
	return ok ? MFA_OK : MFA_ERR_CRYPTO;
}

static int
soft_get_assertion(void *ctx, const struct mfa_fido2_get_request *req,
		   struct mfa_fido2_got_assertion *got)
{
	struct soft_fido2 *sf = ctx;
	struct soft_fido2_key *k = NULL;
	EVP_PKEY *other = NULL;
	const char *rp = req->rp_id;
	uint8_t *ad = got->authdata;
	uint32_t counter;
	bool uv = false;
	size_t i;
	int r;

	sf->calls++;
	snprintf(sf->last_rp_id, sizeof(sf->last_rp_id), "%s", req->rp_id);
	sf->last_uv = req->uv;
	sf->last_nallow = req->nallow;
	memset(got, 0, sizeof(*got));
	if (!sf->present)
		return MFA_ERR_NOT_FOUND;
	for (i = 0; i < sf->nkeys && k == NULL; i++)
		if (allowed(&sf->keys[i], req))
			k = &sf->keys[i];
	if (k == NULL)
		return MFA_ERR_NOT_FOUND;
	if (req->tell != NULL)
		req->tell(req->arg, "Touch your security key.");
	if ((r = verify_user(sf, req->uv, req->ask_pin, req->arg, &uv)) != MFA_OK)
		return r;
	if (!sf->touch)
		return MFA_ERR_FIDO2_DEVICE;
	counter = sf->fault == SOFT_FAULT_COUNTER_SAME ? k->counter : k->counter + 1;
	k->counter = counter;
	if (sf->fault == SOFT_FAULT_RP)
		rp = "pam://somewhere-else";
	if (SHA256((const unsigned char *)rp, strlen(rp), ad) == NULL)
		return MFA_ERR_CRYPTO;
	ad[32] = (uint8_t)((sf->fault == SOFT_FAULT_NO_UP ? 0 : MFA_FIDO2_FLAG_UP) |
			   (uv ? MFA_FIDO2_FLAG_UV : 0));
	ad[33] = (uint8_t)(counter >> 24);
	ad[34] = (uint8_t)(counter >> 16);
	ad[35] = (uint8_t)(counter >> 8);
	ad[36] = (uint8_t)counter;
	got->authdata_len = sf->fault == SOFT_FAULT_SHORT_AUTHDATA ? 36 : 37;
	if (sf->fault == SOFT_FAULT_OTHER_KEY && (other = new_pkey(k->type)) == NULL)
		return MFA_ERR_CRYPTO;
	r = sign(other != NULL ? other : k->pkey, k->type, ad, got->authdata_len, req->cdh,
		 got->sig, &got->sig_len);
	EVP_PKEY_free(other);
	if (r != MFA_OK)
		return r;
	if (sf->fault == SOFT_FAULT_SIG)
		got->sig[got->sig_len / 2] ^= 0x01;
	memcpy(got->cred_id, k->cred_id, k->cred_id_len);
	got->cred_id_len = k->cred_id_len;
	return MFA_OK;
}

static int
soft_make_credential(void *ctx, const struct mfa_fido2_make_request *req,
		     struct mfa_fido2_cred *credp)
{
	struct soft_fido2 *sf = ctx;
	bool uv = false;
	size_t i, j;
	int r;

	memset(credp, 0, sizeof(*credp));
	if (!sf->present)
		return MFA_ERR_NOT_FOUND;
	for (i = 0; i < req->nexclude; i++)
		for (j = 0; j < sf->nkeys; j++)
			if (strcmp(sf->keys[j].rp_id, req->rp_id) == 0 &&
			    req->exclude[i]->key_handle_len == sf->keys[j].cred_id_len &&
			    memcmp(req->exclude[i]->key_handle, sf->keys[j].cred_id,
				   sf->keys[j].cred_id_len) == 0)
				return MFA_ERR_EXISTS;
	if (req->tell != NULL)
		req->tell(req->arg, "Touch your security key.");
	if ((r = verify_user(sf, req->uv, req->ask_pin, req->arg, &uv)) != MFA_OK)
		return r;
	if (req->uv && !uv)
		return MFA_ERR_FIDO2_DEVICE; /* a device without verification refuses uv */
	if (!sf->touch)
		return MFA_ERR_FIDO2_DEVICE;
	if ((r = soft_fido2_add_key(sf, req->type, req->rp_id, req->resident, credp)) != MFA_OK)
		return r;
	if (req->uv) {
		credp->verification = sf->uv == SOFT_UV_BUILTIN;
		credp->pin = sf->uv == SOFT_UV_PIN;
	}
	return MFA_OK;
}

struct mfa_fido2_backend
soft_fido2_backend(struct soft_fido2 *sf)
{
	struct mfa_fido2_backend be = {
		.name = "soft",
		.ctx = sf,
		.get_assertion = soft_get_assertion,
		.make_credential = soft_make_credential,
	};

	return be;
}

/* ---- the file-backed backend of the test builds ---- */

static int
file_op(bool assertion, const void *req, void *out)
{
	const char *path = getenv("MFACOVER_SOFT_FIDO2");
	struct soft_fido2 sf;
	int r, w;

	if (path == NULL || path[0] == '\0')
		return MFA_ERR_NOT_FOUND;
	if (access(path, F_OK) != 0)
		return MFA_ERR_NOT_FOUND; /* no file: nothing plugged in */
	if ((r = soft_fido2_load(path, &sf)) != MFA_OK)
		return MFA_ERR_FIDO2_DEVICE;
	r = assertion ? soft_get_assertion(&sf, req, out) : soft_make_credential(&sf, req, out);
	/* The counters moved and keys were added: the device keeps them. */
	if ((w = soft_fido2_save(path, &sf)) != MFA_OK && r == MFA_OK)
		r = MFA_ERR_FIDO2_DEVICE;
	soft_fido2_clear(&sf);
	return r;
}

static int
file_get_assertion(void *ctx, const struct mfa_fido2_get_request *req,
		   struct mfa_fido2_got_assertion *got)
{
	(void)ctx;
	return file_op(true, req, got);
}

static int
file_make_credential(void *ctx, const struct mfa_fido2_make_request *req,
		     struct mfa_fido2_cred *credp)
{
	(void)ctx;
	return file_op(false, req, credp);
}

const struct mfa_fido2_backend soft_fido2_file_backend = {
	.name = "soft",
	.ctx = NULL,
	.get_assertion = file_get_assertion,
	.make_credential = file_make_credential,
};
