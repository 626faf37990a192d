"""``@handle`` mentions in internal notes, resolved against the organisation's members."""

from __future__ import annotations

import re

from hub.accounts.models import Member

# A handle starts and ends with a letter or digit, so "@kari." and "(@kari)" mention kari, and
# an e-mail address ("ola@firma.no") mentions nobody.
MENTION_RE = re.compile(r"(?<![\w@.])@([a-z0-9](?:[a-z0-9._-]*[a-z0-9])?)", re.IGNORECASE)


def mentioned_handles(text: str) -> list[str]:
    return list(dict.fromkeys(match.lower() for match in MENTION_RE.findall(text)))


def resolve_mentions(organization_id: int, text: str) -> list[Member]:
    handles = mentioned_handles(text)
    if not handles:
        return []
    return list(
        Member.objects.filter(organization_id=organization_id, is_active=True, handle__in=handles)
        .select_related("user")
        .order_by("pk")
    )
