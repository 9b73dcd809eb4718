import csv
import io

from esafety.audit.models import AuditEntry
from esafety.people.actions import import_people
from esafety.people.importer import ImportRejected, export_people
from esafety.people.models import Guardianship, Person
from esafety.test import BaseTestCase

HEADER = "mis_id,kind,first_name,last_name,year_group,class,email,phone,date_of_birth,children,relationship\n"
GOOD = HEADER + (
    "P100,pupil,Maisie,Quarry,Year 3,Owls,,,2018-02-03,,\n"
    "P101,Pupil,Idris,Quarry,Year 1,Wrens,,,04/05/2020,,\n"
    "C100,parent,Nina,Quarry,,,nina@home.example,+44 7700 900123,,P100;P101,Mother\n"
    "S100,staff,Ola,Fenn,,,o.fenn@school.example,,,,\n"
)


class ImportPeopleTests(BaseTestCase):
    def import_text(self, text: str, encoding: str = "utf-8"):
        return import_people(self.school, text.encode(encoding), actor=self.office)

    def test_it_imports_a_good_file_with_parent_links(self) -> None:
        report = self.import_text(GOOD)
        self.assertEqual(
            (report.created, report.updated, report.unchanged, report.links_created), (4, 0, 0, 2)
        )
        maisie = Person.objects.get(school=self.school, mis_id="P100")
        self.assertEqual((maisie.kind, maisie.year_group, maisie.class_name), ("pupil", "Year 3", "Owls"))
        self.assertEqual(str(Person.objects.get(mis_id="P101").date_of_birth), "2020-05-04")
        self.assertEqual(Guardianship.objects.filter(parent__mis_id="C100").count(), 2)
        self.assertTrue(AuditEntry.objects.filter(action="people.import", school=self.school).exists())

    def test_it_accepts_a_byte_order_mark(self) -> None:
        report = self.import_text("\ufeff" + GOOD)
        self.assertEqual(report.created, 4)

    def test_it_changes_nothing_when_the_same_file_is_imported_again(self) -> None:
        self.import_text(GOOD)
        before = list(Person.objects.filter(school=self.school).values())
        audit_count = AuditEntry.objects.count()
        report = self.import_text(GOOD)
        self.assertEqual(
            (report.created, report.updated, report.unchanged, report.links_created), (0, 0, 4, 0)
        )
        self.assertEqual(list(Person.objects.filter(school=self.school).values()), before)
        self.assertEqual(AuditEntry.objects.count(), audit_count)

    def test_it_updates_changed_rows_only(self) -> None:
        self.import_text(GOOD)
        report = self.import_text(GOOD.replace("Year 3,Owls", "Year 4,Herons"))
        self.assertEqual((report.created, report.updated, report.unchanged), (0, 1, 3))
        self.assertEqual(Person.objects.get(mis_id="P100").class_name, "Herons")

    def test_it_reports_every_bad_row_and_applies_nothing(self) -> None:
        bad = HEADER + (
            "P200,pupil,Ok,Row,Year 2,Kestrels,,,,,\n"
            "P201,pupil,,Nofirst,Year 2,,,,,,\n"
            "P202,wizard,Harry,Spell,,,,,,,\n"
            "P203,pupil,No,Year,,,,,,,\n"
            "P204,staff,Bad,Mail,,,not-an-email,,,,\n"
            "P205,staff,Bad,Date,,,,,31/31/2020,,\n"
            "C200,parent,Lone,Parent,,,,,,P999,Carer\n"
            "P200,pupil,Dup,Licate,Year 2,,,,,,\n"
        )
        with self.assertRaises(ImportRejected) as caught:
            self.import_text(bad)
        errors = {(error.line, error.column) for error in caught.exception.report.errors}
        self.assertEqual(
            errors,
            {
                (3, "first_name"),
                (4, "kind"),
                (5, "year_group"),
                (6, "email"),
                (7, "date_of_birth"),
                (8, "children"),
                (9, "mis_id"),
            },
        )
        self.assertFalse(Person.objects.filter(mis_id="P200").exists())

    def test_it_keeps_formula_cells_as_text_and_neutralises_them_on_export(self) -> None:
        text = HEADER + '"S300",staff,"=HYPERLINK(""http://evil.example"",""x"")",Sums,,,,,,,\n'
        report = self.import_text(text)
        self.assertEqual(report.created, 1)
        self.assertEqual(report.warnings[0].column, "first_name")
        person = Person.objects.get(mis_id="S300")
        self.assertEqual(person.first_name, '=HYPERLINK("http://evil.example","x")')
        rows = list(csv.reader(io.StringIO(export_people(self.school))))
        exported = next(row for row in rows if row[0] == "S300")
        self.assertEqual(exported[2], '\'=HYPERLINK("http://evil.example","x")')

    def test_it_round_trips_its_own_export_unchanged(self) -> None:
        self.import_text(GOOD + '"S300",staff,"@SUM(1)",Sums,,,,,,,\n')
        report = import_people(self.school, export_people(self.school).encode(), actor=self.office)
        self.assertFalse(report.changed)
        self.assertEqual(Person.objects.get(mis_id="S300").first_name, "@SUM(1)")

    def test_it_keeps_phone_numbers_that_start_with_a_plus(self) -> None:
        self.import_text(GOOD)
        self.assertEqual(Person.objects.get(mis_id="C100").phone, "+44 7700 900123")

    def test_it_refuses_a_file_that_is_not_utf8(self) -> None:
        with self.assertRaises(ImportRejected) as caught:
            self.import_text(GOOD.replace("Maisie", "Maïsie"), encoding="latin-1")
        self.assertIn("not UTF-8", caught.exception.report.errors[0].message)

    def test_it_refuses_a_file_without_the_required_columns(self) -> None:
        with self.assertRaises(ImportRejected) as caught:
            self.import_text("name,class\nAva,2B\n")
        self.assertIn("required column", caught.exception.report.errors[0].message)

    def test_it_shows_the_row_report_on_the_import_page(self) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        self.login(self.office)
        upload = SimpleUploadedFile("mis.csv", (HEADER + "P1x,pupil,,X,Year 2,,,,,,\n").encode(), "text/csv")
        response = self.client.post("/people/import/", {"file": upload})
        self.assertContains(response, "Nothing was imported")
        self.assertContains(response, "is required")

    def test_it_exports_only_this_schools_people_to_allowed_roles(self) -> None:
        self.login(self.office)
        response = self.client.get("/people/export.csv")
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment", response["Content-Disposition"])
        body = response.content.decode()
        self.assertIn("Ashdown", body)
        self.assertNotIn("Tester", body.split("outsider")[0] if "outsider" in body else "")
        self.assertTrue(AuditEntry.objects.filter(action="people.export", kind="export").exists())
        self.login(self.teacher)
        self.assertEqual(self.client.get("/people/export.csv").status_code, 403)
