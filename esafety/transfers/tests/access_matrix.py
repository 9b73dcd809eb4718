"""Who may use the transfer pages, written by hand from issue 18: the Headteacher, the DSL and the Co-ordinator
(``head``; ``coordinator`` is Co-ordinator and DSL). ``sibling`` (Co-ordinator at Riverside) and ``outsider``
(Head at another trust's school) open their own school's pages but get 404 for Hollybrook's records. The API is
for the other school's esafety, authenticated by a transfer code: without one everybody gets 401."""

from __future__ import annotations

from datetime import date
from typing import Any

from esafety.test import BaseTestCase, route

MANAGERS = ("head", "coordinator")
OWN_SCHOOL = (*MANAGERS, "sibling", "outsider")


def _transfer(case: BaseTestCase, **extra: Any) -> Any:
    from esafety.transfers.actions import start_transfer

    values: dict[str, Any] = {
        "school": case.school,
        "person": case.pupil,
        "by": case.coordinator,
        "method": "archive",
        "leaving_date": date(2026, 11, 27),
        "destination": "St Anne's Primary",
    }
    values.update(extra)
    return start_transfer(**values)


def _sent(case: BaseTestCase) -> dict[str, int]:
    from esafety.transfers.actions import prepare_archive

    transfer = _transfer(case)
    prepare_archive(transfer, by=case.coordinator)
    return {"transfer_id": transfer.pk}


def _incoming(case: BaseTestCase) -> dict[str, int]:
    from esafety.transfers.actions import expect_transfer

    incoming, _ = expect_transfer(school=case.school, by=case.coordinator, expected_from="Brookside Junior")
    return {"incoming_id": incoming.pk}


def _record(case: BaseTestCase) -> Any:
    from esafety.transfers.models import TransferredFile, TransferredRecord

    kept = TransferredRecord.objects.create(
        school=case.school,
        person=case.pupil,
        from_school="Brookside Junior",
        transferred_on=date(2026, 11, 30),
        content={"from_school": {"name": "Brookside Junior"}, "incidents": []},
    )
    item = TransferredFile(
        record=kept,
        school=case.school,
        key="k",
        original_name="note.txt",
        content_type="text/plain",
        size=2,
        sha256="",
    )
    from django.core.files.base import ContentFile

    item.file.save("f.bin", ContentFile(b"hi"), save=True)
    return kept, item


MATRIX = [
    route("transfers:list", *OWN_SCHOOL),
    route("transfers:new", *OWN_SCHOOL),
    route(
        "transfers:new",
        *OWN_SCHOOL,  # allowed to post; another school's pupil is refused by the form (400)
        method="POST",
        data=lambda case: {
            "person": case.pupil.pk,
            "leaving_date": "2026-11-27",
            "method": "archive",
            "destination": "St Anne's",
        },
    ),
    route(
        "transfers:detail", *MANAGERS, kwargs=lambda case: {"transfer_id": _transfer(case).pk}, refused=404
    ),
    route(
        "transfers:send",
        *MANAGERS,
        method="POST",
        kwargs=lambda case: {
            "transfer_id": _transfer(case, method="instance", destination_url="https://x.example").pk
        },
        data=lambda case: {"code": ""},
        refused=404,
    ),
    route(
        "transfers:archive",
        *MANAGERS,
        method="POST",
        kwargs=lambda case: {"transfer_id": _transfer(case).pk},
        refused=404,
    ),
    route("transfers:download", *MANAGERS, kwargs=_sent, refused=404),
    route(
        "transfers:step",
        *MANAGERS,
        method="POST",
        kwargs=lambda case: {"transfer_id": _transfer(case).pk, "step": "fail"},
        data=lambda case: {"reason": "The school closed"},
        refused=404,
    ),
    route(
        "transfers:check",
        *MANAGERS,
        method="POST",
        kwargs=lambda case: {"transfer_id": _transfer(case).pk},
        refused=404,
    ),
    route("transfers:expect", *OWN_SCHOOL),
    route(
        "transfers:expect",
        *OWN_SCHOOL,
        method="POST",
        data=lambda case: {"expected_from": "Brookside Junior"},
    ),
    route("transfers:incoming", *MANAGERS, kwargs=_incoming, refused=404),
    route("transfers:accept", *MANAGERS, method="POST", kwargs=_incoming, refused=404),
    route(
        "transfers:reject",
        *MANAGERS,
        method="POST",
        kwargs=_incoming,
        data=lambda case: {"reason": "x"},
        refused=404,
    ),
    route("transfers:record", *MANAGERS, kwargs=lambda case: {"record_id": _record(case)[0].pk}, refused=404),
    route(
        "transfers:record_file",
        *MANAGERS,
        kwargs=lambda case: dict(
            zip(("record_id", "file_id"), (row.pk for row in _record(case)), strict=True)
        ),
        refused=404,
    ),
    route("api-transfer-handshake", refused=401, anonymous=401),
    route("api-transfer-bundle", method="POST", refused=401, anonymous=401),
    route("api-transfer-status", refused=401, anonymous=401),
]
