"""What the access review shows: everyone with access to the network and to esafety, and the accounts that
need a decision (leavers still active, temporary accounts past their date, accounts never used)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from esafety.accounts.models import Role, User
from esafety.registers.models import AccessReview, NetworkAccount, RegisterSettings


@dataclass
class AccessOverview:
    today: date
    accounts_by_kind: list[tuple[str, int, int]]  # (kind label, active, closed)
    users_by_role: list[tuple[str, list[User]]]
    leaver_accounts: list[NetworkAccount]
    leaver_users: list[User]
    past_end: list[NetworkAccount]
    unused_accounts: list[NetworkAccount]
    unused_users: list[User]
    closed_since: list[NetworkAccount]
    last_review: AccessReview | None
    due_on: date

    @property
    def leaver_count(self) -> int:
        return len(self.leaver_accounts) + len(self.leaver_users)

    @property
    def unused_count(self) -> int:
        return len(self.unused_accounts) + len(self.unused_users)

    @property
    def overdue(self) -> bool:
        return self.due_on <= self.today

    def findings(self) -> dict[str, Any]:
        """What the Head signs: counts and user names only (no reasons, no personal details)."""
        return {
            "leaver_accounts": [account.username for account in self.leaver_accounts],
            "leaver_users": [user.username for user in self.leaver_users],
            "past_end": [account.username for account in self.past_end],
            "unused_accounts": [account.username for account in self.unused_accounts],
            "unused_users": [user.username for user in self.unused_users],
            "closed_since": len(self.closed_since),
        }


def overview(school: Any, today: date | None = None) -> AccessOverview:
    today = today or timezone.localdate()
    limits = RegisterSettings.for_school(school)
    accounts = NetworkAccount.objects.filter(school=school).select_related("person")
    counts = {
        (row["kind"], row["status"] == NetworkAccount.Status.ACTIVE): row["n"]
        for row in accounts.values("kind", "status").annotate(n=Count("id"))
    }
    by_kind = [
        (label, counts.get((kind, True), 0), sum(n for (k, a), n in counts.items() if k == kind and not a))
        for kind, label in NetworkAccount.Kind.choices
    ]
    users = list(
        User.objects.filter(
            Q(role_assignments__school=school) | Q(role_assignments__trust_id=school.trust_id), is_active=True
        )
        .select_related("person")
        .prefetch_related("role_assignments")
        .distinct()
        .order_by("last_name", "first_name")
    )
    by_role = []
    for role, label in Role.choices:
        holders = [
            u
            for u in users
            if any(
                a.role == role
                and (a.school_id == school.pk or (a.trust_id and a.trust_id == school.trust_id))
                for a in u.role_assignments.all()
            )
        ]
        if holders:
            by_role.append((label, holders))
    active = accounts.filter(status=NetworkAccount.Status.ACTIVE)
    last = AccessReview.objects.filter(school=school).first()
    since: datetime = (
        last.signed_off_at if last else timezone.now() - timedelta(days=limits.access_review_days)
    )
    return AccessOverview(
        today=today,
        accounts_by_kind=by_kind,
        users_by_role=by_role,
        leaver_accounts=list(active.filter(person__left_on__isnull=False, person__left_on__lte=today)),
        leaver_users=[u for u in users if u.person and u.person.left_on and u.person.left_on <= today],
        past_end=list(active.filter(ends_on__lt=today)),
        unused_accounts=list(active.filter(last_used_at__isnull=True)),
        unused_users=[u for u in users if u.last_login is None],
        closed_since=list(accounts.filter(closed_at__gte=since).order_by("-closed_at")),
        last_review=last,
        due_on=(timezone.localdate(last.signed_off_at) + timedelta(days=limits.access_review_days))
        if last
        else today,
    )
