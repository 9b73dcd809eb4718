"""The risk scanner: finds safeguarding concerns in text, offline and without Django.

Typical use::

    from esafety.monitoring.scanner import Scanner, load_lexicon

    lexicon = load_lexicon(additions=[{"phrase": "meet at the rec", "category": "grooming", "severity": 3}],
                           suppressions=[{"rule": "drugs.cannabis", "group": "Year 11 Biology",
                                          "reason": "GCSE topic"}])
    hits = Scanner(lexicon).scan("i want to kill myself", threshold=1, groups=["Year 9"])

Configuration (lexicon files, additions, suppressions, threshold) always comes in as arguments.
"""

from esafety.monitoring.scanner._evaluate import (
    EVALUATION_SETS,
    EvaluationReport,
    LabelledMessage,
    evaluate,
    evaluate_sets,
    load_evaluation_set,
)
from esafety.monitoring.scanner._lexicon import (
    CATEGORIES,
    Entry,
    Grammar,
    Lexicon,
    LexiconError,
    NegativeContext,
    Suppression,
    Topic,
    describe_rule_id,
    load_lexicon,
    load_vocabularies,
    shipped_lexicon,
)
from esafety.monitoring.scanner._matcher import available_backends
from esafety.monitoring.scanner._normalise import Normalised, normalise
from esafety.monitoring.scanner._scan import DEFAULT_THRESHOLD, Hit, Scanner, inflections, stated_ages

__all__ = [
    "CATEGORIES",
    "DEFAULT_THRESHOLD",
    "EVALUATION_SETS",
    "Entry",
    "EvaluationReport",
    "Grammar",
    "Hit",
    "LabelledMessage",
    "Lexicon",
    "LexiconError",
    "NegativeContext",
    "Normalised",
    "Scanner",
    "Suppression",
    "Topic",
    "available_backends",
    "describe_rule_id",
    "evaluate",
    "evaluate_sets",
    "inflections",
    "load_evaluation_set",
    "load_lexicon",
    "load_vocabularies",
    "normalise",
    "shipped_lexicon",
    "stated_ages",
]
