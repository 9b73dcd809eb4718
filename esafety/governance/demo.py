"""Demo governance: the named responsible people, last year's signed review (with its actions) and this year's
review in progress, so the dashboard, the year-on-year comparison and the governors' report all have content.

Answers go through the real actions, so measured items carry the figures the rooms gave for that year and
self-reported ones say whose word they rest on. Built last (``governance`` is the last room installed), after
every other room's demo records exist.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from esafety.core.demo import DemoContext
from esafety.governance import actions, standards
from esafety.governance.evidence import Period
from esafety.governance.models import FilteringReview, ReviewAction, ReviewAnswer

SELF_REPORTED_BY = {
    "uksic.iwf_member": "Filtering provider's annual statement (IWF membership certificate)",
    "uksic.iwf_list": "Filtering provider's annual statement",
    "uksic.ctiru": "Filtering provider's annual statement",
    "uksic.cannot_disable": "ICT technician, checked with the IT service provider",
    "uksic.identification": "ICT technician",
    "uksic.differentiated": "ICT technician",
    "uksic.circumvention": "ICT technician: VPN test in the ICT suite",
    "uksic.reporting": "E-Safety Co-ordinator",
    "uksic.reports": "ICT technician",
    "uksic.safe_search": "ICT technician: checked on three search engines",
    "uksic.generative_ai": "E-Safety Co-ordinator",
    "uksic.monitoring.languages": "E-Safety Co-ordinator: Polish and Urdu terms added",
    "dfe.review.risks": "Review meeting (SLT, DSL, technician, governor)",
    "dfe.filtering.blocks": "Staff survey at the spring briefing",
    "dfe.filtering.checks": "ICT technician: termly checks with the SWGfL test site",
    "dfe.cyber.antimalware": "IT service provider's device report",
    "uksic.monitoring.devices": "IT service provider's device report",
}


def build(ctx: DemoContext) -> None:
    rng, school, today = ctx.rng, ctx.school, ctx.today
    head, governor, coordinator, technician = (
        ctx.users[u] for u in ("head", "governor", "coordinator", "technician")
    )
    people = actions.responsible_people(school)
    people.slt_lead, people.governor, people.dsl, people.technician = head, governor, coordinator, technician
    people.it_provider = "Meadowbank Learning Trust IT Services"
    people.filtering_provider = "esafety filter (Squid with squidGuard)"
    people.monitoring_provider = "esafety monitoring (journal mailbox scanning)"
    actions.save_responsible_people(people, by=head)

    current = Period.containing(today)
    last = actions.start_review(school, current.first_year - 1, by=coordinator)
    for item in standards.ITEMS:
        verdict = rng.choices(
            [ReviewAnswer.Verdict.MET, ReviewAnswer.Verdict.PARTLY, ReviewAnswer.Verdict.NOT_MET], [7, 2, 1]
        )[0]
        actions.answer_item(
            last,
            item.key,
            verdict=verdict,
            comment="Discussed at the summer review meeting.",
            reported_by=SELF_REPORTED_BY.get(item.key, "E-Safety Co-ordinator"),
            by=coordinator,
        )
    actions.save_notes(
        last,
        by=coordinator,
        notes_send="Two pupils with SEND use a simplified browser profile; their class teachers check it each term.",
        notes_eal="Monitoring terms extended with common Polish and Urdu words for bullying and self-harm.",
        notes_ai="Generative AI chat sites are blocked for pupils; staff use one approved tool with no pupil data.",
        notes_devices="Pupils' phones are handed in at the office; staff phones are not on the pupil network.",
        summary="Filtering and monitoring are appropriate. Technician training and VPN blocking need attention.",
    )
    review_day = timezone.now() - timedelta(days=max((today - current.start).days, 0) + 40)
    for title, owner, due_days, done in (
        ("Book the technician's filtering and monitoring refresher", coordinator, -120, False),
        ("Block the three VPN apps found in the test", technician, -200, True),
        ("Add a filtering section to the staff briefing", coordinator, -150, True),
    ):
        action = actions.add_action(
            last, title=title, owner=owner, due_on=today + timedelta(days=due_days), by=coordinator
        )
        if done:
            actions.complete_action(action, by=coordinator)
    actions.sign(last, "slt", by=head)
    actions.sign(last, "governor", by=governor)
    FilteringReview.objects.filter(pk=last.pk).update(
        slt_signed_at=review_day, governor_signed_at=review_day + timedelta(days=6)
    )
    ReviewAction.objects.filter(review=last, done_at__isnull=False).update(
        done_at=review_day + timedelta(days=30)
    )

    # This year's review, half done: the end-to-end journey has the Head finish it.
    this = actions.start_review(school, current.first_year, by=coordinator)
    for item in standards.ITEMS[: len(standards.ITEMS) // 2]:
        actions.answer_item(
            this,
            item.key,
            verdict=ReviewAnswer.Verdict.MET,
            reported_by=SELF_REPORTED_BY.get(item.key, "E-Safety Co-ordinator"),
            by=coordinator,
        )
    actions.add_action(
        this,
        title="Re-test filtering for the Year 2 iPads after the upgrade",
        owner=technician,
        due_on=today + timedelta(days=30),
        by=coordinator,
    )
