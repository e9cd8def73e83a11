#!/usr/bin/env python3
"""gen_audit_root.py - deterministic inputs for the auditor benchmark (scripts/bench-audit).

  gen_audit_root.py root DIR [--seed N]
      a host root under DIR: 500 PAM services in etc/pam.d, etc/sudoers with
      2 000 rules, etc/ssh/sshd_config with 50 Match blocks, 200 local
      accounts (20 of them in the admin groups), enrollment files in
      var/lib/mfacover, hostname and nsswitch.conf (passwd: files ldap).
  gen_audit_root.py ldif FILE --users N [--seed N] [--expect FILE]
      a directory of N users for slapadd (after tests/ldap/data/base.ldif):
      posixAccount users, a few hundred groups (posixGroup with memberUid,
      groupOfNames with nested groups), about 100 admins and a few sudoRole
      entries; --expect writes the names that must be admins in the report,
      one a line.

The same seed gives the same bytes.  The root and the directory share their
names: sudoers and sshd_config name directory groups and users
(team-NNN, proj-NNN, dNNNNNN), the directory's admins reach wheel and admin
through nesting and memberUid, and a few are listed in the local sudo group.
"""
import argparse
import os
import random
import sys

HOST = "bench-host"
SUFFIX = "dc=example,dc=org"
NSERVICES = 500
NSUDO_RULES = 2000
NMATCH = 50
NLOCAL = 200
NLOCAL_ADMINS = 20
NTEAMS = 250  # posixGroup team-NNN
NPROJECTS = 50  # groupOfNames proj-NNN, nested

# Directory admins, the same in every size (so the paths explored do not grow
# with the directory, only the accounts read): 30 direct members of wheel
# (groupOfNames), 30 of ops and 30 of sre (ops is in wheel, sre in ops), 10 in
# admin (posixGroup memberUid).  Indexes into the users; all below 10 000.
DIR_WHEEL = list(range(100, 130))
DIR_OPS = list(range(1000, 1030))
DIR_SRE = list(range(5000, 5030))
DIR_ADMIN = list(range(9000, 9010))
DIR_LOCAL_SUDO = [9500, 9501]  # listed in the local /etc/group sudo line
DIR_SUDOROLE = [9600, 9601, 9602]  # sudoRole rules run ALL as root


def dir_user(i):
    return f"d{i:06d}"


def write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


# --- PAM ------------------------------------------------------------------

COMMON = {
    "common-auth": """# /etc/pam.d/common-auth - authentication settings common to all services
auth\t[success=2 default=ignore]\tpam_unix.so nullok
auth\t[success=1 default=ignore]\tpam_sss.so use_first_pass
auth\trequisite\t\t\tpam_deny.so
auth\trequired\t\t\tpam_permit.so
auth\toptional\t\t\tpam_cap.so
""",
    "common-account": """account\t[success=1 new_authtok_reqd=done default=ignore]\tpam_unix.so
account\trequisite\t\t\tpam_deny.so
account\trequired\t\t\tpam_permit.so
account\t[default=bad success=ok user_unknown=ignore]\tpam_sss.so
""",
    "common-password": """password\trequisite\t\t\tpam_pwquality.so retry=3
password\t[success=1 default=ignore]\tpam_unix.so obscure use_authtok try_first_pass yescrypt
password\trequisite\t\t\tpam_deny.so
password\trequired\t\t\tpam_permit.so
""",
    "common-session": """session\t[default=1]\t\t\tpam_permit.so
session\trequisite\t\t\tpam_deny.so
session\trequired\t\t\tpam_permit.so
session\trequired\tpam_unix.so
session\toptional\t\t\tpam_sss.so
-session\toptional\tpam_systemd.so
""",
    "common-session-noninteractive": """session\t[default=1]\t\t\tpam_permit.so
session\trequisite\t\t\tpam_deny.so
session\trequired\t\t\tpam_permit.so
session\trequired\tpam_unix.so
""",
    # A second factor after the password, for services that substack it.
    "mfa-auth": """# password, then pam_mfacover for everyone
auth\trequisite\tpam_unix.so
auth\trequired\tpam_mfacover.so
""",
    # The same with a jump over the factor for members of a group.
    "mfa-auth-exempt": """auth\trequisite\tpam_unix.so
auth\t[success=1 default=ignore]\tpam_succeed_if.so quiet user ingroup mfa-exempt
auth\trequired\tpam_mfacover.so
auth\trequired\tpam_permit.so
""",
    "password-auth": """# RHEL style shared stack
auth\trequired\tpam_env.so
auth\trequired\tpam_faildelay.so delay=2000000
auth\t[default=1 ignore=ignore success=ok]\tpam_usertype.so isregular
auth\t[default=1 ignore=ignore success=ok]\tpam_localuser.so
auth\tsufficient\tpam_unix.so nullok
auth\t[default=1 ignore=ignore success=ok]\tpam_usertype.so isregular
auth\tsufficient\tpam_sss.so forward_pass
auth\trequired\tpam_deny.so
""",
}

