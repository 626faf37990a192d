"""The customer portal's doors: the link (``/p/<token>``), the page (``/p/``), asking for a
new link, and the JSON doors the page uses (``/api/portal/…``).

A portal session is made when a link is opened: the link's id goes into the session and the
browser is sent on to ``/p/``, so the token leaves the address bar (and the history, and any
referrer). Every door then checks the link again (``access_session``): a lock, a revocation or
a hidden case takes effect on the next request. The doors answer in the organisation's language
and zone, whoever else is logged in in the same browser.
"""

from __future__ import annotations

import functools
import mimetypes
import zoneinfo
from collections.abc import Callable
from typing import Any, Concatenate

from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_POST

from hub.errors import HubError, NotFound
from hub.files import received_file, stored_file_response
from hub.http import (
    check_fields,
    created,
    error_response,
    field_id,
    field_ids,
    field_optional_str,
    field_str,
    method_not_allowed,
    query_int,
    read_json,
)
from hub.mail.logo import organization_logo
from hub.portal.access import (
    FRESH_LINK_HELPS,
    SESSION_LINK,
    SESSION_REFUSED,
    PortalAccess,
    PortalClosed,
    Refusal,
    access_link,
    access_portal_attachable,
    access_portal_file,
    access_portal_message,
    access_session,
    find_link,
    portal_messages,
    refusal_message,
    refusal_of,
    refused_link,
)
from hub.portal.actions import (
    do_answer_booking,
    do_mark_read_by_customer,
    do_open_link,
    do_post_portal_message,
    do_send_fresh_link,
)
from hub.portal.models import PortalLink
from hub.portal.payloads import (
    booking_of,
    booking_payload,
    file_payload,
    message_payload,
    view_payload,
)
from hub.threads.actions.attachments import do_upload_attachment
from hub.threads.models import Message
from hub.web.catalog import catalog_url

MESSAGE_PAGE = 50
MAX_MESSAGE_PAGE = 200

type PortalDoor = Callable[Concatenate[HttpRequest, PortalAccess, ...], Any]
type View = Callable[..., HttpResponseBase]


def _private(response: HttpResponseBase, referrer: str = "same-origin") -> HttpResponseBase:
    """Kept by no cache; no address of ours sent to another site. (Not ``no-referrer`` on the
    pages: a browser then sends ``Origin: null`` with a form, which CSRF protection refuses.)"""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = referrer
    return response


def _in_language_of(link: PortalLink | None, request: HttpRequest) -> translation.override:
    """The organisation's language; for a link nobody knows, the browser's."""
    if link is not None:
        return translation.override(link.organization.locale)
    return translation.override(translation.get_language_from_request(request))


def portal_view(*methods: str) -> Callable[[PortalDoor], View]:
    """A JSON door of the portal: the session's link must hold (else 401, or 403 with the
    reason as the code: ``portal_locked``, ``portal_expired``…), then as ``json_view``."""

    def decorate(view: PortalDoor) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            try:
                access = access_session(request.session)
            except PortalClosed as closed:
                with _in_language_of(closed.link, request):
                    return _private(error_response(PortalClosed(closed.refusal, closed.link)))
            if request.method not in methods:
                return method_not_allowed(methods)
            organization = access.organization
            zone = zoneinfo.ZoneInfo(organization.time_zone)
            with translation.override(organization.locale), timezone.override(zone):
                try:
                    result = view(request, access, *args, **kwargs)
                except HubError as error:
                    result = error_response(error)
            response = (
                result if isinstance(result, HttpResponseBase) else JsonResponse(result, safe=False)
            )
            response.headers.setdefault("Content-Language", organization.locale)
            return _private(response)

        return wrapper

    return decorate


# --- Pages ----------------------------------------------------------------------------------


