"""Every change to push subscriptions and to the hub's VAPID key pair.

A push is not sent from here: ``queue_pushes`` (called by ``hub.notify.actions.notify`` inside
the transaction of the change it reports) queues one outbox delivery per device of the member,
and the gateway's dispatcher encrypts, signs and sends it (``hub.gateways.push``), retrying as
for any delivery. What the push service answers comes back here: a device that is gone is
forgotten, one that took a push is marked so.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hub.accounts.models import Member
from hub.errors import HubError
from hub.mail.secrets import encrypt
from hub.outbox.actions import queue_notification
from hub.outbox.models import Delivery, OutboundChannel
from hub.push.access import access_subscription, subscription_address
from hub.push.keys import (
    VapidPair,
    auth_secret,
    b64url_encode,
    private_key_text,
    public_key_text,
    public_point,
    settings_pair,
    stored_pair,
)
from hub.push.models import ENDPOINT_MAX, PushSubscription, VapidKey
from hub.threads.models import Case, Message

# Devices per member: more than anyone carries; the least recently added go first.
MAX_DEVICES = 10
USER_AGENT_MAX = 300
# Host names that never lead to a push service, only into the hub's own network.
LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa")


# -- subscriptions -----------------------------------------------------------------------------


def check_endpoint(endpoint: str) -> str:
    """A push service's address: https, to a public host name or address. Plain http (and
    https) to this machine only when ``HUB_PUSH_ALLOW_HTTP_LOOPBACK`` is on, for development
    and tests. Nothing else: the hub posts to this address, so it must not lead into its own
    network."""
    endpoint = endpoint.strip()
    if not endpoint or len(endpoint) > ENDPOINT_MAX:
        raise HubError(
            _("The endpoint must be given, in at most %(limit)d characters.")
            % {"limit": ENDPOINT_MAX},
            field="endpoint",
        )
    invalid = HubError(
        _("The endpoint must be the https address a push service gave this device."),
        field="endpoint",
    )
    try:
        parts = urlsplit(endpoint)
        _port = parts.port  # an invalid port raises here
    except ValueError:
        raise invalid from None
    host = (parts.hostname or "").lower()
    if not host or parts.username is not None or parts.password is not None:
        raise invalid
    if _is_loopback(host):
        if parts.scheme not in ("http", "https") or not settings.HUB_PUSH_ALLOW_HTTP_LOOPBACK:
            raise invalid
    elif parts.scheme != "https" or _is_local(host):
        raise invalid
    return endpoint


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _is_loopback(host: str) -> bool:
    address = _ip(host)
    if address is not None:
        return address.is_loopback
    return host == "localhost" or host.endswith(".localhost")


def _is_local(host: str) -> bool:
    address = _ip(host)
    if address is not None:
        return not address.is_global
    return "." not in host.rstrip(".") or host.rstrip(".").endswith(LOCAL_SUFFIXES)


def check_keys(p256dh: str, auth: str) -> tuple[str, str]:
    """The device's keys, checked and in base64url without padding."""
    try:
        point = public_point(p256dh)
    except ValueError:
        raise HubError(
            _("keys.p256dh must be the device's P-256 public key: 65 bytes in base64url."),
            field="keys.p256dh",
        ) from None
    try:
        secret = auth_secret(auth)
    except ValueError:
        raise HubError(
            _("keys.auth must be the device's auth secret: 16 bytes in base64url."),
            field="keys.auth",
        ) from None
    return b64url_encode(point), b64url_encode(secret)


def do_subscribe(
    member: Member, *, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> tuple[PushSubscription, bool]:
    """This device takes the member's push notifications from now on; returns the subscription
    and whether it is new. The same endpoint again (a new login on the same phone, new keys)
    takes the existing row over, whoever had it: an endpoint is one device, and only that
    device's browser knows it."""
    endpoint = check_endpoint(endpoint)
    p256dh, auth = check_keys(p256dh, auth)
    with transaction.atomic():
        subscription, created = PushSubscription.objects.update_or_create(
            endpoint=endpoint,
            defaults={
                "organization_id": member.organization_id,
                "member": member,
                "p256dh": p256dh,
                "auth": auth,
                "user_agent": user_agent[:USER_AGENT_MAX],
            },
        )
        oldest = (
            PushSubscription.objects.filter(organization_id=member.organization_id, member=member)
            .order_by("-created", "-id")
            .values_list("pk", flat=True)[MAX_DEVICES:]
        )
        PushSubscription.objects.filter(pk__in=list(oldest)).delete()
    return subscription, created


def do_unsubscribe(member: Member, endpoint: str) -> None:
    """This device takes no more of the member's push notifications. Only the member's own:
    another member's endpoint is *not found*."""
    with transaction.atomic():
        access_subscription(member, endpoint).delete()


def queue_pushes(
    member: Member,
    kind: str,
    *,
    case: Case,
    message: Message | None,
    actor: Member | None,
) -> list[Delivery]:
    """One queued push per device of ``member``; the dispatcher composes and sends it.

    Precondition: the member wants ``kind`` by push (``hub.notify.preferences.wants``), inside
    the transaction of the change it reports."""
    subscriptions = PushSubscription.objects.filter(
        organization_id=case.organization_id, member=member
    ).order_by("id")
    return [
        queue_notification(
            member,
            kind,
            case=case,
            message=message,
            actor=actor,
            channel=OutboundChannel.PUSH,
            recipient=subscription_address(subscription),
        )
        for subscription in subscriptions
    ]


def do_record_push_success(subscription_id: int) -> None:
    """The push service took a push for this device."""
    PushSubscription.objects.filter(pk=subscription_id).update(last_success=timezone.now())


def do_forget_subscription(subscription_id: int) -> None:
    """The push service says this device's subscription is gone (404, 410): the browser
    unsubscribed, or the subscription expired. Pushes still queued for it then fail."""
    PushSubscription.objects.filter(pk=subscription_id).delete()


# -- the VAPID key pair ------------------------------------------------------------------------


def current_vapid_keys() -> VapidPair:
    """The pair that signs pushes: the settings', else the stored one, made now if missing."""
    return settings_pair() or do_ensure_vapid_keys()[0]


def do_ensure_vapid_keys(*, replace: bool = False) -> tuple[VapidPair, bool]:
    """Make the hub's VAPID pair once and keep it; returns it and whether it was made now.

    ``replace`` makes a new pair and forgets every subscription, which was made for the old
    public key and cannot be pushed to with the new one (devices subscribe again when the
    app next sees the key has changed). When the settings give a pair, it is used as it is."""
    given = settings_pair()
    if given is not None:
        if replace:
            raise HubError(_("The VAPID key pair comes from the settings; change it there."))
        return given, False
    with transaction.atomic():
        if replace:
            VapidKey.objects.filter(pk=1).delete()
            PushSubscription.objects.all().delete()
        existing = stored_pair()
        if existing is not None:
            return existing, False
        private_key = ec.generate_private_key(ec.SECP256R1())
        _row, created = VapidKey.objects.get_or_create(
            pk=1,
            defaults={
                "private_key_encrypted": encrypt(private_key_text(private_key)),
                "public_key": public_key_text(private_key),
            },
        )
    pair = stored_pair()
    assert pair is not None  # noqa: S101 - just written, or written by another process
    return pair, created
