"""Reading a OneRoster 1.2 CSV export (1EdTech), as many MIS and rostering tools write it.

Files: ``orgs.csv`` and ``users.csv`` (required), ``classes.csv`` with ``enrollments.csv`` (optional, together),
``roles.csv`` (1.2 keeps a user's roles there when ``users.csv`` has no ``role`` column), ``manifest.csv``
(optional). Upload them as the zip the tool exports or as separate files.

What esafety takes: users whose role is student (a pupil), teacher (staff), parent or guardian (a parent), with
``sourcedId`` (the key, stored), ``identifier`` (the MIS ID), names, e-mail, phone, ``grades`` (the year group)
and ``agentSourcedIds`` (the parent-child links, read from either side); a pupil's registration class comes from
their enrolment in a ``homeroom`` class. Users of other orgs in a trust-wide export are left out; other roles
(administrator, aide...) are left out with a warning. ``status`` ``tobedeleted`` marks a person as left.

A zip is unpacked in memory with limits, never to disk: at most 20 members, no member over 20 MB however small
its header claims it is (zip bombs), no path that climbs out or is absolute (path traversal), no encrypted member.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from esafety.people.importer import (
    ImportRejected,
    ImportReport,
    PeopleFile,
    RowError,
    field_errors,
)
from esafety.people.models import Person, School

MAX_MEMBERS = 20
MAX_MEMBER_BYTES = 20 * 1024 * 1024
MAX_TOTAL_BYTES = 60 * 1024 * 1024
MAX_ROWS = 100_000
KNOWN_FILES = ("manifest.csv", "orgs.csv", "users.csv", "roles.csv", "classes.csv", "enrollments.csv")
KIND_FOR_ROLE = {
    "student": Person.Kind.PUPIL,
    "teacher": Person.Kind.STAFF,
    "parent": Person.Kind.PARENT,
    "guardian": Person.Kind.PARENT,
}
RELATIONSHIP_FOR_ROLE = {"parent": "Parent", "guardian": "Guardian"}
# CEDS grade codes, as OneRoster uses them, in the names English schools use.
YEAR_FOR_GRADE = {"IT": "Nursery", "PR": "Nursery", "PK": "Nursery", "TK": "Reception", "KG": "Reception"}


def _refuse(message: str, file: str = "") -> ImportRejected:
    return ImportRejected(ImportReport(errors=[RowError(0, "", message, file=file)]))


def gather(uploads: dict[str, bytes]) -> dict[str, bytes]:
    """The export's files by their lower-case name, from uploaded CSV files and/or one zip. Refuses hostile zips
    and unknown layouts with one sentence each; unknown files are dropped."""
    files: dict[str, bytes] = {}
    for name, data in uploads.items():
        if name.lower().endswith(".zip") or data[:4] == b"PK\x03\x04":
            for member, content in _unzip(name, data).items():
                _add(files, member, content)
        else:
            _add(files, PurePosixPath(name.replace("\\", "/")).name, data)
    return files


def _add(files: dict[str, bytes], name: str, data: bytes) -> None:
    key = name.lower()
    if key not in KNOWN_FILES:
        return
    if key in files:
        raise _refuse(f"{key} was given twice: upload one export at a time.", file=key)
    if len(data) > MAX_MEMBER_BYTES:
        raise _refuse(f"{key} is over 20 MB: export one school at a time.", file=key)
    files[key] = data


def _unzip(name: str, data: bytes) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError):
        raise _refuse(f"{name} is not a zip file, or it is damaged.") from None
    members = [info for info in archive.infolist() if not info.is_dir()]
    if len(members) > MAX_MEMBERS:
        raise _refuse(f"{name} holds {len(members)} files; a OneRoster export has at most a dozen.")
    out: dict[str, bytes] = {}
    total = 0
    for info in members:
        path = info.filename
        parts = PurePosixPath(path).parts
        if (
            path.startswith(("/", "\\"))
            or "\\" in path
            or ":" in path
            or "\x00" in path
            or ".." in parts
            or len(parts) > 2
        ):
            raise _refuse(
                f"{name} holds a file named “{path[:100]}”, a path that points outside the export; refused."
            )
        if info.flag_bits & 0x1:
            raise _refuse(f"{name} is encrypted: export it again without a password.")
        if info.file_size > MAX_MEMBER_BYTES:
            raise _refuse(f"{path} in {name} is over 20 MB when unpacked: export one school at a time.")
        if PurePosixPath(path).name.lower() not in KNOWN_FILES:
            continue
        try:
            with archive.open(info) as member:
                # Read one byte more than allowed: the header's size is the sender's claim, not a fact.
                content = member.read(MAX_MEMBER_BYTES + 1)
        except (zipfile.BadZipFile, OSError, NotImplementedError, EOFError) as exc:
            raise _refuse(f"{path} in {name} cannot be unpacked ({exc}).") from None
        if len(content) > MAX_MEMBER_BYTES:
            raise _refuse(f"{path} in {name} is over 20 MB when unpacked: export one school at a time.")
        total += len(content)
        if total > MAX_TOTAL_BYTES:
            raise _refuse(f"{name} is over 60 MB when unpacked: export one school at a time.")
        out[PurePosixPath(path).name] = content
    return out


class _Table:
    """One CSV file's rows with their line numbers, headers lower-cased (OneRoster names are camelCase)."""

    def __init__(self, name: str, data: bytes, report: ImportReport, required: tuple[str, ...]) -> None:
        self.name = name
        self.rows: list[tuple[int, dict[str, str]]] = []
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            report.errors.append(RowError(0, "", f"is not UTF-8 (byte {exc.start})", file=name))
            self.headers: list[str] = []
            return
        reader = csv.DictReader(io.StringIO(text, newline=""))
        self.headers = [(header or "").strip().lower() for header in reader.fieldnames or []]
        reader.fieldnames = self.headers
        missing = [column for column in required if column.lower() not in self.headers]
        if missing:
            report.errors.append(
                RowError(1, ", ".join(missing), "required column(s) missing from the header row", file=name)
            )
            return
        for raw in reader:
            if len(self.rows) >= MAX_ROWS:
                report.errors.append(RowError(reader.line_num, "", f"more than {MAX_ROWS} rows", file=name))
                break
            if None in raw:
                report.errors.append(
                    RowError(reader.line_num, "", "has more cells than the header row", file=name)
                )
                continue
            row = {key: (value or "").strip() for key, value in raw.items()}
            if any("\x00" in value for value in row.values()):
                report.errors.append(
                    RowError(reader.line_num, "", "contains a NUL byte: the file is damaged", file=name)
                )
                continue
            if any(row.values()):
                self.rows.append((reader.line_num, row))


