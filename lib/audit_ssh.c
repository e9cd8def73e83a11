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
 *
 * How strong (audit.h, enum audit_factor): a way in is worth its strongest
 * factor (a FIDO key that is touched makes a way in phishing-resistant,
 * even with a code beside it), the login its weakest way in.  Wherever
 * publickey is a way in, the path says what the admin's authorized keys
 * are (plain, sk-no-touch, sk-touch, sk-verified) with the key line that
 * decides.
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
	bool has_second;          /* a second-factor module is among them */
	bool pam;                 /* PAM decides a step */
	bool publickey;           /* a publickey step */
	enum audit_factor factor; /* the strongest factor among the steps */
};

/* What a publickey step is worth, by the keys the user holds. */
static enum audit_factor
key_factor(enum authorized_keys_strength keys)
{
	switch (keys) {
	case AUTHORIZED_KEYS_SK_VERIFIED:
		return AUDIT_FACTOR_FIDO_VERIFIED;
	case AUTHORIZED_KEYS_SK_TOUCH:
		return AUDIT_FACTOR_FIDO;
	case AUTHORIZED_KEYS_NO_KEYS:
	case AUTHORIZED_KEYS_PLAIN:
	case AUTHORIZED_KEYS_SK_NO_TOUCH:
		break;
	}
	return AUDIT_FACTOR_PHISHABLE; /* a plain key, or one that may be added later */
}

static void
stronger(enum audit_factor *f, enum audit_factor g)
{
	if (g > *f)
		*f = g;
}

static void
judge_route(const struct sshd_route *rt, const struct audit_pam_verdict *pv,
	    enum authorized_keys_strength keys, struct route_verdict *out)
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
			if (pv->needs_second) {
				second = 1;
				stronger(&out->factor, pv->factor.judged ? pv->factor.factor
									 : AUDIT_FACTOR_PHISHABLE);
			}
			if (pv->needs_password)
				knowledge = 1;
			break;
		case SSHD_STEP_KNOWLEDGE:
			knowledge = 1;
			break;
		case SSHD_STEP_KERBEROS:
			knowledge = 1;
			stronger(&out->factor, AUDIT_FACTOR_PHISHABLE);
			break;
		case SSHD_STEP_POSSESSION:
			out->publickey = true;
			if (keys == AUTHORIZED_KEYS_SK_VERIFIED)
				possession = 2;
			else if (possession < 1)
				possession = 1;
			stronger(&out->factor, key_factor(keys));
			break;
		case SSHD_STEP_POSSESSION_VERIFIED:
			out->publickey = true;
			possession = 2;
			stronger(&out->factor, AUDIT_FACTOR_FIDO_VERIFIED);
			break;
		case SSHD_STEP_HOST:
			other = 1;
			stronger(&out->factor, AUDIT_FACTOR_PHISHABLE);
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

static int
add_ev_strength(struct audit_path *p, const struct sshd_evidence *ev)
{
	if (ev->text == NULL)
		return MFA_OK;
	return audit_path_add_strength_evidence(p, ev->file, ev->line, "%s", ev->text);
}

/* The verdict for one admin from one address class, as a path. */
struct ssh_outcome {
	bool covered;
	char reason[512];
	const struct sshd_route *worst; /* the route that decides a gap */
	struct route_verdict worst_v;
	enum audit_factor factor; /* covered: the weakest way in's factor */
	bool publickey;           /* publickey is a step of a way in */
	enum authorized_keys_strength keys;
};

static void
judge_login(const struct sshd_routes *routes, const struct audit_pam_verdict *pv,
	    enum authorized_keys_strength keys, struct ssh_outcome *o)
{
	size_t i, usable = 0;
	char text[256];

