/*
 * authorized_keys.c - authorized_keys files read as OpenSSH 9.2p1's sshd
 * reads them (auth2-pubkeyfile.c auth_check_authkey_line, auth-options.c
 * sshauthopt_parse, sshkey.c sshkey_read / sshkey_from_blob, misc.c
 * percent_expand, auth2-pubkey.c expand_authorized_keys and the FIDO
 * presence / verification checks in userauth_pubkey).  Written from
 * sshd(8), PROTOCOL.u2f, PROTOCOL.certkeys and a reading of those sources,
 * checked against `ssh-keygen -l`; no code is taken from OpenSSH.
 */
#include "authorized_keys.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include "base64.h"
#include "mfa_mem.h"
#include "root_fs.h"
#include "sshd_config.h"

#define RSA_MIN_BITS 1024u           /* sshkey.h SSH_RSA_MINIMUM_MODULUS_SIZE */
#define MPINT_MAX_BYTES (16384u / 8) /* sshbuf.h SSHBUF_MAX_BIGNUM */
#define ED25519_PK_LEN 32u
#define CERT_TYPE_USER 1u
#define CERT_TYPE_HOST 2u
#define TUNID_MAX 0x7ffffffdL          /* misc.h SSH_TUNID_MAX */
#define LOCAL_TIME_LATEST (12L * 3600) /* the furthest west zone is UTC-12 */

/* ---- key types ---------------------------------------------------------- */

enum key_kind {
	KIND_ED25519 = 0,
	KIND_ED25519_SK,
	KIND_ECDSA,
	KIND_ECDSA_SK,
	KIND_RSA,
	KIND_DSA,
};

struct key_type {
	const char *name;
	enum key_kind kind;
	int curve; /* ECDSA: 256, 384, 521; 0 otherwise */
	bool cert;
	bool sigonly; /* a signature algorithm name sshd also accepts as key type */
	const char *canonical;
};

/* sshkey.c keytypes[] of a 9.2p1 build with OpenSSL and DSA, without XMSS. */
static const struct key_type key_types[] = {
	{"ssh-ed25519", KIND_ED25519, 0, false, false, "ssh-ed25519"},
	{"ssh-ed25519-cert-v01@openssh.com", KIND_ED25519, 0, true, false,
	 "ssh-ed25519-cert-v01@openssh.com"},
	{"sk-ssh-ed25519@openssh.com", KIND_ED25519_SK, 0, false, false,
	 "sk-ssh-ed25519@openssh.com"},
	{"sk-ssh-ed25519-cert-v01@openssh.com", KIND_ED25519_SK, 0, true, false,
	 "sk-ssh-ed25519-cert-v01@openssh.com"},
	{"ssh-rsa", KIND_RSA, 0, false, false, "ssh-rsa"},
	{"rsa-sha2-256", KIND_RSA, 0, false, true, "ssh-rsa"},
	{"rsa-sha2-512", KIND_RSA, 0, false, true, "ssh-rsa"},
	{"ssh-rsa-cert-v01@openssh.com", KIND_RSA, 0, true, false, "ssh-rsa-cert-v01@openssh.com"},
	{"rsa-sha2-256-cert-v01@openssh.com", KIND_RSA, 0, true, true,
	 "ssh-rsa-cert-v01@openssh.com"},
	{"rsa-sha2-512-cert-v01@openssh.com", KIND_RSA, 0, true, true,
	 "ssh-rsa-cert-v01@openssh.com"},
	{"ssh-dss", KIND_DSA, 0, false, false, "ssh-dss"},
	{"ssh-dss-cert-v01@openssh.com", KIND_DSA, 0, true, false, "ssh-dss-cert-v01@openssh.com"},
	{"ecdsa-sha2-nistp256", KIND_ECDSA, 256, false, false, "ecdsa-sha2-nistp256"},
	{"ecdsa-sha2-nistp384", KIND_ECDSA, 384, false, false, "ecdsa-sha2-nistp384"},
	{"ecdsa-sha2-nistp521", KIND_ECDSA, 521, false, false, "ecdsa-sha2-nistp521"},
	{"ecdsa-sha2-nistp256-cert-v01@openssh.com", KIND_ECDSA, 256, true, false,
	 "ecdsa-sha2-nistp256-cert-v01@openssh.com"},
	{"ecdsa-sha2-nistp384-cert-v01@openssh.com", KIND_ECDSA, 384, true, false,
	 "ecdsa-sha2-nistp384-cert-v01@openssh.com"},
	{"ecdsa-sha2-nistp521-cert-v01@openssh.com", KIND_ECDSA, 521, true, false,
	 "ecdsa-sha2-nistp521-cert-v01@openssh.com"},
	{"sk-ecdsa-sha2-nistp256@openssh.com", KIND_ECDSA_SK, 256, false, false,
	 "sk-ecdsa-sha2-nistp256@openssh.com"},
	{"webauthn-sk-ecdsa-sha2-nistp256@openssh.com", KIND_ECDSA_SK, 256, false, true,
	 "sk-ecdsa-sha2-nistp256@openssh.com"},
	{"sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", KIND_ECDSA_SK, 256, true, false,
	 "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com"},
};

/* The plain key type name of each kind, for fingerprints of certificates. */
static const char *const plain_names[] = {
	[KIND_ED25519] = "ssh-ed25519",
	[KIND_ED25519_SK] = "sk-ssh-ed25519@openssh.com",
	[KIND_ECDSA] = NULL, /* depends on the curve */
	[KIND_ECDSA_SK] = "sk-ecdsa-sha2-nistp256@openssh.com",
	[KIND_RSA] = "ssh-rsa",
	[KIND_DSA] = "ssh-dss",
};
_Static_assert(sizeof(plain_names) / sizeof(plain_names[0]) == KIND_DSA + 1,
	       "one plain name per key kind");

