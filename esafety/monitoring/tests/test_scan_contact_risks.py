"""The shipped sexual, grooming and bullying vocabularies: concepts caught in the words pupils, parents and adults
who groom children really use, and the everyday messages next to them left alone.

The messages are written for these tests (none comes from an evaluation set). Each names the concept it stands
for, so a failure says which concept broke rather than which sentence.
"""

from __future__ import annotations

import pytest

from esafety.monitoring.scanner import Scanner, shipped_lexicon


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner(shipped_lexicon())


def categories(scanner: Scanner, text: str) -> set[str]:
    return {hit.category for hit in scanner.scan(text)}


@pytest.mark.parametrize(
    "text",
    [
        "can u snap me a pic in ur undies",  # request + image + clothing
        "send bewbs pls",  # nudes by another name
        "drop a topless one on sc",  # request + image word + undress
        "pokaż mi zdjęcie w bieliźnie",  # the same in Polish
        "mándame una foto sin ropa",  # ... in Spanish
        "nangi photo bhejo",  # ... in Urdu
        "wanna see my 🍆 📸",  # emoji used as code
        "i've got your nudes, pay £100 or they go to all your followers",  # sextortion
        "she keeps rating girls bodies in the year 9 group",  # sexual comments about pupils
        "he touched me where my pants go",  # a young child's disclosure (PANTS)
    ],
)
def test_it_catches_sexual_requests_threats_and_disclosures(scanner: Scanner, text: str) -> None:
    assert "sexual" in categories(scanner, text)


@pytest.mark.parametrize(
    "text",
    [
        "dont tell ur mum about me ok",  # secrecy from a parent
        "nie mów mamie że piszemy",  # the same in Polish
        "ammi ko mat batana",  # ... in Urdu, the verb after the person
        "delete these msgs after u read them",  # destroying the record
        "add me on telegram, the mods read everything on here",  # away from moderation
        "text me on my own number not the school one",  # personal number instead of school channels
        "ill get u 800 robux if u send a selfie",  # in-game currency for a picture
        "i can pick you up round the back, dont tell your parents",  # a secret lift
        "how old r u? im 24 but age is just a number",  # age check and an adult's age
        "when is ur mum at work? i could come over",  # when parents are out, and a visit
        "you can earn 200 a week just dropping packages",  # criminal exploitation
    ],
)
def test_it_catches_grooming_tactics(scanner: Scanner, text: str) -> None:
    assert "grooming" in categories(scanner, text)


@pytest.mark.parametrize(
    "text",
    [
        "ur such a loser no wonder ur single",  # an insult aimed at the reader
        "jesteś brzydka i gruba",  # appearance, in Polish
        "lets all unfollow her",  # a pile-on
        "nobody sit with her tomorrow",  # exclusion of a named pupil
        "kick him out of the gc lol",  # removal from a group
        "ill post that vid of u crying to the whole year",  # humiliation by sharing
        "i hope u get hit by a bus",  # wishing harm
        "go kys",  # telling to self-harm
        "they keep calling me names and leaving me out",  # a pupil disclosing bullying
    ],
)
def test_it_catches_bullying_exclusion_and_humiliation(scanner: Scanner, text: str) -> None:
    assert "bullying" in categories(scanner, text)


@pytest.mark.parametrize(
    "text",
    [
        "Year 8, please send me a photo of your finished poster by Friday",  # a teacher asking for homework
        "I can give Maya a lift home after netball, is that ok? Priya's mum",  # parents arranging lifts
        "what time do your parents get home? I'll drop Ella back then",
        "happy to meet in person to discuss Jake's progress",  # a parents' evening
        "whats ur snap",  # pupils swapping accounts
        "how old are you turning on saturday?",  # a birthday
        "I'll buy you a pizza if you do your homework",  # a parent's treat
        "ill give u robux for ur birthday",
        "dont tell mum but i got her flowers for her birthday",  # a surprise
        "never send nudes to anyone, report it to ceop",  # online safety advice
        "please send your child with a swimming costume and towel",  # a school letter
        "you absolute legend",  # banter
        "he's a loser in the story but he learns to be kind",  # a set text
        "my friend is being left out at lunch, what should i do",  # asking for help
        "you look so grown up in your uniform!",  # a grandparent's compliment
    ],
)
def test_it_leaves_lessons_lifts_letters_and_banter_alone(scanner: Scanner, text: str) -> None:
    assert not categories(scanner, text) & {"sexual", "grooming", "bullying"}
