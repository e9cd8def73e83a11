/*
 * recovery.c - generation, hashing and checking of one-time recovery codes.
 */
#include "recovery.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "mfa_mem.h"
#include "num.h"

#define RECOVERY_SCHEME "pbkdf2-sha256"

/*
 * Crockford's base32 alphabet in lower case: no i, l, o or u, so nothing
 * reads as another letter or digit.  32 symbols, 5 bits each.
 */
static const char recovery_alphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";

_Static_assert(sizeof(recovery_alphabet) - 1 == 32, "the alphabet must have 32 letters");

static bool
recovery_in_alphabet(char c)
{
	return c != '\0' && strchr(recovery_alphabet, c) != NULL;
}

int
mfa_recovery_generate(char code[MFA_RECOVERY_CODE_SIZE])
{
	unsigned char rnd[MFA_RECOVERY_CODE_CHARS];
	size_t i, o = 0;

	if (code == NULL)
		return MFA_ERR_INVALID_ARG;
	if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
		mfa_wipe(rnd, sizeof(rnd));
		return MFA_ERR_CRYPTO;
	}
	for (i = 0; i < MFA_RECOVERY_CODE_CHARS; i++) {
		if (i > 0 && i % 4 == 0)
			code[o++] = '-';
		code[o++] = recovery_alphabet[rnd[i] & 0x1f];
	}
	code[o] = '\0';
	mfa_wipe(rnd, sizeof(rnd));
	return MFA_OK;
}

/* Drop spaces and dashes, fold case; exactly MFA_RECOVERY_CODE_CHARS must remain. */
static int
recovery_normalise(const char *input, char out[MFA_RECOVERY_CODE_CHARS + 1])
{
	size_t n = 0;

	for (; *input != '\0'; input++) {
		char c = *input;

		if (c == ' ' || c == '-')
			continue;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!recovery_in_alphabet(c) || n == MFA_RECOVERY_CODE_CHARS) {
			mfa_wipe(out, MFA_RECOVERY_CODE_CHARS + 1);
			return MFA_ERR_PARSE;
		}
		out[n++] = c;
	}
	out[n] = '\0';
	if (n != MFA_RECOVERY_CODE_CHARS) {
		mfa_wipe(out, MFA_RECOVERY_CODE_CHARS + 1);
		return MFA_ERR_PARSE;
	}
	return MFA_OK;
}

bool
mfa_recovery_looks_like_code(const char *input)
{
	char norm[MFA_RECOVERY_CODE_CHARS + 1];
	bool ok;

	if (input == NULL)
		return false;
	ok = recovery_normalise(input, norm) == MFA_OK;
	mfa_wipe(norm, sizeof(norm));
	return ok;
}

static void
hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

static int
hex_decode(const char *in, size_t n, unsigned char *out)
{
	size_t i;

	for (i = 0; i < 2 * n; i++) {
		char c = in[i];
		int v;

		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else
			return MFA_ERR_PARSE;
		if (i % 2 == 0)
			out[i / 2] = (unsigned char)(v << 4);
		else
			out[i / 2] = (unsigned char)(out[i / 2] | v);
	}
	return MFA_OK;
}

static int
recovery_kdf(const char *norm, const unsigned char *salt, unsigned iterations,
	     unsigned char out[MFA_RECOVERY_HASH_BYTES])
{
	if (PKCS5_PBKDF2_HMAC(norm, MFA_RECOVERY_CODE_CHARS, salt, MFA_RECOVERY_SALT_BYTES,
			      (int)iterations, EVP_sha256(), MFA_RECOVERY_HASH_BYTES, out) != 1)
		return MFA_ERR_CRYPTO;
	return MFA_OK;
}

int
mfa_recovery_hash(const char *code, unsigned iterations, char out[MFA_RECOVERY_HASH_TEXT_SIZE])
{
	char norm[MFA_RECOVERY_CODE_CHARS + 1];
	unsigned char salt[MFA_RECOVERY_SALT_BYTES], hash[MFA_RECOVERY_HASH_BYTES];
	char salt_hex[2 * MFA_RECOVERY_SALT_BYTES + 1], hash_hex[2 * MFA_RECOVERY_HASH_BYTES + 1];
	int r;

	if (code == NULL || out == NULL || iterations < MFA_RECOVERY_ITERATIONS_MIN ||
	    iterations > MFA_RECOVERY_ITERATIONS_MAX)
		return MFA_ERR_INVALID_ARG;
	if ((r = recovery_normalise(code, norm)) != MFA_OK)
		return r;
	if (RAND_bytes(salt, sizeof(salt)) != 1) {
		r = MFA_ERR_CRYPTO;
		goto out;
	}
	if ((r = recovery_kdf(norm, salt, iterations, hash)) != MFA_OK)
		goto out;
	hex_encode(salt, sizeof(salt), salt_hex);
	hex_encode(hash, sizeof(hash), hash_hex);
	snprintf(out, MFA_RECOVERY_HASH_TEXT_SIZE, RECOVERY_SCHEME "$%u$%s$%s", iterations,
		 salt_hex, hash_hex);
	r = MFA_OK;
out:
	mfa_wipe(norm, sizeof(norm));
	mfa_wipe(hash, sizeof(hash));
	mfa_wipe(hash_hex, sizeof(hash_hex));
	mfa_wipe(salt, sizeof(salt));
	mfa_wipe(salt_hex, sizeof(salt_hex));
	return r;
}