static const struct key_type *
key_type_by_name(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(key_types) / sizeof(key_types[0]); i++) {
		if (strlen(key_types[i].name) == len && memcmp(key_types[i].name, name, len) == 0)
			return &key_types[i];
	}
	return NULL;
}

static bool
kind_is_sk(enum key_kind k)
{
	return k == KIND_ED25519_SK || k == KIND_ECDSA_SK;
}

/* ---- small helpers ------------------------------------------------------ */

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static const char *
skip_blanks(const char *s)
{
	while (is_blank(*s))
		s++;
	return s;
}

/* Length of the word at s (up to a blank or the end). */
static size_t
word_len(const char *s)
{
	return strcspn(s, " \t");
}

static void set_reason(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
set_reason(char *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, AUTHORIZED_KEYS_REASON_MAX, fmt, ap);
	va_end(ap);
}

/* ---- base64 (decoding: base64.h, white space skipped as b64_pton does) ---- */

static void
b64_encode_nopad(const unsigned char *in, size_t len, char *out, size_t outsz)
{
	static const char tbl[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, o = 0;

	for (i = 0; i < len && o + 5 < outsz; i += 3) {
		unsigned v = (unsigned)in[i] << 16;

		if (i + 1 < len)
			v |= (unsigned)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		out[o++] = tbl[(v >> 18) & 63];
		out[o++] = tbl[(v >> 12) & 63];
		if (i + 1 < len)
			out[o++] = tbl[(v >> 6) & 63];
		if (i + 2 < len)
			out[o++] = tbl[v & 63];
	}
	out[o] = '\0';
}

/* ---- the key blob (SSH wire format) ------------------------------------ */

struct rd {
	const unsigned char *p;
	size_t len;
	size_t off;
};

static bool
rd_u32(struct rd *r, uint32_t *vp)
{
	if (r->len - r->off < 4)
		return false;
	*vp = (uint32_t)r->p[r->off] << 24 | (uint32_t)r->p[r->off + 1] << 16 |
	      (uint32_t)r->p[r->off + 2] << 8 | (uint32_t)r->p[r->off + 3];
	r->off += 4;
	return true;
}

static bool
rd_u64(struct rd *r)
{
	if (r->len - r->off < 8)
		return false;
	r->off += 8;
	return true;
}

static bool
rd_string(struct rd *r, const unsigned char **sp, size_t *lenp)
{
	uint32_t n;

	if (!rd_u32(r, &n) || r->len - r->off < n)
		return false;
	*sp = r->p + r->off;
	*lenp = n;
	r->off += n;
	return true;
}

/* A string that must not hold a NUL (sshbuf_get_cstring). */
static bool
rd_cstring(struct rd *r, const unsigned char **sp, size_t *lenp)
{
	return rd_string(r, sp, lenp) && memchr(*sp, '\0', *lenp) == NULL;
}

/* An mpint (sshbuf_get_bignum2): not negative, at most 16384 bits; *bitsp its size. */
static const char *
rd_mpint(struct rd *r, unsigned *bitsp)
{
	const unsigned char *d;
	size_t n;
	unsigned bits;

	if (!rd_string(r, &d, &n))
		return "key blob truncated";
	if (n > 0 && (d[0] & 0x80) != 0)
		return "negative number in key blob";
	if (n > MPINT_MAX_BYTES + 1 || (n == MPINT_MAX_BYTES + 1 && d[0] != 0))
		return "number in key blob too large";
	while (n > 0 && d[0] == 0) {
		d++;
		n--;
	}
	bits = (unsigned)n * 8;
	if (n > 0) {
		unsigned char top = d[0];

		while ((top & 0x80) == 0) {
			top = (unsigned char)(top << 1);
			bits--;
		}
	}
	if (bitsp != NULL)
		*bitsp = bits;
	return NULL;
}

static const char *
check_ec_point(int curve, const unsigned char *pt, size_t len)
{
	int nid = curve == 256   ? NID_X9_62_prime256v1
		  : curve == 384 ? NID_secp384r1
				 : NID_secp521r1;
	EC_GROUP *g = NULL;
	EC_POINT *p = NULL;
	const char *why = NULL;

	if ((g = EC_GROUP_new_by_curve_name(nid)) == NULL || (p = EC_POINT_new(g)) == NULL) {
		why = "cannot check the ECDSA point";
		goto out;
	}
	if (EC_POINT_oct2point(g, p, pt, len, NULL) != 1 || EC_POINT_is_at_infinity(g, p))
		why = "ECDSA public point is not on the curve";
out:
	EC_POINT_free(p);
	EC_GROUP_free(g);
	return why;
}

static bool
bytes_eq(const unsigned char *a, size_t alen, const char *s)
{
	return alen == strlen(s) && memcmp(a, s, alen) == 0;
}

/* The public key fields of `kind` (after the type name / nonce). */
static const char *
rd_key_fields(struct rd *r, enum key_kind kind, int curve)
{
	const unsigned char *s;
	size_t n;
	unsigned bits;
	const char *why;

	switch (kind) {
	case KIND_ED25519:
	case KIND_ED25519_SK:
		if (!rd_string(r, &s, &n))
			return "key blob truncated";
		if (n != ED25519_PK_LEN)
			return "ed25519 public key of the wrong length";
		break;
	case KIND_ECDSA:
	case KIND_ECDSA_SK: {
		char cname[16];

		snprintf(cname, sizeof(cname), "nistp%d", curve);
		if (!rd_cstring(r, &s, &n))
			return "key blob truncated";
		if (!bytes_eq(s, n, cname))
			return "ECDSA curve name in the key blob does not match its type";
		if (!rd_string(r, &s, &n))
			return "key blob truncated";
		if ((why = check_ec_point(curve, s, n)) != NULL)
			return why;
		break;
	}
	case KIND_RSA:
		if ((why = rd_mpint(r, NULL)) != NULL || (why = rd_mpint(r, &bits)) != NULL)
			return why;
		if (bits < RSA_MIN_BITS)
			return "RSA key too small (fewer than 1024 bits)";
		break;
	case KIND_DSA:
		if ((why = rd_mpint(r, NULL)) != NULL || (why = rd_mpint(r, NULL)) != NULL ||
		    (why = rd_mpint(r, NULL)) != NULL || (why = rd_mpint(r, NULL)) != NULL)
			return why;
		break;
	}
	if (kind_is_sk(kind) && !rd_cstring(r, &s, &n))
		return "FIDO key blob without its application string";
	return NULL;
}

/* A plain (non-certificate) key blob, whole: the CA key inside a certificate. */
static const char *
check_plain_blob(const unsigned char *b, size_t len)
{
	struct rd r = {b, len, 0};
	const unsigned char *s;
	size_t n;
	const struct key_type *kt;
	const char *why;

	if (!rd_cstring(&r, &s, &n))
		return "certificate signature key truncated";
	if ((kt = key_type_by_name((const char *)s, n)) == NULL || kt->cert || kt->sigonly)
		return "certificate signed by an unknown key type";
	if ((why = rd_key_fields(&r, kt->kind, kt->curve)) != NULL)
		return why;
	return r.off == r.len ? NULL : "trailing data after the certificate signature key";
}

/* The certificate fields after the public key (PROTOCOL.certkeys). */
static const char *
rd_cert_rest(struct rd *r)
{
	const unsigned char *s, *sk;
	size_t n, skn;
	uint32_t type;
	struct rd pr;

	if (!rd_u64(r) || !rd_u32(r, &type))
		return "certificate truncated";
	if (type != CERT_TYPE_USER && type != CERT_TYPE_HOST)
		return "unknown certificate type";
	if (!rd_cstring(r, &s, &n) || !rd_string(r, &s, &n))
		return "certificate truncated";
	pr = (struct rd){s, n, 0};
	while (pr.off < pr.len) {
		if (!rd_cstring(&pr, &s, &n))
			return "bad principals list in certificate";
	}
	if (!rd_u64(r) || !rd_u64(r) || !rd_string(r, &s, &n) || !rd_string(r, &s, &n) ||
	    !rd_string(r, &s, &n) || !rd_string(r, &sk, &skn) || !rd_string(r, &s, &n))
		return "certificate truncated";
	return check_plain_blob(sk, skn);
}

struct parsed_key {
	const struct key_type *kt; /* the type the blob names */
	char fingerprint[AUTHORIZED_KEYS_FP_MAX];
};

static void
fingerprint(const unsigned char *blob, size_t len, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;

	if (EVP_Digest(blob, len, md, &mdlen, EVP_sha256(), NULL) != 1) {
		snprintf(out, AUTHORIZED_KEYS_FP_MAX, "SHA256:?");
		return;
	}
	memcpy(out, "SHA256:", 7);
	b64_encode_nopad(md, mdlen, out + 7, AUTHORIZED_KEYS_FP_MAX - 7);
}

/*
 * The decoded blob of a line whose type is `want`.  On success pk is
 * filled; otherwise the reason is returned.  ENOMEM cannot happen here
 * (the caller owns every buffer).
 */
static const char *
check_blob(const unsigned char *b, size_t len, const struct key_type *want, struct parsed_key *pk,
	   unsigned char *plainbuf)
{
	struct rd r = {b, len, 0};
	const unsigned char *s;
	size_t n, kstart, klen, plen;
	const struct key_type *kt;
	const char *why, *pname;

	if (len == 0)
		return "empty key blob";
	if (!rd_cstring(&r, &s, &n))
		return "key blob truncated";
	if ((kt = key_type_by_name((const char *)s, n)) == NULL || kt->sigonly)
		return "key blob of an unknown type";
	if (kt->kind != want->kind || kt->cert != want->cert)
		return "key type on the line does not match the key blob";
	if (kt->curve != want->curve)
		return "ECDSA curve on the line does not match the key blob";
	if (kt->cert && !rd_string(&r, &s, &n))
		return "certificate truncated";
	kstart = r.off;
	if ((why = rd_key_fields(&r, kt->kind, kt->curve)) != NULL)
		return why;
	klen = r.off - kstart;
	if (kt->cert && (why = rd_cert_rest(&r)) != NULL)
		return why;
	if (r.off != r.len)
		return "trailing data after the key";
	pk->kt = kt;
	if (!kt->cert) {
		fingerprint(b, len, pk->fingerprint);
		return NULL;
	}
	/* ssh-keygen -l shows a certificate by the key it certifies. */
	pname = plain_names[kt->kind];
	if (pname == NULL)
		pname = kt->curve == 256   ? "ecdsa-sha2-nistp256"
			: kt->curve == 384 ? "ecdsa-sha2-nistp384"
					   : "ecdsa-sha2-nistp521";
	plen = strlen(pname);
	plainbuf[0] = 0;
	plainbuf[1] = 0;
	plainbuf[2] = (unsigned char)(plen >> 8);
	plainbuf[3] = (unsigned char)plen;
	memcpy(plainbuf + 4, pname, plen);
	memcpy(plainbuf + 4 + plen, b + kstart, klen);
	fingerprint(plainbuf, 4 + plen + klen, pk->fingerprint);
	return NULL;
}

enum read_result {
	READ_OK = 0,
	READ_NOT_A_KEY, /* the first word is no key type */
	READ_BAD,       /* a key type, but no valid key */
	READ_NOMEM,
};

/*
 * sshkey_read at s: a known type name, blanks, the base64 blob (up to the
 * next blank).  *restp: the comment (blanks skipped).
 */
static enum read_result
read_key(const char *s, struct parsed_key *pk, const char **restp, char *why)
{
	size_t tlen = word_len(s), blen, outlen = 0;
	const struct key_type *want;
	const char *b, *reason;
	unsigned char *buf = NULL, *plain = NULL;
	enum read_result res = READ_BAD;

	if (tlen == 0 || (want = key_type_by_name(s, tlen)) == NULL)
		return READ_NOT_A_KEY;
	b = skip_blanks(s + tlen);
	if (*b == '\0') {
		set_reason(why, "key type %s without a key", want->name);
		return READ_BAD;
	}
	blen = word_len(b);
	if ((buf = malloc(MFA_B64_DECODED_MAX(blen))) == NULL ||
	    (plain = malloc(blen + 64)) == NULL) {
		res = READ_NOMEM;
		goto out;
	}
	if (mfa_base64_decode(b, blen, MFA_B64_SKIP_SPACE, buf, &outlen) != MFA_OK) {
		set_reason(why, "bad base64 in the key blob");
		goto out;
	}
	if ((reason = check_blob(buf, outlen, want, pk, plain)) != NULL) {
		set_reason(why, "%s (%s)", reason, want->name);
		goto out;
	}
	*restp = skip_blanks(b + blen);
	res = READ_OK;
out:
	free(buf);
	free(plain);
	return res;
}

/* sshkey_advance_past_options: to the first blank outside quotes. */
static int
advance_past_options(const char **sp)
{
	const char *s = *sp;
	bool quoted = false;

	for (; *s != '\0' && (quoted || !is_blank(*s)); s++) {
		if (s[0] == '\\' && s[1] == '"')
			s++;
		else if (*s == '"')
			quoted = !quoted;
	}
	*sp = s;
	return *s == '\0' && quoted ? -1 : 0;
}

/* ---- options (auth-options.c sshauthopt_parse) ------------------------- */

/* A flag option, case-insensitive; negatable ones also take "no-".  1/0 on match, -1 if not. */
static int
opt_flag(const char **sp, const char *name, bool negatable)
{
	const char *s = *sp;
	size_t n = strlen(name);
	int val = 1;

	if (negatable && strncasecmp(s, "no-", 3) == 0) {
		s += 3;
		val = 0;
	}
	if (strncasecmp(s, name, n) != 0)
		return -1;
	*sp = s + n;
	return val;
}

/* `name=` (case-insensitive); moves past the '='. */
static bool
opt_match(const char **sp, const char *name)
{
	size_t n = strlen(name);

	if (strncasecmp(*sp, name, n) != 0 || (*sp)[n] != '=')
		return false;
	*sp += n + 1;
	return true;
}

/* A quoted value ("..." with \" for a quote).  NULL with *whyp set on error. */
static char *
opt_dequote(const char **sp, const char **whyp, bool *nomemp)
{
	const char *s = *sp;
	char *v;
	size_t i = 0;

	if (*s != '"') {
		*whyp = "missing start quote in option value";
		return NULL;
	}
	s++;
	if ((v = malloc(strlen(s) + 1)) == NULL) {
		*nomemp = true;
		*whyp = "out of memory";
		return NULL;
	}
	while (*s != '\0' && *s != '"') {
		if (s[0] == '\\' && s[1] == '"')
			s++;
		v[i++] = *s++;
	}
	if (*s == '\0') {
		free(v);
		*whyp = "missing end quote in option value";
		return NULL;
	}
	v[i] = '\0';
	*sp = s + 1;
	return v;
}

static bool
all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return true;
}

