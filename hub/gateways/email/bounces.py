"""Delivery failure reports: which of our mails failed, to whom, why, and for good or not.

Standard reports (RFC 3464 ``multipart/report; report-type=delivery-status``) are read field by
field. Many servers still send prose instead (Gmail's older bounces, qmail's "failure notice",
Exchange's "Undeliverable"); those are recognised by a machine sender (``Return-Path: <>``,
``MAILER-DAEMON``, ``postmaster``) or a bounce subject, and read best-effort: the original
Message-ID from the quoted headers, the first enhanced status code, the recipient the prose
names. A report that only says delivery is delayed is not a failure: None.
"""

from __future__ import annotations

import re
from email.message import Message

from hub.gateways.email.headers import message_ids, one_line, raw_value, text_value
from hub.gateways.email.inbound import Bounce
from hub.gateways.email.parts import content_type, part_text, payload_bytes

# Of the text scanned for a prose bounce: a bounce is a few kilobytes, the original mail's
# headers near the top. Every pattern below has bounded repeats, so a scan stays linear.
MAX_SCAN_CHARS = 100_000

_STATUS = re.compile(r"(?<![\d.])([45])\.(\d{1,3})\.(\d{1,3})(?!\.?\d)")
_SMTP_REPLY = re.compile(r"(?<![\d.])([45])\d\d(?=[\s-])")
_ADDRESS = r"[\w.!#$%&'*+/=?^`{|}~-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}"
_QUOTED_ID = re.compile(
    r"^[ \t>]*message-id:[ \t]*(?:\n[ \t]+)?(\S+)", re.IGNORECASE | re.MULTILINE
)
_QUOTED_TO = re.compile(
    rf"^[ \t>]*to:[^\n]{{0,200}}?<?({_ADDRESS})>?[ \t]*$", re.IGNORECASE | re.MULTILINE
)
_RECIPIENT_FIELD = re.compile(
    rf"^[ \t]*(?:final|original)-recipient:[ \t]*(?:rfc822[ \t]*;)?[ \t]*<?({_ADDRESS})",
    re.IGNORECASE | re.MULTILINE,
)
_ANGLE_LINE = re.compile(rf"^[ \t]*<({_ADDRESS})>:", re.MULTILINE)
_NAMED_RECIPIENT = re.compile(
    rf"(?:recipients?|delivered\s+to|deliver\s+to|addressed\s+to|mottaker|mottagare|modtager)"
    rf"[^@\n]{{0,80}}?\s{{0,200}}<?({_ADDRESS})",
    re.IGNORECASE,
)
# At the start only: "Fwd: Undeliverable: ..." is a customer showing us a bounce they got.
_BOUNCE_SUBJECT = re.compile(
    r"^\s*(?:undeliver|delivery status notification|returned mail|mail delivery fail"
    r"|delivery fail|failure notice|non[- ]?delivery|kan ikke leveres|kunne ikke leveres"
    r"|ikke levert|kunde inte levereras|olevererbar|det gick inte att leverera|unzustellbar)",
    re.IGNORECASE,
)
_DELAY = re.compile(
    r"\(delay\)|delayed|still being retried|will (?:continue|keep) (?:trying|retrying)"
    r"|forsinket|fördröjd|udsat",
    re.IGNORECASE,
)
_DAEMONS = frozenset({"mailer-daemon", "postmaster", "mail-daemon"})
_REASONS = {
    "5.1.1": "The mailbox does not exist.",
    "5.1.2": "The recipient's domain does not exist or accepts no mail.",
    "5.1.10": "The recipient's domain accepts no mail.",
    "5.2.1": "The mailbox is disabled.",
    "5.2.2": "The mailbox is full.",
    "4.2.2": "The mailbox is full.",
    "5.3.4": "The mail is larger than the recipient's server accepts.",
    "5.4.1": "The recipient's server refused the address.",
    "4.4.1": "The recipient's server did not answer.",
    "4.4.7": "The mail expired before it could be delivered.",
    "5.7.1": "The recipient's server refused the mail.",
}


def find_bounce(msg: Message, parts: list[Message], text: str) -> Bounce | None:
    """``parts`` are the mail's leaves, ``text`` its body text."""
    status_part = _first(parts, "message/delivery-status")
    if _report_type(msg) == "delivery-status" and status_part is not None:
        return _from_report(status_part, parts, text)
    if _looks_like_bounce(msg):
        return _from_prose(msg, parts, text)
    return None


def _from_report(status_part: Message, parts: list[Message], text: str) -> Bounce | None:
    blocks = _field_blocks(part_text(status_part, MAX_SCAN_CHARS))
    recipients = [b for b in blocks if "action" in b or "final-recipient" in b] or blocks[1:]
    failed = [b for b in recipients if _action(b) == "failed"]
    failed = failed or [
        b for b in recipients if not _action(b) and _STATUS.search(b.get("status", ""))
    ]
    if not failed:
        return None  # delayed, delivered, relayed or expanded: nothing failed
    block = failed[0]
    status = _status(block.get("status", ""))
    diagnostic = block.get("diagnostic-code", "")
    return Bounce(
        original_message_id=_original_id(parts, text),
        recipient=_field_address(block.get("final-recipient") or block.get("original-recipient")),
        status=status,
        reason=_diagnostic(diagnostic) or _reason(status),
        permanent=not status.startswith("4"),
    )


