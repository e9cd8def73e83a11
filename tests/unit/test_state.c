/*
 * test_state.c - the state file format: exact text, round trips, every
 * malformed form with its line, and truncation at every byte; version 1
 * (OTP token) and version 2 (FIDO2 credentials, type none), which
 * version is written, and the size cap against the longest possible file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fido2_cred.h"
#include "mfa_mem.h"
#include "recovery.h"
#include "state.h"

/* 20 bytes "12345678901234567890" in base32. */
#define SEED_B32 "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
/* A recovery hash's salt and hash. */
#define REC1_PARTS                                                                                 \
	"000102030405060708090a0b0c0d0e0f$"                                                        \
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define REC1 "pbkdf2-sha256$10000$" REC1_PARTS
#define REC2                                                                                       \
	"pbkdf2-sha256$20000$ffeeddccbbaa99887766554433221100$"                                    \
	"ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"

/*
 * FIDO2 keys made once with Python's cryptography (P-256, Ed25519, RSA
 * 2048), as pamu2fcfg writes them: raw keys and key handles in base64.
 */
#define ES_A                                                                                       \
	"aiAdsiIAFa4+MO0kbEEqibLIoybOUQUF5zclGSLw8SK/W7n9rk2uLnTasZbM7Wtex4kKANypkbtd3SkSlGWkHw=="
#define ES_B                                                                                       \
	"sUFkAjW7Hi7f7Usjje2VbR+jtu2OrrSsI4IC+MJ8AOr34ll2H5puwhJuEFDTZtX1ekMnincB5g3k0FF73LfVnA=="
/* ES_B as the pre-1.1.0 format has it: 04||x||y in hex. */
#define ES_B_HEX                                                                                       \
	"04b141640235bb1e2edfed4b238ded956d1fa3b6ed8eaeb4ac238202f8c27c00eaf7e259761f9a6ec2126e1050d3" \
	"66d5f57a43278a7701e60de4d0517bdcb7d59c"
#define ED "UCa19kobcw5JD0xAoz8PAnxtEveNskcSBj/2/o0p4o4="
#define RS                                                                                             \
	"+gVMMlZWmo69/3K7oeUWvKu0oQ+/swDZSY4SrVPNB6A7FPrsWOOVzcZuaI+30/XeAax7xeuypF6JdDYxLr/LPVNVvL0j" \
	"YAvaIBK9OVQ7t4tRZUYNdfNP+OTwCFOrN12cGO4okxHbdPjSNZa5bOeBaZgEqFnD7v0qVxUX3EFoNEg8EIa6HfLfL3r5" \
	"izQpKhEqzkBOnzLbbyvU0VeWrcM3J2sNHNpBYoT4ZWH66maoeXuBjTrGVEWBtIGnaoguV4BVCleLRiRmjqNWZo6meApF" \
	"jIydwPzNpCjvm2QqH8dBziMifXnKZ4fEd12EjqEh+whX2jcar+r/Mfz8xLoxdv0GXwEAAQ=="
#define KH1                                                                                        \
	"9VsFRbRbIF/fya6JOfvkrOLDtSbVmZwll9Wu9qXsWHRU9v75gl78AP1wNlkm6uOIPbGzvaW7ehznmY/MMkV/aQ=="
#define KH2 "TIs1tPvtCicYhY3jQl+ykwns2Kqv1+XWBBfM1wwIYW4mPfHV9kLeHzjgc+7BAML1"
/* URL-safe, unpadded: a libu2f-server key handle. */
#define KH3_WEB                                                                                    \
	"NBNNOTOOWIZ8EG46M4XtFc2Kv04Vtr-os710EibE60d5DNA54FWNn7cygOYWdYS0_1nltjM5oZzTUyEh7oty3w"

#define CRED_ES KH1 "," ES_A ",es256,+presence"
#define CRED_RS KH2 "," RS ",rs256,"
#define CRED_RES "*," ED ",eddsa,+presence+pin"
#define CRED_OLD KH3_WEB "," ES_B_HEX

static const char totp_text[] = "version=1\n"
				"type=totp\n"
				"algorithm=SHA256\n"
				"digits=8\n"
				"period=60\n"
				"secret=" SEED_B32 "\n"
				"created=1764300000\n"
				"recovery=" REC1 "\n"
				"recovery=" REC2 "\n"
				"next=29405001\n"
				"failures=2\n"
				"locked_until=0\n"
				"last_success=1764300060\n";

