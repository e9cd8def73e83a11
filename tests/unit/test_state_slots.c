/*
 * test_state_slots.c - the slotted state file (lib/state_slots.c): a
 * torn write at any byte leaves the old state or the new one, never
 * anything else; every malformed file is refused or passed over as it
 * must be.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/sha.h>

#include "state_slots.h"

#define S MFA_SLOTS_ALIGN

static const char text_a[] = "version=1\ntype=totp\nnext=10\n";
static const char text_b[] = "version=1\ntype=totp\nnext=11\nfailures=0\n";

/* A file of two slots: slot 0 holds text0 with seq0 (NULL: empty), slot 1 likewise. */
static uint8_t *
make_file(const char *text0, uint64_t seq0, const char *text1, uint64_t seq1)
{
	uint8_t *f = calloc(2, S);

	assert_non_null(f);
	if (text0 != NULL)
		assert_int_equal(mfa_slots_write(text0, strlen(text0), seq0, f, S), MFA_OK);
	if (text1 != NULL)
		assert_int_equal(mfa_slots_write(text1, strlen(text1), seq1, f + S, S), MFA_OK);
	return f;
}

static void
expect_state(const uint8_t *f, size_t len, const char *text, uint64_t seq, unsigned slot)
{
	struct mfa_slots_view v;
	struct mfa_parse_err perr;

	assert_int_equal(mfa_slots_read(f, len, "u", &v, &perr), MFA_OK);
	assert_int_equal(v.text_len, strlen(text));
	assert_memory_equal(v.text, text, v.text_len);
	assert_int_equal(v.seq, seq);
	assert_int_equal(v.current, slot);
	assert_int_equal(v.slot_size, len / 2);
}

static void
expect_refused(const uint8_t *f, size_t len, const char *reason)
{
	struct mfa_slots_view v;
	struct mfa_parse_err perr;

	assert_int_equal(mfa_slots_read(f, len, "/var/lib/mfacover/u", &v, &perr), MFA_ERR_PARSE);
	assert_string_equal(perr.file, "/var/lib/mfacover/u");
	assert_non_null(strstr(perr.msg, reason));
}

static void
test_one_slot_written(void **state)
{
	uint8_t *f = make_file(text_a, 1, NULL, 0);
	struct mfa_slots_view v;
	struct mfa_parse_err perr;

	(void)state;
	assert_true(mfa_slots_detect(f, 2 * S));
	assert_int_equal(mfa_slots_read(f, 2 * S, "u", &v, &perr), MFA_OK);
	assert_true(v.other_empty);
	assert_false(v.other_damaged);
	expect_state(f, 2 * S, text_a, 1, 0);
	/* The slot is the text, the two lines, then zero bytes. */
	assert_memory_equal(f, text_a, strlen(text_a));
	assert_memory_equal(f + strlen(text_a), "slot=1\nsha256=", 14);
	assert_int_equal(f[strlen(text_a) + 14 + 64], '\n');
	assert_int_equal(f[strlen(text_a) + 14 + 64 + 1], 0);
	free(f);
}

static void
test_higher_seq_wins_in_either_slot(void **state)
{
	uint8_t *f;

	(void)state;
	f = make_file(text_a, 7, text_b, 8);
	expect_state(f, 2 * S, text_b, 8, 1);
	free(f);
	f = make_file(text_b, 9, text_a, 8);
	expect_state(f, 2 * S, text_b, 9, 0);
	free(f);
	/* Numbers, not text: 10 is above 9. */
	f = make_file(text_a, 9, text_b, 10);
	expect_state(f, 2 * S, text_b, 10, 1);
	free(f);
}

static void
test_same_seq_refused(void **state)
{
	uint8_t *f = make_file(text_a, 4, text_b, 4);

	(void)state;
	expect_refused(f, 2 * S, "both slots hold sequence number 4");
	free(f);
}

/*
 * The property the format exists for: an update writes the other slot,
 * and the machine may stop after any byte of it (the disk writes sectors
 * in any order, too).  Whatever prefix, suffix or middle of the new slot
 * made it, the file reads as the old state or the new, and as the new
 * only when the whole slot is there.
 */