	memset(o, 0, sizeof(*o));
	o->covered = true;
	o->keys = keys;
	if (routes->login_denied) {
		snprintf(o->reason, sizeof(o->reason),
			 "sshd refuses this account (AllowUsers/DenyUsers/AllowGroups/DenyGroups)");
		return;
	}
	for (i = 0; i < routes->n; i++) {
		struct route_verdict v;

		judge_route(&routes->routes[i], pv, keys, &v);
		if (!v.usable)
			continue;
		o->publickey = o->publickey || v.publickey;
		if (usable++ == 0 || v.factor < o->factor)
			o->factor = v.factor;
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
		/* The other ways in still say which keys the admin holds. */
		for (i++; i < routes->n; i++) {
			judge_route(&routes->routes[i], pv, keys, &v);
			o->publickey = o->publickey || (v.usable && v.publickey);
		}
		o->factor = AUDIT_FACTOR_NONE;
		return;
	}
	if (usable == 0) {
		o->factor = AUDIT_FACTOR_UNKNOWN;
		snprintf(o->reason, sizeof(o->reason), "no way to log in over ssh");
	} else {
		snprintf(o->reason, sizeof(o->reason),
			 "every way to log in over ssh takes two "
			 "factors");
	}
}

/* The user's keys as sshd would read them, judged under eff's policy. */
struct key_facts {
	struct authorized_keys *keys;
	struct authorized_keys_policy pol;
	enum authorized_keys_strength strength;
	size_t weakest;
};

static void
read_keys(struct audit_ctx *ctx, const struct audit_subject *s, const struct sshd_effective *eff,
	  struct key_facts *kf)
{
	struct mfa_parse_err perr;

	memset(kf, 0, sizeof(*kf));
	kf->weakest = (size_t)-1;
	kf->strength = AUTHORIZED_KEYS_NO_KEYS;
	authorized_keys_policy_from_sshd(eff, time(NULL), &kf->pol);
	/* Unreadable files teach nothing: the key keeps counting as one factor. */
	if (authorized_keys_load_for_user(ctx->rootfd,
					  (const char *const *)eff->authorized_keys_files.files,
					  eff->authorized_keys_files.n, s->user->name,
					  s->user->home, s->user->uid, &kf->keys, &perr) == MFA_OK)
		kf->strength = authorized_keys_strength(kf->keys, &kf->pol, &kf->weakest);
}

#define REFUSED_KEYS_SHOWN 5

/*
 * What the admin's authorized keys prove, as evidence: the key line that
 * decides (the weakest key), the sshd settings that shape it, and the
 * first few keys sshd would refuse (a plain key where only sk- keys are
 * accepted).
 */
