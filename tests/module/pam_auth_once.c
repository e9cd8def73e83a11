/*
 * pam_auth_once - authenticate once through PAM and say what PAM returned.
 *
 *   pam_auth_once SERVICE USER ANSWER
 *
 * Every hidden prompt is answered with ANSWER.  Prints the return code's
 * name ("PAM_SUCCESS", ...) and exits with the code itself.  For shell tests
 * run under pam_wrapper (LD_PRELOAD, PAM_WRAPPER_SERVICE_DIR): it never
 * reads the machine's /etc/pam.d there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_appl.h>

static const struct {
	int code;
	const char *name;
} names[] = {
	{PAM_SUCCESS, "PAM_SUCCESS"},
	{PAM_AUTH_ERR, "PAM_AUTH_ERR"},
	{PAM_SERVICE_ERR, "PAM_SERVICE_ERR"},
	{PAM_PERM_DENIED, "PAM_PERM_DENIED"},
	{PAM_IGNORE, "PAM_IGNORE"},
	{PAM_USER_UNKNOWN, "PAM_USER_UNKNOWN"},
	{PAM_CONV_ERR, "PAM_CONV_ERR"},
	{PAM_MAXTRIES, "PAM_MAXTRIES"},
	{PAM_CRED_UNAVAIL, "PAM_CRED_UNAVAIL"},
};

static int
conv(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
	struct pam_response *r = calloc((size_t)n, sizeof(*r));
	int i;

	if (r == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF ||
		    msg[i]->msg_style == PAM_PROMPT_ECHO_ON) {
			if ((r[i].resp = strdup(data)) == NULL) {
				free(r);
				return PAM_BUF_ERR;
			}
		}
	}
	*resp = r;
	return PAM_SUCCESS;
}

int
main(int argc, char **argv)
{
	struct pam_conv c = {conv, NULL};
	pam_handle_t *pamh = NULL;
	size_t i;
	int rc;

	if (argc != 4) {
		fprintf(stderr, "usage: %s SERVICE USER ANSWER\n", argv[0]);
		return 64;
	}
	c.appdata_ptr = argv[3];
	if ((rc = pam_start(argv[1], argv[2], &c, &pamh)) == PAM_SUCCESS) {
		rc = pam_authenticate(pamh, 0);
		pam_end(pamh, rc);
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i].code == rc) {
			printf("%s\n", names[i].name);
			return rc;
		}
	}
	printf("PAM error %d\n", rc);
	return rc;
}
