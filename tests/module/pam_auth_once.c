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

#include "test_pam_conv.h"

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

int
main(int argc, char **argv)
{
	struct pam_conv c = {test_pam_conv_answer, NULL};
	const char *answer;
	pam_handle_t *pamh = NULL;
	size_t i;
	int rc;

	if (argc != 4) {
		fprintf(stderr, "usage: %s SERVICE USER ANSWER\n", argv[0]);
		return 64;
	}
	answer = argv[3];
	c.appdata_ptr = &answer;
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
