/*
 * state_slots.c - two copies of the state in one file, updated in place.
 * See state_slots.h for the format and why.
 */
#include "state_slots.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <stdio.h>
#include <string.h>

#include "num.h"

#define SEQ_KEY "slot="
#define SUM_KEY "sha256="
#define SUM_HEX (2 * SHA256_DIGEST_LENGTH)
#define SUM_LINE (sizeof(SUM_KEY) - 1 + SUM_HEX + 1)

_Static_assert(MFA_SLOTS_SIZE_MAX % MFA_SLOTS_ALIGN == 0, "slots are whole blocks");
_Static_assert(MFA_SLOTS_TRAILER_MAX == sizeof(SEQ_KEY) - 1 + 20 + 1 + SUM_LINE + 1,
	       "the trailer's room: the seq line, the sum line, one zero byte");

enum slot_kind {
	SLOT_EMPTY,
	SLOT_DAMAGED,
	SLOT_VALID
};

struct slot {
	enum slot_kind kind;
	const char *text;
	size_t text_len;
	uint64_t seq;
};

static bool
all_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] != 0)
			return false;
	}
	return true;
}

static void
hex(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
}

/* What slot s of S bytes holds.  Anything short of valid is damaged: a torn write. */
static struct slot
slot_check(const uint8_t *s, size_t size)
{
	struct slot out = {SLOT_DAMAGED, NULL, 0, 0};
	uint8_t sum[SHA256_DIGEST_LENGTH];
	char want[SUM_HEX];
	const uint8_t *z = memchr(s, 0, size);
	size_t used, sum_at, seq_at;

	if (z == NULL)
		return out; /* no padding: not a slot this code wrote */
	used = (size_t)(z - s);
	if (!all_zero(z, size - used))
		return out;
	if (used == 0) {
		out.kind = SLOT_EMPTY;
		return out;
	}
	/* The sum line ends the slot, the seq line is before it, the text before that. */
	if (used < SUM_LINE + sizeof(SEQ_KEY) || s[used - 1] != '\n')
		return out;
	sum_at = used - SUM_LINE;
	if (s[sum_at - 1] != '\n' || memcmp(s + sum_at, SUM_KEY, sizeof(SUM_KEY) - 1) != 0)
		return out;
	for (seq_at = sum_at - 1; seq_at > 0 && s[seq_at - 1] != '\n'; seq_at--)
		;
	if (seq_at == 0 || sum_at - 1 - seq_at < sizeof(SEQ_KEY) ||
	    memcmp(s + seq_at, SEQ_KEY, sizeof(SEQ_KEY) - 1) != 0)
		return out; /* no text before the seq line, or no seq line */
	{
		const char *digits = (const char *)s + seq_at + sizeof(SEQ_KEY) - 1;
		size_t ndigits = sum_at - 1 - (seq_at + sizeof(SEQ_KEY) - 1);

		if ((ndigits > 1 && digits[0] == '0') ||
		    mfa_parse_u64(digits, ndigits, UINT64_MAX, &out.seq) != MFA_OK || out.seq == 0)
			return out;
	}
	if (SHA256(s, sum_at, sum) == NULL)
		return out;
	hex(sum, sizeof(sum), want);
	if (CRYPTO_memcmp(want, s + sum_at + sizeof(SUM_KEY) - 1, SUM_HEX) != 0)
		return out;
	out.kind = SLOT_VALID;
	out.text = (const char *)s;
	out.text_len = seq_at;
	return out;
}

bool
mfa_slots_detect(const uint8_t *buf, size_t len)
{
	return buf != NULL && memchr(buf, 0, len) != NULL;
}

static bool
slot_size_valid(size_t size)
{
	return size >= MFA_SLOTS_ALIGN && size <= MFA_SLOTS_SIZE_MAX && size % MFA_SLOTS_ALIGN == 0;
}

int
mfa_slots_read(const uint8_t *buf, size_t len, const char *file, struct mfa_slots_view *view,
	       struct mfa_parse_err *perr)
{
	struct slot s[2];
	unsigned cur;

