#!/usr/bin/env bash
# test_cli.sh MFACOVER_AUDIT DATA_DIR
# Runs the built mfacover-audit on test roots and checks facts in its output,
# its exit codes and its error messages.
set -uo pipefail
audit=$1
data=$2
fails=0
tmp=$(mktemp -d /tmp/mfacover-cli-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

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

has() { # has TEXT NEEDLE WHAT
	grep -qF -- "$2" <<<"$1" || fail "$3: missing '$2'"
}

lacks() {
	if grep -qF -- "$2" <<<"$1"; then fail "$3: unexpected '$2'"; fi
}

# --- version, help, usage errors ----------------------------------------------
run --version
expect_rc 0 "--version"
grep -qE '^mfacover-audit [0-9]+\.[0-9]+\.[0-9]+$' <<<"$out" || fail "--version prints '$out'"

run --help
expect_rc 0 "--help"
for opt in --root --format --output --admin-group --mfa-module --help --version; do
	has "$out" "$opt" "--help"
done

for bad in "--bogus" "--format xml" "--root" "-x" "extra-arg" "--output"; do
	# shellcheck disable=SC2086
	run $bad
	expect_rc 64 "bad usage '$bad'"
	has "$err" "usage: mfacover-audit" "bad usage '$bad'"
	[[ -z $out ]] || fail "bad usage '$bad' printed on stdout"
done

# --- Debian 12 defaults: no second factor anywhere --------------------------
deb=$data/pam/debian12-default
run --root "$deb"
expect_rc 2 "debian12 text"
has "$out" "service sshd" "debian12"
has "$out" "  file: /etc/pam.d/sshd (from /etc/pam.d)" "debian12"
has "$out" "/etc/pam.d/sshd:4            @include common-auth" "debian12"
has "$out" "/etc/pam.d/common-auth:17    auth [success=1 default=ignore] pam_unix.so nullok" \
	"debian12"
has "$out" "fact: no second-factor module in its auth stack" "debian12"
has "$out" "verdict: not determined" "debian12"
has "$out" "sshd_config" "debian12 lists what is not evaluated"
n=$(grep -c '^service ' <<<"$out")
[[ $n -eq 19 ]] || fail "debian12: $n services, expected 19"
n=$(grep -c 'fact: no second-factor module in its auth stack' <<<"$out")
[[ $n -eq 19 ]] || fail "debian12: $n services without a second factor, expected 19"
if grep -qiw covered <<<"$out"; then fail "debian12: the report says 'covered'"; fi
[[ -z $err ]] || fail "debian12: stderr not empty without a terminal: $err"

# chpasswd has no auth line of its own
sed -n '/^service chpasswd$/,/^service /p' <<<"$out" >"$tmp/chpasswd"
grep -qF 'none of its own; Linux-PAM uses the "other" service' "$tmp/chpasswd" ||
	fail "chpasswd: fallback to other not reported"

# --- JSON: parses, and carries the same facts -------------------------------
run --root "$deb" --format json --admin-group sudo --admin-group wheel
expect_rc 2 "debian12 json"
python3 -m json.tool "$tmp/out" >/dev/null || fail "json does not parse"
python3 - "$tmp/out" <<'EOF' || fail "json facts"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["tool"] == "mfacover-audit", r["tool"]
assert r["verdict"] == "not determined", r["verdict"]
assert r["exit_status"] == 2
assert r["admin_groups"] == ["sudo", "wheel"], r["admin_groups"]
assert r["pam"]["source"] == "pam.d"
svc = {s["name"]: s for s in r["pam"]["services"]}
assert len(svc) == 19, len(svc)
sshd = svc["sshd"]
assert sshd["file"] == "/etc/pam.d/sshd" and sshd["origin"] == "/etc/pam.d"
assert sshd["second_factor_in_auth"] is False
assert sshd["facts"] == ["no second-factor module in its auth stack"]
a = sshd["auth"]
assert [(e["file"], e["line"], e["depth"]) for e in a] == [
    ("/etc/pam.d/sshd", 4, 0), ("/etc/pam.d/common-auth", 17, 1),
    ("/etc/pam.d/common-auth", 19, 1), ("/etc/pam.d/common-auth", 23, 1),
    ("/etc/pam.d/common-auth", 25, 1)], a
assert a[0]["kind"] == "@include" and a[0]["target"] == "common-auth"
assert a[1]["control"] == "[success=1 default=ignore]" and a[1]["args"] == ["nullok"]
assert svc["chpasswd"]["auth_from_other"] is True
EOF

# --output writes the file, not stdout
run --root "$deb" --format json --output "$tmp/report.json"
expect_rc 2 "--output"
[[ -z $out ]] || fail "--output: stdout not empty"
python3 -m json.tool "$tmp/report.json" >/dev/null || fail "--output file is not JSON"

# --- RHEL 9 with pam_u2f: a second factor appears; missing include noted ----
run --root "$data/pam/rhel9-sssd-u2f-2fa"
expect_rc 2 "rhel9 u2f"
has "$out" "/etc/pam.d/password-auth:3   auth required pam_u2f.so cue nouserok   <- second-factor module" \
	"rhel9 u2f"
has "$out" "/etc/pam.d/sshd:4            auth include postlogin   (file not found" "rhel9 u2f"
lacks "$out" "fact: no second-factor module" "rhel9 u2f"
if grep -qiw covered <<<"$out"; then fail "rhel9 u2f: the report says 'covered'"; fi

run --root "$data/pam/rhel9-sssd-u2f-2fa" --format json
python3 - "$tmp/out" <<'EOF' || fail "rhel9 json facts"
import json, sys
r = json.load(open(sys.argv[1]))
s = {s["name"]: s for s in r["pam"]["services"]}["sshd"]
assert s["second_factor_in_auth"] is True
assert s["facts"] == []
u2f = [e for e in s["auth"] if e.get("module") == "pam_u2f.so"]
assert len(u2f) == 1 and u2f[0]["second_factor"] is True and u2f[0]["line"] == 3
miss = [e for e in s["auth"] if e.get("target") == "postlogin"]
assert len(miss) == 1 and miss[0]["target_missing"] is True
EOF

run --root "$data/pam/totp-jumpcontainer"
expect_rc 2 "totp"
has "$out" "pam_google_authenticator.so echo_verification_code grace_period=57600 nullok   <- second-factor module" \
	"totp"

# --- --mfa-module adds a module --------------------------------------------
mkdir -p "$tmp/custom/etc/pam.d"
printf 'auth required pam_unix.so\nauth required /lib/security/pam_sitetoken.so\n' \
	>"$tmp/custom/etc/pam.d/login"
run --root "$tmp/custom"
has "$out" "fact: no second-factor module in its auth stack" "custom without --mfa-module"
run --root "$tmp/custom" --mfa-module pam_sitetoken.so
expect_rc 2 "custom"
lacks "$out" "fact: no second-factor module" "custom with --mfa-module"
has "$out" "pam_sitetoken.so   <- second-factor module" "custom with --mfa-module"

# --- malformed and unreadable files: file:line: reason, exit 2 ---------------
mkdir -p "$tmp/bad/etc/pam.d"
printf '# sshd\nauth required pam_unix.so\nauth requird pam_x.so\n' >"$tmp/bad/etc/pam.d/sshd"
printf 'auth [success=ok default=ignore pam_y.so\n' >"$tmp/bad/etc/pam.d/sudo"
run --root "$tmp/bad"
expect_rc 2 "malformed"
has "$err" "$tmp/bad/etc/pam.d/sshd:3: unknown control \"requird\"" "malformed"
has "$err" "$tmp/bad/etc/pam.d/sudo:1: unterminated '[' in the control" "malformed"
[[ -z $out ]] || fail "malformed: a report was printed"
run --root "$tmp/bad" --format json
expect_rc 2 "malformed json"
[[ -z $out ]] || fail "malformed json: a report was printed"

mkdir -p "$tmp/cycle/etc/pam.d"
printf 'auth include b\n' >"$tmp/cycle/etc/pam.d/a"
printf 'auth include a\n' >"$tmp/cycle/etc/pam.d/b"
run --root "$tmp/cycle"
expect_rc 2 "cycle"
has "$err" "$tmp/cycle/etc/pam.d/b:1: include cycle: /etc/pam.d/a:1 -> /etc/pam.d/b:1 -> /etc/pam.d/a" \
	"cycle"

mkdir -p "$tmp/fifo/etc/pam.d"
mkfifo "$tmp/fifo/etc/pam.d/sshd"
run --root "$tmp/fifo"
expect_rc 2 "fifo"
has "$err" "$tmp/fifo/etc/pam.d/sshd: not a regular file" "fifo"

run --root "$tmp/does-not-exist"
expect_rc 2 "missing root"
has "$err" "root $tmp/does-not-exist" "missing root"

mkdir -p "$tmp/empty/etc"
run --root "$tmp/empty"
expect_rc 2 "no pam config"
has "$err" "no PAM configuration" "no pam config"

if ((fails)); then
	echo "mfacover-audit CLI: $fails failure(s)" >&2
	exit 1
fi
echo "mfacover-audit CLI: all checks passed"
