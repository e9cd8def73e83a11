/*
 * nss_conf.c - /etc/nsswitch.conf as glibc reads it; see nss_conf.h and
 * docs/ldap-defaults.md.
 */
#include "nss_conf.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mfa_mem.h"
#include "root_fs.h"

static const char *const known_dbs[] = NSS_CONF_KNOWN_DBS;
#define NKNOWN_DBS (sizeof(known_dbs) / sizeof(known_dbs[0]))

/* The words of a criterion, as data: index = enum value. */
static const char *const status_names[NSS_STATUS_COUNT] = {"success", "notfound", "unavail",
							   "tryagain"};
static const char *const action_names[] = {"return", "continue", "merge"};
_Static_assert(NSS_STATUS_TRYAGAIN + 1 == NSS_STATUS_COUNT, "status table");
_Static_assert(sizeof(action_names) / sizeof(action_names[0]) == NSS_ACTION_MERGE + 1,
	       "action table");

struct builder {
	struct nss_conf *c;
	size_t dbcap, notecap;
	struct mfa_parse_err *perr;
};

static bool
is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v';
}

/* Index of the word [p, p+len) in names[n] (any case), or -1. */
static int
word_index(const char *p, size_t len, const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(names[i]) == len && strncasecmp(p, names[i], len) == 0)
			return (int)i;
	return -1;
}