static long
num_at(const char *s, size_t n)
{
	long v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; d may overflow the month). */
static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/*
 * misc.c parse_absolute_time: YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS,
 * with an optional Z or UTC suffix (else local time).  strptime's ranges;
 * a day past the month's end rolls over as mktime/timegm do.  The result
 * must be after the epoch.
 */
static int
parse_expiry(const char *s, int64_t *tp, bool *localp)
{
	size_t l = strlen(s);
	bool utc = false;
	long y, mo, d, h = 0, mi = 0, sec = 0;
	int64_t t;

	if (l > 1 && (s[l - 1] == 'Z' || s[l - 1] == 'z')) {
		utc = true;
		l--;
	} else if (l > 3 && strcasecmp(s + l - 3, "UTC") == 0) {
		utc = true;
		l -= 3;
	}
	if ((l != 8 && l != 12 && l != 14) || !all_digits(s, l))
		return -1;
	y = num_at(s, 4);
	mo = num_at(s + 4, 2);
	d = num_at(s + 6, 2);
	if (l >= 12) {
		h = num_at(s + 8, 2);
		mi = num_at(s + 10, 2);
	}
	if (l == 14)
		sec = num_at(s + 12, 2);
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 61)
		return -1;
	t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	if (t <= 0)
		return -1;
	*tp = t;
	*localp = !utc;
	return 0;
}

