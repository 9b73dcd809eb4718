"""A throwaway Dovecot IMAP server for tests: generated config in a temp dir, one passwd-file user, a Maildir.

``start_dovecot(tmp_path)`` runs ``dovecot -F`` on a free loopback port with plaintext login (loopback only,
``ssl = no``) and returns a ``Dovecot`` with ``host``, ``port``, ``user``, ``password``, ``append()`` and ``stop()``.
Works as root (login and internal processes as Dovecot's own users, mail owned by ``nobody``) and as an ordinary
user (everything as that user). `.ci/run` installs ``dovecot-imapd``; tests skip when it is missing.
"""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from e2e.support import free_port, wait_until

DOVECOT = os.environ.get("DOVECOT", "/usr/sbin/dovecot")


@dataclass
class Dovecot:
    root: Path
    port: int
    process: subprocess.Popen[bytes]
    user: str = "journal"
    password: str = "journal-pass-1"
    host: str = "127.0.0.1"
    appended: list[str] = field(default_factory=list)

    def connect(self) -> imaplib.IMAP4:
        conn = imaplib.IMAP4(self.host, self.port, timeout=30)
        conn.login(self.user, self.password)
        return conn

    def append(self, messages: list[bytes], mailbox: str = "INBOX") -> None:
        conn = self.connect()
        try:
            for raw in messages:
                typ, data = conn.append(mailbox, "", imaplib.Time2Internaldate(time.time()), raw)
                assert typ == "OK", data
        finally:
            conn.logout()

    def search(self, *criteria: str, mailbox: str = "INBOX") -> list[bytes]:
        conn = self.connect()
        try:
            conn.select(mailbox, readonly=True)
            typ, data = conn.uid("SEARCH", *criteria)
            assert typ == "OK", data
            return (data[0] or b"").split()
        finally:
            conn.logout()

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self.root.name.startswith("esafety-dovecot-"):
            shutil.rmtree(self.root, ignore_errors=True)


def _config(root: Path, port: int, user: str, uid: int, gid: int) -> str:
    as_root = os.geteuid() == 0
    me = pwd.getpwuid(os.geteuid()).pw_name
    internal = "dovecot" if as_root else me
    login = "dovenull" if as_root else me
    return f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = {min(uid, 500)}
last_valid_uid = 0
mail_location = maildir:{root}/mail/%u
mail_privileged_group =
protocol imap {{
  imap_capability = +MOVE
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


def start_dovecot(tmp: Path, *, user: str = "journal", password: str = "journal-pass-1") -> Dovecot:  # noqa: S107 (a test server on loopback)
    if not os.path.exists(DOVECOT):
        # A missing server is a failure, never a skip: .ci/run installs it.
        raise RuntimeError(f"Dovecot is not installed at {DOVECOT}: apt-get install dovecot-imapd")
    if os.geteuid() == 0:
        # Dovecot's own users (dovecot, nobody) must reach the passwd file and the Maildir. pytest keeps its
        # temporary tree private (0700) and resets that at the start of every session, so the server lives in a
        # directory of its own under /tmp instead, removed by stop().
        root = Path(tempfile.mkdtemp(prefix="esafety-dovecot-"))
        os.chmod(root, 0o755)  # noqa: S103 (the mail user, nobody, must reach its Maildir)
    else:
        root = Path(tmp) / "dovecot"
    for sub in ("run", "state", "mail"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        owner = pwd.getpwnam("nobody")
        uid, gid = owner.pw_uid, owner.pw_gid
        os.chmod(root / "mail", 0o755)  # noqa: S103 (as above)
        shutil.chown(root / "mail", uid, gid)
    else:
        uid, gid = os.getuid(), os.getgid()
    (root / "passwd").write_text(f"{user}:{{PLAIN}}{password}::::::\n")
    port = free_port()
    (root / "dovecot.conf").write_text(_config(root, port, user, uid, gid))
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(root / "dovecot.conf")], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    server = Dovecot(root=root, port=port, process=process, user=user, password=password)
    try:
        wait_until(
            lambda: server.connect().logout(),
            what="Dovecot did not start",
            process=process,
            retry_on=(OSError, imaplib.IMAP4.error),
            log=server.log,
        )
    except RuntimeError:
        server.stop()
        raise
    return server


def make_message(
    text: str,
    *,
    sender: str = "pupil@pupils.example",
    to: str = "friend@pupils.example",
    subject: str = "hi",
    message_id: str | None = None,
    html: bool = False,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(time_now())
    message["Message-ID"] = message_id or make_msgid(domain="pupils.example")
    if html:
        message.set_content(f"<html><body><p>{text}</p></body></html>", subtype="html")
    else:
        message.set_content(text)
    return bytes(message)


def time_now() -> datetime:
    return datetime.now(UTC)
