/*
 * sshd_config.c - load and evaluate sshd_config with OpenSSH's own rules
 * (servconf.c, match.c, addrmatch.c, misc.c of OpenSSH 9.2p1; Debian 12's
 * keyword set as accepted by its /usr/sbin/sshd).  Written from the
 * documented and observed behaviour; see docs/sshd-model.md.
 */
#include "sshd_config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "root_fs.h"

/* ---- keyword table ------------------------------------------------------ */

/* What we model of a keyword's value. */
enum sshd_setting {
	SET_OTHER = 0, /* accepted, value not modelled (any arguments) */
	SET_IGNORED,   /* Deprecated / Unsupported / ignored: sshd logs and skips */
	SET_MATCH,
	SET_INCLUDE,
	SET_USEPAM,
	SET_PERMITROOTLOGIN,
	SET_PASSWORDAUTH,
	SET_KBDINT,
	SET_PUBKEYAUTH,
	SET_HOSTBASEDAUTH,
	SET_GSSAPIAUTH,
	SET_KERBEROSAUTH,
	SET_PERMITEMPTY,
	SET_USEDNS,
	SET_AUTHMETHODS,
	SET_PUBKEYOPTS,
	SET_PUBKEYALGS,
	SET_HOSTBASEDALGS,
	SET_AKFILE,
	SET_ALLOWUSERS,
	SET_DENYUSERS,
	SET_ALLOWGROUPS,
	SET_DENYGROUPS,
	SET_COUNT
};

#define SC_GLOBAL 0x1u /* allowed outside Match */
#define SC_MATCH 0x2u  /* allowed inside Match */
#define SC_ALL (SC_GLOBAL | SC_MATCH)

struct keyword {
	const char *name; /* lower case, as servconf.c spells it */
	enum sshd_setting setting;
	unsigned scope;
};

/*
 * Every keyword OpenSSH 9.2p1 (Debian 12 build: PAM, Kerberos, GSSAPI with
 * Debian's key-exchange patch, lastlog) accepts.  Scopes were checked
 * against /usr/sbin/sshd -t with each keyword inside "Match User".
 */
static const struct keyword keywords[] = {
	{"acceptenv", SET_OTHER, SC_ALL},
	{"addressfamily", SET_OTHER, SC_GLOBAL},
	{"afstokenpassing", SET_IGNORED, SC_GLOBAL},
	{"allowagentforwarding", SET_OTHER, SC_ALL},
	{"allowgroups", SET_ALLOWGROUPS, SC_ALL},
	{"allowstreamlocalforwarding", SET_OTHER, SC_ALL},
	{"allowtcpforwarding", SET_OTHER, SC_ALL},
	{"allowusers", SET_ALLOWUSERS, SC_ALL},
	{"authenticationmethods", SET_AUTHMETHODS, SC_ALL},
	{"authorizedkeyscommand", SET_OTHER, SC_ALL},
	{"authorizedkeyscommanduser", SET_OTHER, SC_ALL},
	{"authorizedkeysfile", SET_AKFILE, SC_ALL},
	{"authorizedkeysfile2", SET_IGNORED, SC_ALL},
	{"authorizedprincipalscommand", SET_OTHER, SC_ALL},
	{"authorizedprincipalscommanduser", SET_OTHER, SC_ALL},
	{"authorizedprincipalsfile", SET_OTHER, SC_ALL},
	{"banner", SET_OTHER, SC_ALL},
	{"casignaturealgorithms", SET_OTHER, SC_ALL},
	{"challengeresponseauthentication", SET_KBDINT, SC_ALL},
	{"channeltimeout", SET_OTHER, SC_ALL},
	{"checkmail", SET_IGNORED, SC_GLOBAL},
	{"chrootdirectory", SET_OTHER, SC_ALL},
	{"ciphers", SET_OTHER, SC_GLOBAL},
	{"clientalivecountmax", SET_OTHER, SC_ALL},
	{"clientaliveinterval", SET_OTHER, SC_ALL},
	{"compression", SET_OTHER, SC_GLOBAL},
	{"debianbanner", SET_OTHER, SC_GLOBAL},
	{"denygroups", SET_DENYGROUPS, SC_ALL},
	{"denyusers", SET_DENYUSERS, SC_ALL},
	{"disableforwarding", SET_OTHER, SC_ALL},
	{"dsaauthentication", SET_PUBKEYAUTH, SC_GLOBAL},
	{"exposeauthinfo", SET_OTHER, SC_ALL},
	{"fingerprinthash", SET_OTHER, SC_GLOBAL},
	{"forcecommand", SET_OTHER, SC_ALL},
	{"gatewayports", SET_OTHER, SC_ALL},
	{"gssapiauthentication", SET_GSSAPIAUTH, SC_ALL},
	{"gssapicleanupcredentials", SET_OTHER, SC_GLOBAL},
	{"gssapicleanupcreds", SET_OTHER, SC_GLOBAL},
	{"gssapikexalgorithms", SET_OTHER, SC_GLOBAL},
	{"gssapikeyexchange", SET_OTHER, SC_GLOBAL},
	{"gssapistorecredentialsonrekey", SET_OTHER, SC_GLOBAL},
	{"gssapistrictacceptorcheck", SET_OTHER, SC_GLOBAL},
	{"gssapiusesessioncredcache", SET_IGNORED, SC_GLOBAL},
	{"gssusesessionccache", SET_IGNORED, SC_GLOBAL},
	{"hostbasedacceptedalgorithms", SET_HOSTBASEDALGS, SC_ALL},
	{"hostbasedacceptedkeytypes", SET_HOSTBASEDALGS, SC_ALL},
	{"hostbasedauthentication", SET_HOSTBASEDAUTH, SC_ALL},
	{"hostbasedusesnamefrompacketonly", SET_OTHER, SC_ALL},
	{"hostcertificate", SET_OTHER, SC_GLOBAL},
	{"hostdsakey", SET_OTHER, SC_GLOBAL},
	{"hostkey", SET_OTHER, SC_GLOBAL},
	{"hostkeyagent", SET_OTHER, SC_GLOBAL},
	{"hostkeyalgorithms", SET_OTHER, SC_GLOBAL},
	{"ignorerhosts", SET_OTHER, SC_ALL},
	{"ignoreuserknownhosts", SET_OTHER, SC_GLOBAL},
	{"include", SET_INCLUDE, SC_ALL},
	{"ipqos", SET_OTHER, SC_ALL},
	{"kbdinteractiveauthentication", SET_KBDINT, SC_ALL},
	{"keepalive", SET_OTHER, SC_GLOBAL},
	{"kerberosauthentication", SET_KERBEROSAUTH, SC_ALL},
	{"kerberosgetafstoken", SET_IGNORED, SC_GLOBAL},
	{"kerberosorlocalpasswd", SET_OTHER, SC_GLOBAL},
	{"kerberostgtpassing", SET_IGNORED, SC_GLOBAL},
	{"kerberosticketcleanup", SET_OTHER, SC_GLOBAL},
	{"kexalgorithms", SET_OTHER, SC_GLOBAL},
	{"keyregenerationinterval", SET_IGNORED, SC_GLOBAL},
	{"listenaddress", SET_OTHER, SC_GLOBAL},
	{"logingracetime", SET_OTHER, SC_GLOBAL},
	{"loglevel", SET_OTHER, SC_ALL},
	{"logverbose", SET_OTHER, SC_ALL},
	{"macs", SET_OTHER, SC_GLOBAL},
	{"match", SET_MATCH, SC_ALL},
	{"maxauthtries", SET_OTHER, SC_ALL},
	{"maxsessions", SET_OTHER, SC_ALL},
	{"maxstartups", SET_OTHER, SC_GLOBAL},
	{"modulifile", SET_OTHER, SC_GLOBAL},
	{"pamauthenticationviakbdint", SET_IGNORED, SC_GLOBAL},
	{"passwordauthentication", SET_PASSWORDAUTH, SC_ALL},
	{"permitblacklistedkeys", SET_IGNORED, SC_GLOBAL},
	{"permitemptypasswords", SET_PERMITEMPTY, SC_ALL},
	{"permitlisten", SET_OTHER, SC_ALL},
	{"permitopen", SET_OTHER, SC_ALL},
	{"permitrootlogin", SET_PERMITROOTLOGIN, SC_ALL},
	{"permittty", SET_OTHER, SC_ALL},
	{"permittunnel", SET_OTHER, SC_ALL},
	{"permituserenvironment", SET_OTHER, SC_GLOBAL},
	{"permituserrc", SET_OTHER, SC_ALL},
	{"persourcemaxstartups", SET_OTHER, SC_GLOBAL},
	{"persourcenetblocksize", SET_OTHER, SC_GLOBAL},
	{"pidfile", SET_OTHER, SC_GLOBAL},
	{"port", SET_OTHER, SC_GLOBAL},
	{"printlastlog", SET_OTHER, SC_GLOBAL},
	{"printmotd", SET_OTHER, SC_GLOBAL},
	{"protocol", SET_IGNORED, SC_GLOBAL},
	{"pubkeyacceptedalgorithms", SET_PUBKEYALGS, SC_ALL},
	{"pubkeyacceptedkeytypes", SET_PUBKEYALGS, SC_ALL},
	{"pubkeyauthentication", SET_PUBKEYAUTH, SC_ALL},
	{"pubkeyauthoptions", SET_PUBKEYOPTS, SC_ALL},
	{"rdomain", SET_OTHER, SC_ALL},
	{"rekeylimit", SET_OTHER, SC_ALL},
	{"requiredrsasize", SET_OTHER, SC_ALL},
	{"reversemappingcheck", SET_IGNORED, SC_GLOBAL},
	{"revokedkeys", SET_OTHER, SC_ALL},
	{"rhostsauthentication", SET_IGNORED, SC_GLOBAL},
	{"rhostsrsaauthentication", SET_IGNORED, SC_ALL},
	{"rsaauthentication", SET_IGNORED, SC_ALL},
	{"securitykeyprovider", SET_OTHER, SC_GLOBAL},
	{"serverkeybits", SET_IGNORED, SC_GLOBAL},
	{"setenv", SET_OTHER, SC_ALL},
	{"skeyauthentication", SET_KBDINT, SC_ALL},
	{"streamlocalbindmask", SET_OTHER, SC_ALL},
	{"streamlocalbindunlink", SET_OTHER, SC_ALL},
	{"strictmodes", SET_OTHER, SC_GLOBAL},
	{"subsystem", SET_OTHER, SC_GLOBAL},
	{"syslogfacility", SET_OTHER, SC_GLOBAL},
	{"tcpkeepalive", SET_OTHER, SC_GLOBAL},
	{"trustedusercakeys", SET_OTHER, SC_ALL},
	{"unusedconnectiontimeout", SET_OTHER, SC_ALL},
	{"usedns", SET_USEDNS, SC_GLOBAL},
	{"uselogin", SET_IGNORED, SC_GLOBAL},
	{"usepam", SET_USEPAM, SC_GLOBAL},
	{"useprivilegeseparation", SET_IGNORED, SC_GLOBAL},
	{"verifyreversemapping", SET_IGNORED, SC_GLOBAL},
	{"versionaddendum", SET_OTHER, SC_GLOBAL},
	{"x11displayoffset", SET_OTHER, SC_ALL},
	{"x11forwarding", SET_OTHER, SC_ALL},
	{"x11uselocalhost", SET_OTHER, SC_ALL},
	{"xauthlocation", SET_OTHER, SC_GLOBAL},
};

#define NKEYWORDS (sizeof(keywords) / sizeof(keywords[0]))
_Static_assert(NKEYWORDS == 128, "OpenSSH 9.2p1 (Debian) accepts 128 keywords");
_Static_assert(SET_COUNT < 64, "settings fit the evaluation bitmap");

static const struct keyword *
find_keyword(const char *name)
{
	size_t i;

	for (i = 0; i < NKEYWORDS; i++)
		if (strcasecmp(name, keywords[i].name) == 0)
			return &keywords[i];
	return NULL;
}