static const char hotp_text[] = "version=1\n"
				"type=hotp\n"
				"algorithm=SHA1\n"
				"digits=6\n"
				"secret=" SEED_B32 "\n"
				"created=0\n"
				"next=18446744073709551615\n"
				"failures=0\n"
				"locked_until=18446744073709551615\n"
				"last_success=0\n";

/* A TOTP token and two FIDO2 credentials. */
static const char fido2_text[] = "version=2\n"
				 "type=totp\n"
				 "algorithm=SHA1\n"
				 "digits=6\n"
				 "period=30\n"
				 "secret=" SEED_B32 "\n"
				 "created=1764300000\n"
				 "recovery=" REC1 "\n"
				 "fido2=0," CRED_ES "\n"
				 "fido2=4294967295," CRED_RS "\n"
				 "next=58810001\n"
				 "failures=0\n"
				 "locked_until=0\n"
				 "last_success=1764300030\n";

/* No OTP token: a resident credential and an old-format one. */
static const char none_text[] = "version=2\n"
				"type=none\n"
				"created=1764300000\n"
				"fido2=17," CRED_RES "\n"
				"fido2=1," CRED_OLD "\n"
				"next=0\n"
				"failures=1\n"
				"locked_until=0\n"
				"last_success=0\n";

/* Every state text the round trip and truncation tests go through. */
static const char *const valid_texts[] = {totp_text, hotp_text, fido2_text, none_text};
#define NVALID (sizeof(valid_texts) / sizeof(valid_texts[0]))

static struct mfa_state *
parse_ok(const char *text, size_t len)
{
	struct mfa_parse_err perr;
	struct mfa_state *st = NULL;
	int r = mfa_state_parse(text, len, "state", &st, &perr);

	if (r != MFA_OK)
		fail_msg("parse failed: line %u: %s", perr.line, perr.msg);
	return st;
}

static void
test_parse_totp_fields(void **state)
{
	struct mfa_state *st = parse_ok(totp_text, strlen(totp_text));

	(void)state;
	assert_int_equal(st->kind, MFA_OTP_TOTP);
	assert_int_equal(st->alg, MFA_OTP_SHA256);
	assert_int_equal(st->digits, 8);
	assert_int_equal(st->period, 60);
	assert_int_equal(st->secret_len, 20);
	assert_memory_equal(st->secret, "12345678901234567890", 20);
	assert_int_equal(st->created, 1764300000);
	assert_int_equal(st->nrecovery, 2);
	assert_string_equal(st->recovery[0], REC1);
	assert_string_equal(st->recovery[1], REC2);
	assert_int_equal(st->next, 29405001);
	assert_int_equal(st->failures, 2);
	assert_int_equal(st->locked_until, 0);
	assert_int_equal(st->last_success, 1764300060);
	mfa_state_free(&st);
	assert_null(st);
}

static void
test_parse_hotp_fields(void **state)
{
	struct mfa_state *st = parse_ok(hotp_text, strlen(hotp_text));

	(void)state;
	assert_int_equal(st->kind, MFA_OTP_HOTP);
	assert_int_equal(st->alg, MFA_OTP_SHA1);
	assert_int_equal(st->nrecovery, 0);
	assert_true(st->next == UINT64_MAX);
	assert_true(st->locked_until == UINT64_MAX);
	mfa_state_free(&st);
}

static void
test_parse_fido2_fields(void **state)
{
	struct mfa_state *st = parse_ok(fido2_text, strlen(fido2_text));
	const struct mfa_fido2_cred *c;

	(void)state;
	assert_int_equal(st->kind, MFA_OTP_TOTP);
	assert_int_equal(st->secret_len, 20);
	assert_int_equal(st->nrecovery, 1);
	assert_int_equal(st->nfido2, 2);
	c = &st->fido2[0].cred;
	assert_int_equal(st->fido2[0].counter, 0);
	assert_int_equal(c->type, MFA_FIDO2_ES256);
	assert_false(c->resident);
	assert_int_equal(c->key_handle_len, 64);
	assert_int_equal(c->public_key_len, MFA_FIDO2_ES256_PK_LEN);
	assert_true(c->presence);
	assert_false(c->verification || c->pin);
	c = &st->fido2[1].cred;
	assert_true(st->fido2[1].counter == UINT32_MAX);
	assert_int_equal(c->type, MFA_FIDO2_RS256);
	assert_int_equal(c->key_handle_len, 48);
	assert_false(c->presence || c->verification || c->pin);
	assert_int_equal(st->next, 58810001);
	mfa_state_free(&st);
	assert_null(st);
}

