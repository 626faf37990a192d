"""The booking that hangs off a case, the organisation's booking settings and texts, the letters
waiting to be printed, and the work the scheduler has to do for bookings.

Written only by ``hub.booking.actions``. The booking's history is the case's event log (the
``booking.*`` kinds): one log, shown in one place.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hub.accounts.models import Member, Organization
from hub.threads.models import Case, Message


class State(models.TextChoices):
    UNPLANNED = "unplanned", _("Unplanned")
    PLANNED = "planned", _("Planned")
    LOCKED = "locked", _("Ready to print")
    AWAITING_RESPONSE = "awaiting_response", _("Awaiting response")
    CONFIRMED = "confirmed", _("Ready for execution")
    MANUAL_FOLLOW_UP = "manual_follow_up", _("Manual follow-up")
    ON_HOLD = "on_hold", _("On hold")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


# The states in which a booking code identifies the booking: codes are unique among these.
ACTIVE_STATES = (
    State.LOCKED,
    State.AWAITING_RESPONSE,
    State.CONFIRMED,
    State.MANUAL_FOLLOW_UP,
)
# The customer has been told a time: changing it means telling them again.
TOLD_STATES = (State.AWAITING_RESPONSE, State.CONFIRMED, State.MANUAL_FOLLOW_UP)
FINAL_STATES = (State.DONE, State.CANCELLED)


class SendChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")


class Booking(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="booking")
    technician = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("technician"),
    )
    start = models.DateTimeField(_("planned start"), null=True, blank=True)
    # The slot the customer is told: 10:00-11:00 is a start of 10:00 and an hour.
    duration = models.DurationField(_("time window"), default=timedelta(hours=1))
    # The technician's order of visits on the day of ``start``.
    sequence = models.PositiveSmallIntegerField(_("order of the day"), default=0)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.UNPLANNED
    )
    code = models.CharField(_("booking code"), max_length=12, blank=True)
    # How the booking request goes (or went) to the customer.
    channel = models.CharField(
        _("sent by"), max_length=8, choices=SendChannel.choices, default=SendChannel.SMS
    )
    response_deadline = models.DateTimeField(_("answer by"), null=True, blank=True)
    # What the work is about, for the {serviceObjects} tag: meters, heat pumps, boilers.
    service_objects = models.JSONField(_("service objects"), default=list, blank=True)
    hold_until = models.DateField(_("customer back around"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"],
                condition=Q(state__in=ACTIVE_STATES) & ~Q(code=""),
                name="booking_code_unique_active",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "technician", "start"], name="booking_day"),
            models.Index(fields=["organization", "state"], name="booking_state"),
            models.Index(fields=["organization", "code"], name="booking_code"),
        ]

    def __str__(self) -> str:
        return f"booking of case {self.case_id}: {self.state}"

    @property
    def customer_told(self) -> bool:
        """The customer knows the time (asked, or confirmed): a reschedule tells them again."""
        return self.state in TOLD_STATES

    @property
    def end(self) -> datetime | None:
        return self.start + self.duration if self.start else None


class BookingSettings(models.Model):
    """How long a customer has to answer, and when reminders go out. One row per organisation,
    made with the defaults on first use."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, primary_key=True, related_name="booking_settings"
    )
    sms_answer_hours = models.PositiveSmallIntegerField(
        _("hours to answer an SMS"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 30)],
    )
    email_answer_hours = models.PositiveSmallIntegerField(
        _("hours to answer an e-mail"),
        default=72,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 30)],
    )
    letter_answer_days = models.PositiveSmallIntegerField(
        _("days to answer a letter"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    # The appointment reminder goes out the day before, at this hour of the organisation's zone.
    reminder_hour = models.PositiveSmallIntegerField(
        _("hour of the reminder the day before"),
        default=17,
        validators=[MaxValueValidator(23)],
    )
    remind_hour_before = models.BooleanField(_("also remind an hour before"), default=False)
    default_channel = models.CharField(
        _("send bookings by"), max_length=8, choices=SendChannel.choices, default=SendChannel.SMS
    )

    class Meta:
        verbose_name = _("booking settings")
        verbose_name_plural = _("booking settings")

    def __str__(self) -> str:
        return f"booking settings of {self.organization_id}"

    def answer_time(self, channel: str) -> timedelta:
        if channel == SendChannel.LETTER:
            return timedelta(days=self.letter_answer_days)
        if channel == SendChannel.EMAIL:
            return timedelta(hours=self.email_answer_hours)
        return timedelta(hours=self.sms_answer_hours)


class Purpose(models.TextChoices):
    BOOKING_REQUEST = "booking_request", _("Booking request")
    BOOKING_CONFIRMATION = "booking_confirmation", _("Booking confirmation")
    BOOKING_REMINDER = "booking_reminder", _("Booking reminder")
    APPOINTMENT_REMINDER = "appointment_reminder", _("Appointment reminder")
    RESCHEDULE_NOTICE = "reschedule_notice", _("Reschedule notice")
    REGISTRATION_CONFIRMATION = "registration_confirmation", _("Registration confirmation")


class Template(models.Model):
    """An organisation's own text for a purpose and channel; without one, the hub's default in
    the organisation's language is used."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="templates"
    )
    purpose = models.CharField(_("purpose"), max_length=32, choices=Purpose.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=SendChannel.choices)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    updated_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("template")
        verbose_name_plural = _("templates")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "purpose", "channel"], name="template_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} by {self.channel}"


def letter_path(instance: Letter, filename: str) -> str:
    return f"letters/{instance.organization_id}/{instance.token}.pdf"


class Letter(models.Model):
    """A booking letter in the organisation's letters folder, waiting to be printed and posted.
    Removed once printed, so the folder shows what has not gone out yet; the message on the case
    keeps what was sent."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="letters")
    message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token = models.CharField(max_length=32, unique=True)
    file = models.FileField(upload_to=letter_path, max_length=200)
    name = models.CharField(max_length=200)
    # What the letter says (``LetterContent`` but the logo), so the folder prints as written.
    content = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        indexes = [models.Index(fields=["organization", "id"], name="letter_folder")]

    def __str__(self) -> str:
        return self.name


class JobKind(models.TextChoices):
    ANSWER_DEADLINE = "answer_deadline", _("Answer deadline")
    DAY_BEFORE = "day_before", _("Reminder the day before")
    HOUR_BEFORE = "hour_before", _("Reminder an hour before")


class JobState(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    SKIPPED = "skipped", _("Skipped")
    CANCELLED = "cancelled", _("Cancelled")


class ScheduledJob(models.Model):
    """Booking work with a due time: an answer deadline, an appointment reminder.

    A row, not a timer, so it survives restarts and is caught up after downtime. The scheduler
    does a job in the transaction that marks it done (it only writes rows: any message is
    queued in the outbox), so a job is done once or not at all, whichever worker gets it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(max_length=20, choices=JobKind.choices)
    due = models.DateTimeField()
    # The booking's start the job was made for: a job made before a reschedule never fires.
    for_start = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=12, choices=JobState.choices, default=JobState.PENDING)
    done_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["state", "due"], name="job_due")]
        constraints = [
            # One pending job of a kind per booking: scheduling again replaces, never doubles.
            models.UniqueConstraint(
                fields=["booking", "kind"],
                condition=Q(state="pending"),
                name="job_pending_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of booking {self.booking_id} at {self.due}"


class Notice(models.Model):
    """A message that told the customer the booking's time: a booking request, a confirmation,
    a reschedule notice, a reminder. When the time or the technician changes, the deliveries of
    the notices that no longer hold are marked stale in the sent log (shown red)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="notices")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=32, choices=Purpose.choices)
    channel = models.CharField(max_length=8, choices=SendChannel.choices)
    start = models.DateTimeField(null=True)
    technician = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    stale = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["booking", "stale"], name="notice_current")]

    def __str__(self) -> str:
        return f"{self.purpose} of booking {self.booking_id}"
