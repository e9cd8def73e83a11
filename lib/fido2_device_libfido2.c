/*
 * fido2_device_libfido2.c - the security keys plugged into this machine,
 * through libfido2 (USB HID).
 *
 * An assertion: list the devices (at most MAX_DEVICES), and on each in turn
 * ask silently (user presence off) whether it holds one of the allowed
 * credentials, or a resident one for the relying party; the first that
 * does is asked for the real assertion, with presence, and user
 * verification by its built-in means or, when it has none, by its PIN.  A
 * credential protected so that even finding it needs verification
 * (credProtect level 3) cannot be found silently: when user verification is
 * asked for and no device answered the probe, the first device is asked for
 * real.  Each device waits at most TOUCH_TIMEOUT_MS for the touch.
 */
#include <string.h>

#include <fido.h>

#include "fido2_device.h"
#include "mfa_mem.h"

#define MAX_DEVICES 16
#define TOUCH_TIMEOUT_MS 30000

/* Map a libfido2 error to ours. */
static int
from_fido(int fr)
{
	switch (fr) {
	case FIDO_OK:
		return MFA_OK;
	case FIDO_ERR_NO_CREDENTIALS:
		return MFA_ERR_NOT_FOUND;
	case FIDO_ERR_PIN_INVALID:
	case FIDO_ERR_PIN_BLOCKED:
	case FIDO_ERR_PIN_AUTH_BLOCKED:
	case FIDO_ERR_PIN_REQUIRED:
	case FIDO_ERR_PIN_NOT_SET:
	case FIDO_ERR_PIN_POLICY_VIOLATION:
		return MFA_ERR_FIDO2_PIN;
	case FIDO_ERR_CREDENTIAL_EXCLUDED:
		return MFA_ERR_EXISTS;
	case FIDO_ERR_INTERNAL:
		return MFA_ERR_NOMEM; /* libfido2's allocation failures */
	default:
		return MFA_ERR_FIDO2_DEVICE;
	}
}

/* The paths of the devices present; *np of them (0: none). */
static int
list_devices(char paths[MAX_DEVICES][256], size_t *np)
{
	fido_dev_info_t *list;
	size_t n = 0, i;

	*np = 0;
	fido_init(0); /* sets libfido2's debug flag only: no state to keep, safe to repeat */
	if ((list = fido_dev_info_new(MAX_DEVICES)) == NULL)
		return MFA_ERR_NOMEM;
	if (fido_dev_info_manifest(list, MAX_DEVICES, &n) != FIDO_OK)
		n = 0;
	for (i = 0; i < n && *np < MAX_DEVICES; i++) {
		const char *path = fido_dev_info_path(fido_dev_info_ptr(list, i));

		if (path != NULL && strlen(path) < 256)
			memcpy(paths[(*np)++], path, strlen(path) + 1);
	}
	fido_dev_info_free(&list, MAX_DEVICES);
	return MFA_OK;
}

static fido_dev_t *
open_device(const char *path)
{
	fido_dev_t *dev = fido_dev_new();

	if (dev == NULL)
		return NULL;
	if (fido_dev_open(dev, path) != FIDO_OK) {
		fido_dev_free(&dev);
		return NULL;
	}
	(void)fido_dev_set_timeout(dev, TOUCH_TIMEOUT_MS);
	return dev;
}

static void
close_device(fido_dev_t **devp)
{
	if (*devp == NULL)
		return;
	(void)fido_dev_close(*devp);
	fido_dev_free(devp);
}

/* A new assertion request for req; up as given. */
static fido_assert_t *
new_assert(const struct mfa_fido2_get_request *req, fido_opt_t up)
{
	fido_assert_t *a = fido_assert_new();
	size_t i;

	if (a == NULL)
		return NULL;
	if (fido_assert_set_rp(a, req->rp_id) != FIDO_OK ||
	    fido_assert_set_clientdata_hash(a, req->cdh, MFA_FIDO2_CDH_LEN) != FIDO_OK ||
	    fido_assert_set_up(a, up) != FIDO_OK)
		goto fail;
	for (i = 0; i < req->nallow; i++)
		if (fido_assert_allow_cred(a, req->allow[i]->key_handle,
					   req->allow[i]->key_handle_len) != FIDO_OK)
			goto fail;
	return a;
fail:
	fido_assert_free(&a);
	return NULL;
}

/* Does dev hold one of the allowed credentials?  Asked without a touch. */
static bool
device_holds(fido_dev_t *dev, const struct mfa_fido2_get_request *req)
{
	fido_assert_t *a;
	int fr;

	if ((a = new_assert(req, FIDO_OPT_FALSE)) == NULL)
		return false;
	fr = fido_dev_get_assert(dev, a, NULL);
	fido_assert_free(&a);
	/*
	 * A U2F-only device may refuse the silent check of a key handle: ask
	 * it for real.  It cannot hold resident credentials.
	 */
	return fr == FIDO_OK || (fr == FIDO_ERR_UNSUPPORTED_OPTION && req->nallow > 0);
}

