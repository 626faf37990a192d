"""HTML no parser should be handed, and the plain text we show for it instead.

Both HTML parsers we use have inputs that cost them quadratic time, reachable from a mail of a
megabyte or two: html5ever (under nh3) on deeply nested blocks (100 000 nested ``<div>``: half
a minute) and on long runs of character references (a million ``&``: twelve seconds);
``html.parser`` on unclosed tags and attributes (``"<a " * 33_000``: over a minute). No real
mail comes near these limits, so HTML past them is not parsed at all: it is reduced to text by
a scan that only moves forward. The converter only ever parses nh3's output, which is
well-formed and so never reaches html.parser's slow paths.
"""

from __future__ import annotations

import re
from html import unescape

MAX_DEPTH = 1000
MAX_REFERENCES = 50_000  # "&" in the document; Outlook's own HTML has a few thousand at most

_TAG = re.compile(r"<(/?)([a-zA-Z][^\s/>]*)")
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
# Closed by the next of their kind (or of their family): never deeper than one of each.
_SELF_CLOSING = frozenset(
    {"p", "li", "dt", "dd", "td", "th", "tr", "option", "tbody", "thead", "tfoot", "caption"}
)
_LINE_BREAKING = frozenset(
    {"br", "p", "div", "tr", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "hr"}
)
_RAW_TEXT = frozenset({"script", "style", "title", "template", "xmp", "textarea"})
_SPACES = re.compile(r"[ \t\r\f\v\xa0]+")
_BLANK_RUNS = re.compile(r"\n{3,}")


def too_complex(html: str) -> bool:
    return html.count("&") > MAX_REFERENCES or too_deep(html)


def too_deep(html: str) -> bool:
    """An upper bound on how deeply the parser will nest the document, in one linear scan:
    unclosed elements of each name add up (end tags only close what their own name opened,
    so stray ones cannot hide depth)."""
    open_by_name: dict[str, int] = {}
    depth = 0
    for match in _TAG.finditer(html):
        name = match.group(2).lower()
        count = open_by_name.get(name, 0)
        if name in _VOID:
            continue
        if match.group(1):
            if count:
                open_by_name[name] = count - 1
                depth -= 1
        elif not (count and name in _SELF_CLOSING):
            open_by_name[name] = count + 1
            depth += 1
            if depth > MAX_DEPTH:
                return True
    return False


def crude_text(html: str) -> str:
    """Tags dropped (a line break for those that make one), scripts and styles with their
    content, entities decoded, spaces collapsed. Every ``find`` starts where the last ended."""
    lower = html.lower()
    pieces: list[str] = []
    position = 0
    while position < len(html):
        start = html.find("<", position)
        end = html.find(">", start) if start != -1 else -1
        if end == -1:
            pieces.append(html[position:])
            break
        pieces.append(html[position:start])
        inside = lower[start + 1 : end]
        name = _tag_name(inside)
        pieces.append("\n" if name in _LINE_BREAKING else " ")
        position = end + 1
        if name in _RAW_TEXT and not inside.startswith("/"):
            closing = lower.find(f"</{name}", position)
            position = len(html) if closing == -1 else closing
    text = unescape("".join(pieces))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()


def _tag_name(inside: str) -> str:
    return inside.lstrip("/").split(None, 1)[0].rstrip("/") if inside.strip("/ ") else ""
