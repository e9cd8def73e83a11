/*
 * test_sudoers_ldap.c - sudoRole entries as sudoers lines: the text written
 * for each attribute, sudoOrder, the defaults entry, escaping (names that
 * look like aliases, blanks and commas, an include that must stay a name),
 * and the roles refused; then sudoers_evaluate on what was written, so the
 * grants are sudo's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ldap_entry.h"
#include "sudoers.h"
#include "sudoers_ldap.h"

static struct sudoers_ldap *
convert(const char *ldif, struct ldap_entries *es)
{
	struct sudoers_ldap *sl = NULL;
	struct mfa_parse_err perr;
	int r;

	if ((r = ldif_parse(ldif, strlen(ldif), "t.ldif", es, &perr)) != MFA_OK)
		fail_msg("ldif: %s:%u: %s", perr.file, perr.line, perr.msg);
	if ((r = sudoers_ldap_convert(es, &sl, &perr)) != MFA_OK)
		fail_msg("convert: %s: %s", mfa_strerror(r), perr.msg);
	return sl;
}

static void
assert_buffer(const struct sudoers_ldap *sl, size_t i, const char *dn, const char *text)
{
	char file[512];

	assert_true(i < sl->nbuffers);
	snprintf(file, sizeof(file), "sudoRole %s", dn);
	assert_string_equal(sl->buffers[i].file, file);
	assert_int_equal(sl->buffers[i].len, strlen(text));
	assert_string_equal(sl->buffers[i].buf, text);
}

static void
test_roles_as_lines_in_order(void **state)
{
	static const char ldif[] =
		"dn: cn=b,ou=S\nobjectClass: sudoRole\ncn: b\nsudoUser: %ops\n"
		"sudoCommand: ALL\nsudoRunAsUser: ALL\nsudoRunAsGroup: wheel\nsudoOrder: 2.5\n\n"
		"dn: cn=a,ou=S\nobjectClass: sudoRole\ncn: a\nsudoUser: alice\nsudoUser: %#3010\n"
		"sudoUser: +admins\nsudoHost: web1\nsudoHost: 10.0.0.0/8\n"
		"sudoCommand: /usr/bin/rsync -a\nsudoCommand: !/bin/sh\n"
		"sudoOption: !authenticate\nsudoOption: noexec\nsudoOrder: 1\n\n"
		"dn: cn=defaults,ou=S\nobjectClass: sudoRole\ncn: defaults\n"
		"sudoOption: env_reset\nsudoOption: !lecture\n"
		"sudoOption: env_keep+=SSH_AUTH_SOCK\nsudoOption: secure_path=/usr/bin:/bin\n\n"
		"dn: cn=c,ou=S\nobjectClass: sudoRole\ncn: c\nsudoUser: bob\n"
		"sudoCommand: /usr/bin/id\nsudoRunAs: operator\n\n"
		"dn: uid=alice,ou=P\nobjectClass: posixAccount\nuid: alice\n";
	struct ldap_entries es = {0};
	struct sudoers_ldap *sl;
	size_t i;

	(void)state;
	sl = convert(ldif, &es);
	assert_int_equal(sl->nbuffers, 4);
	assert_buffer(sl, 0, "cn=defaults,ou=S",
		      "Defaults env_reset, !lecture, env_keep+=\"SSH_AUTH_SOCK\", "
		      "secure_path=\"/usr/bin:/bin\"\n");
	/* No sudoOrder (c) is 0: first; then 1 (a), then 2.5 (b). */
	assert_buffer(sl, 1, "cn=c,ou=S", "bob ALL = (operator) /usr/bin/id\n");
	assert_buffer(sl, 2, "cn=a,ou=S",
		      "alice, %#3010, +admins web1, 10.0.0.0/8 = NOPASSWD: NOEXEC: "
		      "/usr/bin/rsync -a, !/bin/sh\n");
	assert_buffer(sl, 3, "cn=b,ou=S", "%ops ALL = (ALL:wheel) ALL\n");
	/* Every line is sudoers that the grammar takes. */
	for (i = 0; i < sl->nbuffers; i++) {
		struct sudoers *s = NULL;
		struct mfa_parse_err perr;

		if (sudoers_parse_buffer(sl->buffers[i].buf, sl->buffers[i].len,
					 sl->buffers[i].file, &s, &perr) != MFA_OK)
			fail_msg("%s: %s:%u:%u: %s", sl->buffers[i].buf, perr.file, perr.line,
				 perr.column, perr.msg);
		sudoers_free(&s);
	}
	sudoers_ldap_free(&sl);
	assert_null(sl);
	ldap_entries_clear(&es);
}

