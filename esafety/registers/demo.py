"""Demo registers for Hollybrook: network accounts of every type (some expired, one leaver still active), devices
with fresh and stale anti-virus, a personal-device exception, a past confiscation, photo authorisations, a signed
access review now due again and security reviews with an overdue action. All fictional; every choice from
``ctx.rng``. Accounts are issued through the real action, so their audit entries are what the app writes."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from esafety.core.demo import DemoContext
from esafety.incidents.actions import linkable_incidents
from esafety.people.models import Person
from esafety.registers import actions
from esafety.registers.models import (
    AccessReview,
    Confiscation,
    Device,
    NetworkAccount,
    PersonalDeviceException,
    PhotoAuthorisation,
    RegisterSettings,
    SecurityAction,
    SecurityReview,
)

K = NetworkAccount.Kind
# (kind, first, last, organisation, days from today to the last day, who asked, why)
TEMPORARY = [
    (K.VISITOR, "Owen", "Pritchard", "Northfield Library Service", 1, "Janet Pryce", "Running the book fair"),
    (K.VISITOR, "Hannah", "Vickers", "County music service", -6, "Priya Nandra", "Recorder workshop, Year 3"),
    (K.STUDENT, "Zoe", "Kemp", "Westvale College", 20, "Daniel Okoro", "Work experience, two weeks"),
    (K.STUDENT, "Callum", "Reid", "Westvale College", -30, "Daniel Okoro", "Work experience, autumn"),
    (
        K.THIRD_PARTY,
        "Ravi",
        "Desai",
        "Brightpath IT Support",
        120,
        "Gareth Llewellyn",
        "Termly network review",
    ),
]
DEVICES = [
    ("HB-LT-01", Device.Kind.LAPTOP, "Dell Latitude 3440", "teacher", 1, 6),
    ("HB-LT-02", Device.Kind.LAPTOP, "Dell Latitude 3440", "teacher2", 2, 9),
    ("HB-LT-03", Device.Kind.LAPTOP, "Dell Latitude 3440", "coordinator", 16, 12),
    ("HB-LT-04", Device.Kind.LAPTOP, "Lenovo ThinkPad E14", "deputy", 0, 52),
    ("HB-LT-05", Device.Kind.LAPTOP, "Lenovo ThinkPad E14", "", 34, 80),
    ("HB-DT-01", Device.Kind.DESKTOP, "HP ProDesk 400", "office", 1, 4),
    ("HB-DT-02", Device.Kind.DESKTOP, "HP ProDesk 400", "", 3, 10),
    ("HB-IPAD-01", Device.Kind.IPAD, "iPad (10th generation)", "teacher", None, 8),
    ("HB-IPAD-02", Device.Kind.IPAD, "iPad (10th generation)", "", None, 41),
    ("HB-IPAD-03", Device.Kind.IPAD, "iPad (10th generation)", "head", None, 3),
]


def build(ctx: DemoContext) -> None:
    rng, school, users, today = ctx.rng, ctx.school, ctx.users, ctx.today
    RegisterSettings.for_school(school)
    now = timezone.now()
    tz = timezone.get_current_timezone()

    # Permanent staff: everyone in the staff directory, issued at various points over the last two years.
    staff = list(Person.objects.filter(school=school, kind=Person.Kind.STAFF).order_by("mis_id"))
    leaver = Person.objects.create(
        school=school,
        kind=Person.Kind.STAFF,
        mis_id="S900",
        first_name="Graham",
        last_name="Tull",
        job_title="Teaching assistant (left)",
        left_on=today - timedelta(days=12),
    )
    issued = []
    for person in [*staff, leaver]:
        account, _ = actions.issue_account(
            school=school,
            issued_by=users["technician"],
            kind=K.STAFF,
            person=person,
            first_name=person.first_name,
            last_name=person.last_name,
            aup_on_paper=True,
        )
        issued.append(account)
    # The trainee and the long-term supply teacher the directory already holds.
    for person, days in (
        (Person.objects.get(school=school, mis_id="T001"), 45),
        (Person.objects.get(school=school, mis_id="SUP001"), 70),
    ):
        account, _ = actions.issue_account(
            school=school,
            issued_by=users["office"],
            kind=K.TRAINEE if person.kind == Person.Kind.TRAINEE else K.SUPPLY,
            person=person,
            first_name=person.first_name,
            last_name=person.last_name,
            ends_on=today + timedelta(days=days),
            aup_on_paper=True,
        )
        issued.append(account)
    for kind, first, last, organisation, days, asked, why in TEMPORARY:
        ends = today + timedelta(days=days)
        account, _ = actions.issue_account(
            school=school,
            issued_by=users["office"],
            kind=kind,
            first_name=first,
            last_name=last,
            organisation=organisation,
            ends_on=max(ends, today),
            requested_by=asked,
            reason=why,
            aup_on_paper=True,
        )
        if ends < today:  # issued in the past; the form refuses a past last day, so set it afterwards
            account.ends_on = ends
            account.starts_on = ends - timedelta(days=rng.randrange(1, 10))
            account.save(update_fields=["ends_on", "starts_on"])
        issued.append(account)
    for account in issued:
        back = account.starts_on if account.ends_on and account.ends_on < today else None
        issued_on = back or today - timedelta(days=rng.randrange(3, 700))
        used = (
            None
            if rng.random() < 0.12
            else now - timedelta(days=rng.randrange(0, 3), hours=rng.randrange(1, 9))
        )
        NetworkAccount.objects.filter(pk=account.pk).update(
            issued_at=datetime.combine(issued_on, time(9, 15), tz),
            password_set_at=datetime.combine(issued_on, time(9, 15), tz),
            starts_on=min(account.starts_on, issued_on),
            last_used_at=used,
        )
    actions.expire_due_accounts(today)

    # Devices: most fresh, a few past the limits so the Technician's dashboard has work.
    for tag, device_kind, model, holder, av_days, os_days in DEVICES:
        device = Device.objects.create(
            school=school,
            asset_tag=tag,
            serial=f"{rng.choice('CDFGHJK')}{rng.randrange(10**8, 10**9)}",
            kind=device_kind,
            model_name=model,
            av_product="" if av_days is None else "Sophos Intercept X",
            av_installed_on=None if av_days is None else today - timedelta(days=400 + rng.randrange(0, 200)),
            av_updated_on=None if av_days is None else today - timedelta(days=av_days),
            os_version="iPadOS 18.1" if device_kind == Device.Kind.IPAD else "Windows 11 23H2",
            os_updated_on=today - timedelta(days=os_days),
        )
        if holder:
            actions.issue_device(
                device,
                person=ctx.person(holder),
                condition="Good",
                by=users["technician"],
                aup_on_paper=True,
            )

    PersonalDeviceException.objects.create(
        school=school,
        person=ctx.person("coordinator"),
        device="Own laptop (MacBook Air) on the guest network only",
        reason="Presenting at the parents' online-safety evening; the school laptop cannot drive the hall projector.",
        authorised_by=users["head"],
        starts_on=today - timedelta(days=2),
        ends_on=today + timedelta(days=5),
    )

    # A past confiscation, linked to a device-misuse incident of the demo log when there is one.
    pupils = ctx.extra.get("pupils") or list(Person.objects.filter(school=school, kind=Person.Kind.PUPIL))
    incident = linkable_incidents(
        school, "device_misuse"
    ).first()  # the log's "Device misuse or confiscation"
    pupil = rng.choice([p for p in pupils if p.year_group == "Year 6"] or pupils)
    taken = (incident.occurred_at if incident else now - timedelta(days=21)) + timedelta(minutes=20)
    confiscation = actions.record_confiscation(
        school=school,
        by=users["deputy"],
        item="Mobile phone (black Samsung, cracked case)",
        taken_from=pupil,
        taken_at=taken,
        suspicion="Seen filming other pupils in the changing area and sharing the clip in a group chat.",
        authorised_by=users["head"],
        kept_where="Locked drawer, Headteacher's office",
        incident=incident,
    )
    actions.take_confiscation_step(
        confiscation,
        "search",
        by=users["head"],
        searched_by="Helen Marsh (Headteacher) with Daniel Okoro",
        note="Clip found and deleted with the pupil present; nothing else of concern.",
    )
    actions.take_confiscation_step(
        confiscation, "inform_parents", by=users["deputy"], on=timezone.localdate(taken), note="Phoned mother"
    )
    actions.take_confiscation_step(
        confiscation, "return", by=users["deputy"], to="Mother, at the school office"
    )
    Confiscation.objects.filter(pk=confiscation.pk).update(
        recorded_at=taken, searched_at=taken + timedelta(hours=1), returned_at=taken + timedelta(hours=5)
    )

    PhotoAuthorisation.objects.create(
        school=school,
        staff=ctx.person("teacher"),
        device="School iPad HB-IPAD-01",
        purpose="Evidence of learning for Kestrels' class learning journals",
        starts_on=today - timedelta(days=60),
        ends_on=today + timedelta(days=120),
        consent_checked="Checked against the signed consent forms; three pupils excluded",
        authorised_by=users["head"],
    )
    PhotoAuthorisation.objects.create(
        school=school,
        staff=ctx.person("teacher2"),
        device="School iPad HB-IPAD-02",
        purpose="Year 5 residential trip photographs",
        starts_on=today - timedelta(days=150),
        ends_on=today - timedelta(days=140),
        consent_checked="Checked against the signed consent forms",
        authorised_by=users["head"],
    )

    AccessReview.objects.create(
        school=school,
        signed_off_by=users["head"],
        signed_off_at=now - timedelta(days=98),
        notes="Two work-experience accounts closed early; the IT support account renewed for the year.",
        findings={"leaver_accounts": [], "past_end": [], "unused_accounts": [], "closed_since": 2},
    )
    network = SecurityReview.objects.create(
        school=school,
        kind=SecurityReview.Kind.NETWORK,
        due_on=today - timedelta(days=55),
        carried_out_on=today - timedelta(days=52),
        consulted="Brightpath IT Support (Ravi Desai)",
        checklist={item: index != 1 for index, item in enumerate(SecurityReview.CHECKLIST["network"])},
        findings="Two laptops were weeks behind on Windows updates; the guest Wi-Fi key had not changed since 2023.",
        created_by=users["technician"],
    )
    SecurityAction.objects.create(
        school=school,
        review=network,
        description="Rotate the guest Wi-Fi key and record it in the office safe",
        owner=users["technician"],
        due_on=today - timedelta(days=20),
    )
    SecurityAction.objects.create(
        school=school,
        review=network,
        description="Bring HB-LT-04 and HB-LT-05 up to date",
        owner=users["technician"],
        due_on=today - timedelta(days=40),
        done_on=today - timedelta(days=41),
    )
    SecurityReview.objects.create(
        school=school,
        kind=SecurityReview.Kind.PHYSICAL,
        due_on=today + timedelta(days=24),
        consulted="Site manager",
        created_by=users["head"],
    )
