/*
 * audit_ssh.c - sshd as an access path: for each admin and each class of
 * client address, every way of logging in that sshd_config allows, and
 * whether it takes two factors.
 *
 * Factors per route: a plain public key is one (possession); a FIDO key
 * that must be verified, with only sk- algorithms accepted, is two; a
 * step that PAM decides is worth what the PAM stack requires: a second
 * factor if every success passes one, a password if every success passes
 * one.  A plain key in PubkeyAuthOptions' eyes is also two factors when
 * every key the user's authorized_keys files hold is a FIDO key with
 * verify-required (its own option) - a fact of those files' current
 * content, shown as evidence.  Two publickey steps are still one factor.  A route whose PAM
 * stack lets nobody in is no way in.  A login is covered when every way
 * in takes two factors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit_internal.h"
#include "authorized_keys.h"
#include "sshd_config.h"

struct route_verdict {
	bool usable;
	unsigned factors;
	bool has_second; /* a second-factor module is among them */
	bool pam;        /* PAM decides a step */
};

static void
judge_route(const struct sshd_route *rt, const struct audit_pam_verdict *pv, bool keys_verified,
	    struct route_verdict *out)
{
	unsigned possession = 0, knowledge = 0, second = 0, other = 0;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->usable = true;
	for (i = 0; i < rt->n; i++) {
		const struct sshd_route_step *st = &rt->steps[i];

		switch (st->kind) {
		case SSHD_STEP_PAM:
			out->pam = true;
			if (!pv->can_succeed) {
				out->usable = false; /* PAM lets nobody in this way */
				break;
			}
			if (pv->needs_second)
				second = 1;
			if (pv->needs_password)
				knowledge = 1;
			break;
		case SSHD_STEP_KNOWLEDGE:
		case SSHD_STEP_KERBEROS:
			knowledge = 1;
			break;
		case SSHD_STEP_POSSESSION:
			if (keys_verified)
				possession = 2;
			else if (possession < 1)
				possession = 1;
			break;
		case SSHD_STEP_POSSESSION_VERIFIED:
			possession = 2;
			break;
		case SSHD_STEP_HOST:
			other = 1;
			break;
		}
	}
	out->factors = possession + knowledge + second + other;
	out->has_second = second > 0 || possession == 2;
}

static void
route_text(const struct sshd_route *rt, char *buf, size_t size)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < rt->n && o < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%s%s%s", i > 0 ? "," : "",
				      sshd_method_name(rt->steps[i].method),
				      rt->steps[i].submethod != NULL ? ":" : "",
				      rt->steps[i].submethod != NULL ? rt->steps[i].submethod : "");
}

static int
add_ev(struct audit_path *p, const struct sshd_evidence *ev)
{
	if (ev->text == NULL)
		return MFA_OK;
	return audit_path_add_evidence(p, ev->file, ev->line, "%s", ev->text);
}

/* The verdict for one admin from one address class, as a path. */
struct ssh_outcome {
	bool covered;
	char reason[512];
	const struct sshd_route *worst; /* the route that decides a gap */
	struct route_verdict worst_v;
};

static void
judge_login(const struct sshd_routes *routes, const struct audit_pam_verdict *pv,
	    bool keys_verified, struct ssh_outcome *o)
{
	size_t i, usable = 0;
	char text[256];

	memset(o, 0, sizeof(*o));
	o->covered = true;
	if (routes->login_denied) {
		snprintf(o->reason, sizeof(o->reason),
			 "sshd refuses this account (AllowUsers/DenyUsers/AllowGroups/DenyGroups)");
		return;
	}
	for (i = 0; i < routes->n; i++) {
		struct route_verdict v;

		judge_route(&routes->routes[i], pv, keys_verified, &v);
		if (!v.usable)
			continue;
		usable++;
		if (v.factors >= 2)
			continue;
		route_text(&routes->routes[i], text, sizeof(text));
		o->covered = false;
		o->worst = &routes->routes[i];
		o->worst_v = v;
		if (v.pam && !v.has_second)
			snprintf(o->reason, sizeof(o->reason),
				 "%s logs in with one factor: the sshd PAM stack does not require "
				 "a second factor%s%s%s",
				 text, pv->exempt_note != NULL ? " (" : "",
				 pv->exempt_note != NULL ? pv->exempt_note : "",
				 pv->exempt_note != NULL ? ")" : "");
		else if (v.pam)
			snprintf(o->reason, sizeof(o->reason),
				 "%s logs in with the second factor alone: no key and no password",
				 text);
		else
			snprintf(o->reason, sizeof(o->reason), "%s alone logs in: one factor",
				 text);
		return;
	}
	if (usable == 0)
		snprintf(o->reason, sizeof(o->reason), "no way to log in over ssh");
	else
		snprintf(o->reason, sizeof(o->reason),
			 "every way to log in over ssh takes two "
			 "factors");
}

