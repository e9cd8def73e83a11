/*
 * fido2_cred.h - FIDO2 / U2F credentials in pam_u2f's mapping format, so
 * that pam_u2f users keep their registered authenticators.
 *
 * The format, as pamu2fcfg (pam-u2f >= 1.1.0) writes it and pam_u2f's
 * util.c reads it:
 *
 *   user:CRED[:CRED...]
 *   CRED = keyHandle,publicKey,coseType,options
 *
 *   keyHandle  the credential ID in base64 (standard alphabet, '='-padded,
 *              no line breaks: OpenSSL's BIO_f_base64), or "*" for a
 *              resident (discoverable) credential (pamu2fcfg -r)
 *   publicKey  base64 of the raw key as libfido2 gives it
 *              (fido_cred_pubkey_ptr): es256 the 64 bytes x||y of the P-256
 *              point (no 0x04); eddsa the 32-byte Ed25519 key; rs256 the
 *              259 bytes n||e of rs256_pk_t (a 2048-bit modulus, a 3-byte
 *              exponent)
 *   coseType   es256, eddsa or rs256 (pam_u2f compares without case)
 *   options    "+presence", "+verification", "+pin", concatenated in that
 *              order, each only if asked for; possibly empty (pamu2fcfg
 *              then ends the credential with ",")
 *
 * The format before pam-u2f 1.1.0 (pamu2fcfg <= 1.0.8, libu2f-server) is
 * still read by pam_u2f and here: `user:keyHandle,publicKeyHex`, with the key
 * handle in URL-safe base64 without padding and the public key as 130 hex
 * digits (the 65-byte uncompressed point 04||x||y).  pam_u2f takes such a
 * credential as es256 with +presence, and verifies it with its `appid`
 * instead of its `origin` as the relying party: see
 * mfa_fido2_cred_rp_id().
 *
 * This parser is stricter than pam_u2f, which splits with strtok (empty
 * fields vanish), ignores fields after the fourth and credentials past
 * max_devices (24), and keeps only the last line of a user.  Here each of
 * those is refused with the line, the column and the reason: an empty field
 * or credential, a fifth field, an unknown type or option, bad base64, a key
 * of the wrong length or not on its curve, more than MFA_FIDO2_CREDS_MAX
 * credentials, a second line for a user, a carriage return, a NUL byte.
 * Blank lines are skipped, as pam_u2f skips them; so are lines starting
 * with '#', which pam_u2f reads as the line of a user named "#..." that no
 * login can have.
 *
 * Nothing here does I/O; messages never quote a line (a public key is not
 * secret, but a line is long and a mistyped one may hold anything).
 */
#ifndef MFA_FIDO2_CRED_H
#define MFA_FIDO2_CRED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mfa_err.h"

/* COSE algorithm identifiers (RFC 9053), the values libfido2's COSE_* have. */
enum mfa_fido2_cose {
	MFA_FIDO2_ES256 = -7,
	MFA_FIDO2_EDDSA = -8,
	MFA_FIDO2_RS256 = -257,
};

/* Raw public key sizes, as libfido2 stores them (es256_pk_t, eddsa_pk_t, rs256_pk_t). */
#define MFA_FIDO2_ES256_PK_LEN 64
#define MFA_FIDO2_EDDSA_PK_LEN 32
#define MFA_FIDO2_RS256_PK_LEN 259
#define MFA_FIDO2_PK_MAX MFA_FIDO2_RS256_PK_LEN

/*
 * Caps.  A credential ID is at most 1023 bytes (WebAuthn: relying parties
 * ignore longer ones; a U2F key handle is at most 255).  pam_u2f reads at
 * most max_devices (default 24) credentials of a user and ignores the rest:
 * more are refused here.
 */
#define MFA_FIDO2_KEY_HANDLE_MAX 1023
#define MFA_FIDO2_CREDS_MAX 24
#define MFA_FIDO2_USER_MAX 256
#define MFA_FIDO2_LINE_MAX (64u * 1024u)
#define MFA_FIDO2_FILE_MAX (8u * 1024u * 1024u)

