"""The lexicon: phrases with a category, a severity and context rules, from data files plus school additions.

Shipped data lives in ``lexicon/<category>.toml`` (one file per category) and ``lexicon/_contexts.toml``
(negative contexts and topics shared by several categories). A school's additions and suppressions come in as
plain data (dicts, as the Django app stores them), never as files the app must write.

A data file looks like this::

    category = "self_harm"

    [[entry]]
    id = "kill_myself"           # rule id becomes "self_harm.kill_myself"
    description = "Saying they want to die"   # what the rule looks for, in plain words (shown to reviewers)
    severity = 4                 # 1 (low) .. 5 (imminent risk to life)
    phrases = ["kill myself", "end my life", "suicid*"]   # "*" at an end: the word may go on ("suicidal")
    first_person = false         # true: needs I/I'm/me/my/myself within `window` words (or in the phrase)
    window = 4
    negatives = ["kill myself laughing"]   # a match inside one of these is not a hit

    [[context]]                  # negative context for every entry of the listed categories
    phrases = ["killing time"]
    categories = ["violence", "self_harm"]   # default: the file's category
    reason = "idiom"

    [[topic]]                    # a set text or lesson topic: third-person mentions in such a message are
    name = "romeo_and_juliet"    # discussion, not disclosure; first/second-person phrases still count
    markers = ["romeo", "juliet", "tybalt"]
    categories = ["self_harm", "violence"]
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

__all__ = [
    "CATEGORIES",
    "Entry",
    "Lexicon",
    "LexiconError",
    "NegativeContext",
    "Suppression",
    "Topic",
    "describe_rule_id",
    "load_lexicon",
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

    def describe(self, rule: str) -> str:
        """What ``rule`` looks for, in plain words: its description, else words made from its id (a school
        term, or a rule since removed, still reads as a sentence rather than a code)."""
        for entry in self.entries:
            if entry.rule == rule:
                if entry.description:
                    return entry.description
                break
        return describe_rule_id(rule)

    def with_changes(
        self,
        *,
        additions: Iterable[Mapping[str, object]] = (),
        suppressions: Iterable[Mapping[str, object]] = (),
    ) -> Lexicon:
        """This lexicon plus school additions and suppressions (see ``load_lexicon``)."""
        entries = self.entries + tuple(_addition(a, i) for i, a in enumerate(additions))
        supp = self.suppressions + tuple(_suppression(s) for s in suppressions)
        return _finish(entries, self.contexts, self.topics, supp)


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


def _severity(value: object, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
        raise LexiconError(f"{where}: severity must be an integer from 1 to 5")
    return value


def _category(value: object, where: str) -> str:
    if value not in CATEGORIES:
        raise LexiconError(f"{where}: unknown category {value!r} (one of {', '.join(CATEGORIES)})")
    return str(value)


def _entry(raw: Mapping[str, object], category: str, where: str, source: str) -> Entry:
    ident = raw.get("id")
    if not isinstance(ident, str) or not _ID.match(ident):
        raise LexiconError(f"{where}: id must be lower-case letters, digits and underscores")
    window = raw.get("window", 4)
    if not isinstance(window, int) or isinstance(window, bool) or not 1 <= window <= 20:
        raise LexiconError(f"{where}: window must be an integer from 1 to 20")
    first_person = raw.get("first_person", False)
    if not isinstance(first_person, bool):
        raise LexiconError(f"{where}: first_person must be true or false")
    unknown = set(raw) - {
        "id",
        "description",
        "severity",
        "phrases",
        "first_person",
        "window",
        "negatives",
        "category",
    }
    if unknown:
        raise LexiconError(f"{where}: unknown keys {sorted(unknown)}")
    description = raw.get("description", "")
    if not isinstance(description, str):
        raise LexiconError(f"{where}: description must be a string")
    phrases = _strings(raw.get("phrases"), f"{where} phrases")
    for phrase in phrases:
        if sum(c.isalpha() for c in phrase) < 2:
            raise LexiconError(f"{where}: phrase {phrase!r} needs at least two letters")
    return Entry(
        rule=f"{category}.{ident}",
        category=category,
        severity=_severity(raw.get("severity"), where),
        phrases=phrases,
        first_person=first_person,
        window=window,
        negatives=_strings(raw.get("negatives", []), f"{where} negatives") if raw.get("negatives") else (),
        source=source,
        description=description.strip(),
    )


def _addition(raw: Mapping[str, object], index: int) -> Entry:
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
    return _entry(data, category, where, source="school")


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
    contexts: tuple[NegativeContext, ...],
    topics: tuple[Topic, ...],
    suppressions: tuple[Suppression, ...],
) -> Lexicon:
    rules = [e.rule for e in entries]
    duplicates = sorted({r for r in rules if rules.count(r) > 1})
    if duplicates:
        raise LexiconError(f"duplicate rule ids: {', '.join(duplicates)}")
    # The version keys the matcher cache: any change to what is matched builds a new matcher.
    body = json.dumps(
        [
            [[e.rule, e.severity, e.phrases, e.first_person, e.window, e.negatives] for e in entries],
            [[c.phrases, c.categories] for c in contexts],
            [[t.markers, t.categories] for t in topics],
        ],
        sort_keys=True,
    )
    version = hashlib.sha256(body.encode()).hexdigest()[:16]
    return Lexicon(entries, contexts, topics, suppressions, version)


def _parse_file(text: str, name: str) -> tuple[list[Entry], list[NegativeContext], list[Topic]]:
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
        entries.append(_entry(raw, file_category, f"{name} entry {i + 1}", "shipped"))
    contexts = []
    for i, raw in enumerate(data.get("context", [])):
        where = f"{name} context {i + 1}"
        cats = raw.get("categories", [file_category] if file_category else [])
        contexts.append(
            NegativeContext(
                phrases=_strings(raw.get("phrases"), where),
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
                markers=_strings(raw.get("markers"), where),
                categories=tuple(_category(c, where) for c in raw.get("categories", CATEGORIES)),
            )
        )
    return entries, contexts, topics


def load_lexicon(
    files: Iterable[str | Path] = (),
    *,
    shipped: bool = True,
    additions: Iterable[Mapping[str, object]] = (),
    suppressions: Iterable[Mapping[str, object]] = (),
) -> Lexicon:
    """The shipped lexicon (unless ``shipped=False``), plus extra data files, plus school data.

    ``additions`` are dicts ``{"phrase" or "phrases", "category", "severity", "first_person"?, "window"?,
    "negatives"?, "id"?}``; ``suppressions`` are dicts ``{"rule", "group", "reason"}``. Raises
    ``LexiconError`` with a readable message on bad data.
    """
    entries: list[Entry] = []
    contexts: list[NegativeContext] = []
    topics: list[Topic] = []
    sources: list[tuple[str, str]] = []
    if shipped:
        folder = resources.files("esafety.monitoring.scanner") / "lexicon"
        for item in sorted(folder.iterdir(), key=lambda p: p.name):
            if item.name.endswith(".toml"):
                sources.append((item.read_text(encoding="utf-8"), item.name))
    for path in files:
        sources.append((Path(path).read_text(encoding="utf-8"), str(path)))
    for text, name in sources:
        e, c, t = _parse_file(text, name)
        entries += e
        contexts += c
        topics += t
    base = _finish(tuple(entries), tuple(contexts), tuple(topics), ())
    return base.with_changes(additions=additions, suppressions=suppressions)


_SHIPPED: Lexicon | None = None


def shipped_lexicon() -> Lexicon:
    """The lexicon shipped with the code (parsed once per process)."""
    global _SHIPPED
    if _SHIPPED is None:
        _SHIPPED = load_lexicon()
    return _SHIPPED
