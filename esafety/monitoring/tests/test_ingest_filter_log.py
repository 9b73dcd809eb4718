from __future__ import annotations

import io
import tempfile

from django.core.management import call_command

from esafety.monitoring.models import Capture, Source
from esafety.monitoring.searchlog import query_from_url, search_terms
from esafety.monitoring.tests.helpers import MonitoringTestCase

LOG = """\
1709900000.123    120 10.0.4.17 TCP_MISS/200 5120 GET https://www.google.co.uk/search?q=how+many+pills+does+it+take&hl=en teacher DIRECT/142.250.0.1 text/html
1709900060.456     80 10.0.4.18 TCP_MISS/200 4000 GET https://www.bing.com/search?q=volcano+for+science+fair - DIRECT/1.2.3.4 text/html
1709900120.789     95 10.0.4.19 TCP_MISS/200 4000 GET https://www.youtube.com/results?search_query=how+to+make+a+bomb - DIRECT/1.2.3.4 text/html
1709900180.000     95 10.0.4.19 TCP_MISS/200 4000 GET https://www.example.com/page?q=kill+myself - DIRECT/1.2.3.4 text/html
garbage line without a url
"""


class IngestFilterLogTests(MonitoringTestCase):
    def test_it_extracts_search_queries_from_known_engines(self) -> None:
        self.assertEqual(
            query_from_url("https://duckduckgo.com/?q=i+want+to+die"), ("duckduckgo.com", "i want to die")
        )
        self.assertEqual(query_from_url("https://www.google.com/search?q=kittens")[1], "kittens")
        self.assertIsNone(query_from_url("https://www.example.com/search?q=kittens"))
        self.assertIsNone(query_from_url("https://www.google.com/maps?q=kittens"))
        terms = list(search_terms(LOG.splitlines()))
        self.assertEqual(
            [t.query for t in terms],
            ["how many pills does it take", "volcano for science fair", "how to make a bomb"],
        )
        self.assertEqual(terms[0].user, "teacher")

    def test_it_scans_searches_once_however_often_the_log_is_read(self) -> None:
        with tempfile.NamedTemporaryFile("w", suffix=".log") as handle:
            handle.write(LOG)
            handle.flush()
            call_command(
                "monitoring_ingest_log",
                handle.name,
                "--school",
                self.school.slug,
                stdout=io.StringIO(),
            )
            call_command(
                "monitoring_ingest_log",
                handle.name,
                "--school",
                self.school.slug,
                stdout=io.StringIO(),
            )
        captures = Capture.objects.order_by("occurred_at")
        self.assertEqual([c.text for c in captures], ["how many pills does it take", "how to make a bomb"])
        self.assertEqual(captures[0].person, self.teacher.person)  # the proxy user name is a sign-in name
        self.assertEqual({c.source.kind for c in captures}, {Source.Kind.FILTER_LOG})
