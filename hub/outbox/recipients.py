"""Who a mail or SMS goes to, as typed by a person: parsed, validated, matched to contacts.

An address that is not one is an error before anything is queued, named so the person can fix
it; nothing is sent to the valid half of a list with a typo in it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.utils import parseaddr

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from hub.customers.models import Contact
from hub.customers.phones import to_e164
from hub.errors import HubError
from hub.sms.models import OptOut
from hub.threads.models import Case

MAX_RECIPIENTS = 20
MAX_TYPED = 4000  # characters: twenty long addresses with names, and room to spare
# Numbers have spaces inside ("412 34 567"): only commas, semicolons and lines part them.
PHONE_SEPARATORS = re.compile(r"[,;\n]")
# Commas, semicolons (Outlook) or lines; not a comma inside a quoted name ("Hansen, Ola").
SEPARATORS = re.compile(r'[,;\n](?=(?:[^"]*"[^"]*")*[^"]*$)')


@dataclass(frozen=True, slots=True)
class Recipient:
    address: str
    name: str = ""
    contact: Contact | None = None


def email_recipients(case: Case, to: str | Sequence[str] | None) -> list[Recipient]:
    """The e-mail recipients for a message on ``case``: those given (a comma-separated string
    or a list, ``Name <address>`` allowed), else the case's contact. Each is matched to a
    contact of the case's customer when the address is one of theirs."""
    typed = _typed(to, SEPARATORS)
    if not typed:
        if case.contact is None or not case.contact.email:
            raise HubError(
                _("The case's contact has no e-mail address: enter the recipient's address."),
                field="to",
            )
        return [Recipient(case.contact.email.lower(), case.contact.name, case.contact)]
    known = _contacts_by_email(case)
    recipients: dict[str, Recipient] = {}
    for piece in typed:
        name, address = parseaddr(piece)
        address = address.strip().lower()
        try:
            validate_email(address)
        except ValidationError:
            # Named as typed: the parser's reading of a typo would only confuse.
            raise HubError(
                _("“%(address)s” is not an e-mail address.") % {"address": piece}, field="to"
            ) from None
        contact = known.get(address)
        recipients.setdefault(
            address, Recipient(address, name or (contact.name if contact else ""), contact)
        )
    _check_count(recipients)
    return list(recipients.values())


def _typed(to: str | Sequence[str] | None, separators: re.Pattern[str]) -> list[str]:
    """The entries a person typed, one a recipient, blanks left out."""
    entries = [to] if isinstance(to, str) else list(to or [])
    if sum(map(len, entries)) > MAX_TYPED:
        raise HubError(_("The list of recipients is too long."), field="to")
    pieces = (piece.strip() for entry in entries for piece in separators.split(entry))
    return [piece for piece in pieces if piece]


def _check_count(recipients: Mapping[str, Recipient]) -> None:
    if len(recipients) > MAX_RECIPIENTS:
        raise HubError(
            _("A message may go to at most %(limit)d recipients.") % {"limit": MAX_RECIPIENTS},
            field="to",
        )


def _contacts_by_email(case: Case) -> dict[str, Contact]:
    if case.customer_id is None:
        return {}
    contacts = Contact.objects.filter(
        organization_id=case.organization_id, customer_id=case.customer_id
    ).exclude(email="")
    return {contact.email.lower(): contact for contact in contacts}


def sms_recipients(case: Case, to: str | Sequence[str] | None) -> list[Recipient]:
    """The SMS recipients for a message on ``case``: the numbers given (read in the
    organisation's country: ``412 34 567`` in Norway is ``+4741234567``), else the case's
    contact. A number that is not one, or that answered STOP, is refused before anything is
    queued, and named."""
    typed = _typed(to, PHONE_SEPARATORS)
    country = case.organization.country
    if not typed:
        if case.contact is None or not case.contact.phone:
            raise HubError(
                _("The case's contact has no mobile number: enter the recipient's number."),
                field="to",
            )
        typed = [case.contact.phone]
    known = _contacts_by_phone(case)
    recipients: dict[str, Recipient] = {}
    for piece in typed:
        try:
            number = to_e164(piece, country)
        except ValidationError as error:
            raise HubError(" ".join(error.messages), field="to") from None
        contact = known.get(number)
        recipients.setdefault(number, Recipient(number, contact.name if contact else "", contact))
    _check_count(recipients)
    stopped = set(
        OptOut.objects.filter(
            organization_id=case.organization_id, phone__in=list(recipients)
        ).values_list("phone", flat=True)
    )
    if stopped:
        raise HubError(
            _(
                "%(number)s has answered STOP to your SMS and gets none until they answer "
                "START. Write by e-mail, or call."
            )
            % {"number": sorted(stopped)[0]},
            field="to",
            code="opted_out",
        )
    return list(recipients.values())


def _contacts_by_phone(case: Case) -> dict[str, Contact]:
    if case.customer_id is None:
        return {}
    contacts = Contact.objects.filter(
        organization_id=case.organization_id, customer_id=case.customer_id
    ).exclude(phone="")
    return {contact.phone: contact for contact in contacts}
