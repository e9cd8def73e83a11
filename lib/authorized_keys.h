/*
 * authorized_keys.h - a user's authorized_keys files as sshd reads them
 * (OpenSSH 9.2p1 as built by Debian 12; sshd(8) "AUTHORIZED_KEYS FILE
 * FORMAT"; docs/sshd-model.md, section "authorized_keys").
 *
 * One key per line: optional options (comma-separated `name` or
 * `name="value"`, `\"` inside a value), the key type, the base64 key blob
 * and an optional comment.  Blank lines and lines starting with `#` (after
 * blanks) are skipped.
 *
 * sshd skips a malformed line (it logs it and reads on), so a malformed
 * line is not a parse failure here either: it becomes a problem with its
 * file, line and reason, and the rest of the file still counts.  A line is
 * a key when the key type is known, the blob decodes, is a well-formed key
 * of that type (the blob's own type name, curve, key sizes, nothing after
 * the key) and every option is known and well-formed.
 *
 * authorized_keys_strength() says what the keys prove, given the server's
 * PubkeyAuthOptions and PubkeyAcceptedAlgorithms (see the contract there).
 *
 * Nothing here prints, exits or touches files outside the root_fs layer.
 */
#ifndef AUTHORIZED_KEYS_H
#define AUTHORIZED_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "mfa_err.h"

struct sshd_effective;

#define AUTHORIZED_KEYS_MAX_BYTES (4u * 1024u * 1024u) /* per file */
#define AUTHORIZED_KEYS_MAX_ENTRIES 100000u            /* keys + problems per set */
#define AUTHORIZED_KEYS_REASON_MAX 160
#define AUTHORIZED_KEYS_FP_MAX 64

/* The options of one line that matter for authentication. */
struct authorized_key_options {
	bool restricted;        /* restrict */
	bool cert_authority;    /* cert-authority: the key is a CA for user certificates */
	bool verify_required;   /* verify-required (no-verify-required clears it) */
	bool no_touch_required; /* no-touch-required (touch-required clears it) */
	bool command;           /* command="..." forces a command */
	char *from;             /* from="..." pattern list as written, or NULL */
	char *principals;       /* principals="...", or NULL */
	bool has_expiry;        /* expiry-time="..." (the earliest one if repeated) */
	int64_t expiry;         /* seconds since the epoch, the time read as UTC */
	bool expiry_local;      /* no Z/UTC suffix: sshd reads it in its local time zone */
};

struct authorized_key {
	const char *file; /* borrowed from the set's files[] */
	unsigned line;
	const char *type; /* canonical key type of the blob ("ssh-rsa"); static */
	bool is_sk;       /* FIDO authenticator key (sk-...) */
	bool is_cert;     /* an OpenSSH certificate (...-cert-v01@openssh.com) */
	char fingerprint[AUTHORIZED_KEYS_FP_MAX]; /* "SHA256:..." as ssh-keygen -l prints it */
	char *comment;                            /* or NULL */
	struct authorized_key_options opt;
};

/* A line sshd skips.  line 0: about the file or template, not a line. */
struct authorized_keys_problem {
	const char *file; /* borrowed from the set's files[] */
	unsigned line;
	char reason[AUTHORIZED_KEYS_REASON_MAX];
};

struct authorized_keys {
	char **files; /* every file read or named (paths inside the root) */
	size_t nfiles;
	struct authorized_key *keys;
	size_t nkeys;
	struct authorized_keys_problem *problems;
	size_t nproblems;
};

/*
 * Parse one authorized_keys file held in buf (len bytes; need not be
 * NUL-terminated; a NUL ends its line).  `file` names it in problems
 * (NULL: "authorized_keys").  Malformed lines become problems, not errors.
 * Errors: MFA_ERR_INVALID_ARG, MFA_ERR_NOMEM, MFA_ERR_TOO_LARGE (more than
 * AUTHORIZED_KEYS_MAX_BYTES or AUTHORIZED_KEYS_MAX_ENTRIES).
 */