/* ---- the algorithm lists of the Debian 12 build ------------------------- */

/* Every key/signature algorithm, in OpenSSH's keyimpls order (`ssh -Q key-sig`). */
static const char *const all_key_algs[] = {
	"ssh-ed25519",
	"ssh-ed25519-cert-v01@openssh.com",
	"sk-ssh-ed25519@openssh.com",
	"sk-ssh-ed25519-cert-v01@openssh.com",
	"ecdsa-sha2-nistp256",
	"ecdsa-sha2-nistp256-cert-v01@openssh.com",
	"ecdsa-sha2-nistp384",
	"ecdsa-sha2-nistp384-cert-v01@openssh.com",
	"ecdsa-sha2-nistp521",
	"ecdsa-sha2-nistp521-cert-v01@openssh.com",
	"sk-ecdsa-sha2-nistp256@openssh.com",
	"sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
	"webauthn-sk-ecdsa-sha2-nistp256@openssh.com",
	"ssh-dss",
	"ssh-dss-cert-v01@openssh.com",
	"ssh-rsa",
	"ssh-rsa-cert-v01@openssh.com",
	"rsa-sha2-256",
	"rsa-sha2-256-cert-v01@openssh.com",
	"rsa-sha2-512",
	"rsa-sha2-512-cert-v01@openssh.com",
};

/* The compiled-in default PubkeyAcceptedAlgorithms (sshd -T, 9.2p1). */
static const char *const default_pubkey_algs[] = {
	"ssh-ed25519-cert-v01@openssh.com",
	"ecdsa-sha2-nistp256-cert-v01@openssh.com",
	"ecdsa-sha2-nistp384-cert-v01@openssh.com",
	"ecdsa-sha2-nistp521-cert-v01@openssh.com",
	"sk-ssh-ed25519-cert-v01@openssh.com",
	"sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
	"rsa-sha2-512-cert-v01@openssh.com",
	"rsa-sha2-256-cert-v01@openssh.com",
	"ssh-ed25519",
	"ecdsa-sha2-nistp256",
	"ecdsa-sha2-nistp384",
	"ecdsa-sha2-nistp521",
	"sk-ssh-ed25519@openssh.com",
	"sk-ecdsa-sha2-nistp256@openssh.com",
	"rsa-sha2-512",
	"rsa-sha2-256",
};

#define NALL_ALGS (sizeof(all_key_algs) / sizeof(all_key_algs[0]))
#define NDEFAULT_ALGS (sizeof(default_pubkey_algs) / sizeof(default_pubkey_algs[0]))

static bool
is_sk_alg(const char *name)
{
	return strncmp(name, "sk-", 3) == 0 || strncmp(name, "webauthn-sk-", 12) == 0;
}

/* ---- small helpers --------------------------------------------------------- */

static void
free_strv(char **v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int
grow(void **p, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *np;

	if (n < *cap)
		return 0;
	ncap = *cap == 0 ? 8 : *cap * 2;
	if (ncap > SIZE_MAX / size)
		return MFA_ERR_NOMEM;
	if ((np = realloc(*p, ncap * size)) == NULL)
		return MFA_ERR_NOMEM;
	*p = np;
	*cap = ncap;
	return 0;
}

static int
strv_push(char ***v, size_t *n, size_t *cap, const char *s)
{
	char *d;
	int r;

	if ((r = grow((void **)v, cap, *n, sizeof(**v))) != 0)
		return r;
	if ((d = strdup(s)) == NULL)
		return MFA_ERR_NOMEM;
	(*v)[(*n)++] = d;
	return 0;
}

/* ---- patterns (match.c) ----------------------------------------------------- */

/* '*' and '?' wildcards, case-sensitive, whole string. */
static bool
wild_match(const char *s, const char *p)
{
	for (;;) {
		if (*p == '\0')
			return *s == '\0';
		if (*p == '*') {
			while (*p == '*')
				p++;
			if (*p == '\0')
				return true;
			for (; *s != '\0'; s++)
				if (wild_match(s, p))
					return true;
			return false;
		}
		if (*s == '\0')
			return false;
		if (*p != '?' && *p != *s)
			return false;
		s++;
		p++;
	}
}

/*
 * A comma-separated pattern list with `!` negation: -1 when a negated
 * pattern matches, 1 when a positive one does, else 0.  dolower: the
 * patterns are lower-cased first (hostnames).
 */
static int
pattern_list_match(const char *s, const char *list, bool dolower)
{
	char sub[1024];
	size_t i, len;
	bool neg, positive = false;

	while (*list != '\0') {
		neg = *list == '!';
		if (neg)
			list++;
		len = strcspn(list, ",");
		if (len >= sizeof(sub))
			return 0; /* as match.c: an over-long subpattern never matches */
		for (i = 0; i < len; i++)
			sub[i] = dolower ? (char)tolower((unsigned char)list[i]) : list[i];
		sub[len] = '\0';
		if (wild_match(s, sub)) {
			if (neg)
				return -1;
			positive = true;
		}
		list += len;
		if (*list == ',')
			list++;
	}
	return positive ? 1 : 0;
}

static int
hostname_match(const char *host, const char *list)
{
	char buf[1025];
	size_t i;

	for (i = 0; host[i] != '\0' && i < sizeof(buf) - 1; i++)
		buf[i] = (char)tolower((unsigned char)host[i]);
	buf[i] = '\0';
	return pattern_list_match(buf, list, true);
}

/* ---- addresses (addrmatch.c) ---------------------------------------------- */

struct addr {
	int af; /* AF_INET or AF_INET6 */
	uint8_t b[16];
};

static int
addr_parse(const char *s, struct addr *a)
{
	struct in_addr v4;

	memset(a, 0, sizeof(*a));
	if (strchr(s, ':') != NULL) {
		if (inet_pton(AF_INET6, s, a->b) != 1)
			return -1;
		a->af = AF_INET6;
		return 0;
	}
	/* getaddrinfo(AI_NUMERICHOST) takes what inet_aton takes */
	if (inet_aton(s, &v4) == 0)
		return -1;
	a->af = AF_INET;
	memcpy(a->b, &v4.s_addr, 4);
	return 0;
}

static unsigned
addr_bits(const struct addr *a)
{
	return a->af == AF_INET ? 32u : 128u;
}

static bool
addr_bit(const struct addr *a, unsigned i)
{
	return (((unsigned)a->b[i / 8] >> (7u - i % 8u)) & 1u) != 0;
}

/* 0 ok, -1 not a CIDR (treated as a wildcard), -2 invalid (an error). */
static int
cidr_parse(const char *s, struct addr *a, unsigned *masklenp)
{
	char buf[128];
	char *slash, *end;
	unsigned long ml = 0;
	unsigned i;

	if (strlen(s) >= sizeof(buf))
		return -1;
	memcpy(buf, s, strlen(s) + 1);
	if ((slash = strchr(buf, '/')) != NULL) {
		*slash++ = '\0';
		errno = 0;
		ml = strtoul(slash, &end, 10);
		if (*slash < '0' || *slash > '9' || *end != '\0' || ml > 128)
			return -1;
	}
	if (addr_parse(buf, a) != 0)
		return -1;
	if (slash == NULL)
		ml = addr_bits(a);
	if (ml > addr_bits(a))
		return -2;
	for (i = (unsigned)ml; i < addr_bits(a); i++)
		if (addr_bit(a, i))
			return -2; /* host bits set */
	*masklenp = (unsigned)ml;
	return 0;
}

static bool
addr_in(const struct addr *a, const struct addr *net, unsigned masklen)
{
	unsigned i;

	if (a->af != net->af)
		return false;
	for (i = 0; i < masklen; i++)
		if (addr_bit(a, i) != addr_bit(net, i))
			return false;
	return true;
}

/*
 * addr_match_list: 1 match, 0 none, -1 negated match, -2 a malformed entry
 * (empty, or a CIDR with host bits / too long a mask).  addr NULL: check
 * the list only.
 */
static int
addr_list_match(const char *addr, const char *list)
{
	struct addr try, net;
	char entry[1024];
	const char *p = list;
	size_t len;
	unsigned ml;
	bool neg;
	int ret = 0, r;

	if (addr != NULL && addr_parse(addr, &try) != 0)
		return 0;
	for (;;) {
		len = strcspn(p, ",");
		if (len >= sizeof(entry))
			return -2;
		memcpy(entry, p, len);
		entry[len] = '\0';
		neg = entry[0] == '!';
		if (entry[neg ? 1 : 0] == '\0')
			return -2;
		r = cidr_parse(entry + (neg ? 1 : 0), &net, &ml);
		if (r == -2)
			return -2;
		if ((r == 0 && addr != NULL && addr_in(&try, &net, ml)) ||
		    (r != 0 && addr != NULL && wild_match(addr, entry + (neg ? 1 : 0)))) {
			if (neg)
				return -1;
			ret = 1;
		}
		p += len;
		if (*p == '\0')
			break;
		p++;
	}
	return ret;
}

/* match.c match_user: "user" or "user@hostpattern-list"; -1 malformed. */
static int
user_pattern_match(const char *user, const char *host, const char *addr, const char *pattern)
{
	char upat[1024];
	const char *at = strchr(pattern, '@');
	int mip, mhost;
	size_t ulen;

	if (at == NULL)
		return user != NULL && wild_match(user, pattern) ? 1 : 0;
	if ((mip = addr_list_match(addr, at + 1)) == -2)
		return -1;
	if (user == NULL)
		return 0;
	ulen = (size_t)(at - pattern);
	if (ulen >= sizeof(upat))
		return 0;
	memcpy(upat, pattern, ulen);
	upat[ulen] = '\0';
	if (!wild_match(user, upat))
		return 0;
	if (host == NULL || addr == NULL || mip == -1)
		return 0;
	if ((mhost = hostname_match(host, at + 1)) == -1)
		return 0;
	return (mhost == 0 && mip == 0) ? 0 : 1;
}

/* ---- line tokenising (misc.c strdelim, argv_split) --------------------------- */

#define WHITESPACE " \t\r\n"

/*
 * strdelim: the next token of *s, separated by whitespace or a single
 * '='; a token may be wrapped in double quotes.  NULL on an unterminated
 * quote (and *s == NULL at the end).
 */
static char *
strdelim(char **s, bool *badquote)
{
	char *old;
	bool eq = false;

	if (*s == NULL)
		return NULL;
	old = *s;
	*s = strpbrk(*s, WHITESPACE "\"=");
	if (*s == NULL)
		return old;
	if (**s == '"') {
		memmove(*s, *s + 1, strlen(*s));
		if ((*s = strpbrk(*s, "\"")) == NULL) {
			if (badquote != NULL)
				*badquote = true;
			return NULL;
		}
		**s = '\0';
		*s += strspn(*s + 1, WHITESPACE) + 1;
		return old;
	}
	if (**s == '=')
		eq = true;
	**s = '\0';
	*s += strspn(*s + 1, WHITESPACE) + 1;
	if (**s == '=' && !eq)
		*s += strspn(*s + 1, WHITESPACE) + 1;
	return old;
}

/*
 * argv_split with terminate_on_comment: whitespace-separated words,
 * '...' and "..." quoting, backslash escapes of quotes, backslash and
 * (outside quotes) space; '#' at the start of a word ends the line.
 * MFA_ERR_PARSE on an unterminated quote.
 */
static int
argv_split(const char *s, char ***argvp, size_t *argcp)
{
	char **argv = NULL, *arg;
	size_t argc = 0, cap = 0, i, j;
	int quote, r;

	*argvp = NULL;
	*argcp = 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == ' ' || s[i] == '\t')
			continue;
		if (s[i] == '#')
			break;
		quote = 0;
		if ((r = grow((void **)&argv, &cap, argc, sizeof(*argv))) != 0)
			goto fail;
		if ((arg = calloc(1, strlen(s + i) + 1)) == NULL) {
			r = MFA_ERR_NOMEM;
			goto fail;
		}
		argv[argc++] = arg;
		for (j = 0; s[i] != '\0'; i++) {
			if (s[i] == '\\') {
				if (s[i + 1] == '\'' || s[i + 1] == '"' || s[i + 1] == '\\' ||
				    (quote == 0 && s[i + 1] == ' '))
					i++;
				arg[j++] = s[i];
			} else if (quote == 0 && (s[i] == ' ' || s[i] == '\t')) {
				break;
			} else if (quote == 0 && (s[i] == '"' || s[i] == '\'')) {
				quote = s[i];
			} else if (quote != 0 && s[i] == quote) {
				quote = 0;
			} else {
				arg[j++] = s[i];
			}
		}
		if (quote != 0) {
			r = MFA_ERR_PARSE;
			goto fail;
		}
		if (s[i] == '\0')
			break;
	}
	*argvp = argv;
	*argcp = argc;
	return 0;
