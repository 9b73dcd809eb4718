"""Walks the whole role x action matrix of esafety/access.py against a table written out by hand, and checks
that every URL of the URL map is in some room's hand-written access table.

The role table is the specification: a change to PERMISSIONS that is not also made here fails, and the failure
lists every cell that moved. Who may open each URL over HTTP is written by each room in its own
``esafety/<room>/tests/access_matrix.py`` (walked by that room's ``test_enforce_<room>_access.py``); the last
test here fails, naming it, for any URL no room's table covers, so a new page cannot ship unguarded by a test.
"""

from __future__ import annotations

import importlib

from django.apps import apps
from django.test import SimpleTestCase
from django.urls import URLPattern, URLResolver, get_resolver

from esafety.access import PERMISSIONS, Action, can
from esafety.accounts.models import Role, RoleAssignment
from esafety.test import BaseTestCase, Route, make_user

COLUMNS = [
    "head",
    "deputy",
    "coordinator",
    "dsl",
    "technician",
    "teacher",
    "office",
    "governor",
    "trust_safeguarding",
    "trust_admin",
]
# x = allowed, . = refused; columns in the order above.
EXPECTED = """
dashboard.view                 x x x x x x x x x x
people.view                    x x x x x x x . x x
people.manage                  x x . . . . x . . x
users.manage                   x x . . . . . . . x
users.grant_senior             x . . . . . . . . x
users.manage_shared            . . . . . . . . . x
audit.view                     x . . . . . . . x x
api.use                        x x x x x x x x x x
incidents.report               x x x x x x x x x .
incidents.list                 x x x x x x x . x .
incidents.view_all             x x x x . . . . x .
incidents.triage               x x x x . . . . x .
incidents.handle_escalation    x x . . . . . . x .
incidents.view_restricted      x . . . . . . . . .
incidents.actions              x x x x x x x . x .
incidents.settings             x . x x . . . . . .
monitoring.alerts              x . x x x . . . x .
monitoring.review              x . x x . . . . x .
monitoring.enhanced            x . x x . . . . . .
monitoring.authorise_enhanced  x . . . . . . . . .
monitoring.lexicon             x . x x . . . . . .
monitoring.allow_severe        x . . . . . . . . .
monitoring.sources             x . x x x . . . . .
monitoring.settings            x . . . . . . . . .
policies.manage                x . x . . . . . . .
policies.approve               x . . . . . . . . .
policies.campaigns             x . x . . . . . . .
policies.record_paper          x . x . . . x . . .
policies.acknowledge           x x x x x x x x x x
policies.reviews               x . x . . . . x . .
policies.record_review         x . x . . . . x . .
policies.view_acknowledgements x x x x x . x . x x
policies.posters               x x x x x x x . . .
consent.view                   x x x x x x x . . .
consent.manage                 x . x . . . x . . .
consent.campaigns              x . x . . . x . . .
publishing.check               x x x x x x x . . .
publishing.approve             x x . . . . . . . .
publishing.take_down           x x x . . . x . . .
publishing.audit               x x x . x . . . . .
publishing.settings            x . . . . . . . . .
registers.accounts             x . x . x . x . . .
registers.devices              x . x . x . . . . .
registers.confiscations        x x x . . . . . . .
registers.photos               x x x . . . . . . .
registers.authorise_photos     x . . . . . . . . .
registers.access_review        x . x . x . . . . .
registers.sign_off_access_review x . . . . . . . . .
registers.security_reviews     x . x . x . . . . .
registers.settings             x . . . x . . . . .
training.view_own              x x x x x x x x . .
training.manage                x . x . . . . . . .
curriculum.view                x x x x x x x . . .
curriculum.record_lesson       x x x . . x . . . .
curriculum.manage              x . x . . . . . . .
governance.view                x . x . . . . x . .
governance.review              x . x . . . . x . .
governance.responsible_people  x . x . . . . . . .
governance.retention           x . x . . . . . . .
filtering.manage               x . x . x . . . . .
filtering.request              x x x x x x x . . .
filtering.review               . . x . . . . . . .
filtering.approve              x . . . . . . . . .
filtering.apply                . . . . x . . . . .
filtering.reports              x . x . x . . x . .
filtering.check                x x x x x x x . . .
filtering.report_site          x x x x x x x x x .
filtering.items                x . x . . . . . . .
transfers.manage               x . x x . . . . . .
users.sign_in                  x . . . x . . . . x
"""


def expected_table() -> dict[tuple[str, str], bool]:
    table = {}
    for line in EXPECTED.strip().splitlines():
        action, *cells = line.split()
        assert len(cells) == len(COLUMNS), line
        for column, cell in zip(COLUMNS, cells, strict=True):
            table[(action, column)] = cell == "x"
    return table


