/*
 * fido2_plugin.h - the FIDO2 factor as a plugin of the PAM module.
 *
 * libfido2 and the libraries it needs (libcbor, libudev, zlib) cost more to
 * load than a whole TOTP authentication: every login that loads
 * pam_mfacover.so would pay for them.  So the module does not link them.
 * mfacover-fido2.so (pam_module/mfacover-fido2.c) holds the FIDO2 factor and
 * the libfido2 backend, and the module loads it with dlopen, by the absolute
 * path MFACOVER_FIDO2_PLUGIN, only when a user with a security key
 * authenticates.  The plugin is of the same build as the module: its one
 * exported object carries the version and the sizes of the structures they
 * share, and the module refuses a plugin whose differ.
 */
#ifndef MFA_FIDO2_PLUGIN_H
#define MFA_FIDO2_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "factor_fido2.h"
#include "mfa_version.h"

#define MFA_FIDO2_PLUGIN_SYMBOL "mfacover_fido2_plugin_v1"

struct mfa_fido2_plugin {
	const char *version; /* MFACOVER_VERSION */
	size_t state_size;   /* sizeof(struct mfa_state) */
	size_t policy_size;  /* sizeof(struct mfa_policy) */
	size_t io_size;      /* sizeof(struct mfa_fido2_io) */
	size_t detail_size;  /* sizeof(struct mfa_factor_detail) */
	mfa_fido2_authenticate_fn authenticate;
	const struct mfa_fido2_backend *backend;
};

#define MFA_FIDO2_PLUGIN_INIT(authenticate_fn, backend_ptr)                                        \
	{                                                                                          \
		MFACOVER_VERSION, sizeof(struct mfa_state), sizeof(struct mfa_policy),             \
			sizeof(struct mfa_fido2_io), sizeof(struct mfa_factor_detail),             \
			(authenticate_fn), (backend_ptr)                                           \
	}

/* true when p was built from the same source as the caller. */
static inline bool
mfa_fido2_plugin_matches(const struct mfa_fido2_plugin *p)
{
	return p != NULL && p->version != NULL && strcmp(p->version, MFACOVER_VERSION) == 0 &&
	       p->state_size == sizeof(struct mfa_state) &&
	       p->policy_size == sizeof(struct mfa_policy) &&
	       p->io_size == sizeof(struct mfa_fido2_io) &&
	       p->detail_size == sizeof(struct mfa_factor_detail) && p->authenticate != NULL &&
	       p->backend != NULL && p->backend->get_assertion != NULL;
}

#endif /* MFA_FIDO2_PLUGIN_H */
