/*
 * file_journal.c - the files an audit read, with their SHA-256.
 */
#include "file_journal.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "mfa_mem.h"

/* Past this many entries, repeated reads are folded before the array grows. */
#define COMPACT_FROM 1024

void
file_journal_init(struct file_journal *j)
{
	memset(j, 0, sizeof(*j));
}

int
file_journal_sha256_hex(const void *buf, size_t len, char out[FILE_JOURNAL_SHA256_HEX])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;

	out[0] = '\0';
	if (buf == NULL && len > 0)
		return MFA_ERR_INVALID_ARG;
	if (EVP_Digest(len > 0 ? buf : "", len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
		return MFA_ERR_CRYPTO;
	for (i = 0; i < mdlen; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0x0f];
	}
	out[2 * mdlen] = '\0';
	return MFA_OK;
}

static int
cmp_entries(const void *a, const void *b)
{
	const struct file_journal_entry *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	return c != 0 ? c : strcmp(x->sha256, y->sha256);
}

/* Sort, fold identical reads, mark paths read with different contents. */
static void
compact(struct file_journal *j)
{
	size_t i, o, k;

	if (j->n == 0)
		return;
	qsort(j->entries, j->n, sizeof(*j->entries), cmp_entries);
	for (i = 1, o = 0; i < j->n; i++) {
		struct file_journal_entry *last = &j->entries[o], *e = &j->entries[i];

		if (strcmp(last->path, e->path) == 0 && strcmp(last->sha256, e->sha256) == 0) {
			last->changed = last->changed || e->changed;
			free(e->path);
			e->path = NULL;
			continue;
		}
		if (++o != i) {
			j->entries[o] = *e;
			e->path = NULL;
		}
	}
	j->n = o + 1;
	/* Runs of one path with more than one content. */
	for (i = 0; i < j->n; i = k) {
		for (k = i + 1; k < j->n && strcmp(j->entries[k].path, j->entries[i].path) == 0;
		     k++)
			;
		if (k - i > 1) {
			for (o = i; o < k; o++)
				j->entries[o].changed = true;
		}
	}
}

int
file_journal_record(struct file_journal *j, const char *path, const void *buf, size_t len)
{
	struct file_journal_entry e;
	size_t need;
	int r;

	if (j == NULL)
		return MFA_OK;
	memset(&e, 0, sizeof(e));
	if (path == NULL) {
		r = MFA_ERR_INVALID_ARG;
		goto fail;
	}
	if ((r = file_journal_sha256_hex(buf, len, e.sha256)) != MFA_OK)
		goto fail;
	e.size = (uint64_t)len;
	need = j->n + 1;
	if (j->n == j->cap && j->cap >= COMPACT_FROM) {
		compact(j);
		/* Grow anyway unless folding freed half: no compaction at every record. */
		need = j->n > j->cap / 2 ? j->cap + 1 : j->n + 1;
	}
	if ((r = mfa_grow_array((void **)&j->entries, &j->cap, need, sizeof(*j->entries))) !=
	    MFA_OK)
		goto fail;
	if ((e.path = strdup(path)) == NULL) {
		r = MFA_ERR_NOMEM;
		goto fail;
	}
	j->entries[j->n++] = e;
	return MFA_OK;
fail:
	if (j->err == MFA_OK)
		j->err = r;
	return r;
}

int
file_journal_finish(struct file_journal *j)
{
	if (j == NULL)
		return MFA_ERR_INVALID_ARG;
	compact(j);
	return j->err;
}

void
file_journal_clear(struct file_journal *j)
{
	size_t i;

	if (j == NULL)
		return;
	for (i = 0; i < j->n; i++)
		free(j->entries[i].path);
	free(j->entries);
	file_journal_init(j);
}
