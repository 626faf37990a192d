"""The SMS provider clients against local fakes of the providers' APIs, Twilio's webhook
signature, and what the providers' webhooks turn into."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

import pytest
from django.http import QueryDict

from hub.gateways.sms.providers import _http
from hub.gateways.sms.providers.base import (
    Credentials,
    InboundSms,
    OutgoingSms,
    Provider,
    SendResult,
    StatusReport,
)
from hub.gateways.sms.providers.dev import DevProvider
from hub.gateways.sms.providers.elks import ElksProvider
from hub.gateways.sms.providers.registry import PROVIDERS, UnknownProvider, provider_for
from hub.gateways.sms.providers.twilio import (
    TwilioProvider,
    expected_signature,
    url_variants,
    valid_signature,
)
from tests import smsproviders
from tests.smsproviders import (
    FakeElks,
    FakeTwilio,
    WebhookSink,
    free_port,
    post_form,
    twilio_webhook,
)

fake_twilio = smsproviders.fake_twilio
fake_elks = smsproviders.fake_elks
webhook_sink = smsproviders.webhook_sink

CUSTOMER = "+4791234567"
OFFICE = "+4721000000"
CALLBACK = "https://hub.example/hooks/sms/twilio/k3y/status"


def sms(
    to: str = CUSTOMER, callback: str | None = CALLBACK, text: str = "Vi kommer kl. 14"
) -> OutgoingSms:
    return OutgoingSms(to=to, sender=OFFICE, text=text, status_callback=callback)


def refused_url() -> str:
    """A loopback port nothing listens on."""
    return f"http://127.0.0.1:{free_port()}"


# ---------------------------------------------------------------- Twilio: sending


async def test_twilio_sends(fake_twilio: FakeTwilio) -> None:
    result = await TwilioProvider(fake_twilio.credentials).send(sms(text="Hei, ærlig talt 👍"))

    assert result.ok, result
    assert re.fullmatch(r"SM[0-9a-f]{32}", result.provider_id)
    [sent] = fake_twilio.messages
    assert (sent.id, sent.to, sent.sender, sent.body) == (
        result.provider_id,
        CUSTOMER,
        OFFICE,
        "Hei, ærlig talt 👍",
    )
    assert sent.callback == CALLBACK


async def test_twilio_without_callback_sends_none(fake_twilio: FakeTwilio) -> None:
    result = await TwilioProvider(fake_twilio.credentials).send(sms(callback=None))

    assert result.ok
    assert fake_twilio.messages[0].callback is None


async def test_twilio_alphanumeric_sender(fake_twilio: FakeTwilio) -> None:
    outgoing = OutgoingSms(to=CUSTOMER, sender="Nordlys", text="Hei", status_callback=None)

    assert (await TwilioProvider(fake_twilio.credentials).send(outgoing)).ok
    assert fake_twilio.messages[0].sender == "Nordlys"


@pytest.mark.parametrize("to", ["91234567", "+47 912 34 567", "+4791234560"])
async def test_twilio_invalid_number_fails_for_good(fake_twilio: FakeTwilio, to: str) -> None:
    fake_twilio.invalid_numbers.add("+4791234560")

    result = await TwilioProvider(fake_twilio.credentials).send(sms(to=to))

    assert not result.ok
    assert result.permanent
    assert result.error.startswith("Twilio 21211: The 'To' number")
    assert fake_twilio.messages == []


@pytest.mark.parametrize("status", [500, 503])
async def test_twilio_server_error_is_temporary(fake_twilio: FakeTwilio, status: int) -> None:
    provider = TwilioProvider(fake_twilio.credentials)
    fake_twilio.fail_next(1, status)

    failed = await provider.send(sms())
    again = await provider.send(sms())

    assert not failed.ok
    assert not failed.permanent
    assert str(status) in failed.error
    assert again.ok
    assert len(fake_twilio.messages) == 1


async def test_twilio_rate_limit_is_temporary(fake_twilio: FakeTwilio) -> None:
    fake_twilio.fail_next(1, 429)

    result = await TwilioProvider(fake_twilio.credentials).send(sms())

    assert (result.ok, result.permanent) == (False, False)


async def test_twilio_wrong_token_fails_for_good(fake_twilio: FakeTwilio) -> None:
    credentials = Credentials(fake_twilio.account, "not-the-token", fake_twilio.base_url)

    result = await TwilioProvider(credentials).send(sms())

    assert (result.ok, result.permanent) == (False, True)
    assert result.error == "Twilio 20003: Authenticate"


async def test_twilio_without_credentials_fails_for_good_without_calling() -> None:
    result = await TwilioProvider(Credentials("", "", refused_url())).send(sms())

    assert (result.ok, result.permanent) == (False, True)
    assert "Account SID" in result.error


async def test_twilio_connection_refused_is_temporary() -> None:
    result = await TwilioProvider(Credentials("AC1", "token", refused_url())).send(sms())

    assert (result.ok, result.permanent) == (False, False)
    assert result.error.startswith("Twilio unreachable: ")


async def test_twilio_stopped_server_then_back(fake_twilio: FakeTwilio) -> None:
    provider = TwilioProvider(fake_twilio.credentials)
    fake_twilio.stop()

    down = await provider.send(sms())
    fake_twilio.start()
    up = await provider.send(sms())

    assert (down.ok, down.permanent) == (False, False)
    assert up.ok


async def test_twilio_silence_times_out_as_temporary(
    fake_twilio: FakeTwilio, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_http, "TIMEOUT", 0.3)
    fake_twilio.stall_next(1)

    result = await TwilioProvider(fake_twilio.credentials).send(sms())

    assert (result.ok, result.permanent) == (False, False)
    assert "no answer within 0.3 s" in result.error
    assert fake_twilio.requests == 1


# ---------------------------------------------------------------- 46elks: sending


async def test_elks_sends(fake_elks: FakeElks) -> None:
    result = await ElksProvider(fake_elks.credentials).send(sms(text="Hej då, vi ses"))

    assert result.ok, result
    assert re.fullmatch(r"s[0-9a-f]{32}", result.provider_id)
    [sent] = fake_elks.messages
    assert (sent.id, sent.to, sent.sender, sent.body, sent.callback) == (
        result.provider_id,
        CUSTOMER,
        OFFICE,
        "Hej då, vi ses",
        CALLBACK,
    )


async def test_elks_without_callback_sends_no_whendelivered(fake_elks: FakeElks) -> None:
    assert (await ElksProvider(fake_elks.credentials).send(sms(callback=None))).ok
    assert fake_elks.messages[0].callback is None


@pytest.mark.parametrize("to", ["004791234567", "+4791234560"])
async def test_elks_invalid_number_fails_for_good(fake_elks: FakeElks, to: str) -> None:
    fake_elks.invalid_numbers.add("+4791234560")

    result = await ElksProvider(fake_elks.credentials).send(sms(to=to))

    assert (result.ok, result.permanent) == (False, True)
    assert result.error == "46elks HTTP 403: Invalid to number"


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_elks_server_error_is_temporary(fake_elks: FakeElks, status: int) -> None:
    provider = ElksProvider(fake_elks.credentials)
    fake_elks.fail_next(2, status)

    first = await provider.send(sms())
    second = await provider.send(sms())
    third = await provider.send(sms())

    assert [r.ok for r in (first, second, third)] == [False, False, True]
    assert not first.permanent
    assert first.error.startswith(f"46elks HTTP {status}")


async def test_elks_wrong_password_fails_for_good(fake_elks: FakeElks) -> None:
    credentials = Credentials(fake_elks.account, "wrong", fake_elks.base_url)

    result = await ElksProvider(credentials).send(sms())

    assert (result.ok, result.permanent) == (False, True)
    assert "401" in result.error


async def test_elks_connection_refused_is_temporary() -> None:
    result = await ElksProvider(Credentials("u1", "pw", refused_url())).send(sms())

    assert (result.ok, result.permanent) == (False, False)
    assert result.error.startswith("46elks unreachable: ")


async def test_elks_silence_times_out_as_temporary(
    fake_elks: FakeElks, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_http, "TIMEOUT", 0.3)
    fake_elks.stall_next(1)

    result = await ElksProvider(fake_elks.credentials).send(sms())

    assert (result.ok, result.permanent) == (False, False)


def test_elks_error_in_json_is_read_too() -> None:
    from hub.gateways.sms.providers.elks import _result

    result = _result(_http.Answer(403, '{"error": "Not enough credits"}'))

    assert result == SendResult(
        ok=False, error="46elks HTTP 403: Not enough credits", permanent=True
    )


@pytest.mark.parametrize("body", ["", "<html>OK</html>", '{"status": "created"}'])
def test_an_unreadable_success_is_not_sent_again(body: str) -> None:
    from hub.gateways.sms.providers.elks import _result as elks_result
    from hub.gateways.sms.providers.twilio import _result as twilio_result

    for result in (elks_result(_http.Answer(200, body)), twilio_result(_http.Answer(201, body))):
        assert (result.ok, result.permanent) == (False, True)
        assert "without" in result.error


# ---------------------------------------------------------------- dev and the registry


async def test_dev_always_sends() -> None:
    provider = DevProvider(Credentials("", ""))

    first, second = await provider.send(sms()), await provider.send(sms())

    assert first.ok
    assert second.ok
    assert re.fullmatch(r"dev-[0-9a-f]{32}", first.provider_id)
    assert first.provider_id != second.provider_id


def test_dev_webhook_fields() -> None:
    provider = DevProvider()

    inbound = provider.parse_inbound({"from": CUSTOMER, "to": OFFICE, "text": "Takk!"})

    assert (inbound.sender, inbound.to, inbound.text) == (CUSTOMER, OFFICE, "Takk!")
    assert inbound.provider_id.startswith("dev-")
    assert provider.parse_status({"id": "dev-1", "status": "failed", "error": "off"}) == (
        StatusReport("dev-1", "failed", "off")
    )
    assert provider.parse_status({"id": "dev-1", "status": "delivered", "error": "x"}) == (
        StatusReport("dev-1", "delivered")
    )
    assert provider.parse_status({"id": "dev-1", "status": "queued"}) is None


@pytest.mark.parametrize(
    ("name", "kind"), [("twilio", TwilioProvider), ("46elks", ElksProvider), ("dev", DevProvider)]
)
def test_registry(name: str, kind: type) -> None:
    provider: Provider = provider_for(name, Credentials("acc", "secret"))

    assert isinstance(provider, kind)
    assert provider.name == name
    assert set(PROVIDERS) == {"twilio", "46elks", "dev"}


def test_registry_refuses_an_unknown_name() -> None:
    with pytest.raises(UnknownProvider, match=r"unknown SMS provider 'vonage' \(known: 46elks"):
        provider_for("vonage", Credentials("a", "b"))
    with pytest.raises(ValueError, match="unknown SMS provider"):
        provider_for("Twilio", Credentials("a", "b"))


def test_credentials_keep_the_secret_out_of_repr() -> None:
    assert "hunter2" not in repr(Credentials("AC1", "hunter2"))


def test_base_url_defaults_to_the_real_apis() -> None:
    credentials = Credentials("AC123", "t")

    assert TwilioProvider(credentials).messages_url == (
        "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json"
    )
    assert ElksProvider(credentials).sms_url == "https://api.46elks.com/a1/sms"
    with_slash = Credentials("AC123", "t", "http://127.0.0.1:9/")
    assert ElksProvider(with_slash).sms_url == "http://127.0.0.1:9/a1/sms"


# ---------------------------------------------------------------- Twilio's signature

DOCS_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
DOCS_PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+12349013030",
    "Digits": "1234",
    "From": "+12349013030",
    "To": "+18005551212",
}
DOCS_TOKEN = "12345"
DOCS_SIGNATURE = "0/KCTR6DLpKmkAf8muzZqo1nDgQ="


def test_signature_matches_twilios_documented_example() -> None:
    assert expected_signature(DOCS_TOKEN, DOCS_URL, DOCS_PARAMS) == DOCS_SIGNATURE
    assert valid_signature(DOCS_TOKEN, DOCS_URL, DOCS_PARAMS, DOCS_SIGNATURE)


def test_signature_sorts_the_parameters_not_their_order() -> None:
    reversed_params = dict(reversed(list(DOCS_PARAMS.items())))

    assert valid_signature(DOCS_TOKEN, DOCS_URL, reversed_params, DOCS_SIGNATURE)


@pytest.mark.parametrize(
    ("token", "url", "params", "signature"),
    [
        (DOCS_TOKEN, DOCS_URL, {**DOCS_PARAMS, "Digits": "1235"}, DOCS_SIGNATURE),
        (DOCS_TOKEN, DOCS_URL, {**DOCS_PARAMS, "Extra": ""}, DOCS_SIGNATURE),
        (DOCS_TOKEN, DOCS_URL, {k: v for k, v in DOCS_PARAMS.items() if k != "To"}, DOCS_SIGNATURE),
        (DOCS_TOKEN, DOCS_URL.replace("foo=1", "foo=2"), DOCS_PARAMS, DOCS_SIGNATURE),
        (DOCS_TOKEN, DOCS_URL.replace("https:", "http:"), DOCS_PARAMS, DOCS_SIGNATURE),
        (DOCS_TOKEN, "https://mycompany.com/myapp.php", DOCS_PARAMS, DOCS_SIGNATURE),
        (DOCS_TOKEN, "https://evil.example/myapp.php?foo=1&bar=2", DOCS_PARAMS, DOCS_SIGNATURE),
        ("12346", DOCS_URL, DOCS_PARAMS, DOCS_SIGNATURE),
        ("", DOCS_URL, DOCS_PARAMS, DOCS_SIGNATURE),
        (DOCS_TOKEN, DOCS_URL, DOCS_PARAMS, "1/KCTR6DLpKmkAf8muzZqo1nDgQ="),
        (DOCS_TOKEN, DOCS_URL, DOCS_PARAMS, DOCS_SIGNATURE.rstrip("=")),
        (DOCS_TOKEN, DOCS_URL, DOCS_PARAMS, ""),
        (DOCS_TOKEN, DOCS_URL, DOCS_PARAMS, "ø/KCTR6DLpKmkAf8muzZqo1nDgQ="),
    ],
)
def test_any_change_breaks_the_signature(
    token: str, url: str, params: dict[str, str], signature: str
) -> None:
    assert not valid_signature(token, url, params, signature)


@pytest.mark.parametrize(
    ("signed", "received"),
    [
        ("https://hub.example/hooks/x?a=1", "https://hub.example:443/hooks/x?a=1"),
        ("https://hub.example:443/hooks/x?a=1", "https://hub.example/hooks/x?a=1"),
        ("http://hub.example/hooks/x", "http://hub.example:80/hooks/x"),
        ("http://hub.example:80/hooks/x", "http://hub.example/hooks/x"),
        ("https://[2001:db8::1]/hooks/x", "https://[2001:db8::1]:443/hooks/x"),
        ("https://u:p@hub.example:443/hooks/x", "https://u:p@hub.example/hooks/x"),
    ],
)
def test_the_default_port_may_be_written_or_not(signed: str, received: str) -> None:
    params = {"MessageSid": "SM1", "MessageStatus": "delivered"}
    signature = expected_signature("tok", signed, params)

    assert valid_signature("tok", received, params, signature)


@pytest.mark.parametrize(
    ("signed", "received"),
    [
        ("https://hub.example:8443/hooks/x", "https://hub.example/hooks/x"),
        ("https://hub.example/hooks/x", "https://hub.example:8443/hooks/x"),
        ("https://hub.example/hooks/x", "https://hub.example:80/hooks/x"),
        ("http://hub.example/hooks/x", "http://hub.example:443/hooks/x"),
    ],
)
def test_another_port_must_match(signed: str, received: str) -> None:
    params = {"MessageSid": "SM1"}
    signature = expected_signature("tok", signed, params)

    assert not valid_signature("tok", received, params, signature)


def test_url_variants_leave_odd_urls_alone() -> None:
    assert url_variants("https://hub.example:notaport/x") == ["https://hub.example:notaport/x"]
    assert url_variants("ftp://hub.example/x") == ["ftp://hub.example/x"]
    assert url_variants("/relative/path") == ["/relative/path"]


def test_signature_over_a_querydict_signs_every_value() -> None:
    """As Twilio's helper libraries do: each value of a repeated name, the values sorted."""
    params = QueryDict("b=2&a=z&a=y")
    payload = "https://h/x" + "ay" + "az" + "b2"
    digest = hmac.new(b"tok", payload.encode(), hashlib.sha1).digest()

    assert expected_signature("tok", "https://h/x", params) == base64.b64encode(digest).decode()


