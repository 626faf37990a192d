"""Every change the mail gateway makes: a received mail onto its case, a bounce onto its
delivery, a mailbox's checkpoint, the development mailbox.

``do_receive_mail`` is idempotent: the same mail (by Message-ID, or by content when it has none)
stores nothing new however often it arrives — after an IMAP reconnect, a UIDVALIDITY change or
a second copy in another folder — and the mailbox checkpoint moves in the same transaction as
the mail, so a crash in between fetches it again rather than losing it.
"""

from __future__ import annotations

import io
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hub.accounts.models import Member, Organization
from hub.booking.actions.answers import take_answer
from hub.customers.models import Contact
from hub.errors import HubError
from hub.gateways.email.html import clean_mail_html
from hub.gateways.email.parse import InboundMail, MailPart
from hub.gateways.email.shown import shown_text
from hub.http import field_bool, field_str
from hub.mail.matching import match_case, sender_contacts
from hub.mail.models import DevMail, Kind, Mailbox, MailRecord, MailSettings, MatchedBy, Security
from hub.mail.secrets import encrypt
from hub.outbox.actions import record_bounce
from hub.outbox.models import Delivery, OutboundChannel
from hub.sizes import format_size
from hub.threads.actions._common import log_event
from hub.threads.actions.attachments import store_file
from hub.threads.actions.inbound import Sender, place_inbound
from hub.threads.actions.messages import do_receive_customer_message
from hub.threads.models import Attachment, Case, Channel, EventKind
from hub.threads.uploads import clean_name, sniff

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """Where the mail came from in its mailbox: advanced with the mail, never before."""

    mailbox_id: int
    uidvalidity: int
    uid: int


def do_receive_mail(
    organization: Organization,
    mail: InboundMail,
    raw: bytes,
    *,
    mailbox: Mailbox | None = None,
    checkpoint: Checkpoint | None = None,
) -> MailRecord:
    """Put one incoming mail where it belongs: a customer's words on their case (a new case in
    the unsorted queue when none matches), an out-of-office shown as such, a bounce onto the
    delivery it reports. Returns the record, the stored one when the mail came before."""
    try:
        with transaction.atomic():
            existing = _already_received(organization.pk, mail)
            if existing is not None:
                _advance(checkpoint)
                return existing
            record = _store_mail(organization, mail, raw, mailbox)
            _advance(checkpoint)
            return record
    except IntegrityError:
        # Another worker stored the same mail a moment ago (its row won the unique index).
        existing = _already_received(organization.pk, mail)
        if existing is None:
            raise
        with transaction.atomic():
            _advance(checkpoint)
        return existing


def _store_mail(
    organization: Organization, mail: InboundMail, raw: bytes, mailbox: Mailbox | None
) -> MailRecord:
    record = MailRecord(
        organization=organization,
        mailbox=mailbox,
        mail_id=(mail.message_id or "")[:255],
        references=[*mail.references, *mail.in_reply_to][-50:],
        content_hash=mail.content_hash,
        from_address=(mail.from_address or "")[:254],
        subject=mail.subject[:500],
        size=len(raw),
    )
    if mail.bounce is not None:
        _receive_bounce(record, mail)
    elif _is_our_own(mail):
        record.kind = Kind.IGNORED
    else:
        _receive_customer_mail(record, organization, mail)
    record.raw.save(record.content_hash, ContentFile(raw), save=False)
    record.save()
    return record


def _already_received(organization_id: int, mail: InboundMail) -> MailRecord | None:
    records = MailRecord.objects.filter(organization_id=organization_id)
    if mail.message_id:
        return records.filter(mail_id=mail.message_id[:255]).first()
    return records.filter(mail_id="", content_hash=mail.content_hash).first()


def _is_our_own(mail: InboundMail) -> bool:
    """Our own mail come back (a loop through a forwarding rule): never a customer's."""
    return (mail.message_id or "").endswith(f"@{settings.HUB_MAIL_DOMAIN}")


