"""What a portal session may see: one case, through one link, while the link holds.

A link holds while it is neither revoked nor expired, its contact is not locked out, and its
case is visible in the portal. Every portal door and the portal socket ask again on every
request (``access_link``), so a lock, a revocation or a hidden case takes effect at once.

Refusals say what a person can act on and nothing more: an unknown token says only that the
link does not work, never whether a case or a contact exists behind it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hub.accounts.models import Organization
from hub.customers.models import Contact
from hub.errors import HubError, NotFound
from hub.portal.models import PortalLink
from hub.portal.tokens import hash_token, looks_like_token
from hub.threads.models import Attachment, Audience, Case, Message

# The session's one link (a portal session sees exactly one case), and the link that was
# refused when it was opened (expired or revoked: the page offers to send a fresh one).
SESSION_LINK = "hub.portal.link"
SESSION_REFUSED = "hub.portal.refused"


class Refusal(StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    REVOKED = "revoked"
    LOCKED = "locked"
    HIDDEN = "hidden"


# A fresh link helps only where the link itself is the problem.
FRESH_LINK_HELPS = frozenset({Refusal.EXPIRED, Refusal.REVOKED})


class PortalClosed(HubError):
    """No portal session, or the one there is no longer holds. ``refusal`` says why."""

    status = 403
    code = "portal_closed"

    def __init__(self, refusal: Refusal, link: PortalLink | None = None) -> None:
        super().__init__(refusal_message(refusal, link), code=f"portal_{refusal}")
        self.refusal = refusal
        self.link = link
        if refusal == Refusal.UNKNOWN:
            self.status = 401  # type: ignore[misc]


def refusal_message(refusal: Refusal, link: PortalLink | None) -> str:
    if refusal == Refusal.EXPIRED:
        return _("This link has run out.")
    if refusal == Refusal.REVOKED:
        return _("This link has been withdrawn.")
    if refusal == Refusal.LOCKED:
        name = link.organization.name if link is not None else ""
        return _("Your access to the portal is closed. Please contact %(organization)s.") % {
            "organization": name
        }
    if refusal == Refusal.HIDDEN:
        return _("There is nothing to show here any more.")
    return _("This link does not work. Open the newest link we sent you.")


@dataclass(frozen=True, slots=True)
class PortalAccess:
    """A link that holds, with its case and contact loaded."""

    link: PortalLink

    @property
    def case(self) -> Case:
        return self.link.case

    @property
    def contact(self) -> Contact:
        return self.link.contact

    @property
    def organization(self) -> Organization:
        return self.link.organization


def _links() -> QuerySet[PortalLink]:
    return PortalLink.objects.select_related(
        "organization", "case__organization", "case__customer", "contact"
    )


def refusal_of(link: PortalLink) -> Refusal | None:
    """Why ``link`` does not open its case now, or None when it does. A locked contact or a
    hidden case outranks the link's own state: a fresh link would not help there."""
    case = link.case
    contact = link.contact
    if contact.portal_locked:
        return Refusal.LOCKED
    if (
        not case.portal_visible
        or case.customer_id is None
        or contact.customer_id != case.customer_id
        or contact.organization_id != case.organization_id
    ):
        return Refusal.HIDDEN
    if link.revoked is not None:
        return Refusal.REVOKED
    if link.expires <= timezone.now():
        return Refusal.EXPIRED
    return None


def find_link(token: str) -> PortalLink | None:
    """The link of ``token``, found by the token's hash: the token is never compared or stored
    as it is."""
    if not looks_like_token(token):
        return None
    return _links().filter(token_hash=hash_token(token)).first()


def access_token(token: str) -> PortalAccess:
    link = find_link(token)
    if link is None:
        raise PortalClosed(Refusal.UNKNOWN)
    return _holding(link)


def access_link(link_id: object) -> PortalAccess:
    """The session's link, checked again. ``link_id`` as the session holds it."""
    if not isinstance(link_id, int) or isinstance(link_id, bool):
        raise PortalClosed(Refusal.UNKNOWN)
    link = _links().filter(pk=link_id).first()
    if link is None:
        raise PortalClosed(Refusal.UNKNOWN)
    return _holding(link)


def access_session(session: Mapping[str, Any]) -> PortalAccess:
    return access_link(session.get(SESSION_LINK))


def refused_link(session: Mapping[str, Any]) -> PortalLink | None:
    """The link the session was refused with, if any (for the refusal page and a fresh link)."""
    link_id = session.get(SESSION_REFUSED)
    if not isinstance(link_id, int) or isinstance(link_id, bool):
        return None
    return _links().filter(pk=link_id).first()


def _holding(link: PortalLink) -> PortalAccess:
    refusal = refusal_of(link)
    if refusal is not None:
        raise PortalClosed(refusal, link)
    return PortalAccess(link)


def portal_messages(access: PortalAccess) -> QuerySet[Message]:
    """What the customer sees of the case's conversation: its customer-audience messages,
    never an internal note."""
    return (
        Message.objects.filter(
            organization_id=access.case.organization_id,
            case=access.case,
            audience=Audience.CUSTOMER,
        )
        .select_related("author_member", "author_contact")
        .prefetch_related("attachments")
    )


def access_portal_message(access: PortalAccess, message_id: int) -> Message:
    message = portal_messages(access).filter(pk=message_id).first()
    if message is None:
        raise NotFound(_("No such message."), field="message_id")
    return message


def access_portal_file(access: PortalAccess, attachment_id: int) -> Attachment:
    """A file the customer may open: one on a customer-audience message of their case, or
    their own upload that waits to be sent."""
    attachment = (
        Attachment.objects.filter(
            pk=attachment_id,
            organization_id=access.case.organization_id,
            case=access.case,
        )
        .filter(
            Q(message__audience=Audience.CUSTOMER)
            | Q(message=None, uploaded_by_contact=access.contact)
        )
        .first()
    )
    if attachment is None:
        raise NotFound(_("No such file."))
    return attachment


def access_portal_attachable(
    access: PortalAccess, ids: list[int], client_id: str | None
) -> list[Attachment]:
    """The contact's own uploads on the case that may go with the message they post: still
    free, or already sent with this very ``client_id`` (a resend)."""
    wanted = list(dict.fromkeys(ids))
    contact = access.contact
    free = Q(message=None)
    if client_id:
        free |= Q(message__client_id=client_id, message__author_contact=contact)
    files = list(
        Attachment.objects.filter(
            pk__in=wanted, case=access.case, uploaded_by_contact=contact
        ).filter(free)
    )
    if len(files) != len(wanted):
        raise HubError(_("One of the files cannot be attached here."), field="attachments")
    return files