static void
test_torn_write_at_every_byte_is_old_or_new(void **state)
{
	uint8_t *before = make_file(text_a, 5, text_b, 4); /* current: slot 0, seq 5 */
	uint8_t *newslot = calloc(1, S), *f = malloc(2 * S);
	size_t k;

	(void)state;
	assert_non_null(newslot);
	assert_non_null(f);
	assert_int_equal(mfa_slots_write(text_b, strlen(text_b), 6, newslot, S), MFA_OK);
	for (k = 0; k <= S; k++) {
		/* the first k bytes new, the rest as they were */
		memcpy(f, before, 2 * S);
		memcpy(f + S, newslot, k);
		if (k == S)
			expect_state(f, 2 * S, text_b, 6, 1);
		else if (memcmp(f + S, newslot, S) == 0)
			expect_state(f, 2 * S, text_b, 6, 1); /* the rest was equal already */
		else
			expect_state(f, 2 * S, text_a, 5, 0);
		/* the last S - k bytes new, the first k as they were */
		memcpy(f, before, 2 * S);
		memcpy(f + S + k, newslot + k, S - k);
		if (memcmp(f + S, newslot, S) == 0)
			expect_state(f, 2 * S, text_b, 6, 1);
		else
			expect_state(f, 2 * S, text_a, 5, 0);
	}
	/* One 512-byte sector missing anywhere in the slot. */
	for (k = 0; k < S; k += 512) {
		memcpy(f, before, 2 * S);
		memcpy(f + S, newslot, S);
		memcpy(f + S + k, before + S + k, 512);
		if (memcmp(f + S, newslot, S) == 0)
			expect_state(f, 2 * S, text_b, 6, 1);
		else
			expect_state(f, 2 * S, text_a, 5, 0);
	}
	free(before);
	free(newslot);
	free(f);
}

static void
test_damaged_other_slot_reported(void **state)
{
	uint8_t *f = make_file(text_a, 2, text_b, 3);
	struct mfa_slots_view v;
	struct mfa_parse_err perr;

	(void)state;
	f[S + 3] ^= 1; /* a bit of the newer slot's text */
	assert_int_equal(mfa_slots_read(f, 2 * S, "u", &v, &perr), MFA_OK);
	assert_int_equal(v.seq, 2);
	assert_int_equal(v.current, 0);
	assert_true(v.other_damaged);
	assert_false(v.other_empty);
	free(f);
}

static void
test_no_valid_slot_refused(void **state)
{
	uint8_t *f = calloc(2, S);

	(void)state;
	assert_non_null(f);
	expect_refused(f, 2 * S, "neither slot holds a valid state (empty and empty)");
	free(f);
	f = make_file(text_a, 1, text_b, 2);
	f[1] ^= 1;
	f[S + 1] ^= 1;
	expect_refused(f, 2 * S, "(damaged and damaged)");
	free(f);
	/* A slot without any zero byte is no slot this code wrote. */
	f = make_file(NULL, 0, text_a, 1);
	memset(f, 'x', S);
	expect_state(f, 2 * S, text_a, 1, 1);
	f[S + 1] ^= 1;
	expect_refused(f, 2 * S, "(damaged and damaged)");
	free(f);
}

static void
test_sizes_refused(void **state)
{
	uint8_t *f = make_file(text_a, 1, NULL, 0);
	static const size_t bad[] = {0, 1, S, 2 * S - 1, 2 * S + 2, 3 * S};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_refused(f, bad[i], "not two slots of a valid size");
	free(f);
	/* Larger slots than any state needs: refused, not read. */
	f = calloc(2, MFA_SLOTS_SIZE_MAX + S);
	assert_non_null(f);
	expect_refused(f, 2 * (MFA_SLOTS_SIZE_MAX + S), "not two slots of a valid size");
	free(f);
}

/* A slot built by hand (its sum right), with seq_text as its number. */
static void
hand_slot(uint8_t *slot, const char *text, const char *seq_text)
{
	uint8_t sum[SHA256_DIGEST_LENGTH];
	size_t at;

	memset(slot, 0, S);
	at = (size_t)sprintf((char *)slot, "%sslot=%s\n", text, seq_text);
	SHA256(slot, at, sum);
	at += (size_t)sprintf((char *)slot + at, "sha256=");
	for (size_t i = 0; i < sizeof(sum); i++)
		at += (size_t)sprintf((char *)slot + at, "%02x", sum[i]);
	slot[at] = '\n';
}

static void
test_bad_sequence_numbers_are_damage(void **state)
{
	static const char *const bad[] = {"0", "01", "-1", "+1", "1 ", "18446744073709551616",
					  "",  "x"};
	uint8_t *f = make_file(text_a, 1, NULL, 0);

	(void)state;
	hand_slot(f + S, text_b, "2");
	expect_state(f, 2 * S, text_b, 2, 1); /* the hand-made slot is right */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mfa_slots_view v;
		struct mfa_parse_err perr;

		hand_slot(f + S, text_b, bad[i]);
		assert_int_equal(mfa_slots_read(f, 2 * S, "u", &v, &perr), MFA_OK);
		assert_int_equal(v.current, 0);
		assert_true(v.other_damaged);
	}
	hand_slot(f + S, text_b, "18446744073709551615");
	expect_state(f, 2 * S, text_b, UINT64_MAX, 1);
	/* No text before the seq line; upper-case sum; a sum over other bytes. */
	hand_slot(f + S, "", "3");
	expect_state(f, 2 * S, text_a, 1, 0);
	hand_slot(f + S, text_b, "3");
	for (uint8_t *p = f + S + strlen(text_b) + 14; *p != '\n'; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (uint8_t)(*p - 'a' + 'A');
	expect_state(f, 2 * S, text_a, 1, 0);
	hand_slot(f + S, text_b, "3");
	f[S + strlen(text_b) + 14] = f[S + strlen(text_b) + 14] == '0' ? '1' : '0';
	expect_state(f, 2 * S, text_a, 1, 0);
	/* A stray byte in the padding. */
	hand_slot(f + S, text_b, "3");
	f[2 * S - 1] = 'x';
	expect_state(f, 2 * S, text_a, 1, 0);
	free(f);
}

