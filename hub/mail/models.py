"""An organisation's mail settings, its inboxes, and the record of every mail in and out.

Written only by ``hub.mail.actions``. Passwords are stored encrypted (``hub.mail.secrets``) and
never leave the hub again: the doors answer whether one is set, not what it is.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hub.accounts.models import Organization
from hub.threads.models import Case, Message


class Security(models.TextChoices):
    STARTTLS = "starttls", _("STARTTLS")
    TLS = "tls", _("TLS")
    NONE = "none", _("None (only on a trusted network)")


class MailSettings(models.Model):
    """How an organisation's mail goes out. Without its own server it uses the hub's relay."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, primary_key=True, related_name="mail_settings"
    )
    from_address = models.EmailField(
        _("sender address"),
        blank=True,
        help_text=_("Shown as the sender. Replies still come back to the case."),
    )
    reply_address = models.EmailField(
        _("reply address"),
        blank=True,
        help_text=_(
            "A mailbox the hub listens to that takes plus-addresses (post+…@your-domain). "
            "Empty: the hub's own reply domain."
        ),
    )
    smtp_host = models.CharField(_("SMTP server"), max_length=255, blank=True)
    smtp_port = models.PositiveIntegerField(_("port"), default=587)
    smtp_security = models.CharField(
        _("security"), max_length=8, choices=Security.choices, default=Security.STARTTLS
    )
    smtp_username = models.CharField(_("user name"), max_length=255, blank=True)
    smtp_password_encrypted = models.TextField(blank=True)
    track_opens = models.BooleanField(
        _("show when a customer opens a mail"),
        default=True,
        help_text=_("Best effort: many mail clients block the image that tells."),
    )
    logo = models.FileField(upload_to="logos/", blank=True)

    class Meta:
        verbose_name = _("mail settings")
        verbose_name_plural = _("mail settings")

    def __str__(self) -> str:
        return f"mail settings of {self.organization_id}"

    @property
    def has_own_server(self) -> bool:
        return bool(self.smtp_host)


class Mailbox(models.Model):
    """An IMAP inbox the hub listens to for an organisation, with how far it has read.

    The checkpoint (``uidvalidity``, ``last_uid``) moves in the same transaction that stores a
    mail, so a crash between fetching and storing fetches the mail again, never skips it."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="mailboxes"
    )
    name = models.CharField(_("name"), max_length=100)
    host = models.CharField(_("IMAP server"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(
        _("security"), max_length=8, choices=Security.choices, default=Security.TLS
    )
    username = models.CharField(_("user name"), max_length=255)
    password_encrypted = models.TextField(blank=True)
    folder = models.CharField(_("folder"), max_length=255, default="INBOX")
    is_active = models.BooleanField(_("active"), default=True)
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_checked = models.DateTimeField(null=True, blank=True)
    # One gateway process listens to a mailbox at a time: it holds a lease it keeps renewing;
    # when it dies, another takes over once the lease has run out.
    listener = models.CharField(max_length=64, blank=True)
    listener_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self) -> str:
        return f"{self.username}@{self.host}/{self.folder}"


class Kind(models.TextChoices):
    CUSTOMER = "customer", _("Customer mail")
    AUTO_REPLY = "auto_reply", _("Automatic reply")
    BOUNCE = "bounce", _("Bounce")
    IGNORED = "ignored", _("Ignored")


class MatchedBy(models.TextChoices):
    REPLY_ADDRESS = "reply_address", _("reply address")
    HEADERS = "headers", _("In-Reply-To/References")
    BOOKING_CODE = "booking_code", _("booking code")
    TAG = "tag", _("case number in the subject")
    SENDER = "sender", _("the sender's open case")
    NEW_CASE = "new_case", _("new case")
    DELIVERY = "delivery", _("bounced delivery")


def raw_mail_path(instance: MailRecord, filename: str) -> str:
    return f"mail/{instance.organization_id}/{instance.content_hash}.eml"


class MailRecord(models.Model):
    """One mail that came in: its identity (for threading and de-duplication), where it went
    and why, and the original bytes so staff can always see what the customer really sent."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    mailbox = models.ForeignKey(
        Mailbox, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="mail_records"
    )
    message = models.OneToOneField(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="mail_record"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    matched_by = models.CharField(max_length=16, choices=MatchedBy.choices, blank=True)
    mail_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    references = models.JSONField(default=list, blank=True)
    content_hash = models.CharField(max_length=64)
    from_address = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=500, blank=True)
    raw = models.FileField(upload_to=raw_mail_path, max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("received mail")
        verbose_name_plural = _("received mail")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "mail_id"],
                condition=~Q(mail_id=""),
                name="mail_record_message_id_once",
            ),
            models.UniqueConstraint(
                fields=["organization", "content_hash"],
                condition=Q(mail_id=""),
                name="mail_record_content_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} mail {self.mail_id or self.content_hash[:12]}"


class DevMail(models.Model):
    """A mail the development transport "sent": kept here and shown at /dev/mail instead of
    leaving the machine, so the whole loop can be shown without a mail server."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    delivery = models.ForeignKey(
        "outbox.Delivery", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sender = models.CharField(max_length=254)
    recipient = models.CharField(max_length=254)
    subject = models.CharField(max_length=500)
    raw = models.BinaryField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("development mail")
        verbose_name_plural = _("development mail")

    def __str__(self) -> str:
        return f"to {self.recipient}: {self.subject}"
