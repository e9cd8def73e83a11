#!/usr/bin/env bash
# test_e2e_sudo.sh PAM_MFACOVER_SO MFACOVER_ENROLL MFACOVER_AUDIT
#
# pam_mfacover in Debian's real sudo, in a private mount namespace, with the
# admin's drop-in files verbatim: /etc/pam.d/sudo is examples/pam.d/sudo
# (Debian's common-auth, then `pam_mfacover.so` by its relative name, loaded
# from a namespace-only mirror of libpam's module directory; common-account,
# common-session-noninteractive), and /etc/sudoers.d/mfacover-admins is
# examples/sudoers.d/mfacover-admins, the only rule that lets the test user
# (a member of group sudo) in.  The test user runs `sudo -S` and answers the
# password prompt (pam_unix) and the code prompt (pam_mfacover) on stdin.
# Password and right code run the command as root; a wrong code, a replayed
# code and a wrong password with a fresh code are refused; the module's
# syslog lines say so.  mfacover-audit, run on a root built from the same
# files, calls the sudo path covered; a twin of the example with
# `auth sufficient pam_unix.so` before common-auth is a gap, and the real
# sudo with that twin indeed runs the command on the password alone.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
E2E_TOOLS="visudo:sudo"
e2e_main sudo sudo /usr/bin/sudo -- "$@"

e2e_world || { e2e_finish; exit 1; }
w=$E2E_WORK

# --- sudoers, sudoers.d/mfacover-admins and the sudo PAM stack --------------------
# Debian's sudoers minus its own "%sudo" rule (and with one try per sudo, so
# that a refusal is quick): the group's rule comes from the example alone,
# through Debian's "@includedir /etc/sudoers.d".
cat >"$w/etc/sudoers" <<SUDOERS
Defaults env_reset
Defaults !lecture
Defaults passwd_tries=1
Defaults secure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
root ALL=(ALL:ALL) ALL
@includedir /etc/sudoers.d
SUDOERS
chown root:root "$w/etc/sudoers"
chmod 440 "$w/etc/sudoers"
mount --bind "$w/etc/sudoers" /etc/sudoers || { fail "bind-mount /etc/sudoers"; e2e_finish; exit 1; }
mkdir -m 755 "$w/etc/sudoers.d"
e2e_install_example sudoers.d/mfacover-admins "$w/etc/sudoers.d/mfacover-admins"
chmod 440 "$w/etc/sudoers.d/mfacover-admins"
mount --bind "$w/etc/sudoers.d" /etc/sudoers.d ||
	{ fail "bind-mount /etc/sudoers.d"; e2e_finish; exit 1; }
visudo -c -q -f /etc/sudoers || fail "visudo rejects the test sudoers with the example"
e2e_join_group sudo
# sudo's own reading of the rules: the example's rule applies to mfatest.
sudo -n -l -U "$E2E_USER" 2>&1 | grep -q '(ALL : ALL) ALL' && ok ||
	fail "sudo -l -U $E2E_USER: the example's rule does not apply: $(sudo -n -l -U "$E2E_USER" 2>&1)"

# The example verbatim; the weakened twin: the example with one line more.
# (Written in place: /etc/pam.d is a bind mount of this directory.)
e2e_install_example pam.d/sudo "$E2E_PAMD/sudo"
sed '/^@include common-auth/i auth sufficient pam_unix.so' "$E2E_EXAMPLES/pam.d/sudo" >"$w/sudo.weak"
[[ $(diff "$E2E_EXAMPLES/pam.d/sudo" "$w/sudo.weak" | grep -c '^>') == 1 ]] && ok ||
	fail "the weakened twin is not the example plus one line"

# sudo_try PASSWORD CODE -> what `id -u` printed; status of sudo
sudo_try() {
	printf '%s\n%s\n' "$1" "$2" | (cd / && timeout 20 setpriv --reuid "$E2E_UID" --regid "$E2E_UID" \
		--init-groups env -i PATH=/usr/bin:/bin LANG=C.UTF-8 USER="$E2E_USER" HOME="$E2E_HOME" \
		sudo -S -p '' id -u 2>>"$w/sudo.err")
}

e2e_enroll "$E2E_USER" || fail "mfacover-enroll"

# --- 1. password and the right code: root ----------------------------------------------
e2e_quiet_step
code=$(e2e_code)
out=$(sudo_try "$E2E_PASSWORD" "$code")
expect "password + right code: sudo exit" 0 $?
expect "password + right code: the command ran as root" 0 "$out"
e2e_expect_syslog "password + right code" sudo "user=$E2E_USER service=sudo .*factor=totp result=success"

# --- 2. a wrong code: refused --------------------------------------------------------
out=$(sudo_try "$E2E_PASSWORD" "$(e2e_wrong_code)")
rc=$?
[[ $rc != 0 && -z $out ]] && ok || fail "password + wrong code ran the command (exit $rc, '$out')"
e2e_expect_syslog "password + wrong code" sudo "user=$E2E_USER .*result=fail reason=wrong_code"

# --- 3. the same code again: a replay, refused ------------------------------------------
out=$(sudo_try "$E2E_PASSWORD" "$code")
rc=$?
[[ $rc != 0 && -z $out ]] && ok || fail "replayed code ran the command (exit $rc, '$out')"
e2e_expect_syslog "replayed code" sudo "user=$E2E_USER .*result=replay"

# --- 4. a wrong password with the next step's code: refused -------------------------------
e2e_quiet_step
next=$(oathtool --totp -N "now + 30 sec" -b "$E2E_SECRET")
out=$(sudo_try wrong-password "$next")
rc=$?
[[ $rc != 0 && -z $out ]] && ok || fail "wrong password + code ran the command (exit $rc, '$out')"
# Debian's common-auth ends the stack at a wrong password ("requisite
# pam_deny.so"): the module is never asked, and the code is not used up.
grep -q "pam_unix(sudo:auth): authentication failure;.* user=$E2E_USER" "$E2E_SYSLOG" && ok ||
	fail "wrong password: no pam_unix authentication failure logged"
expect "decisions logged: success, wrong code, replay (none for the wrong password)" \
	"success fail replay" \
	"$(e2e_syslog_lines sudo | sed -n 's/.* result=\([a-z]*\).*/\1/p' | tr '\n' ' ' | sed 's/ $//')"
e2e_log "sudo cases done"

# --- 5. the auditor on the same configuration: covered ---------------------------------------
aroot=$w/audit-ok
e2e_audit_root "$aroot" sudo
e2e_audit_expect "sudo as tested" "$aroot" 0 sudo sudo "$E2E_USER" covered "pam_mfacover.so"

# --- 6. the weakened twin: auth sufficient pam_unix.so before common-auth ---------------------
cp "$w/sudo.weak" "$E2E_PAMD/sudo"
aweak=$w/audit-weak
e2e_audit_root "$aweak" sudo
e2e_audit_expect "sudo with sufficient pam_unix" "$aweak" 1 sudo sudo "$E2E_USER" gap "pam_unix.so"
# ...and the real sudo agrees: the password alone is enough.
out=$(sudo_try "$E2E_PASSWORD" 000000)
expect "weakened sudo: the password alone runs the command" 0 "$out"
e2e_install_example pam.d/sudo "$E2E_PAMD/sudo"

if ((fails > 0)); then
	sed 's/^/    sudo: /' "$w/sudo.err" | tail -n 20 >&2
	sed 's/^/    syslog: /' "$E2E_SYSLOG" | tail -n 20 >&2
fi
e2e_finish