static int add_note(struct builder *b, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
add_note(struct builder *b, unsigned line, const char *fmt, ...)
{
	struct nss_note *n;
	char text[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (mfa_grow_array((void **)&b->c->notes, &b->notecap, b->c->nnotes + 1, sizeof(*n)) !=
	    MFA_OK)
		return MFA_ERR_NOMEM;
	n = &b->c->notes[b->c->nnotes];
	if ((n->text = strdup(text)) == NULL)
		return MFA_ERR_NOMEM;
	n->file = b->c->file;
	n->line = line;
	b->c->nnotes++;
	return MFA_OK;
}

static void
db_clear(struct nss_db *db)
{
	size_t i;

	for (i = 0; i < db->nsources; i++) {
		free(db->sources[i].name);
		free(db->sources[i].criteria);
	}
	free(db->sources);
	free(db->name);
	memset(db, 0, sizeof(*db));
}

static const struct nss_db *
find_db(const struct nss_conf *c, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < c->ndbs; i++)
		if (strlen(c->dbs[i].name) == len && strncasecmp(c->dbs[i].name, name, len) == 0)
			return &c->dbs[i];
	return NULL;
}

static void
source_apply(struct nss_source *s, const struct nss_criterion *cr)
{
	int st;

	for (st = 0; st < NSS_STATUS_COUNT; st++)
		if (cr->negated ? st != (int)cr->status : st == (int)cr->status)
			s->on[st] = cr->action;
}

static void
source_defaults(struct nss_source *s)
{
	int st;

	for (st = 0; st < NSS_STATUS_COUNT; st++)
		s->on[st] = NSS_ACTION_CONTINUE;
	s->on[NSS_STATUS_SUCCESS] = NSS_ACTION_RETURN;
}

/*
 * One `[...]` at line[*posp] (the `[`), for source s.  Advances *posp past
 * the `]`.
 */
static int
parse_criteria(struct builder *b, unsigned lineno, const char *line, size_t len, size_t *posp,
	       struct nss_source *s)
{
	size_t pos = *posp + 1, open = *posp;

	for (;;) {
		struct nss_criterion cr = {false, NSS_STATUS_SUCCESS, NSS_ACTION_RETURN};
		size_t start;
		int idx;

		while (pos < len && is_blank(line[pos]))
			pos++;
		if (pos == len) {
			mfa_parse_err_set(b->perr, lineno, (unsigned)open + 1, "unterminated '['");
			return MFA_ERR_PARSE;
		}
		if (line[pos] == ']') {
			if (pos == open + 1 || s->ncriteria == 0) {
				mfa_parse_err_set(b->perr, lineno, (unsigned)open + 1,
						  "empty action item '[]'");
				return MFA_ERR_PARSE;
			}
			*posp = pos + 1;
			return MFA_OK;
		}
		if (line[pos] == '!') {
			cr.negated = true;
			pos++;
		}
		start = pos;
		while (pos < len && line[pos] != '=' && line[pos] != ']' && !is_blank(line[pos]))
			pos++;
		idx = word_index(line + start, pos - start, status_names, NSS_STATUS_COUNT);
		if (idx < 0) {
			mfa_parse_err_set(b->perr, lineno, (unsigned)start + 1,
					  "unknown status (success, notfound, unavail, tryagain)");
			return MFA_ERR_PARSE;
		}
		cr.status = (enum nss_status)idx;
		while (pos < len && is_blank(line[pos]))
			pos++;
		if (pos == len || line[pos] != '=') {
			mfa_parse_err_set(b->perr, lineno, (unsigned)pos + 1,
					  "'=' expected after the status");
			return MFA_ERR_PARSE;
		}
		pos++;
		while (pos < len && is_blank(line[pos]))
			pos++;
		start = pos;
		while (pos < len && line[pos] != ']' && !is_blank(line[pos]))
			pos++;
		idx = word_index(line + start, pos - start, action_names,
				 sizeof(action_names) / sizeof(action_names[0]));
		if (idx < 0) {
			mfa_parse_err_set(b->perr, lineno, (unsigned)start + 1,
					  "unknown action (return, continue, merge)");
			return MFA_ERR_PARSE;
		}
		cr.action = (enum nss_action)idx;
		if (s->ncriteria == NSS_CONF_MAX_CRITERIA) {
			mfa_parse_err_set(b->perr, lineno, (unsigned)start + 1,
					  "more than %d criteria for one source",
					  NSS_CONF_MAX_CRITERIA);
			return MFA_ERR_PARSE;
		}
		if (s->criteria == NULL &&
		    (s->criteria = calloc(NSS_CONF_MAX_CRITERIA, sizeof(*s->criteria))) == NULL)
			return MFA_ERR_NOMEM;
		s->criteria[s->ncriteria++] = cr;
		source_apply(s, &cr);
	}
}

/* The sources after the `:` of line, into db. */
static int
parse_sources(struct builder *b, unsigned lineno, const char *line, size_t len, size_t pos,
	      struct nss_db *db)
{
	int r;

	for (;;) {
		struct nss_source *s;
		size_t start;

		while (pos < len && is_blank(line[pos]))
			pos++;
		if (pos == len)
			return MFA_OK;
		if (line[pos] == '[') {
			if (db->nsources == 0) {
				mfa_parse_err_set(b->perr, lineno, (unsigned)pos + 1,
						  "action item before any source");
				return MFA_ERR_PARSE;
			}
			if ((r = parse_criteria(b, lineno, line, len, &pos,
						&db->sources[db->nsources - 1])) != MFA_OK)
				return r;
			continue;
		}
		if (line[pos] == ']') {
			mfa_parse_err_set(b->perr, lineno, (unsigned)pos + 1, "']' without '['");
			return MFA_ERR_PARSE;
		}
		if (db->nsources == NSS_CONF_MAX_SOURCES) {
			mfa_parse_err_set(b->perr, lineno, (unsigned)pos + 1,
					  "more than %d sources", NSS_CONF_MAX_SOURCES);
			return MFA_ERR_PARSE;
		}
		if (db->sources == NULL &&
		    (db->sources = calloc(NSS_CONF_MAX_SOURCES, sizeof(*db->sources))) == NULL)
			return MFA_ERR_NOMEM;
		start = pos;
		while (pos < len && line[pos] != '[' && line[pos] != ']' && !is_blank(line[pos]))
			pos++;
		s = &db->sources[db->nsources];
		if ((s->name = strndup(line + start, pos - start)) == NULL)
			return MFA_ERR_NOMEM;
		s->column = (unsigned)start + 1;
		source_defaults(s);
		db->nsources++;
	}
}

/* One line without its newline; comments not yet cut. */
static int
parse_line(struct builder *b, unsigned lineno, const char *line, size_t len)
{
	struct nss_db db;
	const char *hash;
	size_t pos = 0, name_start, name_len;
	int r;

	memset(&db, 0, sizeof(db));
	if (len > NSS_CONF_LINE_MAX) {
		mfa_parse_err_set(b->perr, lineno, 0, "line longer than %u bytes",
				  NSS_CONF_LINE_MAX);
		return MFA_ERR_PARSE;
	}
	if (memchr(line, '\0', len) != NULL) {
		mfa_parse_err_set(b->perr, lineno, 0, "NUL byte in the line");
		return MFA_ERR_PARSE;
	}
	if ((hash = memchr(line, '#', len)) != NULL)
		len = (size_t)(hash - line);
	while (pos < len && is_blank(line[pos]))
		pos++;
	if (pos == len)
		return MFA_OK;
	name_start = pos;
	while (pos < len && line[pos] != ':' && !is_blank(line[pos]))
		pos++;
	name_len = pos - name_start;
	while (pos < len && is_blank(line[pos]))
		pos++;
	if (pos == len || line[pos] != ':') {
		mfa_parse_err_set(b->perr, lineno, (unsigned)pos + 1,
				  "':' expected after the database name");
		return MFA_ERR_PARSE;
	}
	if (name_len == 0) {
		mfa_parse_err_set(b->perr, lineno, (unsigned)pos + 1,
				  "no database name before ':'");
		return MFA_ERR_PARSE;
	}
	db.file = b->c->file;
	db.line = lineno;
	if ((r = parse_sources(b, lineno, line, len, pos + 1, &db)) != MFA_OK)
		goto out;
	if (db.nsources == 0) {
		r = add_note(b, lineno, "a database line with no source: the default applies");
		goto out;
	}
	if (find_db(b->c, line + name_start, name_len) != NULL) {
		r = add_note(b, lineno, "a second line for a database: the first one is used");
		goto out;
	}
	if ((db.name = strndup(line + name_start, name_len)) == NULL ||
	    mfa_grow_array((void **)&b->c->dbs, &b->dbcap, b->c->ndbs + 1, sizeof(db)) != MFA_OK) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	b->c->dbs[b->c->ndbs++] = db;
	memset(&db, 0, sizeof(db));
	r = MFA_OK;
out:
	db_clear(&db);
	return r;
}

/* Every known database without a line gets `files`, line 0. */
static int
add_defaults(struct builder *b)
{
	size_t i;

	for (i = 0; i < NKNOWN_DBS; i++) {
		struct nss_db *db;

		if (find_db(b->c, known_dbs[i], strlen(known_dbs[i])) != NULL)
			continue;
		if (mfa_grow_array((void **)&b->c->dbs, &b->dbcap, b->c->ndbs + 1, sizeof(*db)) !=
		    MFA_OK)
			return MFA_ERR_NOMEM;
		db = &b->c->dbs[b->c->ndbs];
		memset(db, 0, sizeof(*db));
		db->file = b->c->file;
		db->is_default = true;
		if ((db->name = strdup(known_dbs[i])) == NULL ||
		    (db->sources = calloc(1, sizeof(*db->sources))) == NULL ||
		    (db->sources[0].name = strdup("files")) == NULL) {
			db->nsources = db->sources != NULL ? 1 : 0;
			b->c->ndbs++;
			return MFA_ERR_NOMEM;
		}
		db->nsources = 1;
		source_defaults(&db->sources[0]);
		b->c->ndbs++;
	}
	return MFA_OK;
}

int
nss_conf_parse(const char *buf, size_t len, const char *file, struct nss_conf **outp,
	       struct mfa_parse_err *perr)
{
	struct builder b;
	size_t pos = 0;
	unsigned lineno = 0;
	int r = MFA_ERR_NOMEM;

	if (outp == NULL || file == NULL || (buf == NULL && len != 0))
		return MFA_ERR_INVALID_ARG;
	*outp = NULL;
	mfa_parse_err_init(perr, file);
	memset(&b, 0, sizeof(b));
	b.perr = perr;
	if ((b.c = calloc(1, sizeof(*b.c))) == NULL || (b.c->file = strdup(file)) == NULL)
		goto out;
	b.c->present = buf != NULL;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t llen = nl != NULL ? (size_t)(nl - (buf + pos)) : len - pos;

		if (lineno == UINT_MAX) {
			mfa_parse_err_set(perr, lineno, 0, "too many lines");
			r = MFA_ERR_TOO_LARGE;
			goto out;
		}
		lineno++;
		if ((r = parse_line(&b, lineno, buf + pos, llen)) != MFA_OK)
			goto out;
		pos += llen + 1;
	}
	if ((r = add_defaults(&b)) != MFA_OK)
		goto out;
	*outp = b.c;
	b.c = NULL;
	r = MFA_OK;
out:
	if (r == MFA_ERR_NOMEM)
		mfa_parse_err_set(perr, 0, 0, "out of memory");
	nss_conf_free(&b.c);
	return r;
}

