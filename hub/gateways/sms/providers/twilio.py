"""Twilio: the Messages REST API to send, signed webhooks for inbound SMS and delivery reports.

Send: ``POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json``, form-encoded ``To``,
``From``, ``Body`` and ``StatusCallback``, basic auth ``AccountSid:AuthToken``. Success is
201 with the message as JSON (``sid`` "SM…", ``status`` "queued"); an error is JSON
``{"code", "message", "more_info", "status"}`` (400 with code 21211 for an invalid ``To``).

Webhooks are form posts with ``X-Twilio-Signature``: base64 of HMAC-SHA1, keyed with the auth
token, over the full URL Twilio called (scheme, host, path and query) followed by every POST
parameter as name + value, sorted by name. Twilio adds parameters without notice, so all the
received ones are signed, never a known list.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from hub.gateways.sms.providers._http import Answer, Unreachable, post_form, shorten
from hub.gateways.sms.providers.base import (
    Credentials,
    InboundSms,
    OutgoingSms,
    SendResult,
    State,
    StatusReport,
    required,
)

API_BASE = "https://api.twilio.com"
DEFAULT_PORTS = {"https": 443, "http": 80}

# Error codes whose 4xx answer still means "try later": the account's queue is full (21611),
# too many requests (20429).
RETRYABLE_CODES = frozenset({20429, 21611})

# Delivery report errors a dispatcher meets, in words a dispatcher reads.
ERROR_TEXTS = {
    21610: "the recipient has opted out (replied STOP)",
    30001: "queue overflow at Twilio",
    30002: "the Twilio account is suspended",
    30003: "unreachable handset (off or out of coverage)",
    30004: "message blocked by the recipient or the carrier",
    30005: "unknown destination (the number is not in use)",
    30006: "landline or unreachable carrier",
    30007: "filtered by the carrier as unwanted",
    30008: "unknown error at the carrier",
}

# MessageStatus values. Those missing here ("queued", "accepted", "sending", "scheduled",
# "receiving", "received", ...) are steps on the way, or not about outgoing SMS: ignored.
STATES: dict[str, State] = {
    "sent": "sent",
    "delivered": "delivered",
    "read": "delivered",  # WhatsApp and RCS read receipts: delivered, and then some
    "undelivered": "failed",
    "failed": "failed",
    "canceled": "failed",  # a scheduled message cancelled: it will not go out
}


def expected_signature(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """The ``X-Twilio-Signature`` Twilio sends when it calls ``url`` with ``params``.

    ``params`` may be a Django ``QueryDict``: a repeated name is signed with each of its values,
    sorted, as Twilio's own helper libraries do."""
    data = url
    getlist = getattr(params, "getlist", None)
    for name in sorted(params):
        values = getlist(name) if callable(getlist) else [params[name]]
        for value in sorted(values):
            data += name + value
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def url_variants(url: str) -> list[str]:
    """``url`` and the same URL with its default port written out or left off.

    Twilio's side is not consistent about the port it signs when the webhook is on the
    scheme's default one (https 443, http 80); its helper libraries accept both forms, and so
    does the hub. Any other port is part of the URL and must match."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return [url]
    default = DEFAULT_PORTS.get(parts.scheme.lower())
    if default is None or not parts.netloc:
        return [url]
    userinfo, at, hostport = parts.netloc.rpartition("@")
    if port is None:
        hostport = f"{hostport.rstrip(':')}:{default}"
    elif port == default:
        hostport = hostport[: hostport.rindex(":")]
    else:
        return [url]
    return [url, urlunsplit(parts._replace(netloc=f"{userinfo}{at}{hostport}"))]


def valid_signature(auth_token: str, url: str, params: Mapping[str, str], signature: str) -> bool:
    """Whether ``signature`` (the ``X-Twilio-Signature`` header) proves that Twilio, holding
    ``auth_token``, sent ``params`` to ``url``.

    ``url`` must be the URL as Twilio called it, i.e. the public one configured at Twilio (the
    hub's public base URL + path + query), not the one a reverse proxy forwarded to: behind a
    proxy the host, scheme and port the application sees differ. ``params`` are all the POST
    parameters received. The comparison takes the same time wherever the strings differ."""
    if not signature or not auth_token:
        return False
    given = signature.encode("utf-8", errors="replace")
    matches = [
        hmac.compare_digest(expected_signature(auth_token, variant, params).encode(), given)
        for variant in url_variants(url)
    ]
    return any(matches)


def error_text(code: str | int, message: str = "") -> str:
    """A failed delivery's error as stored and shown: "Twilio 30003: unreachable handset…"."""
    try:
        known = ERROR_TEXTS.get(int(code))
    except (TypeError, ValueError):
        known = None
    words = known or message
    return f"Twilio {code}: {words}" if words else f"Twilio {code}"


class TwilioProvider:
    """Twilio, with one organisation's Account SID and auth token."""

    name = "twilio"

    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials
        self.base_url = (credentials.base_url or API_BASE).rstrip("/")

    @property
    def messages_url(self) -> str:
        account = quote(self.credentials.account, safe="")
        return f"{self.base_url}/2010-04-01/Accounts/{account}/Messages.json"

    async def send(self, sms: OutgoingSms) -> SendResult:
        if not self.credentials.account or not self.credentials.secret:
            return SendResult(
                ok=False, error="Twilio: no Account SID or auth token", permanent=True
            )
        form = {"To": sms.to, "From": sms.sender, "Body": sms.text}
        if sms.status_callback:
            form["StatusCallback"] = sms.status_callback
        try:
            answer = await post_form(
                self.messages_url, form, self.credentials.account, self.credentials.secret
            )
        except Unreachable as error:
            return SendResult(ok=False, error=f"Twilio unreachable: {error}")
        return _result(answer)

    def parse_inbound(self, params: Mapping[str, str]) -> InboundSms:
        """Fields: ``MessageSid`` (older: ``SmsSid``), ``From``, ``To``, ``Body``. ``Body`` may
        be empty (a picture alone): it must be there all the same."""
        if "Body" not in params:
            raise ValueError("missing field Body")
        return InboundSms(
            provider_id=required(params, "MessageSid", "SmsSid"),
            sender=required(params, "From"),
            to=required(params, "To"),
            text=params["Body"],
        )

    def parse_status(self, params: Mapping[str, str]) -> StatusReport | None:
        """Fields: ``MessageSid``, ``MessageStatus`` (older: ``SmsSid``, ``SmsStatus``), and
        ``ErrorCode`` when undelivered or failed."""
        provider_id = required(params, "MessageSid", "SmsSid")
        status = required(params, "MessageStatus", "SmsStatus").lower()
        state = STATES.get(status)
        if state is None:
            return None
        if state != "failed":
            return StatusReport(provider_id, state)
        code = params.get("ErrorCode", "")
        message = params.get("ErrorMessage", "")
        error = error_text(code, message) if code else f"Twilio: {status}"
        return StatusReport(provider_id, "failed", shorten(error))


def _result(answer: Answer) -> SendResult:
    body = _json(answer.text)
    if answer.success:
        sid = body.get("sid") if body else None
        if isinstance(sid, str) and sid:
            return SendResult(ok=True, provider_id=sid)
        # Twilio took the request but the answer is unreadable: the SMS may well have gone out,
        # and sending it again would send it twice. Fail visibly instead.
        return SendResult(
            ok=False,
            error=f"Twilio answered {answer.status} without a message sid: {shorten(answer.text)}",
            permanent=True,
        )
    code = body.get("code") if body else None
    message = body.get("message") if body else None
    if isinstance(code, int) and isinstance(message, str):
        error = f"Twilio {code}: {message}"
        permanent = answer.permanent and code not in RETRYABLE_CODES
    else:
        error = f"Twilio HTTP {answer.status}: {answer.text}"
        permanent = answer.permanent
    return SendResult(ok=False, error=shorten(error), permanent=permanent)


def _json(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