/* hpdelim2 + a2port as handle_permit uses them: host:port, [v6]:port, port may be "*". */
static bool
valid_permit(const char *v, bool bare_port_ok)
{
	const char *port;
	size_t hlen;
	long p;

	if (bare_port_ok && strchr(v, ':') == NULL)
		port = v;
	else if (v[0] == '[') {
		const char *e = strchr(v, ']');

		if (e == NULL || (e[1] != ':' && e[1] != '/'))
			return false;
		hlen = (size_t)(e + 1 - v);
		port = e + 2;
		if (hlen >= 1025) /* NI_MAXHOST */
			return false;
	} else {
		hlen = strcspn(v, ":/");
		if (v[hlen] == '\0' || hlen >= 1025)
			return false;
		port = v + hlen + 1;
	}
	if (strcmp(port, "*") == 0)
		return true;
	if (*port == '\0' || strlen(port) > 5 || !all_digits(port, strlen(port)))
		return false;
	p = num_at(port, strlen(port));
	return p > 0 && p <= 65535;
}

static bool
valid_environment(const char *v)
{
	const char *eq = strchr(v, '=');
	const char *c;

	if (eq == NULL)
		return false;
	for (c = v; c < eq; c++) {
		if (!isalnum((unsigned char)*c) && *c != '_')
			return false;
	}
	return true;
}

