"""A mail's MIME tree as the bodies a person wrote and the files they attached.

The tree is walked without recursion (a crafted mail can nest thousands of multiparts) and at
most ``max_parts`` leaves are looked at. A ``message/*`` part below the top is a leaf: an
attached mail is a file, not more body.

A text part is body when it is ``text/plain`` or ``text/html``, not ``Content-Disposition:
attachment`` and has no file name. Several of a kind are joined in order: Apple Mail splits the
text around an inline image into one part per piece.
"""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass
from email import policy
from email.message import Message
from urllib.parse import unquote

from hub.gateways.email.charsets import clean_text, decode_bytes
from hub.gateways.email.filenames import filename, raw_filename
from hub.gateways.email.flowed import unflow
from hub.gateways.email.headers import first_id, raw_value, text_value
from hub.gateways.email.inbound import MailPart

_BODY_TYPES = ("text/plain", "text/html")
_CID_REFERENCE = re.compile(r"""cid:([^"'\s<>)]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Bodies:
    plain: list[str]
    html: list[str]


def leaves(msg: Message, max_parts: int) -> list[Message]:
    """The leaf parts, depth first, in the order a mail client shows them."""
    found: list[Message] = []
    stack: list[tuple[Message, int]] = [(msg, 0)]
    while stack and len(found) < max_parts:
        part, depth = stack.pop()
        children = _children(part) if depth == 0 or not _is_message(part) else None
        if children is None:
            found.append(part)
        else:
            stack.extend((child, depth + 1) for child in reversed(children))
    return found


def _children(part: Message) -> list[Message] | None:
    if not part.is_multipart() or _is_message(part):
        return None
    payload = _payload(part)
    return [p for p in payload if isinstance(p, Message)] if isinstance(payload, list) else None


def _is_message(part: Message) -> bool:
    return content_type(part).startswith("message/")


def content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:  # a Content-Type the registry cannot parse: RFC 2045's default
        return "text/plain"


def disposition(part: Message) -> str | None:
    try:
        return part.get_content_disposition()
    except Exception:
        return None


def is_body(part: Message) -> bool:
    return (
        content_type(part) in _BODY_TYPES
        and disposition(part) != "attachment"
        and not raw_filename(part)
    )


def bodies(parts: list[Message], *, max_text: int, max_html: int) -> Bodies:
    plain = [part_text(p, max_text) for p in parts if is_body(p) and _is_plain(p)]
    html = [part_text(p, max_html) for p in parts if is_body(p) and not _is_plain(p)]
    return Bodies([t for t in plain if t.strip()], [h for h in html if h.strip()])


def _is_plain(part: Message) -> bool:
    return content_type(part) == "text/plain"


def part_text(part: Message, max_chars: int) -> str:
    """A text part decoded; line ends as ``\\n``; ``format=flowed`` joined back into lines."""
    data = payload_bytes(part)[: max_chars * 4]
    charset = _charset(part)
    if charset is None and content_type(part) == "text/html":
        found = _META_CHARSET.search(data[:4096])
        charset = found.group(1).decode("ascii") if found else None
    text = clean_text(decode_bytes(data, charset)).removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")[:max_chars]
    if _is_plain(part) and _param(part, "format").lower() == "flowed":
        text = unflow(text, delsp=_param(part, "delsp").lower() == "yes")
    return text


def payload_bytes(part: Message) -> bytes:
    """The decoded content. A parsed ``message/*`` part is serialised back to bytes."""
    inner = _payload(part)
    if isinstance(inner, list):
        return b"".join(_message_bytes(m) for m in inner if isinstance(m, Message))
    fast = _base64(part, inner)
    if fast is not None:
        return fast
    try:
        data = part.get_payload(decode=True)
    except Exception:  # a transfer encoding the stdlib chokes on: the bytes as they came
        data = None
    if isinstance(data, bytes):
        return data
    return _to_bytes(inner if isinstance(inner, str) else "")


def _payload(part: Message) -> object:
    """The parsed payload: a list of parts, or the body text still transfer-encoded. The
    stdlib decodes 8-bit text with the declared charset here and raises when the charset
    name holds a NUL; then there is no body to read."""
    try:
        payload: object = part.get_payload()
    except Exception:
        return None
    return payload


def _base64(part: Message, inner: object) -> bytes | None:
    """Base64 decoded in one pass over the text (the stdlib first copies it into a list of
    lines: the largest allocation of a big attachment); None leaves bad padding or 8-bit junk
    to the stdlib's lenient decoder."""
    if not isinstance(inner, str):
        return None
    if raw_value(part, "content-transfer-encoding").strip().lower() != "base64":
        return None
    try:
        return binascii.a2b_base64(inner)
    except (binascii.Error, ValueError):
        return None


def _message_bytes(msg: Message) -> bytes:
    try:
        return msg.as_bytes(policy=policy.compat32)
    except Exception:  # the generator refused a header: the mail as text, lossy but present
        try:
            return _to_bytes(msg.as_string(policy=policy.compat32))
        except Exception:
            return b""


def _to_bytes(text: str) -> bytes:
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace")


def referenced_cids(html: str) -> set[str]:
    return {_cid_key(ref) for ref in _CID_REFERENCE.findall(html)}


def attachments(parts: list[Message], cids: set[str]) -> list[MailPart]:
    """Every leaf that is not body, in order; ``cids`` are those the HTML refers to."""
    files: list[MailPart] = []
    for part in parts:
        kind = content_type(part)
        if is_body(part) or kind.startswith("multipart/"):
            continue
        content_id = first_id(part, "content-id") or _bare(part)
        files.append(
            MailPart(
                filename=filename(part, len(files) + 1, kind),
                content_type=kind,
                payload=payload_bytes(part),
                content_id=content_id,
                inline=disposition(part) == "inline"
                or (content_id is not None and _cid_key(content_id) in cids),
            )
        )
    return files


def _bare(part: Message) -> str | None:
    """A Content-ID written without brackets (and without an ``@``, so not an id to
    ``first_id``), as some mobile clients do."""
    value = text_value(part, "content-id").strip("<> ")
    return value or None


def _cid_key(reference: str) -> str:
    return unquote(reference).strip().strip("<>").casefold()


def _charset(part: Message) -> str | None:
    try:
        charset = part.get_content_charset()
    except Exception:
        return None
    return charset if isinstance(charset, str) else None


def _param(part: Message, name: str) -> str:
    try:
        value = part.get_param(name)
    except Exception:
        return ""
    return value if isinstance(value, str) else ""
