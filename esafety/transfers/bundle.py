"""What a transfer carries, packed and unpacked: ``transfer.json`` (the pupil, their chronology of incidents with
outcomes, actions and timeline) and the evidence files, in a zip that is sealed (``crypto.seal``) before it
leaves the school. Unpacking trusts nothing: only the expected names, bounded sizes, and every file's SHA-256
must match the document.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

from esafety.incidents.models import Incident, IncidentPerson
from esafety.transfers.crypto import digest

if TYPE_CHECKING:
    from esafety.transfers.models import Transfer

FORMAT = "esafety-transfer/1"
DOCUMENT = "transfer.json"
_FILE_NAME = re.compile(r"^files/[0-9a-f]{64}\.[a-z0-9]{1,8}$")
MAX_ENTRIES = 2000


class BundleInvalid(ValueError):
    """The bundle opened but is not a well-formed transfer."""


@dataclass
class Packed:
    document: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)  # name in the zip -> bytes


def _when(value: Any) -> str | None:
    return value.isoformat() if value else None


def restricted_count(transfer: Transfer) -> int:
    return _incidents(transfer, include_restricted=True).filter(restricted=True).count()


def _incidents(transfer: Transfer, *, include_restricted: bool) -> Any:
    incidents = Incident.objects.filter(
        school=transfer.school,
        pk__in=IncidentPerson.objects.filter(person=transfer.person).values("incident_id"),
    )
    return incidents if include_restricted else incidents.filter(restricted=False)


def gather(transfer: Transfer) -> Packed:
    """The leaver's whole file as the sending school holds it, restricted incidents only if the DSL confirmed."""
    person = transfer.person
    packed = Packed(document={})
    incidents = []
    rows = (
        _incidents(transfer, include_restricted=transfer.include_restricted)
        .prefetch_related("outcomes", "actions", "timeline", "evidence", "involvements")
        .order_by("occurred_at", "id")
    )
    for incident in rows:
        role = next((link for link in incident.involvements.all() if link.person_id == person.pk), None)
        evidence = []
        for item in incident.evidence.all():
            with item.file.open("rb") as handle:
                data = handle.read()
            name = f"files/{digest(data)}.{item.extension.lower()}"
            packed.files[name] = data
            evidence.append(
                {
                    "file": name,
                    "name": item.original_name,
                    "content_type": item.content_type,
                    "size": len(data),
                    "sha256": digest(data),
                    "uploaded_at": _when(item.uploaded_at),
                }
            )
        incidents.append(
            {
                "label": incident.label,
                "category": incident.get_category_display(),
                "status": incident.get_status_display(),
                "occurred_at": _when(incident.occurred_at),
                "reported_at": _when(incident.reported_at),
                "location": incident.location,
                "description": incident.description,
                "reporter_actions": incident.reporter_actions,
                "restricted": incident.restricted,
                "role": role.get_role_display() if role else "",
                "outcomes": [
                    {"recorded_at": _when(o.recorded_at), "summary": o.summary, "notes": o.notes}
                    for o in incident.outcomes.all()
                ],
                "actions": [
                    {"title": a.title, "due_on": _when(a.due_on), "done_at": _when(a.done_at)}
                    for a in incident.actions.all()
                ],
                "timeline": [
                    {"at": _when(t.at), "kind": t.get_kind_display(), "text": t.text}
                    for t in incident.timeline.all()
                ],
                "evidence": evidence,
            }
        )
    school = transfer.school
    packed.document = {
        "format": FORMAT,
        "from_school": {"name": school.name, "urn": school.urn},
        "to_school": transfer.destination,
        "pupil": {
            # The MIS identifier is the pupil's UPN where the school's MIS export carries it (docs/transfers.md).
            "upn": person.mis_id,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "preferred_name": person.preferred_name,
            "date_of_birth": _when(person.date_of_birth),
            "year_group": person.year_group,
        },
        "leaving_date": _when(transfer.leaving_date),
        "prepared_at": _when(timezone.now()),
        "restricted_included": transfer.include_restricted,
        "incidents": incidents,
    }
    return packed


def pack(packed: Packed) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(DOCUMENT, json.dumps(packed.document, indent=2, ensure_ascii=False))
        for name, data in sorted(packed.files.items()):
            archive.writestr(name, data)
    return buffer.getvalue()


def unpack(data: bytes) -> Packed:
    """The document and files of a bundle's plaintext; ``BundleInvalid`` naming the first thing wrong."""
    limit = settings.TRANSFER_MAX_BYTES
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise BundleInvalid("the bundle is not a zip archive") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise BundleInvalid("the bundle holds too many files")
        # Declared sizes are checked before anything is inflated: a zip bomb is refused unread.
        if sum(entry.file_size for entry in entries) > limit:
            raise BundleInvalid("the bundle is larger than this school accepts")
        names = {entry.filename for entry in entries}
        if DOCUMENT not in names:
            raise BundleInvalid("the bundle has no transfer.json")
        strange = sorted(name for name in names - {DOCUMENT} if not _FILE_NAME.match(name))
        if strange:
            raise BundleInvalid(f"unexpected file in the bundle: {strange[0]}")
        try:
            document = json.loads(archive.read(DOCUMENT).decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise BundleInvalid("transfer.json is not valid JSON") from None
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise BundleInvalid(f"transfer.json is not in the {FORMAT} format")
        pupil = document.get("pupil")
        if (
            not isinstance(pupil, dict)
            or not pupil.get("last_name")
            or not isinstance(document.get("incidents"), list)
        ):
            raise BundleInvalid("transfer.json names no pupil or has no incidents list")
        files = {name: archive.read(name) for name in names - {DOCUMENT}}
    listed = {
        item.get("file"): item.get("sha256")
        for incident in document["incidents"]
        if isinstance(incident, dict)
        for item in incident.get("evidence", [])
        if isinstance(item, dict)
    }
    for name, data_ in files.items():
        if listed.get(name) != digest(data_) or name != f"files/{digest(data_)}.{name.rsplit('.', 1)[1]}":
            raise BundleInvalid(f"{name} does not match its checksum in transfer.json")
    missing = sorted(str(name) for name in listed if name not in files)
    if missing:
        raise BundleInvalid(f"{missing[0]} is listed in transfer.json but not in the bundle")
    return Packed(document, files)
