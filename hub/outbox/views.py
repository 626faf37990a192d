"""The JSON doors of a case's outgoing side: its sent log and whom one can write to."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from hub.accounts.models import Member
from hub.customers.models import Contact
from hub.http import json_view
from hub.outbox.models import Delivery
from hub.outbox.payloads import delivery_payload
from hub.sms.models import OptOut
from hub.threads.access import access_case


@json_view("GET")
def sent_log(request: HttpRequest, member: Member, case_id: int) -> Any:
    """Every message and notification that left for this case: when, to whom, by whom, how it
    went (Serviceprotokoll's sent log). Newest first."""
    case = access_case(member, case_id)
    rows = Delivery.objects.filter(case=case).select_related("sent_by").order_by("-id")[:500]
    return {"results": [delivery_payload(row) for row in rows]}


@json_view("GET")
def recipients(request: HttpRequest, member: Member, case_id: int) -> Any:
    """The case's customer's contacts, for the recipient picker; the case's contact first."""
    case = access_case(member, case_id)
    contacts = (
        []
        if case.customer_id is None
        else Contact.objects.filter(organization_id=case.organization_id, customer=case.customer_id)
    )
    ordered = sorted(contacts, key=lambda c: (c.pk != case.contact_id, c.name))
    stopped = set(
        OptOut.objects.filter(
            organization_id=case.organization_id, phone__in=[c.phone for c in ordered if c.phone]
        ).values_list("phone", flat=True)
    )
    return {
        "results": [
            {
                "id": contact.pk,
                "name": contact.name,
                "email": contact.email,
                "phone": contact.phone,
                "is_case_contact": contact.pk == case.contact_id,
                # Answered STOP: SMS to this number is refused until they answer START.
                "sms_opted_out": contact.phone in stopped,
            }
            for contact in ordered
        ]
    }
