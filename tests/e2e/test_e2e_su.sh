#!/usr/bin/env bash
# test_e2e_su.sh PAM_MFACOVER_SO MFACOVER_ENROLL MFACOVER_AUDIT
#
# pam_mfacover in util-linux's real su, in a private mount namespace, with
# /etc/pam.d/su = examples/pam.d/su verbatim (pam_rootok, Debian's
# common-auth, `pam_mfacover.so` by its relative name - loaded from a
# namespace-only mirror of libpam's module directory -, common-account,
# common-session).  The unprivileged test user runs `su root -c 'id -u'` on a
# pseudo-terminal and answers root's password (pam_unix) and root's code
# (pam_mfacover: su authenticates the target).  Root's password is a known
# one in the namespace's copy of /etc/shadow; root is enrolled in the
# namespace's store.  Password and right code give a root shell; a wrong
# code and a replayed code are refused; the module's syslog lines say so.
# mfacover-audit, run on a root built from the same files, calls "su to
# root" covered; a twin of the example with `nullok` and root not enrolled
# is a gap, and the real su with that twin indeed lets the password alone in.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
e2e_main su util-linux /usr/bin/su -- "$@"

e2e_world || { e2e_finish; exit 1; }
w=$E2E_WORK
ROOT_PASSWORD='e2e-R00t-pw'

# Root's password, in the namespace's copy of /etc/shadow (written in place:
# /etc/shadow is a bind mount of this very inode).
hash=$(openssl passwd -6 "$ROOT_PASSWORD")
shadow=$(awk -F: -v h="$hash" 'BEGIN { OFS = ":" } $1 == "root" { $2 = h } 1' "$w/etc/shadow")
printf '%s\n' "$shadow" >"$w/etc/shadow"

# The example verbatim; the weakened twin: the example with "nullok" on the
# module's line.  (Written in place: /etc/pam.d is a bind mount of this directory.)
e2e_install_example pam.d/su "$E2E_PAMD/su"
sed -E 's/^(auth[[:space:]]+required[[:space:]]+pam_mfacover\.so)[[:space:]]*$/\1 nullok/' \
	"$E2E_EXAMPLES/pam.d/su" >"$w/su.weak"
[[ $(diff "$E2E_EXAMPLES/pam.d/su" "$w/su.weak" | grep -c '^>.*pam_mfacover.so nullok$') == 1 ]] &&
	ok || fail "the weakened twin is not the example with nullok"

# su_try PASSWORD CODE -> the output of `id -u` (and su's messages); status of su.
# su runs on a pty (python3's pty module) as the test user; the answers are
# written when su's prompts appear.
cat >"$w/su_on_pty.py" <<'PY'
import os, pty, select, sys, time
answers = [a.encode() + b"\n" for a in sys.argv[1:3]]
argv = sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)
out = b""
deadline = time.time() + 20
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.5)
    if not r:
        continue
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    out += data
    tail = out.rstrip()
    if answers and (tail.endswith(b":") or tail.endswith(b"code:")):
        time.sleep(0.1)  # su has turned echo off by now
        os.write(fd, answers.pop(0))
        out += b"<answered>\n"
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
PY
su_try() {
	# shellcheck disable=SC2016 # $(id -u) is for the root shell su starts
	(cd / && timeout 30 setpriv --reuid "$E2E_UID" --regid "$E2E_UID" --init-groups \
		env -i PATH=/usr/bin:/bin LANG=C.UTF-8 USER="$E2E_USER" HOME="$E2E_HOME" \
		/usr/bin/python3 "$w/su_on_pty.py" "$1" "$2" /usr/bin/su root -c 'echo "e2e-uid=$(id -u)"')
}
uid_of() { sed -n 's/^e2e-uid=\([0-9]*\).*/\1/p' <<<"$1"; }

e2e_enroll root || fail "mfacover-enroll root"

# --- 1. root's password and root's right code: a root shell -------------------------------
e2e_quiet_step
code=$(e2e_code)
out=$(su_try "$ROOT_PASSWORD" "$code")
rc=$?
expect "password + right code: su exit" 0 $rc
expect "password + right code: the command ran as root" 0 "$(uid_of "$out")"
grep -q "Verification code:" <<<"$out" && ok || fail "su showed no code prompt: $out"
e2e_expect_syslog "password + right code" su "user=root service=su .*factor=totp result=success"

# --- 2. a wrong code: refused --------------------------------------------------------------
out=$(su_try "$ROOT_PASSWORD" "$(e2e_wrong_code)")
rc=$?
[[ $rc != 0 && -z $(uid_of "$out") ]] && ok ||
	fail "password + wrong code gave a shell (exit $rc, '$out')"
e2e_expect_syslog "password + wrong code" su "user=root .*result=fail reason=wrong_code"

# --- 3. the same code again: a replay, refused ------------------------------------------------
out=$(su_try "$ROOT_PASSWORD" "$code")
rc=$?
[[ $rc != 0 && -z $(uid_of "$out") ]] && ok ||
	fail "replayed code gave a shell (exit $rc, '$out')"
e2e_expect_syslog "replayed code" su "user=root .*result=replay"
expect "decisions logged: success, wrong code, replay" "success fail replay" \
	"$(e2e_syslog_lines su | sed -n 's/.* result=\([a-z]*\).*/\1/p' | tr '\n' ' ' | sed 's/ $//')"
e2e_log "su cases done"

# --- 4. the auditor on the same configuration: covered -----------------------------------------
aroot=$w/audit-ok
e2e_audit_root "$aroot" su su-l
e2e_audit_expect "su as tested" "$aroot" 0 su su root covered "pam_mfacover.so"
e2e_audit_expect "su -l as tested (su-l includes su)" "$aroot" 0 su su-l root covered "pam_mfacover.so"

# --- 5. the weakened twin: nullok, and root not enrolled ------------------------------------------
cp "$w/su.weak" "$E2E_PAMD/su"
"$E2E_ENROLL" revoke --store "$E2E_STORE" --user root >/dev/null </dev/null ||
	fail "mfacover-enroll revoke --user root"
[[ ! -e $E2E_STORE/root ]] && ok || fail "root is still enrolled after revoke"
aweak=$w/audit-weak
e2e_audit_root "$aweak" su su-l
e2e_audit_expect "su with nullok, root unenrolled" "$aweak" 1 su su root gap "nullok"
# ...and the real su agrees: root's password alone is enough.
out=$(su_try "$ROOT_PASSWORD" 000000)
expect "weakened su: the password alone gives a root shell" 0 "$(uid_of "$out")"
e2e_expect_syslog "weakened su" su "user=root .*result=(unenrolled|ignored)"
e2e_install_example pam.d/su "$E2E_PAMD/su"

if ((fails > 0)); then
	sed 's/^/    syslog: /' "$E2E_SYSLOG" | tail -n 20 >&2
fi
e2e_finish
