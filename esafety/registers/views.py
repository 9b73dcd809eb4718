"""Pages of the registers. Every query starts from ``request.school``; every change goes through ``actions.py``.

A new password is rendered straight into the response that created it (never a redirect, never the session), with
``Cache-Control: no-store`` so that the browser's back button cannot show it again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from esafety.access import Action, can, requires, requires_record, roles_at
from esafety.audit.actions import record
from esafety.core.types import SchoolRequest
from esafety.registers import actions, credentials, directory, forms, gates, review
from esafety.registers.models import (
    CONFISCATION_STEPS,
    Confiscation,
    Device,
    DirectoryPush,
    NetworkAccount,
    PersonalDeviceException,
    PhotoAuthorisation,
    RegisterSettings,
    SecurityAction,
    SecurityReview,
    stale_devices,
)

# --- Network accounts ------------------------------------------------------------------------------------------


@requires(Action.MANAGE_NETWORK_ACCOUNTS)
def account_list(request: SchoolRequest) -> HttpResponse:
    status = request.GET.get("status", "active")
    accounts = NetworkAccount.objects.filter(school=request.school).select_related("person", "issued_by")
    if status in NetworkAccount.Status.values:
        accounts = accounts.filter(status=status)
    failed = DirectoryPush.objects.filter(
        school=request.school, status=DirectoryPush.Status.FAILED
    ).select_related("account")
    waiting = DirectoryPush.objects.filter(school=request.school, status=DirectoryPush.Status.PENDING).count()
    return render(
        request,
        "registers/accounts.html",
        {
            "accounts": accounts,
            "status": status,
            "statuses": NetworkAccount.Status.choices,
            "failed": failed,
            "waiting": waiting,
            "formats": directory.FORMATS,
            "today": timezone.localdate(),
            "directory_configured": RegisterSettings.for_school(request.school).directory_configured,
            "may_configure": can(request.user, Action.EDIT_REGISTER_SETTINGS, request.school),
        },
    )


def _slip(request: SchoolRequest, account: NetworkAccount, password: str) -> HttpResponse:
    response = render(
        request,
        "registers/slip.html",
        {"account": account, "password": credentials.grouped(password), "school": request.school},
    )
    response["Cache-Control"] = "no-store"
    return response


@requires(Action.MANAGE_NETWORK_ACCOUNTS)
def new_account(request: SchoolRequest) -> HttpResponse:
    form = forms.AccountForm(request.POST or None, school=request.school, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account, password = actions.issue_account(
                school=request.school,
                issued_by=request.user,
                kind=data["kind"],
                person=data["person"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                organisation=data["organisation"],
                ends_on=data["ends_on"] if data["kind"] != NetworkAccount.Kind.STAFF else None,
                requested_by=data["requested_by"],
                reason=data["reason"],
                aup_on_paper=data["aup_on_paper"],
                form_token=data["token"],
                request=request,
            )
        except actions.AlreadyIssued as exc:
            messages.warning(
                request,
                f"{exc.account.label} was already issued from this form, so no second account was made. Its "
                "password is shown only once: if the slip was not printed, generate a new password here.",
            )
            return redirect("registers:account", exc.account.pk)
        except (actions.AupMissing, ValueError) as exc:
            form.add_error("aup_on_paper" if isinstance(exc, actions.AupMissing) else None, str(exc))
        else:
            return _slip(request, account, password)
    return render(
        request,
        "registers/account_new.html",
        {"form": form, "policies": gates.policies_available()},
    )


def _account(request: SchoolRequest, account_id: int) -> NetworkAccount:
    return get_object_or_404(NetworkAccount, pk=account_id, school=request.school)


@requires_record(Action.MANAGE_NETWORK_ACCOUNTS)
def account_detail(request: SchoolRequest, account_id: int) -> HttpResponse:
    account = _account(request, account_id)
    return render(
        request,
        "registers/account_detail.html",
        {"account": account, "pushes": account.pushes.order_by("-created_at"), "form": forms.ReasonForm()},
    )


@require_POST
@requires_record(Action.MANAGE_NETWORK_ACCOUNTS)
def account_password(request: SchoolRequest, account_id: int) -> HttpResponse:
    account = _account(request, account_id)
    try:
        password = actions.new_password(account, by=request.user, request=request)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("registers:account", account.pk)
    return _slip(request, account, password)


@require_POST
@requires_record(Action.MANAGE_NETWORK_ACCOUNTS)
def account_disable(request: SchoolRequest, account_id: int) -> HttpResponse:
    account = _account(request, account_id)
    form = forms.ReasonForm(request.POST)
    if form.is_valid():
        try:
            actions.disable_account(
                account, by=request.user, reason=form.cleaned_data["reason"], request=request
            )
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{account.label} is disabled.")
        return redirect("registers:account", account.pk)
    return render(
        request,
        "registers/account_detail.html",
        {"account": account, "pushes": account.pushes.order_by("-created_at"), "form": form},
        status=400,
    )


@requires(Action.MANAGE_NETWORK_ACCOUNTS)
def export_accounts(request: SchoolRequest) -> HttpResponse:
    fmt = request.GET.get("format", "ad")
    if fmt not in directory.FORMATS:
        raise Http404
    accounts = NetworkAccount.objects.filter(school=request.school).order_by("username")
    if request.GET.get("status") in NetworkAccount.Status.values:
        accounts = accounts.filter(status=request.GET["status"])
    assert request.school is not None
    text = directory.export_csv(accounts, fmt, request.school.email_domain)
    record("network_account.export", request=request, object_repr="Network accounts", detail={"format": fmt})
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="network-accounts-{fmt}.csv"'
    return response


@require_POST
@requires(Action.MANAGE_NETWORK_ACCOUNTS)
def retry_directory(request: SchoolRequest) -> HttpResponse:
    result = actions.push_directory_changes(request.school)
    if result["failed"]:
        messages.error(
            request, f"{result['failed']} change(s) still failing; the task worker keeps retrying."
        )
    else:
        messages.success(request, f"The directory has every change ({result['done']} sent).")
    return redirect("registers:accounts")


@requires(Action.EDIT_REGISTER_SETTINGS)
def register_settings(request: SchoolRequest) -> HttpResponse:
    limits = RegisterSettings.for_school(request.school)
    form = forms.RegisterSettingsForm(request.POST or None, instance=limits)
    if request.method == "POST" and form.is_valid():
        actions.save_record(
            form.instance,
            by=request.user,
            verb="update",
            request=request,
            detail={"changed": [name for name in form.changed_data if name != "ldap_bind_password"]},
        )
        messages.success(request, "Register settings saved.")
        return redirect("registers:settings")
    return render(request, "registers/settings.html", {"form": form, "tokens": credentials.TOKENS})


# --- Devices ---------------------------------------------------------------------------------------------------


@requires(Action.MANAGE_DEVICES)
def device_list(request: SchoolRequest) -> HttpResponse:
    limits = RegisterSettings.for_school(request.school)
    devices = list(
        Device.objects.filter(school=request.school).select_related("holder").order_by("retired", "asset_tag")
    )
    stale = {device.pk: reasons for device, reasons in stale_devices(request.school, limits)}
    rows = [(device, stale.get(device.pk, [])) for device in devices]
    if request.GET.get("stale"):
        rows = [(device, reasons) for device, reasons in rows if reasons]
    return render(
        request,
        "registers/devices.html",
        {
            "rows": rows,
            "limits": limits,
            "stale_count": len(stale),
            "may_configure": can(request.user, Action.EDIT_REGISTER_SETTINGS, request.school),
        },
    )


@requires(Action.MANAGE_DEVICES)
def new_device(request: SchoolRequest) -> HttpResponse:
    form = forms.DeviceForm(request.POST or None, school=request.school)
    if request.method == "POST" and form.is_valid():
        form.instance.school = request.school
        device = actions.save_record(form.instance, by=request.user, verb="create", request=request)
        messages.success(request, f"{device.label} added.")
        return redirect("registers:device", device.pk)
    return render(request, "registers/device_form.html", {"form": form, "device": None})


def _device(request: SchoolRequest, device_id: int) -> Device:
    return get_object_or_404(Device, pk=device_id, school=request.school)


def _device_page(request: SchoolRequest, device: Device, **context: Any) -> HttpResponse:
    context.setdefault("form", forms.DeviceForm(instance=device, school=request.school))
    context.setdefault("issue_form", forms.IssueDeviceForm(school=request.school))
    context.setdefault("return_form", forms.ReturnDeviceForm())
    limits = RegisterSettings.for_school(request.school)
    return render(
        request,
        "registers/device_form.html",
        {
            "device": device,
            "loans": device.loans.select_related("person", "issued_by", "returned_by"),
            "open_loan": device.loans.filter(returned_at__isnull=True).first(),
            "stale": device.stale_reasons(limits),
            **context,
        },
        status=400 if request.method == "POST" else 200,
    )


@requires_record(Action.MANAGE_DEVICES)
def device_detail(request: SchoolRequest, device_id: int) -> HttpResponse:
    device = _device(request, device_id)
    if request.method == "POST":
        form = forms.DeviceForm(request.POST, instance=device, school=request.school)
        if form.is_valid():
            actions.save_record(
                form.instance,
                by=request.user,
                verb="update",
                request=request,
                detail={"changed": form.changed_data},
            )
            messages.success(request, f"{device.label} saved.")
            return redirect("registers:device", device.pk)
        return _device_page(request, device, form=form)
    return _device_page(request, device)


@require_POST
@requires_record(Action.MANAGE_DEVICES)
def issue_device(request: SchoolRequest, device_id: int) -> HttpResponse:
    device = _device(request, device_id)
    form = forms.IssueDeviceForm(request.POST, school=request.school)
    if form.is_valid():
        try:
            actions.issue_device(
                device,
                person=form.cleaned_data["person"],
                condition=form.cleaned_data["condition"],
                aup_on_paper=form.cleaned_data["aup_on_paper"],
                by=request.user,
                request=request,
            )
        except (actions.AupMissing, ValueError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{device.label} issued to {form.cleaned_data['person'].full_name}.")
            return redirect("registers:device", device.pk)
    return _device_page(request, device, issue_form=form)


@require_POST
@requires_record(Action.MANAGE_DEVICES)
def return_device(request: SchoolRequest, device_id: int) -> HttpResponse:
    device = _device(request, device_id)
    form = forms.ReturnDeviceForm(request.POST)
    if form.is_valid():
        try:
            actions.return_device(
                device, condition=form.cleaned_data["condition"], by=request.user, request=request
            )
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{device.label} returned.")
            return redirect("registers:device", device.pk)
    return _device_page(request, device, return_form=form)


@requires(Action.MANAGE_DEVICES)
def import_devices(request: SchoolRequest) -> HttpResponse:
    form = forms.DeviceImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        raw = form.cleaned_data["file"].read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            form.add_error("file", "The file is not UTF-8 text: save it from the console as CSV (UTF-8).")
        else:
            report = actions.import_devices(request.school, text, by=request.user, request=request)
    return render(
        request,
        "registers/device_import.html",
        {"form": form, "report": report},
        status=400 if report is not None and not report.ok else 200,
    )


@requires(Action.MANAGE_DEVICES)
def exception_list(request: SchoolRequest) -> HttpResponse:
    form = forms.ExceptionForm(request.POST or None, school=request.school)
    if request.method == "POST" and form.is_valid():
        form.instance.school, form.instance.authorised_by = request.school, request.user
        actions.save_record(form.instance, by=request.user, verb="create", request=request)
        messages.success(request, "Exception recorded.")
        return redirect("registers:exceptions")
    exceptions = PersonalDeviceException.objects.filter(school=request.school).select_related(
        "person", "authorised_by"
    )
    return render(
        request,
        "registers/exceptions.html",
        {"form": form, "exceptions": exceptions, "today": timezone.localdate()},
        status=400 if request.method == "POST" else 200,
    )


# --- Confiscations ---------------------------------------------------------------------------------------------


@requires(Action.MANAGE_CONFISCATIONS)
def confiscation_list(request: SchoolRequest) -> HttpResponse:
    confiscations = Confiscation.objects.filter(school=request.school).select_related(
        "taken_from", "authorised_by"
    )
    return render(request, "registers/confiscations.html", {"confiscations": confiscations})


@requires(Action.MANAGE_CONFISCATIONS)
def new_confiscation(request: SchoolRequest) -> HttpResponse:
    form = forms.ConfiscationForm(request.POST or None, school=request.school)
    if request.method == "POST" and form.is_valid():
        confiscation = actions.record_confiscation(
            school=request.school,
            by=request.user,
            request=request,
            **{name: form.cleaned_data[name] for name in form.Meta.fields},
        )
        messages.success(request, f"{confiscation.label} recorded.")
        return redirect("registers:confiscation", confiscation.pk)
    return render(request, "registers/confiscation_new.html", {"form": form})


def _steps_for(request: SchoolRequest, confiscation: Confiscation) -> list[tuple[str, Any, forms.StepForm]]:
    roles = roles_at(request.user, request.school)
    return [
        (name, step, forms.StepForm(step=name, prefix=name))
        for name, step in CONFISCATION_STEPS.items()
        if confiscation.status in step.sources and roles & step.roles
    ]


@requires_record(Action.MANAGE_CONFISCATIONS)
def confiscation_detail(request: SchoolRequest, confiscation_id: int) -> HttpResponse:
    confiscation = get_object_or_404(Confiscation, pk=confiscation_id, school=request.school)
    return render(
        request,
        "registers/confiscation_detail.html",
        {"confiscation": confiscation, "steps": _steps_for(request, confiscation)},
    )


@require_POST
@requires_record(Action.MANAGE_CONFISCATIONS)
def confiscation_step(request: SchoolRequest, confiscation_id: int, step: str) -> HttpResponse:
    confiscation = get_object_or_404(Confiscation, pk=confiscation_id, school=request.school)
    if step not in CONFISCATION_STEPS:
        raise Http404
    if not roles_at(request.user, request.school) & CONFISCATION_STEPS[step].roles:
        raise PermissionDenied
    form = forms.StepForm(request.POST, step=step, prefix=step)
    if form.is_valid():
        try:
            actions.take_confiscation_step(
                confiscation,
                step,
                by=request.user,
                request=request,
                **{name: value for name, value in form.cleaned_data.items() if value not in (None, "")},
            )
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"{confiscation.label}: {CONFISCATION_STEPS[step].label.lower()} recorded."
            )
        return redirect("registers:confiscation", confiscation.pk)
    steps = [
        (name, item, form if name == step else other)
        for name, item, other in _steps_for(request, confiscation)
    ]
    return render(
        request,
        "registers/confiscation_detail.html",
        {"confiscation": confiscation, "steps": steps},
        status=400,
    )


# --- Photo authorisations --------------------------------------------------------------------------------------


@requires(Action.VIEW_PHOTO_AUTHORISATIONS)
def photo_list(request: SchoolRequest) -> HttpResponse:
    authorisations = PhotoAuthorisation.objects.filter(school=request.school).select_related(
        "staff", "authorised_by"
    )
    may_authorise = can(request.user, Action.AUTHORISE_PHOTOS, request.school)
    return render(
        request,
        "registers/photos.html",
        {
            "authorisations": authorisations,
            "today": timezone.localdate(),
            "form": forms.PhotoAuthorisationForm(school=request.school) if may_authorise else None,
        },
    )


@require_POST
@requires(Action.AUTHORISE_PHOTOS)
def authorise_photos(request: SchoolRequest) -> HttpResponse:
    form = forms.PhotoAuthorisationForm(request.POST, school=request.school)
    if form.is_valid():
        form.instance.school, form.instance.authorised_by = request.school, request.user
        actions.save_record(form.instance, by=request.user, verb="authorise", request=request)
        messages.success(request, "Photo authorisation recorded.")
        return redirect("registers:photos")
    authorisations = PhotoAuthorisation.objects.filter(school=request.school).select_related("staff")
    return render(
        request,
        "registers/photos.html",
        {"authorisations": authorisations, "today": timezone.localdate(), "form": form},
        status=400,
    )


# --- Access review ---------------------------------------------------------------------------------------------


@requires(Action.VIEW_ACCESS_REVIEW)
def access_review(request: SchoolRequest) -> HttpResponse:
    data = review.overview(request.school)
    from esafety.registers.models import AccessReview

    return render(
        request,
        "registers/access_review.html",
        {
            "data": data,
            "form": forms.SignOffForm(),
            "may_sign": can(request.user, Action.SIGN_OFF_ACCESS_REVIEW, request.school),
            "history": AccessReview.objects.filter(school=request.school).select_related("signed_off_by")[
                :10
            ],
        },
    )


@require_POST
@requires(Action.SIGN_OFF_ACCESS_REVIEW)
def sign_off_access_review(request: SchoolRequest) -> HttpResponse:
    form = forms.SignOffForm(request.POST)
    if form.is_valid():
        actions.sign_off_access_review(
            school=request.school,
            by=request.user,
            notes=form.cleaned_data["notes"],
            findings=review.overview(request.school).findings(),
            request=request,
        )
        messages.success(request, "Access review signed off.")
    return redirect("registers:access_review")


# --- Security reviews ------------------------------------------------------------------------------------------


@requires(Action.MANAGE_SECURITY_REVIEWS)
def security_list(request: SchoolRequest) -> HttpResponse:
    reviews = SecurityReview.objects.filter(school=request.school).prefetch_related(
        Prefetch("actions", queryset=SecurityAction.objects.select_related("owner"))
    )
    return render(
        request, "registers/security_reviews.html", {"reviews": reviews, "today": timezone.localdate()}
    )


@requires(Action.MANAGE_SECURITY_REVIEWS)
def new_security_review(request: SchoolRequest) -> HttpResponse:
    form = forms.SecurityReviewForm(request.POST or None, school=request.school)
    if request.method == "POST" and form.is_valid():
        form.instance.school, form.instance.created_by = request.school, request.user
        form.instance.checklist = form.checklist()
        saved = actions.save_security_review(form.instance, by=request.user, request=request)
        return redirect("registers:security_review", saved.pk)
    return render(request, "registers/security_review.html", {"form": form, "review": None})


@requires_record(Action.MANAGE_SECURITY_REVIEWS)
def security_review(request: SchoolRequest, review_id: int) -> HttpResponse:
    item = get_object_or_404(SecurityReview, pk=review_id, school=request.school)
    form = forms.SecurityReviewForm(request.POST or None, instance=item, school=request.school)
    if request.method == "POST" and form.is_valid():
        form.instance.checklist = form.checklist()
        actions.save_security_review(form.instance, by=request.user, request=request)
        messages.success(request, "Review saved.")
        return redirect("registers:security_review", item.pk)
    return render(
        request,
        "registers/security_review.html",
        {
            "form": form,
            "review": item,
            "action_form": forms.SecurityActionForm(school=request.school),
            "actions": item.actions.select_related("owner"),
            "today": timezone.localdate(),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@requires_record(Action.MANAGE_SECURITY_REVIEWS)
def add_security_action(request: SchoolRequest, review_id: int) -> HttpResponse:
    item = get_object_or_404(SecurityReview, pk=review_id, school=request.school)
    form = forms.SecurityActionForm(request.POST, school=request.school)
    if form.is_valid():
        actions.add_security_action(item, by=request.user, request=request, **form.cleaned_data)
        messages.success(request, "Action added.")
        return redirect("registers:security_review", item.pk)
    return render(
        request,
        "registers/security_review.html",
        {
            "form": forms.SecurityReviewForm(instance=item, school=request.school),
            "review": item,
            "action_form": form,
            "actions": item.actions.select_related("owner"),
            "today": timezone.localdate(),
        },
        status=400,
    )


@require_POST
@requires_record(Action.MANAGE_SECURITY_REVIEWS)
def complete_security_action(request: SchoolRequest, action_id: int) -> HttpResponse:
    item = get_object_or_404(SecurityAction, pk=action_id, school=request.school)
    if item.done_on is None:
        actions.complete_security_action(item, by=request.user, request=request)
    return redirect("registers:security_review", item.review_id)
