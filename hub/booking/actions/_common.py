"""What the booking actions share: finding the booking under lock, the day of a booking in the
organisation's zone, the log and the live event."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction

from hub.accounts.models import Member, Organization
from hub.booking.models import Booking, BookingSettings
from hub.booking.payloads import BookingUpdated, booking_payload
from hub.customers.models import Contact
from hub.errors import HubError
from hub.events import member_group, send_event_on_commit
from hub.threads.actions._common import case_watchers, log_event
from hub.threads.models import Case, EventKind


def booking_settings(organization: Organization) -> BookingSettings:
    """The organisation's booking settings, made with the defaults on first use."""
    found = BookingSettings.objects.filter(organization=organization).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return BookingSettings.objects.create(organization=organization)
    except IntegrityError:
        return BookingSettings.objects.get(organization=organization)


def lock_booking(case: Case) -> Booking:
    """The case's booking, locked for the rest of the transaction; an unplanned one is made on
    first use. Precondition: inside a transaction."""
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("technician", "case__organization", "case__customer", "case__contact")
        .filter(case=case)
        .first()
    )
    if booking is not None:
        return booking
    Booking.objects.get_or_create(case=case, defaults={"organization_id": case.organization_id})
    return lock_booking(case)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one booking of many: done, or refused and why."""

    case: Case
    booking: Booking | None
    error: str = ""


def one_by_one(bookings: Iterable[Booking], change: Callable[[Booking], None]) -> list[Outcome]:
    """``change`` each booking in its own savepoint (PowerCatch's mass update): one refused is
    named with the reason and leaves the others done. Precondition: inside a transaction, the
    bookings locked."""
    outcomes: list[Outcome] = []
    for booking in bookings:
        try:
            with transaction.atomic():
                change(booking)
            outcomes.append(Outcome(booking.case, booking))
        except HubError as error:
            outcomes.append(Outcome(booking.case, None, error.message))
    return outcomes


def zone_of(organization: Organization) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(organization.time_zone)


def local_day(organization: Organization, moment: datetime) -> date:
    return moment.astimezone(zone_of(organization)).date()


def day_bounds(organization: Organization, day: date) -> tuple[datetime, datetime]:
    """The instants a local day starts and ends: not always 24 hours apart (summer time)."""
    zone = zone_of(organization)
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def record(
    booking: Booking,
    kind: EventKind,
    changes: list[str],
    *,
    member: Member | None = None,
    contact: Contact | None = None,
    also: list[int] | None = None,
    **data: Any,
) -> None:
    """Every booking change ends here: on the case's event log (with the state after it, when
    the state before is given) and pushed live."""
    if "before" in data:
        data["after"] = booking.state
    log_event(booking.case, kind, member=member, contact=contact, **data)
    _publish(booking, changes, also=also)


def _publish(booking: Booking, changes: list[str], *, also: list[int] | None = None) -> None:
    """To the case's watchers and the technician's sockets (their day changed), and to
    ``also``: members who must hear of it besides, e.g. the technician the booking was taken
    from."""
    organization_id = booking.organization_id
    event: BookingUpdated = {
        "type": "booking.updated",
        "organization_id": organization_id,
        "case_id": booking.case_id,
        "booking": booking_payload(booking),
        "changes": changes,
    }
    member_ids = {*(also or [])}
    if booking.technician_id is not None:
        member_ids.add(booking.technician_id)
    groups = case_watchers(booking.case)
    groups += [member_group(organization_id, member_id) for member_id in sorted(member_ids)]
    send_event_on_commit(event, list(dict.fromkeys(groups)))
