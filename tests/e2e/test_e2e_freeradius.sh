#!/usr/bin/env bash
# test_e2e_freeradius.sh MODULE ENROLL AUDIT
#
# pam_mfacover behind the real FreeRADIUS 3.2 (Debian packages freeradius and
# freeradius-utils), rlm_pam, with the code appended to the password, end to
# end, and mfacover-audit on a root assembled from the very same files.
#
# FreeRADIUS: a private copy of Debian's /etc/freeradius/3.0, bind-mounted
# over the real one, with examples/freeradius/pam installed verbatim as
# mods-available/pam and enabled by the symlink its comments give, and the
# default site changed only as those comments say: `update control {
# &Auth-Type := PAM }` at the end of authorize and `Auth-Type PAM { pam }` in
# authenticate.  Beyond that the copy listens on 127.0.0.1 at a random port,
# has one client (127.0.0.1, a random secret) and runs as root: the
# `user = freerad` / `group = freerad` lines of radiusd.conf are commented out
# (why: see case 2).  /etc/pam.d/radiusd is examples/pam.d/radiusd verbatim,
# which loads the module by its relative name: /usr/lib/x86_64-linux-gnu/security
# (Debian 12's libpam looks in /lib/x86_64-linux-gnu/security, the same
# directory through the usrmerge /lib link) is replaced in the namespace by a
# tmpfs mirror that adds the built pam_mfacover.so.
#
#   1. radiusd as root, `radtest USER PASSWORD+CODE 127.0.0.1:PORT 0 SECRET`
#      (PAP): right code -> Access-Accept; wrong code -> Access-Reject; the
#      same right code again (replay) -> Access-Reject; a wrong password with
#      a fresh valid code -> Access-Reject (the module accepts the code,
#      pam_unix refuses the password).  The module's log lines say
#      result=success / fail / replay / success.
#   2. radiusd as freerad (Debian's stock user/group): the right password and
#      code are refused, because the central store (root-owned, 0700) can be
#      read only by a process running as root; the module logs why
#      (reason=state_unusable: the store directory, Permission denied).  So
#      with the central store radiusd must run as root, as
#      examples/freeradius/pam says.
#   3. mfacover-audit on a root with the same pam.d/radiusd (and an `other`
#      that denies), passwd/group (the test user is in sudo: an admin) and
#      store: the `pam radiusd` path of the test user is covered, exit 0; a
#      twin with nullok and the user's token revoked is a gap, exit 1.
#
# Isolation: the script re-executes itself under
# `unshare --mount --net --propagation private` (lo up); inside, copies of
# /etc/passwd, /etc/group, /etc/shadow (with the test user), /etc/pam.d and
# /etc/freeradius/3.0 are bind-mounted over the real ones, a root-owned 0700
# store over /var/lib/mfacover, and /dev/log is our own receiver.  The real
# files' checksums are compared before and after.
#
# Exit: 0 pass, 1 fail, 77 skip (only when the kernel refuses the namespaces).
set -uo pipefail
# shellcheck source=tests/lib/check.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh"
# shellcheck source=tests/lib/mount.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/mount.sh"

module=$1 enroll=$2 audit=$3
RADDB=/etc/freeradius/3.0
SECDIR=/usr/lib/x86_64-linux-gnu/security # = /lib/x86_64-linux-gnu/security (usrmerge)
self=$(readlink -f "$0")
src=$(cd "$(dirname "$self")/../.." && pwd)
py=python3
[[ -x /usr/bin/python3 ]] && py=/usr/bin/python3

