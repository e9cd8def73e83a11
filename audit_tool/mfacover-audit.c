/*
 * mfacover-audit - prove that every admin access path of a host needs a
 * second factor.  This is the command line only: options, output and exit
 * status.  The work is done by libmfacover (audit.h, audit_output.h).
 *
 * Exit status: 0 every admin path covered, 1 gaps, 2 could not audit (a
 * file unreadable or malformed: the message names it), 64 bad command line.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "audit_directory.h"
#include "audit_html.h"
#include "audit_output.h"
#include "mfa_err.h"
#include "mfa_version.h"

#define PROG "mfacover-audit"
#define MAX_LIST 64

enum format {
	FORMAT_TEXT,
	FORMAT_JSON,
	FORMAT_HTML,
};

struct cli {
	const char *root;
	enum format format;
	const char *output;
	const char *admin_groups[MAX_LIST];
	size_t nadmin_groups;
	const char *mfa_modules[MAX_LIST];
	size_t nmfa_modules;
	struct audit_directory_options ldap;
	bool ldap_host; /* --ldap: the directory the host's own configuration names */
};

/* Long options without a short one. */
enum {
	OPT_LDAP = 256,
	OPT_LDAP_URI,
	OPT_LDAP_STARTTLS,
	OPT_LDAP_CA,
	OPT_LDAP_BIND_DN,
	OPT_LDAP_PASSWORD_FILE,
	OPT_LDAP_SASL_EXTERNAL,
	OPT_LDAP_BASE,
	OPT_LDAP_TIMEOUT,
	OPT_LDAP_LDIF,
};

static const char usage_line[] =
	"usage: " PROG " [--root DIR] [--format text|json|html] [--output FILE]\n"
	"       [--admin-group GROUP]... [--mfa-module NAME]...\n"
	"       [--ldap | --ldap-uri URI [--ldap-starttls] [--ldap-ca FILE] [--ldap-base DN]\n"
	"        [--ldap-bind-dn DN --ldap-password-file FILE | --ldap-sasl-external]\n"
	"        [--ldap-timeout SECONDS] | --ldap-ldif FILE] [--help] [--version]\n";

static void
usage(FILE *fp)
{
	fputs(usage_line, fp);
}

static void
help(void)
{
	usage(stdout);
	fputs("\n"
	      "Prove, for the host whose files are under DIR, that every admin account needs\n"
	      "a second factor on every access path (PAM services, sshd, sudo, su, login,\n"
	      "polkit, OpenVPN), or name each gap with the file, line and reason.\n"
	      "\n"
	      "  -r, --root DIR          audit the tree under DIR instead of / (read only)\n"
	      "  -f, --format FORMAT     text (default), json, or html (one self-contained\n"
	      "                          page with the SHA-256 of every file read)\n"
	      "  -o, --output FILE       write the report to FILE instead of standard output\n"
	      "  -g, --admin-group GROUP a group whose members are admins (repeatable; replaces\n"
	      "                          the defaults sudo, wheel and admin)\n"
	      "  -m, --mfa-module NAME   count module NAME (e.g. pam_foo) as a second factor,\n"
	      "                          besides the known ones (repeatable)\n"
	      "      --ldap              audit the directory the host's own sssd.conf,\n"
	      "                          nslcd.conf or ldap.conf names (options below override)\n"
	      "      --ldap-uri URI      audit the users and groups of this directory too\n"
	      "                          (ldap://, ldaps:// or ldapi://; several, space-separated)\n"
	      "      --ldap-starttls     require StartTLS on ldap://\n"
	      "      --ldap-ca FILE      CA certificates (PEM) for the server's certificate\n"
	      "      --ldap-base DN      search base (default: the server's naming context)\n"
	      "      --ldap-bind-dn DN   simple bind as DN, with the password in:\n"
	      "      --ldap-password-file FILE  one line, mode 0600 (never on the command line)\n"
	      "      --ldap-sasl-external  bind with SASL EXTERNAL (ldapi:// as root)\n"
	      "      --ldap-timeout SECONDS  bound on connecting and on each operation (30)\n"
	      "      --ldap-ldif FILE    read the directory from an LDIF export instead\n"
	      "  -h, --help              show this help and exit\n"
	      "  -V, --version           show the version and exit\n"
	      "\n"
	      "Exit status: 0 every admin path needs a second factor, 1 gaps found,\n"
	      "2 could not audit, 64 bad command line.\n",
	      stdout);
}

