"""Reading a Common Transfer File (CTF), the DfE's XML for moving pupil records between schools in England.

What esafety takes from it: each ``CTfile/CTFpupilData/Pupil``'s UPN (the key), names, date of birth, gender,
NC year (as the year group), registration group where the MIS adds one (``BasicDetails/RegGroup``: the DfE
schema has no such element, see docs/people-and-access.md), and its ``Contacts/Contact`` people: name, order,
relationship, parental responsibility, first phone number and e-mail. Everything else in the file (attendance,
assessments, SEN, addresses...) is ignored and never stored.

Contacts have no identifier in a CTF. One contact listed for two siblings (same name, same e-mail or, failing
that, same phone number) is one person; their key is ``ctf:<UPN>:<order>`` of the first pupil (by UPN) who
lists them, so re-importing the same file finds the same people.

The XML is parsed with every dangerous feature off: a CTF never needs a DTD, so any ``<!DOCTYPE`` or
``<!ENTITY`` refuses the file before a parser sees it (billion laughs, external entities); the parser itself
resolves no entities, loads no DTD, reads nothing from the network and keeps lxml's limits on huge trees.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from lxml import etree

from esafety.people.importer import (
    ImportRejected,
    ImportReport,
    PeopleFile,
    RowError,
    existing_by_mis_id,
    field_errors,
)
from esafety.people.models import Guardianship, Person, School

MAX_BYTES = 20 * 1024 * 1024
MAX_PUPILS = 50_000
CONTACT_PREFIX = "ctf:"
UPN_PATTERN = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$")
# The UPN check letter: the first character, from the weighted sum of the other twelve (DfE UPN guide).
CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
GENDERS = {"M", "F", "U", "X"}
# DfE contact relationship codes (CBDS) as the words a school office uses; unknown codes are kept as given.
RELATIONSHIPS = {
    "PAM": "Mother",
    "PAF": "Father",
    "PAR": "Parent",
    "CAR": "Carer",
    "STM": "Step-mother",
    "STF": "Step-father",
    "FOM": "Foster mother",
    "FOF": "Foster father",
    "GRM": "Grandmother",
    "GRF": "Grandfather",
    "REL": "Other relative",
    "FAM": "Other family member",
    "CHM": "Childminder",
    "SWR": "Social worker",
    "DOC": "Doctor",
    "HTE": "Head teacher",
    "OTH": "Other contact",
}
_DANGEROUS = (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype", b"<!entity")


def _refuse(message: str) -> ImportRejected:
    return ImportRejected(ImportReport(errors=[RowError(0, "", message)]))


def upn_is_valid(upn: str) -> bool:
    """Shape and check letter of a Unique Pupil Number (13 characters: check letter, LA and school numbers,
    serial; a temporary UPN ends in a letter, which counts as its place in the check-letter alphabet)."""
    if not UPN_PATTERN.match(upn):
        return False
    total = 0
    for weight, char in enumerate(upn[1:], start=2):
        total += weight * (int(char) if char.isdigit() else CHECK_LETTERS.index(char))
    return CHECK_LETTERS[total % 23] == upn[0]


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse(data: bytes) -> etree._Element:
    """The file's root element, or ``ImportRejected`` with one clear sentence. Nothing is resolved or fetched."""
    if len(data) > MAX_BYTES:
        raise _refuse(
            f"The file is over {MAX_BYTES // (1024 * 1024)} MB, far larger than a CTF for one school."
        )
    if not data.strip():
        raise _refuse("The file is empty.")
    if any(marker in data for marker in _DANGEROUS) or b"\x00" in data[:200]:
        # UTF-16 files are refused too (NUL bytes): MIS suites write CTFs in UTF-8.
        raise _refuse(
            "The file declares a DTD or entities (<!DOCTYPE or <!ENTITY), which a Common Transfer File never "
            "has; it was refused unread. Export the CTF from your MIS again."
        )
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line, column = (exc.position if exc.position else (0, 0))[:2]
        raise ImportRejected(
            ImportReport(
                errors=[
                    RowError(
                        line or 0,
                        "",
                        f"The file is not well-formed XML (line {line}, column {column}): {exc.msg}",
                    )
                ]
            )
        ) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise _refuse("The file declares a DTD, which a Common Transfer File never has; it was refused.")
    if etree.QName(root).localname != "CTfile":
        raise _refuse(
            f"This is not a Common Transfer File: its root element is <{etree.QName(root).localname}>, "
            "not <CTfile>."
        )
    return root


def _child(element: etree._Element | None, *path: str) -> etree._Element | None:
    for name in path:
        if element is None:
            return None
        element = next(
            (c for c in element if isinstance(c.tag, str) and etree.QName(c).localname == name), None
        )
    return element


def _children(element: etree._Element | None, name: str) -> list[etree._Element]:
    if element is None:
        return []
    return [c for c in element if isinstance(c.tag, str) and etree.QName(c).localname == name]


def _text(element: etree._Element | None, *path: str) -> str:
    found = _child(element, *path)
    return " ".join((found.text or "").split()) if found is not None else ""


