from datetime import timedelta

from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "esafety.training"
    label = "training"
    verbose_name = "Training and curriculum"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from esafety.core.schedule import register
        from esafety.people.models import Person
        from esafety.training.signals import give_induction

        # Daily; the outbox key holds each person to one reminder a week.
        register("training.remind_overdue", timedelta(days=1), "esafety.training.tasks.remind_overdue")
        post_save.connect(give_induction, sender=Person, dispatch_uid="training.give_induction")
