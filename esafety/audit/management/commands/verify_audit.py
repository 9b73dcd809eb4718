from django.core.management.base import BaseCommand, CommandError

from esafety.audit.actions import verify_chain


class Command(BaseCommand):
    help = "Check the audit trail's hash chain; exits non-zero at the first broken link."

    def handle(self, *args: object, **options: object) -> None:
        report = verify_chain()
        if report.first_break is not None:
            raise CommandError(
                f"Audit trail BROKEN at entry #{report.first_break.seq}: {report.first_break.reason}. "
                f"{report.checked} entries before it verified."
            )
        self.stdout.write(f"Audit trail OK: {report.checked} entries verified. Head hash: {report.head_hash}")
