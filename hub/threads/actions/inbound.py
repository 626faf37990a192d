"""Where a customer's mail or SMS goes once its gateway has matched it (or not): the case, and
the contact who wrote. One rule for every channel:

- matched to a customer's case: the sender's contact at that customer, or a new contact of
  that customer (the answer came from another address or number of theirs);
- not matched: a case in the unsorted queue, for the sender's known contact, or for a new
  customer and contact when the sender is a stranger.

Precondition of both: inside the transaction that stores the message.
"""

from __future__ import annotations

from dataclasses import dataclass

from hub.accounts.models import Organization
from hub.customers.models import Contact, Customer
from hub.threads.actions.cases import open_unsorted_case
from hub.threads.models import Case


@dataclass(frozen=True, slots=True)
class Sender:
    """Who wrote, as the channel knows them."""

    name: str
    email: str = ""
    phone: str = ""


def place_inbound(
    organization: Organization,
    matched: Case | None,
    contacts: list[Contact],
    sender: Sender,
    unsorted_title: str,
) -> tuple[Case, Contact]:
    """``contacts``: the organisation's contacts with the sender's address or number."""
    if matched is not None and (customer := matched.customer) is not None:
        for contact in contacts:
            if contact.customer_id == customer.pk:
                return matched, contact
        return matched, _new_contact(organization, customer, sender)
    if contacts:
        contact = contacts[0]
        customer = contact.customer
    else:
        customer = Customer.objects.create(organization=organization, name=sender.name[:200])
        contact = _new_contact(organization, customer, sender)
    case = open_unsorted_case(
        organization.pk, title=unsorted_title, customer=customer, contact=contact
    )
    return case, contact


def _new_contact(organization: Organization, customer: Customer, sender: Sender) -> Contact:
    return Contact.objects.create(
        organization=organization,
        customer=customer,
        name=sender.name[:200],
        email=sender.email[:254],
        phone=sender.phone[:20],
    )
