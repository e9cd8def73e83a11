#!/usr/bin/env bash
# test_audit_roots.sh MFACOVER_AUDIT ROOTS_DIR
#
# Each folder under ROOTS_DIR is a small host (etc/passwd, etc/group,
# etc/pam.d, etc/ssh, etc/sudoers, ...) with a file `expect` beside its etc/:
#
#   exit N                        the exit status mfacover-audit must give
#   KIND SERVICE ACCOUNT covered  a path that must be covered
#   KIND SERVICE ACCOUNT gap      a path that must be a gap
#   KIND SERVICE ACCOUNT absent   no such path may be reported
#   reason KIND SERVICE ACCOUNT TEXT   the path's reason contains TEXT
#   evidence KIND SERVICE ACCOUNT FILE:LINE  the path's evidence names FILE:LINE
#   factor KIND SERVICE ACCOUNT NAME   every such path's second_factor is NAME
#                                      (none, recovery-codes, phishable, fido,
#                                      fido-verified, or null), and
#                                      phishing_resistant says the same
#   keys KIND SERVICE ACCOUNT NAME     every such path's ssh_keys is NAME (plain,
#                                      sk-no-touch, sk-touch, sk-verified, no-keys,
#                                      or null)
#   finding ID FILE:LINE               a finding ID names FILE:LINE
#
# Most roots come in pairs: a bypass and its safe twin.
set -uo pipefail
audit=$1
roots=$2
fails=0
checks=0
tmp=$(mktemp -d /tmp/mfacover-roots-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

for dir in "$roots"/*/; do
	name=$(basename "$dir")
	if [[ ! -f $dir/expect ]]; then
		echo "FAIL: $name has no expect file" >&2
		fails=$((fails + 1))
		continue
	fi
	root=${dir%/}/root
	[[ -d $root ]] || root=${dir%/}
	"$audit" --root "$root" --format json >"$tmp/json" 2>"$tmp/err"
	rc=$?
	out=$(python3 - "$dir/expect" "$rc" "$tmp/json" 2>&1 <<'PY'
import json, sys
expect_file, rc, json_file = sys.argv[1], int(sys.argv[2]), sys.argv[3]
try:
    report = json.load(open(json_file))
except Exception as e:
    print(f"FAIL: output is not JSON: {e}")
    sys.exit(0)
paths = report.get("paths", [])
def find(kind, service, account):
    return [p for p in paths if p["kind"] == kind and p["service"] == service and p["account"] == account]
n = 0
for raw in open(expect_file):
    line = raw.strip()
    if not line or line.startswith("#"):
        continue
    n += 1
    w = line.split(None, 4)
    if w[0] == "exit":
        if rc != int(w[1]):
            print(f"FAIL: exit status {rc}, want {w[1]}")
    elif w[0] == "reason":
        ps = find(w[1], w[2], w[3])
        if not ps or not any(w[4] in (p.get("reason") or "") for p in ps):
            print(f"FAIL: {line}: reasons {[p.get('reason') for p in ps]}")
    elif w[0] == "finding":
        file, lineno = w[2].rsplit(":", 1)
        fs = report.get("findings", [])
        if not any(f["id"] == w[1] and f.get("file") == file and f.get("line") == int(lineno) for f in fs):
            print(f"FAIL: {line}: findings {[(f['id'], f.get('file'), f.get('line')) for f in fs]}")
    elif w[0] in ("factor", "keys"):
        ps = find(w[1], w[2], w[3])
        field = "second_factor" if w[0] == "factor" else "ssh_keys"
        want = None if w[4] == "null" else w[4]
        got = [p.get(field, "missing") for p in ps]
        if not ps or any(g != want for g in got):
            print(f"FAIL: {line}: {field} {got}")
        elif w[0] == "factor" and any(p.get("phishing_resistant") != (want in ("fido", "fido-verified")) for p in ps):
            print(f"FAIL: {line}: phishing_resistant {[p.get('phishing_resistant') for p in ps]}")
    elif w[0] == "evidence":
        ps = find(w[1], w[2], w[3])
        file, lineno = w[4].rsplit(":", 1)
        if not any(e.get("file") == file and e.get("line") == int(lineno) for p in ps for e in p["evidence"]):
            print(f"FAIL: {line}: evidence {[ (e.get('file'), e.get('line')) for p in ps for e in p['evidence']]}")
    else:
        kind, service, account, want = w[0], w[1], w[2], w[3]
        ps = find(kind, service, account)
        if want == "absent":
            if ps:
                print(f"FAIL: {line}: reported")
        elif not ps:
            print(f"FAIL: {line}: no such path; have {sorted({(p['kind'], p['service'], p['account']) for p in paths})}")
        else:
            got = "covered" if all(p["covered"] for p in ps) else "gap"
            if got != want:
                print(f"FAIL: {line}: it is {got}: {[p.get('reason') for p in ps]}")
print(f"CHECKS {n}")
PY
)
	c=$(sed -n 's/^CHECKS //p' <<<"$out")
	checks=$((checks + ${c:-0}))
	if grep -q '^FAIL' <<<"$out"; then
		echo "== $name" >&2
		grep '^FAIL' <<<"$out" >&2
		[[ -s $tmp/err ]] && sed 's/^/   stderr: /' "$tmp/err" >&2
		fails=$((fails + $(grep -c '^FAIL' <<<"$out")))
	fi
done
echo "audit roots: $checks checks, $fails failed"
((fails == 0 && checks > 0))
