"""The safeguarding log in a real browser: a report travels from a teacher to the Head and onto the pupil's
chronology, and a stored script in a description never runs."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def open_as(browser: object) -> Iterator[object]:
    """A fresh signed-in browser context per user, each collecting console (CSP) errors."""
    contexts = []

    def _open(server: object, username: str) -> object:
        context = browser.new_context(locale="en-GB", timezone_id="Europe/London")  # type: ignore[attr-defined]
        contexts.append(context)
        page = context.new_page()
        page.csp_errors = []
        # Any console error fails the journey: CSP refusals, and any resource that failed to load.
        page.on("console", lambda msg: page.csp_errors.append(msg.text) if msg.type == "error" else None)
        sign_in(page, server, username)
        page.wait_for_url(re.compile(r".*/$"))
        return page

    yield _open
    for context in contexts:
        context.close()


def report(page: object, server: object, description: str, *, find: str = "Kestrels") -> str:
    """File a cyberbullying report naming the first pupil found; returns that pupil's listed name."""
    page.goto(server.url + "/incidents/new/")
    page.get_by_label("Category").select_option("cyberbullying")
    page.get_by_label("Where?").fill("Year 2 classroom")
    page.get_by_label("What happened and what did you see?").fill(description)
    page.get_by_label("Find people").fill(find)
    page.get_by_role("button", name="Search").click()
    # The search keeps everything typed so far.
    assert page.get_by_label("What happened and what did you see?").input_value() == description
    first = page.locator("table.picker tbody tr").first
    first.locator("input[type=checkbox]").check()
    first.locator("select").select_option("victim")
    name = first.locator("label").first.inner_text()
    page.get_by_role("button", name="Send report").click()
    page.wait_for_url(re.compile(r".*/incidents/\d+/$"))
    return name


def test_it_takes_a_report_from_teacher_to_head_and_onto_the_pupils_chronology(server, open_as) -> None:
    teacher = open_as(server, "teacher")
    pupil = report(teacher, server, "Unkind messages about a classmate in the class chat (journey test).")
    assert teacher.get_by_text(re.compile(r"your report was received as Incident #\d+")).is_visible()
    incident_url = teacher.url
    reference = teacher.get_by_role("heading", level=1).inner_text().split()[1]  # "#123"
    assert teacher.csp_errors == []

    coordinator = open_as(server, "coordinator")
    coordinator.goto(incident_url)
    coordinator.locator("form.step-triage textarea").fill("Seen; I will speak to the class teacher.")
    coordinator.get_by_role("button", name="Triage: I have this").click()
    assert coordinator.get_by_role("heading", level=1).get_by_text("Triaged").is_visible()
    coordinator.locator("form.step-escalate textarea").fill("Repeated bullying: the Head should decide.")
    coordinator.get_by_role("button", name="Escalate to the Headteacher").click()
    assert (
        coordinator.get_by_role("heading", level=1).get_by_text("Escalated to the Headteacher").is_visible()
    )
    assert coordinator.get_by_role("button", name="Record outcome").count() == 0
    assert coordinator.csp_errors == []

    head = open_as(server, "head")
    head.goto(incident_url)
    head.get_by_text("Record an outcome").click()
    head.get_by_label(re.compile(r"^Outcome:?$")).select_option("behaviour_sanction")
    head.get_by_label("Behaviour-policy sanction").select_option("loss_of_privileges")
    head.get_by_role("button", name="Record outcome").click()
    assert head.get_by_text("Outcome recorded.").is_visible()
    head.locator("form.step-close textarea").fill("Sanction given and parents spoken to.")
    head.get_by_role("button", name="Close the incident").click()
    assert head.get_by_role("heading", level=1).get_by_text("Closed").is_visible()

    head.get_by_role("link", name=pupil).click()
    head.wait_for_url(re.compile(r".*/incidents/people/\d+/$"))
    entry = head.locator("ol.chronology > li").filter(has_text=f"Incident {reference}")
    assert entry.get_by_text("journey test").is_visible()
    assert entry.get_by_text("Loss of privileges or ICT access").is_visible()
    assert entry.get_by_text("Closed").is_visible()
    assert head.csp_errors == []


def test_it_never_runs_a_script_stored_in_a_description(server, open_as) -> None:
    payload = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">"
    teacher = open_as(server, "teacher")
    report(teacher, server, payload)
    coordinator = open_as(server, "coordinator")
    dialogs: list[str] = []
    coordinator.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in (teacher.url.removeprefix(server.url), "/incidents/"):
        coordinator.goto(server.url + path)
        coordinator.wait_for_load_state("load")
        assert coordinator.title() != "pwned"
    coordinator.goto(teacher.url)
    assert (
        coordinator.locator(".description")
        .get_by_text("<script>document.title='pwned'</script>", exact=False)
        .is_visible()
    )
    assert coordinator.locator(".description img").count() == 0
    assert coordinator.evaluate("document.title") != "pwned"
    assert dialogs == []


DONE_MEANS = {
    # user: {path: expected status}
    "teacher": {"/incidents/new/": 200, "/incidents/": 200, "/incidents/actions/": 200},
    "office": {"/incidents/new/": 200},
    "technician": {"/incidents/new/": 200},
    "governor": {"/incidents/new/": 200, "/incidents/": 403, "/incidents/actions/": 403},
    "coordinator": {"/incidents/": 200, "/incidents/actions/": 200},
    "head": {"/incidents/": 200},
}


def test_it_meets_done_means_on_the_demo_school(server, open_as, page) -> None:
    for username, expected in DONE_MEANS.items():
        user_page = open_as(server, username)
        for path, status in expected.items():
            response = user_page.goto(server.url + path)
            assert response.status == status, (username, path, response.status)
    teacher = open_as(server, "teacher")
    teacher.goto(server.url + "/incidents/actions/")
    assert teacher.locator("table").first.locator("tbody tr").count() >= 1  # actions given to the teacher
    coordinator = open_as(server, "coordinator")
    coordinator.goto(server.url + "/incidents/")
    assert coordinator.locator("table.incidents tbody tr").count() == 50  # a realistic log: pages of it
    page.goto(server.url + "/incidents/")
    assert "/accounts/login/" in page.url
