#!/usr/bin/env bash
# check_install_layout.sh BUILD_DIR PAM_MODULE_DIR PREFIX
# `cmake --install` into a staging DESTDIR must put the PAM module where libpam
# looks (the multiarch security folder on Debian), the programs in bin/sbin
# and the man pages under share/man - and nothing named libpam_mfacover.
set -euo pipefail
build=$1 pam_dir=$2 prefix=$3
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
fails=0
fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

DESTDIR="$stage" cmake --install "$build" >/dev/null

module="$stage$pam_dir/pam_mfacover.so"
if [[ -f $module ]]; then
	[[ $(head -c 4 "$module" | od -An -c | tr -d ' ') == '177ELF' ]] || fail "$module is not ELF"
	perms=$(stat -c %a "$module")
	((8#$perms & 8#022)) && fail "$module is writable by group or others ($perms)"
else
	fail "no module at $pam_dir/pam_mfacover.so"
fi

# On Debian the folder is the one libpam's own modules live in.
if command -v gcc >/dev/null && multiarch=$(gcc -print-multiarch 2>/dev/null) && [[ -n $multiarch ]]; then
	[[ $pam_dir == */$multiarch/security ]] ||
		fail "module folder $pam_dir is not the multiarch .../$multiarch/security"
	[[ -e $pam_dir/pam_unix.so ]] || fail "libpam's own pam_unix.so is not in $pam_dir"
fi

[[ -x "$stage$prefix/sbin/mfacover-audit" ]] || fail "no executable $prefix/sbin/mfacover-audit"
[[ -x "$stage$prefix/bin/mfacover-enroll" ]] || fail "no executable $prefix/bin/mfacover-enroll"
for page in man8/pam_mfacover.8 man8/mfacover-audit.8 man1/mfacover-enroll.1; do
	[[ -f "$stage$prefix/share/man/$page" ]] || fail "no man page $prefix/share/man/$page"
done
if find "$stage" -name 'libpam_mfacover*' | grep -q .; then
	fail "a file named libpam_mfacover* was installed"
fi

if ((fails)); then
	echo "install layout: $fails problem(s)" >&2
	exit 1
fi
echo "install layout: module in $pam_dir, programs and man pages under $prefix"