/*
 * How dev verifies the user when asked: built in (uv option), its PIN
 * (asked for now into *pinp), or not at all (the flag then stays off and
 * the verifier refuses).
 */
static int
user_verification(fido_dev_t *dev, bool wanted, mfa_fido2_ask_pin_fn ask_pin, void *arg,
		  fido_opt_t *uvp, char **pinp)
{
	*uvp = FIDO_OPT_OMIT;
	*pinp = NULL;
	if (!wanted)
		return MFA_OK;
	if (fido_dev_has_uv(dev)) {
		*uvp = FIDO_OPT_TRUE;
		return MFA_OK;
	}
	if (fido_dev_has_pin(dev)) {
		if (ask_pin == NULL || ask_pin(arg, pinp) != MFA_OK || *pinp == NULL)
			return MFA_ERR_FIDO2_PIN;
		if (strlen(*pinp) > MFA_FIDO2_PIN_MAX || (*pinp)[0] == '\0') {
			mfa_free_string(*pinp);
			*pinp = NULL;
			return MFA_ERR_FIDO2_PIN;
		}
	}
	return MFA_OK;
}

static int
copy_assertion(const fido_assert_t *a, struct mfa_fido2_got_assertion *got)
{
	const uint8_t *raw;
	size_t rawlen, len;
	int r;

	if (fido_assert_count(a) < 1)
		return MFA_ERR_FIDO2_DEVICE;
	len = fido_assert_id_len(a, 0);
	if (len > sizeof(got->cred_id) || (len > 0 && fido_assert_id_ptr(a, 0) == NULL))
		return MFA_ERR_FIDO2_DEVICE;
	if (len > 0)
		memcpy(got->cred_id, fido_assert_id_ptr(a, 0), len);
	got->cred_id_len = len;
	if (fido_assert_authdata_ptr(a, 0) == NULL)
		return MFA_ERR_FIDO2_AUTHDATA;
	if ((r = mfa_fido2_authdata_from_cbor(fido_assert_authdata_ptr(a, 0),
					      fido_assert_authdata_len(a, 0), &raw, &rawlen)) !=
	    MFA_OK)
		return r;
	if (rawlen > sizeof(got->authdata))
		return MFA_ERR_FIDO2_AUTHDATA;
	memcpy(got->authdata, raw, rawlen);
	got->authdata_len = rawlen;
	len = fido_assert_sig_len(a, 0);
	if (len == 0 || len > sizeof(got->sig) || fido_assert_sig_ptr(a, 0) == NULL)
		return MFA_ERR_FIDO2_SIGNATURE;
	memcpy(got->sig, fido_assert_sig_ptr(a, 0), len);
	got->sig_len = len;
	return MFA_OK;
}

static int
libfido2_get_assertion(void *ctx, const struct mfa_fido2_get_request *req,
		       struct mfa_fido2_got_assertion *got)
{
	char paths[MAX_DEVICES][256];
	fido_dev_t *dev = NULL;
	fido_assert_t *a = NULL;
	fido_opt_t uv;
	char *pin = NULL;
	bool probed = true;
	size_t n, i;
	int r;

	(void)ctx;
	if (req == NULL || got == NULL || req->rp_id == NULL || req->cdh == NULL)
		return MFA_ERR_INVALID_ARG;
	memset(got, 0, sizeof(*got));
	if ((r = list_devices(paths, &n)) != MFA_OK)
		return r;
	for (i = 0; i < n && dev == NULL; i++) {
		if ((dev = open_device(paths[i])) == NULL)
			continue;
		if (!device_holds(dev, req))
			close_device(&dev);
	}
	/* credProtect 3: found only with verification; ask the first device. */
	if (dev == NULL && req->uv && n > 0 && (dev = open_device(paths[0])) != NULL)
		probed = false;
	if (dev == NULL)
		return MFA_ERR_NOT_FOUND;
	if ((r = user_verification(dev, req->uv, req->ask_pin, req->arg, &uv, &pin)) != MFA_OK)
		goto out;
	if ((a = new_assert(req, FIDO_OPT_TRUE)) == NULL || fido_assert_set_uv(a, uv) != FIDO_OK) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	if (req->tell != NULL)
		req->tell(req->arg, "Touch your security key.");
	if ((r = from_fido(fido_dev_get_assert(dev, a, pin))) == MFA_ERR_NOT_FOUND && probed)
		r = MFA_ERR_FIDO2_DEVICE; /* it held one a moment ago */
	if (r == MFA_OK)
		r = copy_assertion(a, got);
out:
	mfa_free_string(pin);
	fido_assert_free(&a);
	close_device(&dev);
	if (r != MFA_OK)
		mfa_wipe(got, sizeof(*got));
	return r;
}

static int
fido_type(enum mfa_fido2_cose type)
{
	switch (type) {
	case MFA_FIDO2_EDDSA:
		return COSE_EDDSA;
	case MFA_FIDO2_RS256:
		return COSE_RS256;
	case MFA_FIDO2_ES256:
		break;
	}
	return COSE_ES256;
}

