#!/usr/bin/env bash
# check_install_layout.sh BUILD_DIR PAM_MODULE_DIR PREFIX PLUGIN STATIC_LIBOATH
# `cmake --install` into a staging DESTDIR must put the PAM module where libpam
# looks (the multiarch security folder on Debian), the FIDO2 plugin at the
# absolute path the module loads it from, the programs in bin/sbin and the man
# pages under share/man - and nothing named libpam_mfacover.  The module must
# not need libfido2 (only the plugin does: lib/fido2_plugin.h), nor, when
# STATIC_LIBOATH is ON (the default, MFACOVER_STATIC_LIBOATH), liboath.so; and it
# exports only pam_sm_*, not the liboath inside it.
set -euo pipefail
build=$1 pam_dir=$2 prefix=$3 plugin=$4 static_liboath=$5
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

if [[ -f $module ]] && readelf -d "$module" | grep -q 'NEEDED.*libfido2'; then
	fail "$module needs libfido2: every login would load it"
fi
if [[ -f $module && $static_liboath == ON ]]; then
	readelf -d "$module" | grep -q 'NEEDED.*liboath' &&
		fail "$module needs liboath.so although MFACOVER_STATIC_LIBOATH is ON"
	exported=$(readelf --dyn-syms -W "$module" | awk '$5 == "GLOBAL" && $7 != "UND" {print $8}' |
		sed 's/@.*//' | grep -v '^pam_sm_' || true)
	[[ -z $exported ]] || fail "$module exports more than pam_sm_*: $(echo $exported)"
fi
if [[ -f $stage$plugin ]]; then
	perms=$(stat -c %a "$stage$plugin")
	((8#$perms & 8#022)) && fail "$plugin is writable by group or others ($perms)"
	readelf -d "$stage$plugin" | grep -q 'NEEDED.*libfido2' || fail "$plugin does not need libfido2"
	readelf --dyn-syms -W "$stage$plugin" | awk '$5 == "GLOBAL" && $7 != "UND" {print $8}' |
		grep -qx 'mfacover_fido2_plugin_v1@*[A-Za-z0-9_.]*' ||
		fail "$plugin does not export mfacover_fido2_plugin_v1"
else
	fail "no FIDO2 plugin at $plugin"
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
