"""What the case actions share: the event log and the case-level events."""

from __future__ import annotations

from typing import Any

from hub.accounts.models import Member
from hub.customers.models import Contact
from hub.events import (
    Group,
    case_group,
    inbox_group,
    member_group,
    send_event_on_commit,
    team_group,
)
from hub.threads.events import CaseUpdated
from hub.threads.models import Case, Event, EventKind
from hub.threads.payloads import case_payload


def log_event(
    case: Case,
    kind: EventKind,
    *,
    member: Member | None = None,
    contact: Contact | None = None,
    **data: Any,
) -> Event:
    return Event.objects.create(
        organization_id=case.organization_id,
        case=case,
        kind=kind,
        actor_member=member,
        actor_contact=contact,
        data=data,
    )


def case_watchers(case: Case) -> list[Group]:
    """Who hears of a case's changes: the staff who see every case, whoever has it open, and
    its assignee (a technician's sockets join their member and team groups, not the inbox)."""
    organization_id = case.organization_id
    groups = [inbox_group(organization_id), case_group(organization_id, case.pk)]
    if case.assignee_member_id is not None:
        groups.append(member_group(organization_id, case.assignee_member_id))
    if case.assignee_team_id is not None:
        groups.append(team_group(organization_id, case.assignee_team_id))
    return groups


def assignee_groups(
    member_id: int | None, team_id: int | None, organization_id: int
) -> list[Group]:
    groups = []
    if member_id is not None:
        groups.append(member_group(organization_id, member_id))
    if team_id is not None:
        groups.append(team_group(organization_id, team_id))
    return groups


def publish_case_updated(case: Case, changes: list[str], also: list[Group] | None = None) -> None:
    """``also``: groups that must hear of it besides the case's watchers now, e.g. the assignee
    the case was just taken from."""
    event: CaseUpdated = {
        "type": "case.updated",
        "organization_id": case.organization_id,
        "case_id": case.pk,
        "case": case_payload(case),
        "changes": changes,
    }
    send_event_on_commit(event, [*case_watchers(case), *(also or [])])
