"""The embedded run's SMS loop without a network: the development provider "sends", the phone
simulator shows the SMS, and an answer typed there lands on the case like a provider's webhook."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync

from hub.accounts.models import Member, Organization
from hub.gateways.outbox import Dispatcher
from hub.outbox.models import Delivery, State
from hub.sms.models import SmsRecord
from hub.threads.actions.messages import do_post_message
from hub.threads.models import Audience, Channel, Direction
from tests.conftest import login
from tests.factories import make_customer_case, make_member

pytestmark = pytest.mark.django_db(transaction=True)


def test_send_see_and_answer(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    message, _new = do_post_message(
        dispatcher,
        case,
        audience=Audience.CUSTOMER,
        text="Hei! Vi kommer tirsdag kl. 10-11. Svar OK for å bekrefte.",
        channel=Channel.SMS,
    )
    async_to_sync(Dispatcher("dev").tick)()
    delivery = Delivery.objects.get(message=message)
    assert delivery.state == State.SENT
    assert delivery.provider_id.startswith("dev-")

    client = login(dispatcher)
    page = client.get("/dev/sms/").content.decode()
    assert "Svar OK for å bekrefte." in page
    assert delivery.recipient in page

    answer = client.post("/dev/sms/", {"number": delivery.recipient, "text": "OK"})
    assert answer.status_code == 302
    assert delivery.recipient in client.get(answer["Location"]).content.decode()
    reply = case.messages.get(direction=Direction.IN)
    assert (reply.text, reply.channel) == ("OK", Channel.SMS)
    assert SmsRecord.objects.get().matched_by == "last_sms"


def test_only_numbers_the_organisation_wrote_to(
    dispatcher: Member, other_org: Organization
) -> None:
    make_customer_case(dispatcher)
    client = login(dispatcher)
    assert client.post("/dev/sms/", {"number": "+4790000001", "text": "x"}).status_code == 404
    assert login(make_member(other_org)).get("/dev/sms/").status_code == 200
