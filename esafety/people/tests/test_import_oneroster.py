import io
import zipfile
from io import StringIO
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from esafety.audit.models import AuditEntry
from esafety.people.actions import apply_people
from esafety.people.importer import ImportRejected
from esafety.people.models import Guardianship, Person
from esafety.people.oneroster import gather, read_oneroster
from esafety.test import BaseTestCase, make_person

FIXTURES = Path(__file__).parent / "fixtures" / "oneroster"
NAMES = ("manifest.csv", "orgs.csv", "users.csv", "classes.csv", "enrollments.csv")


def export(**replace: bytes) -> dict[str, bytes]:
    files = {name: (FIXTURES / name).read_bytes() for name in NAMES}
    files.update(replace)
    return files


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


class ImportOneRosterTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.school.urn = "999002"
        self.school.save(update_fields=["urn"])

    def import_files(self, uploads: dict[str, bytes]):
        return apply_people(self.school, read_oneroster(self.school, gather(uploads)), actor=self.office)

    def rejected(self, uploads: dict[str, bytes]) -> list[tuple[str, int, str, str]]:
        before = Person.objects.count()
        with self.assertRaises(ImportRejected) as caught:
            self.import_files(uploads)
        self.assertEqual(Person.objects.count(), before)
        return [(e.file, e.line, e.column, e.message) for e in caught.exception.report.errors]

    def test_it_imports_users_parent_links_and_registration_classes(self) -> None:
        report = self.import_files(export())
        self.assertEqual((report.created, report.updated, report.links_created), (5, 0, 3))
        tamsin = Person.objects.get(school=self.school, sourced_id="u-s1")
        self.assertEqual(
            (tamsin.kind, tamsin.mis_id, tamsin.preferred_name, tamsin.year_group, tamsin.class_name),
            ("pupil", "ORS001", "Tam", "Year 3", "3K"),
        )
        lowen = Person.objects.get(school=self.school, sourced_id="u-s2")
        self.assertEqual((lowen.year_group, lowen.class_name), ("Reception", "RW"))
        teacher = Person.objects.get(school=self.school, sourced_id="u-t1")
        self.assertEqual((teacher.kind, teacher.email), ("staff", "p.quill@school.example"))
        self.assertEqual(
            sorted(
                Guardianship.objects.filter(parent__school=self.school)
                .exclude(parent__sourced_id="")
                .values_list("parent__first_name", "pupil__first_name", "relationship")
            ),
            [("Corin", "Lowen", "Guardian"), ("Hazel", "Lowen", "Parent"), ("Hazel", "Tamsin", "Parent")],
        )
        self.assertEqual(Person.objects.get(sourced_id="u-g1").phone, "+44 7700 900502")
        # The administrator is left out with a warning; the other school's pupil silently.
        self.assertFalse(Person.objects.filter(last_name__in=["Ledger", "Schoolchild"]).exists())
        self.assertEqual(
            [w.message for w in report.warnings],
            ["1 user(s) with role administrator left out (not student, teacher, parent or guardian)"],
        )
        self.assertTrue(
            AuditEntry.objects.filter(action="people.import.oneroster", school=self.school).exists()
        )

    def test_it_changes_nothing_when_the_same_export_is_imported_again(self) -> None:
        self.import_files(export())
        people = list(Person.objects.filter(school=self.school).values())
        audit_count = AuditEntry.objects.count()
        report = self.import_files({"export.zip": zipped(export())})
        self.assertFalse(report.changed)
        self.assertEqual(report.unchanged, 5)
        self.assertEqual(list(Person.objects.filter(school=self.school).values()), people)
        self.assertEqual(AuditEntry.objects.count(), audit_count)

    def test_it_matches_a_person_from_an_earlier_csv_by_mis_id_and_stores_their_sourced_id(self) -> None:
        earlier = make_person(
            self.school, Person.Kind.PUPIL, "Tamsin", "Briarwood", mis_id="ORS001", year_group="Year 3"
        )
        report = self.import_files(export())
        self.assertEqual((report.created, report.updated), (4, 1))
        earlier.refresh_from_db()
        self.assertEqual((earlier.sourced_id, earlier.class_name), ("u-s1", "3K"))

    def test_it_marks_a_user_to_be_deleted_as_left(self) -> None:
        self.import_files(export())
        users = (
            (FIXTURES / "users.csv")
            .read_bytes()
            .replace(b"u-s2,active,2026-11-01T08:00:00Z", b"u-s2,tobedeleted,2026-11-20T08:00:00Z")
        )
        report = self.import_files(export(**{"users.csv": users}))
        self.assertEqual(report.updated, 1)
        self.assertEqual(str(Person.objects.get(sourced_id="u-s2").left_on), "2026-11-20")

    def test_it_reports_every_bad_line_by_file_and_applies_nothing(self) -> None:
        users = (FIXTURES / "users.csv").read_bytes()
        users = users.replace(b"tbriar,,Tamsin", b"tbriar,,")  # line 2: no givenName
        users = users.replace(b"Lowen,Briarwood,,ORS002,,,,,KG", b"Lowen,Briarwood,,ORS002,,,,,Y9")  # line 3
        users = users.replace(b"hazel.b@home.example", b"hazel-at-home")  # line 4
        users = users.replace(b",u-s2,,,", b",u-s9,,,")  # line 5: unknown agent
        users += b"u-t1,active,2026-11-01T08:00:00Z,true,org-hb,teacher,,,Perrin,Again,,,,,,,,,\r\n"  # line 9
        enrollments = (FIXTURES / "enrollments.csv").read_bytes() + (
            b"e5,active,2026-11-01T08:00:00Z,c-none,org-hb,u-s1,student,,2026-09-03,\r\n"  # line 6
        )
        errors = self.rejected(export(**{"users.csv": users, "enrollments.csv": enrollments}))
        self.assertEqual(
            errors,
            [
                ("users.csv", 2, "givenName", "is required"),
                ("users.csv", 3, "grades", "“Y9” is not a grade code (KG, 01 to 13...)"),
                ("users.csv", 4, "email", "“hazel-at-home” is not an e-mail address"),
                ("users.csv", 9, "sourcedId", "“u-t1” appears twice"),
                ("users.csv", 5, "agentSourcedIds", "no user with sourcedId “u-s9”"),
                ("enrollments.csv", 6, "classSourcedId", "no class with sourcedId “c-none”"),
            ],
        )

    def test_it_reads_roles_from_roles_csv_when_users_csv_has_no_role_column(self) -> None:
        lines = (FIXTURES / "users.csv").read_bytes().decode().splitlines()
        without_role = "\r\n".join(",".join(line.split(",")[:5] + line.split(",")[6:]) for line in lines[:6])
        roles = (
            "sourcedId,status,dateLastModified,userSourcedId,roleType,role,orgSourcedId\r\n"
            "r1,active,,u-s1,primary,student,org-hb\r\n"
            "r2,active,,u-s2,primary,student,org-hb\r\n"
            "r3,active,,u-p1,primary,parent,org-hb\r\n"
            "r4,active,,u-g1,secondary,teacher,org-hb\r\n"
            "r5,active,,u-g1,primary,guardian,org-hb\r\n"
            "r6,active,,u-t1,primary,teacher,org-hb\r\n"
        )
        files = export(**{"users.csv": without_role.encode() + b"\r\n", "roles.csv": roles.encode()})
        report = self.import_files(files)
        self.assertEqual((report.created, report.links_created), (5, 3))
        self.assertEqual(Person.objects.get(sourced_id="u-g1").kind, "parent")

    def test_it_refuses_two_users_with_one_mis_identifier(self) -> None:
        users = (FIXTURES / "users.csv").read_bytes().replace(b",ORS002,", b",ORS001,")
        self.assertEqual(
            self.rejected(export(**{"users.csv": users})),
            [("users.csv", 3, "identifier", "“ORS001” is also the identifier on line 2")],
        )

    def test_it_refuses_an_export_without_users(self) -> None:
        files = export()
        del files["users.csv"]
        self.assertEqual(self.rejected(files), [("users.csv", 0, "", "users.csv is missing from the export")])

    def test_it_refuses_an_export_of_another_school(self) -> None:
        self.school.urn = "123456"
        self.school.save(update_fields=["urn"])
        errors = self.rejected(export())
        self.assertEqual(errors[0][:3], ("orgs.csv", 3, "identifier"))

    def test_it_refuses_a_zip_with_a_path_that_climbs_out(self) -> None:
        for name in ("../users.csv", "/etc/users.csv", "a/b/c/users.csv", "..\\users.csv"):
            errors = self.rejected({"export.zip": zipped({**export(), name: b"x"})})
            self.assertIn("a path that points outside the export", errors[0][3], name)

    def test_it_refuses_a_zip_bomb(self) -> None:
        bomb = zipped({**export(), "users.csv": b"0" * (20 * 1024 * 1024 + 1)})
        self.assertLess(len(bomb), 200_000)
        errors = self.rejected({"export.zip": bomb})
        self.assertEqual(
            errors[0][3], "users.csv in export.zip is over 20 MB when unpacked: export one school at a time."
        )

    def test_it_refuses_a_zip_with_too_many_members(self) -> None:
        members = {f"extra{n}.txt": b"" for n in range(25)}
        errors = self.rejected({"export.zip": zipped({**export(), **members})})
        self.assertIn("holds 30 files", errors[0][3])

    def test_it_refuses_a_file_that_is_not_a_zip(self) -> None:
        errors = self.rejected({"export.zip": b"PK\x03\x04 not really"})
        self.assertEqual(errors[0][3], "export.zip is not a zip file, or it is damaged.")

    def test_the_import_page_takes_separate_files_and_then_reports_no_change(self) -> None:
        self.login(self.head)

        def uploads():
            return {
                "uploads": [SimpleUploadedFile(name, data, "text/csv") for name, data in export().items()]
            }

        response = self.client.post("/people/import/oneroster/", uploads(), follow=True)
        self.assertContains(response, "5 added")
        self.assertContains(response, "1 user(s) with role administrator left out")
        response = self.client.post("/people/import/oneroster/", uploads(), follow=True)
        self.assertContains(response, "No change")

    def test_the_import_page_names_the_file_and_line_of_each_problem(self) -> None:
        self.login(self.office)
        users = (FIXTURES / "users.csv").read_bytes().replace(b"hazel.b@home.example", b"hazel-at-home")
        upload = SimpleUploadedFile("export.zip", zipped(export(**{"users.csv": users})), "application/zip")
        response = self.client.post("/people/import/oneroster/", {"uploads": [upload]})
        self.assertContains(response, "Nothing was imported")
        self.assertContains(response, "<td>users.csv</td><td>4</td>", html=False)

    def test_the_command_finds_the_school_by_urn_and_has_a_dry_run(self) -> None:
        out = StringIO()
        call_command("people_import_oneroster", str(FIXTURES), "--dry-run", stdout=out)
        self.assertIn("Dry run (nothing written): 5 added", out.getvalue())
        self.assertFalse(Person.objects.filter(sourced_id="u-s1").exists())
        call_command("people_import_oneroster", str(FIXTURES), stdout=out)
        self.assertTrue(Person.objects.filter(school=self.school, sourced_id="u-s1").exists())
        call_command("people_import_oneroster", str(FIXTURES), "--school", self.school.slug, stdout=out)
        self.assertIn("No change", out.getvalue().splitlines()[-1])

    def test_the_command_lists_the_problems_and_fails(self) -> None:
        err = StringIO()
        bad = self.tmp_export(
            {"users.csv": (FIXTURES / "users.csv").read_bytes().replace(b",u-s2,,,", b",u-s9,,,")}
        )
        with self.assertRaises(CommandError):
            call_command("people_import_oneroster", bad, "--school", self.school.slug, stderr=err)
        self.assertIn("users.csv, line 5: no user with sourcedId “u-s9”", err.getvalue())

    def tmp_export(self, replace: dict[str, bytes]) -> str:
        import tempfile

        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        path = Path(folder.name) / "export.zip"
        path.write_bytes(zipped(export(**replace)))
        return str(path)
