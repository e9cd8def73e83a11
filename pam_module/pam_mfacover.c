/*
 * pam_mfacover.c - the PAM entry points of pam_mfacover.so.
 *
 * Thin by design: the arguments, the input formats, the decision and the
 * evidence line are libmfacover's.  This file talks to libpam: it gets the
 * user and the items, asks through the conversation, drops privileges for
 * the home store, logs, and maps the decision to a PAM return code.
 *
 * Return codes: PAM_SUCCESS only after a factor was verified and recorded;
 * PAM_IGNORE only for a user outside only= or, with nullok, without a token;
 * PAM_SERVICE_ERR for bad arguments; every other outcome and every error is
 * a failure (PAM_AUTH_ERR, PAM_CONV_ERR, PAM_BUF_ERR).
 */
#include <dlfcn.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define PAM_SM_AUTH
#define PAM_SM_ACCOUNT
#define PAM_SM_SESSION
#define PAM_SM_PASSWORD
#include <security/pam_ext.h>
#include <security/pam_modules.h>
#include <security/pam_modutil.h>

#include "auth.h"
#include "evidence_log.h"
#include "factor_fido2.h"
#include "fido2_plugin.h"
#include "groups.h"
#include "input.h"
#include "mfa_mem.h"
#include "mfa_version.h"
#include "module_config.h"
#include "store_dir.h"

#ifdef MFA_TEST_SOFT_FIDO2
/* Test builds only: the software authenticator of tests/support, linked in. */
#include "soft_fido2.h"
static const struct mfa_fido2_plugin soft_plugin =
	MFA_FIDO2_PLUGIN_INIT(mfa_factor_fido2_authenticate, &soft_fido2_file_backend);
#endif

struct pam_ctx {
	pam_handle_t *pamh;
	struct mfa_module_config cfg;
	struct mfa_log_context log;
	const struct passwd *pw; /* looked up for store=home */
	bool privs_dropped;
	struct pam_modutil_privs privs;
	gid_t privs_groups[PAM_MODUTIL_NGROUPS];
	char origin[MFA_CONFIG_RP_ID_MAX + 64];
	char appid[MFA_CONFIG_RP_ID_MAX + 64];
	/*
	 * The store, opened at the first job and kept for the others of this
	 * call (the summary, then the decision): one path walk per login.
	 */
	struct mfa_store *store;
	bool home_store_missing;              /* store=home without ~/.config/mfacover */
	void *fido2_handle;                   /* dlopen of the plugin */
	const struct mfa_fido2_plugin *fido2; /* loaded for this call */
};

static const char *
item_string(pam_handle_t *pamh, int item)
{
	const void *v = NULL;

	if (pam_get_item(pamh, item, &v) != PAM_SUCCESS || v == NULL)
		return NULL;
	return v;
}

/* One line per decision; details (a file and its problem) when there are any. */
static void
log_decision(struct pam_ctx *ctx, const struct mfa_decision *d, const char *detail)
{
	char line[MFA_LOG_LINE_MAX];
	int prio = d->result == MFA_RESULT_SUCCESS   ? LOG_INFO
		   : d->result == MFA_RESULT_IGNORED ? LOG_NOTICE
						     : LOG_WARNING;

	mfa_log_format_decision(line, sizeof(line), &ctx->log, d, detail);
	pam_syslog(ctx->pamh, prio, "%s", line);
}

static int
log_error(struct pam_ctx *ctx, const char *reason, const char *detail, int pam_rc)
{
	struct mfa_decision d;

	memset(&d, 0, sizeof(d));
	d.result = MFA_RESULT_FAIL;
	d.factor = "-";
	d.reason = reason;
	log_decision(ctx, &d, detail);
	return pam_rc;
}

static const char *
perr_text(const struct mfa_parse_err *perr, char *buf, size_t bufsz)
{
	return mfa_parse_err_format(perr, buf, bufsz);
}

