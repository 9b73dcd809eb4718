"""The three ways in: plain text, HTML, or an item's segments and media already taken apart."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from esafety.publishing.checker._contacts import find_contacts
from esafety.publishing.checker._html import Segment, extract_html, media_host
from esafety.publishing.checker._names import NameIndex, find_names, first_name_in
from esafety.publishing.checker._types import KINDS, Directory, Finding, Media

FIRST_NAME_WITH_PHOTO = "first-name-with-photo"
# A credit printed with the picture: "© Jo Bloggs", "Photo: Meadowbank Gazette", "Image courtesy of ...".
_CREDIT = re.compile(
    r"©|\(c\)|copyright|\bphoto(?:graph)?\s*(?:by|:)|\bimage\s*(?:by|:)|\bcredit|courtesy of", re.I
)


def _index(directory: Directory) -> NameIndex:
    # Built per call: a school's directory is a few hundred names, and the engine holds no state between calls.
    return NameIndex.build(directory.people)


def _is_third_party(media: Media, directory: Directory) -> bool:
    if media.third_party is not None:
        return media.third_party
    host = media_host(media.src)
    return bool(host) and host not in directory.own_hosts


def _check_media(media: Media, directory: Directory, index: NameIndex, use: str) -> list[Finding]:
    findings: list[Finding] = []
    people = {person.id: person for person in directory.people}
    texts = [
        Segment.plain(text, where, media.offset)
        for text, where in ((media.caption, "caption"), (media.alt, "alt"))
    ]
    named_in_full: dict[object, Finding] = {}
    for segment in texts:
        for finding in find_names(segment, index):
            named_in_full.setdefault(finding.person, finding)
    needed = {use} | ({"video"} if media.kind == "video" else set())
    label = media.src or media.alt or media.caption or media.kind
    for person_id in dict.fromkeys([*media.people, *named_in_full]):
        person = people.get(person_id)
        if person is None:
            continue
        missing = sorted(needed - person.uses)
        if missing:
            findings.append(
                Finding(
                    "unconsented-image",
                    label,
                    media.offset,
                    person=person_id,
                    note="no consent for " + ", ".join(missing),
                )
            )
        if not person.pupil:
            continue
        if person_id in named_in_full:
            full = named_in_full[person_id]
            findings.append(
                Finding("named-beside-photo", full.text, full.offset, person=person_id, note="full name")
            )
        elif FIRST_NAME_WITH_PHOTO not in person.uses:
            for segment in texts:
                if named := first_name_in(segment, person):
                    findings.append(
                        Finding(
                            named.kind,
                            named.text,
                            named.offset,
                            person_id,
                            "no consent for a first name with a photo",
                        )
                    )
                    break
    if (
        _is_third_party(media, directory)
        and not media.permission
        and not (media.attribution.strip() or _CREDIT.search(media.caption))
    ):
        findings.append(
            Finding("third-party-media", label, media.offset, note="no recorded permission or attribution")
        )
    return findings


def check_item(
    segments: Iterable[Segment], media: Sequence[Media], directory: Directory, *, use: str = "website"
) -> list[Finding]:
    """Every finding in an item's readable segments and media, in the order of ``KINDS`` then position."""
    index = _index(directory)
    findings: list[Finding] = []
    for segment in segments:
        findings.extend(find_names(segment, index))
        findings.extend(find_contacts(segment, directory))
    for item in media:
        findings.extend(_check_media(item, directory, index, use))
    unique = list(dict.fromkeys(findings))
    return sorted(unique, key=lambda finding: (KINDS.index(finding.kind), finding.offset))


def _described(media: Sequence[Media]) -> list[Segment]:
    """The captions and alt texts of media described apart from the text, read like the text itself."""
    return [
        Segment.plain(text, where, item.offset)
        for item in media
        for text, where in ((item.caption, "caption"), (item.alt, "alt"))
        if text.strip()
    ]


def check_text(
    text: str, directory: Directory, *, use: str = "website", media: Sequence[Media] = ()
) -> list[Finding]:
    """Plain text (a social post, a newsletter paragraph); offsets count characters of ``text``."""
    return check_item([Segment.plain(text), *_described(media)], media, directory, use=use)


def check_html(
    source: str, directory: Directory, *, use: str = "website", media: Sequence[Media] = ()
) -> list[Finding]:
    """An HTML page or fragment; offsets count characters of ``source``. ``media`` adds photos described apart
    from the HTML (with the people tagged in them)."""
    extract = extract_html(source)
    return check_item([*extract.segments, *_described(media)], [*extract.media, *media], directory, use=use)
