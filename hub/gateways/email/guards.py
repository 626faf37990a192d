"""Raw mail trimmed where the stdlib parser would spend quadratic, or just too much, time.

The feedparser reads every MIME part's ``Content-Type`` parameters to find boundaries, and its
parameter splitter copies the rest of the header for each ``;`` it finds: a 1.6 MB
``Content-Type`` takes it half a minute. Honest ``Content-Type`` and ``Content-Disposition``
headers are short (a 255-character file name in RFC 2231 pieces is about 2 KB), so longer ones
are cut, at a parameter boundary, before the parser sees them. The scan runs at C speed: the
pattern starts with a newline, which the regex engine finds with a fast search.

The feedparser also spends some 20 to 150 microseconds on every MIME part, so 40 MB of tiny
parts would hold a worker for half a minute. A mail is read only up to its
``MAX_DELIMITER_LINES``-th line starting with ``--`` (every part starts with one; base64 never
does): real mail has a few dozen.
"""

from __future__ import annotations

import re

MAX_MIME_HEADER_BYTES = 8 * 1024
MAX_PARAMETERS = 64
MAX_DELIMITER_LINES = 5000

_MIME_HEADER = rb"content-(?:type|disposition)[ \t]*:[^\n]*(?:\n[ \t][^\n]*)*"
_AFTER_NEWLINE = re.compile(rb"\n(" + _MIME_HEADER + rb")", re.IGNORECASE)
_AT_START = re.compile(_MIME_HEADER, re.IGNORECASE)


def cap_mime_headers(data: bytes) -> bytes:
    """``data`` itself, not a copy, when nothing needs cutting (almost always)."""
    spans = [m.span(1) for m in _AFTER_NEWLINE.finditer(data)]
    first = _AT_START.match(data)
    if first is not None:
        spans.insert(0, first.span())
    long = [(start, end) for start, end in spans if _too_long(data[start:end])]
    if not long:
        return data
    pieces: list[bytes] = []
    position = 0
    for start, end in long:
        pieces += [data[position:start], _cut(data[start:end])]
        position = end
    pieces.append(data[position:])
    return b"".join(pieces)


def _too_long(header: bytes) -> bool:
    return len(header) > MAX_MIME_HEADER_BYTES or header.count(b";") > MAX_PARAMETERS


def _cut(header: bytes) -> bytes:
    """At most ``MAX_PARAMETERS`` parameters and ``MAX_MIME_HEADER_BYTES`` bytes, ending before
    a ``;`` so no parameter is left half written."""
    carriage_return = header.endswith(b"\r")
    header = header[:MAX_MIME_HEADER_BYTES]
    semicolons = [i for i, byte in enumerate(header) if byte == ord(";")]
    if len(semicolons) > MAX_PARAMETERS:
        header = header[: semicolons[MAX_PARAMETERS]]
    elif len(header) == MAX_MIME_HEADER_BYTES and semicolons:
        header = header[: semicolons[-1]]
    header = header.rstrip(b" \t\r\n")
    return header + b"\r" if carriage_return else header


def cap_parts(data: bytes) -> bytes:
    """``data`` up to its ``MAX_DELIMITER_LINES``-th delimiter-like line; itself when shorter."""
    if data.count(b"\n--") <= MAX_DELIMITER_LINES:
        return data
    position = 0
    for _ in range(MAX_DELIMITER_LINES + 1):
        position = data.find(b"\n--", position) + 1
    return data[:position]
