"""Governance actions: naming the responsible people, the annual review (answers, actions, sign-off), legal
holds, retention periods and subject access exports. Every change is audited; labels carry no names."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from esafety.audit.actions import record
from esafety.audit.models import AuditEntry
from esafety.governance import disposal, evidence, standards
from esafety.governance.models import (
    FilteringReview,
    LegalHold,
    ResponsiblePeople,
    ReviewAction,
    ReviewAnswer,
)

if TYPE_CHECKING:
    from esafety.accounts.models import User
    from esafety.people.models import Person, School


class ReviewError(Exception):
    """The step does not apply to the review as it stands (already signed, not the named person...)."""


def responsible_people(school: School) -> ResponsiblePeople:
    found, _ = ResponsiblePeople.objects.get_or_create(school=school)
    return found


def save_responsible_people(people: ResponsiblePeople, *, by: User) -> None:
    with transaction.atomic():
        people.updated_by, people.updated_at = by, timezone.now()
        people.save()
        record(
            "governance.responsible_people",
            actor=by,
            obj=people,
            object_repr="Named responsible people",
            detail={role: named for role, named in people.named()},
        )


# --- The annual review ----------------------------------------------------------------------------------------


def start_review(school: School, year: int, *, by: User) -> FilteringReview:
    with transaction.atomic():
        review, created = FilteringReview.objects.get_or_create(
            school=school, year=year, defaults={"started_by": by}
        )
        if created:
            record("governance.review_start", actor=by, obj=review, object_repr=str(review))
    return review


@dataclass(frozen=True)
class ItemView:
    """One item of the review as the page shows it: its figures now, and the answer given so far."""

    item: standards.Item
    figures: list[evidence.Evidence]
    answer: ReviewAnswer | None

    @property
    def measured(self) -> bool:
        return any(f.recorded for f in self.figures)


def item_views(review: FilteringReview) -> list[ItemView]:
    period = evidence.Period.school_year(review.year)
    answers = {a.item: a for a in review.answers.all()}
    keys = [key for item in standards.ITEMS for key in item.evidence]
    figures = evidence.collect(review.school, period, keys) if not review.locked else {}
    views = []
    for item in standards.ITEMS:
        if review.locked and item.key in answers:
            # A signed review shows the figures as they were when answered.
            shown = [
                evidence.Evidence(
                    e["key"],
                    e["label"],
                    e["room"],
                    evidence.Measure(**_measure_kwargs(e)) if e.get("measure") else None,
                )
                for e in answers[item.key].evidence
            ]
        else:
            shown = [figures[key] for key in item.evidence] if figures else []
        views.append(ItemView(item, shown, answers.get(item.key)))
    return views


def _measure_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    m = data["measure"]
    return {
        "summary": m["summary"],
        "value": m["value"],
        "unit": m["unit"],
        "series": tuple(tuple(pair) for pair in m["series"]),
        "series_unit": m["series_unit"],
        "rows": tuple(tuple(pair) for pair in m["rows"]),
        "ok": m["ok"],
    }


def _snapshot(figures: list[evidence.Evidence]) -> list[dict[str, Any]]:
    return [
        {
            "key": f.key,
            "label": f.label,
            "room": f.room,
            "measure": f.measure.as_data() if f.measure else None,
        }
        for f in figures
    ]


def answer_item(
    review: FilteringReview,
    item_key: str,
    *,
    verdict: str,
    comment: str = "",
    reported_by: str = "",
    by: User,
) -> ReviewAnswer:
    """Record one answer. It is **measured** when esafety holds at least one of the item's figures (they are
    kept with it), otherwise **self-reported**, which needs the name of whoever vouches for it."""
    if review.locked:
        raise ReviewError("This review has been signed: its answers can no longer change.")
    item = standards.BY_KEY[item_key]
    figures = list(
        evidence.collect(review.school, evidence.Period.school_year(review.year), item.evidence).values()
    )
    measured = any(f.recorded for f in figures)
    if not measured and not reported_by.strip():
        raise ReviewError(f"Say who reported “{item.text[:60]}…”: esafety holds no figure for it.")
    with transaction.atomic():
        answer, _ = ReviewAnswer.objects.update_or_create(
            review=review,
            item=item_key,
            defaults={
                "verdict": verdict,
                "basis": ReviewAnswer.Basis.MEASURED if measured else ReviewAnswer.Basis.SELF_REPORTED,
                "evidence": _snapshot(figures),
                "comment": comment.strip(),
                "reported_by": "" if measured else reported_by.strip()[:150],
                "answered_by": by,
                "answered_at": timezone.now(),
            },
        )
        record(
            "governance.review_answer",
            actor=by,
            obj=review,
            object_repr=str(review),
            detail={"item": item_key, "verdict": verdict, "basis": answer.basis},
        )
    return answer


NOTE_FIELDS = ("notes_send", "notes_eal", "notes_ai", "notes_devices", "summary")


def save_notes(review: FilteringReview, *, by: User, **notes: str) -> None:
    if review.locked:
        raise ReviewError("This review has been signed: its notes can no longer change.")
    changed = [name for name in NOTE_FIELDS if name in notes and getattr(review, name) != notes[name]]
    if not changed:
        return
    with transaction.atomic():
        for name in changed:
            setattr(review, name, notes[name])
        review.save(update_fields=changed)
        record(
            "governance.review_notes",
            actor=by,
            obj=review,
            object_repr=str(review),
            detail={"fields": changed},
        )


def add_action(review: FilteringReview, *, title: str, owner: User, due_on: date, by: User) -> ReviewAction:
    with transaction.atomic():
        action = ReviewAction.objects.create(
            review=review, school=review.school, title=title, owner=owner, due_on=due_on, created_by=by
        )
        record("governance.review_action", actor=by, obj=action, school=review.school)
    return action


def complete_action(action: ReviewAction, *, by: User) -> bool:
    with transaction.atomic():
        done = ReviewAction.objects.filter(pk=action.pk, done_at__isnull=True).update(done_at=timezone.now())
        if done:
            record("governance.review_action_done", actor=by, obj=action, school=action.school)
    return bool(done)


def unanswered(review: FilteringReview) -> list[standards.Item]:
    answered = set(review.answers.values_list("item", flat=True))
    return [item for item in standards.ITEMS if item.key not in answered]


def sign(review: FilteringReview, as_role: str, *, by: User) -> None:
    """Sign as the named SLT lead or the named governor: nobody else may sign in their place."""
    people = responsible_people(review.school)
    named = {"slt": people.slt_lead_id, "governor": people.governor_id}[as_role]
    if named != by.pk:
        raise ReviewError(
            "Only the named senior leader can sign for the SLT."
            if as_role == "slt"
            else "Only the named governor can sign for the governing body."
        )
    if missing := unanswered(review):
        raise ReviewError(f"{len(missing)} item(s) still need an answer before the review can be signed.")
    field = "slt_signed" if as_role == "slt" else "governor_signed"
    with transaction.atomic():
        updated = FilteringReview.objects.filter(pk=review.pk, **{f"{field}_at__isnull": True}).update(
            **{f"{field}_at": timezone.now(), f"{field}_by": by}
        )
        if not updated:
            raise ReviewError("This part of the review is already signed.")
        review.refresh_from_db()
        record(
            "governance.review_sign", actor=by, obj=review, object_repr=str(review), detail={"as": as_role}
        )


# --- Legal holds, retention, subject access ---------------------------------------------------------------------


def place_hold(
    school: School,
    *,
    reason: str,
    by: User,
    person: Person | None = None,
    record_type: str = "",
    object_id: str = "",
) -> LegalHold:
    with transaction.atomic():
        hold = LegalHold.objects.create(
            school=school,
            person=person,
            record_type=record_type,
            object_id=object_id,
            reason=reason,
            placed_by=by,
        )
        record(
            "retention.hold_place",
            actor=by,
            obj=hold,
            detail={"on": "person" if person else "record", "record_type": record_type},
        )
    return hold


def lift_hold(hold: LegalHold, *, by: User) -> bool:
    with transaction.atomic():
        lifted = LegalHold.objects.filter(pk=hold.pk, lifted_at__isnull=True).update(
            lifted_at=timezone.now(), lifted_by=by
        )
        if lifted:
            record("retention.hold_lift", actor=by, obj=hold)
    return bool(lifted)


@dataclass(frozen=True)
class SubjectAccessBundle:
    person_label: str
    generated_at: str
    requested_by: str
    sections: list[disposal.Section]

    def as_data(self) -> dict[str, Any]:
        return {
            "subject": self.person_label,
            "generated_at": self.generated_at,
            "requested_by": self.requested_by,
            "sections": [
                {"title": s.title, "entries": s.entries, "redactions": s.redactions} for s in self.sections
            ],
            "redactions": [line for s in self.sections for line in s.redactions],
        }

    def as_json(self) -> bytes:
        return json.dumps(self.as_data(), indent=2, ensure_ascii=False).encode()


def subject_access(school: School, person: Person, *, by: User, fmt: str) -> SubjectAccessBundle:
    """Everything every room holds about ``person`` that ``by`` may release; the export itself is audited."""
    sections = [gatherer(school, person, by) for _, _, gatherer in disposal.gatherers()]
    bundle = SubjectAccessBundle(
        person.full_name,
        timezone.localtime().strftime("%d %b %Y %H:%M"),
        by.get_full_name() or by.username,
        sections,
    )
    record(
        "retention.subject_access",
        actor=by,
        obj=person,
        kind=AuditEntry.Kind.EXPORT,
        object_repr=f"Person #{person.pk}",
        detail={"format": fmt, "entries": sum(len(s.entries) for s in sections)},
    )
    return bundle
