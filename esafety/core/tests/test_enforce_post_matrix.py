"""Every state-changing URL and API operation of core, people, accounts, audit, incidents and monitoring, posted by
every persona, against this school's records and another school's.

The table is written by hand from the policy and the issues, never from ``esafety/access.py``: a row says who may
make the change (``ok``), who is told the record does not exist (``hidden``, 404), who is answered but changes
nothing (``inert``) and who is refused outright (everyone else, 403 unless the row says otherwise). Where a row has ``done``, the walker also checks the change itself: it must happen for
everyone in ``ok`` and for nobody else, whatever status they got (a refusal that redirects is still a refusal).
Each persona posts against fresh objects, so one persona's change never decides another's answer.

The audit room has no state-changing URL (its trail is append-only by design); its GET page is in the GET matrix.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from esafety.accounts.models import ApiToken, Role, SignInProvider
from esafety.core.actions import quiet
from esafety.core.middleware import SCHOOL_SESSION_KEY
from esafety.incidents import actions as incident_actions
from esafety.incidents.models import Category, Incident, IncidentAction, IncidentPerson
from esafety.monitoring.actions import capture_text, ensure_source
from esafety.monitoring.models import EnhancedMonitoring, LexiconAddition, Source
from esafety.people.models import Person
from esafety.test import PERSONAS, BaseTestCase, make_person, make_user

Factory = Callable[["PostMatrixTests"], dict[str, Any]]
Check = Callable[["PostMatrixTests", dict[str, Any]], bool]

# Persona groups, named by the policy's roles at Hollybrook (see esafety/test.py).
LEADS = "head deputy coordinator trust_lead"  # safeguarding leads who triage Hollybrook's log
ALERT_READERS = (
    "head coordinator technician trust_lead"  # the policy's e-mail monitoring: Head, Co-ordinator, ICT
)
ALERT_REVIEWERS = "head coordinator trust_lead"  # issue 12: the technician reviews only if the Head grants it


@dataclass(frozen=True)
class Post:
    """One state-changing request. ``objects`` builds what the URL names (fresh per persona); ``url`` and
    ``data`` read from what it built; ``api`` posts JSON with the persona's API token instead of a session."""

    label: str
    url: Callable[[dict[str, Any]], str]
    ok: str
    hidden: str = ""
    objects: Factory = lambda case: {}
    data: Callable[[BaseTestCase, dict[str, Any]], dict[str, Any]] = lambda case, objects: {}
    done: Check | None = None
    api: bool = False
    inert: str = ""  # answered (a redirect, the form again) but nothing may change
    refused: int = 403


# --- Objects the rows name -------------------------------------------------------------------------------------


def _incident(case: PostMatrixTests, school: str = "school") -> dict[str, Any]:
    school_obj = getattr(case, school)
    reporter = case.teacher if school == "school" else case.sibling
    with quiet():
        incident = incident_actions.report_incident(
            school=school_obj,
            reporter=reporter,
            category=Category.CYBERBULLYING,
            description="Unkind messages in the class chat",
        )
    person = case.pupil2 if school == "school" else case.sibling_pupil
    return {"incident": incident, "person": person}


def _sibling_incident(case: PostMatrixTests) -> dict[str, Any]:
    return _incident(case, "sibling_school")


def _incident_with_action(case: PostMatrixTests) -> dict[str, Any]:
    objects = _incident(case)
    objects["action"] = IncidentAction.objects.create(
        incident=objects["incident"],
        school=case.school,
        title="Speak to the class",
        owner=case.teacher2,
        due_on=timezone.localdate() + timedelta(days=3),
    )
    return objects


def _alert(case: PostMatrixTests) -> dict[str, Any]:
    result = capture_text(
        school=case.school,
        source=ensure_source(case.school, Source.Kind.API),
        text="honestly i want to kill myself, nobody would even notice",
        person=case.pupil,
    )
    return {"alert": result.alerts[0]}


def _enhanced(case: PostMatrixTests) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "enhanced": EnhancedMonitoring.objects.create(
            school=case.school,
            person=case.pupil,
            reason="Concerns raised by a parent",
            starts=today,
            ends=today + timedelta(days=14),
            requested_by=case.coordinator,
        )
    }