def test_the_fakes_signature_and_the_hubs_agree() -> None:
    fake = FakeTwilio()
    params = fake.inbound_params(CUSTOMER, OFFICE, "Når kommer dere? 🙂 & så = videre")
    url = "https://hub.example/hooks/sms/twilio/k3y/inbound?x=æ"

    headers, body = twilio_webhook(url, params, fake.secret)

    assert body.startswith(b"AccountSid=")
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert valid_signature(fake.secret, url, params, headers["X-Twilio-Signature"])
    assert not valid_signature(fake.account, url, params, headers["X-Twilio-Signature"])


# ---------------------------------------------------------------- Twilio's webhooks


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("accepted", None),
        ("queued", None),
        ("sending", None),
        ("scheduled", None),
        ("receiving", None),
        ("something-new", None),
        ("sent", StatusReport("SM1", "sent")),
        ("delivered", StatusReport("SM1", "delivered")),
        ("read", StatusReport("SM1", "delivered")),
        ("undelivered", StatusReport("SM1", "failed", "Twilio: undelivered")),
        ("failed", StatusReport("SM1", "failed", "Twilio: failed")),
        ("canceled", StatusReport("SM1", "failed", "Twilio: canceled")),
    ],
)
def test_twilio_status_mapping(status: str, expected: StatusReport | None) -> None:
    params = {"MessageSid": "SM1", "MessageStatus": status, "SmsSid": "SM1", "SmsStatus": status}

    assert TwilioProvider(Credentials("AC1", "t")).parse_status(params) == expected


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("30003", "Twilio 30003: unreachable handset"),
        ("30005", "Twilio 30005: unknown destination"),
        ("30006", "Twilio 30006: landline"),
        ("30007", "Twilio 30007: filtered by the carrier"),
        ("21610", "Twilio 21610: the recipient has opted out (replied STOP)"),
        ("30999", "Twilio 30999"),
    ],
)
def test_twilio_failure_carries_the_error(code: str, words: str) -> None:
    params = {"MessageSid": "SM1", "MessageStatus": "undelivered", "ErrorCode": code}

    report = TwilioProvider(Credentials("AC1", "t")).parse_status(params)

    assert report is not None
    assert report.state == "failed"
    assert report.error.startswith(words)


