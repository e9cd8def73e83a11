#!/usr/bin/env bash
# test_audit_ldap.sh MFACOVER_AUDIT
# mfacover-audit against a real OpenLDAP slapd that this test starts on
# loopback from a throwaway configuration: directory accounts join the
# accounts x paths matrix (RFC 2307 memberUid, RFC 2307bis groupOfNames
# nested and cyclic, gidNumber as primary group), over every way to connect
# and bind (simple, SASL EXTERNAL over ldapi, StartTLS with a test CA), and
# every way it must refuse (wrong password, unsafe password file, untrusted
# certificate, a server that is down or never answers, an empty view, a
# malformed LDIF) with exit 2 and a message.  An LDIF export of the same
# directory gives the same report.  10 000 users come back through paging
# past the server's 500-entry size limit.
set -uo pipefail
# shellcheck source=tests/lib/check.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh"
audit=$1
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/ldap/slapd.sh
source "$here/slapd.sh"
root=$here/root
tmp=$(mktemp -d /tmp/mfacover-ldap-XXXXXX)
blackhole_pid=
cleanup() {
	slapd_stop "$tmp/slapd"
	slapd_stop "$tmp/big"
	[[ -n $blackhole_pid ]] && kill "$blackhole_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT


# run ARGS...: sets $rc, $out, $err
run() {
	"$audit" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

expect_rc() {
	[[ $rc -eq $1 ]] || fail "$2: exit status $rc, expected $1 (stderr: $err)"
}


# json_check WHAT PYTHON-EXPR...: each expression (over the report `d`) must be true
json_check() {
	local what=$1
	shift
	python3 - "$tmp/out" "$@" <<'PY_EOF' || fail "$what: JSON facts"
import json, sys
d = json.load(open(sys.argv[1]))
acc = {a["name"]: a for a in d["accounts"]}
paths = {(p["kind"], p["service"], p["account"]): p for p in d["paths"]}
bad = 0
for expr in sys.argv[2:]:
    if not eval(expr):
        print("  false: " + expr, file=sys.stderr)
        bad += 1
sys.exit(1 if bad else 0)
PY_EOF
}

# The facts of tests/ldap/data/rfc2307.ldif seen through tests/ldap/root.
check_directory_facts() {
	local what=$1
	json_check "$what" \
		'acc["alice"]["source"] == "ldap" and acc["root"]["source"] == "local"' \
		'any("sudoers: /etc/sudoers:4" in v for v in acc["alice"]["admin_via"])' \
		'acc["alice"]["enrolled"] and not acc["bob"]["enrolled"]' \
		'any("sudoRole cn=ops-all" in v for v in acc["bob"]["admin_via"])' \
		'any("member of wheel (ldap memberUid" in v for v in acc["carol"]["admin_via"])' \
		'any("member of wheel (ldap gidNumber" in v for v in acc["erin"]["admin_via"])' \
		'any(v.startswith("uid 0") for v in acc["toor"]["admin_via"])' \
		'any("sudoers: /etc/sudoers:5" in v for v in acc["dave"]["admin_via"])' \
		'"svc-backup" not in acc' \
		'paths[("sudo", "sudo", "alice")]["covered"] and paths[("sudo", "sudo", "bob")]["covered"]' \
		'not paths[("sudo", "sudo", "dave")]["covered"]' \
		'"NOPASSWD" in paths[("sudo", "sudo", "dave")]["reason"]' \
		'd["verdict"] == "gaps"' \
		'any("19 users and 11 groups read" in n for n in d["notes"])' \
		'any("uid=root,ou=people" in n and "/etc/passwd:1" in n for n in d["notes"])' \
		'not paths[("sudo", "sudo", "carol")]["covered"]' \
		'"NOPASSWD" in paths[("sudo", "sudo", "carol")]["reason"]' \
		'any(e["file"] == "sudoRole cn=backup-nopw,ou=SUDOers,dc=example,dc=org" for e in paths[("sudo", "sudo", "carol")]["evidence"])' \
		'paths[("sudo", "sudo", "erin")]["covered"]' \
		'any("sudoRole cn=late" in v for v in acc["erin"]["admin_via"])' \
		'not any("elsewhere" in v for v in acc["alice"]["admin_via"])' \
		'any("5 from the directory" in n and "nsswitch.conf:4" in n for n in d["notes"])' \
		'not any(f["id"] == "nss.directory_not_read" for f in d["findings"])'
}

# --- a directory with the test users, TLS on ------------------------------------
dir=$tmp/slapd
mkdir -p "$dir"
slapd_init "$dir" dc=example,dc=org || exit 1
slapd_tls "$dir" || {
	echo "cannot make the test CA" >&2
	exit 1
}
slapd_load "$dir" "$here/data/base.ldif" "$here/data/rfc2307.ldif" "$here/data/sudo.ldif" \
	"$here/data/ipa.ldif" || exit 1
slapd_load_unchecked "$dir" "$here/data/ad.ldif" || exit 1
slapd_start "$dir" || exit 1
uri=ldap://127.0.0.1:$SLAPD_PORT
binddn=cn=auditor,dc=example,dc=org
printf 'auditor-secret\n' >"$tmp/pw"
chmod 600 "$tmp/pw"

# Simple bind over ldap://; the base comes from the root DSE.
run --root "$root" --ldap-uri "$uri" --ldap-bind-dn "$binddn" --ldap-password-file "$tmp/pw" \
	--format json
expect_rc 1 "simple bind"
check_directory_facts "simple bind"
grep -q auditor-secret "$tmp/out" "$tmp/err" && fail "simple bind: the password is in the output"

# Without a directory, a host whose nsswitch.conf names ldap is no silent "covered".
run --root "$root" --format json
expect_rc 1 "no directory given"
json_check "no directory given" \
	'sorted(f["line"] for f in d["findings"] if f["id"] == "nss.directory_not_read") == [1, 2, 4]' \
	'all(f["severity"] == "high" and f["file"] == "/etc/nsswitch.conf" for f in d["findings"] if f["id"] == "nss.directory_not_read")'

# The text report names the nested route and the directory.
run --root "$root" --ldap-uri "$uri" --ldap-bind-dn "$binddn" --ldap-password-file "$tmp/pw"
expect_rc 1 "text report"
has "$out" "carol (uid 2003): member of wheel (ldap memberUid; cn=wheel,ou=groups,dc=example,dc=org)" "text report"

# The nested group: an admin group reached through ops, with the route named.
run --root "$root" --admin-group admins --ldap-uri "$uri" --ldap-bind-dn "$binddn" \
	--ldap-password-file "$tmp/pw" --format json
expect_rc 1 "nested admin group"
json_check "nested admin group" \
	'any("member of admins (ldap: nested through ops" in v for v in acc["bob"]["admin_via"])' \
	'any("member of admins (ldap member;" in v for v in acc["alice"]["admin_via"])' \
	'"dave" in acc and not any("admins" in v for v in acc["dave"]["admin_via"])'

# SASL EXTERNAL over ldapi:// as root: the same directory.
run --root "$root" --ldap-uri "$SLAPD_LDAPI" --ldap-sasl-external --ldap-base dc=example,dc=org \
	--format json
expect_rc 1 "SASL EXTERNAL"
check_directory_facts "SASL EXTERNAL"

# StartTLS, the server's certificate checked against the test CA.
run --root "$root" --ldap-uri "ldap://127.0.0.1:$SLAPD_PORT" --ldap-starttls --ldap-ca "$dir/ca.pem" \
	--ldap-bind-dn "$binddn" --ldap-password-file "$tmp/pw" --format json
expect_rc 1 "StartTLS"
check_directory_facts "StartTLS"

# --ldap: the directory the host's own sssd.conf names (StartTLS, its CA file
# inside the root, its bind DN); the password it keeps there is not read.
hostroot=$tmp/hostroot
cp -a "$root" "$hostroot"
mkdir -p "$hostroot/etc/sssd" "$hostroot/etc/ssl"
cp "$dir/ca.pem" "$hostroot/etc/ssl/directory-ca.pem"
cat >"$hostroot/etc/sssd/sssd.conf" <<SSSD_EOF
[sssd]
services = nss, pam, sudo
domains = example.org

[domain/example.org]
id_provider = ldap
ldap_uri = ldap://127.0.0.1:$SLAPD_PORT
ldap_search_base = dc=example,dc=org
ldap_default_bind_dn = $binddn
ldap_default_authtok = host-kept-secret
ldap_id_use_start_tls = true
ldap_tls_cacert = /etc/ssl/directory-ca.pem
SSSD_EOF
chmod 600 "$hostroot/etc/sssd/sssd.conf"
run --root "$hostroot" --ldap
expect_rc 2 "--ldap without the password"
has "$err" "binds as $binddn with a password in /etc/sssd/sssd.conf" "--ldap without the password"
run --root "$hostroot" --ldap --ldap-password-file "$tmp/pw" --format json
expect_rc 1 "--ldap from sssd.conf"
check_directory_facts "--ldap from sssd.conf"
json_check "--ldap from sssd.conf" \
	'any("the host'"'"'s own, from /etc/sssd/sssd.conf:7 (sssd domain example.org)" in n for n in d["notes"])'
grep -q host-kept-secret "$tmp/out" "$tmp/err" && fail "--ldap: the host's password is in the output"
# A host whose configuration names no server: exit 2, and what to give instead.
run --root "$root" --ldap
expect_rc 2 "--ldap, no server named"
has "$err" "give --ldap-uri" "--ldap, no server named"

# ldaps://, the same CA.
run --root "$root" --ldap-uri "ldaps://127.0.0.1:$SLAPD_TLS_PORT" --ldap-ca "$dir/ca.pem" \
	--ldap-bind-dn "$binddn" --ldap-password-file "$tmp/pw" --format json
expect_rc 1 "ldaps"
check_directory_facts "ldaps"

# StartTLS with a CA that did not sign the certificate: refused, exit 2.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=other \
	-keyout "$tmp/other.key" -out "$tmp/other.pem" >/dev/null 2>&1
run --root "$root" --ldap-uri "ldap://127.0.0.1:$SLAPD_PORT" --ldap-starttls --ldap-ca "$tmp/other.pem" \
	--ldap-bind-dn "$binddn" --ldap-password-file "$tmp/pw"
expect_rc 2 "StartTLS, wrong CA"
has "$err" "StartTLS" "StartTLS, wrong CA"
[[ -z $out ]] || fail "StartTLS, wrong CA: a report was printed"

# A wrong password: exit 2, the server's answer, no password in the message.
printf 'not-the-password\n' >"$tmp/badpw"
chmod 600 "$tmp/badpw"
run --root "$root" --ldap-uri "$uri" --ldap-bind-dn "$binddn" --ldap-password-file "$tmp/badpw"
expect_rc 2 "wrong password"
has "$err" "bind as cn=auditor,dc=example,dc=org: Invalid credentials (49)" "wrong password"
grep -q not-the-password <<<"$err$out" && fail "wrong password: the password is in the output"

# A password file others may read is refused before anything is sent.
chmod 644 "$tmp/badpw"
run --root "$root" --ldap-uri "$uri" --ldap-bind-dn "$binddn" --ldap-password-file "$tmp/badpw"
expect_rc 2 "readable password file"
has "$err" "chmod 600" "readable password file"

# An anonymous bind may read nothing here (slapd hides even the base): exit 2.
run --root "$root" --ldap-uri "$uri" --ldap-base dc=example,dc=org
expect_rc 2 "anonymous, empty view"
has "$err" "search for users under dc=example,dc=org: No such object (32)" "anonymous, empty view"
# A base the bind may read that holds no users: no users is an error, not "covered".
run --root "$root" --ldap-uri "$uri" --ldap-bind-dn "$binddn" --ldap-password-file "$tmp/pw" \
	--ldap-base ou=SUDOers,dc=example,dc=org
expect_rc 2 "no users under the base"
has "$err" "no user entries under ou=SUDOers,dc=example,dc=org" "no users under the base"

# --- FreeIPA and OATH-LDAP: a second factor the directory enforces ---------------
# pam_sss is the sudo stack's only check: it is two factors for the users whose
# directory wants a code with the password, one for the others.
run --root "$here/root-ipa" --ldap-uri "$SLAPD_LDAPI" --ldap-sasl-external \
	--ldap-base ou=ipa,dc=example,dc=org --format json
expect_rc 1 "FreeIPA / OATH-LDAP"
json_check "FreeIPA / OATH-LDAP" \
	'[u for u in ("frank", "gina", "hank", "ivy", "jo", "olga", "oscar") if paths[("sudo", "sudo", u)]["covered"]] == ["frank", "ivy", "olga"]' \
	'any("FreeIPA: ipaUserAuthType otp without password (the user" in v and "t-frank" in v for v in acc["frank"]["enrolled_in"])' \
	'any("(cn=ipaConfig,ou=ipa,dc=example,dc=org)" in v and "t-ivy" in v for v in acc["ivy"]["enrolled_in"])' \
	'any("OATH-LDAP: token cn=olga-yubikey" in v for v in acc["olga"]["enrolled_in"])' \
	'not acc["gina"]["enrolled"] and not acc["hank"]["enrolled"] and not acc["jo"]["enrolled"] and not acc["oscar"]["enrolled"]'
grep -q -e c2VjcmV0LW5vdC1yZWFk -e secret-not-read "$tmp/out" && fail "FreeIPA: a token secret is in the report"

# --- Active Directory: primaryGroupID, memberOf nesting, disabled, computers -----
run --root "$root" --ldap-uri "$SLAPD_LDAPI" --ldap-sasl-external --ldap-base ou=ad,dc=example,dc=org \
	--admin-group "Domain Admins" --admin-group "Server Admins" --format json
expect_rc 0 "Active Directory"
json_check "Active Directory" \
	'any(v.startswith("member of Domain Admins (ldap primaryGroupID;") for v in acc["ann"]["admin_via"])' \
	'any(v.startswith("member of Server Admins (ldap: nested through Helpdesk;") for v in acc["ben"]["admin_via"])' \
	'"cid" in acc and not acc["cid"]["can_login"] and acc["ann"]["can_login"]' \
	'"SRV1$" not in acc' \
	'acc["dee"]["uid"] is None and acc["ann"]["uid"] == 4001' \
	'any("4 users and 4 groups read" in n for n in d["notes"])'

# --- servers that are not there ---------------------------------------------------
# Down: the port is closed.
closed=$(_slapd_free_port)
run --root "$root" --ldap-uri "ldap://127.0.0.1:$closed" --ldap-timeout 3
expect_rc 2 "server down"
has "$err" "Can't contact LDAP server" "server down"

# Never answers: a listener that accepts and stays silent.  The timeout ends it
# (the outer `timeout` only keeps a broken build from hanging the suite).
hole=$(_slapd_free_port)
python3 -c 'import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)' "$hole" &
blackhole_pid=$!
sleep 0.3
"$audit" --root "$root" --ldap-uri "ldap://127.0.0.1:$hole" --ldap-timeout 2 >"$tmp/out" 2>"$tmp/err" &
apid=$!
if ! timeout 60 tail --pid="$apid" -f /dev/null; then
	kill "$apid" 2>/dev/null
	fail "silent server: still waiting after 60 s"
fi
wait "$apid"
rc=$?
err=$(cat "$tmp/err")
expect_rc 2 "silent server"
has "$err" "anonymous bind" "silent server"

# --- the same directory from an LDIF export ------------------------------------------
# ldapsearch -y takes the file whole, newline included: give it one without.
printf 'auditor-secret' >"$tmp/pw-nonl"
chmod 600 "$tmp/pw-nonl"
ldapsearch -LLL -o ldif-wrap=no -x -H "$uri" -D "$binddn" -y "$tmp/pw-nonl" -b dc=example,dc=org \
	>"$tmp/export.ldif" || fail "ldapsearch export"
run --root "$root" --ldap-ldif "$tmp/export.ldif" --format json
expect_rc 1 "LDIF export"
check_directory_facts "LDIF export"

# A malformed LDIF: exit 2, the file and line.
printf 'dn: uid=x,dc=example,dc=org\nobjectClass: posixAccount\nno colon here\n' >"$tmp/bad.ldif"
run --root "$root" --ldap-ldif "$tmp/bad.ldif"
expect_rc 2 "malformed LDIF"
has "$err" "$tmp/bad.ldif:3" "malformed LDIF"

# Usage: server options without a server, both binds, an LDIF with a server.
for bad in "--ldap-starttls" "--ldap-bind-dn x" "--ldap-uri $uri --ldap-bind-dn x" \
	"--ldap-uri $uri --ldap-sasl-external --ldap-bind-dn x --ldap-password-file $tmp/pw" \
	"--ldap-ldif $tmp/bad.ldif --ldap-uri $uri" "--ldap-uri $uri --ldap-timeout 0" \
	"--ldap-ldif $tmp/bad.ldif --ldap" "--ldap-password-file $tmp/pw"; do
	# shellcheck disable=SC2086
	run --root "$root" $bad
	expect_rc 64 "usage '$bad'"
done
slapd_stop "$dir"

# --- 10 000 users, paged past the 500-entry size limit ---------------------------------
big=$tmp/big
mkdir -p "$big"
slapd_init "$big" dc=example,dc=org || exit 1
python3 - "$big/users.ldif" <<'PY_EOF'
import sys
n = 10000
with open(sys.argv[1], "w") as f:
    for i in range(n):
        f.write(f"dn: uid=u{i:05d},ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\n"
                f"objectClass: posixAccount\nuid: u{i:05d}\ncn: u{i:05d}\nsn: u\n"
                f"uidNumber: {10000 + i}\ngidNumber: 5000\nhomeDirectory: /home/u{i:05d}\n"
                f"loginShell: /bin/bash\n\n")
    f.write("dn: cn=staff,ou=groups,dc=example,dc=org\nobjectClass: posixGroup\ncn: staff\n"
            "gidNumber: 5000\n\n")
    # The last user of the last page is the admin: paging must reach it.
    f.write("dn: cn=wheel,ou=groups,dc=example,dc=org\nobjectClass: groupOfNames\ncn: wheel\n"
            f"member: uid=u{n - 1:05d},ou=people,dc=example,dc=org\n\n")
PY_EOF
slapd_load "$big" "$here/data/base.ldif" "$big/users.ldif" || exit 1
slapd_start "$big" || exit 1
# Without paging the server stops at 500: ldapsearch shows the limit is real.
if ldapsearch -x -H "ldap://127.0.0.1:$SLAPD_PORT" -D "$binddn" -y "$tmp/pw-nonl" \
	-b dc=example,dc=org '(objectClass=posixAccount)' dn >/dev/null 2>&1; then
	fail "10 000 users: the server has no size limit, paging is not tested"
fi
run --root "$root" --ldap-uri "ldap://127.0.0.1:$SLAPD_PORT" --ldap-bind-dn "$binddn" \
	--ldap-password-file "$tmp/pw" --format json
expect_rc 0 "10 000 users" # the admin's only path, pam:other, denies
json_check "10 000 users" \
	'any("10000 users and 2 groups read" in n for n in d["notes"])' \
	'any("member of wheel (ldap member;" in v for v in acc["u09999"]["admin_via"])' \
	'"u09998" not in acc'
slapd_stop "$big"

if ((fails > 0)); then
	echo "$fails check(s) failed" >&2
	exit 1
fi
echo "all LDAP audit checks passed"
