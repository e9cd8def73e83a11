/*
 * input.h - taking the code out of what a front end sends.
 *
 * Appended: "password123456" -> password "password", code "123456" (the
 * last `digits` bytes), for VPNs and RADIUS with one password field.
 * SCRV1: OpenVPN's static-challenge response
 *   SCRV1:<base64 password>:<base64 response>
 * with standard base64 (RFC 4648 section 4, padding required as written by
 * OpenVPN).  Decoded parts may not contain NUL.
 *
 * Results are secrets: free them with mfa_free_string().  Messages never
 * quote the input.
 */
#ifndef MFA_INPUT_H
#define MFA_INPUT_H

#include <stdbool.h>

#include "mfa_err.h"

#define MFA_INPUT_MAX 4096
#define MFA_SCRV1_PREFIX "SCRV1:"

/*
 * Split the last `digits` bytes off authtok.  MFA_ERR_PARSE when authtok
 * is shorter than `digits`; MFA_ERR_TOO_LARGE past MFA_INPUT_MAX.
 */
int mfa_input_split_appended(const char *authtok, unsigned digits, char **passwordp, char **codep,
			     struct mfa_parse_err *perr);

/* true when authtok starts with "SCRV1:". */
bool mfa_input_is_scrv1(const char *authtok);

/* Decode an SCRV1 string.  MFA_ERR_PARSE with the reason when malformed. */
int mfa_input_parse_scrv1(const char *authtok, char **passwordp, char **codep,
			  struct mfa_parse_err *perr);

/*
 * Remove spaces and tabs in place ("123 456" as people type codes read
 * aloud in groups).  Returns s.
 */
char *mfa_input_strip_blanks(char *s);

#endif /* MFA_INPUT_H */