int
nss_conf_load(int rootfd, struct nss_conf **outp, struct mfa_parse_err *perr)
{
	char *buf = NULL;
	size_t len = 0;
	int r;

	if (outp == NULL)
		return MFA_ERR_INVALID_ARG;
	*outp = NULL;
	r = root_fs_read_file(rootfd, NSS_CONF_PATH, NSS_CONF_MAX_BYTES, &buf, &len, NULL, perr);
	if (r == MFA_ERR_NOT_FOUND) {
		buf = NULL;
		len = 0;
	} else if (r != MFA_OK) {
		return r;
	}
	r = nss_conf_parse(buf, len, NSS_CONF_PATH, outp, perr);
	free(buf);
	return r;
}

void
nss_conf_free(struct nss_conf **cp)
{
	struct nss_conf *c;
	size_t i;

	if (cp == NULL || *cp == NULL)
		return;
	c = *cp;
	for (i = 0; i < c->ndbs; i++)
		db_clear(&c->dbs[i]);
	free(c->dbs);
	for (i = 0; i < c->nnotes; i++)
		free(c->notes[i].text);
	free(c->notes);
	free(c->file);
	free(c);
	*cp = NULL;
}

const struct nss_db *
nss_conf_db(const struct nss_conf *c, const char *db)
{
	if (c == NULL || db == NULL)
		return NULL;
	return find_db(c, db, strlen(db));
}

const struct nss_source *
nss_db_source(const struct nss_db *db, const char *source)
{
	size_t i;

	if (db == NULL || source == NULL)
		return NULL;
	for (i = 0; i < db->nsources; i++)
		if (strcasecmp(db->sources[i].name, source) == 0)
			return &db->sources[i];
	return NULL;
}

bool
nss_db_uses_directory(const struct nss_db *db)
{
	return nss_db_source(db, "ldap") != NULL || nss_db_source(db, "sss") != NULL;
}

const char *
nss_status_name(enum nss_status s)
{
	if ((int)s < 0 || (int)s >= NSS_STATUS_COUNT)
		return "?";
	return status_names[s];
}

const char *
nss_action_name(enum nss_action a)
{
	if ((int)a < 0 || (size_t)a >= sizeof(action_names) / sizeof(action_names[0]))
		return "?";
	return action_names[a];
}