/* For store=home: become the user (with their groups) before touching ~. */
static int
enter_store_identity(struct pam_ctx *ctx)
{
	if (!ctx->cfg.store_home)
		return PAM_SUCCESS;
	if (geteuid() == 0) {
		/* What PAM_MODUTIL_DEF_PRIVS sets up, inside our context. */
		ctx->privs.grplist = ctx->privs_groups;
		ctx->privs.number_of_groups = PAM_MODUTIL_NGROUPS;
		ctx->privs.allocated = 0;
		ctx->privs.old_gid = (gid_t)-1;
		ctx->privs.old_uid = (uid_t)-1;
		ctx->privs.is_dropped = 0;
		if (pam_modutil_drop_priv(ctx->pamh, &ctx->privs, ctx->pw) != PAM_SUCCESS)
			return PAM_SYSTEM_ERR;
		ctx->privs_dropped = true;
	} else if (geteuid() != ctx->pw->pw_uid) {
		/* Not root and not the user: reading their home would be wrong. */
		return PAM_SYSTEM_ERR;
	}
	return PAM_SUCCESS;
}

/*
 * Back to the caller's identity.  When that fails the process goes on as
 * the user: the caller must then refuse, whatever the store said.
 */
static int
leave_store_identity(struct pam_ctx *ctx)
{
	if (!ctx->privs_dropped)
		return PAM_SUCCESS;
	ctx->privs_dropped = false;
	if (pam_modutil_regain_priv(ctx->pamh, &ctx->privs) != PAM_SUCCESS) {
		pam_syslog(ctx->pamh, LOG_CRIT, "cannot regain privileges");
		return PAM_SYSTEM_ERR;
	}
	return PAM_SUCCESS;
}

/* Open the store the arguments name; MFA_ERR_NOT_FOUND for a missing home store. */
static int
open_store(struct pam_ctx *ctx, struct mfa_store **storep, struct mfa_parse_err *perr)
{
	char dir[PATH_MAX];

	if (!ctx->cfg.store_home)
		return mfa_store_dir_open(ctx->cfg.store_dir, 0, NULL, storep, perr);
	if (snprintf(dir, sizeof(dir), "%s/%s", ctx->pw->pw_dir, MFA_STORE_HOME_SUBDIR) >=
	    (int)sizeof(dir))
		return MFA_ERR_TOO_LARGE;
	return mfa_store_dir_open(dir, ctx->pw->pw_uid, MFA_STORE_HOME_FILE, storep, perr);
}

/* What run_store does with the store. */
struct store_job {
	const char *response;             /* a typed code */
	const struct mfa_fido2_io *fido2; /* or a security key */
	struct mfa_auth_summary *summary; /* or only read what the user has */
};

/*
 * Run one job as the store's identity.  Returns an MFA_ERR_* code; the
 * decision *d (or *job->summary) is filled on MFA_OK.
 */
static int
run_store(struct pam_ctx *ctx, const struct store_job *job, const struct mfa_policy *pol,
	  struct mfa_decision *d, struct mfa_parse_err *perr)
{
	int r = MFA_OK;

	if (enter_store_identity(ctx) != PAM_SUCCESS) {
		mfa_parse_err_set(perr, 0, 0, "cannot switch to the user to read the home store");
		return MFA_ERR_IO;
	}
	if (ctx->store == NULL && !ctx->home_store_missing) {
		r = open_store(ctx, &ctx->store, perr);
		if (r == MFA_ERR_NOT_FOUND && ctx->cfg.store_home) {
			ctx->home_store_missing = true;
			r = MFA_OK;
		}
	}
	if (r == MFA_OK && ctx->home_store_missing) {
		/* No ~/.config/mfacover: the user has not enrolled. */
		if (job->summary != NULL) {
			memset(job->summary, 0, sizeof(*job->summary));
		} else {
			memset(d, 0, sizeof(*d));
			d->result = MFA_RESULT_UNENROLLED;
			d->factor = "-";
			d->reason = "no_token";
		}
	} else if (r == MFA_OK) {
		if (job->summary != NULL)
			r = mfa_auth_summary(ctx->store, ctx->log.user, job->summary, perr);
		else if (job->fido2 != NULL)
			r = mfa_auth_check_fido2(ctx->store, ctx->log.user, job->fido2, time(NULL),
						 pol, d, perr);
		else
			r = mfa_auth_check(ctx->store, ctx->log.user, job->response, time(NULL),
					   pol, d, perr);
	}
	if (leave_store_identity(ctx) != PAM_SUCCESS) {
		mfa_parse_err_set(perr, 0, 0, "cannot regain privileges after the home store");
		return MFA_ERR_IO;
	}
	return r;
}

