"""The lexicon loader: vocabulary files, ``@name`` references, grammars, and errors that say where."""

from __future__ import annotations

from pathlib import Path

import pytest

from esafety.monitoring.scanner import Grammar, LexiconError, load_lexicon, load_vocabularies, shipped_lexicon

HEADER = "# Image words\n# Source: test fixture\n# Reviewed: 2026-12-01 by scanner-engine\n"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_it_reads_terms_notes_and_language_sections(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "image_word.txt",
        HEADER + "pic\npics   # plural\n\nphoto*\n# -- Polish --\nzdjęcie\n# -- Arabic --\nصورة\npic\n",
    )
    assert load_vocabularies(tmp_path)["image_word"] == ("pic", "pics", "photo*", "zdjęcie", "صورة")
    assert load_vocabularies(tmp_path / "none", extra=[path]) == {
        "image_word": ("pic", "pics", "photo*", "zdjęcie", "صورة")
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("pic\n", "Source"),
        ("# Image words\n# Source: x\npic\n", "Reviewed"),
        (HEADER, "no terms"),
        (HEADER + "Pic\n", "line 4: terms are written in lower case"),
        (HEADER + "send  pic\n", "line 4: words are separated by one space"),
        (HEADER + "*pic\n", "line 4: '*' may only end a term"),
        (HEADER + "p*c\n", "line 4: '*' may only end a term"),
        (HEADER + "pic\n4\n", "line 5: term '4' needs a letter, two digits or an emoji"),
    ],
)
def test_it_refuses_a_malformed_vocabulary_naming_file_and_line(
    tmp_path: Path, text: str, message: str
) -> None:
    _write(tmp_path, "image_word.txt", text)
    with pytest.raises(LexiconError, match="vocab/image_word.txt") as error:
        load_vocabularies(tmp_path)
    assert message in str(error.value)


def test_it_refuses_a_vocabulary_name_outside_the_alphabet(tmp_path: Path) -> None:
    _write(tmp_path, "Image-Word.txt", HEADER + "pic\n")
    with pytest.raises(LexiconError, match="Image-Word.txt: a vocabulary's name"):
        load_vocabularies(tmp_path)


GRAMMAR = """
category = "sexual"

[[grammar]]
id = "asks"
severity = 4
slots = {slots}
window = {window}
"""


@pytest.mark.parametrize(
    ("slots", "window", "message"),
    [
        ('["@image_word", "@nothing"]', 8, "grammar 1 (asks) slot 2: unknown vocabulary '@nothing'"),
        ('["@image_word", []]', 8, "grammar 1 (asks) slot 2: empty slot"),
        ('["@image_word"]', 8, "grammar 1 (asks): slots must be a list of at least two slots"),
        ('["@image_word", "send"]', 0, "grammar 1 (asks): window must be an integer from 1 to 40"),
        ('["@image_word", "send"]', 41, "window must be an integer from 1 to 40"),
        ('["@image_word", "send", "me"]', 2, "window 2 is shorter than its 3 slots"),
        ('["@image_word", "send"]', "true", "window must be an integer"),
    ],
)
def test_it_refuses_a_malformed_grammar_naming_file_and_item(
    tmp_path: Path, slots: str, window: object, message: str
) -> None:
    vocab = _write(tmp_path, "image_word.txt", HEADER + "pic\n")
    rules = _write(tmp_path, "sexual.toml", GRAMMAR.format(slots=slots, window=window))
    with pytest.raises(LexiconError, match="sexual.toml") as error:
        load_lexicon([rules], shipped=False, vocabularies=[vocab])
    assert message in str(error.value)


def test_it_refuses_an_unknown_reference_in_an_entry_or_context(tmp_path: Path) -> None:
    rules = _write(
        tmp_path,
        "drugs.toml",
        'category = "drugs"\n[[entry]]\nid = "weed"\nseverity = 2\nphrases = ["@street_names"]\n',
    )
    with pytest.raises(
        LexiconError, match=r"drugs.toml entry 1 \(weed\) phrases: unknown vocabulary '@street_names'"
    ):
        load_lexicon([rules], shipped=False)
    rules.write_text('[[context]]\nphrases = ["@idioms"]\ncategories = ["drugs"]\n', encoding="utf-8")
    with pytest.raises(LexiconError, match="drugs.toml context 1: unknown vocabulary '@idioms'"):
        load_lexicon([rules], shipped=False)