static int
bad_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, PROG ": ");
	if (arg != NULL)
		fprintf(stderr, "%s: %s\n", fmt, arg);
	else
		fprintf(stderr, "%s\n", fmt);
	usage(stderr);
	return AUDIT_EXIT_USAGE;
}

/* The LDAP options that make no sense together, or alone. */
static int
check_ldap_args(const struct audit_directory_options *l, bool host)
{
	bool server = l->starttls || l->ca_file != NULL || l->bind_dn != NULL ||
		      l->password_file != NULL || l->sasl_external || l->base != NULL ||
		      l->timeout != 0;

	if (l->ldif_file != NULL && (l->uri != NULL || server || host))
		return bad_usage("--ldap-ldif reads an export: no server options with it", NULL);
	if (l->uri == NULL && server && !host)
		return bad_usage("the --ldap-* server options need --ldap-uri or --ldap", NULL);
	/* With --ldap, the bind DN may come from the host's configuration. */
	if (l->bind_dn != NULL && l->password_file == NULL)
		return bad_usage("--ldap-bind-dn needs --ldap-password-file", NULL);
	if (l->password_file != NULL && l->bind_dn == NULL && !host)
		return bad_usage("--ldap-password-file needs --ldap-bind-dn", NULL);
	if (l->bind_dn != NULL && l->sasl_external)
		return bad_usage("--ldap-bind-dn or --ldap-sasl-external, not both", NULL);
	return 0;
}

static void print_error(const char *root, const struct mfa_parse_err *perr, int err);

/*
 * --ldap: the host's own directory settings under the options given.  0 or
 * an exit status (the message printed).  *fromp: which file named them.
 */
static int
host_directory(struct cli *cli, struct audit_directory_host *h, char **fromp)
{
	struct audit_directory_options *l = &cli->ldap;
	struct mfa_parse_err perr;
	int r;

	if ((r = audit_directory_host_defaults(cli->root, h, &perr)) != MFA_OK) {
		fprintf(stderr, PROG ": --ldap: ");
		print_error(cli->root, &perr, r);
		return AUDIT_EXIT_CANNOT_AUDIT;
	}
	if (l->uri == NULL)
		l->uri = h->uri;
	if (l->base == NULL)
		l->base = h->base;
	if (l->ca_file == NULL)
		l->ca_file = h->ca_file;
	if (l->timeout == 0)
		l->timeout = h->timeout;
	l->starttls = l->starttls || h->starttls;
	if (l->bind_dn == NULL && !l->sasl_external && h->bind_dn != NULL) {
		if (l->password_file == NULL && h->bind_secret) {
			fprintf(stderr,
				PROG ": --ldap: the host binds as %s with a password in %s, "
				     "which is not read: give --ldap-password-file FILE (or "
				     "--ldap-bind-dn, --ldap-sasl-external)\n",
				h->bind_dn, h->from);
			return AUDIT_EXIT_CANNOT_AUDIT;
		}
		if (l->password_file != NULL)
			l->bind_dn = h->bind_dn;
	}
	if (l->password_file != NULL && l->bind_dn == NULL) {
		fprintf(stderr,
			PROG ": --ldap-password-file: the host's configuration names no bind DN; "
			     "give --ldap-bind-dn\n");
		return AUDIT_EXIT_CANNOT_AUDIT;
	}
	*fromp = h->from;
	return 0;
}