static void
test_parse_none_fields(void **state)
{
	struct mfa_state *st = parse_ok(none_text, strlen(none_text));

	(void)state;
	assert_int_equal(st->kind, MFA_OTP_NONE);
	assert_null(st->secret);
	assert_int_equal(st->secret_len, 0);
	assert_int_equal(st->digits, 0);
	assert_int_equal(st->period, 0);
	assert_int_equal(st->next, 0);
	assert_int_equal(st->failures, 1);
	assert_int_equal(st->nrecovery, 0);
	assert_int_equal(st->nfido2, 2);
	assert_int_equal(st->fido2[0].counter, 17);
	assert_true(st->fido2[0].cred.resident);
	assert_int_equal(st->fido2[0].cred.type, MFA_FIDO2_EDDSA);
	assert_true(st->fido2[0].cred.pin);
	assert_int_equal(st->fido2[1].counter, 1);
	assert_true(st->fido2[1].cred.old_format);
	assert_int_equal(st->fido2[1].cred.key_handle_len, 64);
	mfa_state_free(&st);
}

/* Formatting what was parsed gives back the same bytes. */
static void
test_format_is_byte_identical_round_trip(void **state)
{
	size_t i, len;
	char *buf;

	(void)state;
	for (i = 0; i < NVALID; i++) {
		struct mfa_state *st = parse_ok(valid_texts[i], strlen(valid_texts[i]));

		assert_int_equal(mfa_state_format(st, &buf, &len), MFA_OK);
		assert_int_equal(len, strlen(valid_texts[i]));
		assert_memory_equal(buf, valid_texts[i], len);
		mfa_freezero(buf, len);
		mfa_state_free(&st);
	}
}

/* Format st and compare with want. */
static void
format_is(const struct mfa_state *st, const char *want)
{
	char *buf = NULL;
	size_t len = 0;

	assert_int_equal(mfa_state_format(st, &buf, &len), MFA_OK);
	if (len != strlen(want) || memcmp(buf, want, len) != 0)
		fail_msg("formatted:\n%s\nwant:\n%s", buf, want);
	mfa_freezero(buf, len);
}

/*
 * Version 1 while the state has a token and no FIDO2 credential (the bytes
 * older modules read), version 2 as soon as it has one, and back.
 */
static void
test_writer_picks_the_version(void **state)
{
	struct mfa_state *st = parse_ok(hotp_text, strlen(hotp_text));
	struct mfa_state *f = parse_ok(fido2_text, strlen(fido2_text));
	char *buf = NULL, *v2_text;
	size_t len = 0;

	(void)state;
	st->fido2 = f->fido2;
	st->nfido2 = 1;
	f->fido2 = NULL;
	f->nfido2 = 0;
	assert_int_equal(mfa_state_format(st, &buf, &len), MFA_OK);
	assert_memory_equal(buf, "version=2\ntype=hotp\n", strlen("version=2\ntype=hotp\n"));
	assert_non_null(strstr(buf, "\ncreated=0\nfido2=0," CRED_ES "\nnext="));
	v2_text = buf;
	st->nfido2 = 0;
	format_is(st, hotp_text);
	/* A version 2 file with a token and no fido2 line is read, and written as version 1. */
	mfa_state_free(&st);
	assert_non_null(strstr(v2_text, "fido2="));
	memmove(strstr(v2_text, "fido2="), strstr(v2_text, "next="),
		strlen(strstr(v2_text, "next=")) + 1);
	st = parse_ok(v2_text, strlen(v2_text));
	assert_int_equal(st->nfido2, 0);
	format_is(st, hotp_text);
	mfa_freezero(v2_text, len);
	mfa_state_free(&st);
	mfa_state_free(&f);
}

static void
test_remove_recovery_keeps_order(void **state)
{
	struct mfa_state *st = parse_ok(totp_text, strlen(totp_text));

	(void)state;
	assert_int_equal(mfa_state_remove_recovery(st, 0), MFA_OK);
	assert_int_equal(st->nrecovery, 1);
	assert_string_equal(st->recovery[0], REC2);
	assert_int_equal(mfa_state_remove_recovery(st, 1), MFA_ERR_INVALID_ARG);
	assert_int_equal(mfa_state_remove_recovery(st, 0), MFA_OK);
	assert_int_equal(st->nrecovery, 0);
	mfa_state_free(&st);
}