struct mfa_fido2_cred {
	enum mfa_fido2_cose type;
	bool resident;     /* key handle "*": the authenticator finds the credential */
	bool old_format;   /* pre-1.1.0 `keyHandle,publicKeyHex`: the rp is pam_u2f's appid */
	bool presence;     /* +presence */
	bool verification; /* +verification: built-in user verification */
	bool pin;          /* +pin: PIN verification */
	uint8_t key_handle[MFA_FIDO2_KEY_HANDLE_MAX];
	size_t key_handle_len; /* 0 when resident */
	uint8_t public_key[MFA_FIDO2_PK_MAX];
	size_t public_key_len; /* MFA_FIDO2_{ES256,EDDSA,RS256}_PK_LEN for the type */
};

/* One user's line. */
struct mfa_fido2_user {
	char *name;
	struct mfa_fido2_cred *creds;
	size_t ncreds; /* 1..MFA_FIDO2_CREDS_MAX */
	unsigned line; /* where in the file (0 from mfa_fido2_line_parse) */
};

/* A mapping file: its users in the order of their lines. */
struct mfa_fido2_map {
	struct mfa_fido2_user *users;
	size_t nusers;
};

/*
 * Parse one CRED (len bytes at text, no ':' and no newline) into *credp.
 * MFA_OK, or MFA_ERR_PARSE with perr's column (from 1, in text) and reason
 * (line 0; its file is left as it is); *credp is then zeroed.
 */
int mfa_fido2_cred_parse(const char *text, size_t len, struct mfa_fido2_cred *credp,
			 struct mfa_parse_err *perr);

/*
 * Parse one mapping line (len bytes, without its newline) into *userp, to
 * release with mfa_fido2_user_clear().  MFA_ERR_PARSE with perr's column and
 * reason (line 0), MFA_ERR_TOO_LARGE past MFA_FIDO2_LINE_MAX, MFA_ERR_NOMEM.
 * A blank or comment line is MFA_ERR_NOT_FOUND (it holds no user).
 */
int mfa_fido2_line_parse(const char *line, size_t len, struct mfa_fido2_user *userp,
			 struct mfa_parse_err *perr);

/*
 * Parse len bytes of a mapping file named `file` (for messages).  On success
 * *mapp is a new map to release with mfa_fido2_map_free() (it may hold no
 * user).  MFA_ERR_PARSE with perr's line, column and reason for the first
 * malformed line (MFA_ERR_TOO_LARGE for an over-long one); MFA_ERR_TOO_LARGE
 * past MFA_FIDO2_FILE_MAX; MFA_ERR_NOMEM.
 */
int mfa_fido2_map_parse(const char *buf, size_t len, const char *file, struct mfa_fido2_map **mapp,
			struct mfa_parse_err *perr);

/* The user's entry in map, or NULL. */
const struct mfa_fido2_user *mfa_fido2_map_find(const struct mfa_fido2_map *map, const char *user);

/*
 * Write cred back as pamu2fcfg does (the old format for an old_format one).
 * *textp is a new NUL-terminated string to free().  What this writes parses
 * back to the same credential; what pamu2fcfg wrote comes back byte for byte.
 * MFA_ERR_INVALID_ARG for a credential no parse could have given.
 */
int mfa_fido2_cred_format(const struct mfa_fido2_cred *cred, char **textp);

/* Write a whole line, "name:CRED:CRED...", without a newline. */
int mfa_fido2_line_format(const struct mfa_fido2_user *user, char **textp);

/*
 * The relying party ID to ask the authenticator for and to verify with:
 * pam_u2f's `appid` for an old-format credential, its `origin` otherwise
 * (both default to "pam://HOSTNAME").
 */
const char *mfa_fido2_cred_rp_id(const struct mfa_fido2_cred *cred, const char *origin,
				 const char *appid);

/*
 * true when the credential asks for user verification (+verification or
 * +pin): the verifier then requires the UV flag whatever the caller asks
 * (pam-u2f's CVE-2021-31924 was a +pin credential accepted without it).
 */
bool mfa_fido2_cred_requires_uv(const struct mfa_fido2_cred *cred);

/* Free what *userp holds and zero it.  Accepts NULL. */
void mfa_fido2_user_clear(struct mfa_fido2_user *userp);

/* Free *mapp and set it to NULL.  Accepts NULL. */
void mfa_fido2_map_free(struct mfa_fido2_map **mapp);

#endif /* MFA_FIDO2_CRED_H */
