"""The core: a case and its one conversation.

Every change to these rows goes through ``hub.threads.actions``; the models hold data and the
invariants a database can enforce, nothing that talks to the outside.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hub.accounts.models import Member, Organization, Team
from hub.customers.models import Contact, Customer


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending")
    RESOLVED = "resolved", _("Resolved")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Audience(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    INTERNAL = "internal", _("Internal")


class Direction(models.TextChoices):
    IN = "in", _("Incoming")
    OUT = "out", _("Outgoing")


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    PORTAL = "portal", _("Portal")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    LETTER = "letter", _("Letter")
    SYSTEM = "system", _("System")


class CaseSequence(models.Model):
    """The last case number handed out in an organisation.

    A row of its own so that numbering locks one small row (``SELECT … FOR UPDATE``) instead of
    the organisation."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, primary_key=True, related_name="case_sequence"
    )
    last_number = models.PositiveIntegerField(default=1000)

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.last_number}"


class Case(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="cases")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    # RESTRICT: a customer with cases cannot be deleted on its own, but an organisation can be,
    # taking its customers and cases with it.
    customer = models.ForeignKey(
        Customer,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("customer"),
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("contact"),
    )
    assignee_member = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assigned to"),
    )
    assignee_team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("team"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    priority = models.CharField(
        _("priority"), max_length=16, choices=Priority.choices, default=Priority.NORMAL
    )
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    portal_visible = models.BooleanField(_("visible in the customer portal"), default=False)
    customer_channel = models.BooleanField(_("customer communication on"), default=False)
    external_reference = models.CharField(
        _("reference in the order system"), max_length=100, blank=True
    )
    # Came in by mail or SMS and could not be matched to a case: waits in the "unsorted" queue
    # until someone moves it or keeps it.
    unsorted = models.BooleanField(_("unsorted"), default=False)
    created_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="created_cases"
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    # The inbox orders by this; kept by the post-message action so a page of the inbox is one
    # indexed scan rather than a max() over every message.
    last_activity = models.DateTimeField(_("last activity"), db_index=True)
    last_message = models.ForeignKey(
        "Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="case_number_unique"),
            models.CheckConstraint(
                condition=Q(assignee_member__isnull=True) | Q(assignee_team__isnull=True),
                name="case_one_assignee",
            ),
            models.CheckConstraint(
                condition=Q(customer__isnull=False) | Q(contact__isnull=True),
                name="case_contact_needs_customer",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "-last_activity", "-id"], name="case_inbox"),
            models.Index(fields=["organization", "status"], name="case_status"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        """What people call the case: ``S-1042``."""
        return f"{self.organization.case_prefix}-{self.number}"

    @property
    def is_internal(self) -> bool:
        return self.customer_id is None


class Message(models.Model):
    """One entry in a case's conversation. Ids are 64-bit and grow with time, so a case's thread
    is ordered by id and an id is a cursor."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    audience = models.CharField(max_length=16, choices=Audience.choices)
    direction = models.CharField(max_length=8, choices=Direction.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    author_member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField()
    html = models.TextField(blank=True, help_text="Sanitised HTML, when the source had any.")
    # NULL, not "", when absent: the uniqueness of (author, client_id) only binds real ids.
    client_id = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    # An out-of-office answer, or a reminder the hub sent by itself: shown as such, never
    # answered automatically, never taken for a customer's confirmation.
    automatic = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)
    edited = models.DateTimeField(null=True, blank=True)
    # When a customer first had this message on screen in the portal (Jublo's mail icon).
    read_by_customer = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.UniqueConstraint(
                fields=["author_member", "client_id"],
                condition=Q(client_id__isnull=False, author_member__isnull=False),
                name="message_client_id_member",
            ),
            models.UniqueConstraint(
                fields=["author_contact", "client_id"],
                condition=Q(client_id__isnull=False, author_contact__isnull=False),
                name="message_client_id_contact",
            ),
            models.CheckConstraint(
                condition=Q(author_member__isnull=True) | Q(author_contact__isnull=True),
                name="message_one_author",
            ),
        ]
        indexes = [models.Index(fields=["case", "id"], name="message_thread")]

    def __str__(self) -> str:
        return f"{self.audience} message {self.pk} on case {self.case_id}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is the hub's, never the uploader's: no path tricks, no collisions.
    return f"attachments/{instance.organization_id}/{instance.case_id}/{instance.token}"


class Attachment(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    token = models.CharField(max_length=32, unique=True)
    file = models.FileField(upload_to=attachment_path, max_length=200)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by_member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_by_contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("file")
        verbose_name_plural = _("files")

    def __str__(self) -> str:
        return self.name


class Mention(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mentions")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="mentions")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="mentions")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "member"], name="mention_once"),
        ]
        indexes = [models.Index(fields=["member", "case"], name="mention_member_case")]

    def __str__(self) -> str:
        return f"@{self.member_id} in message {self.message_id}"


class ReadMarker(models.Model):
    """How far a member has read a case; unread counts are the messages after it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="read_markers")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="read_markers")
    last_read_message_id = models.BigIntegerField(default=0)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "case"], name="read_marker_once"),
        ]

    def __str__(self) -> str:
        return f"member {self.member_id} read case {self.case_id} to {self.last_read_message_id}"


