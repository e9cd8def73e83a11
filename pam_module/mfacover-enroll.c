/*
 * mfacover-enroll - enroll, list, reset and revoke second factors.
 *
 * The companion of pam_mfacover.so: it writes the state files the module
 * reads.  Thin: tokens, recovery codes, URIs, QR codes, FIDO2 registration,
 * imports and the store are libmfacover's; this file parses the command
 * line, talks to the terminal (codes, a security key's PIN), switches to the
 * user for a home store, and prints text or JSON.
 *
 * Exit status: 0 done, 1 refused or failed (a message says why; nothing was
 * written), 64 bad command line.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "account.h"
#include "base32.h"
#include "enroll.h"
#include "fido2_cred.h"
#include "fido2_device.h"
#include "import_ga.h"
#include "import_oath.h"
#include "json_writer.h"
#include "mfa_mem.h"
#include "mfa_version.h"
#include "num.h"
#include "qr.h"
#include "root_fs.h"
#include "store_dir.h"

#ifdef MFA_TEST_SOFT_FIDO2
/* Test builds only: the software authenticator of tests/support. */
#include "soft_fido2.h"
#define FIDO2_BACKEND (&soft_fido2_file_backend)
#else
#define FIDO2_BACKEND (&mfa_fido2_backend_libfido2)
#endif

#define EXIT_USAGE 64
#define IMPORT_MAX_BYTES (1024u * 1024u)
#define CONFIRM_TRIES 3

enum command {
	CMD_ENROLL,
	CMD_LIST,
	CMD_REVOKE,
	CMD_RESET_LOCKOUT,
	CMD_RECOVERY_CODES,
};

static const char *const command_names[] = {
	[CMD_ENROLL] = "enroll",
	[CMD_LIST] = "list",
	[CMD_REVOKE] = "revoke",
	[CMD_RESET_LOCKOUT] = "reset-lockout",
	[CMD_RECOVERY_CODES] = "recovery-codes",
};

struct options {
	enum command command;
	const char *user;
	const char *store;
	const char *root;
	bool home;
	const char *issuer;
	unsigned digits;
	unsigned period;
	enum mfa_otp_alg alg;
	bool hotp;
	uint64_t counter;
	const char *secret; /* secret_arg, or NULL */
	char secret_arg[MFA_BASE32_TEXT_MAX];
	const char *secret_file;
	const char *import_ga;
	const char *import_oath;
	bool force;
	bool no_confirm;
	const char *qr_out;
	bool qr_invert;
	unsigned recovery_count;
	bool json;
	/* FIDO2: --fido2 registers a security key, --import-pamu2f takes pam_u2f's. */
	bool fido2;
	bool uv;
	bool resident;
	const char *origin;
	enum mfa_fido2_cose cose_type;
	int pin_fd; /* --pin-fd, or -1: ask on the terminal */
	const char *import_pamu2f;
	unsigned fido2_credential; /* revoke: only this one (from 1); 0: everything */
	const char *otp_option;    /* the last option given that only an OTP token takes */
	const char *fido2_option;  /* the last option given that only --fido2 takes */
};

/* Everything one command works on, resolved from the options. */
struct target {
	struct mfa_account *account;
	const char *root;          /* --root, unless it is "/" */
	char inside_dir[PATH_MAX]; /* the store's directory as the image names it */
	char store_dir[PATH_MAX];  /* ... and where it is on this machine */
	uid_t owner;
	const char *fixed_name; /* home store: "token" */
	struct mfa_store *store;
	char file[PATH_MAX + 256];
};

static const char *progname = "mfacover-enroll";

static void
usage(FILE *fp)
{
	fprintf(fp,
		"usage: %s [COMMAND] [--user NAME] [--store DIR | --home] [--root DIR]\n"
		"       [--issuer TEXT] [--digits N] [--period SECONDS] [--algorithm ALG] [--hotp]\n"
		"       [--counter N] [--secret BASE32 | --secret-file FILE |\n"
		"       --import-google-authenticator FILE |\n"
		"       --import-oath-usersfile FILE] [--force] [--no-confirm] [--qr-out FILE]\n"
		"       [--qr-invert] [--recovery-codes N] [--format text|json] [--help]\n"
		"       [--version]\n"
		"       %s --fido2 [--uv] [--resident] [--type es256|eddsa|rs256]\n"
		"       [--origin ORIGIN] [--pin-fd N] [--user NAME] [--store DIR | --home]\n"
		"       [--root DIR] [--force] [--recovery-codes N] [--format text|json]\n"
		"       %s --import-pamu2f FILE [--user NAME] [--store DIR | --home]\n"
		"       [--root DIR] [--force] [--recovery-codes N] [--format text|json]\n",
		progname, progname, progname);
}

static void
help(void)
{
	usage(stdout);
	printf("\n"
	       "Commands (default: enroll):\n"
	       "  enroll          create a token: show its otpauth URI and QR code, activate it\n"
	       "                  with a first code, and issue one-time recovery codes;\n"
	       "                  or add a FIDO2 security key (--fido2, --import-pamu2f)\n"
	       "  list            list tokens with last use, lockout, recovery codes left and\n"
	       "                  FIDO2 credentials\n"
	       "  revoke          remove a user's token, recovery codes and FIDO2 credentials\n"
	       "                  (or one credential, --fido2-credential N)\n"
	       "  reset-lockout   clear a user's failure count and lockout\n"
	       "  recovery-codes  replace a user's recovery codes by new ones\n"
	       "\n"
	       "Options:\n"
	       "  -u, --user NAME     the user (root: required; others: themselves)\n"
	       "  -s, --store DIR     the central store (default /var/lib/mfacover)\n"
	       "      --home          the user's ~/.config/mfacover/token (store=home);\n"
	       "                      the default when not run as root\n"
	       "      --root DIR      treat DIR as /: users from DIR/etc/passwd, store under DIR\n"
	       "      --issuer TEXT   the issuer shown in the app (default: the host name)\n"
	       "      --digits N      6, 7 or 8 (default 6)\n"
	       "      --period SECONDS  TOTP step, 1 to 3600 (default 30)\n"
	       "      --algorithm ALG SHA1, SHA256 or SHA512 (default SHA1)\n"
	       "      --hotp          an HOTP (counter) token instead of TOTP\n"
	       "      --counter N     the HOTP token's first counter (default 0)\n"
	       "      --secret BASE32 use this seed instead of generating one (other users\n"
	       "                      may see it in the process list: prefer --secret-file)\n"
	       "      --secret-file FILE  read that seed from FILE's first line (- for stdin)\n"
	       "      --import-google-authenticator FILE\n"
	       "                      import a ~/.google_authenticator file (replay state kept)\n"
	       "      --import-oath-usersfile FILE\n"
	       "                      import the user's line of a pam_oath users file\n"
	       "      --fido2         register a FIDO2/U2F security key (added to the user's\n"
	       "                      token and keys; a new user gets recovery codes too)\n"
	       "      --uv            --fido2: require user verification (PIN or built in)\n"
	       "                      at every login\n"
	       "      --resident      --fido2: a resident (discoverable) credential\n"
	       "      --type TYPE     --fido2: es256 (default), eddsa or rs256\n"
	       "      --origin ORIGIN --fido2: the relying party, as the module's origin=\n"
	       "                      (default pam://HOSTNAME)\n"
	       "      --pin-fd N      --fido2: read the key's PIN from descriptor N, not the\n"
	       "                      terminal\n"
	       "      --import-pamu2f FILE\n"
	       "                      import the user's line of a pam_u2f mapping file\n"
	       "      --fido2-credential N\n"
	       "                      revoke: only the user's N-th FIDO2 credential (as\n"
	       "                      list --user NAME numbers them)\n"
	       "      --force         replace an existing token (FIDO2 credentials are kept),\n"
	       "                      or a state file that cannot be read\n"
	       "      --no-confirm    activate without asking for a first code\n"
	       "      --qr-out FILE   also write the QR code as PNG (.png) or SVG (.svg)\n"
	       "      --qr-invert     draw the terminal QR code for dark text on a light\n"
	       "                      background\n"
	       "      --recovery-codes N  how many recovery codes to issue (default 10)\n"
	       "  -f, --format FMT    text (default) or json\n"
	       "  -h, --help          show this help and exit\n"
	       "  -V, --version       show the version and exit\n"
	       "\n"
	       "Exit status: 0 done, 1 refused or failed (nothing written), 64 bad command line.\n");
}

static void __attribute__((format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static const char *
perr_text(const struct mfa_parse_err *perr)
{
	static char buf[MFA_PARSE_ERR_FILE_MAX + MFA_PARSE_ERR_MSG_MAX + 32];

	return mfa_parse_err_format(perr, buf, sizeof(buf));
}

/* The module's origin= takes up to MFA_CONFIG_RP_ID_MAX - 1 bytes. */
#define ORIGIN_MAX 256

/* An origin the module's origin= can name: printable, no spaces (PAM splits arguments). */
static bool
origin_valid(const char *origin)
{
	size_t len = strlen(origin), i;

	if (len == 0 || len >= ORIGIN_MAX)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)origin[i];

		if (c <= 0x20 || c >= 0x7f)
			return false;
	}
	return true;
}