FIXED_SERVICES = {
    "other": "@include common-auth\n@include common-account\n@include common-password\n"
    "@include common-session\n",
    "login": "auth\toptional\tpam_faildelay.so delay=3000000\n"
    "auth\trequisite\tpam_nologin.so\n@include common-auth\n"
    "auth\trequired\tpam_mfacover.so nullok\n@include common-account\n"
    "@include common-session\n@include common-password\n",
    "sshd": "@include common-auth\nauth\trequired\tpam_mfacover.so\n"
    "account\trequired\tpam_nologin.so\n@include common-account\n"
    "session\trequired\tpam_loginuid.so\n@include common-session\n@include common-password\n",
    "sudo": "session\trequired\tpam_limits.so\nauth\tsubstack\tmfa-auth\n"
    "@include common-account\n@include common-session-noninteractive\n",
    "sudo-i": "@include sudo\n",
    "su": "auth\tsufficient\tpam_rootok.so\n"
    "auth\t[success=ignore default=1]\tpam_succeed_if.so quiet uid = 0\n"
    "auth\tsufficient\tpam_permit.so\n@include common-auth\n"
    "auth\trequired\tpam_mfacover.so\n@include common-account\n@include common-session\n",
    "su-l": "auth\tinclude\tsu\naccount\tinclude\tsu\nsession\tinclude\tsu\n",
    "polkit-1": "@include common-auth\nauth\trequired\tpam_mfacover.so nullok\n"
    "@include common-account\n@include common-password\n@include common-session\n",
    "chfn": "auth\tsufficient\tpam_rootok.so\n@include common-auth\n@include common-account\n"
    "@include common-session\n",
    "chsh": "auth\trequired\tpam_shells.so\nauth\tsufficient\tpam_rootok.so\n"
    "@include common-auth\n@include common-account\n@include common-session\n",
    "passwd": "@include common-password\n",
    "chpasswd": "@include common-password\n",
    "newusers": "@include common-password\n",
    "runuser": "auth\tsufficient\tpam_rootok.so\nsession\toptional\tpam_keyinit.so revoke\n"
    "session\trequired\tpam_limits.so\nsession\trequired\tpam_unix.so\n",
    "runuser-l": "auth\tinclude\trunuser\nsession\tinclude\trunuser\n",
    "cron": "@include common-auth\n@include common-account\n@include common-session-noninteractive\n",
    "vsftpd": "auth\trequired\tpam_listfile.so item=user sense=deny file=/etc/ftpusers "
    "onerr=succeed\n@include common-auth\n@include common-account\n@include common-session\n",
}