# --- outside the namespace -------------------------------------------------------
if [[ ${MFACOVER_E2E_FREERADIUS_INNER:-} != 1 ]]; then
	need() { # need COMMAND PACKAGE
		if ! command -v "$1" >/dev/null 2>&1; then
			echo "FAIL: $1 not found: install the Debian package $2 (add it to scripts/setup)" >&2
			exit 1
		fi
	}
	need freeradius freeradius
	need radtest freeradius-utils
	need radclient freeradius-utils
	need oathtool oathtool
	need openssl openssl
	need python3 python3
	need ip iproute2
	need unshare util-linux
	for f in "$RADDB/radiusd.conf" "$RADDB/sites-available/default" "$RADDB/mods-available/pam"; do
		[[ -f $f ]] || { echo "FAIL: $f not found: install the Debian package freeradius" >&2; exit 1; }
	done
	[[ -f /usr/lib/freeradius/rlm_pam.so ]] ||
		{ echo "FAIL: /usr/lib/freeradius/rlm_pam.so not found: install the Debian package freeradius" >&2; exit 1; }
	[[ -f $SECDIR/pam_unix.so ]] || { echo "FAIL: $SECDIR/pam_unix.so not found (libpam-modules)" >&2; exit 1; }
	for f in "$module" "$enroll" "$audit" "$src/examples/freeradius/pam" "$src/examples/pam.d/radiusd"; do
		[[ -e $f ]] || { echo "FAIL: $f does not exist" >&2; exit 1; }
	done
	if ! unshare --mount --net --propagation private true 2>/dev/null; then
		echo "SKIP: the kernel refuses a private mount and network namespace (unshare --mount --net: not root, or namespaces disabled)" >&2
		exit 77
	fi
	real_state() {
		sha256sum /etc/passwd /etc/group /etc/shadow
		local d
		for d in /etc/pam.d /etc/freeradius "$SECDIR"; do
			echo "== $d"
			(cd "$d" && find . -printf '%p %m %U %G %y %l\n' | sort &&
				find . -type f -exec sha256sum {} + | sort)
		done
		ls -ld --time-style=+ /var/lib/mfacover /dev/log 2>&1
		# radiusd -X logs to stdout and writes no pid file: nothing new here.
		find /var/log/freeradius /run/freeradius -printf '%p %m %U %s %T@\n' 2>/dev/null | sort
	}
	before=$(real_state)
	MFACOVER_E2E_FREERADIUS_INNER=1 unshare --mount --net --propagation private -- "$self" "$@"
	rc=$?
	after=$(real_state)
	if [[ $before != "$after" ]]; then
		echo "FAIL: the machine's passwd/group/shadow, /etc/pam.d, /etc/freeradius, $SECDIR or /var/lib/mfacover changed:" >&2
		diff <(echo "$before") <(echo "$after") >&2
		exit 1
	fi
	exit "$rc"
fi

# --- inside the private mount and network namespace ------------------------------
t_start=${EPOCHREALTIME/./}
elapsed() { # seconds since the start, to a tenth
	local d=$(((${EPOCHREALTIME/./} - t_start) / 100000))
	echo "$((d / 10)).$((d % 10))"
}