def test_twilio_unknown_code_keeps_twilios_message() -> None:
    params = {
        "MessageSid": "SM1",
        "MessageStatus": "failed",
        "ErrorCode": "30450",
        "ErrorMessage": "Message delivery failed",
    }

    report = TwilioProvider(Credentials("AC1", "t")).parse_status(params)

    assert report == StatusReport("SM1", "failed", "Twilio 30450: Message delivery failed")


def test_twilio_old_field_names() -> None:
    report = TwilioProvider(Credentials("AC1", "t")).parse_status(
        {"SmsSid": "SM9", "SmsStatus": "delivered"}
    )

    assert report == StatusReport("SM9", "delivered")


@pytest.mark.parametrize(
    "params",
    [
        {"MessageStatus": "delivered"},
        {"MessageSid": "SM1"},
        {"MessageSid": "", "MessageStatus": "sent"},
    ],
)
def test_twilio_status_without_its_fields_is_refused(params: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="missing field"):
        TwilioProvider(Credentials("AC1", "t")).parse_status(params)


def test_twilio_inbound() -> None:
    fake = FakeTwilio()
    params = fake.inbound_params(CUSTOMER, OFFICE, "Døra er låst")

    inbound = TwilioProvider(fake.credentials).parse_inbound(params)

    assert inbound == InboundSms(params["MessageSid"], CUSTOMER, OFFICE, "Døra er låst")