static void
test_escaping_keeps_values_whole(void **state)
{
	static const char ldif[] =
		"dn: cn=ad,ou=S\nobjectClass: sudoRole\ncn: ad\nsudoUser: @includedir /tmp\n"
		"sudoUser: %Domain Admins\nsudoUser: ADMINS\nsudoHost: ALL\n"
		"sudoCommand: /usr/bin/printf a,b:c=d #e\n\n";
	struct ldap_entries es = {0};
	struct sudoers_ldap *sl;
	struct sudoers *s = NULL;
	struct sudoers_grants *g = NULL;
	struct mfa_parse_err perr;
	const char *groups[] = {"Domain Admins"};
	struct sudoers_account acct = {"someone", 5000, 5000, groups, NULL, 1, "h"};

	(void)state;
	sl = convert(ldif, &es);
	assert_int_equal(sl->nbuffers, 1);
	assert_string_equal(sl->buffers[0].buf,
			    "\\@includedir\\ /tmp, %Domain\\ Admins, \\ADMINS ALL = "
			    "/usr/bin/printf a\\,b\\:c\\=d \\#e\n");
	/* One rule, no include, and the group with a blank in its name matches. */
	assert_int_equal(
		sudoers_parse_buffer(sl->buffers[0].buf, sl->buffers[0].len, "x", &s, &perr),
		MFA_OK);
	assert_int_equal(s->nuserspecs, 1);
	assert_int_equal(s->userspecs[0].users.n, 3);
	assert_string_equal(s->userspecs[0].users.v[0].name, "@includedir /tmp");
	assert_int_equal(s->userspecs[0].users.v[2].type, SUDOERS_M_NAME);
	assert_string_equal(s->userspecs[0].users.v[2].name, "ADMINS");
	assert_int_equal(sudoers_evaluate(s, &acct, &g), MFA_OK);
	assert_int_equal(g->n, 1);
	assert_string_equal(g->v[0].command, "/usr/bin/printf a,b:c=d #e");
	sudoers_grants_free(&g);
	sudoers_free(&s);
	sudoers_ldap_free(&sl);
	ldap_entries_clear(&es);
}

static void
test_notes_for_what_is_not_modelled(void **state)
{
	static const char ldif[] =
		"dn: cn=t,ou=S\nobjectClass: sudoRole\ncn: t\nsudoUser: a\nsudoCommand: ALL\n"
		"sudoOption: rootpw\nsudoNotAfter: 20300101000000Z\n\n"
		"dn: cn=empty,ou=S\nobjectClass: sudoRole\ncn: empty\nsudoUser: a\n";
	struct ldap_entries es = {0};
	struct sudoers_ldap *sl;
	bool rootpw = false, timed = false, empty = false;
	size_t i;

	(void)state;
	sl = convert(ldif, &es);
	assert_int_equal(sl->nbuffers, 1);
	for (i = 0; i < sl->nnotes; i++) {
		rootpw =
			rootpw || strstr(sl->notes[i], "sudoOption rootpw is not modelled") != NULL;
		timed = timed || strstr(sl->notes[i], "cn=t,ou=S: sudoNotBefore") != NULL;
		empty = empty || strstr(sl->notes[i], "cn=empty,ou=S: no sudoUser or no") != NULL;
	}
	assert_true(rootpw);
	assert_true(timed);
	assert_true(empty);
	sudoers_ldap_free(&sl);
	ldap_entries_clear(&es);
}

static void
test_refused_roles(void **state)
{
	static const struct {
		const char *ldif, *msg;
	} cases[] = {
		{"dn: cn=x,ou=S\nobjectClass: sudoRole\ncn: x\nsudoUser: a\nsudoCommand: ALL\n"
		 "sudoOrder: first\n",
		 "sudoOrder is not a number"},
		{"dn: cn=x,ou=S\nobjectClass: sudoRole\ncn: x\nsudoUser: a\nsudoCommand: ALL\n"
		 "sudoOrder: nan\n",
		 "sudoOrder is not a number"},
		/* "a\nALL ALL=(ALL) NOPASSWD: ALL" in base64: a second line smuggled in */
		{"dn: cn=x,ou=S\nobjectClass: sudoRole\ncn: x\n"
		 "sudoUser:: YQpBTEwgQUxMPShBTEwpIE5PUEFTU1dEOiBBTEw=\nsudoCommand: ALL\n",
		 "control character"},
		{"dn: cn=x,ou=S\nobjectClass: sudoRole\ncn: x\nsudoUser: a\nsudoCommand:\n",
		 "empty"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ldap_entries es = {0};
		struct sudoers_ldap *sl = NULL;
		struct mfa_parse_err perr;

		if (ldif_parse(cases[i].ldif, strlen(cases[i].ldif), "t", &es, &perr) != MFA_OK)
			fail_msg("case %zu: ldif %s", i, perr.msg);
		if (sudoers_ldap_convert(&es, &sl, &perr) != MFA_ERR_PARSE)
			fail_msg("case %zu accepted", i);
		assert_null(sl);
		if (strstr(perr.msg, cases[i].msg) == NULL || strstr(perr.msg, "cn=x,ou=S") == NULL)
			fail_msg("case %zu: '%s'", i, perr.msg);
		ldap_entries_clear(&es);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles_as_lines_in_order),
		cmocka_unit_test(test_escaping_keeps_values_whole),
		cmocka_unit_test(test_notes_for_what_is_not_modelled),
		cmocka_unit_test(test_refused_roles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
