"""Which case an incoming SMS belongs to. Only reads; ``hub.sms.actions`` stores.

SMS carries no thread headers, so the order is (the issue's, and the reason no competitor is
trusted with it):
1. a booking code in the text, of one of the organisation's active bookings;
2. the case with the most recent SMS the organisation sent to this number, if it is still open:
   a customer with three open cases who answers the SMS about the second lands on the second;
3. the single open case of the contacts with this number;
otherwise the caller opens a case in the unsorted queue with a "which case?" marker.
"""

from __future__ import annotations

from dataclasses import dataclass

from hub.booking.actions.answers import booking_for_code
from hub.customers.models import Contact
from hub.outbox.models import Delivery, OutboundChannel
from hub.sms.models import MatchedBy
from hub.threads.models import Case, Status

OPEN = (Status.OPEN, Status.PENDING)


@dataclass(frozen=True, slots=True)
class Match:
    case: Case
    matched_by: MatchedBy


def match_case(
    organization_id: int, sender: str, contacts: list[Contact], text: str = ""
) -> Match | None:
    booking = booking_for_code(organization_id, text)
    if booking is not None:
        return Match(booking.case, MatchedBy.BOOKING_CODE)
    last = (
        Delivery.objects.filter(
            organization_id=organization_id,
            channel=OutboundChannel.SMS,
            recipient=sender,
            purpose="message",
            case__isnull=False,
        )
        .select_related("case__organization", "case__customer", "case__contact")
        .order_by("-id")
        .first()
    )
    if last is not None and last.case is not None and last.case.status in OPEN:
        return Match(last.case, MatchedBy.LAST_SMS)
    open_cases = list(
        Case.objects.filter(
            organization_id=organization_id,
            customer_id__in={contact.customer_id for contact in contacts},
            status__in=OPEN,
        ).select_related("organization", "customer", "contact")[:2]
    )
    if len(open_cases) == 1:
        return Match(open_cases[0], MatchedBy.CONTACT)
    return None


def contacts_with(organization_id: int, phone: str) -> list[Contact]:
    return list(
        Contact.objects.filter(organization_id=organization_id, phone=phone)
        .select_related("customer")
        .order_by("id")
    )
