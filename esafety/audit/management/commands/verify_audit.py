from django.core.management.base import BaseCommand, CommandError

from esafety.audit.tasks import check_chain


class Command(BaseCommand):
    help = "Check the audit trail's hash chain; exits non-zero at the first broken link."

    def handle(self, *args: object, **options: object) -> None:
        check = check_chain()
        if not check.ok:
            raise CommandError(
                f"Audit trail BROKEN at entry #{check.break_seq}: {check.reason}. "
                f"{check.checked} entries before it verified."
            )
        self.stdout.write(f"Audit trail OK: {check.checked} entries verified. Head hash: {check.head_hash}")
