#!/usr/bin/env bash
# smoke.sh PAMBENCH - the benchmark harness still works end to end: every stack
# authenticates 5 users, right codes accepted and recorded, wrong ones refused
# and counted, each run "valid".  It measures nothing: no time is looked at.
set -uo pipefail
bench=$1
tmp=$(mktemp -d /var/tmp/mfacover-bench-smoke.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() { # check DIR ARGS...: one run, which must be valid
	local dir=$1 out
	shift
	out=$(NSS_WRAPPER_PASSWD=$dir/passwd NSS_WRAPPER_GROUP=$dir/group \
		LD_PRELOAD=libnss_wrapper.so "$bench" run --dir "$dir" "$@" 2>&1)
	if ! grep -q '"valid":true' <<<"$out"; then
		echo "FAIL: pambench run $*: $out" >&2
		fails=$((fails + 1))
	fi
}
for d in right wrong; do
	for m in mfacover oath ga permit; do
		"$bench" setup --dir "$tmp/$d" --users 5 --module "$m" || exit 1
	done
done
for m in mfacover oath ga permit; do
	check "$tmp/right" --users 5 --module "$m" --workers 1
done
for m in mfacover oath ga; do
	check "$tmp/wrong" --users 5 --module "$m" --workers 2 --wrong
done
"$bench" hmac --users 5 | grep -q '"valid":true' || {
	echo "FAIL: pambench hmac" >&2
	fails=$((fails + 1))
}
((fails == 0)) && echo "pambench: every stack valid"
exit $((fails > 0))
