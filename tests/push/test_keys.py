"""The VAPID key pair: made once at setup (or on first use) and kept, encrypted; or given by the
settings; replaced only on request, which forgets every subscription made for the old one."""

from __future__ import annotations

import io

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management import CommandError, call_command
from pytest_django import Settings

from hub.accounts.models import Member
from hub.push.actions import current_vapid_keys, do_ensure_vapid_keys, do_subscribe
from hub.push.keys import private_key_text, public_key_text
from hub.push.models import PushSubscription, VapidKey
from tests.pushservice import Device, FakePushService, b64url


def ensure(*args: str) -> str:
    out = io.StringIO()
    call_command("ensure_vapid_keys", *args, stdout=out)
    return out.getvalue()


def test_made_once_and_kept(db: None) -> None:
    assert not VapidKey.objects.exists()
    made = ensure()
    row = VapidKey.objects.get()
    assert made.strip() == f"VAPID key pair made now; public key {row.public_key}"
    assert ensure().strip() == f"VAPID key pair already there; public key {row.public_key}"
    assert VapidKey.objects.get().public_key == row.public_key
    pair = current_vapid_keys()
    assert (pair.public_key, pair.from_settings) == (row.public_key, False)
    assert public_key_text(pair.private_key) == row.public_key


def test_the_private_key_is_stored_encrypted(db: None) -> None:
    pair, made = do_ensure_vapid_keys()
    assert made
    stored = VapidKey.objects.get().private_key_encrypted
    assert private_key_text(pair.private_key) not in stored


def test_made_on_first_use(db: None) -> None:
    pair = current_vapid_keys()
    assert VapidKey.objects.get().public_key == pair.public_key
    assert current_vapid_keys().public_key == pair.public_key


def test_replace_makes_a_new_pair_and_forgets_the_subscriptions(
    technician: Member, push_service: FakePushService
) -> None:
    old = current_vapid_keys().public_key
    phone = Device(push_service, old)
    do_subscribe(technician, endpoint=phone.endpoint, p256dh=phone.p256dh, auth=phone.auth)
    output = ensure("--replace")
    new = VapidKey.objects.get().public_key
    assert new != old
    assert output.strip() == f"VAPID key pair made now; public key {new}"
    assert not PushSubscription.objects.exists()


def test_a_stored_key_that_cannot_be_read_any_more_is_reported(
    db: None, settings: Settings
) -> None:
    settings.HUB_ENCRYPTION_KEY = "the first key"
    ensure()
    settings.HUB_ENCRYPTION_KEY = "another key"
    with pytest.raises(CommandError, match="cannot be decrypted"):
        ensure()
    ensure("--replace")
    assert current_vapid_keys().public_key == VapidKey.objects.get().public_key


def given_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.mark.parametrize("form", ["raw", "pem"])
def test_a_pair_from_the_settings_is_used_and_nothing_is_stored(
    db: None, settings: Settings, form: str
) -> None:
    key = given_key()
    settings.HUB_VAPID_PRIVATE_KEY = (
        private_key_text(key)
        if form == "raw"
        else key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
    )
    settings.HUB_VAPID_PUBLIC_KEY = public_key_text(key)
    output = ensure()
    assert output.strip() == (
        f"VAPID key pair given by HUB_VAPID_PRIVATE_KEY; public key {public_key_text(key)}"
    )
    assert current_vapid_keys().public_key == public_key_text(key)
    assert not VapidKey.objects.exists()
    with pytest.raises(CommandError, match="comes from the settings"):
        ensure("--replace")


@pytest.mark.parametrize(
    ("private", "public", "complaint"),
    [
        ("not a key", "", "HUB_VAPID_PRIVATE_KEY is not a P-256 private key"),
        (b64url(b"\x01" * 31), "", "HUB_VAPID_PRIVATE_KEY is not a P-256 private key"),
        (None, "BAD", "HUB_VAPID_PUBLIC_KEY is not the public key"),
    ],
)
def test_a_wrong_pair_in_the_settings_stops_the_release(
    db: None, settings: Settings, private: str | None, public: str, complaint: str
) -> None:
    settings.HUB_VAPID_PRIVATE_KEY = private_key_text(given_key()) if private is None else private
    settings.HUB_VAPID_PUBLIC_KEY = public
    with pytest.raises(CommandError, match=complaint):
        ensure()


@pytest.mark.parametrize("subject", ["", "drift@nordlys.no", "mailto:drift", "http://nordlys.no"])
def test_the_subject_must_be_a_mailto_or_https_address(
    db: None, settings: Settings, subject: str
) -> None:
    settings.HUB_VAPID_SUBJECT = subject
    with pytest.raises(CommandError, match="HUB_VAPID_SUBJECT"):
        ensure()