def year_group(nc_year: str) -> str | None:
    """The school's name for an NC year code (CBDS: N1, N2, R, 1-14, X), or None for a code that is not one."""
    code = nc_year.upper()
    if code in ("N1", "N2"):
        return "Nursery"
    if code == "R":
        return "Reception"
    if code == "X":
        return "Not following the NC"
    if code.isdigit() and 1 <= int(code) <= 14:
        return f"Year {int(code)}"
    return None


def _date(value: str) -> date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError
    return date.fromisoformat(value)


def _boolean(value: str) -> bool | None:
    return {"true": True, "1": True, "false": False, "0": False}.get(value.lower())


def _first_phone(element: etree._Element | None) -> str:
    for phone in _children(_child(element, "Phones"), "Phone"):
        if number := _text(phone, "PhoneNo"):
            return number
    return ""


def read_ctf(school: School, data: bytes) -> PeopleFile:
    """Parse and check a whole CTF against ``school``'s directory, writing nothing. Raises ``ImportRejected``
    with every problem, each naming the pupil ("Pupil 3 (UPN A123…)"); ``people.actions.apply_people`` applies
    what this returns."""
    root = parse(data)
    report = ImportReport()
    pupils = _children(_child(root, "CTFpupilData"), "Pupil")
    if not pupils:
        raise _refuse("The file has no pupils (no <CTFpupilData>/<Pupil> elements).")
    if len(pupils) > MAX_PUPILS:
        raise _refuse(f"The file has more than {MAX_PUPILS} pupils: split it.")

    existing = existing_by_mis_id(school)
    pupil_rows: list[tuple[int, dict[str, Any]]] = []
    contacts: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for number, pupil in enumerate(pupils, start=1):
        line = pupil.sourceline or 0
        upn = _text(pupil, "UPN").upper()
        label = f"Pupil {number} (UPN {upn})" if upn else f"Pupil {number} (no UPN)"
        errors_before = len(report.errors)

        def problem(column: str, message: str, line: int = line, label: str = label) -> None:
            report.errors.append(RowError(line, column, f"{label}: {message}"))

        if not upn:
            problem("UPN", "the UPN is missing")
        elif not upn_is_valid(upn):
            problem("UPN", f"{upn} is not a valid UPN (13 characters, with the right check letter)")
        elif upn in seen:
            problem("UPN", f"the same UPN as pupil {seen[upn]}")
        else:
            seen[upn] = number
            if upn in existing and existing[upn].kind != Person.Kind.PUPIL:
                problem("UPN", f"{upn} is the MIS ID of a {existing[upn].get_kind_display().lower()} here")
        values: dict[str, Any] = {
            "kind": Person.Kind.PUPIL,
            "first_name": _text(pupil, "Forename"),
            "last_name": _text(pupil, "Surname"),
            "preferred_name": "",
        }
        for column, name in (("Forename", "forename"), ("Surname", "surname")):
            if not _text(pupil, column):
                problem(column, f"the {name} is missing")
        preferred = _text(pupil, "BasicDetails", "PreferredForename")
        if preferred and preferred != values["first_name"]:
            values["preferred_name"] = preferred
        dob = _text(pupil, "DOB")
        values["date_of_birth"] = None
        if dob:
            try:
                values["date_of_birth"] = _date(dob)
            except ValueError:
                problem("DOB", f"date of birth {dob} is not a date (YYYY-MM-DD)")
        gender = _text(pupil, "Gender").upper()
        if gender and gender not in GENDERS:
            problem("Gender", f"gender {gender} is not one of M, F, U or X")
        values["gender"] = gender if gender in GENDERS else ""
        nc_year = _text(pupil, "BasicDetails", "NCyearActual")
        if not nc_year:
            problem("NCyearActual", "the NC year (BasicDetails/NCyearActual) is missing")
        elif (group := year_group(nc_year)) is None:
            problem("NCyearActual", f"NC year {nc_year} is not one of N1, N2, R, 1 to 14 or X")
        else:
            values["year_group"] = group
        if _child(pupil, "BasicDetails", "RegGroup") is not None:
            values["class_name"] = _text(pupil, "BasicDetails", "RegGroup")
        for name, message in field_errors(Person, values):
            problem(name, f"{name.replace('_', ' ')}: {message}")
        orders: set[int] = set()
        for order_index, contact in enumerate(_children(_child(pupil, "Contacts"), "Contact"), start=1):
            parsed = _read_contact(contact, order_index, f"{label}, contact {order_index}", report)
            if parsed is None:
                continue
            if parsed["order"] in orders:
                problem("Order", f"contact {order_index} has the same order ({parsed['order']}) as another")
            orders.add(parsed["order"])
            if upn:
                contacts.append({**parsed, "upn": upn})
        if len(report.errors) > errors_before:
            continue
        pupil_rows.append((line, {"key": upn, "create": {"mis_id": upn}, "values": values, "children": []}))

    contact_rows = _merge_contacts(school, contacts, existing, report)
    if report.errors:
        raise ImportRejected(report)
    return PeopleFile(pupil_rows + contact_rows, existing, report, source="ctf")


