"""Who may use monitoring's URLs, written by hand from the monitoring issue and the policy.

The alert queue is open to the Head, the Co-ordinator, the ICT technician (who runs the monitoring) and the
trust's safeguarding lead; reading the words and reviewing are the safeguarding leads' (Head, Co-ordinator, trust
lead): per DfE roles the technician sees metadata only, and is refused review (403) unless the Head grants it in
the monitoring settings, which are the Head's alone (issue 12); enhanced monitoring of a pupil is requested and ended by the Head and the Co-ordinator
and authorised by the Head alone; the lexicon and its allow list (proposals, applying, rejecting, removing) are
the Head's and the Co-ordinator's; sources (mailboxes) are
set up by them and the technician. A record of Hollybrook's answers 404 to someone of another school who holds
the same role there, and 403 to anyone without the role.
"""

from __future__ import annotations

import itertools
import socket
from datetime import timedelta
from typing import Any

from django.utils import timezone

from esafety.test import PERSONAS, BaseTestCase, route

READERS = ("head", "coordinator", "technician", "trust_lead")  # monitoring.alerts
REVIEWERS = ("head", "coordinator", "trust_lead")  # monitoring.review (not the technician by default)
LEADS = ("head", "coordinator")  # monitoring.enhanced, monitoring.lexicon
SOURCES = ("head", "coordinator", "technician")  # monitoring.sources
OWN_SCHOOL = ("sibling", "outsider")  # co-ordinators at their own schools: page URLs answer them there
_TERMS = itertools.count(1)


def _not(*allowed: str) -> tuple[str, ...]:
    """Everyone refused by role (403) on a record URL: all but the allowed and those of another school."""
    return tuple(name for name in PERSONAS if name not in allowed and name not in OWN_SCHOOL)


def _alert(case: BaseTestCase) -> Any:
    from esafety.monitoring.actions import capture_text, ensure_source
    from esafety.monitoring.models import Source

    result = capture_text(
        school=case.school,
        source=ensure_source(case.school, Source.Kind.API),
        text="honestly i want to kill myself, nobody would even notice",
        person=case.pupil,
    )
    return result.alerts[0]


def _enhanced(case: BaseTestCase) -> dict[str, int]:
    from esafety.monitoring.actions import request_enhanced_monitoring

    today = timezone.localdate()
    item = request_enhanced_monitoring(
        school=case.school,
        person=case.pupil,
        reason="Disclosure to the class teacher",
        starts=today,
        ends=today + timedelta(days=14),
        by=case.coordinator,
    )
    return {"pk": item.pk}


def _term(case: BaseTestCase) -> dict[str, Any]:
    from esafety.monitoring.actions import add_lexicon_term

    term = add_lexicon_term(
        school=case.school,
        phrase=f"meet me at the den {next(_TERMS)}",  # one new term per request: removing it is what is tested
        category="grooming",
        severity=3,
        by=case.coordinator,
    )
    return {"kind": "term", "pk": term.pk}


def _proposal(case: BaseTestCase) -> dict[str, Any]:
    """Two dismissals of a school term's words at Hollybrook: one allow-list proposal (made again each request,
    so every persona finds it whatever the one before decided)."""
    from esafety.monitoring.actions import capture_text, ensure_source, review_alert
    from esafety.monitoring.allowlist import proposals
    from esafety.monitoring.models import LexiconAddition, Source

    LexiconAddition.objects.get_or_create(
        school=case.school, phrase="purple dragon club", category="grooming", defaults={"severity": 3}
    )
    for _ in range(2):
        result = capture_text(
            school=case.school,
            source=ensure_source(case.school, Source.Kind.API),
            text="see you at purple dragon club",
            message_id=f"club-{next(_TERMS)}",
        )
        review_alert(result.alerts[0], by=case.coordinator, status="false_positive", reason="A school club")
    return {"slug": proposals(case.school)[0].slug}


def _allowed(case: BaseTestCase) -> dict[str, int]:
    from esafety.monitoring.models import AllowedPhrase

    item = AllowedPhrase.objects.create(
        school=case.school,
        category="grooming",
        key=f"phrase {next(_TERMS)}",
        phrase="a phrase",
        status=AllowedPhrase.Status.ALLOWED,
        reason="A school club",
    )
    return {"pk": item.pk}


def _mailbox(case: BaseTestCase) -> dict[str, int]:
    from esafety.monitoring.actions import save_imap_source

    with socket.socket() as sock:  # a loopback port nobody listens on: the connection test fails at once
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    source, _ = save_imap_source(
        school=case.school, name="Journal", host="127.0.0.1", port=port, user="journal", password="x"
    )
    return {"pk": source.pk}


