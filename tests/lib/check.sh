# tests/lib/check.sh - the checks the shell tests share; sourced.
#
#   fail MESSAGE...         a failed check: counted, and said on stderr
#   ok                      a passed check: counted
#   expect WHAT WANT GOT    ok when GOT is WANT, else a failure naming both
#   check WHAT COMMAND...   ok when COMMAND succeeds, else a failure
#   has TEXT NEEDLE WHAT    ok when TEXT holds NEEDLE (a fixed string)
#   lacks TEXT NEEDLE WHAT  ok when TEXT does not hold NEEDLE
#
# $fails and $checks hold the counts; a test ends with its own summary line
# and `((fails == 0))` (or exit 1 when fails > 0).

fails=0
checks=0

fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

ok() {
	checks=$((checks + 1))
}

expect() {
	if [[ $2 == "$3" ]]; then ok; else fail "$1: want '$2', got '$3'"; fi
}

check() {
	local what=$1
	shift
	if "$@"; then ok; else fail "$what"; fi
}

has() {
	if grep -qF -- "$2" <<<"$1"; then ok; else fail "$3: missing '$2'"; fi
}

lacks() {
	if grep -qF -- "$2" <<<"$1"; then fail "$3: unexpected '$2'"; else ok; fi
}
