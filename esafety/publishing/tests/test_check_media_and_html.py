"""Photos and their captions, third-party media, HTML that is broken or not HTML at all, and the engine's
independence from Django."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import esafety.publishing.checker as checker
from esafety.publishing.checker import Directory, Media, Person, check_html, check_text, extract_html

ROOT = Path(__file__).resolve().parents[3]
AVA = Person(1, ("Ava",), "Ashdown", frozenset({"website", "newsletter"}))
LEO = Person(2, ("Leo",), "Bramley", frozenset({"website", "first-name-with-photo"}))
IVY = Person(3, ("Ivy",), "Underhill")  # no consent at all
STAFF = Person(9, ("Helen",), "Marsh", frozenset(), pupil=False)
SCHOOL = Directory(people=(AVA, LEO, IVY, STAFF), own_hosts=frozenset({"www.hollybrook.sch.example"}))


def found(findings: list[checker.Finding]) -> list[tuple[str, object]]:
    return [(finding.kind, finding.person) for finding in findings]


def test_it_flags_a_tagged_pupil_without_consent_for_the_use() -> None:
    photo = Media(src="sports.jpg", people=(1, 3))
    assert found(check_text("Sports day", SCHOOL, use="social", media=[photo])) == [
        ("unconsented-image", 1),
        ("unconsented-image", 3),
    ]
    assert found(check_text("Sports day", SCHOOL, use="website", media=[photo])) == [("unconsented-image", 3)]


def test_it_needs_video_consent_for_a_video() -> None:
    clip = Media(src="play.mp4", kind="video", people=(2,))
    (finding,) = check_text("Our play", SCHOOL, media=[clip])
    assert (finding.kind, finding.person, finding.note) == ("unconsented-image", 2, "no consent for video")


def test_it_flags_a_first_name_beside_a_photo_without_that_consent() -> None:
    assert found(
        check_text("", SCHOOL, media=[Media(src="a.jpg", caption="Ava at the fair", people=(1,))])
    ) == [("named-beside-photo", 1)]
    assert (
        found(check_text("", SCHOOL, media=[Media(src="l.jpg", caption="Leo at the fair", people=(2,))]))
        == []
    )


def test_it_always_flags_a_full_name_beside_a_photo() -> None:
    photo = Media(src="l.jpg", alt="Leo Bramley at the fair", people=(2,))
    assert found(check_text("", SCHOOL, media=[photo])) == [("pupil-full-name", 2), ("named-beside-photo", 2)]


def test_it_counts_a_pupil_named_in_full_in_a_caption_as_in_the_photo() -> None:
    html = '<figure><img src="/p.jpg"><figcaption>Ivy Underhill wins</figcaption></figure>'
    assert found(check_html(html, SCHOOL)) == [
        ("pupil-full-name", 3),
        ("unconsented-image", 3),
        ("named-beside-photo", 3),
    ]


def test_it_needs_staff_consent_for_a_staff_photo_but_not_for_their_name() -> None:
    photo = Media(src="staff.jpg", people=(9,))
    assert found(check_text("Helen Marsh, Headteacher", SCHOOL, media=[photo])) == [("unconsented-image", 9)]


def test_it_flags_third_party_media_without_permission_or_credit() -> None:
    page = (
        '<img src="https://cdn.example/x.jpg" alt="">'
        '<img src="https://www.hollybrook.sch.example/y.jpg" alt="">'
        '<figure><img src="https://news.example/z.jpg"><figcaption>Photo: Gazette</figcaption></figure>'
        '<iframe src="https://video.example/embed/1"></iframe>'
    )
    assert [(f.kind, f.text) for f in check_html(page, SCHOOL)] == [
        ("third-party-media", "https://cdn.example/x.jpg"),
        ("third-party-media", "https://video.example/embed/1"),
    ]
    recorded = Media(src="https://cdn.example/x.jpg", permission=True)
    credited = Media(src="https://cdn.example/x.jpg", attribution="© A. Photographer")
    assert check_text("", SCHOOL, media=[recorded, credited]) == []


def test_it_reads_broken_html_without_complaint() -> None:
    for source in [
        "<p>Ava <b>Ashdown",
        "<<<>>>",
        "<a title='Ava Ashdown",
        "&#99999999;",
        "<img src=",
        "</p></div>",
    ]:
        check_html(source, SCHOOL)
    assert extract_html("<p>Ava <b>Ash</b>down</p><script>x</script>").body.text == "Ava Ashdown\n"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_it_never_fails_on_any_text(text: str) -> None:
    for finding in check_html(text, SCHOOL) + check_text(text, SCHOOL):
        assert 0 <= finding.offset <= max(len(text), 1)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(["<p>", "</p>", "<b>", "Ava", " ", "\n", "Ashdown", "&nbsp;", "<br>", "-"]),
        max_size=12,
    )
)
def test_it_finds_the_name_whenever_the_visible_text_shows_it(parts: list[str]) -> None:
    source = "".join(parts)
    visible = extract_html(source).body.text
    shown = any(f.kind == "pupil-full-name" for f in check_text(visible, SCHOOL))
    assert any(f.kind == "pupil-full-name" for f in check_html(source, SCHOOL)) == shown


def test_it_imports_no_django() -> None:
    code = (
        "import sys, esafety.publishing.checker;"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'));"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=60)


def test_it_exposes_a_small_public_api() -> None:
    assert set(checker.__all__) >= {"check_text", "check_html", "Directory", "Person", "Media", "Finding"}
    assert all(hasattr(checker, name) for name in checker.__all__)
