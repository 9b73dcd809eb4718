"""Filter logs into counts, blocked events and items: real Squid and e2guardian lines, malformed ones counted,
resumed without double counting, attributed by account, device or DHCP lease."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.urls import reverse

from esafety.filtering import ingest
from esafety.filtering.models import (
    AttemptItem,
    BlockedEvent,
    DailyCount,
    Device,
    FilterSettings,
    Lease,
    LogSource,
    NetworkAccount,
)
from esafety.filtering.tests.helpers import FilteringTestCase
from esafety.governance import disposal
from esafety.governance.disposal import Holds
from esafety.incidents.models import Incident
from esafety.monitoring.models import Capture
from esafety.registers.models import NetworkAccount as RegisteredAccount

# 2026-11-30 10:00:00 UTC onwards; Squid native format as Squid 5 writes it.
T = 1796032800
SQUID = [
    f"{T}.123     45 10.10.4.12 TCP_REDIRECT/302 310 GET http://12buzz.com/ ava.ashdown HIER_NONE/- text/html",
    f"{T + 1}.000     12 10.10.4.12 TCP_MISS/200 2048 GET http://www.bbc.co.uk/bitesize ava.ashdown HIER_DIRECT/203.0.113.6 text/html",
    f"{T + 2}.500      0 10.10.4.50 TCP_DENIED/403 3900 GET http://abdlchat.org/ - HIER_NONE/- text/html",
    # Allowed by an older filter but on the chat list now: a visit that got through.
    f"{T + 3}.000     30 10.10.4.77 TCP_TUNNEL/200 5120 CONNECT 12buzz.com:443 - HIER_DIRECT/203.0.113.5 -",
    "",
    "garbage",
    f"{T + 4}.000 1 10.10.4.12 TCP_MISS/abc 1 GET http://x.example/ - HIER_NONE/- -",
    f"{T + 5}.000     10 10.10.4.12 TCP_MISS/200 900 GET https://www.google.co.uk/search?q=how+to+make+a+bomb ava.ashdown HIER_DIRECT/1.2.3.4 text/html",
]
E2G = [
    "\t".join(
        [
            "2026.11.30",
            "11:00:00",
            "ava.ashdown",
            "10.10.4.12",
            "http://abdlchat.org/x",
            "*DENIED*",
            "Banned site: abdlchat.org",
            "GET",
            "0",
            "0",
            "chat",
            "1",
            "403",
            "text/html",
            "-",
            "pupils",
        ]
    ),
    "2026.13.99 bad line here x y z w v u",
]
DHCPD = """
lease 10.10.4.50 {
  starts 1 2026/11/30 08:00:00;
  ends 1 2026/11/30 20:00:00;
  hardware ethernet 00:11:22:33:44:55;
  client-hostname "ipad-07";
}
lease 10.10.4.51 {
  starts 1 2026/11/30 08:00:00;
}
"""


class TestIngestFilterLog(FilteringTestCase):
    def setUp(self) -> None:
        super().setUp()
        NetworkAccount.objects.create(school=self.school, person=self.pupil, username="ava.ashdown")

    def write(self, lines: list[str], name: str = "access.log") -> Path:
        path = Path(self._var) / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def run_command(self, path: Path, fmt: str = "squid") -> str:
        out = StringIO()
        call_command("filtering_ingest_log", "--format", fmt, "--school", "hollybrook", str(path), stdout=out)
        return out.getvalue()

    def test_it_attributes_an_account_the_registers_room_issued(self) -> None:
        # A supply teacher's temporary account, issued in Registers, not in the filter's own table.
        RegisteredAccount.objects.create(
            school=self.school,
            kind=RegisteredAccount.Kind.SUPPLY,
            person=self.staff_member,
            first_name="Sam",
            last_name="Supply",
            username="SSupply01",
            aup=RegisteredAccount.Aup.PAPER,
            issued_by=self.technician,
            ends_on=date(2027, 7, 20),
        )
        line = f"{T}.000     45 10.10.9.9 TCP_REDIRECT/302 310 GET http://12buzz.com/ ssupply01 HIER_NONE/- text/html"
        self.run_command(self.write([line]))
        event = BlockedEvent.objects.get(school=self.school)
        self.assertEqual(event.person, self.staff_member)

    def test_it_counts_requests_per_person_category_and_day_and_keeps_blocked_events(self) -> None:
        output = self.run_command(self.write(SQUID))
        self.assertIn("5 requests, 2 blocked, 1 got through", output)
        self.assertIn("bad status or size: 1", output)
        ava = DailyCount.objects.get(school=self.school, person=self.pupil, category="chat")
        self.assertEqual((ava.blocked, ava.allowed), (1, 0))
        self.assertEqual(
            DailyCount.objects.get(school=self.school, person=self.pupil, category="-").allowed, 2
        )
        events = BlockedEvent.objects.filter(school=self.school).order_by("at")
        self.assertEqual(
            [(e.host, e.got_through) for e in events],
            [("12buzz.com", False), ("abdlchat.org", False), ("12buzz.com", True)],
        )
        source = LogSource.objects.get(school=self.school)
        self.assertEqual(source.malformed, {"empty line": 1, "too few fields": 1, "bad status or size": 1})

    def test_it_resumes_without_counting_a_line_twice(self) -> None:
        path = self.write(SQUID[:2])
        self.run_command(path)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(SQUID[2] + "\n" + SQUID[3][:20])  # the last line is still being written
        self.run_command(path)
        self.run_command(path)
        self.assertEqual(BlockedEvent.objects.filter(school=self.school).count(), 2)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(SQUID[3][20:] + "\n")
        self.run_command(path)
        self.assertEqual(BlockedEvent.objects.filter(school=self.school).count(), 3)
        self.assertEqual(LogSource.objects.get(school=self.school).lines, 4)

    def test_it_reads_a_rotated_file_from_its_start(self) -> None:
        path = self.write(SQUID[:3])
        self.run_command(path)
        path.unlink()
        self.write([SQUID[0].replace(str(T), str(T + 3600))], "access.log")
        self.run_command(path)
        self.assertEqual(BlockedEvent.objects.filter(school=self.school, host="12buzz.com").count(), 2)

    def test_it_reads_e2guardian_logs(self) -> None:
        output = self.run_command(self.write(E2G, "e2.log"), "e2guardian")
        self.assertIn("1 requests, 1 blocked", output)
        event = BlockedEvent.objects.get(school=self.school)
        self.assertEqual((event.person, event.category, event.host), (self.pupil, "chat", "abdlchat.org"))

    def test_it_attributes_by_device_then_dhcp_lease(self) -> None:
        Device.objects.create(school=self.school, person=self.pupil2, name="iPad 7", mac="00:11:22:33:44:55")
        Device.objects.create(school=self.school, person=self.staff_member, name="Laptop", ip="10.10.4.77")
        result = ingest.import_leases(self.school, DHCPD, "dhcpd")
        self.assertEqual(result.imported, 1)
        self.assertEqual(len(result.errors), 1)
        self.assertIn("10.10.4.51", result.errors[0][1])
        self.run_command(self.write(SQUID))
        self.assertEqual(
            BlockedEvent.objects.get(host="abdlchat.org").person, self.pupil2
        )  # lease -> MAC -> device
        self.assertEqual(
            BlockedEvent.objects.get(got_through=True).person, self.staff_member
        )  # fixed address

    def test_it_imports_csv_leases_with_row_errors(self) -> None:
        text = "ip,mac,starts,ends,hostname\n10.10.4.50,00:AA:BB:CC:DD:EE,2026-11-30T08:00:00,2026-11-30T20:00:00,pc1\nnot-an-ip,x,y,z,\n"
        result = ingest.import_leases(self.school, text, "csv")
        self.assertEqual(result.imported, 1)
        self.assertEqual(result.errors[0][0], 3)
        lease = Lease.objects.get(school=self.school)
        self.assertEqual(
            (lease.mac, lease.starts), ("00:aa:bb:cc:dd:ee", datetime(2026, 11, 30, 8, tzinfo=UTC))
        )

    def test_it_raises_items_for_repeated_attempts_and_got_through_visits(self) -> None:
        FilterSettings.objects.filter(school=self.school).update(repeat_threshold=3)
        lines = [SQUID[0].replace(str(T), str(T + i * 60)) for i in range(3)] + [SQUID[3]]
        self.run_command(self.write(lines))
        repeated = AttemptItem.objects.get(school=self.school, kind=AttemptItem.Kind.REPEATED)
        self.assertEqual((repeated.person, repeated.category, repeated.count), (self.pupil, "chat", 3))
        self.assertTrue(
            AttemptItem.objects.filter(school=self.school, kind=AttemptItem.Kind.GOT_THROUGH).exists()
        )
        self.login(self.coordinator)
        response = self.client.post(reverse("filtering:item_incident", args=[repeated.pk]))
        incident = Incident.objects.get(school=self.school, source="filtering")
        self.assertRedirects(
            response, reverse("incidents:detail", args=[incident.pk]), fetch_redirect_response=False
        )
        self.assertEqual(list(incident.people.all()), [self.pupil])

    def test_it_sends_search_terms_to_the_monitoring_scanner(self) -> None:
        self.run_command(self.write(SQUID))
        self.run_command(self.write(SQUID, "copy.log"))  # the same requests again: scanned once
        captures = Capture.objects.filter(school=self.school)
        self.assertEqual(captures.count(), 1)
        self.assertEqual((captures[0].text, captures[0].person), ("how to make a bomb", self.pupil))

    def test_it_disposes_of_what_is_older_than_the_retention_unless_held(self) -> None:
        self.run_command(self.write(SQUID))
        FilterSettings.objects.filter(school=self.school).update(retention_days=30)
        logs = disposal.record_type("filtering.logs")
        self.assertEqual(disposal.period_of(self.school, logs), 30)
        self.assertEqual(logs.disposer(self.school, 30, date(2026, 12, 15), Holds()).removed, 0)
        held = logs.disposer(
            self.school, 30, date(2026, 12, 31), Holds(person_ids=frozenset({self.pupil.pk}))
        )
        self.assertGreater(held.held, 0)
        self.assertTrue(BlockedEvent.objects.filter(school=self.school, person=self.pupil).exists())
        removed = logs.disposer(self.school, 30, date(2026, 12, 31), Holds())
        self.assertGreater(removed.removed, 0)
        self.assertFalse(BlockedEvent.objects.filter(school=self.school).exists())
        self.assertFalse(DailyCount.objects.filter(school=self.school).exists())