/* Ask through the conversation; *outp is a secret. */
static int
ask(struct pam_ctx *ctx, const char *prompt, char **outp)
{
	char *resp = NULL;
	int rc;

	rc = pam_prompt(ctx->pamh, PAM_PROMPT_ECHO_OFF, &resp, "%s", prompt);
	if (rc != PAM_SUCCESS || resp == NULL) {
		mfa_free_string(resp);
		return rc == PAM_SUCCESS ? PAM_CONV_ERR : rc;
	}
	*outp = resp;
	return PAM_SUCCESS;
}

/* The password item, or (unless use_first_pass) asked for and set. */
static int
get_password_item(struct pam_ctx *ctx, char **outp)
{
	const char *tok = item_string(ctx->pamh, PAM_AUTHTOK);
	int rc;

	if (tok != NULL) {
		if ((*outp = strdup(tok)) == NULL)
			return PAM_BUF_ERR;
		return PAM_SUCCESS;
	}
	if (ctx->cfg.use_first_pass)
		return PAM_AUTH_ERR;
	if ((rc = ask(ctx, ctx->cfg.prompt_given ? ctx->cfg.prompt : "Password: ", outp)) !=
	    PAM_SUCCESS)
		return rc;
	return PAM_SUCCESS;
}

/*
 * Obtain the code.  For append and openvpn input the password part is set
 * as PAM_AUTHTOK for the modules after this one.
 */
static int
get_code(struct pam_ctx *ctx, char **codep, const char **reasonp, char *detail, size_t detailsz)
{
	enum mfa_input_mode mode = ctx->cfg.input;
	struct mfa_parse_err perr;
	char *whole = NULL, *password = NULL, *code = NULL;
	const char *tok;
	int rc, r;

	*codep = NULL;
	mfa_parse_err_init(&perr, NULL);
	if (mode == MFA_INPUT_AUTO) {
		tok = item_string(ctx->pamh, PAM_AUTHTOK);
		mode = mfa_input_is_scrv1(tok) ? MFA_INPUT_OPENVPN : MFA_INPUT_PROMPT;
	}
	if (mode == MFA_INPUT_PROMPT) {
		tok = item_string(ctx->pamh, PAM_AUTHTOK);
		if ((ctx->cfg.use_first_pass || ctx->cfg.try_first_pass) && tok != NULL) {
			if ((*codep = strdup(tok)) == NULL)
				return PAM_BUF_ERR;
		} else if (ctx->cfg.use_first_pass) {
			*reasonp = "no_password_item_for_use_first_pass";
			return PAM_AUTH_ERR;
		} else if ((rc = ask(ctx, ctx->cfg.prompt, codep)) != PAM_SUCCESS) {
			*reasonp = "conversation_failed";
			return rc;
		}
		mfa_input_strip_blanks(*codep);
		return PAM_SUCCESS;
	}

	if ((rc = get_password_item(ctx, &whole)) != PAM_SUCCESS) {
		*reasonp = rc == PAM_AUTH_ERR ? "no_password_item_for_use_first_pass"
					      : "conversation_failed";
		return rc;
	}
	if (mode == MFA_INPUT_APPEND)
		r = mfa_input_split_appended(whole, ctx->cfg.digits, &password, &code, &perr);
	else
		r = mfa_input_parse_scrv1(whole, &password, &code, &perr);
	mfa_free_string(whole);
	if (r != MFA_OK) {
		*reasonp = mode == MFA_INPUT_APPEND ? "password_too_short_for_code"
						    : "malformed_scrv1_input";
		perr_text(&perr, detail, detailsz);
		return r == MFA_ERR_NOMEM ? PAM_BUF_ERR : PAM_AUTH_ERR;
	}
	/* The next module sees the password alone, byte for byte. */
	rc = pam_set_item(ctx->pamh, PAM_AUTHTOK, password);
	mfa_free_string(password);
	if (rc != PAM_SUCCESS) {
		mfa_free_string(code);
		*reasonp = "cannot_set_password_item";
		return rc;
	}
	*codep = code;
	return PAM_SUCCESS;
}

