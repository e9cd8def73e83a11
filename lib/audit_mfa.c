/*
 * audit_mfa.c - second-factor modules: options that exempt users, where a
 * user's factor lives, and the results a module line may have.
 */
#include "audit_mfa.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <security/_pam_types.h>

#include "accounts.h"
#include "audit_internal.h"
#include "factor.h"
#include "import_oath.h"
#include "mfa_mem.h"
#include "module_config.h"
#include "root_fs.h"
#include "store_dir.h"

static const char *const known_mfa_modules[] = {
	"pam_mfacover", "pam_google_authenticator", "pam_oath", "pam_u2f", "pam_yubico", "pam_duo",
};

static const enum audit_mfa_kind known_mfa_kinds[] = {
	AUDIT_MFA_MFACOVER, AUDIT_MFA_GOOGLE_AUTHENTICATOR,
	AUDIT_MFA_OATH,     AUDIT_MFA_U2F,
	AUDIT_MFA_YUBICO,   AUDIT_MFA_DUO,
};

_Static_assert(sizeof(known_mfa_modules) / sizeof(known_mfa_modules[0]) ==
		       sizeof(known_mfa_kinds) / sizeof(known_mfa_kinds[0]),
	       "one kind per known module");

const char *const *
audit_known_mfa_modules(size_t *np)
{
	if (np != NULL)
		*np = sizeof(known_mfa_modules) / sizeof(known_mfa_modules[0]);
	return known_mfa_modules;
}

enum audit_mfa_kind
audit_mfa_kind_of(const char *module, const struct audit_options *opt)
{
	char base[128];
	size_t i;

	if (module == NULL || module[0] == '\0')
		return AUDIT_MFA_NONE;
	pam_module_basename(module, base, sizeof(base));
	for (i = 0; i < sizeof(known_mfa_modules) / sizeof(known_mfa_modules[0]); i++) {
		if (strcmp(base, known_mfa_modules[i]) == 0)
			return known_mfa_kinds[i];
	}
	for (i = 0; opt != NULL && i < opt->nmfa_modules; i++) {
		char extra[128];

		pam_module_basename(opt->mfa_modules[i], extra, sizeof(extra));
		if (strcmp(base, extra) == 0)
			return AUDIT_MFA_EXTRA;
	}
	return AUDIT_MFA_NONE;
}

/* The value of `name=` among a line's arguments, or NULL; flags: "name". */
static const char *
arg_value(const struct pam_conf_line *l, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < l->argc; i++) {
		if (strncmp(l->argv[i], name, n) == 0 && l->argv[i][n] == '=')
			return l->argv[i] + n + 1;
	}
	return NULL;
}

static bool
arg_flag(const struct pam_conf_line *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->argc; i++) {
		if (strcmp(l->argv[i], name) == 0)
			return true;
	}
	return false;
}

/*
 * The last `name=N` among a line's arguments read as pam_u2f reads it
 * (sscanf "%d": leading digits), into *np; false when none gives a number.
 */
static bool
arg_int(const struct pam_conf_line *l, const char *name, long *np)
{
	size_t i, n = strlen(name);
	bool found = false;

	for (i = 0; i < l->argc; i++) {
		const char *v = l->argv[i];
		char *end;
		long x;

		if (strncmp(v, name, n) != 0 || v[n] != '=')
			continue;
		x = strtol(v + n + 1, &end, 10);
		if (end != v + n + 1) {
			*np = x;
			found = true;
		}
	}
	return found;
}

/* Does the user belong to one of the comma-separated groups? */
static bool
in_any_group(const struct audit_user *u, const char *list)
{
	const char *p = list;
	size_t i;

	while (p != NULL && *p != '\0') {
		const char *comma = strchr(p, ',');
		size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);

		for (i = 0; i < u->ngroups; i++) {
			if (strlen(u->groups[i]) == len && strncmp(u->groups[i], p, len) == 0)
				return true;
		}
		p = comma != NULL ? comma + 1 : NULL;
	}
	return false;
}

/*
 * Expand a module's path template for the user: ~ and ${HOME} to the
 * home directory, ${USER} and %u to the name.  Returns false if too long.
 */
