"""The booking's scheduled work: the answer deadline and the appointment reminders, as rows
with a due time (``ScheduledJob``), and the one function that does what is due.

``run_due_jobs`` takes one due job at a time in its own transaction (``FOR UPDATE SKIP LOCKED``
on PostgreSQL; SQLite's writers queue), does it and marks it done in that transaction. A job
only writes rows (a reminder is a message queued in the outbox), so it is done exactly once
whatever crashes or restarts around it, by whichever gateway process gets it first, and one
that fell due while no worker ran is done when one comes back.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from hub.booking.actions._common import booking_settings, zone_of
from hub.booking.models import Booking, JobKind, JobState, ScheduledJob

logger = logging.getLogger(__name__)

HOUR_BEFORE = timedelta(hours=1)


def schedule(booking: Booking, kind: JobKind, due: datetime) -> ScheduledJob:
    """Replace the booking's pending job of ``kind`` by one due at ``due``."""
    cancel_jobs(booking, kind)
    return ScheduledJob.objects.create(
        organization_id=booking.organization_id,
        booking=booking,
        kind=kind,
        due=due,
        for_start=booking.start,
    )


def cancel_jobs(booking: Booking, *kinds: JobKind) -> None:
    pending = ScheduledJob.objects.filter(booking=booking, state=JobState.PENDING)
    if kinds:
        pending = pending.filter(kind__in=kinds)
    pending.update(state=JobState.CANCELLED, done_at=timezone.now())


def schedule_answer_deadline(booking: Booking) -> None:
    assert booking.response_deadline is not None  # noqa: S101 - set by the sending action
    schedule(booking, JobKind.ANSWER_DEADLINE, booking.response_deadline)


def schedule_appointment_reminders(booking: Booking, now: datetime | None = None) -> None:
    """The day before at the organisation's hour, in its zone, and an hour before if it wants.
    A reminder whose time has already passed is not made: a customer who confirms at 20:00 for
    tomorrow morning does not need to be reminded at once of what they just confirmed."""
    cancel_jobs(booking, JobKind.DAY_BEFORE, JobKind.HOUR_BEFORE)
    if booking.start is None:
        return
    now = now or timezone.now()
    organization = booking.case.organization
    options = booking_settings(organization)
    zone = zone_of(organization)
    day_before = booking.start.astimezone(zone).date() - timedelta(days=1)
    due = datetime.combine(day_before, time(options.reminder_hour), tzinfo=zone)
    if due > now:
        schedule(booking, JobKind.DAY_BEFORE, due)
    if options.remind_hour_before and booking.start - HOUR_BEFORE > now:
        schedule(booking, JobKind.HOUR_BEFORE, booking.start - HOUR_BEFORE)


def run_due_jobs(now: datetime | None = None, limit: int = 100) -> int:
    """Do up to ``limit`` jobs due at ``now``; returns how many were done (or skipped)."""
    handled = 0
    while handled < limit:
        if not _run_one(now or timezone.now()):
            break
        handled += 1
    return handled


def _run_one(now: datetime) -> bool:
    # Imported here: the jobs send through the telling actions, which schedule jobs in turn.
    from hub.booking.actions.reminders import remind_appointment, remind_to_answer

    with transaction.atomic():
        jobs = ScheduledJob.objects.filter(state=JobState.PENDING, due__lte=now).order_by(
            "due", "id"
        )
        if connection.features.has_select_for_update_skip_locked:
            jobs = jobs.select_for_update(skip_locked=True)
        job = jobs.first()
        if job is None:
            return False
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("technician", "case__organization", "case__customer", "case__contact")
            .get(pk=job.booking_id)
        )
        if job.for_start != booking.start:
            outcome = "the booking was moved since"
        elif job.kind == JobKind.ANSWER_DEADLINE:
            outcome = remind_to_answer(booking, now)
        else:
            outcome = remind_appointment(booking, job.kind, now)
        job.state = JobState.DONE if outcome == "sent" else JobState.SKIPPED
        job.outcome = outcome[:200]
        job.done_at = now
        job.save(update_fields=["state", "outcome", "done_at"])
        logger.info("booking job %s (%s): %s", job.pk, job.kind, outcome)
    return True


def next_due() -> datetime | None:
    """When the next job falls due, for a scheduler that sleeps until then."""
    job = ScheduledJob.objects.filter(state=JobState.PENDING).order_by("due").first()
    return job.due if job else None