/* The PAM conversation for the security key: its PIN and the touch. */
static int
fido2_ask_pin(void *arg, char **pinp)
{
	struct pam_ctx *ctx = arg;

	return ask(ctx, "Security key PIN: ", pinp) == PAM_SUCCESS ? MFA_OK : MFA_ERR_FIDO2_PIN;
}

static void
fido2_tell(void *arg, const char *text)
{
	struct pam_ctx *ctx = arg;

	(void)pam_info(ctx->pamh, "%s", text);
}

/*
 * With store=home the decision runs as the user; the security key is
 * reached as the caller (root opens /dev/hidraw*, as pam_u2f does), then
 * the user's identity is taken again for the write.
 */
static int
fido2_get_assertion_as_caller(void *arg, const struct mfa_fido2_get_request *req,
			      struct mfa_fido2_got_assertion *got)
{
	struct pam_ctx *ctx = arg;
	bool was_dropped = ctx->privs_dropped;
	int r;

	if (was_dropped && leave_store_identity(ctx) != PAM_SUCCESS)
		return MFA_ERR_FIDO2_DEVICE;
	r = ctx->fido2->backend->get_assertion(ctx->fido2->backend->ctx, req, got);
	if (was_dropped && enter_store_identity(ctx) != PAM_SUCCESS) {
		/* Not the user again: nothing may be written. */
		mfa_wipe(got, sizeof(*got));
		return MFA_ERR_FIDO2_DEVICE;
	}
	return r;
}

/*
 * Load the FIDO2 plugin (fido2_plugin.h) for this call; dlclose'd by
 * pam_sm_authenticate.  Returns false, with the reason in detail, when it
 * is missing or of another build.
 */
