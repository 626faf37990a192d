"""What the case actions share: the event log and the case-level events."""

from __future__ import annotations

from typing import Any

from hub.accounts.models import Member
from hub.customers.models import Contact
from hub.events import case_group, inbox_group, send_event_on_commit
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


def publish_case_updated(case: Case, changes: list[str]) -> None:
    event: CaseUpdated = {
        "type": "case.updated",
        "organization_id": case.organization_id,
        "case_id": case.pk,
        "case": case_payload(case),
        "changes": changes,
    }
    send_event_on_commit(
        event, [inbox_group(case.organization_id), case_group(case.organization_id, case.pk)]
    )
