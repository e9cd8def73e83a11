/*
 * openvpn_config.h - OpenVPN configurations under a root, and how each
 * server authenticates its clients.
 *
 * Every `*.conf` under ROOT/etc/openvpn/ (recursively, links resolved
 * inside the root) is read as OpenVPN 2.x reads a config file; see
 * docs/openvpn-model.md for the rules and their sources.  In short:
 *  - one option per line, words split at blanks; `#` or `;` where a word
 *    would start begins a comment; "double" and 'single' quotes; a
 *    backslash outside single quotes escapes `\`, `"` or a blank, and any
 *    other escape makes OpenVPN refuse the line;
 *  - a leading `--` on the option name is dropped; a UTF-8 BOM on line 1
 *    is skipped; lines over 256 bytes, words over 256 bytes, unterminated
 *    quotes and inline blocks without their end tag are refused;
 *  - `<tag>` alone on a line starts an inline block that runs to the line
 *    starting with `</tag>`: its content (keys, certificates, passwords) is
 *    skipped and never stored;
 *  - `config FILE` is read where it stands (relative names from the
 *    config's directory, or the last `cd`), at most 10 files deep;
 *  - `setenv opt OPTION ...` is OPTION (OpenVPN processes it, ignoring it
 *    only when unknown).
 *
 * OpenVPN refuses to start on any malformed line.  Such lines do not fail
 * the load: they are recorded in the config's `problems` and make its
 * verdict OPENVPN_VERDICT_BROKEN (the daemon does not run: no access path,
 * but the audit must say so).  Option names are not checked against
 * OpenVPN's list: an unknown option also stops OpenVPN, so not knowing it
 * can never make the model claim an authentication the daemon would not do.
 *
 * Only I/O failures on ROOT/etc/openvpn itself, the size caps and
 * allocation failures fail openvpn_configs_load().
 */
#ifndef MFA_OPENVPN_CONFIG_H
#define MFA_OPENVPN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "mfa_err.h"

#define OPENVPN_CONFIG_DIR "/etc/openvpn"
#define OPENVPN_MAX_BYTES (1024u * 1024u) /* per file */
#define OPENVPN_MAX_DEPTH 10              /* files deep, as OpenVPN's read_config_file */
#define OPENVPN_MAX_DIR_DEPTH 8           /* directory levels searched for *.conf */
#define OPENVPN_MAX_CONFIGS 1024
#define OPENVPN_MAX_DIRECTIVES 100000 /* per config, includes counted */
#define OPENVPN_LINE_MAX 256          /* OpenVPN's OPTION_LINE_SIZE */
#define OPENVPN_PARM_MAX 256          /* OpenVPN's OPTION_PARM_SIZE */
#define OPENVPN_MAX_PARMS 16          /* OpenVPN's MAX_PARMS: later words are dropped */
#define OPENVPN_NONE ((size_t)-1)     /* "no directive" in index fields */

/* Where the file sits, which says which Debian unit starts it. */
enum openvpn_location {
	OPENVPN_LOC_TOP = 0,    /* /etc/openvpn/NAME.conf: openvpn@NAME.service */
	OPENVPN_LOC_SERVER_DIR, /* /etc/openvpn/server/NAME.conf: openvpn-server@NAME */
	OPENVPN_LOC_CLIENT_DIR, /* /etc/openvpn/client/NAME.conf: openvpn-client@NAME */
	OPENVPN_LOC_OTHER,      /* elsewhere below /etc/openvpn: no unit starts it */
};

enum openvpn_role {
	OPENVPN_ROLE_NONE = 0,     /* no dev and no mode: a fragment, not runnable */
	OPENVPN_ROLE_SERVER,       /* server, server-ipv6, server-bridge, mode server */
	OPENVPN_ROLE_CLIENT,       /* client, tls-client, pull */
	OPENVPN_ROLE_P2P_TLS,      /* tls-server without mode server: one peer, by certificate */
	OPENVPN_ROLE_P2P_STATIC,   /* secret (a pre-shared key), no TLS */
	OPENVPN_ROLE_P2P_NOCRYPTO, /* dev but neither TLS nor a key */
};

enum openvpn_client_cert {
	OPENVPN_CERT_REQUIRE = 0, /* OpenVPN's default */
	OPENVPN_CERT_OPTIONAL,    /* verify-client-cert optional */
	OPENVPN_CERT_NONE,        /* verify-client-cert none, client-cert-not-required */
};

enum openvpn_auth_kind {
	OPENVPN_AUTH_PAM_PLUGIN = 0, /* openvpn-plugin-auth-pam.so: a PAM service decides */
	OPENVPN_AUTH_PLUGIN,         /* any other plugin: may check users; not readable */
	OPENVPN_AUTH_SCRIPT,         /* auth-user-pass-verify: a script; not provable */
	OPENVPN_AUTH_MANAGEMENT,     /* management-client-auth: a management client decides */
};

