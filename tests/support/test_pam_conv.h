/*
 * test_pam_conv.h - the PAM conversation the test programs share: every
 * prompt for input gets the same answer.
 */
#ifndef MFACOVER_TEST_PAM_CONV_H
#define MFACOVER_TEST_PAM_CONV_H

#include <security/pam_appl.h>

/*
 * A struct pam_conv function.  appdata_ptr points at a `const char *`
 * holding the answer (so a caller may change it between calls); every
 * PAM_PROMPT_ECHO_OFF and PAM_PROMPT_ECHO_ON message gets a copy of it,
 * other messages no response.
 */
int test_pam_conv_answer(int n, const struct pam_message **msg, struct pam_response **resp,
			 void *appdata_ptr);

#endif /* MFACOVER_TEST_PAM_CONV_H */
