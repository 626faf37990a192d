"""The JSON doors of the administrator's settings screen: the organisation's members, its teams
and its basics. Administrators only: the others are refused before any row is looked up."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from hub.accounts.access import (
    access_member,
    access_members,
    access_team,
    list_members,
    list_teams,
)
from hub.accounts.actions import (
    check_can_manage_members,
    check_can_manage_organization,
    check_can_manage_teams,
    do_add_member,
    do_change_member,
    do_change_organization,
    do_change_team,
    do_create_team,
    do_delete_team,
)
from hub.accounts.middleware import member_language
from hub.accounts.models import Member
from hub.accounts.payloads import member_payload, organization_payload, team_payload
from hub.http import (
    check_fields,
    created,
    field_bool,
    field_ids,
    field_optional_str,
    field_str,
    json_view,
    read_json,
)

NEW_MEMBER_FIELDS = ("username", "email", "name", "handle", "role", "phone", "password")
MEMBER_FIELDS = ("role", "name", "handle", "phone", "is_active")
TEAM_FIELDS = ("name", "member_ids")
ORGANIZATION_FIELDS = ("name", "locale", "time_zone", "case_prefix")


def _optional_str(data: Mapping[str, Any], name: str) -> str | None:
    """A text field that may be left out; sent, it must be text (null is refused)."""
    return field_str(data, name) if name in data else None


# --- Members ------------------------------------------------------------------------------------


@json_view("GET", "POST")
def members(request: HttpRequest, member: Member) -> Any:
    """GET: every member, deactivated ones too. POST: add a person (see ``do_add_member``)."""
    check_can_manage_members(member)
    if request.method == "POST":
        data = read_json(request)
        check_fields(data, NEW_MEMBER_FIELDS)
        added = do_add_member(
            member,
            username=field_str(data, "username"),
            email=field_str(data, "email"),
            name=field_str(data, "name"),
            role=field_str(data, "role"),
            handle=field_optional_str(data, "handle"),
            phone=field_optional_str(data, "phone") or "",
            password=field_optional_str(data, "password"),
        )
        return created(
            {
                "member": member_payload(added.member),
                "temporary_password": added.temporary_password,
                "existing_user": added.existing_user,
            }
        )
    return {"members": [member_payload(m) for m in list_members(member)]}


@json_view("PATCH")
def member_detail(request: HttpRequest, member: Member, member_id: int) -> Any:
    check_can_manage_members(member)
    colleague = access_member(member, member_id)
    data = read_json(request)
    check_fields(data, MEMBER_FIELDS)
    changed = do_change_member(
        member,
        colleague,
        role=_optional_str(data, "role"),
        name=_optional_str(data, "name"),
        handle=_optional_str(data, "handle"),
        phone=_optional_str(data, "phone"),
        is_active=field_bool(data, "is_active") if "is_active" in data else None,
    )
    return member_payload(changed)


# --- Teams --------------------------------------------------------------------------------------


def _team_members(member: Member, data: Mapping[str, Any]) -> list[Member] | None:
    if "member_ids" not in data:
        return None
    return access_members(member, field_ids(data, "member_ids"), field="member_ids")


@json_view("GET", "POST")
def teams(request: HttpRequest, member: Member) -> Any:
    check_can_manage_teams(member)
    if request.method == "POST":
        data = read_json(request)
        check_fields(data, TEAM_FIELDS)
        team = do_create_team(
            member, name=field_str(data, "name"), members=_team_members(member, data) or []
        )
        return created(team_payload(team))
    return {"teams": [team_payload(team) for team in list_teams(member)]}


@json_view("PATCH", "DELETE")
def team_detail(request: HttpRequest, member: Member, team_id: int) -> Any:
    check_can_manage_teams(member)
    team = access_team(member, team_id)
    if request.method == "DELETE":
        do_delete_team(member, team)
        return HttpResponse(status=204)
    data = read_json(request)
    check_fields(data, TEAM_FIELDS)
    team = do_change_team(
        member, team, name=_optional_str(data, "name"), members=_team_members(member, data)
    )
    return team_payload(team)


# --- The organisation ---------------------------------------------------------------------------


@json_view("GET", "PATCH")
def organization_settings(request: HttpRequest, member: Member) -> Any:
    """The organisation's name, language, time zone and case number prefix; its country and
    slug are shown, not changed. The answer to a new language is already in it."""
    check_can_manage_organization(member)
    if request.method == "GET":
        return organization_payload(member.organization)
    data = read_json(request)
    check_fields(data, ORGANIZATION_FIELDS)
    organization = do_change_organization(
        member,
        name=_optional_str(data, "name"),
        locale=_optional_str(data, "locale"),
        time_zone=_optional_str(data, "time_zone"),
        case_prefix=_optional_str(data, "case_prefix"),
    )
    translation.activate(member_language(member))
    return organization_payload(organization)