static int
parse_unsigned(const char *opt, const char *text, uint64_t min, uint64_t max, uint64_t *out)
{
	if (mfa_parse_u64(text, strlen(text), max, out) != MFA_OK || *out < min) {
		fail("%s must be a number from %llu to %llu", opt, (unsigned long long)min,
		     (unsigned long long)max);
		return -1;
	}
	return 0;
}

/*
 * The order matters: OPT_ISSUER .. OPT_IMPORT_OATH are options of an OTP
 * token, OPT_UV .. OPT_PIN_FD options of --fido2 (parse_options checks
 * them by range).
 */
enum long_only {
	OPT_HOME = 256,
	OPT_ROOT,
	OPT_ISSUER,
	OPT_DIGITS,
	OPT_PERIOD,
	OPT_ALGORITHM,
	OPT_HOTP,
	OPT_COUNTER,
	OPT_SECRET,
	OPT_SECRET_FILE,
	OPT_IMPORT_GA,
	OPT_IMPORT_OATH,
	OPT_FORCE,
	OPT_NO_CONFIRM,
	OPT_QR_OUT,
	OPT_QR_INVERT,
	OPT_RECOVERY_CODES,
	OPT_FIDO2,
	OPT_UV,
	OPT_RESIDENT,
	OPT_TYPE,
	OPT_ORIGIN,
	OPT_PIN_FD,
	OPT_IMPORT_PAMU2F,
	OPT_FIDO2_CREDENTIAL,
};

static int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{"user", required_argument, NULL, 'u'},
		{"store", required_argument, NULL, 's'},
		{"home", no_argument, NULL, OPT_HOME},
		{"root", required_argument, NULL, OPT_ROOT},
		{"issuer", required_argument, NULL, OPT_ISSUER},
		{"digits", required_argument, NULL, OPT_DIGITS},
		{"period", required_argument, NULL, OPT_PERIOD},
		{"algorithm", required_argument, NULL, OPT_ALGORITHM},
		{"hotp", no_argument, NULL, OPT_HOTP},
		{"counter", required_argument, NULL, OPT_COUNTER},
		{"secret", required_argument, NULL, OPT_SECRET},
		{"secret-file", required_argument, NULL, OPT_SECRET_FILE},
		{"import-google-authenticator", required_argument, NULL, OPT_IMPORT_GA},
		{"import-oath-usersfile", required_argument, NULL, OPT_IMPORT_OATH},
		{"force", no_argument, NULL, OPT_FORCE},
		{"no-confirm", no_argument, NULL, OPT_NO_CONFIRM},
		{"qr-out", required_argument, NULL, OPT_QR_OUT},
		{"qr-invert", no_argument, NULL, OPT_QR_INVERT},
		{"recovery-codes", required_argument, NULL, OPT_RECOVERY_CODES},
		{"fido2", no_argument, NULL, OPT_FIDO2},
		{"uv", no_argument, NULL, OPT_UV},
		{"resident", no_argument, NULL, OPT_RESIDENT},
		{"type", required_argument, NULL, OPT_TYPE},
		{"origin", required_argument, NULL, OPT_ORIGIN},
		{"pin-fd", required_argument, NULL, OPT_PIN_FD},
		{"import-pamu2f", required_argument, NULL, OPT_IMPORT_PAMU2F},
		{"fido2-credential", required_argument, NULL, OPT_FIDO2_CREDENTIAL},
		{"format", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	uint64_t n;
	size_t i;
	int c, sources = 0, longindex = 0;

	memset(o, 0, sizeof(*o));
	o->digits = MFA_OTP_DIGITS_DEFAULT;
	o->period = MFA_OTP_PERIOD_DEFAULT;
	o->alg = MFA_OTP_SHA1;
	o->recovery_count = MFA_RECOVERY_DEFAULT_COUNT;
	o->cose_type = MFA_FIDO2_ES256;
	o->pin_fd = -1;
	while ((c = getopt_long(argc, argv, "u:s:f:hV", longopts, &longindex)) != -1) {
		/* What only an OTP token, or only --fido2, takes: checked below. */
		if ((c >= OPT_ISSUER && c <= OPT_IMPORT_OATH) || c == OPT_NO_CONFIRM ||
		    c == OPT_QR_OUT || c == OPT_QR_INVERT)
			o->otp_option = longopts[longindex].name;
		if (c >= OPT_UV && c <= OPT_PIN_FD)
			o->fido2_option = longopts[longindex].name;
		switch (c) {
		case 'u':
			o->user = optarg;
			break;
		case 's':
			o->store = optarg;
			break;
		case OPT_HOME:
			o->home = true;
			break;
		case OPT_ROOT:
			o->root = optarg;
			break;
		case OPT_ISSUER:
			o->issuer = optarg;
			break;
		case OPT_DIGITS:
			if (parse_unsigned("--digits", optarg, MFA_OTP_DIGITS_MIN,
					   MFA_OTP_DIGITS_MAX, &n) != 0)
				return EXIT_USAGE;
			o->digits = (unsigned)n;
			break;
		case OPT_PERIOD:
			if (parse_unsigned("--period", optarg, 1, MFA_OTP_PERIOD_MAX, &n) != 0)
				return EXIT_USAGE;
			o->period = (unsigned)n;
			break;
		case OPT_ALGORITHM:
			if (mfa_otp_alg_parse(optarg, &o->alg) != MFA_OK) {
				fail("--algorithm must be SHA1, SHA256 or SHA512");
				return EXIT_USAGE;
			}
			break;
		case OPT_HOTP:
			o->hotp = true;
			break;
		case OPT_COUNTER:
			if (parse_unsigned("--counter", optarg, 0, UINT64_MAX - 1, &o->counter) !=
			    0)
				return EXIT_USAGE;
			break;
		case OPT_SECRET: {
			/* Keep a copy and blank the argument: ps shows the process's argv. */
			size_t len = strlen(optarg);

			if (len >= sizeof(o->secret_arg)) {
				fail("--secret is longer than any seed");
				mfa_wipe(optarg, len);
				return EXIT_USAGE;
			}
			memcpy(o->secret_arg, optarg, len + 1);
			mfa_wipe(optarg, len);
			o->secret = o->secret_arg;
			sources++;
			break;
		}
		case OPT_SECRET_FILE:
			o->secret_file = optarg;
			sources++;
			break;
		case OPT_IMPORT_GA:
			o->import_ga = optarg;
			sources++;
			break;
		case OPT_IMPORT_OATH:
			o->import_oath = optarg;
			sources++;
			break;
		case OPT_FORCE:
			o->force = true;
			break;
		case OPT_NO_CONFIRM:
			o->no_confirm = true;
			break;
		case OPT_QR_OUT:
			o->qr_out = optarg;
			break;
		case OPT_QR_INVERT:
			o->qr_invert = true;
			break;
		case OPT_RECOVERY_CODES:
			if (parse_unsigned("--recovery-codes", optarg, 0, MFA_STATE_RECOVERY_MAX,
					   &n) != 0)
				return EXIT_USAGE;
			o->recovery_count = (unsigned)n;
			break;
		case OPT_FIDO2:
			o->fido2 = true;
			break;
		case OPT_UV:
			o->uv = true;
			break;
		case OPT_RESIDENT:
			o->resident = true;
			break;
		case OPT_TYPE:
			if (strcmp(optarg, "es256") == 0) {
				o->cose_type = MFA_FIDO2_ES256;
			} else if (strcmp(optarg, "eddsa") == 0) {
				o->cose_type = MFA_FIDO2_EDDSA;
			} else if (strcmp(optarg, "rs256") == 0) {
				o->cose_type = MFA_FIDO2_RS256;
			} else {
				fail("--type must be es256, eddsa or rs256");
				return EXIT_USAGE;
			}
			break;
		case OPT_ORIGIN:
			if (!origin_valid(optarg)) {
				fail("--origin must be 1 to %d printable characters without spaces "
				     "(pam://HOSTNAME, as the module's origin=)",
				     ORIGIN_MAX - 1);
				return EXIT_USAGE;
			}
			o->origin = optarg;
			break;
		case OPT_PIN_FD:
			if (parse_unsigned("--pin-fd", optarg, 0, INT_MAX, &n) != 0)
				return EXIT_USAGE;
			o->pin_fd = (int)n;
			break;
		case OPT_IMPORT_PAMU2F:
			o->import_pamu2f = optarg;
			break;
		case OPT_FIDO2_CREDENTIAL:
			if (parse_unsigned("--fido2-credential", optarg, 1, MFA_STATE_FIDO2_MAX,
					   &n) != 0)
				return EXIT_USAGE;
			o->fido2_credential = (unsigned)n;
			break;
		case 'f':
			if (strcmp(optarg, "json") == 0) {
				o->json = true;
			} else if (strcmp(optarg, "text") != 0) {
				fail("--format must be text or json");
				return EXIT_USAGE;
			}
			break;
		case 'h':
			help();
			exit(0);
		case 'V':
			printf("mfacover-enroll %s\n", MFACOVER_VERSION);
			exit(0);
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		for (i = 0; i < sizeof(command_names) / sizeof(command_names[0]); i++) {
			if (strcmp(argv[optind], command_names[i]) == 0)
				break;
		}
		if (i == sizeof(command_names) / sizeof(command_names[0])) {
			fail("unknown command \"%s\"", argv[optind]);
			usage(stderr);
			return EXIT_USAGE;
		}
		o->command = (enum command)i;
		optind++;
	}
	if (optind < argc) {
		fail("unexpected argument \"%s\"", argv[optind]);
		return EXIT_USAGE;
	}
	if (sources > 1) {
		fail("--secret, --secret-file, --import-google-authenticator and "
		     "--import-oath-usersfile exclude each other");
		return EXIT_USAGE;
	}
	if (o->fido2 && o->import_pamu2f != NULL) {
		fail("--fido2 and --import-pamu2f exclude each other");
		return EXIT_USAGE;
	}
	if ((o->fido2 || o->import_pamu2f != NULL) && o->command != CMD_ENROLL) {
		fail("--fido2 and --import-pamu2f are for enroll");
		return EXIT_USAGE;
	}
	if ((o->fido2 || o->import_pamu2f != NULL) && o->otp_option != NULL) {
		fail("--%s is for an OTP token, not with %s", o->otp_option,
		     o->fido2 ? "--fido2" : "--import-pamu2f");
		return EXIT_USAGE;
	}
	if (o->fido2_credential > 0 && o->command != CMD_REVOKE) {
		fail("--fido2-credential is for revoke");
		return EXIT_USAGE;
	}
	if (!o->fido2 && o->fido2_option != NULL) {
		fail("--%s needs --fido2", o->fido2_option);
		return EXIT_USAGE;
	}
	if (o->home && o->store != NULL) {
		fail("--home and --store exclude each other");
		return EXIT_USAGE;
	}
	if (o->root != NULL && o->root[0] != '/') {
		fail("--root must be an absolute directory");
		return EXIT_USAGE;
	}
	if (o->store != NULL && o->store[0] != '/') {
		fail("--store must be an absolute directory");
		return EXIT_USAGE;
	}
	return 0;
}

/* mkdir -p for the store: parents 0755, the last component 0700. */
static int
make_store_dir(const char *path)
{
	char buf[PATH_MAX];
	char *p;
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, path, len + 1);
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0700) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* Resolve the user, and the store their token lives in. */
static int
resolve_target(const struct options *o, struct target *t)
{
	struct mfa_parse_err perr;
	const char *user = o->user;
	struct passwd *self = NULL;
	int r;

	memset(t, 0, sizeof(*t));
	mfa_parse_err_init(&perr, NULL);
	if (user == NULL) {
		if (geteuid() == 0 && o->command != CMD_LIST) {
			fail("run as root, say whose token with --user NAME");
			return EXIT_USAGE;
		}
		if ((self = getpwuid(geteuid())) == NULL) {
			fail("cannot find the account of uid %u", (unsigned)geteuid());
			return 1;
		}
		user = self->pw_name;
	} else if (geteuid() != 0) {
		self = getpwuid(geteuid());
		if (self == NULL || strcmp(self->pw_name, user) != 0) {
			fail("only root can manage another user's token");
			return 1;
		}
	}
	if (!mfa_store_user_name_valid(user)) {
		fail("\"%s\" cannot be a user name here", user);
		return 1;
	}
	if ((r = mfa_account_lookup(o->root, user, &t->account, &perr)) != MFA_OK) {
		fail("unknown user %s: %s", user, perr_text(&perr));
		return 1;
	}
	t->root = o->root != NULL && strcmp(o->root, "/") != 0 ? o->root : NULL;
	if (o->home || (geteuid() != 0 && o->store == NULL)) {
		/* The account's home carries the root in front: the image's own path follows. */
		size_t rootlen = t->root != NULL ? strlen(t->root) : 0;

		while (rootlen > 0 && t->root[rootlen - 1] == '/')
			rootlen--;
		if (snprintf(t->inside_dir, sizeof(t->inside_dir), "%s/%s",
			     t->account->home + rootlen,
			     MFA_STORE_HOME_SUBDIR) >= (int)sizeof(t->inside_dir))
			return 1;
		t->owner = t->account->uid;
		t->fixed_name = MFA_STORE_HOME_FILE;
	} else {
		if (snprintf(t->inside_dir, sizeof(t->inside_dir), "%s",
			     o->store != NULL ? o->store : MFA_STORE_DEFAULT_DIR) >=
		    (int)sizeof(t->inside_dir))
			return 1;
		t->owner = 0;
	}
	/* Shown in messages until open_target_store resolves it inside the root. */
	if (snprintf(t->store_dir, sizeof(t->store_dir), "%s%s", t->root != NULL ? t->root : "",
		     t->inside_dir) >= (int)sizeof(t->store_dir))
		return 1;
	snprintf(t->file, sizeof(t->file), "%s/%s", t->store_dir,
		 t->fixed_name != NULL ? t->fixed_name : t->account->name);
	return 0;
}

