/*
 * store.c - dispatch to the store implementation behind struct mfa_store.
 */
#include "store.h"

#include <stddef.h>
#include <stdlib.h>

int
mfa_store_begin(struct mfa_store *store, const char *user, struct mfa_store_txn **txnp,
		struct mfa_state **statep, struct mfa_parse_err *perr)
{
	if (txnp != NULL)
		*txnp = NULL;
	if (statep != NULL)
		*statep = NULL;
	if (store == NULL || store->ops == NULL || user == NULL || txnp == NULL || statep == NULL)
		return MFA_ERR_INVALID_ARG;
	return store->ops->begin(store, user, txnp, statep, perr);
}

int
mfa_store_create(struct mfa_store *store, const char *user, const struct mfa_state *st,
		 bool replace, struct mfa_parse_err *perr)
{
	if (store == NULL || store->ops == NULL || user == NULL || st == NULL)
		return MFA_ERR_INVALID_ARG;
	return store->ops->create(store, user, st, replace, perr);
}

void
mfa_store_close(struct mfa_store **storep)
{
	if (storep == NULL || *storep == NULL)
		return;
	(*storep)->ops->close(storep);
}

int
mfa_store_commit(struct mfa_store_txn *txn, const struct mfa_state *st, struct mfa_parse_err *perr)
{
	if (txn == NULL || txn->store == NULL || st == NULL)
		return MFA_ERR_INVALID_ARG;
	return txn->store->ops->commit(txn, st, perr);
}

void
mfa_store_end(struct mfa_store_txn **txnp)
{
	if (txnp == NULL || *txnp == NULL)
		return;
	(*txnp)->store->ops->end(txnp);
}

int
mfa_store_remove(struct mfa_store *store, const char *user, struct mfa_parse_err *perr)
{
	if (store == NULL || store->ops == NULL || user == NULL)
		return MFA_ERR_INVALID_ARG;
	return store->ops->remove(store, user, perr);
}

int
mfa_store_list(struct mfa_store *store, char ***usersp, size_t *np, struct mfa_parse_err *perr)
{
	if (usersp != NULL)
		*usersp = NULL;
	if (np != NULL)
		*np = 0;
	if (store == NULL || store->ops == NULL || usersp == NULL || np == NULL)
		return MFA_ERR_INVALID_ARG;
	return store->ops->list(store, usersp, np, perr);
}

void
mfa_store_free_list(char ***usersp, size_t n)
{
	size_t i;

	if (usersp == NULL || *usersp == NULL)
		return;
	for (i = 0; i < n; i++)
		free((*usersp)[i]);
	free(*usersp);
	*usersp = NULL;
}
