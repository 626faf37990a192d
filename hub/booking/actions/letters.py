"""The letters folder (PowerCatch's "brevbooking"): booking letters as PDFs, waiting to be
printed and posted. A printed letter is removed from the folder, so the folder shows what has
not gone out yet; the letter's text stays on the case as the message that was sent."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import asdict

from babel.dates import format_date
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from hub.accounts.models import Member
from hub.booking.actions._common import zone_of
from hub.booking.letter_pdf import LetterContent, render_letter, render_letters
from hub.booking.models import Booking, Letter
from hub.booking.texts import Rendered, tag_values
from hub.mail.logo import organization_logo
from hub.threads.access import check_can_manage
from hub.threads.actions._common import log_event
from hub.threads.models import EventKind, Message


def write_letter(
    booking: Booking, message: Message, rendered: Rendered, actor: Member | None
) -> Letter:
    """Precondition: inside the transaction that posts ``message``."""
    content = letter_content(booking, rendered)
    written = asdict(content)
    del written["logo"]
    letter = Letter(
        organization_id=booking.organization_id,
        case=booking.case,
        message=message,
        token=secrets.token_hex(16),
        name=f"{booking.case.reference}-{booking.code}.pdf",
        content=written,
        created_by=actor,
    )
    letter.file.save(letter.name, ContentFile(render_letter(content)), save=False)
    letter.save()
    return letter


def letter_content(booking: Booking, rendered: Rendered) -> LetterContent:
    case = booking.case
    organization = case.organization
    customer = case.customer
    contact = case.contact
    logo = logo_of(organization.pk)
    town = " ".join(p for p in (customer.postal_code, customer.city) if p) if customer else ""
    street = customer.street if customer else ""
    with override(organization.locale):
        code_label = _("Booking code")
        reference = _("Case %(reference)s") % {"reference": case.reference}
    today = timezone.now().astimezone(zone_of(organization)).date()
    return LetterContent(
        sender_name=organization.name,
        sender_lines=(),
        logo=logo,
        recipient_name=(contact.name if contact else "") or (customer.name if customer else ""),
        recipient_lines=tuple(line for line in (street, town) if line),
        place_date=format_date(today, format="long", locale=organization.locale),
        reference=reference,
        subject=rendered.subject,
        body=rendered.body,
        code_label=code_label,
        booking_code=booking.code,
        reply_instructions=tag_values(booking, "letter")["replyInstructions"],
    )


def do_remove_letter(actor: Member, letter: Letter) -> None:
    """Printed and posted: out of the folder. The message on the case keeps what was sent."""
    check_can_manage(actor)
    with transaction.atomic():
        log_event(letter.case, EventKind.LETTER_REMOVED, member=actor, name=letter.name)
        letter.delete()
        transaction.on_commit(lambda: letter.file.delete(save=False))


def print_all(letters: Sequence[Letter]) -> bytes:
    """The folder as one PDF to print in one go, each letter as it was written, each starting
    on a fresh sheet. Precondition: at least one letter, all of one organisation."""
    logo = logo_of(letters[0].organization_id)
    return render_letters(
        [
            LetterContent(
                **{
                    **letter.content,
                    "sender_lines": tuple(letter.content["sender_lines"]),
                    "recipient_lines": tuple(letter.content["recipient_lines"]),
                    "logo": logo,
                }
            )
            for letter in letters
        ]
    )


def logo_of(organization_id: int) -> bytes | None:
    logo = organization_logo(organization_id)
    if logo is None:
        return None
    with logo.open("rb") as handle:
        data: bytes = handle.read()
    return data