/* The user's keys as sshd would read them, judged under eff's policy. */
struct key_facts {
	struct authorized_keys *keys;
	enum authorized_keys_strength strength;
	size_t weakest;
};

static void
read_keys(struct audit_ctx *ctx, const struct audit_subject *s, const struct sshd_effective *eff,
	  struct key_facts *kf)
{
	struct authorized_keys_policy pol;
	struct mfa_parse_err perr;

	memset(kf, 0, sizeof(*kf));
	kf->weakest = (size_t)-1;
	kf->strength = AUTHORIZED_KEYS_NO_KEYS;
	authorized_keys_policy_from_sshd(eff, time(NULL), &pol);
	/* Unreadable files teach nothing: the key keeps counting as one factor. */
	if (authorized_keys_load_for_user(ctx->rootfd,
					  (const char *const *)eff->authorized_keys_files.files,
					  eff->authorized_keys_files.n, s->user->name,
					  s->user->home, s->user->uid, &kf->keys, &perr) == MFA_OK)
		kf->strength = authorized_keys_strength(kf->keys, &pol, &kf->weakest);
}

static int
record(struct audit_ctx *ctx, const struct audit_subject *s, const char *detail,
       const struct ssh_outcome *o, const struct sshd_effective *eff,
       const struct sshd_routes *routes, const struct audit_pam_verdict *pv,
       const struct key_facts *kf)
{
	struct audit_path *p;
	bool pam = false;
	size_t i, j;
	int r;

	if ((p = audit_add_path(ctx->report, AUDIT_PATH_SSH, "sshd", s->user->name, detail)) ==
	    NULL)
		return MFA_ERR_NOMEM;
	if ((r = audit_path_set_reason(p, o->covered, "%s", o->reason)) != MFA_OK)
		return r;
	if (o->worst != NULL) {
		if ((r = add_ev(p, &o->worst->ev)) != MFA_OK)
			return r;
		for (i = 0; i < o->worst->n; i++) {
			if ((r = add_ev(p, &o->worst->steps[i].ev)) != MFA_OK)
				return r;
		}
		if (s->user->uid == 0 && (r = add_ev(p, &eff->permit_root_login.ev)) != MFA_OK)
			return r;
		if (o->worst_v.pam && (r = audit_pam_describe(ctx, p, "sshd", pv)) != MFA_OK)
			return r;
		/* audit_pam_describe may have set the reason; the ssh one is the headline. */
		return audit_path_set_reason(p, false, "%s", o->reason);
	}
	/* Covered: the lines that make every way in take two factors. */
	if (routes->login_denied &&
	    (r = audit_path_add_evidence(
		     p, eff->login_allowed.ev.file, eff->login_allowed.ev.line, "%s",
		     eff->login_allowed.ev.text != NULL ? eff->login_allowed.ev.text
							: eff->login_allowed.why)) != MFA_OK)
		return r;
	if (routes->n == 0 && s->user->uid == 0 &&
	    (r = add_ev(p, &eff->permit_root_login.ev)) != MFA_OK)
		return r;
	for (i = 0; i < routes->n; i++) {
		if ((r = add_ev(p, &routes->routes[i].ev)) != MFA_OK)
			return r;
		for (j = 0; j < routes->routes[i].n; j++) {
			if ((r = add_ev(p, &routes->routes[i].steps[j].ev)) != MFA_OK)
				return r;
			pam = pam || routes->routes[i].steps[j].kind == SSHD_STEP_PAM;
		}
	}
	if (pam && ((r = add_ev(p, &eff->use_pam.ev)) != MFA_OK ||
		    (r = audit_pam_describe(ctx, p, "sshd", pv)) != MFA_OK ||
		    (r = audit_path_set_reason(p, true, "%s", o->reason)) != MFA_OK))
		return r;
	if (kf->strength == AUTHORIZED_KEYS_SK_VERIFIED && kf->keys != NULL &&
	    kf->weakest < kf->keys->nkeys) {
		const struct authorized_key *k = &kf->keys->keys[kf->weakest];

		r = audit_path_add_evidence(
			p, k->file, k->line,
			"%s %s: every authorized key is a FIDO key that must be "
			"verified (PIN or biometric): two factors while the "
			"file stays so",
			k->type, k->fingerprint);
	}
	return r;
}

/*
 * One admin from one (remote, local) address class: evaluate sshd_config,
 * derive the ways in, judge them; with `detail` set, record the path.
 */
