"""One Web Push request: the payload encrypted for the device (RFC 8291, ``aes128gcm`` of RFC
8188, by ``http_ece``), signed for the push service with the hub's VAPID key (RFC 8292, by
``py_vapid``), and posted with httpx on the event loop (RFC 8030).

``build_request`` does the cryptography (in the dispatcher's thread, with what ``_prepare``
read); ``post`` only talks to the push service. What comes back: 201 (or any 2xx) the push
service has it; 404 and 410 the subscription is gone for good; 429, 5xx and no answer at all
are worth trying again; any other 4xx says the request itself is wrong (403: the VAPID key is
not the one the device subscribed with; 413: too large), so sending it again cannot help.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import http_ece
import httpx
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

from hub.push.keys import VapidPair, auth_secret, public_point

TIMEOUT = 10.0  # seconds, for connecting and for each read or write
ERROR_TEXT_LIMIT = 300  # characters of a push service's answer kept for the delivery's record
# The JWT's lifetime: push services refuse one that lives longer than 24 hours.
JWT_LIFETIME_SECONDS = 12 * 3600
GONE = frozenset({404, 410})
# 4xx answers that say "not now" rather than "never": a timeout, too early, too many requests.
RETRYABLE_4XX = frozenset({408, 425, 429})


class Unreachable(Exception):
    """No HTTP answer: refused, reset, DNS, TLS, timeout."""


@dataclass(frozen=True)
class PushRequest:
    endpoint: str = field(repr=False)  # the endpoint is a capability: kept out of logs
    headers: dict[str, str] = field(repr=False)
    body: bytes = field(repr=False)


@dataclass(frozen=True)
class Answer:
    status: int
    text: str
    location: str = ""

    @property
    def success(self) -> bool:
        return 200 <= self.status < 300

    @property
    def gone(self) -> bool:
        return self.status in GONE

    @property
    def permanent(self) -> bool:
        return 400 <= self.status < 500 and self.status not in RETRYABLE_4XX


def origin_of(endpoint: str) -> str:
    """The push service's origin, the JWT's audience: scheme, host and any explicit port."""
    parts = urlsplit(endpoint)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port is not None else ""
    return f"{parts.scheme}://{host}{port}"


def build_request(
    endpoint: str,
    p256dh: str,
    auth: str,
    payload: bytes,
    vapid: VapidPair,
    *,
    subject: str,
    ttl: int,
    urgency: str = "normal",
    topic: str = "",
    now: float | None = None,
) -> PushRequest:
    """The encrypted, signed request for one device. A fresh ephemeral key (and salt) for every
    push, as RFC 8291 requires."""
    ephemeral = ec.generate_private_key(ec.SECP256R1())
    body: bytes = http_ece.encrypt(
        payload,
        private_key=ephemeral,
        dh=public_point(p256dh),
        auth_secret=auth_secret(auth),
        version="aes128gcm",
    )
    issued = int(time.time() if now is None else now)
    claims = {"aud": origin_of(endpoint), "exp": issued + JWT_LIFETIME_SECONDS, "sub": subject}
    signed: dict[str, str] = Vapid02(vapid.private_key).sign(claims)
    headers = {
        "Authorization": signed["Authorization"],
        "Content-Encoding": "aes128gcm",
        "Content-Type": "application/octet-stream",
        "TTL": str(ttl),
        "Urgency": urgency,
    }
    if topic:
        headers["Topic"] = topic
    return PushRequest(endpoint, headers, body)


async def post(request: PushRequest) -> Answer:
    """One POST to the push service; a fresh client per push, as the SMS providers do (pushes
    are few, and a pooled client would have to outlive event loops)."""
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False) as client:
            response = await client.post(
                request.endpoint, content=request.body, headers=request.headers
            )
    except httpx.TimeoutException as error:
        raise Unreachable(f"no answer within {TIMEOUT:g} s ({type(error).__name__})") from error
    except httpx.HTTPError as error:
        raise Unreachable(
            f"{type(error).__name__}: {error}" if str(error) else repr(error)
        ) from error
    return Answer(response.status_code, response.text, response.headers.get("location", ""))


def shorten(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > ERROR_TEXT_LIMIT:
        return text[: ERROR_TEXT_LIMIT - 1] + "…"
    return text