@require_GET
def open_link(request: HttpRequest, token: str) -> HttpResponseBase:
    """The link from a mail or SMS. Whatever becomes of it, the browser goes on to ``/p/``:
    the token is not left in the address bar."""
    session = request.session
    session.pop(SESSION_LINK, None)
    session.pop(SESSION_REFUSED, None)
    link = find_link(token)
    if link is not None:
        if refusal_of(link) is None:
            session.cycle_key()  # a new session key for the new access: no fixation
            session[SESSION_LINK] = link.pk
            do_open_link(PortalAccess(link))
        else:
            session[SESSION_REFUSED] = link.pk
    return _private(HttpResponseRedirect(reverse("portal-page")), referrer="no-referrer")


@require_GET
@ensure_csrf_cookie
def page(request: HttpRequest) -> HttpResponseBase:
    """The portal: the case, its conversation and its booking; or, when the session's link no
    longer holds, why, and what the customer can do about it."""
    access = _page_access(request)
    if isinstance(access, PortalClosed):
        return _closed_page(request, access)
    organization = access.organization
    zone = zoneinfo.ZoneInfo(organization.time_zone)
    with translation.override(organization.locale), timezone.override(zone):
        messages, has_more = _newest(access, MESSAGE_PAGE)
        context = {
            "boot": view_payload(access, messages, has_more),
            "catalog_url": catalog_url(organization.locale),
            "language": organization.locale,
        }
        response = render(request, "portal/page.html", context)
    response["Content-Language"] = organization.locale
    return _private(response)


def _page_access(request: HttpRequest) -> PortalAccess | PortalClosed:
    """The session's access, or why there is none. A link that was refused and holds again
    (the contact was let in again) opens the portal; a link that stopped holding is kept as the
    refused one, so the page can offer a fresh link."""
    session = request.session
    try:
        return access_session(session)
    except PortalClosed as closed:
        refusal = closed
    if refusal.link is not None:
        session.pop(SESSION_LINK, None)
        session[SESSION_REFUSED] = refusal.link.pk
    link = refused_link(session)
    if link is None:
        return refusal
    try:
        access = access_link(link.pk)
    except PortalClosed as closed:
        return closed
    session.cycle_key()
    session.pop(SESSION_REFUSED, None)
    session[SESSION_LINK] = link.pk
    return access


def _closed_page(
    request: HttpRequest, closed: PortalClosed, *, sent_to: str = "", error: str = ""
) -> HttpResponseBase:
    link = closed.link
    with _in_language_of(link, request):
        context = {
            "organization": link.organization.name if link else "",
            "language": translation.get_language(),
            "refusal": str(closed.refusal),
            "message": refusal_message(closed.refusal, link),
            "offer_fresh_link": link is not None and closed.refusal in FRESH_LINK_HELPS,
            "sent_to": sent_to,
            "error": error,
        }
        response = render(
            request,
            "portal/closed.html",
            context,
            status=404 if closed.refusal == Refusal.UNKNOWN else 403,
        )
    return _private(response)


@require_POST
def new_link(request: HttpRequest) -> HttpResponseBase:
    """The closed page's button: a fresh link to the contact's own number or address."""
    link = refused_link(request.session)
    if link is None:
        return _closed_page(request, PortalClosed(Refusal.UNKNOWN))
    refusal = refusal_of(link) or Refusal.EXPIRED
    with _in_language_of(link, request):
        try:
            fresh = do_send_fresh_link(link)
        except PortalClosed as closed:
            return _closed_page(request, closed)
        except HubError as error:
            return _closed_page(request, PortalClosed(refusal, link), error=error.message)
    return _closed_page(request, PortalClosed(refusal, link), sent_to=fresh.sent_to)


# --- JSON doors -----------------------------------------------------------------------------


def _newest(access: PortalAccess, limit: int) -> tuple[list[Message], bool]:
    page_ = list(portal_messages(access).order_by("-pk")[: limit + 1])
    return list(reversed(page_[:limit])), len(page_) > limit


@portal_view("GET")
def case(request: HttpRequest, access: PortalAccess) -> Any:
    """Everything the page shows first: the organisation, the case, the booking, the newest
    messages (the same as the page carries)."""
    messages, has_more = _newest(access, MESSAGE_PAGE)
    return view_payload(access, messages, has_more)