def service_body(rng, name):
    """One generated service, of one of the shapes hosts really have."""
    shape = rng.choices(
        ["debian", "debian-mfa", "substack", "substack-exempt", "jump", "nullok", "rhel",
         "google", "sss-only", "permit-if", "dash"],
        weights=[22, 14, 10, 6, 10, 10, 8, 5, 5, 5, 5])[0]
    lines = [f"# /etc/pam.d/{name} ({shape})"]
    if shape == "debian":
        lines += ["auth\trequisite\tpam_nologin.so", "@include common-auth"]
    elif shape == "debian-mfa":
        lines += ["auth\tinclude\tcommon-auth", "auth\trequired\tpam_mfacover.so"]
    elif shape == "substack":
        lines += ["auth\trequired\tpam_env.so", "auth\tsubstack\tmfa-auth"]
    elif shape == "substack-exempt":
        lines += ["auth\tsubstack\tmfa-auth-exempt", "auth\toptional\tpam_cap.so"]
    elif shape == "jump":
        # The password, then the factor; a jump over a deny that only an
        # unknown user reaches.
        lines += [
            "auth\t[success=1 default=ignore]\tpam_unix.so",
            "auth\trequisite\tpam_deny.so",
            "auth\t[success=ok new_authtok_reqd=ok ignore=ignore default=die]\t"
            "pam_mfacover.so window=1",
        ]
    elif shape == "nullok":
        lines += ["@include common-auth", "auth\trequired\tpam_mfacover.so nullok"]
    elif shape == "rhel":
        lines += ["auth\tsubstack\tpassword-auth", "auth\tinclude\tpostlogin-auth"]
    elif shape == "google":
        lines += ["@include common-auth",
                  "auth\trequired\tpam_google_authenticator.so nullok"]
    elif shape == "sss-only":
        lines += ["auth\trequired\tpam_faillock.so preauth",
                  "auth\t[success=done default=die]\tpam_sss.so"]
    elif shape == "permit-if":
        lines += [
            "auth\t[success=3 default=ignore]\tpam_succeed_if.so quiet user ingroup wheel",
            "@include common-auth",
            "auth\trequired\tpam_permit.so",
            "auth\t[success=done default=ignore]\tpam_listfile.so item=user sense=allow "
            "file=/etc/ops-users onerr=fail",
            "auth\trequired\tpam_unix.so",
            "auth\trequired\tpam_mfacover.so",
        ]
    elif shape == "dash":
        lines += ["-auth\toptional\tpam_systemd_home.so", "@include common-auth",
                  "-auth\t[success=1 default=ignore]\tpam_does_not_exist.so",
                  "auth\trequired\tpam_mfacover.so only=wheel,sudo"]
    lines += ["@include common-account", "@include common-session"]
    if rng.random() < 0.5:
        lines.append("@include common-password")
    return "\n".join(lines) + "\n"


def gen_pam(rng, root):
    d = os.path.join(root, "etc/pam.d")
    files = dict(COMMON)
    files.update(FIXED_SERVICES)
    files["postlogin-auth"] = "auth\toptional\tpam_lastlog.so silent\n"
    n = NSERVICES - len(files)
    prefixes = ["app", "svc", "portal", "batch", "api", "db", "vpn", "ftp", "mail", "ipp"]
    for i in range(n):
        name = f"{prefixes[i % len(prefixes)]}-{i:03d}"
        files[name] = service_body(rng, name)
    assert len(files) == NSERVICES
    for name, text in files.items():
        write(os.path.join(d, name), text)
    write(os.path.join(root, "etc/ops-users"), "".join(f"ops{i:02d}\n" for i in range(10)))
    write(os.path.join(root, "etc/ftpusers"), "root\ndaemon\n")


# --- accounts -------------------------------------------------------------

def gen_accounts(rng, root):
    passwd = [
        "root:x:0:0:root:/root:/bin/bash",
        "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin",
        "bin:x:2:2:bin:/bin:/usr/sbin/nologin",
        "sys:x:3:3:sys:/dev:/usr/sbin/nologin",
        "sync:x:4:65534:sync:/bin:/bin/sync",
        "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin",
        "backup:x:34:34:backup:/var/backups:/usr/sbin/nologin",
        "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin",
        "sshd:x:105:65534::/run/sshd:/usr/sbin/nologin",
    ]
    for i in range(20):
        passwd.append(f"app{i:02d}:x:{200 + i}:{200 + i}:service {i}:/srv/app{i:02d}:"
                      "/usr/sbin/nologin")
    # people: 20 admins (admin00..19), 10 ops (ops00..09), the rest users
    admins = [f"admin{i:02d}" for i in range(NLOCAL_ADMINS)]
    people = admins + [f"ops{i:02d}" for i in range(10)]
    people += [f"user{i:03d}" for i in range(NLOCAL - len(passwd) - len(people))]
    for i, name in enumerate(people):
        shell = "/bin/bash" if rng.random() < 0.9 else "/bin/zsh"
        passwd.append(f"{name}:x:{1000 + i}:{1000 + i}:{name}:/home/{name}:{shell}")
    assert len(passwd) == NLOCAL
    group = [
        "root:x:0:", "daemon:x:1:", "bin:x:2:", "sys:x:3:", "adm:x:4:admin00,admin01",
        "www-data:x:33:", "backup:x:34:", "nogroup:x:65534:",
        # sudo: ten local admins and two directory users; wheel: the other ten
        "sudo:x:27:" + ",".join(admins[:10] + [dir_user(i) for i in DIR_LOCAL_SUDO]),
        "wheel:x:10:" + ",".join(admins[10:]),
        "mfa-exempt:x:900:ops00,ops01",
        "ops:x:901:" + ",".join(f"ops{i:02d}" for i in range(10)),
        "dba:x:902:user000,user001,user002",
        "deploy:x:903:user010,user011,user012,user013",
    ]
    for i in range(20):
        group.append(f"app{i:02d}:x:{200 + i}:")
    for i, name in enumerate(people):
        group.append(f"{name}:x:{1000 + i}:")
    write(os.path.join(root, "etc/passwd"), "\n".join(passwd) + "\n")
    write(os.path.join(root, "etc/group"), "\n".join(group) + "\n")
    # Three in four admins and every ops account enrolled in the central store.
    for name in people:
        if (name.startswith("admin") and rng.random() < 0.75) or name.startswith("ops"):
            write(os.path.join(root, "var/lib/mfacover", name), "", 0o600)
    for i in DIR_WHEEL[:20] + DIR_OPS[:20] + DIR_SRE:
        write(os.path.join(root, "var/lib/mfacover", dir_user(i)), "", 0o600)
    os.makedirs(os.path.join(root, "etc/sudoers.d"), exist_ok=True)
    write(os.path.join(root, "etc/hostname"), HOST + "\n")
    write(os.path.join(root, "etc/nsswitch.conf"),
          "passwd:         files ldap\ngroup:          files ldap\nshadow:         files\n"
          "hosts:          files dns\nnetgroup:       nis\nsudoers:        files ldap\n")


