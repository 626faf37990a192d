"""How a delivery looks as JSON: on its message (status ticks), in the sent log, live."""

from __future__ import annotations

from typing import Literal, TypedDict

from hub.outbox.models import Delivery
from hub.threads.payloads import optional_timestamp, timestamp


class DeliveryPayload(TypedDict):
    id: int
    case_id: int | None
    message_id: int | None
    channel: str
    recipient: str
    recipient_name: str
    state: str
    attempts: int
    error: str
    automatic: bool
    stale: bool
    sent_by: str
    created: str
    sent_at: str | None
    delivered_at: str | None
    failed_at: str | None
    opened_at: str | None


class DeliveryUpdated(TypedDict):
    type: Literal["delivery.updated"]
    organization_id: int
    case_id: int | None
    message_id: int | None
    delivery: DeliveryPayload


def delivery_payload(delivery: Delivery) -> DeliveryPayload:
    """Precondition: ``sent_by`` selected when serialising many."""
    return {
        "id": delivery.pk,
        "case_id": delivery.case_id,
        "message_id": delivery.message_id,
        "channel": delivery.channel,
        "recipient": delivery.recipient,
        "recipient_name": delivery.recipient_name,
        "state": delivery.state,
        "attempts": delivery.attempts,
        "error": delivery.error,
        "automatic": delivery.automatic,
        "stale": delivery.stale,
        "sent_by": delivery.sent_by.display_name if delivery.sent_by else "",
        "created": timestamp(delivery.created),
        "sent_at": optional_timestamp(delivery.sent_at),
        "delivered_at": optional_timestamp(delivery.delivered_at),
        "failed_at": optional_timestamp(delivery.failed_at),
        "opened_at": optional_timestamp(delivery.opened_at),
    }
