"""The demo's bookings: the coming working days of each demo company's technicians, made through
the booking actions as a dispatcher would this morning, so the day board, the letters folder
and the manual follow-up queue have something real in them.

Per company, among its open customer cases that can be written to: three visits for one
technician on the next working day, sent by SMS and answered (a plain "OK", a friendly yes
the hub recognises, and a "no, call me" that waits for a person); a visit the day after that
is confirmed with a confirmation SMS; a letter in the letters folder; a day locked and ready
to send; and a customer on hold.
"""

from __future__ import annotations

import secrets
import zoneinfo
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from hub.accounts.models import Member, Organization, Role
from hub.booking.actions.followup import do_put_on_hold
from hub.booking.actions.planning import do_lock, do_lock_day, do_plan
from hub.booking.actions.sending import do_send_booking, do_send_confirmation
from hub.sms.actions import Incoming, do_receive_sms, settings_for
from hub.threads.models import Case, Status

ANSWERS = {
    "nb": ("OK", "Det er greit 👍", "Passer ikke, ring meg etter 16"),
    "sv": ("OK", "Det passar bra, tack!", "Passar inte, ring mig efter lunch"),
    "da": ("OK", "Det passer fint 👍", "Kan ikke den dag, ring venligst"),
    "en": ("OK", "Sounds good, thanks", "Doesn't suit, please call me"),
}
SERVICE_OBJECTS = {
    "nb": ["Strømmåler", "Sikringsskap"],
    "sv": ["Värmepump", "Varmvattenberedare"],
    "da": ["Trappeopgang", "Vinduer"],
    "en": ["Meter"],
}


def working_days(start: date, count: int) -> list[date]:
    days: list[date] = []
    day = start
    while len(days) < count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return days


def book_demo(organization: Organization) -> int:
    """Returns how many cases were booked."""
    dispatcher = (
        Member.objects.filter(organization=organization, role__in=(Role.DISPATCHER, Role.ADMIN))
        .order_by("role", "pk")
        .first()
    )
    technicians = list(
        Member.objects.filter(organization=organization, role=Role.TECHNICIAN).order_by("pk")
    )
    if dispatcher is None or not technicians:
        return 0
    cases = [
        case
        for case in Case.objects.filter(
            organization=organization,
            status__in=(Status.OPEN, Status.PENDING),
            customer_channel=True,
            unsorted=False,
        )
        .select_related("organization", "customer", "contact")
        .order_by("pk")
        if case.customer
        and case.customer.street
        and case.customer.city
        and case.contact
        and case.contact.phone
    ]
    if not cases:
        return 0
    zone = zoneinfo.ZoneInfo(organization.time_zone)
    first, second, third = working_days(timezone.now().astimezone(zone).date(), 3)
    lead = technicians[0]
    objects = SERVICE_OBJECTS.get(organization.locale, [])

    def plan(case: Case, technician: Member, day: date, hour: int) -> None:
        start = datetime.combine(day, time(hour), tzinfo=zone)
        do_plan(
            dispatcher,
            case,
            technician=technician,
            start=start,
            duration=timedelta(hours=2),
            service_objects=objects,
        )

    answered = cases[:3]
    # A small company's two cases get the friendly yes and the "call me".
    answers = ANSWERS[organization.locale][-len(answered) :]
    for hour, case in zip((8, 10, 13), answered, strict=False):
        plan(case, lead, first, hour)
    do_lock_day(dispatcher, lead, first, "sms")
    sms = settings_for(organization)
    for case, answer in zip(answered, answers, strict=True):
        do_send_booking(dispatcher, case)
        assert case.contact is not None  # noqa: S101 - chosen above
        do_receive_sms(
            organization,
            Incoming(
                provider=sms.provider,
                provider_id=f"demo-{secrets.token_hex(6)}",
                sender=case.contact.phone,
                to=sms.virtual_number,
                text=answer,
            ),
        )
    rest = cases[3:]
    other = technicians[1 % len(technicians)]
    if rest:
        plan(rest[0], other, second, 9)
        do_send_confirmation(dispatcher, rest[0], ["sms"])
    if len(rest) > 1:
        plan(rest[1], other, second, 12)
        do_lock(dispatcher, rest[1], "letter")
        do_send_booking(dispatcher, rest[1])
    if len(rest) > 2:
        plan(rest[2], lead, third, 8)
        do_lock(dispatcher, rest[2], "sms")
    if len(rest) > 3:
        plan(rest[3], other, third, 10)
        do_put_on_hold(dispatcher, rest[3], back_around=third + timedelta(days=14))
    return min(len(cases), 7)