/*
 * In an image (--root), the store directory is looked up, and made, with
 * every link resolved inside the image: a link in the image to /etc must
 * not make root write to this machine's /etc.
 */
static int
resolve_in_root(struct target *t, bool create_dir, struct mfa_parse_err *perr)
{
	char *host = NULL;
	int r;

	r = root_fs_host_dir(t->root, t->inside_dir, create_dir, 0700, &host, perr);
	if (r != MFA_OK)
		return r;
	if (snprintf(t->store_dir, sizeof(t->store_dir), "%s", host) >= (int)sizeof(t->store_dir) ||
	    snprintf(t->file, sizeof(t->file), "%s/%s", host,
		     t->fixed_name != NULL ? t->fixed_name : t->account->name) >=
		    (int)sizeof(t->file)) {
		free(host);
		mfa_parse_err_init(perr, t->inside_dir);
		mfa_parse_err_set(perr, 0, 0, "path too long");
		return MFA_ERR_TOO_LARGE;
	}
	free(host);
	return MFA_OK;
}

/* Open the target's store, creating its directory when asked to. */
static int
open_target_store(struct target *t, bool create_dir)
{
	struct mfa_parse_err perr;
	int r;

	mfa_parse_err_init(&perr, NULL);
	if (t->root != NULL) {
		if ((r = resolve_in_root(t, create_dir, &perr)) != MFA_OK) {
			fail("%s", perr_text(&perr));
			return 1;
		}
	}
	r = mfa_store_dir_open(t->store_dir, t->owner, t->fixed_name, &t->store, &perr);
	if (r == MFA_ERR_NOT_FOUND && create_dir) {
		if (make_store_dir(t->store_dir) != 0) {
			fail("cannot create %s: %s", t->store_dir, strerror(errno));
			return 1;
		}
		r = mfa_store_dir_open(t->store_dir, t->owner, t->fixed_name, &t->store, &perr);
	}
	if (r != MFA_OK) {
		fail("%s", perr_text(&perr));
		return 1;
	}
	return 0;
}

static void
target_release(struct target *t)
{
	mfa_store_close(&t->store);
	mfa_account_free(&t->account);
}

/* For a home store run by root: become the user before touching their home. */
static int
become_user(const struct target *t)
{
	if (t->fixed_name == NULL || geteuid() != 0 || t->owner == 0)
		return 0;
	if (setgroups(0, NULL) != 0 || setgid(t->account->gid) != 0 ||
	    setuid(t->account->uid) != 0 || setuid(0) == 0) {
		fail("cannot switch to user %s", t->account->name);
		return -1;
	}
	return 0;
}

static void
iso_time(uint64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0 || gmtime_r(&tt, &tm) == NULL)
		snprintf(buf, size, "never");
	else
		strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/*
 * Read a file to import: not a link, a regular file with one name, at most
 * max bytes, owned by root, by us, or by `owner` (whose token it is).  Root
 * reading a file of a third user's on someone's word would hand over that
 * user's seed (or, for a pam_u2f file, let them name the keys that log the
 * user in).
 */
