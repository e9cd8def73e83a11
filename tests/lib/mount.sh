# tests/lib/mount.sh - mount helpers for tests that run in a private mount
# namespace (unshare --mount); sourced.  Nothing here may run outside one.
#
#   mirror_dir DIR STAGING [SKIP...]
#       DIR replaced (in this namespace) by a tmpfs mounted at the empty
#       directory STAGING first, showing the same entries through bind
#       mounts, minus the SKIP names, so that new entries can be made in it.

mirror_dir() {
	local dir=$1 stage=$2 e name
	shift 2
	mkdir -p "$stage"
	mount -t tmpfs -o mode=755 mfacover-test "$stage" || return 1
	chmod --reference="$dir" "$stage"
	shopt -s dotglob nullglob
	for e in "$dir"/*; do
		name=${e##*/}
		[[ " $* " == *" $name "* ]] && continue
		if [[ -L $e ]]; then
			cp -P "$e" "$stage/$name"
		elif [[ -d $e ]]; then
			mkdir "$stage/$name" && mount --rbind "$e" "$stage/$name"
		else
			touch "$stage/$name" && mount --bind "$e" "$stage/$name"
		fi
	done
	shopt -u dotglob nullglob
	mount --move "$stage" "$dir"
}
