#!/usr/bin/env bash
# test_cli.sh MFACOVER_AUDIT DATA_DIR
# Runs the built mfacover-audit on test roots and checks facts in its output,
# its exit codes and its error messages.
set -uo pipefail
# shellcheck source=tests/lib/check.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh"
audit=$1
data=$2
tmp=$(mktemp -d /tmp/mfacover-cli-XXXXXX)
trap 'rm -rf "$tmp"' EXIT


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



# --- version, help, usage errors ----------------------------------------------
run --version
expect_rc 0 "--version"
grep -qE '^mfacover-audit [0-9]+\.[0-9]+\.[0-9]+$' <<<"$out" || fail "--version prints '$out'"

run --help
expect_rc 0 "--help"
for opt in --root --format --output --admin-group --mfa-module --help --version; do
	has "$out" "$opt" "--help"
done

for bad in "--bogus" "--format xml" "--format HTML" "--root" "-x" "extra-arg" "--output"; do
	# shellcheck disable=SC2086
	run $bad
	expect_rc 64 "bad usage '$bad'"
	has "$err" "usage: mfacover-audit" "bad usage '$bad'"
	[[ -z $out ]] || fail "bad usage '$bad' printed on stdout"
done

# --- Debian 12 defaults: no second factor anywhere --------------------------
deb=$data/pam/debian12-default
run --root "$deb"
expect_rc 1 "debian12 text"
has "$out" "verdict: GAPS" "debian12"
has "$out" "  root (uid 0): uid 0" "debian12"
has "$out" "/etc/pam.d/common-auth:17: auth [success=1 default=ignore] pam_unix.so nullok -> PAM_SUCCESS -> jump 1" \
	"debian12 witness"
has "$out" "publickey alone logs in: one factor" "debian12 ssh"
has "$out" "services that open no access" "debian12 chfn and friends"
lacks "$out" "verdict: COVERED" "debian12"
[[ -z $err ]] || fail "debian12: stderr not empty without a terminal: $err"

# --- JSON: parses, and carries the documented schema ------------------------
run --root "$deb" --format json --admin-group sudo --admin-group wheel
expect_rc 1 "debian12 json"
python3 -m json.tool "$tmp/out" >/dev/null || fail "json does not parse"
python3 - "$tmp/out" <<'EOF' || fail "json facts"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["schema"] == "mfacover-audit/1", r["schema"]
assert r["verdict"] == "gaps", r["verdict"]
assert [a["name"] for a in r["accounts"]] == ["root"], r["accounts"]
a = r["accounts"][0]
assert a["uid"] == 0 and a["source"] == "local" and a["enrolled"] is False
assert a["admin_via"] == ["uid 0"], a["admin_via"]
kinds = {(p["kind"], p["service"]) for p in r["paths"] if p["admin_path"]}
for k in [("ssh", "sshd"), ("login", "login"), ("su", "su"), ("pam", "other")]:
    assert k in kinds, (k, kinds)
for p in r["paths"]:
    assert set(p) >= {"kind", "service", "account", "covered", "reason", "evidence",
                      "second_factor", "phishing_resistant", "ssh_keys"}, p
    for e in p["evidence"]:
        assert set(e) == {"file", "line", "text"}, e
    if p["admin_path"]:
        assert p["covered"] is False, p
    if not p["covered"]:
        assert p["second_factor"] == "none" and p["phishing_resistant"] is False, p
chfn = [p for p in r["paths"] if p["service"] == "chfn"]
assert chfn and chfn[0]["admin_path"] is False
ids = {f["id"] for f in r["findings"]}
assert "gap.ssh" in ids and "gap.login" in ids, ids
EOF

# host, date and every file read with its SHA-256, which sha256sum under the root confirms.
python3 - "$tmp/out" "$deb" <<'EOF' || fail "json host, date, files"
import hashlib, json, re, sys
r = json.load(open(sys.argv[1]))
root = sys.argv[2]
assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r["date"]), r["date"]
assert "host" in r, r.keys()
paths = [f["path"] for f in r["files"]]
assert paths == sorted(paths) and len(set(paths)) == len(paths), paths
for p in ["/etc/pam.d/common-auth", "/etc/ssh/sshd_config", "/etc/sudoers"]:
    assert p in paths, (p, paths)
for f in r["files"]:
    assert set(f) == {"path", "size", "sha256", "changed"}, f
    data = open(root + f["path"], "rb").read()
    assert f["sha256"] == hashlib.sha256(data).hexdigest() and f["size"] == len(data), f
    assert f["changed"] is False, f
EOF