static int
read_import_file(const char *path, uid_t owner, size_t max, char **bufp, size_t *lenp)
{
	struct stat st;
	size_t off = 0;
	char *buf;
	int fd;

	*bufp = NULL;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		fail("cannot open %s: %s", path,
		     errno == ELOOP ? "it is a symbolic link" : strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 0 ||
	    (unsigned long long)st.st_size > max) {
		fail("%s is not a regular file of at most %zu bytes", path, max);
		close(fd);
		return -1;
	}
	if (st.st_nlink != 1 || (st.st_uid != 0 && st.st_uid != geteuid() && st.st_uid != owner)) {
		fail("%s %s", path,
		     st.st_nlink != 1 ? "has more than one name (a hard link)"
				      : "belongs to neither root, you, nor the token's user");
		close(fd);
		return -1;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		fail("out of memory reading %s", path);
		close(fd);
		return -1;
	}
	while (off < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + off, (size_t)st.st_size - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fail("cannot read %s", path);
			mfa_freezero(buf, (size_t)st.st_size + 1);
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	close(fd);
	buf[off] = '\0';
	*bufp = buf;
	*lenp = off;
	return 0;
}

/*
 * The seed of --secret-file: the first line of FILE, or of standard input
 * for "-", into text (MFA_BASE32_TEXT_MAX bytes).  The caller wipes text.
 */
static int
read_secret_file(const char *path, uid_t owner, char *text)
{
	char *buf = NULL;
	size_t len = 0, linelen;

	if (strcmp(path, "-") == 0) {
		if (fgets(text, MFA_BASE32_TEXT_MAX, stdin) == NULL) {
			fail("--secret-file -: no seed on standard input");
			return -1;
		}
		if (strchr(text, '\n') == NULL && !feof(stdin)) {
			fail("--secret-file -: the line is longer than any seed");
			return -1;
		}
		text[strcspn(text, "\r\n")] = '\0';
		return 0;
	}
	if (read_import_file(path, owner, IMPORT_MAX_BYTES, &buf, &len) != 0)
		return -1;
	linelen = strcspn(buf, "\r\n");
	if (linelen >= MFA_BASE32_TEXT_MAX) {
		fail("%s: the first line is longer than any seed", path);
		mfa_freezero(buf, len + 1);
		return -1;
	}
	memcpy(text, buf, linelen);
	text[linelen] = '\0';
	mfa_freezero(buf, len + 1);
	return 0;
}

/* The new token's state: imported, from --secret, or freshly generated. */
static int
build_state(const struct options *o, const struct target *t, struct mfa_state **stp,
	    const char **sourcep)
{
	struct mfa_enroll_params p;
	struct mfa_parse_err perr;
	uint8_t *secret = NULL;
	size_t secret_len = 0, len = 0;
	char *buf = NULL;
	int r;

	mfa_parse_err_init(&perr, NULL);
	memset(&p, 0, sizeof(p));
	*sourcep = "generated";
	if (o->import_ga != NULL || o->import_oath != NULL) {
		const char *file = o->import_ga != NULL ? o->import_ga : o->import_oath;

		if (read_import_file(file, t->account->uid, IMPORT_MAX_BYTES, &buf, &len) != 0)
			return 1;
		mfa_parse_err_init(&perr, file);
		if (o->import_ga != NULL) {
			struct mfa_import_ga_report report;

			memset(&report, 0, sizeof(report));
			r = mfa_import_ga_parse(buf, len, file, stp, &report, &perr);
			*sourcep = "google-authenticator";
			if (r == MFA_OK && report.scratch_codes > 0)
				fprintf(stderr,
					"%s: %u emergency scratch codes were not imported; new "
					"recovery codes replace them\n",
					progname, report.scratch_codes);
		} else {
			struct mfa_import_oath_report report;

			memset(&report, 0, sizeof(report));
			r = mfa_import_oath_user_report(buf, len, file, t->account->name, stp,
							&report, &perr);
			*sourcep = "oath-usersfile";
			if (r == MFA_OK && report.pin == MFA_IMPORT_OATH_PIN_SET)
				fprintf(stderr,
					"%s: the users file asks for a PIN before the code; "
					"mfacover does not: keep a password module in the stack\n",
					progname);
			if (r == MFA_OK && report.last_step_matches > 1)
				fprintf(stderr,
					"%s: the last used code matches %u time steps; the latest "
					"was taken, so codes may be refused until the clock "
					"reaches it\n",
					progname, report.last_step_matches);
		}
		mfa_freezero(buf, len + 1);
		if (r != MFA_OK) {
			fail("cannot import: %s", perr_text(&perr));
			return 1;
		}
		(*stp)->created = (uint64_t)time(NULL);
		return 0;
	}
	if (o->secret != NULL || o->secret_file != NULL) {
		const char *what = o->secret != NULL ? "--secret" : "--secret-file";
		char text[MFA_BASE32_TEXT_MAX];

		if (o->secret != NULL)
			snprintf(text, sizeof(text), "%s", o->secret);
		else if (read_secret_file(o->secret_file, t->account->uid, text) != 0)
			return 1;
		r = mfa_base32_decode(text, strlen(text), &secret, &secret_len, &perr);
		mfa_wipe(text, sizeof(text));
		if (r != MFA_OK) {
			fail("%s is not valid base32: %s", what, perr.msg);
			return 1;
		}
		if (secret_len < MFA_OTP_KEY_MIN || secret_len > MFA_OTP_KEY_MAX) {
			fail("%s holds %zu bytes; %d to %d are accepted", what, secret_len,
			     MFA_OTP_KEY_MIN, MFA_OTP_KEY_MAX);
			mfa_freezero(secret, secret_len);
			return 1;
		}
		*sourcep = "secret";
	}
	p.kind = o->hotp ? MFA_OTP_HOTP : MFA_OTP_TOTP;
	p.alg = o->alg;
	p.digits = o->digits;
	p.period = o->period;
	p.secret = secret;
	p.secret_len = secret_len;
	p.counter = o->counter;
	p.now = time(NULL);
	r = mfa_enroll_build_state(&p, stp);
	mfa_freezero(secret, secret_len);
	if (r != MFA_OK) {
		fail("cannot create the token: %s", mfa_strerror(r));
		return 1;
	}
	return 0;
}

/* /etc/hostname holds one name; anything longer is not one. */
#define HOSTNAME_FILE_MAX 4096

/*
 * The name of the host the token is for: with --root the image's
 * /etc/hostname, else this host's.  false when there is none.
 */
static bool
host_name(const struct options *o, char *buf, size_t size)
{
	buf[0] = '\0';
	if (o->root != NULL && strcmp(o->root, "/") != 0) {
		/*
		 * The image's own name, not the provisioning host's: links
		 * resolve inside the root. A missing or unreadable file leaves
		 * buf empty.
		 */
		struct mfa_parse_err perr;
		char *text = NULL;
		size_t len;
		int rootfd;

		if (root_fs_open_root(o->root, &rootfd, &perr) == MFA_OK) {
			if (root_fs_read_file(rootfd, "/etc/hostname", HOSTNAME_FILE_MAX, &text,
					      &len, NULL, &perr) == MFA_OK) {
				snprintf(buf, size, "%s", text);
				free(text);
			}
			close(rootfd);
		}
		buf[strcspn(buf, "\r\n")] = '\0';
	} else if (gethostname(buf, size) != 0) {
		buf[0] = '\0';
	}
	buf[size - 1] = '\0';
	return buf[0] != '\0';
}

static void
default_issuer(const struct options *o, char *buf, size_t size)
{
	if (o->issuer != NULL) {
		snprintf(buf, size, "%s", o->issuer);
		return;
	}
	(void)host_name(o, buf, size);
	/* A ':' would split the label; an empty issuer is left out. */
	for (char *p = buf; *p != '\0'; p++) {
		if (*p == ':' || (unsigned char)*p < 0x20)
			*p = '-';
	}
	if (buf[0] == '\0')
		snprintf(buf, size, "mfacover");
}

/* Write the QR code to a new file at path; *writtenp is what was made there. */
static int
write_qr_file(const char *path, const char *uri, struct stat *writtenp)
{
	struct mfa_qr *qr = NULL;
	size_t len = strlen(path);
	bool svg = len > 4 && strcmp(path + len - 4, ".svg") == 0;
	bool png = len > 4 && strcmp(path + len - 4, ".png") == 0;
	int fd, r;

	if (!svg && !png) {
		fail("--qr-out must name a .png or .svg file");
		return -1;
	}
	if ((r = mfa_qr_encode(uri, &qr)) != MFA_OK) {
		fail("cannot draw the QR code: %s", mfa_strerror(r));
		return -1;
	}
	/* It encodes the seed: a new file only the caller can read. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		fail("cannot create %s: %s", path, strerror(errno));
		mfa_qr_free(&qr);
		return -1;
	}
	r = svg ? mfa_qr_write_svg(qr, fd) : mfa_qr_write_png(qr, 8, fd);
	mfa_qr_free(&qr);
	if (fstat(fd, writtenp) != 0)
		r = MFA_ERR_IO;
	if (r != MFA_OK || fsync(fd) != 0) {
		fail("cannot write %s", path);
		close(fd);
		unlink(path);
		return -1;
	}
	if (close(fd) != 0) {
		fail("cannot write %s", path);
		unlink(path);
		return -1;
	}
	return 0;
}

/* Remove the QR file written before, unless the name now means another file. */
static void
remove_qr_file(const char *path, const struct stat *written)
{
	struct stat now;

	if (lstat(path, &now) == 0 && now.st_dev == written->st_dev &&
	    now.st_ino == written->st_ino)
		unlink(path);
}

/*
 * Drawn for the usual light text on a dark background; invert for dark
 * text on a light background (see docs/qr.md).
 */
static void
print_terminal_qr(const char *uri, bool invert)
{
	struct mfa_qr *qr = NULL;
	char *text = NULL;
	size_t len = 0;

	if (mfa_qr_encode(uri, &qr) != MFA_OK ||
	    mfa_qr_render_terminal(qr, invert, &text, &len) != MFA_OK) {
		fail("cannot draw the QR code; enter the key by hand");
	} else {
		fwrite(text, 1, len, stdout);
	}
	mfa_freezero(text, len);
	mfa_qr_free(&qr);
}

/* Read one line from standard input (the first code), without its newline. */
static bool
read_code(char *buf, size_t size)
{
	if (fgets(buf, (int)size, stdin) == NULL)
		return false;
	buf[strcspn(buf, "\r\n")] = '\0';
	for (char *r = buf, *w = buf;; r++) {
		if (*r != ' ' && *r != '\t')
			*w++ = *r;
		if (*r == '\0')
			break;
	}
	return true;
}

static int
confirm(struct mfa_state *st, bool json)
{
	char code[64];
	int tries, r;

	for (tries = 0; tries < CONFIRM_TRIES; tries++) {
		fprintf(stderr, "Type the code your app shows now to activate the token: ");
		fflush(stderr);
		if (!read_code(code, sizeof(code))) {
			mfa_wipe(code, sizeof(code));
			fprintf(stderr, "\n");
			fail("no code was typed; nothing was written");
			return 1;
		}
		r = mfa_enroll_confirm(st, code, time(NULL), 1);
		mfa_wipe(code, sizeof(code));
		if (r == MFA_OK)
			return 0;
		fprintf(stderr, "%s\n",
			r == MFA_ERR_OTP_REPLAY ? "That code was used already."
						: "That code does not match; check the app's "
						  "clock and the key.");
	}
	(void)json;
	fail("the token was not activated; nothing was written");
	return 1;
}

static void
print_recovery_text(char (*codes)[MFA_RECOVERY_CODE_SIZE], size_t n)
{
	size_t i;

	if (n == 0)
		return;
	printf("\nRecovery codes: each works once, when the app is not at hand. They are\n"
	       "shown only now and stored only as hashes; keep them offline.\n\n");
	for (i = 0; i < n; i++)
		printf("  %s\n", codes[i]);
}

/*
 * type, algorithm, digits, period (null for HOTP): what the app was told.
 * Type "none" (FIDO2 credentials only) has no app: the rest is null.
 */
static void
json_token_params(struct json_writer *w, const struct mfa_state *st)
{
	json_key(w, "type");
	json_string(w, mfa_otp_kind_name(st->kind));
	json_key(w, "algorithm");
	if (st->kind == MFA_OTP_NONE)
		json_null(w);
	else
		json_string(w, mfa_otp_alg_name(st->alg));
	json_key(w, "digits");
	if (st->kind == MFA_OTP_NONE)
		json_null(w);
	else
		json_uint(w, st->digits);
	json_key(w, "period");
	if (st->kind == MFA_OTP_TOTP)
		json_uint(w, st->period);
	else
		json_null(w);
}

static void
json_recovery(struct json_writer *w, char (*codes)[MFA_RECOVERY_CODE_SIZE], size_t n)
{
	size_t i;

	json_key(w, "recovery_codes");
	json_begin_array(w);
	for (i = 0; i < n; i++)
		json_string(w, codes[i]);
	json_end_array(w);
}

/*
 * The outcome of a store change: 0 when it is made (MFA_ERR_NOT_DURABLE is
 * made too: warn, since a crash before the next sync may undo it), 1 with
 * the reason when nothing changed.
 */
static int
store_changed(int r, const struct mfa_parse_err *perr)
{
	if (r == MFA_OK)
		return 0;
	if (r == MFA_ERR_NOT_DURABLE) {
		fprintf(stderr, "%s: warning: %s; a crash before the next sync may undo it\n",
			progname, perr_text(perr));
		return 0;
	}
	fail("%s", perr_text(perr));
	return 1;
}

/*
 * The JSON writer of a report, made before the store is changed: once the
 * change is made, its report must not fail for want of memory.
 */
static int
report_writer(const struct options *o, struct json_writer **wp)
{
	*wp = NULL;
	if (o->json && json_writer_new_file(stdout, JSON_WRITER_PRETTY, wp) != MFA_OK) {
		fail("out of memory; nothing was changed");
		return 1;
	}
	return 0;
}

static int
cmd_enroll(const struct options *o, struct target *t)
{
	char(*codes)[MFA_RECOVERY_CODE_SIZE] = NULL;
	struct mfa_store_txn *txn = NULL;
	struct mfa_state *st = NULL, *old = NULL;
	struct mfa_parse_err perr;
	struct json_writer *w = NULL;
	char issuer[256], *uri = NULL, *b32 = NULL;
	const char *source = "generated";
	bool interactive_qr, qr_written = false, stored = false, fido2_only;
	struct stat qr_file;
	size_t kept = 0;
	int r, rc = 1;

	mfa_parse_err_init(&perr, NULL);
	/*
	 * Refuse early, before showing a secret that would never be stored.
	 * A user with FIDO2 credentials only has no token to replace: one is
	 * added.
	 */
	r = mfa_store_begin(t->store, t->account->name, &txn, &old, &perr);
	mfa_store_end(&txn);
	fido2_only = r == MFA_OK && old->kind == MFA_OTP_NONE;
	mfa_state_free(&old);
	if (r != MFA_ERR_NOT_FOUND && !fido2_only &&
	    !(o->force && (r == MFA_OK || mfa_enroll_state_unusable(r)))) {
		if (r == MFA_OK)
			fail("%s has a token already (%s); --force replaces it (keeping its FIDO2 "
			     "credentials)",
			     t->account->name, t->file);
		else if (mfa_enroll_state_unusable(r))
			fail("%s; --force replaces it", perr_text(&perr));
		else
			fail("%s", perr_text(&perr));
		return 1;
	}
	if (build_state(o, t, &st, &source) != 0)
		return 1;
	default_issuer(o, issuer, sizeof(issuer));
	if ((r = mfa_enroll_uri(st, issuer, t->account->name, &uri)) != MFA_OK ||
	    (r = mfa_base32_encode(st->secret, st->secret_len, false, &b32)) != MFA_OK) {
		fail("cannot write the otpauth URI: %s", mfa_strerror(r));
		goto out;
	}
	if (o->qr_out != NULL) {
		if (write_qr_file(o->qr_out, uri, &qr_file) != 0)
			goto out;
		qr_written = true;
	}

	interactive_qr = !o->json && o->import_ga == NULL && o->import_oath == NULL;
	if (interactive_qr) {
		printf("Token for %s (%s, %s, %u digits", t->account->name,
		       st->kind == MFA_OTP_TOTP ? "TOTP" : "HOTP", mfa_otp_alg_name(st->alg),
		       st->digits);
		if (st->kind == MFA_OTP_TOTP)
			printf(", every %u s", st->period);
		printf("), issuer %s.\nScan the QR code with an authenticator app:\n\n", issuer);
		print_terminal_qr(uri, o->qr_invert);
		printf("\nor enter the key by hand: ");
		for (size_t i = 0; b32[i] != '\0'; i++)
			printf("%s%c", i > 0 && i % 4 == 0 ? " " : "", b32[i]);
		printf("\n%s\n\n", uri);
		fflush(stdout);
	} else if (o->json && !o->no_confirm) {
		/* The JSON comes last; a person confirming needs the key first. */
		fprintf(stderr, "%s\n", uri);
	}
	if (!o->no_confirm && confirm(st, o->json) != 0)
		goto out;

	if (o->recovery_count > 0) {
		if ((codes = calloc(o->recovery_count, sizeof(*codes))) == NULL) {
			fail("out of memory; nothing was written");
			goto out;
		}
		if ((r = mfa_enroll_new_recovery(st, o->recovery_count, MFA_RECOVERY_ITERATIONS,
						 codes)) != MFA_OK) {
			fail("cannot create recovery codes: %s", mfa_strerror(r));
			goto out;
		}
	}
	/* Everything the report needs exists before the token is stored. */
	if (report_writer(o, &w) != 0)
		goto out;
	if (store_changed(
		    mfa_enroll_store_token(t->store, t->account->name, st, o->force, &kept, &perr),
		    &perr) != 0)
		goto out;
	stored = true;

	if (o->json) {
		json_begin_object(w);
		json_key(w, "user");
		json_string(w, t->account->name);
		json_token_params(w, st);
		json_key(w, "counter");
		if (st->kind == MFA_OTP_HOTP)
			json_uint(w, st->next);
		else
			json_null(w);
		json_key(w, "issuer");
		json_string(w, issuer);
		json_key(w, "secret");
		json_string(w, b32);
		json_key(w, "uri");
		json_string(w, uri);
		json_key(w, "source");
		json_string(w, source);
		json_key(w, "confirmed");
		json_bool(w, !o->no_confirm);
		json_key(w, "store");
		json_string(w, t->file);
		json_key(w, "fido2_credentials");
		json_uint(w, kept);
		json_recovery(w, codes, o->recovery_count);
		json_end_object(w);
		if (json_writer_finish(w) != MFA_OK) {
			fail("the token is stored, but the JSON report could not be written: "
			     "enroll again with --force");
			goto out;
		}
	} else {
		printf("Token %s for %s: %s\n", o->no_confirm ? "stored" : "activated",
		       t->account->name, t->file);
		if (kept > 0)
			printf("%s keeps %zu FIDO2 credential%s.\n", t->account->name, kept,
			       kept == 1 ? "" : "s");
		print_recovery_text(codes, o->recovery_count);
	}
	rc = 0;
out:
	/* A QR code of a token that was never stored must not stay behind. */
	if (!stored && qr_written)
		remove_qr_file(o->qr_out, &qr_file);
	if (codes != NULL)
		mfa_freezero(codes, o->recovery_count * sizeof(*codes));
	json_writer_free(&w);
	mfa_free_string(uri);
	mfa_free_string(b32);
	mfa_state_free(&st);
	return rc;
}

/* ---- FIDO2 / U2F security keys ---- */

/* A signal that came while the PIN was read with the echo off (the main layer's own). */
static volatile sig_atomic_t pin_signal;

static void
on_pin_signal(int sig)
{
	pin_signal = sig;
}

/*
 * One line from fd, without its newline, as a new string in *pinp (a
 * secret: the caller frees it with mfa_free_string).  Read a byte at a
 * time, so nothing after the line is taken and no buffer keeps a copy.
 */
static int
read_pin_line(int fd, char **pinp)
{
	char buf[MFA_FIDO2_PIN_MAX + 1];
	size_t len = 0;
	bool too_long = false, got = false;
	ssize_t n;
	char c;

	*pinp = NULL;
	for (;;) {
		if (pin_signal != 0)
			break;
		n = read(fd, &c, 1);
		if (n < 0 && errno == EINTR && pin_signal == 0)
			continue;
		if (n <= 0 || c == '\n')
			break;
		got = true;
		if (len < MFA_FIDO2_PIN_MAX)
			buf[len++] = c;
		else
			too_long = true;
	}
	c = '\0';
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	buf[len] = '\0';
	if (pin_signal != 0 || !got || len == 0 || too_long) {
		mfa_wipe(buf, sizeof(buf));
		if (too_long && pin_signal == 0)
			fail("the PIN is longer than %d bytes", MFA_FIDO2_PIN_MAX);
		else if (pin_signal == 0)
			fail("no PIN was given");
		return MFA_ERR_FIDO2_PIN;
	}
	*pinp = strdup(buf);
	mfa_wipe(buf, sizeof(buf));
	return *pinp != NULL ? MFA_OK : MFA_ERR_NOMEM;
}

/* Best effort: a prompt that cannot be shown does not stop the PIN from being read. */
static void
tty_write(int fd, const char *text)
{
	size_t len = strlen(text);
	ssize_t n;

	while (len > 0) {
		n = write(fd, text, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		text += n;
		len -= (size_t)n;
	}
}

static void
set_terminal(int fd, const struct termios *tio)
{
	/*
	 * Retried when a signal interrupts it (the echo must come back), but not
	 * in the background, where every try is stopped by SIGTTOU.
	 */
	while (tcsetattr(fd, TCSAFLUSH, tio) != 0 && errno == EINTR && pin_signal != SIGTTOU)
		;
}

/* Ask for the PIN on the terminal, with the echo off. */
static int
read_pin_terminal(char **pinp)
{
	static const int sigs[] = {SIGINT, SIGHUP, SIGQUIT, SIGTERM, SIGTSTP, SIGTTIN, SIGTTOU};
	static const char prompt[] = "Security key PIN: ";
	struct sigaction sa, saved[sizeof(sigs) / sizeof(sigs[0])];
	struct termios old, quiet;
	size_t i;
	int fd, r, sig;

	*pinp = NULL;
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || tcgetattr(fd, &old) != 0) {
		fail("no terminal to ask for the security key's PIN on: give it with --pin-fd N");
		if (fd >= 0)
			close(fd);
		return MFA_ERR_FIDO2_PIN;
	}
	pin_signal = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_pin_signal; /* no SA_RESTART: the read returns */
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		(void)sigaction(sigs[i], &sa, &saved[i]);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	tty_write(fd, prompt);
	set_terminal(fd, &quiet);
	r = read_pin_line(fd, pinp);
	set_terminal(fd, &old);
	tty_write(fd, "\n");
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		(void)sigaction(sigs[i], &saved[i], NULL);
	close(fd);
	if ((sig = pin_signal) != 0) {
		/* The terminal is as it was: now the signal may do what it does. */
		mfa_free_string(*pinp);
		*pinp = NULL;
		pin_signal = 0;
		(void)raise(sig);
		return MFA_ERR_FIDO2_PIN;
	}
	return r;
}

/* The backend asks for the PIN (ask_pin of fido2_device.h). */
static int
fido2_ask_pin(void *arg, char **pinp)
{
	const struct options *o = arg;

	if (o->pin_fd >= 0)
		return read_pin_line(o->pin_fd, pinp);
	return read_pin_terminal(pinp);
}

/* The backend says to touch the key. */
static void
fido2_tell(void *arg, const char *text)
{
	(void)arg;
	fprintf(stderr, "%s\n", text);
	fflush(stderr);
}

/* The relying party: --origin, or pam:// and the host's name, as pam_u2f's default. */
static int
fido2_origin(const struct options *o, char *buf, size_t size)
{
	char host[ORIGIN_MAX];

	if (o->origin != NULL) {
		snprintf(buf, size, "%s", o->origin);
		return 0;
	}
	if (!host_name(o, host, sizeof(host)) ||
	    snprintf(buf, size, "pam://%s", host) >= (int)size || !origin_valid(buf)) {
		fail("cannot make the default origin pam://HOSTNAME from %s: give --origin",
		     o->root != NULL ? "the image's /etc/hostname" : "this host's name");
		return -1;
	}
	return 0;
}

static const char *
cose_name(enum mfa_fido2_cose type)
{
	switch (type) {
	case MFA_FIDO2_EDDSA:
		return "eddsa";
	case MFA_FIDO2_RS256:
		return "rs256";
	case MFA_FIDO2_ES256:
		break;
	}
	return "es256";
}

/* Why the device did not register a credential. */
static void
register_failed(int r, const struct target *t)
{
	switch (r) {
	case MFA_ERR_NOT_FOUND:
		fail("no security key found: plug one in; nothing was written");
		break;
	case MFA_ERR_EXISTS:
		fail("this security key is registered for %s already; nothing was written",
		     t->account->name);
		break;
	case MFA_ERR_FIDO2_PIN:
		fail("the security key's PIN was wrong or not given, or the key is blocked; "
		     "nothing was written");
		break;
	case MFA_ERR_FIDO2_DEVICE:
		fail("the security key failed, timed out, was not touched, or cannot do what was "
		     "asked (--uv needs a PIN or built-in verification); nothing was written");
		break;
	case MFA_ERR_FIDO2_SIGNATURE:
		fail("the security key's attestation does not verify; nothing was written");
		break;
	default:
		fail("cannot register the security key: %s; nothing was written", mfa_strerror(r));
		break;
	}
}

/*
 * What the user has before anything is asked of the device or read from a
 * file: *oldp (NULL for no state).  A state that cannot be read is refused,
 * unless --force will replace it.
 */
static int
read_existing(const struct options *o, const struct target *t, struct mfa_state **oldp)
{
	struct mfa_store_txn *txn = NULL;
	struct mfa_parse_err perr;
	int r;

	*oldp = NULL;
	mfa_parse_err_init(&perr, NULL);
	r = mfa_store_begin(t->store, t->account->name, &txn, oldp, &perr);
	mfa_store_end(&txn);
	if (r == MFA_OK || r == MFA_ERR_NOT_FOUND)
		return 0;
	if (mfa_enroll_state_unusable(r) && o->force)
		return 0;
	fail("%s%s", perr_text(&perr),
	     mfa_enroll_state_unusable(r) ? "; --force replaces it with a new state" : "");
	return 1;
}

/*
 * Store creds for the user and report it: the common end of --fido2 and
 * --import-pamu2f.  source is "device" or "pam_u2f".
 */
static int
store_fido2(const struct options *o, const struct target *t, const struct mfa_fido2_cred *creds,
	    size_t n, const char *source, const char *origin)
{
	char(*codes)[MFA_RECOVERY_CODE_SIZE] = NULL;
	struct mfa_enroll_fido2_store_params sp;
	struct mfa_enroll_fido2_result res;
	struct mfa_parse_err perr;
	struct json_writer *w = NULL;
	char **texts = NULL;
	size_t i, nold = 0;
	int r, rc = 1;

	mfa_parse_err_init(&perr, NULL);
	/* Everything the report needs exists before the state is changed. */
	if ((texts = calloc(n, sizeof(*texts))) == NULL ||
	    (o->recovery_count > 0 &&
	     (codes = calloc(o->recovery_count, sizeof(*codes))) == NULL)) {
		fail("out of memory; nothing was written");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if ((r = mfa_fido2_cred_format(&creds[i], &texts[i])) != MFA_OK) {
			fail("credential %zu: %s; nothing was written", i + 1, mfa_strerror(r));
			goto out;
		}
		if (creds[i].old_format)
			nold++;
	}
	if (report_writer(o, &w) != 0)
		goto out;
	memset(&sp, 0, sizeof(sp));
	sp.now = time(NULL);
	sp.nrecovery = o->recovery_count;
	sp.iterations = MFA_RECOVERY_ITERATIONS;
	sp.codes = codes;
	sp.replace_unusable = o->force;
	r = mfa_enroll_fido2_store(t->store, t->account->name, creds, n, &sp, &res, &perr);
	if (store_changed(r, &perr) != 0)
		goto out;
	if (nold > 0)
		fprintf(stderr,
			"%s: %zu credential%s in pam_u2f's old format: the module checks %s with "
			"its appid=, which must be pam_u2f's appid (by default its origin)\n",
			progname, nold, nold == 1 ? " is" : "s are", nold == 1 ? "it" : "them");
	if (o->json) {
		json_begin_object(w);
		json_key(w, "user");
		json_string(w, t->account->name);
		json_key(w, "type");
		json_string(w, "fido2");
		json_key(w, "source");
		json_string(w, source);
		json_key(w, "origin");
		if (origin != NULL)
			json_string(w, origin);
		else
			json_null(w);
		json_key(w, "credentials");
		json_begin_array(w);
		for (i = 0; i < n; i++)
			json_string(w, texts[i]);
		json_end_array(w);
		json_key(w, "fido2_credentials");
		json_uint(w, res.nfido2);
		json_key(w, "otp_token");
		json_string(w, mfa_otp_kind_name(res.kind));
		json_key(w, "new_state");
		json_bool(w, res.created);
		json_key(w, "store");
		json_string(w, t->file);
		json_recovery(w, codes, res.created ? o->recovery_count : 0);
		json_end_object(w);
		if (json_writer_finish(w) != MFA_OK) {
			fail("the FIDO2 credentials are stored, but the JSON report could not be "
			     "written");
			goto out;
		}
	} else {
		printf("%s %zu FIDO2 credential%s for %s: %s\n",
		       strcmp(source, "device") == 0 ? "Registered" : "Imported", n,
		       n == 1 ? "" : "s", t->account->name, t->file);
		for (i = 0; i < n; i++)
			printf("  %s%s%s%s%s\n", cose_name(creds[i].type),
			       creds[i].resident ? ", resident" : "",
			       creds[i].verification ? ", +verification" : "",
			       creds[i].pin ? ", +pin" : "",
			       creds[i].old_format ? ", old format" : "");
		printf("%s has %zu FIDO2 credential%s and %s.\n", t->account->name, res.nfido2,
		       res.nfido2 == 1 ? "" : "s",
		       res.kind == MFA_OTP_TOTP   ? "a TOTP token"
		       : res.kind == MFA_OTP_HOTP ? "an HOTP token"
						  : "no OTP token");
		if (res.created)
			print_recovery_text(codes, o->recovery_count);
	}
	rc = 0;
out:
	for (i = 0; texts != NULL && i < n; i++)
		free(texts[i]);
	free(texts);
	if (codes != NULL)
		mfa_freezero(codes, o->recovery_count * sizeof(*codes));
	json_writer_free(&w);
	return rc;
}

/* enroll --fido2: register a security key. */
static int
cmd_fido2(const struct options *o, struct target *t)
{
	struct mfa_enroll_fido2_request req;
	struct mfa_fido2_cred cred;
	struct mfa_state *old = NULL;
	char origin[ORIGIN_MAX + 8];
	int r, rc = 1;

	if (fido2_origin(o, origin, sizeof(origin)) != 0 || read_existing(o, t, &old) != 0)
		return 1;
	if (old != NULL && old->nfido2 >= MFA_STATE_FIDO2_MAX) {
		fail("%s has %d FIDO2 credentials, the most there can be; nothing was written",
		     t->account->name, MFA_STATE_FIDO2_MAX);
		goto out;
	}
	memset(&req, 0, sizeof(req));
	req.rp_id = origin;
	req.user_name = t->account->name;
	req.type = o->cose_type;
	req.resident = o->resident;
	req.uv = o->uv;
	req.existing = old;
	req.ask_pin = fido2_ask_pin;
	req.tell = fido2_tell;
	req.arg = (void *)(uintptr_t)o;
	fprintf(stderr, "Registering a security key for %s (%s, origin %s).\n", t->account->name,
		cose_name(o->cose_type), origin);
	if ((r = mfa_enroll_fido2_register(FIDO2_BACKEND, &req, &cred)) != MFA_OK) {
		register_failed(r, t);
		goto out;
	}
	rc = store_fido2(o, t, &cred, 1, "device", origin);
out:
	mfa_state_free(&old);
	return rc;
}

/* enroll --import-pamu2f FILE: the user's credentials from a pam_u2f mapping file. */
static int
cmd_import_pamu2f(const struct options *o, struct target *t)
{
	const struct mfa_fido2_user *u;
	struct mfa_fido2_map *map = NULL;
	struct mfa_state *old = NULL;
	struct mfa_parse_err perr;
	char *buf = NULL;
	size_t len = 0;
	int r, rc = 1;

	if (read_existing(o, t, &old) != 0)
		return 1;
	mfa_state_free(&old); /* read again under the lock when storing */
	if (read_import_file(o->import_pamu2f, t->account->uid, MFA_FIDO2_FILE_MAX, &buf, &len) !=
	    0)
		return 1;
	mfa_parse_err_init(&perr, o->import_pamu2f);
	r = mfa_fido2_map_parse(buf, len, o->import_pamu2f, &map, &perr);
	free(buf); /* public keys and key handles: nothing secret */
	if (r != MFA_OK) {
		fail("cannot import: %s", perr_text(&perr));
		goto out;
	}
	if ((u = mfa_fido2_map_find(map, t->account->name)) == NULL) {
		fail("%s has no line for %s; nothing was written", o->import_pamu2f,
		     t->account->name);
		goto out;
	}
	rc = store_fido2(o, t, u->creds, u->ncreds, "pam_u2f", NULL);
out:
	mfa_fido2_map_free(&map);
	return rc;
}

static void
json_state_fields(struct json_writer *w, const struct mfa_state *st, time_t now)
{
	json_token_params(w, st);
	json_key(w, "created");
	json_uint(w, st->created);
	json_key(w, "last_success");
	json_uint(w, st->last_success);
	json_key(w, "failures");
	json_uint(w, st->failures);
	json_key(w, "locked");
	json_bool(w, st->locked_until > (uint64_t)now);
	json_key(w, "locked_until");
	json_uint(w, st->locked_until);
	json_key(w, "recovery_codes_left");
	json_uint(w, st->nrecovery);
	json_key(w, "fido2_credentials");
	json_uint(w, st->nfido2);
	json_key(w, "fido2");
	json_begin_array(w);
	for (size_t i = 0; i < st->nfido2; i++) {
		char *text = NULL;

		json_begin_object(w);
		json_key(w, "credential");
		if (mfa_fido2_cred_format(&st->fido2[i].cred, &text) == MFA_OK)
			json_string(w, text);
		else
			json_null(w);
		free(text);
		json_key(w, "counter");
		json_uint(w, st->fido2[i].counter);
		json_end_object(w);
	}
	json_end_array(w);
}

/* One user's FIDO2 credentials, numbered as revoke --fido2-credential takes them. */
static void
print_fido2_text(const struct mfa_state *st)
{
	size_t i;

	for (i = 0; i < st->nfido2; i++) {
		const struct mfa_fido2_cred *c = &st->fido2[i].cred;

		printf("  fido2 %zu: %s%s%s%s%s, counter %lu\n", i + 1, cose_name(c->type),
		       c->resident ? ", resident" : "", c->verification ? ", +verification" : "",
		       c->pin ? ", +pin" : "", c->old_format ? ", old format" : "",
		       (unsigned long)st->fido2[i].counter);
	}
}

/* List every token of the store (or the user's own), with its state. */
static int
cmd_list(const struct options *o, struct target *t)
{
	struct json_writer *w = NULL;
	struct mfa_parse_err perr;
	char **users = NULL;
	size_t n = 0, i;
	time_t now = time(NULL);
	int r, rc = 0;

	mfa_parse_err_init(&perr, NULL);
	if (t->fixed_name == NULL && o->user == NULL) {
		if ((r = mfa_store_list(t->store, &users, &n, &perr)) != MFA_OK) {
			fail("%s", perr_text(&perr));
			return 1;
		}
	} else {
		if ((users = calloc(1, sizeof(*users))) == NULL ||
		    (users[0] = strdup(t->account->name)) == NULL) {
			free(users);
			return 1;
		}
		n = 1;
	}
	if (o->json) {
		if (json_writer_new_file(stdout, JSON_WRITER_PRETTY, &w) != MFA_OK) {
			mfa_store_free_list(&users, n);
			return 1;
		}
		json_begin_object(w);
		json_key(w, "store");
		json_string(w, t->store_dir);
		json_key(w, "tokens");
		json_begin_array(w);
	} else {
		printf("%-20s %-4s %-6s %-6s %-20s %-8s %-20s %-13s %s\n", "USER", "TYPE", "ALG",
		       "DIGITS", "LAST USE", "FAILURES", "LOCKED UNTIL", "RECOVERY LEFT", "FIDO2");
	}
	for (i = 0; i < n; i++) {
		struct mfa_store_txn *txn = NULL;
		struct mfa_state *st = NULL;

		mfa_parse_err_init(&perr, NULL);
		r = mfa_store_begin(t->store, users[i], &txn, &st, &perr);
		mfa_store_end(&txn);
		if (r == MFA_ERR_NOT_FOUND && o->user != NULL) {
			fail("%s has no token", users[i]);
			rc = 1;
			continue;
		}
		if (o->json) {
			json_begin_object(w);
			json_key(w, "user");
			json_string(w, users[i]);
			if (r == MFA_OK) {
				json_state_fields(w, st, now);
			} else {
				json_key(w, "error");
				json_string(w, perr_text(&perr));
			}
			json_end_object(w);
		} else if (r == MFA_OK) {
			char last[32], locked[32], digits[16];
			bool token = st->kind != MFA_OTP_NONE;

			iso_time(st->last_success, last, sizeof(last));
			if (st->locked_until > (uint64_t)now)
				iso_time(st->locked_until, locked, sizeof(locked));
			else
				snprintf(locked, sizeof(locked), "-");
			/* Type none: FIDO2 credentials only, no algorithm or digits to show. */
			if (token)
				snprintf(digits, sizeof(digits), "%u", st->digits);
			else
				snprintf(digits, sizeof(digits), "-");
			printf("%-20s %-4s %-6s %-6s %-20s %-8u %-20s %-13zu %zu\n", users[i],
			       mfa_otp_kind_name(st->kind), token ? mfa_otp_alg_name(st->alg) : "-",
			       digits, last, st->failures, locked, st->nrecovery, st->nfido2);
			if (o->user != NULL || t->fixed_name != NULL)
				print_fido2_text(st);
		} else {
			printf("%-20s unusable: %s\n", users[i], perr_text(&perr));
		}
		if (r != MFA_OK)
			rc = 1;
		mfa_state_free(&st);
	}
	if (o->json) {
		json_end_array(w);
		json_end_object(w);
		if (json_writer_finish(w) != MFA_OK)
			rc = 1;
		json_writer_free(&w);
	}
	mfa_store_free_list(&users, n);
	return rc;
}

/*
 * A one-line JSON (into w, from report_writer) or text result for the
 * commands that change one token; 1 when it could not be written.
 */
static int
report_done(const struct options *o, const struct target *t, struct json_writer *w,
	    const char *what, char (*codes)[MFA_RECOVERY_CODE_SIZE], size_t ncodes)
{
	if (!o->json) {
		printf("%s: %s (%s)\n", t->account->name, what, t->file);
		print_recovery_text(codes, ncodes);
		return 0;
	}
	json_begin_object(w);
	json_key(w, "user");
	json_string(w, t->account->name);
	json_key(w, "done");
	json_string(w, what);
	json_key(w, "store");
	json_string(w, t->file);
	if (codes != NULL)
		json_recovery(w, codes, ncodes);
	json_end_object(w);
	if (json_writer_finish(w) != MFA_OK) {
		fail("%s: %s, but the report could not be written", t->account->name, what);
		return 1;
	}
	return 0;
}

/* revoke --fido2-credential N: one security key, under the user's lock. */
static int
revoke_fido2(const struct options *o, struct target *t, struct json_writer *w)
{
	struct mfa_store_txn *txn = NULL;
	struct mfa_state *st = NULL;
	struct mfa_parse_err perr;
	char what[64];
	int rc = 1;

	mfa_parse_err_init(&perr, NULL);
	if (mfa_store_begin(t->store, t->account->name, &txn, &st, &perr) != MFA_OK) {
		fail("%s", perr_text(&perr));
		return 1;
	}
	if (o->fido2_credential > st->nfido2) {
		fail("%s has %zu FIDO2 credential%s (see list --user %s); nothing was changed",
		     t->account->name, st->nfido2, st->nfido2 == 1 ? "" : "s", t->account->name);
	} else if (mfa_enroll_fido2_remove(st, o->fido2_credential - 1) != MFA_OK) {
		fail("that is the only credential of %s, who has no OTP token: revoke without "
		     "--fido2-credential removes the whole state; nothing was changed",
		     t->account->name);
	} else if (store_changed(mfa_store_commit(txn, st, &perr), &perr) == 0) {
		snprintf(what, sizeof(what), "fido2 credential %u revoked", o->fido2_credential);
		rc = report_done(o, t, w, what, NULL, 0);
	}
	mfa_store_end(&txn);
	mfa_state_free(&st);
	return rc;
}

static int
cmd_revoke(const struct options *o, struct target *t)
{
	struct json_writer *w = NULL;
	struct mfa_parse_err perr;
	int rc;

	mfa_parse_err_init(&perr, NULL);
	if (report_writer(o, &w) != 0)
		return 1;
	if (o->fido2_credential > 0) {
		rc = revoke_fido2(o, t, w);
		json_writer_free(&w);
		return rc;
	}
	rc = store_changed(mfa_store_remove(t->store, t->account->name, &perr), &perr);
	if (rc == 0)
		rc = report_done(o, t, w, "revoked", NULL, 0);
	json_writer_free(&w);
	return rc;
}

/* reset-lockout and recovery-codes: change one token under its lock. */
static int
cmd_update(const struct options *o, struct target *t)
{
	char(*codes)[MFA_RECOVERY_CODE_SIZE] = NULL;
	struct mfa_store_txn *txn = NULL;
	struct json_writer *w = NULL;
	struct mfa_state *st = NULL;
	struct mfa_parse_err perr;
	int r, rc = 1;

	mfa_parse_err_init(&perr, NULL);
	if (report_writer(o, &w) != 0)
		return 1;
	if ((r = mfa_store_begin(t->store, t->account->name, &txn, &st, &perr)) != MFA_OK) {
		fail("%s", perr_text(&perr));
		json_writer_free(&w);
		return 1;
	}
	if (o->command == CMD_RESET_LOCKOUT) {
		st->failures = 0;
		st->locked_until = 0;
	} else {
		if (o->recovery_count > 0 &&
		    (codes = calloc(o->recovery_count, sizeof(*codes))) == NULL) {
			fail("out of memory; nothing was changed");
			goto out;
		}
		if ((r = mfa_enroll_new_recovery(st, o->recovery_count, MFA_RECOVERY_ITERATIONS,
						 codes)) != MFA_OK) {
			fail("cannot create recovery codes: %s", mfa_strerror(r));
			goto out;
		}
	}
	if (store_changed(mfa_store_commit(txn, st, &perr), &perr) != 0)
		goto out;
	if (o->command == CMD_RESET_LOCKOUT)
		rc = report_done(o, t, w, "lockout reset", NULL, 0);
	else
		rc = report_done(o, t, w, "new recovery codes", codes, o->recovery_count);
out:
	if (codes != NULL)
		mfa_freezero(codes, o->recovery_count * sizeof(*codes));
	json_writer_free(&w);
	mfa_store_end(&txn);
	mfa_state_free(&st);
	return rc;
}

int
main(int argc, char **argv)
{
	struct options o;
	struct target t;
	int rc;

	/*
	 * Seeds and codes arrive on stdin: no stdio buffer must keep a copy
	 * after they are read and wiped (lines are short; reading unbuffered
	 * costs nothing here).
	 */
	if (setvbuf(stdin, NULL, _IONBF, 0) != 0) {
		fail("cannot set up standard input");
		return 1;
	}
	if ((rc = parse_options(argc, argv, &o)) != 0)
		goto out;
	if ((rc = resolve_target(&o, &t)) != 0)
		goto out;
	if (become_user(&t) != 0 || open_target_store(&t, o.command == CMD_ENROLL) != 0) {
		target_release(&t);
		rc = 1;
		goto out;
	}
	switch (o.command) {
	case CMD_ENROLL:
		if (o.fido2)
			rc = cmd_fido2(&o, &t);
		else if (o.import_pamu2f != NULL)
			rc = cmd_import_pamu2f(&o, &t);
		else
			rc = cmd_enroll(&o, &t);
		break;
	case CMD_LIST:
		rc = cmd_list(&o, &t);
		break;
	case CMD_REVOKE:
		rc = cmd_revoke(&o, &t);
		break;
	case CMD_RESET_LOCKOUT:
	case CMD_RECOVERY_CODES:
		rc = cmd_update(&o, &t);
		break;
	}
	target_release(&t);
	if (fflush(stdout) != 0 && rc == 0)
		rc = 1;
out:
	mfa_wipe(o.secret_arg, sizeof(o.secret_arg));
	return rc;
}
