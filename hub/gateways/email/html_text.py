"""Text from a mail's HTML, shaped like the plain-text part the client did not send.

For HTML-only mail this text is all a reply trimmer gets, so the structure it reads must
survive: a ``<blockquote>`` becomes lines prefixed ``"> "`` (nested, ``"> > "``), block elements
and ``<br>`` become line breaks, ``<hr>`` becomes the underscore rule Outlook writes in its own
plain-text part. Scripts, styles and titles are dropped; entities are decoded; nothing here is
HTML any more, so the result is safe to show as text.

html.parser reads only what nh3 wrote: the same HTML5 tree a browser builds (``<p>`` closed by
a ``<blockquote>``, tables fixed up), serialised well-formed, which keeps html.parser off its
quadratic paths (see ``html_limits``).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

from hub.gateways.email.charsets import clean_text
from hub.gateways.email.html_limits import crude_text, too_complex

RULE = "_" * 32
MAX_QUOTE_DEPTH = 20  # deeper quotes are shown at this depth: the prefix stays bounded

_SKIP = frozenset(
    {"script", "style", "title", "template", "xml", "noscript", "iframe", "object", "svg", "math"}
)
_INLINE = frozenset({"a", "br", "hr", "td", "th"})
_ATTRIBUTES = {"a": {"href"}, "p": {"class"}, "ol": {"start"}}
_VOID = frozenset({"br", "hr"})
_BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "center", "dd", "details", "dialog", "div",
        "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
        "h5", "h6", "header", "li", "main", "nav", "ol", "p", "pre", "section", "summary",
        "table", "tbody", "tfoot", "thead", "tr", "ul", "caption",
    }
)  # fmt: skip
# Blocks a browser sets off with a margin: a blank line after them.
_SPACED = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "dl", "pre", "blockquote"}
)
# Nothing to see at the start of a line: iOS puts a U+FEFF before the text it quotes.
_INVISIBLE = " \ufeff\u200b"
_COLLAPSE = re.compile(r"[ \t\n\r\f]+")
_BLANK_RUNS = re.compile(r"\n{3,}")


def html_to_text(html: str) -> str:
    """Precondition: none; any string, however broken. Never raises."""
    html = clean_text(html)
    if too_complex(html):
        return crude_text(html)
    canonical = nh3.clean(
        html,
        tags=_BLOCK | _INLINE,
        clean_content_tags=_SKIP,
        attributes=_ATTRIBUTES,
        link_rel=None,
        strip_comments=True,
    )
    converter = _Converter()
    try:
        converter.feed(canonical)
        converter.close()
    except Exception:  # not on nh3's output, but a text without its end beats no text
        converter.finish_line()
    return converter.text()


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._lines: list[tuple[int, str]] = []  # (quote depth, text)
        self._line: list[str] = []
        self._depth = 0
        self._pre = 0
        self._blank_pending = False
        self._lists: list[int | None] = []  # None for <ul>, the next number for <ol>
        self._link: tuple[str, list[str]] | None = None
        self._tight_paragraph = False

    # Hooks html.parser calls.

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._end_line(force=True)
        elif tag == "hr":
            self.finish_line()
            self._lines.append((self._depth, RULE))
        elif tag in _BLOCK:
            self._open_block(tag, dict(attrs))
        elif tag in ("td", "th") and self._line:
            self._line.append(" ")
        elif tag == "a":
            self._link = (dict(attrs).get("href") or "", [])

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK:
            self._close_block(tag)
        elif tag == "a":
            self._close_link()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self._pre:
            first, *rest = data.replace("\r\n", "\n").split("\n")
            self._add(first)
            for line in rest:
                self._end_line(force=True)
                self._add(line)
            return
        text = _COLLAPSE.sub(" ", data)
        if not self._line:
            text = text.lstrip(_INVISIBLE)
        self._add(text)

    # Building lines.

    def _open_block(self, tag: str, attrs: dict[str, str | None]) -> None:
        self.finish_line()
        if tag == "blockquote":
            self._flush_blank()
            self._depth += 1
        elif tag == "p":
            self._tight_paragraph = _is_outlook_line(attrs)
        elif tag == "pre":
            self._pre += 1
        elif tag in ("ul", "ol"):
            self._lists.append(None if tag == "ul" else _start(attrs))
        elif tag == "li":
            self._add(self._bullet())

    def _close_block(self, tag: str) -> None:
        self.finish_line()
        if tag == "blockquote":
            self._depth = max(0, self._depth - 1)
        elif tag == "pre":
            self._pre = max(0, self._pre - 1)
        elif tag in ("ul", "ol") and self._lists:
            self._lists.pop()
        if tag in _SPACED and not (tag == "p" and self._tight_paragraph):
            self._blank_pending = True

    def _bullet(self) -> str:
        indent = "  " * min(max(0, len(self._lists) - 1), MAX_QUOTE_DEPTH)
        if not self._lists or self._lists[-1] is None:
            return f"{indent}- "
        number = self._lists[-1]
        self._lists[-1] = number + 1
        return f"{indent}{number}. "

    def _close_link(self) -> None:
        if self._link is None:
            return
        href, words = self._link
        self._link = None
        shown = "".join(words)
        if href.lower().startswith(("http://", "https://")) and href not in shown:
            self._add(f" <{href}>" if self._line else f"<{href}>")

    def _add(self, text: str) -> None:
        if not text:
            return
        if not self._line:
            self._flush_blank()
        self._line.append(text)
        if self._link is not None:
            self._link[1].append(text)

    def _flush_blank(self) -> None:
        if self._blank_pending and self._lines and self._lines[-1][1]:
            self._lines.append((self._depth, ""))
        self._blank_pending = False

    def _end_line(self, *, force: bool) -> None:
        if not self._line and not force:
            return
        line = "".join(self._line).replace("\xa0", " ").rstrip()
        self._lines.append((self._depth, line))
        self._line = []

    def finish_line(self) -> None:
        self._end_line(force=False)

    def text(self) -> str:
        self.finish_line()
        rendered = [
            (("> " * min(depth, MAX_QUOTE_DEPTH)) + line).rstrip() for depth, line in self._lines
        ]
        return _BLANK_RUNS.sub("\n\n", "\n".join(rendered)).strip("\n")


def _is_outlook_line(attrs: dict[str, str | None]) -> bool:
    """Outlook writes every line as a ``<p class=MsoNormal>`` without margins: no gap after."""
    return any(name.lower().startswith("mso") for name in (attrs.get("class") or "").split())


def _start(attrs: dict[str, str | None]) -> int:
    value = (attrs.get("start") or "1").strip()
    return int(value) if value.isdigit() and len(value) < 6 else 1
