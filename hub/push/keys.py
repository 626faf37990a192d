"""Keys: the hub's VAPID pair (from the settings or the database) and a subscription's keys.

Only reads and parses; making the pair is ``hub.push.actions.do_ensure_vapid_keys``. Every key
travels as base64url without padding (RFC 8292, RFC 8291), as browsers give and take them.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from hub.mail.secrets import decrypt
from hub.push.models import VapidKey

P256_POINT_BYTES = 65  # 0x04, x, y
AUTH_SECRET_BYTES = 16
PRIVATE_SCALAR_BYTES = 32
# base64url, or plain base64 (some clients convert the keys with btoa), padded or not.
BASE64 = re.compile(r"[A-Za-z0-9_\-+/]*={0,2}")
# As py_vapid checks it: a mail address or an https address, of a host with a dot or localhost.
SUBJECT = re.compile(r"(mailto:[^@\s]+@|https://)(localhost|[\w%-]+(\.[\w%-]+)+)", re.IGNORECASE)


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """base64url or base64, padded or not; ``ValueError`` for anything else."""
    if not BASE64.fullmatch(text):
        raise ValueError("not base64url")
    bare = text.rstrip("=").replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(bare + "=" * (-len(bare) % 4), validate=True)
    except binascii.Error as error:
        raise ValueError(str(error)) from error


def public_point(text: str) -> bytes:
    """A subscription's ``p256dh``: the 65 bytes of an uncompressed point on P-256."""
    data = b64url_decode(text)
    if len(data) != P256_POINT_BYTES or data[0] != 4:
        raise ValueError("not an uncompressed P-256 point")
    ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), data)  # on the curve?
    return data


def auth_secret(text: str) -> bytes:
    """A subscription's ``auth``: 16 bytes."""
    data = b64url_decode(text)
    if len(data) != AUTH_SECRET_BYTES:
        raise ValueError("not 16 bytes")
    return data


@dataclass(frozen=True)
class VapidPair:
    """The key pair that signs pushes. ``public_key``: base64url of the uncompressed point,
    the ``applicationServerKey`` a browser subscribes with."""

    private_key: ec.EllipticCurvePrivateKey = field(repr=False)
    public_key: str
    from_settings: bool = False


def public_key_text(private_key: ec.EllipticCurvePrivateKey) -> str:
    point = private_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url_encode(point)


def private_key_text(private_key: ec.EllipticCurvePrivateKey) -> str:
    """The private scalar as base64url: the form ``HUB_VAPID_PRIVATE_KEY`` takes."""
    scalar = private_key.private_numbers().private_value
    return b64url_encode(scalar.to_bytes(PRIVATE_SCALAR_BYTES, "big"))


def parse_private_key(text: str) -> ec.EllipticCurvePrivateKey:
    """A P-256 private key given as base64url of its 32-byte scalar (what most Web Push tools
    print), as PEM, or as base64url DER; ``ValueError`` otherwise."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode(), password=None)
    else:
        data = b64url_decode("".join(text.split()))
        if len(data) == PRIVATE_SCALAR_BYTES:
            key = ec.derive_private_key(int.from_bytes(data, "big"), ec.SECP256R1())
        else:
            key = serialization.load_der_private_key(data, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ValueError("not a P-256 (prime256v1) key")
    return key


def settings_pair() -> VapidPair | None:
    """The pair the settings give, checked; None when they give none."""
    raw: str = settings.HUB_VAPID_PRIVATE_KEY
    if not raw:
        return None
    try:
        private_key = parse_private_key(raw)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"HUB_VAPID_PRIVATE_KEY is not a P-256 private key (base64url or PEM): {error}"
        ) from None
    public_key = public_key_text(private_key)
    given: str = settings.HUB_VAPID_PUBLIC_KEY
    if given and given.rstrip("=") != public_key:
        raise ImproperlyConfigured(
            "HUB_VAPID_PUBLIC_KEY is not the public key of HUB_VAPID_PRIVATE_KEY "
            f"(that is {public_key})."
        )
    return VapidPair(private_key, public_key, from_settings=True)


def stored_pair() -> VapidPair | None:
    """The pair kept in the database; None when none was made yet."""
    row = VapidKey.objects.filter(pk=1).first()
    if row is None:
        return None
    text = decrypt(row.private_key_encrypted)
    if not text:
        raise ImproperlyConfigured(
            "The stored VAPID key cannot be decrypted: HUB_ENCRYPTION_KEY (or SECRET_KEY) has "
            "changed since it was made. Restore that key, or run `manage.py ensure_vapid_keys "
            "--replace` (every device then has to subscribe again)."
        )
    return VapidPair(parse_private_key(text), row.public_key)


def vapid_subject() -> str:
    """Whom a push service can reach about the hub's pushes (RFC 8292 ``sub``)."""
    subject: str = settings.HUB_VAPID_SUBJECT
    if not SUBJECT.fullmatch(subject):
        raise ImproperlyConfigured(
            f"HUB_VAPID_SUBJECT must be a mailto: or https: address, not {subject!r}."
        )
    return subject
