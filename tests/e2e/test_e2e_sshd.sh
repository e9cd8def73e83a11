#!/usr/bin/env bash
# test_e2e_sshd.sh PAM_MFACOVER_SO MFACOVER_ENROLL MFACOVER_AUDIT
#
# pam_mfacover in Debian's real sshd, in a private mount and network
# namespace, with the admin's drop-in files verbatim:
# /etc/ssh/sshd_config.d/50-mfacover.conf is examples/sshd_config.d/50-mfacover.conf
# (AuthenticationMethods publickey,keyboard-interactive, PermitRootLogin yes,
# PasswordAuthentication no), read through Debian's "Include" at the top of
# an sshd_config that then says what Debian's does (KbdInteractiveAuthentication
# no, ...: the example must win) and only what the example leaves open
# (address, port, host key, pid file, log level, authorized keys); and
# /etc/pam.d/sshd is examples/pam.d/sshd (`pam_mfacover.so` by its relative
# name - loaded from a namespace-only mirror of libpam's module directory -
# then Debian's account, session and password stacks).  OpenSSH's client
# answers the code prompt through SSH_ASKPASS.  Key and right code log in; a
# wrong code, the same code again (replay), the key alone and the code alone
# are refused; the module's syslog lines say so.  mfacover-audit, run on a
# root built from the same files, calls the path covered; a twin with
# `Match User mfatest` / `AuthenticationMethods publickey` is a gap, and the
# real sshd with that twin indeed lets the key alone in.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
E2E_TOOLS="ssh:openssh-client ssh-keygen:openssh-client ip:iproute2"
e2e_main sshd openssh-server /usr/sbin/sshd --net -- "$@"

e2e_world || { e2e_finish; exit 1; }
ip link set lo up || { fail "ip link set lo up"; e2e_finish; exit 1; }
w=$E2E_WORK
port=$((2222 + RANDOM % 20000))

# --- keys, authorized_keys, sshd_config, the sshd PAM stack --------------------
ssh-keygen -q -t ed25519 -N '' -C e2e-host -f "$w/ssh_host_ed25519_key" || fail "host key"
ssh-keygen -q -t ed25519 -N '' -C e2e-client -f "$w/client_key" || fail "client key"
mkdir -p "$E2E_HOME/.ssh"
cp "$w/client_key.pub" "$E2E_HOME/.ssh/authorized_keys"
chown -R "$E2E_UID:$E2E_UID" "$E2E_HOME/.ssh"
chmod 700 "$E2E_HOME/.ssh"
chmod 600 "$E2E_HOME/.ssh/authorized_keys"

# The example in a private /etc/ssh/sshd_config.d (the machine's is hidden in
# this namespace), read by Debian's "Include" line.
mkdir -p "$w/etc/ssh/sshd_config.d"
e2e_install_example sshd_config.d/50-mfacover.conf "$w/etc/ssh/sshd_config.d/50-mfacover.conf"
if [[ ! -d /etc/ssh/sshd_config.d ]]; then
	mirror_dir /etc/ssh "$w/stage-ssh" && mkdir /etc/ssh/sshd_config.d ||
		fail "cannot make /etc/ssh/sshd_config.d in the namespace"
fi
mount --bind "$w/etc/ssh/sshd_config.d" /etc/ssh/sshd_config.d ||
	{ fail "bind-mount /etc/ssh/sshd_config.d"; e2e_finish; exit 1; }
