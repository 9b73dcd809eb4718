"""Recall and false alerts of a scanner on the labelled evaluation sets shipped in ``evaluation/``.

Two sets, always reported apart:

``original``
    ``evaluation/messages.jsonl``, written alongside the lexicon: it catches regressions, not real-world accuracy.
``heldout``
    ``evaluation/heldout/*.jsonl``, frozen before the lexicon was widened and written by authors who saw only the
    category definitions: the honest measure. Nobody tunes the lexicon on its sentences, so only its aggregate
    figures are ever shown.

The Co-ordinator's "see the effect before saving" is ``evaluate_sets(Scanner(candidate_lexicon))`` next to
``evaluate_sets(Scanner(current_lexicon))``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING

from esafety.monitoring.scanner._lexicon import CATEGORIES

if TYPE_CHECKING:
    from esafety.monitoring.scanner._scan import Scanner

__all__ = [
    "EVALUATION_SETS",
    "EvaluationReport",
    "LabelledMessage",
    "evaluate",
    "evaluate_sets",
    "load_evaluation_set",
]

EVALUATION_SETS = ("original", "heldout")


@dataclass(frozen=True, slots=True)
class LabelledMessage:
    id: str
    text: str
    categories: frozenset[str]  # empty for a benign message
    kind: str = ""  # "plain", "evasion", "hard_negative", "benign"


@dataclass(frozen=True, slots=True)
class EvaluationReport:
    threshold: int
    recall: dict[str, float]  # category -> share of its labelled messages in which it was found
    positives: dict[str, int]  # category -> number of labelled messages
    benign: int  # number of benign messages
    false_alerts: int  # benign messages with at least one alert
    missed: dict[str, list[str]] = field(default_factory=dict)  # category -> ids not found
    false_alert_ids: list[str] = field(default_factory=list)
    name: str = ""  # which evaluation set ("original", "heldout"), or "" for messages passed in

    @property
    def macro_recall(self) -> float:
        """The mean of the categories' recalls (each category counts the same, however many messages)."""
        return sum(self.recall.values()) / len(self.recall) if self.recall else 0.0

    @property
    def false_alerts_per_1000(self) -> float:
        return 1000 * self.false_alerts / self.benign if self.benign else 0.0

    def meets(self, min_recall: float = 0.9, max_false_per_1000: float = 50.0) -> bool:
        """The project's bar: recall above 90% in every category and fewer than 5% false alerts."""
        return (
            all(r > min_recall for r in self.recall.values())
            and self.false_alerts_per_1000 < max_false_per_1000
        )

    def format(self) -> str:
        lines = [
            f"{self.name} set" if self.name else "evaluation",
            f"{'category':<16}{'recall':>8}{'found':>8}{'of':>6}",
        ]
        for category in sorted(self.recall):
            found = self.positives[category] - len(self.missed.get(category, []))
            lines.append(
                f"{category:<16}{self.recall[category]:>8.1%}{found:>8}{self.positives[category]:>6}"
            )
        lines.append(f"{'macro recall':<16}{self.macro_recall:>8.1%}")
        lines.append(
            f"false alerts: {self.false_alerts} of {self.benign} benign messages"
            f" = {self.false_alerts_per_1000:.1f} per 1,000 (threshold {self.threshold})"
        )
        return "\n".join(lines)


def load_evaluation_set(name: str = "original") -> list[LabelledMessage]:
    """The labelled messages of one shipped set: ``"original"`` (``evaluation/messages.jsonl``) or
    ``"heldout"`` (``evaluation/heldout/*.jsonl``, every author's file in name order)."""
    folder = resources.files("esafety.monitoring.scanner") / "evaluation"
    if name == "original":
        paths = [folder / "messages.jsonl"]
    elif name == "heldout":
        heldout = folder / "heldout"
        paths = sorted((p for p in heldout.iterdir() if p.name.endswith(".jsonl")), key=lambda p: p.name)
    else:
        raise ValueError(f"unknown evaluation set {name!r} (one of {', '.join(EVALUATION_SETS)})")
    out = []
    for path in paths:
        out.extend(_read(path.read_text(encoding="utf-8")))
    return out


def _read(text: str) -> list[LabelledMessage]:
    out = []
    for line in text.splitlines():
        if line.strip():
            raw = json.loads(line)
            out.append(
                LabelledMessage(
                    id=str(raw["id"]),
                    text=str(raw["text"]),
                    categories=frozenset(raw.get("categories", [])),
                    kind=str(raw.get("kind", "")),
                )
            )
    return out


def evaluate(
    scanner: Scanner,
    messages: Iterable[LabelledMessage] | None = None,
    *,
    threshold: int = 1,
    groups: Sequence[str] = (),
    name: str = "original",
) -> EvaluationReport:
    """How ``scanner`` does on ``messages`` (default: the shipped set called ``name``).

    A labelled message counts as found for a category when at least one hit of that category is reported; a
    benign message with any hit is a false alert.
    """
    items = list(load_evaluation_set(name) if messages is None else messages)
    results = scanner.scan_many([m.text for m in items], threshold=threshold, groups=groups)
    positives = {c: 0 for c in CATEGORIES}
    missed: dict[str, list[str]] = {c: [] for c in CATEGORIES}
    benign = false_alerts = 0
    false_ids = []
    for message, hits in zip(items, results, strict=True):
        found = {h.category for h in hits}
        if not message.categories:
            benign += 1
            if hits:
                false_alerts += 1
                false_ids.append(message.id)
            continue
        for category in message.categories:
            positives[category] = positives.get(category, 0) + 1
            if category not in found:
                missed.setdefault(category, []).append(message.id)
    recall = {c: (1 - len(missed[c]) / n) for c, n in positives.items() if n}
    return EvaluationReport(
        threshold=threshold,
        recall=recall,
        positives={c: n for c, n in positives.items() if n},
        benign=benign,
        false_alerts=false_alerts,
        missed={c: ids for c, ids in missed.items() if ids},
        false_alert_ids=false_ids,
        name=name if messages is None else "",
    )


def evaluate_sets(
    scanner: Scanner, *, threshold: int = 1, groups: Sequence[str] = ()
) -> dict[str, EvaluationReport]:
    """``evaluate`` on every shipped set, by set name (``"original"``, ``"heldout"``)."""
    return {
        name: evaluate(scanner, threshold=threshold, groups=groups, name=name) for name in EVALUATION_SETS
    }