/* Every proper prefix of a valid file is refused: truncation fails closed. */
static void
test_every_truncation_is_refused(void **state)
{
	const char *const *texts = valid_texts;
	struct mfa_state *st;
	size_t i, cut;

	(void)state;
	for (i = 0; i < NVALID; i++) {
		for (cut = 0; cut < strlen(texts[i]); cut++) {
			st = NULL;
			if (mfa_state_parse(texts[i], cut, "state", &st, NULL) == MFA_OK)
				fail_msg("text %zu cut at %zu parsed", i, cut);
			assert_null(st);
		}
	}
}

struct bad_state {
	const char *text;
	unsigned line;
	const char *msg_part;
};

#define HEAD "version=1\ntype=totp\nalgorithm=SHA1\ndigits=6\nperiod=30\n"
#define SECRET "secret=" SEED_B32 "\n"
#define TAIL "next=0\nfailures=0\nlocked_until=0\nlast_success=0\n"
/* Version 2 up to created (line 7): fido2 lines start at line 8. */
#define HEAD2 "version=2\ntype=totp\nalgorithm=SHA1\ndigits=6\nperiod=30\n" SECRET "created=0\n"
#define NONE2 "version=2\ntype=none\n"

static void
test_malformed(void **state)
{
	static const struct bad_state bad[] = {
		{"", 0, "empty"},
		{"version=1", 0, "newline"},
		{"type=totp\n", 1, "first line must be version"},
		{"version=3\n", 1, "unsupported state format version"},
		{"version=0\n", 1, "unsupported state format version"},
		{"version=02\n", 1, "unsupported state format version"},
		{"version=\n", 1, "unsupported"},
		{HEAD "colour=blue\n", 6, "unknown key"},
		{HEAD "secret\n", 6, "not key=value"},
		{"version=1\ntype=motp\n", 2, "totp or hotp"},
		{"version=1\ntype=totp\nalgorithm=sha1\n", 3, "SHA1, SHA256 or SHA512"},
		{"version=1\ntype=totp\nalgorithm=MD5\n", 3, "SHA1, SHA256 or SHA512"},
		{"version=1\ntype=totp\nalgorithm=SHA1\ndigits=5\n", 4, "digits must"},
		{"version=1\ntype=totp\nalgorithm=SHA1\ndigits=9\n", 4, "digits must"},
		{"version=1\ntype=totp\nalgorithm=SHA1\ndigits=06\n", 4, "digits must"},
		{"version=1\ntype=totp\nalgorithm=SHA1\ndigits= 6\n", 4, "digits must"},
		{"version=1\ntype=totp\nalgorithm=SHA1\ndigits=6\nperiod=0\n", 5, "period must"},
		{HEAD "secret=gezdgnbvgy3tqojqgezdgnbvgy3tqojq\n", 6, "upper-case"},
		{HEAD "secret=GEZDGNBV\n", 6, "does not decode"},
		{HEAD "secret=GEZDGNBVGY3TQOJQ====\n", 6, "upper-case"},
		{HEAD SECRET "created=0\nrecovery=pbkdf2-sha256$10$00$00\n", 8, "recovery hash"},
		{HEAD SECRET "created=0\nnext=-1\n", 8, "next must"},
		{HEAD SECRET "created=0\nnext=18446744073709551616\n", 8, "next must"},
		{HEAD SECRET "created=0\nnext=0\nfailures=1000001\n", 9, "failures must"},
		{HEAD SECRET "created=0\nnext=0\nnext=1\n", 9, "given twice"},
		{HEAD SECRET "next=0\ncreated=0\n", 8, "out of order"},
		{HEAD SECRET "created=0\nnext=0\r\nfailures=0\n", 8, "carriage return"},
		{HEAD SECRET "created=0\nnext=0\nfailures=0\nlocked_until=0\n", 0,
		 "last_success is missing"},
		{"version=1\ntype=totp\nalgorithm=SHA1\ndigits=6\n" SECRET "created=0\n" TAIL, 0,
		 "period is missing"},
		{"version=1\ntype=hotp\nalgorithm=SHA1\ndigits=6\nperiod=30\n" SECRET
		 "created=0\n" TAIL,
		 0, "period is given for a hotp"},
		/* Version 1 stays as it was: no fido2 line, no type none. */
		{HEAD SECRET "created=0\nfido2=0," CRED_ES "\n" TAIL, 8,
		 "fido2 needs state format version 2"},
		{"version=1\ntype=none\ncreated=0\n" TAIL, 2, "needs state format version 2"},
		{"version=1\ntype=fido2\n", 2, "type must be totp or hotp"},
		/* The counter. */
		{HEAD2 "fido2=x1," CRED_ES "\n" TAIL, 8, "signature counter must be a decimal"},
		{HEAD2 "fido2=01," CRED_ES "\n" TAIL, 8, "signature counter must be a decimal"},
		{HEAD2 "fido2=-1," CRED_ES "\n" TAIL, 8, "signature counter must be a decimal"},
		{HEAD2 "fido2=," CRED_ES "\n" TAIL, 8, "signature counter must be a decimal"},
		{HEAD2 "fido2= 1," CRED_ES "\n" TAIL, 8, "signature counter must be a decimal"},
		{HEAD2 "fido2=4294967296," CRED_ES "\n" TAIL, 8, "from 0 to 4294967295"},
		{HEAD2 "fido2=18446744073709551616," CRED_ES "\n" TAIL, 8, "signature counter"},
		{HEAD2 "fido2=17\n" TAIL, 8, "fido2 must be COUNTER,keyHandle"},
		{HEAD2 "fido2=\n" TAIL, 8, "fido2 must be COUNTER,keyHandle"},
		/* The credential, as mfa_fido2_cred_parse reads it. */
		{HEAD2 "fido2=0,\n" TAIL, 8, "fido2 credential: empty credential"},
		{HEAD2 "fido2=0," KH1 "\n" TAIL, 8,
		 "fido2 credential: the credential has no public"},
		{HEAD2 "fido2=0," KH1 ",AAAA,es256,+presence\n" TAIL, 8,
		 "fido2 credential: an es256"},
		{HEAD2 "fido2=0,!!," ES_A ",es256,+presence\n" TAIL, 8,
		 "fido2 credential: the key handle"},
		{HEAD2 "fido2=0," KH1 "," ES_A ",es512,\n" TAIL, 8, "fido2 credential"},
		{HEAD2 "fido2=0," KH1 "," ES_A ",es256,+touch\n" TAIL, 8,
		 "fido2 credential: unknown option"},
		{HEAD2 "fido2=0," CRED_ES ",x\n" TAIL, 8, "fido2 credential: more than 4 fields"},
		{HEAD2 "fido2=0," CRED_ES ":" CRED_RS "\n" TAIL, 8,
		 "fido2 credential: a credential holds no ':'"},
		{HEAD2 "fido2=0," KH1 "," ED ",es256,+presence\n" TAIL, 8, "fido2 credential"},
		/* Duplicates: the same key handle, the same public key. */
		{HEAD2 "fido2=0," CRED_ES "\nfido2=1," KH1 "," ES_B ",es256,+presence\n" TAIL, 9,
		 "duplicate fido2 credential: the key handle of line 8 again"},
		{HEAD2 "fido2=0," CRED_RS "\nfido2=0," CRED_ES "\nfido2=3," KH1 "," ES_B
		       ",es256,\n" TAIL,
		 10, "the key handle of line 9 again"},
		{HEAD2 "fido2=0," CRED_RS "\nfido2=0," CRED_ES "\nfido2=3," KH2 "," ES_A
		       ",es256,\n" TAIL,
		 10, "the key handle of line 8 again"},
		{HEAD2 "fido2=0," CRED_RS "\nfido2=0," CRED_ES "\nfido2=3,*," ES_A
		       ",es256,+pin\n" TAIL,
		 10, "duplicate fido2 credential: the public key of line 9 again"},
		{NONE2 "created=0\nfido2=0," CRED_RES "\nfido2=0,*," ED ",eddsa,\n" TAIL, 5,
		 "the public key of line 4 again"},
		{NONE2 "created=0\nfido2=0," CRED_OLD "\nfido2=0," KH2 "," ES_B ",es256,\n" TAIL, 5,
		 "the public key of line 4 again"},
		/* Where fido2 lines go. */
		{HEAD2 "next=0\nfido2=0," CRED_ES "\n", 9, "fido2 is out of order (after next)"},
		{HEAD2 "fido2=0," CRED_ES "\nrecovery=" REC1 "\n", 9,
		 "recovery is out of order (after fido2)"},
		{"version=2\ntype=totp\nalgorithm=SHA1\ndigits=6\nperiod=30\n" SECRET
		 "fido2=0," CRED_ES "\ncreated=0\n",
		 8, "created is out of order (after fido2)"},
		/* Type none. */
		{"version=2\ntype=motp\n", 2, "type must be totp or hotp or none"},
		{"version=2\ntype=NONE\n", 2, "type must be totp or hotp or none"},
		{NONE2 "algorithm=SHA1\n", 3, "algorithm is given for type none"},
		{NONE2 "digits=6\n", 3, "digits is given for type none"},
		{NONE2 "period=30\n", 3, "period is given for type none"},
		{NONE2 SECRET "created=0\n", 3, "secret is given for type none"},
		{NONE2 "created=0\n" TAIL, 4, "type none without a fido2 credential"},
		{NONE2 "created=0\nrecovery=" REC1 "\n" TAIL, 5, "type none without a fido2"},
		{NONE2 "created=0\nfido2=0," CRED_ES "\nnext=1\nfailures=0\nlocked_until=0\n"
		       "last_success=0\n",
		 5, "next must be 0 for type none"},
		{NONE2 "created=0\nfido2=0," CRED_ES "\nnext=01\n", 5, "next must be a decimal"},
		{NONE2 "created=0\nfido2=0," CRED_ES
		       "\nfailures=0\nlocked_until=0\nlast_success=0\n",
		 0, "next is missing"},
		{NONE2 "fido2=0," CRED_ES "\n" TAIL, 0, "created is missing"},
	};
	struct mfa_parse_err perr;
	struct mfa_state *st;
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		st = NULL;
		r = mfa_state_parse(bad[i].text, strlen(bad[i].text), "/var/lib/mfacover/alice",
				    &st, &perr);
		if (r != MFA_ERR_PARSE || perr.line != bad[i].line ||
		    strstr(perr.msg, bad[i].msg_part) == NULL)
			fail_msg("case %zu: got %s line %u \"%s\"; want line %u \"%s\"", i,
				 mfa_strerror_name(r), perr.line, perr.msg, bad[i].line,
				 bad[i].msg_part);
		assert_string_equal(perr.file, "/var/lib/mfacover/alice");
		assert_null(st);
		/* The reason never quotes the secret. */
		assert_null(strstr(perr.msg, "GEZDGNBV"));
	}
}