static bool
expand_path(const char *tmpl, const struct audit_user *u, char *out, size_t size)
{
	size_t o = 0;
	const char *p = tmpl;

	if (p[0] == '~' && (p[1] == '/' || p[1] == '\0')) {
		o = (size_t)snprintf(out, size, "%s", u->home);
		p++;
	}
	while (*p != '\0' && o + 1 < size) {
		const char *sub = NULL;
		size_t skip = 0;

		if (strncmp(p, "${HOME}", 7) == 0) {
			sub = u->home;
			skip = 7;
		} else if (strncmp(p, "${USER}", 7) == 0) {
			sub = u->name;
			skip = 7;
		} else if (strncmp(p, "%u", 2) == 0) {
			sub = u->name;
			skip = 2;
		}
		if (sub != NULL) {
			o += (size_t)snprintf(out + o, size - o, "%s", sub);
			p += skip;
		} else {
			out[o++] = *p++;
		}
	}
	if (o >= size || *p != '\0')
		return false;
	out[o] = '\0';
	return true;
}

static bool
file_exists(int rootfd, const char *path)
{
	struct stat st;

	return root_fs_stat(rootfd, path, &st, NULL, NULL) == MFA_OK && S_ISREG(st.st_mode);
}

/* A mapping file of "user:..." lines names the user. */
static bool
mapping_names_user(int rootfd, const char *path, const char *user)
{
	char *buf = NULL, *p;
	size_t len = 0, ulen = strlen(user);
	bool found = false;

	if (root_fs_read_file(rootfd, path, 1024 * 1024, &buf, &len, NULL, NULL) != MFA_OK)
		return false;
	for (p = buf; p != NULL && p < buf + len; p = strchr(p, '\n'), p = p != NULL ? p + 1 : p) {
		if (strncmp(p, user, ulen) == 0 && p[ulen] == ':') {
			found = true;
			break;
		}
	}
	mfa_freezero(buf, len);
	return found;
}

static void
note_enrolled(struct audit_oracle *o, const char *module, const char *where)
{
	size_t i;
	char text[PATH_MAX + 64];

	if (snprintf(text, sizeof(text), "%s: %s", module, where) < 0)
		return;
	for (i = 0; i < o->nenrolled_in; i++) {
		if (strcmp(o->enrolled_in[i], text) == 0)
			return;
	}
	if (audit_strlist_add(&o->enrolled_in, &o->nenrolled_in, "%s", text) != MFA_OK)
		o->err = MFA_ERR_NOMEM;
}

/* A path option's value that names a place in the user's home. */
static bool
in_home(const char *v)
{
	return v[0] == '~' || strncmp(v, "${HOME}", 7) == 0 || strstr(v, "%h") != NULL;
}

const char *
audit_mfa_home_file(const struct pam_conf_line *l, enum audit_mfa_kind kind, const char **passp)
{
	const char *v;

	*passp = NULL;
	switch (kind) {
	case AUDIT_MFA_MFACOVER:
		*passp = arg_flag(l, "nullok") ? "nullok" : NULL;
		v = arg_value(l, "store");
		return v != NULL && strcmp(v, "home") == 0 ? "~/" MFA_STORE_HOME_SUBDIR
							     "/" MFA_STORE_HOME_FILE
							   : NULL;
	case AUDIT_MFA_GOOGLE_AUTHENTICATOR:
		*passp = arg_flag(l, "nullok") ? "nullok" : NULL;
		v = arg_value(l, "secret");
		return v == NULL ? "~/.google_authenticator" : in_home(v) ? v : NULL;
	case AUDIT_MFA_U2F:
		*passp = arg_flag(l, "nouserok") ? "nouserok" : NULL;
		v = arg_value(l, "authfile");
		return v == NULL ? "~/.config/Yubico/u2f_keys" : in_home(v) ? v : NULL;
	case AUDIT_MFA_YUBICO:
		*passp = arg_flag(l, "nullok") ? "nullok" : NULL;
		return arg_value(l, "authfile") == NULL ? "~/.yubico/authorized_yubikeys" : NULL;
	case AUDIT_MFA_OATH:
	case AUDIT_MFA_DUO:
	case AUDIT_MFA_EXTRA:
	case AUDIT_MFA_NONE:
		break;
	}
	*passp = NULL;
	return NULL;
}

