"""Reading what a member wants to hear of, and how: their choices over the defaults, then the
administrator's policy on top. Only reads; ``hub.notify.actions`` writes these rows.

``wants`` is the one question every delivery path asks (the in-app part here, the e-mail, SMS
and push gateways later), so that a rule about who gets what lives in one place.
"""

from __future__ import annotations

from collections.abc import Iterable

from hub.accounts.models import Member
from hub.notify.models import (
    DeliveryChannel,
    Kind,
    NotificationPolicy,
    NotificationPreference,
    default_enabled,
)
from hub.notify.payloads import PreferenceCell


def get_policy(member: Member) -> NotificationPolicy:
    """The member's policy; an unsaved default one (everything allowed) when none is stored."""
    policy = NotificationPolicy.objects.filter(member=member).first()
    if policy is None:
        policy = NotificationPolicy(organization_id=member.organization_id, member=member)
    return policy


def chosen(member: Member, kind: str, channel: str) -> bool:
    """The member's own choice, or the default: what they asked for, before the policy."""
    enabled = (
        NotificationPreference.objects.filter(member=member, kind=kind, channel=channel)
        .values_list("enabled", flat=True)
        .first()
    )
    return default_enabled(kind, channel) if enabled is None else enabled


def wants(member: Member, kind: str, channel: str) -> bool:
    """Whether ``member`` is to be told of ``kind`` by ``channel``: their choice, and for
    e-mail and SMS also their administrator's policy. An inactive member wants nothing."""
    if not member.is_active:
        return False
    return chosen(member, kind, channel) and get_policy(member).allows(channel)


def wanting_in_app(members: Iterable[Member], kind: str) -> list[Member]:
    """Those of ``members`` who take ``kind`` in the app, in one query for all of them."""
    members = list(members)
    switched = dict(
        NotificationPreference.objects.filter(
            member__in=[m.pk for m in members], kind=kind, channel=DeliveryChannel.IN_APP
        ).values_list("member_id", "enabled")
    )
    default = default_enabled(kind, DeliveryChannel.IN_APP)
    return [m for m in members if switched.get(m.pk, default)]


def preference_grid(member: Member) -> list[PreferenceCell]:
    """Every kind on every channel, with the value in force, in the order of the choices."""
    stored = {
        (kind, channel): enabled
        for kind, channel, enabled in NotificationPreference.objects.filter(
            member=member
        ).values_list("kind", "channel", "enabled")
    }
    policy = get_policy(member)
    cells: list[PreferenceCell] = []
    for kind in Kind.values:
        for channel in DeliveryChannel.values:
            default = default_enabled(kind, channel)
            enabled = stored.get((kind, channel), default)
            blocked = not policy.allows(channel)
            cells.append(
                {
                    "kind": kind,
                    "channel": channel,
                    "enabled": enabled,
                    "default": default,
                    "blocked_by_policy": blocked,
                    "delivered": enabled and not blocked,
                }
            )
    return cells