def _from_prose(msg: Message, parts: list[Message], text: str) -> Bounce | None:
    subject = text_value(msg, "subject")
    scanned = "\n".join([text, *_texts(parts)])[:MAX_SCAN_CHARS]
    status_match = _STATUS.search(scanned)
    if _DELAY.search(subject) or (status_match is None and _DELAY.search(scanned)):
        return None
    status = status_match.group(0) if status_match else _status_from_reply(scanned)
    original = _original_id(
        parts, scanned, exclude=tuple(message_ids(raw_value(msg, "message-id")))
    )
    if not status and original is None and not (_daemon_sender(msg) and _bounce_subject(msg)):
        return None  # a person's mail with an unlucky subject, or a daemon's notice
    return Bounce(
        original_message_id=original,
        recipient=_failed_recipient(msg) or _prose_recipient(scanned),
        status=status,
        reason=_line_around(scanned, status_match) or _reason(status),
        permanent=not status.startswith("4"),
    )


def _looks_like_bounce(msg: Message) -> bool:
    """A daemon's sender, or a bounce subject on mail from nobody (``Return-Path: <>``, or no
    Return-Path to tell). A null sender alone is not enough: Exchange sends its
    out-of-office replies from ``<>`` too; a bounce subject from a person's address is a
    person's mail."""
    if _daemon_sender(msg):
        return True
    return_path = raw_value(msg, "return-path").replace(" ", "")
    return _bounce_subject(msg) and return_path in ("", "<>")


def _daemon_sender(msg: Message) -> bool:
    local_parts = re.findall(r"([\w.-]{1,64})@", raw_value(msg, "from").lower())
    return any(name in _DAEMONS for name in local_parts)


def _bounce_subject(msg: Message) -> bool:
    return bool(_BOUNCE_SUBJECT.search(text_value(msg, "subject")))


def _failed_recipient(msg: Message) -> str | None:
    """Exim's and Gmail's ``X-Failed-Recipients`` header, when there is one."""
    return _field_address(raw_value(msg, "x-failed-recipients"))


def _report_type(msg: Message) -> str:
    try:
        if msg.get_content_type() != "multipart/report":
            return ""
        return str(msg.get_param("report-type") or "").lower()
    except Exception:
        return ""


def _first(parts: list[Message], kind: str) -> Message | None:
    return next((p for p in parts if content_type(p) == kind), None)


def _field_blocks(text: str) -> list[dict[str, str]]:
    """RFC 3464's groups of ``Name: value`` lines, separated by blank lines; names lower-cased,
    continuation lines unfolded."""
    blocks: list[dict[str, str]] = []
    current: dict[str, str] = {}
    last = ""
    for line in text.split("\n"):
        if not line.strip():
            if current:
                blocks.append(current)
            current, last = {}, ""
        elif line[0] in " \t" and last:
            current[last] = f"{current[last]} {line.strip()}"
        else:
            name, colon, value = line.partition(":")
            if colon and name.strip() and " " not in name.strip():
                last = name.strip().lower()
                current.setdefault(last, value.strip())
    if current:
        blocks.append(current)
    return blocks


def _action(block: dict[str, str]) -> str:
    return block.get("action", "").split("(", 1)[0].strip().lower()


def _status(value: str) -> str:
    match = _STATUS.search(value)
    return match.group(0) if match else ""


def _status_from_reply(text: str) -> str:
    """No enhanced code, only an SMTP reply ("550 User unknown"): its class, as ``5.0.0``."""
    match = _SMTP_REPLY.search(text)
    return f"{match.group(1)}.0.0" if match else ""


def _diagnostic(value: str) -> str:
    """``smtp; 550 5.1.1 <x@y>: User unknown`` without the ``smtp;`` type."""
    kind, semicolon, rest = value.partition(";")
    return one_line(rest if semicolon and " " not in kind.strip() else value)[:500]


def _reason(status: str) -> str:
    if status in _REASONS:
        return _REASONS[status]
    if status.startswith("4"):
        return "Delivery failed for now; the recipient's server may accept the mail later."
    return "The mail could not be delivered."


def _field_address(value: str | None) -> str | None:
    match = re.search(_ADDRESS, value or "")
    return match.group(0).lower() if match else None


def _original_id(parts: list[Message], text: str, exclude: tuple[str, ...] = ()) -> str | None:
    """The Message-ID of the mail that failed: from the returned mail or its headers, else
    the first ``Message-ID:`` line quoted in the prose."""
    for part in parts:
        kind = content_type(part)
        if kind in ("message/rfc822", "message/global", "text/rfc822-headers"):
            headers = _field_blocks(_head(part))
            ids = message_ids(headers[0].get("message-id", "")) if headers else []
            if ids:
                return ids[0]
    for match in _QUOTED_ID.finditer(text):
        ids = [i for i in message_ids(match.group(1)) if i not in exclude]
        if ids:
            return ids[0]
    return None


def _head(part: Message) -> str:
    """The returned mail's header section as text (all of a text/rfc822-headers part)."""
    data = payload_bytes(part)
    head = data.split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
    return head.decode("utf-8", "replace").replace("\r\n", "\n")[:MAX_SCAN_CHARS]


def _texts(parts: list[Message]) -> list[str]:
    """Every leaf that reads as text: the prose, the returned headers, a returned mail."""
    found = []
    for part in parts:
        kind = content_type(part)
        if kind.startswith(("text/", "message/")):
            found.append(part_text(part, MAX_SCAN_CHARS))
    return found


def _prose_recipient(text: str) -> str | None:
    for pattern in (_RECIPIENT_FIELD, _ANGLE_LINE, _NAMED_RECIPIENT, _QUOTED_TO):
        match = pattern.search(text)
        if match:
            return match.group(1).lower()
    return None


def _line_around(text: str, match: re.Match[str] | None) -> str:
    if match is None:
        return ""
    start = text.rfind("\n", 0, match.start()) + 1
    end = text.find("\n", match.end())
    return one_line(text[start : end if end != -1 else len(text)])[:500]
