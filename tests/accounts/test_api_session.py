"""The session doors, and what every JSON door does before its view runs: authentication,
allowed methods, CSRF and the language it answers in."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern

from hub.accounts.models import Member, Organization, Role, User
from hub.urls import api
from tests.conftest import login
from tests.factories import PASSWORD, make_case, make_member, make_org, make_team

pytestmark = pytest.mark.usefixtures("fast_passwords")

# Every JSON door behind ``json_view``, with the methods it answers. Ids need not exist: both
# checks happen before any lookup.
JSON_DOORS: list[tuple[str, str, tuple[str, ...]]] = [
    ("me", "/api/me", ("GET", "PATCH")),
    ("switch-organization", "/api/me/organization", ("POST",)),
    ("colleagues", "/api/colleagues", ("GET",)),
    ("members", "/api/members", ("GET", "POST")),
    ("member", "/api/members/1", ("PATCH",)),
    ("teams", "/api/teams", ("GET", "POST")),
    ("team", "/api/teams/1", ("PATCH", "DELETE")),
    ("organization-settings", "/api/settings/organization", ("GET", "PATCH")),
    ("cases", "/api/cases", ("GET", "POST")),
    ("case", "/api/cases/1", ("GET", "PATCH")),
    ("case-assign", "/api/cases/1/assign", ("POST",)),
    ("case-take-over", "/api/cases/1/take-over", ("POST",)),
    ("case-messages", "/api/cases/1/messages", ("GET", "POST")),
    ("case-message", "/api/cases/1/messages/1", ("PATCH",)),
    ("case-read", "/api/cases/1/read", ("POST",)),
    ("case-attachments", "/api/cases/1/attachments", ("GET", "POST")),
    ("case-events", "/api/cases/1/events", ("GET",)),
    ("case-deliveries", "/api/cases/1/deliveries", ("GET",)),
    ("case-recipients", "/api/cases/1/recipients", ("GET",)),
    ("case-message-original", "/api/cases/1/messages/1/original", ("GET",)),
    ("case-keep", "/api/cases/1/keep", ("POST",)),
    ("case-message-move", "/api/cases/1/messages/1/move", ("POST",)),
    ("case-booking", "/api/cases/1/booking", ("GET", "PUT")),
    ("case-booking-action", "/api/cases/1/booking/lock", ("POST",)),
    ("bookings", "/api/bookings", ("GET",)),
    ("bookings-send", "/api/bookings/send", ("POST",)),
    ("bookings-day", "/api/bookings/day", ("GET",)),
    ("bookings-day-lock", "/api/bookings/day/lock", ("POST",)),
    ("bookings-day-reorder", "/api/bookings/day/reorder", ("POST",)),
    ("letters", "/api/letters", ("GET",)),
    ("letters-print", "/api/letters/print", ("GET",)),
    ("letter", "/api/letters/1", ("GET", "DELETE")),
    ("booking-settings", "/api/settings/booking", ("GET", "PUT")),
    ("templates", "/api/settings/templates", ("GET",)),
    ("template", "/api/settings/templates/booking_request/sms", ("PUT", "DELETE")),
    ("template-preview", "/api/cases/1/templates/preview", ("POST",)),
    ("mail-settings", "/api/settings/mail", ("GET", "PUT")),
    ("mail-logo", "/api/settings/mail/logo", ("POST", "DELETE")),
    ("mailboxes", "/api/settings/mailboxes", ("GET", "POST")),
    ("sms-settings", "/api/settings/sms", ("GET", "PUT")),
    ("sms-preview", "/api/sms/preview", ("POST",)),
    ("sms-members", "/api/sms/members", ("POST",)),
    ("contact-sms", "/api/contacts/1/sms", ("POST",)),
    ("contact-portal", "/api/contacts/1/portal", ("POST",)),
    ("case-portal-link", "/api/cases/1/portal-link", ("POST", "DELETE")),
    ("attachment-download", "/api/attachments/1", ("GET",)),
    ("notifications", "/api/notifications", ("GET",)),
    ("notifications-seen", "/api/notifications/seen", ("POST",)),
    ("notification-preferences", "/api/notifications/preferences", ("GET", "PUT")),
    ("member-notification-policy", "/api/members/1/notification-policy", ("GET", "PUT")),
    ("push-key", "/api/push/key", ("GET",)),
    ("push-subscriptions", "/api/push/subscriptions", ("POST", "DELETE")),
]
# Doors that are not behind ``json_view`` on purpose: they work without a member. The customer
# portal's doors answer a portal session instead (tests/portal/test_doors.py).
OPEN_DOORS = {"session", "openapi"} | {
    "portal-case",
    "portal-messages",
    "portal-attachments",
    "portal-file",
    "portal-read",
    "portal-booking",
    "portal-logo",
}

DOOR_METHODS = [
    pytest.param(url, method, id=f"{method} {name}")
    for name, url, methods in JSON_DOORS
    for method in methods
]


def json_post(client: Client, url: str, data: Any, **extra: Any) -> Any:
    return client.post(url, data, content_type="application/json", **extra)


def test_every_api_route_is_covered_here() -> None:
    names = {pattern.name for pattern in api if isinstance(pattern, URLPattern)}
    assert names == {name for name, _url, _methods in JSON_DOORS} | OPEN_DOORS


# --- Logging in and out ---------------------------------------------------------------------


def test_get_session_sets_the_csrf_cookie(db: None) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.get("/api/session")
    assert response.status_code == 200
    assert response.json() == {"authenticated": False}
    assert response.cookies["csrftoken"].value


def test_get_session_says_who_is_logged_in(dispatcher: Member) -> None:
    response = login(dispatcher).get("/api/session")
    assert response.json() == {"authenticated": True}


def test_log_in_with_json(dispatcher: Member) -> None:
    client = Client()
    assert client.get("/api/me").status_code == 401
    response = json_post(
        client, "/api/session", {"username": dispatcher.user.username, "password": PASSWORD}
    )
    assert response.status_code == 201
    assert response.json() == {"authenticated": True}
    me = client.get("/api/me")
    assert me.status_code == 200
    assert me.json()["member"]["id"] == dispatcher.pk


def test_wrong_password_is_refused(dispatcher: Member) -> None:
    client = Client()
    response = json_post(
        client, "/api/session", {"username": dispatcher.user.username, "password": "wrong"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_credentials"
    assert client.get("/api/me").status_code == 401


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(db: None) -> None:
    response = json_post(Client(), "/api/session", {"username": "nobody", "password": PASSWORD})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_credentials"


def test_a_user_without_membership_cannot_log_in(dispatcher: Member) -> None:
    user = User.objects.create_user(username="drifter", password=PASSWORD)
    client = Client()
    response = json_post(client, "/api/session", {"username": "drifter", "password": PASSWORD})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_credentials"
    assert "_auth_user_id" not in client.session
    assert not user.memberships.exists()


def test_a_user_whose_only_membership_is_inactive_cannot_log_in(dispatcher: Member) -> None:
    dispatcher.is_active = False
    dispatcher.save(update_fields=["is_active"])
    response = json_post(
        Client(), "/api/session", {"username": dispatcher.user.username, "password": PASSWORD}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_credentials"


@pytest.mark.parametrize(
    ("body", "field"),
    [({"password": PASSWORD}, "username"), ({"username": "kari"}, "password")],
)
def test_login_names_the_missing_field(db: None, body: dict[str, str], field: str) -> None:
    response = json_post(Client(), "/api/session", body)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


def test_login_with_a_body_that_is_not_json(db: None) -> None:
    response = Client().post("/api/session", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_json"


def test_log_out(dispatcher: Member) -> None:
    client = login(dispatcher)
    assert client.get("/api/me").status_code == 200
    response = client.delete("/api/session")
    assert response.status_code == 200
    assert response.json() == {"authenticated": False}
    assert client.get("/api/me").status_code == 401


# --- CSRF -------------------------------------------------------------------------------------


def csrf_token(client: Client) -> str:
    response = client.get("/api/session")
    return str(response.cookies["csrftoken"].value)


def test_login_needs_the_csrf_header(dispatcher: Member) -> None:
    client = Client(enforce_csrf_checks=True)
    token = csrf_token(client)
    body = {"username": dispatcher.user.username, "password": PASSWORD}
    assert json_post(client, "/api/session", body).status_code == 403
    assert client.get("/api/me").status_code == 401
    response = json_post(client, "/api/session", body, headers={"X-CSRFToken": token})
    assert response.status_code == 201
    assert client.get("/api/me").status_code == 200


def test_json_doors_need_the_csrf_header(dispatcher: Member) -> None:
    client = login(dispatcher, enforce_csrf=True)
    token = csrf_token(client)
    assert json_post(client, "/api/cases", {"title": "Ingen token"}).status_code == 403
    response = json_post(
        client, "/api/cases", {"title": "Med token"}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 201
    case_id = response.json()["id"]
    patch = {"status": "pending"}
    url = f"/api/cases/{case_id}"
    assert client.patch(url, patch, content_type="application/json").status_code == 403
    response = client.patch(
        url, patch, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 200


def test_a_wrong_csrf_token_is_refused(dispatcher: Member) -> None:
    client = login(dispatcher, enforce_csrf=True)
    csrf_token(client)
    response = json_post(client, "/api/cases", {"title": "X"}, headers={"X-CSRFToken": "x" * 32})
    assert response.status_code == 403


def test_logout_needs_the_csrf_header(dispatcher: Member) -> None:
    client = login(dispatcher, enforce_csrf=True)
    token = csrf_token(client)
    assert client.delete("/api/session").status_code == 403
    assert client.get("/api/me").status_code == 200
    assert client.delete("/api/session", headers={"X-CSRFToken": token}).status_code == 200
    assert client.get("/api/me").status_code == 401


# --- Every JSON door: 401 without login, 405 for a wrong method ------------------------------


@pytest.mark.parametrize(("url", "method"), DOOR_METHODS)
def test_json_doors_refuse_anonymous_requests_with_json(db: None, url: str, method: str) -> None:
    response = Client().generic(method, url, "{}", content_type="application/json")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "not_authenticated"
    assert error["message"]


@pytest.mark.parametrize(
    ("url", "allowed"),
    [pytest.param(url, methods, id=name) for name, url, methods in JSON_DOORS],
)
def test_json_doors_refuse_other_methods_with_json_and_allow(
    dispatcher: Member, url: str, allowed: tuple[str, ...]
) -> None:
    client = login(dispatcher)
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        if method in allowed:
            continue
        response = client.generic(method, url, "{}", content_type="application/json")
        assert response.status_code == 405, method
        assert response["Allow"] == ", ".join(allowed)
        assert response.json()["error"]["code"] == "method_not_allowed"


def test_session_refuses_other_methods_with_json(db: None) -> None:
    response = Client().put("/api/session", "{}", content_type="application/json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST, DELETE"
    assert response.json()["error"]["code"] == "method_not_allowed"


# --- Who am I ---------------------------------------------------------------------------------


def test_me(org: Organization, dispatcher: Member) -> None:
    make_team(org, "Servicebil 2", dispatcher)
    make_team(org, "Elektro", dispatcher)
    body = login(dispatcher).get("/api/me").json()
    assert body["member"] == {
        "id": dispatcher.pk,
        "name": "Kari Nordmann",
        "handle": "kari",
        "role": "dispatcher",
        "language": "nb",
        "teams": [
            {"id": body["member"]["teams"][0]["id"], "name": "Elektro"},
            {"id": body["member"]["teams"][1]["id"], "name": "Servicebil 2"},
        ],
    }
    assert body["organization"] == {
        "id": org.pk,
        "name": "Nordlys Elektro AS",
        "locale": "nb",
        "time_zone": "Europe/Oslo",
        "country": "NO",
        "case_prefix": "S",
    }
    assert body["organizations"] == [
        {"id": org.pk, "name": "Nordlys Elektro AS", "role": "dispatcher"}
    ]


@pytest.fixture
def two_hats(org: Organization, other_org: Organization, dispatcher: Member) -> Member:
    """Kari also works as a technician at the Swedish firm."""
    make_member(other_org, Role.TECHNICIAN, handle="kari", user=dispatcher.user)
    return dispatcher


def test_a_member_of_two_organisations_sees_both(
    two_hats: Member, org: Organization, other_org: Organization
) -> None:
    body = login(two_hats).get("/api/me").json()
    # Without a choice in the session, the organisation joined first, whatever its name.
    assert body["organization"]["id"] == org.pk
    assert body["member"]["role"] == "dispatcher"
    assert body["organizations"] == [
        {"id": other_org.pk, "name": "Fjällbacka Rör AB", "role": "technician"},
        {"id": org.pk, "name": "Nordlys Elektro AS", "role": "dispatcher"},
    ]


def test_switch_organisation(two_hats: Member, org: Organization, other_org: Organization) -> None:
    here = make_case(two_hats, "Sak i Norge")
    client = login(two_hats)
    assert client.get(f"/api/cases/{here.pk}").status_code == 200

    response = json_post(client, "/api/me/organization", {"organization": other_org.pk})
    assert response.status_code == 200
    assert response.json()["member"]["role"] == "technician"
    assert client.get(f"/api/cases/{here.pk}").status_code == 404

    response = json_post(client, "/api/me/organization", {"organization": org.pk})
    assert response.status_code == 200
    assert response.json()["organization"]["id"] == org.pk
    assert response.json()["member"]["id"] == two_hats.pk

    # The choice sticks to the session.
    assert client.get("/api/me").json()["organization"]["id"] == org.pk
    assert client.get(f"/api/cases/{here.pk}").status_code == 200
    titles = [row["title"] for row in client.get("/api/cases").json()["results"]]
    assert titles == ["Sak i Norge"]

    response = json_post(client, "/api/me/organization", {"organization": other_org.pk})
    assert response.json()["organization"]["id"] == other_org.pk
    assert client.get(f"/api/cases/{here.pk}").status_code == 404


def test_switching_to_an_organisation_you_are_not_in_is_not_found(
    dispatcher: Member, other_org: Organization, org: Organization
) -> None:
    make_member(other_org, handle="someone")
    client = login(dispatcher)
    response = json_post(client, "/api/me/organization", {"organization": other_org.pk})
    assert response.status_code == 404
    assert response.json()["error"]["field"] == "organization"
    assert client.get("/api/me").json()["organization"]["id"] == org.pk


def test_switching_to_an_inactive_membership_is_not_found(
    two_hats: Member, org: Organization, other_org: Organization
) -> None:
    Member.objects.filter(organization=other_org).update(is_active=False)
    client = login(two_hats)
    assert client.get("/api/me").json()["organization"]["id"] == org.pk
    response = json_post(client, "/api/me/organization", {"organization": other_org.pk})
    assert response.status_code == 404


@pytest.mark.parametrize("body", [{}, {"organization": "1"}, {"organization": -3}])
def test_switch_organisation_needs_an_id(dispatcher: Member, body: dict[str, Any]) -> None:
    response = json_post(login(dispatcher), "/api/me/organization", body)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "organization"


def test_colleagues_are_those_of_the_organisation(
    org: Organization, other_org: Organization, dispatcher: Member, technician: Member
) -> None:
    gone = make_member(org, Role.TECHNICIAN, handle="gone", name="Gone Away")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    team = make_team(org, "Elektro", technician)
    stranger = make_member(other_org, handle="sven", name="Sven Svensson")
    make_team(other_org, "Rör", stranger)

    body = login(dispatcher).get("/api/colleagues").json()
    assert body["members"] == [
        {"id": dispatcher.pk, "name": "Kari Nordmann", "handle": "kari", "role": "dispatcher"},
        {"id": technician.pk, "name": "Lars Berg", "handle": "lars", "role": "technician"},
    ]
    assert body["teams"] == [{"id": team.pk, "name": "Elektro", "member_ids": [technician.pk]}]


def test_a_deactivated_colleague_is_not_offered_in_a_team(
    org: Organization, dispatcher: Member, technician: Member
) -> None:
    gone = make_member(org, Role.TECHNICIAN, handle="gone")
    team = make_team(org, "Elektro", technician, gone)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    body = login(dispatcher).get("/api/colleagues").json()
    assert gone.pk not in [m["id"] for m in body["members"]]
    assert body["teams"] == [{"id": team.pk, "name": "Elektro", "member_ids": [technician.pk]}]


# --- Language ---------------------------------------------------------------------------------


def test_answers_in_the_organisation_language(dispatcher: Member) -> None:
    client = login(dispatcher)
    assert client.get("/api/me")["Content-Language"] == "nb"
    assert client.get("/api/cases")["Content-Language"] == "nb"
    # Errors too: they carry text for a person.
    missing = client.get("/api/cases/999999")
    assert missing.status_code == 404
    assert missing["Content-Language"] == "nb"


def test_answers_in_the_language_of_a_swedish_organisation(other_org: Organization) -> None:
    member = make_member(other_org, handle="sven")
    assert login(member).get("/api/me")["Content-Language"] == "sv"


def test_the_user_language_overrides_the_organisation(dispatcher: Member) -> None:
    dispatcher.user.language = "da"
    dispatcher.user.save(update_fields=["language"])
    response = login(dispatcher).get("/api/me")
    assert response["Content-Language"] == "da"
    assert response.json()["member"]["language"] == "da"


def test_a_new_organisation_in_english(db: None) -> None:
    member = make_member(make_org(locale="en", country="SE"), handle="eve")
    assert login(member).get("/api/colleagues")["Content-Language"] == "en"


def test_a_refused_csrf_token_is_explained_in_json(dispatcher: Member) -> None:
    client = login(dispatcher, enforce_csrf=True)
    response = client.post("/api/cases", {"title": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