# --output writes the file, not stdout
run --root "$deb" --format json --output "$tmp/report.json"
expect_rc 1 "--output"
[[ -z $out ]] || fail "--output: stdout not empty"
python3 -m json.tool "$tmp/report.json" >/dev/null || fail "--output file is not JSON"
[[ $(stat -c %a "$tmp/report.json") == 600 ]] || fail "--output: the report is not 0600"
# A longer report written over a shorter one: the file holds only the new one.
printf 'x%.0s' {1..100000} >"$tmp/report.json"
run --root "$deb" --format json --output "$tmp/report.json"
python3 -m json.tool "$tmp/report.json" >/dev/null || fail "--output over an old file: not JSON"
# Never through a symbolic link, never over another name of a file, never over a directory;
# the target stays untouched.
echo precious >"$tmp/target"
ln -s "$tmp/target" "$tmp/link.json"
run --root "$deb" --output "$tmp/link.json"
expect_rc 2 "--output symlink"
has "$err" "cannot write $tmp/link.json: is a symbolic link" "--output symlink"
ln "$tmp/target" "$tmp/hard.json"
run --root "$deb" --output "$tmp/hard.json"
expect_rc 2 "--output hard link"
has "$err" "has more than one name" "--output hard link"
[[ $(cat "$tmp/target") == precious ]] || fail "--output: the link's target was changed"
if ((EUID == 0)); then
	echo theirs >"$tmp/theirs.json"
	chown nobody "$tmp/theirs.json"
	run --root "$deb" --output "$tmp/theirs.json"
	expect_rc 2 "--output someone else's file"
	has "$err" "belongs to another user" "--output someone else's file"
	[[ $(cat "$tmp/theirs.json") == theirs ]] || fail "--output: another user's file was changed"
fi
mkdir "$tmp/dir.json"
run --root "$deb" --output "$tmp/dir.json"
expect_rc 2 "--output directory"

# --- store=home: a finding with its file and line, beside nullok's ---------------
# (and pam_u2f's default authfile and google-authenticator's default secret, below)
run --root "$(dirname "$0")/roots/pam-home-store/root" --format json
expect_rc 1 "store=home"
python3 - "$out" <<'EOF' || fail "store=home finding"
import json, sys
r = json.loads(sys.argv[1])
f = {x["id"]: x for x in r["findings"]}
assert "pam.home_store" in f, list(f)
h = f["pam.home_store"]
assert (h["file"], h["line"], h["severity"]) == ("/etc/pam.d/login", 2, "medium"), h
assert "the user owns" in h["message"] and "nullok turns the factor off" in h["message"], h
EOF

# Factor files kept centrally are no such finding; ~ and %h in a path are the home.
mkdir -p "$tmp/central/etc/pam.d"
printf 'auth required pam_deny.so\n' >"$tmp/central/etc/pam.d/other"
printf '%s\n' 'auth required pam_unix.so' \
	'auth required pam_google_authenticator.so secret=/var/lib/ga/${USER} user=root' \
	'auth required pam_u2f.so authfile=/etc/u2f_mappings' \
	'auth required pam_mfacover.so' \
	'auth required pam_u2f.so authfile=%h/.u2f expand' >"$tmp/central/etc/pam.d/login"
run --root "$tmp/central" --format json
python3 - "$out" <<'EOF' || fail "central factor files"
import json, sys
r = json.loads(sys.argv[1])
lines = sorted(x["line"] for x in r["findings"] if x["id"] == "pam.home_store")
assert lines == [5], lines
EOF

# --- RHEL 9 with pam_u2f nouserok: named as the gap -------------------------
run --root "$data/pam/rhel9-sssd-u2f-2fa"
expect_rc 1 "rhel9 u2f"
has "$out" "nouserok: the user has no key mapping" "rhel9 u2f"
has "$out" "/etc/pam.d/password-auth:3: auth required pam_u2f.so cue nouserok -> PAM_IGNORE -> ignore" \
	"rhel9 u2f witness"

run --root "$data/pam/totp-jumpcontainer" --format json
expect_rc 1 "totp"
python3 - "$tmp/out" <<'EOF' || fail "totp findings"
import json, sys
r = json.load(open(sys.argv[1]))
f = {(x["id"], x["file"], x["line"]) for x in r["findings"]}
assert ("pam.grace_period", "/etc/pam.d/sshd", 4) in f, f
assert ("pam.nullok", "/etc/pam.d/sshd", 4) in f, f
# The secret file is in the user's home.
assert ("pam.home_store", "/etc/pam.d/sshd", 4) in f, f
EOF

# --- --mfa-module adds a module --------------------------------------------
mkdir -p "$tmp/custom/etc/pam.d"
printf 'auth required pam_unix.so\nauth required /lib/security/pam_sitetoken.so\n' \
	>"$tmp/custom/etc/pam.d/login"
printf 'auth required pam_deny.so\n' >"$tmp/custom/etc/pam.d/other"
run --root "$tmp/custom"
expect_rc 1 "custom without --mfa-module"
has "$out" "the login auth stack has no second-factor module" "custom without --mfa-module"
run --root "$tmp/custom" --mfa-module pam_sitetoken.so
expect_rc 0 "custom with --mfa-module"
has "$out" "verdict: COVERED" "custom with --mfa-module"

# --- malformed and unreadable files: file:line: reason, exit 2 ---------------
mkdir -p "$tmp/bad/etc/pam.d"
printf '# sshd\nauth required pam_unix.so\nauth requird pam_x.so\n' >"$tmp/bad/etc/pam.d/sshd"
printf 'auth [success=ok default=ignore pam_y.so\n' >"$tmp/bad/etc/pam.d/sudo"
run --root "$tmp/bad"
expect_rc 2 "malformed"
has "$err" "$tmp/bad/etc/pam.d/sshd:3: unknown control \"requird\"" "malformed"
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
has "$err" "$tmp/does-not-exist: cannot open the root directory" "missing root"

mkdir -p "$tmp/empty/etc"
run --root "$tmp/empty"
expect_rc 2 "no pam config"
has "$err" "no PAM configuration" "no pam config"

if ((fails)); then
	echo "mfacover-audit CLI: $fails failure(s)" >&2
	exit 1
fi
echo "mfacover-audit CLI: all checks passed"
