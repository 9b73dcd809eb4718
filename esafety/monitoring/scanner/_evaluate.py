"""Recall and false alerts of a scanner on the labelled evaluation sets shipped in ``evaluation/``.

Three sets, always reported apart:

``original``
    ``evaluation/messages.jsonl``, written alongside the lexicon: it catches regressions, not real-world accuracy.
``heldout``
    ``evaluation/heldout/*.jsonl``, frozen before the lexicon was widened and written by authors who saw only the
    category definitions: the honest measure. Nobody tunes the lexicon on its sentences, so only its aggregate
    figures are ever shown.
``dev``
    ``evaluation/dev/*.jsonl``, or the files matching the glob in ``ESAFETY_DEV_SET``: written like the held-out
    set, by other authors, for the lexicon's authors to tune against (``--show-misses`` prints its misses).
    Empty when neither exists.

The Co-ordinator's "see the effect before saving" is ``evaluate_sets(Scanner(candidate_lexicon))`` next to
``evaluate_sets(Scanner(current_lexicon))``.
"""

from __future__ import annotations

import glob
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from esafety.monitoring.scanner._lexicon import CATEGORIES

if TYPE_CHECKING:
    from esafety.monitoring.scanner._scan import Scanner

__all__ = [
    "DEV_SET_ENV",
    "EVALUATION_SETS",
    "SETS_WITH_MISSES",
    "EvaluationReport",
    "LabelledMessage",
    "evaluate",
    "evaluate_sets",
    "format_misses",
    "load_evaluation_set",
]

EVALUATION_SETS = ("original", "heldout", "dev")
# The sets whose misses may be printed: never the held-out one.
SETS_WITH_MISSES = ("original", "dev")
DEV_SET_ENV = "ESAFETY_DEV_SET"


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
        if not self.recall and not self.benign:
            where = f"evaluation/dev/*.jsonl or {DEV_SET_ENV}" if self.name == "dev" else "the set's files"
            return f"{self.name or 'evaluation'} set\nno messages (looked in {where})"
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
    """The labelled messages of one set: ``"original"`` (``evaluation/messages.jsonl``), ``"heldout"``
    (``evaluation/heldout/*.jsonl``, every author's file in name order) or ``"dev"`` (the files matching
    ``$ESAFETY_DEV_SET`` if set, else ``evaluation/dev/*.jsonl``; empty if there are none)."""
    folder = resources.files("esafety.monitoring.scanner") / "evaluation"
    if name == "original":
        texts = [(folder / "messages.jsonl").read_text(encoding="utf-8")]
    elif name in ("heldout", "dev"):
        pattern = os.environ.get(DEV_SET_ENV, "") if name == "dev" else ""
        if pattern:
            texts = [Path(p).read_text(encoding="utf-8") for p in sorted(glob.glob(pattern))]
        else:
            sub = folder / name
            paths = sorted(
                (p for p in sub.iterdir() if p.name.endswith(".jsonl")) if sub.is_dir() else [],
                key=lambda p: p.name,
            )
            texts = [p.read_text(encoding="utf-8") for p in paths]
    else:
        raise ValueError(f"unknown evaluation set {name!r} (one of {', '.join(EVALUATION_SETS)})")
    out = []
    for text in texts:
        out.extend(_read(text))
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
    name: str | None = None,
) -> EvaluationReport:
    """How ``scanner`` does on ``messages`` (default: the set called ``name``, else the original set);
    ``name`` also labels the report.

    A labelled message counts as found for a category when at least one hit of that category is reported; a
    benign message with any hit is a false alert.
    """
    items = list(load_evaluation_set(name or "original") if messages is None else messages)
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
        name=name if name is not None else ("original" if messages is None else ""),
    )


def evaluate_sets(
    scanner: Scanner, *, threshold: int = 1, groups: Sequence[str] = ()
) -> dict[str, EvaluationReport]:
    """``evaluate`` on every set, by set name (``"original"``, ``"heldout"``, ``"dev"``)."""
    return {
        name: evaluate(scanner, threshold=threshold, groups=groups, name=name) for name in EVALUATION_SETS
    }


def format_misses(
    scanner: Scanner, report: EvaluationReport, messages: Sequence[LabelledMessage], *, threshold: int = 1
) -> str:
    """The missed risky messages (with what fired instead, if anything) and the false alerts (with the rules
    and evidence that fired) of ``report``, which ``evaluate`` made from ``messages``.

    Refused for the held-out set: its messages must stay out of sight of whoever tunes the lexicon.
    """
    if report.name not in SETS_WITH_MISSES:
        raise ValueError(
            f"misses are only shown for the {' and '.join(SETS_WITH_MISSES)} sets, never {report.name!r}"
        )
    by_id = {m.id: m for m in messages}
    missed = [(category, by_id[i]) for category in sorted(report.missed) for i in report.missed[category]]
    false = [by_id[i] for i in report.false_alert_ids]
    found = scanner.scan_many([m.text for _, m in missed] + [m.text for m in false], threshold=threshold)
    lines = [f"{report.name} set: {len(missed)} missed (category, id, text; what fired instead)"]
    for (category, message), hits in zip(missed, found, strict=False):
        instead = "; ".join(f"{h.rule} “{h.evidence}”" for h in hits) or "nothing"
        lines.append(f"  MISSED {category} {message.id} [{message.kind}]: {message.text}  -> {instead}")
    lines.append(f"{report.name} set: {len(false)} false alerts (id, text; rules and evidence)")
    for message, hits in zip(false, found[len(missed) :], strict=True):
        fired = "; ".join(f"{h.rule} “{h.evidence}”" for h in hits)
        lines.append(f"  FALSE {message.id} [{message.kind}]: {message.text}  -> {fired}")
    return "\n".join(lines)
