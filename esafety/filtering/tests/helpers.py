"""Shared set-up for the filtering room's Django tests: a published policy for the test school, written under a
temporary VAR_DIR, with the demo lists shipped in the repository."""

from __future__ import annotations

import shutil
import tempfile
from typing import Any

from django.test import override_settings

from esafety.filtering import actions, publishing
from esafety.filtering.models import ChangeRequest, FilterCategory, FilterGroup, LinkCheck, PolicyVersion
from esafety.test import BaseTestCase


class FilteringTestCase(BaseTestCase):
    """Groups ``pupils`` (chat blocked) and ``staff``, illegal-content category marked, version 1 published."""

    @classmethod
    def setUpClass(cls) -> None:
        cls._var = tempfile.mkdtemp(prefix="esafety-filtering-test-")
        cls._override = override_settings(VAR_DIR=cls._var, SITE_URL="http://esafety.test")
        cls._override.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        cls._override.disable()
        shutil.rmtree(cls._var, ignore_errors=True)

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for school in (cls.school, cls.other_school):
            illegal = FilterCategory.objects.create(school=school, name="illegal_content", label="Illegal")
            actions.mark_illegal(illegal, by=cls.head, reason="IWF list")
            for name, blocked in (("pupils", ["chat", "games"]), ("staff", ["adult"])):
                actions.save_group(
                    FilterGroup(school=school, name=name),
                    by=cls.technician,
                    reason="Initial profile",
                    changes={"label": name.title(), "blocked": blocked},
                )
        cls.version = actions.publish(cls.school, by=cls.technician, reason="First")
        cls.other_version = actions.publish(cls.other_school, by=cls.outsider, reason="First")

    def setUp(self) -> None:
        super().setUp()
        # The database is rolled back after each test but the published files are not: put version 1 back.
        publishing.write_version(self.school, self.version.number, publishing.compile_policy(self.school))

    def file(self, by: Any = None, school: Any = None, **kw: Any) -> ChangeRequest:
        defaults: dict[str, Any] = {
            "kind": ChangeRequest.Kind.UNBLOCK,
            "url": "https://www.chat.example.org/room",
            "scope": ChangeRequest.Scope.GROUP,
            "group": "pupils",
            "reason": "For the pen-pal project",
            "duration": ChangeRequest.Duration.PERMANENT,
        }
        return actions.file_request(school or self.school, by=by or self.teacher, **{**defaults, **kw})

    def link_check(self, school: Any = None, by: Any = None) -> LinkCheck:
        return actions.check_links(
            school or self.school,
            by=by or self.teacher,
            lesson="Volcanoes",
            class_name="Kestrels",
            group="pupils",
            urls=["http://www.bbc.co.uk/bitesize"],
        )

    def other_version_obj(self) -> PolicyVersion:
        return self.other_version
