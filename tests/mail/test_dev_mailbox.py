"""The development mailbox of the embedded run: the hub's mail stops there, and a person can
answer as the customer; the answer comes in through the same door as real mail."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from pytest_django import Settings

from hub.accounts.models import Member
from hub.gateways.outbox import Dispatcher
from hub.mail.models import DevMail
from hub.outbox.models import Delivery, State
from hub.threads.actions.messages import do_post_message
from hub.threads.models import Audience, Channel, Direction
from tests.conftest import login
from tests.factories import make_customer_case

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_relay(settings: Settings) -> None:
    settings.HUB_SMTP_URL = ""


def test_answer_as_the_customer(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    message, _new = do_post_message(
        dispatcher,
        case,
        audience=Audience.CUSTOMER,
        text="Vi kommer på tirsdag mellom 10 og 12.",
        channel=Channel.EMAIL,
    )
    async_to_sync(Dispatcher("dev").tick)()
    assert Delivery.objects.get(message=message).state == State.SENT
    mail = DevMail.objects.get()
    client = login(dispatcher)
    page = client.get("/dev/mail/")
    assert page.status_code == 200
    assert "Vi kommer på tirsdag mellom 10 og 12." in page.content.decode()

    answer = client.post("/dev/mail/", {"mail": mail.pk, "text": "Tirsdag passer bra!"})
    assert answer.status_code == 302
    reply = case.messages.get(direction=Direction.IN)
    assert reply.text == "Tirsdag passer bra!"
    assert reply.channel == Channel.EMAIL


def test_only_the_organisations_own_mail(dispatcher: Member, other_org) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import make_member

    case = make_customer_case(dispatcher)
    do_post_message(dispatcher, case, audience=Audience.CUSTOMER, text="Hei", channel=Channel.EMAIL)
    async_to_sync(Dispatcher("dev").tick)()
    outsider = make_member(other_org)
    client = login(outsider)
    assert "Hei" not in client.get("/dev/mail/").content.decode()
    mail = DevMail.objects.get()
    assert client.post("/dev/mail/", {"mail": mail.pk, "text": "x"}).status_code == 404


def test_gone_when_a_real_server_is_set(dispatcher: Member, settings: Settings) -> None:
    settings.HUB_SMTP_URL = "smtp://relay.example:587"
    assert login(dispatcher).get("/dev/mail/").status_code == 404