def test_twilio_inbound_with_an_empty_body() -> None:
    params = {"MessageSid": "MM1", "From": CUSTOMER, "To": OFFICE, "Body": "", "NumMedia": "1"}

    assert TwilioProvider(Credentials("AC1", "t")).parse_inbound(params).text == ""


@pytest.mark.parametrize("missing", ["MessageSid", "From", "To", "Body"])
def test_twilio_inbound_without_its_fields_is_refused(missing: str) -> None:
    params = {"MessageSid": "SM1", "From": CUSTOMER, "To": OFFICE, "Body": "Hei"}
    del params[missing]

    with pytest.raises(ValueError, match=f"missing field {missing}"):
        TwilioProvider(Credentials("AC1", "t")).parse_inbound(params)


# ---------------------------------------------------------------- 46elks' webhooks


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("created", None),
        ("sent", StatusReport("s1", "sent")),
        ("delivered", StatusReport("s1", "delivered")),
        (
            "failed",
            StatusReport("s1", "failed", "46elks: not delivered (the carrier gives no reason)"),
        ),
    ],
)
def test_elks_status_mapping(status: str, expected: StatusReport | None) -> None:
    params = {"id": "s1", "status": status}
    if status == "delivered":
        params["delivered"] = "2026-05-04T13:38:15.123000"

    assert ElksProvider(Credentials("u", "p")).parse_status(params) == expected