def _receive_bounce(record: MailRecord, mail: InboundMail) -> None:
    bounce = mail.bounce
    assert bounce is not None  # noqa: S101 - the caller checked
    record.kind = Kind.BOUNCE
    delivery = None
    if bounce.original_message_id:
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("case", "sent_by")
            .filter(
                organization_id=record.organization_id,
                channel=OutboundChannel.EMAIL,
                provider_id=bounce.original_message_id,
            )
            .first()
        )
    if delivery is None:
        logger.info("bounce for an unknown mail %s", bounce.original_message_id)
        return
    record.case = delivery.case
    record.matched_by = MatchedBy.DELIVERY
    reason = " ".join(part for part in (bounce.status, bounce.reason) if part)
    if bounce.permanent:
        record_bounce(delivery, reason or _("The receiving server refused the mail."))
    if delivery.case is None:
        return
    log_event(
        delivery.case,
        EventKind.MAIL_BOUNCED,
        recipient=delivery.recipient,
        reason=reason,
        permanent=bounce.permanent,
        message_id=delivery.message_id,
    )


def _receive_customer_mail(
    record: MailRecord, organization: Organization, mail: InboundMail
) -> None:
    contacts = sender_contacts(organization.pk, mail.from_address)
    match = match_case(
        organization.pk,
        addresses=[*mail.x_original_to, *mail.delivered_to, *mail.to, *mail.cc],
        message_ids=[*mail.references, *mail.in_reply_to],
        subject=mail.subject,
        sender_contacts=contacts,
        text=mail.text,
    )
    address = mail.from_address or ""
    case, contact = place_inbound(
        organization,
        match.case if match else None,
        contacts,
        Sender(name=mail.from_name or address or "?", email=address),
        unsorted_title=mail.subject,
    )
    record.case = case
    record.matched_by = match.matched_by if match else MatchedBy.NEW_CASE
    record.kind = Kind.AUTO_REPLY if mail.auto_reply else Kind.CUSTOMER
    with translation.override(organization.locale):
        files, notes = _store_parts(case, contact, mail.attachments)
        text = shown_text(mail.subject, mail.text)
        if notes:
            text = "\n".join([text, "", *notes]).strip()
        text = text or mail.subject.strip() or _("(no text)")
    cid_urls = {
        part.content_id: reverse("api:attachment-download", args=[stored.pk])
        for part, stored in files
        if part.content_id
    }
    message, new = do_receive_customer_message(
        case,
        contact,
        text=text[:20_000],
        channel=Channel.EMAIL,
        html=clean_mail_html(mail.raw_html, cid_urls=cid_urls) if mail.raw_html else "",
        attachments=[stored for _part, stored in files],
        automatic=bool(mail.auto_reply),
    )
    record.message = message
    if new:
        take_answer(message)


def _store_parts(
    case: Case, contact: Contact, parts: list[MailPart]
) -> tuple[list[tuple[MailPart, Attachment]], list[str]]:
    """The mail's files, under the same rules as uploads; a file refused is named in the
    message (the original mail keeps it) rather than silently missing."""
    stored: list[tuple[MailPart, Attachment]] = []
    notes: list[str] = []
    for part in parts:
        name = clean_name(part.filename)
        size = len(part.payload)
        try:
            content_type = sniff(
                io.BytesIO(part.payload), name, size, settings.HUB_UPLOAD_MAX_BYTES
            )
        except HubError as error:
            notes.append(
                _("[%(name)s (%(size)s) was not stored: %(reason)s]")
                % {"name": name, "size": format_size(size), "reason": error.message}
            )
            continue
        attachment = store_file(
            case,
            ContentFile(part.payload),
            name=name,
            content_type=content_type,
            size=size,
            contact=contact,
        )
        stored.append((part, attachment))
    return stored, notes


def _advance(checkpoint: Checkpoint | None) -> None:
    if checkpoint is None:
        return
    Mailbox.objects.filter(pk=checkpoint.mailbox_id).update(
        uidvalidity=checkpoint.uidvalidity, last_uid=checkpoint.uid, last_checked=timezone.now()
    )


def do_reset_checkpoint(mailbox: Mailbox, uidvalidity: int) -> None:
    """The server renumbered the folder (UIDVALIDITY changed): read it again from the start;
    what was stored already is recognised by Message-ID or content and not stored twice."""
    Mailbox.objects.filter(pk=mailbox.pk).update(uidvalidity=uidvalidity, last_uid=0)
    mailbox.uidvalidity, mailbox.last_uid = uidvalidity, 0


def claim_mailbox(mailbox_id: int, worker: str, seconds: float) -> bool:
    """Take or renew the lease on listening to a mailbox; False while another worker holds it."""
    now = timezone.now()
    free = Q(listener="") | Q(listener=worker) | Q(listener_until__lt=now)
    claimed = Mailbox.objects.filter(free, pk=mailbox_id, is_active=True).update(
        listener=worker, listener_until=now + timedelta(seconds=seconds)
    )
    return claimed == 1


