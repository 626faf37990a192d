"""Local stand-ins for the SMS providers' APIs, and helpers that call back as the providers do.

``FakeTwilio`` and ``FakeElks`` (fixtures ``fake_twilio``, ``fake_elks``): an HTTP server on a
free loopback port, in a thread of its own, that answers the parts of the documented APIs the
hub uses (Twilio ``POST /2010-04-01/Accounts/{sid}/Messages.json``, 46elks ``POST /a1/sms``)
with their documented answers, checks basic auth, and records each SMS it accepts. Point a
provider at one with ``fake.credentials`` (its ``base_url`` is the fake). They can be told to
fail the next requests with a 5xx (``fail_next``), to hold the next ones without answering until
the client gives up (``stall_next``), to refuse numbers (``invalid_numbers``), and be stopped and
started again on the same port (connection refused meanwhile).

Calling back: ``twilio_webhook`` signs a form as Twilio does (an implementation of its own, to
check the hub's against), ``post_form`` posts it; each fake builds the inbound and delivery
report parameters of its provider and ``report`` posts a report to the callback URL the SMS was
sent with. ``WebhookSink`` (fixture ``webhook_sink``) is a loopback server that records such
calls, for tests of the helpers themselves.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest

from hub.gateways.sms.providers.base import Credentials
from tests.loopback import HOST, LoopbackHTTPServer, LoopbackService

IO_TIMEOUT = 10.0  # seconds, for one call of a helper
STALL_LIMIT = 30.0  # seconds a stalled request is held at most (released at once on stop)
MAX_BODY = 1024 * 1024

E164 = re.compile(r"\+[1-9][0-9]{1,14}")
ALPHANUMERIC_SENDER = re.compile(r"[A-Za-z0-9 ]{1,11}")

# GSM 03.38 basic set (the extension table's characters count twice).
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")


def sms_parts(text: str) -> int:
    """How many SMS a text takes: 160/153 GSM-7 septets, or 70/67 UCS-2 units."""
    if all(c in GSM_BASIC or c in GSM_EXTENDED for c in text):
        length = sum(2 if c in GSM_EXTENDED else 1 for c in text)
        single, multi = 160, 153
    else:
        length = len(text.encode("utf-16-le")) // 2
        single, multi = 70, 67
    return 1 if length <= single else -(-length // multi)


def free_port(host: str = HOST) -> int:
    """A port nothing listens on (for a moment): connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


# ---------------------------------------------------------------- calling back


def twilio_signature(url: str, params: Mapping[str, str], auth_token: str) -> str:
    """As Twilio computes ``X-Twilio-Signature``: written here apart from the hub's own, so
    that each checks the other."""
    payload = url + "".join(f"{name}{params[name]}" for name in sorted(params))
    mac = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode()


def twilio_webhook(
    url: str, params: Mapping[str, str], auth_token: str
) -> tuple[dict[str, str], bytes]:
    """The headers and body of Twilio's POST of ``params`` to ``url``."""
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": twilio_signature(url, params, auth_token),
        "User-Agent": "TwilioProxy/1.1",
    }
    return headers, urlencode(dict(params)).encode()


_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxy


def post_form(
    url: str, params: Mapping[str, str], headers: Mapping[str, str] | None = None
) -> tuple[int, bytes]:
    """POST ``params`` form-encoded; the status and body, whatever the status."""
    request = urllib.request.Request(  # noqa: S310 - tests post to URLs they made
        url,
        data=urlencode(dict(params)).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})},
        method="POST",
    )
    try:
        with _opener.open(request, timeout=IO_TIMEOUT) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as error:
        with closing(error):
            return error.code, error.read()


# ---------------------------------------------------------------- the fake servers


@dataclass(frozen=True)
class FakeSms:
    """An SMS a fake accepted."""

    id: str
    to: str
    sender: str
    body: str
    callback: str | None


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json"

    @classmethod
    def json(cls, status: int, value: Any) -> Reply:
        return cls(status, json.dumps(value).encode())

    @classmethod
    def text(cls, status: int, text: str) -> Reply:
        return cls(status, text.encode(), "text/plain; charset=utf-8")