static void
test_embedded_nul_and_size_cap(void **state)
{
	static const char with_nul[] = "version=1\ntype=t\0tp\n";
	struct mfa_parse_err perr;
	struct mfa_state *st = NULL;
	char *big;

	(void)state;
	assert_int_equal(mfa_state_parse(with_nul, sizeof(with_nul) - 1, "s", &st, &perr),
			 MFA_ERR_PARSE);
	assert_int_equal(perr.line, 2);
	big = malloc(MFA_STATE_MAX_BYTES + 1);
	assert_non_null(big);
	memset(big, '\n', MFA_STATE_MAX_BYTES + 1);
	assert_int_equal(mfa_state_parse(big, MFA_STATE_MAX_BYTES + 1, "s", &st, &perr),
			 MFA_ERR_TOO_LARGE);
	free(big);
}

static void
test_too_many_recovery_codes(void **state)
{
	char *text, *p;
	size_t i, cap = 8192;
	struct mfa_parse_err perr;
	struct mfa_state *st = NULL;

	(void)state;
	text = malloc(cap);
	assert_non_null(text);
	p = text + sprintf(text, HEAD SECRET "created=0\n");
	for (i = 0; i <= MFA_STATE_RECOVERY_MAX; i++)
		p += sprintf(p, "recovery=" REC1 "\n");
	sprintf(p, TAIL);
	assert_int_equal(mfa_state_parse(text, strlen(text), "s", &st, &perr), MFA_ERR_PARSE);
	assert_int_equal(perr.line, 8 + MFA_STATE_RECOVERY_MAX);
	assert_non_null(strstr(perr.msg, "more than"));
	free(text);
}