sshd_config=$w/etc/ssh/sshd_config
cat >"$sshd_config" <<SSHD_CONFIG
Include /etc/ssh/sshd_config.d/*.conf
# What the example leaves open, for this test:
ListenAddress 127.0.0.1
Port $port
HostKey $w/ssh_host_ed25519_key
PidFile $w/sshd.pid
LogLevel VERBOSE
AuthorizedKeysFile .ssh/authorized_keys
# Debian 12's sshd_config after its Include line:
KbdInteractiveAuthentication no
UsePAM yes
X11Forwarding yes
PrintMotd no
AcceptEnv LANG LC_*
Subsystem sftp /usr/lib/openssh/sftp-server
SSHD_CONFIG
# sshd's own reading: the example's values win over Debian's that follow.
sshd_t=$(/usr/sbin/sshd -T -f "$sshd_config" -C "user=$E2E_USER,host=localhost,addr=127.0.0.1" 2>&1)
for kv in "authenticationmethods publickey,keyboard-interactive" "kbdinteractiveauthentication yes" \
	"passwordauthentication no" "permitrootlogin yes" "usepam yes"; do
	grep -qx -- "$kv" <<<"$sshd_t" && ok || fail "sshd -T: want '$kv', got '$(grep -- "^${kv%% *} " <<<"$sshd_t")'"
done
# The sshd PAM stack: the example verbatim.  (Written in place: /etc/pam.d is
# a bind mount of this directory.)
e2e_install_example pam.d/sshd "$E2E_PAMD/sshd"
# mfatest is an admin (member of sudo) so that the audit reports its ssh path.
e2e_join_group sudo

sshd_pid=
start_sshd() { # start_sshd CONFIG
	if [[ -n $sshd_pid ]]; then
		kill "$sshd_pid" 2>/dev/null
		wait "$sshd_pid" 2>/dev/null
	fi
	/usr/sbin/sshd -t -f "$1" || { fail "sshd -t rejects $1"; return 1; }
	/usr/sbin/sshd -D -e -f "$1" 2>>"$w/sshd.log" &
	sshd_pid=$!
	e2e_pids+=("$sshd_pid")
	local i
	for ((i = 0; i < 50; i++)); do
		if python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' \
			"$port" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	fail "sshd did not listen on 127.0.0.1:$port"
	sed 's/^/    sshd: /' "$w/sshd.log" >&2
	return 1
}

# The askpass helper: prints the answer, records each prompt it was shown.
cat >"$w/askpass" <<EOF
#!/bin/sh
printf '%s\n' "\$1" >>"$w/prompts"
cat "$w/answer"
EOF
chmod 755 "$w/askpass"

# ssh_try ANSWER METHODS [ssh options...] -> stdout of the remote command; status of ssh
# (ssh takes the first value given for an option: METHODS is given once.)
ssh_try() {
	printf '%s\n' "$1" >"$w/answer"
	local methods=$2
	shift 2
	: >"$w/prompts"
	SSH_ASKPASS=$w/askpass SSH_ASKPASS_REQUIRE=force DISPLAY=:e2e \
		timeout 20 setsid -w ssh -F /dev/null -i "$w/client_key" -p "$port" \
		-o IdentitiesOnly=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-o BatchMode=no -o NumberOfPasswordPrompts=1 -o ConnectTimeout=10 \
		-o PreferredAuthentications="$methods" "$@" \
		"$E2E_USER@127.0.0.1" echo e2e-ok </dev/null 2>>"$w/ssh.err"
}

e2e_enroll "$E2E_USER" || fail "mfacover-enroll"
start_sshd "$sshd_config" || { e2e_finish; exit 1; }
e2e_log "sshd listening on 127.0.0.1:$port"

# --- 1. key and the right code log in --------------------------------------------
e2e_quiet_step
code=$(e2e_code)
out=$(ssh_try "$code" publickey,keyboard-interactive)
expect "key + right code: ssh exit" 0 $?
expect "key + right code: the remote command ran" e2e-ok "$out"
# OpenSSH's client puts "(user@host) " before a keyboard-interactive prompt.
expect "the prompt the client was shown" "($E2E_USER@127.0.0.1) Verification code: " \
	"$(head -n1 "$w/prompts")"
e2e_expect_syslog "key + right code" sshd "user=$E2E_USER service=sshd .*factor=totp result=success"

# --- 2. key and a wrong code: refused ---------------------------------------------
out=$(ssh_try "$(e2e_wrong_code)" publickey,keyboard-interactive)
rc=$?
[[ $rc != 0 && $out != *e2e-ok* ]] && ok || fail "key + wrong code logged in (exit $rc, '$out')"
e2e_expect_syslog "key + wrong code" sshd "user=$E2E_USER .*result=fail reason=wrong_code"

# --- 3. the same right code again: a replay, refused -------------------------------
out=$(ssh_try "$code" publickey,keyboard-interactive)
rc=$?
[[ $rc != 0 && $out != *e2e-ok* ]] && ok || fail "replayed code logged in (exit $rc, '$out')"
e2e_expect_syslog "replayed code" sshd "user=$E2E_USER .*result=replay"

# --- 4. the key alone, and the code alone: refused ----------------------------------
e2e_quiet_step
code=$(e2e_code)
out=$(ssh_try "$code" publickey)
rc=$?
[[ $rc != 0 && $out != *e2e-ok* ]] && ok || fail "key alone logged in (exit $rc, '$out')"
grep -q "Partial publickey for $E2E_USER" "$w/sshd.log" && ok ||
	fail "sshd did not log the key as a partial success"
e2e_quiet_step
out=$(ssh_try "$code" keyboard-interactive -o PubkeyAuthentication=no)
rc=$?
[[ $rc != 0 && $out != *e2e-ok* ]] && ok || fail "code alone logged in (exit $rc, '$out')"
[[ ! -s $w/prompts ]] && ok || fail "sshd asked for a code before the key: $(cat "$w/prompts")"
expect "decisions logged: success, wrong code, replay, nothing more" "success fail replay" \
	"$(e2e_syslog_lines sshd | sed -n 's/.* result=\([a-z]*\).*/\1/p' | tr '\n' ' ' | sed 's/ $//')"
