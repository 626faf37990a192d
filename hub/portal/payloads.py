"""How the portal shows a case to its customer: shapes of their own, never the staff payloads.

Nothing internal is in them: no internal note, no booking code, no colleague's full name, no
delivery detail, no other contact's address. A colleague is shown by first name, as a
technician introduces themselves; a message the hub sent by itself, by the organisation's name.
"""

from __future__ import annotations

import zoneinfo
from typing import TypedDict

from babel.dates import format_date
from django.conf import settings
from django.urls import reverse

from hub.accounts.models import Member, Organization
from hub.booking.actions.answers import portal_answers
from hub.booking.models import TOLD_STATES, Booking
from hub.booking.texts import DATE_PATTERNS, EN_DASH
from hub.mail.logo import organization_logo
from hub.portal.access import PortalAccess
from hub.sizes import format_limit
from hub.threads.models import Attachment, Direction, Message
from hub.threads.payloads import optional_timestamp, timestamp


class PortalFile(TypedDict):
    id: int
    name: str
    content_type: str
    size: int
    url: str


class PortalMessage(TypedDict):
    id: int
    # "in": from the customer's side; "out": from the organisation.
    direction: str
    # Written by the contact of this portal session.
    mine: bool
    author: str
    text: str
    created: str
    automatic: bool
    attachments: list[PortalFile]
    # For a message from the organisation: when the customer first saw it here.
    read: str | None


class PortalBooking(TypedDict):
    state: str
    state_label: str
    technician: str
    date: str
    time: str
    start: str | None
    end: str | None
    # What the customer may answer now: "confirm", "another_time".
    answers: list[str]


class PortalOrganization(TypedDict):
    name: str
    logo_url: str | None
    locale: str
    time_zone: str


class PortalCase(TypedDict):
    reference: str
    title: str
    status: str
    status_label: str


class PortalView(TypedDict):
    organization: PortalOrganization
    contact: dict[str, str]
    case: PortalCase
    booking: PortalBooking | None
    messages: list[PortalMessage]
    has_more: bool
    upload: dict[str, int | str]
    socket: str


def first_name(member: Member) -> str:
    words = member.display_name.split()
    return words[0] if words else ""


def file_payload(attachment: Attachment) -> PortalFile:
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "url": reverse("api:portal-file", args=[attachment.pk]),
    }


def message_payload(access: PortalAccess, message: Message) -> PortalMessage:
    """Precondition: a customer-audience message of the access's case, with its authors and
    attachments loaded when serialising many."""
    if message.direction == Direction.IN:
        author = message.author_contact.name if message.author_contact else ""
    elif message.author_member is not None:
        author = first_name(message.author_member)
    else:
        author = access.organization.name
    outbound = message.direction == Direction.OUT
    return {
        "id": message.pk,
        "direction": message.direction,
        "mine": message.author_contact_id == access.contact.pk,
        "author": author,
        "text": message.text,
        "created": timestamp(message.created),
        "automatic": message.automatic,
        "attachments": [file_payload(a) for a in message.attachments.all()],
        "read": optional_timestamp(message.read_by_customer) if outbound else None,
    }


def booking_of(access: PortalAccess) -> Booking | None:
    """The case's booking, once the customer has been told its time."""
    return (
        Booking.objects.filter(case=access.case, state__in=TOLD_STATES, start__isnull=False)
        .select_related("technician")
        .first()
    )


def booking_payload(organization: Organization, booking: Booking | None) -> PortalBooking | None:
    """In the organisation's language and zone (the caller has them active)."""
    if booking is None or booking.start is None:
        return None
    zone = zoneinfo.ZoneInfo(organization.time_zone)
    start = booking.start.astimezone(zone)
    end = booking.end.astimezone(zone) if booking.end else None
    locale = organization.locale
    pattern = DATE_PATTERNS.get(locale, DATE_PATTERNS["en"])
    window = f"{start:%H:%M}{EN_DASH}{end:%H:%M}" if end else f"{start:%H:%M}"
    return {
        "state": booking.state,
        "state_label": str(booking.get_state_display()),
        "technician": first_name(booking.technician) if booking.technician else "",
        "date": format_date(start.date(), pattern, locale=locale),
        "time": window,
        "start": optional_timestamp(booking.start),
        "end": optional_timestamp(booking.end),
        "answers": portal_answers(booking),
    }


def organization_payload(organization: Organization) -> PortalOrganization:
    has_logo = organization_logo(organization.pk) is not None
    return {
        "name": organization.name,
        "logo_url": reverse("api:portal-logo") if has_logo else None,
        "locale": organization.locale,
        "time_zone": organization.time_zone,
    }


def case_payload(access: PortalAccess) -> PortalCase:
    case = access.case
    return {
        "reference": case.reference,
        "title": case.title,
        "status": case.status,
        "status_label": str(case.get_status_display()),
    }


def view_payload(access: PortalAccess, messages: list[Message], has_more: bool) -> PortalView:
    """Everything the portal page shows first, in one answer (and embedded in the page)."""
    organization = access.organization
    return {
        "organization": organization_payload(organization),
        "contact": {"name": access.contact.name},
        "case": case_payload(access),
        "booking": booking_payload(organization, booking_of(access)),
        "messages": [message_payload(access, m) for m in messages],
        "has_more": has_more,
        "upload": {
            "max_bytes": settings.HUB_UPLOAD_MAX_BYTES,
            "limit": format_limit(settings.HUB_UPLOAD_MAX_BYTES),
        },
        "socket": "/ws/portal/",
    }
