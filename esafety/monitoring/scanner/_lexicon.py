"""The lexicon: phrases and slot grammars with a category, a severity and context rules, from data files plus
school additions.

Shipped data lives in ``lexicon/<category>.toml`` (one file per category), ``lexicon/_contexts.toml`` (negative
contexts and topics shared by several categories) and ``lexicon/vocab/<name>.txt`` (vocabularies: one concept's
words each, referred to as ``"@name"``). A school's additions and suppressions come in as plain data (dicts, as
the Django app stores them), never as files the app must write.

A data file looks like this::

    category = "self_harm"

    [[entry]]
    id = "kill_myself"           # rule id becomes "self_harm.kill_myself"
    description = "Saying they want to die"   # what the rule looks for, in plain words (shown to reviewers)
    severity = 4                 # 1 (low) .. 5 (imminent risk to life)
    phrases = ["kill myself", "end my life", "suicid*", "@suicide_words"]
                                 # "*" at an end: the word may go on ("suicidal"); "@name": every term of
                                 # vocab/name.txt
    first_person = false         # true: needs I/I'm/me/my/myself within `window` words (or in the phrase)
    window = 4
    negatives = ["kill myself laughing"]   # a match inside one of these is not a hit
    negated_by = ["not", "never", "isnt", "@..."]   # optional: a denial within `negation_window` words
                                 # before the hit (or, for a grammar, between its slots) silences it
    negation_window = 3          # optional, 1-8 (default 3)
    severity_first_person = 5    # optional: the severity when a first-person word is within `window` words
    severity_child_age = 5       # optional: the severity when a child's age is stated near the hit
    severity_adult_age = 5       # optional: the severity when an adult's age is stated near the hit

    [[grammar]]                  # a slot grammar: one term of every slot within `window` words
    id = "asks_for_body_pictures"            # rule id "sexual.asks_for_body_pictures"
    description = "Asking for pictures of someone's body"
    severity = 4
    slots = ["@request_verb", "@image_word", ["@body_part", "@clothing", "bra"]]
                                 # each slot: a "@ref", a phrase, or a list of refs and phrases
    window = 8                   # words from the first slot's first word to the last slot's last word
    ordered = false              # true: the slots must appear in the order given
    inflect = true               # a single plain word in a slot also matches its -s/-es/-ed/-ing forms
    first_person = false         # as for entries
    negatives = ["@..."]         # as for entries: a hit wholly inside one of these is not a hit
    negated_by = ["not", "never"]   # as for entries: "muslims are not terrorists" is quiet, "muslims are
                                 # terrorists" alerts (a denial that is part of a slot term does not count)
    # severity_first_person, severity_child_age, severity_adult_age: as for entries

    [[context]]                  # negative context for every entry and grammar of the listed categories
    phrases = ["killing time"]
    categories = ["violence", "self_harm"]   # default: the file's category
    reason = "idiom"

    [[topic]]                    # a set text or lesson topic: third-person mentions in such a message are
    name = "romeo_and_juliet"    # discussion, not disclosure; first/second-person phrases still count
    markers = ["romeo", "juliet", "tybalt"]
    categories = ["self_harm", "violence"]

A vocabulary file ``vocab/<name>.txt`` (``name``: lower-case letters, digits and underscores) looks like this::

    # Words for asking someone to send something
    # Source: what the terms were learned from (public guidance, glossaries, how pupils write)
    # Reviewed: 2026-12-01 by vocab-contact
    send
    snd            # a note after " #" is ignored
    sen*           # the same phrase syntax as `phrases`
    # -- Polish --
    wyślij

The header (the ``#`` lines before the first term) must name a ``Source:`` and a ``Reviewed:`` line. Terms go
through the very normaliser messages go through (accents dropped, look-alikes mapped, case folded), so
"wyślij" matches "wyslij" and "WYŚLIJ", and Arabic or other scripts match as written. A ``#`` only starts a
comment at the start of a line or after a space, so write hashtags without their ``#`` (the normaliser turns
it into a space anyway). Emoji are written as themselves: the normaliser turns each into a word of its own.

Denials (``negated_by``, ``negation_window``): a hit is dropped when one of the ``negated_by`` phrases lies
within ``negation_window`` words before it, or inside a grammar's hit between its slot terms ("muslims are not
terrorists", "not all refugees are criminals"), unless the denial overlaps a matched phrase or slot term itself
(a phrase that says "not" is not denied by its own "not"). Denials after the hit do not count ("they are
terrorists, not heroes" still alerts). Phrases go through the normaliser like every other, so "isn't" is
written "isnt" or "isn't" alike.

Severity from context (``severity_*``): each names the severity the hit takes instead of ``severity`` when its
condition holds (the highest that applies wins; it never lowers a hit's severity). A first-person word is one
of I, I'm, me, my, myself (and their text-speak forms) within ``window`` words of the hit, or in it. A child's
age is "im 12", "I am 9", "12 yo", "12yrs", "aged 14", "age 13", "year 6", "yr 8" (ages 5-17, school years
1-13); an adult's age is the same with 18-99, or "18+", "older guy", "older man", "grown man". "Near" is within
80 characters of the hit (the context a reviewer is shown).
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

__all__ = [
    "CATEGORIES",
    "Entry",
    "Grammar",
    "Lexicon",
    "LexiconError",
    "NegativeContext",
    "Suppression",
    "Topic",
    "describe_rule_id",
    "load_lexicon",
    "load_vocabularies",
    "shipped_lexicon",
]

CATEGORIES = (
    "self_harm",
    "bullying",
    "sexual",
    "grooming",
    "extremism",
    "violence",
    "drugs",
    "discrimination",
)

_ID = re.compile(r"^[a-z0-9_]+$")
# A note after a term: " # ..." (a "#" inside a term, as in "c#", is kept).
_NOTE = re.compile(r"\s+#.*$")

_MAX_WINDOW = 20
_MAX_GRAMMAR_WINDOW = 40


class LexiconError(ValueError):
    """A lexicon file or school addition is malformed (the message says where)."""


@dataclass(frozen=True, slots=True)
class Entry:
    rule: str
    category: str
    severity: int
    phrases: tuple[str, ...]
    first_person: bool = False
    window: int = 4
    negatives: tuple[str, ...] = ()
    source: str = "shipped"
    description: str = ""  # plain words for people ("Saying they want to die"), never matched
    severity_first_person: int = 0  # 0: no change (see the module docstring)
    severity_child_age: int = 0
    severity_adult_age: int = 0
    negated_by: tuple[str, ...] = ()  # denials that silence the hit (see the module docstring)
    negation_window: int = 3


@dataclass(frozen=True, slots=True)
class Grammar:
    """A slot grammar: fires when one term of every slot lies within ``window`` words (in order if
    ``ordered``). ``slots`` hold the terms with every ``@name`` already expanded."""

    rule: str
    category: str
    severity: int
    slots: tuple[tuple[str, ...], ...]
    window: int = 8
    ordered: bool = False
    inflect: bool = True
    first_person: bool = False
    negatives: tuple[str, ...] = ()
    source: str = "shipped"
    description: str = ""
    severity_first_person: int = 0
    severity_child_age: int = 0
    severity_adult_age: int = 0
    negated_by: tuple[str, ...] = ()
    negation_window: int = 3


@dataclass(frozen=True, slots=True)
class NegativeContext:
    phrases: tuple[str, ...]
    categories: tuple[str, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class Topic:
    name: str
    markers: tuple[str, ...]
    categories: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Suppression:
    """Do not report ``rule`` (a rule id such as ``"drugs.cannabis"``, or a phrase) for ``group``.

    ``group`` is whatever the school groups people by (``"Year 11 Biology"``); ``"*"`` means everyone.
    """

    rule: str
    group: str
    reason: str


@dataclass(frozen=True, slots=True)
class Lexicon:
    entries: tuple[Entry, ...]
    contexts: tuple[NegativeContext, ...] = ()
    topics: tuple[Topic, ...] = ()
    suppressions: tuple[Suppression, ...] = ()
    version: str = field(default="", compare=False)
    grammars: tuple[Grammar, ...] = ()
    # The vocabularies the data referred to (or could refer to): name -> terms. School additions may use them.
    vocabularies: Mapping[str, tuple[str, ...]] = field(default_factory=dict, compare=False)

    def rules(self) -> list[Entry | Grammar]:
        """Every entry and grammar, entries first."""
        return [*self.entries, *self.grammars]

    def describe(self, rule: str) -> str:
        """What ``rule`` looks for, in plain words: its description, else words made from its id (a school
        term, or a rule since removed, still reads as a sentence rather than a code)."""
        for item in self.rules():
            if item.rule == rule:
                if item.description:
                    return item.description
                break
        return describe_rule_id(rule)

    def with_changes(
        self,
        *,
        additions: Iterable[Mapping[str, object]] = (),
        suppressions: Iterable[Mapping[str, object]] = (),
    ) -> Lexicon:
        """This lexicon plus school additions and suppressions (see ``load_lexicon``)."""
        vocab = dict(self.vocabularies)
        entries = self.entries + tuple(_addition(a, i, vocab) for i, a in enumerate(additions))
        supp = self.suppressions + tuple(_suppression(s) for s in suppressions)
        return _finish(entries, self.grammars, self.contexts, self.topics, supp, vocab)


def describe_rule_id(rule: str) -> str:
    """Readable words for a rule id with no description: ``"drugs.use"`` -> ``"Drugs: use"``."""
    category, _, ident = rule.partition(".")
    words = category.replace("_", " ").capitalize()
    if not ident:
        return words
    if ident.startswith("school_"):
        return f"{words}: a term the school added"
    return f"{words}: {ident.replace('_', ' ')}"


def _strings(value: object, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v.strip() for v in value):
        raise LexiconError(f"{where}: expected a list of non-empty strings")
    return tuple(str(v) for v in value)


def _expand(items: tuple[str, ...], vocab: Mapping[str, tuple[str, ...]], where: str) -> tuple[str, ...]:
    """``items`` with every ``"@name"`` replaced by the terms of ``vocab/name.txt`` (order kept, no repeats)."""
    out: list[str] = []
    for item in items:
        text = item.strip()
        if text.startswith("@"):
            name = text[1:]
            if name not in vocab:
                known = ", ".join(sorted(vocab)) or "none"
                raise LexiconError(
                    f"{where}: unknown vocabulary {text!r} (no vocab/{name}.txt; known: {known})"
                )
            out.extend(vocab[name])
        else:
            out.append(item)
    return tuple(dict.fromkeys(out))


def _phrases(
    value: object, vocab: Mapping[str, tuple[str, ...]], where: str, letters: int = 2
) -> tuple[str, ...]:
    """Phrases with ``@name`` expanded. An entry's phrase needs two letters (one letter alone would match
    everywhere); a grammar slot term may have one ("i", "u"), as the other slots keep it in check."""
    phrases = _expand(_strings(value, where), vocab, where)
    for phrase in phrases:
        if not _long_enough(phrase, letters):
            word = "letters" if letters > 1 else "letter"
            raise LexiconError(
                f"{where}: phrase {phrase!r} needs at least {letters} {word} (or {letters + 1} digits, as in a"
                " code such as 1488)"
            )
    if not phrases:
        raise LexiconError(f"{where}: no phrases (an empty vocabulary?)")
    return phrases


def _long_enough(phrase: str, letters: int) -> bool:
    """``letters`` letters, or one digit more than that (a number code), or an emoji."""
    return (
        sum(c.isalpha() for c in phrase) >= letters
        or sum(c.isdigit() for c in phrase) > letters
        or _is_symbolic(phrase)
    )


def _is_symbolic(phrase: str) -> bool:
    """An emoji or other symbol the normaliser turns into a word of its own (see ``_normalise``)."""
    from esafety.monitoring.scanner._normalise import normalise_fast

    return sum(c.isalpha() for c in normalise_fast(phrase.strip("*"))) >= 2 and not any(
        c.isalpha() for c in phrase
    )


def _severity(value: object, where: str, name: str = "severity") -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
        raise LexiconError(f"{where}: {name} must be an integer from 1 to 5")
    return value


def _bool(raw: Mapping[str, object], key: str, default: bool, where: str) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        raise LexiconError(f"{where}: {key} must be true or false")
    return value


def _window(raw: Mapping[str, object], default: int, top: int, where: str) -> int:
    window = raw.get("window", default)
    if not isinstance(window, int) or isinstance(window, bool) or not 1 <= window <= top:
        raise LexiconError(f"{where}: window must be an integer from 1 to {top}")
    return window


def _negation(
    raw: Mapping[str, object], vocab: Mapping[str, tuple[str, ...]], where: str
) -> tuple[tuple[str, ...], int]:
    """``negated_by`` (expanded) and ``negation_window``."""
    denials = raw.get("negated_by")
    expanded = (
        _expand(_strings(denials, f"{where} negated_by"), vocab, f"{where} negated_by") if denials else ()
    )
    window = _window(
        {"window": raw.get("negation_window", 3)}, 3, _MAX_NEGATION_WINDOW, f"{where} negation_window"
    )
    return expanded, window


def _context_severities(raw: Mapping[str, object], where: str) -> dict[str, int]:
    """``severity_first_person``, ``severity_child_age``, ``severity_adult_age`` (0 when not given)."""
    return {
        key: _severity(raw[key], where, key) if key in raw else 0
        for key in ("severity_first_person", "severity_child_age", "severity_adult_age")
    }


def _category(value: object, where: str) -> str:
    if value not in CATEGORIES:
        raise LexiconError(f"{where}: unknown category {value!r} (one of {', '.join(CATEGORIES)})")
    return str(value)


def _ident(raw: Mapping[str, object], where: str) -> str:
    ident = raw.get("id")
    if not isinstance(ident, str) or not _ID.match(ident):
        raise LexiconError(f"{where}: id must be lower-case letters, digits and underscores")
    return ident


def _description(raw: Mapping[str, object], where: str) -> str:
    description = raw.get("description", "")
    if not isinstance(description, str):
        raise LexiconError(f"{where}: description must be a string")
    return description.strip()


_ENTRY_KEYS = {
    "id",
    "description",
    "severity",
    "phrases",
    "first_person",
    "window",
    "negatives",
    "category",
    "severity_first_person",
    "severity_child_age",
    "severity_adult_age",
    "negated_by",
    "negation_window",
}
_MAX_NEGATION_WINDOW = 8
_GRAMMAR_KEYS = (_ENTRY_KEYS - {"phrases", "category"}) | {"slots", "ordered", "inflect"}


def _entry(
    raw: Mapping[str, object], category: str, where: str, source: str, vocab: Mapping[str, tuple[str, ...]]
) -> Entry:
    ident = _ident(raw, where)
    where = f"{where} ({ident})"
    unknown = set(raw) - _ENTRY_KEYS
    if unknown:
        raise LexiconError(f"{where}: unknown keys {sorted(unknown)}")
    negatives = raw.get("negatives")
    severities = _context_severities(raw, where)
    denials, denial_window = _negation(raw, vocab, where)
    return Entry(
        rule=f"{category}.{ident}",
        category=category,
        severity=_severity(raw.get("severity"), where),
        phrases=_phrases(raw.get("phrases"), vocab, f"{where} phrases"),
        first_person=_bool(raw, "first_person", False, where),
        window=_window(raw, 4, _MAX_WINDOW, where),
        negatives=_expand(_strings(negatives, f"{where} negatives"), vocab, f"{where} negatives")
        if negatives
        else (),
        source=source,
        description=_description(raw, where),
        severity_first_person=severities["severity_first_person"],
        severity_child_age=severities["severity_child_age"],
        severity_adult_age=severities["severity_adult_age"],
        negated_by=denials,
        negation_window=denial_window,
    )


def _grammar(
    raw: Mapping[str, object], category: str, where: str, vocab: Mapping[str, tuple[str, ...]]
) -> Grammar:
    ident = _ident(raw, where)
    where = f"{where} ({ident})"
    unknown = set(raw) - _GRAMMAR_KEYS
    if unknown:
        raise LexiconError(f"{where}: unknown keys {sorted(unknown)}")
    slots_raw = raw.get("slots")
    if not isinstance(slots_raw, list) or len(slots_raw) < 2:
        raise LexiconError(f"{where}: slots must be a list of at least two slots")
    slots = []
    for k, slot in enumerate(slots_raw):
        slot_where = f"{where} slot {k + 1}"
        if isinstance(slot, list) and not slot:
            raise LexiconError(f"{slot_where}: empty slot")
        slots.append(_phrases(slot, vocab, slot_where, letters=1))
    window = _window(raw, 8, _MAX_GRAMMAR_WINDOW, where)
    if window < len(slots):
        raise LexiconError(f"{where}: window {window} is shorter than its {len(slots)} slots")
    negatives = raw.get("negatives")
    severities = _context_severities(raw, where)
    denials, denial_window = _negation(raw, vocab, where)
    return Grammar(
        rule=f"{category}.{ident}",
        category=category,
        severity=_severity(raw.get("severity"), where),
        slots=tuple(slots),
        window=window,
        ordered=_bool(raw, "ordered", False, where),
        inflect=_bool(raw, "inflect", True, where),
        first_person=_bool(raw, "first_person", False, where),
        negatives=_expand(_strings(negatives, f"{where} negatives"), vocab, f"{where} negatives")
        if negatives
        else (),
        description=_description(raw, where),
        severity_first_person=severities["severity_first_person"],
        severity_child_age=severities["severity_child_age"],
        severity_adult_age=severities["severity_adult_age"],
        negated_by=denials,
        negation_window=denial_window,
    )


def _addition(raw: Mapping[str, object], index: int, vocab: Mapping[str, tuple[str, ...]]) -> Entry:
    where = f"school addition {index + 1}"
    data = dict(raw)
    category = _category(data.pop("category", None), where)
    if "phrase" in data:
        data["phrases"] = [data.pop("phrase")]
    if "id" not in data:
        phrases = _strings(data.get("phrases"), f"{where} phrases")
        data["id"] = "school_" + hashlib.sha256("\n".join(phrases).encode()).hexdigest()[:10]
    if "description" not in data:
        phrases = _strings(data.get("phrases"), f"{where} phrases")
        data["description"] = "A term the school added: " + ", ".join(f"“{p}”" for p in phrases)
    return _entry(data, category, where, "school", vocab)


def _suppression(raw: Mapping[str, object]) -> Suppression:
    rule, group, reason = raw.get("rule"), raw.get("group", "*"), raw.get("reason")
    if not isinstance(rule, str) or not rule.strip():
        raise LexiconError("suppression: rule must be a rule id or a phrase")
    if not isinstance(group, str) or not group:
        raise LexiconError("suppression: group must be a non-empty string ('*' for everyone)")
    if not isinstance(reason, str) or not reason.strip():
        raise LexiconError("suppression: a reason is required (it is shown in the audit log)")
    return Suppression(rule=rule.strip(), group=group, reason=reason.strip())


def _finish(
    entries: tuple[Entry, ...],
    grammars: tuple[Grammar, ...],
    contexts: tuple[NegativeContext, ...],
    topics: tuple[Topic, ...],
    suppressions: tuple[Suppression, ...],
    vocab: Mapping[str, tuple[str, ...]],
) -> Lexicon:
    counts = Counter([e.rule for e in entries] + [g.rule for g in grammars])
    duplicates = sorted(rule for rule, count in counts.items() if count > 1)
    if duplicates:
        raise LexiconError(f"duplicate rule ids: {', '.join(duplicates)}")
    # The version keys the matcher cache: any change to what is matched builds a new matcher.
    body = json.dumps(
        [
            [
                [
                    e.rule,
                    e.severity,
                    e.phrases,
                    e.first_person,
                    e.window,
                    e.negatives,
                    e.severity_first_person,
                    e.severity_child_age,
                    e.severity_adult_age,
                    e.negated_by,
                    e.negation_window,
                ]
                for e in entries
            ],
            [[c.phrases, c.categories] for c in contexts],
            [[t.markers, t.categories] for t in topics],
            [
                [
                    g.rule,
                    g.severity,
                    g.slots,
                    g.window,
                    g.ordered,
                    g.inflect,
                    g.first_person,
                    g.negatives,
                    g.severity_first_person,
                    g.severity_child_age,
                    g.severity_adult_age,
                    g.negated_by,
                    g.negation_window,
                ]
                for g in grammars
            ],
        ],
        sort_keys=True,
    )
    version = hashlib.sha256(body.encode()).hexdigest()[:16]
    return Lexicon(entries, contexts, topics, suppressions, version, grammars, dict(vocab))


def _parse_vocabulary(text: str, name: str) -> tuple[str, ...]:
    """The terms of one vocabulary file (see the module docstring); ``name`` is for error messages."""
    header: list[str] = []
    terms: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            if not terms:
                header.append(stripped)
            continue
        term = _NOTE.sub("", stripped).strip()
        where = f"{name} line {number}"
        if term != term.lower():
            raise LexiconError(f"{where}: terms are written in lower case ({term!r})")
        if "  " in term or "\t" in term:
            raise LexiconError(f"{where}: words are separated by one space ({term!r})")
        if "*" in term.strip("*") or term.startswith("*"):
            raise LexiconError(f"{where}: '*' may only end a term ({term!r})")
        if not _long_enough(term, 1):
            raise LexiconError(f"{where}: term {term!r} needs a letter, two digits or an emoji")
        terms.append(term)
    if not header or not any(h.lower().startswith("# source:") for h in header):
        raise LexiconError(f"{name}: the header must say what the terms were learned from ('# Source: ...')")
    if not any(h.lower().startswith("# reviewed:") for h in header):
        raise LexiconError(f"{name}: the header must say who reviewed the file ('# Reviewed: ...')")
    if not terms:
        raise LexiconError(f"{name}: no terms")
    return tuple(dict.fromkeys(terms))


def load_vocabularies(
    folder: Path | Traversable | None = None, *, extra: Iterable[str | Path] = ()
) -> dict[str, tuple[str, ...]]:
    """``name -> terms`` for every ``<name>.txt`` in ``folder`` (default: the shipped ``lexicon/vocab``) and
    every extra file (its stem is its name; an extra file of a shipped name replaces it)."""
    if folder is None:
        folder = resources.files("esafety.monitoring.scanner") / "lexicon" / "vocab"
    sources: list[tuple[str, str, str]] = []
    if folder.is_dir():
        for item in sorted(folder.iterdir(), key=lambda p: p.name):
            if item.name.endswith(".txt"):
                sources.append((item.name[:-4], item.read_text(encoding="utf-8"), f"vocab/{item.name}"))
    for path in extra:
        path = Path(path)
        sources.append((path.stem, path.read_text(encoding="utf-8"), str(path)))
    out: dict[str, tuple[str, ...]] = {}
    for name, text, where in sources:
        if not _ID.match(name):
            raise LexiconError(f"{where}: a vocabulary's name is lower-case letters, digits and underscores")
        out[name] = _parse_vocabulary(text, where)
    return out


def _parse_file(
    text: str, name: str, vocab: Mapping[str, tuple[str, ...]], source: str = "shipped"
) -> tuple[list[Entry], list[Grammar], list[NegativeContext], list[Topic]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError(f"{name}: {exc}") from exc
    file_category = data.get("category")
    if file_category is not None:
        file_category = _category(file_category, name)
    entries = []
    for i, raw in enumerate(data.get("entry", [])):
        if file_category is None:
            raise LexiconError(f"{name}: entries need a top-level category")
        entries.append(_entry(raw, file_category, f"{name} entry {i + 1}", source, vocab))
    grammars = []
    for i, raw in enumerate(data.get("grammar", [])):
        if file_category is None:
            raise LexiconError(f"{name}: grammars need a top-level category")
        grammars.append(_grammar(raw, file_category, f"{name} grammar {i + 1}", vocab))
    contexts = []
    for i, raw in enumerate(data.get("context", [])):
        where = f"{name} context {i + 1}"
        cats = raw.get("categories", [file_category] if file_category else [])
        contexts.append(
            NegativeContext(
                phrases=_expand(_strings(raw.get("phrases"), where), vocab, where),
                categories=tuple(_category(c, where) for c in cats),
                reason=str(raw.get("reason", "")),
            )
        )
    topics = []
    for i, raw in enumerate(data.get("topic", [])):
        where = f"{name} topic {i + 1}"
        topics.append(
            Topic(
                name=str(raw.get("name", where)),
                markers=_expand(_strings(raw.get("markers"), where), vocab, where),
                categories=tuple(_category(c, where) for c in raw.get("categories", CATEGORIES)),
            )
        )
    return entries, grammars, contexts, topics


def load_lexicon(
    files: Iterable[str | Path] = (),
    *,
    shipped: bool = True,
    additions: Iterable[Mapping[str, object]] = (),
    suppressions: Iterable[Mapping[str, object]] = (),
    vocabularies: Iterable[str | Path] = (),
) -> Lexicon:
    """The shipped lexicon (unless ``shipped=False``), plus extra data files, plus school data.

    ``additions`` are dicts ``{"phrase" or "phrases", "category", "severity", "first_person"?, "window"?,
    "negatives"?, "id"?}`` (phrases may be ``"@name"``); ``suppressions`` are dicts ``{"rule", "group",
    "reason"}``. ``vocabularies`` are extra ``<name>.txt`` files. The shipped vocabularies are always
    available to ``@name``. Raises ``LexiconError`` with a readable message on bad data.
    """
    vocab = load_vocabularies(extra=vocabularies)
    entries: list[Entry] = []
    grammars: list[Grammar] = []
    contexts: list[NegativeContext] = []
    topics: list[Topic] = []
    sources: list[tuple[str, str, str]] = []
    if shipped:
        folder = resources.files("esafety.monitoring.scanner") / "lexicon"
        for item in sorted(folder.iterdir(), key=lambda p: p.name):
            if item.name.endswith(".toml"):
                sources.append((item.read_text(encoding="utf-8"), item.name, "shipped"))
    for path in files:
        # Entries of an extra file are "file": like a school's terms, the scanner compiles them apart.
        sources.append((Path(path).read_text(encoding="utf-8"), str(path), "file"))
    for text, name, source in sources:
        e, g, c, t = _parse_file(text, name, vocab, source)
        entries += e
        grammars += g
        contexts += c
        topics += t
    base = _finish(tuple(entries), tuple(grammars), tuple(contexts), tuple(topics), (), vocab)
    return base.with_changes(additions=additions, suppressions=suppressions)


_SHIPPED: Lexicon | None = None


def shipped_lexicon() -> Lexicon:
    """The lexicon shipped with the code (parsed once per process)."""
    global _SHIPPED
    if _SHIPPED is None:
        _SHIPPED = load_lexicon()
    return _SHIPPED