class AccessMatrixTests(BaseTestCase):
    def test_it_grants_exactly_the_written_matrix(self) -> None:
        expected = expected_table()
        self.assertEqual(
            {action for action, _ in expected},
            {str(action) for action in Action},
            "every action is in the table",
        )
        moved = []
        for column in COLUMNS:
            role = Role(column)
            if role in (Role.TRUST_SAFEGUARDING, Role.TRUST_ADMIN):
                user = make_user(f"m_{column}", self.sibling_school, trust=self.trust, trust_roles=(role,))
            else:
                user = make_user(f"m_{column}", self.school, role)
            for action in Action:
                if can(user, action, self.school) != expected[(str(action), column)]:
                    moved.append(
                        f"{column} {'gained' if can(user, action, self.school) else 'lost'} {action}"
                    )
        self.assertEqual(moved, [])

    def test_it_lets_a_trust_role_act_at_every_school_of_its_trust_only(self) -> None:
        self.assertTrue(can(self.trust_lead, Action.VIEW_ALL_INCIDENTS, self.school))
        self.assertTrue(can(self.trust_lead, Action.VIEW_ALL_INCIDENTS, self.sibling_school))
        self.assertFalse(can(self.trust_lead, Action.VIEW_DASHBOARD, self.other_school))

    def test_it_gives_a_user_of_another_school_nothing_here(self) -> None:
        for role in Role:
            if role not in (Role.TRUST_SAFEGUARDING, Role.TRUST_ADMIN):
                RoleAssignment.objects.get_or_create(user=self.outsider, role=role, school=self.other_school)
        self.outsider.refresh_from_db()
        for action in Action:
            self.assertFalse(can(self.outsider, action, self.school), action)
            self.assertFalse(can(self.sibling, action, self.school), action)

    def test_it_gives_a_deactivated_account_nothing(self) -> None:
        self.head.is_active = False
        self.assertFalse(any(can(self.head, action, self.school) for action in PERMISSIONS))

    def test_it_sends_anonymous_visitors_to_sign_in_from_every_page(self) -> None:
        for path in ("/", "/people/", "/people/import/", "/audit/", "/accounts/tokens/"):
            response = self.client.get(path)
            self.assertEqual(response.status_code, 302, path)
            self.assertTrue(response["Location"].startswith("/accounts/login/?next="), path)

    def test_it_refuses_the_audit_trail_to_a_teacher_and_shows_it_to_the_head(self) -> None:
        self.login(self.teacher)
        self.assertEqual(self.client.get("/audit/").status_code, 403)
        self.login(self.head)
        self.assertEqual(self.client.get("/audit/").status_code, 200)


def url_names(resolver: URLResolver | None = None, namespace: str = "") -> dict[str, str]:
    """Every URL of the map (``include``s followed, the API under /api/v1/ too), as ``{name: route}``; a URL
    without a name appears under its route, so it is reported too (it cannot be named in a table)."""
    found: dict[str, str] = {}
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            for name, path in url_names(pattern, inner).items():
                found[name] = f"{pattern.pattern}{path}"
        elif isinstance(pattern, URLPattern):
            path = str(pattern.pattern)
            found[f"{namespace}{pattern.name}" if pattern.name else f"(unnamed) {path}"] = path
    return found


def access_tables() -> dict[str, list[Route]]:
    """``MATRIX`` of ``esafety.<app>.tests.access_matrix`` for every installed esafety app that has one."""
    tables = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("esafety."):
            continue
        module_name = f"{config.name}.tests.access_matrix"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name not in (f"{config.name}.tests", module_name):
                raise  # the table exists but imports something missing: that is a bug, not "no table"
            continue
        tables[config.name] = module.MATRIX
    return tables


class EveryUrlInATableTests(SimpleTestCase):
    def test_it_finds_every_url_of_the_map_in_some_rooms_access_table(self) -> None:
        covered = {row.name for table in access_tables().values() for row in table}
        missing = sorted(f"{name}  ({path})" for name, path in url_names().items() if name not in covered)
        self.assertEqual(missing, [], "URLs that no esafety/<room>/tests/access_matrix.py covers")

    def test_it_names_only_urls_that_exist_in_the_tables(self) -> None:
        known = set(url_names())
        stale = sorted(
            f"{room}: {row.name}"
            for room, table in access_tables().items()
            for row in table
            if row.name not in known
        )
        self.assertEqual(stale, [])

    def test_it_walks_the_api_and_the_rooms_too(self) -> None:
        # The walker itself: a map it walked only partly would make the check above pass for the wrong reason.
        names = url_names()
        for name in ("dashboard", "incidents:detail", "monitoring:source_test", "api-incident", "api-schema"):
            self.assertIn(name, names)
        self.assertEqual(names["api-incident"], "api/v1/incidents/<int:pk>/")
