"""Pages of the policies room. Public pages (the school website's links, the personal-link signing page) need no
sign-in; everything else starts from ``request.school``. Views bind forms and call ``actions``."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from esafety.access import Action, can, requires, requires_record
from esafety.audit.actions import record, record_view
from esafety.audit.models import AuditEntry
from esafety.core.links import LinkRefused, open_link
from esafety.core.types import SchoolRequest
from esafety.people.importer import neutralise
from esafety.people.models import Person, School
from esafety.policies import actions, markdown, posters
from esafety.policies.actions import PolicyError
from esafety.policies.forms import (
    CampaignForm,
    GovernorsApprovalForm,
    NewsletterForm,
    PaperForm,
    PolicyForm,
    PublishForm,
    ReviewForm,
    VersionForm,
)
from esafety.policies.models import (
    TRANSITIONS,
    Acknowledgement,
    AcknowledgementCampaign,
    AcknowledgementRequest,
    Newsletter,
    Policy,
    PolicyVersion,
)

PUBLIC_STATUSES = (PolicyVersion.Status.PUBLISHED, PolicyVersion.Status.SUPERSEDED)


# --- Public pages ----------------------------------------------------------------------------------------------


def _public_context(school: School) -> dict[str, Any]:
    published = PolicyVersion.objects.filter(status=PolicyVersion.Status.PUBLISHED)
    policies = (
        Policy.objects.filter(school=school, versions__status=PolicyVersion.Status.PUBLISHED)
        .prefetch_related(Prefetch("versions", queryset=published, to_attr="published"))
        .distinct()
    )
    newsletters = Newsletter.objects.filter(school=school, published_at__isnull=False).order_by(
        "-published_at"
    )
    return {"school": school, "policies": policies, "newsletters": newsletters[:3]}


def public_index(request: HttpRequest) -> HttpResponse:
    """/policies/: the signed-in user's school, the only school, or a choice of schools for the website."""
    school = getattr(request, "school", None)
    if school is None:
        schools = list(School.objects.order_by("name")[:2])
        if len(schools) == 1:
            school = schools[0]
    if school is None:
        return render(request, "policies/public_schools.html", {"schools": School.objects.order_by("name")})
    return render(request, "policies/public_school.html", _public_context(school))


def public_school(request: HttpRequest, school_slug: str) -> HttpResponse:
    school = get_object_or_404(School, slug=school_slug)
    return render(request, "policies/public_school.html", _public_context(school))


def _public_version(school_slug: str, policy_slug: str, number: int | None) -> PolicyVersion:
    versions = PolicyVersion.objects.select_related("policy__school").filter(
        policy__school__slug=school_slug, policy__slug=policy_slug
    )
    if number is None:
        return get_object_or_404(versions, status=PolicyVersion.Status.PUBLISHED)
    return get_object_or_404(versions, number=number, status__in=PUBLIC_STATUSES)


def public_policy(
    request: HttpRequest, school_slug: str, policy_slug: str, number: int | None = None
) -> HttpResponse:
    version = _public_version(school_slug, policy_slug, number)
    history = version.policy.versions.filter(status__in=PUBLIC_STATUSES).order_by("-number")
    return render(
        request,
        "policies/public_policy.html",
        {
            "version": version,
            "policy": version.policy,
            "school": version.policy.school,
            "body": markdown.render(version.body),
            "history": history,
            "is_current": version.status == PolicyVersion.Status.PUBLISHED,
        },
    )


def _no_store(response: HttpResponse) -> HttpResponse:
    # The page's address holds a personal token: keep it out of shared caches and history where we can.
    response.headers["Cache-Control"] = "no-store"
    return response


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    # 200, not 4xx: Django's request logger writes the path of every 4xx response, and this path holds the token.
    return _no_store(render(request, "policies/sign_refused.html", {"message": message}))