/* The n-th of some distinct rs256 credentials with key handles of khlen bytes. */
static void
nth_rs256_cred(size_t n, size_t khlen, struct mfa_fido2_cred *cred)
{
	struct mfa_parse_err perr;

	assert_int_equal(mfa_fido2_cred_parse(CRED_RS, strlen(CRED_RS), cred, &perr), MFA_OK);
	/* Another exponent (odd, above 2^16) makes another valid key: e = 65537 + 2n. */
	assert_true(n < 100);
	cred->public_key[MFA_FIDO2_RS256_PK_LEN - 1] = (uint8_t)(0x01 + 2 * n);
	memset(cred->key_handle, (int)n, khlen);
	cred->key_handle[0] = 0xfe;
	cred->key_handle_len = khlen;
}

static void
test_too_many_fido2_credentials(void **state)
{
	struct mfa_state *st = NULL;
	struct mfa_parse_err perr;
	char *text, *p, *cred;
	size_t i, cap = 64 * 1024;

	(void)state;
	text = malloc(cap);
	assert_non_null(text);
	p = text + sprintf(text, NONE2 "created=0\n");
	for (i = 0; i <= MFA_STATE_FIDO2_MAX; i++) {
		struct mfa_fido2_cred c;

		nth_rs256_cred(i, 32, &c);
		assert_int_equal(mfa_fido2_cred_format(&c, &cred), MFA_OK);
		p += sprintf(p, "fido2=%zu,%s\n", i, cred);
		free(cred);
		if (i + 1 == MFA_STATE_FIDO2_MAX) {
			/* 24 parse. */
			sprintf(p, TAIL);
			st = parse_ok(text, strlen(text));
			assert_int_equal(st->nfido2, MFA_STATE_FIDO2_MAX);
			mfa_state_free(&st);
		}
	}
	sprintf(p, TAIL);
	assert_int_equal(mfa_state_parse(text, strlen(text), "s", &st, &perr), MFA_ERR_PARSE);
	assert_int_equal(perr.line, 4 + MFA_STATE_FIDO2_MAX);
	assert_non_null(strstr(perr.msg, "more than 24 fido2 credentials"));
	assert_null(st);
	free(text);
}

