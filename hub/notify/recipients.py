"""Who a case's notifications are for. Only reads."""

from __future__ import annotations

from hub.accounts.models import Member
from hub.threads.models import Case


def assignees(case: Case) -> list[Member]:
    """The case's assigned member, or the active members of its team: the people whose case
    it is. Nobody for an unassigned case.

    Precondition: ``case`` carries the assignee it has now (call after saving a change)."""
    if case.assignee_member is not None:
        return [case.assignee_member]
    if case.assignee_team is not None:
        return list(case.assignee_team.members.filter(is_active=True).order_by("pk"))
    return []