def test_it_refuses_a_one_letter_term_in_an_entry_but_not_in_a_slot(tmp_path: Path) -> None:
    rules = _write(
        tmp_path,
        "self_harm.toml",
        'category = "self_harm"\n[[entry]]\nid = "me"\nseverity = 2\nphrases = ["@first_person"]\n',
    )
    with pytest.raises(LexiconError, match="phrase 'i' needs at least 2 letters"):
        load_lexicon([rules], shipped=False)
    rules.write_text(
        'category = "self_harm"\n[[grammar]]\nid = "me"\nseverity = 2\nslots = ["@first_person", "hurt"]\n',
        encoding="utf-8",
    )
    [grammar] = load_lexicon([rules], shipped=False).grammars
    assert "i" in grammar.slots[0] and grammar.slots[1] == ("hurt",)


def test_it_refuses_an_out_of_range_context_severity(tmp_path: Path) -> None:
    rules = _write(
        tmp_path,
        "sexual.toml",
        'category = "sexual"\n[[entry]]\nid = "x"\nseverity = 2\nphrases = ["nudes"]\nseverity_child_age = 6\n',
    )
    with pytest.raises(
        LexiconError, match=r"entry 1 \(x\): severity_child_age must be an integer from 1 to 5"
    ):
        load_lexicon([rules], shipped=False)


def test_it_expands_references_and_keeps_the_rule_id_and_description(tmp_path: Path) -> None:
    vocab = _write(tmp_path, "image_word.txt", HEADER + "pic\npics\n")
    rules = _write(
        tmp_path,
        "sexual.toml",
        GRAMMAR.format(slots='["@image_word", ["send", "@image_word"]]', window=6)
        + 'description = "Asking for pictures"\nnegatives = ["@image_word"]\n',
    )
    lexicon = load_lexicon([rules], shipped=False, vocabularies=[vocab])
    [grammar] = lexicon.grammars
    assert isinstance(grammar, Grammar)
    assert grammar.rule == "sexual.asks"
    assert grammar.slots == (("pic", "pics"), ("send", "pic", "pics"))
    assert grammar.negatives == ("pic", "pics")
    assert lexicon.describe("sexual.asks") == "Asking for pictures"
    assert [r.rule for r in lexicon.rules()] == ["sexual.asks"]


def test_it_refuses_an_entry_and_a_grammar_with_one_id(tmp_path: Path) -> None:
    rules = _write(
        tmp_path,
        "sexual.toml",
        'category = "sexual"\n[[entry]]\nid = "asks"\nseverity = 2\nphrases = ["nudes"]\n'
        '[[grammar]]\nid = "asks"\nseverity = 2\nslots = ["send", "nudes"]\n',
    )
    with pytest.raises(LexiconError, match="duplicate rule ids: sexual.asks"):
        load_lexicon([rules], shipped=False)


def test_it_ships_valid_person_vocabularies() -> None:
    vocab = shipped_lexicon().vocabularies
    assert {"i", "me", "my", "im"} <= set(vocab["first_person"])
    assert {"you", "u", "ur"} <= set(vocab["second_person"])
    assert {"my friend", "my mate", "she", "this girl in my class"} <= set(vocab["third_person"])


def test_it_accepts_number_codes(tmp_path: Path) -> None:
    rules = _write(
        tmp_path,
        "extremism.toml",
        'category = "extremism"\n[[entry]]\nid = "codes"\nseverity = 3\nphrases = ["1488", "14 88"]\n'
        '[[grammar]]\nid = "hh"\nseverity = 3\nslots = [["88"], ["heil", "hh"]]\n',
    )
    lexicon = load_lexicon([rules], shipped=False)
    assert lexicon.entries[0].phrases == ("1488", "14 88")
    rules.write_text('category = "extremism"\n[[entry]]\nid = "codes"\nseverity = 3\nphrases = ["88"]\n')
    with pytest.raises(LexiconError, match="or 3 digits"):
        load_lexicon([rules], shipped=False)
