"""The school's allow list, learnt from reviews: phrases its reviewers dismissed as false positives twice.

A **proposal** is computed, never stored: the school's alerts dismissed as false positives, grouped by category
and by the words each hit matched (normalised, as the scanner compares them). Two dismissals of the same words
in the same category make a proposal, unless the phrase is already allowed, or a decision on it (a rejection, a
removal) is newer than all but one of them: then it takes two dismissals after that decision. Only the school's
own alerts count: a trust's other school never sees or inherits another's proposals or phrases.

Applying, rejecting and removing are in ``actions.py``; the scan filters hits with ``scanning.without_allowed``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from esafety.monitoring.models import ALLOW_MAX_SEVERITY, CATEGORY_LABELS, Alert, AllowedPhrase
from esafety.monitoring.scanning import allow_key

if TYPE_CHECKING:
    from esafety.people.models import School

DISMISSALS_NEEDED = 2
KEY_LENGTH = 500  # AllowedPhrase.key; a hit's words are a phrase of the lexicon, far shorter


@dataclass
class Proposal:
    category: str
    key: str
    phrase: str  # the words as the first dismissed alert showed them
    alerts: list[Alert] = field(default_factory=list)

    @property
    def slug(self) -> str:
        """A stable name for the page's address (the words themselves may hold anything)."""
        return hashlib.sha256(f"{self.category}\n{self.key}".encode()).hexdigest()[:16]

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS.get(self.category, self.category)

    @property
    def top_severity(self) -> int:
        """The highest severity at which the words were dismissed."""
        return max((_severity_of(a, self.category, self.key) for a in self.alerts), default=0)

    @property
    def lowest_severity(self) -> int:
        """The lowest severity at which the words were dismissed: above 3, only the Headteacher's wider allowance
        would change anything."""
        return min((_severity_of(a, self.category, self.key) for a in self.alerts), default=0)

    @property
    def severe(self) -> bool:
        return self.top_severity > ALLOW_MAX_SEVERITY

    @property
    def only_severe(self) -> bool:
        return self.lowest_severity > ALLOW_MAX_SEVERITY

    def dismissals(self) -> list[dict[str, Any]]:
        """Who dismissed which alert, when and why: what the page shows and the decision keeps."""
        out = []
        for alert in self.alerts:
            by = alert.reviewed_by
            out.append(
                {
                    "alert": alert.pk,
                    "by": (by.get_full_name() or by.username) if by else "",
                    "at": alert.reviewed_at.isoformat() if alert.reviewed_at else "",
                    "reason": alert.reason,
                    "severity": _severity_of(alert, self.category, self.key),
                }
            )
        return out


def _severity_of(alert: Alert, category: str, key: str) -> int:
    return max(
        (int(h["severity"]) for h in alert.all_hits if allow_key(str(h.get("evidence", ""))) == key),
        default=alert.severity,
    )


def proposals(school: School) -> list[Proposal]:
    """The school's open proposals, most dismissed first."""
    found: dict[tuple[str, str], Proposal] = {}
    dismissed = (
        Alert.objects.filter(school=school, status=Alert.Status.FALSE_POSITIVE)
        .select_related("reviewed_by")
        .order_by("reviewed_at", "pk")
    )
    for alert in dismissed:
        seen: set[str] = set()
        for hit in alert.all_hits:
            words = str(hit.get("evidence", ""))
            key = allow_key(words)
            if not key or key in seen or len(key) > KEY_LENGTH:
                continue  # one message counts once for its words, however often they appear in it
            seen.add(key)
            proposal = found.setdefault(
                (alert.category, key), Proposal(alert.category, key, " ".join(words.lower().split()))
            )
            proposal.alerts.append(alert)
    allowed: set[tuple[str, str]] = set()
    decided: dict[tuple[str, str], datetime] = {}
    for row in AllowedPhrase.objects.filter(school=school):
        pair = (row.category, row.key)
        if row.status == AllowedPhrase.Status.ALLOWED:
            allowed.add(pair)
        elif pair not in decided or row.last_decision_at > decided[pair]:
            decided[pair] = row.last_decision_at
    out = []
    for pair, proposal in found.items():
        if pair in allowed:
            continue
        if since := decided.get(pair):
            proposal.alerts = [a for a in proposal.alerts if a.reviewed_at and a.reviewed_at > since]
        if len(proposal.alerts) >= DISMISSALS_NEEDED:
            out.append(proposal)
    out.sort(key=lambda p: (-len(p.alerts), p.category, p.key))
    return out


def find_proposal(school: School, slug: str) -> Proposal | None:
    return next((p for p in proposals(school) if p.slug == slug), None)
