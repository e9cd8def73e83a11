/*
 * test_pam_conv.c - see test_pam_conv.h.
 */
#include "test_pam_conv.h"

#include <stdlib.h>
#include <string.h>

int
test_pam_conv_answer(int n, const struct pam_message **msg, struct pam_response **resp,
		     void *appdata_ptr)
{
	const char *answer = *(const char *const *)appdata_ptr;
	struct pam_response *r;
	int i;

	if (n <= 0 || (r = calloc((size_t)n, sizeof(*r))) == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		if (msg[i]->msg_style != PAM_PROMPT_ECHO_OFF &&
		    msg[i]->msg_style != PAM_PROMPT_ECHO_ON)
			continue;
		if ((r[i].resp = strdup(answer)) == NULL) {
			while (i-- > 0)
				free(r[i].resp);
			free(r);
			return PAM_BUF_ERR;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
}
