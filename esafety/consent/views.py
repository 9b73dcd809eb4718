"""The consent register, its class lists, the campaigns that collect answers, and the page behind a parent's
personal link. Every query starts from ``request.school``; every change goes through ``actions.py``."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from esafety.access import Action, can, requires, requires_record
from esafety.consent import actions
from esafety.consent.forms import AnswerForm, CampaignForm, RecordConsentForm, WithdrawForm
from esafety.consent.models import PUBLISHED_USES, STAFF_USES, Campaign, Consent, Standing, Use
from esafety.core.links import LinkRefused, open_link
from esafety.core.types import SchoolRequest
from esafety.people.models import Person


def _classes(request: SchoolRequest) -> list[str]:
    pupils = Person.objects.filter(school=request.school).pupils().current().exclude(class_name="")
    return sorted(set(pupils.values_list("class_name", flat=True)))


def _years(request: SchoolRequest) -> list[str]:
    pupils = Person.objects.filter(school=request.school).pupils().current().exclude(year_group="")
    return sorted(set(pupils.values_list("year_group", flat=True)))


def _must_not_appear(row: dict[str, Standing]) -> list[str]:
    """The published uses this person may not appear in."""
    return [Use(use).label for use in PUBLISHED_USES if not row[use].permitted]


def _rows(
    request: SchoolRequest, people: list[Person]
) -> list[tuple[Person, list[Standing], list[str], bool]]:
    table = actions.standings(request.school, people)
    uses = list(Use) if people and people[0].kind == Person.Kind.PUPIL else STAFF_USES
    return [
        (
            person,
            [table[person.pk][use] for use in uses],
            _must_not_appear(table[person.pk]),
            any(standing.disputed for standing in table[person.pk].values()),
        )
        for person in people
    ]


@requires(Action.VIEW_CONSENTS)
def register(request: SchoolRequest) -> HttpResponse:
    classes = _classes(request)
    group = request.GET.get("group", "")
    chosen = (
        request.GET.get("class", "")
        if request.GET.get("class", "") in classes
        else (classes[0] if classes else "")
    )
    if group == "staff":
        people = list(Person.objects.filter(school=request.school, kind=Person.Kind.STAFF).current())
        uses = STAFF_USES
    else:
        people = list(Person.objects.filter(school=request.school, class_name=chosen).pupils().current())
        uses = list(Use)
    return render(
        request,
        "consent/register.html",
        {
            "classes": classes,
            "chosen": chosen,
            "group": group,
            "uses": uses,
            "rows": _rows(request, people),
            "can_manage": can(request.user, Action.MANAGE_CONSENTS, request.school),
        },
    )


@requires(Action.VIEW_CONSENTS)
def print_list(request: SchoolRequest) -> HttpResponse:
    """One page for a class trip: who must not appear in published images, and who has said yes."""
    classes = _classes(request)
    chosen = request.GET.get("class", "")
    if chosen not in classes:
        chosen = classes[0] if classes else ""
    people = list(Person.objects.filter(school=request.school, class_name=chosen).pupils().current())
    rows = _rows(request, people)
    return render(
        request,
        "consent/print.html",
        {
            "chosen": chosen,
            "not_allowed": [row for row in rows if row[2]],
            "allowed": [row for row in rows if not row[2]],
            "printed_at": timezone.now(),
        },
    )


def _person(request: SchoolRequest, person_id: int) -> Person:
    return get_object_or_404(
        Person, pk=person_id, school=request.school, kind__in=[Person.Kind.PUPIL, Person.Kind.STAFF]
    )


def _render_person(
    request: SchoolRequest,
    person: Person,
    form: RecordConsentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    table = actions.standings(request.school, [person])[person.pk]
    today = timezone.localdate()
    can_manage = can(request.user, Action.MANAGE_CONSENTS, request.school)
    history = list(
        Consent.objects.filter(school=request.school, person=person).select_related(
            "given_by", "withdrawn_by", "recorded_by", "campaign"
        )
    )
    return render(
        request,
        "consent/person.html",
        {
            "person": person,
            "standings": [(use, table[use]) for use in actions.uses_for(person)],
            "history": [
                (
                    row,
                    WithdrawForm(consent=row, prefix=f"w{row.pk}")
                    if can_manage and row.state_on(today) == "granted"
                    else None,
                )
                for row in history
            ],
            "today": today,
            "can_manage": can_manage,
            "record_form": form or (RecordConsentForm(person=person) if can_manage else None),
        },
        status=status,
    )


@requires_record(Action.VIEW_CONSENTS)
def person_detail(request: SchoolRequest, person_id: int) -> HttpResponse:
    return _render_person(request, _person(request, person_id))


@require_POST
@requires_record(Action.MANAGE_CONSENTS)
def record(request: SchoolRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    form = RecordConsentForm(request.POST, person=person)
    if not form.is_valid():
        return _render_person(request, person, form, status=400)
    data = form.cleaned_data
    try:
        actions.record_consent(
            person=person,
            answers=form.answers(),
            given_by=data["given_by"],
            method=data["method"],
            given_at=timezone.make_aware(datetime.combine(data["given_on"], time(12))),
            expires_on=data["expires_on"],
            reference=data["reference"],
            user=request.user,
            request=request,
        )
    except actions.ConsentError as exc:
        form.add_error(None, str(exc))
        return _render_person(request, person, form, status=400)
    messages.success(request, "The answers were recorded.")
    return redirect("consent:person", person.pk)


@require_POST
@requires_record(Action.MANAGE_CONSENTS)
def withdraw(request: SchoolRequest, consent_id: int) -> HttpResponse:
    consent = get_object_or_404(Consent, pk=consent_id, school=request.school)
    form = WithdrawForm(request.POST, consent=consent, prefix=f"w{consent.pk}")
    if not form.is_valid():
        messages.error(request, "Say who withdrew the consent.")
        return redirect("consent:person", consent.person_id)
    try:
        actions.withdraw_consent(
            consent,
            by=form.cleaned_data["withdrawn_by"],
            reason=form.cleaned_data["reason"],
            user=request.user,
            request=request,
        )
    except actions.ConsentError as exc:
        messages.error(request, str(exc))
        return redirect("consent:person", consent.person_id)
    messages.success(
        request,
        f"Consent for “{Use(consent.use).label}” was withdrawn. Below: every recorded publication this person "
        "appears in, to take down.",
    )
    return redirect("publishing:appearances", consent.person_id)


@requires(Action.MANAGE_CONSENTS)
def disagreements(request: SchoolRequest) -> HttpResponse:
    """Pupils whose parents answered differently for a use: the more restrictive answer stands meanwhile."""
    pupils = list(
        Person.objects.filter(school=request.school, consents__isnull=False).pupils().current().distinct()
    )
    table = actions.standings(request.school, pupils)
    rows = [
        (
            pupil,
            [(Use(use).label, standing) for use, standing in table[pupil.pk].items() if standing.disputed],
        )
        for pupil in pupils
    ]
    return render(request, "consent/disagreements.html", {"rows": [row for row in rows if row[1]]})


# --- Campaigns ---------------------------------------------------------------------------------------------


@requires(Action.RUN_CONSENT_CAMPAIGNS)
def campaigns(request: SchoolRequest) -> HttpResponse:
    found = Campaign.objects.filter(school=request.school).annotate(
        answered_count=Count("requests", filter=Q(requests__answered_at__isnull=False)),
        request_count=Count("requests"),
    )
    return render(request, "consent/campaigns.html", {"campaigns": found})


@requires(Action.RUN_CONSENT_CAMPAIGNS)
def new_campaign(request: SchoolRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None, classes=_classes(request), years=_years(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        campaign = actions.start_campaign(
            school=request.school,
            title=data["title"],
            audience=data["audience"],
            audience_value=data["audience_value"],
            new_since=data["new_since"],
            uses=data["uses"],
            closes_on=data["closes_on"],
            consent_expires_on=data["consent_expires_on"],
            user=request.user,
            request=request,
        )
        messages.success(
            request, f"{campaign.requests.exclude(sent_at=None).count()} parent(s) were sent a link."
        )
        return redirect("consent:campaign", campaign.pk)
    return render(request, "consent/new_campaign.html", {"form": form}, status=400 if form.errors else 200)


@requires_record(Action.RUN_CONSENT_CAMPAIGNS)
def campaign_detail(request: SchoolRequest, campaign_id: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=campaign_id, school=request.school)
    rows = list(campaign.requests.select_related("pupil", "parent"))
    pupils = list({row.pupil_id: row.pupil for row in rows}.values())
    table = actions.standings(request.school, pupils)
    disputed = [
        (pupil, [Use(use).label for use in campaign.uses if table[pupil.pk][use].disputed])
        for pupil in pupils
    ]
    return render(
        request,
        "consent/campaign.html",
        {
            "campaign": campaign,
            "not_answered": [row for row in rows if row.answered_at is None],
            "answered": sum(1 for row in rows if row.answered_at),
            "total": len(rows),
            "no_email": [row for row in rows if row.sent_at is None],
            "disputed": [row for row in disputed if row[1]],
        },
    )


@require_POST
@requires_record(Action.RUN_CONSENT_CAMPAIGNS)
def renew_campaign(request: SchoolRequest, campaign_id: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=campaign_id, school=request.school)
    renewal = actions.renew_campaign(campaign, user=request.user, request=request)
    messages.success(request, "Next year's campaign has started: the same parents were sent new links.")
    return redirect("consent:campaign", renewal.pk)


@require_POST
@requires_record(Action.RUN_CONSENT_CAMPAIGNS)
def close_campaign(request: SchoolRequest, campaign_id: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=campaign_id, school=request.school)
    campaign.close()
    messages.success(request, "The campaign is closed: its links no longer work.")
    return redirect("consent:campaign", campaign.pk)


# --- The page behind a parent's link (no sign-in) ------------------------------------------------------------


def answer(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = open_link(token, actions.LINK_PURPOSE)
        rows = [row for row in actions.requests_for_link(link) if row.campaign.status == Campaign.Status.OPEN]
        if not rows:
            raise LinkRefused("expired")
    except LinkRefused as refused:
        return render(request, "consent/answer_refused.html", {"message": refused.message}, status=410)
    campaign = rows[0].campaign
    pupils = list({row.pupil_id: row.pupil for row in rows}.values())
    form = AnswerForm(request.POST or None, pupils=pupils, uses=list(campaign.uses))
    if request.method == "POST" and form.is_valid():
        try:
            actions.answer_by_link(token, form.answers(), request=request)
        except LinkRefused as refused:
            return render(request, "consent/answer_refused.html", {"message": refused.message}, status=410)
        return render(request, "consent/answer_thanks.html", {"school": campaign.school})
    return render(
        request,
        "consent/answer.html",
        {"form": form, "campaign": campaign, "parent": link.person},
        status=400 if form.errors else 200,
    )
