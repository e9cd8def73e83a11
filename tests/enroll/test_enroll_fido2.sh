#!/usr/bin/env bash
# test_enroll_fido2.sh ENROLL_SOFT MODULE_SOFT PAM_AUTH_ONCE STATE_TEXT PAM_WRAPPER NSS_WRAPPER
#
# mfacover-enroll --fido2 and --import-pamu2f end to end, with the software
# authenticator of tests/support (the test builds mfacover-enroll-soft and
# pam_mfacover_soft.so reach the device file named by $MFACOVER_SOFT_FIDO2):
# es256, eddsa and rs256 keys; --uv with built-in verification and with a PIN
# (from --pin-fd, and typed on a terminal with the echo off); --resident; the
# exclude list refusing a device registered already; no device, an untouched
# device and a wrong PIN writing nothing; a TOTP token kept next to the keys;
# list and revoke; enroll --force keeping the keys; then every enrolled or
# imported key logging in through pam_mfacover under pam_wrapper, with the
# counter in the state moving.  pam_u2f mapping files are built from the
# credentials the device registered (the new and the old format), and
# malformed ones are refused with file:line.
set -uo pipefail
# shellcheck source=tests/lib/check.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh"
enroll=$1 module=$2 auth_once=$3 state_text=$4 pamwrap=$5 nsswrap=$6