def sign(request: HttpRequest, token: str) -> HttpResponse:
    """The page behind a personal link: read, then one button. Works without JavaScript, on a phone."""
    if request.method == "POST":
        try:
            acknowledgement, _ = actions.acknowledge_by_link(token)
        except LinkRefused as refused:
            return _refused(request, refused.message)
        except PolicyError as error:
            return _refused(request, str(error))
        return _no_store(render(request, "policies/sign_done.html", {"acknowledgement": acknowledgement}))
    try:
        link = open_link(token, actions.LINK_PURPOSE)
    except LinkRefused as refused:
        return _refused(request, refused.message)
    ack_request = actions.request_for_link(link)
    if ack_request is None or not ack_request.campaign.is_open:
        return _refused(request, "This request has closed. Please contact the school office.")
    version = ack_request.campaign.version
    return _no_store(
        render(
            request,
            "policies/sign.html",
            {
                "person": link.person,
                "version": version,
                "policy": version.policy,
                "school": link.school,
                "body": markdown.render(version.body),
                "is_code": version.policy.kind == Policy.Kind.PARENT_CODE,
            },
        )
    )


# --- My acknowledgements ---------------------------------------------------------------------------------------


@requires(Action.ACKNOWLEDGE_POLICY)
def mine(request: SchoolRequest) -> HttpResponse:
    person = request.user.person
    pending = list(actions.pending_for(person).filter(campaign__school=request.school))
    for item in pending:
        item.body = markdown.render(item.campaign.version.body)  # type: ignore[attr-defined]
    done = actions.acknowledgements_of(person).filter(school=request.school)[:50] if person else []
    return render(request, "policies/mine.html", {"pending": pending, "done": done, "person": person})


@require_POST
@requires_record(Action.ACKNOWLEDGE_POLICY)
def acknowledge(request: SchoolRequest, request_id: int) -> HttpResponse:
    ack_request = get_object_or_404(
        AcknowledgementRequest.objects.select_related("campaign__version__policy"),
        pk=request_id,
        campaign__school=request.school,
        person=request.user.person or -1,
    )
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Tick the box to say you have read it, then press Acknowledge.")
        return redirect("policies:mine")
    try:
        _, created = actions.acknowledge_signed_in(ack_request, request.user)
    except PolicyError as error:
        messages.error(request, str(error))
        return redirect("policies:mine")
    policy = ack_request.campaign.version.policy
    messages.success(
        request,
        f"Thank you: your acknowledgement of {policy.title} is recorded." if created else "Already recorded.",
    )
    return redirect("policies:mine")


# --- Library ---------------------------------------------------------------------------------------------------


@requires(Action.MANAGE_POLICIES)
def manage(request: SchoolRequest) -> HttpResponse:
    policies = (
        Policy.objects.filter(school=request.school)
        .prefetch_related("versions")
        .annotate(version_count=Count("versions"))
        .order_by("title")
    )
    return render(request, "policies/manage.html", {"policies": policies, "today": timezone.localdate()})


@requires(Action.MANAGE_POLICIES)
def new_policy(request: SchoolRequest) -> HttpResponse:
    form = PolicyForm(
        request.POST or None, initial={"review_due": timezone.localdate() + timedelta(days=365)}
    )
    _limit_owner(form, request.school)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if Policy.objects.filter(school=request.school, slug=data["slug"]).exists():
            form.add_error("slug", "Another policy already has this web address.")
        elif data["kind"] != Policy.Kind.OTHER and Policy.objects.filter(
            school=request.school, kind=data["kind"]
        ):
            form.add_error("kind", "The school already has this policy: add a new version to it instead.")
        else:
            assert request.school is not None  # @requires found a role at this school
            policy = actions.create_policy(request.school, by=request.user, **data)
            messages.success(request, "Policy added. Now write its first version.")
            return redirect("policies:new_version", policy.pk)
    return render(request, "policies/policy_form.html", {"form": form})


def _limit_owner(form: PolicyForm, school: Any) -> None:
    from esafety.accounts.models import User

    field = form.fields["owner"]
    field.queryset = User.objects.filter(role_assignments__school=school, is_active=True).distinct()  # type: ignore[attr-defined]


@requires_record(Action.MANAGE_POLICIES)
def policy_detail(request: SchoolRequest, policy_id: int) -> HttpResponse:
    policy = get_object_or_404(Policy, pk=policy_id, school=request.school)
    versions = policy.versions.order_by("-number")
    return render(
        request,
        "policies/policy_detail.html",
        {"policy": policy, "versions": versions, "reviews": policy.reviews.all()[:10]},
    )