def _read_contact(
    contact: etree._Element, index: int, label: str, report: ImportReport
) -> dict[str, Any] | None:
    line = contact.sourceline or 0
    errors_before = len(report.errors)

    def problem(column: str, message: str) -> None:
        report.errors.append(RowError(line, column, f"{label}: {message}"))

    order_text = _text(contact, "Order")
    order = index
    if order_text:
        if order_text.isdigit() and 0 < int(order_text) < 100:
            order = int(order_text)
        else:
            problem("Order", f"order {order_text} is not a number from 1 to 99")
    responsibility_text = _text(contact, "Responsibility")
    responsibility = _boolean(responsibility_text) if responsibility_text else None
    if responsibility_text and responsibility is None:
        problem("Responsibility", f"parental responsibility “{responsibility_text}” is not true or false")
    code = _text(contact, "Relationship")
    email = _text(contact, "Email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problem("Email", f"“{email}” is not an e-mail address")
    values = {
        "kind": Person.Kind.PARENT,
        "first_name": _text(contact, "Forename"),
        "last_name": _text(contact, "Surname"),
        "email": email,
        "phone": _first_phone(contact),
    }
    for column, name in (("Forename", "forename"), ("Surname", "surname")):
        if not _text(contact, column):
            problem(column, f"the contact's {name} is missing")
    relationship = RELATIONSHIPS.get(code.upper(), code)
    for name, message in field_errors(Person, values) + field_errors(
        Guardianship, {"relationship": relationship}
    ):
        problem(name, f"{name.replace('_', ' ')}: {message}")
    if len(report.errors) > errors_before:
        return None
    return {
        "line": line,
        "order": order,
        "values": values,
        "link": {"relationship": relationship, "priority": order, "parental_responsibility": responsibility},
    }


def _reach(email: str, phone: str) -> str:
    return email.lower() or re.sub(r"\D", "", phone)


def _merge_contacts(
    school: School, contacts: list[dict[str, Any]], existing: dict[str, Person], report: ImportReport
) -> list[tuple[int, dict[str, Any]]]:
    """One row per contact person: the same name with the same e-mail (or, without one, the same phone) listed
    for several pupils is one parent linked to each of them.

    Each contact keeps the key they were first given, whatever their order becomes: they are found again by name
    and e-mail or phone, else by name among the contacts already linked to the same pupil; only a contact found
    neither way gets a new key (``ctf:<UPN>:<order>``, numbered on if that is taken), so a change of order in the
    MIS never turns one parent's record into another's."""
    known_by_identity: dict[tuple[str, ...], str] = {}
    known_by_pupil: dict[tuple[str, str, str], str] = {}
    for key, person in existing.items():
        if key.startswith(CONTACT_PREFIX):
            name = (person.first_name.lower(), person.last_name.lower())
            known_by_identity.setdefault((*name, _reach(person.email, person.phone)), key)
    for parent_key, pupil_key, first, last in Guardianship.objects.filter(
        parent__school=school, parent__mis_id__startswith=CONTACT_PREFIX
    ).values_list("parent__mis_id", "pupil__mis_id", "parent__first_name", "parent__last_name"):
        known_by_pupil.setdefault((pupil_key, first.lower(), last.lower()), parent_key)

    rows: dict[tuple[str, ...], tuple[int, dict[str, Any]]] = {}
    used: set[str] = set()
    for contact in sorted(contacts, key=lambda c: (c["upn"], c["order"])):
        values = contact["values"]
        name = (values["first_name"].lower(), values["last_name"].lower())
        identity = (*name, _reach(values["email"], values["phone"]) or f"upn:{contact['upn']}")
        if identity not in rows:
            found = known_by_identity.get(identity) or known_by_pupil.get((contact["upn"], *name))
            if found is not None and found not in used:
                key = found
            else:
                key = f"{CONTACT_PREFIX}{contact['upn']}:{contact['order']}"
                number = 1
                while key in existing or key in used:
                    number += 1
                    key = f"{CONTACT_PREFIX}{contact['upn']}:{contact['order']}:{number}"
            used.add(key)
            rows[identity] = (
                contact["line"],
                {
                    "key": key,
                    "create": {"mis_id": key},
                    "values": dict(values),
                    "children": [],
                    "relationship": contact["link"]["relationship"],
                    "links": {},
                },
            )
        row = rows[identity][1]
        if contact["upn"] in row["links"]:
            continue  # listed twice for the same pupil: the first (lowest order) stands
        if not row["values"]["phone"] and values["phone"]:
            row["values"]["phone"] = values["phone"]
        row["children"].append(contact["upn"])
        row["links"][contact["upn"]] = contact["link"]
    for line, row in rows.values():
        holder = existing.get(row["key"])
        if holder is not None and holder.kind != Person.Kind.PARENT:
            report.errors.append(
                RowError(line, "Contact", f"the MIS ID {row['key']} belongs to someone who is not a contact")
            )
    return list(rows.values())
