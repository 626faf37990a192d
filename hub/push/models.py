"""The devices that take a member's push notifications, and the hub's VAPID key pair.

Written only by ``hub.push.actions``. A ``PushSubscription`` is what a browser's
``PushManager.subscribe()`` answered: the push service's address for this device (the
``endpoint``, an unguessable URL) and the device's keys, with which the hub encrypts what it
sends (RFC 8291), so the push service carries it without reading it. The ``VapidKey`` signs
every request to a push service (RFC 8292); browsers bind a subscription to its public key.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hub.accounts.models import Member, Organization

ENDPOINT_MAX = 1024


class PushSubscription(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        related_name="push_subscriptions",
        verbose_name=_("member"),
    )
    # One device's address at its push service: the same device subscribing again (another
    # login on the same phone, new keys) takes the row over rather than adding one.
    endpoint = models.CharField(_("endpoint"), max_length=ENDPOINT_MAX, unique=True)
    # base64url, unpadded: the device's P-256 public key (65 bytes) and auth secret (16 bytes).
    p256dh = models.CharField(max_length=100)
    auth = models.CharField(max_length=32)
    user_agent = models.CharField(_("device"), max_length=300, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_success = models.DateTimeField(_("last delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")
        indexes = [models.Index(fields=["member", "id"], name="push_subscription_member")]

    def __str__(self) -> str:
        return f"push subscription {self.pk} of member {self.member_id}"


class VapidKey(models.Model):
    """The hub's one VAPID key pair (row 1), made at setup (``manage.py ensure_vapid_keys``)
    or on first use, unless the settings give one (``HUB_VAPID_PRIVATE_KEY``). The private key
    is stored encrypted (``hub.mail.secrets``), so a copy of the database cannot sign pushes."""

    private_key_encrypted = models.TextField()
    # base64url, unpadded, of the uncompressed P-256 point: the browser's applicationServerKey.
    public_key = models.CharField(max_length=100)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("VAPID key")
        verbose_name_plural = _("VAPID keys")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="vapid_key_one_row")]

    def __str__(self) -> str:
        return f"VAPID key {self.public_key[:12]}…"
