#!/bin/sh
# test_sudoers_oracle.sh TEST_SUDOERS DATA_DIR
#
# visudo -c is the oracle for which sudoers files sudo accepts.  For every
# root DATA_DIR/{valid,bad}/NAME (with etc/sudoers and maybe etc/sudoers.d),
# run visudo -c on it and our parser (`test_sudoers --check ROOT`), and fail
# when they disagree, or when a file is not in the set its folder claims.
#
# visudo follows includes by their absolute paths (/etc/sudoers.d/...), so
# each check runs in a private mount namespace with the root's etc/sudoers
# and etc/sudoers.d bound over /etc/sudoers and /etc/sudoers.d.  Nothing of
# the machine's own /etc is changed.  Needs root, unshare(1) and visudo
# (Debian package sudo).
set -u

checker=$1
data=$2

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

VISUDO=$(command -v visudo || true)
[ -n "$VISUDO" ] || [ -x /usr/sbin/visudo ] && VISUDO=${VISUDO:-/usr/sbin/visudo}
[ -n "$VISUDO" ] && [ -x "$VISUDO" ] ||
	fail "visudo not found: install the Debian package 'sudo' (it is the oracle for this test)"
[ "$(id -u)" -eq 0 ] || fail "needs root (unshare --mount, bind mounts)"
command -v unshare >/dev/null || fail "unshare(1) not found (util-linux)"
[ -f /etc/sudoers ] || fail "/etc/sudoers missing: it is the bind-mount target (package sudo)"
[ -d /etc/sudoers.d ] || fail "/etc/sudoers.d missing: it is the bind-mount target (package sudo)"

empty=$(mktemp -d /tmp/mfacover-sudoers-oracle.XXXXXX) || fail "mktemp"
trap 'rmdir "$empty"' EXIT INT TERM

n=0
bad=0
for kind in valid bad; do
	for root in "$data/$kind"/*/; do
		root=${root%/}
		name=$kind/$(basename "$root")
		[ -f "$root/etc/sudoers" ] || fail "$name: no etc/sudoers"
		dir=$root/etc/sudoers.d
		[ -d "$dir" ] || dir=$empty
		out=$(unshare --mount --propagation private sh -c '
			mount --bind "$1" /etc/sudoers &&
			mount --bind "$2" /etc/sudoers.d &&
			exec "$3" -c -f /etc/sudoers' sh "$root/etc/sudoers" "$dir" "$VISUDO" 2>&1)
		v=$?
		ours=$("$checker" --check "$root" 2>&1)
		m=$?
		[ $v -eq 0 ] || v=1
		[ $m -eq 0 ] || m=1
		n=$((n + 1))
		if [ $v -ne $m ]; then
			bad=$((bad + 1))
			echo "MISMATCH $name: visudo says $([ $v -eq 0 ] && echo valid || echo invalid), we say $ours" >&2
			echo "  visudo: $out" >&2
		fi
		want=0
		[ $kind = bad ] && want=1
		if [ $v -ne $want ]; then
			bad=$((bad + 1))
			echo "WRONG FOLDER $name: visudo: $out" >&2
		fi
		echo "$name: visudo=$v ours=$m ($ours)"
	done
done
[ $n -gt 0 ] || fail "no test roots under $data"
[ $bad -eq 0 ] || fail "$bad disagreements in $n roots"
echo "ok: $n roots, parser and visudo agree"