work=$(mktemp -d /tmp/mfacover-e2e-freeradius-XXXXXX)
chmod 700 "$work"
server_pid='' syslog_pid=''
cleanup() {
	for p in $server_pid $syslog_pid; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	# Only our own files: never descend into a mount point.
	if [[ -n ${KEEP_E2E_WORK:-} ]]; then echo "kept $work" >&2; else rm -rf --one-file-system "$work"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
mount --make-rprivate / || { echo "FAIL: mount --make-rprivate /" >&2; exit 1; }

ip link set lo up || {
	echo "FAIL: cannot bring lo up in the network namespace" >&2
	exit 1
}

USER_NAME=raduser
USER_UID=4344
PASSWORD='Rad pass-42'
SECRET1=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
RADSECRET=$(openssl rand -hex 12)
port=$((20000 + RANDOM % 20000))

# --- the test world: accounts, PAM services, store ----------------------------------
root=$work/root # also the root mfacover-audit reads
mkdir -p "$root/etc/pam.d" "$root/var/lib/mfacover" "$work/pam.d"
chmod 755 "$root" "$root/etc" "$root/var" "$root/var/lib"
chmod 700 "$root/var/lib/mfacover"
cp -p /etc/passwd /etc/group /etc/shadow "$root/etc/"
hash=$(openssl passwd -6 "$PASSWORD")
echo "$USER_NAME:x:$USER_UID:$USER_UID:RADIUS test user:/nonexistent:/usr/sbin/nologin" >>"$root/etc/passwd"
echo "$USER_NAME:x:$USER_UID:" >>"$root/etc/group"
echo "$USER_NAME:$hash:$(($(date +%s) / 86400)):0:99999:7:::" >>"$root/etc/shadow"
# An admin: a member of sudo (mfacover-audit's default admin groups).
if grep -q '^sudo:' "$root/etc/group"; then
	sed -i -E "s/^(sudo:[^:]*:[^:]*:)(.+)\$/\1\2,$USER_NAME/; s/^(sudo:[^:]*:[^:]*:)\$/\1$USER_NAME/" "$root/etc/group"
else
	echo "sudo:x:27:$USER_NAME" >>"$root/etc/group"
fi
cp -a /etc/pam.d/. "$work/pam.d/"
cp "$src/examples/pam.d/radiusd" "$work/pam.d/radiusd"
cp "$src/examples/pam.d/radiusd" "$root/etc/pam.d/radiusd"
# The audit root's `other`: deny, so the only way in is radiusd.
printf 'auth required pam_deny.so\naccount required pam_deny.so\npassword required pam_deny.so\nsession required pam_deny.so\n' \
	>"$root/etc/pam.d/other"

for f in passwd group shadow; do
	mount --bind "$root/etc/$f" "/etc/$f" || { echo "FAIL: bind mount over /etc/$f" >&2; exit 1; }
done
mount --bind "$work/pam.d" /etc/pam.d || { echo "FAIL: bind mount over /etc/pam.d" >&2; exit 1; }

# The PAM module directory with the built module added (never the real one).
mirror_dir "$SECDIR" "$(mktemp -d "$work/stage-XXXXXX")" pam_mfacover.so &&
	install -m 644 "$module" "$SECDIR/pam_mfacover.so" ||
	{ echo "FAIL: cannot add pam_mfacover.so to a mirror of $SECDIR" >&2; exit 1; }
# The store: /var/lib/mfacover, made a mount point when the machine has none.
if [[ ! -d /var/lib/mfacover ]]; then
	{ mirror_dir /var/lib "$(mktemp -d "$work/stage-XXXXXX")" mfacover && mkdir -m 700 /var/lib/mfacover; } ||
		{ echo "FAIL: cannot provide /var/lib/mfacover in the namespace" >&2; exit 1; }
fi
mount --bind "$root/var/lib/mfacover" /var/lib/mfacover ||
	{ echo "FAIL: bind mount over /var/lib/mfacover" >&2; exit 1; }
# A /dev/log of our own: the module's pam_syslog lines, one per decision.
syslog=$work/syslog
: >"$syslog"
mirror_dir /dev "$(mktemp -d "$work/stage-XXXXXX")" log || { echo "FAIL: cannot mirror /dev in the namespace" >&2; exit 1; }
"$py" - "$syslog" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
os.chmod("/dev/log", 0o666)
with open(sys.argv[1], "ab", buffering=0) as f:
    while True:
        f.write(s.recv(65536).rstrip(b"\0\n") + b"\n")
PY
syslog_pid=$!
for ((i = 0; i < 50; i++)); do
	[[ -S /dev/log ]] && break
	sleep 0.1
done
[[ -S /dev/log ]] || { echo "FAIL: the /dev/log receiver did not start" >&2; exit 1; }
expect "test user visible through NSS" "$USER_UID" "$(id -u "$USER_NAME" 2>/dev/null)"
check "test user in sudo through NSS" bash -c "id -nG $USER_NAME | grep -qw sudo"

# --- FreeRADIUS: a private copy of /etc/freeradius/3.0 ------------------------------
raddb=$work/raddb
cp -a "$RADDB/." "$raddb/" || { echo "FAIL: cannot copy $RADDB" >&2; exit 1; }
# The example, verbatim, enabled as its comments say.
rm -f "$raddb/mods-available/pam" "$raddb/mods-enabled/pam"
cp "$src/examples/freeradius/pam" "$raddb/mods-available/pam"
ln -s ../mods-available/pam "$raddb/mods-enabled/pam"
chown -h --reference="$RADDB/mods-available" "$raddb/mods-available/pam" "$raddb/mods-enabled/pam"
# One client: 127.0.0.1 with a random secret.
cat >"$raddb/clients.conf" <<EOF
client mfacover-e2e {
	ipaddr = 127.0.0.1
	secret = $RADSECRET
	require_message_authenticator = no
}
EOF
# The default site (the file sites-enabled/default points to): the example's
# two additions, and its listeners on 127.0.0.1 at our ports (IPv6 ones removed).
"$py" - "$raddb/sites-available/default" "$port" <<'PY' || { echo "FAIL: cannot edit the default site" >&2; exit 1; }
import re, sys
path, port = sys.argv[1], int(sys.argv[2])
lines = open(path).read().split("\n")
out, depth, block, section, n_listen = [], 0, None, None, 0
added_authz = added_authn = False
def code(l):
    return l.split("#", 1)[0]
for l in lines:
    c = code(l)
    opens, closes = c.count("{"), c.count("}")
    if depth == 1 and re.match(r"^\s*listen\s*\{", c):
        block = [l]
        depth += opens - closes
        continue
    if block is not None:
        block.append(l)
        depth += opens - closes
        if depth == 1:
            text = "\n".join(block)
            if not any(re.match(r"^\s*ipv6addr\s*=", code(b)) for b in block):  # IPv4 ones
                text = re.sub(r"(?m)^(\s*)ipaddr\s*=\s*\*", r"\1ipaddr = 127.0.0.1", text)
                text = re.sub(r"(?m)^(\s*)port\s*=\s*0\b", r"\1port = %d" % (port + n_listen), text)
                n_listen += 1
                out.append(text)
            block = None
        continue
    if depth == 1 and re.match(r"^\s*(authorize|authenticate)\s*\{", c):
        section = c.split("{")[0].strip()
        out.append(l)
        if section == "authenticate":
            out += ["\tAuth-Type PAM {", "\t\tpam", "\t}"]
            added_authn = True
        depth += opens - closes
        continue
    if depth == 2 and section == "authorize" and closes and c.strip() == "}":
        out += ["\tupdate control {", "\t\t&Auth-Type := PAM", "\t}"]
        added_authz = True
    depth += opens - closes
    if depth <= 1:
        section = None
    out.append(l)
assert added_authz and added_authn and n_listen == 2, (added_authz, added_authn, n_listen)
open(path, "w").write("\n".join(out))
PY
# As root (the central store needs it): Debian's user/group lines commented out.
cp -p "$raddb/radiusd.conf" "$work/radiusd.conf.freerad"
sed -i -E 's/^(\s*)(user|group) = freerad\b/\1#\2 = freerad/' "$raddb/radiusd.conf"
grep -Eq '^\s*(user|group)\s*=' "$raddb/radiusd.conf" && fail "radiusd.conf still sets user or group"
mount --bind "$raddb" "$RADDB" || { echo "FAIL: bind mount over $RADDB" >&2; exit 1; }

server_runs=0 server_log=''
start_server() { # start_server: radiusd in the foreground, debug log to a file
	local log=$work/radiusd.$((++server_runs)).log i
	freeradius -X >"$log" 2>&1 &
	server_pid=$!
	for ((i = 0; i < 150; i++)); do
		grep -q "Ready to process requests" "$log" 2>/dev/null && { server_log=$log; return 0; }
		kill -0 "$server_pid" 2>/dev/null || break
		sleep 0.1
	done
	tail -60 "$log" >&2
	fail "radiusd did not start"
	server_pid=''
	return 1
}
stop_server() {
	[[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
	server_pid=''
}

# radius PASSWORD: sets $result to Access-Accept, Access-Reject or NONE.
radius() {
	local out=$work/radtest.$((++radtests)).out
	radtest "$USER_NAME" "$1" "127.0.0.1:$port" 0 "$RADSECRET" >"$out" 2>&1
	result=$(sed -n 's/^Received \(Access-[A-Za-z]*\) .*/\1/p' "$out" | head -1)
	[[ -n $result ]] || { result=NONE; cat "$out" >&2; tail -40 "$server_log" >&2; }
}
radtests=0

enroll_user() { # enroll_user SECRET
	"$enroll" --store /var/lib/mfacover --user "$USER_NAME" --secret "$1" --no-confirm --force \
		--format json </dev/null >"$work/enroll.json" 2>"$work/enroll.err"
	expect "enroll $USER_NAME" 0 $?
	expect "state file in the store (root, 0600)" "600 0" "$(stat -c '%a %u' "$root/var/lib/mfacover/$USER_NAME" 2>&1)"
}
code_now() { oathtool --totp -b "$1"; }
wrong_code() {
	local s=$1 now valid c
	now=$(date +%s)
	valid=" $(oathtool --totp -b --now="@$((now - 30))" "$s") $(oathtool --totp -b --now="@$now" "$s") $(oathtool --totp -b --now="@$((now + 30))" "$s") $(oathtool --totp -b --now="@$((now + 60))" "$s") "
	for c in 000000 111111 222222; do
		[[ $valid != *" $c "* ]] && { echo "$c"; return; }
	done
}
# expect_log DESCRIPTION REGEX: the module's latest radiusd log line matches.
expect_log() {
	local line
	line=$(grep -a "pam_mfacover(radiusd:auth):" "$syslog" | tail -1)
	if [[ $line =~ $2 ]]; then ok; else fail "$1: last pam_mfacover(radiusd:auth) line '$line' does not match /$2/"; fi
}
log_lines() { grep -ac "pam_mfacover(radiusd:auth):" "$syslog"; }
failures() { # the failure count in the user's state file, as mfacover-enroll lists it
	"$enroll" --store /var/lib/mfacover list --user "$USER_NAME" --format json 2>&1 |
		"$py" -c 'import json,sys; print(json.load(sys.stdin)["tokens"][0]["failures"])' 2>&1
}

# ================= 1. radiusd as root: PAP, password + appended code ================
enroll_user "$SECRET1"
if start_server; then
	echo "$(sed -n 's/^\(FreeRADIUS Version [^,]*\).*/\1/p' "$server_log" | head -1), rlm_pam, udp 127.0.0.1:$port, as root" >&2
	check "radiusd loaded the example's pam module" grep -q 'pam_auth = "radiusd"' "$server_log"
	code=$(code_now "$SECRET1")
	radius "$PASSWORD$code"
	expect "password + right code" Access-Accept "$result"
	expect "failures after a success" 0 "$(failures)"
	expect_log "right code" \
		"user=$USER_NAME service=radiusd .*factor=totp result=success reason=accepted\$"
	check "the request went through rlm_pam" grep -q 'pam: Using pamauth string "radiusd"' "$server_log"
	n=$(log_lines)
	radius "$PASSWORD$(wrong_code "$SECRET1")"
	expect "password + wrong code" Access-Reject "$result"
	expect "the module counted the wrong code" 1 "$(failures)"
	expect_log "wrong code" 'result=fail reason=wrong_code failures=1$'
	expect "one module decision per request (no retransmission reached PAM)" $((n + 1)) "$(log_lines)"
	radius "$PASSWORD$code"
	expect "the same code again (replay)" Access-Reject "$result"
	expect "the module counted the replay" 2 "$(failures)"
	expect_log "replay" 'result=replay reason=code_already_used failures=2$'
	# A wrong password with an unused code (the next step's, inside window=1):
	# the module accepts the code, pam_unix refuses the password.
	radius "Wrong pass-42$(oathtool --totp -b --now="@$(($(date +%s) + 30))" "$SECRET1")"
	expect "wrong password + fresh valid code" Access-Reject "$result"
	expect_log "wrong password, the code itself was right" 'result=success reason=accepted$'
	check "pam_unix did not refuse the wrong password" \
		grep -aq "pam_unix(radiusd:auth): authentication failure.*user=$USER_NAME" "$syslog"
	stop_server
fi
echo "radiusd as root done at $(elapsed) s" >&2

# ================= 2. radiusd as freerad: the central store needs root =============
cp -p "$work/radiusd.conf.freerad" "$raddb/radiusd.conf"
if start_server; then
	check "radiusd did not switch to freerad" bash -c "ps -o user= -p $server_pid | grep -qx freerad"
	radius "$PASSWORD$(oathtool --totp -b --now="@$(($(date +%s) + 60))" "$SECRET1")"
	expect "as freerad: password + right code" Access-Reject "$result"
	expect_log "as freerad: the store is unreadable" \
		"user=$USER_NAME service=radiusd .*result=fail reason=state_unusable detail=\"/var/lib/mfacover: cannot open the store directory: Permission denied\"\$"
	stop_server
fi
echo "radiusd as freerad done at $(elapsed) s" >&2

# ================= 3. mfacover-audit on the same files ===============================
# audit_root WANT_EXIT WANT_COVERED DESCRIPTION
audit_root() {
	local want_exit=$1 want_covered=$2 desc=$3 rc got
	"$audit" --root "$root" --format json >"$work/audit.json" 2>"$work/audit.err"
	rc=$?
	expect "$desc: mfacover-audit exit status" "$want_exit" "$rc"
	got=$("$py" - "$work/audit.json" "$USER_NAME" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
match = [p for p in report["paths"] if p["kind"] == "pam" and p["service"] == "radiusd"
         and p["account"] == sys.argv[2]]
if len(match) != 1:
    print("pam radiusd paths: %r" % [(p["kind"], p["service"], p["account"]) for p in report["paths"]])
else:
    p = match[0]
    print("covered=%s admin_path=%s" % (str(p["covered"]).lower(), str(p["admin_path"]).lower()))
PY
)
	expect "$desc: pam radiusd path of $USER_NAME" "covered=$want_covered admin_path=true" "$got"
	if [[ $got != "covered=$want_covered admin_path=true" || $rc != "$want_exit" ]]; then
		cat "$work/audit.err" >&2
		"$py" -m json.tool "$work/audit.json" >&2 2>/dev/null
	fi
}
cmp -s "$src/examples/pam.d/radiusd" "$root/etc/pam.d/radiusd" || fail "the audit root's pam.d/radiusd is not the example"
audit_root 0 true "as run"
sed -i 's|input=append|input=append nullok|' "$root/etc/pam.d/radiusd"
"$enroll" --store /var/lib/mfacover revoke --user "$USER_NAME" --no-confirm </dev/null >"$work/revoke.out" 2>&1 ||
	fail "revoke $USER_NAME: $(cat "$work/revoke.out")"
[[ -e $root/var/lib/mfacover/$USER_NAME ]] && fail "the state file is still there after revoke"
audit_root 1 false "twin: nullok, $USER_NAME unenrolled"
check "twin: the report does not name nullok" grep -q "nullok" "$work/audit.json"

echo "freeradius e2e: $checks checks passed, $fails failed, $(elapsed) s" >&2
((fails == 0))
