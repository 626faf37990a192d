"""A customer's HTML made safe to show to staff inside the hub.

nh3 (ammonia over html5ever, the HTML5 parsing algorithm browsers use) does the parsing and
serialising, so what we check is what a browser will see: no mutation-XSS gap between our
parser and theirs. On top of its allow-lists this module decides three things itself, in the
attribute filter nh3 calls before its own URL checks:

- URLs: links may be http(s), mailto or tel and nothing else (no relative URLs either: a mail
  has no base, and a relative link would point into the hub); images may be ``cid:`` references
  the caller maps to a URL, and remote http(s) images only when allowed (they are trackers and
  tell the sender when and where staff read the mail).
- Styles: a ``style`` attribute is kept, but only declarations from a list of properties that
  can colour, size and space text and boxes, with values made of words, numbers, colours and
  ``rgb()``/``hsl()``. Mail from Outlook and Gmail shows its quote separator, signature and
  emphasis through inline styles, so dropping them all makes replies hard to read; anything
  that can load a URL (``url()``, ``image-set()``), run code (``expression()``, ``behavior``,
  ``-moz-binding``), or lift content out of its box over the hub's own UI (``position``,
  negative margins, ``transform``) is dropped.
- Images whose source was refused are replaced by their alt text in brackets, or by nothing.

HTML that would cost html5ever quadratic time (see ``html_limits``) is not parsed as HTML at
all: it is shown as its text.

Refused content is removed silently: the raw mail is stored, the sanitised copy is a view.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import escape, unescape
from types import MappingProxyType
from urllib.parse import unquote

import nh3

from hub.gateways.email.charsets import clean_text
from hub.gateways.email.html_limits import crude_text, too_complex

NO_CIDS: Mapping[str, str] = MappingProxyType({})
MAX_STYLE_CHARS = 2000  # Outlook's longest inline styles are a few hundred

LINK_REL = "noopener noreferrer nofollow"
LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
REMOTE_SCHEMES = frozenset({"http", "https"})
# What nh3 itself lets through after our filter: ``cid`` for a caller that maps a cid to
# itself (the parser does, so the sanitised copy keeps its inline images resolvable).
_NH3_SCHEMES = LINK_SCHEMES | {"cid"}

_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "center", "cite", "code", "col",
        "colgroup", "dd", "del", "div", "dl", "dt", "em", "font", "h1", "h2", "h3", "h4", "h5",
        "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small",
        "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
        "thead", "tr", "tt", "u", "ul",
    }
)  # fmt: skip
# Removed with everything inside: code, other documents, and text no reader would see.
_DROP_WITH_CONTENT = frozenset(
    {
        "script", "style", "title", "iframe", "frame", "frameset", "noframes", "object",
        "embed", "applet", "noscript", "noembed", "template", "svg", "math", "textarea",
        "select", "canvas", "audio", "video", "xml",
    }
)  # fmt: skip
_CELL = {"align", "valign", "bgcolor", "width", "height", "colspan", "rowspan"}
_ATTRIBUTES: Mapping[str, set[str]] = {
    "*": {"style", "dir", "lang", "title", "align"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "border"},
    "font": {"color", "face", "size"},
    "table": {"width", "border", "cellpadding", "cellspacing", "bgcolor"},
    "td": _CELL,
    "th": _CELL,
    "tr": {"valign", "bgcolor"},
    "col": {"span", "width"},
    "colgroup": {"span", "width"},
    "ol": {"start", "type"},
    "ul": {"type"},
    "li": {"value"},
    "blockquote": {"type"},
}
STYLE_PROPERTIES = frozenset(
    {
        "color", "background-color", "font", "font-family", "font-size", "font-style",
        "font-variant", "font-weight", "text-align", "text-decoration", "text-indent",
        "text-transform", "line-height", "letter-spacing", "word-spacing", "white-space",
        "word-break", "word-wrap", "overflow-wrap", "vertical-align", "direction",
        "list-style-type", "border", "border-top", "border-right", "border-bottom",
        "border-left", "border-color", "border-style", "border-width", "border-top-color",
        "border-top-style", "border-top-width", "border-right-color", "border-right-style",
        "border-right-width", "border-bottom-color", "border-bottom-style",
        "border-bottom-width", "border-left-color", "border-left-style", "border-left-width",
        "border-collapse", "border-spacing", "border-radius", "margin", "margin-top",
        "margin-right", "margin-bottom", "margin-left", "padding", "padding-top",
        "padding-right", "padding-bottom", "padding-left", "width", "height", "max-width",
        "min-width", "table-layout", "caption-side", "empty-cells",
    }
)  # fmt: skip

_COLOR_FUNCTION = re.compile(r"\b(?:rgba?|hsla?)\([0-9.,%/\s]*\)", re.IGNORECASE)
# Words, numbers, units, #colours, quoted font names, commas, "/" (``font: 11pt/1.2``) and
# ``!important``: no parentheses, backslashes, colons, semicolons, braces, ``@`` or ``<``.
_SAFE_VALUE = re.compile(r"[\w\s#%.,'\"+!/-]*")
_NEGATIVE = re.compile(r"-\s*[0-9.]")
_URL_NOISE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_IMG = re.compile(r"<img\b([^>]*)>")
_ATTR = re.compile(r'([^\s=]+)="([^"]*)"')


def clean_mail_html(
    html: str, *, cid_urls: Mapping[str, str] = NO_CIDS, allow_remote_images: bool = False
) -> str:
    """``cid_urls`` maps a part's Content-ID (no brackets) to the URL it is served from; a
    ``cid:`` image not in it is removed."""
    html = clean_text(html)  # nh3 takes no lone surrogates
    if too_complex(html):
        return _as_html(crude_text(html))
    policy = _UrlPolicy(cid_urls, allow_remote_images)
    cleaned = nh3.clean(
        html,
        tags=_TAGS,
        clean_content_tags=_DROP_WITH_CONTENT,
        attributes=_ATTRIBUTES,
        attribute_filter=policy.filter,
        strip_comments=True,
        link_rel=LINK_REL,
        set_tag_attribute_values={"a": {"target": "_blank"}},
        url_schemes=_NH3_SCHEMES,
        url_relative=policy.relative,
        filter_style_properties=STYLE_PROPERTIES,
    )
    return _IMG.sub(_image_or_alt, cleaned).strip()


class _UrlPolicy:
    def __init__(self, cid_urls: Mapping[str, str], allow_remote_images: bool) -> None:
        self.cid_urls = {_cid_key(cid): url for cid, url in cid_urls.items() if _servable(url)}
        self.allow_remote_images = allow_remote_images

    def filter(self, tag: str, attribute: str, value: str) -> str | None:
        """nh3's hook, called with the entity-decoded value before nh3's own URL checks."""
        if attribute == "style":
            return clean_style(value)
        if attribute == "href":
            return self._link(value)
        if attribute == "src":
            return self._image(value)
        return value

    def relative(self, url: str) -> str | None:
        """Relative URLs survive only when they are ours: a cid mapped to the hub's own path."""
        return url if url in self.cid_urls.values() else None

    def _link(self, value: str) -> str | None:
        url = _normalise_url(value)
        scheme = url_scheme(url)
        if scheme == "cid":
            return self.cid_urls.get(_cid_key(url[4:]))
        return url if scheme in LINK_SCHEMES else None

    def _image(self, value: str) -> str | None:
        url = _normalise_url(value)
        scheme = url_scheme(url)
        if scheme == "cid":
            return self.cid_urls.get(_cid_key(url[4:]))
        if scheme in REMOTE_SCHEMES and self.allow_remote_images:
            return url
        return None


