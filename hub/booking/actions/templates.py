"""An organisation's own booking texts: saving one, and going back to the hub's default.

Administrators only, as in Serviceprotokoll: a template speaks for the company to every
customer. A template is checked when saved (known tags, a text, sizes), so sending never meets
a broken one.
"""

from __future__ import annotations

from typing import Final

from django.db import transaction
from django.utils.translation import gettext as _

from hub.accounts.models import Member, Role
from hub.booking.models import SendChannel, Template
from hub.booking.tags import check_template
from hub.booking.texts import check_purpose_channel
from hub.errors import Forbidden, HubError

SUBJECT_MAX: Final = 200  # Template.subject's column
# Ten SMS segments and more is a letter sent by mistake; a letter's text fills about four pages.
BODY_MAX: Final = {SendChannel.SMS.value: 2_000}
BODY_MAX_OTHER: Final = 20_000


def body_max(channel: str) -> int:
    return BODY_MAX.get(channel, BODY_MAX_OTHER)


def check_can_edit_templates(actor: Member) -> None:
    if actor.role != Role.ADMIN:
        raise Forbidden(_("Only administrators may change the texts sent to customers."))


def do_save_template(
    actor: Member, purpose: str, channel: str, subject: str, body: str
) -> Template:
    """The organisation's text for ``purpose`` by ``channel``, made or replaced."""
    check_can_edit_templates(actor)
    check_purpose_channel(purpose, channel)
    # An SMS has no subject: one kept would look as if it were sent. A subject is one line.
    subject = "" if channel == SendChannel.SMS else " ".join(subject.split())
    body = _clean(body)
    if len(subject) > SUBJECT_MAX:
        raise HubError(
            _("The subject is at most %(limit)s characters.") % {"limit": SUBJECT_MAX},
            field="subject",
        )
    if len(body) > body_max(channel):
        raise HubError(
            _("The text is at most %(limit)s characters.") % {"limit": body_max(channel)},
            field="body",
        )
    check_template(subject, body)
    with transaction.atomic():
        # update_or_create locks the row and retries a lost race on the unique constraint.
        template, _created = Template.objects.update_or_create(
            organization_id=actor.organization_id,
            purpose=purpose,
            channel=channel,
            defaults={"subject": subject, "body": body, "updated_by": actor},
        )
    return template


def do_reset_template(actor: Member, purpose: str, channel: str) -> None:
    """Back to the hub's default, which follows the organisation's language from now on."""
    check_can_edit_templates(actor)
    check_purpose_channel(purpose, channel)
    with transaction.atomic():
        Template.objects.filter(
            organization_id=actor.organization_id, purpose=purpose, channel=channel
        ).delete()


def _clean(text: str) -> str:
    """Line ends as the hub stores them (a browser's form sends CRLF), no blank edges."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()
