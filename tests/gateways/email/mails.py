"""Mails as customers' clients write them, built for the tests that need one particular shape."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from django.utils import timezone


def customer_mail(
    text: str = "Det passer fint, vi er hjemme.",
    *,
    sender: str = "Kari Nordmann <kunde@example.no>",
    to: str = "post@nordlys.example",
    subject: str = "Re: Montering av elbillader",
    message_id: str | None = "",
    in_reply_to: str | None = None,
    references: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, bytes]] = (),  # type: ignore[assignment]
) -> bytes:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = format_datetime(timezone.now())
    if message_id is not None:
        mail["Message-ID"] = message_id or make_msgid(domain="example.no")
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to
    if references:
        mail["References"] = references
    for name, value in (headers or {}).items():
        mail[name] = value
    mail.set_content(text)
    for name, content_type, data in attachments:
        maintype, _slash, subtype = content_type.partition("/")
        mail.add_attachment(data, maintype, subtype, filename=name)
    return mail.as_bytes()
