/*
 * mfacover-fido2.c - mfacover-fido2.so, the FIDO2 factor that pam_mfacover
 * loads only for users with a security key (lib/fido2_plugin.h says why).
 * It exports one object: the factor and the libfido2 backend.
 */
#include "fido2_device.h"
#include "fido2_plugin.h"

extern const struct mfa_fido2_plugin mfacover_fido2_plugin_v1;

const struct mfa_fido2_plugin mfacover_fido2_plugin_v1 =
	MFA_FIDO2_PLUGIN_INIT(mfa_factor_fido2_authenticate, &mfa_fido2_backend_libfido2);