@pytest.mark.parametrize("params", [{"status": "delivered"}, {"id": "s1"}])
def test_elks_status_without_its_fields_is_refused(params: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="missing field"):
        ElksProvider(Credentials("u", "p")).parse_status(params)


def test_elks_inbound() -> None:
    params = FakeElks.inbound_params(CUSTOMER, "+46766861004", "Hej! Kan ni komma i morgon?")

    inbound = ElksProvider(Credentials("u", "p")).parse_inbound(params)

    assert inbound == InboundSms(
        params["id"], CUSTOMER, "+46766861004", "Hej! Kan ni komma i morgon?"
    )


@pytest.mark.parametrize("missing", ["id", "from", "to", "message"])
def test_elks_inbound_without_its_fields_is_refused(missing: str) -> None:
    params = FakeElks.inbound_params(CUSTOMER, OFFICE, "Hej")
    del params[missing]

    with pytest.raises(ValueError, match=f"missing field {missing}"):
        ElksProvider(Credentials("u", "p")).parse_inbound(params)


# ---------------------------------------------------------------- the fakes calling back


async def test_twilio_report_reaches_the_callback_signed(
    fake_twilio: FakeTwilio, webhook_sink: WebhookSink
) -> None:
    callback = webhook_sink.url("/hooks/sms/twilio/k3y/status?attempt=1")
    provider = TwilioProvider(fake_twilio.credentials)
    sent = await provider.send(sms(callback=callback))

    status, _ = fake_twilio.report(sent.provider_id, "undelivered", error_code=30005)

    assert status == 200
    [call] = webhook_sink.calls
    assert call.path == "/hooks/sms/twilio/k3y/status?attempt=1"
    assert valid_signature(
        fake_twilio.secret, callback, call.form, call.headers["x-twilio-signature"]
    )
    report = provider.parse_status(call.form)
    assert report is not None
    assert (report.provider_id, report.state) == (sent.provider_id, "failed")
    assert report.error.startswith("Twilio 30005: unknown destination")


async def test_elks_report_reaches_whendelivered(
    fake_elks: FakeElks, webhook_sink: WebhookSink
) -> None:
    callback = webhook_sink.url("/hooks/sms/46elks/k3y/status")
    provider = ElksProvider(fake_elks.credentials)
    sent = await provider.send(sms(callback=callback))

    assert fake_elks.report(sent.provider_id, "delivered")[0] == 200

    [call] = webhook_sink.calls
    assert call.form["delivered"]
    assert provider.parse_status(call.form) == StatusReport(sent.provider_id, "delivered")


def test_post_form_returns_error_statuses(webhook_sink: WebhookSink) -> None:
    webhook_sink.status = 403

    assert post_form(webhook_sink.url("/x"), {"a": "1"}) == (403, b"")
