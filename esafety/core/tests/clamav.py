"""A throwaway ClamAV daemon for tests and CI: its own config, socket and a one-line signature database.

These machines cannot download ClamAV's signatures, so the database holds a single signature we write ourselves:
the EICAR anti-virus test file as an ``.ndb`` hex signature. Every real scanner detects EICAR too, so the same
tests pass against a production clamd with ``freshclam``'s databases.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, ClassVar

import clamd
from django.test import override_settings

# The standard EICAR test string (harmless by design), kept split so that no scanner flags this source file.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE = "Esafety.Test.EICAR"
CLAMD = shutil.which("clamd") or "/usr/sbin/clamd"
START_TIMEOUT = 60.0


class ClamdProcess:
    """``with ClamdProcess() as socket_path:`` runs clamd in the foreground until the block ends."""

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="esafety-clamd-"))
        self.socket = str(self.directory / "clamd.sock")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> str:
        database = self.directory / "db"
        database.mkdir()
        (database / "esafety-test.ndb").write_text(f"{SIGNATURE}:0:*:{EICAR.hex()}\n")
        config = self.directory / "clamd.conf"
        config.write_text(
            "\n".join(
                [
                    "Foreground yes",
                    f"LocalSocket {self.socket}",
                    f"DatabaseDirectory {database}",
                    f"TemporaryDirectory {self.directory}",
                    f"LogFile {self.directory / 'clamd.log'}",
                    "StreamMaxLength 30M",  # above the 20 MB upload limit
                    "",
                ]
            )
        )
        self.process = subprocess.Popen(
            [CLAMD, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + START_TIMEOUT
        client = clamd.ClamdUnixSocket(path=self.socket, timeout=5)
        while True:
            if self.process.poll() is not None:
                log = (self.directory / "clamd.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"clamd exited with {self.process.returncode}: {log}")
            try:
                client.ping()
                return self.socket
            except (clamd.ClamdError, OSError):
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("clamd did not answer on its socket") from None
                time.sleep(0.05)  # waiting for readiness, not timing anything

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class ClamdMixin:
    """For a ``TestCase``: one clamd for the class, with ``ESAFETY_CLAMD_SOCKET`` pointing at it."""

    clamd_process: ClassVar[ClamdProcess]
    _clamd_settings: ClassVar[Any]

    @classmethod
    def setUpClass(cls) -> None:
        cls.clamd_process = ClamdProcess()
        socket = cls.clamd_process.start()
        cls._clamd_settings = override_settings(ESAFETY_CLAMD_SOCKET=socket)
        cls._clamd_settings.enable()
        try:
            super().setUpClass()
        except BaseException:
            cls._clamd_settings.disable()
            cls.clamd_process.stop()
            raise

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        cls._clamd_settings.disable()
        cls.clamd_process.stop()