static bool
valid_tunnel(const char *v)
{
	size_t n = strlen(v);

	if (strcmp(v, "any") == 0)
		return true;
	return n > 0 && n <= 10 && all_digits(v, n) && num_at(v, n) <= TUNID_MAX;
}

static void
options_clear(struct authorized_key_options *o)
{
	free(o->from);
	free(o->principals);
	memset(o, 0, sizeof(*o));
}

/*
 * Parse the options at s (up to the first blank outside quotes).  0 on
 * success; -1 with why filled; MFA_ERR_NOMEM.
 */
static int
parse_options(const char *s, struct authorized_key_options *o, char *why)
{
	const char *err = NULL;
	char *v = NULL;
	bool nomem = false;
	int f, r = -1;

	memset(o, 0, sizeof(*o));
	while (*s != '\0' && !is_blank(*s)) {
		if ((f = opt_flag(&s, "restrict", false)) != -1) {
			o->restricted = true;
		} else if ((f = opt_flag(&s, "cert-authority", false)) != -1) {
			o->cert_authority = true;
		} else if ((f = opt_flag(&s, "port-forwarding", true)) != -1 ||
			   (f = opt_flag(&s, "agent-forwarding", true)) != -1 ||
			   (f = opt_flag(&s, "x11-forwarding", true)) != -1 ||
			   (f = opt_flag(&s, "pty", true)) != -1 ||
			   (f = opt_flag(&s, "user-rc", true)) != -1) {
			/* session restrictions: no effect on authentication */
		} else if ((f = opt_flag(&s, "touch-required", true)) != -1) {
			o->no_touch_required = f == 0;
		} else if ((f = opt_flag(&s, "verify-required", true)) != -1) {
			o->verify_required = f == 1;
		} else if (opt_match(&s, "command")) {
			if (o->command) {
				err = "multiple \"command\" clauses";
				goto out;
			}
			if ((v = opt_dequote(&s, &err, &nomem)) == NULL)
				goto out;
			o->command = true;
			free(v);
			v = NULL;
		} else if (opt_match(&s, "principals")) {
			if (o->principals != NULL) {
				err = "multiple \"principals\" clauses";
				goto out;
			}
			if ((o->principals = opt_dequote(&s, &err, &nomem)) == NULL)
				goto out;
		} else if (opt_match(&s, "from")) {
			if (o->from != NULL) {
				err = "multiple \"from\" clauses";
				goto out;
			}
			if ((o->from = opt_dequote(&s, &err, &nomem)) == NULL)
				goto out;
		} else if (opt_match(&s, "expiry-time")) {
			int64_t t;
			bool local;

			if ((v = opt_dequote(&s, &err, &nomem)) == NULL)
				goto out;
			if (parse_expiry(v, &t, &local) != 0) {
				err = "invalid expiry-time";
				goto out;
			}
			if (!o->has_expiry || t < o->expiry) {
				o->expiry = t;
				o->expiry_local = local;
			}
			o->has_expiry = true;
			free(v);
			v = NULL;
		} else if (opt_match(&s, "environment")) {
			if ((v = opt_dequote(&s, &err, &nomem)) == NULL)
				goto out;
			if (!valid_environment(v)) {
				err = "invalid environment string";
				goto out;
			}
			free(v);
			v = NULL;
		} else if ((f = opt_match(&s, "permitopen")     ? 0
				: opt_match(&s, "permitlisten") ? 1
								: -1) != -1) {
			if ((v = opt_dequote(&s, &err, &nomem)) == NULL)
				goto out;
			/* permitlisten also takes a bare port */
			if (!valid_permit(v, f == 1)) {
				err = "invalid permitopen/permitlisten host:port";
				goto out;
			}
			free(v);
			v = NULL;
		} else if (opt_match(&s, "tunnel")) {
			if ((v = opt_dequote(&s, &err, &nomem)) == NULL)
				goto out;
			if (!valid_tunnel(v)) {
				err = "invalid tunnel device";
				goto out;
			}
			free(v);
			v = NULL;
		}
		/* sshd: after an option (or nothing), a blank ends the list, ',' goes on */
		if (*s == '\0' || is_blank(*s))
			break;
		if (*s != ',') {
			err = "unknown key option";
			goto out;
		}
		s++;
		if (*s == '\0') {
			err = "unexpected end of options";
			goto out;
		}
	}
	r = 0;
out:
	free(v);
	if (nomem)
		r = MFA_ERR_NOMEM;
	if (r != 0) {
		options_clear(o);
		if (err != NULL)
			set_reason(why, "%s", err);
	}
	return r;
}

/* ---- lines and files ----------------------------------------------------- */

