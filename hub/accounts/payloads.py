"""How members, teams and the organisation look as JSON on the administrator's settings screen."""

from __future__ import annotations

from typing import Any, TypedDict

from django.db.models import Prefetch

from hub.accounts.middleware import member_language
from hub.accounts.models import Member, Organization, Team


class MemberPayload(TypedDict):
    id: int
    name: str
    handle: str
    role: str
    email: str
    username: str
    phone: str
    is_active: bool
    # The member's own choice; "" means the organisation's language.
    language: str
    team_ids: list[int]


class TeamPayload(TypedDict):
    id: int
    name: str
    member_ids: list[int]
    # Cases assigned to the team: a team with any cannot be deleted.
    case_count: int


class OrganizationPayload(TypedDict):
    id: int
    name: str
    slug: str
    country: str
    locale: str
    time_zone: str
    case_prefix: str


def member_payload(member: Member) -> MemberPayload:
    """Precondition: ``user`` selected and ``teams`` prefetched when serialising many."""
    return {
        "id": member.pk,
        "name": member.display_name,
        "handle": member.handle,
        "role": member.role,
        "email": member.user.email,
        "username": member.user.username,
        "phone": member.phone,
        "is_active": member.is_active,
        "language": member.user.language,
        "team_ids": sorted(team.pk for team in member.teams.all()),
    }


def team_payload(team: Team) -> TeamPayload:
    """Precondition: ``members`` prefetched and ``case_count`` annotated when serialising many
    (``hub.accounts.access.list_teams``)."""
    case_count = getattr(team, "case_count", None)
    return {
        "id": team.pk,
        "name": team.name,
        "member_ids": sorted(member.pk for member in team.members.all()),
        "case_count": team.assigned_cases.count() if case_count is None else case_count,
    }


def organization_payload(organization: Organization) -> OrganizationPayload:
    return {
        "id": organization.pk,
        "name": organization.name,
        "slug": organization.slug,
        "country": organization.country,
        "locale": organization.locale,
        "time_zone": organization.time_zone,
        "case_prefix": organization.case_prefix,
    }


def me_payload(member: Member) -> dict[str, Any]:
    organization = member.organization
    memberships = Member.objects.filter(user_id=member.user_id, is_active=True).select_related(
        "organization"
    )
    return {
        "member": {
            "id": member.pk,
            "name": member.display_name,
            "handle": member.handle,
            "role": member.role,
            "language": member_language(member),
            "teams": list(member.teams.order_by("name").values("id", "name")),
        },
        "organization": {
            "id": organization.pk,
            "name": organization.name,
            "locale": organization.locale,
            "time_zone": organization.time_zone,
            "country": organization.country,
            "case_prefix": organization.case_prefix,
        },
        "organizations": [
            {"id": m.organization_id, "name": m.organization.name, "role": m.role}
            for m in memberships.order_by("organization__name")
        ],
    }


def colleagues_payload(member: Member) -> dict[str, Any]:
    members = Member.objects.filter(organization_id=member.organization_id, is_active=True)
    teams = Team.objects.filter(organization_id=member.organization_id)
    return {
        "members": [
            {"id": m.pk, "name": m.display_name, "handle": m.handle, "role": m.role}
            for m in members.order_by("display_name")
        ],
        "teams": [
            {"id": t.pk, "name": t.name, "member_ids": [m.pk for m in t.members.all()]}
            for t in teams.prefetch_related(
                Prefetch("members", queryset=Member.objects.filter(is_active=True).order_by("pk"))
            ).order_by("name")
        ],
    }
