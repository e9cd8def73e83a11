/*
 * test_authorized_keys.c - authorized_keys lines as sshd reads them: every
 * key type and option form, malformed lines (each with its line and
 * reason), AuthorizedKeysFile tokens through root_fs, the strength table,
 * and `ssh-keygen -l` as the oracle for which lines hold a valid key.
 * Data: tests/data/authorized_keys (made by its generate.py: real keys
 * from ssh-keygen, FIDO blobs built from PROTOCOL.u2f).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "authorized_keys.h"
#include "root_fs.h"
#include "sshd_config.h"
#include "test_files.h"

#define NOW ((time_t)1767225600) /* 2026-01-01T00:00:00Z */

static const char *
data_dir(void)
{
	const char *d = getenv("MFACOVER_TEST_DATA");

	return d != NULL ? d : "tests/data";
}

static struct authorized_keys *
parse_data(const char *name)
{
	struct authorized_keys *k = NULL;
	struct mfa_parse_err perr;
	size_t len;
	char *buf = test_read_data("authorized_keys", name, &len);

	assert_int_equal(authorized_keys_parse(buf, len, name, &k, &perr), 0);
	free(buf);
	assert_non_null(k);
	return k;
}

static struct authorized_keys *
parse_text(const char *text)
{
	struct authorized_keys *k = NULL;
	struct mfa_parse_err perr;

	assert_int_equal(authorized_keys_parse(text, strlen(text), "t", &k, &perr), 0);
	return k;
}

static const struct authorized_key *
key_at(const struct authorized_keys *k, unsigned line)
{
	size_t i;

	for (i = 0; i < k->nkeys; i++) {
		if (k->keys[i].line == line)
			return &k->keys[i];
	}
	fail_msg("no key at line %u", line);
	return NULL;
}

/* "type blob" of the key on line `line` of data file `name` (static buffer). */
static const char *
key_words(const char *name, unsigned line)
{
	static char out[4][4096];
	static int slot;
	size_t len;
	char *buf = test_read_data("authorized_keys", name, &len), *s = buf, *e;
	unsigned n;
	char *o = out[slot++ % 4];

	for (n = 1; n < line; n++) {
		s = strchr(s, '\n');
		assert_non_null(s);
		s++;
	}
	e = strchr(s, ' ');
	assert_non_null(e);
	e = strchr(e + 1, ' ');
	if (e == NULL)
		e = strchr(s, '\n');
	assert_non_null(e);
	snprintf(o, 4096, "%.*s", (int)(e - s), s);
	free(buf);
	return o;
}

/* ---- valid lines -------------------------------------------------------- */

struct valid_case {
	unsigned line;
	const char *type;
	bool sk, cert;
	const char *comment;
};

static const struct valid_case valid_cases[] = {
	{3, "ssh-ed25519", false, false, "ed25519 key"},
	{4, "ecdsa-sha2-nistp256", false, false, NULL},
	{5, "ecdsa-sha2-nistp384", false, false, "p384"},
	{6, "ecdsa-sha2-nistp521", false, false, "p521"},
	{7, "ssh-rsa", false, false, "rsa3072"},
	{8, "ssh-rsa", false, false, "signature name for an rsa key"},
	{9, "ssh-dss", false, false, "dsa"},
	{10, "sk-ssh-ed25519@openssh.com", true, false, "sk ed25519"},
	{11, "sk-ecdsa-sha2-nistp256@openssh.com", true, false, "sk ecdsa"},
	{12, "sk-ecdsa-sha2-nistp256@openssh.com", true, false, "webauthn name"},
	{13, "ssh-ed25519-cert-v01@openssh.com", false, true, "user cert"},
	{14, "sk-ssh-ed25519-cert-v01@openssh.com", true, true, "sk user cert"},
	{15, "sk-ssh-ed25519@openssh.com", true, false, "opts"},
	{16, "ssh-ed25519", false, false, NULL},
	{17, "ssh-ed25519", false, false, "ca"},
	{18, "ssh-ed25519", false, false, NULL},
	{19, "ssh-ed25519", false, false, NULL},
	{20, "ssh-ed25519", false, false, NULL},
	{21, "ssh-ed25519", false, false, "comment  with spaces"},
	{22, "ssh-ed25519", false, false, NULL},
	{23, "sk-ssh-ed25519@openssh.com", true, false, NULL},
	{24, "ssh-rsa", false, false, "rsa1024 crlf"},
};