static int
add_file(struct authorized_keys *k, const char *name, size_t *capp, const char **namep)
{
	char *dup;
	int r;

	if ((r = mfa_grow_array((void **)&k->files, capp, k->nfiles + 1, sizeof(*k->files))) != 0)
		return r;
	if ((dup = strdup(name)) == NULL)
		return MFA_ERR_NOMEM;
	k->files[k->nfiles++] = dup;
	*namep = dup;
	return MFA_OK;
}

struct caps {
	size_t files, keys, problems;
};

static int
add_problem(struct authorized_keys *k, struct caps *caps, const char *file, unsigned line,
	    const char *reason)
{
	struct authorized_keys_problem *p;
	int r;

	if (k->nkeys + k->nproblems >= AUTHORIZED_KEYS_MAX_ENTRIES)
		return MFA_ERR_TOO_LARGE;
	if ((r = mfa_grow_array((void **)&k->problems, &caps->problems, k->nproblems + 1,
				sizeof(*k->problems))) != 0)
		return r;
	p = &k->problems[k->nproblems++];
	p->file = file;
	p->line = line;
	snprintf(p->reason, sizeof(p->reason), "%s", reason);
	return MFA_OK;
}

/* A short, printable excerpt of a word for a reason text. */
static void
excerpt(const char *s, char *out, size_t outsz)
{
	size_t i, n = word_len(s);

	if (n > 40)
		n = 40;
	for (i = 0; i < n && i + 1 < outsz; i++)
		out[i] = isprint((unsigned char)s[i]) ? s[i] : '?';
	out[i] = '\0';
}

