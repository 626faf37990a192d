"""Fetching customers and contacts within the member's organisation."""

from __future__ import annotations

from django.utils.translation import gettext as _

from hub.accounts.models import Member
from hub.customers.models import Contact, Customer
from hub.errors import NotFound


def access_customer(member: Member, customer_id: int) -> Customer:
    customer = Customer.objects.filter(
        pk=customer_id, organization_id=member.organization_id
    ).first()
    if customer is None:
        raise NotFound(_("No such customer."), field="customer")
    return customer


def access_contact(member: Member, contact_id: int) -> Contact:
    contact = Contact.objects.filter(pk=contact_id, organization_id=member.organization_id).first()
    if contact is None:
        raise NotFound(_("No such contact."), field="contact")
    return contact