static void
test_write_refuses(void **state)
{
	uint8_t *slot = calloc(1, MFA_SLOTS_SIZE_MAX);
	char *big = malloc(S + 1);

	(void)state;
	assert_non_null(slot);
	assert_non_null(big);
	assert_int_equal(mfa_slots_write(text_a, strlen(text_a), 0, slot, S), MFA_ERR_INVALID_ARG);
	assert_int_equal(mfa_slots_write("next=1", 6, 1, slot, S), MFA_ERR_INVALID_ARG);
	assert_int_equal(mfa_slots_write("a\0b\n", 4, 1, slot, S), MFA_ERR_INVALID_ARG);
	assert_int_equal(mfa_slots_write("", 0, 1, slot, S), MFA_ERR_INVALID_ARG);
	assert_int_equal(mfa_slots_write(text_a, strlen(text_a), 1, slot, S - 1),
			 MFA_ERR_INVALID_ARG);
	assert_int_equal(mfa_slots_write(text_a, strlen(text_a), 1, slot, 0), MFA_ERR_INVALID_ARG);
	/* Text that leaves no room for the trailer and one zero byte. */
	memset(big, 'k', S);
	big[S - 1] = '\n';
	assert_int_equal(mfa_slots_write(big, S, 1, slot, S), MFA_ERR_TOO_LARGE);
	/* The longest trailer: a 20-digit seq. */
	big[S - MFA_SLOTS_TRAILER_MAX] = '\n';
	assert_int_equal(mfa_slots_write(big, S - MFA_SLOTS_TRAILER_MAX + 1, UINT64_MAX, slot, S),
			 MFA_ERR_TOO_LARGE);
	big[S - MFA_SLOTS_TRAILER_MAX - 1] = '\n';
	assert_int_equal(mfa_slots_write(big, S - MFA_SLOTS_TRAILER_MAX, UINT64_MAX, slot, S),
			 MFA_OK);
	free(slot);
	free(big);
}

static void
test_size_for(void **state)
{
	(void)state;
	assert_int_equal(mfa_slots_size_for(1), S);
	assert_int_equal(mfa_slots_size_for(300), S);
	assert_int_equal(mfa_slots_size_for(S), 2 * S);
	assert_int_equal(mfa_slots_size_for(MFA_SLOTS_SIZE_MAX), 0);
	for (size_t n = 1; n < MFA_SLOTS_SIZE_MAX; n += 997) {
		size_t size = mfa_slots_size_for(n);

		if (size == 0) {
			assert_true(n + MFA_SLOTS_TRAILER_MAX > MFA_SLOTS_SIZE_MAX);
			continue;
		}
		assert_int_equal(size % MFA_SLOTS_ALIGN, 0);
		assert_true(size <= MFA_SLOTS_SIZE_MAX);
		assert_true(n + MFA_SLOTS_TRAILER_MAX <= size);
	}
}

static void
test_plain_text_is_not_slotted(void **state)
{
	(void)state;
	assert_false(mfa_slots_detect((const uint8_t *)text_a, strlen(text_a)));
	assert_false(mfa_slots_detect((const uint8_t *)"", 0));
	assert_true(mfa_slots_detect((const uint8_t *)"a\0", 2));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_slot_written),
		cmocka_unit_test(test_higher_seq_wins_in_either_slot),
		cmocka_unit_test(test_same_seq_refused),
		cmocka_unit_test(test_torn_write_at_every_byte_is_old_or_new),
		cmocka_unit_test(test_damaged_other_slot_reported),
		cmocka_unit_test(test_no_valid_slot_refused),
		cmocka_unit_test(test_sizes_refused),
		cmocka_unit_test(test_bad_sequence_numbers_are_damage),
		cmocka_unit_test(test_write_refuses),
		cmocka_unit_test(test_size_for),
		cmocka_unit_test(test_plain_text_is_not_slotted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