static bool
load_fido2(struct pam_ctx *ctx, char *detail, size_t detailsz)
{
#ifdef MFA_TEST_SOFT_FIDO2
	(void)detail;
	(void)detailsz;
	ctx->fido2 = &soft_plugin;
	return true;
#else
	const struct mfa_fido2_plugin *p;
	const char *err;

	if (ctx->fido2 != NULL)
		return true;
	if ((ctx->fido2_handle = dlopen(MFACOVER_FIDO2_PLUGIN, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		err = dlerror();
		snprintf(detail, detailsz, "%s", err != NULL ? err : MFACOVER_FIDO2_PLUGIN);
		return false;
	}
	p = dlsym(ctx->fido2_handle, MFA_FIDO2_PLUGIN_SYMBOL);
	if (!mfa_fido2_plugin_matches(p)) {
		snprintf(detail, detailsz, "%s: not of this build of pam_mfacover",
			 MFACOVER_FIDO2_PLUGIN);
		dlclose(ctx->fido2_handle);
		ctx->fido2_handle = NULL;
		return false;
	}
	ctx->fido2 = p;
	return true;
#endif
}

static void
unload_fido2(struct pam_ctx *ctx)
{
	ctx->fido2 = NULL;
	if (ctx->fido2_handle != NULL) {
		dlclose(ctx->fido2_handle);
		ctx->fido2_handle = NULL;
	}
}

/* Ask the security key through the loaded plugin; *d is the decision. */
static int
run_fido2_loaded(struct pam_ctx *ctx, const struct mfa_policy *pol, struct mfa_decision *d,
		 struct mfa_parse_err *perr)
{
	struct mfa_fido2_backend backend = {
		.name = ctx->fido2->backend->name,
		.ctx = ctx,
		.get_assertion = fido2_get_assertion_as_caller,
		.make_credential = NULL,
	};
	struct mfa_fido2_io io = {
		.authenticate = ctx->fido2->authenticate,
		.backend = &backend,
		.ask_pin = fido2_ask_pin,
		.tell = fido2_tell,
		.arg = ctx,
	};
	struct store_job job = {.response = NULL, .fido2 = &io, .summary = NULL};

	if (mfa_module_config_rp_ids(&ctx->cfg, ctx->origin, sizeof(ctx->origin), ctx->appid,
				     sizeof(ctx->appid)) != MFA_OK) {
		mfa_parse_err_set(perr, 0, 0, "no host name for the default origin=");
		return MFA_ERR_IO;
	}
	return run_store(ctx, &job, pol, d, perr);
}

/*
 * Try the security key; *d is the decision.  Without the plugin: a failed
 * decision with fido2_absent set (a code may still be asked for), and the
 * reason in the log.
 */
static int
run_fido2(struct pam_ctx *ctx, const struct mfa_policy *pol, struct mfa_decision *d,
	  struct mfa_parse_err *perr)
{
	char why[MFA_PARSE_ERR_MSG_MAX];

	if (!load_fido2(ctx, why, sizeof(why))) {
		pam_syslog(ctx->pamh, LOG_ERR, "cannot load the FIDO2 factor: %s", why);
		memset(d, 0, sizeof(*d));
		d->result = MFA_RESULT_FAIL;
		d->factor = "fido2";
		d->reason = "fido2_support_not_installed";
		d->fido2_absent = true;
		return MFA_OK;
	}
	return run_fido2_loaded(ctx, pol, d, perr);
}

static void
policy_from_config(const struct pam_ctx *ctx, struct mfa_policy *pol)
{
	const struct mfa_module_config *cfg = &ctx->cfg;

	memset(pol, 0, sizeof(*pol));
	pol->factors = mfa_module_config_factor_bits(cfg);
	pol->fido2_origin = ctx->origin;
	pol->fido2_appid = ctx->appid;
	pol->fido2_require_uv = cfg->uv_required;
	pol->totp_window = mfa_module_config_window(cfg, false);
	pol->hotp_window = mfa_module_config_window(cfg, true);
	pol->digits = cfg->digits;
	pol->step = cfg->step;
	pol->lockout_failures = cfg->lockout_failures;
	pol->lockout_seconds = cfg->lockout_seconds;
}

static int
result_to_pam(enum mfa_result result, bool nullok)
{
	switch (result) {
	case MFA_RESULT_SUCCESS:
		return PAM_SUCCESS;
	case MFA_RESULT_IGNORED:
		return PAM_IGNORE;
	case MFA_RESULT_UNENROLLED:
		return nullok ? PAM_IGNORE : PAM_AUTH_ERR;
	case MFA_RESULT_FAIL:
	case MFA_RESULT_REPLAY:
	case MFA_RESULT_LOCKED:
		break;
	}
	return PAM_AUTH_ERR;
}

/* Log the decision and give its PAM code. */
static int
finish(struct pam_ctx *ctx, struct mfa_decision *d)
{
	if (d->result == MFA_RESULT_UNENROLLED && ctx->cfg.nullok)
		d->reason = "no_token_nullok"; /* enrolled state vanished in between */
	if (d->read_past_torn_copy) {
		/* Normal after a crash mid-update; repeated, it points at the disk or at tampering. */
		pam_syslog(ctx->pamh, LOG_WARNING,
			   "user %s: one of the two copies in the state file was torn (an "
			   "interrupted write, or damage); the other one was used",
			   ctx->log.user);
	}
	if (d->clone_suspected) {
		/* A genuine signature with an old counter: someone holds a copy of the key. */
		pam_syslog(
			ctx->pamh, LOG_ALERT,
			"user %s: FIDO2 signature counter did not increase: cloned security key?",
			ctx->log.user);
	}
	log_decision(ctx, d, NULL);
	return result_to_pam(d->result, ctx->cfg.nullok && d->result == MFA_RESULT_UNENROLLED);
}

static int
authenticate(struct pam_ctx *ctx)
{
	struct mfa_parse_err perr;
	struct mfa_decision d;
	struct mfa_policy pol;
	struct mfa_auth_summary sum;
	struct store_job job;
	char detail[MFA_PARSE_ERR_FILE_MAX + MFA_PARSE_ERR_MSG_MAX + 32] = "";
	const char *reason = NULL;
	char *code = NULL;
	unsigned bits = mfa_module_config_factor_bits(&ctx->cfg);
	bool try_fido2, fido2_first, has_code;
	int rc, r;

	mfa_parse_err_init(&perr, NULL);
	memset(&d, 0, sizeof(d));
	memset(&sum, 0, sizeof(sum));
	memset(&job, 0, sizeof(job));
	policy_from_config(ctx, &pol);

	if (ctx->cfg.nonly_groups > 0) {
		bool member = false;

		r = mfa_user_in_groups(ctx->log.user, ctx->cfg.only_groups, ctx->cfg.nonly_groups,
				       &member, &perr);
		if (r != MFA_OK)
			return log_error(ctx, "group_lookup_failed",
					 perr_text(&perr, detail, sizeof(detail)), PAM_AUTH_ERR);
		if (!member) {
			d.result = MFA_RESULT_IGNORED;
			d.factor = "-";
			d.reason = "not_in_only_groups";
			log_decision(ctx, &d, NULL);
			return PAM_IGNORE;
		}
	}
	if (ctx->cfg.store_home &&
	    (ctx->pw = pam_modutil_getpwnam(ctx->pamh, ctx->log.user)) == NULL)
		return log_error(ctx, "user_unknown", NULL, PAM_AUTH_ERR);

	/*
	 * What the user has decides whether the security key is tried (and,
	 * with nullok, whether the user passes untouched).  Without nullok and
	 * without a key the code is asked for all the same, so the prompt does
	 * not tell who has a token.  A security key is never tried for input
	 * that comes with the password (append, openvpn): those are remote.
	 */
	try_fido2 = (bits & MFA_FACTOR_FIDO2) != 0 &&
		    (ctx->cfg.input == MFA_INPUT_PROMPT || ctx->cfg.input == MFA_INPUT_AUTO);
	if (ctx->cfg.nullok || try_fido2) {
		job.summary = &sum;
		if ((r = run_store(ctx, &job, &pol, NULL, &perr)) != MFA_OK)
			return log_error(ctx, "state_unusable",
					 perr_text(&perr, detail, sizeof(detail)),
					 r == MFA_ERR_NOMEM ? PAM_BUF_ERR : PAM_AUTH_ERR);
		if (!sum.enrolled && ctx->cfg.nullok) {
			d.result = MFA_RESULT_UNENROLLED;
			d.factor = "-";
			d.reason = "no_token_nullok";
			log_decision(ctx, &d, NULL);
			return PAM_IGNORE;
		}
		try_fido2 = try_fido2 && sum.nfido2 > 0;
	}
	fido2_first = try_fido2 && mfa_module_config_fido2_first(&ctx->cfg);
	/* Could a typed code be right?  (Unenrolled: asked all the same, see above.) */
	has_code = !sum.enrolled ||
		   (sum.has_otp &&
		    (bits & (sum.otp_is_totp ? MFA_FACTOR_TOTP : MFA_FACTOR_HOTP)) != 0) ||
		   (sum.nrecovery > 0 && (bits & MFA_FACTOR_RECOVERY) != 0);

	if (fido2_first || (try_fido2 && !has_code)) {
		if ((r = run_fido2(ctx, &pol, &d, &perr)) != MFA_OK)
			return log_error(ctx, "state_unusable",
					 perr_text(&perr, detail, sizeof(detail)),
					 r == MFA_ERR_NOMEM ? PAM_BUF_ERR : PAM_AUTH_ERR);
		/* No key plugged in: a code, if the user has one the policy takes. */
		if (!d.fido2_absent || !has_code || (bits & MFA_FACTOR_CODES) == 0)
			return finish(ctx, &d);
	}
	if ((bits & MFA_FACTOR_CODES) == 0) {
		/* factors=fido2 and nothing to try: the user has no credential. */
		memset(&d, 0, sizeof(d));
		d.result = sum.enrolled ? MFA_RESULT_FAIL : MFA_RESULT_UNENROLLED;
		d.factor = "fido2";
		d.reason = sum.enrolled ? "no_fido2_credential" : "no_token";
		return finish(ctx, &d);
	}

	if ((rc = get_code(ctx, &code, &reason, detail, sizeof(detail))) != PAM_SUCCESS)
		return log_error(ctx, reason != NULL ? reason : "no_input",
				 detail[0] != '\0' ? detail : NULL, rc);
	if (code[0] == '\0' && try_fido2 && !fido2_first) {
		/* An empty answer asks for the security key listed after the codes. */
		mfa_free_string(code);
		if ((r = run_fido2(ctx, &pol, &d, &perr)) != MFA_OK)
			return log_error(ctx, "state_unusable",
					 perr_text(&perr, detail, sizeof(detail)),
					 r == MFA_ERR_NOMEM ? PAM_BUF_ERR : PAM_AUTH_ERR);
		return finish(ctx, &d);
	}

	job.summary = NULL;
	job.response = code;
	r = run_store(ctx, &job, &pol, &d, &perr);
	mfa_free_string(code);
	if (r != MFA_OK)
		return log_error(ctx, "state_unusable", perr_text(&perr, detail, sizeof(detail)),
				 r == MFA_ERR_NOMEM ? PAM_BUF_ERR : PAM_AUTH_ERR);
	return finish(ctx, &d);
}

int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct pam_ctx ctx;
	struct mfa_parse_err perr;
	const char *user = NULL;
	int rc;

	(void)flags;
	memset(&ctx, 0, sizeof(ctx));
	ctx.pamh = pamh;
	mfa_module_config_defaults(&ctx.cfg);
	if (mfa_module_config_parse(&ctx.cfg, argc, argv, &perr) != MFA_OK) {
		pam_syslog(pamh, LOG_ERR, "refusing to run (PAM_SERVICE_ERR): %s", perr.msg);
		return PAM_SERVICE_ERR;
	}
	if ((rc = pam_get_user(pamh, &user, NULL)) != PAM_SUCCESS || user == NULL ||
	    user[0] == '\0') {
		pam_syslog(pamh, LOG_ERR, "cannot determine the user");
		mfa_module_config_release(&ctx.cfg);
		return rc == PAM_SUCCESS ? PAM_USER_UNKNOWN : rc;
	}
	ctx.log.user = user;
	ctx.log.service = item_string(pamh, PAM_SERVICE);
	ctx.log.rhost = item_string(pamh, PAM_RHOST);
	ctx.log.tty = item_string(pamh, PAM_TTY);
	if (ctx.cfg.debug)
		pam_syslog(pamh, LOG_DEBUG, "pam_mfacover %s: input=%s store=%s", MFACOVER_VERSION,
			   mfa_input_mode_name(ctx.cfg.input),
			   ctx.cfg.store_home ? "home" : ctx.cfg.store_dir);
	rc = authenticate(&ctx);
	mfa_store_close(&ctx.store);
	unload_fido2(&ctx);
	mfa_module_config_release(&ctx.cfg);
	return rc;
}

/* No credentials to establish: a second factor leaves nothing behind. */
int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_SUCCESS;
}

/*
 * Accounts, sessions and passwords belong to the other modules of the
 * stack: this module has nothing to say there.
 */
static int
not_ours(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_IGNORE;
}

int
pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return not_ours(pamh, flags, argc, argv);
}

int
pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return not_ours(pamh, flags, argc, argv);
}

int
pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return not_ours(pamh, flags, argc, argv);
}

int
pam_sm_chauthtok(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return not_ours(pamh, flags, argc, argv);
}
