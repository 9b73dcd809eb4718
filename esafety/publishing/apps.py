from datetime import timedelta

from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "esafety.publishing"
    label = "publishing"
    verbose_name = "Publishing"

    def ready(self) -> None:
        from esafety.consent.signals import consent_withdrawn
        from esafety.core.schedule import register
        from esafety.publishing import actions

        consent_withdrawn.connect(
            actions.on_consent_withdrawn, dispatch_uid="publishing.on_consent_withdrawn"
        )
        # Monthly: the website audit crawls each school's own site (see audit_website).
        register("publishing.audit_websites", timedelta(days=30), "esafety.publishing.tasks.audit_websites")
