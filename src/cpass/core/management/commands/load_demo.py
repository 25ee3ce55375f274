from typing import Any

from django.core.management.base import BaseCommand

from cpass.core.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo world (idempotent) and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = load_demo()
        self.stdout.write(self.style.SUCCESS(f"\nC-pass demo logins (password for all: {DEMO_PASSWORD})"))
        for login in logins:
            self.stdout.write(f"  {login.email:<40} {login.role:<9} {login.enterprise}  ({login.name})")
        self.stdout.write("E-mails the demo sends are written to var/mail/ (one file per message).\n")
