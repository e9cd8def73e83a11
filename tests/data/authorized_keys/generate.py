#!/usr/bin/env python3
"""Regenerate the authorized_keys test data (run from this directory).

Real keys come from ssh-keygen.  FIDO (sk-) public keys cannot be generated
without an authenticator, so their blobs are built here from the wire format
in OpenSSH's PROTOCOL.u2f: string type, the key (ed25519: string pk; ecdsa:
string curve, string point), string application ("ssh:").  The sk public
points reuse the public parts of ordinary keys; a CA signs an ed25519 key
and an sk key into certificates with `ssh-keygen -s`.  The line layout of
each file is what tests/unit/test_authorized_keys.c expects: keep them in
step.
"""
import base64
import os
import struct
import subprocess
import tempfile


def s(b):
    if isinstance(b, str):
        b = b.encode()
    return struct.pack(">I", len(b)) + b


def mpint(n):
    b = n.to_bytes((n.bit_length() + 8) // 8, "big")
    return s(b)


def strings(blob):
    out, i = [], 0
    while i < len(blob):
        (n,) = struct.unpack(">I", blob[i:i + 4])
        out.append(blob[i + 4:i + 4 + n])
        i += 4 + n
    return out


def b64(b):
    return base64.b64encode(b).decode()


tmp = tempfile.mkdtemp()


def keygen(name, *args):
    path = os.path.join(tmp, name)
    subprocess.run(["ssh-keygen", "-q", "-N", "", "-C", name, "-f", path, *args], check=True)
    with open(path + ".pub") as f:
        typ, blob = f.read().split()[:2]
    return typ, blob, path


_, E, _ = keygen("ed25519", "-t", "ed25519")
_, E2, _ = keygen("ed25519b", "-t", "ed25519")
_, EC256, _ = keygen("ecdsa256", "-t", "ecdsa", "-b", "256")
_, EC384, _ = keygen("ecdsa384", "-t", "ecdsa", "-b", "384")
_, EC521, _ = keygen("ecdsa521", "-t", "ecdsa", "-b", "521")
_, RSA, _ = keygen("rsa3072", "-t", "rsa", "-b", "3072")
_, RSA1024, _ = keygen("rsa1024", "-t", "rsa", "-b", "1024")
_, DSA, _ = keygen("dsa", "-t", "dsa")
_, CA, capath = keygen("ca", "-t", "ed25519")

ed_pk = strings(base64.b64decode(E2))[1]
ec_parts = strings(base64.b64decode(EC256))
SKE = b64(s("sk-ssh-ed25519@openssh.com") + s(ed_pk) + s("ssh:"))
SKEC = b64(s("sk-ecdsa-sha2-nistp256@openssh.com") + s("nistp256") + s(ec_parts[2]) + s("ssh:"))


def sign(name, typ, blob):
    path = os.path.join(tmp, name + ".pub")
    with open(path, "w") as f:
        f.write("%s %s %s\n" % (typ, blob, name))
    subprocess.run(["ssh-keygen", "-q", "-s", capath, "-I", name, "-n", "alice", path], check=True)
    with open(os.path.join(tmp, name + "-cert.pub")) as f:
        return f.read().split()[1]


CERT = sign("certed", "ssh-ed25519", E)
SKCERT = sign("certsk", "sk-ssh-ed25519@openssh.com", SKE)

# Broken blobs.
E_TRAIL = b64(base64.b64decode(E) + b"\0\0\0")
E_SHORT = b64(s("ssh-ed25519") + s(ed_pk[:31]))
SKE_NOAPP = b64(s("sk-ssh-ed25519@openssh.com") + s(ed_pk))
RSA512 = b64(s("ssh-rsa") + mpint(65537) + mpint((1 << 511) | 0x1235))
bad_point = bytearray(ec_parts[2])
bad_point[-1] ^= 1
EC_OFFCURVE = b64(s("ecdsa-sha2-nistp256") + s("nistp256") + s(bytes(bad_point)))
EC_BADCURVE = b64(s("ecdsa-sha2-nistp256") + s("nistp384") + s(ec_parts[2]))
UNPADDED = EC256.rstrip("=")

valid = [
    "# authorized_keys: every key type and option form sshd accepts",
    "",
    "ssh-ed25519 %s ed25519 key" % E,
    "ecdsa-sha2-nistp256 %s" % EC256,
    "ecdsa-sha2-nistp384 %s p384" % EC384,
    "ecdsa-sha2-nistp521 %s p521" % EC521,
    "ssh-rsa %s rsa3072" % RSA,
    "rsa-sha2-512 %s signature name for an rsa key" % RSA,
    "ssh-dss %s dsa" % DSA,
    "sk-ssh-ed25519@openssh.com %s sk ed25519" % SKE,
    "sk-ecdsa-sha2-nistp256@openssh.com %s sk ecdsa" % SKEC,
    "webauthn-sk-ecdsa-sha2-nistp256@openssh.com %s webauthn name" % SKEC,
    "ssh-ed25519-cert-v01@openssh.com %s user cert" % CERT,
    "sk-ssh-ed25519-cert-v01@openssh.com %s sk user cert" % SKCERT,
    'from="10.0.0.0/8,!10.1.*",no-touch-required,verify-required,command="echo \\"hi\\" there" sk-ssh-ed25519@openssh.com %s opts' % SKE,
    "restrict,pty,no-agent-forwarding,no-port-forwarding,no-X11-forwarding,no-pty,no-user-rc,port-forwarding,agent-forwarding,x11-forwarding,user-rc ssh-ed25519 %s" % E,
    'cert-authority,principals="alice,bob" ssh-ed25519 %s ca' % CA,
    'expiry-time="20300101",expiry-time="202001010000Z" ssh-ed25519 %s' % E,
    'environment="FOO=bar baz",permitopen="host:22",permitopen="[::1]:*",permitlisten="8080",permitlisten="localhost:*",tunnel="1",tunnel="any" ssh-ed25519 %s' % E,
    "RESTRICT,No-Touch-Required,Verify-Required ssh-ed25519 %s" % E,
    " \t ssh-ed25519 %s\t comment  with spaces" % E,
    ",restrict,,no-pty, ssh-ed25519 %s" % E,
    "touch-required,no-verify-required sk-ssh-ed25519@openssh.com %s" % SKE,
    "ssh-rsa %s rsa1024 crlf\r" % RSA1024,
]

bad_keys = [
    "ssh-ed25519 !!!notbase64 bad base64",
    "ssh-rsa %s type mismatch" % E,
    "restrict",
    "ssh-ed25519",
    "ecdsa-sha2-nistp384 %s curve mismatch" % EC256,
    "ssh-ed25519 %s trailing data" % E_TRAIL,
    "ED25519 %s shortname" % E,
    "ssh-rsa %s 512 bits" % RSA512,
    "ssh-ed25519 %s short pk" % E_SHORT,
    "ecdsa-sha2-nistp256 %s off curve" % EC_OFFCURVE,
    "sk-ssh-ed25519@openssh.com %s no application" % SKE_NOAPP,
    "ssh-ed25519 %s valid sentinel" % E,
    "ecdsa-sha2-nistp256 %s unpadded" % UNPADDED,
    "ecdsa-sha2-nistp256 %s curve name inside blob" % EC_BADCURVE,
    "ssh-ed25519-cert-v01@openssh.com %s" % E,
    "ssh-ed25519 %s" % E[:40],
]

bad_options = [
    "bogus-opt ssh-ed25519 %s" % E,
    'command="unterminated ssh-ed25519 %s' % E,
    'command="a",command="b" ssh-ed25519 %s' % E,
    'expiry-time="2020" ssh-ed25519 %s' % E,
    "expiry-time=20200101 ssh-ed25519 %s" % E,
    'environment="1-A=b" ssh-ed25519 %s' % E,
    'permitopen="host" ssh-ed25519 %s' % E,
    'tunnel="x" ssh-ed25519 %s' % E,
    "no-touch-required;verify-required ssh-ed25519 %s" % E,
    "no-restrict ssh-ed25519 %s" % E,
    'from="a",from="b" ssh-ed25519 %s' % E,
    "ssh-ed25519 %s valid sentinel" % E,
    'expiry-time="19700101000000Z" ssh-ed25519 %s' % E,
    "restrictx ssh-ed25519 %s" % E,
]

for name, lines in (("valid", valid), ("bad-keys", bad_keys), ("bad-options", bad_options)):
    with open(name, "w", newline="") as f:
        for line in lines:
            f.write(line + "\n")

# A home directory tree for token expansion: /home/alice/.ssh/authorized_keys
# and /etc/ssh/keys/alice.1000 (AuthorizedKeysFile .ssh/authorized_keys /etc/ssh/keys/%u.%U).
root = "root"
os.makedirs(os.path.join(root, "home/alice/.ssh"), exist_ok=True)
os.makedirs(os.path.join(root, "etc/ssh/keys"), exist_ok=True)
with open(os.path.join(root, "home/alice/.ssh/authorized_keys"), "w") as f:
    f.write("verify-required sk-ssh-ed25519@openssh.com %s home\n" % SKE)
    f.write("not a key\n")
with open(os.path.join(root, "etc/ssh/keys/alice.1000"), "w") as f:
    f.write("ssh-ed25519 %s central\n" % E)
with open(os.path.join(root, "home/alice/%literal"), "w") as f:
    f.write("sk-ecdsa-sha2-nistp256@openssh.com %s percent\n" % SKEC)
