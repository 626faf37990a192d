"""Planning: who comes when, in which order of their day, and locking what is planned so the
customer can be told (PowerCatch's "lås avtale": a booking code, "ready to print")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hub.accounts.models import Member
from hub.booking.actions._common import (
    Outcome,
    booking_settings,
    day_bounds,
    local_day,
    lock_booking,
    one_by_one,
    record,
)
from hub.booking.actions.schedule import cancel_jobs, schedule_answer_deadline
from hub.booking.actions.telling import mark_outdated_notices, tell
from hub.booking.codes import new_code
from hub.booking.models import Booking, Purpose, SendChannel, State
from hub.booking.states import check_allowed
from hub.errors import HubError
from hub.notify.actions import notify
from hub.sms.models import OptOut
from hub.threads.access import check_can_manage
from hub.threads.actions.cases import do_assign_case
from hub.threads.models import Case, EventKind

MIN_DURATION = timedelta(minutes=15)
MAX_DURATION = timedelta(days=1)
MAX_SERVICE_OBJECTS = 50


@dataclass(frozen=True, slots=True)
class Planned:
    booking: Booking
    # Serviceprotokoll: after saving a booking, offer to send the contact a confirmation, by
    # the ways the contact can be reached.
    offer_confirmation: list[str]


def do_plan(
    actor: Member,
    case: Case,
    *,
    technician: Member | None,
    start: datetime,
    duration: timedelta,
    service_objects: Sequence[str] | None = None,
    notify_customer: bool = True,
) -> Planned:
    """Plan or reschedule. A customer who was already told the time is told again (a
    reschedule notice asking them to answer) unless ``notify_customer`` is off, in which case
    the booking goes back to planning; either way what they were told before is marked stale.
    The case goes to the technician when it has no one else."""
    check_can_manage(actor)
    _check_slot(duration, technician, case)
    objects = _clean_objects(service_objects)
    with transaction.atomic():
        booking = lock_booking(case)
        check_allowed("plan", booking.state)
        before = booking.state
        previous_technician = booking.technician
        moved = (
            booking.start != start
            or booking.duration != duration
            or booking.technician_id != (technician.pk if technician else None)
        )
        new_day = (
            booking.start is None
            or booking.technician_id != (technician.pk if technician else None)
            or local_day(case.organization, booking.start) != local_day(case.organization, start)
        )
        booking.technician = technician
        booking.start = start
        booking.duration = duration
        if objects is not None:
            booking.service_objects = objects
        if new_day:
            booking.sequence = _next_in_day(booking)
        told = booking.customer_told
        if moved:
            mark_outdated_notices(booking)
            cancel_jobs(booking)
        if moved and told and notify_customer:
            booking.state = State.AWAITING_RESPONSE
            set_deadline(booking)
            tell(booking, Purpose.RESCHEDULE_NOTICE, _told_by(booking), actor=actor)
            schedule_answer_deadline(booking)
        elif moved or booking.state in (State.UNPLANNED, State.ON_HOLD):
            booking.state = State.PLANNED
            booking.code = ""
            booking.response_deadline = None
            booking.hold_until = None
        booking.save()
        _give_case(actor, booking, previous_technician)
        record(
            booking,
            EventKind.BOOKING_PLANNED,
            ["state", "start", "technician"],
            member=actor,
            also=[previous_technician.pk] if previous_technician else [],
            before=before,
            technician=technician.display_name if technician else None,
            start=start.isoformat(),
            minutes=int(duration.total_seconds() // 60),
            told_again=moved and told and notify_customer,
        )
    return Planned(booking, _ways_to_reach(case))


def do_reorder_day(
    actor: Member, technician: Member, day: date, case_ids: Sequence[int]
) -> list[Booking]:
    """The technician's order of visits that day: ``case_ids`` first to last, exactly the
    cases booked on them that day."""
    check_can_manage(actor)
    organization = technician.organization
    start, end = day_bounds(organization, day)
    with transaction.atomic():
        bookings = {
            booking.case_id: booking
            for booking in Booking.objects.select_for_update(of=("self",))
            .select_related("technician", "case__organization", "case__customer", "case__contact")
            .filter(
                organization_id=organization.pk,
                technician=technician,
                start__gte=start,
                start__lt=end,
            )
            .exclude(state__in=(State.DONE, State.CANCELLED))
        }
        if sorted(bookings) != sorted(set(case_ids)) or len(case_ids) != len(bookings):
            raise HubError(
                _("Give every case booked on %(name)s that day, each once.")
                % {"name": technician.display_name},
                field="cases",
            )
        ordered = [bookings[case_id] for case_id in case_ids]
        for sequence, booking in enumerate(ordered, start=1):
            if booking.sequence != sequence:
                booking.sequence = sequence
                booking.save(update_fields=["sequence", "updated"])
                record(
                    booking,
                    EventKind.BOOKING_REORDERED,
                    ["sequence"],
                    member=actor,
                    sequence=sequence,
                )
    return ordered


def missing_for_lock(booking: Booking, channel: str) -> list[str]:
    """What stops a booking from being locked and sent by ``channel``, in words a dispatcher
    can act on."""
    case = booking.case
    missing: list[str] = []
    if booking.technician is None:
        missing.append(_("no technician"))
    if booking.start is None:
        missing.append(_("no time"))
    customer = case.customer
    if customer is None:
        return [*missing, _("no customer (an internal case)")]
    if not customer.street:
        missing.append(_("no street address"))
    contact = case.contact
    if channel == SendChannel.SMS:
        if contact is None or not contact.phone:
            missing.append(_("no mobile number for SMS"))
        elif OptOut.objects.filter(
            organization_id=case.organization_id, phone=contact.phone
        ).exists():
            missing.append(_("the mobile number has opted out of SMS"))
    elif channel == SendChannel.EMAIL:
        if contact is None or not contact.email:
            missing.append(_("no e-mail address"))
    elif not (customer.postal_code and customer.city):
        missing.append(_("no postal code and city for the letter"))
    if not case.customer_channel:
        missing.append(_("customer communication is off"))
    return missing


def do_lock(actor: Member, case: Case, channel: str | None = None) -> Booking:
    """Ready to print: a booking code, and the way the booking will be sent."""
    check_can_manage(actor)
    with transaction.atomic():
        booking = lock_booking(case)
        _lock(actor, booking, channel)
    return booking


def do_lock_day(
    actor: Member, technician: Member, day: date, channel: str | None = None
) -> list[Outcome]:
    """Every planned booking of the technician's day: one with a missing street address is
    refused and named, the others are locked."""
    check_can_manage(actor)
    start, end = day_bounds(technician.organization, day)
    with transaction.atomic():
        planned = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("technician", "case__organization", "case__customer", "case__contact")
            .filter(
                organization_id=technician.organization_id,
                technician=technician,
                start__gte=start,
                start__lt=end,
                state=State.PLANNED,
            )
            .order_by("sequence", "start")
        )
        return one_by_one(planned, lambda booking: _lock(actor, booking, channel))


def _lock(actor: Member, booking: Booking, channel: str | None) -> None:
    check_allowed("lock", booking.state)
    case = booking.case
    channel = channel or booking_settings(case.organization).default_channel
    if channel not in SendChannel.values:
        raise HubError(_("Unknown channel."), field="channel")
    missing = missing_for_lock(booking, channel)
    if missing:
        raise HubError(
            _("%(reference)s cannot be locked: %(missing)s.")
            % {"reference": case.reference, "missing": ", ".join(missing)},
            code="booking_incomplete",
        )
    booking.channel = channel
    booking.state = State.LOCKED
    _issue_code(booking)
    record(
        booking,
        EventKind.BOOKING_LOCKED,
        ["state", "code"],
        member=actor,
        code=booking.code,
        channel=channel,
    )


def _issue_code(booking: Booking) -> None:
    """A fresh code, unique among the organisation's active bookings; a clash (one in
    millions) is drawn again."""
    for _attempt in range(10):
        booking.code = new_code()
        try:
            with transaction.atomic():
                booking.save()
            return
        except IntegrityError:
            continue
    raise RuntimeError("no free booking code after 10 draws")


def set_deadline(booking: Booking) -> None:
    answer_time = booking_settings(booking.case.organization).answer_time(booking.channel)
    booking.response_deadline = timezone.now() + answer_time


def _told_by(booking: Booking) -> str:
    """A reschedule notice goes the way the booking went; a letter's by SMS or e-mail (a second
    letter would come after the new time)."""
    if booking.channel != SendChannel.LETTER:
        return booking.channel
    contact = booking.case.contact
    if contact is not None and contact.phone:
        return SendChannel.SMS
    return SendChannel.EMAIL


def _next_in_day(booking: Booking) -> int:
    if booking.start is None or booking.technician is None:
        return 0
    organization = booking.case.organization
    start, end = day_bounds(organization, local_day(organization, booking.start))
    last = (
        Booking.objects.filter(
            organization_id=booking.organization_id,
            technician=booking.technician,
            start__gte=start,
            start__lt=end,
        )
        .exclude(pk=booking.pk)
        .aggregate(last=Max("sequence"))["last"]
    )
    return (last or 0) + 1


def _give_case(actor: Member, booking: Booking, previous: Member | None) -> None:
    """The technician gets the case when nobody (or the previous technician) has it, so it is
    on their phone; a case a dispatcher gave to someone else stays theirs. The assignment
    notifies the technician; otherwise they hear the booking changed."""
    case = booking.case
    technician = booking.technician
    if technician is None or case.assignee_member_id == technician.pk:
        _tell_technician(actor, booking)
        return
    previous_id = previous.pk if previous else None
    if case.assignee_team_id is None and case.assignee_member_id in (None, previous_id):
        do_assign_case(actor, case, member=technician)
        return
    _tell_technician(actor, booking)


def _tell_technician(actor: Member, booking: Booking) -> None:
    if booking.technician is not None and booking.technician.pk != actor.pk:
        notify("booking_changed", [booking.technician], case=booking.case, actor_member=actor)


def _check_slot(duration: timedelta, technician: Member | None, case: Case) -> None:
    if not MIN_DURATION <= duration <= MAX_DURATION:
        raise HubError(
            _("A time window is between 15 minutes and 24 hours."), field="duration_minutes"
        )
    if technician is not None and (
        technician.organization_id != case.organization_id or not technician.is_active
    ):
        raise HubError(_("No such member."), field="technician")


def _clean_objects(objects: Sequence[str] | None) -> list[str] | None:
    if objects is None:
        return None
    cleaned = [text.strip()[:200] for text in objects if text.strip()]
    if len(cleaned) > MAX_SERVICE_OBJECTS:
        raise HubError(_("Too many service objects."), field="service_objects")
    return cleaned


def _ways_to_reach(case: Case) -> list[str]:
    contact = case.contact
    if contact is None or case.is_internal:
        return []
    ways = []
    if contact.email:
        ways.append(SendChannel.EMAIL.value)
    if contact.phone:
        ways.append(SendChannel.SMS.value)
    return ways