/* Is the user enrolled for this line's module?  *wherep: the evidence. */
static bool
enrolled_for(struct audit_oracle *o, enum audit_mfa_kind kind, const struct pam_conf_line *l,
	     const char *module, bool *knownp)
{
	const struct audit_user *u = o->user;
	char path[PATH_MAX];
	const char *v;
	bool found = false;

	*knownp = true;
	switch (kind) {
	case AUDIT_MFA_MFACOVER:
		v = arg_value(l, "store");
		if (v != NULL && strcmp(v, "home") == 0)
			snprintf(path, sizeof(path), "%s/%s/%s", u->home, MFA_STORE_HOME_SUBDIR,
				 MFA_STORE_HOME_FILE);
		else
			snprintf(path, sizeof(path), "%s/%s", v != NULL ? v : MFA_STORE_DEFAULT_DIR,
				 u->name);
		found = file_exists(o->rootfd, path);
		break;
	case AUDIT_MFA_GOOGLE_AUTHENTICATOR:
		v = arg_value(l, "secret");
		found = expand_path(v != NULL ? v : "~/.google_authenticator", u, path,
				    sizeof(path)) &&
			file_exists(o->rootfd, path);
		break;
	case AUDIT_MFA_OATH: {
		char *buf = NULL;
		size_t len = 0;
		struct mfa_state *st = NULL;

		v = arg_value(l, "usersfile");
		snprintf(path, sizeof(path), "%s", v != NULL ? v : "/etc/users.oath");
		if (root_fs_read_file(o->rootfd, path, MFA_IMPORT_OATH_MAX_BYTES, &buf, &len, NULL,
				      NULL) == MFA_OK) {
			found = mfa_import_oath_user(buf, len, path, u->name, &st, NULL) == MFA_OK;
			mfa_state_free(&st);
			mfa_freezero(buf, len);
		}
		break;
	}
	case AUDIT_MFA_U2F:
		v = arg_value(l, "authfile");
		if (v != NULL) {
			found = expand_path(v, u, path, sizeof(path)) &&
				(strstr(v, "%u") != NULL || strstr(v, "${USER}") != NULL ||
						 v[0] == '~'
					 ? file_exists(o->rootfd, path)
					 : mapping_names_user(o->rootfd, path, u->name));
		} else {
			snprintf(path, sizeof(path), "%s/.config/Yubico/u2f_keys", u->home);
			found = file_exists(o->rootfd, path);
		}
		break;
	case AUDIT_MFA_YUBICO:
		v = arg_value(l, "authfile");
		if (v != NULL) {
			snprintf(path, sizeof(path), "%s", v);
			found = mapping_names_user(o->rootfd, path, u->name);
		} else {
			snprintf(path, sizeof(path), "%s/.yubico/authorized_yubikeys", u->home);
			found = file_exists(o->rootfd, path);
		}
		break;
	case AUDIT_MFA_DUO:
	case AUDIT_MFA_EXTRA:
	case AUDIT_MFA_NONE:
		/* Enrollment lives elsewhere (Duo's service): not knowable from files. */
		*knownp = false;
		return true;
	}
	if (found)
		note_enrolled(o, module, path);
	return found;
}

/* Duo's failmode and groups, from the arguments or its configuration file. */
static void
duo_settings(struct audit_oracle *o, const struct pam_conf_line *l, bool *failsafep, char *groups,
	     size_t size)
{
	const char *conf = arg_value(l, "conf");
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;

	*failsafep = false;
	groups[0] = '\0';
	if (root_fs_read_file(o->rootfd, conf != NULL ? conf : "/etc/duo/pam_duo.conf", 65536, &buf,
			      &len, NULL, NULL) != MFA_OK &&
	    (conf != NULL || root_fs_read_file(o->rootfd, "/etc/security/pam_duo.conf", 65536, &buf,
					       &len, NULL, NULL) != MFA_OK))
		return;
	for (line = strtok_r(buf, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '='), *k = line, *v;

		if (eq == NULL)
			continue;
		*eq = '\0';
		v = eq + 1;
		while (*k == ' ' || *k == '\t')
			k++;
		while (*v == ' ' || *v == '\t')
			v++;
		k[strcspn(k, " \t")] = '\0';
		v[strcspn(v, " \t\r")] = '\0';
		if (strcmp(k, "failmode") == 0 && strcmp(v, "safe") == 0)
			*failsafep = true;
		else if (strcmp(k, "groups") == 0)
			snprintf(groups, size, "%s", v);
	}
	mfa_freezero(buf, len);
}

