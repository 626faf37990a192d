"""The members and teams an administrator manages, fetched from their own organisation.

Every query starts from the actor's organisation: a member or team of another organisation is
"not found", never "forbidden", so nothing about it leaks. Whether the actor may manage them at
all is ``hub.accounts.actions.check_can_manage_*``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Prefetch
from django.utils.translation import gettext as _

from hub.accounts.models import Member, Team
from hub.errors import NotFound


def access_member(actor: Member, member_id: int) -> Member:
    """Any member of the actor's organisation, active or not."""
    found = (
        Member.objects.filter(pk=member_id, organization_id=actor.organization_id)
        .select_related("user")
        .first()
    )
    if found is None:
        raise NotFound(_("No such member."), field="member")
    return found


def access_members(actor: Member, member_ids: Iterable[int], *, field: str) -> list[Member]:
    """All of ``member_ids``, each a member (active or not) of the actor's organisation, in the
    order given; one that is not answers "not found" for ``field``."""
    wanted = list(dict.fromkeys(member_ids))
    found = {
        m.pk: m for m in Member.objects.filter(organization_id=actor.organization_id, pk__in=wanted)
    }
    if len(found) != len(wanted):
        raise NotFound(_("No such member."), field=field)
    return [found[pk] for pk in wanted]


def access_team(actor: Member, team_id: int) -> Team:
    team = Team.objects.filter(pk=team_id, organization_id=actor.organization_id).first()
    if team is None:
        raise NotFound(_("No such team."), field="team")
    return team


def list_members(actor: Member) -> list[Member]:
    """Every member of the organisation, deactivated ones too, with their login and teams."""
    return list(
        Member.objects.filter(organization_id=actor.organization_id)
        .select_related("user")
        .prefetch_related(Prefetch("teams", queryset=Team.objects.only("pk")))
        .order_by("display_name", "pk")
    )


def list_teams(actor: Member) -> list[Team]:
    """Every team of the organisation with all its members (deactivated ones too) and how many
    cases are assigned to it (``case_count``)."""
    return list(
        Team.objects.filter(organization_id=actor.organization_id)
        .annotate(case_count=Count("assigned_cases"))
        .prefetch_related(Prefetch("members", queryset=Member.objects.only("pk")))
        .order_by("name", "pk")
    )
