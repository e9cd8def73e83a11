/*
 * test_ldap_accounts.c - the LDIF reader (RFC 2849 content records, and
 * each malformed form with its line) and the directory accounts built from
 * entries: RFC 2307 memberUid, RFC 2307bis nested groupOfNames with a cycle,
 * gidNumber and Active Directory primaryGroupID (objectSid) as primary
 * groups, memberOf, disabled accounts, DN matching, bad numbers, and the
 * second factors a directory enforces (FreeIPA OTP, OATH-LDAP tokens).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ldap_accounts.h"
#include "ldap_entry.h"

static void
parse_ok(const char *text, struct ldap_entries *es)
{
	struct mfa_parse_err perr;
	int r = ldif_parse(text, strlen(text), "t.ldif", es, &perr);

	if (r != MFA_OK)
		fail_msg("ldif_parse: %s: %s:%u: %s", mfa_strerror(r), perr.file, perr.line,
			 perr.msg);
}

static void
test_ldif_records_folding_base64(void **state)
{
	static const char text[] = "version: 1\r\n"
				   "# a comment\r\n"
				   " that is folded\r\n"
				   "dn: uid=alice,ou=people,\r\n"
				   " dc=example,dc=org\r\n"
				   "objectClass: posixAccount\r\n"
				   "objectclass: inetOrgPerson\r\n"
				   "uid: alice\r\n"
				   "description:: aGVsbG8gd29ybGQ=\r\n"
				   "empty:\r\n"
				   "\r\n"
				   "\r\n"
				   "dn:: Y249YWRtaW5zLGRjPWV4YW1wbGUsZGM9b3Jn\n"
				   "cn: admins\n"
				   "member;range=0-1: uid=alice\n";
	struct ldap_entries es = {0};
	const struct ldap_attr *a;

	(void)state;
	parse_ok(text, &es);
	assert_int_equal(es.n, 2);
	assert_string_equal(es.v[0].dn, "uid=alice,ou=people,dc=example,dc=org");
	assert_int_equal(es.v[0].line, 4);
	a = ldap_entry_attr(&es.v[0], "OBJECTCLASS");
	assert_non_null(a);
	assert_int_equal(a->nvalues, 2); /* the two spellings are one attribute */
	assert_true(ldap_entry_has_value(&es.v[0], "objectClass", "INETORGPERSON"));
	assert_string_equal(ldap_entry_first(&es.v[0], "description"), "hello world");
	assert_string_equal(ldap_entry_first(&es.v[0], "empty"), "");
	assert_string_equal(es.v[1].dn, "cn=admins,dc=example,dc=org");
	assert_int_equal(es.v[1].line, 13);
	assert_string_equal(ldap_entry_first(&es.v[1], "member;range=0-1"), "uid=alice");
	assert_null(ldap_entry_attr(&es.v[1], "member"));
	ldap_entries_clear(&es);
	assert_int_equal(es.n, 0);
}

static void
test_ldif_binary_value_not_a_string(void **state)
{
	/* "a\0b" in base64: kept whole with its length, but not given out as a string. */
	static const char text[] = "dn: cn=x\nobjectSid:: YQBi\n";
	struct ldap_entries es = {0};
	const struct ldap_attr *a;

	(void)state;
	parse_ok(text, &es);
	a = ldap_entry_attr(&es.v[0], "objectSid");
	assert_int_equal(a->values[0].len, 3);
	assert_memory_equal(a->values[0].v, "a\0b", 3);
	assert_null(ldap_entry_first(&es.v[0], "objectSid"));
	ldap_entries_clear(&es);
}

