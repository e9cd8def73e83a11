#!/usr/bin/env bash
# test_fault_enroll.sh ENROLL_FAULT ENROLL OTP_CODE STATE_TEXT
#
# mfacover-enroll keeps the store intact whatever single call fails.
# ENROLL_FAULT is mfacover-enroll linked with tests/fault/fault_inject.c:
# MFACOVER_FAULT_AT=N fails its N-th allocation, file system call, OpenSSL or
# liboath call, and the failed call writes "N NAME" to the descriptor
# MFACOVER_FAULT_REPORT_FD names.  STATE_TEXT (tests/module/state_text.c)
# prints a state file's current text.  For each scenario (scripted enrollment
# into an existing empty store and into a store whose directory does not
# exist yet, --force over an existing token, recovery-codes, revoke) this runs
# the command for N = 1, 2, ... until a run reports no fault, and after every
# run checks:
#   - it exited 0 or 1: no crash, no sanitizer report;
#   - exit 1: with a message, and the store is as before, byte for byte (names, modes, owners,
#     contents), so no partial file and no temporary file is left; the one
#     change allowed is the store's directory, made by this run and empty;
#   - exit 0: the change is complete: the real ENROLL lists the store, the seed
#     on disk is the one given, the recovery codes are the new ones, the other
#     user's token is untouched, no temporary file is left, and the JSON report
#     is whole;
#   - the run without a fault exits 0, with the same checks.
# The store is put back from a pristine copy after each run that changed it.
# At the end it prints how often each kind of call was failed, and requires
# that the calls a store update is made of were among them.
#
# A scenario is 80 to 150 runs, and under ASan each run is slow (the leak check
# at exit): the runs of a scenario are shared by $(nproc) workers (at most 8, or
# MFACOVER_FAULT_WORKERS), each in its own copy of the root, and the checks use
# shell built-ins where they can, as forks are slow on some CI machines.
set -uo pipefail
# shellcheck source=tests/lib/check.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh"
fault_enroll=$1 enroll=$2 otp_code=$3 state_text=$4

# A sanitizer report must not look like the CLI's own "failed" (1).
export ASAN_OPTIONS=exitcode=86:detect_leaks=1
export LSAN_OPTIONS=exitcode=87
export UBSAN_OPTIONS=exitcode=88:print_stacktrace=1

MAX_RUNS=5000
SECRET_OLD=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
SECRET_NEW=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ

# Short paths: the store's directory is opened one component at a time, each a few
# calls, and every call is a run.
work=$(mktemp -d /tmp/mfe-fault-XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/root
store_in=/var/lib/mfacover
store=$root$store_in
pristine=$work/pristine # /var of the root as the scenario starts
# Runs in parallel, each in its own copy of the root; scratch is the worker's directory.
workers=${MFACOVER_FAULT_WORKERS:-$(nproc)}
((workers > 8)) && workers=8
scratch=$work
mkdir -p "$root/etc" "$root/var/lib"
chmod 755 "$root" "$root/etc" "$root/var" "$root/var/lib"
cat >"$root/etc/passwd" <<PASSWD
root:x:0:0:root:/root:/bin/bash
alice:x:2000:2000:Alice:/home/alice:/bin/sh
bob:x:2001:2001:Bob:/home/bob:/bin/sh
PASSWD
printf 'root:x:0:\nalice:x:2000:\nbob:x:2001:\n' >"$root/etc/group"
echo testhost >"$root/etc/hostname"
printf '%s\n' "$SECRET_OLD" >"$work/seed-old"
printf '%s\n' "$SECRET_NEW" >"$work/seed-new"
chmod 600 "$work/seed-old" "$work/seed-new"


declare -A fault_runs=() fault_successes=()

slurp() { # slurp VAR FILE: the file's text into VAR, without a fork
	IFS= read -r -d '' "$1" <"$2" || true
}

snapshot() { # snapshot FILE: names, modes, owners and contents under /var in the root
	tar -C "$root" --sort=name --mtime=@0 --numeric-owner --format=gnu -cf "$1" var
}

listing() { # listing DIR: what a snapshot holds, readable, for a failure message
	(cd "$1" && find . -printf '%p %m %U %G %s %y\n' | sort &&
		find . -type f -exec sha256sum {} + | sort)
}

restore() { # put /var back as the scenario started
	rm -rf "${root:?}/var"
	cp -a "$pristine" "$root/var"
}

read_state() { # read_state FILE: its seed and recovery lines into state_secret, state_recovery
	local line
	state_secret='' state_recovery=()
	[[ -f $1 ]] || return 1
	while IFS= read -r line; do
		case $line in
		secret=*) state_secret=${line#secret=} ;;
		recovery=*) state_recovery+=("${line#recovery=}") ;;
		esac
	done < <("$state_text" "$1")
}

