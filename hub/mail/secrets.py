"""Mail server passwords at rest: encrypted with a key the database does not hold.

Fernet (AES-128-CBC with HMAC-SHA256) from ``cryptography``; the key is HUB_ENCRYPTION_KEY, or
derived from SECRET_KEY when that is not set, so a copy of the database alone reveals nothing.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    secret = settings.HUB_ENCRYPTION_KEY or settings.SECRET_KEY
    key = hashlib.sha256(f"hub.mail.secrets:{secret}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(password: str) -> str:
    return _fernet().encrypt(password.encode()).decode() if password else ""


def decrypt(token: str) -> str:
    """The password, or "" when none is stored or the key has changed since (the settings page
    then asks for it again instead of failing every send)."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""