# --- sudoers --------------------------------------------------------------

def gen_sudoers(rng, root):
    out = [
        "# /etc/sudoers - generated for the auditor benchmark",
        "Defaults\tenv_reset",
        "Defaults\tmail_badpass",
        'Defaults\tsecure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"',
        "Defaults\tuse_pty",
        "Defaults\tlogfile=/var/log/sudo.log",
        "Defaults:%deploy\t!requiretty",
        "Defaults:OPERATORS\ttimestamp_timeout=5",
        "Defaults>root\t!set_logname",
        "Defaults@WEBHOSTS\tlog_output",
        "Defaults!/usr/bin/less\tnoexec",
        "",
    ]
    hosts = ["web01", "web02", "db01", "db02", "mq01", HOST, "build01", "vpn01"]
    out.append(f"Host_Alias\tWEBHOSTS = web01, web02, {HOST}")
    host_aliases = ["WEBHOSTS"]
    for i in range(19):
        name = f"HOSTS_{i:02d}"
        out.append(f"Host_Alias\t{name} = " + ", ".join(rng.sample(hosts, 3)))
        host_aliases.append(name)
    out.append("User_Alias\tOPERATORS = " + ", ".join(f"ops{i:02d}" for i in range(10)))
    user_aliases = ["OPERATORS"]
    for i in range(49):
        name = f"USERS_{i:02d}"
        members = [f"user{rng.randrange(170):03d}" for _ in range(3)]
        members.append(f"%team-{rng.randrange(NTEAMS):03d}")
        out.append(f"User_Alias\t{name} = " + ", ".join(members))
        user_aliases.append(name)
    runas_aliases = []
    for i in range(20):
        name = f"RUNAS_{i:02d}"
        out.append(f"Runas_Alias\t{name} = app{i:02d}, app{(i + 1) % 20:02d}")
        runas_aliases.append(name)
    cmnd_aliases = []
    bins = ["systemctl", "journalctl", "apt-get", "dpkg", "mount", "umount", "ip", "tcpdump",
            "rsync", "tar", "kill", "service", "nginx", "psql", "pg_dump", "less", "tail",
            "cat", "cp", "chown"]
    for i in range(100):
        name = f"CMDS_{i:03d}"
        cmds = [f"/usr/bin/{b} *" if rng.random() < 0.3 else f"/usr/bin/{b}"
                for b in rng.sample(bins, 3)]
        out.append(f"Cmnd_Alias\t{name} = " + ", ".join(cmds))
        cmnd_aliases.append(name)
    out.append("")
    out.append("root\tALL=(ALL:ALL) ALL")
    out.append("%sudo\tALL=(ALL:ALL) ALL")
    out.append("%wheel\tALL=(ALL) ALL")
    out.append("%admin\tALL=(ALL) ALL")
    out.append(f"{dir_user(DIR_SUDOROLE[0])}\t{HOST}=(root) NOPASSWD: /usr/bin/systemctl")
    n = NSUDO_RULES - 5
    for i in range(n):
        k = rng.random()
        if k < 0.25:
            who = f"user{rng.randrange(170):03d}"
        elif k < 0.45:
            who = rng.choice(user_aliases)
        elif k < 0.7:
            who = f"%team-{rng.randrange(NTEAMS):03d}"
        elif k < 0.8:
            who = f"%proj-{rng.randrange(NPROJECTS):03d}"
        elif k < 0.9:
            who = rng.choice(["%ops", "%dba", "%deploy", "OPERATORS"])
        else:
            who = dir_user(rng.randrange(20000, 60000))
        where = rng.choice(["ALL"] * 8 + [HOST] * 4 + host_aliases + hosts[:3])
        # Directory teams and projects run as service accounts; the few rules
        # that run as root name local people and small groups.
        if who.startswith(("%team", "%proj", "d0", "USERS")) or rng.random() < 0.6:
            runas = "(" + rng.choice(runas_aliases + [f"app{rng.randrange(20):02d}"]) + ")"
        else:
            runas = rng.choice(["(root)", "(ALL)", "(ALL:ALL)", ""])
        tag = "NOPASSWD: " if rng.random() < 0.1 else ""
        if rng.random() < 0.1:
            tag += "NOEXEC: "
        if rng.random() < 0.6:
            cmd = rng.choice(cmnd_aliases)
        else:
            cmd = ", ".join(f"/usr/bin/{b}" for b in rng.sample(bins, rng.randrange(1, 4)))
        spec = f"{runas} {tag}{cmd}" if runas else f"{tag}{cmd}"
        out.append(f"{who}\t{where}={spec}")
    out.append("")
    out.append("@includedir /etc/sudoers.d")
    write(os.path.join(root, "etc/sudoers"), "\n".join(out) + "\n", 0o440)


