import time

from django.core.management.base import BaseCommand

from esafety.core.schedule import enqueue_due


class Command(BaseCommand):
    help = "Enqueue periodic tasks when they are due (reminders, expiries, purges, mailbox polling)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Enqueue what is due now and exit (for cron)."
        )
        parser.add_argument("--interval", type=int, default=30, help="Seconds between checks.")

    def handle(self, *args, once: bool, interval: int, **options):
        while True:
            for name in enqueue_due():
                self.stdout.write(f"enqueued {name}")
            if once:
                return
            time.sleep(interval)