	if (buf == NULL || view == NULL || perr == NULL)
		return MFA_ERR_INVALID_ARG;
	mfa_parse_err_init(perr, file);
	memset(view, 0, sizeof(*view));
	if (len % 2 != 0 || !slot_size_valid(len / 2)) {
		mfa_parse_err_set(perr, 0, 0,
				  "holds %zu bytes, which are not two slots of a valid size", len);
		return MFA_ERR_PARSE;
	}
	s[0] = slot_check(buf, len / 2);
	s[1] = slot_check(buf + len / 2, len / 2);
	if (s[0].kind != SLOT_VALID && s[1].kind != SLOT_VALID) {
		mfa_parse_err_set(perr, 0, 0, "neither slot holds a valid state (%s and %s)",
				  s[0].kind == SLOT_EMPTY ? "empty" : "damaged",
				  s[1].kind == SLOT_EMPTY ? "empty" : "damaged");
		return MFA_ERR_PARSE;
	}
	if (s[0].kind == SLOT_VALID && s[1].kind == SLOT_VALID && s[0].seq == s[1].seq) {
		mfa_parse_err_set(perr, 0, 0, "both slots hold sequence number %llu",
				  (unsigned long long)s[0].seq);
		return MFA_ERR_PARSE;
	}
	if (s[0].kind != SLOT_VALID)
		cur = 1;
	else if (s[1].kind != SLOT_VALID)
		cur = 0;
	else
		cur = s[1].seq > s[0].seq ? 1 : 0;
	view->text = s[cur].text;
	view->text_len = s[cur].text_len;
	view->seq = s[cur].seq;
	view->current = cur;
	view->slot_size = len / 2;
	view->other_damaged = s[!cur].kind == SLOT_DAMAGED;
	view->other_empty = s[!cur].kind == SLOT_EMPTY;
	return MFA_OK;
}

size_t
mfa_slots_size_for(size_t text_len)
{
	/* Room for the text to grow by half (failure counts, times), in whole blocks. */
	size_t want, size;

	if (text_len > MFA_SLOTS_SIZE_MAX)
		return 0;
	want = text_len + text_len / 2 + MFA_SLOTS_TRAILER_MAX;
	size = (want + MFA_SLOTS_ALIGN - 1) / MFA_SLOTS_ALIGN * MFA_SLOTS_ALIGN;
	if (size > MFA_SLOTS_SIZE_MAX)
		size = MFA_SLOTS_SIZE_MAX;
	return text_len + MFA_SLOTS_TRAILER_MAX <= size ? size : 0;
}

int
mfa_slots_write(const char *text, size_t text_len, uint64_t seq, uint8_t *out, size_t slot_size)
{
	uint8_t sum[SHA256_DIGEST_LENGTH];
	char seq_line[sizeof(SEQ_KEY) + 21];
	size_t seq_len, at;
	int n;

	if (text == NULL || out == NULL || !slot_size_valid(slot_size) || seq == 0 ||
	    text_len == 0 || text[text_len - 1] != '\n' || memchr(text, 0, text_len) != NULL)
		return MFA_ERR_INVALID_ARG;
	n = snprintf(seq_line, sizeof(seq_line), SEQ_KEY "%llu\n", (unsigned long long)seq);
	if (n < 0 || (size_t)n >= sizeof(seq_line))
		return MFA_ERR_INTERNAL;
	seq_len = (size_t)n;
	/* The text, the two lines, and at least one zero byte. */
	if (text_len > slot_size || slot_size - text_len < seq_len + SUM_LINE + 1)
		return MFA_ERR_TOO_LARGE;
	memcpy(out, text, text_len);
	memcpy(out + text_len, seq_line, seq_len);
	at = text_len + seq_len;
	if (SHA256(out, at, sum) == NULL)
		return MFA_ERR_CRYPTO;
	memcpy(out + at, SUM_KEY, sizeof(SUM_KEY) - 1);
	at += sizeof(SUM_KEY) - 1;
	hex(sum, sizeof(sum), (char *)out + at);
	at += SUM_HEX;
	out[at++] = '\n';
	memset(out + at, 0, slot_size - at);
	return MFA_OK;
}

int
mfa_state_file_parse(const char *buf, size_t len, const char *file, struct mfa_state **statep,
		     struct mfa_slots_view *viewp, struct mfa_parse_err *perr)
{
	struct mfa_slots_view view;
	struct mfa_parse_err local;
	int r;

	if (perr == NULL)
		perr = &local;
	if (viewp != NULL)
		memset(viewp, 0, sizeof(*viewp));
	if (buf == NULL || statep == NULL)
		return MFA_ERR_INVALID_ARG;
	if (!mfa_slots_detect((const uint8_t *)buf, len))
		return mfa_state_parse(buf, len, file, statep, perr);
	if ((r = mfa_slots_read((const uint8_t *)buf, len, file, &view, perr)) != MFA_OK)
		return r;
	if ((r = mfa_state_parse(view.text, view.text_len, file, statep, perr)) != MFA_OK) {
		char reason[MFA_PARSE_ERR_MSG_MAX];

		snprintf(reason, sizeof(reason), "%s", perr->msg);
		mfa_parse_err_set(perr, perr->line, perr->column, "slot %u: %s", view.current + 1,
				  reason);
		return r;
	}
	if (viewp != NULL)
		*viewp = view;
	return MFA_OK;
}
