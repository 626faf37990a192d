"""The one way out for live pushes.

Actions call ``send_event_on_commit``; the event leaves over the channel layer only if the
transaction that produced it commits. The layer is a doorbell, not a queue: it may drop events,
so every event carries the ids a client needs to catch up from the database.

Group names are made here and nowhere else. Customer-facing groups (the portal) are marked as
such, and an internal event can never be sent to one: the check is in the one place every push
passes through, not in each caller.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Group:
    name: str
    customer_facing: bool = False


def inbox_group(organization_id: int) -> Group:
    """Every staff socket of an organisation."""
    return Group(f"org{organization_id}.inbox")


def member_group(organization_id: int, member_id: int) -> Group:
    """One member's sockets: their mentions, notifications and read state."""
    return Group(f"org{organization_id}.member{member_id}")


def case_group(organization_id: int, case_id: int) -> Group:
    """Staff who have the case open."""
    return Group(f"org{organization_id}.case{case_id}")


def portal_case_group(organization_id: int, case_id: int) -> Group:
    """The customer's view of a case. Only customer-audience events may go here."""
    return Group(f"org{organization_id}.portal.case{case_id}", customer_facing=True)


class InternalEventLeak(RuntimeError):
    """Raised when an internal event is addressed to a customer-facing group: a bug, never data."""


def is_customer_safe(event: Mapping[str, Any]) -> bool:
    """Whether a customer may see ``event``. Internal unless shown otherwise: an event carrying
    a message is safe only for a customer-audience message; any other event only when its
    maker says so with ``customer_safe``."""
    message = event.get("message")
    if message is not None:
        return isinstance(message, Mapping) and message.get("audience") == "customer"
    return event.get("customer_safe") is True


def send_event_on_commit(event: Mapping[str, Any], groups: Iterable[Group]) -> None:
    """Publish ``event`` (a typed dict with a dotted ``type``) to ``groups`` after commit."""
    targets = list(dict.fromkeys(groups))
    if not is_customer_safe(event):
        leaking = [group.name for group in targets if group.customer_facing]
        if leaking:
            raise InternalEventLeak(f"{event['type']} is internal; refused for {leaking}")
    payload = dict(event)
    transaction.on_commit(lambda: _send(payload, targets), robust=True)


def _send(event: dict[str, Any], groups: list[Group]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    # Channels finds a consumer's handler from "type"; the event itself travels whole.
    envelope = {"type": "hub.event", "event": event}

    async def send_all() -> None:
        for group in groups:
            await layer.group_send(group.name, envelope)

    async_to_sync(send_all)()