/* One line (NUL-terminated copy, no newline). */
static int
parse_line(struct authorized_keys *k, struct caps *caps, const char *file, unsigned lineno,
	   const char *line)
{
	struct parsed_key pk;
	struct authorized_key_options opt;
	struct authorized_key *key;
	const char *s = skip_blanks(line), *rest = NULL, *keystart, *c;
	char why1[AUTHORIZED_KEYS_REASON_MAX] = "", why2[AUTHORIZED_KEYS_REASON_MAX] = "";
	char why[AUTHORIZED_KEYS_REASON_MAX], word[48];
	enum read_result r1, r2;
	char *comment = NULL;
	size_t n;
	int r;

	for (c = s; *c != '\0' && isspace((unsigned char)*c); c++)
		;
	if (*c == '\0' || *s == '#')
		return MFA_OK;
	memset(&opt, 0, sizeof(opt));
	memset(&pk, 0, sizeof(pk));

	/* As sshd: first the whole line as a key, then options followed by a key. */
	if ((r1 = read_key(s, &pk, &rest, why1)) == READ_NOMEM)
		return MFA_ERR_NOMEM;
	if (r1 != READ_OK) {
		keystart = s;
		if (advance_past_options(&keystart) != 0)
			return add_problem(k, caps, file, lineno,
					   "unterminated quote in the key options");
		keystart = skip_blanks(keystart);
		if ((r2 = read_key(keystart, &pk, &rest, why2)) == READ_NOMEM)
			return MFA_ERR_NOMEM;
		if (r2 != READ_OK) {
			if (r1 == READ_BAD) {
				snprintf(why, sizeof(why), "%s", why1);
			} else if (r2 == READ_BAD) {
				snprintf(why, sizeof(why), "%s", why2);
			} else if (*keystart == '\0') {
				snprintf(why, sizeof(why), "no key on the line");
			} else if ((r = parse_options(s, &opt, why)) == 0) {
				options_clear(&opt);
				excerpt(keystart, word, sizeof(word));
				snprintf(why, sizeof(why), "unknown key type \"%s\"", word);
			} else if (r == MFA_ERR_NOMEM) {
				return r;
			} else {
				excerpt(s, word, sizeof(word));
				snprintf(why, sizeof(why), "unknown key type \"%s\"", word);
			}
			return add_problem(k, caps, file, lineno, why);
		}
		if ((r = parse_options(s, &opt, why)) != 0) {
			if (r == MFA_ERR_NOMEM)
				return r;
			return add_problem(k, caps, file, lineno, why);
		}
	}

	if (k->nkeys + k->nproblems >= AUTHORIZED_KEYS_MAX_ENTRIES) {
		r = MFA_ERR_TOO_LARGE;
		goto out;
	}
	n = strlen(rest);
	while (n > 0 && isspace((unsigned char)rest[n - 1]))
		n--;
	if (n > 0 && (comment = strndup(rest, n)) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	if ((r = mfa_grow_array((void **)&k->keys, &caps->keys, k->nkeys + 1, sizeof(*k->keys))) !=
	    0)
		goto out;
	key = &k->keys[k->nkeys++];
	memset(key, 0, sizeof(*key));
	key->file = file;
	key->line = lineno;
	key->type = pk.kt->canonical;
	key->is_sk = kind_is_sk(pk.kt->kind);
	key->is_cert = pk.kt->cert;
	memcpy(key->fingerprint, pk.fingerprint, sizeof(key->fingerprint));
	key->comment = comment;
	comment = NULL;
	key->opt = opt;
	memset(&opt, 0, sizeof(opt));
	r = MFA_OK;
out:
	free(comment);
	options_clear(&opt);
	return r;
}

static int
parse_into(struct authorized_keys *k, struct caps *caps, const char *file, const char *buf,
	   size_t len)
{
	size_t pos = 0, n, cap = 0;
	unsigned lineno = 0;
	char *line = NULL;
	const char *nl;
	int r = MFA_OK;

	while (pos < len) {
		nl = memchr(buf + pos, '\n', len - pos);
		n = nl != NULL ? (size_t)(nl - (buf + pos)) : len - pos;
		lineno++;
		if (n + 1 > cap) {
			char *nb;

			if ((nb = realloc(line, n + 1)) == NULL) {
				r = MFA_ERR_NOMEM;
				goto out;
			}
			line = nb;
			cap = n + 1;
		}
		memcpy(line, buf + pos, n);
		line[n] = '\0'; /* a NUL inside the line ends it, as in sshd's C strings */
		if ((r = parse_line(k, caps, file, lineno, line)) != 0)
			goto out;
		pos += n + (nl != NULL ? 1 : 0);
	}
out:
	free(line);
	return r;
}

void
authorized_keys_free(struct authorized_keys **kp)
{
	struct authorized_keys *k;
	size_t i;

	if (kp == NULL || (k = *kp) == NULL)
		return;
	for (i = 0; i < k->nkeys; i++) {
		free(k->keys[i].comment);
		options_clear(&k->keys[i].opt);
	}
	for (i = 0; i < k->nfiles; i++)
		free(k->files[i]);
	free(k->keys);
	free(k->problems);
	free(k->files);
	free(k);
	*kp = NULL;
}

int
authorized_keys_parse(const char *buf, size_t len, const char *file, struct authorized_keys **outp,
		      struct mfa_parse_err *perr)
{
	struct authorized_keys *k = NULL;
	struct caps caps = {0, 0, 0};
	const char *name;
	int r;

	mfa_parse_err_init(perr, file != NULL ? file : "authorized_keys");
	if (outp == NULL || (buf == NULL && len > 0)) {
		r = MFA_ERR_INVALID_ARG;
		goto out;
	}
	if (len > AUTHORIZED_KEYS_MAX_BYTES) {
		mfa_parse_err_set(perr, 0, 0, "larger than %u bytes", AUTHORIZED_KEYS_MAX_BYTES);
		r = MFA_ERR_TOO_LARGE;
		goto out;
	}
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	if ((r = add_file(k, file != NULL ? file : "authorized_keys", &caps.files, &name)) != 0 ||
	    (r = parse_into(k, &caps, name, buf != NULL ? buf : "", len)) != 0) {
		if (r == MFA_ERR_TOO_LARGE)
			mfa_parse_err_set(perr, 0, 0, "more than %u entries",
					  AUTHORIZED_KEYS_MAX_ENTRIES);
		goto out;
	}
	*outp = k;
	k = NULL;
out:
	authorized_keys_free(&k);
	return r;
}

/* ---- AuthorizedKeysFile tokens ------------------------------------------- */

/*
 * percent_expand with %h, %u, %U and %%, then relative to the home
 * directory (expand_authorized_keys).  1 with why filled for an unknown
 * or dangling %; MFA_ERR_NOMEM.
 */
static int
expand_template(const char *tmpl, const char *user, const char *home, uid_t uid, char **outp,
		char *why)
{
	char uidbuf[24], *out = NULL;
	size_t cap = 0, n = 0, add, hlen;
	const char *s, *v;
	int r;

	snprintf(uidbuf, sizeof(uidbuf), "%ju", (uintmax_t)uid);
	for (s = tmpl; *s != '\0'; s++) {
		char one[2] = {*s, '\0'};

		v = one;
		if (*s == '%') {
			switch (s[1]) {
			case '%':
				v = "%";
				break;
			case 'h':
				v = home;
				break;
			case 'u':
				v = user;
				break;
			case 'U':
				v = uidbuf;
				break;
			case '\0':
				set_reason(why,
					   "AuthorizedKeysFile \"%.60s\": %% at the end "
					   "(sshd stops at this file)",
					   tmpl);
				free(out);
				return 1;
			default:
				set_reason(why,
					   "AuthorizedKeysFile \"%.60s\": unknown token %%%c "
					   "(sshd stops at this file)",
					   tmpl, isprint((unsigned char)s[1]) ? s[1] : '?');
				free(out);
				return 1;
			}
			s++;
		}
		add = strlen(v);
		if ((r = mfa_grow_array((void **)&out, &cap, n + add + 1, 1)) != 0) {
			free(out);
			return r;
		}
		memcpy(out + n, v, add);
		n += add;
	}
	if ((r = mfa_grow_array((void **)&out, &cap, n + 1, 1)) != 0) {
		free(out);
		return r;
	}
	out[n] = '\0';
	if (out[0] != '/') {
		char *full;

		hlen = strlen(home);
		if ((full = malloc(hlen + 1 + n + 1)) == NULL) {
			free(out);
			return MFA_ERR_NOMEM;
		}
		memcpy(full, home, hlen);
		full[hlen] = '/';
		memcpy(full + hlen + 1, out, n + 1);
		free(out);
		out = full;
	}
	*outp = out;
	return 0;
}

int
authorized_keys_load_for_user(int rootfd, const char *const *templates, size_t ntemplates,
			      const char *user, const char *home, uid_t uid,
			      struct authorized_keys **outp, struct mfa_parse_err *perr)
{
	struct authorized_keys *k = NULL;
	struct caps caps = {0, 0, 0};
	struct mfa_parse_err ferr;
	char why[AUTHORIZED_KEYS_REASON_MAX];
	char *path = NULL, *buf = NULL;
	const char *name;
	size_t i, len;
	int r;

	mfa_parse_err_init(perr, "AuthorizedKeysFile");
	if (outp == NULL || rootfd < 0 || (templates == NULL && ntemplates > 0) || user == NULL ||
	    home == NULL) {
		r = MFA_ERR_INVALID_ARG;
		goto out;
	}
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < ntemplates; i++) {
		if (templates[i] == NULL) {
			r = MFA_ERR_INVALID_ARG;
			goto out;
		}
		if (strcasecmp(templates[i], "none") == 0)
			continue;
		if ((r = expand_template(templates[i], user, home, uid, &path, why)) < 0)
			goto out;
		if (r == 1) {
			if ((r = add_file(k, templates[i], &caps.files, &name)) != 0 ||
			    (r = add_problem(k, &caps, name, 0, why)) != 0)
				goto out;
			break; /* percent_expand is fatal in sshd: no later file is read */
		}
		r = root_fs_read_file(rootfd, path, AUTHORIZED_KEYS_MAX_BYTES, &buf, &len, NULL,
				      &ferr);
		if (r == MFA_ERR_NOT_FOUND) {
			/* no file, no keys */
		} else if (r == MFA_OK || r == MFA_ERR_UNSAFE_FILE) {
			bool unsafe = r == MFA_ERR_UNSAFE_FILE;

			if ((r = add_file(k, path, &caps.files, &name)) != 0)
				goto out;
			if (unsafe) {
				/* not a regular file, or a link loop: sshd skips it */
				set_reason(why, "not read: %.120s", ferr.msg);
				r = add_problem(k, &caps, name, 0, why);
			} else {
				r = parse_into(k, &caps, name, buf, len);
			}
			if (r != 0) {
				if (r == MFA_ERR_TOO_LARGE)
					mfa_parse_err_set(perr, 0, 0, "more than %u entries",
							  AUTHORIZED_KEYS_MAX_ENTRIES);
				goto out;
			}
		} else {
			if (perr != NULL)
				*perr = ferr;
			goto out;
		}
		free(buf);
		buf = NULL;
		free(path);
		path = NULL;
	}
	*outp = k;
	k = NULL;
	r = MFA_OK;
out:
	free(path);
	free(buf);
	authorized_keys_free(&k);
	return r;
}

