"""The addresses and identifiers the hub puts on its mail, and reading them back.

A reply address names its case and is signed (``reply+c1042-3f9a…@reply.example``): a reply to
it lands on that case whatever the subject says, and nobody can make up an address that drops
mail on a case of their choosing. Lower-case hex only, because some servers lower-case the
local part on the way.
"""

from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

from hub.threads.models import Case

TOKEN_SALT = "hub.mail.reply-address"  # noqa: S105 - a salt, not a secret
TOKEN_PATTERN = re.compile(r"\+c(\d{1,18})-([0-9a-f]{16})@", re.IGNORECASE)
TAG_PATTERN = re.compile(r"\[([A-Za-z]{1,8})-(\d{1,9})\]")


def _signature(organization_id: int, case_id: int) -> str:
    return salted_hmac(TOKEN_SALT, f"{organization_id}:{case_id}", algorithm="sha256").hexdigest()[
        :16
    ]


def reply_address(case: Case, base: str = "") -> str:
    """``base`` is the organisation's own reply address (plus-addressing on its mailbox);
    without one, the hub's reply domain."""
    local, _at, domain = (base or f"reply@{settings.HUB_REPLY_DOMAIN}").partition("@")
    local = local.split("+", 1)[0]
    return f"{local}+c{case.pk}-{_signature(case.organization_id, case.pk)}@{domain}"


def case_id_from_address(address: str, organization_id: int) -> int | None:
    """The case a reply address names, if its signature holds for this organisation."""
    match = TOKEN_PATTERN.search(address + "@" if "@" not in address else address)
    if match is None:
        return None
    case_id = int(match.group(1))
    if not constant_time_compare(match.group(2).lower(), _signature(organization_id, case_id)):
        return None
    return case_id


def new_message_id() -> str:
    """Ours, unguessable: nobody can make a mail look like a reply to one they never saw."""
    return f"hub.{secrets.token_hex(16)}@{settings.HUB_MAIL_DOMAIN}"


def subject_tag(case: Case) -> str:
    return f"[{case.reference}]"


def tagged_references(subject: str) -> list[tuple[str, int]]:
    """Every ``[S-1042]`` in a subject as (prefix, number)."""
    return [(prefix.upper(), int(number)) for prefix, number in TAG_PATTERN.findall(subject)]
