"""What the scheduler does when a booking job falls due. Each returns "sent", or why nothing
was sent (kept on the job, so "why did Kari get no reminder?" has an answer).

Precondition of both: inside the scheduler's transaction, the booking locked."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from hub.booking.actions._common import record
from hub.booking.actions.schedule import cancel_jobs
from hub.booking.actions.telling import reachable_by, tell
from hub.booking.models import Booking, JobKind, Purpose, State
from hub.errors import HubError
from hub.threads.models import EventKind

SENT = "sent"


def remind_to_answer(booking: Booking, now: datetime) -> str:
    """No answer by the deadline: a booking reminder (by SMS when there is a number) and the
    booking goes to a person, who now has to follow it up (PowerCatch)."""
    if booking.state != State.AWAITING_RESPONSE:
        return f"the booking is {booking.state}"
    channel = reachable_by(booking)
    outcome = SENT
    if channel is None:
        outcome = "no mobile number or e-mail address to remind"
    else:
        try:
            with_savepoint(booking, Purpose.BOOKING_REMINDER, channel)
        except HubError as error:
            outcome = error.message
    booking.state = State.MANUAL_FOLLOW_UP
    booking.save(update_fields=["state", "updated"])
    record(
        booking,
        EventKind.BOOKING_REMINDED,
        ["state"],
        before=State.AWAITING_RESPONSE,
        channel=channel,
        outcome=outcome,
    )
    return outcome


def remind_appointment(booking: Booking, kind: str, now: datetime) -> str:
    """The visit is tomorrow (or within the hour): tell a customer who confirmed."""
    if booking.state != State.CONFIRMED:
        return f"the booking is {booking.state}"
    if booking.start is None or booking.start <= now:
        return "the visit has begun"
    channel = reachable_by(booking)
    if channel is None:
        return "no mobile number or e-mail address to remind"
    try:
        with_savepoint(booking, Purpose.APPOINTMENT_REMINDER, channel)
    except HubError as error:
        return error.message
    if kind == JobKind.HOUR_BEFORE:
        cancel_jobs(booking, JobKind.DAY_BEFORE)
    record(booking, EventKind.APPOINTMENT_REMINDED, [], channel=channel, when=kind)
    return SENT


def with_savepoint(booking: Booking, purpose: Purpose, channel: str) -> None:
    """A refusal (customer communication off, the number opted out) leaves the scheduler's
    transaction usable: the job is still marked, with the reason."""
    with transaction.atomic():
        tell(booking, purpose, channel, actor=None, automatic=True)
