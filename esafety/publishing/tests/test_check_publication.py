"""The check page: findings in context, the fix, the approval recorded against the item, photos and their
consent, and bad input (binary uploads, huge pastes, broken HTML) answered with a clear message."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from esafety.audit.models import AuditEntry
from esafety.consent.tests.helpers import grant
from esafety.publishing.models import Appearance, Publication
from esafety.publishing.tests.helpers import check_data
from esafety.test import BaseTestCase

PARAGRAPH = "This week Ava Ashdown read her poem about the seaside to the whole school."
FIXED = "This week Ava read her poem about the seaside to the whole school."


class CheckPublicationTests(BaseTestCase):
    def check(self, text: str, **extra: str) -> object:
        return self.client.post(reverse("publishing:check"), check_data(text, **extra), follow=True)

    def test_it_shows_a_full_name_in_context_and_lets_the_head_approve_the_fix(self) -> None:
        self.login(self.teacher)
        page = self.check(PARAGRAPH)
        publication = Publication.objects.get()
        self.assertEqual(publication.status, "findings")
        self.assertContains(page, "Pupil&#x27;s full name")
        self.assertContains(page, "This week <mark>Ava Ashdown</mark> read her poem")
        self.assertContains(page, "Use the first name only")
        self.assertNotContains(page, "Approve for publishing")  # a teacher does not approve

        self.client.post(
            reverse("publishing:revise", args=[publication.pk]),
            {"title": "Newsletter", "text": FIXED, "media-TOTAL_FORMS": "0", "media-INITIAL_FORMS": "0"},
        )
        publication.refresh_from_db()
        self.assertEqual(publication.status, "clean")
        self.assertEqual(publication.checks.count(), 2)

        self.login(self.head)
        self.assertContains(
            self.client.get(reverse("publishing:detail", args=[publication.pk])), "Approve for publishing"
        )
        self.client.post(reverse("publishing:step", args=[publication.pk, "approve"]))
        publication.refresh_from_db()
        self.assertEqual((publication.status, publication.approved_by), ("approved", self.head))
        self.assertEqual(publication.approval_check, publication.latest_check)
        self.assertEqual(publication.approval_check.text, FIXED)
        self.assertEqual(
            list(
                AuditEntry.objects.filter(object_id=str(publication.pk), action__startswith="publication.")
                .values_list("action", flat=True)
                .order_by("seq")
            ),
            ["publication.create", "publication.check", "publication.check", "publication.approve"],
        )
        # What was approved is the fixed text; a further edit needs approval again.
        self.client.post(
            reverse("publishing:revise", args=[publication.pk]),
            {
                "title": "Newsletter",
                "text": FIXED + " Well done!",
                "media-TOTAL_FORMS": "0",
                "media-INITIAL_FORMS": "0",
            },
        )
        publication.refresh_from_db()
        self.assertEqual((publication.status, publication.approved_by), ("clean", None))

    def test_it_lets_the_head_approve_despite_findings_only_with_a_reason(self) -> None:
        self.login(self.head)
        self.check(PARAGRAPH)
        publication = Publication.objects.get()
        url = reverse("publishing:step", args=[publication.pk, "approve_anyway"])
        self.assertContains(
            self.client.post(url, {"approve_anyway-reason": ""}), "Please give a reason", status_code=409
        )
        self.client.post(
            url, {"approve_anyway-reason": "Ava's parents asked for her full name with the prize"}
        )
        publication.refresh_from_db()
        self.assertEqual(publication.status, "approved")
        self.assertIn("asked for her full name", publication.approval_note)

    def test_it_checks_photos_against_consent_and_records_who_is_in_them(self) -> None:
        grant(self.pupil, self.parent, "newsletter")
        self.login(self.teacher)
        media = {
            "media-TOTAL_FORMS": "2",
            "media-INITIAL_FORMS": "0",
            "media-0-kind": "image",
            "media-0-name": "sports-day.jpg",
            "media-0-caption": "Sports day",
            "media-0-people": "Ava Ashdown\nLeo Bramley",
            "media-1-kind": "image",
            "media-1-name": "https://news.example/p.jpg",
            "media-1-third_party": "on",
        }
        page = self.check("Sports day was a great success.", **media)
        publication = Publication.objects.get()
        kinds = [(f["kind"], f.get("person")) for f in publication.latest_check.findings]
        self.assertEqual(kinds, [("unconsented-image", self.pupil2.pk), ("third-party-media", None)])
        self.assertContains(page, "Photo without consent")
        self.assertEqual(
            set(publication.appearances.values_list("person_id", "how")),
            {(self.pupil.pk, Appearance.How.PHOTO), (self.pupil2.pk, Appearance.How.PHOTO)},
        )

    def test_it_says_which_name_in_a_photo_it_could_not_find(self) -> None:
        self.login(self.teacher)
        data = {
            "media-TOTAL_FORMS": "1",
            "media-INITIAL_FORMS": "0",
            "media-0-kind": "image",
            "media-0-people": "Nobody Known",
        }
        response = self.client.post(reverse("publishing:check"), check_data("Hello", **data))
        self.assertContains(response, "nobody of that name", status_code=400)
        self.assertContains(response, "Hello", status_code=400)  # the form is kept

    def test_it_refuses_a_binary_upload_with_a_clear_message(self) -> None:
        self.login(self.teacher)
        photo = SimpleUploadedFile(
            "photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200), "image/jpeg"
        )
        response = self.client.post(reverse("publishing:check"), {**check_data(""), "file": photo})
        self.assertContains(response, "is not a text or HTML file", status_code=400)
        self.assertFalse(Publication.objects.exists())

    def test_it_reads_an_uploaded_html_file(self) -> None:
        self.login(self.teacher)
        page = SimpleUploadedFile("news.html", b"<p>Well done <b>Leo</b> Bramley</p>", "text/html")
        self.client.post(reverse("publishing:check"), {**check_data(""), "file": page})
        self.assertEqual(Publication.objects.get().latest_check.findings[0]["person"], self.pupil2.pk)

    def test_it_refuses_a_huge_paste_with_a_clear_message(self) -> None:
        self.login(self.teacher)
        response = self.client.post(reverse("publishing:check"), check_data("word " * 50_000))
        self.assertContains(response, "too long to check in one go", status_code=400)

    def test_it_answers_a_paste_beyond_the_request_limit_with_a_message(self) -> None:
        self.login(self.teacher)
        with self.settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000):
            response = self.client.post(reverse("publishing:check"), check_data("x" * 5000))
        self.assertContains(response, "too much to check in one go", status_code=413)

    def test_it_reads_broken_html_without_failing(self) -> None:
        self.login(self.teacher)
        page = self.check("<p>Well done <b>Ava Ashdown</p><div><<img src=x alt='Leo Bramley'")
        found = [
            f["person"]
            for f in Publication.objects.get().latest_check.findings
            if f["kind"] == "pupil-full-name"
        ]
        self.assertEqual(found, [self.pupil.pk, self.pupil2.pk])
        self.assertEqual(page.status_code, 200)

    def test_it_keeps_other_schools_items_out_of_reach(self) -> None:
        self.login(self.outsider)
        self.check(PARAGRAPH)
        publication = Publication.objects.get()
        self.assertEqual(publication.school, self.other_school)
        self.assertEqual(
            publication.latest_check.findings, []
        )  # Hollybrook's pupils are not in its directory
        self.login(self.head)
        self.assertEqual(
            self.client.get(reverse("publishing:detail", args=[publication.pk])).status_code, 404
        )


class RevisePhotosTests(BaseTestCase):
    def test_it_keeps_the_photos_and_who_is_in_them_when_the_text_is_fixed(self) -> None:
        self.login(self.teacher)
        data = {
            "media-TOTAL_FORMS": "1",
            "media-INITIAL_FORMS": "0",
            "media-0-kind": "image",
            "media-0-name": "choir.jpg",
            "media-0-people": "Ava Ashdown",
        }
        self.client.post(reverse("publishing:check"), check_data(PARAGRAPH, **data))
        publication = Publication.objects.get()
        page = self.client.get(reverse("publishing:detail", args=[publication.pk]))
        self.assertContains(page, "Ava Ashdown (Kestrels)")
        formset = page.context["formset"]
        # What the browser sends back: every field's shown value (the kind select included, in the empty rows too).
        kept = {
            f"media-{index}-{name}": form[name].value()
            for index, form in enumerate(formset.forms)
            for name in form.fields
            if form[name].value() not in (None, False, "")
        }
        response = self.client.post(
            reverse("publishing:revise", args=[publication.pk]),
            {
                "title": "Newsletter",
                "text": FIXED,
                "media-TOTAL_FORMS": str(len(formset.forms)),
                "media-INITIAL_FORMS": "0",
                **kept,
            },
        )
        self.assertEqual(response.status_code, 302)
        item = publication.media.get()
        self.assertEqual((item.name, list(item.people.all())), ("choir.jpg", [self.pupil]))
        kinds = [finding["kind"] for finding in publication.latest_check.findings]
        self.assertEqual(kinds, ["unconsented-image"])  # the name is fixed; the photo still needs consent