static void
test_valid_types_and_comments(void **state)
{
	struct authorized_keys *k = parse_data("valid");
	size_t i;

	(void)state;
	assert_int_equal(k->nproblems, 0);
	assert_int_equal(k->nkeys, sizeof(valid_cases) / sizeof(valid_cases[0]));
	for (i = 0; i < sizeof(valid_cases) / sizeof(valid_cases[0]); i++) {
		const struct valid_case *c = &valid_cases[i];
		const struct authorized_key *key = &k->keys[i];

		assert_int_equal(key->line, c->line);
		assert_string_equal(key->file, "valid");
		assert_string_equal(key->type, c->type);
		assert_int_equal(key->is_sk, c->sk);
		assert_int_equal(key->is_cert, c->cert);
		if (c->comment == NULL)
			assert_null(key->comment);
		else
			assert_string_equal(key->comment, c->comment);
		assert_true(strncmp(key->fingerprint, "SHA256:", 7) == 0);
	}
	authorized_keys_free(&k);
	assert_null(k);
}

static void
test_valid_options(void **state)
{
	struct authorized_keys *k = parse_data("valid");
	const struct authorized_key *key;

	(void)state;
	key = key_at(k, 3);
	assert_false(key->opt.restricted || key->opt.cert_authority || key->opt.verify_required ||
		     key->opt.no_touch_required || key->opt.command || key->opt.has_expiry);
	assert_null(key->opt.from);
	assert_null(key->opt.principals);

	key = key_at(k, 15);
	assert_string_equal(key->opt.from, "10.0.0.0/8,!10.1.*");
	assert_true(key->opt.no_touch_required);
	assert_true(key->opt.verify_required);
	assert_true(key->opt.command);
	assert_false(key->opt.restricted);

	key = key_at(k, 16);
	assert_true(key->opt.restricted);
	assert_false(key->opt.command);

	key = key_at(k, 17);
	assert_true(key->opt.cert_authority);
	assert_string_equal(key->opt.principals, "alice,bob");

	/* two expiry-time options: the earlier wins; Z means UTC */
	key = key_at(k, 18);
	assert_true(key->opt.has_expiry);
	assert_int_equal(key->opt.expiry, 1577836800); /* 2020-01-01T00:00Z */
	assert_false(key->opt.expiry_local);

	key = key_at(k, 19);
	assert_false(key->opt.command);

	/* option names compare without case */
	key = key_at(k, 20);
	assert_true(key->opt.restricted && key->opt.no_touch_required && key->opt.verify_required);

	/* empty options between commas, and a trailing comma, are accepted */
	key = key_at(k, 22);
	assert_true(key->opt.restricted);

	/* touch-required / no-verify-required clear the flags */
	key = key_at(k, 23);
	assert_false(key->opt.no_touch_required);
	assert_false(key->opt.verify_required);
	authorized_keys_free(&k);
}

/* ---- malformed lines ----------------------------------------------------- */

struct bad_case {
	unsigned line;
	const char *reason; /* substring */
};

static void
check_problems(const char *name, const struct bad_case *cases, size_t n, unsigned sentinel)
{
	struct authorized_keys *k = parse_data(name);
	size_t i;

	assert_int_equal(k->nkeys, 1);
	assert_int_equal(k->keys[0].line, sentinel);
	assert_int_equal(k->nproblems, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(k->problems[i].line, cases[i].line);
		assert_string_equal(k->problems[i].file, name);
		if (strstr(k->problems[i].reason, cases[i].reason) == NULL)
			fail_msg("%s:%u: \"%s\" lacks \"%s\"", name, cases[i].line,
				 k->problems[i].reason, cases[i].reason);
	}
	authorized_keys_free(&k);
}

