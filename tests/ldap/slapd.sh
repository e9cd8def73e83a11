# tests/ldap/slapd.sh - a throwaway OpenLDAP slapd for the tests, sourced.
#
#   slapd_init DIR SUFFIX   write DIR/slapd.conf (schemas core, cosine, nis,
#                           inetorgperson, msuser and sudo; an mdb database for
#                           SUFFIX with rootdn cn=admin,SUFFIX / rootpw
#                           "admin-secret"; size limit 500 as slapd's default,
#                           paged results unlimited)
#   slapd_tls DIR           make a test CA and a server certificate for
#                           localhost/127.0.0.1 (DIR/ca.pem) and turn TLS on
#   slapd_load DIR LDIF...  slapadd the files (before the server starts)
#   slapd_load_unchecked DIR LDIF...  the same with slapadd -s (no schema checks)
#   slapd_start DIR         start slapd on 127.0.0.1:$SLAPD_PORT, on
#                           ldapi://$SLAPD_LDAPI (a socket in DIR) and, with
#                           TLS, ldaps on 127.0.0.1:$SLAPD_TLS_PORT; waits
#                           until it answers
#   slapd_stop DIR          stop it and wait for it to go
#
# Nothing outside DIR is written; the machine's own slapd (if any) is not
# touched.  Needs Debian's slapd and ldap-utils.  ACL: the admin DN and root
# over ldapi (SASL EXTERNAL) read everything; cn=auditor,SUFFIX (password
# "auditor-secret") reads everything but passwords; anonymous reads nothing.

SLAPD_PORT=
SLAPD_TLS_PORT=
SLAPD_LDAPI=

_slapd_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

slapd_init() {
	local dir=$1 suffix=$2 here
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	mkdir -p "$dir/db" || return 1
	cat >"$dir/slapd.conf" <<SLAPD_CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/msuser.schema
include $here/schema/sudo.schema
include $here/schema/otp-test.schema
pidfile $dir/slapd.pid
argsfile $dir/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
sizelimit size.soft=500 size.hard=500 size.prtotal=unlimited
timelimit 60
#TLS#
database mdb
suffix "$suffix"
rootdn "cn=admin,$suffix"
rootpw admin-secret
directory $dir/db
maxsize 1073741824
index objectClass eq
index uid eq
index memberUid eq
index member eq
access to attrs=userPassword
	by dn.exact="cn=admin,$suffix" write
	by anonymous auth
	by * none
access to *
	by dn.exact="gidNumber=0+uidNumber=0,cn=peercred,cn=external,cn=auth" read
	by dn.exact="cn=auditor,$suffix" read
	by users read
	by * none
SLAPD_CONF
	SLAPD_LDAPI="ldapi://$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$dir/ldapi")"
}

slapd_tls() {
	local dir=$1
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj "/CN=mfacover test CA" -keyout "$dir/ca.key" -out "$dir/ca.pem" \
		>/dev/null 2>&1 || return 1
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
		-keyout "$dir/server.key" -out "$dir/server.csr" >/dev/null 2>&1 || return 1
	printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$dir/san.ext"
	openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
		-CAcreateserial -days 2 -extfile "$dir/san.ext" -out "$dir/server.pem" \
		>/dev/null 2>&1 || return 1
	chmod 600 "$dir/server.key"
	sed -i "s|^#TLS#\$|TLSCACertificateFile $dir/ca.pem\nTLSCertificateFile $dir/server.pem\nTLSCertificateKeyFile $dir/server.key|" \
		"$dir/slapd.conf"
}

slapd_load() {
	local dir=$1 f
	shift
	for f in "$@"; do
		slapadd -q -f "$dir/slapd.conf" -l "$f" >"$dir/slapadd.log" 2>&1 || {
			cat "$dir/slapadd.log" >&2
			return 1
		}
	done
}

# slapd_load_unchecked DIR LDIF...: the same without schema checks (slapadd -s),
# for entries in another product's shape (Active Directory's mandatory attributes).
slapd_load_unchecked() {
	local dir=$1 f
	shift
	for f in "$@"; do
		slapadd -q -s -f "$dir/slapd.conf" -l "$f" >"$dir/slapadd.log" 2>&1 || {
			cat "$dir/slapadd.log" >&2
			return 1
		}
	done
}

slapd_start() {
	local dir=$1 i urls
	SLAPD_PORT=$(_slapd_free_port) || return 1
	urls="ldap://127.0.0.1:$SLAPD_PORT/ $SLAPD_LDAPI"
	if grep -q '^TLSCertificateFile' "$dir/slapd.conf"; then
		SLAPD_TLS_PORT=$(_slapd_free_port) || return 1
		urls="$urls ldaps://127.0.0.1:$SLAPD_TLS_PORT/"
	fi
	slapd -f "$dir/slapd.conf" -h "$urls" \
		>"$dir/slapd.log" 2>&1 || {
		cat "$dir/slapd.log" >&2
		return 1
	}
	for ((i = 0; i < 100; i++)); do
		if ldapsearch -x -H "ldap://127.0.0.1:$SLAPD_PORT" -b "" -s base >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	echo "slapd did not answer on port $SLAPD_PORT" >&2
	return 1
}

slapd_stop() {
	local dir=$1 pid i
	[[ -s $dir/slapd.pid ]] || return 0
	pid=$(cat "$dir/slapd.pid")
	kill "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null
	return 0
}
