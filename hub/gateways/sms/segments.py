"""How many SMS a text costs, and how to make it cost fewer.

A text that fits the GSM 03.38 alphabet (3GPP TS 23.038) travels as 7-bit septets: 160 in one
SMS, 153 per part once it has to be split (the user data header of a concatenated SMS takes the
other 7). One character outside that alphabet turns the whole text into UCS-2 (UTF-16 on every
real network): 70 code units in one SMS, 67 per part. A single en dash pasted from a word
processor thus more than doubles the price of a booking reminder, which is what :func:`to_gsm7`
is for.

Pure functions: no models, no I/O.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Final, Literal

type Encoding = Literal["gsm7", "ucs2"]

_ESC: Final = "\x1b"
_BASIC_TABLE: Final = (
    # 3GPP TS 23.038 section 6.2.1, the default alphabet, one row of 16 positions per line
    # (0x00-0x0F, 0x10-0x1F, ...). 0x1B is the escape to the extension table, not a character.
    "@£$¥èéùìòÇ\nØø\rÅå"
    "\u0394_\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039e" + _ESC + "ÆæßÉ"  # ΔΦΓΛΩΠΨΣΘΞ
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
GSM7_BASIC: Final = frozenset(_BASIC_TABLE) - {_ESC}
"""The 127 characters of the default alphabet, one septet each."""
GSM7_EXTENSION: Final = frozenset("\f^{}\\[~]|€")
"""The extension table (section 6.2.1.1): escape plus the character, two septets each."""

SINGLE_GSM7: Final = 160
PART_GSM7: Final = 153
SINGLE_UCS2: Final = 70
PART_UCS2: Final = 67

_CENT: Final = Decimal("0.01")

# Typographic characters that word processors, phones' "smart punctuation" and web forms put
# where the customer meant the plain GSM-7 one.
_TYPOGRAPHIC: Final = {
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2012": "-",  # figure dash
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2015": "-",  # horizontal bar
    "\u2212": "-",  # minus sign
    "\u2022": "-",  # bullet
    "\u2018": "'",  # left single quotation mark
    "\u2019": "'",  # right single quotation mark
    "\u201a": "'",  # single low-9 quotation mark
    "\u201b": "'",  # single high-reversed-9 quotation mark
    "\u2032": "'",  # prime
    "\u2039": "'",  # single left-pointing angle quotation mark
    "\u203a": "'",  # single right-pointing angle quotation mark
    "\u00b4": "'",  # acute accent
    "`": "'",  # the grave accent is not in GSM-7 either
    "\u201c": '"',  # left double quotation mark
    "\u201d": '"',  # right double quotation mark
    "\u201e": '"',  # double low-9 quotation mark
    "\u201f": '"',  # double high-reversed-9 quotation mark
    "\u2033": '"',  # double prime
    "\u00ab": '"',  # left-pointing double angle quotation mark
    "\u00bb": '"',  # right-pointing double angle quotation mark
    "\u2026": "...",  # horizontal ellipsis
    "\t": " ",
    "\u2028": "\n",  # line separator
    "\u2029": "\n",  # paragraph separator
}
# Invisible characters that only cost money. The zero-width joiner is among them, but it also
# glues emoji sequences together, so it is kept where it stands next to something not GSM-7.
_ZERO_WIDTH: Final = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_ZWJ: Final = "\u200d"
_MARKS: Final = frozenset({"Mn", "Mc", "Me"})


@dataclass(frozen=True)
class Segments:
    """What a text costs to send: ``count`` SMS of up to ``per_segment`` units each.

    ``units`` are septets for GSM-7 (an extension character counts 2) and UTF-16 code units for
    UCS-2 (a character outside the BMP, such as most emoji, counts 2). ``remaining`` is how many
    units still fit in the last segment before another one is needed.
    """

    encoding: Encoding
    units: int
    count: int
    per_segment: int
    remaining: int


def is_gsm7(char: str) -> bool:
    """Whether one character has a GSM-7 code (in either table)."""
    return char in GSM7_BASIC or char in GSM7_EXTENSION


def encoding(text: str) -> Encoding:
    """GSM-7 if every character is in the default alphabet or its extension, else UCS-2."""
    return "gsm7" if all(is_gsm7(c) for c in text) else "ucs2"


def segments(text: str) -> Segments:
    """Count the SMS a text becomes. The empty text is 0 segments.

    Parts are packed greedily, as phones and providers do: a character never straddles two
    parts, so an extension character (escape + character) or a surrogate pair that would
    overflow a part starts the next one and leaves a unit unused. That is why the count is not
    always ``ceil(units / per_part)``.
    """
    enc = encoding(text)
    if enc == "gsm7":
        sizes = [2 if c in GSM7_EXTENSION else 1 for c in text]
        single, part = SINGLE_GSM7, PART_GSM7
    else:
        sizes = [2 if ord(c) > 0xFFFF else 1 for c in text]
        single, part = SINGLE_UCS2, PART_UCS2
    units = sum(sizes)
    if units <= single:
        count = 1 if units else 0
        return Segments(enc, units, count, single, single - units)
    count, used = 1, 0
    for size in sizes:
        if used + size > part:
            count, used = count + 1, 0
        used += size
    return Segments(enc, units, count, part, part - used)


def cost(count: int, price_per_segment: Decimal, recipients: int = 1) -> Decimal:
    """The price of sending ``count`` segments to each of ``recipients``, to the cent."""
    if count < 0 or recipients < 0:
        raise ValueError("count and recipients cannot be negative")
    return (count * recipients * price_per_segment).quantize(_CENT, rounding=ROUND_HALF_UP)


def to_gsm7(text: str) -> str:
    """The text with typographic characters replaced by their GSM-7 look-alikes.

    Dashes, curly quotes, primes, guillemets, bullets and the ellipsis become ``-``, ``'``,
    ``"`` and ``...``; Unicode spaces become a space; zero-width characters and soft hyphens
    go. A letter outside the alphabet loses its accents when that makes it GSM-7 (ê -> e,
    á -> a, ç -> c) while the accented letters GSM-7 has (é, è, Ç, å, ä, ö, ü, ñ, à) are kept;
    decomposed input (e + combining acute, as macOS pastes it) is composed first.

    Characters with no GSM-7 look-alike (emoji, most scripts, symbols such as ²) are left as
    they are, so a text containing them stays UCS-2: check :func:`encoding` afterwards. The
    function is idempotent.
    """
    mapped = [_map_cluster(c) for c in _clusters(unicodedata.normalize("NFC", text))]
    # Joiners are resolved after their neighbours are, so that a second pass decides the same:
    # one stays only between two visible characters that are not GSM-7 (an emoji sequence).
    keep = _joiners_to_keep(mapped)
    return "".join((_ZWJ if i in keep else "") if p is None else p for i, p in enumerate(mapped))


def _clusters(text: str) -> Iterator[str]:
    """Each character with the combining marks (accents, variation selectors) that follow it."""
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or unicodedata.category(text[i]) not in _MARKS:
            yield text[start:i]
            start = i


def _map_cluster(cluster: str) -> str | None:
    """The GSM-7 rendering of one cluster; None for a zero-width joiner, decided later."""
    base, marks = cluster[0], cluster[1:]
    if len(cluster) == 1 and is_gsm7(base):
        return base
    if base == _ZWJ:
        return None
    if base in _ZERO_WIDTH:
        return ""
    if not marks and base in _TYPOGRAPHIC:
        return _TYPOGRAPHIC[base]
    if not marks and unicodedata.category(base) == "Zs":
        return " "
    if is_gsm7(base) and all(unicodedata.category(m) == "Mn" for m in marks):
        # Accents composition could not absorb have nothing to sit on in GSM-7 (é + diaeresis).
        return base
    stripped = "".join(
        c for c in unicodedata.normalize("NFD", cluster) if unicodedata.category(c) != "Mn"
    )
    # An enclosing keycap (1 + U+20E3) or an emoji is no accent: such clusters stay whole.
    return stripped if stripped and encoding(stripped) == "gsm7" else cluster


def _joiners_to_keep(mapped: list[str | None]) -> set[int]:
    """The joiners (``None``) whose nearest visible neighbours on both sides are not GSM-7.

    Two linear sweeps, so that a text of many joiners costs no more than its length.
    """
    after_non_gsm7: set[int] = set()
    prev = ""
    for i, piece in enumerate(mapped):
        if piece is None:
            if prev and not is_gsm7(prev[-1]):
                after_non_gsm7.add(i)
        elif piece:
            prev = piece
    keep: set[int] = set()
    nxt = ""
    for i in range(len(mapped) - 1, -1, -1):
        piece = mapped[i]
        if piece is None:
            if i in after_non_gsm7 and nxt and not is_gsm7(nxt[0]):
                keep.add(i)
        elif piece:
            nxt = piece
    return keep
