"""Booking test data: planned, locked and sent bookings made through the actions."""

from __future__ import annotations

import itertools
import zoneinfo
from datetime import date, datetime, time, timedelta

from hub.accounts.models import Member
from hub.booking.actions.planning import do_lock, do_plan
from hub.booking.actions.sending import do_send_booking
from hub.booking.models import Booking
from hub.customers.models import Contact
from hub.sms.actions import Incoming, do_receive_sms
from hub.sms.models import SmsRecord
from hub.threads.models import Case
from tests.factories import make_customer_case

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
# A Friday well in the future, so that "the day before" is always ahead of the real clock.
VISIT_DAY = date(2030, 10, 4)
_ids = itertools.count(1)


def at(hour: int, minute: int = 0, day: date = VISIT_DAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=OSLO)


def booking_of(case: Case) -> Booking:
    return Booking.objects.select_related("technician", "case").get(case=case)


def plan(
    actor: Member,
    case: Case,
    technician: Member,
    start: datetime | None = None,
    hours: int = 1,
) -> Booking:
    return do_plan(
        actor,
        case,
        technician=technician,
        start=start or at(10),
        duration=timedelta(hours=hours),
    ).booking


def booked_case(
    actor: Member, technician: Member, start: datetime | None = None, title: str = "Målerbytte"
) -> Case:
    case = make_customer_case(actor, title=title)
    plan(actor, case, technician, start)
    return case


def sent_case(
    actor: Member,
    technician: Member,
    start: datetime | None = None,
    channel: str = "sms",
    title: str = "Målerbytte",
) -> Case:
    case = booked_case(actor, technician, start, title)
    do_lock(actor, case, channel)
    do_send_booking(actor, case)
    return case


def sms_answer(case: Case, text: str, contact: Contact | None = None) -> SmsRecord:
    contact = contact or case.contact
    assert contact is not None
    return do_receive_sms(
        case.organization,
        Incoming(
            provider="dev",
            provider_id=f"answer-{next(_ids)}",
            sender=contact.phone,
            to="+4759440000",
            text=text,
        ),
    )