class EventKind(models.TextChoices):
    CASE_CREATED = "case.created", _("created the case")
    MESSAGE_POSTED = "message.posted", _("wrote a message")
    MESSAGE_EDITED = "message.edited", _("edited a note")
    ASSIGNED = "case.assigned", _("assigned the case")
    TAKEN_OVER = "case.taken_over", _("took over the case")
    STATUS_CHANGED = "case.status_changed", _("changed the status")
    PRIORITY_CHANGED = "case.priority_changed", _("changed the priority")
    DEADLINE_CHANGED = "case.deadline_changed", _("changed the deadline")
    CHANNEL_TOGGLED = "case.customer_channel", _("switched customer communication")
    PORTAL_TOGGLED = "case.portal_visible", _("changed portal visibility")
    DELIVERY_FAILED = "delivery.failed", _("could not deliver a message")
    MAIL_BOUNCED = "mail.bounced", _("received a bounce")
    SORTED = "case.sorted", _("sorted the case")
    BOOKING_PLANNED = "booking.planned", _("planned the booking")
    BOOKING_REORDERED = "booking.reordered", _("changed the order of the day")
    BOOKING_LOCKED = "booking.locked", _("locked the booking")
    BOOKING_SENT = "booking.sent", _("sent the booking to the customer")
    BOOKING_ANSWERED = "booking.answered", _("answered the booking")
    BOOKING_REMINDED = "booking.reminded", _("reminded the customer to answer")
    BOOKING_FOLLOW_UP = "booking.follow_up", _("moved the booking to manual follow-up")
    BOOKING_CONFIRMED = "booking.confirmed", _("confirmed the booking")
    BOOKING_ON_HOLD = "booking.on_hold", _("put the booking on hold")
    BOOKING_DONE = "booking.done", _("marked the booking done")
    BOOKING_CANCELLED = "booking.cancelled", _("cancelled the booking")
    APPOINTMENT_REMINDED = "booking.appointment_reminded", _("reminded the customer of the visit")
    LETTER_REMOVED = "booking.letter_removed", _("removed a printed letter")
    PORTAL_LINK_ISSUED = "portal.link_issued", _("made a portal link")
    PORTAL_LINKS_REVOKED = "portal.links_revoked", _("revoked the portal links")
    PORTAL_LINK_RESENT = "portal.link_resent", _("asked for a new portal link")
    PORTAL_ACCESS = "portal.access", _("changed the contact's portal access")


class Event(models.Model):
    """The case's event log: who did what, when. Written by actions, shown to staff."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40, choices=EventKind.choices)
    actor_member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["case", "id"], name="event_log")]

    def __str__(self) -> str:
        return f"{self.kind} on case {self.case_id}"
