"""The JSON doors of booking texts: the editor's list with its tag help, saving and resetting
(administrators), and a preview against a real case (anyone who may see the case).

Labels and tag help come in the member's language; the texts themselves in the organisation's,
since that is what customers read.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from hub.accounts.models import Member, Role
from hub.booking.actions.templates import (
    SUBJECT_MAX,
    body_max,
    do_reset_template,
    do_save_template,
)
from hub.booking.models import Purpose, SendChannel
from hub.booking.tags import tag_help
from hub.booking.texts import (
    CHANNELS_OF_PURPOSE,
    TemplateText,
    check_purpose_channel,
    default_text,
    preview,
    template_texts,
    unknown_tags_of,
)
from hub.errors import NotFound
from hub.gateways.sms.segments import segments
from hub.http import field_optional_str, field_str, json_view, read_json
from hub.threads.access import access_case


def template_payload(text: TemplateText) -> dict[str, Any]:
    return {
        "purpose": text.purpose,
        "purpose_label": str(Purpose(text.purpose).label),
        "channel": text.channel,
        "channel_label": str(SendChannel(text.channel).label),
        "has_subject": text.channel != SendChannel.SMS,
        "subject": text.subject,
        "body": text.body,
        "is_default": text.is_default,
        "subject_max": SUBJECT_MAX,
        "body_max": body_max(text.channel),
    }


@json_view("GET")
def templates(request: HttpRequest, member: Member) -> Any:
    """Every purpose and channel, for any member to read; ``can_edit`` says whether the
    editor may save."""
    return {
        "can_edit": member.role == Role.ADMIN,
        "templates": [template_payload(t) for t in template_texts(member.organization)],
        "tags": tag_help(),
    }


@json_view("PUT", "DELETE")
def template_detail(request: HttpRequest, member: Member, purpose: str, channel: str) -> Any:
    """PUT ``{"subject", "body"}`` saves the organisation's text; DELETE goes back to the
    default."""
    _check_exists(purpose, channel)
    if request.method == "DELETE":
        do_reset_template(member, purpose, channel)
        subject, body = default_text(member.organization, purpose, channel)
        return template_payload(TemplateText(purpose, channel, subject, body, True))
    data = read_json(request)
    saved = do_save_template(
        member,
        purpose,
        channel,
        subject=field_str(data, "subject", default=""),
        body=field_str(data, "body"),
    )
    return template_payload(TemplateText(purpose, channel, saved.subject, saved.body, False))


@json_view("POST")
def template_preview(request: HttpRequest, member: Member, case_id: int) -> Any:
    """``{"purpose", "channel", "subject"?, "body"?}``: the text as the case's customer would
    read it; without subject or body, the current template's. Tags the hub does not know are
    left standing and listed, so the editor can point at them before saving refuses them."""
    data = read_json(request)
    case = access_case(member, case_id)
    purpose, channel = field_str(data, "purpose"), field_str(data, "channel")
    check_purpose_channel(purpose, channel)
    subject = field_optional_str(data, "subject")
    body = field_optional_str(data, "body")
    rendered = preview(case, purpose, channel, subject, body)
    answer: dict[str, Any] = {
        "subject": rendered.subject,
        "body": rendered.body,
        "unknown_tags": unknown_tags_of(subject or "", body or ""),
    }
    if channel == SendChannel.SMS:
        parts = segments(rendered.body)
        answer["segments"] = {
            "encoding": parts.encoding,
            "units": parts.units,
            "count": parts.count,
            "per_segment": parts.per_segment,
            "remaining": parts.remaining,
        }
    return answer


def _check_exists(purpose: str, channel: str) -> None:
    """A path naming no text is not found (the body's fields are refused with the field)."""
    if channel not in CHANNELS_OF_PURPOSE.get(purpose, ()):
        raise NotFound(_("No such text."))
