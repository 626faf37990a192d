"""The doors of booking texts: the editor's list, saving and resetting (administrators only),
and the preview against a real case (whoever may see the case)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from hub.accounts.models import Member, Organization
from hub.booking.models import Booking, Purpose, SendChannel, State, Template
from hub.booking.tags import TAGS
from hub.booking.texts import DEFAULTS, default_text, render_for
from hub.threads.models import Case
from tests.conftest import login
from tests.factories import make_case, make_customer_case, make_member

# The doors are not in hub.urls yet: this module wires them for its tests.

START = datetime(2023, 10, 6, 5, 0, tzinfo=UTC)
URL = "/api/settings/templates"


def put(client: Client, url: str, data: Any) -> Any:
    return client.put(url, json.dumps(data), content_type="application/json")


def post(client: Client, url: str, data: Any) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def booked_case(member: Member, technician: Member) -> Case:
    case = make_customer_case(member)
    Booking.objects.create(
        organization=case.organization,
        case=case,
        technician=technician,
        start=START,
        duration=timedelta(hours=3),
        state=State.AWAITING_RESPONSE,
        code="K7PX3M",
    )
    return case


def test_the_list_has_every_text_with_labels_and_tag_help(dispatcher: Member) -> None:
    answer = login(dispatcher).get(URL)
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert data["can_edit"] is False
    pairs = [(t["purpose"], t["channel"]) for t in data["templates"]]
    assert pairs == list(DEFAULTS)
    assert all(t["is_default"] for t in data["templates"])
    request = data["templates"][0]
    with translation.override("nb"):  # the member's language
        assert request["purpose_label"] == str(Purpose.BOOKING_REQUEST.label)
        assert request["channel_label"] == str(SendChannel.SMS.label)
    assert request["has_subject"] is False
    assert request["body"] == default_text(dispatcher.organization, *pairs[0])[1]
    assert [t["tag"] for t in data["tags"]] == list(TAGS)
    assert all(t["description"] for t in data["tags"])


def test_an_administrator_saves_and_resets_a_text(admin_member: Member, technician: Member) -> None:
    client = login(admin_member)
    url = f"{URL}/booking_confirmation/email"
    answer = put(
        client,
        url,
        {"subject": "Bekreftet  {orderRef}\n", "body": "Hei {facilityOrCustomer}\r\n\r\nHilsen"},
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["is_default"] is False
    assert answer.json()["subject"] == "Bekreftet {orderRef}"
    saved = Template.objects.get(organization=admin_member.organization)
    assert (saved.purpose, saved.channel) == ("booking_confirmation", "email")
    assert saved.body == "Hei {facilityOrCustomer}\n\nHilsen"
    assert saved.updated_by == admin_member

    listed = {(t["purpose"], t["channel"]): t for t in client.get(URL).json()["templates"]}
    assert listed[("booking_confirmation", "email")]["is_default"] is False
    assert listed[("booking_confirmation", "sms")]["is_default"] is True

    case = booked_case(admin_member, technician)
    rendered = render_for(
        Booking.objects.get(case=case), Purpose.BOOKING_CONFIRMATION, SendChannel.EMAIL
    )
    assert rendered.subject == f"Bekreftet {case.reference}"

    # Saving again replaces the one row.
    assert put(client, url, {"subject": "Ny", "body": "Ny tekst"}).status_code == 200
    assert Template.objects.get().body == "Ny tekst"

    answer = client.delete(url)
    assert answer.status_code == 200, answer.content
    assert answer.json()["is_default"] is True
    assert (
        answer.json()["body"]
        == default_text(admin_member.organization, "booking_confirmation", "email")[1]
    )
    assert not Template.objects.exists()


def test_an_sms_text_keeps_no_subject(admin_member: Member) -> None:
    client = login(admin_member)
    answer = put(client, f"{URL}/booking_request/sms", {"subject": "Emne", "body": "{orderRef}"})
    assert answer.status_code == 200, answer.content
    assert Template.objects.get().subject == ""


@pytest.mark.parametrize("role_fixture", ["dispatcher", "technician"])
def test_only_administrators_change_texts(
    role_fixture: str, request: pytest.FixtureRequest
) -> None:
    member: Member = request.getfixturevalue(role_fixture)
    client = login(member)
    url = f"{URL}/booking_request/sms"
    assert put(client, url, {"body": "Hei"}).status_code == 403
    assert client.delete(url).status_code == 403
    assert not Template.objects.exists()


def test_an_unknown_tag_is_refused_and_named(admin_member: Member) -> None:
    answer = put(
        login(admin_member),
        f"{URL}/booking_request/email",
        {"subject": "Besøk", "body": "Vi kommer {nextBookingDay}."},
    )
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["field"] == "body"
    assert error["code"] == "unknown_tag"
    assert "{nextBookingDay}" in error["message"]
    assert not Template.objects.exists()


@pytest.mark.parametrize(
    ("channel", "data", "field"),
    [
        ("sms", {"body": "x" * 2001}, "body"),
        ("email", {"subject": "x" * 201, "body": "Hei"}, "subject"),
        ("email", {"subject": "Hei", "body": "x" * 20_001}, "body"),
        ("email", {"subject": "Hei", "body": "  "}, "body"),
        ("email", {"subject": "Hei"}, "body"),
        ("email", {"subject": 3, "body": "Hei"}, "subject"),
    ],
)
def test_bad_texts_are_refused_with_the_field(
    admin_member: Member, channel: str, data: dict[str, Any], field: str
) -> None:
    answer = put(login(admin_member), f"{URL}/booking_confirmation/{channel}", data)
    assert answer.status_code == 400, answer.content
    assert answer.json()["error"]["field"] == field


@pytest.mark.parametrize("path", ["booking_reminder/letter", "party_invitation/sms", "x/y"])
def test_a_text_that_does_not_exist_is_not_found(admin_member: Member, path: str) -> None:
    client = login(admin_member)
    assert put(client, f"{URL}/{path}", {"body": "Hei"}).status_code == 404
    assert client.delete(f"{URL}/{path}").status_code == 404


def test_a_preview_renders_against_a_real_case(dispatcher: Member, technician: Member) -> None:
    case = booked_case(dispatcher, technician)
    answer = post(
        login(dispatcher),
        f"/api/cases/{case.pk}/templates/preview",
        {
            "purpose": "booking_request",
            "channel": "sms",
            "body": "{company}: {nextBooking}, {orderRef} {weather}",
        },
    )
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert data["body"] == (
        f"Nordlys Elektro AS: Lars, fredag 6. oktober, 07:00-10:00, {case.reference} {{weather}}"
    )
    assert data["unknown_tags"] == ["weather"]
    assert data["segments"]["encoding"] == "gsm7"
    assert data["segments"]["count"] == 1


def test_a_preview_without_text_shows_the_current_template(
    admin_member: Member, technician: Member
) -> None:
    case = booked_case(admin_member, technician)
    client = login(admin_member)
    put(client, f"{URL}/appointment_reminder/email", {"subject": "{orderRef}", "body": "{company}"})
    answer = post(
        client,
        f"/api/cases/{case.pk}/templates/preview",
        {"purpose": "appointment_reminder", "channel": "email"},
    )
    assert answer.status_code == 200, answer.content
    assert answer.json() == {
        "subject": case.reference,
        "body": "Nordlys Elektro AS",
        "unknown_tags": [],
    }


def test_a_case_without_a_booking_previews_with_the_missing_word(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    answer = post(
        login(dispatcher),
        f"/api/cases/{case.pk}/templates/preview",
        {"purpose": "booking_request", "channel": "email", "body": "{bookingCode}"},
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["body"] in ("mangler", "missing")  # "missing" until the .po has it


def test_a_preview_of_another_organisations_case_is_not_found(
    dispatcher: Member, other_org: Organization
) -> None:
    foreign = make_case(make_member(other_org), "Läckande rör")
    answer = post(
        login(dispatcher),
        f"/api/cases/{foreign.pk}/templates/preview",
        {"purpose": "booking_request", "channel": "sms"},
    )
    assert answer.status_code == 404


def test_a_technician_previews_only_cases_they_see(dispatcher: Member, technician: Member) -> None:
    case = make_case(dispatcher, "Ikke din")
    answer = post(
        login(technician),
        f"/api/cases/{case.pk}/templates/preview",
        {"purpose": "booking_request", "channel": "sms"},
    )
    assert answer.status_code == 404


def test_a_preview_refuses_a_channel_the_purpose_does_not_go_by(dispatcher: Member) -> None:
    case = make_case(dispatcher)
    answer = post(
        login(dispatcher),
        f"/api/cases/{case.pk}/templates/preview",
        {"purpose": "appointment_reminder", "channel": "letter"},
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["field"] == "channel"


def test_the_doors_want_a_member(db: None) -> None:
    assert Client().get(URL).status_code == 401
