# shellcheck shell=bash
# tests/e2e/lib.sh - shared helpers for the end-to-end tests in the real sshd, sudo and su.
# Sourced by test_e2e_sshd.sh, test_e2e_sudo.sh and test_e2e_su.sh; bash only.
#
# Each test calls e2e_main "$@" first.  Outside the namespace it checks that it
# runs as root, that the kernel gives it a mount namespace (else SKIP, exit 77)
# and that the daemon is installed (else FAIL naming the Debian package), takes
# checksums of the machine's own configuration, runs itself again under
# `unshare --mount --propagation private` and, when that returns, checks that
# the checksums are unchanged.  Inside, e2e_world builds the test world: users,
# /etc/pam.d, the store, a private /run, /var/log and /dev (with a /dev/log of
# our own that records pam_syslog lines), all by mounts that only this
# namespace sees.  Nothing on the machine is written outside the temp dir.
#
# The daemons run with the files of examples/ verbatim: those name the module
# `pam_mfacover.so`, which libpam loads from its own module directory, so
# e2e_world mirrors that directory (a tmpfs showing the machine's modules by
# bind mounts) and adds the built module to the mirror.  The machine's
# directory is in the checksums.

E2E_USER=mfatest
E2E_UID=4242
E2E_PASSWORD='e2e-Pa55word'
E2E_SECRET=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
E2E_SKIP=77
# The examples the daemons run with (the admin's drop-in files).
E2E_EXAMPLES=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../examples" 2>/dev/null && pwd)

# libpam's module directory, where a relative module name is looked up: the
# multiarch directory of libpam.so.0 plus "security" (Debian 12:
# /lib/x86_64-linux-gnu/security, with /lib -> usr/lib), resolved to the real
# directory so that the mirror and the checksums see the same one.
# E2E_PAM_MODULE_PATH is the name libpam uses, E2E_PAM_MODULE_DIR the real one.
e2e_pam_module_dir() {
	local lib
	lib=$(ldconfig -p 2>/dev/null | awk '$1 == "libpam.so.0" && /x86-64/ { print $NF; exit }')
	[[ -n $lib ]] || lib=/lib/x86_64-linux-gnu/libpam.so.0
	E2E_PAM_MODULE_PATH=$(dirname "$lib")/security
	E2E_PAM_MODULE_DIR=$(readlink -f "$E2E_PAM_MODULE_PATH")
}
e2e_pam_module_dir

# shellcheck source=tests/lib/check.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh"
# shellcheck source=tests/lib/mount.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/mount.sh"
e2e_pids=()

e2e_log() {
	printf '[%s +%ss] %s\n' "$E2E_NAME" "$SECONDS" "$*" >&2
}

# The machine's own files that no test may change.
e2e_machine_snapshot() {
	local f
	{
		find /etc/pam.d /etc/ssh /etc/sudoers.d "$E2E_PAM_MODULE_DIR" -type f \
			-exec sha256sum {} + 2>/dev/null | sort
		ls -la --time-style=+%s "$E2E_PAM_MODULE_DIR" /etc/ssh/sshd_config.d /etc/sudoers.d 2>&1
		for f in /etc/passwd /etc/group /etc/shadow /etc/gshadow /etc/sudoers \
			/var/log/btmp /var/log/wtmp /var/log/lastlog; do
			[[ -e $f ]] && sha256sum "$f"
		done
		ls -ld /var/lib/mfacover /dev/log /run/sudo/ts/"$E2E_USER" 2>&1
	} 2>&1
}

