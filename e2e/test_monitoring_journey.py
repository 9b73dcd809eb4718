"""An e-mail arrives in the journal mailbox -> one alert appears (two grooming phrases, one message) -> the ICT
Technician sees it without the words -> the Co-ordinator reads it and, with a note, makes it an incident in the
safeguarding log: triaged by her, the captured text attached, the words quoted for her."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from e2e.conftest import Server, sign_in
from e2e.dovecot import make_message, start_dovecot

pytestmark = pytest.mark.e2e
MARKER = "Kestrel-e2e-journey"


def test_an_email_becomes_an_incident(server: Server, page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dovecot = start_dovecot(tmp_path)
    try:
        out = server.manage(
            "monitoring_source",
            "--school",
            "hollybrook",
            "--name",
            "Journal e2e journey",
            "--host",
            dovecot.host,
            "--port",
            str(dovecot.port),
            "--user",
            dovecot.user,
            "--password",
            dovecot.password,
        ).stdout
        source = out.split("source ", 1)[1].split(":", 1)[0]
        dovecot.append(
            [
                make_message(
                    f"{MARKER} you are so mature for your age. dont tell your mum we talk ok",
                    subject="secret",
                    message_id="<journey-1@e2e>",
                ),
            ]
        )
        result = server.manage("monitoring_ingest", "--source", source)
        assert "1 captured" in result.stdout, result.stdout + result.stderr
    finally:
        dovecot.stop()

    # The technician runs the system: the queue shows the alert's metadata, never the pupil's words.
    sign_in(page, server, "technician")
    page.goto(f"{server.url}/monitoring/alerts/?category=grooming")
    assert page.get_by_text("metadata only").first.is_visible()
    assert page.get_by_text(MARKER).count() == 0
    page.context.clear_cookies()

    sign_in(page, server, "coordinator")
    page.goto(f"{server.url}/monitoring/alerts/")
    rows = page.locator("tr", has_text=MARKER)
    assert rows.count() == 1  # one message, one alert, though two grooming phrases matched
    row = rows.first
    assert row.locator("mark").first.inner_text() != ""
    row.get_by_role("link", name=re.compile("Review")).click()
    page.wait_for_url(re.compile(r"/monitoring/alerts/\d+/"))
    # The alert names its rule in plain words: flattery ("so mature for your age") beside secrecy ("dont tell").
    assert page.get_by_text("Flattery or affection beside secrecy").first.is_visible()
    page.get_by_label("Your note for the incident").fill("Grooming signs from an adult: DSL today")
    page.get_by_role("button", name="Create incident").click()
    page.wait_for_url(re.compile(r"/incidents/\d+/"))
    assert page.get_by_text(re.compile(r"Incident #\d+")).first.is_visible()
    assert page.get_by_text("monitoring-capture-").first.is_visible()
    assert page.get_by_text("Triaged").first.is_visible()
    assert page.get_by_text("Grooming signs from an adult: DSL today").first.is_visible()
    assert MARKER in page.locator("blockquote").first.inner_text()

    page.goto(f"{server.url}/monitoring/alerts/?status=incident")
    assert page.locator("tr", has_text=MARKER).count() >= 1
    # Chromium's own /favicon.ico request (404: no icon yet) is logged as a console error too; only refusals count.
    assert page.csp_errors == []


def test_words_dismissed_twice_go_on_the_allow_list(server: Server, page) -> None:  # type: ignore[no-untyped-def]
    """The demo's reviewers dismissed the school term "meet at the rec after dark" twice (parents' notices): the
    Co-ordinator sees the proposal, its dismissals and its effect on the evaluation sets, and allows it."""
    sign_in(page, server, "coordinator")
    page.goto(f"{server.url}/monitoring/alerts/")
    page.get_by_role("link", name=re.compile(r"\d+ allow-list proposals?")).click()
    page.wait_for_url(re.compile(r"/monitoring/allow-list/$"))
    proposal = page.locator("section.proposal", has_text="meet at the rec after dark")
    assert proposal.get_by_text("The PTA's bonfire night arrangements").is_visible()
    proposal.get_by_role("link", name=re.compile("Preview and decide")).click()
    page.wait_for_url(re.compile(r"/monitoring/allow-list/proposals/\w+/"))
    assert page.get_by_role("heading", name="The original set").is_visible()
    assert page.get_by_role("heading", name="The held-out set").is_visible()
    assert page.get_by_text("It stops catching no message of the original set.").is_visible()
    page.get_by_label("Why these words should no longer alert").fill(
        "Parents' notices about the recreation ground"
    )
    page.get_by_role("button", name="Allow up to severity 3").click()
    page.wait_for_url(re.compile(r"/monitoring/allow-list/$"))
    assert page.get_by_text("is on the school's allow list from the next scan").is_visible()
    row = page.locator("tr", has_text="meet at the rec after dark")
    assert row.get_by_text("Parents' notices about the recreation ground").is_visible()
    assert page.csp_errors == []
