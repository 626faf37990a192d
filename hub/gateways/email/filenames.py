"""A name for each file a mail carries: the sender's, decoded and made safe, or a made-up one.

The name is only ever a label (storage uses its own keys), but it is shown, downloaded and
saved on staff machines, so it must never be a path, hide its real extension, or be empty.
"""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from email.message import Message

from hub.gateways.email.charsets import clean_text, decode_bytes
from hub.gateways.email.headers import decode_words, one_line, raw_value, text_value

MAX_FILENAME_CHARS = 200

_WINDOWS_RESERVED = re.compile(r'[<>:"|?*]')
# The stdlib's own table, not the host's /etc/mime.types: the same names on every machine.
_TYPES = mimetypes.MimeTypes()
_EXTENSIONS = {"text/calendar": ".ics", "message/global": ".eml", "application/ms-tnef": ".dat"}


def filename(part: Message, number: int, kind: str) -> str:
    """A safe name: the mail's own, decoded, or a made-up ``attachment-N.ext``."""
    name = safe_filename(raw_filename(part))
    if not name and kind in ("message/rfc822", "message/global"):
        subject = _attached_subject(part).replace("/", "_").replace("\\", "_")
        name = safe_filename(f"{subject}.eml") if subject else ""
    return name or f"attachment-{number}{_extension(kind)}"


def raw_filename(part: Message) -> str:
    """The name as the sender's client meant it: RFC 2231 (``filename*=``) as the standard
    says, and RFC 2047 inside the quotes as Gmail and Outlook actually write it."""
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    if not name or "\ufffd" in name:
        legacy = _legacy_param(part, "content-disposition", "filename") or _legacy_param(
            part, "content-type", "name"
        )
        name = legacy or name
    return decode_words(name) if "=?" in name else clean_text(name)


def _legacy_param(part: Message, header: str, name: str) -> str:
    """The header registry turns an RFC 2231 name in a charset it does not know into U+FFFD;
    the old parser hands back (charset, language, bytes as Latin-1) to decode with our
    fallbacks."""
    raw = raw_value(part, header)
    if not raw:
        return ""
    legacy = Message()
    try:
        legacy[header] = raw
        value = legacy.get_param(name, header=header)
    except Exception:
        return ""
    if isinstance(value, tuple):
        charset, _language, text = value
        return decode_bytes(text.encode("latin-1", "replace"), charset)
    return value if isinstance(value, str) else ""


def _attached_subject(part: Message) -> str:
    try:
        inner = part.get_payload()
    except Exception:
        return ""
    if isinstance(inner, list) and inner and isinstance(inner[0], Message):
        return text_value(inner[0], "subject")
    return ""


def safe_filename(name: str) -> str:
    """The last path component only (``../../etc/passwd`` is ``passwd``, ``C:\\x\\y.pdf`` is
    ``y.pdf``), NFC (macOS sends decomposed ``ø``), without control or format characters
    (a right-to-left override, U+202E, shows ``invoice<RLO>fdp.exe`` as ``invoiceexe.pdf``),
    without characters Windows refuses, no leading dots (no hidden files, no ``..``), at
    most ``MAX_FILENAME_CHARS`` characters with the extension kept."""
    name = unicodedata.normalize("NFC", one_line(clean_text(name)))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf"))
    name = _WINDOWS_RESERVED.sub("_", name).strip().lstrip(".").rstrip(". ").strip()
    if len(name) > MAX_FILENAME_CHARS:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = f"{stem[: MAX_FILENAME_CHARS - len(extension) - 1]}.{extension}"
        else:
            name = name[:MAX_FILENAME_CHARS]
    return name


def _extension(kind: str) -> str:
    extension = _EXTENSIONS.get(kind) or _TYPES.guess_extension(kind)
    if extension:
        return extension
    return ".txt" if kind.startswith(("text/", "message/")) else ".bin"