/*
 * The longest state there can be: every number at its widest, a 512-byte
 * seed, 32 recovery codes of 10^7 rounds, 24 rs256 credentials with
 * 1023-byte key handles and every option, counters at 2^32 - 1.  It is
 * written, it fits MFA_STATE_MAX_BYTES, with less than 2 KiB to spare (the
 * cap is no larger than it must be), and it reads back.
 */
static void
test_longest_state_fits_the_cap(void **state)
{
	struct mfa_state *st, *back = NULL;
	struct mfa_parse_err perr;
	char *buf = NULL, *buf2 = NULL;
	size_t i, len = 0, len2 = 0;

	(void)state;
	st = calloc(1, sizeof(*st));
	assert_non_null(st);
	st->kind = MFA_OTP_TOTP;
	st->alg = MFA_OTP_SHA512;
	st->digits = MFA_OTP_DIGITS_MAX;
	st->period = MFA_OTP_PERIOD_MAX;
	st->secret_len = MFA_OTP_KEY_MAX;
	assert_non_null(st->secret = malloc(st->secret_len));
	memset(st->secret, 0xa5, st->secret_len);
	st->created = st->next = st->locked_until = st->last_success = UINT64_MAX;
	st->failures = 1000000;
	for (i = 0; i < MFA_STATE_RECOVERY_MAX; i++)
		assert_non_null(st->recovery[i] = strdup("pbkdf2-sha256$10000000$" REC1_PARTS));
	st->nrecovery = MFA_STATE_RECOVERY_MAX;
	assert_non_null(st->fido2 = calloc(MFA_STATE_FIDO2_MAX, sizeof(*st->fido2)));
	for (i = 0; i < MFA_STATE_FIDO2_MAX; i++) {
		nth_rs256_cred(i, MFA_FIDO2_KEY_HANDLE_MAX, &st->fido2[i].cred);
		st->fido2[i].cred.presence = st->fido2[i].cred.verification = true;
		st->fido2[i].cred.pin = true;
		st->fido2[i].counter = UINT32_MAX;
	}
	st->nfido2 = MFA_STATE_FIDO2_MAX;

	assert_int_equal(mfa_state_format(st, &buf, &len), MFA_OK);
	assert_int_equal(len, 47522); /* as state.h says */
	assert_true(len <= MFA_STATE_MAX_BYTES);
	assert_true(MFA_STATE_MAX_BYTES - len < 2048);
	if (mfa_state_parse(buf, len, "s", &back, &perr) != MFA_OK)
		fail_msg("line %u: %s", perr.line, perr.msg);
	assert_int_equal(mfa_state_format(back, &buf2, &len2), MFA_OK);
	assert_int_equal(len2, len);
	assert_memory_equal(buf2, buf, len);
	/* One credential more does not fit the count, one byte more not the cap. */
	mfa_freezero(buf2, len2);
	st->nfido2 = MFA_STATE_FIDO2_MAX + 1;
	assert_int_equal(mfa_state_format(st, &buf2, &len2), MFA_ERR_INVALID_ARG);
	mfa_freezero(buf, len);
	mfa_state_free(&back);
	st->nfido2 = MFA_STATE_FIDO2_MAX;
	mfa_state_free(&st);
}

