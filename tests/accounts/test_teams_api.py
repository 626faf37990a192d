"""The administrator's team doors: list, create, change, delete."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from hub.accounts.models import Member, Organization, Role, Team
from tests.conftest import login
from tests.factories import make_case, make_member, make_team

pytestmark = pytest.mark.usefixtures("fast_passwords")


def post(client: Client, url: str, data: Any) -> Any:
    return client.post(url, data, content_type="application/json")


def patch(client: Client, url: str, data: Any) -> Any:
    return client.patch(url, data, content_type="application/json")


def error(response: Any) -> dict[str, Any]:
    body: dict[str, Any] = response.json()["error"]
    return body


def test_the_list_has_every_team_with_all_its_members(
    org: Organization,
    other_org: Organization,
    admin_member: Member,
    dispatcher: Member,
    technician: Member,
) -> None:
    gone = make_member(org, Role.TECHNICIAN, handle="gone")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    vakt = make_team(org, "Vakt", technician, gone)
    elektro = make_team(org, "Elektro")
    make_team(other_org, "Rör", make_member(other_org, handle="sven"))
    make_case(dispatcher, assignee_team=vakt)
    make_case(dispatcher, "Andre sak", assignee_team=vakt)

    response = login(admin_member).get("/api/teams")
    assert response.status_code == 200
    assert response.json() == {
        "teams": [
            {"id": elektro.pk, "name": "Elektro", "member_ids": [], "case_count": 0},
            {
                "id": vakt.pk,
                "name": "Vakt",
                # The administrator sees deactivated members too; /api/colleagues does not.
                "member_ids": sorted([technician.pk, gone.pk]),
                "case_count": 2,
            },
        ]
    }


def test_create_a_team(org: Organization, admin_member: Member, technician: Member) -> None:
    client = login(admin_member)
    response = post(client, "/api/teams", {"name": " Servicebil 2 ", "member_ids": [technician.pk]})
    assert response.status_code == 201
    team = Team.objects.get(organization=org, name="Servicebil 2")
    assert response.json() == {
        "id": team.pk,
        "name": "Servicebil 2",
        "member_ids": [technician.pk],
        "case_count": 0,
    }
    # Colleagues see it at once, and so does its member in their own teams.
    assert {"id": team.pk, "name": "Servicebil 2", "member_ids": [technician.pk]} in (
        client.get("/api/colleagues").json()["teams"]
    )
    assert login(technician).get("/api/me").json()["member"]["teams"] == [
        {"id": team.pk, "name": "Servicebil 2"}
    ]


def test_a_team_without_members(admin_member: Member) -> None:
    response = post(login(admin_member), "/api/teams", {"name": "Lager"})
    assert response.status_code == 201
    assert response.json()["member_ids"] == []


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"name": ""}, 400, "name"),
        ({}, 400, "name"),
        ({"name": "x" * 101}, 400, "name"),
        ({"name": "elektro"}, 409, "name"),
        ({"name": "Ny", "member_ids": "1"}, 400, "member_ids"),
        ({"name": "Ny", "member_ids": [999999]}, 404, "member_ids"),
        ({"name": "Ny", "colour": "red"}, 400, "colour"),
    ],
)
def test_creating_names_what_is_wrong(
    org: Organization, admin_member: Member, body: dict[str, Any], status: int, field: str
) -> None:
    make_team(org, "Elektro")
    response = post(login(admin_member), "/api/teams", body)
    assert response.status_code == status
    assert error(response)["field"] == field
    assert Team.objects.filter(organization=org).count() == 1


def test_a_member_of_another_organisation_cannot_join(
    org: Organization, other_org: Organization, admin_member: Member, technician: Member
) -> None:
    stranger = make_member(other_org, handle="sven")
    response = post(
        login(admin_member),
        "/api/teams",
        {"name": "Ny", "member_ids": [technician.pk, stranger.pk]},
    )
    assert response.status_code == 404
    assert error(response)["field"] == "member_ids"
    assert not Team.objects.filter(name="Ny").exists()


def test_the_same_name_in_another_organisation_is_no_conflict(
    other_org: Organization, admin_member: Member
) -> None:
    make_team(other_org, "Elektro")
    assert post(login(admin_member), "/api/teams", {"name": "Elektro"}).status_code == 201


def test_change_a_team(
    org: Organization, admin_member: Member, dispatcher: Member, technician: Member
) -> None:
    team = make_team(org, "Elektro", dispatcher)
    client = login(admin_member)
    response = patch(client, f"/api/teams/{team.pk}", {"name": "Elektro Øst"})
    assert response.status_code == 200
    assert response.json()["name"] == "Elektro Øst"
    assert response.json()["member_ids"] == [dispatcher.pk]

    # The list replaces the members.
    response = patch(client, f"/api/teams/{team.pk}", {"member_ids": [technician.pk]})
    assert response.json()["member_ids"] == [technician.pk]
    assert response.json()["name"] == "Elektro Øst"
    assert list(team.members.all()) == [technician]

    response = patch(client, f"/api/teams/{team.pk}", {"member_ids": []})
    assert response.json()["member_ids"] == []


def test_renaming_to_its_own_name_in_other_letters_is_allowed(
    org: Organization, admin_member: Member
) -> None:
    team = make_team(org, "elektro")
    response = patch(login(admin_member), f"/api/teams/{team.pk}", {"name": "Elektro"})
    assert response.status_code == 200
    assert response.json()["name"] == "Elektro"


def test_joining_a_team_shows_its_cases(
    org: Organization, admin_member: Member, dispatcher: Member, technician: Member
) -> None:
    team = make_team(org, "Elektro")
    case = make_case(dispatcher, assignee_team=team)
    lars = login(technician)
    assert lars.get(f"/api/cases/{case.pk}").status_code == 404
    patch(login(admin_member), f"/api/teams/{team.pk}", {"member_ids": [technician.pk]})
    assert lars.get(f"/api/cases/{case.pk}").status_code == 200


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"name": "Vakt"}, 409, "name"),
        ({"name": " "}, 400, "name"),
        ({"name": None}, 400, "name"),
        ({"member_ids": [1, "2"]}, 400, "member_ids"),
        ({"member_ids": [999999]}, 404, "member_ids"),
        ({"id": 5}, 400, "id"),
    ],
)
def test_changing_names_what_is_wrong(
    org: Organization,
    admin_member: Member,
    technician: Member,
    body: dict[str, Any],
    status: int,
    field: str,
) -> None:
    make_team(org, "Vakt")
    team = make_team(org, "Elektro", technician)
    response = patch(login(admin_member), f"/api/teams/{team.pk}", body)
    assert response.status_code == status
    assert error(response)["field"] == field
    team.refresh_from_db()
    assert team.name == "Elektro"
    assert list(team.members.all()) == [technician]


def test_delete_a_team(org: Organization, admin_member: Member, technician: Member) -> None:
    team = make_team(org, "Elektro", technician)
    client = login(admin_member)
    response = client.delete(f"/api/teams/{team.pk}")
    assert response.status_code == 204
    assert not Team.objects.filter(pk=team.pk).exists()
    assert client.get("/api/teams").json() == {"teams": []}
    # The members stay.
    assert Member.objects.filter(pk=technician.pk, is_active=True).exists()


def test_a_team_with_cases_is_not_deleted(
    org: Organization, admin_member: Member, dispatcher: Member
) -> None:
    team = make_team(org, "Elektro")
    first = make_case(dispatcher, "Første", assignee_team=team)
    second = make_case(dispatcher, "Andre", assignee_team=team)
    make_case(dispatcher, "Tredje")
    client = login(admin_member)
    response = client.delete(f"/api/teams/{team.pk}")
    assert response.status_code == 409
    assert error(response) == {
        "code": "team_in_use",
        "message": (
            "Saker tildelt dette teamet: 2. Tildel dem til noen andre før du sletter teamet."
        ),
        "field": "team",
    }
    assert Team.objects.filter(pk=team.pk).exists()

    # Once its cases are elsewhere, it goes.
    post(client, f"/api/cases/{second.pk}/assign", {"member": dispatcher.pk})
    assert error(client.delete(f"/api/teams/{team.pk}"))["message"].startswith(
        "Saker tildelt dette teamet: 1."
    )
    post(client, f"/api/cases/{first.pk}/assign", {"member": dispatcher.pk})
    assert client.delete(f"/api/teams/{team.pk}").status_code == 204


def test_a_team_of_another_organisation_is_not_found(
    admin_member: Member, other_org: Organization
) -> None:
    theirs = make_team(other_org, "Rör")
    client = login(admin_member)
    for team_id in (theirs.pk, 999999):
        response = patch(client, f"/api/teams/{team_id}", {"name": "Mine"})
        assert response.status_code == 404
        assert error(response)["field"] == "team"
        assert client.delete(f"/api/teams/{team_id}").status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Rör"


@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.TECHNICIAN])
def test_only_administrators_manage_teams(
    org: Organization, other_org: Organization, role: str
) -> None:
    member = make_member(org, role)
    team = make_team(org, "Elektro")
    client = login(member)
    assert client.get("/api/teams").status_code == 403
    assert post(client, "/api/teams", {"name": "Ny"}).status_code == 403
    # Refused before any lookup: a team of another organisation gets the same answer.
    for team_id in (team.pk, make_team(other_org, "Rör").pk):
        assert patch(client, f"/api/teams/{team_id}", {"name": "Mine"}).status_code == 403
        assert client.delete(f"/api/teams/{team_id}").status_code == 403
    assert list(Team.objects.filter(organization=org).values_list("name", flat=True)) == ["Elektro"]


def test_a_taken_team_name_is_named(org: Organization, admin_member: Member) -> None:
    make_team(org, "Elektro")
    response = post(login(admin_member), "/api/teams", {"name": "ELEKTRO"})
    assert error(response) == {
        "code": "team_name_taken",
        "message": "Det finnes allerede et team som heter «ELEKTRO».",
        "field": "name",
    }