def _term(case: PostMatrixTests, school: str = "school") -> dict[str, Any]:
    return {
        "term": LexiconAddition.objects.create(
            school=getattr(case, school),
            phrase=f"meet me behind the shed {case.counter()}",
            category="grooming",
        )
    }


def _imap(case: PostMatrixTests, school: str = "school") -> dict[str, Any]:
    source = Source.objects.create(
        school=getattr(case, school),
        name=f"Journal {case.counter()}",
        kind=Source.Kind.IMAP,
        config={"host": "127.0.0.1", "port": 9, "ssl": False, "username": "journal", "mailbox": "INBOX"},
    )
    return {"source": source}


def _teacher2_token(case: PostMatrixTests) -> dict[str, Any]:
    token, _ = ApiToken.issue(case.teacher2, "phone")
    return {"token": token}


def _sign_in_provider(case: PostMatrixTests) -> dict[str, Any]:
    provider = SignInProvider.objects.create(
        school=case.school,
        kind=SignInProvider.Kind.GOOGLE,
        tenant="hollybrook.sch.example",
        client_id="matrix",
        secret_variable="ESAFETY_SSO_SECRET_MATRIX",
    )
    return {"provider": provider}


def _reloaded(obj: Any) -> Any:
    return type(obj).objects.get(pk=obj.pk)


def _step_form(case: BaseTestCase, objects: dict[str, Any]) -> dict[str, Any]:
    return {"version": objects["incident"].version, "reason": "Taking this on"}


def _edit_form(case: BaseTestCase, objects: dict[str, Any]) -> dict[str, Any]:
    incident = objects["incident"]
    return {
        "category": Category.CYBERBULLYING,
        "occurred_at": timezone.localtime(incident.occurred_at).strftime("%Y-%m-%dT%H:%M"),
        "location": "Changed by the matrix",
        "description": incident.description,
        "reporter_actions": "",
        "version": incident.version,
    }


def _person_form(case: BaseTestCase, objects: dict[str, Any]) -> dict[str, Any]:
    person = objects["person"]
    return {
        "kind": person.kind,
        "first_name": person.first_name,
        "last_name": "Renamed",
        "year_group": person.year_group,
        "class_name": person.class_name,
    }


def _report_json(case: BaseTestCase, objects: dict[str, Any]) -> dict[str, Any]:
    return {"category": Category.CYBERBULLYING, "description": "From a monitoring tool"}


# --- The table -------------------------------------------------------------------------------------------------

ALL = " ".join(PERSONAS)


def _fresh_teacher(case: BaseTestCase) -> Any:
    """A new Hollybrook teacher per cell: a deactivation must not sign out a persona used by later rows."""
    from esafety.accounts.models import User

    return make_user(f"leaver{User.objects.count()}", case.school, Role.TEACHER)


