"""``manage.py ensure_vapid_keys``: make the hub's VAPID key pair once (setup, release), or check
the one the settings give. Safe to run again: an existing pair is kept."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hub.errors import HubError
from hub.push.actions import do_ensure_vapid_keys
from hub.push.keys import vapid_subject


class Command(BaseCommand):
    help = "Make the VAPID key pair that signs Web Push requests, unless there is one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Make a new pair and forget every push subscription (devices subscribe again).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            vapid_subject()
            pair, made = do_ensure_vapid_keys(replace=options["replace"])
        except (ImproperlyConfigured, HubError) as error:
            raise CommandError(str(error)) from error
        if pair.from_settings:
            state = "given by HUB_VAPID_PRIVATE_KEY"
        else:
            state = "made now" if made else "already there"
        if options["verbosity"] > 0:
            self.stdout.write(f"VAPID key pair {state}; public key {pair.public_key}")
