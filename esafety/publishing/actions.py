"""Checking, approving and taking down items, and what a withdrawal of consent sets off. Every change is audited
with the item's number, never its text."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from esafety.access import Action, can
from esafety.accounts.models import Role, User
from esafety.audit.actions import record
from esafety.consent.actions import granted_uses
from esafety.core.actions import queue_email
from esafety.people.models import Person, School
from esafety.publishing import checker
from esafety.publishing.checker._contacts import contact_key
from esafety.publishing.models import (
    TRANSITIONS,
    Appearance,
    AuditedPage,
    Publication,
    PublicationCheck,
    PublicationMedia,
    PublishingSettings,
    WebsiteAudit,
)

MAX_CHARS = (
    200_000  # about 30,000 words: more than any newsletter, few enough to check in well under a second
)
_HTML_HINT = re.compile(
    r"<(?:p|div|br|img|a|b|i|em|strong|span|h[1-6]|figure|figcaption|html|body|ul|ol|li|table|video|iframe)\b",
    re.I,
)


class PublishingError(Exception):
    """The item or the step cannot be taken as asked; the message says why, in words for the user."""


class BadInput(PublishingError):
    """The text cannot be checked: binary, too big, or empty."""


def looks_like_html(text: str) -> bool:
    return bool(_HTML_HINT.search(text))


def read_upload(data: bytes, name: str = "") -> str:
    """The text of an uploaded file, or ``BadInput`` with a message saying what was wrong."""
    if len(data) > MAX_CHARS * 4:
        raise BadInput(
            f"“{name}” is too large to check ({len(data) // 1024} KB). Split it into smaller parts."
        )
    if b"\x00" in data[:8192]:
        raise BadInput(
            f"“{name}” is not a text or HTML file (it looks like a picture, a PDF or another binary file). Paste "
            "the text, or save it as .txt or .html; describe photos in the boxes for photos."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput(
            f"“{name}” is not readable text (it is not UTF-8). Save it as UTF-8 text or HTML, or paste it."
        ) from None
    return validate_text(text)


def validate_text(text: str) -> str:
    if len(text) > MAX_CHARS:
        raise BadInput(
            f"The text is too long to check in one go ({len(text):,} characters; the limit is {MAX_CHARS:,}). "
            "Check it in parts."
        )
    if "\x00" in text:
        raise BadInput("The text contains binary data. Paste plain text or HTML.")
    return text


def settings_for(school: School) -> PublishingSettings:
    found, _ = PublishingSettings.objects.get_or_create(school=school)
    return found


def own_hosts(site_url: str) -> frozenset[str]:
    host = (urlsplit(site_url).hostname or "").lower()
    if not host:
        return frozenset()
    bare = host.removeprefix("www.")
    return frozenset({host, bare, f"www.{bare}"})


def directory_for(school: School) -> checker.Directory:
    """The school's pupils and staff with the uses their consent allows today, the contact details known to
    belong to someone, and what the school itself may publish."""
    uses = granted_uses(school)
    people = Person.objects.filter(school=school, kind__in=[Person.Kind.PUPIL, Person.Kind.STAFF])
    entries, contacts = [], {}
    for person in people.only("id", "kind", "first_name", "preferred_name", "last_name", "email", "phone"):
        first_names = tuple(name for name in (person.first_name, person.preferred_name) if name)
        entries.append(
            checker.Person(
                person.pk,
                first_names,
                person.last_name,
                uses.get(person.pk, frozenset()),
                person.kind == Person.Kind.PUPIL,
            )
        )
    # Pupils' and parents' own details: a finding then says whose they are.
    for person_id, email, phone in Person.objects.filter(
        school=school, kind__in=[Person.Kind.PUPIL, Person.Kind.PARENT]
    ).values_list("id", "email", "phone"):
        for value in (email, phone):
            if value:
                contacts[contact_key(value)] = person_id
    publishing = settings_for(school)
    return checker.Directory(
        people=tuple(entries),
        contacts=contacts,
        allowed_contacts=frozenset(contact_key(line) for line in publishing.allowed_contact_lines),
        own_hosts=own_hosts(publishing.site_url),
    )


def run_check(
    text: str, directory: checker.Directory, *, use: str, media: list[checker.Media] | None = None
) -> list[checker.Finding]:
    """Check text or HTML (decided by what it holds) against ``directory``."""
    text = validate_text(text)
    if looks_like_html(text):
        return checker.check_html(text, directory, use=use, media=media or ())
    return checker.check_text(text, directory, use=use, media=media or ())


def _media_for(publication: Publication) -> list[checker.Media]:
    return [
        checker.Media(
            src=item.name,
            alt=item.alt,
            caption=item.caption,
            people=tuple(person.pk for person in item.people.all()),
            kind=item.kind,
            third_party=item.third_party,
            permission=item.permission,
            attribution=item.attribution,
            offset=len(publication.body),
        )
        for item in publication.media.prefetch_related("people")
    ]


@transaction.atomic
def check_publication(publication: Publication, *, user: Any, request: Any = None) -> PublicationCheck:
    """Run the check on the item as it is now, keep the result, and note who appears in it. A re-check after
    approval sends the item back for approval: what was approved is no longer what is there."""
    directory = directory_for(publication.school)
    findings = run_check(publication.body, directory, use=publication.channel, media=_media_for(publication))
    check = PublicationCheck.objects.create(
        publication=publication,
        checked_by=user if getattr(user, "pk", None) else None,
        text=publication.body,
        findings=[finding.as_dict() for finding in findings],
    )
    if publication.status != Publication.Status.TAKEN_DOWN:
        publication.status = Publication.Status.FINDINGS if findings else Publication.Status.CLEAN
        publication.approved_by, publication.approved_at, publication.approval_check = None, None, None
        publication.approval_note = ""
    publication.is_html = looks_like_html(publication.body)
    publication.updated_at = timezone.now()
    publication.save(
        update_fields=[
            "status",
            "approved_by",
            "approved_at",
            "approval_check",
            "approval_note",
            "is_html",
            "updated_at",
        ]
    )
    _note_appearances(publication, findings)
    record(
        "publication.check",
        actor=user,
        obj=publication,
        request=request,
        detail={
            "check": check.pk,
            "findings": len(findings),
            "kinds": sorted({finding.kind for finding in findings}),
        },
    )
    return check


def _note_appearances(publication: Publication, findings: list[checker.Finding]) -> None:
    school_people = set(Person.objects.filter(school=publication.school).values_list("id", flat=True))
    wanted: set[tuple[int, str]] = set()
    for item in publication.media.prefetch_related("people"):
        wanted |= {(person.pk, Appearance.How.PHOTO) for person in item.people.all()}
    for finding in findings:
        if finding.kind == "pupil-full-name" and finding.person in school_people:
            wanted.add((int(finding.person), Appearance.How.NAMED))
    existing = set(publication.appearances.values_list("person_id", "how"))
    Appearance.objects.bulk_create(
        [
            Appearance(publication=publication, person_id=person_id, how=how)
            for person_id, how in wanted - existing
        ]
    )


def create_publication(
    *,
    school: School,
    title: str,
    channel: str,
    body: str,
    media: list[dict[str, Any]],
    user: Any,
    request: Any = None,
) -> tuple[Publication, PublicationCheck]:
    with transaction.atomic():
        publication = Publication.objects.create(
            school=school, title=title, channel=channel, body=validate_text(body), created_by=user
        )
        _save_media(publication, media)
        record(
            "publication.create", actor=user, obj=publication, request=request, detail={"channel": channel}
        )
        return publication, check_publication(publication, user=user, request=request)


def _save_media(publication: Publication, media: list[dict[str, Any]]) -> None:
    publication.media.all().delete()
    for described in media:
        people = described.pop("people", [])
        item = PublicationMedia.objects.create(publication=publication, **described)
        item.people.set(people)


def revise_publication(
    publication: Publication,
    *,
    title: str,
    body: str,
    media: list[dict[str, Any]] | None,
    user: Any,
    request: Any = None,
) -> PublicationCheck:
    """Save the edited text (and photos, when given) and check it again."""
    with transaction.atomic():
        publication.title, publication.body = title, validate_text(body)
        publication.save(update_fields=["title", "body"])
        if media is not None:
            _save_media(publication, media)
        return check_publication(publication, user=user, request=request)


def may_approve(user: Any, school: School) -> bool:
    """The Headteacher or deputy, or an editor the school delegated the work to."""
    if can(user, Action.APPROVE_PUBLICATION, school):
        return True
    return PublishingSettings.objects.filter(school=school, editors=user).exists()


def may_take(user: Any, school: School, step: str) -> bool:
    transition = TRANSITIONS[step]
    if transition.action == Action.APPROVE_PUBLICATION:
        return may_approve(user, school)
    return can(user, transition.action, school)


@transaction.atomic
def take_step(
    publication: Publication, step: str, *, user: Any, reason: str = "", request: Any = None
) -> Publication:
    transition = TRANSITIONS.get(step)
    if transition is None:
        raise PublishingError("No such step.")
    publication = Publication.objects.select_for_update().get(pk=publication.pk)
    if publication.status not in transition.sources:
        raise PublishingError(
            f"This item is “{publication.get_status_display()}”: “{transition.label}” does not apply now. "
            "It may have been checked again or approved by someone else meanwhile."
        )
    if not may_take(user, publication.school, step):
        raise PermissionError(step)
    reason = reason.strip()
    if transition.reason_required and not reason:
        raise PublishingError("Please give a reason.")
    now = timezone.now()
    publication.status = transition.target
    fields = ["status", "updated_at"]
    if transition.target == Publication.Status.APPROVED:
        publication.approved_by, publication.approved_at = user, now
        publication.approval_check = publication.latest_check
        publication.approval_note = reason[:500]
        fields += ["approved_by", "approved_at", "approval_check", "approval_note"]
    if transition.target == Publication.Status.TAKEN_DOWN:
        publication.taken_down_at, publication.taken_down_by = now, user
        fields += ["taken_down_at", "taken_down_by"]
        publication.appearances.filter(removed_at__isnull=True).update(removed_at=now, removed_by=user)
    publication.updated_at = now
    publication.save(update_fields=fields)
    record(
        f"publication.{step}",
        actor=user,
        obj=publication,
        request=request,
        detail={"check": publication.approval_check_id, "reason_given": bool(reason)},
    )
    return publication


@transaction.atomic
def record_removal(appearance: Appearance, *, user: Any, request: Any = None) -> Appearance:
    """Record that the person was taken out of the item (the photo removed, the name cut)."""
    appearance = Appearance.objects.select_for_update().get(pk=appearance.pk)
    if appearance.removed_at is None:
        appearance.removed_at, appearance.removed_by = timezone.now(), user
        appearance.save(update_fields=["removed_at", "removed_by"])
        record(
            "publication.remove_person",
            actor=user,
            obj=appearance.publication,
            request=request,
            detail={"appearance": appearance.pk, "person_id": appearance.person_id},
        )
    return appearance


def on_consent_withdrawn(sender: Any, consent: Any, request: Any = None, **kwargs: Any) -> None:
    """A consent was withdrawn: tell whoever answers for published content where the person appears."""
    live = Appearance.objects.filter(
        person_id=consent.person_id, removed_at__isnull=True, publication__school_id=consent.school_id
    ).exclude(publication__status=Publication.Status.TAKEN_DOWN)
    count = live.values("publication").distinct().count()
    if not count:
        return
    school = consent.school
    heads = User.holding(school, [Role.HEAD, Role.DEPUTY])
    editors = settings_for(school).editors.filter(is_active=True)
    to = [user.email for user in [*heads, *editors] if user.email]
    path = reverse("publishing:appearances", args=[consent.person_id])
    queue_email(
        f"consent-withdrawn-{consent.pk}",
        to,
        f"{school.name}: consent withdrawn, {count} item(s) to check",
        f"A consent was withdrawn. {count} published item(s) show the person concerned.\n\n"
        f"See them and record each take-down: {settings.SITE_URL}{path}\n",
        school=school,
    )


# --- Website audit -----------------------------------------------------------------------------------------


def audit_site(
    audit: WebsiteAudit,
    *,
    max_pages: int = 200,
    delay: float = 1.0,
    sleep: Callable[[float], None] | None = None,
) -> WebsiteAudit:
    """Crawl the school's site from ``audit.url`` and run the publishing check on every page, its image captions
    and alt text. Findings are kept per page with the page's address, so the audit page links to each one."""
    from esafety.publishing.crawler import crawl

    directory = directory_for(audit.school)
    directory = checker.Directory(
        people=directory.people,
        contacts=directory.contacts,
        allowed_contacts=directory.allowed_contacts,
        own_hosts=directory.own_hosts | own_hosts(audit.url),
    )
    pages = findings = 0
    crawling = (
        crawl(audit.url, max_pages=max_pages, delay=delay, sleep=sleep)
        if sleep
        else crawl(audit.url, max_pages=max_pages, delay=delay)
    )
    try:
        for page in crawling:
            found = checker.check_html(page.html[:MAX_CHARS], directory) if page.html else []
            AuditedPage.objects.create(
                audit=audit,
                url=page.url[:1000],
                status_code=page.status,
                findings=[finding.as_dict() for finding in found],
                note=page.note[:300],
            )
            pages += 1
            findings += len(found)
    except Exception as exc:  # noqa: BLE001 (a failed crawl is recorded on the audit, never lost)
        audit.status, audit.note = WebsiteAudit.Status.FAILED, f"Stopped: {exc}"[:500]
    else:
        audit.status = WebsiteAudit.Status.DONE
        if pages >= max_pages:
            audit.note = f"Stopped at the limit of {max_pages} pages."
    audit.pages_checked, audit.finding_count, audit.finished_at = pages, findings, timezone.now()
    audit.save(update_fields=["status", "note", "pages_checked", "finding_count", "finished_at"])
    record(
        "website_audit.finish",
        actor=audit.started_by,
        obj=audit,
        detail={"pages": pages, "findings": findings, "status": audit.status},
    )
    return audit
