"""The booking doors: who may do what, bad input answered clearly, the letters folder, the
settings; another organisation's booking is not found."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from hub.accounts.models import Member, Organization, Role
from hub.booking.models import Letter, State
from tests.booking.helpers import VISIT_DAY, at, booked_case, booking_of, sent_case
from tests.conftest import login
from tests.factories import make_customer_case, make_member

pytestmark = pytest.mark.django_db


def put(client: Client, url: str, data: Any) -> Any:
    return client.put(url, json.dumps(data), content_type="application/json")


def post(client: Client, url: str, data: Any | None = None) -> Any:
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def test_planning_through_the_door(dispatcher: Member, technician: Member) -> None:
    case = make_customer_case(dispatcher)
    client = login(dispatcher)
    answer = put(
        client,
        f"/api/cases/{case.pk}/booking",
        {
            "technician": technician.pk,
            "start": at(10).isoformat(),
            "duration_minutes": 90,
            "service_objects": ["Måler 7071234"],
        },
    )
    assert answer.status_code == 200
    booking = answer.json()["booking"]
    assert booking["state"] == "planned"
    assert booking["end"] == at(11, 30).isoformat()
    assert booking["actions"] == ["plan", "lock", "confirm", "hold", "cancel"]
    shown = client.get(f"/api/cases/{case.pk}/booking").json()
    assert [e["kind"] for e in shown["history"]] == ["booking.planned"]
    assert shown["history"][0]["label"] == "planla bookingen"


def test_an_unbooked_case_shows_an_unplanned_booking(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    shown = login(dispatcher).get(f"/api/cases/{case.pk}/booking").json()
    assert shown["booking"]["state"] == "unplanned"
    assert shown["booking"]["id"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"technician": 1}, "start"),
        ({"start": "i morgen"}, "start"),
        ({"start": "2030-10-04T10:00:00+02:00", "duration_minutes": 5}, "duration_minutes"),
        ({"start": "2030-10-04T10:00:00+02:00", "technician": 999999}, "technician"),
    ],
)
def test_bad_planning_input_is_named(dispatcher: Member, body: dict[str, Any], field: str) -> None:
    case = make_customer_case(dispatcher)
    answer = put(login(dispatcher), f"/api/cases/{case.pk}/booking", body)
    assert answer.status_code in (400, 404)
    assert answer.json()["error"]["field"] == field


def test_a_refused_transition_is_a_conflict_in_the_members_language(
    dispatcher: Member, technician: Member
) -> None:
    case = booked_case(dispatcher, technician)
    answer = post(login(dispatcher), f"/api/cases/{case.pk}/booking/send")
    assert answer.status_code == 409
    assert answer.json()["error"]["message"] == (
        "«Send booking» er ikke mulig: bookingens status er «planlagt»."
    )
    assert post(login(dispatcher), f"/api/cases/{case.pk}/booking/fly").status_code == 404


def test_technicians_see_their_day_but_do_not_plan(dispatcher: Member, technician: Member) -> None:
    case = booked_case(dispatcher, technician)
    colleague = make_member(dispatcher.organization, Role.TECHNICIAN, handle="per")
    booked_case(dispatcher, colleague, at(12))
    client = login(technician)
    board = client.get(f"/api/bookings/day?date={VISIT_DAY.isoformat()}").json()
    assert [c["technician"]["id"] for c in board["columns"]] == [technician.pk]
    refused = put(
        client,
        f"/api/cases/{case.pk}/booking",
        {"technician": technician.pk, "start": at(9).isoformat()},
    )
    assert refused.status_code == 403
    assert client.get("/api/letters").json() == {"results": []}


def test_a_technician_opens_the_case_of_a_visit_on_their_day(
    dispatcher: Member, technician: Member
) -> None:
    """Booked for the visit but the case is a colleague's: the technician still reads it and
    marks the visit done; a technician booked for nothing there does not see it."""
    case = booked_case(dispatcher, technician)
    case.assignee_member = dispatcher
    case.save(update_fields=["assignee_member"])
    client = login(technician)
    assert client.get(f"/api/cases/{case.pk}").status_code == 200
    assert client.get(f"/api/cases/{case.pk}/messages").status_code == 200
    assert client.get("/api/cases").json()["results"][0]["id"] == case.pk
    other = login(make_member(dispatcher.organization, Role.TECHNICIAN, handle="per"))
    assert other.get(f"/api/cases/{case.pk}").status_code == 404


def test_another_organisations_booking_is_not_found(
    dispatcher: Member, technician: Member, other_org: Organization
) -> None:
    case = sent_case(dispatcher, technician, channel="letter")
    stranger = login(make_member(other_org, Role.ADMIN))
    assert stranger.get(f"/api/cases/{case.pk}/booking").status_code == 404
    assert post(stranger, f"/api/cases/{case.pk}/booking/cancel").status_code == 404
    letter = Letter.objects.get(case=case)
    assert stranger.get(f"/api/letters/{letter.pk}").status_code == 404
    assert stranger.delete(f"/api/letters/{letter.pk}").status_code == 404
    assert stranger.get("/api/letters").json() == {"results": []}
    assert booking_of(case).state == State.AWAITING_RESPONSE


def test_the_letters_folder(dispatcher: Member, technician: Member) -> None:
    first = sent_case(dispatcher, technician, at(8), channel="letter")
    second = sent_case(dispatcher, technician, at(12), channel="letter")
    client = login(dispatcher)
    folder = client.get("/api/letters").json()["results"]
    assert [row["case_id"] for row in folder] == [first.pk, second.pk]
    one = client.get(folder[0]["url"])
    assert one["Content-Type"] == "application/pdf"
    assert b"".join(one.streaming_content).startswith(b"%PDF")
    printed = client.get("/api/letters/print")
    assert printed["Content-Type"] == "application/pdf"
    assert printed.content.startswith(b"%PDF")
    assert client.delete(folder[0]["url"]).status_code == 204
    assert [row["case_id"] for row in client.get("/api/letters").json()["results"]] == [second.pk]
    history = client.get(f"/api/cases/{first.pk}/booking").json()["history"]
    assert history[-1]["kind"] == "booking.letter_removed"
    client.delete(folder[1]["url"])
    assert client.get("/api/letters/print").status_code == 404


def test_settings_are_for_admins(dispatcher: Member, admin_member: Member) -> None:
    assert login(dispatcher).get("/api/settings/booking").json()["sms_answer_hours"] == 48
    assert put(login(dispatcher), "/api/settings/booking", {"reminder_hour": 8}).status_code == 403
    admin = login(admin_member)
    changed = put(admin, "/api/settings/booking", {"reminder_hour": 8, "remind_hour_before": True})
    assert changed.json()["reminder_hour"] == 8
    assert changed.json()["remind_hour_before"] is True
    bad = put(admin, "/api/settings/booking", {"reminder_hour": 24})
    assert (bad.status_code, bad.json()["error"]["field"]) == (400, "reminder_hour")
    unknown = put(admin, "/api/settings/booking", {"reminder_minute": 5})
    assert unknown.json()["error"]["field"] == "reminder_minute"
    assert admin.get("/api/settings/booking").json()["reminder_hour"] == 8


def test_sending_many_and_the_queues(dispatcher: Member, technician: Member) -> None:
    ready = [booked_case(dispatcher, technician, at(h)) for h in (8, 10)]
    client = login(dispatcher)
    locked = post(
        client,
        "/api/bookings/day/lock",
        {"technician": technician.pk, "date": VISIT_DAY.isoformat(), "channel": "email"},
    ).json()["results"]
    assert all(row["ok"] for row in locked)
    assert len(client.get("/api/bookings?state=locked").json()["results"]) == 2
    sent = post(client, "/api/bookings/send", {"cases": [c.pk for c in ready]}).json()
    assert [row["booking"]["channel"] for row in sent["results"]] == ["email", "email"]
    assert client.get("/api/bookings?state=tomorrow").status_code == 400
    assert post(client, "/api/bookings/send", {"cases": []}).status_code == 400