static void
test_bad_keys(void **state)
{
	static const struct bad_case cases[] = {
		{1, "bad base64"},
		{2, "key type on the line does not match the key blob"},
		{3, "no key on the line"},
		{4, "key type ssh-ed25519 without a key"},
		{5, "ECDSA curve on the line does not match"},
		{6, "trailing data after the key"},
		{7, "unknown key type \"ED25519\""},
		{8, "RSA key too small"},
		{9, "ed25519 public key of the wrong length"},
		{10, "not on the curve"},
		{11, "without its application string"},
		{13, "bad base64"},
		{14, "ECDSA curve name in the key blob"},
		{15, "does not match the key blob"},
		{16, "truncated"},
	};

	(void)state;
	check_problems("bad-keys", cases, sizeof(cases) / sizeof(cases[0]), 12);
}

static void
test_bad_options(void **state)
{
	static const struct bad_case cases[] = {
		{1, "unknown key option"},           {2, "unterminated quote"},
		{3, "multiple \"command\" clauses"}, {4, "invalid expiry-time"},
		{5, "missing start quote"},          {6, "invalid environment string"},
		{7, "invalid permitopen"},           {8, "invalid tunnel"},
		{9, "unknown key option"},           {10, "unknown key option"},
		{11, "multiple \"from\" clauses"},   {13, "invalid expiry-time"},
		{14, "unknown key option"},
	};

	(void)state;
	check_problems("bad-options", cases, sizeof(cases) / sizeof(cases[0]), 12);
}

static void
test_buffer_edges(void **state)
{
	struct authorized_keys *k = NULL;
	struct mfa_parse_err perr;
	char buf[8192];
	const char *e = key_words("valid", 3);
	size_t n;

	(void)state;
	/* empty input: no keys, no problems */
	assert_int_equal(authorized_keys_parse(NULL, 0, NULL, &k, &perr), 0);
	assert_int_equal(k->nkeys + k->nproblems, 0);
	assert_string_equal(k->files[0], "authorized_keys");
	authorized_keys_free(&k);

	/* blanks-only lines; a NUL ends its line; the last line has no newline */
	n = (size_t)snprintf(buf, sizeof(buf), " \t\r\n#x\n%s tail", e);
	buf[n++] = '\0';
	memcpy(buf + n, "junk junk\n", 10);
	n += 10;
	memcpy(buf + n, e, strlen(e));
	n += strlen(e);
	assert_int_equal(authorized_keys_parse(buf, n, "x", &k, &perr), 0);
	assert_int_equal(k->nproblems, 0);
	assert_int_equal(k->nkeys, 2);
	assert_int_equal(k->keys[0].line, 3);
	assert_string_equal(k->keys[0].comment, "tail");
	assert_int_equal(k->keys[1].line, 4);
	authorized_keys_free(&k);

	n = (size_t)snprintf(buf, sizeof(buf), "%s", e);
	buf[12] = '\0'; /* "ssh-ed25519 " then NUL: the key is cut off */
	assert_int_equal(authorized_keys_parse(buf, n, "x", &k, &perr), 0);
	assert_int_equal(k->nkeys, 0);
	assert_int_equal(k->nproblems, 1);
	assert_int_equal(k->problems[0].line, 1);
	authorized_keys_free(&k);

	assert_int_equal(authorized_keys_parse("x", 1, "x", NULL, &perr), MFA_ERR_INVALID_ARG);
	assert_int_equal(authorized_keys_parse(NULL, 1, "x", &k, &perr), MFA_ERR_INVALID_ARG);
	assert_null(k);
}

/* Every prefix of the data files parses without error (and clean under ASan). */
static void
test_truncated_inputs(void **state)
{
	static const char *const names[] = {"valid", "bad-keys", "bad-options"};
	struct authorized_keys *k = NULL;
	struct mfa_parse_err perr;
	size_t i, n, len;
	char *buf;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		buf = test_read_data("authorized_keys", names[i], &len);
		for (n = 0; n <= len; n += i == 0 ? 7 : 1) {
			assert_int_equal(authorized_keys_parse(buf, n, names[i], &k, &perr), 0);
			authorized_keys_free(&k);
		}
		free(buf);
	}
}

/* ---- ssh-keygen -l as the oracle ------------------------------------------ */

