/*
 * fuzz_nss_conf.c - nss_conf_parse on the input, then the lookups the
 * auditor makes.
 *
 * Properties: a failure is MFA_ERR_PARSE with a line within the input and a
 * column within that line (+1 for its end); a success has an entry for
 * every known database, every entry at least one non-empty source whose
 * name holds no blank or bracket, lines within the input (0 only for a
 * default), and per-status actions equal to glibc's defaults with the
 * recorded criteria applied in order.
 */
#include "fuzz_common.h"
#include "nss_conf.h"

/* Whether line `line` (1-based) is in buf; *lenp gets its length. */
static bool
line_at(const char *buf, size_t size, unsigned line, size_t *lenp)
{
	const char *nl;
	size_t pos = 0;
	unsigned n;

	if (line == 0 || size == 0)
		return false;
	for (n = 1; n < line; n++) {
		if ((nl = memchr(buf + pos, '\n', size - pos)) == NULL)
			return false;
		pos = (size_t)(nl - buf) + 1;
		if (pos == size)
			return false; /* a final newline starts no line */
	}
	nl = memchr(buf + pos, '\n', size - pos);
	*lenp = nl != NULL ? (size_t)(nl - (buf + pos)) : size - pos;
	return true;
}

static void
check_source(const struct nss_source *s)
{
	enum nss_action want[NSS_STATUS_COUNT] = {NSS_ACTION_RETURN, NSS_ACTION_CONTINUE,
						  NSS_ACTION_CONTINUE, NSS_ACTION_CONTINUE};
	size_t i;
	int st;

	if (s->name == NULL || s->name[0] == '\0' || strpbrk(s->name, " \t[]#\n") != NULL)
		abort();
	if (s->ncriteria > NSS_CONF_MAX_CRITERIA)
		abort();
	for (i = 0; i < s->ncriteria; i++)
		for (st = 0; st < NSS_STATUS_COUNT; st++)
			if ((st == (int)s->criteria[i].status) != s->criteria[i].negated)
				want[st] = s->criteria[i].action;
	for (st = 0; st < NSS_STATUS_COUNT; st++)
		if (s->on[st] != want[st])
			abort();
	(void)nss_action_name(s->on[0]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const known[] = NSS_CONF_KNOWN_DBS;
	struct nss_conf *c = NULL;
	struct mfa_parse_err perr;
	char *buf = fuzz_copy(data, size);
	size_t i, j, ll = 0;
	int r;

	r = nss_conf_parse(buf, size, "/etc/nsswitch.conf", &c, &perr);
	if (r != 0) {
		if ((r != MFA_ERR_PARSE && r != MFA_ERR_TOO_LARGE) || c != NULL ||
		    !line_at(buf, size, perr.line, &ll) || perr.column > ll + 1)
			abort();
		goto out;
	}
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const struct nss_db *db = nss_conf_db(c, known[i]);

		if (db == NULL)
			abort();
		(void)nss_db_uses_directory(db);
	}
	for (i = 0; i < c->ndbs; i++) {
		const struct nss_db *db = &c->dbs[i];

		if (db->nsources == 0 || db->nsources > NSS_CONF_MAX_SOURCES ||
		    db->is_default != (db->line == 0) ||
		    (db->line != 0 && !line_at(buf, size, db->line, &ll)) || db->file != c->file)
			abort();
		if (nss_conf_db(c, db->name) == NULL)
			abort();
		for (j = 0; j < db->nsources; j++)
			check_source(&db->sources[j]);
	}
	for (i = 0; i < c->nnotes; i++)
		if (!line_at(buf, size, c->notes[i].line, &ll))
			abort();
out:
	nss_conf_free(&c);
	free(buf);
	return 0;
}