enum openvpn_verdict {
	OPENVPN_VERDICT_NOT_SERVER = 0, /* client, or a fragment: no way in */
	OPENVPN_VERDICT_BROKEN,         /* OpenVPN refuses the file: see problems */
	OPENVPN_VERDICT_PAM,          /* every login passes the PAM service(s) of the PAM plugins */
	OPENVPN_VERDICT_NOT_PROVABLE, /* a script, another plugin or management decides */
	OPENVPN_VERDICT_CERT_ONLY,    /* a client certificate alone: one factor */
	OPENVPN_VERDICT_STATIC_KEY,   /* one pre-shared key: one factor, shared */
	OPENVPN_VERDICT_NO_CLIENT_AUTH, /* neither users nor certificates are checked */
};

/* One option as OpenVPN read it. */
struct openvpn_directive {
	const char *file; /* one of the config's files[] */
	unsigned line;
	unsigned depth;      /* 0: the config itself; n: n `config` includes down */
	bool via_setenv_opt; /* written `setenv opt NAME ...` */
	char **argv;         /* argv[0]: the name without "--"; an inline block is
			     * {tag, "[inline]"}; NULL-terminated */
	size_t argc;
};

/* A problem (the line OpenVPN refuses) or a note, with its place. */
struct openvpn_msg {
	const char *file; /* one of the config's files[], or its path */
	unsigned line;
	char *text;
};

/* One way the server checks a user name and password. */
struct openvpn_auth {
	enum openvpn_auth_kind kind;
	size_t directive;  /* index into directives: the evidence */
	char *pam_service; /* OPENVPN_AUTH_PAM_PLUGIN: the PAM service it starts */
	char **argv;       /* plugin: {path, args as OpenVPN splits them};
			    * script: {command, method}; management: NULL */
	size_t argc;
};

struct openvpn_config {
	char *path;     /* inside the root: "/etc/openvpn/server/vpn.conf" */
	char *resolved; /* after links */
	enum openvpn_location location;
	bool included; /* another config reads this file with `config` */
	char **files;  /* files read: [0] is path, then includes in order */
	size_t nfiles;
	struct openvpn_directive *directives; /* in reading order */
	size_t ndirectives;
	struct openvpn_msg *problems; /* lines OpenVPN refuses */
	size_t nproblems;
	struct openvpn_msg *notes; /* facts an auditor should mention */
	size_t nnotes;

	enum openvpn_role role;
	size_t role_directive;      /* what decided the role, or OPENVPN_NONE */
	struct openvpn_auth *auths; /* all must accept a login (OpenVPN ANDs them) */
	size_t nauths;
	enum openvpn_client_cert client_cert;
	size_t client_cert_directive; /* or OPENVPN_NONE for the default */
	bool username_as_common_name;
	bool auth_user_pass_optional; /* clients may omit user name and password */
	bool auth_gen_token;          /* later logins may use a token, not the factors */
	bool management_client_auth;
	bool static_challenge; /* client side: asks for a code (SCRV1) */
	bool auth_user_pass;   /* client side: sends a user name and password */
	int script_security;   /* -1: not set here (see docs/openvpn-model.md) */
	enum openvpn_verdict verdict;
};

struct openvpn_configs {
	struct openvpn_config *configs; /* sorted by path */
	size_t n;
	char **skipped; /* "/etc/openvpn/x.conf: dangling link", ... */
	size_t nskipped;
};

/*
 * Read every *.conf below ROOT/etc/openvpn.  No such directory: an empty
 * result.  *outp owns the result.
 */
int openvpn_configs_load(int rootfd, struct openvpn_configs **outp, struct mfa_parse_err *perr);

/* Free and NULL the pointer.  Accepts NULL. */
void openvpn_configs_free(struct openvpn_configs **cp);

/*
 * 0 when no config has a problem; else MFA_ERR_PARSE with perr set to the
 * first problem's file, line and reason.
 */
int openvpn_configs_first_problem(const struct openvpn_configs *c, struct mfa_parse_err *perr);

/*
 * Split one line as OpenVPN's parse_line does.  *argvp: NULL-terminated
 * words (NULL and 0 for a blank or comment line); free with
 * openvpn_argv_free.  A line OpenVPN refuses: MFA_ERR_PARSE with the
 * reason in perr (line and file untouched).  For tests and fuzzing.
 */
int openvpn_split_line(const char *line, size_t len, char ***argvp, size_t *argcp,
		       struct mfa_parse_err *perr);

/* Free a NULL-terminated word list and NULL the pointer.  Accepts NULL. */
void openvpn_argv_free(char ***argvp);

const char *openvpn_verdict_name(enum openvpn_verdict v);         /* "pam", "cert-only", ... */
const char *openvpn_role_name(enum openvpn_role r);               /* "server", "client", ... */
const char *openvpn_location_name(enum openvpn_location l);       /* "server-dir", ... */
const char *openvpn_client_cert_name(enum openvpn_client_cert c); /* "require", ... */
const char *openvpn_auth_kind_name(enum openvpn_auth_kind k);     /* "pam-plugin", ... */

#endif /* MFA_OPENVPN_CONFIG_H */