static void
test_format_refuses_invalid_fido2_state(void **state)
{
	struct mfa_state *st = parse_ok(none_text, strlen(none_text));
	struct mfa_state_fido2 *saved;
	char *buf = NULL;
	size_t len = 0;

	(void)state;
	/* Type none with a seed, a replay floor, or no credential would not read back. */
	st->secret_len = 20;
	assert_non_null(st->secret = calloc(1, 20));
	assert_int_equal(mfa_state_format(st, &buf, &len), MFA_ERR_INVALID_ARG);
	mfa_freezero(st->secret, 20);
	st->secret = NULL;
	assert_int_equal(mfa_state_format(st, &buf, &len), MFA_ERR_INVALID_ARG);
	st->secret_len = 0;
	st->next = 1;
	assert_int_equal(mfa_state_format(st, &buf, &len), MFA_ERR_INVALID_ARG);
	st->next = 0;
	st->nfido2 = 0;
	assert_int_equal(mfa_state_format(st, &buf, &len), MFA_ERR_INVALID_ARG);
	st->nfido2 = 2;
	saved = st->fido2;
	st->fido2 = NULL;
	assert_int_equal(mfa_state_format(st, &buf, &len), MFA_ERR_INVALID_ARG);
	st->fido2 = saved;
	/* A duplicate credential. */
	memcpy(st->fido2[1].cred.public_key, st->fido2[0].cred.public_key, MFA_FIDO2_EDDSA_PK_LEN);
	st->fido2[1].cred.public_key_len = MFA_FIDO2_EDDSA_PK_LEN;
	st->fido2[1].cred.type = MFA_FIDO2_EDDSA;
	st->fido2[1].cred.old_format = false;
	assert_int_equal(mfa_state_format(st, &buf, &len), MFA_ERR_INVALID_ARG);
	/* A credential no parse gives. */
	st->fido2[1].cred.public_key_len = 31;
	assert_int_equal(mfa_state_format(st, &buf, &len), MFA_ERR_INVALID_ARG);
	st->nfido2 = 1;
	st->kind = (enum mfa_otp_kind)7;
	assert_int_equal(mfa_state_format(st, &buf, &len), MFA_ERR_INVALID_ARG);
	st->kind = MFA_OTP_NONE;
	assert_int_equal(mfa_state_format(st, &buf, &len), MFA_OK);
	assert_memory_equal(buf, NONE2 "created=", strlen(NONE2 "created="));
	mfa_freezero(buf, len);
	mfa_state_free(&st);
}

static void
test_format_refuses_invalid_state(void **state)
{
	struct mfa_state *st = parse_ok(totp_text, strlen(totp_text));
	char *buf = NULL;
	size_t len = 0;

	(void)state;
	st->digits = 9;
	assert_int_equal(mfa_state_format(st, &buf, &len), MFA_ERR_INVALID_ARG);
	st->digits = 6;
	st->period = 0;
	assert_int_equal(mfa_state_format(st, &buf, &len), MFA_ERR_INVALID_ARG);
	st->period = 30;
	st->recovery[0][0] = 'x';
	assert_int_equal(mfa_state_format(st, &buf, &len), MFA_ERR_INVALID_ARG);
	assert_null(buf);
	mfa_state_free(&st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_totp_fields),
		cmocka_unit_test(test_parse_hotp_fields),
		cmocka_unit_test(test_parse_fido2_fields),
		cmocka_unit_test(test_parse_none_fields),
		cmocka_unit_test(test_format_is_byte_identical_round_trip),
		cmocka_unit_test(test_writer_picks_the_version),
		cmocka_unit_test(test_remove_recovery_keeps_order),
		cmocka_unit_test(test_every_truncation_is_refused),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_embedded_nul_and_size_cap),
		cmocka_unit_test(test_too_many_recovery_codes),
		cmocka_unit_test(test_too_many_fido2_credentials),
		cmocka_unit_test(test_longest_state_fits_the_cap),
		cmocka_unit_test(test_format_refuses_invalid_fido2_state),
		cmocka_unit_test(test_format_refuses_invalid_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