static int
key_evidence(struct audit_path *p, const struct sshd_effective *eff, const struct key_facts *kf)
{
	const struct authorized_key *k = NULL;
	const char *name = authorized_keys_strength_name(kf->strength);
	size_t i, shown = 0;
	int r = MFA_OK;

	p->ssh_keys = name;
	if (kf->keys != NULL && kf->weakest < kf->keys->nkeys)
		k = &kf->keys->keys[kf->weakest];
	if (eff->pubkey_accepted_algorithms.only_sk &&
	    (r = add_ev_strength(p, &eff->pubkey_accepted_algorithms.ev)) != MFA_OK)
		return r;
	if ((eff->pubkey_auth_options.touch_required || eff->pubkey_auth_options.verify_required) &&
	    (r = add_ev_strength(p, &eff->pubkey_auth_options.ev)) != MFA_OK)
		return r;
	switch (kf->strength) {
	case AUTHORIZED_KEYS_NO_KEYS:
		if (kf->keys == NULL)
			r = audit_path_add_strength_evidence(
				p, NULL, 0,
				"authorized keys: %s: the files could not be "
				"read; a key there counts as one factor",
				name);
		else
			r = audit_path_add_strength_evidence(
				p, NULL, 0,
				"authorized keys: %s: no key in %s%s can log in; a key added later "
				"counts as one factor",
				name, kf->keys->nfiles > 0 ? kf->keys->files[0] : "the files",
				kf->keys->nfiles > 1 ? " or the other AuthorizedKeysFile files"
						     : "");
		break;
	case AUTHORIZED_KEYS_PLAIN:
		if (k != NULL)
			r = audit_path_add_strength_evidence(
				p, k->file, k->line,
				"authorized keys: %s: %s %s can log in: not a "
				"FIDO (sk-) key, one factor, not "
				"phishing-resistant",
				name, k->type, k->fingerprint);
		break;
	case AUTHORIZED_KEYS_SK_NO_TOUCH:
		if (k != NULL)
			r = audit_path_add_strength_evidence(
				p, k->file, k->line,
				"authorized keys: %s: only FIDO (sk-) keys can "
				"log in, but %s %s signs without a touch "
				"(no-touch-required): a plain key's worth, one "
				"factor",
				name, k->type, k->fingerprint);
		break;
	case AUTHORIZED_KEYS_SK_TOUCH:
		if (k != NULL)
			r = audit_path_add_strength_evidence(
				p, k->file, k->line,
				"authorized keys: %s: only FIDO (sk-) keys can log in, each "
				"touched but not verified, as %s %s: one phishing-resistant "
				"factor",
				name, k->type, k->fingerprint);
		break;
	case AUTHORIZED_KEYS_SK_VERIFIED:
		if (k != NULL)
			r = audit_path_add_strength_evidence(
				p, k->file, k->line,
				"authorized keys: %s: only FIDO (sk-) keys can log in and each "
				"must be verified (PIN or biometric), as %s %s: two factors, "
				"phishing-resistant, while the files stay so",
				name, k->type, k->fingerprint);
		break;
	}
	for (i = 0; r == MFA_OK && kf->keys != NULL && i < kf->keys->nkeys; i++) {
		const struct authorized_key *x = &kf->keys->keys[i];
		const char *why = NULL;

		if (authorized_key_strength(x, &kf->pol, &why) != AUTHORIZED_KEYS_NO_KEYS ||
		    why == NULL)
			continue;
		if (shown++ == REFUSED_KEYS_SHOWN) {
			r = audit_path_add_strength_evidence(
				p, NULL, 0,
				"authorized keys: more keys sshd refuses are "
				"not listed");
			break;
		}
		r = audit_path_add_strength_evidence(p, x->file, x->line,
						     "%s %s does not log in: %s", x->type,
						     x->fingerprint, why);
	}
	return r;
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
		if (o->publickey && (r = key_evidence(p, eff, kf)) != MFA_OK)
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
		    (r = audit_pam_describe_factor(ctx, p, pv)) != MFA_OK ||
		    (r = audit_path_set_reason(p, true, "%s", o->reason)) != MFA_OK))
		return r;
	/* The PAM stack's factor is one step: the ways in decide the path's. */
	p->factor = o->factor;
	if (pam && pv->can_succeed && pv->needs_second && pv->factor.judged &&
	    audit_factor_phishing_resistant(pv->factor.factor) &&
	    (r = audit_path_add_strength_evidence(
		     p, NULL, 0,
		     "the security key the sshd PAM stack asks for must be attached to this "
		     "host: over ssh, someone must touch a key plugged into the server")) != MFA_OK)
		return r;
	if (o->publickey)
		r = key_evidence(p, eff, kf);
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
	judge_login(&routes, pv, kf.strength, o);
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
		if ((r = audit_pam_factor(ctx, s, true, &pv)) != MFA_OK) {
			audit_pam_verdict_clear(&pv);
			goto out;
		}
		/* Report per address class only when the classes differ. */
		for (i = 0; i < nclasses && r == MFA_OK; i++) {
			r = ssh_class(ctx, cfg, s, &classes.remote[i / nlocal],
				      classes.nlocal > 0 ? &classes.local[i % nlocal] : NULL, &pv,
				      NULL, i == 0 ? &first : &o, perr);
			if (r == MFA_OK && i > 0 &&
			    (o.covered != first.covered || strcmp(o.reason, first.reason) != 0 ||
			     o.factor != first.factor || o.publickey != first.publickey ||
			     (o.publickey && o.keys != first.keys)))
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
