"""Contact-detail patterns, from how UK phone numbers, postcodes and addresses are written (Ofcom's drama
ranges 01632 960xxx, 020 7946 0xxx and 07700 900xxx, and Royal Mail's postcode format)."""

from __future__ import annotations

import pytest

from esafety.publishing.checker import Directory, check_text
from esafety.publishing.checker._contacts import contact_key

PHONES = [
    "01632 960123",
    "01632960123",
    "(01632) 960123",
    "(01632) 960 123",
    "01632-960-123",
    "020 7946 0018",
    "0207 946 0018",
    "(020) 7946 0018",
    "0161 496 0000",
    "07700 900123",
    "07700 900 123",
    "07700-900-123",
    "+44 7700 900123",
    "+447700900123",
    "+44 (0)7700 900123",
    "+44 (0) 20 7946 0018",
    "0044 20 7946 0018",
    "0800 123 4567",
    "0300 123 4567",
]
NOT_PHONES = [
    "2015-01-13",
    "Year 6 raised 1,250 pounds",
    "page 0 of 12",
    "01/09/2025",
    "0.75 litres",
    "reference 12345678901",
    "04400 000000",  # no such range
    "0161 496",  # too short
]
POSTCODES = [
    "SW1A 1AA",
    "M1 1AE",
    "B33 8TH",
    "CR2 6XH",
    "DN55 1PT",
    "EC1A 1BB",
    "LS1 4AP",
    "ls1 4ap",
    "W1A0AX",
]
NOT_POSTCODES = ["Y2 3PM", "HB1 2AB", "Q1 1AA", "at 10 AM", "BBC1 is on", "RE5 1ON"]
ADDRESSES = [
    "12 Meadow Lane",
    "3a Station Road",
    "Flat 2, 14 Church Street",
    "221 Baker Street",
    "7 Orchard Close",
]
NOT_ADDRESSES = ["Year 2 went to the lane", "12 children walked", "the road to 2 places"]
EMAILS = ["dawn.ashdown@home.example", "AVA_A+school@Mail.Example.org", "o'neill@family.example"]
NOT_EMAILS = ["@hollybrook on social media", "name at example dot com", "email@", "a@b"]

EMPTY = Directory()


def kinds(text: str) -> list[tuple[str, str]]:
    return [(finding.kind, finding.text) for finding in check_text(text, EMPTY)]


@pytest.mark.parametrize("phone", PHONES)
def test_it_finds_uk_phone_numbers_as_people_write_them(phone: str) -> None:
    assert kinds(f"Call {phone} today.") == [("phone-number", phone)]


@pytest.mark.parametrize("text", NOT_PHONES)
def test_it_does_not_take_other_numbers_for_phones(text: str) -> None:
    assert [kind for kind, _ in kinds(text) if kind == "phone-number"] == []


def test_it_finds_two_numbers_side_by_side() -> None:
    assert kinds("01632 960123 07700 900123") == [
        ("phone-number", "01632 960123"),
        ("phone-number", "07700 900123"),
    ]


@pytest.mark.parametrize("postcode", POSTCODES)
def test_it_finds_postcodes(postcode: str) -> None:
    assert kinds(f"We live at {postcode} now.") == [("postcode", postcode)]


@pytest.mark.parametrize("text", NOT_POSTCODES)
def test_it_does_not_take_other_codes_for_postcodes(text: str) -> None:
    assert kinds(text) == []


@pytest.mark.parametrize("address", ADDRESSES)
def test_it_finds_street_addresses(address: str) -> None:
    assert kinds(f"Send it to {address} please.") == [("postal-address", address)]


@pytest.mark.parametrize("text", NOT_ADDRESSES)
def test_it_does_not_take_other_text_for_addresses(text: str) -> None:
    assert kinds(text) == []


@pytest.mark.parametrize("email", EMAILS)
def test_it_finds_email_addresses(email: str) -> None:
    assert kinds(f"Write to {email}.") == [("email-address", email)]


@pytest.mark.parametrize("text", NOT_EMAILS)
def test_it_does_not_take_other_text_for_email(text: str) -> None:
    assert kinds(text) == []


def test_it_lets_the_school_publish_its_own_details() -> None:
    school = Directory(
        allowed_contacts=frozenset(
            contact_key(value) for value in ("01632 960000", "office@hollybrook.sch.example", "LS1 4AP")
        )
    )
    text = "Office: +44 (0)1632 960 000, Office@Hollybrook.sch.example, LS14AP. Parent: 07700 900123."
    assert [(f.kind, f.text) for f in check_text(text, school)] == [("phone-number", "07700 900123")]


def test_it_names_the_person_a_known_detail_belongs_to() -> None:
    school = Directory(contacts={contact_key("07700 900123"): 41})
    (finding,) = check_text("Ring 07700-900-123", school)
    assert (finding.kind, finding.person, finding.offset) == ("phone-number", 41, 5)
