/*
 * test_evidence_log.c - the decision line: exact text, quoting that stops
 * a user or host name from forging a field, and truncation that stays
 * terminated.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "evidence_log.h"

static void
test_success_line(void **state)
{
	struct mfa_log_context ctx = {"alice", "sshd", "192.0.2.7", "ssh"};
	struct mfa_decision d = {
		.result = MFA_RESULT_SUCCESS, .factor = "totp", .reason = "accepted"};
	char line[MFA_LOG_LINE_MAX];

	(void)state;
	mfa_log_format_decision(line, sizeof(line), &ctx, &d, NULL);
	assert_string_equal(line, "user=alice service=sshd rhost=192.0.2.7 tty=ssh factor=totp "
				  "result=success reason=accepted");
}

static void
test_failure_lockout_recovery_fields(void **state)
{
	struct mfa_log_context ctx = {"bob", "sudo", NULL, "/dev/pts/1"};
	struct mfa_decision d = {.result = MFA_RESULT_FAIL,
				 .factor = "totp",
				 .reason = "wrong_code",
				 .failures = 0,
				 .lockout_started = true,
				 .locked_until = 1764302400};
	struct mfa_decision r = {.result = MFA_RESULT_SUCCESS,
				 .factor = "recovery",
				 .reason = "accepted",
				 .recovery_used = true,
				 .recovery_left = 7};
	char line[MFA_LOG_LINE_MAX];

	(void)state;
	mfa_log_format_decision(line, sizeof(line), &ctx, &d, NULL);
	assert_string_equal(line, "user=bob service=sudo rhost=- tty=/dev/pts/1 factor=totp "
				  "result=fail reason=wrong_code failures=0 "
				  "locked_until=1764302400 lockout=started");
	mfa_log_format_decision(line, sizeof(line), &ctx, &r, NULL);
	assert_string_equal(line, "user=bob service=sudo rhost=- tty=/dev/pts/1 factor=recovery "
				  "result=success reason=accepted recovery_left=7");
}

static void
test_forged_fields_are_quoted(void **state)
{
	struct mfa_log_context ctx = {"eve result=success", "sshd", "a\"b\\c\n", "\xc3\xa9"};
	struct mfa_decision d = {
		.result = MFA_RESULT_FAIL, .factor = "-", .reason = "state_unusable"};
	char line[MFA_LOG_LINE_MAX];

	(void)state;
	mfa_log_format_decision(line, sizeof(line), &ctx, &d, "/var/lib/mfacover/x: bad");
	assert_string_equal(line,
			    "user=\"eve result=success\" service=sshd rhost=\"a\\\"b\\\\c\\x0a\" "
			    "tty=\"\\xc3\\xa9\" factor=- result=fail reason=state_unusable "
			    "detail=\"/var/lib/mfacover/x: bad\"");
}

static void
test_truncation_stays_terminated(void **state)
{
	struct mfa_log_context ctx = {"alice", "sshd", NULL, NULL};
	struct mfa_decision d = {
		.result = MFA_RESULT_SUCCESS, .factor = "totp", .reason = "accepted"};
	char line[20];

	(void)state;
	mfa_log_format_decision(line, sizeof(line), &ctx, &d, NULL);
	assert_int_equal(strlen(line), sizeof(line) - 1);
	assert_memory_equal(line, "user=alice service=", 19);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_success_line),
		cmocka_unit_test(test_failure_lockout_recovery_fields),
		cmocka_unit_test(test_forged_fields_are_quoted),
		cmocka_unit_test(test_truncation_stays_terminated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