def _ids(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def school_identifiers(files: dict[str, bytes]) -> set[str]:
    """The ``identifier`` (URN) of each school in ``orgs.csv``, to find the school a command imports into."""
    report = ImportReport()
    if "orgs.csv" not in files:
        raise _refuse("orgs.csv is missing from the export.", file="orgs.csv")
    orgs = _Table("orgs.csv", files["orgs.csv"], report, ("sourcedId", "name", "type"))
    if report.errors:
        raise ImportRejected(report)
    return {
        row["identifier"] for _, row in orgs.rows if row["type"].lower() == "school" and row.get("identifier")
    }


def _year_group(grades: str) -> str | None:
    grade = _ids(grades)[0].upper() if _ids(grades) else ""
    if not grade:
        return ""
    if grade in YEAR_FOR_GRADE:
        return YEAR_FOR_GRADE[grade]
    if grade.isdigit() and 1 <= int(grade) <= 13:
        return f"Year {int(grade)}"
    return None


def _date(value: str) -> date | None:
    match = re.match(r"^(\d{4}-\d{2}-\d{2})", value)
    try:
        return date.fromisoformat(match.group(1)) if match else None
    except ValueError:
        return None


def _manifest(files: dict[str, bytes], report: ImportReport) -> None:
    if "manifest.csv" not in files:
        return
    table = _Table("manifest.csv", files["manifest.csv"], report, ("propertyName", "value"))
    values = {row["propertyname"].lower(): (line, row["value"]) for line, row in table.rows}
    line, version = values.get("oneroster.version", (0, ""))
    if version and not version.startswith("1."):
        report.errors.append(
            RowError(line, "value", f"OneRoster version {version} is not 1.x", file="manifest.csv")
        )
    elif version and version != "1.2":
        report.warnings.append(
            RowError(line, "value", f"OneRoster {version}: read as 1.2", file="manifest.csv")
        )
    for name in ("users", "orgs"):
        line, mode = values.get(f"file.{name}", (0, ""))
        if mode.lower() == "absent":
            report.errors.append(
                RowError(
                    line,
                    "value",
                    f"the manifest says {name}.csv is absent; it is required",
                    file="manifest.csv",
                )
            )


def _school_org(school: School, files: dict[str, bytes], report: ImportReport) -> str | None:
    orgs = _Table("orgs.csv", files["orgs.csv"], report, ("sourcedId", "name", "type"))
    schools = [(line, row) for line, row in orgs.rows if row["type"].lower() == "school"]
    if not orgs.headers or report.errors:
        return None
    if school.urn:
        matching = [(line, row) for line, row in schools if row.get("identifier") == school.urn]
        if matching:
            return matching[0][1]["sourcedid"]
        if len(schools) == 1 and not schools[0][1].get("identifier"):
            return schools[0][1]["sourcedid"]
        report.errors.append(
            RowError(
                schools[0][0] if schools else 1,
                "identifier",
                f"no school org has this school's URN {school.urn} as its identifier",
                file="orgs.csv",
            )
        )
        return None
    if len(schools) == 1:
        return schools[0][1]["sourcedid"]
    if not schools:
        report.errors.append(RowError(1, "type", "there is no org of type school", file="orgs.csv"))
        return None
    report.errors.append(
        RowError(
            1,
            "type",
            f"{len(schools)} school orgs and no URN set for {school.name} to choose one",
            file="orgs.csv",
        )
    )
    return None


def _roles(files: dict[str, bytes], report: ImportReport, users: _Table) -> dict[str, str]:
    """Each user's primary role: the ``role`` column of users.csv (1.1 and many 1.2 exports) or roles.csv."""
    if "role" in users.headers:
        return {row["sourcedid"]: row["role"].lower() for _, row in users.rows}
    if "roles.csv" not in files:
        report.errors.append(
            RowError(1, "role", "users.csv has no role column and there is no roles.csv", file="users.csv")
        )
        return {}
    table = _Table("roles.csv", files["roles.csv"], report, ("userSourcedId", "roleType", "role"))
    roles: dict[str, str] = {}
    for _, row in table.rows:
        if row["roletype"].lower() == "primary" or row["usersourcedid"] not in roles:
            roles[row["usersourcedid"]] = row["role"].lower()
    return roles


def read_oneroster(school: School, files: dict[str, bytes]) -> PeopleFile:
    """Parse and check a whole OneRoster export against ``school``'s directory, writing nothing. Raises
    ``ImportRejected`` with every problem, each naming its file and line."""
    report = ImportReport()
    for required in ("orgs.csv", "users.csv"):
        if required not in files:
            report.errors.append(RowError(0, "", f"{required} is missing from the export", file=required))
    if ("classes.csv" in files) != ("enrollments.csv" in files):
        report.errors.append(
            RowError(0, "", "classes.csv and enrollments.csv come together: one of them is missing")
        )
    if report.errors:
        raise ImportRejected(report)
    _manifest(files, report)
    org = _school_org(school, files, report)
    users = _Table("users.csv", files["users.csv"], report, ("sourcedId", "givenName", "familyName"))
    roles = _roles(files, report, users)
    if report.errors or org is None:
        raise ImportRejected(report)

    people = Person.objects.filter(school=school)
    by_sourced_id = {person.sourced_id: person for person in people if person.sourced_id}
    by_mis_id = {person.mis_id: person for person in people if person.mis_id}

    def problem(line: int, column: str, message: str, file: str = "users.csv") -> None:
        report.errors.append(RowError(line, column, message, file=file))

    rows: dict[str, tuple[int, dict[str, Any]]] = {}
    skipped: set[str] = set()
    other_roles: dict[str, int] = {}
    agents: dict[str, tuple[int, list[str]]] = {}
    identifiers: dict[str, int] = {}
    today = date.today()
    for line, row in users.rows:
        sourced_id = row["sourcedid"]
        if not sourced_id:
            problem(line, "sourcedId", "is required")
            continue
        if sourced_id in rows or sourced_id in skipped:
            problem(line, "sourcedId", f"“{sourced_id}” appears twice")
            continue
        user_orgs = set(_ids(row.get("orgsourcedids", ""))) | set(_ids(row.get("primaryorgsourcedid", "")))
        if user_orgs and org not in user_orgs:
            skipped.add(sourced_id)  # another school of the trust's export
            continue
        role = roles.get(sourced_id, "")
        if role not in KIND_FOR_ROLE:
            skipped.add(sourced_id)
            if role:
                other_roles[role] = other_roles.get(role, 0) + 1
            else:
                problem(line, "role", "has no role")
            continue
        kind = KIND_FOR_ROLE[role]
        errors_before = len(report.errors)
        identifier = row.get("identifier", "")
        if identifier and identifier in identifiers:
            problem(
                line, "identifier", f"“{identifier}” is also the identifier on line {identifiers[identifier]}"
            )
        elif identifier:
            identifiers[identifier] = line
        person = by_sourced_id.get(sourced_id)
        if person is None and identifier and identifier in by_mis_id:
            person = by_mis_id[identifier]
            if person.sourced_id:
                problem(
                    line,
                    "identifier",
                    f"“{identifier}” is the MIS ID of someone here with another sourcedId ({person.sourced_id})",
                )
        elif (
            person is not None and identifier and identifier in by_mis_id and by_mis_id[identifier] != person
        ):
            problem(line, "identifier", f"“{identifier}” is already the MIS ID of someone else here")
        for column in ("givenname", "familyname"):
            if not row.get(column):
                problem(line, {"givenname": "givenName", "familyname": "familyName"}[column], "is required")
        email = row.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problem(line, "email", f"“{email}” is not an e-mail address")
                email = ""  # reported once, in words a school office reads
        preferred = row.get("preferredgivenname", "")
        values: dict[str, Any] = {
            "kind": kind,
            "sourced_id": sourced_id,
            "first_name": row.get("givenname", ""),
            "last_name": row.get("familyname", ""),
            "preferred_name": preferred if preferred != row.get("givenname", "") else "",
            "email": email,
            "phone": row.get("phone", "") or row.get("sms", ""),
        }
        if identifier:
            values["mis_id"] = identifier
        if kind == Person.Kind.PUPIL:
            group = _year_group(row.get("grades", ""))
            if group is None:
                problem(line, "grades", f"“{row['grades']}” is not a grade code (KG, 01 to 13...)")
            elif group:
                values["year_group"] = group
        if row.get("status", "").lower() == "tobedeleted":
            values["left_on"] = (
                person.left_on
                if person is not None and person.left_on
                else _date(row.get("datelastmodified", ""))
            ) or today
        else:
            values["left_on"] = None
        for name, message in field_errors(Person, values):
            problem(line, name, message)
        if len(report.errors) > errors_before:
            skipped.add(sourced_id)  # reported once here, not again by every line that names them
            continue
        if person is not None:
            by_sourced_id[sourced_id] = person
        agents[sourced_id] = (line, _ids(row.get("agentsourcedids", "")))
        rows[sourced_id] = (
            line,
            {
                "key": sourced_id,
                "values": values,
                "children": [],
                "relationship": RELATIONSHIP_FOR_ROLE.get(role, ""),
            },
        )
    for role, count in sorted(other_roles.items()):
        report.warnings.append(
            RowError(
                0,
                "role",
                f"{count} user(s) with role {role} left out (not student, teacher, parent or guardian)",
                file="users.csv",
            )
        )
    _link(rows, agents, by_sourced_id, skipped, report)
    if "classes.csv" in files:
        _classes(files, rows, skipped, report)
    for user_line, user_row in rows.values():
        if user_row["values"]["kind"] == Person.Kind.PUPIL and not user_row["values"].get("year_group"):
            known = by_sourced_id.get(user_row["key"])
            if known is None or not known.year_group:
                problem(
                    user_line,
                    "grades",
                    "is empty: a student needs a year group (grades or their class's)",
                )
    if report.errors:
        raise ImportRejected(report)
    existing: dict[str, Person] = {
        person.sourced_id or (f"mis:{person.mis_id}" if person.mis_id else f"esafety:{person.pk}"): person
        for person in people
    }
    existing.update(by_sourced_id)
    return PeopleFile(list(rows.values()), existing, report, source="oneroster")


def _link(
    rows: dict[str, tuple[int, dict[str, Any]]],
    agents: dict[str, tuple[int, list[str]]],
    known: dict[str, Person],
    skipped: set[str],
    report: ImportReport,
) -> None:
    """Parent-child links from ``agentSourcedIds`` on either side (a student lists their parents, a parent their
    children); an agent that is neither in the file nor already here is an error."""
    pairs: set[tuple[str, str]] = set()
    for sourced_id, (line, agent_ids) in agents.items():
        kind = rows[sourced_id][1]["values"]["kind"]
        for agent in agent_ids:
            if agent in skipped:
                continue
            agent_kind = (
                rows[agent][1]["values"]["kind"]
                if agent in rows
                else (known[agent].kind if agent in known else None)
            )
            if agent_kind is None:
                report.errors.append(
                    RowError(line, "agentSourcedIds", f"no user with sourcedId “{agent}”", file="users.csv")
                )
            elif kind == Person.Kind.PUPIL and agent_kind == Person.Kind.PARENT:
                pairs.add((agent, sourced_id))
            elif kind == Person.Kind.PARENT and agent_kind == Person.Kind.PUPIL:
                pairs.add((sourced_id, agent))
            else:
                report.errors.append(
                    RowError(
                        line,
                        "agentSourcedIds",
                        f"“{agent}” is not a {'parent or guardian' if kind == Person.Kind.PUPIL else 'student'}",
                        file="users.csv",
                    )
                )
    for parent, child in sorted(pairs):
        if parent in rows:
            rows[parent][1]["children"].append(child)
        elif child in rows:
            # A parent not in this export (kept from before) is linked from the child's side: add no row for them.
            pass


def _classes(
    files: dict[str, bytes],
    rows: dict[str, tuple[int, dict[str, Any]]],
    skipped: set[str],
    report: ImportReport,
) -> None:
    """Registration classes: a student's (and a teacher's) enrolment in a homeroom class names their class."""
    errors_before = len(report.errors)
    classes = _Table("classes.csv", files["classes.csv"], report, ("sourcedId", "title"))
    enrollments = _Table(
        "enrollments.csv", files["enrollments.csv"], report, ("classSourcedId", "userSourcedId", "role")
    )
    if len(report.errors) > errors_before:
        return
    titles: dict[str, tuple[str, str, str]] = {}
    for _, row in classes.rows:
        name = row.get("classcode") or row["title"]
        titles[row["sourcedid"]] = (name, row.get("classtype", "").lower(), row.get("grades", ""))
    has_homerooms = any(kind == "homeroom" for _, kind, _ in titles.values())
    homeroom: dict[str, tuple[int, str]] = {}
    for line, row in enrollments.rows:
        class_id, user_id = row["classsourcedid"], row["usersourcedid"]
        if row.get("status", "").lower() == "tobedeleted":
            continue
        if class_id not in titles:
            report.errors.append(
                RowError(
                    line, "classSourcedId", f"no class with sourcedId “{class_id}”", file="enrollments.csv"
                )
            )
            continue
        if user_id in skipped:
            continue
        if user_id not in rows:
            report.errors.append(
                RowError(line, "userSourcedId", f"no user with sourcedId “{user_id}”", file="enrollments.csv")
            )
            continue
        name, class_type, grades = titles[class_id]
        if has_homerooms and class_type != "homeroom":
            continue
        if user_id in homeroom and homeroom[user_id][1] != name:
            if rows[user_id][1]["values"]["kind"] == Person.Kind.PUPIL:
                report.errors.append(
                    RowError(
                        line,
                        "classSourcedId",
                        f"a second registration class ({name}) for a student already in "
                        f"{homeroom[user_id][1]} (line {homeroom[user_id][0]})",
                        file="enrollments.csv",
                    )
                )
            continue
        homeroom[user_id] = (line, name)
        values = rows[user_id][1]["values"]
        if values["kind"] == Person.Kind.PUPIL and not values.get("year_group") and grades:
            group = _year_group(grades)
            if group:
                values["year_group"] = group
    for user_id, (_, user_row) in rows.items():
        if user_row["values"]["kind"] in (Person.Kind.PUPIL, Person.Kind.STAFF):
            user_row["values"]["class_name"] = homeroom.get(user_id, (0, ""))[1]
