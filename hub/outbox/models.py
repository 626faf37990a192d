"""What leaves the hub and what became of it.

A ``Delivery`` is written in the same transaction as the message (or notification) it carries,
so a message exists exactly when its way out does. The gateway worker claims due rows, sends,
and moves them on; the rows are also the case's sent log: when, to whom, by whom, and how it
went. Written only by ``hub.outbox.actions``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hub.accounts.models import Member, Organization
from hub.customers.models import Contact
from hub.threads.models import Case, Message


class OutboundChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    PUSH = "push", _("Push")


class State(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    # None for an SMS to members that belongs to no case (a mass SMS to the crew).
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    # "message" for a message to a customer; a notification kind for a note to a member;
    # "broadcast" for a mass SMS to members, whose text is ``body``.
    purpose = models.CharField(max_length=32, default="message")
    body = models.TextField(blank=True)
    # A mail's subject of its own (a booking mail from its template); else the case's title.
    subject = models.CharField(max_length=200, blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=OutboundChannel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    recipient_name = models.CharField(max_length=200, blank=True)
    recipient_contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recipient_member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Reminders and notifications: marked so mail clients do not answer them automatically.
    automatic = models.BooleanField(default=False)
    # Case files sent along besides the message's own attachments.
    extra_files = models.JSONField(default=list, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt = models.DateTimeField(null=True, blank=True)
    # A claim is a lease: a worker that dies mid-send leaves a row another worker takes over
    # once the lease runs out.
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    # E-mail: our Message-ID, fixed when queued so that a retry is the same mail.
    # SMS: the provider's message id, known once sent.
    provider_id = models.CharField(max_length=255, blank=True, db_index=True)
    # An unguessable handle for the open-tracking pixel and delivery callbacks.
    token = models.CharField(max_length=32, unique=True)
    error = models.TextField(_("error"), blank=True)
    created = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    # A booking message whose content no longer holds (the time changed since).
    stale = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(fields=["state", "next_attempt"], name="delivery_due"),
            models.Index(fields=["case", "id"], name="delivery_sent_log"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} to {self.recipient}: {self.state}"
