import os
import secrets
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from esafety.core.demo import build_demo, demo_exists, reset_passwords

LOGINS = [
    ("head", "Headteacher"),
    ("deputy", "Deputy Headteacher"),
    ("coordinator", "E-Safety Co-ordinator (and DSL)"),
    ("technician", "ICT Technician"),
    ("teacher", "Teacher, Year 2"),
    ("teacher2", "Teacher, Year 5"),
    ("office", "Office"),
    ("governor", "Chair of governors"),
    ("riverside", "Co-ordinator at the trust's other school"),
    ("trustlead", "Trust safeguarding lead"),
]


class Command(BaseCommand):
    help = "Build the fictional demo trust (Hollybrook Primary and Riverside Infant) with logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", help="Password for every demo login (default: generated and printed)"
        )
        parser.add_argument("--password-file", help="Read the password from this file, or create it there")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing but print logins if it exists"
        )

    def handle(self, *args, password, password_file, if_empty, **options):
        if password is None and password_file:
            path = Path(password_file)
            if path.exists():
                password = path.read_text().strip()
            else:
                password = secrets.token_urlsafe(9)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(password + "\n")
                os.chmod(path, 0o600)
        password = password or secrets.token_urlsafe(9)
        if demo_exists():
            if not if_empty:
                raise CommandError("The demo trust already exists. Use a fresh database, or --if-empty.")
            reset_passwords(password)
            self.stdout.write("The demo school is already loaded.")
        else:
            build_demo(password)
            self.stdout.write(
                self.style.SUCCESS("Built the demo: Hollybrook Primary School (Meadowbank Learning Trust).")
            )
        self.stdout.write("\nDemo logins (all with the same password):")
        for username, role in LOGINS:
            self.stdout.write(f"  {username:<12} {role}")
        self.stdout.write(f"\nPassword: {password}\n")