fail:
	free_strv(argv, argc);
	return r;
}

/* ---- loading -------------------------------------------------------------- */

struct loader {
	int rootfd;
	struct sshd_config *cfg;
	size_t fcap, dcap, mcap;
	size_t nparsed;
	bool global_authmethods; /* sshd's first pass has stored AuthenticationMethods */
	struct mfa_parse_err *perr;
};

static int perror_at(struct loader *ld, const char *file, unsigned line, int err, const char *fmt,
		     ...) __attribute__((format(printf, 5, 6)));

static int
perror_at(struct loader *ld, const char *file, unsigned line, int err, const char *fmt, ...)
{
	char msg[MFA_PARSE_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mfa_parse_err_init(ld->perr, file);
	mfa_parse_err_set(ld->perr, line, 0, "%s", msg);
	return err;
}

void
sshd_config_free(struct sshd_config **cfgp)
{
	struct sshd_config *cfg;
	size_t i, j;

	if (cfgp == NULL || (cfg = *cfgp) == NULL)
		return;
	for (i = 0; i < cfg->ndirs; i++) {
		free(cfg->dirs[i].text);
		free_strv(cfg->dirs[i].argv, cfg->dirs[i].argc);
	}
	free(cfg->dirs);
	for (i = 0; i < cfg->nmatches; i++) {
		for (j = 0; j < cfg->matches[i].ncrit; j++)
			free(cfg->matches[i].crit[j].arg);
		free(cfg->matches[i].crit);
		free(cfg->matches[i].text);
	}
	free(cfg->matches);
	free_strv(cfg->files, cfg->nfiles);
	free(cfg);
	*cfgp = NULL;
}

static bool
has_glob_meta(const char *s)
{
	return strpbrk(s, "*?[\\") != NULL;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Expand one glob(3) pattern (flags 0: sorted, no leading-dot matches). */
static int
glob_walk(struct loader *ld, const char *dir, const char *rest, char ***outp, size_t *np,
	  size_t *capp)
{
	char comp[PATH_MAX], path[PATH_MAX];
	const char *slash;
	char **names = NULL;
	size_t nnames = 0, i, len;
	struct stat st;
	struct mfa_parse_err tmp;
	int r = 0;

	while (*rest == '/')
		rest++;
	if (*rest == '\0') {
		if (root_fs_stat(ld->rootfd, dir, &st, NULL, &tmp) != 0)
			return 0;
		return strv_push(outp, np, capp, dir);
	}
	slash = strchr(rest, '/');
	len = slash != NULL ? (size_t)(slash - rest) : strlen(rest);
	if (len >= sizeof(comp))
		return 0;
	memcpy(comp, rest, len);
	comp[len] = '\0';
	rest += len;
	if (!has_glob_meta(comp)) {
		if (snprintf(path, sizeof(path), "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, comp) >=
		    (int)sizeof(path))
			return 0;
		return glob_walk(ld, path, rest, outp, np, capp);
	}
	r = root_fs_list_dir(ld->rootfd, dir, &names, &nnames, &tmp);
	if (r == MFA_ERR_NOMEM)
		return r;
	if (r != 0)
		return 0; /* glob without GLOB_ERR skips unreadable directories */
	for (i = 0; i < nnames && r == 0; i++) {
		if (fnmatch(comp, names[i], FNM_PERIOD) != 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", strcmp(dir, "/") == 0 ? "" : dir,
			     names[i]) >= (int)sizeof(path))
			continue;
		if (*rest != '\0') {
			if (root_fs_stat(ld->rootfd, path, &st, NULL, &tmp) != 0 ||
			    !S_ISDIR(st.st_mode))
				continue;
		}
		r = glob_walk(ld, path, rest, outp, np, capp);
	}
	root_fs_free_names(&names, nnames);
	return r;
}

static int add_file_name(struct loader *ld, const char *path, const char **namep);
static int parse_buffer(struct loader *ld, const char *file, char *buf, size_t len, size_t parent,
			unsigned depth);

static int
add_file_name(struct loader *ld, const char *path, const char **namep)
{
	struct sshd_config *cfg = ld->cfg;
	size_t i;
	int r;

	for (i = 0; i < cfg->nfiles; i++) {
		if (strcmp(cfg->files[i], path) == 0) {
			*namep = cfg->files[i];
			return 0;
		}
	}
	if ((r = strv_push(&cfg->files, &cfg->nfiles, &ld->fcap, path)) != 0)
		return r;
	*namep = cfg->files[cfg->nfiles - 1];
	return 0;
}

/* Read and parse one file.  from_file/from_line: the Include, or NULL. */
static int
parse_file(struct loader *ld, const char *path, size_t parent, unsigned depth,
	   const char *from_file, unsigned from_line)
{
	char *buf = NULL;
	size_t len = 0;
	const char *name = NULL;
	struct stat st;
	struct mfa_parse_err sub;
	int r;

	if (++ld->nparsed > SSHD_CONFIG_MAX_FILES)
		return perror_at(ld, from_file, from_line, MFA_ERR_TOO_LARGE,
				 "more than %u configuration files read", SSHD_CONFIG_MAX_FILES);
	if ((r = add_file_name(ld, path, &name)) != 0)
		return r;
	r = root_fs_stat(ld->rootfd, path, &st, NULL, &sub);
	if (r == 0 && S_ISDIR(st.st_mode) && from_file != NULL) {
		/* sshd reads a globbed directory as an empty file */
		return 0;
	}
	if (r == 0)
		r = root_fs_read_file(ld->rootfd, path, SSHD_CONFIG_MAX_BYTES, &buf, &len, NULL,
				      &sub);
	if (r != 0) {
		if (from_file == NULL || r == MFA_ERR_NOMEM) {
			if (ld->perr != NULL)
				*ld->perr = sub;
			return r;
		}
		r = perror_at(ld, from_file, from_line, r == MFA_ERR_IO ? r : MFA_ERR_PARSE,
			      "Include: cannot read %s: %s", path, sub.msg);
		goto out;
	}
	r = parse_buffer(ld, name, buf, len, parent, depth);
out:
	free(buf);
	return r;
}

static int
add_directive(struct loader *ld, struct sshd_directive *d)
{
	struct sshd_config *cfg = ld->cfg;
	int r;

	if (cfg->ndirs >= SSHD_CONFIG_MAX_DIRECTIVES)
		return perror_at(ld, d->file, d->line, MFA_ERR_TOO_LARGE, "more than %u directives",
				 SSHD_CONFIG_MAX_DIRECTIVES);
	if ((r = grow((void **)&cfg->dirs, &ld->dcap, cfg->ndirs, sizeof(*cfg->dirs))) != 0)
		return r;
	cfg->dirs[cfg->ndirs++] = *d;
	return 0;
}

/* Does the chain starting at m hold any Match that is not "Match All"? */
static bool
chain_conditional(const struct sshd_config *cfg, size_t m)
{
	for (; m != SSHD_NO_MATCH; m = cfg->matches[m].parent)
		if (!cfg->matches[m].all)
			return true;
	return false;
}

static const struct {
	const char *name;
	enum sshd_match_kind kind;
} match_names[] = {
	{"user", SSHD_MATCH_USER},
	{"group", SSHD_MATCH_GROUP},
	{"host", SSHD_MATCH_HOST},
	{"address", SSHD_MATCH_ADDRESS},
	{"localaddress", SSHD_MATCH_LOCALADDRESS},
	{"localport", SSHD_MATCH_LOCALPORT},
	{"rdomain", SSHD_MATCH_RDOMAIN},
};

/* Parse the criteria of a Match line (servconf.c match_cfg_line, syntax only). */
static int
parse_match(struct loader *ld, const char *file, unsigned line, char *rest, size_t parent,
	    const char *text)
{
	struct sshd_config *cfg = ld->cfg;
	struct sshd_match m;
	struct sshd_match_criterion *c;
	char *attrib, *arg, *end;
	size_t i, ccap = 0;
	unsigned long port;
	bool badquote = false, found;
	int r = 0;

	memset(&m, 0, sizeof(m));
	m.file = file;
	m.line = line;
	m.parent = parent;
	while ((attrib = strdelim(&rest, &badquote)) != NULL && *attrib != '\0') {
		if (*attrib == '#') {
			rest = NULL; /* a comment ends the line */
			break;
		}
		if (strcasecmp(attrib, "all") == 0) {
			arg = strdelim(&rest, &badquote);
			if (m.ncrit > 0 || (arg != NULL && *arg != '\0' && *arg != '#')) {
				r = perror_at(ld, file, line, MFA_ERR_PARSE,
					      "Bad Match condition: 'all' cannot be combined with "
					      "other Match attributes");
				goto out;
			}
			m.all = true;
			if ((r = grow((void **)&m.crit, &ccap, m.ncrit, sizeof(*m.crit))) != 0)
				goto out;
			m.crit[m.ncrit].kind = SSHD_MATCH_ALL;
			m.crit[m.ncrit].arg = NULL;
			m.crit[m.ncrit++].port = -1;
			rest = NULL;
			break;
		}
		if ((arg = strdelim(&rest, &badquote)) == NULL || *arg == '\0' || *arg == '#') {
			r = perror_at(ld, file, line, MFA_ERR_PARSE,
				      "Bad Match condition: missing Match criteria for %s", attrib);
			goto out;
		}
		for (found = false, i = 0; i < sizeof(match_names) / sizeof(match_names[0]); i++)
			if (strcasecmp(attrib, match_names[i].name) == 0) {
				found = true;
				break;
			}
		if (!found) {
			r = perror_at(ld, file, line, MFA_ERR_PARSE,
				      "Bad Match condition: unsupported Match attribute %s",
				      attrib);
			goto out;
		}
		if ((r = grow((void **)&m.crit, &ccap, m.ncrit, sizeof(*m.crit))) != 0)
			goto out;
		c = &m.crit[m.ncrit];
		c->kind = match_names[i].kind;
		c->port = -1;
		if ((c->arg = strdup(arg)) == NULL) {
			r = MFA_ERR_NOMEM;
			goto out;
		}
		m.ncrit++;
		if (c->kind == SSHD_MATCH_ADDRESS || c->kind == SSHD_MATCH_LOCALADDRESS) {
			if (addr_list_match(NULL, arg) != 0) {
				r = perror_at(ld, file, line, MFA_ERR_PARSE,
					      "Bad Match condition: invalid %s argument '%s' "
					      "(bad address or CIDR)",
					      match_names[i].name, arg);
				goto out;
			}
		} else if (c->kind == SSHD_MATCH_LOCALPORT) {
			errno = 0;
			port = strtoul(arg, &end, 10);
			if (*arg < '0' || *arg > '9' || *end != '\0' || port == 0 || port > 65535) {
				r = perror_at(ld, file, line, MFA_ERR_PARSE,
					      "Bad Match condition: invalid LocalPort '%s'", arg);
				goto out;
			}
			c->port = (int)port;
		}
	}
	if (badquote) {
		r = perror_at(ld, file, line, MFA_ERR_PARSE, "invalid quotes");
		goto out;
	}
	if (m.ncrit == 0) {
		r = perror_at(ld, file, line, MFA_ERR_PARSE,
			      "Bad Match condition: one or more attributes required for Match");
		goto out;
	}
	if (rest != NULL && *rest != '\0' && *rest != '#') {
		r = perror_at(ld, file, line, MFA_ERR_PARSE,
			      "keyword Match extra arguments at end of line");
		goto out;
	}
	if ((m.text = strdup(text)) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	if ((r = grow((void **)&cfg->matches, &ld->mcap, cfg->nmatches, sizeof(*cfg->matches))) !=
	    0)
		goto out;
	cfg->matches[cfg->nmatches++] = m;
	memset(&m, 0, sizeof(m));
out:
	for (i = 0; i < m.ncrit; i++)
		free(m.crit[i].arg);
	free(m.crit);
	free(m.text);
	return r;
}

static const char *const method_names[] = {
	"none", "publickey", "password", "keyboard-interactive", "hostbased", "gssapi-with-mic",
};

static int
method_from_name(const char *s, size_t len, enum sshd_method *mp)
{
	size_t i;

	for (i = 0; i < sizeof(method_names) / sizeof(method_names[0]); i++) {
		if (strlen(method_names[i]) == len && strncmp(s, method_names[i], len) == 0) {
			*mp = (enum sshd_method)i;
			return 0;
		}
	}
	return -1;
}

/* auth2_methods_valid(list, 0): every comma element names a method. */
static bool
auth_list_valid(const char *list, char *bad, size_t badsz)
{
	const char *p = list;
	size_t len, mlen;
	enum sshd_method m;

	if (*list == '\0') {
		snprintf(bad, badsz, "(empty list)");
		return false;
	}
	for (;;) {
		len = strcspn(p, ",");
		mlen = strcspn(p, ",:");
		if (mlen > len)
			mlen = len;
		if (method_from_name(p, mlen, &m) != 0) {
			snprintf(bad, badsz, "%.*s", (int)(mlen < 100 ? mlen : 100), p);
			return false;
		}
		p += len;
		if (*p == '\0')
			return true;
		p++;
	}
}

/* sshkey_names_valid2(names, allow_wildcard=1): each element known or a matching pattern. */
static bool
key_alg_list_valid(const char *list)
{
	char elem[256];
	const char *p = list;
	size_t len, i;
	bool ok;

	for (;;) {
		len = strcspn(p, ",");
		if (len == 0 || len >= sizeof(elem))
			return false;
		memcpy(elem, p, len);
		elem[len] = '\0';
		for (ok = false, i = 0; i < NALL_ALGS && !ok; i++)
			ok = strcmp(elem, all_key_algs[i]) == 0 ||
			     pattern_list_match(all_key_algs[i], elem, false) != 0;
		if (!ok)
			return false;
		p += len;
		if (*p == '\0')
			return true;
		p++;
	}
}

/* kex_assemble_names: resolve an algorithm list against the default list. */
static int
resolve_algs(const char *spec, char ***outp, size_t *np, bool *invalidp)
{
	char **elems = NULL, **out = NULL;
	size_t nelems = 0, ecap = 0, n = 0, cap = 0, i, j, k;
	const char *p;
	char elem[256];
	size_t len;
	bool dup;
	int r = 0;

	*invalidp = false;
	if (spec == NULL || *spec == '\0') {
		for (i = 0; i < NDEFAULT_ALGS && r == 0; i++)
			r = strv_push(&out, &n, &cap, default_pubkey_algs[i]);
		goto done;
	}
	if (*spec == '-') {
		for (i = 0; i < NDEFAULT_ALGS && r == 0; i++)
			if (pattern_list_match(default_pubkey_algs[i], spec + 1, false) != 1)
				r = strv_push(&out, &n, &cap, default_pubkey_algs[i]);
		goto done;
	}
	/* the element list: "+x" default then x, "^x" x then default, else x */
	if (*spec == '+')
		for (i = 0; i < NDEFAULT_ALGS && r == 0; i++)
			r = strv_push(&elems, &nelems, &ecap, default_pubkey_algs[i]);
	for (p = spec + (*spec == '+' || *spec == '^' ? 1 : 0); r == 0 && *p != '\0';) {
		len = strcspn(p, ",");
		if (len > 0 && len < sizeof(elem)) {
			memcpy(elem, p, len);
			elem[len] = '\0';
			r = strv_push(&elems, &nelems, &ecap, elem);
		}
		p += len;
		if (*p == ',')
			p++;
	}
	if (*spec == '^')
		for (i = 0; i < NDEFAULT_ALGS && r == 0; i++)
			r = strv_push(&elems, &nelems, &ecap, default_pubkey_algs[i]);
	for (i = 0; i < nelems && r == 0; i++) {
		if (elems[i][0] == '!') {
			*invalidp = true; /* negated matches are not supported here */
			break;
		}
		for (j = 0; j < NALL_ALGS && r == 0; j++) {
			if (pattern_list_match(all_key_algs[j], elems[i], false) != 1)
				continue;
			for (dup = false, k = 0; k < n && !dup; k++)
				dup = strcmp(out[k], all_key_algs[j]) == 0;
			if (!dup)
				r = strv_push(&out, &n, &cap, all_key_algs[j]);
		}
	}
	if (r == 0 && !*invalidp && n == 0)
		*invalidp = true; /* an empty name-list is an error */
done:
	free_strv(elems, nelems);
	if (r != 0 || *invalidp) {
		free_strv(out, n);
		return r;
	}
	*outp = out;
	*np = n;
	return 0;
}

/* Check the value of a modelled keyword as servconf.c does. */
static int
check_value(struct loader *ld, const struct sshd_directive *d, const char *written,
	    const struct keyword *kw)
{
	char bad[128];
	char **algs = NULL;
	size_t nalgs = 0, i, maxargs = SIZE_MAX;
	bool invalid;
	int r;

	switch (kw->setting) {
	case SET_USEPAM:
	case SET_PASSWORDAUTH:
	case SET_KBDINT:
	case SET_PUBKEYAUTH:
	case SET_HOSTBASEDAUTH:
	case SET_GSSAPIAUTH:
	case SET_KERBEROSAUTH:
	case SET_PERMITEMPTY:
	case SET_USEDNS:
	case SET_PERMITROOTLOGIN:
		if (d->argc == 0 || d->argv[0][0] == '\0')
			return perror_at(ld, d->file, d->line, MFA_ERR_PARSE,
					 "%s: missing argument", written);
		if (strcasecmp(d->argv[0], "yes") != 0 && strcasecmp(d->argv[0], "no") != 0 &&
		    (kw->setting != SET_PERMITROOTLOGIN ||
		     (strcasecmp(d->argv[0], "prohibit-password") != 0 &&
		      strcasecmp(d->argv[0], "without-password") != 0 &&
		      strcasecmp(d->argv[0], "forced-commands-only") != 0)))
			return perror_at(ld, d->file, d->line, MFA_ERR_PARSE,
					 "%s: unsupported option \"%s\"", written, d->argv[0]);
		maxargs = 1;
		break;
	case SET_AUTHMETHODS:
		if (d->argc == 0)
			return perror_at(ld, d->file, d->line, MFA_ERR_PARSE, "no %s specified",
					 written);
		for (i = 0; i < d->argc; i++) {
			if (strcmp(d->argv[i], "any") == 0) {
				if (d->argc > 1)
					return perror_at(ld, d->file, d->line, MFA_ERR_PARSE,
							 "\"any\" must appear alone in %s",
							 written);
			} else if (!auth_list_valid(d->argv[i], bad, sizeof(bad))) {
				return perror_at(ld, d->file, d->line, MFA_ERR_PARSE,
						 "invalid %s method list: unknown authentication "
						 "method \"%s\"",
						 written, bad);
			}
		}
		break;
	case SET_PUBKEYOPTS:
		for (i = 0; i < d->argc; i++)
			if (strcasecmp(d->argv[i], "none") != 0 &&
			    strcasecmp(d->argv[i], "touch-required") != 0 &&
			    strcasecmp(d->argv[i], "verify-required") != 0)
				return perror_at(ld, d->file, d->line, MFA_ERR_PARSE,
						 "unsupported %s option %s", written, d->argv[i]);
		break;
	case SET_PUBKEYALGS:
	case SET_HOSTBASEDALGS:
		if (d->argc == 0 || d->argv[0][0] == '\0')
			return perror_at(ld, d->file, d->line, MFA_ERR_PARSE,
					 "%s: missing argument", written);
		if (d->argv[0][0] != '-' &&
		    !key_alg_list_valid(d->argv[0] +
					(d->argv[0][0] == '+' || d->argv[0][0] == '^' ? 1 : 0)))
			return perror_at(ld, d->file, d->line, MFA_ERR_PARSE,
					 "%s: bad key types '%s'", written, d->argv[0]);
		if ((r = resolve_algs(d->argv[0], &algs, &nalgs, &invalid)) != 0)
			return r;
		free_strv(algs, nalgs);
		if (invalid)
			return perror_at(ld, d->file, d->line, MFA_ERR_PARSE,
					 "%s: '%s' leaves no algorithm or negates one "
					 "(sshd: invalid argument)",
					 written, d->argv[0]);
		maxargs = 1;
		break;
	case SET_AKFILE:
	case SET_ALLOWGROUPS:
	case SET_DENYGROUPS:
		for (i = 0; i < d->argc; i++)
			if (d->argv[i][0] == '\0')
				return perror_at(ld, d->file, d->line, MFA_ERR_PARSE,
						 "%s: empty argument", written);
		break;
	case SET_ALLOWUSERS:
	case SET_DENYUSERS:
		for (i = 0; i < d->argc; i++)
			if (d->argv[i][0] == '\0' ||
			    user_pattern_match(NULL, NULL, NULL, d->argv[i]) == -1)
				return perror_at(ld, d->file, d->line, MFA_ERR_PARSE,
						 "invalid %s pattern: \"%s\"", written, d->argv[i]);
		break;
	default:
		break;
	}
	if (d->argc > maxargs)
		return perror_at(ld, d->file, d->line, MFA_ERR_PARSE,
				 "keyword %s extra arguments at end of line", written);
	return 0;
}

static int
do_include(struct loader *ld, const struct sshd_directive *d, size_t cur, unsigned depth)
{
	char **paths = NULL;
	size_t npaths = 0, cap = 0, i, j;
	char pattern[PATH_MAX];
	int r = 0;
	/* cfg->dirs moves while included files are parsed: keep what we need */
	const char *file = d->file;
	unsigned line = d->line;
	char **argv = d->argv;
	size_t argc = d->argc;

	if (argc == 0)
		return perror_at(ld, file, line, MFA_ERR_PARSE,
				 "Include missing filename argument");
	for (i = 0; i < argc && r == 0; i++) {
		if (argv[i][0] == '\0') {
			r = perror_at(ld, file, line, MFA_ERR_PARSE,
				      "keyword Include empty argument");
			break;
		}
		if (argv[i][0] == '~')
			continue; /* sshd globs "~..." relative to its working directory */
		if (snprintf(pattern, sizeof(pattern), "%s%s%s",
			     argv[i][0] == '/' ? "" : SSHD_CONFIG_SSHDIR,
			     argv[i][0] == '/' ? "" : "/", argv[i]) >= (int)sizeof(pattern))
			continue;
		if ((r = glob_walk(ld, "/", pattern, &paths, &npaths, &cap)) != 0)
			break;
		if (npaths > 1)
			qsort(paths, npaths, sizeof(*paths), cmp_str);
		for (j = 0; j < npaths && r == 0; j++) {
			if (depth + 1 > SSHD_CONFIG_MAX_DEPTH) {
				r = perror_at(ld, file, line, MFA_ERR_TOO_DEEP,
					      "Include %s: too many recursive configuration "
					      "includes (more than %d levels; an include loop?)",
					      paths[j], SSHD_CONFIG_MAX_DEPTH);
				break;
			}
			r = parse_file(ld, paths[j], cur, depth + 1, file, line);
		}
		free_strv(paths, npaths);
		paths = NULL;
		npaths = cap = 0;
	}
	free_strv(paths, npaths);
	return r;
}

/* Trim the line in place; return the start. */
static char *
trim(char *s)
{
	size_t len;

	s += strspn(s, " \t\r");
	len = strlen(s);
	while (len > 0 && strchr(WHITESPACE "\f", s[len - 1]) != NULL)
		s[--len] = '\0';
	return s;
}

static int
parse_line(struct loader *ld, const char *file, unsigned lineno, char *line, size_t *curp,
	   size_t parent, unsigned depth)
{
	struct sshd_directive d;
	const struct keyword *kw;
	char *text = NULL, *copy = NULL, *str, *keyword;
	bool badquote = false;
	int r = 0;

	(void)parent;
	memset(&d, 0, sizeof(d));
	line = trim(line);
	if ((text = strdup(line)) == NULL || (copy = strdup(line)) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	str = copy;
	if ((keyword = strdelim(&str, &badquote)) == NULL)
		goto out;
	if (*keyword == '\0')
		keyword = strdelim(&str, &badquote);
	if (keyword == NULL || *keyword == '\0' || *keyword == '#')
		goto out;
	if (str == NULL || *str == '\0') {
		r = perror_at(ld, file, lineno, MFA_ERR_PARSE, "no argument after keyword \"%s\"",
			      keyword);
		goto out;
	}
	if ((kw = find_keyword(keyword)) == NULL) {
		r = perror_at(ld, file, lineno, MFA_ERR_PARSE, "Bad configuration option: %s",
			      keyword);
		goto out;
	}
	d.file = file;
	d.line = lineno;
	d.keyword = kw->name;
	d.setting = (int)kw->setting;
	d.global = (kw->scope & SC_MATCH) == 0;
	d.ignored = kw->setting == SET_IGNORED;
	d.match = *curp;
	d.depth = depth;
	if (argv_split(str, &d.argv, &d.argc) != 0) {
		r = perror_at(ld, file, lineno, MFA_ERR_PARSE, "invalid quotes");
		goto out;
	}
	if (d.global && chain_conditional(ld->cfg, *curp)) {
		r = perror_at(ld, file, lineno, MFA_ERR_PARSE,
			      "Directive '%s' is not allowed within a Match block", keyword);
		goto out;
	}
	if (kw->setting == SET_MATCH) {
		if ((r = parse_match(ld, file, lineno, str, parent, text)) != 0)
			goto out;
		*curp = ld->cfg->nmatches - 1;
		d.match = *curp;
	} else if ((r = check_value(ld, &d, keyword, kw)) != 0) {
		goto out;
	}
	if (kw->setting == SET_AUTHMETHODS) {
		/*
		 * servconf.c refuses "any" once its first (global) pass holds
		 * methods, whichever block the line is in.
		 */
		if (ld->global_authmethods && strcmp(d.argv[0], "any") == 0) {
			r = perror_at(ld, file, lineno, MFA_ERR_PARSE,
				      "\"any\" must appear alone in AuthenticationMethods (an "
				      "earlier AuthenticationMethods line already applies)");
			goto out;
		}
		if (!chain_conditional(ld->cfg, *curp))
			ld->global_authmethods = true;
	}
	d.text = text;
	text = NULL;
	if ((r = add_directive(ld, &d)) != 0) {
		text = d.text;
		goto out;
	}
	memset(&d, 0, sizeof(d));
	if (kw->setting == SET_INCLUDE) {
		const struct sshd_directive *inc = &ld->cfg->dirs[ld->cfg->ndirs - 1];

		r = do_include(ld, inc, *curp, depth);
	}
out:
	free_strv(d.argv, d.argc);
	free(text);
	free(copy);
	return r;
}

static int
parse_buffer(struct loader *ld, const char *file, char *buf, size_t len, size_t parent,
	     unsigned depth)
{
	char *line = buf, *nl;
	unsigned lineno = 0;
	size_t cur = parent;
	int r = 0;

	if (memchr(buf, '\0', len) != NULL) {
		for (nl = buf, lineno = 1; nl < buf + len && *nl != '\0'; nl++)
			if (*nl == '\n')
				lineno++;
		return perror_at(ld, file, lineno, MFA_ERR_PARSE, "NUL byte in the file");
	}
	lineno = 0;
	while (r == 0 && line != NULL && line < buf + len) {
		lineno++;
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		r = parse_line(ld, file, lineno, line, &cur, parent, depth);
		line = nl != NULL ? nl + 1 : NULL;
	}
	return r;
}

int
sshd_config_load(int rootfd, const char *path, struct sshd_config **cfgp,
		 struct mfa_parse_err *perr)
{
	struct loader ld;
	int r;

	mfa_parse_err_init(perr, path);
	if (rootfd < 0 || path == NULL || cfgp == NULL || path[0] != '/') {
		mfa_parse_err_set(perr, 0, 0, "invalid arguments");
		return MFA_ERR_INVALID_ARG;
	}
	memset(&ld, 0, sizeof(ld));
	ld.rootfd = rootfd;
	ld.perr = perr;
	if ((ld.cfg = calloc(1, sizeof(*ld.cfg))) == NULL)
		return MFA_ERR_NOMEM;
	r = parse_file(&ld, path, SSHD_NO_MATCH, 0, NULL, 0);
	if (r == MFA_ERR_NOT_FOUND && perr != NULL)
		snprintf(perr->msg, sizeof(perr->msg), "sshd configuration not found");
	if (r != 0) {
		sshd_config_free(&ld.cfg);
		return r;
	}
	*cfgp = ld.cfg;
	return 0;
}

/* ---- evaluation ------------------------------------------------------------ */

static bool
crit_match(const struct sshd_match_criterion *c, const struct sshd_match_ctx *ctx)
{
	bool found = false;
	size_t i;
	int r;

	switch (c->kind) {
	case SSHD_MATCH_ALL:
		return true;
	case SSHD_MATCH_USER:
		return ctx->user != NULL && pattern_list_match(ctx->user, c->arg, false) == 1;
	case SSHD_MATCH_GROUP:
		if (ctx->user == NULL)
			return false;
		for (i = 0; i < ctx->ngroups; i++) {
			if (ctx->groups[i] == NULL)
				continue;
			r = pattern_list_match(ctx->groups[i], c->arg, false);
			if (r == -1)
				return false; /* a negated match wins */
			if (r == 1)
				found = true;
		}
		return found;
	case SSHD_MATCH_HOST:
		return ctx->host != NULL && hostname_match(ctx->host, c->arg) == 1;
	case SSHD_MATCH_ADDRESS:
		return ctx->addr != NULL && addr_list_match(ctx->addr, c->arg) == 1;
	case SSHD_MATCH_LOCALADDRESS:
		return ctx->laddr != NULL && addr_list_match(ctx->laddr, c->arg) == 1;
	case SSHD_MATCH_LOCALPORT:
		return ctx->lport > 0 && ctx->lport == c->port;
	case SSHD_MATCH_RDOMAIN:
		return ctx->rdomain != NULL && pattern_list_match(ctx->rdomain, c->arg, false) == 1;
	}
	return false;
}

static bool
match_line_matches(const struct sshd_match *m, const struct sshd_match_ctx *ctx)
{
	size_t i;

	for (i = 0; i < m->ncrit; i++)
		if (!crit_match(&m->crit[i], ctx))
			return false;
	return true;
}

static bool
chain_matches(const struct sshd_config *cfg, size_t m, const struct sshd_match_ctx *ctx)
{
	for (; m != SSHD_NO_MATCH; m = cfg->matches[m].parent)
		if (!match_line_matches(&cfg->matches[m], ctx))
			return false;
	return true;
}

/* Settings sshd copies from the Match pass (copy_set_server_options). */
static bool
setting_matchable(int setting)
{
	return setting != SET_USEPAM && setting != SET_USEDNS;
}

static bool
is_list_setting(int setting)
{
	return setting == SET_ALLOWUSERS || setting == SET_DENYUSERS ||
	       setting == SET_ALLOWGROUPS || setting == SET_DENYGROUPS;
}

static void
ev_from(struct sshd_evidence *ev, const struct sshd_directive *d)
{
	ev->file = d->file;
	ev->line = d->line;
	ev->text = d->text;
}

static void
ev_default(struct sshd_evidence *ev, const char *text)
{
	ev->file = NULL;
	ev->line = 0;
	ev->text = text;
}

static void
set_flag(struct sshd_flag *f, const struct sshd_directive *d, bool dflt, const char *dtext)
{
	if (d != NULL) {
		f->value = strcasecmp(d->argv[0], "yes") == 0;
		ev_from(&f->ev, d);
	} else {
		f->value = dflt;
		ev_default(&f->ev, dtext);
	}
}

void
sshd_effective_clear(struct sshd_effective *eff)
{
	size_t i, j;

	if (eff == NULL)
		return;
	for (i = 0; i < eff->authentication_methods.nchains; i++) {
		struct sshd_auth_chain *c = &eff->authentication_methods.chains[i];

		for (j = 0; j < c->n; j++)
			free(c->methods[j].submethod);
		free(c->methods);
		free(c->text);
	}
	free(eff->authentication_methods.chains);
	free_strv(eff->pubkey_accepted_algorithms.algs, eff->pubkey_accepted_algorithms.n);
	free_strv(eff->authorized_keys_files.files, eff->authorized_keys_files.n);
	free_strv(eff->allow_users.v, eff->allow_users.n);
	free(eff->allow_users.ev);
	free_strv(eff->deny_users.v, eff->deny_users.n);
	free(eff->deny_users.ev);
	free_strv(eff->allow_groups.v, eff->allow_groups.n);
	free(eff->allow_groups.ev);
	free_strv(eff->deny_groups.v, eff->deny_groups.n);
	free(eff->deny_groups.ev);
	memset(eff, 0, sizeof(*eff));
}

static int
parse_chain(const char *text, struct sshd_auth_chain *c)
{
	const char *p = text;
	size_t len, mlen, cap = 0;
	enum sshd_method m;
	int r;

	memset(c, 0, sizeof(*c));
	if ((c->text = strdup(text)) == NULL)
		return MFA_ERR_NOMEM;
	while (*p != '\0') {
		len = strcspn(p, ",");
		mlen = strcspn(p, ",:");
		if (mlen > len)
			mlen = len;
		if (method_from_name(p, mlen, &m) != 0)
			return MFA_ERR_PARSE; /* cannot happen after the load checks */
		if ((r = grow((void **)&c->methods, &cap, c->n, sizeof(*c->methods))) != 0)
			return r;
		c->methods[c->n].method = m;
		c->methods[c->n].submethod = NULL;
		if (mlen < len &&
		    (c->methods[c->n].submethod = strndup(p + mlen + 1, len - mlen - 1)) == NULL)
			return MFA_ERR_NOMEM;
		c->n++;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

static int
strlist_add(struct sshd_strlist *l, size_t *cap, const char *s, const struct sshd_directive *d)
{
	size_t ocap = *cap;
	struct sshd_evidence *nev;
	int r;

	if ((r = strv_push(&l->v, &l->n, cap, s)) != 0)
		return r;
	if (*cap != ocap || l->ev == NULL) {
		if ((nev = realloc(l->ev, *cap * sizeof(*nev))) == NULL)
			return MFA_ERR_NOMEM;
		l->ev = nev;
	}
	ev_from(&l->ev[l->n - 1], d);
	return 0;
}

/* allowed_user() of auth.c, for the Allow/Deny lists only. */
static void
decide_login(struct sshd_effective *eff, const struct sshd_match_ctx *ctx)
{
	const char *host = ctx->host;
	size_t i, g;
	bool hit;

	eff->login_allowed.allowed = true;
	ev_default(&eff->login_allowed.ev, "no AllowUsers/DenyUsers/AllowGroups/DenyGroups");
	if (ctx->user == NULL)
		return;
	for (i = 0; i < eff->deny_users.n; i++) {
		if (user_pattern_match(ctx->user, host, ctx->addr, eff->deny_users.v[i]) != 0) {
			eff->login_allowed.allowed = false;
			snprintf(eff->login_allowed.why, sizeof(eff->login_allowed.why),
				 "listed in DenyUsers (%s)", eff->deny_users.v[i]);
			eff->login_allowed.ev = eff->deny_users.ev[i];
			return;
		}
	}
	if (eff->allow_users.n > 0) {
		for (hit = false, i = 0; i < eff->allow_users.n && !hit; i++)
			hit = user_pattern_match(ctx->user, host, ctx->addr,
						 eff->allow_users.v[i]) == 1;
		if (!hit) {
			eff->login_allowed.allowed = false;
			snprintf(eff->login_allowed.why, sizeof(eff->login_allowed.why),
				 "not listed in AllowUsers");
			eff->login_allowed.ev = eff->allow_users.ev[0];
			return;
		}
		eff->login_allowed.ev = eff->allow_users.ev[i - 1];
	}
	if (eff->deny_groups.n == 0 && eff->allow_groups.n == 0)
		return;
	if (ctx->ngroups == 0) {
		eff->login_allowed.allowed = false;
		snprintf(eff->login_allowed.why, sizeof(eff->login_allowed.why),
			 "not in any group");
		eff->login_allowed.ev =
			eff->deny_groups.n > 0 ? eff->deny_groups.ev[0] : eff->allow_groups.ev[0];
		return;
	}
	for (i = 0; i < eff->deny_groups.n; i++)
		for (g = 0; g < ctx->ngroups; g++)
			if (ctx->groups[g] != NULL &&
			    wild_match(ctx->groups[g], eff->deny_groups.v[i])) {
				eff->login_allowed.allowed = false;
				snprintf(eff->login_allowed.why, sizeof(eff->login_allowed.why),
					 "group %s listed in DenyGroups", ctx->groups[g]);
				eff->login_allowed.ev = eff->deny_groups.ev[i];
				return;
			}
	if (eff->allow_groups.n > 0) {
		for (i = 0; i < eff->allow_groups.n; i++)
			for (g = 0; g < ctx->ngroups; g++)
				if (ctx->groups[g] != NULL &&
				    wild_match(ctx->groups[g], eff->allow_groups.v[i])) {
					eff->login_allowed.ev = eff->allow_groups.ev[i];
					return;
				}
		eff->login_allowed.allowed = false;
		snprintf(eff->login_allowed.why, sizeof(eff->login_allowed.why),
			 "no group listed in AllowGroups");
		eff->login_allowed.ev = eff->allow_groups.ev[0];
	}
}

int
sshd_config_evaluate(const struct sshd_config *cfg, const struct sshd_match_ctx *ctx,
		     struct sshd_effective *out, struct mfa_parse_err *perr)
{
	const struct sshd_directive *gpass[SET_COUNT], *mpass[SET_COUNT], *pick[SET_COUNT];
	const struct sshd_directive *d;
	struct sshd_effective eff;
	struct sshd_strlist *lists[SET_COUNT];
	size_t caps[SET_COUNT];
	bool has_match_list[SET_COUNT];
	size_t i, j, nalgs = 0;
	char **algs = NULL;
	bool in_global, in_match, invalid;
	int pass, r = 0;

	mfa_parse_err_init(perr, NULL);
	if (cfg == NULL || ctx == NULL || out == NULL)
		return MFA_ERR_INVALID_ARG;
	memset(&eff, 0, sizeof(eff));
	memset(gpass, 0, sizeof(gpass));
	memset(mpass, 0, sizeof(mpass));
	memset(lists, 0, sizeof(lists));
	memset(caps, 0, sizeof(caps));
	memset(has_match_list, 0, sizeof(has_match_list));
	lists[SET_ALLOWUSERS] = &eff.allow_users;
	lists[SET_DENYUSERS] = &eff.deny_users;
	lists[SET_ALLOWGROUPS] = &eff.allow_groups;
	lists[SET_DENYGROUPS] = &eff.deny_groups;

	/* first value obtained wins, per pass */
	for (i = 0; i < cfg->ndirs; i++) {
		d = &cfg->dirs[i];
		if (d->setting <= SET_INCLUDE || d->setting >= SET_COUNT)
			continue;
		in_global = !chain_conditional(cfg, d->match);
		in_match = d->match != SSHD_NO_MATCH && setting_matchable(d->setting) &&
			   chain_matches(cfg, d->match, ctx);
		if (in_global && gpass[d->setting] == NULL)
			gpass[d->setting] = d;
		if (in_match && mpass[d->setting] == NULL)
			mpass[d->setting] = d;
		if (in_match && is_list_setting(d->setting) && d->argc > 0)
			has_match_list[d->setting] = true;
		if (in_match && d->setting == SET_AUTHMETHODS && mpass[SET_AUTHMETHODS] != d &&
		    strcmp(d->argv[0], "any") == 0) {
			/* sshd's Match pass dies here: the connection is closed */
			mfa_parse_err_init(perr, d->file);
			mfa_parse_err_set(
				perr, d->line, 0,
				"\"any\" must appear alone in AuthenticationMethods: sshd "
				"refuses this connection");
			r = MFA_ERR_PARSE;
			goto out;
		}
	}
	for (i = 0; i < SET_COUNT; i++)
		pick[i] = mpass[i] != NULL ? mpass[i] : gpass[i];

	/* Allow/Deny lists accumulate; a Match-pass list replaces the global one */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < cfg->ndirs && r == 0; i++) {
			d = &cfg->dirs[i];
			if (!is_list_setting(d->setting))
				continue;
			if (pass == 0 &&
			    (has_match_list[d->setting] || chain_conditional(cfg, d->match)))
				continue;
			if (pass == 1 &&
			    (!has_match_list[d->setting] || d->match == SSHD_NO_MATCH ||
			     !chain_matches(cfg, d->match, ctx)))
				continue;
			for (j = 0; j < d->argc && r == 0; j++)
				r = strlist_add(lists[d->setting], &caps[d->setting], d->argv[j],
						d);
		}
	}
	if (r != 0)
		goto out;

	set_flag(&eff.use_pam, pick[SET_USEPAM], false,
		 "default: UsePAM no (OpenSSH compiled-in; Debian sets yes in its sshd_config)");
	set_flag(&eff.password_authentication, pick[SET_PASSWORDAUTH], true,
		 "default: PasswordAuthentication yes");
	set_flag(&eff.kbd_interactive_authentication, pick[SET_KBDINT], true,
		 "default: KbdInteractiveAuthentication yes");
	set_flag(&eff.pubkey_authentication, pick[SET_PUBKEYAUTH], true,
		 "default: PubkeyAuthentication yes");
	set_flag(&eff.hostbased_authentication, pick[SET_HOSTBASEDAUTH], false,
		 "default: HostbasedAuthentication no");
	set_flag(&eff.gssapi_authentication, pick[SET_GSSAPIAUTH], false,
		 "default: GSSAPIAuthentication no");
	set_flag(&eff.kerberos_authentication, pick[SET_KERBEROSAUTH], false,
		 "default: KerberosAuthentication no");
	set_flag(&eff.permit_empty_passwords, pick[SET_PERMITEMPTY], false,
		 "default: PermitEmptyPasswords no");
	set_flag(&eff.use_dns, pick[SET_USEDNS], false, "default: UseDNS no");

	if ((d = pick[SET_PERMITROOTLOGIN]) != NULL) {
		if (strcasecmp(d->argv[0], "yes") == 0)
			eff.permit_root_login.value = SSHD_ROOT_YES;
		else if (strcasecmp(d->argv[0], "no") == 0)
			eff.permit_root_login.value = SSHD_ROOT_NO;
		else if (strcasecmp(d->argv[0], "forced-commands-only") == 0)
			eff.permit_root_login.value = SSHD_ROOT_FORCED_COMMANDS_ONLY;
		else
			eff.permit_root_login.value = SSHD_ROOT_PROHIBIT_PASSWORD;
		ev_from(&eff.permit_root_login.ev, d);
	} else {
		eff.permit_root_login.value = SSHD_ROOT_PROHIBIT_PASSWORD;
		ev_default(&eff.permit_root_login.ev, "default: PermitRootLogin prohibit-password");
	}

	if ((d = pick[SET_AUTHMETHODS]) != NULL &&
	    !(d->argc == 1 && strcmp(d->argv[0], "any") == 0)) {
		eff.authentication_methods.chains = calloc(d->argc, sizeof(struct sshd_auth_chain));
		if (eff.authentication_methods.chains == NULL) {
			r = MFA_ERR_NOMEM;
			goto out;
		}
		for (i = 0; i < d->argc && r == 0; i++) {
			r = parse_chain(d->argv[i], &eff.authentication_methods.chains[i]);
			eff.authentication_methods.nchains = i + 1;
		}
		if (r != 0)
			goto out;
		ev_from(&eff.authentication_methods.ev, d);
	} else {
		eff.authentication_methods.any = true;
		if (d != NULL)
			ev_from(&eff.authentication_methods.ev, d);
		else
			ev_default(&eff.authentication_methods.ev,
				   "default: AuthenticationMethods any");
	}

	eff.pam_service_name.value = "sshd";
	ev_default(&eff.pam_service_name.ev,
		   "OpenSSH 9.2 always uses PAM service \"sshd\" (PAMServiceName appeared in 9.8)");

	if ((d = pick[SET_PUBKEYOPTS]) != NULL) {
		for (i = 0; i < d->argc; i++) {
			if (strcasecmp(d->argv[i], "touch-required") == 0)
				eff.pubkey_auth_options.touch_required = true;
			if (strcasecmp(d->argv[i], "verify-required") == 0)
				eff.pubkey_auth_options.verify_required = true;
		}
		ev_from(&eff.pubkey_auth_options.ev, d);
	} else {
		ev_default(&eff.pubkey_auth_options.ev, "default: PubkeyAuthOptions none");
	}

	d = pick[SET_PUBKEYALGS];
	if ((r = resolve_algs(d != NULL ? d->argv[0] : NULL, &algs, &nalgs, &invalid)) != 0)
		goto out;
	if (invalid) {
		mfa_parse_err_init(perr, d->file);
		mfa_parse_err_set(perr, d->line, 0, "PubkeyAcceptedAlgorithms leaves no algorithm");
		r = MFA_ERR_PARSE;
		goto out;
	}
	eff.pubkey_accepted_algorithms.algs = algs;
	eff.pubkey_accepted_algorithms.n = nalgs;
	algs = NULL;
	eff.pubkey_accepted_algorithms.only_sk = nalgs > 0;
	for (i = 0; i < nalgs; i++)
		if (!is_sk_alg(eff.pubkey_accepted_algorithms.algs[i]))
			eff.pubkey_accepted_algorithms.only_sk = false;
	if (d != NULL)
		ev_from(&eff.pubkey_accepted_algorithms.ev, d);
	else
		ev_default(&eff.pubkey_accepted_algorithms.ev,
			   "default: PubkeyAcceptedAlgorithms (OpenSSH 9.2 list)");

	{
		size_t cap = 0;

		if ((d = pick[SET_AKFILE]) != NULL && d->argc > 0) {
			for (i = 0; i < d->argc && r == 0; i++)
				r = strv_push(&eff.authorized_keys_files.files,
					      &eff.authorized_keys_files.n, &cap, d->argv[i]);
			ev_from(&eff.authorized_keys_files.ev, d);
		} else {
			r = strv_push(&eff.authorized_keys_files.files,
				      &eff.authorized_keys_files.n, &cap, ".ssh/authorized_keys");
			if (r == 0)
				r = strv_push(&eff.authorized_keys_files.files,
					      &eff.authorized_keys_files.n, &cap,
					      ".ssh/authorized_keys2");
			ev_default(&eff.authorized_keys_files.ev,
				   "default: AuthorizedKeysFile .ssh/authorized_keys "
				   ".ssh/authorized_keys2");
		}
		if (r != 0)
			goto out;
	}

	decide_login(&eff, ctx);
	*out = eff;
	memset(&eff, 0, sizeof(eff));
out:
	free_strv(algs, nalgs);
	sshd_effective_clear(&eff);
	return r;
}

const char *
sshd_permit_root_name(enum sshd_permit_root v)
{
	switch (v) {
	case SSHD_ROOT_YES:
		return "yes";
	case SSHD_ROOT_PROHIBIT_PASSWORD:
		return "prohibit-password";
	case SSHD_ROOT_FORCED_COMMANDS_ONLY:
		return "forced-commands-only";
	case SSHD_ROOT_NO:
		return "no";
	}
	return "?";
}

const char *
sshd_method_name(enum sshd_method m)
{
	if ((size_t)m < sizeof(method_names) / sizeof(method_names[0]))
		return method_names[m];
	return "?";
}

/* ---- routes ------------------------------------------------------------------ */

void
sshd_routes_clear(struct sshd_routes *routes)
{
	size_t i;

	if (routes == NULL)
		return;
	for (i = 0; i < routes->n; i++)
		free(routes->routes[i].steps);
	free(routes->routes);
	for (i = 0; i < routes->ndropped; i++) {
		free(routes->dropped[i].text);
		free(routes->dropped[i].reason);
	}
	free(routes->dropped);
	memset(routes, 0, sizeof(*routes));
}

static void
ev_text(char *buf, size_t sz, const char *what, const struct sshd_evidence *ev)
{
	if (ev->file != NULL)
		snprintf(buf, sz, "%s (%s:%u)", what, ev->file, ev->line);
	else
		snprintf(buf, sz, "%s (%s)", what, ev->text);
}

/*
 * The setting that allows method m (none: PasswordAuthentication, which
 * PermitEmptyPasswords narrows), and in *offp how it reads when it forbids it.
 */
static const struct sshd_flag *
method_flag(const struct sshd_effective *eff, enum sshd_method m, const char **offp)
{
	switch (m) {
	case SSHD_METHOD_NONE:
	case SSHD_METHOD_PASSWORD:
		*offp = "PasswordAuthentication no";
		return &eff->password_authentication;
	case SSHD_METHOD_PUBLICKEY:
		*offp = "PubkeyAuthentication no";
		return &eff->pubkey_authentication;
	case SSHD_METHOD_KBDINT:
		*offp = "KbdInteractiveAuthentication no";
		return &eff->kbd_interactive_authentication;
	case SSHD_METHOD_HOSTBASED:
		*offp = "HostbasedAuthentication no";
		return &eff->hostbased_authentication;
	case SSHD_METHOD_GSSAPI:
		*offp = "GSSAPIAuthentication no";
		return &eff->gssapi_authentication;
	}
	*offp = NULL;
	return NULL;
}

/*
 * Why method m cannot succeed for this user, or NULL.  why is filled.
 */
static const char *
method_blocked(const struct sshd_effective *eff, bool root, enum sshd_method m, const char *sub,
	       char *why, size_t whysz)
{
	const char *name = NULL;
	const struct sshd_flag *f = method_flag(eff, m, &name);

	if (m == SSHD_METHOD_NONE && !eff->permit_empty_passwords.value) {
		ev_text(why, whysz, "PermitEmptyPasswords no", &eff->permit_empty_passwords.ev);
		return why;
	}
	if (f != NULL && !f->value) {
		ev_text(why, whysz, name, &f->ev);
		return why;
	}
	if (m == SSHD_METHOD_KBDINT) {
		if (!eff->use_pam.value) {
			ev_text(why, whysz,
				"keyboard-interactive has no device without UsePAM (Debian builds "
				"have only the pam device)",
				&eff->use_pam.ev);
			return why;
		}
		if (sub != NULL && strcmp(sub, "pam") != 0) {
			snprintf(why, whysz, "keyboard-interactive device \"%s\" does not exist",
				 sub);
			return why;
		}
	}
	if (root) {
		switch (eff->permit_root_login.value) {
		case SSHD_ROOT_YES:
			break;
		case SSHD_ROOT_PROHIBIT_PASSWORD:
			if (m == SSHD_METHOD_PASSWORD || m == SSHD_METHOD_KBDINT ||
			    m == SSHD_METHOD_NONE) {
				ev_text(why, whysz, "PermitRootLogin prohibit-password",
					&eff->permit_root_login.ev);
				return why;
			}
			break;
		case SSHD_ROOT_FORCED_COMMANDS_ONLY:
			if (m != SSHD_METHOD_PUBLICKEY) {
				ev_text(why, whysz, "PermitRootLogin forced-commands-only",
					&eff->permit_root_login.ev);
				return why;
			}
			break;
		case SSHD_ROOT_NO:
			ev_text(why, whysz, "PermitRootLogin no", &eff->permit_root_login.ev);
			return why;
		}
	}
	return NULL;
}

static void
fill_step(const struct sshd_effective *eff, enum sshd_method m, const char *sub,
	  struct sshd_route_step *s)
{
	memset(s, 0, sizeof(*s));
	s->method = m;
	s->submethod = sub;
	switch (m) {
	case SSHD_METHOD_NONE:
	case SSHD_METHOD_PASSWORD:
		if (eff->use_pam.value) {
			s->kind = SSHD_STEP_PAM;
			s->reaches_pam_auth = true;
			s->password_to_all_prompts = true;
			s->factors = 0;
		} else {
			s->kind = SSHD_STEP_KNOWLEDGE;
			s->factors = m == SSHD_METHOD_NONE ? 0 : 1;
		}
		s->may_bypass_pam = eff->kerberos_authentication.value && m == SSHD_METHOD_PASSWORD;
		s->ev = m == SSHD_METHOD_NONE ? eff->permit_empty_passwords.ev
					      : eff->password_authentication.ev;
		break;
	case SSHD_METHOD_KBDINT:
		s->kind = SSHD_STEP_PAM;
		s->reaches_pam_auth = true;
		s->ev = eff->kbd_interactive_authentication.ev;
		break;
	case SSHD_METHOD_PUBLICKEY:
		if (eff->pubkey_auth_options.verify_required &&
		    eff->pubkey_accepted_algorithms.only_sk) {
			s->kind = SSHD_STEP_POSSESSION_VERIFIED;
			s->factors = 2;
		} else {
			s->kind = SSHD_STEP_POSSESSION;
			s->factors = 1;
		}
		s->ev = eff->pubkey_authentication.ev;
		break;
	case SSHD_METHOD_HOSTBASED:
		s->kind = SSHD_STEP_HOST;
		s->factors = 1;
		s->ev = eff->hostbased_authentication.ev;
		break;
	case SSHD_METHOD_GSSAPI:
		s->kind = SSHD_STEP_KERBEROS;
		s->factors = 1;
		s->ev = eff->gssapi_authentication.ev;
		break;
	}
}

static int
add_dropped(struct sshd_routes *out, size_t *cap, const char *text, const char *reason)
{
	struct sshd_dropped_route *dr;
	int r;

	if ((r = grow((void **)&out->dropped, cap, out->ndropped, sizeof(*out->dropped))) != 0)
		return r;
	dr = &out->dropped[out->ndropped];
	dr->text = strdup(text);
	dr->reason = strdup(reason);
	if (dr->text == NULL || dr->reason == NULL) {
		free(dr->text);
		free(dr->reason);
		return MFA_ERR_NOMEM;
	}
	out->ndropped++;
	return 0;
}

static int
add_route(struct sshd_routes *out, size_t *cap, struct sshd_route_step *steps, size_t n,
	  const struct sshd_evidence *ev)
{
	int r;

	if ((r = grow((void **)&out->routes, cap, out->n, sizeof(*out->routes))) != 0)
		return r;
	out->routes[out->n].steps = steps;
	out->routes[out->n].n = n;
	out->routes[out->n].ev = *ev;
	out->n++;
	return 0;
}

int
sshd_login_routes(const struct sshd_effective *eff, bool user_is_root, struct sshd_routes *out)
{
	static const enum sshd_method single[] = {
		SSHD_METHOD_PUBLICKEY, SSHD_METHOD_PASSWORD, SSHD_METHOD_KBDINT,
		SSHD_METHOD_HOSTBASED, SSHD_METHOD_GSSAPI,   SSHD_METHOD_NONE,
	};
	struct sshd_routes res;
	struct sshd_route_step *steps = NULL;
	const struct sshd_auth_chain *c;
	char why[512], text[64];
	size_t rcap = 0, dcap = 0, i, j;
	const char *blocked;
	int r = 0;

	if (eff == NULL || out == NULL)
		return MFA_ERR_INVALID_ARG;
	memset(&res, 0, sizeof(res));
	if (!eff->login_allowed.allowed) {
		res.login_denied = true;
		*out = res;
		return 0;
	}
	if (eff->authentication_methods.any) {
		for (i = 0; i < sizeof(single) / sizeof(single[0]) && r == 0; i++) {
			snprintf(text, sizeof(text), "%s", sshd_method_name(single[i]));
			blocked = method_blocked(eff, user_is_root, single[i], NULL, why,
						 sizeof(why));
			if (blocked != NULL) {
				r = add_dropped(&res, &dcap, text, blocked);
				continue;
			}
			if ((steps = calloc(1, sizeof(*steps))) == NULL) {
				r = MFA_ERR_NOMEM;
				break;
			}
			fill_step(eff, single[i], NULL, &steps[0]);
			if ((r = add_route(&res, &rcap, steps, 1, &steps[0].ev)) == 0)
				steps = NULL;
		}
	} else {
		for (i = 0; i < eff->authentication_methods.nchains && r == 0; i++) {
			c = &eff->authentication_methods.chains[i];
			blocked = NULL;
			for (j = 0; j < c->n && blocked == NULL; j++) {
				if (c->methods[j].method == SSHD_METHOD_NONE) {
					/* "none" has no enable flag: sshd skips the list */
					snprintf(why, sizeof(why),
						 "the none method is never enabled in "
						 "AuthenticationMethods");
					blocked = why;
					break;
				}
				blocked = method_blocked(eff, user_is_root, c->methods[j].method,
							 c->methods[j].submethod, why, sizeof(why));
			}
			if (blocked != NULL) {
				r = add_dropped(&res, &dcap, c->text, blocked);
				continue;
			}
			if ((steps = calloc(c->n, sizeof(*steps))) == NULL) {
				r = MFA_ERR_NOMEM;
				break;
			}
			for (j = 0; j < c->n; j++)
				fill_step(eff, c->methods[j].method, c->methods[j].submethod,
					  &steps[j]);
			if ((r = add_route(&res, &rcap, steps, c->n,
					   &eff->authentication_methods.ev)) == 0)
				steps = NULL;
		}
	}
	free(steps);
	if (r != 0) {
		sshd_routes_clear(&res);
		return r;
	}
	*out = res;
	return 0;
}

/* ---- address classes --------------------------------------------------------- */

#define MAX_CANDIDATES 4096u

struct crit_ref {
	enum sshd_match_kind kind; /* ADDRESS, HOST, LOCALADDRESS, LOCALPORT; HOST for user@host */
	const char *arg;
	int port;
	const char *file;
	unsigned line;
	const char *what; /* "Match Address", "AllowUsers" ... */
	bool userhost;    /* arg is the host part of a user@host pattern */
};

struct cands {
	char **v;
	size_t n, cap;
};

static int
cand_add(struct cands *c, const char *s)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i], s) == 0)
			return 0;
	if (c->n >= MAX_CANDIDATES)
		return MFA_ERR_TOO_LARGE;
	return strv_push(&c->v, &c->n, &c->cap, s);
}

