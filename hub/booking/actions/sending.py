"""Telling the customer: the booking request that asks for an answer (PowerCatch, "venter på
respons"), and the booking confirmation that needs none (Serviceprotokoll, or after a phone
call in manual follow-up)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from hub.accounts.models import Member
from hub.booking.actions._common import Outcome, lock_booking, one_by_one, record
from hub.booking.actions.planning import missing_for_lock, set_deadline
from hub.booking.actions.schedule import (
    cancel_jobs,
    schedule_answer_deadline,
    schedule_appointment_reminders,
)
from hub.booking.actions.telling import tell
from hub.booking.models import Booking, JobKind, Purpose, SendChannel, State
from hub.booking.states import check_allowed
from hub.errors import HubError
from hub.threads.access import check_can_manage
from hub.threads.models import Case, EventKind


def do_send_booking(actor: Member, case: Case, channel: str | None = None) -> Booking:
    """The booking request with its code, by the channel chosen when locking (or ``channel``):
    SMS, e-mail, or a letter into the letters folder. The customer has until the deadline of
    the organisation's settings for that channel to answer."""
    check_can_manage(actor)
    with transaction.atomic():
        booking = lock_booking(case)
        _send(actor, booking, channel)
    return booking


def do_send_bookings(
    actor: Member, cases: Sequence[Case], channel: str | None = None
) -> list[Outcome]:
    """Many at once; the ones that cannot go are named with the reason, the others sent."""
    check_can_manage(actor)
    with transaction.atomic():
        bookings = [lock_booking(case) for case in cases]
        return one_by_one(bookings, lambda booking: _send(actor, booking, channel))


def _send(actor: Member, booking: Booking, channel: str | None) -> None:
    check_allowed("send", booking.state)
    channel = channel or booking.channel
    if channel not in SendChannel.values:
        raise HubError(_("Unknown channel."), field="channel")
    missing = missing_for_lock(booking, channel)
    if missing:
        raise HubError(
            _("%(reference)s cannot be sent: %(missing)s.")
            % {"reference": booking.case.reference, "missing": ", ".join(missing)},
            code="booking_incomplete",
        )
    booking.channel = channel
    booking.state = State.AWAITING_RESPONSE
    set_deadline(booking)
    message = tell(booking, Purpose.BOOKING_REQUEST, channel, actor=actor)
    booking.save()
    schedule_answer_deadline(booking)
    record(
        booking,
        EventKind.BOOKING_SENT,
        ["state"],
        member=actor,
        before=State.LOCKED,
        channel=channel,
        message_id=message.pk,
        deadline=booking.response_deadline.isoformat() if booking.response_deadline else None,
    )


def do_send_confirmation(actor: Member, case: Case, channels: Sequence[str]) -> Booking:
    """The booking confirmation (from the template) by SMS and/or e-mail; it confirms the
    booking: the customer agreed on the phone, or the company books without asking."""
    check_can_manage(actor)
    wanted = list(dict.fromkeys(channels))
    if not wanted or any(c not in (SendChannel.SMS, SendChannel.EMAIL) for c in wanted):
        raise HubError(_("Choose SMS, e-mail or both."), field="channels")
    with transaction.atomic():
        booking = lock_booking(case)
        check_allowed("confirm", booking.state)
        if booking.start is None or booking.technician is None:
            raise HubError(_("Plan a time and a technician first."), code="booking_incomplete")
        before = booking.state
        message_ids = [
            tell(booking, Purpose.BOOKING_CONFIRMATION, channel, actor=actor).pk
            for channel in wanted
        ]
        confirm(booking)
        record(
            booking,
            EventKind.BOOKING_CONFIRMED,
            ["state"],
            member=actor,
            before=before,
            channels=wanted,
            message_ids=message_ids,
        )
    return booking


def confirm(booking: Booking) -> None:
    """Ready for execution: no more waiting for an answer; the appointment reminders are set.
    Precondition: the booking locked."""
    booking.state = State.CONFIRMED
    booking.response_deadline = None
    booking.save()
    cancel_jobs(booking, JobKind.ANSWER_DEADLINE)
    schedule_appointment_reminders(booking)
