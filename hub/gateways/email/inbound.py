"""What a raw inbound mail is once parsed: plain values, no stdlib ``Message`` left inside.

Every string here is decoded, free of NULs and lone surrogates, so it can go straight into the
database; addresses are lower-cased addr-specs; Message-IDs are bare (no angle brackets).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class MailPart:
    """A file the mail carried: an attachment, an inline image, an attached mail (``.eml``)."""

    filename: str  # a bare name, never a path; made up when the mail gave none
    content_type: str  # lower-case ``type/subtype``
    payload: bytes = field(repr=False)
    content_id: str | None  # without brackets
    inline: bool  # Content-Disposition inline, or referenced by cid: from the HTML

    @property
    def size(self) -> int:
        return len(self.payload)


@dataclass(frozen=True, slots=True)
class Bounce:
    """A report that one of our mails could not be delivered."""

    original_message_id: str | None  # the Message-ID of our mail, when the report names it
    recipient: str | None
    status: str  # the enhanced status code, "5.1.1"; "" when the report gives none
    reason: str  # for a person: the remote server's words, or a summary of the status
    permanent: bool  # 5.x.x: give up on the address; 4.x.x: it may work later


@dataclass(frozen=True, slots=True)
class InboundMail:
    message_id: str | None
    in_reply_to: list[str]
    references: list[str]
    from_address: str | None
    from_name: str
    to: list[str]
    cc: list[str]
    reply_to: list[str]
    delivered_to: list[str]
    x_original_to: list[str]
    subject: str
    date: datetime | None  # aware, UTC
    text: str  # the text/plain body, or text made from the HTML when there is none
    html: str = field(repr=False)  # sanitised; inline images as cid: URLs; "" when none
    raw_html: str = field(repr=False)  # as sent, for sanitising again with real image URLs
    attachments: list[MailPart]
    auto_reply: str | None  # why the mail is automatic (a header, a subject), or None
    bounce: Bounce | None
    content_hash: str  # sha256 of the raw bytes: identity for mail without a Message-ID
    truncated: bool  # past parse.MAX_MAIL_BYTES or guards.MAX_DELIMITER_LINES: read only
    # that far, and its files dropped (the last one would be cut short)
