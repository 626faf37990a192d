"""Real-world mail formats end to end through the store: each fixture of
``tests/gateways/email/fixtures`` (Gmail, Outlook, Apple Mail, iOS, Thunderbird in nb/sv/da/en,
HTML-only, a forward, an auto-reply, two bounces, a broken charset, no Message-ID) lands where
a person would put it, showing what a person should read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hub.accounts.models import Member
from hub.customers.models import Contact
from hub.gateways.email.parse import parse_mail
from hub.mail.actions import do_receive_mail
from hub.mail.models import Kind, MatchedBy
from hub.outbox.actions import new_token
from hub.outbox.models import Delivery, OutboundChannel, State
from hub.threads.actions.cases import do_create_case
from hub.threads.models import Case, Message
from tests.factories import make_customer

FIXTURES = Path(__file__).resolve().parents[1] / "gateways" / "email" / "fixtures"
EXPECTED: dict[str, dict[str, Any]] = json.loads((FIXTURES / "expected.json").read_text())

pytestmark = pytest.mark.django_db


def ours(message_id: str) -> bool:
    return message_id.startswith("hub.")


def sent(case: Case, message_id: str, recipient: str) -> Delivery:
    return Delivery.objects.create(
        organization_id=case.organization_id,
        case=case,
        channel=OutboundChannel.EMAIL,
        recipient=recipient,
        provider_id=message_id,
        token=new_token(),
        state=State.SENT,
    )


def customer_with_cases(member: Member, address: str, count: int) -> tuple[Contact, list[Case]]:
    customer = make_customer(member.organization, address.split("@")[0])
    contact = Contact.objects.create(
        organization=member.organization, customer=customer, name=customer.name, email=address
    )
    cases = [
        do_create_case(member, title=f"Sak {n}", customer=customer, contact=contact)
        for n in range(count)
    ]
    return contact, cases


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_lands_where_a_person_would_put_it(dispatcher: Member, name: str) -> None:
    expected = EXPECTED[name]
    raw = (FIXTURES / name).read_bytes()
    bounce = expected["bounce"]
    replied_to = [m for m in expected["in_reply_to"] if ours(m)]
    if bounce:
        _contact, (case,) = customer_with_cases(dispatcher, bounce["recipient"], 1)
        delivery = sent(case, bounce["original_message_id"], bounce["recipient"])
    elif replied_to:
        # Two open cases: only the headers can tell which one the mail answers. An older
        # mail in References points at the other one; the newest wins.
        _contact, (other, case) = customer_with_cases(dispatcher, expected["from_address"], 2)
        for older in expected["references"]:
            if ours(older) and older not in replied_to:
                sent(other, older, expected["from_address"])
        sent(case, replied_to[-1], expected["from_address"])
    else:
        # Nothing of ours referenced: the sender's single open case.
        _contact, (case,) = customer_with_cases(dispatcher, expected["from_address"], 1)

    record = do_receive_mail(dispatcher.organization, parse_mail(raw), raw)

    assert record.case_id == case.pk
    if bounce:
        assert record.kind == Kind.BOUNCE
        delivery.refresh_from_db()
        assert delivery.state == State.FAILED
        assert bounce["status"] in delivery.error
        assert not Message.objects.exists()
        return
    assert record.matched_by == (MatchedBy.HEADERS if replied_to else MatchedBy.SENDER)
    assert record.kind == (Kind.AUTO_REPLY if expected["auto_reply"] else Kind.CUSTOMER)
    message = record.message
    assert message is not None
    assert message.automatic == expected["auto_reply"]
    assert message.text == expected["reply"]
    assert sorted(a.name for a in message.attachments.all()) == sorted(
        part["filename"] for part in expected.get("attachments", [])
    )
