#!/bin/sh
# test_sshd_oracle.sh SSHD_EVAL DATA_DIR
#
# The golden oracle for lib/sshd_config.c: for every root in DATA_DIR
# (tests/data/sshd), every test user and every address class the model
# derives, compare `sshd -T -C ...` of Debian's real sshd with what
# sshd_eval (our model) prints.  Roots named bad-* must be refused by both
# `sshd -t` and the model.
#
# sshd reads relative and absolute Include paths under /etc/ssh and looks
# users up in /etc/passwd, so each comparison runs in a private mount
# namespace with the root's etc/ssh, a passwd/group holding the test users
# and a tmpfs /run bound over the real ones.  Nothing outside the
# namespace changes.  Needs root, unshare(1) and sshd (openssh-server).
set -eu

SSHD_EVAL=${1:?usage: $0 SSHD_EVAL DATA_DIR}
DATA=${2:?usage: $0 SSHD_EVAL DATA_DIR}
SSHD=${SSHD:-/usr/sbin/sshd}
KEYS='usepam|permitrootlogin|passwordauthentication|kbdinteractiveauthentication|pubkeyauthentication|hostbasedauthentication|gssapiauthentication|kerberosauthentication|permitemptypasswords|usedns|authenticationmethods|pubkeyauthoptions|pubkeyacceptedalgorithms|authorizedkeysfile|allowusers|denyusers|allowgroups|denygroups'
USERS='alice bob carol mallory root'

if [ "${MFACOVER_IN_NS:-}" != 1 ]; then
	if [ ! -x "$SSHD_EVAL" ]; then
		echo "FAIL: $SSHD_EVAL is not built" >&2
		exit 1
	fi
	if [ ! -x "$SSHD" ]; then
		echo "FAIL: $SSHD not found: install openssh-server (apt-get install -y openssh-server)" >&2
		exit 1
	fi
	if [ "$(id -u)" != 0 ]; then
		echo "FAIL: the sshd oracle needs root (mount namespace with bind mounts)" >&2
		exit 1
	fi
	if ! command -v unshare >/dev/null 2>&1 || ! command -v ssh-keygen >/dev/null 2>&1; then
		echo "FAIL: unshare(1) and ssh-keygen are needed" >&2
		exit 1
	fi
	TMP=$(mktemp -d /tmp/mfacover-sshd-oracle.XXXXXX)
	trap 'rm -rf "$TMP"' EXIT
	ssh-keygen -q -t ed25519 -N '' -f "$TMP/hostkey"
	cat /etc/passwd "$DATA/passwd" > "$TMP/passwd"
	cat /etc/group "$DATA/group" > "$TMP/group"
	mkdir "$TMP/run"
	MFACOVER_IN_NS=1 TMP=$TMP unshare --mount --propagation private "$0" "$SSHD_EVAL" "$DATA"
	exit $?
fi

# ---- inside the private mount namespace ----
mount --bind "$TMP/passwd" /etc/passwd
mount --bind "$TMP/group" /etc/group
mount -t tmpfs tmpfs "$TMP/run"
mkdir -p "$TMP/run/sshd"
[ -d /run ] && mount --bind "$TMP/run" /run
[ -d /etc/ssh ] || { echo "FAIL: /etc/ssh missing (openssh-server not installed?)" >&2; exit 1; }

fail=0
compared=0
for root in "$DATA"/*/; do
	root=${root%/}
	name=$(basename "$root")
	[ -f "$root/etc/ssh/sshd_config" ] || continue
	mount --bind "$root/etc/ssh" /etc/ssh
	case $name in
	bad-*)
		if sshd_msg=$("$SSHD" -t -f /etc/ssh/sshd_config -h "$TMP/hostkey" 2>&1); then
			echo "FAIL $name: sshd -t accepts it (the fixture is wrong)"
			fail=1
		fi
		if ours=$("$SSHD_EVAL" "$root" /etc/ssh/sshd_config); then
			echo "FAIL $name: the model accepts what sshd refuses: $sshd_msg"
			fail=1
		else
			echo "ok   $name: both refuse -- sshd: $(echo "$sshd_msg" | head -1) -- ours: $ours"
		fi
		umount /etc/ssh
		continue
		;;
	esac
	if ! msg=$("$SSHD" -t -f /etc/ssh/sshd_config -h "$TMP/hostkey" 2>&1); then
		echo "FAIL $name: sshd -t refuses the fixture: $msg"
		fail=1
		umount /etc/ssh
		continue
	fi
	classes=$("$SSHD_EVAL" "$root" /etc/ssh/sshd_config --classes) || {
		echo "FAIL $name: the model refuses a config sshd accepts: $classes"
		fail=1
		umount /etc/ssh
		continue
	}
	remotes=$(echo "$classes" | sed -n 's/^# remote addr=\([^ ]*\) host=\([^:]*\):.*/\1|\2/p')
	locals=$(echo "$classes" | sed -n 's/^# local laddr=\([^ ]*\) lport=\([-0-9]*\):.*/\1|\2/p')
	n=0
	for user in $USERS; do
		groups=$(id -Gn "$user" | tr ' ' ',')
		for rem in $remotes; do
			addr=${rem%%|*}
			host=${rem#*|}
			for loc in $locals; do
				laddr=${loc%%|*}
				lport=${loc#*|}
				[ "$lport" = -1 ] && lport=22
				spec="user=$user,host=$host,addr=$addr,laddr=$laddr,lport=$lport"
				want=$("$SSHD" -T -f /etc/ssh/sshd_config -h "$TMP/hostkey" -C "$spec" 2>&1 |
					grep -E "^($KEYS) " | sort) || true
				got=$("$SSHD_EVAL" "$root" /etc/ssh/sshd_config "user=$user" "host=$host" \
					"addr=$addr" "laddr=$laddr" "lport=$lport" "groups=$groups" |
					grep -E "^($KEYS) " | sort) || true
				n=$((n + 1))
				if [ "$want" != "$got" ]; then
					echo "FAIL $name $spec groups=$groups"
					printf '%s\n' "$want" > "$TMP/want"
					printf '%s\n' "$got" > "$TMP/got"
					diff -u "$TMP/want" "$TMP/got" | sed 's/^/     /' | sed -n '3,$p'
					fail=1
				fi
			done
		done
	done
	compared=$((compared + n))
	echo "ok   $name: $n contexts compared"
	umount /etc/ssh
done
echo "$compared contexts compared with sshd -T"
[ "$compared" -gt 0 ] || { echo "FAIL: nothing compared"; exit 1; }
exit $fail
