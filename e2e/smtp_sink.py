"""A small real SMTP server for tests: records each message it accepts, optionally slowly."""

from __future__ import annotations

import email
import socketserver
import threading
import time
from email.message import Message


class _Handler(socketserver.StreamRequestHandler):
    server: SmtpSink._Server

    def reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())
        self.wfile.flush()

    def handle(self) -> None:
        self.reply("220 sink ESMTP")
        in_data, lines = False, []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if in_data:
                if line == ".":
                    in_data = False
                    time.sleep(self.server.sink.delay)
                    # Accepted only once the 250 is on the wire: a client that dies first never delivered it.
                    self.reply("250 queued")
                    self.server.sink.accept("\r\n".join(lines))
                    lines = []
                else:
                    lines.append(line[1:] if line.startswith("..") else line)
                continue
            verb = line.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 sink")
            elif verb == "DATA":
                in_data = True
                self.reply("354 go ahead")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


class SmtpSink:
    class _Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True
        sink: SmtpSink

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.messages: list[Message] = []
        self._lock = threading.Lock()
        self._server = self._Server(("127.0.0.1", 0), _Handler)
        self._server.sink = self
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def accept(self, text: str) -> None:
        with self._lock:
            self.messages.append(email.message_from_string(text))

    def count(self) -> int:
        with self._lock:
            return len(self.messages)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
