"""What a dispatcher does with a booking that needs a person (PowerCatch's "manuell
oppfølging"), and the ends of a booking: on hold, done, cancelled."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from hub.accounts.models import Member
from hub.booking.actions._common import lock_booking, record
from hub.booking.actions.schedule import cancel_jobs
from hub.booking.actions.sending import confirm
from hub.booking.models import Booking, JobKind, State
from hub.booking.states import check_allowed
from hub.errors import Forbidden
from hub.threads.access import check_can_manage
from hub.threads.models import Case, EventKind


def do_follow_up_manually(actor: Member, case: Case) -> Booking:
    """Stop waiting for the customer's answer before the reminder goes out."""
    check_can_manage(actor)
    with transaction.atomic():
        booking = lock_booking(case)
        check_allowed("follow_up", booking.state)
        booking.state = State.MANUAL_FOLLOW_UP
        booking.save()
        cancel_jobs(booking, JobKind.ANSWER_DEADLINE)
        record(
            booking,
            EventKind.BOOKING_FOLLOW_UP,
            ["state"],
            member=actor,
            before=State.AWAITING_RESPONSE,
        )
    return booking


def do_send_to_execution(actor: Member, case: Case) -> Booking:
    """Confirmed without a message: the customer said yes in words the hub did not take as
    a confirmation ("Ok!!" in PowerCatch), or on the phone and wants nothing in writing."""
    check_can_manage(actor)
    with transaction.atomic():
        booking = lock_booking(case)
        check_allowed("execute", booking.state)
        before = booking.state
        confirm(booking)
        record(booking, EventKind.BOOKING_CONFIRMED, ["state"], member=actor, before=before)
    return booking


def do_put_on_hold(
    actor: Member, case: Case, *, back_around: date | None, unassign: bool = False
) -> Booking:
    """The customer is away for a while: the booking waits, with roughly when they are back,
    optionally without a technician so the slot is free for someone else."""
    check_can_manage(actor)
    with transaction.atomic():
        booking = lock_booking(case)
        check_allowed("hold", booking.state)
        before = booking.state
        previous = booking.technician
        booking.state = State.ON_HOLD
        booking.hold_until = back_around
        booking.code = ""
        booking.response_deadline = None
        if unassign:
            booking.technician = None
        booking.save()
        cancel_jobs(booking)
        record(
            booking,
            EventKind.BOOKING_ON_HOLD,
            ["state"],
            member=actor,
            also=[previous.pk] if previous else [],
            before=before,
            back_around=back_around.isoformat() if back_around else None,
            unassigned=unassign,
        )
    return booking


def do_back_to_planning(actor: Member, case: Case) -> Booking:
    """From on hold: planned again when a time and a technician are still there, else
    unplanned; either way the dispatcher plans and locks it anew."""
    check_can_manage(actor)
    with transaction.atomic():
        booking = lock_booking(case)
        check_allowed("resume", booking.state)
        planned = booking.start is not None and booking.technician is not None
        booking.state = State.PLANNED if planned else State.UNPLANNED
        booking.hold_until = None
        booking.save()
        record(booking, EventKind.BOOKING_PLANNED, ["state"], member=actor, before=State.ON_HOLD)
    return booking


def do_mark_done(actor: Member, case: Case) -> Booking:
    """The visit happened. Technicians may say so too: it is their visit."""
    with transaction.atomic():
        booking = lock_booking(case)
        if not actor.sees_every_case and booking.technician_id != actor.pk:
            raise Forbidden(_("Only the booking's technician or a dispatcher may do that."))
        check_allowed("done", booking.state)
        _end(actor, booking, State.DONE, EventKind.BOOKING_DONE)
    return booking


def do_cancel(actor: Member, case: Case) -> Booking:
    check_can_manage(actor)
    with transaction.atomic():
        booking = lock_booking(case)
        check_allowed("cancel", booking.state)
        _end(actor, booking, State.CANCELLED, EventKind.BOOKING_CANCELLED)
    return booking


def _end(actor: Member, booking: Booking, state: State, kind: EventKind) -> None:
    before = booking.state
    booking.state = state
    booking.response_deadline = None
    booking.save()
    cancel_jobs(booking)
    record(booking, kind, ["state"], member=actor, before=before)
