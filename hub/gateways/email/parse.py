"""Raw inbound mail (RFC 5322 bytes) to an ``InboundMail``: typed, decoded, safe to store.

Pure: no database, no network. Robust by contract: whatever the bytes (bad charsets, broken
MIME, missing or undecodable headers, a truncated transfer) ``parse_mail`` returns a value;
what cannot be read is left empty rather than raised.

Limits, so that a hostile or absurd mail costs bounded time and memory:

- ``MAX_MAIL_BYTES`` (40 MB): above it only that much is parsed, every attachment is dropped
  (the last one would be cut short, and a cut file is worse than none) and ``truncated`` is
  set so the caller can say so. 40 MB is 25 to 30 MB of attachments after base64, the most any
  common provider lets a customer send. Memory stays within a few copies of the mail (the
  raw bytes, the parser's text, each decoded payload): 2.7 times the size of a mail carrying
  one 20 MB attachment, at the peak.
- ``MAX_PARTS`` (250) MIME leaves are looked at; the tree is walked without recursion. The
  parser itself reads no further than ``guards.MAX_DELIMITER_LINES`` part delimiters (a mail
  cut there is ``truncated`` too).
- ``MAX_TEXT_CHARS`` (1 million) of each text body and ``MAX_HTML_CHARS`` (2 million) of each
  HTML body: far beyond any reply, short enough for the sanitiser and the text converter.
- ``headers.MAX_REFERENCES`` ids of References are kept (the first and the newest), and
  address headers are read in pieces of bounded size (``headers.MAX_ADDRESSES``).
- ``Content-Type``/``Content-Disposition`` headers are cut to ``guards.MAX_MIME_HEADER_BYTES``
  before parsing, and HTML past ``html_limits`` is read as text: the inputs on which the stdlib
  parser, html.parser or html5ever take quadratic time stay out of their reach.
"""

from __future__ import annotations

import hashlib
import logging
from email import policy
from email.feedparser import BytesFeedParser
from email.message import Message
from email.parser import BytesParser

from hub.gateways.email import headers
from hub.gateways.email.autoreply import auto_reply_reason
from hub.gateways.email.bounces import find_bounce
from hub.gateways.email.guards import cap_mime_headers, cap_parts
from hub.gateways.email.html import clean_mail_html
from hub.gateways.email.html_text import html_to_text
from hub.gateways.email.inbound import Bounce, InboundMail, MailPart
from hub.gateways.email.parts import attachments, bodies, leaves, referenced_cids

__all__ = ["Bounce", "InboundMail", "MailPart", "html_to_text", "parse_mail"]

logger = logging.getLogger(__name__)

MB = 1024 * 1024
MAX_MAIL_BYTES = 40 * MB
MAX_PARTS = 250
MAX_TEXT_CHARS = 1_000_000
MAX_HTML_CHARS = 2_000_000
FEED_CHUNK = 64 * 1024


def parse_mail(raw: bytes) -> InboundMail:
    """Precondition: ``raw`` is the whole message as received, headers first."""
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise TypeError(f"parse_mail takes bytes, not {type(raw).__name__}")
    raw = bytes(raw)
    content_hash = hashlib.sha256(raw).hexdigest()
    data = cap_parts(raw[:MAX_MAIL_BYTES] if len(raw) > MAX_MAIL_BYTES else raw)
    truncated = len(data) < len(raw)
    try:
        return _parse(data, content_hash, truncated)
    except Exception:
        # A bug of ours or a stdlib failure no fence caught: the mail is still stored (by
        # hash) and shown empty rather than lost in a retry loop.
        logger.exception("could not parse mail %s", content_hash)
        return _unreadable(content_hash, truncated)


def _parse(data: bytes, content_hash: str, truncated: bool) -> InboundMail:
    msg = _load(data)
    parts = leaves(msg, MAX_PARTS)
    found = bodies(parts, max_text=MAX_TEXT_CHARS, max_html=MAX_HTML_CHARS)
    raw_html = "\n".join(found.html)[:MAX_HTML_CHARS]
    text = "\n".join(found.plain)[:MAX_TEXT_CHARS] or (html_to_text(raw_html) if raw_html else "")
    files = [] if truncated else attachments(parts, referenced_cids(raw_html))
    bounce = find_bounce(msg, parts, text)
    subject = headers.text_value(msg, "subject")
    sender = headers.addresses(msg, "from")
    return InboundMail(
        message_id=headers.first_id(msg, "message-id"),
        in_reply_to=headers.all_ids(msg, "in-reply-to"),
        references=headers.all_ids(msg, "references"),
        from_address=sender[0][1] if sender else None,
        from_name=sender[0][0] if sender else "",
        to=headers.address_list(msg, "to"),
        cc=headers.address_list(msg, "cc"),
        reply_to=headers.address_list(msg, "reply-to"),
        delivered_to=headers.address_list(msg, "delivered-to"),
        x_original_to=headers.address_list(msg, "x-original-to"),
        subject=subject,
        date=headers.parse_date(headers.raw_value(msg, "date")),
        text=text,
        html=_sanitised(raw_html, files),
        raw_html=raw_html,
        attachments=files,
        auto_reply=auto_reply_reason(msg, subject, is_bounce=bounce is not None),
        bounce=bounce,
        content_hash=content_hash,
        truncated=truncated,
    )


def _load(data: bytes) -> Message:
    """Parsed with ``compat32``: header values stay the raw strings they were, decoded by our
    own code (``headers``). The default policy re-parses a structured header with its header
    registry on every access, at about 10 ms for a kilobyte of parameters, and raises on
    hostile input; a mail of 1.5 MB with such headers took it 48 s. Fed in chunks rather than
    through ``message_from_bytes``, which copies the whole mail into a StringIO at four bytes
    a character."""
    parser = BytesFeedParser(policy=policy.compat32)
    data = cap_mime_headers(data)
    view = memoryview(data)
    try:
        for start in range(0, len(data), FEED_CHUNK):
            parser.feed(bytes(view[start : start + FEED_CHUNK]))
        return parser.close()
    except Exception:  # RecursionError on absurd nesting, or a feedparser bug: headers only
        return _headers_only(data)


def _headers_only(data: bytes) -> Message:
    try:
        msg = BytesParser(policy=policy.compat32).parsebytes(data, headersonly=True)
    except Exception:
        return Message()
    msg.set_payload("")
    return msg


def _sanitised(raw_html: str, files: list[MailPart]) -> str:
    """Inline images stay as ``cid:`` URLs of parts this mail has; whoever serves the parts
    maps them with ``clean_mail_html(mail.raw_html, cid_urls=...)``."""
    if not raw_html:
        return ""
    cids = {part.content_id: f"cid:{part.content_id}" for part in files if part.content_id}
    return clean_mail_html(raw_html, cid_urls=cids)


def _unreadable(content_hash: str, truncated: bool) -> InboundMail:
    return InboundMail(
        message_id=None,
        in_reply_to=[],
        references=[],
        from_address=None,
        from_name="",
        to=[],
        cc=[],
        reply_to=[],
        delivered_to=[],
        x_original_to=[],
        subject="",
        date=None,
        text="",
        html="",
        raw_html="",
        attachments=[],
        auto_reply=None,
        bounce=None,
        content_hash=content_hash,
        truncated=truncated,
    )
