"""Header values as text we can trust: decoded, unfolded, free of surrogates and NULs.

Values are read raw (``Message.raw_items``) and decoded here rather than through the stdlib's
header registry for everything but address lists: the registry raises a zoo of exceptions on
hostile input (HeaderParseError, IndexError, ValueError, AttributeError, UnicodeError) and turns
words in an unknown charset into U+FFFD, where a Windows-1252 guess reads right. Every stdlib
call is fenced so one bad header costs only that header.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from email import policy, utils
from email.message import Message

from hub.gateways.email.charsets import clean_text, decode_bytes

MAX_ID_CHARS = 998  # a header line's limit (RFC 5322 2.1.1); longer is not an id
MAX_REFERENCES = 200
MAX_ADDRESSES = 500  # per header
MAX_ADDRESS_CHARS = 1000  # one mailbox, display name and all
MAX_ADDRESS_HEADER_CHARS = 100_000

_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
_Q_ESCAPE = re.compile(rb"=([0-9A-Fa-f]{2})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_SPACES = re.compile(r" {2,}")
_BRACKETED_ID = re.compile(r"<([^<>]*)>")
_WHITESPACE = re.compile(r"\s+")


def raw_values(msg: Message, name: str) -> list[str]:
    """Every occurrence of a header as it came (encoded words and all), 8-bit bytes decoded."""
    wanted = name.lower()
    try:
        items = list(msg.raw_items())
    except Exception:  # a message the parser half built: no headers rather than a crash
        return []
    return [clean_text(str(value)) for key, value in items if key.lower() == wanted]


def raw_value(msg: Message, name: str) -> str:
    values = raw_values(msg, name)
    return values[0] if values else ""


def text_value(msg: Message, name: str) -> str:
    """The first occurrence, RFC 2047 decoded, on one line."""
    return one_line(decode_words(raw_value(msg, name)))


def one_line(value: str) -> str:
    """Unfolded, control characters turned into spaces: a header value fit for a label."""
    return _SPACES.sub(" ", _CONTROL.sub(" ", value)).strip()


def decode_words(value: str) -> str:
    """RFC 2047 encoded words decoded, the whitespace between two adjacent words dropped."""
    pieces: list[str] = []
    position = 0
    previous_was_word = False
    for match in _ENCODED_WORD.finditer(value):
        gap = value[position : match.start()]
        if gap and not (previous_was_word and gap.isspace()):
            pieces.append(gap)
        decoded = _decode_word(*match.groups())
        pieces.append(match.group(0) if decoded is None else decoded)
        previous_was_word = decoded is not None
        position = match.end()
    pieces.append(value[position:])
    return clean_text("".join(pieces))


def _decode_word(charset: str, encoding: str, encoded: str) -> str | None:
    data = encoded.encode("ascii", "replace")
    if encoding in "bB":
        try:
            raw = base64.b64decode(data + b"=" * (-len(data) % 4), validate=True)
        except (binascii.Error, ValueError):
            return None
    else:
        raw = _Q_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data.replace(b"_", b" "))
    return decode_bytes(raw, charset)


def addresses(msg: Message, name: str) -> list[tuple[str, str]]:
    """(display name, lower-cased addr-spec) for every mailbox in every occurrence of an
    address header; groups are flattened, entries without a local part and a domain dropped."""
    found: list[tuple[str, str]] = []
    for value in raw_values(msg, name):
        for display, address in _parse_addresses(value):
            # The registry decodes encoded words in unknown charsets to surrogates.
            address = one_line(clean_text(address)).lower()
            local, _at, domain = address.rpartition("@")
            if local and domain and " " not in address:
                found.append((one_line(clean_text(display)).strip("\"' "), address))
    return found


def _parse_addresses(value: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for piece in split_addresses(value[:MAX_ADDRESS_HEADER_CHARS])[:MAX_ADDRESSES]:
        if "@" in piece and len(piece) <= MAX_ADDRESS_CHARS:
            pairs.extend(_parse_address(piece))
    return pairs


def _parse_address(piece: str) -> list[tuple[str, str]]:
    """One mailbox. The registry's parser understands quoting and encoded words; it gives up
    (or recurses too deep) on junk, where the old lenient parser still finds an address."""
    try:
        header = policy.default.header_factory("to", piece)
        return [(a.display_name, a.addr_spec) for a in header.addresses]
    except Exception:
        return _parse_leniently(piece)


def _parse_leniently(piece: str) -> list[tuple[str, str]]:
    try:
        return [(decode_words(n), a) for n, a in utils.getaddresses([piece])]
    except Exception:
        return []


def split_addresses(value: str) -> list[str]:
    """An address list cut at its top-level ``,`` (and a group's ``:`` and ``;``), outside
    quotes, comments and angle brackets, in one pass: the stdlib parsers take quadratic
    time, or recurse until they fail, on a long list."""
    pieces: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    comment = angle = 0
    for ch in value:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif quoted:
            quoted = ch != '"'
        elif ch == '"':
            quoted = comment == 0
        elif ch == "(":
            comment += 1
        elif ch == ")" and comment:
            comment -= 1
        elif comment:
            pass
        elif ch == "<":
            angle += 1
        elif ch == ">" and angle:
            angle -= 1
        elif ch in ",:;" and not angle:
            pieces.append("".join(current))
            current = []
            continue
        current.append(ch)
    pieces.append("".join(current))
    return pieces


def address_list(msg: Message, name: str) -> list[str]:
    return _unique(address for _display, address in addresses(msg, name))


def message_ids(value: str) -> list[str]:
    """The ids in a Message-ID, In-Reply-To or References value: brackets and whitespace
    (folded long ids) removed, in order, once each. Clients that forget the brackets still
    get their ``local@domain`` tokens read."""
    found = [_WHITESPACE.sub("", inner) for inner in _BRACKETED_ID.findall(value)]
    if not found:
        found = [token.strip("<>") for token in re.split(r"[\s,]+", value) if "@" in token]
    return _unique(i for i in found if i and len(i) <= MAX_ID_CHARS)


def first_id(msg: Message, name: str) -> str | None:
    ids = message_ids(raw_value(msg, name))
    return ids[0] if ids else None


def all_ids(msg: Message, name: str) -> list[str]:
    """Every id in every occurrence. A thread's References can grow without bound; past
    ``MAX_REFERENCES`` keep the first (the thread's root) and the newest, as RFC 5322 3.6.4
    suggests trimming."""
    ids = _unique(i for value in raw_values(msg, name) for i in message_ids(value))
    if len(ids) > MAX_REFERENCES:
        ids = [ids[0], *ids[-(MAX_REFERENCES - 1) :]]
    return ids


def parse_date(value: str) -> datetime | None:
    """Aware UTC. A date without a zone (or with ``-0000``, "zone unknown") is taken as UTC."""
    if not value.strip():
        return None
    try:
        moment = utils.parsedate_to_datetime(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