work=$(mktemp -d /tmp/mfacover-enroll-fido2-XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
root=$work/root
store=$root/var/lib/mfacover
store2=$root/var/lib/mfacover2
mkdir -p "$root/etc" "$root/home/bob" "$work/services" "$work/dev"
chmod 755 "$root" "$root/etc" "$root/home" "$work/dev"
cat >"$root/etc/passwd" <<PASSWD
root:x:0:0:root:/root:/bin/bash
alice:x:2000:2000:Alice:/home/alice:/bin/sh
bob:x:2001:2001:Bob:/home/bob:/bin/sh
carol:x:2002:2002:Carol:/home/carol:/bin/sh
dave:x:2003:2003:Dave:/home/dave:/bin/sh
erin:x:2004:2004:Erin:/home/erin:/bin/sh
frank:x:2005:2005:Frank:/home/frank:/bin/sh
gina:x:2006:2006:Gina:/home/gina:/bin/sh
PASSWD
printf 'root:x:0:\nalice:x:2000:\nbob:x:2001:\n' >"$root/etc/group"
echo testhost >"$root/etc/hostname"
chown 2001:2001 "$root/home/bob"
chmod 700 "$root/home/bob"

ORIGIN=pam://testhost
mod() { # mod SERVICE ARGS...: a stack of the module alone
	local name=$1
	shift
	printf 'auth [success=done default=die] %s %s\n' "$module" "$*" >"$work/services/$name"
}
printf 'auth required /usr/lib/x86_64-linux-gnu/security/pam_deny.so\n' >"$work/services/other"
mod fido2 "store=$store factors=fido2 origin=$ORIGIN"
mod fido2uv "store=$store factors=fido2 origin=$ORIGIN uv=required"
mod totp "store=$store factors=totp"
mod codes "store=$store factors=fido2,totp,recovery origin=$ORIGIN"
mod fido2b "store=$store2 factors=fido2 origin=$ORIGIN"
# Old-format credentials are checked with appid=, the others with origin=.
mod appid "store=$store2 factors=fido2 origin=pam://elsewhere appid=$ORIGIN"
mod appid_other "store=$store2 factors=fido2 origin=$ORIGIN appid=pam://elsewhere"
mod home "store=home factors=fido2 origin=$ORIGIN"

sed "s|:/home/|:$root/home/|" "$root/etc/passwd" >"$work/passwd"
cp "$root/etc/group" "$work/group"

device() { # device NAME [UV [PIN]]: a new software authenticator with no key
	printf 'present 1\ntouch 1\nuv %s\npin %s\nfault none\n' "${2:-builtin}" "${3:--}" \
		>"$work/dev/$1"
	chmod 666 "$work/dev/$1"
}
setdev() { # setdev NAME KEY VALUE: change one setting of a device
	sed -i "s/^$2 .*/$2 $3/" "$work/dev/$1"
}

pam() { # pam DEVICE SERVICE USER ANSWER -> prints the PAM result name
	local dev=$1
	shift
	env MFACOVER_SOFT_FIDO2="$work/dev/$dev" \
		LD_PRELOAD="$pamwrap $nsswrap" PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$work/services" \
		PAM_WRAPPER_DISABLE_DEEPBIND=1 UID_WRAPPER_DISABLE_DEEPBIND=1 NSS_WRAPPER_DISABLE_DEEPBIND=1 \
		NSS_WRAPPER_PASSWD="$work/passwd" NSS_WRAPPER_GROUP="$work/group" \
		"$auth_once" "$@" 2>/dev/null
}

mfe() { # mfe DEVICE ARGS...: mfacover-enroll-soft with the test root and that device (-: none)
	local dev=$work/dev/$1
	shift
	[[ $dev == "$work/dev/-" ]] && dev=
	# SETSID=1: in a new session, without a controlling terminal.
	${SETSID:+setsid -w} env MFACOVER_SOFT_FIDO2="$dev" "$enroll" --root "$root" "$@"
}

json_get() { # json_get FIELD < json
	python3 -c 'import json,sys; v=json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v[int(k)] if isinstance(v, list) else v[k]
print(json.dumps(v) if isinstance(v, (list, dict, bool)) or v is None else v)' "$1"
}

state() { # state FILE: its current text
	"$state_text" "$1"
}

fido2_lines() { # fido2_lines FILE: the credentials, without their counters
	state "$1" | sed -n 's/^fido2=[0-9]*,//p'
}

counters() { # counters FILE: the counters, space-separated
	state "$1" | sed -n 's/^fido2=\([0-9]*\),.*/\1/p' | tr '\n' ' ' | sed 's/ $//'
}

snapshot() { # names, modes and contents of both stores
	local d
	for d in "$store" "$store2"; do
		if [[ -d $d ]]; then
			(cd "$d" && find . -printf '%p %m %U %s\n' | sort && find . -type f -exec sha256sum {} + | sort)
		else
			echo "no $d"
		fi
	done
}

bad() { # bad DESCRIPTION WANT_EXIT MESSAGE DEVICE ARGS...: refused, nothing written
	local desc=$1 want=$2 msg=$3 dev=$4 before
	shift 4
	before=$(snapshot)
	mfe "$dev" "$@" </dev/null >/dev/null 2>"$work/err"
	expect "$desc: exit" "$want" "$?"
	grep -qF -- "$msg" "$work/err" && ok || fail "$desc: no '$msg' in: $(cat "$work/err")"
	expect "$desc: stores unchanged" "$before" "$(snapshot)"
}

# --- 1. a new user registers an es256 key: FIDO2 only, with recovery codes -------------
device key1
out=$(mfe key1 --store /var/lib/mfacover --user alice --fido2 --format json </dev/null 2>"$work/err")
expect "es256 enroll exit" 0 $?
grep -qx "Touch your security key." "$work/err" && ok || fail "no touch prompt: $(cat "$work/err")"
expect "json type" fido2 "$(json_get type <<<"$out")"
expect "json source" device "$(json_get source <<<"$out")"
expect "default origin: pam:// and the image's host name" "$ORIGIN" "$(json_get origin <<<"$out")"
expect "json fido2_credentials" 1 "$(json_get fido2_credentials <<<"$out")"
expect "json otp_token" none "$(json_get otp_token <<<"$out")"
expect "json new_state" true "$(json_get new_state <<<"$out")"
expect "ten recovery codes for a new user" 10 \
	"$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)["recovery_codes"]))' <<<"$out")"
recovery=$(json_get recovery_codes.0 <<<"$out")
cred=$(json_get credentials.0 <<<"$out")
[[ $cred == *,es256,+presence ]] && ok || fail "not an es256 +presence credential: $cred"
expect "state: type none" "type=none" "$(state "$store/alice" | grep '^type=')"
expect "state holds the credential reported" "$cred" "$(fido2_lines "$store/alice")"
expect "state counter starts at 0" 0 "$(counters "$store/alice")"
expect "state file mode" "600 0" "$(stat -c '%a %u' "$store/alice")"
grep -q "^key es256 $ORIGIN 0 0 " "$work/dev/key1" && ok || fail "the device holds no key for $ORIGIN"

expect "the key logs in" PAM_SUCCESS "$(pam key1 fido2 alice x)"
expect "the counter in the state moved" 1 "$(counters "$store/alice")"
expect "again" PAM_SUCCESS "$(pam key1 fido2 alice x)"
expect "the counter moved again" 2 "$(counters "$store/alice")"
device nokey
expect "another device cannot log in" PAM_AUTH_ERR "$(pam nokey fido2 alice x)"
setdev key1 present 0
expect "no key plugged in: a recovery code logs in" PAM_SUCCESS "$(pam key1 codes alice "$recovery")"
setdev key1 present 1

# --- 2. the same device again: the exclude list refuses it; a second device is added ----
bad "the same device again" 1 "registered for alice already" key1 \
	--store /var/lib/mfacover --user alice --fido2
device key2
out=$(mfe key2 --store /var/lib/mfacover --user alice --fido2 --type rs256 --format json </dev/null 2>/dev/null)
expect "second device (rs256) exit" 0 $?
expect "alice has two" 2 "$(json_get fido2_credentials <<<"$out")"
expect "no new recovery codes for an existing user" "[]" "$(json_get recovery_codes <<<"$out")"
expect "the first counter kept" "2 0" "$(counters "$store/alice")"
expect "the rs256 key logs in" PAM_SUCCESS "$(pam key2 fido2 alice x)"
expect "counters" "2 1" "$(counters "$store/alice")"
expect "the recovery codes stay" 9 "$(state "$store/alice" | grep -c '^recovery=')"

# --- 3. a user with a TOTP token adds an eddsa key and keeps the token -------------------
SECRET=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
mfe key2 --store /var/lib/mfacover --user bob --secret "$SECRET" --no-confirm </dev/null >/dev/null
expect "bob's TOTP token" 0 $?
device key3
out=$(mfe key3 --store /var/lib/mfacover --user bob --fido2 --type eddsa --format json </dev/null 2>/dev/null)
expect "eddsa enroll exit" 0 $?
expect "bob's otp_token" totp "$(json_get otp_token <<<"$out")"
expect "bob: no new state" false "$(json_get new_state <<<"$out")"
[[ $(json_get credentials.0 <<<"$out") == *,eddsa,+presence ]] && ok || fail "not eddsa: $out"
expect "bob's state keeps the seed" "secret=$SECRET" "$(state "$store/bob" | grep '^secret=')"
expect "bob's eddsa key logs in" PAM_SUCCESS "$(pam key3 fido2 bob x)"
if command -v oathtool >/dev/null; then
	now=$(date +%s)
	((now % 30 >= 26)) && sleep $((31 - now % 30))
	expect "bob's TOTP code still logs in" PAM_SUCCESS "$(pam key3 totp bob "$(oathtool --totp -b "$SECRET")")"
fi

# --- 4. --uv: built-in verification, then a PIN -----------------------------------------
device key4 builtin
out=$(mfe key4 --store /var/lib/mfacover --user carol --fido2 --uv --format json </dev/null 2>/dev/null)
expect "--uv (built in) exit" 0 $?
[[ $(json_get credentials.0 <<<"$out") == *,es256,+presence+verification ]] && ok ||
	fail "no +verification: $out"
expect "verified key logs in under uv=required" PAM_SUCCESS "$(pam key4 fido2uv carol x)"
setdev key4 uv none
expect "the credential asks for UV: a key that does not verify fails" PAM_AUTH_ERR \
	"$(pam key4 fido2 carol x)"

device key5 pin 4711
out=$(mfe key5 --store /var/lib/mfacover --user dave --fido2 --uv --pin-fd 3 --format json \
	3<<<4711 </dev/null 2>/dev/null)
expect "--uv with a PIN from --pin-fd exit" 0 $?
[[ $(json_get credentials.0 <<<"$out") == *,es256,+presence+pin ]] && ok || fail "no +pin: $out"
expect "the PIN logs in" PAM_SUCCESS "$(pam key5 fido2 dave 4711)"
expect "a wrong PIN does not" PAM_AUTH_ERR "$(pam key5 fido2 dave 0000)"
device key6 pin 4711
bad "a wrong PIN" 1 "PIN was wrong" key6 --store /var/lib/mfacover --user erin --fido2 --uv \
	--pin-fd 3 3<<<1234
bad "no PIN on the descriptor" 1 "no PIN was given" key6 --store /var/lib/mfacover --user erin \
	--fido2 --uv --pin-fd 3 3</dev/null
SETSID=1 bad "no terminal to ask on" 1 "give it with --pin-fd" key6 --store /var/lib/mfacover --user erin \
	--fido2 --uv
# On a terminal (script(1) gives one): the prompt is shown, the PIN is not echoed.
if command -v script >/dev/null && command -v timeout >/dev/null; then
	(sleep 2; printf '4711\n') | timeout 30 script -qec \
		"env MFACOVER_SOFT_FIDO2=$work/dev/key6 $enroll --root $root --store /var/lib/mfacover --user erin --fido2 --uv" \
		/dev/null >"$work/tty" 2>&1
	expect "PIN on the terminal: exit" 0 $?
	grep -q "Security key PIN:" "$work/tty" && ok || fail "no PIN prompt: $(cat "$work/tty")"
	grep -q 4711 "$work/tty" && fail "the PIN was echoed: $(cat "$work/tty")" || ok
	[[ $(fido2_lines "$store/erin") == *,+presence+pin ]] && ok || fail "erin has no +pin key"
fi

# --- 5. --resident ---------------------------------------------------------------------
device key7
out=$(mfe key7 --store /var/lib/mfacover --user frank --fido2 --resident --format json </dev/null 2>/dev/null)
expect "--resident exit" 0 $?
[[ $(fido2_lines "$store/frank") == "*,"*",es256,+presence" ]] && ok ||
	fail "not a resident credential: $(fido2_lines "$store/frank")"
grep -q "^key es256 $ORIGIN 1 " "$work/dev/key7" && ok || fail "the device holds no resident key"
expect "the resident key logs in" PAM_SUCCESS "$(pam key7 fido2 frank x)"
expect "frank's counter" 1 "$(counters "$store/frank")"

# --- 6. what writes nothing -------------------------------------------------------------
bad "no device at all" 1 "no security key found" - --store /var/lib/mfacover --user gina --fido2
device away
setdev away present 0
bad "a device not plugged in" 1 "no security key found" away --store /var/lib/mfacover --user gina --fido2
device untouched
setdev untouched touch 0
bad "a device not touched" 1 "was not touched" untouched --store /var/lib/mfacover --user gina --fido2
device nouv none
bad "--uv on a key that cannot verify" 1 "--uv needs" nouv --store /var/lib/mfacover --user gina --fido2 --uv
bad "--fido2 with a seed" 64 "not with --fido2" key1 --store /var/lib/mfacover --user gina --fido2 \
	--secret "$SECRET"
bad "--uv without --fido2" 64 "--uv needs --fido2" key1 --store /var/lib/mfacover --user gina --uv
bad "unknown --type" 64 "--type must be" key1 --store /var/lib/mfacover --user gina --fido2 --type p384
bad "--origin with a space" 64 "--origin must be" key1 --store /var/lib/mfacover --user gina --fido2 \
	--origin "pam://a b"
bad "--fido2 and --import-pamu2f" 64 "exclude each other" key1 --store /var/lib/mfacover \
	--user gina --fido2 --import-pamu2f /dev/null
bad "list --fido2" 64 "are for enroll" key1 list --store /var/lib/mfacover --fido2
[[ ! -e $store/gina ]] && ok || fail "gina has a state"

# --- 7. list, enroll --force and revoke --------------------------------------------------
out=$(mfe key1 list --store /var/lib/mfacover --format json)
expect "list exit" 0 $?
want="alice=2 bob=1 carol=1 dave=1"
[[ -e $store/erin ]] && want+=" erin=1" # the terminal case ran
expect "list: FIDO2 credentials per user" "$want frank=1" \
	"$(python3 -c 'import json,sys
print(" ".join("%s=%d" % (t["user"], t["fido2_credentials"]) for t in json.load(sys.stdin)["tokens"]))' <<<"$out")"
mfe key1 list --store /var/lib/mfacover | grep -q "^alice .* 9 *2$" && ok ||
	fail "text list: no FIDO2 column: $(mfe key1 list --store /var/lib/mfacover)"
# A TOTP token for a FIDO2-only user: added without --force, the keys kept.
out=$(mfe key1 --store /var/lib/mfacover --user alice --secret "$SECRET" --no-confirm --format json </dev/null)
expect "TOTP for a FIDO2-only user exit" 0 $?
expect "its keys are kept" 2 "$(json_get fido2_credentials <<<"$out")"
expect "alice: type totp" "type=totp" "$(state "$store/alice" | grep '^type=')"
expect "alice's counters kept" "2 1" "$(counters "$store/alice")"
# --force replaces bob's token, and keeps his key.
bad "a second token without --force" 1 "--force replaces it" key1 --store /var/lib/mfacover \
	--user bob --secret "$SECRET" --no-confirm
out=$(mfe key1 --store /var/lib/mfacover --user bob --force --secret GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ \
	--no-confirm --format json </dev/null)
expect "--force exit" 0 $?
expect "--force keeps the key" 1 "$(json_get fido2_credentials <<<"$out")"
expect "the new seed" "secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" "$(state "$store/bob" | grep '^secret=')"
expect "bob's key still logs in" PAM_SUCCESS "$(pam key3 fido2 bob x)"
expect "its counter went on" 2 "$(counters "$store/bob")"
# revoke removes everything.
mfe key7 revoke --store /var/lib/mfacover --user frank >/dev/null
expect "revoke exit" 0 $?
[[ ! -e $store/frank ]] && ok || fail "frank's state is still there"
expect "a revoked key cannot log in" PAM_AUTH_ERR "$(pam key7 fido2 frank x)"

# --- 8. a user enrolls their own key into their home (store=home) -----------------------
as_bob() {
	setpriv --reuid=2001 --regid=2001 --clear-groups \
		env LD_PRELOAD="$nsswrap" NSS_WRAPPER_PASSWD="$work/passwd" NSS_WRAPPER_GROUP="$work/group" \
		NSS_WRAPPER_DISABLE_DEEPBIND=1 MFACOVER_SOFT_FIDO2="$work/dev/key8" \
		HOME="$root/home/bob" "$enroll" "$@"
}
device key8
out=$(as_bob --fido2 --origin "$ORIGIN" --format json </dev/null 2>"$work/err")
expect "self-enroll --fido2 exit" 0 $?
expect "into the home" "$root/home/bob/.config/mfacover/token" "$(json_get store <<<"$out")"
expect "home token owner and mode" "600 2001" "$(stat -c '%a %u' "$root/home/bob/.config/mfacover/token")"
expect "the home key logs in" PAM_SUCCESS "$(pam key8 home bob x)"

# --- 9. --import-pamu2f ------------------------------------------------------------------
# alice's two credentials as pamu2fcfg writes them, one line, with another user before.
{
	echo "# written by pamu2fcfg"
	printf 'dave:%s\n' "$(fido2_lines "$store/dave")"
	printf 'alice:%s\n' "$(fido2_lines "$store/alice" | paste -sd:)"
} >"$work/u2f_mappings"
out=$(mfe key1 --store /var/lib/mfacover2 --user alice --import-pamu2f "$work/u2f_mappings" \
	--format json </dev/null 2>"$work/err")
expect "import exit" 0 $?
expect "import source" pam_u2f "$(json_get source <<<"$out")"
expect "two imported" 2 "$(json_get fido2_credentials <<<"$out")"
expect "a new state" true "$(json_get new_state <<<"$out")"
expect "imported as they were" "$(fido2_lines "$store/alice")" "$(fido2_lines "$store2/alice")"
expect "imported counters start at 0" "0 0" "$(counters "$store2/alice")"
expect "an imported key logs in" PAM_SUCCESS "$(pam key1 fido2b alice x)"
expect "its counter is the device's" "3 0" "$(counters "$store2/alice")"
bad "the same import again" 1 "repeats the key handle" key1 --store /var/lib/mfacover2 --user alice \
	--import-pamu2f "$work/u2f_mappings"
bad "a user without a line" 1 "has no line for carol" key1 --store /var/lib/mfacover2 --user carol \
	--import-pamu2f "$work/u2f_mappings"
# A user with a TOTP token keeps it.
mfe key1 --store /var/lib/mfacover2 --user bob --secret "$SECRET" --no-confirm </dev/null >/dev/null
printf 'bob:%s\n' "$(fido2_lines "$store/bob")" >"$work/bob_keys"
out=$(mfe key1 --store /var/lib/mfacover2 --user bob --import-pamu2f "$work/bob_keys" --format json </dev/null)
expect "import next to a TOTP token" totp "$(json_get otp_token <<<"$out")"
expect "bob's imported key logs in" PAM_SUCCESS "$(pam key3 fido2b bob x)"
# The old format (pamu2fcfg <= 1.0.8): URL-safe key handle, 04||x||y in hex; checked with appid=.
key4line=$(fido2_lines "$store/carol")
old=$(python3 -c 'import base64,sys
kh, pk = sys.argv[1].split(",")[:2]
kh = base64.urlsafe_b64encode(base64.b64decode(kh)).decode().rstrip("=")
print("%s,04%s" % (kh, base64.b64decode(pk).hex()))' "$key4line")
printf 'carol:%s\n' "$old" >"$work/old_format"
setdev key4 uv builtin
out=$(mfe key4 --store /var/lib/mfacover2 --user carol --import-pamu2f "$work/old_format" --format json \
	</dev/null 2>"$work/err")
expect "old-format import exit" 0 $?
grep -q "old format.*appid=" "$work/err" && ok || fail "no appid= warning: $(cat "$work/err")"
expect "written back in the old format" "$old" "$(fido2_lines "$store2/carol")"
expect "the old-format key logs in with appid=" PAM_SUCCESS "$(pam key4 appid carol x)"
expect "not with another appid=" PAM_AUTH_ERR "$(pam key4 appid_other carol x)"
# Malformed files: refused with file:line, nothing written.
printf 'gina:%s\n' "$(fido2_lines "$store/dave")" >"$work/bad1"
printf 'erin:AAAA,not-base64!,es256,+presence\n' >>"$work/bad1"
bad "a malformed line" 1 "$work/bad1:2:" key1 --store /var/lib/mfacover2 --user gina \
	--import-pamu2f "$work/bad1"
printf 'gina:%s,rsa\n' "$(fido2_lines "$store/dave" | cut -d, -f1-2)" >"$work/bad2"
bad "an unknown key type" 1 "$work/bad2:1:" key1 --store /var/lib/mfacover2 --user gina \
	--import-pamu2f "$work/bad2"
ln -s "$work/u2f_mappings" "$work/u2f_link"
bad "a symbolic link" 1 "symbolic link" key1 --store /var/lib/mfacover2 --user gina \
	--import-pamu2f "$work/u2f_link"
bad "a missing file" 1 "cannot open" key1 --store /var/lib/mfacover2 --user gina \
	--import-pamu2f "$work/nosuch"
bad "--import-pamu2f with --uv" 64 "needs --fido2" key1 --store /var/lib/mfacover2 --user gina \
	--import-pamu2f "$work/u2f_mappings" --uv
[[ ! -e $store2/gina ]] && ok || fail "gina has a state in the second store"

# --- 10. one lost key: revoke --fido2-credential N ----------------------------------------
out=$(mfe key1 list --store /var/lib/mfacover --user alice --format json)
expect "list: alice's credentials with their counters" "2 1" \
	"$(python3 -c 'import json,sys
print(" ".join(str(c["counter"]) for c in json.load(sys.stdin)["tokens"][0]["fido2"]))' <<<"$out")"
expect "list: as the state holds them" "$(fido2_lines "$store/alice")" \
	"$(python3 -c 'import json,sys
print("\n".join(c["credential"] for c in json.load(sys.stdin)["tokens"][0]["fido2"]))' <<<"$out")"
out=$(mfe key1 list --store /var/lib/mfacover --user alice)
has "$out" "  fido2 2: rs256, counter 1" "text list numbers the credentials"
kept=$(fido2_lines "$store/alice" | sed -n 2p)
out=$(mfe key1 revoke --store /var/lib/mfacover --user alice --fido2-credential 1 --format json)
expect "revoke one key exit" 0 $?
expect "revoke one key: done" "fido2 credential 1 revoked" "$(json_get done <<<"$out")"
expect "the other key stays" "$kept" "$(fido2_lines "$store/alice")"
expect "alice keeps her TOTP token" "secret=$SECRET" "$(state "$store/alice" | grep '^secret=')"
expect "the revoked key cannot log in" PAM_AUTH_ERR "$(pam key1 fido2 alice x)"
expect "the other one can" PAM_SUCCESS "$(pam key2 fido2 alice x)"
bad "no such credential" 1 "has 1 FIDO2 credential" key1 revoke --store /var/lib/mfacover \
	--user alice --fido2-credential 2
bad "the only key of a FIDO2-only user" 1 "removes the whole state" key1 revoke \
	--store /var/lib/mfacover --user dave --fido2-credential 1
bad "--fido2-credential 0" 64 "--fido2-credential must be" key1 revoke --store /var/lib/mfacover \
	--user alice --fido2-credential 0
bad "--fido2-credential with enroll" 64 "is for revoke" key1 --store /var/lib/mfacover \
	--user alice --fido2 --fido2-credential 1

echo "enroll FIDO2: $checks checks passed, $fails failed"
((fails == 0))
