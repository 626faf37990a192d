"""How notifications and notification settings look as JSON, for the doors and live events."""

from __future__ import annotations

from typing import Literal, TypedDict

from hub.notify.models import Notification, NotificationPolicy
from hub.threads.payloads import Person, optional_timestamp, person, timestamp

# The kinds as a type, so that a caller's typo fails mypy instead of the first delivery.
# Kept equal to ``models.Kind`` (a test checks it).
type KindName = Literal["mention", "assigned", "customer_replied", "booking_changed"]

PREVIEW_LENGTH = 100


class CaseRef(TypedDict):
    id: int
    reference: str
    title: str


class NotificationPayload(TypedDict):
    id: int
    kind: str
    case: CaseRef
    message_id: int | None
    preview: str | None
    actor: Person
    created: str
    seen: str | None


class PreferenceCell(TypedDict):
    kind: str
    channel: str
    # The member's choice, or the default when they have not made one.
    enabled: bool
    default: bool
    # Whether the administrator's policy blocks this channel for the member.
    blocked_by_policy: bool
    # What delivery will do: ``enabled`` and not blocked.
    delivered: bool


class PolicyPayload(TypedDict):
    member_id: int
    email_allowed: bool
    sms_allowed: bool


def short_text(text: str, limit: int = PREVIEW_LENGTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def notification_payload(notification: Notification) -> NotificationPayload:
    """Precondition: ``case__organization``, ``message`` and the actors selected when
    serialising many."""
    case = notification.case
    message = notification.message
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "case": {"id": case.pk, "reference": case.reference, "title": case.title},
        "message_id": notification.message_id,
        "preview": None if message is None else short_text(message.text),
        "actor": person(notification.actor_member, notification.actor_contact),
        "created": timestamp(notification.created),
        "seen": optional_timestamp(notification.seen),
    }


def policy_payload(policy: NotificationPolicy) -> PolicyPayload:
    return {
        "member_id": policy.member_id,
        "email_allowed": policy.email_allowed,
        "sms_allowed": policy.sms_allowed,
    }
