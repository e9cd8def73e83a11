#!/usr/bin/env bash
# test_examples.sh MFACOVER_AUDIT EXAMPLES_DIR DEBIAN_DATA_DIR
#
# Installs every file of examples/ into a test root the way an admin would -
# the pam-auth-update profile through Debian's real pam-auth-update, run in a
# private mount namespace over copies of /etc/pam.d and /usr/share/pam-configs -
# and requires mfacover-audit to find every admin path of that root covered.
# The machine's own configuration is never touched.
set -uo pipefail
audit=$1 examples=$2 debian=$3

if [[ ${MFACOVER_IN_NS:-} != 1 ]]; then
	if ! unshare --mount --propagation private true 2>/dev/null; then
		echo "SKIP: the kernel refuses a private mount namespace here" >&2
		exit 77
	fi
	exec env MFACOVER_IN_NS=1 unshare --mount --propagation private "$0" "$@"
fi

command -v pam-auth-update >/dev/null || {
	echo "FAIL: pam-auth-update is missing (Debian package libpam-runtime)" >&2
	exit 1
}
work=$(mktemp -d /tmp/mfacover-examples-XXXXXX)
trap 'rm -rf "$work"' EXIT
fails=0
fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

# --- the pam-auth-update profile, by Debian's own tool ---------------------
mkdir -p "$work/pam.d" "$work/pam-configs" "$work/var-lib-pam"
cp -a /etc/pam.d/. "$work/pam.d/"
cp -a /usr/share/pam-configs/. "$work/pam-configs/"
cp "$examples/pam-auth-update/mfacover" "$work/pam-configs/mfacover"
mount --bind "$work/pam.d" /etc/pam.d
mount --bind "$work/pam-configs" /usr/share/pam-configs
mount --bind "$work/var-lib-pam" /var/lib/pam
DEBIAN_FRONTEND=noninteractive pam-auth-update --enable mfacover --force >"$work/pau.log" 2>&1 ||
	fail "pam-auth-update failed: $(cat "$work/pau.log")"
grep -q 'pam_mfacover.so' /etc/pam.d/common-auth || fail "common-auth has no pam_mfacover line"
# Additional modules come after the primary block's pam_permit: required there.
awk '/pam_permit.so/ {p = NR} /pam_mfacover.so/ {m = NR} END {exit !(p && m > p)}' \
	/etc/pam.d/common-auth || fail "pam_mfacover is not after pam_permit in common-auth"
grep -qE '^auth[[:space:]]+required[[:space:]]+pam_mfacover.so' /etc/pam.d/common-auth ||
	fail "pam_mfacover is not 'required' in common-auth"

# --- a root with every example installed -------------------------------------
root=$work/root
mkdir -p "$root/etc/pam.d" "$root/etc/ssh/sshd_config.d" "$root/etc/sudoers.d" \
	"$root/etc/openvpn/server" "$root/var/lib/mfacover"
cp -a /etc/pam.d/. "$root/etc/pam.d/"
for f in sshd sudo su openvpn radiusd; do
	cp "$examples/pam.d/$f" "$root/etc/pam.d/$f"
done
cp "$debian/etc/ssh/sshd_config" "$root/etc/ssh/sshd_config"
cp "$examples/sshd_config.d/50-mfacover.conf" "$root/etc/ssh/sshd_config.d/"
cp "$debian/etc/sudoers" "$root/etc/sudoers"
cp "$examples/sudoers.d/mfacover-admins" "$root/etc/sudoers.d/"
cp "$examples/openvpn/server.conf" "$root/etc/openvpn/server/server.conf"
printf 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\n' \
	>"$root/etc/passwd"
printf 'root:x:0:\nsudo:x:27:alice\nalice:x:1000:\n' >"$root/etc/group"
echo examplehost >"$root/etc/hostname"
touch "$root/var/lib/mfacover/root" "$root/var/lib/mfacover/alice"

"$audit" --root "$root" --format json >"$work/report.json" 2>"$work/err"
rc=$?
[[ $rc -eq 0 ]] || fail "mfacover-audit exit status $rc, want 0 (all covered)"
python3 - "$work/report.json" <<'PY' || fail "report checks"
import json, sys
r = json.load(open(sys.argv[1]))
def path(kind, service, account):
    ps = [p for p in r["paths"] if p["kind"] == kind and p["service"] == service and p["account"] == account]
    assert ps, (kind, service, account)
    return ps
for want in [("ssh", "sshd", "root"), ("ssh", "sshd", "alice"), ("sudo", "sudo", "alice"),
             ("su", "su", "root"), ("login", "login", "root"), ("vpn", "openvpn", "*"),
             ("pam", "radiusd", "alice"), ("pam", "other", "root")]:
    for p in path(*want):
        assert p["covered"], (want, p["reason"])
gaps = [(p["kind"], p["service"], p["account"], p["reason"]) for p in r["paths"] if p["admin_path"] and not p["covered"]]
assert not gaps, gaps
assert r["verdict"] == "covered"
PY

# Without the drop-in, Debian's sshd_config lets a key alone in: a gap.
rm "$root/etc/ssh/sshd_config.d/50-mfacover.conf"
"$audit" --root "$root" --format json >"$work/report2.json" 2>/dev/null
[[ $? -eq 1 ]] || fail "without the sshd drop-in the audit should find gaps"

echo "examples: $((fails == 0 ? 1 : 0)) of 1 passed"
((fails == 0))