/* ---- what a line accepts ------------------------------------------------------ */

static int
judge_mfacover(const struct pam_conf_line *l, struct audit_mfa_line *out,
	       struct mfa_parse_err *perr)
{
	struct mfa_module_config cfg;
	struct mfa_parse_err own;
	unsigned bits;
	int r;

	mfa_module_config_defaults(&cfg);
	r = mfa_module_config_parse(&cfg, l->argc > 4096 ? 4096 : (int)l->argc,
				    (const char **)l->argv, perr != NULL ? perr : &own);
	if (r == MFA_ERR_PARSE) {
		out->refuses_args = true;
		out->why = "pam_mfacover refuses its arguments: every run of the line fails with "
			   "PAM_SERVICE_ERR";
		return MFA_OK;
	}
	if (r != MFA_OK)
		return r;
	bits = mfa_module_config_factor_bits(&cfg);
	/* The key is never asked for when the code comes with the password. */
	if (cfg.input != MFA_INPUT_PROMPT && cfg.input != MFA_INPUT_AUTO)
		bits &= ~MFA_FACTOR_FIDO2;
	if (bits == MFA_FACTOR_FIDO2 && cfg.uv_required) {
		out->factor = AUDIT_FACTOR_FIDO_VERIFIED;
		out->why = "factors=fido2 uv=required: a FIDO2 security key with user verification "
			   "(PIN or biometric), nothing else";
	} else if (bits == MFA_FACTOR_FIDO2) {
		out->factor = AUDIT_FACTOR_FIDO;
		out->why = "factors=fido2: a FIDO2 security key, touched, nothing else";
	} else if (bits == MFA_FACTOR_RECOVERY) {
		out->factor = AUDIT_FACTOR_RECOVERY;
		out->why = "factors=recovery: recovery codes only, each good once, which a "
			   "phishing site can relay";
	} else if (bits == 0) {
		out->why = "factors= leaves nothing this line can ask for: it never succeeds";
	} else {
		out->factor = AUDIT_FACTOR_PHISHABLE;
		out->why = (bits & MFA_FACTOR_FIDO2) != 0
				   ? "a FIDO2 security key or a one-time code (factors= lists a "
				     "code), which a phishing site can relay"
				   : "a one-time code, which a phishing site can relay";
	}
	mfa_module_config_release(&cfg);
	return MFA_OK;
}

static void
judge_u2f(const struct pam_conf_line *l, struct audit_mfa_line *out)
{
	long up = -1, uv = -1, pin = -1;

	(void)arg_int(l, "userpresence", &up);
	(void)arg_int(l, "userverification", &uv);
	(void)arg_int(l, "pinverification", &pin);
	if (uv == 1 || pin == 1) {
		out->factor = AUDIT_FACTOR_FIDO_VERIFIED;
		out->why = "pam_u2f with userverification=1 or pinverification=1: a FIDO security "
			   "key with user verification (PIN or biometric)";
	} else if (up == 0) {
		out->factor = AUDIT_FACTOR_PHISHABLE;
		out->why = "pam_u2f userpresence=0: the key signs without a touch, for whatever "
			   "reaches the host while it is plugged in";
	} else {
		out->factor = AUDIT_FACTOR_FIDO;
		out->why = "pam_u2f: a FIDO security key, touched";
	}
}

