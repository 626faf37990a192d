"""The providers' callbacks through the hub's ASGI application: a signed Twilio webhook stores
the SMS, a forged or altered one is refused (403) and stores nothing, ten replays store one
message; 46elks is proven by the key in its URL; delivery reports move the delivery."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import urlencode

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from pytest_django import Settings

from hub.accounts.models import Member
from hub.mail.secrets import encrypt
from hub.outbox.actions import new_token
from hub.outbox.models import Delivery, OutboundChannel, State
from hub.sms.actions import settings_for
from hub.sms.models import ProviderName, SmsRecord, SmsSettings
from hub.threads.models import Case, Message
from tests.asgi import asgi_request
from tests.factories import make_customer_case

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = "twilio-auth-token-0123456789abcdef"
FORM = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture(autouse=True)
def _public_url(settings: Settings) -> None:
    settings.HUB_PUBLIC_URL = "https://hub.example.no"


def configured(member: Member, provider: str, secret: str = TOKEN) -> SmsSettings:
    sms_settings = settings_for(member.organization)
    sms_settings.provider = provider
    sms_settings.account = "AC0123"
    sms_settings.secret_encrypted = encrypt(secret)
    sms_settings.save()
    return sms_settings


def twilio_signature(url: str, params: Mapping[str, str], token: str = TOKEN) -> str:
    """Twilio's scheme, written out here from its documentation: HMAC-SHA1 over the full URL
    followed by every parameter name and value, sorted by name; base64."""
    data = url + "".join(f"{name}{params[name]}" for name in sorted(params))
    digest = hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def post(path: str, params: Mapping[str, str], headers: Mapping[str, str] | None = None):
    return async_to_sync(asgi_request)(
        "POST", path, urlencode(params).encode(), {**FORM, **(headers or {})}
    )


def inbound(sid: str = "SM0001", body: str = "Ja, tirsdag passer") -> dict[str, str]:
    return {
        "MessageSid": sid,
        "AccountSid": "AC0123",
        "From": "+4741234567",
        "To": "+4759440000",
        "Body": body,
    }


def twilio_post(sms_settings: SmsSettings, kind: str, params: dict[str, str], **tamper: str):
    path = f"/hooks/sms/twilio/{sms_settings.webhook_key}/{kind}"
    signature = twilio_signature(f"{settings.HUB_PUBLIC_URL}{path}", params)
    params = {**params, **tamper}
    return post(path, params, {"X-Twilio-Signature": signature})


def test_a_signed_inbound_sms_is_stored(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    sms_settings = configured(dispatcher, ProviderName.TWILIO)
    status, headers, body = twilio_post(sms_settings, "inbound", inbound())
    assert status == 200
    assert headers[b"content-type"].startswith(b"text/xml")
    assert b"<Response>" in body
    message = Message.objects.get()
    assert (message.case_id, message.text) == (case.pk, "Ja, tirsdag passer")


@pytest.mark.parametrize(
    "forgery",
    ["altered body", "no signature", "wrong token", "another organisation's key", "other url"],
)
def test_a_forged_or_altered_webhook_is_refused_and_stores_nothing(
    dispatcher: Member, forgery: str
) -> None:
    make_customer_case(dispatcher)
    sms_settings = configured(dispatcher, ProviderName.TWILIO)
    path = f"/hooks/sms/twilio/{sms_settings.webhook_key}/inbound"
    url = f"{settings.HUB_PUBLIC_URL}{path}"
    params = inbound()
    signature = twilio_signature(url, params)
    if forgery == "altered body":
        params = {**params, "Body": "STOP"}
    elif forgery == "no signature":
        signature = ""
    elif forgery == "wrong token":
        signature = twilio_signature(url, params, token="guessed")
    elif forgery == "another organisation's key":
        path = "/hooks/sms/twilio/not-a-key-of-anyone/inbound"
    elif forgery == "other url":
        signature = twilio_signature("https://evil.example/hooks", params)
    status, _headers, _body = post(path, params, {"X-Twilio-Signature": signature})
    assert status == 403
    assert not Message.objects.exists()
    assert not SmsRecord.objects.exists()


def test_ten_replays_store_one_message(dispatcher: Member) -> None:
    make_customer_case(dispatcher)
    sms_settings = configured(dispatcher, ProviderName.TWILIO)
    for _replay in range(10):
        assert twilio_post(sms_settings, "inbound", inbound("SM-same"))[0] == 200
    assert Message.objects.count() == 1
    assert SmsRecord.objects.count() == 1


def sent_sms(case: Case, provider_id: str) -> Delivery:
    return Delivery.objects.create(
        organization_id=case.organization_id,
        case=case,
        channel=OutboundChannel.SMS,
        recipient="+4741234567",
        provider_id=provider_id,
        token=new_token(),
        state=State.SENT,
    )


def test_twilio_delivery_reports(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    sms_settings = configured(dispatcher, ProviderName.TWILIO)
    delivered, failed = sent_sms(case, "SMd1"), sent_sms(case, "SMf1")
    report = {"MessageSid": "SMd1", "MessageStatus": "delivered", "AccountSid": "AC0123"}
    assert twilio_post(sms_settings, "status", report)[0] == 200
    report = {
        "MessageSid": "SMf1",
        "MessageStatus": "undelivered",
        "ErrorCode": "30003",
        "AccountSid": "AC0123",
    }
    assert twilio_post(sms_settings, "status", report)[0] == 200
    delivered.refresh_from_db()
    failed.refresh_from_db()
    assert delivered.state == State.DELIVERED
    assert delivered.delivered_at is not None
    assert failed.state == State.FAILED
    assert "30003" in failed.error


def test_46elks_is_proven_by_the_key_in_its_url(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    sms_settings = configured(dispatcher, ProviderName.ELKS, secret="elks-password")
    params = {
        "id": "s70df59406a1b4643b96f3f91e0bfb7b0",
        "from": "+4741234567",
        "to": "+46766861004",
        "message": "OK",
    }
    path = f"/hooks/sms/46elks/{sms_settings.webhook_key}/inbound"
    status, _headers, body = post(path, params)
    assert status == 200
    assert body == b""  # 46elks would send any text back to the customer
    assert Message.objects.get().case_id == case.pk
    assert post("/hooks/sms/46elks/guessed-key/inbound", params)[0] == 403
    delivery = sent_sms(case, "s-out-1")
    path = f"/hooks/sms/46elks/{sms_settings.webhook_key}/status"
    assert post(path, {"id": "s-out-1", "status": "delivered"})[0] == 200
    delivery.refresh_from_db()
    assert delivery.state == State.DELIVERED


def test_a_provider_mismatch_or_the_dev_provider_has_no_webhook(dispatcher: Member) -> None:
    sms_settings = configured(dispatcher, ProviderName.TWILIO)
    assert post(f"/hooks/sms/46elks/{sms_settings.webhook_key}/inbound", {"id": "x"})[0] == 403
    assert post(f"/hooks/sms/dev/{sms_settings.webhook_key}/inbound", {"id": "x"})[0] == 404


def test_only_forms(dispatcher: Member) -> None:
    sms_settings = configured(dispatcher, ProviderName.TWILIO)
    path = f"/hooks/sms/twilio/{sms_settings.webhook_key}/inbound"
    status, _h, _b = async_to_sync(asgi_request)(
        "POST", path, b'{"Body": "x"}', {"content-type": "application/json"}
    )
    assert status == 415
