#!/usr/bin/env bash
# test_enroll_cli.sh ENROLL MODULE PAM_AUTH_ONCE OTP_CODE PAM_WRAPPER NSS_WRAPPER DATA_DIR
#
# mfacover-enroll end to end: enroll (scripted JSON, confirmed, HOTP, home
# store, imports), compute codes with the library and with Debian's oathtool
# (an independent implementation), authenticate through pam_mfacover under
# pam_wrapper, decode the PNG QR with zbarimg, list/reset/regenerate/revoke,
# and check that every bad input leaves the store byte-identical.
set -uo pipefail
# shellcheck source=tests/lib/check.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh"
enroll=$1 module=$2 auth_once=$3 otp_code=$4 pamwrap=$5 nsswrap=$6 data=$7

work=$(mktemp -d /tmp/mfacover-enroll-XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
root=$work/root
store=$root/var/lib/mfacover
mkdir -p "$root/etc" "$root/home/bob" "$work/services"
chmod 755 "$root" "$root/etc" "$root/home"
cat >"$root/etc/passwd" <<PASSWD
root:x:0:0:root:/root:/bin/bash
alice:x:2000:2000:Alice:/home/alice:/bin/sh
bob:x:2001:2001:Bob:/home/bob:/bin/sh
carol:x:2002:2002:Carol:/home/carol:/bin/sh
dave:x:2003:2003:Dave:/home/dave:/bin/sh
svc-vendor:x:2004:2004:Vendor:/home/svc-vendor:/bin/sh
erin:x:2005:2005:Erin:/home/erin:/bin/sh
PASSWD
printf 'root:x:0:\nalice:x:2000:\nbob:x:2001:\n' >"$root/etc/group"
# The image's hostname is a link with an absolute target, as on images built with
# systemd-firstboot: the default issuer must resolve it inside the root, never on this host.
echo testhost >"$root/etc/hostname.image"
ln -s /etc/hostname.image "$root/etc/hostname"
chown 2001:2001 "$root/home/bob"
chmod 700 "$root/home/bob"

printf 'auth required /usr/lib/x86_64-linux-gnu/security/pam_deny.so\n' >"$work/services/other"
printf 'auth [success=done default=die] %s store=%s\n' "$module" "$store" >"$work/services/mfa"
printf 'auth [success=done default=die] %s store=%s digits=8\n' "$module" "$store" >"$work/services/mfa8"
printf 'auth [success=done default=die] %s store=home\n' "$module" >"$work/services/home"

# nss_wrapper's view of the users, for the module's store=home lookups.
sed "s|:/home/|:$root/home/|" "$root/etc/passwd" >"$work/passwd"
cp "$root/etc/group" "$work/group"


pam() { # pam SERVICE USER ANSWER -> prints the PAM result name
	LD_PRELOAD="$pamwrap $nsswrap" PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$work/services" \
		PAM_WRAPPER_DISABLE_DEEPBIND=1 UID_WRAPPER_DISABLE_DEEPBIND=1 NSS_WRAPPER_DISABLE_DEEPBIND=1 \
		NSS_WRAPPER_PASSWD="$work/passwd" NSS_WRAPPER_GROUP="$work/group" \
		"$auth_once" "$@" 2>/dev/null
}

mfe() { # mfacover-enroll with the test root
	"$enroll" --root "$root" "$@"
}

json_get() { # json_get FIELD < json
	python3 -c 'import json,sys; v=json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v[int(k)] if isinstance(v, list) else v[k]
print(json.dumps(v) if isinstance(v, (list, dict, bool)) or v is None else v)' "$1"
}

snapshot() { # a listing with modes, owners and contents of the store
	if [[ -d $store ]]; then
		(cd "$store" && find . -printf '%p %m %U %s\n' | sort && find . -type f -exec sha256sum {} + | sort)
	else
		echo "no store"
	fi
}

# Wait while fewer than 4 s remain in the 30 s step, so codes stay current.
quiet_step() {
	local now
	now=$(date +%s)
	if ((now % 30 >= 26)); then sleep $((31 - now % 30)); fi
}

SECRET=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP

# --- 1. the library and oathtool compute the same codes -----------------------
for t in 59 1111111109 2000000000; do
	for alg in SHA1 SHA256 SHA512; do
		for digits in 6 8; do
			ours=$("$otp_code" "$SECRET" totp "$t" "$alg" "$digits" 30)
			theirs=$(oathtool --totp="${alg,,}" --digits="$digits" --now="@$t" -b "$SECRET")
			expect "TOTP $alg $digits digits at $t" "$theirs" "$ours"
		done
	done
done
for c in 0 1 7 1000; do
	expect "HOTP counter $c" "$(oathtool --hotp -c "$c" -b "$SECRET")" "$("$otp_code" "$SECRET" hotp "$c")"
done

# --- 2. scripted provisioning: exactly the documented command ------------------
printf '%s\n' "$SECRET" >"$work/seed.txt"
out=$(mfe --store /var/lib/mfacover --user svc-vendor --secret-file "$work/seed.txt" --no-confirm --format json </dev/null)
expect "scripted enroll exit" 0 $?
expect "json user" svc-vendor "$(json_get user <<<"$out")"
expect "json type" totp "$(json_get type <<<"$out")"
expect "json digits" 6 "$(json_get digits <<<"$out")"
expect "json period" 30 "$(json_get period <<<"$out")"
expect "json algorithm" SHA1 "$(json_get algorithm <<<"$out")"
expect "json uri" "otpauth://totp/testhost:svc-vendor?secret=$SECRET&issuer=testhost&algorithm=SHA1&digits=6&period=30" \
	"$(json_get uri <<<"$out")"
expect "json recovery codes" 10 "$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)["recovery_codes"]))' <<<"$out")"
expect "state file mode" "600 0" "$(stat -c '%a %u' "$store/svc-vendor")"
expect "store mode" "700 0" "$(stat -c '%a %u' "$store")"
recovery=$(json_get recovery_codes.0 <<<"$out")

quiet_step
code=$(oathtool --totp -b "$SECRET")
expect "oathtool's code logs in" PAM_SUCCESS "$(pam mfa svc-vendor "$code")"
expect "the same code again is a replay" PAM_AUTH_ERR "$(pam mfa svc-vendor "$code")"
expect "a recovery code logs in" PAM_SUCCESS "$(pam mfa svc-vendor "$recovery")"
expect "the recovery code works once" PAM_AUTH_ERR "$(pam mfa svc-vendor "$recovery")"

# --- 3. interactive enrollment: the first code activates and is consumed -------
quiet_step
code=$(oathtool --totp -b "$SECRET")
out=$(echo "$code" | mfe --store /var/lib/mfacover --user alice --secret "$SECRET" 2>"$work/err")
expect "confirmed enroll exit" 0 $?
grep -q "activated" <<<"$out" && ok || fail "no 'activated' in: $out"
grep -q "otpauth://totp/testhost:alice" <<<"$out" && ok || fail "URI not shown"
grep -q "▀\|▄\|█" <<<"$out" && ok || fail "no QR code drawn in the terminal"
expect "the confirmation code cannot log in" PAM_AUTH_ERR "$(pam mfa alice "$code")"

# --- 3b. the seed from a file or stdin; --secret blanked in the process list ----
printf '%s\n' "$SECRET" >"$work/seed"
chmod 600 "$work/seed"
mfe --store /var/lib/mfacover --user erin --secret-file "$work/seed" --no-confirm </dev/null >/dev/null
expect "--secret-file FILE exit" 0 $?
quiet_step
expect "--secret-file FILE seed logs in" PAM_SUCCESS "$(pam mfa erin "$(oathtool --totp -b "$SECRET")")"
quiet_step
code=$(oathtool --totp -b "$SECRET")
out=$(printf '%s\n%s\n' "$SECRET" "$code" | mfe --store /var/lib/mfacover --user erin --force --secret-file - 2>"$work/err")
expect "--secret-file - then the confirmation code on stdin" 0 $?
grep -q "activated" <<<"$out" && ok || fail "--secret-file -: not activated: $(cat "$work/err")"
mfe revoke --store /var/lib/mfacover --user erin >/dev/null
expect "revoke erin" 0 $?
# While enrollment waits for the first code, another user's ps must not show the seed.
rm -f "$work/in" "$work/waiting"
mkfifo "$work/in"
"$enroll" --root "$root" --store /var/lib/mfacover --user dave --secret "$SECRET" <"$work/in" >"$work/waiting" 2>&1 &
pid=$!
exec 7>"$work/in"
for _ in $(seq 100); do grep -q "otpauth://" "$work/waiting" && break; sleep 0.1; done
grep -q "otpauth://" "$work/waiting" && ok || fail "enroll never asked for the first code"
cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline")
[[ $cmdline == *"--secret"* && $cmdline != *"$SECRET"* ]] && ok ||
	fail "the seed is in the process list: $cmdline"
exec 7>&-
wait "$pid"
expect "no code on stdin: not enrolled" 1 $?

# --- 4. every bad input leaves the store byte-identical --------------------------
before=$(snapshot)
bad() { # bad DESCRIPTION WANT_EXIT ARGS... (stdin from /dev/null unless set)
	local desc=$1 want=$2
	shift 2
	mfe "$@" </dev/null >/dev/null 2>"$work/err"
	local got=$?
	expect "$desc: exit" "$want" "$got"
	[[ -s $work/err ]] && ok || fail "$desc: no message"
	expect "$desc: store unchanged" "$before" "$(snapshot)"
}
bad "unknown user" 1 --store /var/lib/mfacover --user nosuch --secret "$SECRET" --no-confirm
bad "bad base32" 1 --store /var/lib/mfacover --user carol --secret 'NOT*BASE32' --no-confirm
bad "short secret" 1 --store /var/lib/mfacover --user carol --secret JBSWY3DP --no-confirm
bad "existing token without --force" 1 --store /var/lib/mfacover --user alice --secret "$SECRET" --no-confirm
bad "digits 9" 64 --store /var/lib/mfacover --user carol --digits 9 --no-confirm
bad "unknown algorithm" 64 --store /var/lib/mfacover --user carol --algorithm MD5 --no-confirm
bad "two seed sources" 64 --store /var/lib/mfacover --user carol --secret "$SECRET" --import-oath-usersfile /dev/null
bad "relative store" 64 --store var/lib/mfacover --user carol --no-confirm
bad "unknown command" 64 --store /var/lib/mfacover --user carol frobnicate
bad "no code typed" 1 --store /var/lib/mfacover --user carol --secret "$SECRET"
grep -q "nothing was written" "$work/err" && ok || fail "no 'nothing was written'"
# Root imports a seed file only when it is root's, the caller's or the token user's own.
printf '%s\n" TOTP_AUTH\n' "$SECRET" >"$work/third-party"
chown 2003 "$work/third-party"
bad "import of a third user's file" 1 --store /var/lib/mfacover --user carol \
	--import-google-authenticator "$work/third-party" --no-confirm
grep -q "belongs to neither" "$work/err" && ok || fail "no owner reason: $(cat "$work/err")"
ln "$work/seed" "$work/seed-link"
bad "a seed file with two names" 1 --store /var/lib/mfacover --user carol \
	--secret-file "$work/seed-link" --no-confirm
grep -q "more than one name" "$work/err" && ok || fail "no hard link reason: $(cat "$work/err")"
printf '000000\n000001\n000002\n' >"$work/wrong"
mfe --store /var/lib/mfacover --user carol --secret "$SECRET" --qr-out "$work/carol.png" <"$work/wrong" >/dev/null 2>&1
expect "three wrong codes: exit" 1 $?
expect "three wrong codes: store unchanged" "$before" "$(snapshot)"
[[ ! -e $work/carol.png ]] && ok || fail "the QR code of a token never stored was left behind"
mkdir -p "$root/var/lib/unsafe"
chmod 777 "$root/var/lib/unsafe"
bad "world-writable store" 1 --store /var/lib/unsafe --user carol --secret "$SECRET" --no-confirm
grep -q "writable by group or others" "$work/err" && ok || fail "unsafe store not named"
[[ -z $(ls -A "$root/var/lib/unsafe") ]] && ok || fail "something was written to the unsafe store"
chmod 700 "$root/var/lib/unsafe"
cp "$store/alice" "$work/alice.saved"
chmod 644 "$store/alice"
before=$(snapshot)
bad "group-readable state, no --force" 1 --store /var/lib/mfacover --user alice --secret "$SECRET" --no-confirm
grep -q "accessible by group or others" "$work/err" && ok || fail "unsafe state not named"
chmod 600 "$store/alice"

# --- 5. QR code files decode to the URI ----------------------------------------
out=$(mfe --store /var/lib/mfacover --user carol --algorithm SHA256 --digits 8 --issuer "ACME Wartung GmbH" \
	--no-confirm --qr-out "$work/carol.png" --format json </dev/null)
expect "enroll with PNG exit" 0 $?
uri=$(json_get uri <<<"$out")
expect "PNG decodes to the URI" "$uri" "$(zbarimg --raw -q "$work/carol.png" 2>/dev/null)"
expect "PNG file mode" 600 "$(stat -c %a "$work/carol.png")"
secret_carol=$(json_get secret <<<"$out")
expect "generated seed is 256 bits for SHA256" 52 "${#secret_carol}"
quiet_step
expect "8-digit SHA256 code logs in (digits=8)" PAM_SUCCESS \
	"$(pam mfa8 carol "$(oathtool --totp=sha256 --digits=8 -b "$secret_carol")")"
expect "8-digit token refused by a 6-digit module" PAM_AUTH_ERR \
	"$(pam mfa carol "$(oathtool --totp=sha256 --digits=8 -b "$secret_carol")")"
out=$(mfe --store /var/lib/mfacover --user dave --no-confirm --qr-out "$work/dave.svg" --format json </dev/null)
expect "enroll with SVG exit" 0 $?
head -c 200 "$work/dave.svg" | grep -q "<svg" && ok || fail "SVG file does not start an <svg>"
expect "generated seed is 160 bits for SHA1" 32 "$(json_get secret <<<"$out" | tr -d '\n' | wc -c)"

# --- 6. HOTP -------------------------------------------------------------------
out=$(mfe --store /var/lib/mfacover --user dave --force --hotp --counter 5 --secret "$SECRET" --no-confirm --format json </dev/null)
expect "HOTP enroll exit" 0 $?
expect "HOTP json counter" 5 "$(json_get counter <<<"$out")"
expect "HOTP json period" null "$(json_get period <<<"$out")"
expect "HOTP counter 5 logs in" PAM_SUCCESS "$(pam mfa dave "$(oathtool --hotp -c 5 -b "$SECRET")")"
expect "HOTP counter 5 again" PAM_AUTH_ERR "$(pam mfa dave "$(oathtool --hotp -c 5 -b "$SECRET")")"
expect "HOTP counter 7 (look-ahead)" PAM_SUCCESS "$(pam mfa dave "$(oathtool --hotp -c 7 -b "$SECRET")")"
expect "HOTP counter 6 after 7" PAM_AUTH_ERR "$(pam mfa dave "$(oathtool --hotp -c 6 -b "$SECRET")")"

# --- 7. list, lockout, reset, new recovery codes, revoke ------------------------
for i in 1 2 3 4 5; do pam mfa alice 000000 >/dev/null; done
out=$(mfe list --store /var/lib/mfacover --format json)
expect "list exit" 0 $?
expect "list has four tokens (svc-vendor, alice, carol, dave)" 4 "$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)["tokens"]))' <<<"$out")"
locked=$(python3 -c 'import json,sys
t={x["user"]:x for x in json.load(sys.stdin)["tokens"]}
print(t["alice"]["locked"], t["svc-vendor"]["recovery_codes_left"], t["svc-vendor"]["last_success"] > 0)' <<<"$out")
expect "list: alice locked, vendor has 9 recovery codes and a last use" "True 9 True" "$locked"
mfe list --store /var/lib/mfacover | grep -q "^alice" && ok || fail "text list lacks alice"
out=$(mfe reset-lockout --store /var/lib/mfacover --user alice --format json)
expect "reset-lockout exit" 0 $?
expect "reset-lockout done" "lockout reset" "$(json_get done <<<"$out")"
expect "alice unlocked" "False 0" "$(mfe list --store /var/lib/mfacover --user alice --format json |
	python3 -c 'import json,sys; t=json.load(sys.stdin)["tokens"][0]; print(t["locked"], t["failures"])')"
out=$(mfe recovery-codes --store /var/lib/mfacover --user alice --recovery-codes 3 --format json)
expect "recovery-codes exit" 0 $?
expect "three new codes" 3 "$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)["recovery_codes"]))' <<<"$out")"
expect "a new recovery code logs in" PAM_SUCCESS "$(pam mfa alice "$(json_get recovery_codes.2 <<<"$out")")"
out=$(mfe revoke --store /var/lib/mfacover --user alice --format json)
expect "revoke exit" 0 $?
[[ ! -e $store/alice ]] && ok || fail "revoked state file still there"
expect "a revoked user cannot log in" PAM_AUTH_ERR "$(pam mfa alice 123456)"
mfe revoke --store /var/lib/mfacover --user alice >/dev/null 2>&1
expect "revoking twice fails" 1 $?
# An unusable state file is listed with its reason and can be revoked.
cp "$work/alice.saved" "$store/alice"
chmod 640 "$store/alice"
mfe list --store /var/lib/mfacover --format json >"$work/list.json" 2>/dev/null
expect "list with an unusable file exits 1" 1 $?
grep -q "accessible by group or others" "$work/list.json" && ok || fail "list does not give the reason"
mfe revoke --store /var/lib/mfacover --user alice >/dev/null
expect "revoking an unusable file" 0 $?

# --- 8. imports -----------------------------------------------------------------
quiet_step
step=$(($(date +%s) / 30))
cat >"$work/google_authenticator" <<GA
$SECRET
" RATE_LIMIT 3 30 $(date +%s)
" WINDOW_SIZE 3
" DISALLOW_REUSE $((step - 1)) $step
" TOTP_AUTH
12345678
87654321
GA
out=$(mfe --store /var/lib/mfacover --user alice --import-google-authenticator "$work/google_authenticator" \
	--no-confirm --format json </dev/null 2>"$work/err")
expect "GA import exit" 0 $?
expect "GA import source" google-authenticator "$(json_get source <<<"$out")"
grep -q "2 emergency scratch codes were not imported" "$work/err" && ok || fail "scratch codes not reported"
expect "GA: the code google-authenticator accepted is a replay" PAM_AUTH_ERR \
	"$(pam mfa alice "$(oathtool --totp -b "$SECRET" --now="@$((step * 30))")")"
expect "GA: the next step's code is accepted" PAM_SUCCESS \
	"$(pam mfa alice "$(oathtool --totp -b "$SECRET" --now="@$(((step + 1) * 30))")")"

hex=$(python3 -c 'import base64,sys; print(base64.b32decode(sys.argv[1]).hex())' "$SECRET")
# As liboath leaves it after accepting counter 12: COUNTER, that code, the time.
printf '# users.oath\nHOTP\tcarol\t-\t%s\t12\t%s\t2026-01-01T00:00:00L\n' "$hex" \
	"$(oathtool --hotp -c 12 -b "$SECRET")" >"$work/users.oath"
out=$(mfe --store /var/lib/mfacover --user carol --force --import-oath-usersfile "$work/users.oath" \
	--no-confirm --format json </dev/null 2>"$work/err")
expect "oath import exit" 0 $?
expect "oath import type" hotp "$(json_get type <<<"$out")"
expect "oath: counter 12, which pam_oath accepted, is a replay" PAM_AUTH_ERR \
	"$(pam mfa carol "$(oathtool --hotp -c 12 -b "$SECRET")")"
expect "oath: counter 13 is accepted" PAM_SUCCESS "$(pam mfa carol "$(oathtool --hotp -c 13 -b "$SECRET")")"
before=$(snapshot)
bad "oath file without the user" 1 --store /var/lib/mfacover --user dave --force --import-oath-usersfile "$work/users.oath" --no-confirm
before=$(snapshot)
printf 'NOT*BASE32\n" TOTP_AUTH\n' >"$work/bad_ga"
bad "malformed GA file" 1 --store /var/lib/mfacover --user dave --force --import-google-authenticator "$work/bad_ga" --no-confirm
ln -s "$work/google_authenticator" "$work/ga_link"
bad "symlinked import file" 1 --store /var/lib/mfacover --user dave --force --import-google-authenticator "$work/ga_link" --no-confirm

# --- 9. store=home: a user enrolls themselves; root enrolls for a user ----------
as_bob() {
	setpriv --reuid=2001 --regid=2001 --clear-groups \
		env LD_PRELOAD="$nsswrap" NSS_WRAPPER_PASSWD="$work/passwd" NSS_WRAPPER_GROUP="$work/group" \
		NSS_WRAPPER_DISABLE_DEEPBIND=1 \
		HOME="$root/home/bob" "$enroll" "$@"
}
out=$(as_bob --secret "$SECRET" --no-confirm --format json </dev/null 2>"$work/err")
expect "self-enroll exit" 0 $?
expect "self-enroll file" "$root/home/bob/.config/mfacover/token" "$(json_get store <<<"$out")"
expect "home token owner and mode" "600 2001" "$(stat -c '%a %u' "$root/home/bob/.config/mfacover/token")"
expect "home dir mode" "700 2001" "$(stat -c '%a %u' "$root/home/bob/.config/mfacover")"
quiet_step
expect "home token logs in through store=home" PAM_SUCCESS "$(pam home bob "$(oathtool --totp -b "$SECRET")")"
as_bob --user alice --secret "$SECRET" --no-confirm </dev/null >/dev/null 2>"$work/err"
expect "a user cannot enroll another" 1 $?
grep -q "only root" "$work/err" && ok || fail "no reason given"
out=$(mfe --home --user bob --force --secret "$SECRET" --no-confirm --format json </dev/null)
expect "root enrolls into bob's home" 0 $?
expect "root-written home token still bob's" "600 2001" "$(stat -c '%a %u' "$root/home/bob/.config/mfacover/token")"

# --- 10. --root: the store is found and made inside the image, links and all -----
# The image's /var/lib is an absolute link, as images often have: the token must land
# at the link's target inside the image, never on this machine.
img=$work/img
hostdir=/srv/mfacover-enroll-test-$$
mkdir -p "$img/etc" "$img/var" "$img/srv/state"
chmod 755 "$img" "$img/etc" "$img/var" "$img/srv" "$img/srv/state"
cp "$root/etc/passwd" "$root/etc/group" "$img/etc/"
ln -s "$hostdir" "$img/var/lib"
mkdir -p "$img$hostdir"
"$enroll" --root "$img" --user alice --secret "$SECRET" --no-confirm </dev/null >/dev/null 2>"$work/err"
expect "enroll through the image's absolute link" 0 $?
expect "token at the link's target inside the image" "600 0" \
	"$(stat -c '%a %u' "$img$hostdir/mfacover/alice" 2>&1)"
if [[ -e $hostdir ]]; then
	fail "enroll --root wrote to this machine's $hostdir"
	rm -rf "$hostdir"
else
	ok
fi
# A component that is a file: refused with the path, nothing made.
rm "$img/var/lib"
echo x >"$img/var/lib"
"$enroll" --root "$img" --user alice --secret "$SECRET" --no-confirm </dev/null >/dev/null 2>"$work/err"
expect "a file where the store's directory goes" 1 $?
grep -q "/var/lib.*not a directory" "$work/err" && ok || fail "no path and reason: $(cat "$work/err")"

echo "enroll CLI: $checks checks passed, $fails failed"
((fails == 0))
