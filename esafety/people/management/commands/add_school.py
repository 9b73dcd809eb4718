from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from esafety.accounts.actions import create_account
from esafety.accounts.models import Role, User
from esafety.people.models import School, Trust


class Command(BaseCommand):
    help = "Set up a real school with its Headteacher's account (who then adds everyone else in the web app)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="e.g. 'Hollybrook Primary School'")
        parser.add_argument("--trust", help="Trust or local authority name (created if new)")
        parser.add_argument("--urn", default="", help="DfE URN")
        parser.add_argument("--head-username", required=True)
        parser.add_argument("--head-email", required=True)
        parser.add_argument("--head-name", default="", help="'First Last'")

    def handle(self, *args, name, trust, urn, head_username, head_email, head_name, **options):
        slug = slugify(name)[:60]
        if School.objects.filter(slug=slug).exists():
            raise CommandError(f"A school with the short name {slug!r} already exists.")
        if User.objects.filter(username__iexact=head_username).exists():
            raise CommandError(f"The user name {head_username!r} is taken.")
        first, _, last = head_name.partition(" ")
        with transaction.atomic():
            trust_obj = (
                Trust.objects.get_or_create(name=trust, defaults={"slug": slugify(trust)[:60]})[0]
                if trust
                else None
            )
            school = School.objects.create(name=name, slug=slug, urn=urn, trust=trust_obj)
            _, password = create_account(
                school,
                username=head_username,
                first_name=first,
                last_name=last,
                email=head_email,
                roles=[Role.HEAD],
            )
        self.stdout.write(f"Created {school.name}. Headteacher sign-in: {head_username} / {password}")
        self.stdout.write(
            "They will be asked to set up two-factor sign-in, then can add staff under Accounts."
        )
