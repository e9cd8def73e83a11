#!/usr/bin/env bash
# test_e2e_openvpn.sh MODULE ENROLL AUDIT
#
# pam_mfacover behind the real OpenVPN 2.6 server and client (Debian package
# openvpn, its openvpn-plugin-auth-pam.so), end to end, and mfacover-audit on
# a root assembled from the very same files:
#
#   1. appended code: the client's auth-user-pass password is PASSWORD+CODE,
#      the stack is `pam_mfacover input=append` then `pam_unix use_first_pass`.
#      Right code: connected; wrong code: AUTH_FAILED; the same code again
#      (replay): AUTH_FAILED.
#   2. static challenge: the client has `static-challenge "Verification code" 0`
#      and answers it through its management interface (`password "Auth"
#      "SCRV1:<b64 password>:<b64 code>"`, management-notes.txt).  The 2.6.14
#      client has no other non-interactive way: with `auth-user-pass FILE` it
#      takes user and password from the file (a third line is ignored) and
#      asks for the response on the terminal, and without one it exits
#      ("can't ask for 'CHALLENGE: Verification code'", fatal error).
#      Right code: connected; wrong code and replay: AUTH_FAILED.
#
# What reaches PAM from a static challenge (OpenVPN 2.6.14, checked below, not
# assumed): the auth-pam plugin's background process runs
# split_scrv1_password() on every password that starts with "SCRV1:" before
# it calls pam_start(), whether or not its plugin line maps a name to OTP.
# PAM modules never see the SCRV1 string: a prompt answered with PASSWORD gets
# the decoded password, one answered with OTP the decoded response.  Hence:
#   (a) plugin "SERVICE login USERNAME password PASSWORD" with
#       `pam_mfacover input=openvpn` cannot work: the module asks "Password: ",
#       receives the plain password and refuses it as not SCRV1 (checked:
#       AUTH_FAILED with the right code, and a pam_exec probe records that the
#       answer to "Password: " is the plain password, not "SCRV1:...").
#   (b) plugin "SERVICE login USERNAME password PASSWORD verification OTP" with
#       `pam_unix.so` first (it asks "Password: ", answered with PASSWORD, and
#       sets PAM_AUTHTOK) and then `pam_mfacover input=prompt
#       [prompt=Verification code: ]` (answered with OTP) works: the tested
#       path.  pam_mfacover first and `pam_unix use_first_pass` second does not
#       work with input=prompt: the module does not set PAM_AUTHTOK, so
#       use_first_pass finds nothing.
#   With a name/value list the plugin calls pam_start() without a user, so the
#   first module's pam_get_user() "login: " prompt must be answered by "login".
#
# Isolation: the script re-executes itself under
# `unshare --mount --net --propagation private`; inside, copies of
# /etc/passwd, /etc/group, /etc/shadow (with the test user vpnuser) and of
# /etc/pam.d (with the test services) are bind-mounted over the real ones,
# and a root-owned 0700 store over /var/lib/mfacover.  Where a mount point is
# missing (/var/lib/mfacover, /dev/log), the directory is replaced in the
# namespace by a tmpfs that shows its entries through bind mounts; /dev/log is
# our own receiver, so the module's log lines are checked too.  Server and
# client use real tun devices (OpenVPN 2.6 refuses `--dev null` in a server)
# and talk over 127.0.0.1 in the private network namespace.  The real files'
# checksums are compared before and after.
#
# Exit: 0 pass, 1 fail, 77 skip (only when the kernel refuses the namespaces).
set -uo pipefail
# shellcheck source=tests/lib/check.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh"
# shellcheck source=tests/lib/mount.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/mount.sh"

module=$1 enroll=$2 audit=$3
PLUGIN=/usr/lib/x86_64-linux-gnu/openvpn/plugins/openvpn-plugin-auth-pam.so
self=$(readlink -f "$0")
# Debian's python3 (package python3) when present: a pyenv shim first in PATH
# costs ~0.5 s a start, and this script starts python a dozen times.
py=python3
[[ -x /usr/bin/python3 ]] && py=/usr/bin/python3

