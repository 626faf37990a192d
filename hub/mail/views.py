"""The JSON doors of mail: the original of a received mail, the organisation's mail settings
and mailboxes (administrators), and the development mailbox."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _

from hub.accounts.models import Member, Role
from hub.errors import Forbidden, HubError, NotFound
from hub.http import json_view, read_json
from hub.mail.actions import do_add_mailbox, do_set_logo, do_set_mail_settings
from hub.mail.models import Mailbox, MailRecord, MailSettings
from hub.threads.access import access_case


def _check_admin(member: Member) -> None:
    if member.role != Role.ADMIN:
        raise Forbidden(_("Only administrators may change mail settings."))


@json_view("GET")
def original(request: HttpRequest, member: Member, case_id: int, message_id: int) -> Any:
    """The mail exactly as it came, for when the shown text left out something that mattered."""
    case = access_case(member, case_id)
    record = MailRecord.objects.filter(case=case, message_id=message_id).first()
    if record is None or not record.raw:
        raise NotFound(_("This message did not come by e-mail."))
    return FileResponse(
        record.raw.open("rb"),
        as_attachment=True,
        filename=f"{case.reference}-{message_id}.eml",
        content_type="message/rfc822",
    )


def settings_payload(mail_settings: MailSettings) -> dict[str, Any]:
    return {
        "from_address": mail_settings.from_address,
        "reply_address": mail_settings.reply_address,
        "smtp_host": mail_settings.smtp_host,
        "smtp_port": mail_settings.smtp_port,
        "smtp_security": mail_settings.smtp_security,
        "smtp_username": mail_settings.smtp_username,
        # Never the password itself: only whether one is stored.
        "smtp_password_set": bool(mail_settings.smtp_password_encrypted),
        "track_opens": mail_settings.track_opens,
        "has_logo": bool(mail_settings.logo),
    }


def mailbox_payload(mailbox: Mailbox) -> dict[str, Any]:
    return {
        "id": mailbox.pk,
        "name": mailbox.name,
        "host": mailbox.host,
        "port": mailbox.port,
        "security": mailbox.security,
        "username": mailbox.username,
        "password_set": bool(mailbox.password_encrypted),
        "folder": mailbox.folder,
        "is_active": mailbox.is_active,
        "last_error": mailbox.last_error,
        "last_checked": mailbox.last_checked.isoformat() if mailbox.last_checked else None,
    }


@json_view("GET", "PUT")
def mail_settings(request: HttpRequest, member: Member) -> Any:
    _check_admin(member)
    if request.method == "PUT":
        return settings_payload(do_set_mail_settings(member, read_json(request)))
    current = MailSettings.objects.filter(organization_id=member.organization_id).first()
    return settings_payload(current or MailSettings(organization_id=member.organization_id))


@json_view("POST", "DELETE")
def logo(request: HttpRequest, member: Member) -> Any:
    """Upload the logo (multipart, field ``logo``) or remove it."""
    _check_admin(member)
    upload = request.FILES.get("logo") if request.method == "POST" else None
    if request.method == "POST" and upload is None:
        raise HubError(_("Send the image as the form field “logo”."), field="logo")
    return settings_payload(do_set_logo(member, upload))


@json_view("GET", "POST")
def mailboxes(request: HttpRequest, member: Member) -> Any:
    _check_admin(member)
    if request.method == "POST":
        return mailbox_payload(do_add_mailbox(member, read_json(request)))
    rows = Mailbox.objects.filter(organization_id=member.organization_id).order_by("name")
    return {"results": [mailbox_payload(row) for row in rows]}