static void
test_ldif_malformed_named_by_line(void **state)
{
	static const struct {
		const char *text;
		unsigned line;
		const char *msg;
	} cases[] = {
		{"dn: cn=a\nno colon here\n", 2, "without ':'"},
		{"dn: cn=a\n1bad: x\n", 2, "not an attribute name"},
		{"dn: cn=a\nbad_name: x\n", 2, "not an attribute name"},
		{"dn: cn=a\nattr;: x\n", 2, "not an attribute name"},
		{"dn: cn=a\nphoto:< file:///etc/shadow\n", 2, "URL"},
		{"dn: cn=a\nx:: not*base64\n", 2, "base64"},
		{"dn: cn=a\nx:: YQ=b\n", 2, "base64"},
		{"dn: cn=a\nx:: YQ\n", 2, "base64"},
		{"dn: cn=a\nchangetype: add\n", 2, "change record"},
		{"dn: cn=a\ncontrol: 1.2.3\n", 2, "change record"},
		{"dn: cn=a\ncn: a\ndn: cn=b\n", 3, "second dn"},
		{"cn: a\n", 1, "must start with dn"},
		{"\n\n cn: a\n", 3, "continuation"},
		{"dn: cn=a\n\n continued\n", 3, "continuation"},
		{"version: 2\n", 1, "version 1"},
		{"dn: cn=a\nversion: 1\n\nversion: 1\n", 4, "must start with dn"},
		{"dn:: Y249YQBi\n", 1, "NUL"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ldap_entries es = {0};
		struct mfa_parse_err perr;
		struct ldap_entry *e;
		int r;

		/* What was there before a failed parse stays, and nothing is added. */
		assert_int_equal(ldap_entries_add(&es, "cn=before", 0, &e), MFA_OK);
		r = ldif_parse(cases[i].text, strlen(cases[i].text), "bad.ldif", &es, &perr);
		if (r != MFA_ERR_PARSE)
			fail_msg("case %zu: %s", i, mfa_strerror(r));
		assert_string_equal(perr.file, "bad.ldif");
		if (perr.line != cases[i].line || strstr(perr.msg, cases[i].msg) == NULL)
			fail_msg("case %zu: line %u '%s', expected line %u '%s'", i, perr.line,
				 perr.msg, cases[i].line, cases[i].msg);
		assert_int_equal(es.n, 1);
		assert_string_equal(es.v[0].dn, "cn=before");
		ldap_entries_clear(&es);
	}
}

static void
test_dn_equal(void **state)
{
	(void)state;
	assert_true(
		ldap_dn_equal("uid=Bob, ou=People ,dc=example", "UID=bob,OU=people,DC=EXAMPLE"));
	assert_true(ldap_dn_equal(" cn = x ", "cn=x"));
	assert_false(ldap_dn_equal("cn=a b,dc=x", "cn=ab,dc=x"));
	assert_false(ldap_dn_equal("cn=a\\,b,dc=x", "cn=a,b,dc=x"));
	assert_false(ldap_dn_equal("cn=a", NULL));
}

static const char directory[] =
	"dn: uid=alice,ou=people,dc=ex\nobjectClass: posixAccount\nuid: alice\n"
	"uidNumber: 2001\ngidNumber: 2001\nhomeDirectory: /home/alice\nloginShell: /bin/bash\n\n"
	"dn: uid=bob,ou=people,dc=ex\nobjectClass: posixAccount\nuid: bob\n"
	"uidNumber: 2002\ngidNumber: 3010\n\n"
	"dn: uid=carol,ou=people,dc=ex\nobjectClass: posixAccount\nuid: carol\nuidNumber: 2003\n\n"
	"dn: uid=alice,ou=contractors,dc=ex\nobjectClass: posixAccount\nuid: alice\n"
	"uidNumber: 2999\n\n"
	/* Active Directory: primary group by RID 513, a disabled account, memberOf. */
	"dn: CN=Dan,CN=Users,DC=ad\nobjectClass: user\nsAMAccountName: dan\n"
	"primaryGroupID: 513\nmemberOf: CN=Backup Operators,CN=Builtin,DC=ad\n"
	"userAccountControl: 514\n\n"
	"dn: CN=PC1,CN=Computers,DC=ad\nobjectClass: user\nobjectClass: computer\n"
	"sAMAccountName: PC1$\n\n"
	/* S-1-5-21-1-2-3-513, little-endian sub-authorities */
	"dn: CN=Domain Users,CN=Users,DC=ad\nobjectClass: group\nsAMAccountName: Domain Users\n"
	"cn: Domain Users\nobjectSid:: AQUAAAAAAAUVAAAAAQAAAAIAAAADAAAAAQIAAA==\n\n"
	"dn: CN=Backup Operators,CN=Builtin,DC=ad\nobjectClass: group\ncn: Backup Operators\n"
	"memberOf: cn=admins,ou=groups,dc=ex\n\n"
	"dn: cn=admins,ou=groups,dc=ex\nobjectClass: groupOfNames\ncn: admins\n"
	"member: cn=ops,ou=groups,dc=ex\n\n"
	"dn: cn=ops,ou=groups,dc=ex\nobjectClass: groupOfUniqueNames\ncn: ops\n"
	"uniqueMember: UID=Alice, OU=People, DC=ex#'0101'B\nuniqueMember: cn=admins,ou=groups,dc=ex\n\n"
	"dn: cn=wheel,ou=groups,dc=ex\nobjectClass: posixGroup\ncn: wheel\ngidNumber: 3010\n"
	"memberUid: carol\nmemberUid: nobody-here\n\n"
	"dn: cn=noname,ou=groups,dc=ex\nobjectClass: posixGroup\ngidNumber: 1\n\n"
	"dn: ou=people,dc=ex\nobjectClass: organizationalUnit\nou: people\n";

static const struct ldap_membership *
in_group(const struct ldap_accounts *a, const char *user, const char *group)
{
	const struct ldap_user *u = ldap_accounts_user(a, user);

	if (u == NULL)
		fail_msg("no user %s", user);
	return ldap_user_in_group(a, u, group);
}

static void
test_accounts_schemas_nesting(void **state)
{
	struct ldap_entries es = {0};
	struct ldap_accounts *a = NULL;
	struct mfa_parse_err perr;
	const struct ldap_membership *m;
	const struct ldap_user *u;
	size_t i;
	bool dup_noted = false, noname_noted = false;

	(void)state;
	parse_ok(directory, &es);
	assert_int_equal(ldap_accounts_build(&es, "test", &a, &perr), MFA_OK);
	assert_int_equal(a->nusers, 5); /* the computer is no user; the OU neither */
	assert_int_equal(a->ngroups, 5);

	u = ldap_accounts_user(a, "alice");
	assert_string_equal(u->dn, "uid=alice,ou=people,dc=ex"); /* the first of the name */
	assert_int_equal(u->uid, 2001);
	assert_string_equal(u->shell, "/bin/bash");
	/* ops lists alice by uniqueMember (another spelling, with a UID suffix) ... */
	m = in_group(a, "alice", "ops");
	assert_non_null(m);
	assert_string_equal(m->how, "uniqueMember");
	/* ... and admins contains ops, which contains admins: nested, and no loop. */
	m = in_group(a, "alice", "admins");
	assert_non_null(m);
	assert_string_equal(m->how, "nested");
	assert_string_equal(a->groups[m->via].name, "ops");
	assert_int_equal(ldap_accounts_user(a, "alice")->ngroups, 2);

	/* Primary group by gidNumber. */
	m = in_group(a, "bob", "wheel");
	assert_non_null(m);
	assert_string_equal(m->how, "gidNumber");
	assert_null(in_group(a, "bob", "admins"));
	/* memberUid. */
	m = in_group(a, "carol", "wheel");
	assert_non_null(m);
	assert_string_equal(m->how, "memberUid");
	assert_int_equal(ldap_accounts_user(a, "carol")->gid, LDAP_ACCOUNTS_NO_ID);

	/* AD: the primary group by RID, memberOf, then nested up through memberOf. */
	u = ldap_accounts_user(a, "dan");
	assert_true(u->disabled);
	assert_int_equal(u->uid, LDAP_ACCOUNTS_NO_ID);
	assert_string_equal(in_group(a, "dan", "Domain Users")->how, "primaryGroupID");
	assert_string_equal(in_group(a, "dan", "Backup Operators")->how, "memberOf");
	assert_string_equal(in_group(a, "dan", "admins")->how, "nested");
	assert_string_equal(in_group(a, "dan", "ops")->how, "nested");
	assert_null(ldap_accounts_user(a, "PC1$"));
	assert_false(ldap_accounts_user(a, "alice")->disabled);

	for (i = 0; i < a->nnotes; i++) {
		dup_noted = dup_noted || strstr(a->notes[i], "uid=alice,ou=contractors") != NULL;
		noname_noted = noname_noted || strstr(a->notes[i], "cn=noname") != NULL;
	}
	assert_true(dup_noted);
	assert_true(noname_noted);
	ldap_accounts_free(&a);
	assert_null(a);
	ldap_entries_clear(&es);
}

static void
test_accounts_bad_numbers(void **state)
{
	static const char *const bad[] = {
		"dn: uid=x,dc=ex\nobjectClass: posixAccount\nuid: x\nuidNumber: -1\n",
		"dn: uid=x,dc=ex\nobjectClass: posixAccount\nuid: x\nuidNumber: 4294967295\n",
		"dn: uid=x,dc=ex\nobjectClass: posixAccount\nuid: x\ngidNumber: 12a\n",
		"dn: uid=x,dc=ex\nobjectClass: posixAccount\nuid: x\ngidNumber:\n",
		"dn: cn=g,dc=ex\nobjectClass: posixGroup\ncn: g\ngidNumber: 99999999999\n",
		"dn: cn=g,dc=ex\nobjectClass: group\ncn: g\nmember;range=0-1499: cn=u,dc=ex\n",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ldap_entries es = {0};
		struct ldap_accounts *a = NULL;
		struct mfa_parse_err perr;

		parse_ok(bad[i], &es);
		if (ldap_accounts_build(&es, "dir.ldif", &a, &perr) != MFA_ERR_PARSE)
			fail_msg("case %zu accepted", i);
		assert_null(a);
		assert_string_equal(perr.file, "dir.ldif");
		assert_int_equal(perr.line, 1);
		assert_non_null(strstr(perr.msg, "dc=ex"));
		assert_true(strstr(perr.msg, "Number is not a number") != NULL ||
			    strstr(perr.msg, "ranged attribute") != NULL);
		ldap_entries_clear(&es);
	}
}

static void
test_directory_factors(void **state)
{
	static const char text[] =
		"dn: cn=ipaConfig,cn=etc,dc=ex\nobjectClass: ipaGuiConfig\nipaUserAuthType: otp\n\n"
		"dn: uid=a,dc=ex\nobjectClass: posixAccount\nuid: a\nipaUserAuthType: OTP\n\n"
		"dn: uid=b,dc=ex\nobjectClass: posixAccount\nuid: b\nipaUserAuthType: otp\n"
		"ipaUserAuthType: password\n\n"
		"dn: uid=c,dc=ex\nobjectClass: posixAccount\nuid: c\n\n"
		"dn: uid=d,dc=ex\nobjectClass: posixAccount\nuid: d\nipaUserAuthType: otp\n\n"
		"dn: uid=e,dc=ex\nobjectClass: posixAccount\nuid: e\n"
		"oathTOTPToken: CN=Tok, DC=ex\n\n"
		"dn: uid=f,dc=ex\nobjectClass: posixAccount\nuid: f\noathHOTPToken: cn=gone,dc=ex\n\n"
		"dn: ipatokenUniqueID=1,dc=ex\nobjectClass: ipatokenTOTP\nipatokenOwner: UID=A,DC=EX\n\n"
		"dn: ipatokenUniqueID=2,dc=ex\nobjectClass: ipatokenHOTP\nipatokenOwner: uid=b,dc=ex\n\n"
		"dn: ipatokenUniqueID=3,dc=ex\nobjectClass: ipatokenTOTP\nipatokenOwner: uid=c,dc=ex\n\n"
		"dn: ipatokenUniqueID=4,dc=ex\nobjectClass: ipatokenTOTP\nipatokenOwner: uid=d,dc=ex\n"
		"ipatokenDisabled: TRUE\n\n"
		"dn: cn=tok,dc=ex\nobjectClass: oathTOTPToken\ncn: tok\n";
	struct ldap_entries es = {0};
	struct ldap_accounts *a = NULL;
	struct mfa_parse_err perr;

	(void)state;
	parse_ok(text, &es);
	assert_int_equal(ldap_accounts_build(&es, "t", &a, &perr), MFA_OK);
	/* a: otp only (any case), a token owned under another spelling of its DN */
	assert_non_null(ldap_accounts_user(a, "a")->directory_factor);
	assert_non_null(strstr(ldap_accounts_user(a, "a")->directory_factor, "(the user's)"));
	/* b: password is allowed too; the token does not make it required */
	assert_null(ldap_accounts_user(a, "b")->directory_factor);
	/* c: nothing of its own, the global configuration says otp */
	assert_non_null(strstr(ldap_accounts_user(a, "c")->directory_factor,
			       "(cn=ipaConfig,cn=etc,dc=ex)"));
	/* d: its only token is disabled */
	assert_null(ldap_accounts_user(a, "d")->directory_factor);
	/* e: an OATH-LDAP token that exists; f: one that does not */
	assert_string_equal(ldap_accounts_user(a, "e")->directory_factor,
			    "OATH-LDAP: token cn=tok,dc=ex");
	assert_null(ldap_accounts_user(a, "f")->directory_factor);
	ldap_accounts_free(&a);
	ldap_entries_clear(&es);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ldif_records_folding_base64),
		cmocka_unit_test(test_ldif_binary_value_not_a_string),
		cmocka_unit_test(test_ldif_malformed_named_by_line),
		cmocka_unit_test(test_dn_equal),
		cmocka_unit_test(test_accounts_schemas_nesting),
		cmocka_unit_test(test_accounts_bad_numbers),
		cmocka_unit_test(test_directory_factors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