/* LDAP paging progress, on a terminal only. */
/* audit_run is done with the directory's entries: free them before the paths are built. */
static void
directory_read(void *arg)
{
	ldap_entries_clear(arg);
}

static void
ldap_progress(void *arg, const char *what, size_t entries)
{
	(void)arg;
	fprintf(stderr, "\r" PROG ": %s: %zu entries", what, entries);
}

/* 0: go on; -1: exit 0 (help/version); > 0: exit status. */
static int
parse_args(int argc, char **argv, struct cli *cli)
{
	static const struct option longopts[] = {
		{"root", required_argument, NULL, 'r'},
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{"admin-group", required_argument, NULL, 'g'},
		{"mfa-module", required_argument, NULL, 'm'},
		{"ldap", no_argument, NULL, OPT_LDAP},
		{"ldap-uri", required_argument, NULL, OPT_LDAP_URI},
		{"ldap-starttls", no_argument, NULL, OPT_LDAP_STARTTLS},
		{"ldap-ca", required_argument, NULL, OPT_LDAP_CA},
		{"ldap-bind-dn", required_argument, NULL, OPT_LDAP_BIND_DN},
		{"ldap-password-file", required_argument, NULL, OPT_LDAP_PASSWORD_FILE},
		{"ldap-sasl-external", no_argument, NULL, OPT_LDAP_SASL_EXTERNAL},
		{"ldap-base", required_argument, NULL, OPT_LDAP_BASE},
		{"ldap-timeout", required_argument, NULL, OPT_LDAP_TIMEOUT},
		{"ldap-ldif", required_argument, NULL, OPT_LDAP_LDIF},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	int c;

	cli->root = "/";
	cli->format = FORMAT_TEXT;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r:f:o:g:m:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (optarg[0] == '\0')
				return bad_usage("--root needs a directory", NULL);
			cli->root = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "text") == 0)
				cli->format = FORMAT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				cli->format = FORMAT_JSON;
			else if (strcmp(optarg, "html") == 0)
				cli->format = FORMAT_HTML;
			else
				return bad_usage("unknown --format (use text, json or html)",
						 optarg);
			break;
		case 'o':
			if (optarg[0] == '\0')
				return bad_usage("--output needs a file name", NULL);
			cli->output = optarg;
			break;
		case 'g':
			if (cli->nadmin_groups == MAX_LIST)
				return bad_usage("too many --admin-group options", NULL);
			cli->admin_groups[cli->nadmin_groups++] = optarg;
			break;
		case 'm':
			if (cli->nmfa_modules == MAX_LIST)
				return bad_usage("too many --mfa-module options", NULL);
			cli->mfa_modules[cli->nmfa_modules++] = optarg;
			break;
		case OPT_LDAP:
			cli->ldap_host = true;
			break;
		case OPT_LDAP_URI:
			cli->ldap.uri = optarg;
			break;
		case OPT_LDAP_STARTTLS:
			cli->ldap.starttls = true;
			break;
		case OPT_LDAP_CA:
			cli->ldap.ca_file = optarg;
			break;
		case OPT_LDAP_BIND_DN:
			cli->ldap.bind_dn = optarg;
			break;
		case OPT_LDAP_PASSWORD_FILE:
			cli->ldap.password_file = optarg;
			break;
		case OPT_LDAP_SASL_EXTERNAL:
			cli->ldap.sasl_external = true;
			break;
		case OPT_LDAP_BASE:
			cli->ldap.base = optarg;
			break;
		case OPT_LDAP_TIMEOUT: {
			char *end;
			long t;

			errno = 0;
			t = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' || t < 1 || t > 3600)
				return bad_usage("--ldap-timeout wants seconds from 1 to 3600",
						 optarg);
			cli->ldap.timeout = (int)t;
			break;
		}
		case OPT_LDAP_LDIF:
			cli->ldap.ldif_file = optarg;
			break;
		case 'h':
			help();
			return -1;
		case 'V':
			printf(PROG " %s\n", MFACOVER_VERSION);
			return -1;
		case ':':
			return bad_usage("option needs an argument",
					 optopt != 0 ? (char[]){'-', (char)optopt, '\0'}
						     : argv[optind - 1]);
		default:
			return bad_usage("unknown option",
					 optopt != 0 ? (char[]){'-', (char)optopt, '\0'}
						     : argv[optind - 1]);
		}
	}
	if (optind < argc)
		return bad_usage("unexpected argument", argv[optind]);
	return check_ldap_args(&cli->ldap, cli->ldap_host);
}

