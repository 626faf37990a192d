"""Portal tokens: what a link carries, and what is kept of it (its SHA-256, nothing else).

A token is 24 random bytes (192 bits), URL-safe. A link that goes out with an e-mail or SMS
gets a token derived from its delivery's own random handle with a keyed hash (HMAC with the
hub's secret key): the outbox composes the message later, and a retry must carry the same link,
but the token may not be stored. Someone with the database alone can rebuild neither kind.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

from django.conf import settings
from django.utils.crypto import salted_hmac

TOKEN_BYTES = 24
# What a token looks like: URL-safe base64 of 24 bytes. Anything else is not looked up.
TOKEN_LENGTH = 32
TOKEN_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
DELIVERY_SALT = "hub.portal.delivery-link"


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_for_delivery(delivery_token: str) -> str:
    """The token of the link a delivery carries, rebuilt from the delivery's handle."""
    digest = salted_hmac(DELIVERY_SALT, delivery_token, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest[:TOKEN_BYTES]).decode("ascii")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def looks_like_token(token: str) -> bool:
    return len(token) == TOKEN_LENGTH and set(token) <= TOKEN_CHARACTERS


def portal_url(token: str) -> str:
    return f"{settings.HUB_PUBLIC_URL}/p/{token}"
