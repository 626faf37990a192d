"""Booking codes: what a customer types back to say which booking they answer.

Six characters of an alphabet without the look-alikes 0/O, 1/I/L and 5/S: 29⁶ ≈ 595 million
codes, drawn with ``secrets``, so nobody can guess a neighbour's code from their own, and
nobody misreads one off a printed letter. Unique among the organisation's active bookings
(the database enforces it; a clash is drawn again).
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "ABCDEFGHJKMNPQRTUVWXYZ2346789"
LENGTH = 6
# A code as a customer may type it: any case, possibly split by a space or hyphen in the middle.
_CANDIDATE = re.compile(
    rf"(?<![A-Za-z0-9])([{ALPHABET}{ALPHABET.lower()}]{{3}})[ -]?"
    rf"([{ALPHABET}{ALPHABET.lower()}]{{3}})(?![A-Za-z0-9])"
)


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def codes_in(text: str) -> list[str]:
    """Every code-shaped token of ``text``, upper-cased, in order, each once. Words that happen
    to be code-shaped ("takk22") are candidates too; only a match with an active booking counts.
    Tokens without a digit are also candidates: a code may be all letters."""
    found: list[str] = []
    for first, second in _CANDIDATE.findall(text):
        code = (first + second).upper()
        if code not in found:
            found.append(code)
    return found
