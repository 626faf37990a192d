"""A local stand-in for a Web Push service, and the browser side of a subscription.

``FakePushService`` (fixture ``push_service``): an HTTP server on a free loopback port, in a
thread of its own, that does what a push service does with a push (RFC 8030): it takes
``POST /push/<token>`` for the subscriptions it made, checks the request as real services do
(a VAPID ``Authorization`` of RFC 8292 whose ES256 signature verifies with the public key the
subscription was made for, ``aud`` its own origin, ``exp`` in the future and at most 24 hours
ahead, a ``sub``; ``Content-Encoding: aes128gcm``; a ``TTL``; a body of at most 4096 bytes) and
answers 201 with a ``Location``, or what real services answer otherwise (400, 401, 403, 404,
410, 413). It records every push it takes. It can be told to answer the next requests with
another status (``fail_next``), and be stopped (connection refused) and started again.

``Device`` is a browser's ``PushManager.subscribe()``: its own P-256 key pair and 16-byte auth
secret, an endpoint at the fake service, the subscription's JSON, and ``decrypt`` (RFC 8291
with ``http_ece``, as the browser decrypts before the service worker sees the payload).

The JWT is checked here with ``cryptography`` alone, apart from the hub's ``py_vapid``, so that
each checks the other.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any

import http_ece
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from tests.loopback import LoopbackHTTPServer, LoopbackService

MAX_BODY = 4096  # RFC 8030: a push service must take payloads of at least 4096 bytes
MAX_JWT_LIFETIME = 24 * 3600
VAPID = re.compile(r"vapid\s+t=(?P<t>[A-Za-z0-9_\-.]+)\s*,\s*k=(?P<k>[A-Za-z0-9_\-]+)")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class VapidError(Exception):
    pass


@dataclass(frozen=True)
class Vapid:
    """A VAPID ``Authorization`` header taken apart and verified."""

    token: str
    public_key: str
    header: dict[str, Any]
    claims: dict[str, Any]


def verify_vapid(authorization: str, audience: str, now: float | None = None) -> Vapid:
    """The header's JWT, verified with its ``k`` (ES256: ECDSA P-256 over SHA-256, the
    signature as r‖s); ``VapidError`` saying what is wrong."""
    match = VAPID.fullmatch(authorization.strip())
    if match is None:
        raise VapidError(f"not a vapid authorization: {authorization!r}")
    token, key = match["t"], match["k"]
    try:
        signing_input, _dot, signature = token.rpartition(".")
        header_part, _dot, claims_part = signing_input.partition(".")
        header = json.loads(unb64url(header_part))
        claims = json.loads(unb64url(claims_part))
        raw = unb64url(signature)
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
    except ValueError as error:
        raise VapidError(f"unreadable token or key: {error}") from error
    if header.get("alg") != "ES256" or len(raw) != 64:
        raise VapidError(f"not an ES256 JWT: {header}")
    r, s = int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
    try:
        public.verify(encode_dss_signature(r, s), signing_input.encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise VapidError("the signature does not verify with k") from None
    now = time.time() if now is None else now
    if claims.get("aud") != audience:
        raise VapidError(f"aud is {claims.get('aud')!r}, not {audience!r}")
    exp = claims.get("exp")
    if not isinstance(exp, int) or not now < exp <= now + MAX_JWT_LIFETIME:
        raise VapidError(f"exp {exp!r} is not within the next 24 hours")
    if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
        raise VapidError(f"sub is {claims.get('sub')!r}")
    return Vapid(token, key, header, claims)


@dataclass(frozen=True)
class Push:
    """A push the fake service took."""

    token: str
    headers: Mapping[str, str]  # names in lower case
    body: bytes
    vapid: Vapid


@dataclass(frozen=True)
class Attempt:
    """Any request that arrived, and what it was answered."""

    path: str
    headers: Mapping[str, str]
    body: bytes
    status: int


class _Handler(BaseHTTPRequestHandler):
    server: LoopbackHTTPServer

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, reply, extra = self.server.service.handle(self.path, headers, body)
        self.send_response(status)
        for name, value in extra.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a failing test shows what it asserts, not an access log."""


class FakePushService(LoopbackService):
    handler = _Handler

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._subscriptions: dict[str, str] = {}  # token → applicationServerKey
        self._expired: set[str] = set()
        self._failures: list[int] = []
        self._pushes: list[Push] = []
        self._attempts: list[Attempt] = []

    # -- what a browser and a test do with it

    def subscribe(self, application_server_key: str) -> str:
        """A new endpoint for a device subscribing with ``application_server_key``."""
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._subscriptions[token] = application_server_key
        return f"{self.origin}/push/{token}"

    def expire(self, endpoint: str) -> None:
        """The subscription ends (the user revoked the permission): 410 from now on."""
        with self._lock:
            self._expired.add(endpoint.rsplit("/", 1)[-1])

    def fail_next(self, count: int = 1, status: int = 503) -> None:
        with self._lock:
            self._failures.extend([status] * count)

    @property
    def pushes(self) -> list[Push]:
        with self._lock:
            return list(self._pushes)

    @property
    def attempts(self) -> list[Attempt]:
        with self._lock:
            return list(self._attempts)

    # -- the service

    def handle(
        self, path: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[int, bytes, dict[str, str]]:
        status, reply, extra = self._answer(path, headers, body)
        with self._lock:
            self._attempts.append(Attempt(path, headers, body, status))
        return status, reply.encode(), extra

    def _answer(
        self, path: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[int, str, dict[str, str]]:
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
        if failure is not None:
            return failure, "Try again later (test)", {}
        token = path.removeprefix("/push/")
        with self._lock:
            known = self._subscriptions.get(token)
            expired = token in self._expired
        if not path.startswith("/push/") or known is None:
            return 404, "No such subscription", {}
        if expired:
            return 410, "Subscription expired", {}
        try:
            vapid = verify_vapid(headers.get("authorization", ""), self.origin)
        except VapidError as error:
            return 401, f"Invalid VAPID authorization: {error}", {}
        if vapid.public_key != known:
            return 403, "VAPID key does not match the subscription's applicationServerKey", {}
        if headers.get("content-encoding", "").lower() != "aes128gcm":
            return 400, "Content-Encoding must be aes128gcm", {}
        if not headers.get("ttl", "").isdigit():
            return 400, "Missing or invalid TTL header", {}
        if len(body) > MAX_BODY:
            return 413, "Payload too large", {}
        with self._lock:
            self._pushes.append(Push(token, headers, body, vapid))
            number = len(self._pushes)
        return 201, "", {"Location": f"{self.origin}/m/{number}"}


class Device:
    """A browser that subscribed at the fake service, with keys of its own."""

    def __init__(self, service: FakePushService, application_server_key: str) -> None:
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = secrets.token_bytes(16)
        self.endpoint = service.subscribe(application_server_key)

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)

    def subscription(self) -> dict[str, Any]:
        """What ``JSON.stringify(pushSubscription)`` gives."""
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": self.p256dh, "auth": self.auth},
        }

    def decrypt(self, push: Push) -> dict[str, Any]:
        """The payload, as the service worker gets it."""
        plain: bytes = http_ece.decrypt(
            push.body,
            private_key=self.private_key,
            auth_secret=self.auth_secret,
            version="aes128gcm",
        )
        payload: dict[str, Any] = json.loads(plain)
        return payload

    def owns(self, push: Push) -> bool:
        return self.endpoint.endswith(f"/push/{push.token}")


@pytest.fixture
def push_service() -> Iterator[FakePushService]:
    server = FakePushService()
    server.start()
    try:
        yield server
    finally:
        server.stop()
