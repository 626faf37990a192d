"""Correcting an internal note after it was written."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hub.accounts.models import Member
from hub.errors import Conflict, Forbidden
from hub.events import send_event_on_commit
from hub.notify.actions import notify
from hub.threads.actions._common import case_watchers, log_event
from hub.threads.actions.messages import clean_text, publish_mentions
from hub.threads.events import MessageUpdated
from hub.threads.mentions import resolve_mentions
from hub.threads.models import Audience, Case, EventKind, Mention, Message
from hub.threads.payloads import message_payload


def do_edit_note(actor: Member, case: Case, message: Message, text: str) -> Message:
    """The author corrects their own internal note; colleagues newly ``@``-mentioned are told.

    A message to the customer cannot be changed: it has already gone out by e-mail, SMS or the
    portal, and the thread must show what the customer was sent."""
    if message.case_id != case.pk:
        raise Conflict(_("That message is not on this case."))
    if message.audience != Audience.INTERNAL:
        raise Conflict(_("A message to the customer cannot be changed once it is sent."))
    if message.author_member_id != actor.pk:
        raise Forbidden(_("Only the author may change a note."))
    text = clean_text(text)
    if text == message.text:
        return message
    with transaction.atomic():
        before = message.text
        message.text = text
        message.edited = timezone.now()
        message.save(update_fields=["text", "edited"])
        already = set(message.mentions.values_list("member_id", flat=True))
        added = [
            member
            for member in resolve_mentions(case.organization_id, text)
            if member.pk != actor.pk and member.pk not in already
        ]
        Mention.objects.bulk_create(
            Mention(organization_id=case.organization_id, case=case, message=message, member=m)
            for m in added
        )
        notify("mention", added, case=case, message=message, actor_member=actor)
        log_event(
            case, EventKind.MESSAGE_EDITED, member=actor, message_id=message.pk, before=before
        )
        payload = message_payload(message)
        event: MessageUpdated = {
            "type": "message.updated",
            "organization_id": case.organization_id,
            "case_id": case.pk,
            "message": payload,
        }
        send_event_on_commit(event, case_watchers(case))
        publish_mentions(case, payload, [member.pk for member in added])
    return message
