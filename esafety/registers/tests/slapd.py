"""A throwaway OpenLDAP server for the directory tests: its own cn=config and mdb database in a temporary
directory, listening on a free loopback port, stopped and deleted afterwards. Nothing here touches the system's
slapd service or /etc/ldap beyond reading the stock schema files."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SUFFIX = "dc=hollybrook,dc=example"
ADMIN_DN = f"cn=admin,{SUFFIX}"
ADMIN_PASSWORD = "slapd-test-admin-secret"
USERS_DN = f"ou=people,{SUFFIX}"
SCHEMA = Path("/etc/ldap/schema")
MODULES = next(
    (p for p in (Path("/usr/lib/ldap"), Path("/usr/lib/openldap")) if p.exists()), Path("/usr/lib/ldap")
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Slapd:
    url: str
    root: Path
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)


def start() -> Slapd:
    root = Path(tempfile.mkdtemp(prefix="esafety-slapd-"))
    (root / "db").mkdir()
    (root / "slapd.d").mkdir()
    config = root / "config.ldif"
    schemas = "".join(
        f"include: file://{SCHEMA / name}.ldif\n\n" for name in ("core", "cosine", "inetorgperson", "nis")
    )
    config.write_text(
        "dn: cn=config\nobjectClass: olcGlobal\ncn: config\n"
        f"olcPidFile: {root / 'slapd.pid'}\n\n"
        f"dn: cn=module{{0}},cn=config\nobjectClass: olcModuleList\ncn: module{{0}}\n"
        f"olcModulePath: {MODULES}\nolcModuleLoad: back_mdb\n\n"
        "dn: cn=schema,cn=config\nobjectClass: olcSchemaConfig\ncn: schema\n\n"
        + schemas
        + "dn: olcDatabase={-1}frontend,cn=config\nobjectClass: olcDatabaseConfig\n"
        "objectClass: olcFrontendConfig\nolcDatabase: {-1}frontend\n\n"
        "dn: olcDatabase={0}config,cn=config\nobjectClass: olcDatabaseConfig\nolcDatabase: {0}config\n"
        "olcAccess: {0}to * by * none\n\n"
        "dn: olcDatabase={1}mdb,cn=config\nobjectClass: olcDatabaseConfig\nobjectClass: olcMdbConfig\n"
        f"olcDatabase: {{1}}mdb\nolcSuffix: {SUFFIX}\nolcRootDN: {ADMIN_DN}\nolcRootPW: {ADMIN_PASSWORD}\n"
        f"olcDbDirectory: {root / 'db'}\nolcDbMaxSize: 10485760\n"
        # Users may bind with their own password (the tests check that an expired account no longer can).
        "olcAccess: {0}to attrs=userPassword by anonymous auth by self write by * none\n"
        "olcAccess: {1}to * by * read\n"
    )
    base = root / "base.ldif"
    base.write_text(
        f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\no: Hollybrook\ndc: hollybrook\n\n"
        f"dn: {USERS_DN}\nobjectClass: organizationalUnit\nou: people\n"
    )
    slapd_d = str(root / "slapd.d")
    try:
        for command in (
            ["slapadd", "-n", "0", "-F", slapd_d, "-l", str(config)],
            ["slapadd", "-n", "1", "-F", slapd_d, "-l", str(base)],
            ["slaptest", "-Q", "-F", slapd_d],
        ):
            subprocess.run(command, check=True, capture_output=True)
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"{exc.cmd[0]} failed: {exc.stderr.decode()}") from exc
    port = free_port()
    url = f"ldap://127.0.0.1:{port}"
    # -d 0 keeps slapd in the foreground, so the test owns the process and can stop it.
    process = subprocess.Popen(
        ["slapd", "-F", slapd_d, "-h", url + "/", "-d", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                error = (
                    process.stderr.read().decode() if process.stderr and process.poll() is not None else ""
                )
                process.kill()
                shutil.rmtree(root, ignore_errors=True)
                raise RuntimeError(f"slapd did not start: {error}") from None
            time.sleep(0.05)
    return Slapd(url=url, root=root, process=process)
