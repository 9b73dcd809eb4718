"""Audit entries as sentences: "Priya Nandra viewed Ava Sharma's chronology", not ``incident.chronology.view``.

``SENTENCES`` maps an audit verb (the ``action`` that ``record()`` writes) to a template. Templates may use
``{actor}`` (the person who acted, by name), ``{record}`` (the entry's label, "Incident #42"), ``{person}`` (the
name of the person the entry is about, when it names a person record) and any key of the entry's ``detail``
(``{to}``). A room may add its own with ``register_sentence``. A verb with no template still reads as words
(``describe`` builds them from the verb: "Priya Nandra edited Incident #42"), so a new verb never shows as code.

Used by the audit page and its CSV export; ``describe_entries`` loads the names a page needs in two queries.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from typing import Any

from esafety.audit.models import AuditEntry

__all__ = ["SENTENCES", "describe", "describe_entries", "register_sentence"]

SENTENCES: dict[str, str] = {
    # accounts
    "account.sign_in": "{actor} signed in",
    "account.sign_out": "{actor} signed out",
    "account.sign_in_failed": "A sign-in as {record} failed",
    "account.create": "{actor} created the account of {record}",
    "account.roles": "{actor} changed the roles of {record}",
    "account.activate": "{actor} reactivated the account of {record}",
    "account.deactivate": "{actor} deactivated the account of {record}",
    "account.reset_password": "{actor} reset the password of {record}",
    "account.change_password": "{actor} changed their password",
    "account.reset_2fa": "{actor} reset two-factor sign-in for {record}",
    "account.2fa_enrolled": "{actor} set up two-factor sign-in",
    "account.2fa_failed": "A two-factor code for {record} was wrong",
    "api_token.create": "{actor} created an API token",
    "api_token.revoke": "{actor} revoked an API token",
    # people
    "person.create": "{actor} added {person} to the directory",
    "person.view": "{actor} viewed {person}'s record",
    "people.import": "{actor} imported the people directory",
    "people.export": "{actor} exported the people directory",
    # incidents
    "incident.report": "{actor} reported {record}",
    "incident.view": "{actor} viewed {record}",
    "incident.edit": "{actor} edited {record}",
    "incident.note": "{actor} added a note to {record}",
    "incident.people": "{actor} changed who is involved in {record}",
    "incident.evidence": "{actor} added evidence to {record}",
    "incident.restrict": "{actor} changed who may see {record}",
    "incident.triage": "{actor} triaged {record}",
    "incident.escalate": "{actor} escalated {record} to the Headteacher",
    "incident.investigate": "{actor} started investigating {record}",
    "incident.outcome": "{actor} recorded the outcome of {record}",
    "incident.close": "{actor} closed {record}",
    "incident.reopen": "{actor} reopened {record}",
    "incident.action.add": "{actor} added an action to {record}",
    "incident.action.done": "{actor} completed an action on {record}",
    "incident.chronology.view": "{actor} viewed {person}'s chronology",
    "incident.chronology.export_pdf": "{actor} exported {person}'s chronology as a PDF",
    "incident.export_csv": "{actor} exported the safeguarding log as CSV",
    "incident.export_pdf": "{actor} exported {record} as a PDF",
    "incident.settings": "{actor} changed the safeguarding log's settings",
    # monitoring
    "capture.create": "esafety kept a message that raised an alert ({record})",
    "capture.view": "{actor} read the message of {record}",
    "capture.list_view": "{actor} viewed the monitoring alert queue",
    "capture.purge": "esafety deleted monitoring captures past their retention",
    "alert.metadata_view": "{actor} viewed monitoring alerts' metadata ({record})",
    "alert.review": "{actor} reviewed {record}",
    "alert.incident": "{actor} turned {record} into an incident",
    "alert.close_sibling": "{actor} closed {record}: it became an incident with another alert on the message",
    "monitoring_settings.technician_reviews": "{actor} changed whether the ICT Technician may review alerts",
    "enhanced_monitoring.request": "{actor} requested {record}",
    "enhanced_monitoring.authorise": "{actor} authorised {record}",
    "enhanced_monitoring.decline": "{actor} declined {record}",
    "enhanced_monitoring.end": "{actor} ended {record}",
    "lexicon.add": "{actor} added a school term to the monitoring lexicon",
    "lexicon.remove": "{actor} removed a school term from the monitoring lexicon",
    "lexicon.suppress": "{actor} suppressed a monitoring term for a group",
    "lexicon.unsuppress": "{actor} lifted a monitoring term's suppression",
    "allow_list.apply": "{actor} added “{phrase}” to the school's allow list: it no longer raises"
    " {category_label} alerts of severity {max_severity} or below",
    "allow_list.reject": "{actor} rejected the proposal to add “{phrase}” to the school's allow list"
    " ({category_label})",
    "allow_list.remove": "{actor} took “{phrase}” off the school's allow list: it raises {category_label} alerts"
    " again",
    "source.save": "{actor} saved the monitoring source {record}",
    "source.enable": "{actor} enabled the monitoring source {record}",
    "source.disable": "{actor} disabled the monitoring source {record}",
    "source.test": "{actor} tested the connection of {record}",
    # elsewhere
    "upload.infected": "esafety refused an infected upload",
    "personal_link.issue": "{actor} sent a single-use link",
    "personal_link.use": "A single-use link was used ({record})",
}

# Verb endings -> past tense, for verbs without a template.
_PAST = {
    "add": "added",
    "approve": "approved",
    "authorise": "authorised",
    "change": "changed",
    "check": "checked",
    "close": "closed",
    "create": "created",
    "decline": "declined",
    "delete": "deleted",
    "disable": "disabled",
    "dismiss": "dismissed",
    "done": "completed",
    "edit": "edited",
    "enable": "enabled",
    "end": "ended",
    "expire": "expired",
    "export": "exported",
    "export_csv": "exported as CSV",
    "export_pdf": "exported as a PDF",
    "file": "filed",
    "finish": "finished",
    "import": "imported",
    "issue": "issued",
    "publish": "published",
    "record": "recorded",
    "remind": "sent a reminder about",
    "remove": "removed",
    "resend": "re-sent",
    "return": "returned",
    "review": "reviewed",
    "revoke": "revoked",
    "run": "ran",
    "save": "saved",
    "sign_off": "signed off",
    "start": "started",
    "test": "tested",
    "use": "used",
    "view": "viewed",
    "withdraw": "withdrew",
}

_RESERVED = frozenset({"actor", "record", "person"})


def register_sentence(verb: str, template: str) -> None:
    """Let a room word its own audit verb (called from the room's ``apps.ready`` or a module it imports)."""
    SENTENCES[verb] = template


class _Fill(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def _words(part: str) -> str:
    return part.replace("_", " ").strip()


def _fallback(verb: str, actor: str, record: str) -> str:
    noun, _, last = verb.rpartition(".")
    if not noun:
        return f"{actor}: {_words(verb)}" + (f" ({record})" if record else "")
    if last in _PAST:
        return f"{actor} {_PAST[last]} {record or 'a ' + _words(noun.replace('.', ' '))}"
    subject = _words(noun.replace(".", " "))
    return f"{actor}: {subject}, {_words(last)}" + (f" ({record})" if record else "")


def describe(entry: AuditEntry, *, actor: str | None = None, person: str | None = None) -> str:
    """One entry as a sentence. ``actor`` and ``person`` are names already looked up (``describe_entries``)."""
    who = actor or (entry.actor_name if entry.actor_name and entry.actor_name != "system" else "esafety")
    record = entry.object_repr or ""
    template = SENTENCES.get(entry.action)
    if template is None:
        return _fallback(entry.action, who, record)
    values = _Fill(
        {
            key: str(value)
            for key, value in (entry.detail or {}).items()
            if key not in _RESERVED and isinstance(value, str | int | float | bool)
        }
    )
    values.update(actor=who, record=record or "a record", person=person or record or "someone")
    return string.Formatter().vformat(template, (), values)


def describe_entries(entries: Iterable[AuditEntry]) -> dict[int, str]:
    """Sentences for ``entries`` keyed by ``seq``: actors' and people's names loaded once for all of them."""
    from esafety.accounts.models import User
    from esafety.people.models import Person

    entries = list(entries)
    actor_ids = {e.actor_id for e in entries if e.actor_id}
    person_ids = {
        int(e.object_id) for e in entries if e.object_type == "people.person" and e.object_id.isdigit()
    }
    actors = {
        user.pk: user.get_full_name() or user.username
        for user in User.objects.filter(pk__in=actor_ids).only("pk", "first_name", "last_name", "username")
    }
    people = {
        person.pk: person.full_name
        for person in Person.objects.filter(pk__in=person_ids).only("pk", "first_name", "last_name")
    }
    sentences: dict[int, str] = {}
    for entry in entries:
        person: Any = None
        if entry.object_type == "people.person" and entry.object_id.isdigit():
            person = people.get(int(entry.object_id))
        sentences[entry.seq] = describe(entry, actor=actors.get(entry.actor_id or 0), person=person)
    return sentences
