/*
 * ldap_entry.h - directory entries as the auditor holds them: a DN and its
 * attributes, each with one or more values, from a live search (ldap_dir.h)
 * or from LDIF text (RFC 2849: what `ldapsearch -LLL` and `slapcat` print).
 *
 * Values are bytes with a length; each also ends in a NUL that is not part
 * of the length, so text values read as C strings (a binary value such as
 * an Active Directory objectSid may hold NULs of its own).  Attribute names
 * compare case-insensitively, as LDAP's do; options (`member;range=0-1499`)
 * are kept as part of the name.
 *
 * The LDIF reader takes content records only: `dn:` (or `dn::` base64)
 * starts a record; `name: value`, `name:: base64` and `name:< URL` lines
 * follow (a URL value is refused: the auditor reads no file an LDIF names);
 * a line starting with one space continues the previous one; `#` lines are
 * comments; an empty line ends the record; a `version: 1` line may come
 * first.  Change records (`changetype:`) and malformed lines are
 * MFA_ERR_PARSE with file and line.  Nothing here prints or exits.
 */
#ifndef MFA_LDAP_ENTRY_H
#define MFA_LDAP_ENTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "mfa_err.h"

#define LDIF_MAX_BYTES (512u * 1024u * 1024u) /* one LDIF text */
#define LDAP_ENTRY_MAX_VALUE (16u * 1024u * 1024u)

struct ldap_value {
	char *v;    /* NUL-terminated copy */
	size_t len; /* without the NUL */
};

struct ldap_attr {
	const char *name; /* a static copy for the names the auditor asks for, else owned */
	bool name_owned;
	struct ldap_value *values;
	size_t nvalues;
	size_t cap;
};

struct ldap_entry {
	char *dn;
	unsigned line; /* where the record starts in an LDIF text; 0 for a search */
	struct ldap_attr *attrs;
	size_t nattrs;
	size_t cap;
};

/* A growable list; start zeroed ({0}) and clear with ldap_entries_clear(). */
struct ldap_entries {
	struct ldap_entry *v;
	size_t n;
	size_t cap;
};

/* Append an entry for `dn` (copied); *entp points at it until the next append. */
int ldap_entries_add(struct ldap_entries *es, const char *dn, unsigned line,
		     struct ldap_entry **entp);

/* Append one value (len bytes, copied) to attribute `name` of e. */
int ldap_entry_add_value(struct ldap_entry *e, const char *name, const char *v, size_t len);

/*
 * Give back the room an entry's arrays grew into beyond what it holds (a
 * directory of 100 000 entries is read whole).  Nothing fails: on a failed
 * realloc the entry keeps its room.
 */
void ldap_entry_shrink(struct ldap_entry *e);

/* Free the entries from index n on (n <= es->n). */
void ldap_entries_truncate(struct ldap_entries *es, size_t n);

/* Free everything and reset to zero.  Accepts NULL. */
void ldap_entries_clear(struct ldap_entries *es);

/* The attribute called `name` (any case), or NULL. */
const struct ldap_attr *ldap_entry_attr(const struct ldap_entry *e, const char *name);

/* The first value of `name` as a string, or NULL when absent or binary (holds a NUL). */
const char *ldap_entry_first(const struct ldap_entry *e, const char *name);

/* true when some value of `name` equals `value` ignoring case (objectClass tests). */
bool ldap_entry_has_value(const struct ldap_entry *e, const char *name, const char *value);

/*
 * Append the records of an LDIF text to *es (which keeps what it had on
 * error, minus nothing: a failed parse appends no partial record).  `file`
 * is used in perr only.
 */
int ldif_parse(const char *buf, size_t len, const char *file, struct ldap_entries *es,
	       struct mfa_parse_err *perr);

#endif /* MFA_LDAP_ENTRY_H */