int
audit_mfa_line_judge(const struct pam_conf_line *l, enum audit_mfa_kind kind,
		     struct audit_mfa_line *out, struct mfa_parse_err *perr)
{
	memset(out, 0, sizeof(*out));
	out->factor = AUDIT_FACTOR_PHISHABLE;
	switch (kind) {
	case AUDIT_MFA_MFACOVER:
		out->factor = AUDIT_FACTOR_UNKNOWN;
		return judge_mfacover(l, out, perr);
	case AUDIT_MFA_U2F:
		judge_u2f(l, out);
		break;
	case AUDIT_MFA_GOOGLE_AUTHENTICATOR:
		out->why = "pam_google_authenticator: a one-time code, which a phishing site can "
			   "relay";
		break;
	case AUDIT_MFA_OATH:
		out->why = "pam_oath: a one-time code, which a phishing site can relay";
		break;
	case AUDIT_MFA_YUBICO:
		out->why =
			"pam_yubico: a YubiKey one-time password, which a phishing site can relay";
		break;
	case AUDIT_MFA_DUO:
		out->why = "pam_duo: a push or a passcode, which a phishing site can relay";
		break;
	case AUDIT_MFA_EXTRA:
		out->why = "a module named with --mfa-module: counted as a factor a phishing site "
			   "can relay";
		break;
	case AUDIT_MFA_NONE:
		out->factor = AUDIT_FACTOR_UNKNOWN;
		out->why = "not a second factor";
		break;
	}
	return MFA_OK;
}

int
audit_mfa_line_findings(struct audit_report *r, const char *file, const struct pam_conf_line *l,
			enum audit_mfa_kind kind)
{
	struct audit_mfa_line ml;
	struct mfa_parse_err perr;
	int rc;

	mfa_parse_err_init(&perr, NULL);
	if ((rc = audit_mfa_line_judge(l, kind, &ml, &perr)) != MFA_OK)
		return rc;
	if (ml.refuses_args)
		return audit_add_finding(r, "pam.bad_arguments", "medium", file, l->line,
					 "pam_mfacover refuses its arguments (%s): every run of "
					 "the line fails with PAM_SERVICE_ERR, which locks "
					 "everyone out where it is required",
					 perr.msg);
	if (kind == AUDIT_MFA_MFACOVER && ml.factor == AUDIT_FACTOR_RECOVERY)
		return audit_add_finding(
			r, "pam.recovery_only", "medium", file, l->line,
			"pam_mfacover factors=recovery: only recovery codes are accepted; each "
			"works once and is a written secret a phishing site can ask for, so it "
			"is no second factor for daily use (add fido2 or totp)");
	if (kind == AUDIT_MFA_MFACOVER && ml.factor == AUDIT_FACTOR_UNKNOWN)
		return audit_add_finding(r, "pam.no_usable_factor", "medium", file, l->line,
					 "pam_mfacover: %s", ml.why);
	if (kind == AUDIT_MFA_U2F && ml.factor == AUDIT_FACTOR_PHISHABLE)
		return audit_add_finding(r, "pam.u2f_no_presence", "medium", file, l->line,
					 "pam_u2f userpresence=0: the key signs without a touch, "
					 "so whatever reaches the host while the key is plugged in "
					 "can use it: not phishing-resistant");
	return MFA_OK;
}

/* ---- the oracle ---------------------------------------------------------------- */

/* audit_mfa_line_judge, remembered in o for the lines judged last. */
static int
judge_cached(struct audit_oracle *o, const struct pam_conf_line *l, enum audit_mfa_kind kind,
	     struct audit_mfa_line *out)
{
	unsigned i, slot;
	int r;

	for (i = 0; i < AUDIT_ORACLE_JUDGED; i++) {
		if (o->judged_line[i] == l) {
			*out = o->judged[i];
			return MFA_OK;
		}
	}
	if ((r = audit_mfa_line_judge(l, kind, out, NULL)) != MFA_OK)
		return r;
	slot = o->njudged++ % AUDIT_ORACLE_JUDGED;
	o->judged_line[slot] = l;
	o->judged[slot] = *out;
	return MFA_OK;
}

static size_t
add(struct pam_outcome *out, size_t n, int retval, unsigned factors, const char *note)
{
	out[n].retval = retval;
	out[n].factors = factors;
	out[n].note = note;
	return n + 1;
}