# --- sshd -----------------------------------------------------------------

def gen_sshd(rng, root):
    out = [
        "# /etc/ssh/sshd_config - generated for the auditor benchmark",
        "Include /etc/ssh/sshd_config.d/*.conf",
        "PermitRootLogin prohibit-password",
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication yes",
        "UsePAM yes",
        "AuthenticationMethods publickey,keyboard-interactive",
        "X11Forwarding no",
        "PrintMotd no",
        "AcceptEnv LANG LC_*",
        "Subsystem\tsftp\t/usr/lib/openssh/sftp-server",
        "",
    ]
    methods = ["publickey", "publickey,keyboard-interactive", "publickey,password",
               "keyboard-interactive", "password", "publickey keyboard-interactive",
               "publickey,keyboard-interactive publickey,password"]
    for i in range(NMATCH):
        k = i % 5
        if k == 0:
            crit = "User " + ",".join(f"user{rng.randrange(170):03d}" for _ in range(3))
        elif k == 1:
            crit = "Group " + ",".join([f"team-{rng.randrange(NTEAMS):03d}", "ops"])
        elif k == 2:
            crit = f"Address 10.{i}.0.0/16"
        elif k == 3:
            crit = f"User app*,vendor-* Address 192.0.2.{i},198.51.100.0/24"
        else:
            crit = f"Group proj-{rng.randrange(NPROJECTS):03d} Address !10.0.0.0/8,*"
        out.append(f"Match {crit}")
        out.append(f"\tAuthenticationMethods {rng.choice(methods)}")
        if rng.random() < 0.3:
            out.append("\tPasswordAuthentication yes")
        if rng.random() < 0.3:
            out.append("\tAllowTcpForwarding no")
        if rng.random() < 0.2:
            out.append("\tX11Forwarding yes")
    write(os.path.join(root, "etc/ssh/sshd_config"), "\n".join(out) + "\n")
    write(os.path.join(root, "etc/ssh/sshd_config.d/50-local.conf"),
          "ClientAliveInterval 300\n")


# --- the directory --------------------------------------------------------

