"""The JSON doors of cases and conversations: parse, authorise, call an action, answer."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from hub.accounts.models import Member
from hub.customers.access import access_contact, access_customer
from hub.errors import HubError, NotFound
from hub.files import received_file, stored_file_response
from hub.gateways.sms.segments import to_gsm7
from hub.http import (
    check_fields,
    created,
    field_bool,
    field_datetime,
    field_id,
    field_ids,
    field_optional_str,
    field_str,
    field_texts,
    json_view,
    query_int,
    read_json,
)
from hub.threads import inbox
from hub.threads.access import (
    access_attachable,
    access_attachment,
    access_case,
    access_case_files,
    access_colleague,
    access_team,
)
from hub.threads.actions.attachments import do_upload_attachment
from hub.threads.actions.cases import (
    do_assign_case,
    do_change_deadline,
    do_change_priority,
    do_change_status,
    do_create_case,
    do_set_customer_channel,
    do_set_portal_visible,
    do_take_over_case,
)
from hub.threads.actions.edits import do_edit_note
from hub.threads.actions.messages import do_mark_read, do_post_message
from hub.threads.actions.sorting import do_keep_case, do_move_message
from hub.threads.models import Attachment, Case, Channel, Event, Message, ReadMarker
from hub.threads.payloads import (
    attachment_payload,
    case_payload,
    event_payload,
    message_payload,
    timestamp,
)

MESSAGE_PAGE = 50
MAX_MESSAGE_PAGE = 200


@json_view("GET", "POST")
def cases(request: HttpRequest, member: Member) -> Any:
    if request.method == "POST":
        return _create_case(request, member)
    limit = query_int(request, "limit")
    statuses = tuple(s for s in request.GET.get("status", "").split(",") if s)
    page = inbox.list_inbox(
        member,
        inbox.InboxQuery(
            assigned=request.GET.get("assigned") or None,
            team=request.GET.get("team") or None,
            statuses=statuses,
            mentions=request.GET.get("mentions") in ("1", "true"),
            unread=request.GET.get("unread") in ("1", "true"),
            unsorted=request.GET.get("unsorted") in ("1", "true"),
            booking=request.GET.get("booking") or None,
            search=request.GET.get("q", ""),
            cursor=request.GET.get("cursor") or None,
            limit=inbox.DEFAULT_PAGE if limit is None else limit,
        ),
    )
    return {"results": page.rows, "next_cursor": page.next_cursor}


def _create_case(request: HttpRequest, member: Member) -> JsonResponse:
    data = read_json(request)
    customer_id = field_id(data, "customer")
    contact_id = field_id(data, "contact")
    member_id = field_id(data, "assignee_member")
    team_id = field_id(data, "assignee_team")
    case = do_create_case(
        member,
        title=field_str(data, "title", default=""),
        customer=None if customer_id is None else access_customer(member, customer_id),
        contact=None if contact_id is None else access_contact(member, contact_id),
        assignee_member=None if member_id is None else access_colleague(member, member_id),
        assignee_team=None if team_id is None else access_team(member, team_id),
        priority=field_str(data, "priority", default="normal"),
        deadline=field_datetime(data, "deadline"),
        portal_visible=field_bool(data, "portal_visible"),
        customer_channel=field_bool(data, "customer_channel"),
        external_reference=field_str(data, "external_reference", default=""),
    )
    return created(case_payload(case))


@json_view("GET", "PATCH")
def case_detail(request: HttpRequest, member: Member, case_id: int) -> Any:
    if request.method == "PATCH":
        return _update_case(request, member, case_id)
    case = access_case(member, case_id)
    markers = ReadMarker.objects.filter(case=case).select_related("member").order_by("member_id")
    mine = next((m.last_read_message_id for m in markers if m.member_id == member.pk), 0)
    return {
        "case": case_payload(case),
        "unread_count": Message.objects.filter(case=case, pk__gt=mine)
        .exclude(author_member=member)
        .count(),
        "read_markers": [
            {
                "member_id": m.member_id,
                "name": m.member.display_name,
                "last_read_message_id": m.last_read_message_id,
                "updated": timestamp(m.updated),
            }
            for m in markers
        ],
    }


# One action per field, applied in this order; each is its own transaction and event.
CASE_FIELDS = ("status", "priority", "deadline", "customer_channel", "portal_visible")


def _update_case(request: HttpRequest, member: Member, case_id: int) -> Any:
    data = read_json(request)
    check_fields(data, CASE_FIELDS)
    case = access_case(member, case_id)
    if "status" in data:
        case = do_change_status(member, case, field_str(data, "status"))
    if "priority" in data:
        case = do_change_priority(member, case, field_str(data, "priority"))
    if "deadline" in data:
        case = do_change_deadline(member, case, field_datetime(data, "deadline"))
    if "customer_channel" in data:
        case = do_set_customer_channel(member, case, field_bool(data, "customer_channel"))
    if "portal_visible" in data:
        case = do_set_portal_visible(member, case, field_bool(data, "portal_visible"))
    return {"case": case_payload(case)}


@json_view("POST")
def assign(request: HttpRequest, member: Member, case_id: int) -> Any:
    data = read_json(request)
    member_id = field_id(data, "member")
    team_id = field_id(data, "team")
    case = access_case(member, case_id)
    case = do_assign_case(
        member,
        case,
        member=None if member_id is None else access_colleague(member, member_id),
        team=None if team_id is None else access_team(member, team_id),
    )
    return {"case": case_payload(case)}


@json_view("POST")
def take_over(request: HttpRequest, member: Member, case_id: int) -> Any:
    case = do_take_over_case(member, access_case(member, case_id))
    return {"case": case_payload(case)}


@json_view("GET", "POST")
def messages(request: HttpRequest, member: Member, case_id: int) -> Any:
    case = access_case(member, case_id)
    if request.method == "POST":
        return _post_message(request, member, case)
    before = query_int(request, "before")
    after = query_int(request, "after")
    if before is not None and after is not None:
        raise HubError(_("Ask for messages before or after an id, not both."), field="before")
    limit = max(1, min(query_int(request, "limit") or MESSAGE_PAGE, MAX_MESSAGE_PAGE))
    thread = Message.objects.filter(case=case).select_related("author_member", "author_contact")
    thread = thread.prefetch_related("attachments", "mentions", "deliveries")
    if after is not None:
        page = list(thread.filter(pk__gt=after).order_by("pk")[: limit + 1])
        more = len(page) > limit
        page = page[:limit]
    else:
        if before is not None:
            thread = thread.filter(pk__lt=before)
        page = list(thread.order_by("-pk")[: limit + 1])
        more = len(page) > limit
        page = list(reversed(page[:limit]))
    return {"results": [message_payload(m) for m in page], "has_more": more}


def _post_message(request: HttpRequest, member: Member, case: Case) -> HttpResponse:
    data = read_json(request)
    attachment_ids = field_ids(data, "attachments")
    client_id = field_optional_str(data, "client_id")
    attachments = access_attachable(member, case, attachment_ids, client_id)
    channel = field_str(data, "channel", default=Channel.WEB)
    text = field_str(data, "text")
    if channel == Channel.SMS and field_bool(data, "gsm7"):
        # The sender chose to trade typographic characters for the cheaper GSM-7 segments.
        text = to_gsm7(text)
    message, is_new = do_post_message(
        member,
        case,
        audience=field_str(data, "audience"),
        text=text,
        html=field_optional_str(data, "html") or "",
        client_id=client_id,
        attachments=attachments,
        channel=channel,
        to=field_texts(data, "to"),
        files=access_case_files(case, field_ids(data, "files")),
    )
    return JsonResponse(message_payload(message), status=201 if is_new else 200)


@json_view("PATCH")
def message_detail(request: HttpRequest, member: Member, case_id: int, message_id: int) -> Any:
    """Correct an internal note: ``{"text": "..."}``."""
    case = access_case(member, case_id)
    message = Message.objects.filter(case=case, pk=message_id).first()
    if message is None:
        raise NotFound(_("No such message."))
    message = do_edit_note(member, case, message, field_str(read_json(request), "text"))
    return message_payload(message)


@json_view("POST")
def mark_read(request: HttpRequest, member: Member, case_id: int) -> Any:
    data = read_json(request)
    message_id = field_id(data, "message_id")
    if message_id is None:
        raise HubError(_("%(field)s is required.") % {"field": "message_id"}, field="message_id")
    case = access_case(member, case_id)
    marker = do_mark_read(member, case, message_id)
    return {"case_id": case.pk, "last_read_message_id": marker.last_read_message_id}


@json_view("GET", "POST")
def attachments(request: HttpRequest, member: Member, case_id: int) -> Any:
    case = access_case(member, case_id)
    if request.method == "GET":
        files = Attachment.objects.filter(case=case).order_by("pk")
        return {"results": [attachment_payload(a) for a in files]}
    attachment = do_upload_attachment(member, case, received_file(request))
    return created(attachment_payload(attachment))


@json_view("GET")
def attachment_download(request: HttpRequest, member: Member, attachment_id: int) -> Any:
    attachment = access_attachment(member, attachment_id)
    return stored_file_response(attachment.file, attachment.name, attachment.content_type)


@json_view("GET")
def events(request: HttpRequest, member: Member, case_id: int) -> Any:
    case = access_case(member, case_id)
    log = Event.objects.filter(case=case).select_related("actor_member", "actor_contact")
    return {"results": [event_payload(e) for e in log.order_by("pk")]}


@json_view("POST")
def keep_case(request: HttpRequest, member: Member, case_id: int) -> Any:
    """An unsorted case is a real one: out of the unsorted queue."""
    return {"case": case_payload(do_keep_case(member, access_case(member, case_id)))}


@json_view("POST")
def move_message(request: HttpRequest, member: Member, case_id: int, message_id: int) -> Any:
    """Move a customer's message from an unsorted case to ``{"case_id": …}``."""
    case = access_case(member, case_id)
    message = (
        Message.objects.filter(case=case, pk=message_id).select_related("author_contact").first()
    )
    if message is None:
        raise NotFound(_("No such message."))
    target_id = field_id(read_json(request), "case_id")
    if target_id is None:
        raise HubError(_("%(field)s is required.") % {"field": "case_id"}, field="case_id")
    moved = do_move_message(member, message, access_case(member, target_id))
    return {"message_id": moved.pk, "case_id": moved.case_id}
