"""The staff's portal doors: a link to hand the case's contact, revoking a case's links, and a
contact's portal access (CleanManager's lock)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from hub.accounts.models import Member
from hub.customers.access import access_contact
from hub.errors import HubError
from hub.http import check_fields, created, field_bool, json_view, read_json
from hub.portal.actions import do_issue_link, do_revoke_links, do_set_portal_locked
from hub.threads.access import access_case


@json_view("POST", "DELETE")
def case_portal_link(request: HttpRequest, member: Member, case_id: int) -> Any:
    """POST: a new link for the case's contact, ``{"url", "expires"}`` (the address is shown
    this once: only its hash is kept). DELETE: every link to the case stops working."""
    case = access_case(member, case_id)
    if request.method == "DELETE":
        return {"revoked": do_revoke_links(member, case)}
    check_fields(read_json(request), ())
    issued = do_issue_link(member, case)
    return created({"url": issued.url, "expires": issued.link.expires.isoformat()})


@json_view("POST")
def contact_portal(request: HttpRequest, member: Member, contact_id: int) -> Any:
    """``{"locked": bool}``: lock the contact out of the portal, or let them in again."""
    contact = access_contact(member, contact_id)
    data = read_json(request)
    check_fields(data, ("locked",))
    if "locked" not in data:
        raise HubError(_("%(field)s is required.") % {"field": "locked"}, field="locked")
    contact = do_set_portal_locked(member, contact, field_bool(data, "locked"))
    return {"id": contact.pk, "name": contact.name, "portal_locked": contact.portal_locked}