static void
oracle(const char *name)
{
	struct authorized_keys *k = parse_data(name);
	char cmd[1200], line[4096], fp[128];
	size_t i = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "ssh-keygen -l -f '%s/authorized_keys/%s' 2>/dev/null",
		 data_dir(), name);
	if ((p = popen(cmd, "r")) == NULL)
		fail_msg("popen");
	while (fgets(line, sizeof(line), p) != NULL) {
		if (sscanf(line, "%*u %127s", fp) != 1)
			fail_msg("%s: ssh-keygen printed a line that is no fingerprint: \"%.200s\"",
				 name, line);
		if (i >= k->nkeys)
			fail_msg("%s: ssh-keygen accepts more keys than we do (%s)", name, fp);
		if (strcmp(k->keys[i].fingerprint, fp) != 0)
			fail_msg("%s:%u: we say %s, ssh-keygen %s", name, k->keys[i].line,
				 k->keys[i].fingerprint, fp);
		i++;
	}
	pclose(p);
	if (i != k->nkeys)
		fail_msg("%s: ssh-keygen accepts %zu keys, we %zu", name, i, k->nkeys);
	authorized_keys_free(&k);
}

static void
test_oracle_ssh_keygen(void **state)
{
	(void)state;
	if (system("command -v ssh-keygen >/dev/null 2>&1") != 0)
		skip();
	oracle("valid");
	oracle("bad-keys");
}

/* ---- AuthorizedKeysFile tokens -------------------------------------------- */

static int
load(const char *const *tmpl, size_t n, struct authorized_keys **kp)
{
	char root[1024];
	struct mfa_parse_err perr;
	int fd = -1, r;

	snprintf(root, sizeof(root), "%s/authorized_keys/root", data_dir());
	assert_int_equal(root_fs_open_root(root, &fd, &perr), 0);
	r = authorized_keys_load_for_user(fd, tmpl, n, "alice", "/home/alice", 1000, kp, &perr);
	close(fd);
	return r;
}

static void
test_load_tokens(void **state)
{
	static const char *const tmpl[] = {
		".ssh/authorized_keys", "/etc/ssh/keys/%u.%U", "%h/%%literal", "none",
		"/nonexistent/%u",      "/home/alice/.ssh",
	};
	static const char *const bad[] = {".ssh/authorized_keys", "/etc/%x/keys",
					  "/etc/ssh/keys/%u.%U"};
	struct authorized_keys *k = NULL;

	(void)state;
	assert_int_equal(load(tmpl, sizeof(tmpl) / sizeof(tmpl[0]), &k), 0);
	assert_int_equal(k->nfiles, 4);
	assert_string_equal(k->files[0], "/home/alice/.ssh/authorized_keys");
	assert_string_equal(k->files[1], "/etc/ssh/keys/alice.1000");
	assert_string_equal(k->files[2], "/home/alice/%literal");
	assert_string_equal(k->files[3], "/home/alice/.ssh");
	assert_int_equal(k->nkeys, 3);
	assert_string_equal(k->keys[0].file, "/home/alice/.ssh/authorized_keys");
	assert_true(k->keys[0].is_sk && k->keys[0].opt.verify_required);
	assert_string_equal(k->keys[1].file, "/etc/ssh/keys/alice.1000");
	assert_string_equal(k->keys[1].type, "ssh-ed25519");
	assert_string_equal(k->keys[2].type, "sk-ecdsa-sha2-nistp256@openssh.com");
	assert_int_equal(k->nproblems, 2);
	assert_int_equal(k->problems[0].line, 2);
	assert_string_equal(k->problems[0].file, "/home/alice/.ssh/authorized_keys");
	assert_non_null(strstr(k->problems[0].reason, "unknown key type \"not\""));
	assert_int_equal(k->problems[1].line, 0); /* a directory: sshd skips it */
	assert_string_equal(k->problems[1].file, "/home/alice/.ssh");
	authorized_keys_free(&k);

	/* an unknown token ends the list, as sshd's fatal percent_expand does */
	assert_int_equal(load(bad, 3, &k), 0);
	assert_int_equal(k->nkeys, 1);
	assert_int_equal(k->nproblems, 2); /* line 2 of the first file, then the token */
	assert_int_equal(k->problems[1].line, 0);
	assert_string_equal(k->problems[1].file, "/etc/%x/keys");
	assert_non_null(strstr(k->problems[1].reason, "unknown token %x"));
	assert_int_equal(k->nfiles, 2);
	authorized_keys_free(&k);

	assert_int_equal(load(NULL, 0, &k), 0);
	assert_int_equal(k->nkeys, 0);
	authorized_keys_free(&k);
}