/* pam_sss and pam_ldap: the password goes to the directory. */
static bool
directory_password_module(const char *module)
{
	char base[128];

	pam_module_basename(module, base, sizeof(base));
	return strcmp(base, "pam_sss") == 0 || strcmp(base, "pam_ldap") == 0;
}

size_t
audit_mfa_oracle(const struct pam_handler *h, void *ctx, struct pam_outcome *out)
{
	struct audit_oracle *o = ctx;
	const struct pam_conf_line *l = h->line;
	enum audit_mfa_kind kind = audit_mfa_kind_of(h->module, o->opt);
	const char *exempt = NULL, *never = NULL, *v;
	bool enrolled, known = true;
	size_t n = 0;

	if (kind == AUDIT_MFA_NONE && o->user->directory_factor != NULL &&
	    directory_password_module(h->module)) {
		/* The directory wants the code with the password: two factors, or failure. */
		n = add(out, n, PAM_SUCCESS, FLOW_FACTOR_KNOWLEDGE | FLOW_FACTOR_SECOND,
			"the directory checks the password and the user's one-time code");
		n = add(out, n, PAM_AUTH_ERR, 0, "a wrong password or code");
		n = add(out, n, PAM_USER_UNKNOWN, 0, "the directory does not know the user");
		n = add(out, n, PAM_AUTHINFO_UNAVAIL, 0, "the directory cannot be reached");
		return n;
	}
	if (kind == AUDIT_MFA_NONE)
		return pam_flow_default_outcomes(h->module, o->caller_is_root, out);
	if (kind == AUDIT_MFA_MFACOVER) {
		struct audit_mfa_line ml;
		int r;

		if ((r = judge_cached(o, l, kind, &ml)) != MFA_OK) {
			o->err = r;
			return add(out, n, PAM_BUF_ERR, 0, "out of memory");
		}
		if (ml.refuses_args)
			return add(out, n, PAM_SERVICE_ERR, 0, ml.why);
		never = ml.factor == AUDIT_FACTOR_UNKNOWN ? ml.why : NULL;
	}

	enrolled = enrolled_for(o, kind, l, h->module, &known);
	switch (kind) {
	case AUDIT_MFA_MFACOVER:
		if ((v = arg_value(l, "only")) != NULL && !in_any_group(o->user, v))
			exempt =
				"only=: the user is in none of its groups, the module ignores them";
		else if (!enrolled && arg_flag(l, "nullok"))
			exempt = "nullok: the user has no token, the module lets them through";
		break;
	case AUDIT_MFA_GOOGLE_AUTHENTICATOR:
		if (arg_value(l, "grace_period") != NULL)
			exempt = "grace_period: no code is asked again from an address that "
				 "logged in recently";
		else if (!enrolled && arg_flag(l, "nullok"))
			exempt =
				"nullok: the user has no secret file, the module lets them through";
		break;
	case AUDIT_MFA_U2F:
		if (arg_flag(l, "alwaysok"))
			exempt = "alwaysok: the module succeeds for everyone";
		else if (!enrolled && arg_flag(l, "nouserok"))
			exempt =
				"nouserok: the user has no key mapping, the module lets them through";
		break;
	case AUDIT_MFA_YUBICO:
		if (!enrolled && arg_flag(l, "nullok"))
			exempt =
				"nullok: the user has no YubiKey mapping, the module lets them through";
		break;
	case AUDIT_MFA_DUO: {
		bool failsafe;
		char groups[512];

		duo_settings(o, l, &failsafe, groups, sizeof(groups));
		if (arg_value(l, "failmode") != NULL &&
		    strcmp(arg_value(l, "failmode"), "safe") == 0)
			failsafe = true;
		if (groups[0] != '\0' && !in_any_group(o->user, groups))
			exempt =
				"groups=: the user is in none of Duo's groups, the module lets them "
				"through";
		else if (failsafe)
			exempt =
				"failmode=safe: when Duo cannot be reached the module lets everyone "
				"through";
		break;
	}
	case AUDIT_MFA_EXTRA:
		if (arg_flag(l, "nullok"))
			exempt = "nullok on a module named with --mfa-module: whether the user is "
				 "enrolled cannot be told";
		break;
	case AUDIT_MFA_OATH:
	case AUDIT_MFA_NONE:
		break;
	}
	(void)known;
	if (enrolled && never == NULL)
		n = add(out, n, PAM_SUCCESS, FLOW_FACTOR_SECOND, "the user presents the factor");
	if (exempt != NULL) {
		n = add(out, n, PAM_IGNORE, 0, exempt);
		if (kind != AUDIT_MFA_MFACOVER)
			n = add(out, n, PAM_SUCCESS, 0, exempt);
	}
	n = add(out, n, PAM_AUTH_ERR, 0,
		never != NULL ? never
		: enrolled    ? "a wrong code"
			      : "the user has no factor");
	if (kind == AUDIT_MFA_OATH && !enrolled)
		n = add(out, n, PAM_USER_UNKNOWN, 0, "the user is not in the users file");
	n = add(out, n, PAM_AUTHINFO_UNAVAIL, 0, "the module cannot reach its data or server");
	return n;
}

