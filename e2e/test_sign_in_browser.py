import pytest

from e2e.conftest import DEMO_PASSWORD, sign_in

pytestmark = pytest.mark.e2e


def test_it_signs_the_coordinator_in_to_their_dashboard(server, page) -> None:
    page.goto(server.url + "/")
    assert "/accounts/login/" in page.url
    sign_in(page, server, "coordinator")
    page.wait_for_url(server.url + "/")
    assert page.get_by_role("heading", name="Hello, Priya").is_visible()
    assert (
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Safeguarding log").is_visible()
    )
    assert page.csp_errors == []


def test_it_refuses_a_wrong_password_and_keeps_the_user_name(server, page) -> None:
    sign_in(page, server, "teacher", password="not-the-password")
    assert "/accounts/login/" in page.url
    assert page.get_by_label("User name").input_value() == "teacher"
    assert page.get_by_text("Please enter a correct").is_visible()


def test_it_puts_the_cursor_in_the_user_name_and_signs_in_from_the_keyboard(server, page) -> None:
    page.goto(server.url + "/accounts/login/")
    assert page.evaluate("document.activeElement.name") == "username"
    page.keyboard.type("teacher")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(server.url + "/")
    assert page.csp_errors == []


def test_it_offers_a_skip_link_first_on_every_page(server, page) -> None:
    sign_in(page, server, "teacher")
    page.wait_for_url(server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