int authorized_keys_parse(const char *buf, size_t len, const char *file,
			  struct authorized_keys **outp, struct mfa_parse_err *perr);

/*
 * The keys sshd would read for one user: each AuthorizedKeysFile template
 * (as sshd_effective.authorized_keys_files holds them) with %h (home), %u
 * (user), %U (uid) and %% expanded, a relative result taken relative to
 * the home directory, "none" skipped.  Each file is read through root_fs
 * under rootfd and the results are merged in template order.
 *
 * A missing file means no keys.  A file that is not a regular file (or a
 * link loop) is skipped with a problem (line 0), as sshd skips it.  An
 * unknown %-token is a problem (line 0) and ends the list: sshd's
 * percent_expand() is fatal there, so later files are never read.
 * Errors: MFA_ERR_INVALID_ARG, MFA_ERR_NOMEM, MFA_ERR_TOO_LARGE, MFA_ERR_IO
 * (perr names the file).
 */
int authorized_keys_load_for_user(int rootfd, const char *const *templates, size_t ntemplates,
				  const char *user, const char *home, uid_t uid,
				  struct authorized_keys **outp, struct mfa_parse_err *perr);

/* Free a set and NULL the caller's pointer.  Accepts NULL. */
void authorized_keys_free(struct authorized_keys **kp);

/* ---- what the keys prove ---------------------------------------------- */

/*
 * From the weakest to the strongest, after NO_KEYS:
 *  - NO_KEYS: no line lets anyone in by publickey.
 *  - PLAIN: a non-FIDO key (or a CA that may certify one) can log in: one
 *    factor.
 *  - SK_NO_TOUCH: a FIDO key that signs without touch or verification
 *    (no-touch-required and no PubkeyAuthOptions touch-required): one
 *    factor, usable by whoever reaches the client with the device plugged in.
 *  - SK_TOUCH: only FIDO keys, each needing a touch but not user
 *    verification: one phishing-resistant factor.
 *  - SK_VERIFIED: only FIDO keys, each needing user verification (PIN or
 *    biometric) by PubkeyAuthOptions verify-required or its own
 *    verify-required: two factors.
 */
enum authorized_keys_strength {
	AUTHORIZED_KEYS_NO_KEYS = 0,
	AUTHORIZED_KEYS_PLAIN,
	AUTHORIZED_KEYS_SK_NO_TOUCH,
	AUTHORIZED_KEYS_SK_TOUCH,
	AUTHORIZED_KEYS_SK_VERIFIED,
};

/* The server side that decides how a key may be used. */
struct authorized_keys_policy {
	bool verify_required;  /* PubkeyAuthOptions verify-required */
	bool touch_required;   /* PubkeyAuthOptions touch-required */
	bool only_sk_accepted; /* PubkeyAcceptedAlgorithms holds only sk- algorithms */
	time_t now;            /* for expiry-time */
};

/* Fill pol from evaluated sshd settings (PubkeyAuthOptions, PubkeyAcceptedAlgorithms). */
void authorized_keys_policy_from_sshd(const struct sshd_effective *eff, time_t now,
				      struct authorized_keys_policy *pol);

/*
 * What one key proves under pol; AUTHORIZED_KEYS_NO_KEYS when sshd would
 * never accept it, with the reason in *whyp (may be NULL; static text).
 */
enum authorized_keys_strength authorized_key_strength(const struct authorized_key *key,
						      const struct authorized_keys_policy *pol,
						      const char **whyp);

/*
 * The weakest strength over all keys of k (NO_KEYS when none is usable;
 * k may be NULL).  *weakestp (may be NULL) receives the index in k->keys of
 * the first key with that strength, or (size_t)-1.
 */
enum authorized_keys_strength authorized_keys_strength(const struct authorized_keys *k,
						       const struct authorized_keys_policy *pol,
						       size_t *weakestp);

/* "no-keys", "plain", "sk-no-touch", "sk-touch", "sk-verified". */
const char *authorized_keys_strength_name(enum authorized_keys_strength s);

#endif /* AUTHORIZED_KEYS_H */
