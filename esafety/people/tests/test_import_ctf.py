from io import StringIO
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from lxml import etree

from esafety.audit.models import AuditEntry
from esafety.people.actions import apply_people
from esafety.people.ctf import read_ctf, upn_is_valid
from esafety.people.importer import ImportRejected
from esafety.people.models import Guardianship, Person
from esafety.test import BaseTestCase

FIXTURES = Path(__file__).parent / "fixtures" / "ctf"
GOOD = (FIXTURES / "good.xml").read_bytes()
CHANGED = (FIXTURES / "changed.xml").read_bytes()
BAD = (FIXTURES / "bad.xml").read_bytes()

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<CTfile><Header/><CTFpupilData><Pupil><UPN>P999999919001</UPN><Surname>&lol4;</Surname></Pupil></CTFpupilData>
</CTfile>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE CTfile [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<CTfile><Header/><CTFpupilData><Pupil><UPN>P999999919001</UPN><Surname>&secret;</Surname></Pupil>
</CTFpupilData></CTfile>"""


class CtfSchemaTests(BaseTestCase):
    def test_the_fixture_files_are_valid_against_the_ctf_schema_subset(self) -> None:
        schema = etree.XMLSchema(etree.parse(str(FIXTURES / "ctf-subset.xsd")))
        for name in ("good.xml", "changed.xml"):
            document = etree.parse(str(FIXTURES / name))
            self.assertTrue(schema.validate(document), f"{name}: {schema.error_log}")

    def test_the_schema_refuses_the_bad_fixture_too(self) -> None:
        schema = etree.XMLSchema(etree.parse(str(FIXTURES / "ctf-subset.xsd")))
        self.assertFalse(schema.validate(etree.parse(str(FIXTURES / "bad.xml"))))

    def test_it_checks_the_upn_check_letter(self) -> None:
        self.assertTrue(upn_is_valid("P999999919001"))
        self.assertTrue(upn_is_valid("E999999920003"))
        self.assertFalse(upn_is_valid("A999999919001"))  # the check letter of another number
        self.assertFalse(upn_is_valid("P99999991900"))  # 12 characters
        self.assertFalse(upn_is_valid("p999999919001"))


class ImportCtfTests(BaseTestCase):
    def import_ctf(self, data: bytes, dry_run: bool = False):
        return apply_people(self.school, read_ctf(self.school, data), actor=self.office, dry_run=dry_run)

    def rejected(self, data: bytes) -> list[str]:
        before = Person.objects.count()
        with self.assertRaises(ImportRejected) as caught:
            self.import_ctf(data)
        self.assertEqual(Person.objects.count(), before)
        return [error.message for error in caught.exception.report.errors]

    def test_it_imports_pupils_contacts_and_their_relationships(self) -> None:
        report = self.import_ctf(GOOD)
        self.assertEqual(
            (report.created, report.updated, report.unchanged, report.links_created), (6, 0, 0, 4)
        )
        juniper = Person.objects.get(school=self.school, mis_id="P999999919001")
        self.assertEqual(
            (juniper.kind, juniper.first_name, juniper.preferred_name, juniper.last_name),
            ("pupil", "Juniper", "June", "Thistlewood"),
        )
        self.assertEqual(
            (str(juniper.date_of_birth), juniper.gender, juniper.year_group, juniper.class_name),
            ("2019-03-14", "F", "Year 3", "3K"),
        )
        orrin = Person.objects.get(school=self.school, mis_id="E999999920003")
        self.assertEqual((orrin.year_group, orrin.class_name, orrin.gender), ("Reception", "", "U"))
        # Marigold is listed for Juniper and for Alder with the same e-mail: one parent, two children.
        marigold = Person.objects.get(school=self.school, first_name="Marigold")
        self.assertEqual(
            (marigold.kind, marigold.email, marigold.phone),
            ("parent", "marigold.t@home.example", "07700 900401"),
        )
        self.assertEqual(
            sorted(marigold.children_links.values_list("pupil__first_name", "relationship", "priority")),
            [("Alder", "Mother", 1), ("Juniper", "Mother", 1)],
        )
        bramble = Guardianship.objects.get(parent__first_name="Bramble")
        self.assertEqual(
            (
                bramble.pupil.first_name,
                bramble.relationship,
                bramble.priority,
                bramble.parental_responsibility,
            ),
            ("Juniper", "Grandfather", 2, False),
        )
        self.assertTrue(Guardianship.objects.get(parent__first_name="Sorrel").parental_responsibility)
        entry = AuditEntry.objects.get(action="people.import.ctf", school=self.school)
        self.assertEqual(entry.detail["created"], 6)

    def test_it_changes_nothing_when_the_same_file_is_imported_again(self) -> None:
        self.import_ctf(GOOD)
        people = list(Person.objects.filter(school=self.school).values())
        links = list(Guardianship.objects.values())
        audit_count = AuditEntry.objects.count()
        report = self.import_ctf(GOOD)
        self.assertFalse(report.changed)
        self.assertEqual((report.unchanged, report.summary.split(":")[0]), (6, "No change"))
        self.assertEqual(list(Person.objects.filter(school=self.school).values()), people)
        self.assertEqual(list(Guardianship.objects.values()), links)
        self.assertEqual(AuditEntry.objects.count(), audit_count)

    def test_it_updates_only_what_changed_in_the_mis(self) -> None:
        self.import_ctf(GOOD)
        report = self.import_ctf(CHANGED)
        self.assertEqual(
            (report.created, report.updated, report.unchanged, report.links_created, report.links_updated),
            (0, 1, 5, 0, 1),
        )
        self.assertEqual(Person.objects.get(mis_id="P999999919001").class_name, "4K")
        self.assertTrue(Guardianship.objects.get(parent__first_name="Bramble").parental_responsibility)

    def test_a_new_contact_order_in_the_mis_moves_no_one_into_anothers_record(self) -> None:
        self.import_ctf(GOOD)
        marigold = Person.objects.get(school=self.school, first_name="Marigold")
        swapped = GOOD.replace(
            b"<Order>1</Order>\n          <Title>Ms</Title>", b"<Order>9</Order><Title>Ms</Title>"
        )
        swapped = swapped.replace(
            b"<Order>2</Order>\n          <Surname>Okonkwo", b"<Order>1</Order><Surname>Okonkwo"
        )
        swapped = swapped.replace(b"<Order>9</Order>", b"<Order>2</Order>")
        report = self.import_ctf(swapped)
        self.assertEqual((report.created, report.updated, report.links_updated), (0, 0, 2))
        marigold.refresh_from_db()
        self.assertEqual(marigold.first_name, "Marigold")
        self.assertEqual(
            sorted(
                Guardianship.objects.filter(pupil__mis_id="P999999919001").values_list(
                    "parent__first_name", "priority"
                )
            ),
            [("Bramble", 1), ("Marigold", 2)],
        )

    def test_it_refuses_two_contacts_with_the_same_order(self) -> None:
        same = GOOD.replace(b"<Order>2</Order>", b"<Order>1</Order>")
        self.assertEqual(
            self.rejected(same),
            ["Pupil 1 (UPN P999999919001): contact 2 has the same order (1) as another"],
        )

    def test_a_dry_run_reports_the_changes_and_writes_nothing(self) -> None:
        audit_count = AuditEntry.objects.count()
        report = self.import_ctf(GOOD, dry_run=True)
        self.assertEqual((report.created, report.links_created), (6, 4))
        self.assertFalse(Person.objects.filter(mis_id="P999999919001").exists())
        self.assertEqual(AuditEntry.objects.count(), audit_count)

    def test_it_reports_every_bad_pupil_by_number_and_upn_and_applies_nothing(self) -> None:
        messages = self.rejected(BAD)
        self.assertEqual(
            messages,
            [
                "Pupil 1 (UPN P999999919001), contact 2: parental responsibility “perhaps” is not true or false",
                "Pupil 2 (UPN A999999919002): A999999919002 is not a valid UPN (13 characters, with the right "
                "check letter)",
                "Pupil 3 (UPN E999999920003): date of birth 2019-02-30 is not a date (YYYY-MM-DD)",
                "Pupil 3 (UPN E999999920003): NC year Q is not one of N1, N2, R, 1 to 14 or X",
            ],
        )

    def test_it_refuses_a_billion_laughs_file_unread(self) -> None:
        self.assertIn("declares a DTD or entities", self.rejected(BILLION_LAUGHS)[0])

    def test_it_refuses_an_external_entity(self) -> None:
        messages = self.rejected(EXTERNAL_ENTITY)
        self.assertIn("declares a DTD or entities", messages[0])
        self.assertNotIn("root:", " ".join(messages))

    def test_it_refuses_malformed_xml_with_where(self) -> None:
        messages = self.rejected(GOOD[: len(GOOD) // 2])
        self.assertIn("not well-formed XML (line", messages[0])

    def test_it_refuses_an_oversized_file(self) -> None:
        messages = self.rejected(GOOD + b" " * (20 * 1024 * 1024))
        self.assertEqual(messages, ["The file is over 20 MB, far larger than a CTF for one school."])

    def test_it_refuses_xml_that_is_not_a_ctf(self) -> None:
        messages = self.rejected(b"<?xml version='1.0'?><html><body/></html>")
        self.assertEqual(
            messages, ["This is not a Common Transfer File: its root element is <html>, not <CTfile>."]
        )

    def test_the_import_page_imports_and_then_reports_no_change(self) -> None:
        self.login(self.office)
        response = self.client.post(
            "/people/import/ctf/", {"file": SimpleUploadedFile("ctf.xml", GOOD, "text/xml")}, follow=True
        )
        self.assertContains(response, "6 added")
        response = self.client.post(
            "/people/import/ctf/", {"file": SimpleUploadedFile("ctf.xml", GOOD, "text/xml")}, follow=True
        )
        self.assertContains(response, "No change")

    def test_a_pupils_page_lists_contacts_in_order_with_parental_responsibility(self) -> None:
        self.import_ctf(GOOD)
        juniper = Person.objects.get(school=self.school, mis_id="P999999919001")
        self.login(self.teacher)
        body = self.client.get(f"/people/{juniper.pk}/").content.decode()
        first = body.index("Marigold Thistlewood</a>, Mother (contact 1): parental responsibility")
        second = body.index("Bramble Okonkwo</a>, Grandfather (contact 2): no parental responsibility")
        self.assertLess(first, second)

    def test_the_import_page_lists_the_problems(self) -> None:
        self.login(self.deputy)
        response = self.client.post(
            "/people/import/ctf/", {"file": SimpleUploadedFile("ctf.xml", BAD, "text/xml")}
        )
        self.assertContains(response, "Nothing was imported")
        self.assertContains(response, "date of birth 2019-02-30 is not a date")

    def test_the_command_imports_with_a_dry_run_first(self) -> None:
        out = StringIO()
        path = str(FIXTURES / "good.xml")
        call_command("people_import_ctf", path, "--school", self.school.slug, "--dry-run", stdout=out)
        self.assertIn("Dry run (nothing written): 6 added", out.getvalue())
        self.assertFalse(Person.objects.filter(mis_id="P999999919001").exists())
        call_command("people_import_ctf", path, "--school", self.school.slug, stdout=out)
        self.assertTrue(Person.objects.filter(mis_id="P999999919001").exists())
        call_command("people_import_ctf", path, "--school", self.school.slug, stdout=out)
        self.assertIn("No change", out.getvalue().splitlines()[-1])

    def test_the_command_lists_the_problems_and_fails(self) -> None:
        err = StringIO()
        with self.assertRaises(CommandError):
            call_command(
                "people_import_ctf", str(FIXTURES / "bad.xml"), "--school", self.school.slug, stderr=err
            )
        self.assertIn("date of birth 2019-02-30 is not a date", err.getvalue())