static void
addr_step(struct addr *a, int delta)
{
	int i, n = a->af == AF_INET ? 4 : 16;

	for (i = n - 1; i >= 0; i--) {
		if (delta > 0) {
			if (++a->b[i] != 0)
				break;
		} else {
			if (a->b[i]-- != 0)
				break;
		}
	}
}

static int
cand_add_addr(struct cands *c, const struct addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (inet_ntop(a->af, a->b, buf, sizeof(buf)) == NULL)
		return 0;
	return cand_add(c, buf);
}

/* Candidate addresses from one address pattern list. */
static int
cands_from_addrlist(struct cands *c, const char *list)
{
	char entry[256], sub[256];
	const char *p = list, *e;
	struct addr net, x;
	unsigned ml, i;
	size_t len, k;
	int r = 0;

	while (*p != '\0' && r == 0) {
		len = strcspn(p, ",");
		e = p[0] == '!' ? p + 1 : p;
		if (len - (size_t)(e - p) < sizeof(entry)) {
			memcpy(entry, e, len - (size_t)(e - p));
			entry[len - (size_t)(e - p)] = '\0';
			if (cidr_parse(entry, &net, &ml) == 0) {
				x = net;
				if ((r = cand_add_addr(c, &x)) == 0) {
					addr_step(&x, -1); /* just below the range */
					r = cand_add_addr(c, &x);
				}
				x = net;
				for (i = ml; i < addr_bits(&x); i++)
					x.b[i / 8] = (uint8_t)(x.b[i / 8] | (1u << (7 - i % 8)));
				if (r == 0 && (r = cand_add_addr(c, &x)) == 0) {
					addr_step(&x, 1); /* just above */
					r = cand_add_addr(c, &x);
				}
			} else {
				/* a wildcard pattern: one address it matches, if any */
				for (k = 0; k < sizeof(sub) - 1 && entry[k] != '\0'; k++)
					sub[k] = (entry[k] == '*' || entry[k] == '?') ? '1'
										      : entry[k];
				sub[k] = '\0';
				if (addr_parse(sub, &x) == 0 && strchr(sub, '.') != NULL &&
				    (r = cand_add(c, sub)) == 0) {
					for (k = 0; entry[k] != '\0' && k < sizeof(sub) - 1; k++)
						sub[k] = (entry[k] == '*' || entry[k] == '?')
								 ? '2'
								 : entry[k];
					if (addr_parse(sub, &x) == 0)
						r = cand_add(c, sub);
				}
			}
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return r;
}

static int
cands_from_hostlist(struct cands *c, const char *list)
{
	char sub[256];
	const char *p = list, *e;
	size_t len, k, n;
	int r = 0;

	while (*p != '\0' && r == 0) {
		len = strcspn(p, ",");
		e = p[0] == '!' ? p + 1 : p;
		n = len - (size_t)(e - p);
		if (n > 0 && n < sizeof(sub)) {
			for (k = 0; k < n; k++)
				sub[k] = (e[k] == '*' || e[k] == '?')
						 ? 'x'
						 : (char)tolower((unsigned char)e[k]);
			sub[n] = '\0';
			r = cand_add(c, sub);
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return r;
}

static int
crit_eval(const struct crit_ref *cr, const char *addr, const char *host, int port)
{
	int a, h;

	switch (cr->kind) {
	case SSHD_MATCH_ADDRESS:
	case SSHD_MATCH_LOCALADDRESS:
		return addr_list_match(addr, cr->arg);
	case SSHD_MATCH_HOST:
		if (!cr->userhost)
			return hostname_match(host, cr->arg);
		a = addr_list_match(addr, cr->arg);
		h = hostname_match(host, cr->arg);
		return a * 3 + h; /* both parts of match_host_and_ip */
	case SSHD_MATCH_LOCALPORT:
		return port == cr->port ? 1 : 0;
	default:
		return 0;
	}
}

static void
label_add(char *buf, size_t sz, const struct crit_ref *cr)
{
	size_t used = strlen(buf);

	snprintf(buf + used, sz - used, "%s%s %s (%s:%u)", used > 0 ? "; " : "", cr->what, cr->arg,
		 cr->file, cr->line);
}

static int
build_classes(struct crit_ref *refs, size_t nrefs, const struct cands *addrs,
	      const struct cands *hosts, const int *ports, size_t nports, bool remote,
	      struct sshd_endpoint_class **outp, size_t *np)
{
	struct sshd_endpoint_class *out = NULL;
	int *sigs = NULL;
	size_t n = 0, cap = 0, a, h, p, k, nh, np_, i;
	char label[1024];
	int r = 0, port;
	const char *addr, *host;
	bool seen;

	nh = hosts != NULL && hosts->n > 0 ? hosts->n : 1;
	np_ = nports > 0 ? nports : 1;
	if (addrs->n * nh * np_ > MAX_CANDIDATES * 4)
		return MFA_ERR_TOO_LARGE;
	if (nrefs > 0 && (sigs = calloc(addrs->n * nh * np_ * nrefs, sizeof(*sigs))) == NULL)
		return MFA_ERR_NOMEM;
	for (a = 0; a < addrs->n && r == 0; a++) {
		for (h = 0; h < nh && r == 0; h++) {
			for (p = 0; p < np_ && r == 0; p++) {
				addr = addrs->v[a];
				host = hosts != NULL && hosts->n > 0 ? hosts->v[h] : addr;
				port = nports > 0 ? ports[p] : -1;
				for (k = 0; k < nrefs; k++)
					sigs[n * nrefs + k] = crit_eval(&refs[k], addr, host, port);
				for (seen = false, i = 0; i < n && !seen; i++)
					seen = nrefs == 0 ||
					       memcmp(&sigs[i * nrefs], &sigs[n * nrefs],
						      nrefs * sizeof(*sigs)) == 0;
				if (seen)
					continue;
				label[0] = '\0';
				for (k = 0; k < nrefs; k++)
					if (sigs[n * nrefs + k] == 1 ||
					    (refs[k].userhost && sigs[n * nrefs + k] > 0))
						label_add(label, sizeof(label), &refs[k]);
				if (label[0] == '\0')
					snprintf(
						label, sizeof(label), "%s",
						remote ? "matches no Address/Host criterion"
						       : "matches no LocalAddress/LocalPort criterion");
				if ((r = grow((void **)&out, &cap, n, sizeof(*out))) != 0)
					break;
				memset(&out[n], 0, sizeof(out[n]));
				out[n].port = remote ? -1 : port;
				out[n].addr = strdup(addr);
				out[n].host = remote ? strdup(host) : NULL;
				out[n].label = strdup(label);
				n++;
				if (out[n - 1].addr == NULL || out[n - 1].label == NULL ||
				    (remote && out[n - 1].host == NULL))
					r = MFA_ERR_NOMEM;
			}
		}
	}
	free(sigs);
	if (r != 0) {
		for (i = 0; i < n; i++) {
			free(out[i].addr);
			free(out[i].host);
			free(out[i].label);
		}
		free(out);
		return r;
	}
	*outp = out;
	*np = n;
	return 0;
}

void
sshd_address_classes_clear(struct sshd_address_classes *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nremote; i++) {
		free(c->remote[i].addr);
		free(c->remote[i].host);
		free(c->remote[i].label);
	}
	free(c->remote);
	for (i = 0; i < c->nlocal; i++) {
		free(c->local[i].addr);
		free(c->local[i].host);
		free(c->local[i].label);
	}
	free(c->local);
	memset(c, 0, sizeof(*c));
}

int
sshd_config_address_classes(const struct sshd_config *cfg, struct sshd_address_classes *out,
			    struct mfa_parse_err *perr)
{
	struct crit_ref *rrefs = NULL, *lrefs = NULL, cr;
	size_t nr = 0, nl = 0, rcap = 0, lcap = 0, i, j;
	struct cands addrs = {0}, hosts = {0}, laddrs = {0};
	int ports[64];
	size_t nports = 0;
	bool use_dns = false, port22 = false;
	const struct sshd_directive *d;
	struct sshd_address_classes res;
	int r = 0;

	mfa_parse_err_init(perr, NULL);
	if (cfg == NULL || out == NULL)
		return MFA_ERR_INVALID_ARG;
	memset(&res, 0, sizeof(res));
	/* UseDNS is global-only: its first global value */
	for (i = 0; i < cfg->ndirs; i++) {
		d = &cfg->dirs[i];
		if (d->setting == SET_USEDNS && !chain_conditional(cfg, d->match)) {
			use_dns = strcasecmp(d->argv[0], "yes") == 0;
			break;
		}
	}
	/* "elsewhere" first, so that the no-match class gets a neutral address */
	if ((r = cand_add(&addrs, "203.0.113.7")) != 0 ||
	    (r = cand_add(&addrs, "2001:db8::7")) != 0 ||
	    (r = cand_add(&laddrs, "198.51.100.7")) != 0 ||
	    (r = cand_add(&laddrs, "2001:db8:1::7")) != 0)
		goto out;
	if (use_dns && (r = cand_add(&hosts, "unknown.example.invalid")) != 0)
		goto out;
	for (i = 0; i < cfg->nmatches && r == 0; i++) {
		const struct sshd_match *m = &cfg->matches[i];

		for (j = 0; j < m->ncrit && r == 0; j++) {
			memset(&cr, 0, sizeof(cr));
			cr.kind = m->crit[j].kind;
			cr.arg = m->crit[j].arg;
			cr.port = m->crit[j].port;
			cr.file = m->file;
			cr.line = m->line;
			switch (cr.kind) {
			case SSHD_MATCH_ADDRESS:
				cr.what = "Match Address";
				if ((r = cands_from_addrlist(&addrs, cr.arg)) == 0 &&
				    (r = grow((void **)&rrefs, &rcap, nr, sizeof(*rrefs))) == 0)
					rrefs[nr++] = cr;
				break;
			case SSHD_MATCH_HOST:
				cr.what = "Match Host";
				r = use_dns ? cands_from_hostlist(&hosts, cr.arg)
					    : cands_from_addrlist(&addrs, cr.arg);
				if (r == 0 &&
				    (r = grow((void **)&rrefs, &rcap, nr, sizeof(*rrefs))) == 0)
					rrefs[nr++] = cr;
				break;
			case SSHD_MATCH_LOCALADDRESS:
				cr.what = "Match LocalAddress";
				if ((r = cands_from_addrlist(&laddrs, cr.arg)) == 0 &&
				    (r = grow((void **)&lrefs, &lcap, nl, sizeof(*lrefs))) == 0)
					lrefs[nl++] = cr;
				break;
			case SSHD_MATCH_LOCALPORT:
				cr.what = "Match LocalPort";
				if (nports < sizeof(ports) / sizeof(ports[0]) - 1)
					ports[nports++] = cr.port;
				port22 = port22 || cr.port == 22;
				if ((r = grow((void **)&lrefs, &lcap, nl, sizeof(*lrefs))) == 0)
					lrefs[nl++] = cr;
				break;
			default:
				break;
			}
		}
	}
	for (i = 0; i < cfg->ndirs && r == 0; i++) {
		d = &cfg->dirs[i];
		if (d->setting != SET_ALLOWUSERS && d->setting != SET_DENYUSERS)
			continue;
		for (j = 0; j < d->argc && r == 0; j++) {
			const char *at = strchr(d->argv[j], '@');

			if (at == NULL)
				continue;
			memset(&cr, 0, sizeof(cr));
			cr.kind = SSHD_MATCH_HOST;
			cr.userhost = true;
			cr.arg = at + 1;
			cr.file = d->file;
			cr.line = d->line;
			cr.what = d->setting == SET_ALLOWUSERS ? "AllowUsers @" : "DenyUsers @";
			if ((r = cands_from_addrlist(&addrs, cr.arg)) == 0 && use_dns)
				r = cands_from_hostlist(&hosts, cr.arg);
			if (r == 0 && (r = grow((void **)&rrefs, &rcap, nr, sizeof(*rrefs))) == 0)
				rrefs[nr++] = cr;
		}
	}
	if (r != 0)
		goto out;
	if (nports > 0)
		ports[nports++] = port22 ? 2222 : 22;
	if ((r = build_classes(rrefs, nr, &addrs, use_dns ? &hosts : NULL, NULL, 0, true,
			       &res.remote, &res.nremote)) != 0 ||
	    (r = build_classes(lrefs, nl, &laddrs, NULL, ports, nports, false, &res.local,
			       &res.nlocal)) != 0)
		goto out;
	*out = res;
	memset(&res, 0, sizeof(res));
out:
	if (r == MFA_ERR_TOO_LARGE)
		mfa_parse_err_set(perr, 0, 0, "too many address classes");
	sshd_address_classes_clear(&res);
	free_strv(addrs.v, addrs.n);
	free_strv(hosts.v, hosts.n);
	free_strv(laddrs.v, laddrs.n);
	free(rrefs);
	free(lrefs);
	return r;
}
