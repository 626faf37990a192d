"""The portal's own live event. Customer-safe by construction: it names only the case."""

from __future__ import annotations

from typing import Literal, TypedDict

from hub.events import portal_case_group, send_event_on_commit
from hub.threads.models import Case


class PortalClosedEvent(TypedDict):
    """A contact was locked out, links were revoked or the case was hidden: open portal pages
    of the case ask again whether they may stay, and close if not."""

    type: Literal["portal.closed"]
    organization_id: int
    case_id: int
    customer_safe: Literal[True]


def publish_portal_closed(case: Case) -> None:
    """Precondition: inside the transaction of the change."""
    event: PortalClosedEvent = {
        "type": "portal.closed",
        "organization_id": case.organization_id,
        "case_id": case.pk,
        "customer_safe": True,
    }
    send_event_on_commit(event, [portal_case_group(case.organization_id, case.pk)])
