import os
import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run everything on one machine: the web server, a background-task worker and the scheduler."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport: str, **options):
        manage = [sys.executable, "-m", "esafety.cli"]
        worker = "rqworker" if os.environ.get("ESAFETY_TASKS_BACKEND") == "rq" else "db_worker"
        worker_args = ["--job-class", "django_tasks_rq.Job"] if worker == "rqworker" else []
        helpers = [
            subprocess.Popen([*manage, worker, *worker_args]),
            subprocess.Popen([*manage, "scheduler"]),
        ]
        self.stdout.write(f"Serving http://{addrport}/ (worker: {worker}; stop with Ctrl-C)")
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            for helper in helpers:
                helper.send_signal(signal.SIGTERM)
            for helper in helpers:
                helper.wait(timeout=10)
