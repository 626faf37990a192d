"""SMS through the whole hub against local servers that speak Twilio's and 46elks' documented
APIs: staff send, the dispatcher hands the SMS to the provider, the provider's signed delivery
report and the customer's answer come back through the webhooks, and a staff socket sees each
step live."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import pytest
from pytest_django import Settings

from hub.accounts.models import Member
from hub.gateways.outbox import Dispatcher
from hub.mail.secrets import encrypt
from hub.outbox.models import Delivery, State
from hub.sms.actions import settings_for
from hub.sms.models import ProviderName, SmsSettings
from hub.threads.actions.messages import do_post_message
from hub.threads.models import Audience, Case, Channel, Direction, Message
from tests import smsproviders
from tests.asgi import asgi_request
from tests.consumers.helpers import connected, run
from tests.factories import make_customer_case
from tests.smsproviders import FakeElks, FakeTwilio, twilio_webhook

pytestmark = pytest.mark.django_db(transaction=True)

fake_twilio = smsproviders.fake_twilio
fake_elks = smsproviders.fake_elks
VIRTUAL_NUMBER = "+4759440000"


def configure(member: Member, provider: str, account: str, secret: str) -> SmsSettings:
    sms_settings = settings_for(member.organization)
    sms_settings.provider = provider
    sms_settings.account = account
    sms_settings.secret_encrypted = encrypt(secret)
    sms_settings.virtual_number = VIRTUAL_NUMBER
    sms_settings.save()
    return sms_settings


def sms(member: Member, case: Case, text: str = "Vi kommer tirsdag kl. 10-11.") -> Message:
    message, _new = do_post_message(
        member, case, audience=Audience.CUSTOMER, text=text, channel=Channel.SMS
    )
    return message


async def call_back(url: str, params: dict[str, str], token: str | None = None) -> int:
    """The provider's POST to the hub, through the hub's ASGI application."""
    headers = {"content-type": "application/x-www-form-urlencoded"}
    if token is not None:
        signed, _body = twilio_webhook(url, params, token)
        headers["x-twilio-signature"] = signed["X-Twilio-Signature"]
    status, _headers, _body = await asgi_request(
        "POST", urlsplit(url).path, urlencode(params).encode(), headers
    )
    return status


@pytest.fixture
def twilio(fake_twilio: FakeTwilio, settings: Settings) -> FakeTwilio:
    settings.HUB_SMS_API_URLS = {"twilio": fake_twilio.base_url}
    settings.HUB_PUBLIC_URL = "https://hub.example.no"
    settings.HUB_OUTBOX_RETRY_BASE_SECONDS = 0.01
    settings.HUB_OUTBOX_RETRY_MAX_SECONDS = 0.02
    return fake_twilio


async def test_twilio_round_trip_seen_live(dispatcher: Member, twilio: FakeTwilio) -> None:
    case = await run(make_customer_case, dispatcher)
    sms_settings = await run(
        configure, dispatcher, ProviderName.TWILIO, twilio.account, twilio.secret
    )
    async with connected(dispatcher) as ws:
        message = await run(sms, dispatcher, case)
        await Dispatcher("w1").tick()
        (sent,) = twilio.messages
        assert (sent.to, sent.sender, sent.body) == (
            "+4741234567",
            VIRTUAL_NUMBER,
            "Vi kommer tirsdag kl. 10-11.",
        )
        assert sent.callback == (
            f"https://hub.example.no/hooks/sms/twilio/{sms_settings.webhook_key}/status"
        )
        update = await ws.until("delivery.updated", message_id=message.pk)
        assert update["delivery"]["state"] == "sent"

        assert sent.callback is not None
        report = twilio.status_params(sent.id, "delivered")
        assert await call_back(sent.callback, report, twilio.secret) == 200
        update = await ws.until("delivery.updated", message_id=message.pk)
        assert update["delivery"]["state"] == "delivered"

        inbound_url = sent.callback.replace("/status", "/inbound")
        answer = twilio.inbound_params("+4741234567", VIRTUAL_NUMBER, "Ja takk, det passer")
        assert await call_back(inbound_url, answer, twilio.secret) == 200
        created = await ws.until("message.created", case_id=case.pk)
        assert created["message"]["text"] == "Ja takk, det passer"
        assert created["message"]["direction"] == Direction.IN


async def test_twilio_refusals_and_outages(dispatcher: Member, twilio: FakeTwilio) -> None:
    case = await run(make_customer_case, dispatcher)
    await run(configure, dispatcher, ProviderName.TWILIO, twilio.account, twilio.secret)
    twilio.invalid_numbers.add("+4741234567")
    refused = await run(sms, dispatcher, case, "Til et nummer Twilio ikke godtar")
    await Dispatcher("w1").tick()
    delivery = await run(Delivery.objects.get, message=refused)
    assert delivery.state == State.FAILED
    assert "21211" in delivery.error

    twilio.invalid_numbers.clear()
    twilio.fail_next(2, 503)
    retried = await run(sms, dispatcher, case, "Kommer fram etter to forsøk")
    worker = Dispatcher("w1")
    for _attempt in range(50):
        await worker.tick()
        delivery = await run(Delivery.objects.get, message=retried)
        if delivery.state == State.SENT:
            break
    assert (delivery.state, delivery.attempts) == (State.SENT, 3)
    assert [m.body for m in twilio.messages] == ["Kommer fram etter to forsøk"]


async def test_46elks_round_trip(
    dispatcher: Member, fake_elks: FakeElks, settings: Settings
) -> None:
    settings.HUB_SMS_API_URLS = {"46elks": fake_elks.base_url}
    case = await run(make_customer_case, dispatcher)
    await run(configure, dispatcher, ProviderName.ELKS, fake_elks.account, fake_elks.secret)
    message = await run(sms, dispatcher, case)
    await Dispatcher("w1").tick()
    (sent,) = fake_elks.messages
    assert sent.callback is not None
    assert await call_back(sent.callback, fake_elks.status_params(sent.id, "delivered")) == 200
    delivery = await run(Delivery.objects.get, message=message)
    assert (delivery.provider_id, delivery.state) == (sent.id, State.DELIVERED)
    inbound_url = sent.callback.replace("/status", "/inbound")
    answer = fake_elks.inbound_params("+4741234567", VIRTUAL_NUMBER, "OK")
    assert await call_back(inbound_url, answer) == 200
    reply = await run(Message.objects.get, case=case, direction=Direction.IN)
    assert reply.text == "OK"


async def test_one_way_notices_come_from_the_sender_name(
    dispatcher: Member, twilio: FakeTwilio
) -> None:
    from hub.accounts.models import Organization, Role
    from hub.sms.actions import do_sms_members
    from tests.factories import make_member

    organization = await run(Organization.objects.get, pk=dispatcher.organization_id)
    organization.sms_sender_name = "Nordlys"
    await run(organization.save)
    await run(configure, dispatcher, ProviderName.TWILIO, twilio.account, twilio.secret)
    crew = await run(make_member, organization, Role.TECHNICIAN, handle="lars")
    crew.phone = "+4741234999"
    await run(crew.save)
    dispatcher.organization = organization
    await run(do_sms_members, dispatcher, [crew], "Stormvarsel i kveld")
    case = await run(make_customer_case, dispatcher)
    await run(sms, dispatcher, case)
    await Dispatcher("w1").tick()
    senders = {m.body: m.sender for m in twilio.messages}
    assert senders == {
        "Stormvarsel i kveld": "Nordlys",
        "Vi kommer tirsdag kl. 10-11.": VIRTUAL_NUMBER,
    }
