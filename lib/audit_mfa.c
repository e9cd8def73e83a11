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
#include "import_oath.h"
#include "mfa_mem.h"
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
	const char *exempt = NULL, *v;
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
	if (enrolled)
		n = add(out, n, PAM_SUCCESS, FLOW_FACTOR_SECOND, "the user presents the factor");
	if (exempt != NULL) {
		n = add(out, n, PAM_IGNORE, 0, exempt);
		if (kind != AUDIT_MFA_MFACOVER)
			n = add(out, n, PAM_SUCCESS, 0, exempt);
	}
	n = add(out, n, PAM_AUTH_ERR, 0, enrolled ? "a wrong code" : "the user has no factor");
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