# --- outside the namespace -------------------------------------------------------
if [[ ${MFACOVER_E2E_OPENVPN_INNER:-} != 1 ]]; then
	need() { # need COMMAND PACKAGE
		if ! command -v "$1" >/dev/null 2>&1; then
			echo "FAIL: $1 not found: install the Debian package $2 (add it to scripts/setup)" >&2
			exit 1
		fi
	}
	need openvpn openvpn
	need oathtool oathtool
	need openssl openssl
	need python3 python3
	need ip iproute2
	need unshare util-linux
	if [[ ! -f $PLUGIN ]]; then
		echo "FAIL: $PLUGIN not found: install the Debian package openvpn" >&2
		exit 1
	fi
	for f in "$module" "$enroll" "$audit"; do
		[[ -e $f ]] || { echo "FAIL: $f does not exist" >&2; exit 1; }
	done
	if ! unshare --mount --net --propagation private true 2>/dev/null; then
		echo "SKIP: the kernel refuses a private mount and network namespace (unshare --mount --net: not root, or namespaces disabled)" >&2
		exit 77
	fi
	real_state() {
		sha256sum /etc/passwd /etc/group /etc/shadow
		(cd /etc/pam.d && find . -printf '%p %m %U %y\n' | sort && find . -type f -exec sha256sum {} + | sort)
		ls -ld --time-style=+ /var/lib/mfacover /dev/log 2>&1
	}
	before=$(real_state)
	MFACOVER_E2E_OPENVPN_INNER=1 unshare --mount --net --propagation private -- "$self" "$@"
	rc=$?
	after=$(real_state)
	if [[ $before != "$after" ]]; then
		echo "FAIL: the machine's /etc/passwd, /etc/group, /etc/shadow, /etc/pam.d or /var/lib/mfacover changed:" >&2
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