@portal_view("GET", "POST")
def messages(request: HttpRequest, access: PortalAccess) -> Any:
    """GET ``?before=<id>`` (older, for scrolling back) or ``?after=<id>`` (newer, to catch up
    after a dropped connection): ``{"results", "has_more"}``, oldest first. POST ``{"text",
    "client_id"?, "attachments"?: [ids]}``: the customer writes."""
    if request.method == "POST":
        return _post(request, access)
    before = query_int(request, "before")
    after = query_int(request, "after")
    if before is not None and after is not None:
        raise HubError(_("Ask for messages before or after an id, not both."), field="before")
    limit = max(1, min(query_int(request, "limit") or MESSAGE_PAGE, MAX_MESSAGE_PAGE))
    thread = portal_messages(access)
    if after is not None:
        rows = list(thread.filter(pk__gt=after).order_by("pk")[: limit + 1])
        more = len(rows) > limit
        rows = rows[:limit]
    else:
        if before is not None:
            thread = thread.filter(pk__lt=before)
        rows = list(thread.order_by("-pk")[: limit + 1])
        more = len(rows) > limit
        rows = list(reversed(rows[:limit]))
    return {"results": [message_payload(access, m) for m in rows], "has_more": more}


def _post(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    data = read_json(request)
    check_fields(data, ("text", "client_id", "attachments"))
    client_id = field_optional_str(data, "client_id")
    attachments = access_portal_attachable(access, field_ids(data, "attachments"), client_id)
    message, new = do_post_portal_message(
        access,
        text=field_str(data, "text", default=""),
        client_id=client_id,
        attachments=attachments,
    )
    stored = portal_messages(access).get(pk=message.pk)
    body = {"message": message_payload(access, stored)}
    return created(body) if new else JsonResponse(body)


@portal_view("POST")
def attachments(request: HttpRequest, access: PortalAccess) -> Any:
    """A photo from the phone's camera, or any file of the kinds the hub takes (multipart,
    field ``file``), to send with the next message. The hub's upload limits apply."""
    attachment = do_upload_attachment(access.contact, access.case, received_file(request))
    return created(file_payload(attachment))


@portal_view("GET")
def download(request: HttpRequest, access: PortalAccess, attachment_id: int) -> Any:
    """A file of the case the customer may open (``access_portal_file``)."""
    attachment = access_portal_file(access, attachment_id)
    return stored_file_response(attachment.file, attachment.name, attachment.content_type)


@portal_view("POST")
def read(request: HttpRequest, access: PortalAccess) -> Any:
    """``{"message_id"}``: the customer has had the messages up to it on screen."""
    data = read_json(request)
    check_fields(data, ("message_id",))
    message_id = field_id(data, "message_id")
    if message_id is None:
        raise HubError(_("%(field)s is required.") % {"field": "message_id"}, field="message_id")
    access_portal_message(access, message_id)
    marked = do_mark_read_by_customer(access, message_id)
    return {"marked": [message.pk for message in marked]}


@portal_view("POST")
def booking(request: HttpRequest, access: PortalAccess) -> Any:
    """``{"answer": "confirm" | "another_time", "text"?}``: one tap on the booking."""
    data = read_json(request)
    check_fields(data, ("answer", "text"))
    _booking, message = do_answer_booking(
        access, field_str(data, "answer"), field_str(data, "text", default="")
    )
    stored = portal_messages(access).get(pk=message.pk)
    return {
        "booking": booking_payload(access.organization, booking_of(access)),
        "message": message_payload(access, stored),
    }


@portal_view("GET")
def logo(request: HttpRequest, access: PortalAccess) -> Any:
    """The organisation's logo (the one of its mail), for the portal's header."""
    logo = organization_logo(access.organization.pk)
    if logo is None:
        raise NotFound(_("No logo."))
    content_type = mimetypes.guess_type(logo.name or "")[0] or "image/png"
    response = FileResponse(logo.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
