"""How cases and messages look as JSON: one shape for the HTTP doors and the live events."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, TypedDict

from django.urls import reverse

from hub.accounts.models import Member
from hub.customers.models import Contact
from hub.threads.models import Attachment, Case, Event, Message

PREVIEW_LENGTH = 140


class Person(TypedDict):
    kind: Literal["member", "contact", "system"]
    id: int | None
    name: str


class AttachmentPayload(TypedDict):
    id: int
    name: str
    content_type: str
    size: int
    url: str


class DeliveryStatus(TypedDict):
    """How far a message got to one recipient: the ticks on a message."""

    id: int
    channel: str
    recipient: str
    state: str
    error: str
    sent_at: str | None
    delivered_at: str | None
    opened_at: str | None


class MessagePayload(TypedDict):
    id: int
    case_id: int
    audience: str
    direction: str
    channel: str
    author: Person
    text: str
    html: str
    client_id: str | None
    created: str
    edited: str | None
    attachments: list[AttachmentPayload]
    mentions: list[int]
    automatic: bool
    deliveries: list[DeliveryStatus]
    # When the customer first had it on screen in the portal.
    read_by_customer: str | None


class Assignee(TypedDict):
    kind: Literal["member", "team"]
    id: int
    name: str


class CustomerRef(TypedDict):
    id: int
    name: str


class ContactRef(TypedDict):
    id: int
    name: str
    email: str
    phone: str
    portal_locked: bool


class CasePayload(TypedDict):
    id: int
    number: int
    reference: str
    title: str
    status: str
    priority: str
    deadline: str | None
    customer: CustomerRef | None
    contact: ContactRef | None
    assignee: Assignee | None
    portal_visible: bool
    customer_channel: bool
    external_reference: str
    unsorted: bool
    created: str
    last_activity: str
    last_message_id: int | None


class Preview(TypedDict):
    id: int
    audience: str
    author: Person
    text: str
    created: str


class InboxRow(CasePayload):
    unread_count: int
    preview: Preview | None
    # The case's booking, when it has one: its state and planned start.
    booking_state: str | None
    booking_start: str | None


def timestamp(value: datetime) -> str:
    return value.isoformat()


def optional_timestamp(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def person(member: Member | None, contact: Contact | None) -> Person:
    if member is not None:
        return {"kind": "member", "id": member.pk, "name": member.display_name}
    if contact is not None:
        return {"kind": "contact", "id": contact.pk, "name": contact.name}
    return {"kind": "system", "id": None, "name": ""}


class EventPayload(TypedDict):
    id: int
    kind: str
    label: str
    actor: Person
    data: dict[str, Any]
    created: str


def event_payload(event: Event) -> EventPayload:
    """Precondition: the actors selected when serialising many."""
    return {
        "id": event.pk,
        "kind": event.kind,
        "label": event.get_kind_display(),
        "actor": person(event.actor_member, event.actor_contact),
        "data": event.data,
        "created": timestamp(event.created),
    }


def attachment_payload(attachment: Attachment) -> AttachmentPayload:
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "url": reverse("api:attachment-download", args=[attachment.pk]),
    }


def message_payload(message: Message) -> MessagePayload:
    """Precondition: ``attachments``, ``mentions`` and ``deliveries`` prefetched when
    serialising many."""
    return {
        "id": message.pk,
        "case_id": message.case_id,
        "audience": message.audience,
        "direction": message.direction,
        "channel": message.channel,
        "author": person(message.author_member, message.author_contact),
        "text": message.text,
        "html": message.html,
        "client_id": message.client_id,
        "created": timestamp(message.created),
        "edited": optional_timestamp(message.edited),
        "attachments": [attachment_payload(a) for a in message.attachments.all()],
        "mentions": [m.member_id for m in message.mentions.all()],
        "automatic": message.automatic,
        "deliveries": [
            {
                "id": d.pk,
                "channel": d.channel,
                "recipient": d.recipient,
                "state": d.state,
                "error": d.error,
                "sent_at": optional_timestamp(d.sent_at),
                "delivered_at": optional_timestamp(d.delivered_at),
                "opened_at": optional_timestamp(d.opened_at),
            }
            for d in message.deliveries.all()
            if d.purpose == "message"
        ],
        "read_by_customer": optional_timestamp(message.read_by_customer),
    }


def assignee(case: Case) -> Assignee | None:
    if case.assignee_member is not None:
        member = case.assignee_member
        return {"kind": "member", "id": member.pk, "name": member.display_name}
    if case.assignee_team is not None:
        return {"kind": "team", "id": case.assignee_team.pk, "name": case.assignee_team.name}
    return None


def case_payload(case: Case) -> CasePayload:
    """Precondition: organisation, customer, contact and assignees selected when serialising
    many."""
    customer = case.customer
    contact = case.contact
    return {
        "id": case.pk,
        "number": case.number,
        "reference": case.reference,
        "title": case.title,
        "status": case.status,
        "priority": case.priority,
        "deadline": optional_timestamp(case.deadline),
        "customer": None if customer is None else {"id": customer.pk, "name": customer.name},
        "contact": None
        if contact is None
        else {
            "id": contact.pk,
            "name": contact.name,
            "email": contact.email,
            "phone": contact.phone,
            "portal_locked": contact.portal_locked,
        },
        "assignee": assignee(case),
        "portal_visible": case.portal_visible,
        "customer_channel": case.customer_channel,
        "external_reference": case.external_reference,
        "unsorted": case.unsorted,
        "created": timestamp(case.created),
        "last_activity": timestamp(case.last_activity),
        "last_message_id": case.last_message_id,
    }


def preview(message: Message | None) -> Preview | None:
    if message is None:
        return None
    text = " ".join(message.text.split())
    if len(text) > PREVIEW_LENGTH:
        text = text[: PREVIEW_LENGTH - 1].rstrip() + "…"
    return {
        "id": message.pk,
        "audience": message.audience,
        "author": person(message.author_member, message.author_contact),
        "text": text,
        "created": timestamp(message.created),
    }


def inbox_row(case: Case, unread_count: int) -> InboxRow:
    """Precondition: the case comes from ``inbox.with_row_relations``."""
    row = case_payload(case)
    booking_start = getattr(case, "booking_start", None)
    return {
        **row,
        "unread_count": unread_count,
        "preview": preview(case.last_message),
        "booking_state": getattr(case, "booking_state", None),
        "booking_start": optional_timestamp(booking_start),
    }
