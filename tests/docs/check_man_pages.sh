#!/usr/bin/env bash
# check_man_pages.sh DOCS_DIR PROGRAM...
# Each program has a man page in DOCS_DIR (section 1 or 8) that groff reads
# without warnings and that documents every --option its --help prints.
set -euo pipefail
docs=$1
shift
fails=0
fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

lint() {
	local page=$1 warnings
	command -v groff >/dev/null || return 0
	warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1 || true)
	[[ -z $warnings ]] || fail "$page: groff warns: $warnings"
}

for page in "$docs"/*.[158]; do
	lint "$page"
done

for prog in "$@"; do
	name=$(basename "$prog")
	page=""
	for section in 1 8; do
		[[ -f "$docs/$name.$section" ]] && page="$docs/$name.$section"
	done
	if [[ -z $page ]]; then
		fail "$name has no man page in $docs"
		continue
	fi
	help=$("$prog" --help) || fail "$name --help exited non-zero"
	options=$(grep -oE -- '--[a-z][a-z0-9-]*' <<<"$help" | sort -u)
	[[ -n $options ]] || fail "$name --help lists no options"
	for opt in $options; do
		roff=${opt//-/\\-}
		grep -qF -- "$roff" "$page" || fail "$page does not document $opt"
	done
	"$prog" --version | grep -qE "^$name [0-9]+\.[0-9]+\.[0-9]+" ||
		fail "$name --version does not print '$name X.Y.Z'"
done

if ((fails)); then
	echo "man pages: $fails problem(s)" >&2
	exit 1
fi
echo "man pages: $# program(s) and every page in $docs checked"