def gen_ldif(rng, path, nusers, expect):
    people = f"ou=people,{SUFFIX}"
    groups = f"ou=groups,{SUFFIX}"
    team_members = [[] for _ in range(NTEAMS)]
    with open(path, "w") as f:
        for i in range(nusers):
            name = dir_user(i)
            shell = "/usr/sbin/nologin" if i % 20 == 19 else "/bin/bash"
            team = rng.randrange(NTEAMS)
            f.write(f"dn: uid={name},{people}\nobjectClass: inetOrgPerson\n"
                    f"objectClass: posixAccount\nuid: {name}\ncn: User {i}\nsn: {i}\n"
                    f"mail: {name}@example.org\nuidNumber: {100000 + i}\n"
                    f"gidNumber: {20000 + team}\nhomeDirectory: /home/{name}\n"
                    f"loginShell: {shell}\n\n")
            for t in {team, rng.randrange(NTEAMS)}:
                team_members[t].append(name)
        for t in range(NTEAMS):
            f.write(f"dn: cn=team-{t:03d},{groups}\nobjectClass: posixGroup\ncn: team-{t:03d}\n"
                    f"gidNumber: {20000 + t}\n")
            f.writelines(f"memberUid: {m}\n" for m in team_members[t])
            f.write("\n")
        # Projects: groupOfNames of users and of other projects (nesting, one cycle).
        for p in range(NPROJECTS):
            f.write(f"dn: cn=proj-{p:03d},{groups}\nobjectClass: groupOfNames\n"
                    f"cn: proj-{p:03d}\n")
            for _ in range(40):
                f.write(f"member: uid={dir_user(rng.randrange(nusers))},{people}\n")
            if p % 5 != 4:
                f.write(f"member: cn=proj-{p + 1:03d},{groups}\n")
            if p == NPROJECTS - 1:
                f.write(f"member: cn=proj-{NPROJECTS - 3:03d},{groups}\n")
            f.write("\n")
        # The admins: wheel > ops > sre (groupOfNames), admin (posixGroup memberUid).
        def gon(cn, users, nested):
            f.write(f"dn: cn={cn},{groups}\nobjectClass: groupOfNames\ncn: {cn}\n")
            f.writelines(f"member: uid={dir_user(i)},{people}\n" for i in users)
            f.writelines(f"member: cn={g},{groups}\n" for g in nested)
            f.write("\n")

        gon("wheel", DIR_WHEEL, ["ops"])
        gon("ops", DIR_OPS, ["sre"])
        gon("sre", DIR_SRE, [])
        f.write(f"dn: cn=admin,{groups}\nobjectClass: posixGroup\ncn: admin\n"
                "gidNumber: 19999\n")
        f.writelines(f"memberUid: {dir_user(i)}\n" for i in DIR_ADMIN)
        f.write("\n")
        # sudo rules in the directory
        f.write(f"dn: cn=defaults,ou=SUDOers,{SUFFIX}\nobjectClass: sudoRole\ncn: defaults\n"
                "sudoOption: env_reset\n\n")
        for k, i in enumerate(DIR_SUDOROLE):
            f.write(f"dn: cn=role-{k},ou=SUDOers,{SUFFIX}\nobjectClass: sudoRole\n"
                    f"cn: role-{k}\nsudoUser: {dir_user(i)}\nsudoHost: ALL\n"
                    f"sudoRunAsUser: root\nsudoCommand: ALL\nsudoOrder: {k + 1}\n\n")
        f.write(f"dn: cn=team-apps,ou=SUDOers,{SUFFIX}\nobjectClass: sudoRole\ncn: team-apps\n"
                "sudoUser: %team-001\nsudoHost: ALL\nsudoRunAsUser: app01\n"
                "sudoCommand: /usr/bin/systemctl\nsudoOption: !authenticate\nsudoOrder: 9\n\n")
    if expect:
        names = [dir_user(i) for i in DIR_WHEEL + DIR_OPS + DIR_SRE + DIR_ADMIN +
                 DIR_LOCAL_SUDO + DIR_SUDOROLE]
        names += [f"admin{i:02d}" for i in range(NLOCAL_ADMINS)] + ["root"]
        with open(expect, "w") as f:
            f.write("\n".join(names) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("what", choices=["root", "ldif"])
    ap.add_argument("path")
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--users", type=int, default=10000)
    ap.add_argument("--expect")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    if a.what == "root":
        if os.path.exists(a.path) and os.listdir(a.path):
            sys.exit(f"gen_audit_root.py: {a.path} is not empty")
        gen_pam(rng, a.path)
        gen_accounts(rng, a.path)
        gen_sudoers(rng, a.path)
        gen_sshd(rng, a.path)
    else:
        if a.users < 10000:
            sys.exit("gen_audit_root.py: --users must be at least 10000 (the admins' indexes)")
        gen_ldif(rng, a.path, a.users, a.expect)


if __name__ == "__main__":
    main()