# listed USER...: the real CLI reads the store, every token usable, and lists these users.
listed() {
	local line user users=()
	# Not the program under test: no leak check, which takes long under ASan.
	ASAN_OPTIONS=exitcode=86:detect_leaks=0 "$enroll" --root "$root" list --store "$store_in" \
		--format json >"$scratch/list" 2>&1 || return 1
	while IFS= read -r line; do
		[[ $line =~ ^\ *\"user\":\ \"(.*)\",$ ]] && users+=("${BASH_REMATCH[1]}")
	done <"$scratch/list"
	[[ ${#users[@]} == "$#" ]] || return 1
	for user in "$@"; do
		[[ " ${users[*]} " == *" $user "* ]] || return 1
	done
}

# After a run that changed the store: is the change whole?  Prints what is wrong.
check_store_done() { # check_store_done KIND CODES
	local kind=$1 codes=$2 bob f
	case $kind in
	enroll | force)
		if [[ $kind == force ]]; then
			listed alice bob || echo "the store does not list alice and bob;"
		else
			listed alice || echo "the store does not list alice;"
		fi
		read_state "$store/alice"
		[[ $state_secret == "$SECRET_NEW" ]] || echo "alice's seed on disk is not the new one;"
		[[ ${#state_recovery[@]} == "$codes" ]] || echo "not $codes recovery codes on disk;"
		;;
	recovery)
		listed alice bob || echo "the store does not list alice and bob;"
		read_state "$store/alice"
		[[ $state_secret == "$SECRET_OLD" ]] || echo "alice's seed changed;"
		[[ ${#state_recovery[@]} == "$codes" ]] || echo "not $codes recovery codes on disk;"
		for f in "${state_recovery[@]}"; do
			[[ " ${old_recovery[*]} " != *" $f "* ]] || echo "an old recovery code on disk;"
		done
		;;
	revoke)
		[[ ! -e $store/alice ]] || echo "alice's token is still there;"
		listed bob || echo "the store does not list bob;"
		;;
	esac
	if [[ $kind != enroll ]]; then
		slurp bob "$store/bob"
		[[ $bob == "$pristine_bob" ]] || echo "bob's token changed;"
	fi
	for f in "$store"/.[!.]* "$store"/..?*; do
		[[ -e $f || -L $f ]] && echo "temporary file ${f##*/} left;"
	done
	return 0
}

# The JSON report of a run that exited 0.  Prints what is wrong.
check_report() { # check_report KIND CODES
	local kind=$1 codes=$2 out want line n=0
	slurp out "$scratch/out"
	case $kind in
	enroll | force) want=$'\n  "secret": "'"$SECRET_NEW"$'",\n' ;;
	recovery) want=$'\n  "done": "new recovery codes",\n' ;;
	revoke) want=$'\n  "done": "revoked",\n' ;;
	esac
	[[ $out == *"$want"* ]] || echo "no ${want//$'\n'/} in the report;"
	while IFS= read -r line; do
		[[ $line =~ ^\ *\"[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}\",?$ ]] && n=$((n + 1))
	done <<<"$out"
	[[ $kind == revoke || $n == "$codes" ]] || echo "$n recovery codes in the report, not $codes;"
	[[ $out == *$'\n}\n' ]] || echo "the report is cut short;"
}

# One worker of a scenario, in its own copy of the root: runs ENROLL_FAULT --root ROOT
# ARGS... with fault N = FIRST, FIRST + workers, ... until a run has no fault, and
# checks each.  What it saw goes to $scratch/results, one line per record; its
# failure messages to $scratch/log.
scenario_worker() { # scenario_worker FIRST KIND CODES ARGS...
	local first=$1 kind=$2 codes=$3 n rc fault err sp rp bug name
	shift 3
	scratch=$work/s$first root=$work/$first store=$work/$first$store_in
	mkdir "$scratch"
	cp -a "$work/root" "$root"
	for ((n = first; n <= MAX_RUNS; n += workers)); do
		exec 9>"$scratch/report"
		MFACOVER_FAULT_AT=$n MFACOVER_FAULT_REPORT_FD=9 "$fault_enroll" --root "$root" "$@" \
			</dev/null >"$scratch/out" 2>"$scratch/err"
		rc=$?
		exec 9>&-
		fault=
		read -r _ fault <"$scratch/report"
		slurp err "$scratch/err"
		name="fault $n (${fault:-none})"
		if [[ -z $fault ]]; then
			# Every call has failed once: this run had no fault and must succeed.
			if [[ $rc != 0 ]]; then
				fail "the run without a fault exited $rc: $err"
			else
				sp=$(
					check_store_done "$kind" "$codes"
					check_report "$kind" "$codes"
				)
				[[ -z $sp ]] && ok || fail "the run without a fault: $sp"
			fi
			echo "clean $n" >>"$scratch/results"
			break
		fi
		echo "run $rc $n $fault" >>"$scratch/results"
		if [[ $rc != 0 && $rc != 1 ]] ||
			[[ $err == *Sanitizer* || $err == *"runtime error:"* ]]; then
			fail "$name: exit $rc (a crash or a sanitizer report):"
			echo "$err" | head -40 | sed 's/^/    /' >&2
			restore
			continue
		fi
		if [[ $rc == 0 ]]; then
			sp=$(
				check_store_done "$kind" "$codes"
				printf '|'
				check_report "$kind" "$codes"
			)
			rp=${sp#*|} sp=${sp%%|*}
			if [[ -z $sp$rp ]]; then
				ok
			else
				fail "$name: exited 0, but: $sp $rp"
			fi
			restore
			continue
		fi
		# A refusal says why.
		[[ -n $err ]] && ok || fail "$name: exited 1 without a message"
		snapshot "$scratch/after.tar"
		if cmp -s "$work/before.tar" "$scratch/after.tar"; then
			ok
			continue
		fi
		# The store's directory, made for the token, may stay (empty) when a later call
		# fails.
		if [[ ! -e $pristine/lib/mfacover ]] && rmdir "$store" 2>/dev/null &&
			snapshot "$scratch/after.tar" &&
			cmp -s "$work/before.tar" "$scratch/after.tar"; then
			echo "dir_left" >>"$scratch/results"
			ok
		else
			fail "$name: exited 1 and changed the store (${err%%$'\n'*}):"
			diff <(listing "$pristine") <(listing "$root/var") | sed 's/^/    /' >&2
		fi
		restore
	done
	echo "checks $checks $fails" >>"$scratch/results"
}

# run_scenario NAME KIND CODES ARGS...: every N, over the workers, from the root's /var
# as it is now.  KIND is what the command does (enroll, force, recovery, revoke), CODES
# how many recovery codes the token has after it.
run_scenario() {
	local name=$1 kind=$2 codes=$3 k tag rest rc n f clean=0 last=0 faulted=0 succeeded=0
	local dirs_left=0 start=$SECONDS
	shift 3
	rm -rf "$pristine" "$work"/[0-9]* "$work"/s[0-9]*
	cp -a "$root/var" "$pristine"
	snapshot "$work/before.tar"
	pristine_bob='' old_recovery=()
	[[ -f $pristine/lib/mfacover/bob ]] && slurp pristine_bob "$pristine/lib/mfacover/bob"
	read_state "$pristine/lib/mfacover/alice" && old_recovery=("${state_recovery[@]}")
	for ((k = 1; k <= workers; k++)); do
		(
			checks=0 fails=0
			scenario_worker "$k" "$kind" "$codes" "$@"
		) 2>"$work/log$k" &
	done
	wait
	for ((k = 1; k <= workers; k++)); do
		[[ -s $work/log$k ]] && sed "s/^/$name: /" "$work/log$k" >&2
		[[ -f $work/s$k/results ]] || {
			fail "$name: worker $k stopped early"
			continue
		}
		while read -r tag rest; do
			case $tag in
			run)
				read -r rc n f <<<"$rest"
				faulted=$((faulted + 1))
				((n > last)) && last=$n
				fault_runs[$f]=$((${fault_runs[$f]:-0} + 1))
				if [[ $rc == 0 ]]; then
					succeeded=$((succeeded + 1))
					fault_successes[$f]=$((${fault_successes[$f]:-0} + 1))
				fi
				;;
			clean) ((clean == 0 || rest < clean)) && clean=$rest ;;
			dir_left) dirs_left=$((dirs_left + 1)) ;;
			checks)
				read -r n f <<<"$rest"
				checks=$((checks + n)) fails=$((fails + f))
				;;
			esac
		done <"$work/s$k/results"
	done
	if ((clean == 0)); then
		fail "$name: still a fault after $MAX_RUNS runs"
	elif ((last >= clean || faulted != clean - 1)); then
		fail "$name: the number of calls varies: faults up to N=$last," \
			"a run without one at N=$clean"
	fi
	((faulted > 0)) && ok || fail "$name: no run had a fault"
	printf '%-26s %4d runs with a fault (%3d exited 0), clean run at N=%d, %d s' \
		"$name" "$faulted" "$succeeded" "$clean" $((SECONDS - start))
	((dirs_left == 0)) ||
		printf '; %d failed runs left the store directory they made, empty' "$dirs_left"
	echo
}

# The library computes oathtool's codes for both seeds: a seed found on disk as
# given is a token that logs in.
for secret in "$SECRET_OLD" "$SECRET_NEW"; do
	want=$(oathtool --totp --now=@1111111109 -b "$secret")
	[[ $("$otp_code" "$secret" totp 1111111109) == "$want" ]] && ok ||
		fail "otp_code and oathtool disagree on $secret"
done

# The documented scripted enrollment, with 2 recovery codes instead of 10: each code is
# 10000 PBKDF2 rounds, slow under ASan, and the codes after the second take the same path.
enroll_args=(--store "$store_in" --user alice --secret-file "$work/seed-new" --no-confirm
	--format json --recovery-codes 2)

# --- 1. scripted enrollment (as documented) into an existing, empty store -------
mkdir -m 700 "$store"
run_scenario "enroll, empty store" enroll 2 "${enroll_args[@]}"

# --- 2. the same, the store's directory not made yet --------------------------
rm -rf "$store"
run_scenario "enroll, no store directory" enroll 2 "${enroll_args[@]}"

# The other scenarios start from alice's and bob's tokens, made by the real CLI.
rm -rf "$store"
for user in alice bob; do
	if "$enroll" --root "$root" --store "$store_in" --user "$user" \
		--secret-file "$work/seed-old" --no-confirm --format json </dev/null >/dev/null; then
		ok
	else
		fail "cannot enroll $user with the real CLI"
	fi
done

# --- 3. --force over an existing token: the old one survives every failure ------
run_scenario "enroll --force" force 2 "${enroll_args[@]}" --force

# --- 4. new recovery codes -------------------------------------------------------
run_scenario "recovery-codes" recovery 2 recovery-codes --store "$store_in" --user alice \
	--recovery-codes 2 --format json

# --- 5. revoke ---------------------------------------------------------------------
run_scenario "revoke" revoke 0 revoke --store "$store_in" --user alice --format json

# --- what was failed ---------------------------------------------------------------
echo "faults injected, by call (of them, runs that still exited 0):"
for f in $(printf '%s\n' "${!fault_runs[@]}" | sort); do
	printf '  %-20s %4d (%d)\n' "$f" "${fault_runs[$f]}" "${fault_successes[$f]:-0}"
done
for f in malloc openat write fsync RAND_bytes; do
	[[ -n ${fault_runs[$f]:-} ]] && ok || fail "no fault was injected into $f"
done
[[ -n ${fault_runs[renameat]:-}${fault_runs[renameat2]:-} ]] && ok ||
	fail "no fault was injected into renameat or renameat2"

echo "fault injection, mfacover-enroll: $checks checks passed, $fails failed"
((fails == 0))
