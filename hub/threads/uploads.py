"""What a file really is, whatever its name says.

The type comes from the file's first bytes, not from the uploader's name or Content-Type; a file
whose name promises one type and whose bytes are another (``invoice.pdf`` that is a program) is
refused, and so is any type not on the list below.
"""

from __future__ import annotations

import mimetypes
from pathlib import PurePath
from typing import Protocol

import filetype
from django.utils.translation import gettext as _

from hub.errors import TooLarge, UnsupportedType
from hub.sizes import format_limit, format_size

# What customers and technicians send: photos, PDFs, office documents, plain text.
ALLOWED_TYPES = {
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
    "image/gif": {".gif"},
    "image/webp": {".webp"},
    "image/heic": {".heic"},
    "image/heif": {".heif"},
    "application/pdf": {".pdf"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {".docx"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {".xlsx"},
    "application/vnd.oasis.opendocument.text": {".odt"},
    "application/vnd.oasis.opendocument.spreadsheet": {".ods"},
    "text/plain": {".txt", ".csv", ".log"},
}
HEAD_BYTES = 8192


class Readable(Protocol):
    def tell(self) -> int: ...
    def read(self, size: int = ..., /) -> bytes: ...
    def seek(self, offset: int, whence: int = ..., /) -> int: ...


def clean_name(name: str) -> str:
    """The last path component, without control characters, at most 200 characters."""
    base = PurePath(name.replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable()).strip() or "file"
    if len(base) > 200:
        stem, suffix = base.rsplit(".", 1) if "." in base[-12:] else (base, "")
        base = stem[: 199 - len(suffix)] + ("." + suffix if suffix else "")
    return base


BYTE_ORDER_MARKS = (b"\xef\xbb\xbf",)
# Control characters other than tab, line feed, form feed and carriage return: a binary sign.
BINARY_BYTES = bytes(range(9)) + b"\x0b" + bytes(range(14, 32)) + b"\x7f"


def _looks_like_text(head: bytes) -> bool:
    """Text in UTF-8 or in the Windows-1252/Latin-1 that Excel still writes CSV files in (both
    free of control characters, which is what tells text from binary); never markup."""
    for mark in BYTE_ORDER_MARKS:
        head = head.removeprefix(mark)
    if any(byte in BINARY_BYTES for byte in head):
        return False
    lowered = head[:512].lstrip().lower()
    # Markup is not plain text: a browser may run it.
    return not lowered.startswith((b"<", b"#!"))


def sniff(stream: Readable, name: str, size: int, limit: int) -> str:
    """The content type of ``stream``, or a ``HubError`` a person can act on."""
    if size > limit:
        raise TooLarge(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": format_size(size), "limit": format_limit(limit)},
            field="file",
        )
    if size == 0:
        raise UnsupportedType(_("The file is empty."), field="file")
    position = stream.tell()
    head = stream.read(HEAD_BYTES)
    stream.seek(position)
    suffix = PurePath(name).suffix.lower()
    kind = filetype.guess(head)
    if kind is not None:
        content_type = str(kind.mime)
    elif _looks_like_text(head):
        content_type = "text/plain"
    else:
        content_type = "application/octet-stream"
    allowed_suffixes = ALLOWED_TYPES.get(content_type)
    if allowed_suffixes is None:
        raise UnsupportedType(
            _("Files of this type cannot be attached: photos, PDF, office documents and text are."),
            field="file",
        )
    if suffix not in allowed_suffixes:
        expected = mimetypes.guess_type(name)[0] or suffix or _("no type")
        raise UnsupportedType(
            _("“%(name)s” is named as %(named)s but its content is %(real)s.")
            % {"name": name, "named": expected, "real": content_type},
            field="file",
        )
    return content_type
