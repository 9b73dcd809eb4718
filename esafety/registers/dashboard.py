"""Dashboard panels: devices out of date and failed directory pushes for the Technician; overdue security actions
and a due access review for the Head."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from esafety.access import Action, can
from esafety.core.navigation import Panel
from esafety.core.types import SchoolRequest
from esafety.registers.models import DirectoryPush, RegisterSettings, SecurityAction, stale_devices
from esafety.registers.review import overview


def panels(request: SchoolRequest) -> list[Panel]:
    school, user = request.school, request.user
    result: list[Panel] = []
    if school is None:
        return result
    if can(user, Action.MANAGE_DEVICES, school):
        stale = stale_devices(school, RegisterSettings.for_school(school))
        result.append(
            Panel(
                "Devices out of date",
                len(stale),
                url=reverse("registers:devices") + "?stale=1",
                note="anti-virus or OS updates past the school's limit"
                if stale
                else "all devices up to date",
                tone="warn" if stale else "good",
                items=[
                    (
                        f"{device.asset_tag}: {', '.join(reasons)}",
                        reverse("registers:device", args=[device.pk]),
                    )
                    for device, reasons in stale[:5]
                ],
            )
        )
    if can(user, Action.MANAGE_NETWORK_ACCOUNTS, school):
        failed = DirectoryPush.objects.filter(school=school, status=DirectoryPush.Status.FAILED).count()
        if failed:
            result.append(
                Panel(
                    "Directory changes failing",
                    failed,
                    url=reverse("registers:accounts"),
                    note="retried by the task worker",
                    tone="alert",
                )
            )
    if can(user, Action.MANAGE_SECURITY_REVIEWS, school) and not can(
        user, Action.SIGN_OFF_ACCESS_REVIEW, school
    ):
        mine = SecurityAction.objects.filter(school=school, owner=user, done_on__isnull=True)
        if mine.exists():
            late = mine.filter(due_on__lt=timezone.localdate()).count()
            result.append(
                Panel(
                    "My security actions",
                    mine.count(),
                    url=reverse("registers:security_reviews"),
                    note=f"{late} overdue" if late else "none overdue",
                    tone="alert" if late else "neutral",
                )
            )
    if can(user, Action.SIGN_OFF_ACCESS_REVIEW, school):
        overdue = SecurityAction.objects.filter(
            school=school, done_on__isnull=True, due_on__lt=timezone.localdate()
        ).select_related("review")
        result.append(
            Panel(
                "Overdue security actions",
                overdue.count(),
                url=reverse("registers:security_reviews"),
                note="from physical and network security reviews" if overdue else "none overdue",
                tone="alert" if overdue else "good",
                items=[
                    (action.description, reverse("registers:security_review", args=[action.review_id]))
                    for action in overdue[:5]
                ],
            )
        )
        access = overview(school)
        if access.overdue:
            result.append(
                Panel(
                    "Access review due",
                    f"{access.due_on:%d %b}",
                    url=reverse("registers:access_review"),
                    note="who has access to the network and esafety: sign off each term",
                    tone="warn",
                )
            )
    return result
