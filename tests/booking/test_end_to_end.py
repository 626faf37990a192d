"""The issue's walk-through, through the doors a dispatcher's browser uses: plan three visits,
lock the day, send the bookings by SMS through the development provider, the customers answer
on the phone simulator ("OK", "Det er greit 👍", "Passer ikke, ring meg"): two confirmed, one in
manual follow-up; the day before, the two confirmed get their appointment reminder, once."""

from __future__ import annotations

from datetime import date

import pytest
from asgiref.sync import async_to_sync

from hub.accounts.models import Member
from hub.booking.actions.schedule import run_due_jobs
from hub.booking.models import Booking, State
from hub.customers.models import Contact, Customer
from hub.gateways.outbox import Dispatcher
from hub.outbox.models import Delivery
from hub.outbox.models import State as DeliveryState
from hub.threads.actions.cases import do_create_case
from hub.threads.models import Case
from tests.booking.helpers import OSLO, VISIT_DAY, at
from tests.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)

CUSTOMERS = [
    ("Ola Hansen", "Storgata 1", "+4741000001", "OK"),
    ("Kari Olsen", "Kirkeveien 12", "+4741000002", "Det er greit 👍"),
    ("Per Berg", "Sjøgata 3", "+4741000003", "Passer ikke, ring meg"),
]


def visits(dispatcher: Member) -> list[Case]:
    cases = []
    for name, street, phone, _answer in CUSTOMERS:
        customer = Customer.objects.create(
            organization=dispatcher.organization,
            name=name,
            street=street,
            postal_code="9008",
            city="Tromsø",
        )
        contact = Contact.objects.create(
            organization=dispatcher.organization, customer=customer, name=name, phone=phone
        )
        cases.append(
            do_create_case(
                dispatcher,
                title="Bytte av strømmåler",
                customer=customer,
                contact=contact,
                customer_channel=True,
            )
        )
    return cases


def sent_sms(case: Case) -> list[Delivery]:
    return list(Delivery.objects.filter(case=case, channel="sms").order_by("pk"))


def test_plan_lock_send_answer_remind(dispatcher: Member, technician: Member) -> None:
    browser = login(dispatcher)
    cases = visits(dispatcher)
    for hour, case in zip((8, 10, 12), cases, strict=True):
        planned = browser.put(
            f"/api/cases/{case.pk}/booking",
            {"technician": technician.pk, "start": at(hour).isoformat(), "duration_minutes": 120},
            content_type="application/json",
        )
        assert planned.status_code == 200, planned.content
        assert planned.json()["booking"]["state"] == "planned"
        assert planned.json()["offer_confirmation"] == ["sms"]

    board = browser.get(f"/api/bookings/day?date={VISIT_DAY.isoformat()}").json()
    column = board["columns"][0]
    assert column["technician"]["name"] == technician.display_name
    assert [b["case_id"] for b in column["bookings"]] == [c.pk for c in cases]

    locked = browser.post(
        "/api/bookings/day/lock",
        {"technician": technician.pk, "date": VISIT_DAY.isoformat(), "channel": "sms"},
        content_type="application/json",
    ).json()["results"]
    assert [r["ok"] for r in locked] == [True, True, True]
    assert len({r["booking"]["code"] for r in locked}) == 3
    ready = browser.get("/api/bookings?state=locked").json()["results"]
    sent = browser.post(
        "/api/bookings/send",
        {"cases": [b["case_id"] for b in ready]},
        content_type="application/json",
    ).json()["results"]
    assert [r["booking"]["state"] for r in sent] == ["awaiting_response"] * 3

    async_to_sync(Dispatcher("dev").tick)()
    for case in cases:
        (request,) = sent_sms(case)
        assert request.state == DeliveryState.SENT
        booking = Booking.objects.get(case=case)
        window = f"{booking.start.astimezone(OSLO):%H:%M}-{booking.end.astimezone(OSLO):%H:%M}"  # type: ignore[union-attr]
        assert f"fredag 4. oktober kl. {window}" in request.message.text  # type: ignore[union-attr]

    simulator = browser.get("/dev/sms/").content.decode()
    for _name, _street, phone, answer in CUSTOMERS:
        assert phone in simulator
        assert browser.post("/dev/sms/", {"number": phone, "text": answer}).status_code == 302

    states = [Booking.objects.get(case=case).state for case in cases]
    assert states == [State.CONFIRMED, State.CONFIRMED, State.MANUAL_FOLLOW_UP]
    follow_up = browser.get(f"/api/cases/{cases[2].pk}/booking").json()
    answered = [e for e in follow_up["history"] if e["kind"] == "booking.answered"]
    assert answered[-1]["data"]["text"] == "Passer ikke, ring meg"
    assert answered[-1]["actor"]["name"] == "Per Berg"

    # Nothing before the hour; at 17:00 the day before, one reminder per confirmed booking,
    # however often the scheduler runs and whichever worker runs it.
    day_before = date(2030, 10, 3)
    assert run_due_jobs(now=at(16, 59, day=day_before)) == 0
    assert run_due_jobs(now=at(17, 0, day=day_before)) == 2
    assert run_due_jobs(now=at(17, 1, day=day_before)) == 0
    assert run_due_jobs(now=at(7, 0)) == 0
    async_to_sync(Dispatcher("dev-2").tick)()
    async_to_sync(Dispatcher("dev-3").tick)()
    for case, expected in zip(cases, (2, 2, 1), strict=True):
        deliveries = sent_sms(case)
        assert len(deliveries) == expected
        assert all(d.state == DeliveryState.SENT for d in deliveries)
    reminder = sent_sms(cases[0])[-1]
    assert reminder.automatic
    assert "08:00-10:00" in reminder.message.text  # type: ignore[union-attr]
