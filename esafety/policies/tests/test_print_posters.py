import io

from django.urls import reverse
from pypdf import PdfReader

from esafety.policies.tests.helpers import PolicyTestCase


class PrintPostersTests(PolicyTestCase):
    def test_it_prints_a4_posters_for_infants_and_adults(self) -> None:
        self.login(self.teacher)
        expected = {
            "infants": "Keep your password secret.",
            "adults": "The Acceptable Use Policy applies at all times.",
        }
        for audience, words in expected.items():
            with self.subTest(audience=audience):
                response = self.client.get(reverse("policies:poster", args=[audience]))
                self.assertEqual(response["Content-Type"], "application/pdf")
                reader = PdfReader(io.BytesIO(response.content))
                self.assertEqual(len(reader.pages), 1)
                box = reader.pages[0].mediabox
                self.assertEqual(
                    (round(float(box.width)), round(float(box.height))), (595, 842)
                )  # A4 in points
                text = " ".join(reader.pages[0].extract_text().split())
                self.assertIn(words, text)
                self.assertIn("Hollybrook Primary", text)
        self.assertEqual(self.client.get("/policies/posters/nobody.pdf").status_code, 404)
