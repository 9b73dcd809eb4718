"""Pages of the safeguarding file transfer, at /incidents/transfers/. Views bind and call ``actions``."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from esafety.access import Action, requires, requires_record
from esafety.audit.actions import record
from esafety.audit.models import AuditEntry
from esafety.core.types import SchoolRequest
from esafety.transfers import actions, bundle, client
from esafety.transfers.forms import ExpectForm, ReasonForm, ReceiptForm, SendForm, StartTransferForm
from esafety.transfers.models import (
    WORKFLOW,
    IncomingTransfer,
    Method,
    Status,
    Step,
    Transfer,
    TransferredFile,
    TransferredRecord,
)


@requires(Action.MANAGE_TRANSFERS)
def transfer_list(request: SchoolRequest) -> HttpResponse:
    school = request.school
    return render(
        request,
        "transfers/list.html",
        {
            "transfers": Transfer.objects.filter(school=school).select_related("person")[:200],
            "incoming": IncomingTransfer.objects.filter(school=school)[:200],
            "records": TransferredRecord.objects.filter(school=school).select_related("person")[:200],
            "today": timezone.localdate(),
        },
    )


@requires(Action.MANAGE_TRANSFERS)
def new_transfer(request: SchoolRequest) -> HttpResponse:
    initial = {"person": request.GET.get("person"), "method": Method.INSTANCE}
    form = StartTransferForm(request.POST or None, school=request.school, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        transfer = actions.start_transfer(
            school=request.school,
            person=data["person"],
            by=request.user,
            method=data["method"],
            leaving_date=data["leaving_date"],
            destination=data["destination"],
            destination_url=data["destination_url"],
            include_restricted=data["include_restricted"],
            request=request,
        )
        messages.success(request, f"{transfer.label} started: due by {transfer.due_on:%d %b %Y}.")
        return redirect("transfers:detail", transfer.pk)
    return render(request, "transfers/new.html", {"form": form}, status=400 if form.errors else 200)


def _transfer(request: SchoolRequest, transfer_id: int) -> Transfer:
    return get_object_or_404(Transfer.objects.select_related("person"), pk=transfer_id, school=request.school)


def _detail(
    request: SchoolRequest, transfer: Transfer, *, status: int = 200, **forms: object
) -> HttpResponse:
    steps = [
        t
        for t in WORKFLOW.values()
        if t.by_hand and transfer.status in t.sources and transfer.method in t.methods
    ]
    context = {
        "transfer": transfer,
        "steps": steps,
        "send_form": forms.get("send_form") or SendForm(),
        "reason_form": forms.get("reason_form") or ReasonForm(),
        "receipt_form": forms.get("receipt_form")
        or ReceiptForm(initial={"received_on": timezone.localdate()}),
        "restricted_count": bundle.restricted_count(transfer),
        "today": timezone.localdate(),
    }
    return render(request, "transfers/detail.html", context, status=status)


@requires_record(Action.MANAGE_TRANSFERS)
def transfer_detail(request: SchoolRequest, transfer_id: int) -> HttpResponse:
    return _detail(request, _transfer(request, transfer_id))


@require_POST
@requires_record(Action.MANAGE_TRANSFERS)
def send(request: SchoolRequest, transfer_id: int) -> HttpResponse:
    transfer = _transfer(request, transfer_id)
    form = SendForm(request.POST)
    if form.is_valid():
        try:
            actions.send_to_instance(
                transfer, code=form.cleaned_data["code"], by=request.user, request=request
            )
        except (actions.TransferError, client.RemoteError) as exc:
            form.add_error("code", str(exc))
        else:
            messages.success(
                request, f"{transfer.label} sent to {transfer.receiver_school or transfer.destination}."
            )
            return redirect("transfers:detail", transfer.pk)
    transfer.refresh_from_db()
    return _detail(request, transfer, status=400, send_form=form)


@require_POST
@requires_record(Action.MANAGE_TRANSFERS)
def prepare_archive(request: SchoolRequest, transfer_id: int) -> HttpResponse:
    transfer = _transfer(request, transfer_id)
    try:
        passphrase = actions.prepare_archive(transfer, by=request.user, request=request)
    except actions.TransferError as exc:
        messages.error(request, str(exc))
        return redirect("transfers:detail", transfer.pk)
    # Rendered, not redirected: the passphrase is on this one response and stored nowhere.
    response = render(request, "transfers/passphrase.html", {"transfer": transfer, "passphrase": passphrase})
    response["Cache-Control"] = "no-store"
    return response


@requires_record(Action.MANAGE_TRANSFERS)
def download_archive(request: SchoolRequest, transfer_id: int) -> FileResponse:
    transfer = _transfer(request, transfer_id)
    if not transfer.archive:
        raise Http404
    record(
        "transfer.archive_download",
        request=request,
        obj=transfer,
        kind=AuditEntry.Kind.EXPORT,
        object_repr=transfer.label,
    )
    return FileResponse(
        transfer.archive.open("rb"), as_attachment=True, filename=f"safeguarding-file-{transfer.pk}.zip.age"
    )


@require_POST
@requires_record(Action.MANAGE_TRANSFERS)
def take_step(request: SchoolRequest, transfer_id: int, step: str) -> HttpResponse:
    transfer = _transfer(request, transfer_id)
    if step not in Step.values or not WORKFLOW[Step(step)].by_hand:
        raise Http404
    forms: dict[str, object] = {}
    try:
        if step == Step.FAIL:
            form = forms["reason_form"] = ReasonForm(request.POST)
            if not form.is_valid():
                raise actions.TransferError("Say why the transfer failed.")
            actions.fail_transfer(
                transfer, by=request.user, reason=form.cleaned_data["reason"], request=request
            )
        elif step == Step.RECORD_RECEIPT:
            receipt = forms["receipt_form"] = ReceiptForm(request.POST)
            if not receipt.is_valid():
                raise actions.TransferError("Say who confirmed receipt and when.")
            actions.record_receipt(
                transfer,
                by=request.user,
                received_by=receipt.cleaned_data["received_by"],
                received_on=receipt.cleaned_data["received_on"],
                request=request,
            )
        else:
            actions.restart_transfer(transfer, by=request.user, request=request)
    except actions.TransferError as exc:
        messages.error(request, str(exc))
        transfer.refresh_from_db()
        return _detail(request, transfer, status=400, **forms)
    messages.success(request, f"{transfer.label}: {transfer.get_status_display().lower()}.")
    return redirect("transfers:detail", transfer.pk)


@require_POST
@requires_record(Action.MANAGE_TRANSFERS)
def check(request: SchoolRequest, transfer_id: int) -> HttpResponse:
    transfer = _transfer(request, transfer_id)
    try:
        actions.check_status(transfer, request=request)
    except (actions.TransferError, client.RemoteError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{transfer.label}: {transfer.get_status_display().lower()}.")
    return redirect("transfers:detail", transfer.pk)


# --- Receiving ----------------------------------------------------------------------------------------------


@requires(Action.MANAGE_TRANSFERS)
def expect(request: SchoolRequest) -> HttpResponse:
    form = ExpectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        incoming, code = actions.expect_transfer(
            school=request.school,
            by=request.user,
            expected_from=form.cleaned_data["expected_from"],
            pupil_name=form.cleaned_data["pupil_name"],
            request=request,
        )
        # Shown on this response only: the database keeps a digest, so nobody can show it again.
        response = render(
            request,
            "transfers/code.html",
            {"incoming": incoming, "code": code, "address": request.build_absolute_uri("/").rstrip("/")},
        )
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "transfers/expect.html", {"form": form}, status=400 if form.errors else 200)


def _incoming(request: SchoolRequest, incoming_id: int) -> IncomingTransfer:
    return get_object_or_404(IncomingTransfer, pk=incoming_id, school=request.school)


def _incoming_page(
    request: SchoolRequest, incoming: IncomingTransfer, *, status: int = 200, **extra: object
) -> HttpResponse:
    packed = None
    if incoming.sealed and incoming.status in (Status.SENT, Status.VIEWED):
        packed = actions.open_incoming(incoming, by=request.user, request=request)
    context = {
        "incoming": incoming,
        "packed": packed,
        "reason_form": extra.get("reason_form") or ReasonForm(),
    }
    return render(request, "transfers/incoming.html", context, status=status)


@requires_record(Action.MANAGE_TRANSFERS)
def incoming_detail(request: SchoolRequest, incoming_id: int) -> HttpResponse:
    return _incoming_page(request, _incoming(request, incoming_id))


@require_POST
@requires_record(Action.MANAGE_TRANSFERS)
def accept(request: SchoolRequest, incoming_id: int) -> HttpResponse:
    incoming = _incoming(request, incoming_id)
    try:
        kept = actions.accept_incoming(incoming, by=request.user, request=request)
    except actions.TransferError as exc:
        messages.error(request, str(exc))
        return redirect("transfers:incoming", incoming.pk)
    messages.success(request, f"Accepted: the file is now against {kept.person.full_name}.")
    return redirect("transfers:record", kept.pk)


@require_POST
@requires_record(Action.MANAGE_TRANSFERS)
def reject(request: SchoolRequest, incoming_id: int) -> HttpResponse:
    incoming = _incoming(request, incoming_id)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise actions.TransferError("Say why the file is rejected: the sending school will see it.")
        actions.reject_incoming(
            incoming, by=request.user, reason=form.cleaned_data["reason"], request=request
        )
    except actions.TransferError as exc:
        messages.error(request, str(exc))
        return _incoming_page(request, incoming, status=400, reason_form=form)
    messages.success(request, "Rejected; the sending school will see your reason.")
    return redirect("transfers:incoming", incoming.pk)


@requires_record(Action.MANAGE_TRANSFERS)
def transferred_record(request: SchoolRequest, record_id: int) -> HttpResponse:
    kept = get_object_or_404(
        TransferredRecord.objects.select_related("person"), pk=record_id, school=request.school
    )
    record(
        "transfer.record.view",
        request=request,
        obj=kept,
        kind=AuditEntry.Kind.VIEW,
        object_repr=f"Transferred record {kept.pk}",
    )
    files = {item.key: item for item in kept.files.all()}
    return render(request, "transfers/record.html", {"record": kept, "files": files})


@requires_record(Action.MANAGE_TRANSFERS)
def transferred_file(request: SchoolRequest, record_id: int, file_id: int) -> FileResponse:
    item = get_object_or_404(TransferredFile, pk=file_id, record_id=record_id, school=request.school)
    record(
        "transfer.record.file",
        request=request,
        obj=item,
        kind=AuditEntry.Kind.VIEW,
        object_repr=f"File {item.pk} of transferred record {record_id}",
    )
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name)