MATRIX = [
    route("monitoring:alerts", *READERS, *OWN_SCHOOL),
    route(
        "monitoring:alert",
        *READERS,
        kwargs=lambda c: {"pk": _alert(c).pk},
        refused=404,
        forbidden=_not(*READERS),
    ),
    route(
        "monitoring:alert_review",
        *REVIEWERS,
        method="POST",
        kwargs=lambda c: {"pk": _alert(c).pk},
        data=lambda c: {"status": "reviewed", "reason": "Spoken to the pupil"},
        refused=404,
        forbidden=_not(*REVIEWERS),
    ),
    route(
        "monitoring:alert_incident",
        *REVIEWERS,
        method="POST",
        kwargs=lambda c: {"pk": _alert(c).pk},
        data=lambda c: {"note": "Logged for the DSL"},
        refused=404,
        forbidden=_not(*REVIEWERS),
    ),
    route(
        "monitoring:person",
        *READERS,
        kwargs=lambda c: {"pk": c.pupil.pk},
        refused=404,
        forbidden=_not(*READERS),
    ),
    route("monitoring:enhanced", *LEADS, *OWN_SCHOOL),
    route("monitoring:enhanced", *LEADS, *OWN_SCHOOL, method="POST", data=lambda c: {}),
    # Authorising is the Head's: the outsider is a Head (of another school), so 404; the sibling is not, so 403.
    route(
        "monitoring:enhanced_authorise",
        "head",
        method="POST",
        kwargs=_enhanced,
        refused=404,
        forbidden=tuple(name for name in PERSONAS if name not in ("head", "outsider")),
    ),
    route(
        "monitoring:enhanced_end",
        *LEADS,
        method="POST",
        kwargs=_enhanced,
        data=lambda c: {"reason": "No longer needed"},
        refused=404,
        forbidden=_not(*LEADS),
    ),
    route("monitoring:lexicon", *LEADS, *OWN_SCHOOL),
    route("monitoring:lexicon", *LEADS, *OWN_SCHOOL, method="POST", data=lambda c: {}),
    route(
        "monitoring:lexicon_remove", *LEADS, method="POST", kwargs=_term, refused=404, forbidden=_not(*LEADS)
    ),
    # The allow list is the lexicon's: the Head's and the Co-ordinator's (DSL), at their own school only.
    route("monitoring:allow_list", *LEADS, *OWN_SCHOOL),
    route(
        "monitoring:allow_proposal",
        *LEADS,
        kwargs=_proposal,
        refused=404,
        forbidden=_not(*LEADS),
    ),
    route(
        "monitoring:allow_proposal",
        *LEADS,
        method="POST",
        kwargs=_proposal,
        data=lambda c: {"decision": "reject", "reject-reason": "Keep alerting"},
        refused=404,
        forbidden=_not(*LEADS),
    ),
    route(
        "monitoring:allow_remove",
        *LEADS,
        method="POST",
        kwargs=_allowed,
        data=lambda c: {"reason": "Alert again"},
        refused=404,
        forbidden=_not(*LEADS),
    ),
    route("monitoring:upload", *READERS, *OWN_SCHOOL),
    route("monitoring:upload", *READERS, *OWN_SCHOOL, method="POST", data=lambda c: {}),
    route("monitoring:sources", *SOURCES, *OWN_SCHOOL),
    route("monitoring:source_new", *SOURCES, *OWN_SCHOOL),
    route("monitoring:source_new", *SOURCES, *OWN_SCHOOL, method="POST", data=lambda c: {}),
    route("monitoring:source_edit", *SOURCES, kwargs=_mailbox, refused=404, forbidden=_not(*SOURCES)),
    route(
        "monitoring:source_active",
        *SOURCES,
        method="POST",
        kwargs=_mailbox,
        data=lambda c: {"active": "0"},
        refused=404,
        forbidden=_not(*SOURCES),
    ),
    route(
        "monitoring:source_test",
        *SOURCES,
        method="POST",
        kwargs=_mailbox,
        refused=404,
        forbidden=_not(*SOURCES),
    ),
    # The Head's alone; the outsider is a Head at their own school.
    route("monitoring:settings", "head", "outsider"),
    route("monitoring:settings", "head", "outsider", method="POST", data=lambda c: {}),
    route("api-monitoring-captures", *READERS, *OWN_SCHOOL, method="POST", anonymous=401),
]