work=$(mktemp -d /tmp/mfacover-e2e-openvpn-XXXXXX)
chmod 700 "$work"
server_pid='' client_pid='' syslog_pid=''
cleanup() {
	for p in $client_pid $server_pid $syslog_pid; do
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

USER_NAME=vpnuser
USER_UID=4343
PASSWORD='Vpn pass-42'
SECRET1=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
SECRET2=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ

# --- the test world: accounts, PAM services, store ----------------------------------
root=$work/root # also the root mfacover-audit reads
mkdir -p "$root/etc/pam.d" "$root/etc/openvpn/server" "$root/var/lib/mfacover" "$work/pam.d"
chmod 755 "$root" "$root/etc" "$root/var" "$root/var/lib"
chmod 700 "$root/var/lib/mfacover"
cp -p /etc/passwd /etc/group /etc/shadow "$root/etc/"
hash=$(openssl passwd -6 "$PASSWORD")
echo "$USER_NAME:x:$USER_UID:$USER_UID:VPN test user:/nonexistent:/usr/sbin/nologin" >>"$root/etc/passwd"
echo "$USER_NAME:x:$USER_UID:" >>"$root/etc/group"
echo "$USER_NAME:$hash:$(($(date +%s) / 86400)):0:99999:7:::" >>"$root/etc/shadow"
cp -a /etc/pam.d/. "$work/pam.d/"

# A service file is written into the live /etc/pam.d copy and into the audit root.
pam_service() { # pam_service NAME < lines
	cat >"$work/pam.d/$1"
	cp "$work/pam.d/$1" "$root/etc/pam.d/$1"
}
# The audit root's `other`: deny, so the only ways in are the VPN services.
printf 'auth required pam_deny.so\naccount required pam_deny.so\npassword required pam_deny.so\nsession required pam_deny.so\n' \
	>"$root/etc/pam.d/other"

for f in passwd group shadow; do
	mount --bind "$root/etc/$f" "/etc/$f" || { echo "FAIL: bind mount over /etc/$f" >&2; exit 1; }
done
mount --bind "$work/pam.d" /etc/pam.d || { echo "FAIL: bind mount over /etc/pam.d" >&2; exit 1; }

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

enroll_user() { # enroll_user SECRET (replaces the token: a fresh replay floor)
	"$enroll" --store /var/lib/mfacover --user "$USER_NAME" --secret "$1" --no-confirm --force \
		--format json </dev/null >"$work/enroll.json" 2>"$work/enroll.err"
	expect "enroll $USER_NAME" 0 $?
	expect "state file in the store (root, 0600)" "600 0" "$(stat -c '%a %u' "$root/var/lib/mfacover/$USER_NAME" 2>&1)"
}

# --- certificates: a throwaway CA, EC keys, `--dh none` --------------------------
pki=$work/pki
mkdir "$pki"
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
{
	openssl req -x509 "${ec[@]}" -keyout "$pki/ca.key" -out "$pki/ca.crt" -days 2 \
		-subj /CN=mfacover-e2e-ca -addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign &&
		openssl req -x509 "${ec[@]}" -keyout "$pki/server.key" -out "$pki/server.crt" -days 2 \
			-subj /CN=mfacover-e2e-server -CA "$pki/ca.crt" -CAkey "$pki/ca.key" \
			-addext basicConstraints=CA:FALSE -addext keyUsage=critical,digitalSignature \
			-addext extendedKeyUsage=serverAuth &&
		openssl req -x509 "${ec[@]}" -keyout "$pki/client.key" -out "$pki/client.crt" -days 2 \
			-subj /CN=mfacover-e2e-client -CA "$pki/ca.crt" -CAkey "$pki/ca.key" \
			-addext basicConstraints=CA:FALSE -addext keyUsage=critical,digitalSignature \
			-addext extendedKeyUsage=clientAuth
} >"$work/openssl.log" 2>&1 || { cat "$work/openssl.log" >&2; echo "FAIL: certificates" >&2; exit 1; }

# A tun device.  OpenVPN's null device is no fallback: 2.6 refuses it in a
# server ("Options error: --mode server only works with --dev tun or --dev tap").
if ! { ip tuntap add dev mfatest0 mode tun && ip tuntap del dev mfatest0 mode tun; } 2>"$work/tun.err"; then
	echo "FAIL: no tun device in the network namespace ($(cat "$work/tun.err")): the OpenVPN server needs /dev/net/tun" >&2
	exit 1
fi

port=$((20000 + RANDOM % 20000))
mport=$((port + 1))

# server_conf NAME PLUGIN_ARGS [EXTRA LINE...] : the config file's path
server_conf() {
	local name=$1 args=$2 conf=$work/server-$1.conf
	shift 2
	{
		echo "# mfacover e2e test server ($name)"
		echo "port $port"
		echo "proto udp4"
		echo "local 127.0.0.1"
		echo "dev tun"
		echo "topology subnet"
		echo "server 10.234.0.0 255.255.255.0"
		echo "ca $pki/ca.crt"
		echo "cert $pki/server.crt"
		echo "key $pki/server.key"
		echo "dh none"
		echo "plugin $PLUGIN \"$args\""
		# verb 4: the plugin logs each PAM prompt and the name that answered it
		# (not the values).  `setenv verb 9` with verb 3, as README.auth-pam
		# suggests, shows nothing in 2.6.14.
		echo "verb 4"
		printf '%s\n' "$@"
	} >"$conf"
	echo "$conf"
}

start_server() { # start_server CONF
	local log=$work/server.$((++server_runs)).log i
	openvpn --config "$1" --log "$log" >/dev/null 2>&1 &
	server_pid=$!
	for ((i = 0; i < 100; i++)); do
		grep -q "Initialization Sequence Completed" "$log" 2>/dev/null && { server_log=$log; return 0; }
		kill -0 "$server_pid" 2>/dev/null || break
		sleep 0.1
	done
	cat "$log" >&2
	fail "the OpenVPN server did not start ($1)"
	return 1
}
stop_server() {
	[[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
	server_pid=''
}
server_runs=0 client_runs=0

# client_conf NAME [EXTRA LINE...] : the client config's path
client_conf() {
	local conf=$work/client-$1.conf
	shift
	{
		echo "client"
		echo "dev tun"
		echo "proto udp4"
		echo "remote 127.0.0.1 $port"
		echo "nobind"
		echo "ca $pki/ca.crt"
		echo "cert $pki/client.crt"
		echo "key $pki/client.key"
		echo "remote-cert-tls server"
		echo "auth-retry none"
		echo "connect-retry-max 1"
		echo "hand-window 10"
		echo "verb 3"
		echo "route-noexec"
		printf '%s\n' "$@"
	} >"$conf"
	echo "$conf"
}

# run_client CONF [MGMT_PASSWORD]: sets $result to CONNECTED, AUTH_FAILED, EXITED
# or TIMEOUT.  With MGMT_PASSWORD, answers the client's management password
# query with it.
run_client() {
	local conf=$1 log=$work/client.$((++client_runs)).log i mgmt_pid=''
	result=TIMEOUT
	openvpn --config "$conf" --log "$log" >/dev/null 2>&1 &
	client_pid=$!
	if [[ $# -ge 2 ]]; then
		"$py" - "$mport" "$USER_NAME" "$2" >"$work/mgmt.$client_runs.out" 2>&1 <<'PY' &
import socket, sys, time
port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
deadline = time.time() + 15
while True:
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=1)
        break
    except OSError:
        if time.time() > deadline:
            sys.exit("no management interface")
        time.sleep(0.05)
s.settimeout(15)
f = s.makefile("rwb", buffering=0)
for raw in f:
    line = raw.decode(errors="replace").rstrip("\r\n")
    if line.startswith(">PASSWORD:Need 'Auth' username/password"):
        print(line)  # the static challenge as the client announces it
        f.write(('username "Auth" "%s"\n' % user).encode())
        f.write(('password "Auth" "%s"\n' % password).encode())
    elif line.startswith("SUCCESS: 'Auth' password"):
        print(line)
        break
    elif line.startswith("ERROR"):
        print(line)
        break
PY
		mgmt_pid=$!
	fi
	for ((i = 0; i < 200; i++)); do
		kill -0 "$client_pid" 2>/dev/null || result=EXITED # the log is complete then
		if grep -q "Initialization Sequence Completed" "$log" 2>/dev/null; then
			result=CONNECTED
		elif grep -q "AUTH: Received control message: AUTH_FAILED" "$log" 2>/dev/null; then
			result=AUTH_FAILED
		fi
		[[ $result != TIMEOUT ]] && break
		sleep 0.1
	done
	kill "$client_pid" 2>/dev/null
	wait "$client_pid" 2>/dev/null
	client_pid=''
	if [[ -n $mgmt_pid ]]; then
		kill "$mgmt_pid" 2>/dev/null
		wait "$mgmt_pid" 2>/dev/null
	fi
	if [[ $result != CONNECTED && $result != AUTH_FAILED ]]; then
		{
			echo "--- client log ($conf)"
			cat "$log"
			echo "--- server log"
			cat "$server_log"
		} >&2
	fi
}

# Codes valid now (window 1) and one that is none of them.
code_now() { oathtool --totp -b "$1"; }
wrong_code() {
	local s=$1 now valid c
	now=$(date +%s)
	valid=" $(oathtool --totp -b --now="@$((now - 30))" "$s") $(oathtool --totp -b --now="@$now" "$s") $(oathtool --totp -b --now="@$((now + 30))" "$s") $(oathtool --totp -b --now="@$((now + 60))" "$s") "
	for c in 000000 111111 222222; do
		[[ $valid != *" $c "* ]] && { echo "$c"; return; }
	done
}
b64() { printf '%s' "$1" | base64 -w0; }
# expect_log DESCRIPTION SERVICE REGEX: the module's latest log line for SERVICE matches.
expect_log() {
	local line
	line=$(grep -a "pam_mfacover($2:auth):" "$syslog" | tail -1)
	if [[ $line =~ $3 ]]; then ok; else fail "$1: last pam_mfacover($2:auth) line '$line' does not match /$3/"; fi
}
failures() { # the failure count in the user's state file, as mfacover-enroll lists it
	"$enroll" --store /var/lib/mfacover list --user "$USER_NAME" --format json 2>&1 |
		"$py" -c 'import json,sys; print(json.load(sys.stdin)["tokens"][0]["failures"])' 2>&1
}

# audit_root WANT_EXIT SERVICE WANT_COVERED DESCRIPTION: mfacover-audit on $root
audit_root() {
	local want_exit=$1 service=$2 want_covered=$3 desc=$4 rc got
	"$audit" --root "$root" --format json >"$work/audit.json" 2>"$work/audit.err"
	rc=$?
	expect "$desc: mfacover-audit exit status" "$want_exit" "$rc"
	got=$("$py" - "$work/audit.json" "$service" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
paths = [p for p in report["paths"] if p["kind"] == "vpn"]
match = [p for p in paths if p["service"] == sys.argv[2] and p["account"] == "*"]
if len(match) != 1:
    print("vpn paths: %r" % [(p["service"], p["account"]) for p in paths])
else:
    p = match[0]
    print("covered=%s admin_path=%s" % (str(p["covered"]).lower(), str(p["admin_path"]).lower()))
PY
)
	expect "$desc: vpn path" "covered=$want_covered admin_path=true" "$got"
	if [[ $got != "covered=$want_covered admin_path=true" || $rc != "$want_exit" ]]; then
		cat "$work/audit.err" >&2
		"$py" -m json.tool "$work/audit.json" >&2 2>/dev/null
	fi
}

echo "$(openvpn --version | head -1 | cut -d' ' -f1-2), dev tun, udp $port, management tcp $mport" >&2

# ================= 1. appended code: input=append, then pam_unix use_first_pass =====
enroll_user "$SECRET1"
pam_service openvpn-append <<EOF
auth required $module store=/var/lib/mfacover input=append
auth required pam_unix.so use_first_pass
account required pam_permit.so
EOF
conf=$(server_conf append "openvpn-append login USERNAME password PASSWORD")
if start_server "$conf"; then
	cconf=$(client_conf append "auth-user-pass $work/up-append")
	code=$(code_now "$SECRET1")
	printf '%s\n%s\n' "$USER_NAME" "$PASSWORD$code" >"$work/up-append"
	chmod 600 "$work/up-append"
	run_client "$cconf"
	expect "append: password + right code" CONNECTED "$result"
	expect "append: failures after a success" 0 "$(failures)"
	expect_log "append: right code" openvpn-append \
		'user=vpnuser service=openvpn-append rhost=127\.0\.0\.1 .*factor=totp result=success reason=accepted$'
	check "append: the plugin did not answer the module's Password: prompt" \
		grep -q "name match found, query/match-string \['Password: ', 'password'\] = 'PASSWORD'" "$server_log"
	printf '%s\n%s\n' "$USER_NAME" "$PASSWORD$(wrong_code "$SECRET1")" >"$work/up-append"
	run_client "$cconf"
	expect "append: password + wrong code" AUTH_FAILED "$result"
	expect "append: the module counted the wrong code" 1 "$(failures)"
	expect_log "append: wrong code" openvpn-append 'result=fail reason=wrong_code failures=1$'
	printf '%s\n%s\n' "$USER_NAME" "$PASSWORD$code" >"$work/up-append"
	run_client "$cconf"
	expect "append: the same code again (replay)" AUTH_FAILED "$result"
	expect "append: the module counted the replay" 2 "$(failures)"
	expect_log "append: replay" openvpn-append 'result=replay reason=code_already_used failures=2$'
	# A wrong password with an unused code (the next step's, inside window=1):
	# the module accepts the code, pam_unix refuses the password.
	printf '%s\n%s\n' "$USER_NAME" "Wrong pass-42$(oathtool --totp -b --now="@$(($(date +%s) + 30))" "$SECRET1")" \
		>"$work/up-append"
	run_client "$cconf"
	expect "append: wrong password + unused code" AUTH_FAILED "$result"
	expect_log "append: wrong password, the code itself was right" openvpn-append 'result=success reason=accepted$'
	check "append: pam_unix did not refuse the wrong password" \
		grep -aq 'pam_unix(openvpn-append:auth): authentication failure' "$syslog"
	stop_server
fi
echo "appended code done at $(elapsed) s" >&2

# The same configuration, audited: covered; then weakened twins are gaps.
rm -f "$root/etc/pam.d/openvpn-"* "$root/etc/openvpn/server/"*.conf
cp "$work/pam.d/openvpn-append" "$root/etc/pam.d/"
cp "$conf" "$root/etc/openvpn/server/append.conf"
audit_root 0 openvpn-append true "append, as run"
sed -i 's|input=append|input=append nullok|' "$root/etc/pam.d/openvpn-append"
echo "verify-client-cert none" >>"$root/etc/openvpn/server/append.conf"
audit_root 1 openvpn-append false "append twin: nullok, verify-client-cert none"
check "append twin: the report does not name nullok" grep -q "nullok" "$work/audit.json"
cp "$work/pam.d/openvpn-append" "$root/etc/pam.d/"
sed -i '/^plugin /d' "$root/etc/openvpn/server/append.conf"
printf 'script-security 2\nauth-user-pass-verify /bin/true via-env\n' >>"$root/etc/openvpn/server/append.conf"
audit_root 1 openvpn false "append twin: auth-user-pass-verify script instead of the plugin"

# ================= 2. static challenge (SCRV1) ==========================================
enroll_user "$SECRET2"
sc_client=$(client_conf scrv1 "auth-user-pass" "static-challenge \"Verification code\" 0" \
	"management 127.0.0.1 $mport" "management-query-passwords")

# (a) the raw SCRV1 string is never passed to PAM: a probe service records what
# the answer to a "Password: " prompt is; then input=openvpn refuses it.
cat >"$work/probe.sh" <<EOF
#!/bin/bash
# pam_exec's stdin is the password followed by a NUL byte.
IFS= read -r -d '' pw
case "\$pw" in
SCRV1:*) echo scrv1 ;;
'$PASSWORD') echo plain-password ;;
*) echo other ;;
esac >"$work/probe.out"
EOF
chmod 700 "$work/probe.sh"
pam_service openvpn-probe <<EOF
auth optional pam_exec.so expose_authtok $work/probe.sh
auth required pam_deny.so
account required pam_permit.so
EOF
conf=$(server_conf probe "openvpn-probe login USERNAME password PASSWORD")
if start_server "$conf"; then
	code=$(code_now "$SECRET2")
	run_client "$sc_client" "SCRV1:$(b64 "$PASSWORD"):$(b64 "$code")"
	expect "probe: the stack ends in pam_deny" AUTH_FAILED "$result"
	expect "probe: OpenVPN 2.6 hands PAM the decoded password, not SCRV1" plain-password \
		"$(cat "$work/probe.out" 2>&1)"
	check "probe: the plugin did not log that it split the SCRV1 password" \
		grep -q "parsed static challenge password" "$server_log"
	stop_server
fi
pam_service openvpn-scr <<EOF
auth required $module store=/var/lib/mfacover input=openvpn
auth required pam_unix.so use_first_pass
account required pam_permit.so
EOF
conf=$(server_conf scr "openvpn-scr login USERNAME password PASSWORD")
if start_server "$conf"; then
	code=$(code_now "$SECRET2")
	run_client "$sc_client" "SCRV1:$(b64 "$PASSWORD"):$(b64 "$code")"
	expect "input=openvpn behind the 2.6 plugin: refused even with the right code" AUTH_FAILED "$result"
	expect_log "input=openvpn: the module got no SCRV1 string" openvpn-scr \
		'result=fail reason=malformed_scrv1_input detail="input does not start with SCRV1:"$'
	stop_server
fi

# (b) the tested path: the plugin answers "verification" with OTP.
pam_service openvpn-otp <<EOF
auth required pam_unix.so
auth required $module store=/var/lib/mfacover input=prompt [prompt=Verification code: ]
account required pam_permit.so
EOF
conf=$(server_conf otp "openvpn-otp login USERNAME password PASSWORD verification OTP")
if start_server "$conf"; then
	code=$(code_now "$SECRET2")
	run_client "$sc_client" "SCRV1:$(b64 "$PASSWORD"):$(b64 "$code")"
	expect "static challenge: right code" CONNECTED "$result"
	expect "static challenge: failures after a success" 0 "$(failures)"
	expect_log "static challenge: right code" openvpn-otp \
		'user=vpnuser service=openvpn-otp rhost=127\.0\.0\.1 .*factor=totp result=success reason=accepted$'
	check "the client did not announce the static challenge: $(cat "$work/mgmt.$client_runs.out")" \
		grep -q "SC:0,Verification code" "$work/mgmt.$client_runs.out"
	check "the plugin did not answer the module's prompt with OTP" grep -q \
		"name match found, query/match-string \['Verification code: ', 'verification'\] = 'OTP'" "$server_log"
	run_client "$sc_client" "SCRV1:$(b64 "$PASSWORD"):$(b64 "$(wrong_code "$SECRET2")")"
	expect "static challenge: wrong code" AUTH_FAILED "$result"
	expect "static challenge: the module counted the wrong code" 1 "$(failures)"
	expect_log "static challenge: wrong code" openvpn-otp 'result=fail reason=wrong_code failures=1$'
	run_client "$sc_client" "SCRV1:$(b64 "$PASSWORD"):$(b64 "$code")"
	expect "static challenge: the same code again (replay)" AUTH_FAILED "$result"
	expect "static challenge: the module counted the replay" 2 "$(failures)"
	expect_log "static challenge: replay" openvpn-otp 'result=replay reason=code_already_used failures=2$'
	stop_server
fi
echo "static challenge done at $(elapsed) s" >&2

rm -f "$root/etc/pam.d/openvpn-"* "$root/etc/openvpn/server/"*.conf
cp "$work/pam.d/openvpn-otp" "$root/etc/pam.d/"
cp "$conf" "$root/etc/openvpn/server/otp.conf"
audit_root 0 openvpn-otp true "static challenge, as run"
sed -i 's|input=prompt|input=prompt nullok|' "$root/etc/pam.d/openvpn-otp"
echo "verify-client-cert none" >>"$root/etc/openvpn/server/otp.conf"
audit_root 1 openvpn-otp false "static challenge twin: nullok, verify-client-cert none"

echo "openvpn e2e: $checks checks passed, $fails failed, $(elapsed) s" >&2
((fails == 0))
