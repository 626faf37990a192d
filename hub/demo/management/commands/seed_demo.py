"""``manage.py seed_demo``: load the demo companies, then say how to log in.

Safe to run on every start (the README's run command does): organisations already there are
left alone, and the logins are printed either way. Refused in production without ``--force``,
because every demo login shares a published password.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hub.demo.data import DEMO_PASSWORD
from hub.demo.seed import SeedResult, seed_demo


class Command(BaseCommand):
    help = "Load the demo organisations, their people, customers and cases, and print the logins."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the demo even when HUB_ENV=production (its logins share one password).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION and not options["force"]:
            raise CommandError(
                "Refusing to load demo data in production: every demo login shares the "
                "password in the source code. Use --force if you really mean it."
            )
        result = seed_demo()
        self._report(result)

    def _report(self, result: SeedResult) -> None:
        if result.created:
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {', '.join(result.created)}"))
            self.stdout.write(
                "  " + ", ".join(f"{count} {kind}" for kind, count in result.counts.items())
            )
        if result.existing:
            self.stdout.write(
                f"Demo data already there, left as it is: {', '.join(result.existing)}"
            )
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        width = max(len(login.username) for login in result.logins)
        name_width = max(len(login.name) for login in result.logins)
        for login in result.logins:
            where = ", ".join(f"{role} at {name}" for name, role in login.memberships)
            admin = "; also /admin/" if login.superuser else ""
            self.stdout.write(
                f"  {login.username:<{width}}  {login.name:<{name_width}}  {where}{admin}"
            )