/* Where a path inside the root is on this machine. */
static const char *
disk_path(const char *root, const char *path, char *buf, size_t bufsz)
{
	size_t rl = strlen(root);

	while (rl > 0 && root[rl - 1] == '/')
		rl--;
	if (snprintf(buf, bufsz, "%.*s%s", (int)rl, root, path) < 0)
		buf[0] = '\0';
	return buf;
}

static void
print_error(const char *root, const struct mfa_parse_err *perr, int err)
{
	struct mfa_parse_err shown = *perr;
	char disk[MFA_PARSE_ERR_FILE_MAX],
		line[MFA_PARSE_ERR_FILE_MAX + MFA_PARSE_ERR_MSG_MAX + 32];

	if (shown.file[0] == '/' && strncmp(shown.file, root, strlen(root)) != 0) {
		disk_path(root, perr->file, disk, sizeof(disk));
		snprintf(shown.file, sizeof(shown.file), "%s", disk);
	}
	if (shown.msg[0] == '\0')
		snprintf(shown.msg, sizeof(shown.msg), "%s", mfa_strerror(err));
	fprintf(stderr, "%s\n", mfa_parse_err_format(&shown, line, sizeof(line)));
}

/*
 * The report names every gap: it is written 0600, never through a symbolic
 * link, and only over a regular file of ours with no other name (a link
 * planted in a shared directory must not make root truncate another file).
 * NULL with *whyp saying why.
 */
static FILE *
open_output(const char *path, const char **whyp)
{
	struct stat st;
	FILE *fp;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0600);
	if (fd < 0) {
		*whyp = errno == ELOOP ? "is a symbolic link" : strerror(errno);
		return NULL;
	}
	if (fstat(fd, &st) != 0)
		*whyp = strerror(errno);
	else if (!S_ISREG(st.st_mode))
		*whyp = "is not a regular file";
	else if (st.st_nlink != 1)
		*whyp = "has more than one name (a hard link)";
	else if (st.st_uid != geteuid())
		*whyp = "belongs to another user";
	else if (ftruncate(fd, 0) != 0)
		*whyp = strerror(errno);
	else if ((fp = fdopen(fd, "w")) == NULL)
		*whyp = strerror(errno);
	else
		return fp;
	close(fd);
	return NULL;
}

