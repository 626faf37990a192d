"""The customer's new words in an incoming mail, without the quoted thread below them.

A Python port of the algorithm of discourse/email_reply_trimmer (Ruby, MIT licence, copyright
(c) Discourse; https://github.com/discourse/email_reply_trimmer), with Norwegian, Swedish and
Danish patterns added in :mod:`.trim_patterns`. Each line is classified as empty (e),
delimiter (d), phone signature (s), start of an embedded mail (b: "On ... wrote:", "Den ...
skrev ...:", "-----Opprinnelig melding-----"), header (h: Outlook's "Fra:/Sendt:/Til:/Emne:")
quote (q) or text (t); the mail is then cut by the shapes that string of letters takes.

The gem matches regular expressions against that string of letters; here each of those rules is
a scan written out by hand. On a mail of many thousand lines the regular expressions would try
every start position and rescan the rest of the mail from each (quadratic), which a hostile or
merely huge mail must not be able to trigger.

Deliberate differences from the gem: header-looking lines ("Fra: mandag", "Til: 12:00" are
ordinary Norwegian) are dropped only in blocks of three or more; an interleaved reply
keeps the quotes it answers (the gem's later "bq...t" rule); when trimming leaves nothing, the
original text is returned rather than an empty string; and a leading "|" is not a quote mark.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Final

from hub.gateways.email import trim_patterns as p

_MAX_JOIN_LINES: Final = 4
"""How many following lines a wrapped attribution line may take (the gem's limit)."""
_MAX_JOIN_LEN: Final = 400
_ONLY_TEXT: Final = re.compile(r"[te]*")
_MIN_HEADER_BLOCK: Final = 3
_HEADER_RUN: Final = re.compile(f"h{{{_MIN_HEADER_BLOCK},}}")
_HTE_RUN: Final = re.compile("[hte]+")
_HUGE_QUOTE_MAX_TEXT: Final = 7
"""Past this many lines of text after a quote, the quote is an interleaved reply, not a tail."""
_MAX_SIGNATURE_LINES: Final = 6
_MAX_SIGNATURE_LINE_LEN: Final = 80
_WORDS: Final = (p.TEXT, p.HEADER)
"""Kinds of line that are the customer's own words once trimming is done (one or two
header-like lines are kept as text)."""
_DELIMITER_LINE: Final = re.compile(r"^[ \t]*[-_,=+~#*ᐧ—]+[ \t]*$", re.MULTILINE)


def extract_reply(text: str) -> str:
    """What the customer wrote: ``text`` without quoted mails, forwarded mails, Outlook header
    blocks and signatures.

    Line endings come back as "\\n"; blank lines around the reply and whitespace at its end are
    gone. When trimming would leave nothing (a mail that is only a quote or only "Sendt fra min
    iPhone"), the whole text is returned: something to read beats an empty message.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip(p.EMPTY_CHARS + "\n\f\v"):
        return ""
    lines = _before_first_delimiter(text).split("\n")
    blocks: set[int] = set()
    if "```" in text:
        lines, blocks = _hoist_code_blocks(lines)
    if ">" in text:
        lines = [
            p.fix_quote_prefix(ln) if ">" in ln and ln[0] != ">" and i not in blocks else ln
            for i, ln in enumerate(lines)
        ]
    lines, blocks = _join_wrapped_markers(lines, blocks)
    pattern = _classify(lines, blocks)
    kept = _trim(pattern, list(range(len(lines))))
    if not any(pattern[i] in _WORDS for i in kept):
        # Nothing of the customer's own is left (only quotes, or nothing): show it all.
        return _tidy(text.split("\n"))
    return _tidy(_without_signature_block([lines[i] for i in kept]))


def _without_signature_block(lines: list[str]) -> list[str]:
    """The reply without the block under the sender's name, when it ends that way.

    Outlook and company webmail add "Driftssjef | Hansen Eiendom AS" and "Tlf. +47 922 33 444"
    under "Med vennlig hilsen\\nOla Hansen" with no "-- " above them. Only a short block at the
    very end, after a sign-off and a name, with something of a contact card in it (a phone
    number, an address, a "|", a company form) and no "PS" goes; the sign-off and name stay.
    """
    filled = [i for i, ln in enumerate(lines) if ln.strip(p.EMPTY_CHARS)]
    tail = filled[-(_MAX_SIGNATURE_LINES + 2) :]
    for n, i in enumerate(tail[:-1]):
        if p.SIGN_OFF_RE.match(lines[i]) is None:
            continue
        name = n if p.SIGN_OFF_NAMED_RE.match(lines[i]) else n + 1
        block = [lines[k] for k in tail[name + 1 :]]
        if (
            name < len(tail)
            and 0 < len(block) <= _MAX_SIGNATURE_LINES
            and all(len(b) <= _MAX_SIGNATURE_LINE_LEN for b in block)
            and any(p.CONTACT_RE.search(b) for b in block)
            and not any(p.POSTSCRIPT_RE.match(b) for b in block)
        ):
            return lines[: tail[name] + 1]
    return lines


def _before_first_delimiter(text: str) -> str:
    """The text up to its first delimiter line, which the first rule cuts at anyway.

    A long thread under "-- " or Outlook's "_____" is then never classified. Only done when the
    mail has no fenced code, where "---" or "#" may be code; the delimiter test proper
    (:func:`.trim_patterns.is_delimiter`) still runs on every line that is classified.
    """
    if "```" in text:
        return text
    for m in _DELIMITER_LINE.finditer(text):
        if p.is_delimiter(m.group().strip(p.EMPTY_CHARS)):
            return text[: m.start()]
    return text


def _tidy(lines: list[str]) -> str:
    """Lines joined, without blank lines around them or whitespace at the end."""
    start, end = 0, len(lines)
    while start < end and not lines[start].strip(p.EMPTY_CHARS):
        start += 1
    while end > start and not lines[end - 1].strip(p.EMPTY_CHARS):
        end -= 1
    return "\n".join(lines[start:end]).rstrip()


def _hoist_code_blocks(lines: list[str]) -> tuple[list[str], set[int]]:
    """Fold each fenced code block into one line, so "#" or "---" in code is not a delimiter.

    Returns the lines and the indexes of the folded blocks (always text).
    """
    fences = [i for i, ln in enumerate(lines) if ln.startswith(("```", " ```", "  ```", "   ```"))]
    out: list[str] = []
    blocks: set[int] = set()
    prev = 0
    f = 0
    while f < len(fences):
        i = fences[f]
        f += 1
        if i < prev or not p.CODE_OPEN_RE.fullmatch(lines[i]):
            continue
        while f < len(fences) and not p.CODE_CLOSE_RE.fullmatch(lines[fences[f]]):
            f += 1
        if f == len(fences):
            break
        end = fences[f]
        f += 1
        out.extend(lines[prev:i])
        blocks.add(len(out))
        out.append("\n".join(lines[i : end + 1]))
        prev = end + 1
    out.extend(lines[prev:])
    return out, blocks


def _join_wrapped_markers(lines: list[str], blocks: set[int]) -> tuple[list[str], set[int]]:
    """Put an attribution line that the client wrapped back on one line.

    Gmail wraps "On <date>, <someone> <\\nsomeone@example.com> wrote:" and "Den tir. 3. des.
    2024 kl. 10:15 skrev Kari Nordmann\\n<kari@example.no>:" at about 78 characters. The gem
    runs its patterns over the whole text across line ends; here only the few lines above a
    line that could end an attribution are tried, each with at most four lines after it.
    """
    distinct = set(lines)
    may_end = {ln: p.may_end_wrapped_marker(ln) for ln in distinct}
    ends = [e for e, ln in enumerate(lines) if may_end[ln]]
    if ends:
        bits = {ln: p.marker_ingredients(ln) for ln in distinct}
        ends = [e for e in ends if _may_hold_marker(lines, bits, e)]
    if not ends:
        return lines, blocks
    starts = sorted({s for e in ends for s in range(max(0, e - _MAX_JOIN_LINES), e)})
    can_start: dict[str, bool] = {}
    joins: list[tuple[int, int]] = []
    consumed = -1
    for i in starts:
        if i <= consumed or i in blocks:
            continue
        first = lines[i]
        ok = can_start.get(first)
        if ok is None:
            ok = can_start[first] = _may_start(first)
        if ok:
            end = _wrapped_marker_end(lines, blocks, i)
            if end is not None:
                joins.append((i, end))
                consumed = end
    if not joins:
        return lines, blocks
    out: list[str] = []
    shift: list[tuple[int, int]] = []  # (first line after a join, lines removed so far)
    prev = removed = 0
    for i, end in joins:
        out.extend(lines[prev:i])
        out.append(_joined(lines[i : end + 1]))
        removed += end - i
        shift.append((end + 1, removed))
        prev = end + 1
    out.extend(lines[prev:])
    if not blocks:
        return out, blocks
    after = [s for s, _ in shift]
    return out, {b - (shift[k - 1][1] if (k := bisect_right(after, b)) else 0) for b in blocks}


def _may_hold_marker(lines: list[str], bits: dict[str, int], end: int) -> bool:
    """Whether the lines up to ``end`` that a join could take hold what an attribution needs."""
    held = 0
    for ln in lines[max(0, end - _MAX_JOIN_LINES) : end + 1]:
        held |= bits[ln]
    both = p.HOLDS_AT | p.HOLDS_ANGLE
    return bool(held & p.HOLDS_CLOSER) or held & both == both


def _may_start(first: str) -> bool:
    """Whether a wrapped attribution may start on ``first`` (it is not one already)."""
    if len(first) > _MAX_JOIN_LEN or not first.strip() or not p.may_start_wrapped_marker(first):
        return False
    # Complete already: it ends with the colon. ("Op <date> schreef "X" <x@y> het" matches
    # too, but its "volgende geschreven:" is on the next line.)
    return not (
        first.rstrip(p.EMPTY_CHARS).endswith((":", p.FULLWIDTH_COLON)) and p.is_joinable(first)
    )


def _joined(pieces: list[str]) -> str:
    """The gem's join: each line end and the whitespace after it become one space."""
    text = pieces[0]
    for piece in pieces[1:]:
        piece = piece.lstrip()
        if piece:
            text = f"{text} {piece}"
    return text


def _wrapped_marker_end(lines: list[str], blocks: set[int], i: int) -> int | None:
    """The last line of a wrapped attribution starting at line ``i``, or None.

    As in the gem, the "On ... wrote:" forms are tried first and take as many lines as they
    need, even when the first line alone already looks like a marker ("On <date>, Jeff
    <info@discourse.org>" followed by "wrote:"); the date-and-address forms come second.
    """
    first = lines[i]
    pieces = [first]
    candidates: list[tuple[int, str]] = []
    length = len(first)
    for j in range(i + 1, min(i + 1 + _MAX_JOIN_LINES, len(lines))):
        piece = lines[j]
        length += len(piece) + 1
        if j in blocks or length > _MAX_JOIN_LEN:
            break
        pieces.append(piece)
        if not piece.strip():
            continue
        # A following line that is a marker by itself is not a continuation.
        if p.is_standalone_marker(piece):
            break
        joined = _joined(pieces)
        if p.is_joinable(joined):
            return j
        candidates.append((j, joined))
    if p.is_embedded(first):
        return None
    # "<date> <someone> <address>": the gem's pattern crosses a line end only inside the angle
    # brackets or just before them ("...Kari Nordmann <\\nkari@example.no>:", "...Kari
    # Nordmann\\n<kari@example.no>:"), so a date line above "Til: Kari <kari@example.no>" in
    # an Outlook header block stays where it is.
    open_bracket = first.rfind("<") > first.rfind(">")
    for j, joined in candidates:
        address_ok = open_bracket or (j == i + 1 and lines[j].lstrip().startswith("<"))
        if _date_someone_marker(joined, len(first), address_ok):
            return j
    return None


def _date_someone_marker(joined: str, first_len: int, address_ok: bool) -> bool:
    """Whether ``joined`` is a date-first attribution that begins on its first piece."""
    if address_ok and "@" in joined and "<" in joined:
        m = p.DATE_SOMEONE_EMAIL_RE.search(joined)
        if m is not None and m.start() < first_len:
            return True
    if "написал" in joined or "napisał" in joined or "пише" in joined:
        m = p.DATE_SOMEONE_WROTE_RE.search(joined)
        return m is not None and m.start() < first_len
    return False


def _classify(lines: list[str], blocks: set[int]) -> str:
    """The kind letter of every line. A mail repeats lines (">" above all), so each distinct
    line is classified once; fenced code blocks are text."""
    kinds = {line: p.classify(line) for line in set(lines)}
    pattern = "".join(map(kinds.__getitem__, lines))
    if blocks:
        letters = list(pattern)
        for i in blocks:
            letters[i] = p.TEXT
        pattern = "".join(letters)
    return pattern


def _trim(pattern: str, kept: list[int]) -> list[int]:
    """Apply the gem's rules to ``pattern`` (one letter per line of ``kept``, the line indexes).

    Each step is the gem's regular expression on the pattern, written as a linear scan; the
    comment above it gives the expression.
    """
    # Everything after the first delimiter goes: "-- " signatures, Outlook's "_____" rule.
    cut = pattern.find(p.DELIMITER)
    if cut >= 0:
        pattern, kept = pattern[:cut], kept[:cut]

    # Phone signatures go, wherever they are.
    if p.SIGNATURE in pattern:
        kept = [k for k, c in zip(kept, pattern, strict=True) if c != p.SIGNATURE]
        pattern = pattern.replace(p.SIGNATURE, "")

    # /^b[^t]+t[et]*$/: the mail starts with the quoted mail and the reply is at the end.
    if pattern.startswith(p.EMBEDDED):
        first_text = pattern.find(p.TEXT)
        if first_text >= 2 and _ONLY_TEXT.fullmatch(pattern, first_text):
            return kept[first_text:]

    # /te*b[^q]*$/: a marker after some text and no quote below it: keep what is above it.
    marker = _text_then_marker_without_quote(pattern)
    if marker is not None:
        pattern, kept = pattern[: marker + 1], kept[: marker + 1]

    # /te*b[eqbh]*([te]*)$/, fewer than 7 "t" in the group and no /bq[eqbh]*t/ anywhere: a
    # marker, a quote, perhaps a little text: keep what is above the marker.
    quoted = _text_then_marker_then_quote(pattern)
    if quoted is not None:
        pattern, kept = pattern[: quoted + 1], kept[: quoted + 1]

    # /t?e*[qbe]+$/: the mail ends with quotes and markers: cut them (the gem keeps one
    # letter of the run when no text precedes it).
    tail = len(pattern) - len(pattern.rstrip("qbe"))
    if tail:
        start = len(pattern) - tail
        last = start - 1 if start > 0 and pattern[start - 1] == p.TEXT else start
        pattern, kept = pattern[: last + 1], kept[: last + 1]

    # The markers left are mid-mail (an interleaved reply): drop the marker lines themselves.
    if p.EMBEDDED in pattern:
        kept = [k for k, c in zip(kept, pattern, strict=True) if c != p.EMBEDDED]
        pattern = pattern.replace(p.EMBEDDED, "")

    # /h+[hte]+h+e/: a header block whose values wrap ("Subject: a long\nsubject") is all
    # header.
    pattern = _merge_wrapped_headers(pattern)

    # /t[eq]*h{3,}/: text, then a block of three or more headers: keep the text.
    headers = _text_then_header_block(pattern)
    if headers is not None:
        pattern, kept = pattern[: headers + 1], kept[: headers + 1]

    # The headers left go too, but only in blocks (see the module doc).
    if p.HEADER in pattern:
        kept, pattern = _drop_header_runs(pattern, kept)

    # /[eq]+$/ after some text: a trailing quote goes.
    if p.TEXT in pattern:
        end = len(pattern.rstrip("eq"))
        kept = kept[:end]
    return kept


def _text_then_marker_without_quote(pattern: str) -> int | None:
    """The index of the "t" in the leftmost match of /te*b[^q]*$/."""
    b = pattern.find(p.EMBEDDED, pattern.rfind(p.QUOTE) + 1)
    while b >= 0:
        # Walking back over the e's before each b reads every letter at most once.
        before = b - 1
        while before >= 0 and pattern[before] == p.EMPTY:
            before -= 1
        if before >= 0 and pattern[before] == p.TEXT:
            return before
        b = pattern.find(p.EMBEDDED, b + 1)
    return None


def _text_then_marker_then_quote(pattern: str) -> int | None:
    """The index of the "t" of /te*b[eqbh]*([te]*)$/ if the gem's conditions hold, else None.

    After the last q, b or h, only t and e may follow; so the match can only start at the last
    "t" before that letter, and only if a "b" is the next letter after it that is not "e".
    """
    last_marker = max(pattern.rfind(c) for c in "qbh")
    if last_marker < 0:
        return None
    t = pattern.rfind(p.TEXT, 0, last_marker)
    if t < 0:
        return None
    after = t + 1 + len(pattern[t + 1 :]) - len(pattern[t + 1 :].lstrip(p.EMPTY))
    if after >= len(pattern) or pattern[after] != p.EMBEDDED:
        return None
    if pattern.count(p.TEXT, last_marker + 1) >= _HUGE_QUOTE_MAX_TEXT:
        return None
    # /bq[eqbh]*t/: text after a quoted mail is an interleaved reply; keep it all.
    bq = pattern.find("bq")
    if bq >= 0 and pattern.find(p.TEXT, bq) >= 0:
        return None
    return t


def _merge_wrapped_headers(pattern: str) -> str:
    """The first match of /h+[hte]+h+e/ turned into all "h", if it holds a header block."""
    i = 0
    while True:
        s = pattern.find(p.HEADER, i)
        if s < 0:
            return pattern
        run = _HTE_RUN.match(pattern, s)
        end = run.end() if run is not None else s
        # The last "he" in the run whose "h" is at least two letters after the start.
        he = pattern.rfind("he", s + 2, end)
        if he >= 0:
            stop = he + 2
            # Unlike the gem, only a block of at least three headers ("Fra: mandag\nVi
            # kommer\nTil: fredag" is a customer's text).
            if pattern.count(p.HEADER, s, stop) < _MIN_HEADER_BLOCK:
                return pattern
            return pattern[:s] + p.HEADER * (stop - s) + pattern[stop:]
        i = end


def _text_then_header_block(pattern: str) -> int | None:
    """The index of the "t" in the first match of /t[eq]*h{3,}/.

    Each "hhh" is looked at once, walking back over the e's and q's before it; those stretches
    do not overlap, so this reads every letter at most twice.
    """
    h = pattern.find("hhh")
    while h >= 0:
        k = h - 1
        while k >= 0 and pattern[k] in "eq":
            k -= 1
        if k >= 0 and pattern[k] == p.TEXT:
            return k
        end = h + 3
        while end < len(pattern) and pattern[end] == p.HEADER:
            end += 1
        h = pattern.find("hhh", end)
    return None


def _drop_header_runs(pattern: str, kept: list[int]) -> tuple[list[int], str]:
    """Drop blocks of three or more header lines; keep one or two as text.

    "Fra: mandag 9. des." and "Til: fredag 13. des." are a customer's words as often as they
    are headers; an Outlook header block has four lines.
    """
    drop = {i for m in _HEADER_RUN.finditer(pattern) for i in range(m.start(), m.end())}
    if drop:
        kept = [k for i, k in enumerate(kept) if i not in drop]
        pattern = _HEADER_RUN.sub("", pattern)
    return kept, pattern.replace(p.HEADER, p.TEXT)