e2e_log "sshd cases done"

# --- 5. the auditor on the same configuration: covered -------------------------------
aroot=$w/audit-ok
e2e_audit_root "$aroot" sshd
cp "$sshd_config" "$aroot/etc/ssh/sshd_config"
cmp -s "$E2E_EXAMPLES/sshd_config.d/50-mfacover.conf" "$aroot/etc/ssh/sshd_config.d/50-mfacover.conf" &&
	ok || fail "the audit root lacks the example sshd_config.d/50-mfacover.conf"
e2e_audit_expect "sshd as tested" "$aroot" 0 ssh sshd "$E2E_USER" covered \
	"every way to log in over ssh takes two factors"
# PermitRootLogin yes (the example): root's ssh path is one too, and covered.
e2e_audit_expect "sshd as tested, root" "$aroot" 0 ssh sshd root covered

# --- 6. the weakened twin: Match User mfatest / AuthenticationMethods publickey -------
weak=$w/etc/ssh/sshd_config.weak
cp "$sshd_config" "$weak"
printf 'Match User %s\n\tAuthenticationMethods publickey\n' "$E2E_USER" >>"$weak"
aweak=$w/audit-weak
e2e_audit_root "$aweak" sshd
cp "$weak" "$aweak/etc/ssh/sshd_config"
e2e_audit_expect "sshd with Match User key alone" "$aweak" 1 ssh sshd "$E2E_USER" gap "publickey alone"
# ...and the real sshd agrees: the key alone logs in.
if start_sshd "$weak"; then
	out=$(ssh_try 000000 publickey)
	expect "weakened sshd: the key alone logs in" e2e-ok "$out"
fi

if ((fails > 0)); then
	sed 's/^/    sshd: /' "$w/sshd.log" | tail -n 40 >&2
	sed 's/^/    ssh: /' "$w/ssh.err" | tail -n 20 >&2
	sed 's/^/    syslog: /' "$E2E_SYSLOG" | tail -n 20 >&2
fi
e2e_finish
