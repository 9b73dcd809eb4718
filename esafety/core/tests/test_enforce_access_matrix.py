"""Walks the whole role x action matrix of esafety/access.py against a table written out by hand.

The table is the specification: a change to PERMISSIONS that is not also made here fails, and the failure
lists every cell that moved. Then each persona is checked over HTTP on the pages guarded so far, and a user of
another school, holding every role there, must be refused everything here.
"""

from __future__ import annotations

from esafety.access import PERMISSIONS, Action, can
from esafety.accounts.models import Role, RoleAssignment
from esafety.test import BaseTestCase, make_user

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
monitoring.enhanced            x . x x . . . . . .
monitoring.authorise_enhanced  x . . . . . . . . .
monitoring.lexicon             x . x x . . . . . .
monitoring.sources             x . x x x . . . . .
filtering.manage               x . x . x . . . . .
filtering.request              x x x x x x x . . .
filtering.review               . . x . . . . . . .
filtering.approve              x . . . . . . . . .
filtering.apply                . . . . x . . . . .
filtering.reports              x . x . x . . x . .
filtering.check                x x x x x x x . . .
filtering.report_site          x x x x x x x x x .
filtering.items                x . x . . . . . . .
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

    def test_it_guards_each_page_by_role(self) -> None:
        pages = {
            "/": Action.VIEW_DASHBOARD,
            "/people/": Action.VIEW_PEOPLE,
            "/people/import/": Action.MANAGE_PEOPLE,
            "/people/new/": Action.MANAGE_PEOPLE,
            "/accounts/users/": Action.MANAGE_USERS,
            "/people/export.csv": Action.MANAGE_PEOPLE,
            "/audit/": Action.VIEW_AUDIT,
            "/accounts/tokens/": Action.USE_API,
        }
        for name, user in self.staff_personas.items():
            self.login(user)
            for path, action in pages.items():
                want = 200 if can(user, action, self.school) and user.school == self.school else 403
                if name in ("sibling", "outsider"):
                    # Their pages show their own school, never Hollybrook's: checked in test_isolate_schools.
                    continue
                with self.subTest(persona=name, path=path):
                    self.assertEqual(self.client.get(path).status_code, want)

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
