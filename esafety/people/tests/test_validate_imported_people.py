"""Every imported cell is checked against the directory's own limits before anything is written.

Security drill finding 8: a formula-looking MIS id exported as ``'=1+1`` re-imported as a new person, NUL bytes
were accepted, and a 100-character MIS id was stored though the model allows 64 (the person could then not be
edited).
"""

from __future__ import annotations

from esafety.people.actions import import_people
from esafety.people.importer import ImportRejected, export_people
from esafety.people.models import Guardianship, Person
from esafety.test import BaseTestCase, make_person

HEADER = "mis_id,kind,first_name,last_name,year_group,class,children,relationship\n"


class ValidateImportedPeopleTests(BaseTestCase):
    def import_text(self, text: str) -> object:
        return import_people(self.school, text.encode(), actor=self.office)

    def rejected(self, text: str) -> list[tuple[int, str, str]]:
        before = Person.objects.count()
        with self.assertRaises(ImportRejected) as caught:
            self.import_text(text)
        self.assertEqual(Person.objects.count(), before, "nothing may be written")
        return [(e.line, e.column, e.message) for e in caught.exception.report.errors]

    def test_it_round_trips_formula_looking_mis_ids_and_children(self) -> None:
        pupil = make_person(
            self.school, Person.Kind.PUPIL, "Ida", "Formula", mis_id="=1+1", year_group="Year 1"
        )
        carer = make_person(self.school, Person.Kind.PARENT, "Rex", "Formula", mis_id="@SUM(A1)")
        Guardianship.objects.create(parent=carer, pupil=pupil, relationship="-Carer")
        exported = export_people(self.school)
        self.assertIn("'=1+1", exported)  # still safe to open in a spreadsheet
        people = Person.objects.count()
        report = import_people(self.school, exported.encode(), actor=self.office)
        self.assertEqual((report.created, report.updated, report.links_created), (0, 0, 0))
        self.assertEqual(Person.objects.count(), people)
        self.assertEqual(Guardianship.objects.get(parent=carer).relationship, "-Carer")

    def test_it_refuses_nul_bytes_in_any_cell(self) -> None:
        errors = self.rejected(HEADER + "P1\x00,pupil,Ann,Nul,Year 1,,,\nP2,pupil,Bo\x00b,Nul,Year 1,,,\n")
        self.assertEqual([(line, column) for line, column, _ in errors], [(2, "mis_id"), (3, "first_name")])
        self.assertIn("NUL", errors[0][2])

    def test_it_refuses_cells_longer_than_the_directory_holds(self) -> None:
        # The model's limits: mis_id 64, year_group 20, class 50, relationship 50.
        errors = self.rejected(
            HEADER
            + f"{'M' * 65},pupil,Ann,Long,Year 1,,,\n"
            + f"P3,pupil,Ann,Long,{'Y' * 21},,,\n"
            + f"P4,pupil,Ann,Long,Year 1,{'C' * 51},,\n"
            + f"C5,parent,Ann,Long,,,P1,{'R' * 51}\n"
            + "P1,pupil,Ok,Row,Year 1,,,\n"
            + f"{'M' * 64},pupil,Just,Fits,Year 1,,,\n"
        )
        self.assertEqual(
            [(line, column) for line, column, _ in errors],
            [(2, "mis_id"), (3, "year_group"), (4, "class"), (5, "relationship")],
        )
        self.assertIn("64", errors[0][2])

    def test_it_accepts_a_64_character_mis_id_and_the_person_can_be_edited(self) -> None:
        self.import_text(HEADER + f"{'M' * 64},pupil,Just,Fits,Year 1,,,\n")
        person = Person.objects.get(mis_id="M" * 64)
        person.full_clean()
