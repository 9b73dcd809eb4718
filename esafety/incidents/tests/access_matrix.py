"""Who may use the safeguarding log's URLs, written by hand from the incidents issue and the policy.

The incident the record rows name was reported by ``teacher`` about a pupil at Hollybrook, and is not about a
member of staff. It is seen by the safeguarding leads (Head, deputy, Co-ordinator, the trust's lead) and by
its reporter; worked on (triage, edit, notes, actions, people, outcome) by the leads; restricted or released
by the Head alone. Everyone else who may use the log at all gets 404 for it (a refusal never confirms the
record exists); a governor, who may report but not use the log, gets 403 where the log itself is refused.
"""

from __future__ import annotations

from typing import Any

from esafety.test import PERSONAS, BaseTestCase, route

LOG_USERS = tuple(name for name in PERSONAS if name != "governor")  # incidents.list / incidents.actions
REPORTERS = PERSONAS  # incidents.report: every member of staff and governors
LEADS = ("head", "deputy", "coordinator", "trust_lead")
SEE = (*LEADS, "teacher")  # the leads and the reporter
NO_LOG = ("governor",)


def _incident(case: BaseTestCase, **extra: Any) -> Any:
    from esafety.incidents.actions import report_incident

    school = extra.pop("school", case.school)
    return report_incident(
        school=school,
        reporter=extra.pop("reporter", case.teacher),
        category="cyberbullying",
        description="Unkind messages in the class chat",
        people=[(case.pupil, "victim")] if school == case.school else [],
        **extra,
    )


def _with(name: str = "incident_id", **extra: Any) -> Any:
    return lambda case: {name: _incident(case, **extra).pk}


def _evidence(case: BaseTestCase) -> dict[str, int]:
    incident = _incident(case, evidence=[("note.txt", b"What was said, word for word.\n")])
    return {"incident_id": incident.pk, "evidence_id": incident.evidence.get().pk}


def _action(case: BaseTestCase) -> dict[str, int]:
    from datetime import date

    from esafety.incidents.actions import add_action

    action = add_action(
        _incident(case),
        by=case.coordinator,
        title="Speak to the class",
        owner=case.teacher2,
        due_on=date.today(),
    )
    return {"action_id": action.pk}


def _step(step: str) -> Any:
    return lambda case: {"incident_id": _incident(case).pk, "step": step}


def _riverside(case: BaseTestCase) -> dict[str, int]:
    incident = _incident(case, school=case.sibling_school, reporter=case.sibling)
    return {"incident_id": incident.pk}


def _version(case: BaseTestCase) -> dict[str, Any]:
    return {"version": 1, "reason": "Seen; taking it on"}


MATRIX = [
    route("incidents:list", *LOG_USERS),
    route("incidents:new", *REPORTERS),
    route("incidents:new", *REPORTERS, method="POST", data=lambda case: {}),
    # The report form's picker rows (htmx): whoever may report; a governor gets exact-name matches only.
    route("incidents:find_people", *REPORTERS),
    route("incidents:export", *LOG_USERS),
    route("incidents:actions", *LOG_USERS),
    route("incidents:settings", "head", "coordinator", "sibling", "outsider"),
    route(
        "incidents:settings", "head", "coordinator", "sibling", "outsider", method="POST", data=lambda c: {}
    ),
    # The action is teacher2's: its owner and the leads may tick it off.
    route(
        "incidents:action_done",
        *LEADS,
        "teacher2",
        method="POST",
        kwargs=_action,
        refused=404,
        forbidden=NO_LOG,
    ),
    # Cancelling (with a reason) is for whoever runs the incident, not the owner alone.
    route(
        "incidents:action_cancel",
        *LEADS,
        method="POST",
        kwargs=_action,
        data=lambda case: {"reason": "No longer needed"},
        refused=404,
        forbidden=NO_LOG,
    ),
    # A chronology lists only what the viewer may see; the person must be of the viewer's school.
    route(
        "incidents:chronology",
        *(name for name in LOG_USERS if name not in ("sibling", "outsider")),
        kwargs=lambda case: {"person_id": case.pupil.pk},
        refused=404,
        forbidden=NO_LOG,
    ),
    route(
        "incidents:chronology_pdf",
        *(name for name in LOG_USERS if name not in ("sibling", "outsider")),
        kwargs=lambda case: {"person_id": case.pupil.pk},
        refused=404,
        forbidden=NO_LOG,
    ),
    route("incidents:detail", *SEE, kwargs=_with(), refused=404),
    route("incidents:detail", "sibling", kwargs=_riverside, refused=404),
    route("incidents:received", "teacher", kwargs=_with(), refused=404),
    route("incidents:edit", *LEADS, kwargs=_with(), refused=404, forbidden=NO_LOG),
    route(
        "incidents:edit", *LEADS, method="POST", kwargs=_with(), data=_version, refused=404, forbidden=NO_LOG
    ),
    route(
        "incidents:step",
        *LEADS,
        method="POST",
        kwargs=_step("triage"),
        data=_version,
        refused=404,
        forbidden=NO_LOG,
    ),
    route(
        "incidents:outcome",
        *LEADS,
        method="POST",
        kwargs=_with(),
        data=_version,
        refused=404,
        forbidden=NO_LOG,
    ),
    route(
        "incidents:restriction",
        "head",
        method="POST",
        kwargs=_with(),
        data=_version,
        refused=404,
        forbidden=NO_LOG,
    ),
    route(
        "incidents:note",
        *SEE,
        method="POST",
        kwargs=_with(),
        data=lambda c: {"text": "More"},
        refused=404,
        forbidden=NO_LOG,
    ),
    route("incidents:add_evidence", *SEE, method="POST", kwargs=_with(), refused=404, forbidden=NO_LOG),
    route("incidents:evidence", *SEE, kwargs=_evidence, refused=404, forbidden=NO_LOG),
    route("incidents:add_action", *LEADS, method="POST", kwargs=_with(), refused=404, forbidden=NO_LOG),
    route("incidents:add_people", *LEADS, method="POST", kwargs=_with(), refused=404, forbidden=NO_LOG),
    route("incidents:pdf", *SEE, kwargs=_with(), refused=404, forbidden=NO_LOG),
    route("api-incidents", *LOG_USERS, anonymous=401),
    route("api-incidents", *REPORTERS, method="POST", anonymous=401),
    route("api-incident", *SEE, kwargs=_with("pk"), refused=404, forbidden=NO_LOG, anonymous=401),
]
