"""Contact details in readable text: UK phone numbers, e-mail addresses, postcodes and street addresses.

The school's own details (``Directory.allowed_contacts``) may be published and are not findings; a detail that
belongs to someone in the directory (``Directory.contacts``) is reported with that person's id.
"""

from __future__ import annotations

import re

from esafety.publishing.checker._html import Segment
from esafety.publishing.checker._types import Directory, Finding

# UK phone numbers as people write them: 01632 960123, (01632) 960 123, 020 7946 0018, 07700-900-123,
# +44 7700 900123, +44 (0)161 496 0000, 0044 20 7946 0018. The trailing look-ahead stops a match inside a longer
# run of digits, so two numbers side by side are two findings, not one long non-number.
_PHONE = re.compile(
    r"(?<![\w+/.])"
    r"(?:(?:\+|00)44[ \t]?(?:\(0\)[ \t]?)?|\(0(?=\d{2,4}\))|0)"
    r"(?:\d[ \t\-)]{0,2}){8,10}\d"
    r"(?![\w/])"
)
_EMAIL = re.compile(
    r"(?<![\w.+'-])[A-Za-z0-9][A-Za-z0-9._%+'-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
)
# Royal Mail's postcode areas: only these can start a postcode, which keeps "Y2 3PM" and "RE5 1ON" out.
_AREAS = [
    "AB",
    "AL",
    "B",
    "BA",
    "BB",
    "BD",
    "BH",
    "BL",
    "BN",
    "BR",
    "BS",
    "BT",
    "CA",
    "CB",
    "CF",
    "CH",
    "CM",
    "CO",
    "CR",
    "CT",
    "CV",
    "CW",
    "DA",
    "DD",
    "DE",
    "DG",
    "DH",
    "DL",
    "DN",
    "DT",
    "DY",
    "E",
    "EC",
    "EH",
    "EN",
    "EX",
    "FK",
    "FY",
    "G",
    "GL",
    "GU",
    "GY",
    "HA",
    "HD",
    "HG",
    "HP",
    "HR",
    "HS",
    "HU",
    "HX",
    "IG",
    "IM",
    "IP",
    "IV",
    "JE",
    "KA",
    "KT",
    "KW",
    "KY",
    "L",
    "LA",
    "LD",
    "LE",
    "LL",
    "LN",
    "LS",
    "LU",
    "M",
    "ME",
    "MK",
    "ML",
    "N",
    "NE",
    "NG",
    "NN",
    "NP",
    "NR",
    "NW",
    "OL",
    "OX",
    "PA",
    "PE",
    "PH",
    "PL",
    "PO",
    "PR",
    "RG",
    "RH",
    "RM",
    "S",
    "SA",
    "SE",
    "SG",
    "SK",
    "SL",
    "SM",
    "SN",
    "SO",
    "SP",
    "SR",
    "SS",
    "ST",
    "SW",
    "SY",
    "TA",
    "TD",
    "TF",
    "TN",
    "TQ",
    "TR",
    "TS",
    "TW",
    "UB",
    "W",
    "WA",
    "WC",
    "WD",
    "WF",
    "WN",
    "WR",
    "WS",
    "WV",
    "YO",
    "ZE",
]
_POSTCODE = re.compile(
    r"(?<![A-Z0-9])(?:"
    + "|".join(sorted(_AREAS, key=len, reverse=True))
    + r")[0-9][A-Z0-9]?[ \t]?[0-9][ABD-HJLNP-UW-Z]{2}(?![A-Z0-9])"
)
_STREETS = [
    "Road",
    "Rd",
    "Street",
    "St",
    "Avenue",
    "Ave",
    "Lane",
    "Close",
    "Drive",
    "Way",
    "Crescent",
    "Grove",
    "Place",
    "Gardens",
    "Terrace",
    "Court",
    "Mews",
    "Row",
    "Walk",
    "Rise",
    "Square",
    "Parade",
    "View",
    "Hill",
    "Park",
    "Green",
]
_ADDRESS = re.compile(
    r"(?<![\w/.-])(?:Flat[ \t]+\d{1,4}[A-Za-z]?,?[ \t]+)?\d{1,4}[A-Za-z]?,?[ \t]+"
    r"(?:[A-Z][a-z'’]+[ \t]+){1,3}(?:" + "|".join(_STREETS) + r")\b\.?"
)
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def contact_key(value: str) -> str:
    """One spelling of a contact detail, so "01632 960123" and "+44 (0)1632 960 123" compare equal."""
    value = value.strip()
    if "@" in value:
        return value.casefold()
    compact = re.sub(r"[\s\-()]", "", value.replace("(0)", ""))
    for prefix in ("+44", "0044"):
        if compact.startswith(prefix):
            compact = "0" + compact[len(prefix) :]
    if compact.isdigit() and _phone_valid(compact):
        return compact
    upper = compact.translate(_ASCII_UPPER)
    if len(upper) > 3 and _POSTCODE.fullmatch(f"{upper[:-3]} {upper[-3:]}"):
        return upper
    return " ".join(value.casefold().split())


def _phone_valid(national: str) -> bool:
    # 01 and 02 geographic, 03 non-geographic, 07 mobile, 08 and 09 special: ten digits after the 0, or nine for
    # a few small 01 exchanges.
    return len(national) in (10, 11) and national[0] == "0" and national[1] in "123789"


def _finding(kind: str, segment: Segment, start: int, end: int, directory: Directory) -> Finding | None:
    text = segment.text[start:end]
    key = contact_key(text)
    if key in directory.allowed_contacts:
        return None
    return Finding(kind, text, segment.source_offset(start), person=directory.contacts.get(key))


def find_contacts(segment: Segment, directory: Directory) -> list[Finding]:
    findings: list[Finding | None] = []
    text = segment.text
    for match in _PHONE.finditer(text):
        if contact_key(match.group()).isdigit():
            findings.append(_finding("phone-number", segment, match.start(), match.end(), directory))
    for match in _EMAIL.finditer(text):
        findings.append(_finding("email-address", segment, match.start(), match.end(), directory))
    for match in _POSTCODE.finditer(text.translate(_ASCII_UPPER)):
        findings.append(_finding("postcode", segment, match.start(), match.end(), directory))
    for match in _ADDRESS.finditer(text):
        findings.append(_finding("postal-address", segment, match.start(), match.end(), directory))
    return [finding for finding in findings if finding is not None]
