from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from esafety.filtering import actions, publishing
from esafety.people.models import School


class Command(BaseCommand):
    help = "Publish a school's filter settings to the engine and print the policy file's path."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, help="the school's slug")
        parser.add_argument("--reason", default="Published from the command line.")

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(slug=options["school"]).first()
        if school is None:
            raise CommandError(f"No school with the slug {options['school']!r}.")
        version = actions.publish(school, by=None, reason=options["reason"])
        self.stderr.write(f"{version.label} published for {school.name}.")
        self.stdout.write(str(publishing.current_path(school)))