void
audit_oracle_clear(struct audit_oracle *o)
{
	size_t i;

	if (o == NULL)
		return;
	for (i = 0; i < o->nenrolled_in; i++)
		free(o->enrolled_in[i]);
	free(o->enrolled_in);
	o->enrolled_in = NULL;
	o->nenrolled_in = 0;
}

/* ---- how strong the factor is ------------------------------------------------- */

/*
 * The level of second factor a success of handler h gives o's user, and
 * what the line accepts (*whyp); UNKNOWN for a line that gives none.
 */
static enum audit_factor
handler_factor(const struct pam_handler *h, struct audit_oracle *o, const char **whyp)
{
	struct audit_mfa_line ml;
	enum audit_mfa_kind kind;
	int r;

	*whyp = NULL;
	if (h->kind != PAM_HANDLER_MODULE)
		return AUDIT_FACTOR_UNKNOWN;
	kind = audit_mfa_kind_of(h->module, o->opt);
	if (kind == AUDIT_MFA_NONE) {
		if (o->user->directory_factor == NULL || !directory_password_module(h->module))
			return AUDIT_FACTOR_UNKNOWN;
		*whyp = "the directory checks a one-time code with the password, which a "
			"phishing site can relay";
		return AUDIT_FACTOR_PHISHABLE;
	}
	if ((r = judge_cached(o, h->line, kind, &ml)) != MFA_OK) {
		o->err = r;
		return AUDIT_FACTOR_UNKNOWN;
	}
	*whyp = ml.why;
	return ml.refuses_args ? AUDIT_FACTOR_UNKNOWN : ml.factor;
}

/* The oracle, with the second factors below `least` not counted. */
struct factor_filter {
	struct audit_oracle *o;
	enum audit_factor least;
};

static size_t
filter_oracle(const struct pam_handler *h, void *ctx, struct pam_outcome *out)
{
	struct factor_filter *f = ctx;
	const char *why;
	size_t n = audit_mfa_oracle(h, f->o, out), i;

	if (handler_factor(h, f->o, &why) < f->least) {
		for (i = 0; i < n; i++)
			out[i].factors &= ~FLOW_FACTOR_SECOND;
	}
	return n;
}

#define NLEVELS (AUDIT_FACTOR_FIDO_VERIFIED + 1)

int
audit_mfa_factor(const struct pam_program *prog, struct audit_oracle *o,
		 struct audit_factor_verdict *out)
{
	const struct pam_handler *first[NLEVELS] = {NULL};
	const char *why[NLEVELS] = {NULL};
	struct pam_flow_result failed;
	int least = AUDIT_FACTOR_UNKNOWN, level;
	size_t i;
	int r = MFA_OK;

