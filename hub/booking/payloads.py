"""How a booking looks as JSON: one shape for the HTTP doors and the live ``booking.updated``.

Staff only: the booking code is in it, so no payload of this module ever goes to a
customer-facing group."""

from __future__ import annotations

from typing import Literal, TypedDict

from hub.booking.models import Booking, Letter, Notice
from hub.booking.states import allowed_actions
from hub.threads.payloads import optional_timestamp, timestamp


class TechnicianRef(TypedDict):
    id: int
    name: str


class CaseRef(TypedDict):
    id: int
    reference: str
    title: str
    customer: str
    address: str


class BookingPayload(TypedDict):
    id: int | None
    case_id: int
    case: CaseRef
    state: str
    technician: TechnicianRef | None
    start: str | None
    end: str | None
    duration_minutes: int
    sequence: int
    code: str
    channel: str
    response_deadline: str | None
    hold_until: str | None
    service_objects: list[str]
    customer_told: bool
    actions: list[str]
    updated: str | None


class BookingUpdated(TypedDict):
    type: Literal["booking.updated"]
    organization_id: int
    case_id: int
    booking: BookingPayload
    changes: list[str]


class NoticePayload(TypedDict):
    id: int
    message_id: int
    purpose: str
    channel: str
    start: str | None
    stale: bool
    created: str


class LetterPayload(TypedDict):
    id: int
    case_id: int
    reference: str
    name: str
    # Whom the letter is addressed to, as the envelope window shows it.
    recipient: str
    address: str
    url: str
    created: str


def _address(booking: Booking) -> str:
    customer = booking.case.customer
    if customer is None:
        return ""
    town = " ".join(part for part in (customer.postal_code, customer.city) if part)
    return ", ".join(part for part in (customer.street, town) if part)


def booking_payload(booking: Booking) -> BookingPayload:
    """Precondition: ``case__customer`` and ``technician`` selected when serialising many."""
    case = booking.case
    technician = booking.technician
    return {
        "id": booking.pk,
        "case_id": booking.case_id,
        "case": {
            "id": case.pk,
            "reference": case.reference,
            "title": case.title,
            "customer": case.customer.name if case.customer else "",
            "address": _address(booking),
        },
        "state": booking.state,
        "technician": (
            {"id": technician.pk, "name": technician.display_name} if technician else None
        ),
        "start": optional_timestamp(booking.start),
        "end": optional_timestamp(booking.end),
        "duration_minutes": int(booking.duration.total_seconds() // 60),
        "sequence": booking.sequence,
        "code": booking.code,
        "channel": booking.channel,
        "response_deadline": optional_timestamp(booking.response_deadline),
        "hold_until": booking.hold_until.isoformat() if booking.hold_until else None,
        "service_objects": list(booking.service_objects),
        "customer_told": booking.customer_told,
        "actions": allowed_actions(booking.state),
        "updated": optional_timestamp(booking.updated) if booking.pk else None,
    }


def notice_payload(notice: Notice) -> NoticePayload:
    return {
        "id": notice.pk,
        "message_id": notice.message_id,
        "purpose": notice.purpose,
        "channel": notice.channel,
        "start": optional_timestamp(notice.start),
        "stale": notice.stale,
        "created": timestamp(notice.created),
    }


def letter_payload(letter: Letter) -> LetterPayload:
    return {
        "id": letter.pk,
        "case_id": letter.case_id,
        "reference": letter.case.reference,
        "name": letter.name,
        "recipient": str(letter.content.get("recipient_name", "")),
        "address": ", ".join(letter.content.get("recipient_lines", [])),
        "url": f"/api/letters/{letter.pk}",
        "created": timestamp(letter.created),
    }
