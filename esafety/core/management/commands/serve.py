"""``esafety serve [ADDR:PORT]``: everything on one machine for a laptop or a small school.

Starts a background-task worker and the scheduler beside Django's web server, prints the sign-in details last
(once the worker runs, so they do not scroll away), and stops all three together on Ctrl-C or TERM.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the web server, a background-task worker and the scheduler together; Ctrl-C stops all three."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="address:port to serve on")
        parser.add_argument(
            "--banner", help="a text file to print just before serving (make run: the logins)"
        )
        parser.add_argument(
            "--worker-log-level",
            default="WARNING",
            choices=["DEBUG", "INFO", "WARNING"],
            help="the worker's and scheduler's log level (default WARNING: one line per task is noise)",
        )

    def handle(
        self, *args: object, addrport: str, banner: str | None, worker_log_level: str, **options: object
    ) -> None:
        url = f"http://{addrport if ':' in addrport else '127.0.0.1:' + addrport}"
        env = {**os.environ, "LOG_LEVEL": worker_log_level}
        if settings.DEBUG and "SITE_URL" not in os.environ:
            # Links in e-mails point at the address actually served, on a laptop.
            settings.SITE_URL = url
            env["SITE_URL"] = url
        manage = [sys.executable, "-m", "esafety.cli"]
        rq = os.environ.get("ESAFETY_TASKS_BACKEND") == "rq"
        worker = (
            [*manage, "rqworker", "--job-class", "django_tasks_rq.Job"]
            if rq
            else [*manage, "db_worker", "-v", "0"]
        )
        helpers = [subprocess.Popen(worker, env=env), subprocess.Popen([*manage, "scheduler"], env=env)]

        def stop(signum: int, frame: object) -> None:
            raise KeyboardInterrupt  # the same orderly stop as Ctrl-C

        signal.signal(signal.SIGTERM, stop)
        try:
            time.sleep(1)  # let the worker print its start-up before the banner
            if banner:
                self.stdout.write(Path(banner).read_text())
            self.stdout.write(
                self.style.SUCCESS(f"Serving {url}/ (worker: {'RQ' if rq else 'database'}; Ctrl-C stops)")
            )
            call_command("runserver", addrport, use_reloader=False)
        except KeyboardInterrupt:
            pass
        finally:
            for helper in helpers:
                if helper.poll() is None:
                    helper.send_signal(signal.SIGTERM)
            for helper in helpers:
                try:
                    helper.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    helper.kill()
