"""Small pieces the end-to-end tests share: free loopback ports, a quiet local origin web server, and one way
to wait for a service to come up or a condition to hold."""

from __future__ import annotations

import contextlib
import http.server
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def wait_until(
    ready: Callable[[], T],
    *,
    what: str,
    timeout: float = 30,
    interval: float = 0.1,
    process: subprocess.Popen[bytes] | None = None,
    retry_on: tuple[type[BaseException], ...] = (),
    log: Callable[[], str] | None = None,
) -> T:
    """Poll ``ready()`` until it returns something truthy, and return that.

    An exception of a type in ``retry_on`` (a refused connection while a server starts) counts as "not yet".
    Fails with ``RuntimeError`` naming ``what`` (and the tail of ``log()``) when ``timeout`` seconds pass or
    ``process`` exits first, so a service that died is reported at once instead of after the timeout.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            if result := ready():
                return result
        except retry_on:
            pass
        if process is not None and process.poll() is not None:
            reason = f"exited with status {process.returncode}"
        elif time.monotonic() > deadline:
            reason = f"not ready after {timeout:g} s"
        else:
            time.sleep(interval)
            continue
        detail = log()[-4000:] if log else ""
        raise RuntimeError(f"{what}: {reason}" + (f"\n{detail}" if detail else ""))


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        return sock.connect_ex((host, port)) == 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # the base class's name for the parameter
        pass


@contextlib.contextmanager
def serve_directory(root: Path) -> Iterator[str]:
    """Serve ``root`` over HTTP on a free loopback port; yields the base URL."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a, **k: _QuietHandler(*a, directory=str(root), **k)
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
