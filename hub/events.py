"""The one way out for live pushes.

Actions call ``send_event_on_commit``; the event leaves over the channel layer only if the
transaction that produced it commits. The layer is a doorbell, not a queue: it may drop events,
so every event carries the ids a client needs to catch up from the database.

An event is encoded to JSON once, here, and travels as text: a consumer forwards the text to its
socket as it is, so a thousand watchers cost one encoding, not a thousand. Beside the text the
envelope carries what a consumer needs to route it without decoding (the event's id for
de-duplication, its type, case and message ids).

Group names are made here and nowhere else. Customer-facing groups (the portal) are marked as
such, and an internal event can never be sent to one: the check is in the one place every push
passes through, not in each caller.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypedDict

from asgiref.sync import async_to_sync
from channels.exceptions import ChannelFull
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

logger = logging.getLogger(__name__)

ENVELOPE_TYPE = "hub.event"


@dataclass(frozen=True, slots=True)
class Group:
    name: str
    customer_facing: bool = False


def inbox_group(organization_id: int) -> Group:
    """The staff who see every case of the organisation (admins, dispatchers)."""
    return Group(f"org{organization_id}.inbox")


def member_group(organization_id: int, member_id: int) -> Group:
    """One member's sockets: their cases, mentions, notifications and read state."""
    return Group(f"org{organization_id}.member{member_id}")


def team_group(organization_id: int, team_id: int) -> Group:
    """The sockets of a team's members: the team's cases."""
    return Group(f"org{organization_id}.team{team_id}")


def case_group(organization_id: int, case_id: int) -> Group:
    """Staff who have the case open."""
    return Group(f"org{organization_id}.case{case_id}")


def portal_case_group(organization_id: int, case_id: int) -> Group:
    """The customer's view of a case. Only customer-audience events may go here."""
    return Group(f"org{organization_id}.portal.case{case_id}", customer_facing=True)


class InternalEventLeak(RuntimeError):
    """Raised when an internal event is addressed to a customer-facing group: a bug, never data."""


class Envelope(TypedDict):
    """What travels over the channel layer. ``text`` is the event as the client receives it."""

    type: str
    id: str
    event_type: str
    case_id: int | None
    message_id: int | None
    text: str


def is_customer_safe(event: Mapping[str, Any]) -> bool:
    """Whether a customer may see ``event``. Internal unless shown otherwise: an event carrying
    a message is safe only for a customer-audience message; any other event only when its
    maker says so with ``customer_safe``."""
    message = event.get("message")
    if message is not None:
        return isinstance(message, Mapping) and message.get("audience") == "customer"
    return event.get("customer_safe") is True


def envelope(event: Mapping[str, Any]) -> Envelope:
    message = event.get("message")
    return {
        "type": ENVELOPE_TYPE,
        "id": uuid.uuid4().hex,
        "event_type": str(event["type"]),
        "case_id": event.get("case_id"),
        "message_id": message.get("id") if isinstance(message, Mapping) else None,
        "text": json.dumps(event, cls=DjangoJSONEncoder, ensure_ascii=False),
    }


def _check_audience(event: Mapping[str, Any], groups: list[Group]) -> None:
    if not is_customer_safe(event):
        leaking = [group.name for group in groups if group.customer_facing]
        if leaking:
            raise InternalEventLeak(f"{event['type']} is internal; refused for {leaking}")


def send_event_on_commit(event: Mapping[str, Any], groups: Iterable[Group]) -> None:
    """Publish ``event`` (a typed dict with a dotted ``type``) to ``groups`` after commit."""
    targets = list(dict.fromkeys(groups))
    _check_audience(event, targets)
    packed = envelope(event)
    transaction.on_commit(lambda: async_to_sync(_send)(packed, targets), robust=True)


async def send_ephemeral(event: Mapping[str, Any], groups: Iterable[Group]) -> None:
    """Publish a signal that changes nothing stored (someone is typing, someone has the case
    open) straight away. Consumers call this; state changes go through an action."""
    targets = list(dict.fromkeys(groups))
    _check_audience(event, targets)
    await _send(envelope(event), targets)


async def _send(packed: Envelope, groups: list[Group]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    for group in groups:
        await layer.group_send(group.name, dict(packed))


async def send_ephemeral_to(event: Mapping[str, Any], channel_name: str) -> None:
    """An ephemeral signal to one socket: the answer to a presence announcement. A socket whose
    queue is full misses it, as it would miss any signal."""
    layer = get_channel_layer()
    if layer is not None:
        try:
            await layer.send(channel_name, dict(envelope(event)))
        except ChannelFull:
            logger.info("presence answer dropped: %s is full", channel_name)