static int
ssh_class(struct audit_ctx *ctx, const struct sshd_config *cfg, const struct audit_subject *s,
	  const struct sshd_endpoint_class *rc, const struct sshd_endpoint_class *lc,
	  const struct audit_pam_verdict *pv, const char *detail, struct ssh_outcome *o,
	  struct mfa_parse_err *perr)
{
	struct sshd_match_ctx mc;
	struct sshd_effective eff;
	struct sshd_routes routes;
	struct key_facts kf;
	int r;

	memset(&mc, 0, sizeof(mc));
	memset(&eff, 0, sizeof(eff));
	memset(&routes, 0, sizeof(routes));
	memset(&kf, 0, sizeof(kf));
	mc.user = s->user->name;
	mc.groups = (const char *const *)s->groups;
	mc.ngroups = s->ngroups;
	mc.addr = rc->addr;
	mc.host = rc->host;
	mc.laddr = lc != NULL ? lc->addr : NULL;
	mc.lport = lc != NULL ? lc->port : -1;
	if ((r = sshd_config_evaluate(cfg, &mc, &eff, perr)) != MFA_OK ||
	    (r = sshd_login_routes(&eff, s->user->uid == 0, &routes)) != MFA_OK)
		goto out;
	read_keys(ctx, s, &eff, &kf);
	judge_login(&routes, pv, kf.strength == AUTHORIZED_KEYS_SK_VERIFIED, o);
	if (detail != NULL)
		r = record(ctx, s, detail, o, &eff, &routes, pv, &kf);
out:
	authorized_keys_free(&kf.keys);
	sshd_routes_clear(&routes);
	sshd_effective_clear(&eff);
	return r;
}

int
audit_ssh_paths(struct audit_ctx *ctx, struct mfa_parse_err *perr)
{
	struct sshd_config *cfg = NULL;
	struct sshd_address_classes classes;
	size_t k, i, nlocal, nclasses;
	int r;

	memset(&classes, 0, sizeof(classes));
	r = sshd_config_load(ctx->rootfd, "/etc/ssh/sshd_config", &cfg, perr);
	if (r == MFA_ERR_NOT_FOUND) {
		/* sshd does not start without it; its PAM stack is still reported. */
		return audit_add_note(ctx->report, "no /etc/ssh/sshd_config: ssh logins not "
						   "audited (the sshd PAM stack is reported as a "
						   "PAM service)");
	}
	if (r != MFA_OK)
		return r;
	audit_mark_service(ctx, "sshd");
	if ((r = sshd_config_address_classes(cfg, &classes, perr)) != MFA_OK)
		goto out;
	nlocal = classes.nlocal > 0 ? classes.nlocal : 1;
	nclasses = classes.nremote * nlocal;
	for (k = 0; k < ctx->nsubjects && r == MFA_OK; k++) {
		const struct audit_subject *s = &ctx->subjects[k];
		struct audit_pam_verdict pv;
		struct ssh_outcome first, o;
		bool same = true;

		if (s->account->nadmin_via == 0 || !s->account->can_login || nclasses == 0)
			continue;
		if ((r = audit_pam_evaluate(ctx, "sshd", s, true, &pv, perr)) != MFA_OK)
			goto out;
		/* Report per address class only when the classes differ. */
		for (i = 0; i < nclasses && r == MFA_OK; i++) {
			r = ssh_class(ctx, cfg, s, &classes.remote[i / nlocal],
				      classes.nlocal > 0 ? &classes.local[i % nlocal] : NULL, &pv,
				      NULL, i == 0 ? &first : &o, perr);
			if (r == MFA_OK && i > 0 &&
			    (o.covered != first.covered || strcmp(o.reason, first.reason) != 0))
				same = false;
		}
		for (i = 0; r == MFA_OK && i < (same ? 1 : nclasses); i++) {
			const struct sshd_endpoint_class *rc = &classes.remote[i / nlocal];
			const struct sshd_endpoint_class *lc =
				classes.nlocal > 0 ? &classes.local[i % nlocal] : NULL;
			char detail[512];

			if (same)
				snprintf(detail, sizeof(detail), "from any address");
			else
				snprintf(detail, sizeof(detail), "from %s%s%s", rc->label,
					 lc != NULL ? ", to " : "", lc != NULL ? lc->label : "");
			r = ssh_class(ctx, cfg, s, rc, lc, &pv, detail, &o, perr);
		}
		audit_pam_verdict_clear(&pv);
	}
out:
	sshd_address_classes_clear(&classes);
	sshd_config_free(&cfg);
	return r;
}
