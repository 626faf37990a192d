"""A delivery as the mail that leaves: headers that thread it, text and HTML, its files.

Threading headers follow what mail clients do: ``In-Reply-To``/``References`` point at the
customer's last mail on the case (or, before they ever wrote, at our previous mail to them), so
the conversation stays one thread in their client; the ``Reply-To`` names the case and is signed,
so their answer finds the case whatever they do to the subject.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import linebreaks, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from hub.mail.addresses import reply_address, subject_tag
from hub.mail.models import Kind, MailRecord, MailSettings
from hub.outbox.models import Delivery
from hub.portal.links import delivery_link
from hub.threads.models import Attachment, Case

LOGO_CID = "logo@hub"
MAX_REFERENCES = 20


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    sender: str
    recipients: list[str]
    message: EmailMessage


def compose(delivery: Delivery) -> OutgoingMail:
    """Precondition: a delivery of the e-mail channel, freshly loaded (with its case: every
    mail is about a case)."""
    case = delivery.case
    if case is None:
        raise ValueError(f"delivery {delivery.pk}: a mail needs a case")
    organization = case.organization
    mail_settings = MailSettings.objects.filter(organization=organization).first()
    language = (
        delivery.recipient_member.user.language or organization.locale
        if delivery.recipient_member
        else organization.locale
    )
    with translation.override(language):
        if delivery.purpose == "message":
            message = _customer_mail(delivery, case, mail_settings, language)
        else:
            message = _notification_mail(delivery, case, language)
    sender = (mail_settings.from_address if mail_settings else "") or settings.HUB_MAIL_FROM
    message["From"] = Address(organization.name, addr_spec=sender)
    message["To"] = Address(delivery.recipient_name, addr_spec=delivery.recipient)
    message["Message-ID"] = f"<{delivery.provider_id}>"
    message["Date"] = format_datetime(timezone.now())
    message["Content-Language"] = language
    if delivery.automatic:
        # RFC 3834; the second one keeps Exchange's out-of-office from answering.
        message["Auto-Submitted"] = "auto-generated"
        message["X-Auto-Response-Suppress"] = "All"
    return OutgoingMail(sender, [delivery.recipient], message)


def _customer_mail(
    delivery: Delivery, case: Case, mail_settings: MailSettings | None, language: str
) -> EmailMessage:
    message_row = delivery.message
    assert message_row is not None  # noqa: S101 - a customer mail always carries a message
    organization = case.organization
    files = list(message_row.attachments.all())
    if delivery.extra_files:
        files += list(Attachment.objects.filter(case=case, pk__in=delivery.extra_files))
    sender_name = delivery.sent_by.display_name if delivery.sent_by else ""
    subject = f"{delivery.subject or case.title} {subject_tag(case)}"
    footer = _("Case %(reference)s. Just reply to this e-mail to answer.") % {
        "reference": case.reference
    }
    logo = mail_settings.logo if mail_settings and mail_settings.logo else None
    pixel = ""
    if mail_settings is None or mail_settings.track_opens:
        pixel = f"{settings.HUB_PUBLIC_URL}/hooks/mail/opened/{delivery.token}.gif"
    # A case the customer sees in the portal: the mail carries a link of its own to it.
    link = delivery_link(delivery) or ""
    context = {
        "language": language,
        "subject": subject,
        "organization": organization.name,
        "sender": sender_name,
        "text": message_row.text,
        "body_html": _text_as_html(message_row.text),
        "files": [file.name for file in files],
        "footer": footer,
        "reference": case.reference,
        "logo_cid": LOGO_CID if logo else "",
        "pixel": pixel,
        "link": link,
        "link_label": _("See the case in the customer portal") if link else "",
    }
    mail = EmailMessage()
    mail["Subject"] = subject
    base = mail_settings.reply_address if mail_settings else ""
    mail["Reply-To"] = Address(organization.name, addr_spec=reply_address(case, base))
    _thread_headers(mail, delivery, case)
    mail.set_content(render_to_string("mail/message.txt", context))
    mail.add_alternative(render_to_string("mail/message.html", context), subtype="html")
    if logo:
        html_part = mail.get_body(preferencelist=("html",))
        with logo.open("rb") as handle:
            data = handle.read()
        if isinstance(html_part, EmailMessage):
            html_part.add_related(data, "image", _image_subtype(data), cid=f"<{LOGO_CID}>")
    for file in files:
        with file.file.open("rb") as handle:
            maintype, _slash, subtype = file.content_type.partition("/")
            mail.add_attachment(handle.read(), maintype, subtype, filename=file.name)
    return mail


def _notification_mail(delivery: Delivery, case: Case, language: str) -> EmailMessage:
    actor = delivery.sent_by.display_name if delivery.sent_by else _("Someone")
    intros = {
        "mention": _("%(actor)s mentioned you on %(reference)s %(title)s"),
        "assigned": _("%(actor)s assigned %(reference)s %(title)s to you"),
        "customer_replied": _("The customer replied on %(reference)s %(title)s"),
        "booking_changed": _("The booking changed on %(reference)s %(title)s"),
    }
    intro = intros.get(delivery.purpose, _("News on %(reference)s %(title)s")) % {
        "actor": actor,
        "reference": case.reference,
        "title": case.title,
    }
    text = delivery.message.text if delivery.message else ""
    link = f"{settings.HUB_PUBLIC_URL}/cases/{case.pk}/"
    context = {
        "language": language,
        "subject": intro,
        "organization": case.organization.name,
        "sender": "",
        "intro": intro,
        "text": text,
        "body_html": _text_as_html(text),
        "files": [],
        "link": link,
        "link_label": _("Open the case"),
        "footer": _("You get this e-mail because of your notification settings in the hub."),
        "logo_cid": "",
        "pixel": "",
    }
    mail = EmailMessage()
    mail["Subject"] = f"{subject_tag(case)} {intro}"
    mail.set_content(render_to_string("mail/notification.txt", context))
    mail.add_alternative(render_to_string("mail/message.html", context), subtype="html")
    return mail


def _thread_headers(mail: EmailMessage, delivery: Delivery, case: Case) -> None:
    last = (
        MailRecord.objects.filter(case=case, kind=Kind.CUSTOMER)
        .exclude(mail_id="")
        .order_by("-id")
        .only("mail_id", "references")
        .first()
    )
    if last is not None:
        parent, chain = last.mail_id, [*last.references, last.mail_id]
    else:
        previous = (
            Delivery.objects.filter(case=case, recipient=delivery.recipient, purpose="message")
            .exclude(pk=delivery.pk)
            .filter(pk__lt=delivery.pk, channel=delivery.channel)
            .order_by("-id")
            .values_list("provider_id", flat=True)
            .first()
        )
        if not previous:
            return
        parent, chain = previous, [previous]
    mail["In-Reply-To"] = f"<{parent}>"
    mail["References"] = " ".join(f"<{ref}>" for ref in chain[-MAX_REFERENCES:])


def _text_as_html(text: str) -> SafeString:
    """Paragraphs and links of plain text; everything else escaped."""
    return mark_safe(linebreaks(urlize(text, nofollow=True, autoescape=True)))  # noqa: S308


def _image_subtype(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "png"
    if data.startswith(b"GIF8"):
        return "gif"
    return "jpeg"