/* ---- strength -------------------------------------------------------------- */

/* Replace $E (ed25519), $SK (sk-ed25519), $SKEC, $CA, $CERT, $SKCERT by key words. */
static void
expand_keys(const char *text, char *out, size_t outsz)
{
	static const struct {
		const char *tok;
		unsigned line;
	} map[] = {{"$SKCERT", 14}, {"$SKEC", 11}, {"$SK", 10}, {"$CERT", 13},
		   {"$CA", 17},     {"$E", 3},     {"$R", 7}};
	size_t o = 0, i;

	while (*text != '\0' && o + 1 < outsz) {
		for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
			size_t n = strlen(map[i].tok);

			if (strncmp(text, map[i].tok, n) == 0) {
				o += (size_t)snprintf(out + o, outsz - o, "%s",
						      key_words("valid", map[i].line));
				text += n;
				break;
			}
		}
		if (i == sizeof(map) / sizeof(map[0]))
			out[o++] = *text++;
	}
	out[o] = '\0';
}

struct strength_case {
	const char *text;
	bool verify, touch, only_sk;
	enum authorized_keys_strength want;
	unsigned weakest_line; /* 0: none */
};

#define NOK AUTHORIZED_KEYS_NO_KEYS
#define PLAIN AUTHORIZED_KEYS_PLAIN
#define NOTOUCH AUTHORIZED_KEYS_SK_NO_TOUCH
#define TOUCH AUTHORIZED_KEYS_SK_TOUCH
#define VERIFIED AUTHORIZED_KEYS_SK_VERIFIED

static const struct strength_case strength_cases[] = {
	{"", false, false, false, NOK, 0},
	{"# only a comment\n", false, false, false, NOK, 0},
	/* non-FIDO keys: one factor, unless only sk- algorithms are accepted */
	{"$E\n", false, false, false, PLAIN, 1},
	{"$R\n", true, true, false, PLAIN, 1},
	{"$E\n", false, false, true, NOK, 0},
	{"from=\"10.0.0.1\",command=\"true\",restrict $E\n", false, false, false, PLAIN, 1},
	/* FIDO keys: touch unless no-touch-required and no global touch-required */
	{"$SK\n", false, false, false, TOUCH, 1},
	{"$SKEC\n", false, false, true, TOUCH, 1},
	{"$SK\n", true, false, false, VERIFIED, 1},
	{"no-touch-required $SK\n", false, false, false, NOTOUCH, 1},
	{"no-touch-required $SK\n", false, true, false, TOUCH, 1},
	{"no-touch-required $SK\n", true, false, false, VERIFIED, 1},
	{"verify-required $SK\n", false, false, false, VERIFIED, 1},
	{"verify-required,no-touch-required $SK\n", false, false, true, VERIFIED, 1},
	{"touch-required $SK\n", false, false, false, TOUCH, 1},
	/* the weakest key decides */
	{"verify-required $SK\n$E\n", false, false, false, PLAIN, 2},
	{"verify-required $SK\n$E\n", false, false, true, VERIFIED, 1},
	{"verify-required $SK\n$SKEC\n", false, false, false, TOUCH, 2},
	{"$SK\nno-touch-required $SKEC\n$E\n", false, false, false, PLAIN, 3},
	{"$SK\nno-touch-required $SKEC\n", false, false, false, NOTOUCH, 2},
	/* expiry-time: 2020 is past, 2030 is not; local times get 12 hours of grace */
	{"expiry-time=\"20200101\" $E\nverify-required $SK\n", false, false, false, VERIFIED, 2},
	{"expiry-time=\"20300101Z\" $E\nverify-required $SK\n", false, false, false, PLAIN, 1},
	{"expiry-time=\"202512311300\" $E\n", false, false, false, PLAIN, 1},
	{"expiry-time=\"202512311100\" $E\n", false, false, false, NOK, 0},
	{"expiry-time=\"202512312359Z\" $E\n", false, false, false, NOK, 0},
	/* certificate lines never match; principals= needs cert-authority */
	{"$CERT\n$SKCERT\n", false, false, false, NOK, 0},
	{"principals=\"alice\" $E\n", false, false, false, NOK, 0},
	/* cert-authority: any key type may be certified */
	{"cert-authority $SK\n", false, false, false, PLAIN, 1},
	{"cert-authority $E\n", false, false, true, TOUCH, 1},
	{"cert-authority,principals=\"a\" $E\n", true, false, true, VERIFIED, 1},
	{"cert-authority,verify-required $E\n", false, false, true, VERIFIED, 1},
	{"cert-authority,no-touch-required $E\n", false, false, true, NOTOUCH, 1},
	{"cert-authority,no-touch-required $E\n", false, true, true, TOUCH, 1},
	/* malformed lines do not count */
	{"bogus $E\nverify-required $SK\n", false, false, false, VERIFIED, 2},
};