@requires_record(Action.MANAGE_POLICIES)
def new_version(request: SchoolRequest, policy_id: int) -> HttpResponse:
    policy = get_object_or_404(Policy, pk=policy_id, school=request.school)
    current = policy.current_version or policy.versions.order_by("-number").first()
    form = VersionForm(request.POST or None, initial={"body": current.body if current else ""})
    if request.method == "POST" and form.is_valid():
        version = actions.start_version(policy, by=request.user, **form.cleaned_data)
        messages.success(request, f"Draft {version.label} saved.")
        return redirect("policies:version", version.pk)
    return render(request, "policies/version_form.html", {"form": form, "policy": policy, "version": None})


def _version(request: SchoolRequest, version_id: int) -> PolicyVersion:
    return get_object_or_404(
        PolicyVersion.objects.select_related("policy"), pk=version_id, policy__school=request.school
    )


@requires_record(Action.MANAGE_POLICIES)
def edit_version(request: SchoolRequest, version_id: int) -> HttpResponse:
    version = _version(request, version_id)
    if not version.editable:
        messages.error(request, "Only a draft can be changed. Start a new version instead.")
        return redirect("policies:version", version.pk)
    form = VersionForm(
        request.POST or None,
        initial={
            "body": version.body,
            "summary_of_changes": version.summary_of_changes,
            "effective_on": version.effective_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        actions.edit_version(version, by=request.user, **form.cleaned_data)
        messages.success(request, "Draft saved.")
        return redirect("policies:version", version.pk)
    return render(
        request, "policies/version_form.html", {"form": form, "policy": version.policy, "version": version}
    )


@requires_record(Action.MANAGE_POLICIES, Action.APPROVE_POLICY)
def version_detail(request: SchoolRequest, version_id: int) -> HttpResponse:
    version = _version(request, version_id)
    steps = [step for step in version.next_steps() if can(request.user, step.action, request.school)]
    return render(
        request,
        "policies/version_detail.html",
        {
            "version": version,
            "policy": version.policy,
            "body": markdown.render(version.body),
            "steps": steps,
            "governors_form": GovernorsApprovalForm(),
            "publish_form": PublishForm(initial={"audience": _default_audience(version.policy)}),
        },
    )


def _default_audience(policy: Policy) -> str:
    A = AcknowledgementCampaign.Audience
    return {
        Policy.Kind.PARENT_CODE: A.PARENTS_SCHOOL,
        Policy.Kind.AUP_PUPIL: A.PARENTS_SCHOOL,
        Policy.Kind.SAFEGUARDING: A.ALL_STAFF,
        Policy.Kind.AUP_STAFF: A.ALL_STAFF,
        Policy.Kind.E_SAFETY: A.ALL_STAFF,
    }.get(Policy.Kind(policy.kind), "")


@require_POST
@requires_record(Action.MANAGE_POLICIES, Action.APPROVE_POLICY)
def version_step(request: SchoolRequest, version_id: int, step: str) -> HttpResponse:
    version = _version(request, version_id)
    transition = TRANSITIONS.get(step)
    if transition is None:
        raise Http404
    if not can(request.user, transition.action, request.school):
        raise PermissionDenied
    meeting_on, minute_ref = None, ""
    if transition.needs_meeting:
        form = GovernorsApprovalForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Give the date of the governing body's meeting and the minute reference.")
            return redirect("policies:version", version.pk)
        meeting_on, minute_ref = form.cleaned_data["meeting_on"], form.cleaned_data["minute_ref"]
    publish = PublishForm(request.POST) if transition.name == "publish" else None
    if publish is not None and not publish.is_valid():
        messages.error(request, "Check the campaign details below the Publish button.")
        return redirect("policies:version", version.pk)
    try:
        version = actions.take_step(
            version, step, by=request.user, meeting_on=meeting_on, minute_ref=minute_ref
        )
    except PolicyError as error:
        messages.error(request, str(error))
        return redirect("policies:version", version.pk)
    messages.success(request, f"{version}: {version.get_status_display()}.")
    if publish is not None and publish.cleaned_data["audience"]:
        closes_on = publish.cleaned_data["closes_on"] or timezone.localdate() + timedelta(days=21)
        try:
            campaign = actions.start_campaign(
                version,
                audience=publish.cleaned_data["audience"],
                audience_filter=publish.cleaned_data["audience_filter"],
                closes_on=closes_on,
                by=request.user,
            )
        except PolicyError as error:
            messages.error(request, f"Published, but no campaign was started: {error}")
        else:
            messages.success(request, f"Campaign started: {campaign.requests.count()} people asked.")
            return redirect("policies:campaign", campaign.pk)
    return redirect("policies:version", version.pk)


@requires_record(Action.MANAGE_POLICIES)
def diff(request: SchoolRequest, policy_id: int) -> HttpResponse:
    policy = get_object_or_404(Policy, pk=policy_id, school=request.school)
    versions = list(policy.versions.order_by("-number"))
    by_number = {version.number: version for version in versions}

    def pick(name: str, default: PolicyVersion | None) -> PolicyVersion | None:
        value = request.GET.get(name, "")
        return by_number.get(int(value)) if value.isdigit() else default

    new = pick("new", versions[0] if versions else None)
    old = pick("old", versions[1] if len(versions) > 1 else new)
    lines = actions.diff_versions(old, new) if old and new else []
    show_all = request.GET.get("all") == "1"
    return render(
        request,
        "policies/diff.html",
        {
            "policy": policy,
            "versions": versions,
            "old": old,
            "new": new,
            "lines": lines if show_all else actions.fold_unchanged(lines),
            "show_all": show_all,
            "added": sum(line.kind == "added" for line in lines),
            "removed": sum(line.kind == "removed" for line in lines),
        },
    )


# --- Campaigns -------------------------------------------------------------------------------------------------


@requires(Action.MANAGE_POLICY_CAMPAIGNS, Action.RECORD_PAPER_ACKNOWLEDGEMENT)
def campaigns(request: SchoolRequest) -> HttpResponse:
    rows = (
        AcknowledgementCampaign.objects.filter(school=request.school)
        .select_related("version__policy")
        .annotate(asked=Count("requests", distinct=True), signed=Count("acknowledgements", distinct=True))
    )
    return render(
        request,
        "policies/campaigns.html",
        {
            "campaigns": rows,
            "can_start": can(request.user, Action.MANAGE_POLICY_CAMPAIGNS, request.school),
        },
    )


@requires(Action.MANAGE_POLICY_CAMPAIGNS)
def new_campaign(request: SchoolRequest) -> HttpResponse:
    form = CampaignForm(
        request.POST or None,
        school=request.school,
        initial={"closes_on": timezone.localdate() + timedelta(days=21), "remind_every_days": 7},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = actions.start_campaign(
                data["version"],
                audience=data["audience"],
                audience_filter=data["audience_filter"],
                reason=data["reason"],
                closes_on=data["closes_on"],
                remind_every_days=data["remind_every_days"],
                by=request.user,
            )
        except PolicyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Campaign started: {campaign.requests.count()} people asked.")
            return redirect("policies:campaign", campaign.pk)
    return render(request, "policies/campaign_form.html", {"form": form})


def _campaign(request: SchoolRequest, campaign_id: int) -> AcknowledgementCampaign:
    return get_object_or_404(
        AcknowledgementCampaign.objects.select_related("version__policy"),
        pk=campaign_id,
        school=request.school,
    )


@requires_record(Action.MANAGE_POLICY_CAMPAIGNS, Action.RECORD_PAPER_ACKNOWLEDGEMENT)
def campaign_detail(request: SchoolRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id)
    rows, groups = actions.campaign_progress(campaign)
    show = request.GET.get("show", "")
    if show == "pending":
        rows = [row for row in rows if row.acknowledgement is None]
    done = sum(group.done for group in groups)
    total = sum(group.total for group in groups)
    return render(
        request,
        "policies/campaign_detail.html",
        {
            "campaign": campaign,
            "rows": rows,
            "groups": groups,
            "done": done,
            "total": total,
            "percent": round(100 * done / total) if total else 0,
            "show": show,
            "can_manage": can(request.user, Action.MANAGE_POLICY_CAMPAIGNS, request.school),
            "can_paper": can(request.user, Action.RECORD_PAPER_ACKNOWLEDGEMENT, request.school),
        },
    )


@requires_record(Action.MANAGE_POLICY_CAMPAIGNS, Action.RECORD_PAPER_ACKNOWLEDGEMENT)
def campaign_export(request: SchoolRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id)
    rows, _ = actions.campaign_progress(campaign)
    record(
        "policy_campaign.export_csv",
        request=request,
        obj=campaign,
        kind=AuditEntry.Kind.EXPORT,
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        ["Name", "Kind", "Group", "Policy", "Version", "Acknowledged", "How", "E-mailed", "Reminders"]
    )
    for row in rows:
        ack = row.acknowledgement
        writer.writerow(
            [
                neutralise(value)
                for value in (
                    row.request.person.full_name,
                    row.request.person.get_kind_display(),
                    row.request.group,
                    campaign.version.policy.title,
                    str(campaign.version.number),
                    timezone.localtime(ack.acknowledged_at).strftime("%Y-%m-%d %H:%M") if ack else "",
                    ack.get_method_display() if ack else "",
                    "yes" if row.request.invited_at else "no",
                    str(row.request.reminders_sent),
                )
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}.csv"'
    return response


@requires_record(Action.RECORD_PAPER_ACKNOWLEDGEMENT)
def campaign_paper(request: SchoolRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id)
    pending = list(
        campaign.requests.exclude(person__policy_acknowledgements__campaign=campaign).select_related("person")
    )
    choices = [(str(item.person_id), f"{item.person.full_name} ({item.group})") for item in pending]
    form = PaperForm(request.POST or None, request.FILES or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        item = next(item for item in pending if str(item.person_id) == form.cleaned_data["person"])
        actions.record_paper_acknowledgement(
            item, signed_on=form.cleaned_data["signed_on"], scan=form.cleaned_data["scan"], by=request.user
        )
        messages.success(request, f"Paper signature recorded for {item.person.full_name}.")
        return redirect("policies:campaign", campaign.pk)
    return render(request, "policies/paper_form.html", {"form": form, "campaign": campaign})


@require_POST
@requires_record(Action.MANAGE_POLICY_CAMPAIGNS, Action.RECORD_PAPER_ACKNOWLEDGEMENT)
def campaign_resend(request: SchoolRequest, campaign_id: int, request_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id)
    item = get_object_or_404(
        campaign.requests.select_related("person", "campaign__version__policy"), pk=request_id
    )
    if actions.send_new_link(item, by=request.user):
        messages.success(request, f"A new e-mail is on its way to {item.person.full_name}.")
    else:
        messages.error(
            request, f"Nothing sent: {item.person.full_name} has signed already or has no e-mail address."
        )
    return redirect("policies:campaign", campaign.pk)


@require_POST
@requires_record(Action.MANAGE_POLICY_CAMPAIGNS)
def campaign_close(request: SchoolRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id)
    actions.close_campaign(campaign, by=request.user)
    messages.success(request, "Campaign closed: no more reminders will be sent.")
    return redirect("policies:campaign", campaign.pk)


@requires(Action.MANAGE_POLICY_CAMPAIGNS, Action.RECORD_PAPER_ACKNOWLEDGEMENT)
def code_of_conduct(request: SchoolRequest) -> HttpResponse:
    """Parents and carers who have not signed the Parent Code of Conduct this school year, by class."""
    assert request.school is not None  # @requires found a role at this school
    rows = actions.code_of_conduct_report(request.school)
    return render(
        request,
        "policies/code_of_conduct.html",
        {
            "groups": rows,
            "year": actions.school_year_label(),
            "missing": sum(len(g[1]) for g in rows),
            "campaign": actions.current_code_of_conduct_campaign(request.school),
            "can_start": can(request.user, Action.MANAGE_POLICY_CAMPAIGNS, request.school),
        },
    )


@require_POST
@requires(Action.MANAGE_POLICY_CAMPAIGNS)
def start_code_of_conduct(request: SchoolRequest) -> HttpResponse:
    assert request.school is not None  # @requires found a role at this school
    try:
        campaign = actions.start_code_of_conduct_year(request.school, by=request.user)
    except PolicyError as error:
        messages.error(request, str(error))
        return redirect("policies:code_of_conduct")
    messages.success(request, f"{campaign.title}: {campaign.requests.count()} parents and carers asked.")
    return redirect("policies:campaign", campaign.pk)


@requires_record(Action.VIEW_ACKNOWLEDGEMENTS)
def scan(request: SchoolRequest, acknowledgement_id: int) -> FileResponse:
    acknowledgement = get_object_or_404(
        Acknowledgement, pk=acknowledgement_id, school=request.school, method=Acknowledgement.Method.PAPER
    )
    if not acknowledgement.scan:
        raise Http404
    record_view(request, acknowledgement, object_repr=f"Acknowledgement #{acknowledgement.pk} scan")
    return FileResponse(
        acknowledgement.scan.open("rb"), as_attachment=True, filename=f"signature-{acknowledgement.pk}"
    )


@requires_record(Action.VIEW_ACKNOWLEDGEMENTS)
def person(request: SchoolRequest, person_id: int) -> HttpResponse:
    subject = get_object_or_404(Person, pk=person_id, school=request.school)
    return render(
        request,
        "policies/person.html",
        {
            "subject": subject,
            "acknowledgements": actions.acknowledgements_of(subject),
            "pending": actions.pending_for(subject),
        },
    )


# --- Reviews ---------------------------------------------------------------------------------------------------


@requires(Action.VIEW_POLICY_REVIEWS)
def reviews(request: SchoolRequest) -> HttpResponse:
    today = timezone.localdate()
    policies = Policy.objects.filter(school=request.school).prefetch_related("reviews").order_by("review_due")
    return render(
        request,
        "policies/reviews.html",
        {
            "policies": policies,
            "today": today,
            "soon": today + actions.REVIEW_WARNING,
            "can_record": can(request.user, Action.RECORD_POLICY_REVIEW, request.school),
        },
    )


@requires_record(Action.RECORD_POLICY_REVIEW)
def record_review(request: SchoolRequest, policy_id: int) -> HttpResponse:
    policy = get_object_or_404(Policy, pk=policy_id, school=request.school)
    today = timezone.localdate()
    form = ReviewForm(
        request.POST or None,
        initial={
            "reviewed_on": today,
            "next_review_on": today + timedelta(days=30 * policy.review_every_months),
        },
    )
    if request.method == "POST" and form.is_valid():
        actions.record_review(policy, by=request.user, **form.cleaned_data)
        messages.success(request, f"Review of {policy.title} recorded.")
        return redirect("policies:reviews")
    return render(request, "policies/review_form.html", {"form": form, "policy": policy})


# --- Posters and newsletters -----------------------------------------------------------------------------------


@requires(Action.PRINT_POLICY_POSTERS)
def poster_list(request: SchoolRequest) -> HttpResponse:
    return render(request, "policies/posters.html", {"posters": posters.POSTERS})


@requires(Action.PRINT_POLICY_POSTERS)
def poster_pdf(request: SchoolRequest, audience: str) -> HttpResponse:
    if audience not in posters.POSTERS:
        raise Http404
    assert request.school is not None
    response = HttpResponse(posters.render(audience, request.school.name), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="e-safety-poster-{audience}.pdf"'
    return response


@requires(Action.MANAGE_POLICIES)
def newsletters(request: SchoolRequest) -> HttpResponse:
    form = NewsletterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        newsletter = form.save(commit=False)
        newsletter.school, newsletter.created_by = request.school, request.user
        newsletter.save()
        record("policy_newsletter.create", request=request, obj=newsletter)
        messages.success(request, "Newsletter item saved. Publish it to e-mail parents.")
        return redirect("policies:newsletters")
    items = Newsletter.objects.filter(school=request.school)
    return render(request, "policies/newsletters.html", {"form": form, "items": items})


@require_POST
@requires_record(Action.MANAGE_POLICIES)
def publish_newsletter(request: SchoolRequest, newsletter_id: int) -> HttpResponse:
    newsletter = get_object_or_404(Newsletter, pk=newsletter_id, school=request.school)
    sent = actions.publish_newsletter(newsletter, by=request.user)
    messages.success(request, f"Published on the public page and e-mailed to {sent} parents and carers.")
    return redirect("policies:newsletters")
