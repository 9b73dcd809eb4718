import socket
from datetime import timedelta

from django.core import mail
from django.test import override_settings
from django.utils import timezone

from esafety.core.actions import queue_email
from esafety.core.models import OutboundEmail
from esafety.core.schedule import enqueue_due
from esafety.core.tasks import CLAIM_TIMEOUT, deliver, deliver_outbox
from esafety.test import BaseTestCase


def closed_port() -> int:
    """A loopback port with nothing listening (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
class DeliverEmailTests(BaseTestCase):
    def test_it_queues_each_key_once(self) -> None:
        with override_settings(TASKS=IMMEDIATE), self.captureOnCommitCallbacks(execute=True):
            queue_email(
                "incident-1-new", ["coordinator@school.example"], "Something to review", "Sign in to see it."
            )
            queue_email(
                "incident-1-new", ["coordinator@school.example"], "Something to review", "Sign in to see it."
            )
        self.assertEqual(OutboundEmail.objects.count(), 1)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(OutboundEmail.objects.get().status, OutboundEmail.Status.SENT)

    def test_it_never_sends_a_sent_email_again(self) -> None:
        email = OutboundEmail.objects.create(key="k", to=["a@school.example"], subject="s", body="b")
        self.assertTrue(deliver(email.pk))
        self.assertFalse(deliver(email.pk))
        deliver_outbox.call()
        self.assertEqual(len(mail.outbox), 1)

    def test_it_keeps_a_failed_email_for_a_retry(self) -> None:
        email = OutboundEmail.objects.create(key="k", to=["a@school.example"], subject="s", body="b")
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=closed_port(),
            EMAIL_TIMEOUT=5,
        ):
            self.assertFalse(deliver(email.pk))  # a real SMTP connection to a port nobody listens on
        email.refresh_from_db()
        self.assertEqual((email.status, email.attempts), ("failed", 1))
        self.assertIn("refused", email.last_error.lower())
        self.assertEqual(deliver_outbox.call(), 1)
        self.assertEqual(len(mail.outbox), 1)

    def test_it_marks_an_abandoned_send_uncertain_instead_of_resending(self) -> None:
        email = OutboundEmail.objects.create(
            key="k",
            to=["a@school.example"],
            subject="s",
            body="b",
            status=OutboundEmail.Status.SENDING,
            claimed=timezone.now() - CLAIM_TIMEOUT - timedelta(minutes=1),
        )
        deliver_outbox.call()
        email.refresh_from_db()
        self.assertEqual(email.status, OutboundEmail.Status.UNCERTAIN)
        self.assertEqual(len(mail.outbox), 0)

    def test_it_enqueues_periodic_tasks_once_per_interval(self) -> None:
        now = timezone.now()
        with override_settings(TASKS=IMMEDIATE), self.captureOnCommitCallbacks(execute=True):
            self.assertIn("core.deliver_outbox", enqueue_due(now))
            self.assertNotIn("core.deliver_outbox", enqueue_due(now + timedelta(minutes=1)))
            self.assertIn("core.deliver_outbox", enqueue_due(now + timedelta(minutes=6)))
