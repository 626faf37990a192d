"""Which case an incoming mail belongs to. Only reads; ``hub.mail.actions`` stores.

In this order, the first that answers wins:
1. our signed reply address, wherever the mail carried it (X-Original-To, Delivered-To, To, Cc);
2. ``In-Reply-To``/``References`` against every Message-ID stored, ours and the customer's;
3. a booking code in the subject or the text, of one of the organisation's active bookings
   (a customer answering a letter writes a new mail, from any address: the code is the key);
4. a ``[S-1042]`` tag in the subject, only when the sender is a contact of that case;
5. the sender's single open case.
Otherwise the caller opens a case in the "unsorted" queue. Never by subject text alone: two
customers writing "Re: Booking" are two conversations.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from hub.booking.actions.answers import booking_for_code
from hub.customers.models import Contact
from hub.mail.addresses import case_id_from_address, tagged_references
from hub.mail.models import MailRecord, MatchedBy
from hub.outbox.models import Delivery, OutboundChannel
from hub.threads.models import Case, Status


@dataclass(frozen=True, slots=True)
class Match:
    case: Case
    matched_by: MatchedBy


def match_case(
    organization_id: int,
    *,
    addresses: Iterable[str],
    message_ids: list[str],
    subject: str,
    sender_contacts: list[Contact],
    text: str = "",
) -> Match | None:
    cases = Case.objects.filter(organization_id=organization_id).select_related(
        "organization", "customer", "contact"
    )
    for address in addresses:
        case_id = case_id_from_address(address, organization_id)
        if case_id is not None and (case := cases.filter(pk=case_id).first()) is not None:
            return Match(case, MatchedBy.REPLY_ADDRESS)
    if message_ids:
        case_id = _case_by_message_ids(organization_id, message_ids)
        if case_id is not None:
            return Match(cases.get(pk=case_id), MatchedBy.HEADERS)
    booking = booking_for_code(organization_id, f"{subject}\n{text}")
    if booking is not None:
        return Match(booking.case, MatchedBy.BOOKING_CODE)
    customer_ids = {contact.customer_id for contact in sender_contacts}
    for prefix, number in tagged_references(subject):
        case = cases.filter(number=number, organization__case_prefix__iexact=prefix).first()
        if case is not None and case.customer_id in customer_ids:
            return Match(case, MatchedBy.TAG)
    open_cases = list(
        cases.filter(customer_id__in=customer_ids, status__in=[Status.OPEN, Status.PENDING])[:2]
    )
    if len(open_cases) == 1:
        return Match(open_cases[0], MatchedBy.SENDER)
    return None


def _case_by_message_ids(organization_id: int, message_ids: list[str]) -> int | None:
    """The case of the newest of ``message_ids`` the hub knows (the mail replied to is the last
    of References and the one In-Reply-To names)."""
    ours = dict(
        Delivery.objects.filter(
            organization_id=organization_id,
            channel=OutboundChannel.EMAIL,
            provider_id__in=message_ids,
        ).values_list("provider_id", "case_id")
    )
    theirs = dict(
        MailRecord.objects.filter(
            organization_id=organization_id, mail_id__in=message_ids, case__isnull=False
        ).values_list("mail_id", "case_id")
    )
    for message_id in reversed(message_ids):
        case_id = ours.get(message_id) or theirs.get(message_id)
        if case_id is not None:
            return case_id
    return None


def sender_contacts(organization_id: int, address: str | None) -> list[Contact]:
    if not address:
        return []
    return list(
        Contact.objects.filter(organization_id=organization_id, email__iexact=address)
        .select_related("customer")
        .order_by("id")
    )
