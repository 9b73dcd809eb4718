from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "esafety.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from datetime import timedelta

        from esafety.core.schedule import register

        register("audit.verify_chain", timedelta(hours=24), "esafety.audit.tasks.verify_audit_chain")
