"""A member's notifications and their choices of what reaches them where.

Written only by ``hub.notify.actions``. Two people decide about delivery, and the models keep
them apart (Serviceprotokoll's rule): the member chooses kinds and channels
(``NotificationPreference``); an administrator may only switch a member's e-mail and SMS off
(``NotificationPolicy``), never choose their kinds.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hub.accounts.models import Member, Organization
from hub.customers.models import Contact
from hub.threads.models import Case, Message


class Kind(models.TextChoices):
    MENTION = "mention", _("Mentioned in a note")
    ASSIGNED = "assigned", _("Case assigned to me or my team")
    CUSTOMER_REPLIED = "customer_replied", _("Customer replied on my case")
    BOOKING_CHANGED = "booking_changed", _("Booking changed on my case")


class DeliveryChannel(models.TextChoices):
    """How a notification may reach a member; not ``threads.Channel``, which is where a
    message came from."""

    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    PUSH = "push", _("Push")


def default_enabled(kind: str, channel: str) -> bool:
    """What a member gets while they have not chosen (no preference row): everything in the
    app, e-mail for what is addressed to them personally, no SMS or push until they ask."""
    if channel == DeliveryChannel.IN_APP:
        return True
    if channel == DeliveryChannel.EMAIL:
        return kind in (Kind.MENTION, Kind.ASSIGNED)
    return False


class Notification(models.Model):
    """Something a member should look at: the case is the primary subject, the message (when
    there is one) the secondary, as in Chatwoot."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("case")
    )
    message = models.ForeignKey(
        Message,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("message"),
    )
    actor_member = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by member"),
    )
    actor_contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by contact"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    seen = models.DateTimeField(_("seen"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.CheckConstraint(
                condition=Q(actor_member__isnull=True) | Q(actor_contact__isnull=True),
                name="notification_one_actor",
            ),
        ]
        indexes = [
            # The list, newest first, by id cursor.
            models.Index(fields=["member", "-id"], name="notification_list"),
            # The red dot and the unseen filter: only unseen rows, so it stays small.
            models.Index(
                fields=["member", "-id"],
                condition=Q(seen__isnull=True),
                name="notification_unseen",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for member {self.member_id} on case {self.case_id}"


class NotificationPreference(models.Model):
    """A member's own choice for one kind on one channel. No row: ``default_enabled``."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("member"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=DeliveryChannel.choices)
    enabled = models.BooleanField(_("on"))

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind", "channel"], name="notification_preference_once"
            ),
        ]

    def __str__(self) -> str:
        state = "on" if self.enabled else "off"
        return f"member {self.member_id}: {self.kind} by {self.channel} {state}"


class NotificationPolicy(models.Model):
    """What an administrator allows for a member: e-mail and SMS may be switched off (they cost
    money and reach people off duty). It overrides the member's choice at delivery and never
    changes it. No row: both allowed."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    member = models.OneToOneField(
        Member,
        on_delete=models.CASCADE,
        related_name="notification_policy",
        verbose_name=_("member"),
    )
    email_allowed = models.BooleanField(_("e-mail notifications allowed"), default=True)
    sms_allowed = models.BooleanField(_("SMS notifications allowed"), default=True)

    class Meta:
        verbose_name = _("notification policy")
        verbose_name_plural = _("notification policies")

    def __str__(self) -> str:
        return f"member {self.member_id}: e-mail {self.email_allowed}, SMS {self.sms_allowed}"

    def allows(self, channel: str) -> bool:
        if channel == DeliveryChannel.EMAIL:
            return self.email_allowed
        if channel == DeliveryChannel.SMS:
            return self.sms_allowed
        return True