def clean_style(style: str) -> str | None:
    """The declarations worth keeping, or None to drop the attribute."""
    if len(style) > MAX_STYLE_CHARS:
        return None
    kept = []
    for declaration in style.split(";"):
        name, colon, value = declaration.partition(":")
        name, value = name.strip().lower(), value.strip()
        if colon and name in STYLE_PROPERTIES and _harmless(value):
            kept.append(f"{name}:{value}")
    return ";".join(kept) or None


def _harmless(value: str) -> bool:
    bare = _COLOR_FUNCTION.sub("", value)
    return (
        bool(value)
        and _SAFE_VALUE.fullmatch(bare) is not None
        and not _NEGATIVE.search(bare)
        and bare.count('"') % 2 == 0
        and bare.count("'") % 2 == 0
    )


def url_scheme(url: str) -> str | None:
    """The lower-cased scheme, or None for a relative URL."""
    match = _SCHEME.match(url)
    return match.group(1).lower() if match else None


def _normalise_url(value: str) -> str:
    """What a browser's URL parser does first: tabs and newlines anywhere are dropped, and
    leading and trailing controls and spaces trimmed. ``java\\tscript:`` is ``javascript:``."""
    return _URL_NOISE.sub("", value).strip("".join(map(chr, range(33))))


def _cid_key(reference: str) -> str:
    """RFC 2392: a ``cid:`` URL is the Content-ID, URL-encoded; compared without case, as
    clients disagree on it."""
    return unquote(reference).strip().strip("<>").casefold()


def _servable(url: str) -> bool:
    scheme = url_scheme(url)
    return (
        scheme in REMOTE_SCHEMES
        or scheme == "cid"
        or (scheme is None and url.startswith("/") and not url.startswith(("//", "/\\")))
    )


def _image_or_alt(match: re.Match[str]) -> str:
    """nh3's output is canonical (attribute values double-quoted, ``<`` and ``>`` escaped
    everywhere), so this pattern sees exactly its tags."""
    attributes = dict(_ATTR.findall(match.group(1)))
    if "src" in attributes:
        return match.group(0)
    alt = unescape(attributes.get("alt", "")).strip()
    return escape(f"[{alt}]", quote=False) if alt else ""


def _as_html(text: str) -> str:
    return "<div>" + "<br>".join(escape(line, quote=False) for line in text.split("\n")) + "</div>"
