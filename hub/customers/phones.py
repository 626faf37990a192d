"""Phone numbers in one form: E.164, read in the organisation's country when no prefix is given."""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def to_e164(raw: str, default_region: str) -> str:
    """``"412 34 567"`` read in Norway is ``"+4741234567"``. Raises ``ValidationError`` with a
    message a person can act on when the number cannot be a real one."""
    text = raw.strip()
    try:
        number = phonenumbers.parse(text, default_region.upper())
    except phonenumbers.NumberParseException:
        raise ValidationError(
            _("“%(number)s” is not a phone number."), params={"number": text}
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("“%(number)s” is not a valid phone number."), params={"number": text}
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
