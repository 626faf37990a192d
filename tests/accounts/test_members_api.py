"""The administrator's members doors, a member's own language and name (PATCH /api/me), and the
organisation's basics (/api/settings/organization)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from hub.accounts.actions import derive_handle
from hub.accounts.models import Member, Organization, Role, User
from tests.conftest import login
from tests.factories import PASSWORD, make_member, make_team

pytestmark = pytest.mark.usefixtures("fast_passwords")


def post(client: Client, url: str, data: Any) -> Any:
    return client.post(url, data, content_type="application/json")


def patch(client: Client, url: str, data: Any) -> Any:
    return client.patch(url, data, content_type="application/json")


def error(response: Any) -> dict[str, Any]:
    body: dict[str, Any] = response.json()["error"]
    return body


NEW = {
    "username": "bjorn.saether",
    "email": "bjorn@nordlys.no",
    "name": "Bjørn Sæther",
    "role": "technician",
}


def can_log_in(username: str, password: str) -> bool:
    return Client().login(username=username, password=password)


# --- The list -----------------------------------------------------------------------------------


def test_the_list_has_every_member_of_the_organisation(
    org: Organization,
    other_org: Organization,
    admin_member: Member,
    dispatcher: Member,
    technician: Member,
) -> None:
    gone = make_member(org, Role.TECHNICIAN, handle="gone", name="Åse Gone")
    gone.is_active = False
    gone.phone = "+4741234567"
    gone.save(update_fields=["is_active", "phone"])
    dispatcher.user.email = "kari@nordlys.no"
    dispatcher.user.language = "sv"
    dispatcher.user.save(update_fields=["email", "language"])
    elektro = make_team(org, "Elektro", technician, dispatcher)
    vakt = make_team(org, "Vakt", dispatcher)
    make_member(other_org, handle="sven", name="Sven Svensson")

    response = login(admin_member).get("/api/members")
    assert response.status_code == 200
    rows = response.json()["members"]
    assert [row["name"] for row in rows] == [
        "Ingrid Dahl",
        "Kari Nordmann",
        "Lars Berg",
        "Åse Gone",
    ]
    assert rows[1] == {
        "id": dispatcher.pk,
        "name": "Kari Nordmann",
        "handle": "kari",
        "role": "dispatcher",
        "email": "kari@nordlys.no",
        "username": dispatcher.user.username,
        "phone": "",
        "is_active": True,
        "language": "sv",
        "team_ids": sorted([elektro.pk, vakt.pk]),
    }
    assert rows[3]["is_active"] is False
    assert rows[3]["phone"] == "+4741234567"
    assert rows[3]["language"] == ""
    assert rows[3]["team_ids"] == []


@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.TECHNICIAN])
def test_only_administrators_see_the_list(org: Organization, role: str) -> None:
    response = login(make_member(org, role)).get("/api/members")
    assert response.status_code == 403
    assert error(response)["code"] == "forbidden"


# --- Adding -------------------------------------------------------------------------------------


def test_add_a_member_with_a_password(admin_member: Member) -> None:
    response = post(
        login(admin_member),
        "/api/members",
        {**NEW, "password": PASSWORD, "phone": "412 34 567", "handle": "bjorn"},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["temporary_password"] is None
    assert body["existing_user"] is False
    assert body["member"] == {
        "id": body["member"]["id"],
        "name": "Bjørn Sæther",
        "handle": "bjorn",
        "role": "technician",
        "email": "bjorn@nordlys.no",
        "username": "bjorn.saether",
        # Read in the organisation's country.
        "phone": "+4741234567",
        "is_active": True,
        "language": "",
        "team_ids": [],
    }
    member = Member.objects.get(pk=body["member"]["id"])
    assert member.organization_id == admin_member.organization_id
    assert can_log_in("bjorn.saether", PASSWORD)


def test_without_a_password_a_temporary_one_is_shown_once(admin_member: Member) -> None:
    client = login(admin_member)
    body = post(client, "/api/members", NEW).json()
    temporary = body["temporary_password"]
    assert len(temporary) == 14
    assert can_log_in("bjorn.saether", temporary)
    # Only its hash is kept: the list does not show it again.
    assert "temporary_password" not in client.get("/api/members").json()["members"][0]
    assert User.objects.get(username="bjorn.saether").password != temporary


def test_the_handle_is_made_from_the_name(org: Organization, admin_member: Member) -> None:
    client = login(admin_member)
    handles = [
        post(client, "/api/members", {**NEW, "username": f"bjorn{n}"}).json()["member"]["handle"]
        for n in range(4)
    ]
    assert handles == ["bjorn", "bjorn.saether", "bjorn2", "bjorn3"]
    assert derive_handle(org.pk, "Åsa-Lill Öberg") == "asa-lill"
    assert derive_handle(org.pk, "Ærlige Ødegård") == "aerlige"
    # Nothing to make it from in the name: the username, else "member".
    assert derive_handle(org.pk, "李小龍", "li.xl") == "li.xl"
    assert derive_handle(org.pk, "李小龍") == "member"


def test_a_given_handle_is_lower_cased(admin_member: Member) -> None:
    response = post(login(admin_member), "/api/members", {**NEW, "handle": " @Bjorn.S "})
    assert response.json()["member"]["handle"] == "bjorn.s"


@pytest.mark.parametrize("handle", ["bjørn", "bjorn.", "-bjorn", "bjorn s", "x" * 41])
def test_a_handle_that_cannot_be_mentioned_is_refused(admin_member: Member, handle: str) -> None:
    response = post(login(admin_member), "/api/members", {**NEW, "handle": handle})
    assert response.status_code == 400
    assert error(response)["field"] == "handle"
    assert not User.objects.filter(username="bjorn.saether").exists()


def test_a_handle_taken_in_the_organisation_is_refused(
    admin_member: Member, technician: Member, other_org: Organization
) -> None:
    make_member(other_org, handle="sven")
    client = login(admin_member)
    response = post(client, "/api/members", {**NEW, "handle": "lars"})
    assert response.status_code == 409
    assert error(response) == {
        "code": "handle_taken",
        "message": "@-navnet @lars er allerede i bruk i organisasjonen.",
        "field": "handle",
    }
    assert not User.objects.filter(username="bjorn.saether").exists()
    # Another organisation's handles are theirs.
    assert post(client, "/api/members", {**NEW, "handle": "sven"}).status_code == 201


def test_an_existing_login_joins_with_its_email(
    admin_member: Member, other_org: Organization
) -> None:
    sven = make_member(other_org, Role.ADMIN, handle="sven", name="Sven Svensson")
    sven.user.email = "sven@fjallbacka.se"
    sven.user.save(update_fields=["email"])
    body = {
        "username": sven.user.username,
        "email": "Sven@Fjallbacka.se",
        "name": "Sven S.",
        "role": "dispatcher",
        "password": "something else entirely",
    }
    response = post(login(admin_member), "/api/members", body)
    assert response.status_code == 201
    answer = response.json()
    assert answer["existing_user"] is True
    assert answer["temporary_password"] is None
    assert answer["member"]["handle"] == "sven"
    assert answer["member"]["role"] == "dispatcher"
    # Their login is as it was; they now have two organisations.
    assert can_log_in(sven.user.username, PASSWORD)
    assert Member.objects.filter(user=sven.user).count() == 2
    assert Member.objects.get(user=sven.user, organization=other_org).display_name == (
        "Sven Svensson"
    )


def test_an_existing_login_with_another_email_is_a_taken_username(
    admin_member: Member, other_org: Organization
) -> None:
    sven = make_member(other_org, handle="sven")
    sven.user.email = "sven@fjallbacka.se"
    sven.user.save(update_fields=["email"])
    body = {**NEW, "username": sven.user.username, "email": "guess@example.com"}
    response = post(login(admin_member), "/api/members", body)
    assert response.status_code == 409
    assert error(response)["code"] == "username_taken"
    assert error(response)["field"] == "username"
    assert "sven@fjallbacka.se" not in error(response)["message"]
    assert Member.objects.filter(user=sven.user).count() == 1


def test_a_member_cannot_be_added_twice(
    admin_member: Member, dispatcher: Member, technician: Member
) -> None:
    dispatcher.user.email = "kari@nordlys.no"
    dispatcher.user.save(update_fields=["email"])
    client = login(admin_member)
    body = {**NEW, "username": dispatcher.user.username, "email": "kari@nordlys.no"}
    response = post(client, "/api/members", body)
    assert response.status_code == 409
    assert error(response)["code"] == "already_member"
    assert error(response)["field"] == "username"

    technician.is_active = False
    technician.save(update_fields=["is_active"])
    response = post(client, "/api/members", {**NEW, "username": technician.user.username})
    assert response.status_code == 409
    assert error(response)["code"] == "deactivated_member"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"role": "owner"}, "role"),
        ({"role": None}, "role"),
        ({"email": "not an address"}, "email"),
        ({"email": "  "}, "email"),
        ({"username": "has space"}, "username"),
        ({"name": " "}, "name"),
        ({"name": "x" * 151}, "name"),
        ({"phone": "12"}, "phone"),
        ({"password": "12345678"}, "password"),
        ({"is_active": False}, "is_active"),
        ({"language": "sv"}, "language"),
    ],
)
def test_adding_names_what_is_wrong(
    admin_member: Member, change: dict[str, Any], field: str
) -> None:
    response = post(login(admin_member), "/api/members", {**NEW, **change})
    assert response.status_code == 400
    assert error(response)["field"] == field
    assert not User.objects.filter(username=change.get("username", "bjorn.saether")).exists()


def test_only_administrators_add_members(dispatcher: Member) -> None:
    response = post(login(dispatcher), "/api/members", NEW)
    assert response.status_code == 403
    assert not User.objects.filter(username="bjorn.saether").exists()


# --- Changing -----------------------------------------------------------------------------------


def test_change_a_member(admin_member: Member, technician: Member) -> None:
    change = {
        "role": "dispatcher",
        "name": "Lars B. Berg",
        "handle": "larsb",
        "phone": "+46 70 123 45 67",
    }
    response = patch(login(admin_member), f"/api/members/{technician.pk}", change)
    assert response.status_code == 200
    body = response.json()
    assert (body["role"], body["name"], body["handle"], body["phone"]) == (
        "dispatcher",
        "Lars B. Berg",
        "larsb",
        "+46701234567",
    )
    technician.refresh_from_db()
    assert (technician.role, technician.display_name, technician.handle) == (
        "dispatcher",
        "Lars B. Berg",
        "larsb",
    )
    # Left out, left as it is; "" clears the mobile.
    response = patch(login(admin_member), f"/api/members/{technician.pk}", {"phone": ""})
    assert response.json()["phone"] == ""
    assert response.json()["handle"] == "larsb"


def test_deactivate_and_reactivate(admin_member: Member, technician: Member) -> None:
    lars = login(technician)
    assert lars.get("/api/me").status_code == 200
    client = login(admin_member)
    response = patch(client, f"/api/members/{technician.pk}", {"is_active": False})
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    # Gone at once: the session finds no active membership.
    assert lars.get("/api/me").status_code == 401
    again = post(
        Client(), "/api/session", {"username": technician.user.username, "password": PASSWORD}
    )
    assert again.status_code == 400
    assert technician.pk not in [m["id"] for m in client.get("/api/colleagues").json()["members"]]

    response = patch(client, f"/api/members/{technician.pk}", {"is_active": True})
    assert response.json()["is_active"] is True
    assert lars.get("/api/me").status_code == 200


def test_the_last_administrator_stays(org: Organization, admin_member: Member) -> None:
    client = login(admin_member)
    response = patch(client, f"/api/members/{admin_member.pk}", {"role": "dispatcher"})
    assert response.status_code == 409
    assert error(response) == {
        "code": "last_admin",
        "message": "Organisasjonen må ha minst én aktiv administrator.",
        "field": "role",
    }
    admin_member.refresh_from_db()
    assert admin_member.role == Role.ADMIN

    # A deactivated administrator does not count.
    second = make_member(org, Role.ADMIN, handle="second")
    assert patch(client, f"/api/members/{second.pk}", {"is_active": False}).status_code == 200
    response = patch(client, f"/api/members/{admin_member.pk}", {"role": "technician"})
    assert response.status_code == 409

    # With another active one, an administrator may step down.
    assert patch(client, f"/api/members/{second.pk}", {"is_active": True}).status_code == 200
    response = patch(client, f"/api/members/{admin_member.pk}", {"role": "dispatcher"})
    assert response.status_code == 200
    assert response.json()["role"] == "dispatcher"
    # And is no administrator any more.
    assert client.get("/api/members").status_code == 403


def test_demoting_the_other_administrator_is_refused_when_it_is_the_last(
    org: Organization, admin_member: Member
) -> None:
    second = make_member(org, Role.ADMIN, handle="second")
    client = login(admin_member)
    assert patch(client, f"/api/members/{second.pk}", {"role": "technician"}).status_code == 200
    response = patch(login(admin_member), f"/api/members/{admin_member.pk}", {"role": "technician"})
    assert error(response)["code"] == "last_admin"


def test_an_administrator_cannot_deactivate_themself(
    org: Organization, admin_member: Member
) -> None:
    make_member(org, Role.ADMIN, handle="second")
    response = patch(login(admin_member), f"/api/members/{admin_member.pk}", {"is_active": False})
    assert response.status_code == 400
    assert error(response)["code"] == "self_deactivation"
    assert error(response)["field"] == "is_active"
    admin_member.refresh_from_db()
    assert admin_member.is_active


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"role": "boss"}, 400, "role"),
        ({"handle": "kari"}, 409, "handle"),
        ({"handle": "Lars!"}, 400, "handle"),
        ({"name": ""}, 400, "name"),
        ({"is_active": "no"}, 400, "is_active"),
        ({"phone": None}, 400, "phone"),
        ({"email": "lars@nordlys.no"}, 400, "email"),
        ({"username": "lars2"}, 400, "username"),
        ({"language": "sv"}, 400, "language"),
    ],
)
def test_changing_names_what_is_wrong(
    admin_member: Member,
    dispatcher: Member,
    technician: Member,
    change: dict[str, Any],
    status: int,
    field: str,
) -> None:
    response = patch(login(admin_member), f"/api/members/{technician.pk}", change)
    assert response.status_code == status
    assert error(response)["field"] == field
    technician.refresh_from_db()
    assert (technician.role, technician.handle, technician.display_name) == (
        "technician",
        "lars",
        "Lars Berg",
    )


def test_keeping_ones_own_handle_is_no_conflict(admin_member: Member, technician: Member) -> None:
    response = patch(login(admin_member), f"/api/members/{technician.pk}", {"handle": "LARS"})
    assert response.status_code == 200
    assert response.json()["handle"] == "lars"


def test_a_member_of_another_organisation_is_not_found(
    admin_member: Member, other_org: Organization
) -> None:
    stranger = make_member(other_org, handle="sven")
    client = login(admin_member)
    for member_id in (stranger.pk, 999999):
        response = patch(client, f"/api/members/{member_id}", {"role": "admin"})
        assert response.status_code == 404
        assert error(response)["field"] == "member"
    stranger.refresh_from_db()
    assert stranger.role == Role.DISPATCHER


def test_only_administrators_change_members(
    dispatcher: Member, technician: Member, other_org: Organization
) -> None:
    client = login(dispatcher)
    for target in (technician, dispatcher, make_member(other_org, handle="sven")):
        response = patch(client, f"/api/members/{target.pk}", {"role": "admin"})
        assert response.status_code == 403
    dispatcher.refresh_from_db()
    assert dispatcher.role == Role.DISPATCHER


# --- One's own language and name ----------------------------------------------------------------


def test_choose_ones_own_language(dispatcher: Member) -> None:
    client = login(dispatcher)
    response = patch(client, "/api/me", {"language": "sv"})
    assert response.status_code == 200
    # The answer is the same as GET /api/me, and already in the new language.
    assert response.json() == client.get("/api/me").json()
    assert response.json()["member"]["language"] == "sv"
    assert response["Content-Language"] == "sv"
    dispatcher.user.refresh_from_db()
    assert dispatcher.user.language == "sv"

    # The next answer comes in Swedish, errors included.
    missing = client.get("/api/cases/999999")
    assert missing["Content-Language"] == "sv"
    assert error(missing)["message"] == "Ärendet finns inte."
    refused = patch(client, "/api/me", {"name": " "})
    assert error(refused)["message"] == "name måste anges."

    # "" goes back to the organisation's language.
    response = patch(client, "/api/me", {"language": ""})
    assert response.json()["member"]["language"] == "nb"
    assert response["Content-Language"] == "nb"
    assert error(client.get("/api/cases/999999"))["message"] == "Fant ikke saken."


def test_an_administrator_answered_in_swedish(admin_member: Member) -> None:
    client = login(admin_member)
    patch(client, "/api/me", {"language": "sv"})
    response = patch(client, "/api/members/999999", {"role": "admin"})
    assert error(response)["message"] == "Medlemmen finns inte."


def test_change_ones_own_name(dispatcher: Member) -> None:
    response = patch(login(dispatcher), "/api/me", {"name": "  Kari N. "})
    assert response.status_code == 200
    assert response.json()["member"]["name"] == "Kari N."
    dispatcher.refresh_from_db()
    assert dispatcher.display_name == "Kari N."
    dispatcher.user.refresh_from_db()
    assert dispatcher.user.language == ""


@pytest.mark.parametrize(
    "body",
    [
        {"language": "de"},
        {"language": "NB"},
        {"language": None},
        {"language": 1},
        {"name": ""},
        {"role": "admin"},
        {"handle": "boss"},
    ],
)
def test_own_changes_name_what_is_wrong(dispatcher: Member, body: dict[str, Any]) -> None:
    response = patch(login(dispatcher), "/api/me", body)
    assert response.status_code == 400
    assert error(response)["field"] == next(iter(body))
    dispatcher.refresh_from_db()
    dispatcher.user.refresh_from_db()
    assert (dispatcher.role, dispatcher.handle, dispatcher.user.language) == (
        "dispatcher",
        "kari",
        "",
    )


# --- The organisation ---------------------------------------------------------------------------


def test_the_organisation_settings(org: Organization, admin_member: Member) -> None:
    response = login(admin_member).get("/api/settings/organization")
    assert response.status_code == 200
    assert response.json() == {
        "id": org.pk,
        "name": "Nordlys Elektro AS",
        "slug": org.slug,
        "country": "NO",
        "locale": "nb",
        "time_zone": "Europe/Oslo",
        "case_prefix": "S",
    }


def test_change_the_organisation(
    org: Organization, other_org: Organization, admin_member: Member
) -> None:
    client = login(admin_member)
    change = {"name": " Nordlys AS ", "locale": "da", "time_zone": "Europe/Copenhagen"}
    response = patch(client, "/api/settings/organization", {**change, "case_prefix": "ne"})
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["locale"], body["time_zone"], body["case_prefix"]) == (
        "Nordlys AS",
        "da",
        "Europe/Copenhagen",
        "NE",
    )
    # A member who has not chosen a language follows the organisation's, from this answer on.
    assert response["Content-Language"] == "da"
    assert error(client.get("/api/cases/999999"))["message"] == "Sagen findes ikke."
    assert client.get("/api/me")["Content-Language"] == "da"
    org.refresh_from_db()
    assert (org.name, org.locale, org.time_zone, org.case_prefix) == (
        "Nordlys AS",
        "da",
        "Europe/Copenhagen",
        "NE",
    )
    other_org.refresh_from_db()
    assert other_org.name == "Fjällbacka Rör AB"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"locale": ""}, "locale"),
        ({"locale": "fi"}, "locale"),
        ({"case_prefix": "S1"}, "case_prefix"),
        ({"case_prefix": ""}, "case_prefix"),
        ({"case_prefix": "ABCDEFGHI"}, "case_prefix"),
        ({"case_prefix": "Ö"}, "case_prefix"),
        ({"name": ""}, "name"),
        ({"country": "SE"}, "country"),
        ({"slug": "other"}, "slug"),
    ],
)
def test_organisation_changes_name_what_is_wrong(
    org: Organization, admin_member: Member, change: dict[str, Any], field: str
) -> None:
    response = patch(login(admin_member), "/api/settings/organization", change)
    assert response.status_code == 400
    assert error(response)["field"] == field
    org.refresh_from_db()
    assert (org.locale, org.time_zone, org.case_prefix, org.country) == (
        "nb",
        "Europe/Oslo",
        "S",
        "NO",
    )


def test_an_unknown_time_zone_is_explained_in_the_members_language(admin_member: Member) -> None:
    response = patch(login(admin_member), "/api/settings/organization", {"time_zone": "Oslo"})
    assert error(response)["message"] == "Ukjent tidssone: Oslo"


@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.TECHNICIAN])
def test_only_administrators_see_or_change_the_organisation(org: Organization, role: str) -> None:
    client = login(make_member(org, role))
    assert client.get("/api/settings/organization").status_code == 403
    response = patch(client, "/api/settings/organization", {"name": "Mine AS"})
    assert response.status_code == 403
    org.refresh_from_db()
    assert org.name == "Nordlys Elektro AS"