/* Split a stored hash into its parts; MFA_ERR_PARSE unless exactly well-formed. */
static int
recovery_hash_split(const char *text, size_t len, unsigned *iterp,
		    unsigned char salt[MFA_RECOVERY_SALT_BYTES],
		    unsigned char hash[MFA_RECOVERY_HASH_BYTES])
{
	const size_t prefix = strlen(RECOVERY_SCHEME "$");
	const char *p, *end = text + len, *dollar;
	uint64_t iter;

	if (len < prefix || memcmp(text, RECOVERY_SCHEME "$", prefix) != 0)
		return MFA_ERR_PARSE;
	p = text + prefix;
	if ((dollar = memchr(p, '$', (size_t)(end - p))) == NULL || (dollar > p && p[0] == '0') ||
	    mfa_parse_u64(p, (size_t)(dollar - p), MFA_RECOVERY_ITERATIONS_MAX, &iter) != MFA_OK ||
	    iter < MFA_RECOVERY_ITERATIONS_MIN)
		return MFA_ERR_PARSE;
	p = dollar + 1;
	if ((size_t)(end - p) != 2 * MFA_RECOVERY_SALT_BYTES + 1 + 2 * MFA_RECOVERY_HASH_BYTES ||
	    p[2 * MFA_RECOVERY_SALT_BYTES] != '$' ||
	    hex_decode(p, MFA_RECOVERY_SALT_BYTES, salt) != MFA_OK ||
	    hex_decode(p + 2 * MFA_RECOVERY_SALT_BYTES + 1, MFA_RECOVERY_HASH_BYTES, hash) !=
		    MFA_OK)
		return MFA_ERR_PARSE;
	*iterp = (unsigned)iter;
	return MFA_OK;
}

bool
mfa_recovery_hash_text_valid(const char *text, size_t len)
{
	unsigned char salt[MFA_RECOVERY_SALT_BYTES], hash[MFA_RECOVERY_HASH_BYTES];
	unsigned iter;

	if (text == NULL)
		return false;
	return recovery_hash_split(text, len, &iter, salt, hash) == MFA_OK;
}

int
mfa_recovery_verify(const char *input, char *const *hashes, size_t n, size_t *indexp)
{
	char norm[MFA_RECOVERY_CODE_CHARS + 1];
	unsigned char salt[MFA_RECOVERY_SALT_BYTES], want[MFA_RECOVERY_HASH_BYTES];
	unsigned char got[MFA_RECOVERY_HASH_BYTES];
	size_t i, found = SIZE_MAX;
	unsigned iter;
	int r;

	if (input == NULL || (hashes == NULL && n > 0) || indexp == NULL)
		return MFA_ERR_INVALID_ARG;
	if (recovery_normalise(input, norm) != MFA_OK)
		return MFA_ERR_OTP_MISMATCH;
	for (i = 0; i < n; i++) {
		if (recovery_hash_split(hashes[i], strlen(hashes[i]), &iter, salt, want) !=
		    MFA_OK) {
			r = MFA_ERR_PARSE;
			goto out;
		}
		if ((r = recovery_kdf(norm, salt, iter, got)) != MFA_OK)
			goto out;
		/* Every entry is hashed and compared: the time does not tell which matched. */
		if (mfa_consttime_eq(got, want, sizeof(got)) && found == SIZE_MAX)
			found = i;
	}
	if (found == SIZE_MAX) {
		r = MFA_ERR_OTP_MISMATCH;
		goto out;
	}
	*indexp = found;
	r = MFA_OK;
out:
	mfa_wipe(norm, sizeof(norm));
	mfa_wipe(got, sizeof(got));
	mfa_wipe(want, sizeof(want));
	mfa_wipe(salt, sizeof(salt));
	return r;
}
