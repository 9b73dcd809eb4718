"""Policies in a real browser: the Co-ordinator publishes a new Acceptable Use version and a campaign starts; a
teacher acknowledges it at /policies/mine/; a parent signs the Parent Code of Conduct from the e-mailed link on a
phone-sized screen with JavaScript switched off; the campaign pages show both."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from e2e.conftest import Server, sign_in

pytestmark = pytest.mark.e2e

SIGN_LINK = re.compile(r"https?://[^/\s]+(/policies/sign/[A-Za-z0-9_-]{40,}/)")
PHONE = {
    "viewport": {"width": 375, "height": 667},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}


@pytest.fixture
def open_as(browser: object) -> Iterator[object]:
    contexts = []

    def _open(server: Server, username: str | None, **options: object) -> object:
        context = browser.new_context(locale="en-GB", timezone_id="Europe/London", **options)  # type: ignore[attr-defined]
        contexts.append(context)
        page = context.new_page()
        page.csp_errors = []
        page.on("console", lambda msg: page.csp_errors.append(msg.text) if msg.type == "error" else None)
        if username:
            sign_in(page, server, username)
            page.wait_for_url(re.compile(r".*/$"))
        return page

    yield _open
    for context in contexts:
        context.close()


def sent_mail(server: Server) -> str:
    folder = Path(server.var_dir) / "mail"
    text = (
        "\n".join(path.read_text(errors="replace") for path in sorted(folder.glob("*")))
        if folder.exists()
        else ""
    )
    return text.replace("=\n", "")  # undo quoted-printable soft line breaks, if any


def test_a_new_acceptable_use_version_reaches_a_teacher_and_a_parent_signs_on_a_phone(
    server, open_as
) -> None:
    coordinator = open_as(server, "coordinator")
    coordinator.goto(server.url + "/policies/manage/")
    coordinator.get_by_role("link", name="Version 2").click()
    coordinator.get_by_label("Ask people to acknowledge it").select_option("all_staff")
    coordinator.get_by_role("button", name="Publish").click()
    coordinator.wait_for_url(re.compile(r".*/policies/campaigns/\d+/$"))
    assert coordinator.get_by_text(re.compile(r"Campaign started: \d+ people asked")).is_visible()
    aup_campaign = coordinator.url
    # The public page now shows version 2 at the policy's stable address.
    public = open_as(server, None)
    public.goto(server.url + "/policies/hollybrook/acceptable-use-staff/")
    assert public.get_by_text("Version 2 · in force from").is_visible()
    assert "AI tools" in public.content()

    teacher = open_as(server, "teacher")
    teacher.goto(server.url + "/policies/mine/")
    owed = teacher.locator("section.owed", has_text="Acceptable Use Policy (staff, governors and visitors)")
    owed.get_by_label(re.compile("I have read Acceptable Use Policy")).check()
    owed.get_by_role("button", name="Acknowledge").click()
    assert teacher.get_by_text(
        re.compile("your acknowledgement of Acceptable Use Policy .* is recorded")
    ).is_visible()

    # This year's Code of Conduct for one class's parents: invitations go out by e-mail with personal links.
    coordinator.goto(server.url + "/policies/campaigns/new/")
    coordinator.get_by_label("Policy version").select_option(
        label="Parent Code of Conduct (social networking), version 1"
    )
    coordinator.get_by_label("Who is asked").select_option("parents_class")
    coordinator.get_by_label("Year group or class").fill("Kestrels")
    coordinator.get_by_label("Reason").select_option("annual")
    coordinator.get_by_role("button", name="Start and send invitations").click()
    coordinator.wait_for_url(re.compile(r".*/policies/campaigns/\d+/$"))
    code_campaign = coordinator.url
    mail = sent_mail(server)
    match = SIGN_LINK.search(mail[mail.find("Parent Code of Conduct") :])
    assert match, "no personal link was e-mailed"
    name = re.search(r"Dear ([^,\n]+),\n\nEach year we ask", mail).group(1)  # type: ignore[union-attr]

    parent = open_as(server, None, java_script_enabled=False, **PHONE)
    parent.goto(server.url + match.group(1))
    assert parent.get_by_role("heading", name="Our Parent Code of Conduct").is_visible()
    button = parent.get_by_role("button", name="I have read this and I agree")
    box = button.bounding_box()
    assert box and box["width"] >= 300 and box["height"] >= 44  # a thumb-sized button across a phone screen
    button.click()
    assert parent.get_by_role("heading", name="Thank you").is_visible()
    # The same link again: clearly refused, nothing recorded twice.
    parent.goto(server.url + match.group(1))
    assert parent.get_by_text("This link has already been used").is_visible()

    coordinator.goto(aup_campaign)
    row = coordinator.locator("tr", has_text="Sophie Barnes")
    assert "Acknowledged" in row.inner_text()
    assert "signed in" in row.inner_text()
    coordinator.goto(code_campaign)
    assert coordinator.get_by_text(re.compile(r"^1 of \d+$")).first.is_visible()
    row = coordinator.locator("tr", has_text=name)
    assert "Acknowledged" in row.inner_text() and "personal link" in row.inner_text()
    for page in (coordinator, teacher, parent, public):
        assert page.csp_errors == []  # type: ignore[attr-defined]


ISSUE_LINK = """
from datetime import timedelta
from django.utils import timezone
from esafety.core.links import issue_link
from esafety.policies.models import AcknowledgementCampaign
campaign = AcknowledgementCampaign.objects.filter(version__policy__kind="parent_code", status="open").earliest("pk")
request = campaign.requests.exclude(person__policy_acknowledgements__campaign=campaign).order_by("pk").last()
_, token = issue_link(school=campaign.school, person=request.person, purpose="policies.acknowledge",
                      subject_key=campaign.link_subject, expires_at=timezone.now() + timedelta(days=1))
print(request.person_id, campaign.pk, token)
"""
COUNT = """
from esafety.policies.models import Acknowledgement
print(Acknowledgement.objects.filter(person_id={person}, campaign_id={campaign}).count())
"""


def test_two_tabs_submitting_one_link_at_the_same_moment_record_one_acknowledgement(server) -> None:
    import http.cookiejar
    import threading
    import urllib.parse
    import urllib.request

    person, campaign, token = server.manage("shell", "-c", ISSUE_LINK).stdout.split()[-3:]
    url = f"{server.url}/policies/sign/{token}/"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(url).read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf}).encode()
    start = threading.Barrier(2)
    answers: list[str] = []

    def submit() -> None:
        start.wait()
        answers.append(opener.open(urllib.request.Request(url, data=body, method="POST")).read().decode())

    tabs = [threading.Thread(target=submit) for _ in range(2)]
    for tab in tabs:
        tab.start()
    for tab in tabs:
        tab.join()
    assert sorted("Thank you" in answer for answer in answers) == [False, True]
    assert any("already been used" in answer for answer in answers)
    assert (
        server.manage("shell", "-c", COUNT.format(person=person, campaign=campaign)).stdout.split()[-1] == "1"
    )