int
main(int argc, char **argv)
{
	struct cli cli;
	struct audit_report *report = NULL;
	struct audit_options opt;
	struct mfa_parse_err perr;
	struct ldap_entries directory = {0};
	char *directory_source = NULL;
	size_t nref = 0;
	struct audit_directory_host host;
	char *from = NULL;
	FILE *out = stdout;
	const char *why = NULL;
	int r, status = AUDIT_EXIT_CANNOT_AUDIT;

	memset(&cli, 0, sizeof(cli));
	memset(&host, 0, sizeof(host));
	/* libldap takes no defaults from this machine's ldap.conf or ~/.ldaprc. */
	if (setenv("LDAPNOINIT", "1", 1) != 0) {
		fprintf(stderr, PROG ": setenv: %s\n", strerror(errno));
		return AUDIT_EXIT_CANNOT_AUDIT;
	}
	if ((r = parse_args(argc, argv, &cli)) != 0)
		return r < 0 ? 0 : r;

	memset(&opt, 0, sizeof(opt));
	opt.root = cli.root;
	opt.admin_groups = cli.nadmin_groups > 0 ? cli.admin_groups : NULL;
	opt.nadmin_groups = cli.nadmin_groups;
	opt.mfa_modules = cli.mfa_modules;
	opt.nmfa_modules = cli.nmfa_modules;
	if (isatty(STDERR_FILENO))
		fprintf(stderr, PROG ": auditing the host under %s\n", cli.root);
	mfa_parse_err_init(&perr, NULL);
	if (cli.ldap_host && (r = host_directory(&cli, &host, &from)) != 0) {
		audit_directory_host_clear(&host);
		return r;
	}
	if (cli.ldap.uri != NULL || cli.ldap.ldif_file != NULL) {
		if (isatty(STDERR_FILENO)) {
			cli.ldap.progress = ldap_progress;
			fprintf(stderr, PROG ": reading the directory %s\n",
				cli.ldap.uri != NULL ? cli.ldap.uri : cli.ldap.ldif_file);
		}
		r = audit_directory_fetch(&cli.ldap, &directory, &directory_source, &nref, &perr);
		if (cli.ldap.progress != NULL)
			fputc('\n', stderr);
		if (r != MFA_OK) {
			fprintf(stderr, PROG ": cannot read the directory: ");
			print_error(cli.root, &perr, r);
			ldap_entries_clear(&directory);
			audit_directory_host_clear(&host);
			return AUDIT_EXIT_CANNOT_AUDIT;
		}
		opt.directory = &directory;
		opt.directory_source = directory_source;
		opt.directory_read = directory_read;
		opt.directory_read_arg = &directory;
	}
	r = audit_run(&opt, &report, &perr);
	ldap_entries_clear(&directory);
	if (r == MFA_OK && from != NULL)
		r = audit_add_note(report,
				   "%s: the directory's settings are the host's own, from %s",
				   directory_source, from);
	audit_directory_host_clear(&host);
	if (r != MFA_OK && report != NULL) {
		free(directory_source);
		fprintf(stderr, PROG ": cannot audit: %s\n", mfa_strerror(r));
		audit_report_free(&report);
		return AUDIT_EXIT_CANNOT_AUDIT;
	}
	if (r != MFA_OK) {
		free(directory_source);
		fprintf(stderr, PROG ": cannot audit: ");
		print_error(cli.root, &perr, r);
		return AUDIT_EXIT_CANNOT_AUDIT;
	}
	/* Parts of the tree held by other servers were not read: the report says so. */
	r = nref == 0 ? MFA_OK
		      : audit_add_note(report,
				       "%s: %zu search references to other servers were not "
				       "followed: accounts there are not audited",
				       directory_source, nref);
	free(directory_source);
	if (r != MFA_OK) {
		fprintf(stderr, PROG ": cannot audit: %s\n", mfa_strerror(r));
		audit_report_free(&report);
		return AUDIT_EXIT_CANNOT_AUDIT;
	}
	if (cli.output != NULL && (out = open_output(cli.output, &why)) == NULL) {
		fprintf(stderr, PROG ": cannot write %s: %s\n", cli.output, why);
		audit_report_free(&report);
		return AUDIT_EXIT_CANNOT_AUDIT;
	}
	if (cli.format == FORMAT_JSON)
		r = audit_write_json(out, report);
	else if (cli.format == FORMAT_HTML)
		r = audit_write_html(out, report);
	else
		r = audit_write_text(out, report);
	if (r != MFA_OK)
		fprintf(stderr, PROG ": cannot write the report: %s\n", mfa_strerror(r));
	else
		status = report->covered ? AUDIT_EXIT_COVERED : AUDIT_EXIT_GAPS;
	if (out != stdout && fclose(out) != 0) {
		fprintf(stderr, PROG ": cannot write %s: %s\n", cli.output, strerror(errno));
		status = AUDIT_EXIT_CANNOT_AUDIT;
	}
	if (out == stdout && fflush(stdout) != 0)
		status = AUDIT_EXIT_CANNOT_AUDIT;
	audit_report_free(&report);
	return status;
}