/* ---- strength ------------------------------------------------------------ */

void
authorized_keys_policy_from_sshd(const struct sshd_effective *eff, time_t now,
				 struct authorized_keys_policy *pol)
{
	memset(pol, 0, sizeof(*pol));
	pol->now = now;
	if (eff == NULL)
		return;
	pol->verify_required = eff->pubkey_auth_options.verify_required;
	pol->touch_required = eff->pubkey_auth_options.touch_required;
	pol->only_sk_accepted = eff->pubkey_accepted_algorithms.only_sk;
}

/* FIDO presence and verification as userauth_pubkey checks them. */
static enum authorized_keys_strength
sk_strength(const struct authorized_key_options *o, const struct authorized_keys_policy *pol)
{
	if (pol->verify_required || o->verify_required)
		return AUTHORIZED_KEYS_SK_VERIFIED;
	if (pol->touch_required || !o->no_touch_required)
		return AUTHORIZED_KEYS_SK_TOUCH;
	return AUTHORIZED_KEYS_SK_NO_TOUCH;
}

enum authorized_keys_strength
authorized_key_strength(const struct authorized_key *key, const struct authorized_keys_policy *pol,
			const char **whyp)
{
	const char *why = NULL;
	enum authorized_keys_strength s = AUTHORIZED_KEYS_NO_KEYS;

	if (key == NULL || pol == NULL) {
		why = "no key";
		goto out;
	}
	if (key->opt.has_expiry) {
		int64_t latest = key->opt.expiry + (key->opt.expiry_local ? LOCAL_TIME_LATEST : 0);

		if (latest < (int64_t)pol->now) {
			why = "expired (expiry-time)";
			goto out;
		}
	}
	if (key->is_cert) {
		why = "a certificate line never matches: sshd compares a certificate's CA key "
		      "with cert-authority lines only";
		goto out;
	}
	if (key->opt.principals != NULL && !key->opt.cert_authority) {
		why = "principals= without cert-authority: sshd refuses the key";
		goto out;
	}
	if (key->opt.cert_authority) {
		/* the CA may certify any key type: its own type says nothing */
		s = pol->only_sk_accepted ? sk_strength(&key->opt, pol) : AUTHORIZED_KEYS_PLAIN;
		goto out;
	}
	if (!key->is_sk) {
		if (pol->only_sk_accepted) {
			why = "PubkeyAcceptedAlgorithms accepts only FIDO (sk-) keys";
			goto out;
		}
		s = AUTHORIZED_KEYS_PLAIN;
		goto out;
	}
	s = sk_strength(&key->opt, pol);
out:
	if (whyp != NULL)
		*whyp = why;
	return s;
}

enum authorized_keys_strength
authorized_keys_strength(const struct authorized_keys *k, const struct authorized_keys_policy *pol,
			 size_t *weakestp)
{
	enum authorized_keys_strength best = AUTHORIZED_KEYS_NO_KEYS, s;
	size_t i, which = (size_t)-1;

	if (k != NULL && pol != NULL) {
		for (i = 0; i < k->nkeys; i++) {
			s = authorized_key_strength(&k->keys[i], pol, NULL);
			if (s == AUTHORIZED_KEYS_NO_KEYS)
				continue;
			if (best == AUTHORIZED_KEYS_NO_KEYS || s < best) {
				best = s;
				which = i;
			}
		}
	}
	if (weakestp != NULL)
		*weakestp = which;
	return best;
}

const char *
authorized_keys_strength_name(enum authorized_keys_strength s)
{
	switch (s) {
	case AUTHORIZED_KEYS_NO_KEYS:
		return "no-keys";
	case AUTHORIZED_KEYS_PLAIN:
		return "plain";
	case AUTHORIZED_KEYS_SK_NO_TOUCH:
		return "sk-no-touch";
	case AUTHORIZED_KEYS_SK_TOUCH:
		return "sk-touch";
	case AUTHORIZED_KEYS_SK_VERIFIED:
		return "sk-verified";
	}
	return "unknown";
}
