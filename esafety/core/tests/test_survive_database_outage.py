from django.db import OperationalError, ProgrammingError, connection
from django.test import Client, override_settings

from esafety.test import BaseTestCase, refusing_database


@override_settings(DEBUG=False)
class DatabaseOutageTests(BaseTestCase):
    def test_it_answers_503_and_gives_back_what_was_typed_when_the_database_is_down_before_the_view(
        self,
    ) -> None:
        self.login(self.teacher)
        client: Client = self.client
        client.raise_request_exception = False
        with connection.execute_wrapper(refusing_database(OperationalError("connection refused"))):
            response = client.post(
                "/incidents/new/",
                {"description": "He said <script>x()</script> to Ava", "location": "ICT suite"},
            )
        self.assertEqual(response.status_code, 503)
        self.assertContains(response, "nothing was saved", status_code=503)
        self.assertContains(response, "He said &lt;script&gt;x()&lt;/script&gt; to Ava", status_code=503)
        self.assertContains(response, "ICT suite", status_code=503)

    def test_it_keeps_the_plain_error_page_for_other_failures(self) -> None:
        self.login(self.teacher)
        self.client.raise_request_exception = False
        with connection.execute_wrapper(refusing_database(ProgrammingError("no such column: bug"))):
            response = self.client.get("/")
        self.assertEqual(response.status_code, 500)
        self.assertContains(response, "Something went wrong", status_code=500)
