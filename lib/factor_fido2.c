/*
 * factor_fido2.c - a FIDO2 / U2F security key as a second factor.
 */
#include "factor_fido2.h"

#include <string.h>

#include "mfa_mem.h"

/* The credentials of one relying party. */
struct rp_group {
	const char *rp_id;
	const struct mfa_fido2_cred *allow[MFA_STATE_FIDO2_MAX];
	size_t nallow;
	bool resident; /* some credential of the group is resident */
	bool uv;       /* some credential of the group asks for verification */
};

/* Sort st's credentials by relying party: at most two (origin, appid). */
static size_t
group_credentials(const struct mfa_state *st, const struct mfa_policy *pol, struct rp_group g[2])
{
	size_t n = 0, i, k;
	const char *rp;

	memset(g, 0, 2 * sizeof(*g));
	for (i = 0; i < st->nfido2; i++) {
		const struct mfa_fido2_cred *cred = &st->fido2[i].cred;

		rp = mfa_fido2_cred_rp_id(cred, pol->fido2_origin, pol->fido2_appid);
		for (k = 0; k < n && strcmp(g[k].rp_id, rp) != 0; k++)
			;
		if (k == n) {
			if (n == 2)
				continue; /* cannot happen: there are two relying parties */
			g[n++].rp_id = rp;
		}
		if (cred->resident)
			g[k].resident = true;
		else
			g[k].allow[g[k].nallow++] = cred;
		if (mfa_fido2_cred_requires_uv(cred))
			g[k].uv = true;
	}
	return n;
}

/* Rank refusals: the most telling one is reported when several credentials were tried. */
static int
refusal_rank(int r)
{
	switch (r) {
	case MFA_ERR_FIDO2_COUNTER:
		return 3; /* the signature was good: a clone */
	case MFA_ERR_FIDO2_SIGNATURE:
		return 1;
	case MFA_ERR_FIDO2_CREDENTIAL:
		return 0; /* no credential of the user's was even tried */
	default:
		return 2;
	}
}

/*
 * Verify got against the credentials of rp: the one whose key handle the
 * device named, else each resident one.  On MFA_OK *indexp is the
 * credential's index in st.
 */
static int
verify_got(const struct mfa_state *st, const struct mfa_policy *pol, const char *rp_id,
	   const uint8_t *cdh, const struct mfa_fido2_got_assertion *got, size_t *indexp,
	   struct mfa_fido2_verified *v)
{
	struct mfa_fido2_assertion as;
	int best = MFA_ERR_FIDO2_CREDENTIAL, r;
	size_t i;

	memset(&as, 0, sizeof(as));
	as.rp_id = rp_id;
	as.cdh = cdh;
	as.authdata = got->authdata;
	as.authdata_len = got->authdata_len;
	as.sig = got->sig;
	as.sig_len = got->sig_len;
	for (i = 0; i < st->nfido2; i++) {
		const struct mfa_fido2_cred *cred = &st->fido2[i].cred;

		if (strcmp(mfa_fido2_cred_rp_id(cred, pol->fido2_origin, pol->fido2_appid),
			   rp_id) != 0)
			continue;
		if (!cred->resident) {
			if (cred->key_handle_len != got->cred_id_len ||
			    memcmp(cred->key_handle, got->cred_id, got->cred_id_len) != 0)
				continue;
			/* The named credential decides alone. */
			r = mfa_fido2_verify(cred, &as, pol->fido2_require_uv, st->fido2[i].counter,
					     v);
			if (r == MFA_OK)
				*indexp = i;
			return r;
		}
		r = mfa_fido2_verify(cred, &as, pol->fido2_require_uv, st->fido2[i].counter, v);
		if (r == MFA_OK) {
			*indexp = i;
			return MFA_OK;
		}
		if (r < 0 && r >= MFA_ERR_LAST && refusal_rank(r) > refusal_rank(best))
			best = r;
		if (r == MFA_ERR_NOMEM || r == MFA_ERR_CRYPTO || r == MFA_ERR_INVALID_ARG)
			return r;
	}
	return best;
}

int
mfa_factor_fido2_authenticate(struct mfa_state *st, const struct mfa_policy *pol,
			      const struct mfa_fido2_io *io, struct mfa_factor_detail *detail)
{
	struct rp_group groups[2];
	struct mfa_fido2_get_request req;
	struct mfa_fido2_got_assertion got;
	struct mfa_fido2_verified v;
	uint8_t cdh[MFA_FIDO2_CDH_LEN];
	size_t ngroups, g, index = 0;
	int pass, r = MFA_ERR_NOT_FOUND;

	if (st == NULL || pol == NULL || io == NULL || io->backend == NULL ||
	    io->backend->get_assertion == NULL || detail == NULL || pol->fido2_origin == NULL ||
	    pol->fido2_appid == NULL)
		return MFA_ERR_INVALID_ARG;
	detail->factor = "fido2";
	if (st->nfido2 == 0)
		return MFA_ERR_NOT_FOUND;
	ngroups = group_credentials(st, pol, groups);
	memset(&got, 0, sizeof(got));
	for (g = 0; g < ngroups && r == MFA_ERR_NOT_FOUND; g++) {
		/* Pass 0: the credentials with key handles; pass 1: resident ones. */
		for (pass = 0; pass < 2 && r == MFA_ERR_NOT_FOUND; pass++) {
			if ((pass == 0 && groups[g].nallow == 0) ||
			    (pass == 1 && !groups[g].resident))
				continue;
			if ((r = mfa_fido2_new_client_data_hash(cdh)) != MFA_OK)
				return r;
			memset(&req, 0, sizeof(req));
			req.rp_id = groups[g].rp_id;
			req.cdh = cdh;
			req.allow = pass == 0 ? groups[g].allow : NULL;
			req.nallow = pass == 0 ? groups[g].nallow : 0;
			req.uv = pol->fido2_require_uv || groups[g].uv;
			req.ask_pin = io->ask_pin;
			req.tell = io->tell;
			req.arg = io->arg;
			r = io->backend->get_assertion(io->backend->ctx, &req, &got);
		}
		if (r == MFA_ERR_NOT_FOUND)
			continue;
		if (r != MFA_OK)
			break;
		r = verify_got(st, pol, groups[g].rp_id, cdh, &got, &index, &v);
		if (r == MFA_OK) {
			st->fido2[index].counter = v.counter;
			detail->matched = v.counter;
		}
	}
	mfa_wipe(&got, sizeof(got));
	return r;
}