ROWS = [
    # core
    Post(
        "switch to the trust's other school",
        lambda o: reverse("switch_school"),
        ok="trust_lead sibling",  # only people with a role at Riverside switch; the others stay where they are
        inert="head deputy coordinator technician teacher teacher2 office governor outsider",
        data=lambda case, o: {"school": case.sibling_school.pk},
        done=lambda case, o: case.client.session.get(SCHOOL_SESSION_KEY) == case.sibling_school.pk,
    ),
    Post(
        "switch to another trust's school",
        lambda o: reverse("switch_school"),
        ok="outsider",
        inert="head deputy coordinator technician teacher teacher2 office governor trust_lead sibling",
        data=lambda case, o: {"school": case.other_school.pk},
        done=lambda case, o: case.client.session.get(SCHOOL_SESSION_KEY) == case.other_school.pk,
    ),
    # accounts
    Post("sign out", lambda o: reverse("logout"), ok=ALL),
    Post(
        "change own password (wrong current password)",
        lambda o: reverse("password_change"),
        ok=ALL,
        data=lambda case, o: {"old_password": "wrong", "new_password1": "x", "new_password2": "x"},
    ),
    Post(
        "create an API token",
        lambda o: reverse("api_tokens"),
        ok=ALL,
        data=lambda case, o: {"name": "matrix"},
    ),
    Post(
        "revoke another user's API token",
        lambda o: reverse("revoke_api_token", args=[o["token"].pk]),
        ok="teacher2",
        hidden="head deputy coordinator technician teacher office governor trust_lead sibling outsider",
        objects=_teacher2_token,
        done=lambda case, o: _reloaded(o["token"]).revoked is not None,
    ),
    Post(
        "create a sign-in account",
        lambda o: reverse("user_new"),
        ok="head deputy outsider",  # users.manage at their own school
        data=lambda case, o: {},
    ),
    Post(
        "change a Hollybrook user",
        lambda o: reverse("user_detail", args=[o["user"].pk]),
        ok="head deputy",
        hidden="outsider",
        objects=lambda case: {"user": case.teacher2},
        data=lambda case, o: {},
    ),
    Post(
        "change a Riverside user (another school's id)",
        lambda o: reverse("user_detail", args=[o["user"].pk]),
        ok="",
        hidden="head deputy outsider",
        objects=lambda case: {"user": case.sibling},
        data=lambda case, o: {},
    ),
    Post(
        "remove a Hollybrook sign-in provider",
        lambda o: reverse("sign_in_settings"),
        ok="head technician",  # users.sign_in; the outsider is Head of another school
        hidden="outsider",
        objects=_sign_in_provider,
        data=lambda case, o: {"operation": "remove", "provider": o["provider"].pk},
        done=lambda case, o: not SignInProvider.objects.filter(pk=o["provider"].pk).exists(),
    ),
    Post(
        "deactivate a Hollybrook user (the confirmation page's POST)",
        lambda o: reverse("user_deactivate", args=[o["user"].pk]),
        ok="head deputy",
        hidden="outsider",
        objects=lambda case: {"user": _fresh_teacher(case)},
        data=lambda case, o: {},
        done=lambda case, o: not type(o["user"]).objects.get(pk=o["user"].pk).is_active,
    ),
    # people
    Post(
        "add a person",
        lambda o: reverse("people:new"),
        ok="head deputy office outsider",
        data=lambda case, o: {},
    ),
    Post(
        "edit a Hollybrook person",
        lambda o: reverse("people:edit", args=[o["person"].pk]),
        ok="head deputy office",
        hidden="outsider",
        objects=lambda case: {
            "person": make_person(case.school, Person.Kind.PUPIL, "Ed", "It", year_group="Year 1")
        },
        data=_person_form,
        done=lambda case, o: _reloaded(o["person"]).last_name == "Renamed",
    ),
    Post(
        "edit a Riverside person (another school's id)",
        lambda o: reverse("people:edit", args=[o["person"].pk]),
        ok="",
        hidden="head deputy office outsider",
        objects=lambda case: {"person": case.sibling_pupil},
        data=_person_form,
        done=lambda case, o: _reloaded(o["person"]).last_name == "Renamed",
    ),
    Post(
        "import the directory",
        lambda o: reverse("people:import"),
        ok="head deputy office outsider",
        data=lambda case, o: {},
    ),
    Post(
        "import a Common Transfer File",
        lambda o: reverse("people:import_ctf"),
        ok="head deputy office outsider",
        data=lambda case, o: {},
    ),
    Post(
        "import a OneRoster export",
        lambda o: reverse("people:import_oneroster"),
        ok="head deputy office outsider",
        data=lambda case, o: {},
    ),
    # incidents
    Post(
        "file a report",
        lambda o: reverse("incidents:new"),
        ok=" ".join(p for p in PERSONAS),  # everyone who signs in may report (trust admins aside)
        data=lambda case, o: {
            "category": Category.CYBERBULLYING,
            "occurred_at": "2026-03-02T10:15",
            "description": "Posted by the matrix",
            "token": f"matrix{case.counter()}x",
            "nobody_known": "on",  # a report about a pupil names someone or says why not (issue 12)
            "nobody_known_reason": "Posted by the matrix",
            "send": "1",
        },
    ),
    Post(
        "triage a report",
        lambda o: reverse("incidents:step", args=[o["incident"].pk, "triage"]),
        ok=LEADS,
        hidden="technician teacher2 office sibling outsider",
        inert="teacher",
        objects=_incident,
        data=_step_form,
        done=lambda case, o: _reloaded(o["incident"]).status == Incident.Status.TRIAGED,
    ),
    Post(
        "triage another school's report",
        lambda o: reverse("incidents:step", args=[o["incident"].pk, "triage"]),
        ok="sibling",
        hidden="head deputy coordinator technician teacher teacher2 office trust_lead outsider",
        objects=_sibling_incident,
        data=_step_form,
        done=lambda case, o: _reloaded(o["incident"]).status == Incident.Status.TRIAGED,
    ),
    Post(
        "restrict a report to the Head",
        lambda o: reverse("incidents:restriction", args=[o["incident"].pk]),
        ok="head",
        # A restriction the user may not set answers 404, as the record does (issue 9: one answer for a refusal).
        hidden="deputy coordinator technician teacher teacher2 office trust_lead sibling outsider",
        objects=_incident,
        data=lambda case, o: {"restricted": "1", "reason": "About staff", "version": o["incident"].version},
        done=lambda case, o: _reloaded(o["incident"]).restricted,
    ),
    Post(
        "restrict another school's report",
        lambda o: reverse("incidents:restriction", args=[o["incident"].pk]),
        ok="",
        hidden="head deputy coordinator technician teacher teacher2 office trust_lead sibling outsider",
        objects=_sibling_incident,
        data=lambda case, o: {"restricted": "1", "reason": "About staff", "version": o["incident"].version},
        done=lambda case, o: _reloaded(o["incident"]).restricted,
    ),
    Post(
        "add a note",
        lambda o: reverse("incidents:note", args=[o["incident"].pk]),
        ok=LEADS + " teacher",  # the reporter may add what they learn later
        hidden="technician teacher2 office sibling outsider",
        objects=_incident,
        data=lambda case, o: {"text": "Matrix note"},
        done=lambda case, o: o["incident"].timeline.filter(text="Matrix note").exists(),
    ),
    Post(
        "add a note to another school's report",
        lambda o: reverse("incidents:note", args=[o["incident"].pk]),
        ok="sibling",
        hidden="head deputy coordinator technician teacher teacher2 office trust_lead outsider",
        objects=_sibling_incident,
        data=lambda case, o: {"text": "Matrix note"},
        done=lambda case, o: o["incident"].timeline.filter(text="Matrix note").exists(),
    ),
    Post(
        "add evidence",
        lambda o: reverse("incidents:add_evidence", args=[o["incident"].pk]),
        ok=LEADS + " teacher",
        hidden="technician teacher2 office sibling outsider",
        objects=_incident,
    ),
    Post(
        "add people",
        lambda o: reverse("incidents:add_people", args=[o["incident"].pk]),
        ok=LEADS,
        hidden="technician teacher teacher2 office sibling outsider",
        objects=_incident,
        data=lambda case, o: {
            "people": [o["person"].pk],
            f"role_{o['person'].pk}": IncidentPerson.Role.WITNESS,
        },
        done=lambda case, o: o["incident"].involvements.filter(person=o["person"]).exists(),
    ),
    Post(
        "another school's report and person (Riverside's own, for its co-ordinator)",
        lambda o: reverse("incidents:add_people", args=[o["incident"].pk]),
        ok="sibling",
        hidden="head deputy coordinator technician teacher teacher2 office trust_lead outsider",
        objects=_sibling_incident,
        data=lambda case, o: {
            "people": [o["person"].pk],
            f"role_{o['person'].pk}": IncidentPerson.Role.WITNESS,
        },
        done=lambda case, o: o["incident"].involvements.filter(person=o["person"]).exists(),
    ),
    Post(
        "add another school's person to a Hollybrook report",
        lambda o: reverse("incidents:add_people", args=[o["incident"].pk]),
        ok="",
        hidden="technician teacher teacher2 office sibling outsider",
        inert=LEADS,  # the page answers, but a person of another school is never linked
        objects=lambda case: _incident(case) | {"person": case.sibling_pupil},
        data=lambda case, o: {
            "people": [o["person"].pk],
            f"role_{o['person'].pk}": IncidentPerson.Role.WITNESS,
        },
        done=lambda case, o: o["incident"].involvements.filter(person=o["person"]).exists(),
    ),
    Post(
        "add an action",
        lambda o: reverse("incidents:add_action", args=[o["incident"].pk]),
        ok=LEADS,
        hidden="technician teacher teacher2 office sibling outsider",
        objects=_incident,
    ),
    Post(
        "edit the details",
        lambda o: reverse("incidents:edit", args=[o["incident"].pk]),
        ok=LEADS,
        hidden="technician teacher teacher2 office sibling outsider",
        objects=_incident,
        data=_edit_form,
        done=lambda case, o: _reloaded(o["incident"]).location == "Changed by the matrix",
    ),
    Post(
        "edit another school's report",
        lambda o: reverse("incidents:edit", args=[o["incident"].pk]),
        ok="sibling",
        hidden="head deputy coordinator technician teacher teacher2 office trust_lead outsider",
        objects=_sibling_incident,
        data=_edit_form,
        done=lambda case, o: _reloaded(o["incident"]).location == "Changed by the matrix",
    ),
    Post(
        "record an outcome",
        lambda o: reverse("incidents:outcome", args=[o["incident"].pk]),
        ok=LEADS,
        hidden="technician teacher2 office sibling outsider",
        inert="teacher",
        objects=_incident,
        data=lambda case, o: {},
    ),
    Post(
        "mark someone else's action done",
        lambda o: reverse("incidents:action_done", args=[o["action"].pk]),
        ok=LEADS + " teacher2",  # the action's owner, and whoever runs the incident
        hidden="technician teacher office sibling outsider",
        objects=_incident_with_action,
        done=lambda case, o: _reloaded(o["action"]).done_at is not None,
    ),
    Post(
        "cancel someone's action with a reason",
        lambda o: reverse("incidents:action_cancel", args=[o["action"].pk]),
        ok=LEADS,  # whoever runs the incident; the owner alone may not decide their work is not needed
        hidden="technician teacher teacher2 office sibling outsider",
        objects=_incident_with_action,
        data=lambda case, o: {"reason": "No longer needed"},
        done=lambda case, o: _reloaded(o["action"]).cancelled,
    ),
    Post(
        "change the log's settings",
        lambda o: reverse("incidents:settings"),
        ok="head coordinator sibling outsider",  # Head and Co-ordinator/DSL, each at their own school
        data=lambda case, o: {},
    ),
    # monitoring
    Post(
        "review an alert",
        lambda o: reverse("monitoring:alert_review", args=[o["alert"].pk]),
        ok=ALERT_REVIEWERS,
        hidden="sibling outsider",
        objects=_alert,
        data=lambda case, o: {"status": "reviewed", "reason": "Matrix"},
        done=lambda case, o: _reloaded(o["alert"]).status == "reviewed",
    ),
    Post(
        "turn an alert into an incident",
        lambda o: reverse("monitoring:alert_incident", args=[o["alert"].pk]),
        ok=ALERT_REVIEWERS,
        hidden="sibling outsider",
        objects=_alert,
        data=lambda case, o: {"note": "Matrix"},
        done=lambda case, o: _reloaded(o["alert"]).incident_id is not None,
    ),
    Post(
        "let the ICT Technician review alerts",
        lambda o: reverse("monitoring:settings"),
        ok="head outsider",  # the Head, each at their own school
        data=lambda case, o: {"technician_reviews": "on"},
    ),
    Post(
        "authorise enhanced monitoring",
        lambda o: reverse("monitoring:enhanced_authorise", args=[o["enhanced"].pk]),
        ok="head",
        hidden="outsider",
        objects=_enhanced,
        data=lambda case, o: {"decision": "authorise", "reason": "Agreed"},
    ),
    Post(
        "end enhanced monitoring",
        lambda o: reverse("monitoring:enhanced_end", args=[o["enhanced"].pk]),
        ok="head coordinator",
        hidden="sibling outsider",
        objects=_enhanced,
        data=lambda case, o: {"reason": "Concern resolved"},
    ),
    Post(
        "add to the lexicon",
        lambda o: reverse("monitoring:lexicon"),
        ok="head coordinator sibling outsider",
        data=lambda case, o: {},
    ),
    Post(
        "remove a lexicon term",
        lambda o: reverse("monitoring:lexicon_remove", args=["term", o["term"].pk]),
        ok="head coordinator",
        hidden="sibling outsider",
        objects=_term,
        done=lambda case, o: not LexiconAddition.objects.filter(pk=o["term"].pk).exists(),
    ),
    Post(
        "remove another school's lexicon term",
        lambda o: reverse("monitoring:lexicon_remove", args=["term", o["term"].pk]),
        ok="sibling",
        hidden="head coordinator outsider",
        objects=lambda case: _term(case, "sibling_school"),
        done=lambda case, o: not LexiconAddition.objects.filter(pk=o["term"].pk).exists(),
    ),
    Post(
        "upload a document for scanning",
        lambda o: reverse("monitoring:upload"),
        ok=ALERT_READERS + " sibling outsider",
        data=lambda case, o: {},
    ),
    Post(
        "add a mailbox source",
        lambda o: reverse("monitoring:source_new"),
        ok="head coordinator technician sibling outsider",
        data=lambda case, o: {},
    ),
    Post(
        "pause a mailbox source",
        lambda o: reverse("monitoring:source_active", args=[o["source"].pk]),
        ok="head coordinator technician",
        hidden="sibling outsider",
        objects=_imap,
        data=lambda case, o: {"active": "0"},
    ),
    Post(
        "pause another school's mailbox source",
        lambda o: reverse("monitoring:source_active", args=[o["source"].pk]),
        ok="sibling",
        hidden="head coordinator technician outsider",
        objects=lambda case: _imap(case, "sibling_school"),
        data=lambda case, o: {"active": "0"},
        done=lambda case, o: not _reloaded(o["source"]).active,
    ),
    # API (token authentication, JSON)
    Post(
        "API: file a report",
        lambda o: reverse("api-incidents"),
        ok=ALL,
        api=True,
        data=_report_json,
    ),
    Post(
        "API: file a report naming another school's person",
        lambda o: reverse("api-incidents"),
        ok="sibling",  # Riverside's own pupil, for Riverside's co-ordinator
        api=True,
        objects=lambda case: {"before": Incident.objects.count()},
        data=lambda case, o: _report_json(case, o) | {"people": [{"id": case.sibling_pupil.pk}]},
        done=lambda case, o: Incident.objects.count() != o["before"],
        refused=400,
    ),
    Post(
        "API: submit text for monitoring",
        lambda o: reverse("api-monitoring-captures"),
        ok=ALERT_READERS + " sibling outsider",
        api=True,
        data=lambda case, o: {"text": "can we finish the science homework together tomorrow"},
    ),
]


class PostMatrixTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.sibling_pupil = make_person(
            cls.sibling_school, Person.Kind.PUPIL, "Rio", "Riverside", year_group="Year 1", mis_id="R1"
        )
        # A trust administrator holds users.manage at every school of the trust (not one of the shared personas).
        cls.trust_admin = make_user(
            "trustadmin", cls.school, trust=cls.trust, trust_roles=(Role.TRUST_ADMIN,)
        )

    def counter(self) -> int:
        self._count = getattr(self, "_count", 0) + 1
        return self._count

    def send(self, row: Post, who: str | None, objects: dict[str, Any]) -> int:
        self.client.logout()
        url = row.url(objects)
        data = row.data(self, objects)
        if row.api:
            headers = {}
            if who:
                _, key = ApiToken.issue(self.staff_personas[who], "matrix", second_factor=True)
                headers["HTTP_AUTHORIZATION"] = f"Token {key}"
            return self.client.post(
                url, json.dumps(data), content_type="application/json", **headers
            ).status_code
        if who:
            self.login(self.staff_personas[who])
        response = self.client.post(url, data)
        if who is None and response.status_code == 302 and "/accounts/login/" in response["Location"]:
            return 302
        return response.status_code

    def test_it_answers_every_persona_as_the_table_says(self) -> None:
        names = [row.label for row in ROWS]
        self.assertEqual(len(names), len(set(names)), "labels name rows uniquely")
        for row in ROWS:
            ok, hidden, inert = set(row.ok.split()), set(row.hidden.split()), set(row.inert.split())
            self.assertFalse(ok & hidden or ok & inert or hidden & inert, row.label)
            for who in (*PERSONAS, None):
                with self.subTest(row=row.label, persona=who or "anonymous"):
                    objects = row.objects(self)
                    status = self.send(row, who, objects)
                    self.assertLess(status, 500)
                    if who is None:
                        self.assertIn(status, (401, 403) if row.api else (302,))
                    elif who in ok:
                        self.assertNotIn(status, (401, 403, 404))
                    elif who in hidden:
                        self.assertEqual(status, 404)
                    elif who not in inert:
                        self.assertEqual(status, row.refused)
                    if row.done is not None:
                        self.assertEqual(row.done(self, objects), who in ok, "the change happened")