/* Fill *credp from the new credential (the public key in libfido2's raw form). */
static int
copy_credential(const fido_cred_t *c, const struct mfa_fido2_make_request *req,
		struct mfa_fido2_cred *credp)
{
	size_t len;

	credp->type = req->type;
	credp->presence = true;
	credp->resident = req->resident;
	if (!req->resident) {
		len = fido_cred_id_len(c);
		if (len == 0 || len > sizeof(credp->key_handle) || fido_cred_id_ptr(c) == NULL)
			return MFA_ERR_FIDO2_DEVICE;
		memcpy(credp->key_handle, fido_cred_id_ptr(c), len);
		credp->key_handle_len = len;
	}
	len = fido_cred_pubkey_len(c);
	if (len != (req->type == MFA_FIDO2_ES256   ? MFA_FIDO2_ES256_PK_LEN
		    : req->type == MFA_FIDO2_EDDSA ? MFA_FIDO2_EDDSA_PK_LEN
						   : MFA_FIDO2_RS256_PK_LEN) ||
	    fido_cred_pubkey_ptr(c) == NULL || fido_cred_type(c) != fido_type(req->type))
		return MFA_ERR_FIDO2_DEVICE;
	memcpy(credp->public_key, fido_cred_pubkey_ptr(c), len);
	credp->public_key_len = len;
	return MFA_OK;
}

static int
libfido2_make_credential(void *ctx, const struct mfa_fido2_make_request *req,
			 struct mfa_fido2_cred *credp)
{
	char paths[MAX_DEVICES][256];
	fido_dev_t *dev = NULL;
	fido_cred_t *c = NULL;
	fido_opt_t uv = FIDO_OPT_OMIT;
	char *pin = NULL;
	size_t n, i;
	int r;

	(void)ctx;
	if (req == NULL || credp == NULL || req->rp_id == NULL || req->user_name == NULL ||
	    req->user_id == NULL || req->cdh == NULL)
		return MFA_ERR_INVALID_ARG;
	memset(credp, 0, sizeof(*credp));
	if ((r = list_devices(paths, &n)) != MFA_OK)
		return r;
	for (i = 0; i < n && dev == NULL; i++)
		dev = open_device(paths[i]);
	if (dev == NULL)
		return MFA_ERR_NOT_FOUND;
	/* A device with a PIN set asks for it to register (CTAP 2.1); so does verification. */
	if (req->uv && fido_dev_has_uv(dev)) {
		uv = FIDO_OPT_TRUE;
	} else if (fido_dev_has_pin(dev)) {
		if (req->ask_pin == NULL || req->ask_pin(req->arg, &pin) != MFA_OK || pin == NULL) {
			r = MFA_ERR_FIDO2_PIN;
			goto out;
		}
	} else if (req->uv) {
		r = MFA_ERR_FIDO2_DEVICE; /* neither built-in verification nor a PIN */
		goto out;
	}
	if ((c = fido_cred_new()) == NULL ||
	    fido_cred_set_type(c, fido_type(req->type)) != FIDO_OK ||
	    fido_cred_set_clientdata_hash(c, req->cdh, MFA_FIDO2_CDH_LEN) != FIDO_OK ||
	    fido_cred_set_rp(c, req->rp_id, req->rp_id) != FIDO_OK ||
	    fido_cred_set_user(c, req->user_id, MFA_FIDO2_USER_ID_LEN, req->user_name,
			       req->user_name, NULL) != FIDO_OK ||
	    fido_cred_set_rk(c, req->resident ? FIDO_OPT_TRUE : FIDO_OPT_OMIT) != FIDO_OK ||
	    fido_cred_set_uv(c, uv) != FIDO_OK) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < req->nexclude; i++) {
		if (req->exclude[i]->key_handle_len > 0 &&
		    fido_cred_exclude(c, req->exclude[i]->key_handle,
				      req->exclude[i]->key_handle_len) != FIDO_OK) {
			r = MFA_ERR_NOMEM;
			goto out;
		}
	}
	if (req->tell != NULL)
		req->tell(req->arg, "Touch your security key.");
	if ((r = from_fido(fido_dev_make_cred(dev, c, pin))) != MFA_OK)
		goto out;
	/* The attestation signature over the new credential (not its certificate chain). */
	if ((fido_cred_x5c_ptr(c) != NULL ? fido_cred_verify(c) : fido_cred_verify_self(c)) !=
	    FIDO_OK) {
		r = MFA_ERR_FIDO2_SIGNATURE;
		goto out;
	}
	if ((r = copy_credential(c, req, credp)) != MFA_OK)
		goto out;
	if (req->uv) {
		credp->verification = uv == FIDO_OPT_TRUE;
		credp->pin = uv != FIDO_OPT_TRUE;
	}
out:
	mfa_free_string(pin);
	fido_cred_free(&c);
	close_device(&dev);
	if (r != MFA_OK)
		memset(credp, 0, sizeof(*credp));
	return r;
}

const struct mfa_fido2_backend mfa_fido2_backend_libfido2 = {
	.name = "libfido2",
	.ctx = NULL,
	.get_assertion = libfido2_get_assertion,
	.make_credential = libfido2_make_credential,
};