def release_mailbox(mailbox_id: int, worker: str) -> None:
    Mailbox.objects.filter(pk=mailbox_id, listener=worker).update(listener="", listener_until=None)


def do_record_mailbox_error(mailbox_id: int, error: str) -> None:
    """What went wrong last, for the settings page; "" when the mailbox works again."""
    Mailbox.objects.filter(pk=mailbox_id).update(last_error=error[:2000])


def record_dev_mail(delivery: Delivery, sender: str, subject: str, raw: bytes) -> DevMail:
    """The development transport: the mail stays here, shown at /dev/mail."""
    return DevMail.objects.create(
        organization_id=delivery.organization_id,
        delivery=delivery,
        sender=sender,
        recipient=delivery.recipient,
        subject=subject[:500],
        raw=raw,
    )


SETTINGS_TEXT_FIELDS = ("from_address", "reply_address", "smtp_host", "smtp_username")


def do_set_mail_settings(actor: Member, data: Mapping[str, Any]) -> MailSettings:
    """The administrator's mail settings; a password given is stored encrypted, one left out
    stays as it was, ``""`` removes it."""
    with transaction.atomic():
        current, _created = MailSettings.objects.select_for_update().get_or_create(
            organization_id=actor.organization_id
        )
        for name in SETTINGS_TEXT_FIELDS:
            if name in data:
                setattr(current, name, field_str(data, name).strip())
        if "smtp_port" in data:
            current.smtp_port = _port(data, "smtp_port")
        if "smtp_security" in data:
            current.smtp_security = field_str(data, "smtp_security")
        if "track_opens" in data:
            current.track_opens = field_bool(data, "track_opens")
        if "smtp_password" in data:
            current.smtp_password_encrypted = encrypt(field_str(data, "smtp_password"))
        _validate(current)
        current.save()
    return current


def do_add_mailbox(actor: Member, data: Mapping[str, Any]) -> Mailbox:
    """A mailbox to listen to; the gateway worker starts on it within half a minute."""
    mailbox = Mailbox(
        organization_id=actor.organization_id,
        name=field_str(data, "name").strip(),
        host=field_str(data, "host").strip(),
        port=_port(data, "port") if "port" in data else 993,
        security=field_str(data, "security", default=Security.TLS),
        username=field_str(data, "username").strip(),
        password_encrypted=encrypt(field_str(data, "password")),
        folder=field_str(data, "folder", default="INBOX").strip() or "INBOX",
    )
    if mailbox.security == Security.STARTTLS:
        raise HubError(
            _("Connect to the mailbox with TLS (usually port 993); STARTTLS is not offered."),
            field="security",
        )
    _validate(mailbox)
    mailbox.save()
    return mailbox


def _port(data: Mapping[str, Any], name: str) -> int:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 65536:
        raise HubError(_("%(field)s must be a port number.") % {"field": name}, field=name)
    return value


def _validate(row: MailSettings | Mailbox) -> None:
    try:
        row.full_clean(exclude=["organization"])
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise HubError(" ".join(messages), field=field) from None


LOGO_TYPES = {"image/png", "image/jpeg", "image/gif"}
LOGO_MAX_BYTES = 512 * 1024


def do_set_logo(actor: Member, upload: UploadedFile[bytes] | None) -> MailSettings:
    """The logo at the top of the organisation's mail; ``None`` removes it. A PNG, JPEG or GIF
    (read from its bytes) of at most 512 kB: it travels inside every mail."""
    content_type = ""
    if upload is not None:
        name = clean_name(upload.name or "logo")
        content_type = sniff(upload, name, upload.size or 0, LOGO_MAX_BYTES)
        if content_type not in LOGO_TYPES:
            raise HubError(_("A logo is a PNG, JPEG or GIF image."), field="logo")
    with transaction.atomic():
        current, _created = MailSettings.objects.select_for_update().get_or_create(
            organization_id=actor.organization_id
        )
        old = current.logo.name if current.logo else ""
        if upload is None:
            current.logo = None
        else:
            extension = content_type.split("/")[1].replace("jpeg", "jpg")
            current.logo.save(
                f"{actor.organization_id}-{secrets.token_hex(8)}.{extension}", upload, save=False
            )
        current.save()
    if old:
        current.logo.storage.delete(old)
    return current