@dataclass(frozen=True)
class Request:
    path: str
    headers: Mapping[str, str]  # names in lower case
    form: dict[str, str]

    def basic_auth(self) -> tuple[str, str] | None:
        scheme, _, value = self.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            user, colon, password = base64.b64decode(value, validate=True).decode().partition(":")
        except ValueError:
            return None
        return (user, password) if colon else None


class _Handler(BaseHTTPRequestHandler):
    server: LoopbackHTTPServer

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._reply(Reply.text(413, "Too large"))
            return
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        form = dict(parse_qsl(body, keep_blank_values=True))
        request = Request(self.path, {k.lower(): v for k, v in self.headers.items()}, form)
        reply = self.server.service.handle(request)
        if reply is None:  # stalled: leave without an answer
            self.close_connection = True
            return
        self._reply(reply)

    def do_GET(self) -> None:
        self._reply(Reply.text(405, "Method not allowed"))

    def _reply(self, reply: Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a failing test shows what it asserts, not an access log."""


class _LoopbackServer(LoopbackService):
    """A fake of an outside HTTP service; ``handle`` answers, or stalls."""

    handler = _Handler

    def __init__(self) -> None:
        super().__init__()
        self._release = threading.Event()

    @property
    def base_url(self) -> str:
        return self.origin

    def starting(self) -> None:
        self._release.clear()

    def stopping(self) -> None:
        """Stalled requests are let go."""
        self._release.set()

    def stall(self) -> None:
        """Hold the request in hand until the client gives up or the server stops."""
        self._release.wait(STALL_LIMIT)

    def handle(self, request: Request) -> Reply | None:
        raise NotImplementedError


class FakeProvider(_LoopbackServer):
    """What the two fakes share: credentials, the record, failures on demand."""

    def __init__(self, account: str, secret: str) -> None:
        super().__init__()
        self.account = account
        self.secret = secret
        self.invalid_numbers: set[str] = set()
        self._lock = threading.Lock()
        self._messages: list[FakeSms] = []
        self._failures: list[int] = []
        self._stalls = 0
        self._requests = 0

    @property
    def credentials(self) -> Credentials:
        return Credentials(account=self.account, secret=self.secret, base_url=self.base_url)

    @property
    def messages(self) -> list[FakeSms]:
        """The SMS accepted so far (a copy)."""
        with self._lock:
            return list(self._messages)

    @property
    def requests(self) -> int:
        """How many POSTs arrived, answered or not."""
        with self._lock:
            return self._requests

    def message(self, sms_id: str) -> FakeSms:
        for sms in self.messages:
            if sms.id == sms_id:
                return sms
        raise AssertionError(f"no SMS {sms_id} was accepted")

    def fail_next(self, count: int = 1, status: int = 503) -> None:
        """Answer the next ``count`` requests with ``status`` (a server error), accepting none."""
        assert 400 <= status < 600, status
        with self._lock:
            self._failures.extend([status] * count)

    def stall_next(self, count: int = 1) -> None:
        """Answer the next ``count`` requests never (until the client times out)."""
        with self._lock:
            self._stalls += count

    def handle(self, request: Request) -> Reply | None:
        with self._lock:
            self._requests += 1
            stall = self._stalls > 0
            if stall:
                self._stalls -= 1
            failure = self._failures.pop(0) if self._failures and not stall else None
        if stall:
            self.stall()
            return None
        if failure is not None:
            return self.failure(failure)
        return self.answer(request)

    def accept(self, sms: FakeSms) -> None:
        with self._lock:
            self._messages.append(sms)

    def valid_to(self, number: str) -> bool:
        return E164.fullmatch(number) is not None and number not in self.invalid_numbers

    def failure(self, status: int) -> Reply:
        raise NotImplementedError

    def answer(self, request: Request) -> Reply:
        raise NotImplementedError


class FakeTwilio(FakeProvider):
    """Twilio's Messages resource, version 2010-04-01."""

    MESSAGES = re.compile(r"/2010-04-01/Accounts/([^/]+)/Messages\.json")

    def __init__(self) -> None:
        super().__init__("AC" + secrets.token_hex(16), secrets.token_hex(16))

    @staticmethod
    def error(status: int, code: int, message: str) -> Reply:
        return Reply.json(
            status,
            {
                "code": code,
                "message": message,
                "more_info": f"https://www.twilio.com/docs/errors/{code}",
                "status": status,
            },
        )

    def failure(self, status: int) -> Reply:
        return self.error(status, 20000 + status, "Service temporarily unavailable (test)")

    def answer(self, request: Request) -> Reply:
        path = self.MESSAGES.fullmatch(request.path)
        if path is None:
            return self.error(404, 20404, f"The requested resource {request.path} was not found")
        if request.basic_auth() != (self.account, self.secret) or path.group(1) != self.account:
            return self.error(401, 20003, "Authenticate")
        form = request.form
        to, sender, body = form.get("To", ""), form.get("From", ""), form.get("Body", "")
        if not to:
            return self.error(400, 21604, "A 'To' phone number is required.")
        if not sender:
            return self.error(400, 21603, "A 'From' phone number is required.")
        if not body:
            return self.error(400, 21602, "Message body is required.")
        if not self.valid_to(to):
            return self.error(400, 21211, f"The 'To' number {to} is not a valid phone number.")
        if not (E164.fullmatch(sender) or ALPHANUMERIC_SENDER.fullmatch(sender)):
            return self.error(
                400, 21212, f"The 'From' number {sender} is not a valid phone number."
            )
        sms = FakeSms("SM" + secrets.token_hex(16), to, sender, body, form.get("StatusCallback"))
        self.accept(sms)
        now = format_datetime(datetime.now(UTC), usegmt=True)
        return Reply.json(
            201,
            {
                "account_sid": self.account,
                "api_version": "2010-04-01",
                "body": body,
                "date_created": now,
                "date_sent": None,
                "date_updated": now,
                "direction": "outbound-api",
                "error_code": None,
                "error_message": None,
                "from": sender,
                "messaging_service_sid": None,
                "num_media": "0",
                "num_segments": str(sms_parts(body)),
                "price": None,
                "price_unit": "USD",
                "sid": sms.id,
                "status": "queued",
                "subresource_uris": {
                    "media": f"/2010-04-01/Accounts/{self.account}/Messages/{sms.id}/Media.json"
                },
                "to": to,
                "uri": f"/2010-04-01/Accounts/{self.account}/Messages/{sms.id}.json",
            },
        )

    def status_params(
        self, sms_id: str, status: str, error_code: int | None = None
    ) -> dict[str, str]:
        """The form of Twilio's status callback for a message this fake accepted."""
        sms = self.message(sms_id)
        params = {
            "AccountSid": self.account,
            "ApiVersion": "2010-04-01",
            "From": sms.sender,
            "MessageSid": sms.id,
            "MessageStatus": status,
            "SmsSid": sms.id,
            "SmsStatus": status,
            "To": sms.to,
        }
        if error_code is not None:
            params["ErrorCode"] = str(error_code)
        if status == "delivered":
            params["RawDlrDoneDate"] = datetime.now(UTC).strftime("%y%m%d%H%M")
        return params

    def inbound_params(self, sender: str, to: str, text: str) -> dict[str, str]:
        """The form of Twilio's incoming message webhook."""
        sid = "SM" + secrets.token_hex(16)
        return {
            "AccountSid": self.account,
            "ApiVersion": "2010-04-01",
            "Body": text,
            "From": sender,
            "FromCountry": "NO",
            "MessageSid": sid,
            "NumMedia": "0",
            "NumSegments": str(sms_parts(text)),
            "SmsMessageSid": sid,
            "SmsSid": sid,
            "SmsStatus": "received",
            "To": to,
            "ToCountry": "NO",
        }

    def report(self, sms_id: str, status: str, error_code: int | None = None) -> tuple[int, bytes]:
        """Post a signed status callback to the URL the message was sent with."""
        url = self.message(sms_id).callback
        assert url, f"SMS {sms_id} was sent without a StatusCallback"
        headers, body = twilio_webhook(
            url, self.status_params(sms_id, status, error_code), self.secret
        )
        return post_form(url, dict(parse_qsl(body.decode())), headers)


class FakeElks(FakeProvider):
    """46elks' ``/a1/sms``."""

    def __init__(self) -> None:
        super().__init__("u" + secrets.token_hex(16), secrets.token_hex(16))

    def failure(self, status: int) -> Reply:
        return Reply.text(status, "Service unavailable (test)")

    def answer(self, request: Request) -> Reply:
        if request.path.lower() != "/a1/sms":
            return Reply.text(404, "Not found")
        if request.basic_auth() != (self.account, self.secret):
            return Reply.text(401, "Authorization required")
        form = request.form
        for key in ("from", "to", "message"):
            if not form.get(key):
                return Reply.text(403, f"Missing key {key}")
        to, sender, message = form["to"], form["from"], form["message"]
        if not self.valid_to(to):
            return Reply.text(403, "Invalid to number")
        if not (E164.fullmatch(sender) or ALPHANUMERIC_SENDER.fullmatch(sender)):
            return Reply.text(403, "Invalid from")
        callback = form.get("whendelivered")
        if callback is not None and not callback.startswith(("http://", "https://")):
            return Reply.text(403, "Invalid whendelivered")
        sms = FakeSms("s" + secrets.token_hex(16), to, sender, message, callback)
        self.accept(sms)
        parts = sms_parts(message)
        return Reply.json(
            200,
            {
                "status": "created",
                "direction": "outgoing",
                "from": sender,
                "created": datetime.now(UTC)
                .replace(tzinfo=None)
                .isoformat(timespec="microseconds"),
                "parts": parts,
                "to": to,
                "cost": 3500 * parts,
                "message": message,
                "id": sms.id,
            },
        )

    def status_params(self, sms_id: str, status: str) -> dict[str, str]:
        """The form of 46elks' delivery report for an SMS this fake accepted."""
        params = {"id": self.message(sms_id).id, "status": status}
        if status == "delivered":
            params["delivered"] = datetime.now(UTC).replace(tzinfo=None).isoformat()
        return params

    @staticmethod
    def inbound_params(sender: str, to: str, text: str) -> dict[str, str]:
        """The form of 46elks' incoming SMS webhook (``sms_url``)."""
        return {
            "direction": "incoming",
            "id": "s" + secrets.token_hex(16),
            "from": sender,
            "to": to,
            "created": datetime.now(UTC).replace(tzinfo=None).isoformat(),
            "message": text,
        }

    def report(self, sms_id: str, status: str) -> tuple[int, bytes]:
        """Post a delivery report to the ``whendelivered`` URL the SMS was sent with."""
        url = self.message(sms_id).callback
        assert url, f"SMS {sms_id} was sent without whendelivered"
        return post_form(url, self.status_params(sms_id, status))


@dataclass(frozen=True)
class Call:
    """A webhook call a ``WebhookSink`` received."""

    path: str
    headers: Mapping[str, str]  # names in lower case
    form: dict[str, str]


class WebhookSink(_LoopbackServer):
    """Stands where the hub's webhooks would: records each POST and answers ``status``."""

    def __init__(self, status: int = 200) -> None:
        super().__init__()
        self.status = status
        self._calls: list[Call] = []
        self._calls_lock = threading.Lock()

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    @property
    def calls(self) -> list[Call]:
        with self._calls_lock:
            return list(self._calls)

    def handle(self, request: Request) -> Reply | None:
        with self._calls_lock:
            self._calls.append(Call(request.path, request.headers, request.form))
        return Reply.text(self.status, "")


@pytest.fixture
def fake_twilio() -> Iterator[FakeTwilio]:
    server = FakeTwilio()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fake_elks() -> Iterator[FakeElks]:
    server = FakeElks()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def webhook_sink() -> Iterator[WebhookSink]:
    server = WebhookSink()
    server.start()
    try:
        yield server
    finally:
        server.stop()
