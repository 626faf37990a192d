"""SMS outside a case's conversation: a mass SMS to the crew (on no case), and an SMS to a
contact that starts a conversation of its own so the answer has somewhere to land."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync

from hub.accounts.models import Member, Organization, Role
from hub.gateways.outbox import Dispatcher
from hub.outbox.models import Delivery, State
from hub.sms.actions import Incoming, do_receive_sms
from hub.sms.models import MatchedBy
from tests.conftest import login
from tests.factories import make_contact, make_customer, make_member, make_team

pytestmark = pytest.mark.django_db(transaction=True)


def post(member: Member, url: str, data: Any) -> Any:
    return login(member).post(url, data, content_type="application/json")


def crew(org: Organization) -> list[Member]:
    members = [
        make_member(org, Role.TECHNICIAN, handle=f"tech{n}", name=f"Montør {n}") for n in range(3)
    ]
    for number, member in zip(["412 34 001", "412 34 002", ""], members, strict=True):
        member.phone = number
        member.save()
    return members


def test_a_mass_sms_to_a_team(dispatcher: Member, org: Organization) -> None:
    members = crew(org)
    team = make_team(org, "Montører", *members)
    answer = post(
        dispatcher,
        "/api/sms/members",
        {"text": "Stormvarsel: sikre stiger i kveld.", "team_id": team.pk},
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["queued"] == 2
    assert body["without_mobile"] == ["Montør 2"]
    async_to_sync(Dispatcher("dev").tick)()
    rows = Delivery.objects.order_by("recipient")
    assert [(d.recipient, d.case_id, d.state) for d in rows] == [
        ("+4741234001", None, State.SENT),
        ("+4741234002", None, State.SENT),
    ]


def test_only_admins_and_dispatchers_send_mass_sms(technician: Member, org: Organization) -> None:
    crew(org)
    assert post(technician, "/api/sms/members", {"text": "Hei alle"}).status_code == 403
    assert not Delivery.objects.exists()


def test_an_sms_to_a_contact_opens_a_conversation(dispatcher: Member, org: Organization) -> None:
    contact = make_contact(make_customer(org), "Kari Nordmann", phone="+4741234567")
    answer = post(
        dispatcher, f"/api/contacts/{contact.pk}/sms", {"text": "Hei! Har dere fått ny måler?"}
    )
    assert answer.status_code == 201, answer.content
    case_id = answer.json()["case"]["id"]
    assert answer.json()["message"]["deliveries"][0]["recipient"] == "+4741234567"
    record = do_receive_sms(org, Incoming("dev", "in-1", "+4741234567", "+4759440000", "Ja, i går"))
    assert (record.case_id, record.matched_by) == (case_id, MatchedBy.LAST_SMS)


def test_a_mention_by_sms_for_a_member_who_asked_for_it(
    dispatcher: Member, org: Organization
) -> None:
    from hub.notify.actions import do_set_preferences
    from hub.threads.actions.messages import do_post_message
    from hub.threads.models import Audience
    from tests.factories import make_customer_case

    colleague = make_member(org, Role.TECHNICIAN, handle="lars", name="Lars Bakken")
    colleague.phone = "412 34 999"
    colleague.save()
    do_set_preferences(colleague, [("mention", "sms", True)])
    case = make_customer_case(dispatcher)
    do_post_message(dispatcher, case, audience=Audience.INTERNAL, text="@lars ta med stige")
    (copy,) = Delivery.objects.filter(channel="sms", purpose="mention")
    assert (copy.recipient, copy.automatic) == ("+4741234999", True)
    async_to_sync(Dispatcher("dev").tick)()
    copy.refresh_from_db()
    assert copy.state == State.SENT