# e2e_main NAME PACKAGE BINARY [--net] -- "$@"
# (E2E_TOOLS: more "tool:debian-package" words the test needs.)
e2e_main() {
	E2E_NAME=$1
	local package=$2 binary=$3 net=
	shift 3
	if [[ $1 == --net ]]; then
		net=--net
		shift
	fi
	[[ $1 == -- ]] && shift
	if (($# < 3)); then
		echo "usage: $0 PAM_MFACOVER_SO MFACOVER_ENROLL MFACOVER_AUDIT" >&2
		exit 2
	fi
	E2E_MODULE=$(readlink -f "$1") E2E_ENROLL=$(readlink -f "$2") E2E_AUDIT=$(readlink -f "$3")
	if [[ ${MFACOVER_E2E_INSIDE:-} == "$E2E_NAME" ]]; then
		return 0 # the namespace is ours: the caller goes on
	fi
	if ((EUID != 0)); then
		echo "FAIL: $E2E_NAME must run as root (it mounts a test world in a private namespace)" >&2
		exit 1
	fi
	if ! unshare --mount --propagation private $net true 2>/dev/null; then
		echo "SKIP: the kernel refuses a private mount${net:+ and network} namespace" \
			"(unshare --mount${net:+ $net} true failed): $E2E_NAME cannot run here" >&2
		exit $E2E_SKIP
	fi
	if [[ ! -x $binary ]]; then
		echo "FAIL: $binary is missing: install the Debian package $package" >&2
		exit 1
	fi
	local tool pkg
	# shellcheck disable=SC2086 # E2E_TOOLS: the test's own "tool:package" words
	for tool in oathtool:oathtool openssl:openssl python3:python3 setpriv:util-linux \
		setsid:util-linux unshare:util-linux timeout:coreutils ${E2E_TOOLS:-}; do
		pkg=${tool#*:}
		tool=${tool%%:*}
		if ! command -v "$tool" >/dev/null; then
			echo "FAIL: $tool is missing: install the Debian package $pkg" >&2
			exit 1
		fi
	done
	for f in "$E2E_MODULE" "$E2E_ENROLL" "$E2E_AUDIT"; do
		[[ -f $f ]] || { echo "FAIL: $f does not exist (build first)" >&2; exit 1; }
	done
	# (scripts/demo writes its own stack: E2E_NO_EXAMPLE=1)
	if [[ ${E2E_NO_EXAMPLE:-0} != 1 && ! -f $E2E_EXAMPLES/pam.d/$E2E_NAME ]]; then
		echo "FAIL: examples/pam.d/$E2E_NAME not found (looked in '$E2E_EXAMPLES')" >&2
		exit 1
	fi
	if [[ ! -f $E2E_PAM_MODULE_DIR/pam_unix.so ]]; then
		echo "FAIL: libpam's module directory '$E2E_PAM_MODULE_DIR' has no pam_unix.so" >&2
		exit 1
	fi
	local before after rc
	before=$(e2e_machine_snapshot)
	MFACOVER_E2E_INSIDE=$E2E_NAME unshare --mount --propagation private $net -- \
		bash "$0" "$E2E_MODULE" "$E2E_ENROLL" "$E2E_AUDIT"
	rc=$?
	after=$(e2e_machine_snapshot)
	if [[ $before != "$after" ]]; then
		echo "FAIL: the machine's own files changed during $E2E_NAME:" >&2
		diff <(echo "$before") <(echo "$after") >&2
		rc=1
	fi
	if ls -d /tmp/mfacover-e2e-"$E2E_NAME"-* >/dev/null 2>&1; then
		echo "FAIL: temp dirs left behind: $(ls -d /tmp/mfacover-e2e-"$E2E_NAME"-*)" >&2
		rc=1
	fi
	echo "$E2E_NAME: finished in ${SECONDS}s, exit $rc" >&2
	exit $rc
}

e2e_cleanup() {
	local pid
	for pid in "${e2e_pids[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${e2e_pids[@]}"; do
		wait "$pid" 2>/dev/null
	done
	# Only our own files: never descend into a mount point.
	[[ -n ${E2E_WORK:-} && -d $E2E_WORK ]] && rm -rf --one-file-system "$E2E_WORK"
}


# /dev with a /dev/log of ours: a datagram receiver that appends each
# pam_syslog line to $E2E_SYSLOG; and ptys of our own.
e2e_private_dev() {
	mirror_dir /dev "$E2E_WORK/stage-dev" log pts ptmx || return 1
	# Pseudo-terminals of our own: a new devpts instance, /dev/ptmx into it.
	mkdir -m 755 /dev/pts
	mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 e2e-devpts /dev/pts || return 1
	ln -s pts/ptmx /dev/ptmx
	E2E_SYSLOG=$E2E_WORK/syslog
	: >"$E2E_SYSLOG"
	python3 - "$E2E_SYSLOG" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
os.chmod("/dev/log", 0o666)
with open(sys.argv[1], "ab", buffering=0) as f:
    while True:
        f.write(s.recv(65536).rstrip(b"\0\n") + b"\n")
PY
	e2e_pids+=($!)
	local i
	for ((i = 0; i < 50; i++)); do
		[[ -S /dev/log ]] && return 0
		sleep 0.1
	done
	fail "the /dev/log receiver did not start"
	return 1
}

# The test world.  Sets E2E_WORK, E2E_HOME, E2E_PAMD, E2E_STORE (=/var/lib/mfacover).
e2e_world() {
	E2E_WORK=$(mktemp -d /tmp/mfacover-e2e-"$E2E_NAME"-XXXXXX)
	chmod 755 "$E2E_WORK"
	trap e2e_cleanup EXIT
	trap 'exit 1' INT TERM
	# Mounts made from now on stay in this namespace.
	mount --make-rprivate / || { fail "mount --make-rprivate /"; return 1; }
	E2E_HOME=$E2E_WORK/home/$E2E_USER
	mkdir -p "$E2E_WORK/etc" "$E2E_HOME"
	chmod 755 "$E2E_WORK/home"
	chown "$E2E_UID:$E2E_UID" "$E2E_HOME"
	chmod 755 "$E2E_HOME"

	# Users: the machine's, plus mfatest with a real SHA-512 crypt hash.
	local hash
	hash=$(openssl passwd -6 "$E2E_PASSWORD") || return 1
	cp -p /etc/passwd /etc/group /etc/shadow "$E2E_WORK/etc/"
	echo "$E2E_USER:x:$E2E_UID:$E2E_UID:mfacover e2e:$E2E_HOME:/bin/bash" >>"$E2E_WORK/etc/passwd"
	echo "$E2E_USER:x:$E2E_UID:" >>"$E2E_WORK/etc/group"
	echo "$E2E_USER:$hash:19000:0:99999:7:::" >>"$E2E_WORK/etc/shadow"
	local f
	for f in passwd group shadow; do
		mount --bind "$E2E_WORK/etc/$f" "/etc/$f" || return 1
	done

	# /etc/pam.d: the machine's, with "other" denying everything; each test
	# then writes its daemon's service file.
	E2E_PAMD=$E2E_WORK/etc/pam.d
	cp -a /etc/pam.d "$E2E_PAMD"
	printf '%s\n' 'auth required pam_deny.so' 'account required pam_deny.so' \
		'password required pam_deny.so' 'session required pam_deny.so' >"$E2E_PAMD/other"
	mount --bind "$E2E_PAMD" /etc/pam.d || return 1

	# A fresh /run (sshd's /run/sshd, sudo's timestamps) and /var/log (btmp,
	# wtmp, lastlog), and /var/lib with a store of our own.
	mount -t tmpfs -o mode=755 e2e-run /run || return 1
	mkdir -m 755 /run/sshd
	mount -t tmpfs -o mode=755 e2e-log /var/log || return 1
	touch /var/log/btmp /var/log/wtmp /var/log/lastlog
	chmod 600 /var/log/btmp
	chmod 664 /var/log/wtmp /var/log/lastlog
	mirror_dir /var/lib "$E2E_WORK/stage-varlib" mfacover || return 1
	E2E_STORE=/var/lib/mfacover
	mkdir -m 700 "$E2E_STORE"
	e2e_private_dev || return 1

	# libpam's module directory with the built module as pam_mfacover.so (a
	# copy in the mirror's tmpfs; a pam_mfacover.so the machine may have is
	# hidden), so that the examples' relative name loads it.
	mirror_dir "$E2E_PAM_MODULE_DIR" "$E2E_WORK/stage-security" pam_mfacover.so || {
		fail "cannot mirror $E2E_PAM_MODULE_DIR"
		return 1
	}
	install -m 644 "$E2E_MODULE" "$E2E_PAM_MODULE_DIR/pam_mfacover.so" || {
		fail "cannot add pam_mfacover.so to the mirror of $E2E_PAM_MODULE_DIR"
		return 1
	}
	if cmp -s "$E2E_MODULE" "$E2E_PAM_MODULE_PATH/pam_mfacover.so"; then
		ok
	else
		fail "libpam's $E2E_PAM_MODULE_PATH/pam_mfacover.so is not the built module"
	fi
}

# e2e_install_example EXAMPLE DEST: an example file copied verbatim (checked).
e2e_install_example() {
	cp "$E2E_EXAMPLES/$1" "$2" || { fail "cannot copy examples/$1 to $2"; return 1; }
	if cmp -s "$E2E_EXAMPLES/$1" "$2"; then ok; else fail "$2 differs from examples/$1"; fi
}

# e2e_join_group GROUP: the test user becomes a member of GROUP (e.g. sudo:
# an admin).  Written in place: /etc/group is a bind mount of this very inode.
e2e_join_group() {
	local group
	group=$(awk -F: -v u="$E2E_USER" -v g="$1" 'BEGIN { OFS = ":" }
		$1 == g { $4 = ($4 == "" ? u : $4 "," u) } 1' "$E2E_WORK/etc/group")
	printf '%s\n' "$group" >"$E2E_WORK/etc/group"
	if id -nG "$E2E_USER" | grep -qw -- "$1"; then ok; else fail "$E2E_USER is not in group $1"; fi
}

# Wait while fewer than 4 s remain in the 30 s step, so codes stay current.
e2e_quiet_step() {
	local now
	now=$(date +%s)
	if ((now % 30 >= 26)); then sleep $((31 - now % 30)); fi
}

e2e_code() { # the current TOTP code
	oathtool --totp -b "$E2E_SECRET"
}

# A code that is certainly wrong now (not in the window of 3 steps).
e2e_wrong_code() {
	local c w
	c="$(oathtool --totp -N "now - 30 sec" -b "$E2E_SECRET") $(e2e_code) $(oathtool --totp -N "now + 30 sec" -b "$E2E_SECRET")"
	for w in 000000 111111 222222 333333; do
		[[ " $c " != *" $w "* ]] && { echo "$w"; return; }
	done
}

e2e_enroll() { # e2e_enroll USER
	"$E2E_ENROLL" --store "$E2E_STORE" --user "$1" --secret "$E2E_SECRET" --no-confirm \
		--format json >"$E2E_WORK/enroll-$1.json" </dev/null
}

# The pam_mfacover lines that pam_syslog sent to our /dev/log.
e2e_syslog_lines() { # e2e_syslog_lines SERVICE
	grep -a "pam_mfacover($1:auth):" "$E2E_SYSLOG" 2>/dev/null
}
e2e_expect_syslog() { # e2e_expect_syslog DESCRIPTION SERVICE PATTERN (extended regex)
	sleep 0.2
	if e2e_syslog_lines "$2" | grep -Eq -- "$3"; then
		ok
	else
		fail "$1: no pam_mfacover($2:auth) log line matching /$3/; got:
$(e2e_syslog_lines "$2" | sed 's/^/    /')"
	fi
}

# An audit root assembled from the configuration the daemon ran with: the
# service files named, the files they include (transitively) and "other"; the
# accounts; sudoers and /etc/sudoers.d; /etc/ssh/sshd_config.d; the store.  The rest of the copied Debian /etc/pam.d is
# left out, so that the verdict (exit status) is about this path alone.
# e2e_audit_root DIR SERVICE...
e2e_audit_root() {
	local root=$1 f name
	shift
	mkdir -p "$root/etc/pam.d" "$root/etc/ssh" "$root/var/lib"
	local -a todo=(other "$@")
	while ((${#todo[@]} > 0)); do
		name=${todo[0]}
		todo=("${todo[@]:1}")
		f=$E2E_PAMD/$name
		[[ -f $f && ! -e $root/etc/pam.d/$name ]] || continue
		cp -a "$f" "$root/etc/pam.d/$name"
		# @include X, and "TYPE include|substack X"
		mapfile -t -O "${#todo[@]}" todo < <(awk '$1 == "@include" { print $2 }
			$2 == "include" || $2 == "substack" { print $3 }' "$f")
	done
	cp -p /etc/passwd /etc/group /etc/shadow "$root/etc/"
	[[ -f /etc/sudoers ]] && cp -p /etc/sudoers "$root/etc/sudoers"
	[[ -d /etc/sudoers.d ]] && cp -a /etc/sudoers.d "$root/etc/sudoers.d"
	[[ -d /etc/ssh/sshd_config.d ]] && cp -a /etc/ssh/sshd_config.d "$root/etc/ssh/sshd_config.d"
	cp -a "$E2E_STORE" "$root/var/lib/mfacover"
}

# e2e_audit_expect DESCRIPTION ROOT WANT_EXIT KIND SERVICE ACCOUNT covered|gap [REASON_TEXT]
e2e_audit_expect() {
	local desc=$1 root=$2 want=$3 rc out
	shift 3
	"$E2E_AUDIT" --root "$root" --format json >"$root.json" 2>"$root.err"
	rc=$?
	expect "$desc: mfacover-audit exit status" "$want" "$rc"
	if out=$(python3 - "$root.json" "$@" <<'PY' 2>&1
import json, sys
path, kind, service, account, want = sys.argv[1:6]
text = sys.argv[6] if len(sys.argv) > 6 else None
try:
    report = json.load(open(path))
except Exception as e:
    print(f"output is not JSON: {e}")
    sys.exit(1)
ps = [p for p in report["paths"]
      if p["kind"] == kind and p["service"] == service and p["account"] == account]
if not ps:
    have = sorted({(p["kind"], p["service"], p["account"]) for p in report["paths"]})
    print(f"no {kind} {service} {account} path; have {have}")
    sys.exit(1)
got = "covered" if all(p["covered"] for p in ps) else "gap"
if got != want:
    print(f"{kind} {service} {account} is {got}, want {want}: {[p['reason'] for p in ps]}")
    sys.exit(1)
if text and not any(text in (p.get("reason") or "") or
                    any(text in (e.get("text") or "") for e in p["evidence"]) for p in ps):
    print(f"{kind} {service} {account}: '{text}' not in {[(p['reason'], p['evidence']) for p in ps]}")
    sys.exit(1)
PY
	); then
		ok
	else
		fail "$desc: $out"
		[[ -s $root.err ]] && sed 's/^/    audit stderr: /' "$root.err" >&2
		python3 -c 'import json, sys
for p in json.load(open(sys.argv[1]))["paths"]:
    if not p["covered"] and p["admin_path"]:
        print("    audit gap:", p["kind"], p["service"], p["account"], "-", p["reason"])' "$root.json" >&2
	fi
}

e2e_finish() {
	echo "$E2E_NAME: $checks checks, $fails failed" >&2
	((fails == 0 && checks > 0))
}
