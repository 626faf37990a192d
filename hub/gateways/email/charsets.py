"""Bytes from a mail as text, whatever the mail claims about their charset.

Mail declares charsets wrongly all the time: ``iso-8859-1`` over UTF-8, ``utf-8`` over
Windows-1252 from an old webmail, names no codec knows (``x-unknown``, ``unknown-8bit``) and raw
8-bit headers with no charset at all. Nordic text is almost always UTF-8 or Windows-1252 (the
superset of Latin-1 that browsers use for both, as the WHATWG encoding standard does), so those
are the fallbacks; decoding never fails, at worst a character becomes U+FFFD.
"""

from __future__ import annotations

import codecs
import re

FALLBACK = "cp1252"

# Declared as Latin-1 or ASCII, read as Windows-1252: the bytes 0x80-0x9F are curly quotes and
# dashes in practice, never the C1 control characters Latin-1 would make of them.
_AS_WINDOWS_1252 = frozenset({"ascii", "iso8859-1", "latin-1", "cp1252"})
# Codecs for Python literals and host names, not for text a person wrote.
_NOT_TEXT = frozenset({"unicode-escape", "raw-unicode-escape", "punycode", "idna"})
_SURROGATE = re.compile("[\ud800-\udfff]")


def codec_for(charset: str | None) -> str | None:
    """The Python codec for a declared charset, or None when there is no usable one."""
    if not charset:
        return None
    name = charset.strip().strip("\"'").split("*", 1)[0].lower()
    try:
        codec = codecs.lookup(name).name
    except (LookupError, ValueError):
        return None
    if codec in _NOT_TEXT:
        return None
    return FALLBACK if codec in _AS_WINDOWS_1252 else codec


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Precondition: none; any bytes, any declared charset. Never raises."""
    codec = codec_for(charset)
    if codec == FALLBACK and not data.isascii() and _is_utf8(data):
        # Labelled Latin-1 but written in UTF-8: mojibake never reads better than "ø".
        return data.decode("utf-8")
    if codec is not None:
        try:
            return data.decode(codec)
        except (UnicodeError, LookupError):
            pass  # the label lies; guess from the bytes
    return guess_decode(data)


def guess_decode(data: bytes) -> str:
    """UTF-8, damaged UTF-8 with the damage replaced, or else Windows-1252."""
    text = data.decode("utf-8", "replace")
    if "\ufffd" not in text or any(ord(ch) > 127 and ch != "\ufffd" for ch in text):
        return text
    return data.decode(FALLBACK, "replace")


def clean_text(value: str) -> str:
    """Make a string safe to store: raw 8-bit bytes the stdlib smuggled through as surrogates
    become characters again, other lone surrogates become U+FFFD, and NULs (which PostgreSQL
    refuses in text) go."""
    if _SURROGATE.search(value):
        try:
            value = guess_decode(value.encode("utf-8", "surrogateescape"))
        except UnicodeEncodeError:
            value = value.encode("utf-8", "replace").decode("utf-8")
    return value.replace("\x00", "")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