	memset(out, 0, sizeof(*out));
	memset(&failed, 0, sizeof(failed));
	for (i = 0; i < prog->n; i++) {
		const char *w;
		enum audit_factor f = handler_factor(&prog->h[i], o, &w);

		if (f != AUDIT_FACTOR_UNKNOWN && first[f] == NULL) {
			first[f] = &prog->h[i];
			why[f] = w;
		}
	}
	if (o->err != MFA_OK)
		return o->err;
	for (level = AUDIT_FACTOR_RECOVERY; level < NLEVELS && least == AUDIT_FACTOR_UNKNOWN;
	     level++) {
		if (first[level] != NULL)
			least = level;
	}
	if (least == AUDIT_FACTOR_UNKNOWN)
		return MFA_OK; /* the factor comes from nothing the audit can weigh */
	/* From the strongest level present down: does every success pass one of it? */
	for (level = NLEVELS - 1; level > least; level--) {
		struct factor_filter ff = {o, (enum audit_factor)level};
		struct pam_flow_result res;

		if (first[level] == NULL)
			continue;
		r = pam_flow_analyse(prog, filter_oracle, &ff, FLOW_FACTOR_SECOND, &res);
		if (r == MFA_OK && o->err != MFA_OK)
			r = o->err;
		if (r != MFA_OK) {
			pam_flow_result_clear(&res);
			goto out;
		}
		if ((res.success_without & FLOW_FACTOR_SECOND) == 0) {
			pam_flow_result_clear(&res);
			break;
		}
		pam_flow_result_clear(&failed);
		failed = res; /* a success without this level: the weaker way */
	}
	out->judged = true;
	out->factor = (enum audit_factor)level;
	out->weakest = first[level];
	out->why = why[level];
	/* The line of that level on the weaker way, where there is one. */
	for (i = 0; i < failed.nwitness; i++) {
		const struct pam_handler *h = &prog->h[failed.witness[i].handler];
		const char *w;

		if (failed.witness[i].retval == PAM_SUCCESS &&
		    handler_factor(h, o, &w) == (enum audit_factor)level) {
			out->weakest = h;
			out->why = w;
			break;
		}
	}
out:
	pam_flow_result_clear(&failed);
	return r;
}

int
audit_pam_factor(struct audit_ctx *ctx, const struct audit_subject *s, bool caller_is_root,
		 struct audit_pam_verdict *v)
{
	struct audit_oracle o;
	struct audit_user u;
	int r;

	if (v->factor.judged || !v->exists || !v->can_succeed || !v->needs_second)
		return MFA_OK;
	audit_oracle_for(ctx, s, caller_is_root, &u, &o);
	r = audit_mfa_factor(&v->prog, &o, &v->factor);
	audit_oracle_clear(&o);
	return r;
}

int
audit_pam_describe_factor(struct audit_ctx *ctx, struct audit_path *p,
			  const struct audit_pam_verdict *v)
{
	const struct pam_handler *h;
	size_t i;
	int r;

	/* A stack that lets nobody in: the second-factor lines that fail closed. */
	for (i = 0; v->exists && !v->can_succeed && i < v->prog.n; i++) {
		struct audit_mfa_line ml;
		struct mfa_parse_err perr;
		enum audit_mfa_kind kind;

		h = &v->prog.h[i];
		if (h->kind != PAM_HANDLER_MODULE ||
		    (kind = audit_mfa_kind_of(h->module, ctx->opt)) != AUDIT_MFA_MFACOVER)
			continue;
		mfa_parse_err_init(&perr, NULL);
		if ((r = audit_mfa_line_judge(h->line, kind, &ml, &perr)) != MFA_OK)
			return r;
		if (ml.refuses_args &&
		    (r = audit_path_add_evidence(p, h->file->path, h->line->line,
						 "%s refuses its arguments (%s): every run of the "
						 "line fails with PAM_SERVICE_ERR; the stack fails "
						 "closed",
						 h->module, perr.msg)) != MFA_OK)
			return r;
	}
	if (!v->factor.judged)
		return MFA_OK;
	p->factor = v->factor.factor;
	h = v->factor.weakest;
	return audit_path_add_strength_evidence(
		p, h != NULL ? h->file->path : NULL, h != NULL ? h->line->line : 0,
		"second factor: %s: %s", audit_factor_text(v->factor.factor),
		v->factor.why != NULL ? v->factor.why : "");
}