static void
test_strength_table(void **state)
{
	char text[16384];
	size_t i, which;

	(void)state;
	for (i = 0; i < sizeof(strength_cases) / sizeof(strength_cases[0]); i++) {
		const struct strength_case *c = &strength_cases[i];
		struct authorized_keys_policy pol = {c->verify, c->touch, c->only_sk, NOW};
		struct authorized_keys *k;
		enum authorized_keys_strength got;

		expand_keys(c->text, text, sizeof(text));
		k = parse_text(text);
		got = authorized_keys_strength(k, &pol, &which);
		if (got != c->want)
			fail_msg("case %zu (%s): got %s, want %s", i, c->text,
				 authorized_keys_strength_name(got),
				 authorized_keys_strength_name(c->want));
		if (c->weakest_line == 0)
			assert_int_equal(which, (size_t)-1);
		else
			assert_int_equal(k->keys[which].line, c->weakest_line);
		authorized_keys_free(&k);
	}
	assert_int_equal(authorized_keys_strength(NULL, NULL, &which), NOK);
}

static void
test_key_strength_reasons(void **state)
{
	struct authorized_keys_policy pol = {false, false, true, NOW};
	struct authorized_keys *k;
	const char *why = NULL;
	char text[8192];

	(void)state;
	expand_keys("$E\n$CERT\n", text, sizeof(text));
	k = parse_text(text);
	assert_int_equal(authorized_key_strength(&k->keys[0], &pol, &why), NOK);
	assert_non_null(strstr(why, "only FIDO"));
	assert_int_equal(authorized_key_strength(&k->keys[1], &pol, &why), NOK);
	assert_non_null(strstr(why, "certificate"));
	pol.only_sk_accepted = false;
	assert_int_equal(authorized_key_strength(&k->keys[0], &pol, &why), PLAIN);
	assert_null(why);
	authorized_keys_free(&k);
}

static void
test_policy_from_sshd(void **state)
{
	struct sshd_effective eff;
	struct authorized_keys_policy pol;

	(void)state;
	memset(&eff, 0, sizeof(eff));
	eff.pubkey_auth_options.verify_required = true;
	eff.pubkey_accepted_algorithms.only_sk = true;
	authorized_keys_policy_from_sshd(&eff, NOW, &pol);
	assert_true(pol.verify_required);
	assert_false(pol.touch_required);
	assert_true(pol.only_sk_accepted);
	assert_int_equal(pol.now, NOW);
	eff.pubkey_auth_options.touch_required = true;
	authorized_keys_policy_from_sshd(&eff, NOW, &pol);
	assert_true(pol.touch_required);
	assert_string_equal(authorized_keys_strength_name(VERIFIED), "sk-verified");
	assert_string_equal(authorized_keys_strength_name(NOK), "no-keys");
	assert_string_equal(authorized_keys_strength_name(NOTOUCH), "sk-no-touch");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_types_and_comments),
		cmocka_unit_test(test_valid_options),
		cmocka_unit_test(test_bad_keys),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_buffer_edges),
		cmocka_unit_test(test_truncated_inputs),
		cmocka_unit_test(test_oracle_ssh_keygen),
		cmocka_unit_test(test_load_tokens),
		cmocka_unit_test(test_strength_table),
		cmocka_unit_test(test_key_strength_reasons),
		cmocka_unit_test(test_policy_from_sshd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
