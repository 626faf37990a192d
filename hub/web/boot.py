"""What a page shell of ours carries for its scripts (the staff app's and the phone app's, in
one shape, so the phone app reads it with the staff app's modules): who is logged in and
where, the colleagues, and the labels of the values the pages show."""

from __future__ import annotations

from typing import Any

from hub.accounts.models import Member, Role
from hub.accounts.payloads import colleagues_payload, me_payload
from hub.booking.models import Purpose, SendChannel
from hub.booking.models import State as BookingState
from hub.outbox.models import OutboundChannel
from hub.outbox.models import State as DeliveryState
from hub.sms.models import ProviderName
from hub.threads.models import Channel, EventKind, Priority, Status


def page_boot(member: Member) -> dict[str, Any]:
    boot = me_payload(member)
    # The member's own choice ("" = the organisation's), for the language menu.
    boot["member"]["chosen_language"] = member.user.language
    return {**boot, "colleagues": colleagues_payload(member), "choices": choices()}


def choices() -> dict[str, list[tuple[str, str]]]:
    """The labels of the values the pages show, translated here once rather than again in
    the browser's catalogue."""
    kinds: dict[str, Any] = {
        "status": Status,
        "priority": Priority,
        "role": Role,
        "channel": Channel,
        "event": EventKind,
        "booking_state": BookingState,
        "booking_channel": SendChannel,
        "purpose": Purpose,
        "delivery_state": DeliveryState,
        "delivery_channel": OutboundChannel,
        "sms_provider": ProviderName,
    }
    return {
        name: [(value, str(label)) for value, label in kind.choices] for name, kind in kinds.items()
    }
