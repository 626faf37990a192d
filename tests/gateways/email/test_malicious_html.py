"""clean_mail_html against known XSS vectors: whatever goes in, nothing executable comes out.

The output is read back with the stdlib's ``html.parser`` (which decodes entities in
attribute values) and checked against invariants rather than exact strings, so the tests hold
whichever way nh3 chooses to neutralise a vector.
"""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from hub.gateways.email.html import clean_mail_html
from hub.gateways.email.html_limits import too_complex, too_deep
from hub.gateways.email.html_text import html_to_text

MALICIOUS = sorted((Path(__file__).parent / "fixtures" / "malicious").glob("*.html"))
CID_URLS = {"logo@example": "https://hub.example/files/7"}

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "center", "cite", "code", "col",
    "colgroup", "dd", "del", "div", "dl", "dt", "em", "font", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small",
    "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "tt", "u", "ul",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "background", "poster", "xlink:href", "data",
    "cite", "srcset", "lowsrc", "dynsrc", "ping", "codebase", "longdesc", "usemap", "profile",
    "manifest", "icon", "srcdoc", "content",
}  # fmt: skip
LINK_SCHEMES = {"http", "https", "mailto", "tel"}
DANGEROUS_CSS = ("expression", "url(", "javascript", "behavior", "binding", "@import", "position")


class Element:
    def __init__(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tag = tag
        self.attrs = attrs


class Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, attrs))


def elements(html: str) -> list[Element]:
    collector = Collector()
    collector.feed(html)
    collector.close()
    return collector.elements


def canonical(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Elements with their attributes in a fixed order (nh3 may reorder ``rel`` and
    ``target``), plus the markup with tags removed."""
    text = re.sub(r"<[^>]*>", "", html)
    return [(e.tag, sorted(e.attrs, key=lambda a: a[0])) for e in elements(html)] + [(text, [])]


def scheme(url: str) -> str | None:
    """As a browser reads it: controls and spaces trimmed, tabs and newlines anywhere gone."""
    url = re.sub(r"[\t\n\r]", "", url).strip("".join(map(chr, range(33))))
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", url)
    return match.group(1).lower() if match else None


def assert_safe(
    output: str, *, cid_urls: dict[str, str] | None = None, allow_remote: bool = False
) -> None:
    mapped = set((cid_urls or {}).values())
    assert "<script" not in output.lower()
    for element in elements(output):
        assert element.tag in ALLOWED_TAGS, f"<{element.tag}> survived"
        for name, value in element.attrs:
            assert not name.startswith("on"), f"{name} on <{element.tag}>"
            value = value or ""
            if name in URL_ATTRIBUTES:
                assert_safe_url(element.tag, name, value, mapped, allow_remote)
            if name == "style":
                assert_safe_style(value)


def assert_safe_url(tag: str, name: str, value: str, mapped: set[str], allow_remote: bool) -> None:
    assert name in ("href", "src"), f"{name}={value!r} on <{tag}>"
    if value in mapped:
        return
    kind = scheme(value)
    if name == "href":
        assert kind in LINK_SCHEMES, f"href={value!r}"
    else:
        assert allow_remote, f"src={value!r}"
        assert kind in ("http", "https"), f"src={value!r}"


def assert_safe_style(value: str) -> None:
    squashed = re.sub(r"\s|/\*.*?\*/", "", value.lower())
    assert "\\" not in squashed, value
    for word in DANGEROUS_CSS:
        assert word not in squashed, value
    assert not re.search(r"-\d", squashed), f"negative length in {value!r}"


@pytest.mark.parametrize("path", MALICIOUS, ids=[p.stem for p in MALICIOUS])
def test_nothing_executable_survives(path: Path) -> None:
    dirty = path.read_text(encoding="utf-8", errors="surrogateescape")
    assert_safe(clean_mail_html(dirty))
    assert_safe(clean_mail_html(dirty, cid_urls=CID_URLS), cid_urls=CID_URLS)
    assert_safe(clean_mail_html(dirty, allow_remote_images=True), allow_remote=True)


@pytest.mark.parametrize("path", MALICIOUS, ids=[p.stem for p in MALICIOUS])
def test_cleaning_is_idempotent(path: Path) -> None:
    """The parser's copy is cleaned again with real image URLs: nothing may change but those."""
    once = clean_mail_html(path.read_text(encoding="utf-8", errors="surrogateescape"))
    assert canonical(clean_mail_html(once)) == canonical(once)


def test_there_are_enough_vectors() -> None:
    assert len(MALICIOUS) >= 25


def test_remote_images_are_removed_unless_allowed() -> None:
    dirty = (MALICIOUS[0].parent / "28_remote_images.html").read_text(encoding="utf-8")
    blocked = clean_mail_html(dirty)
    allowed = clean_mail_html(dirty, allow_remote_images=True)
    assert "<img" not in blocked
    assert "[Logo]" in blocked  # the alt text stands in for the image
    sources = [dict(e.attrs)["src"] for e in elements(allowed) if e.tag == "img"]
    assert "https://tracker.example/pixel.gif?u=staff" in sources
    assert "http://cdn.example/logo.png" in sources
    assert not any(s and s.startswith("//") for s in sources)  # relative, never remote


def test_cid_images_are_mapped_or_removed() -> None:
    dirty = (MALICIOUS[0].parent / "32_cid_links.html").read_text(encoding="utf-8")
    cleaned = clean_mail_html(dirty, cid_urls={"logo@example": "/api/files/7/"})
    sources = [dict(e.attrs)["src"] for e in elements(cleaned) if e.tag == "img"]
    assert sources == ["/api/files/7/", "/api/files/7/"]  # case and %-encoding ignored
    assert "[mangler]" in cleaned
    links = [dict(e.attrs) for e in elements(cleaned) if e.tag == "a"]
    assert links[0]["href"] == "/api/files/7/"


def test_a_relative_url_only_when_it_is_a_mapped_cid() -> None:
    cleaned = clean_mail_html(
        '<a href="/api/files/7/">ours</a><a href="/admin/">theirs</a><img src="/x.png" alt="x">',
        cid_urls={"a@b": "/api/files/7/"},
    )
    assert [dict(e.attrs).get("href") for e in elements(cleaned) if e.tag == "a"] == [None, None]
    assert "<img" not in cleaned


def test_a_dangerous_mapping_is_ignored() -> None:
    cleaned = clean_mail_html(
        '<img src="cid:a@b" alt="x">', cid_urls={"a@b": "javascript:alert(1)"}
    )
    assert cleaned == "[x]"


def test_links_open_in_a_new_tab_without_referrer() -> None:
    cleaned = clean_mail_html('<a href="https://nordlys.example/tilbud" rel="opener">Tilbud</a>')
    (link,) = elements(cleaned)
    attrs = dict(link.attrs)
    assert attrs["href"] == "https://nordlys.example/tilbud"
    assert attrs["target"] == "_blank"
    assert attrs["rel"] == "noopener noreferrer nofollow"


def test_ordinary_mail_formatting_is_kept() -> None:
    dirty = (
        '<div dir="ltr"><h2>Tilbud</h2><p><b>fet</b> <i>kursiv</i> <u>understreket</u> '
        "<strong>sterk</strong> <em>vekt</em> <span>span</span></p><ul><li>en</li></ul>"
        "<ol><li>to</li></ol><blockquote>sitat</blockquote><pre>  kode</pre><code>x</code>"
        '<hr><table><thead><tr><th>A</th></tr></thead><tbody><tr><td colspan="2">1</td></tr>'
        '</tbody></table><img src="cid:a@b" alt="bilde" width="10" height="20"><br></div>'
    )
    cleaned = clean_mail_html(dirty, cid_urls={"a@b": "https://hub.example/f/1"})
    tags = {e.tag for e in elements(cleaned)}
    assert tags >= {
        "div", "h2", "p", "b", "i", "u", "strong", "em", "span", "ul", "ol", "li",
        "blockquote", "pre", "code", "hr", "table", "thead", "tbody", "tr", "th", "td",
        "img", "br",
    }  # fmt: skip
    image = next(e for e in elements(cleaned) if e.tag == "img")
    assert dict(image.attrs) == {
        "src": "https://hub.example/f/1",
        "alt": "bilde",
        "width": "10",
        "height": "20",
    }


def test_harmless_styles_are_kept_and_the_rest_dropped() -> None:
    cleaned = clean_mail_html(
        '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">'
        '<p style="margin:0cm;font-family:&quot;Aptos&quot;,sans-serif;color:rgb(34,34,34);'
        'position:absolute;background:url(x);margin-top:-40px">x</p></div>'
    )
    outer, inner = elements(cleaned)
    assert dict(outer.attrs)["style"] == (
        "border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"
    )
    style = dict(inner.attrs)["style"] or ""
    assert "margin:0cm" in style
    assert "Aptos" in style
    assert "rgb(34" in style
    assert "position" not in style
    assert "url" not in style
    assert "-40px" not in style


def test_classes_and_ids_are_dropped() -> None:
    """They would let a mail pick up the hub's own CSS, or clobber its DOM."""
    cleaned = clean_mail_html('<div class="modal-backdrop" id="csrf_token" name="x">x</div>')
    assert cleaned == "<div>x</div>"


def test_absurd_nesting_is_shown_as_text() -> None:
    """html5ever is quadratic in nesting depth: such HTML is never handed to it."""
    assert too_deep("<div>" * 5000)
    assert too_deep("<div></p>" * 5000)  # stray end tags cannot hide the depth
    assert too_deep("<ul><li>" * 2000)
    cleaned = clean_mail_html(
        "<div>" * 5000 + "<script>alert(1)</script>Hei &amp; <b>du</b><br>der"
    )
    assert cleaned == "<div>Hei &amp; du<br>der</div>"


def test_a_long_thread_is_not_too_deep() -> None:
    level = (
        '<div><div style="border:none;border-top:solid #E1E1E1 1.0pt"><p class="MsoNormal">'
        "<b>Fra:</b> Kari<br><b>Sendt:</b> tirsdag<o:p></o:p></p></div><p>Svar<blockquote>"
    )
    html = level * 80 + "Hei"
    assert not too_deep(html)
    assert clean_mail_html(html).count("<blockquote") == 80


def test_unclosed_paragraphs_are_not_depth() -> None:
    assert not too_deep("<p>linje" * 5000)


PATHOLOGICAL = {
    "nested divs": "<div>" * 100_000 + "x",
    "nested list items": "<ul><li>" * 50_000,
    "stray end tags": "<div></p>" * 100_000,
    "bare ampersands": "&" * 1_000_000,
    "unclosed attributes": "<a " * 333_000,
    "unclosed tags": "<a" * 500_000,
    "unclosed quotes": "<p title='" * 100_000,
    "processing instructions": "<?" * 500_000,
    "end tag openers": "</" * 500_000,
}


@pytest.mark.parametrize("html", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_html_costs_linear_time(html: str) -> None:
    """Each of these takes one of the parsers from seconds to minutes; here, well under one."""
    started = time.monotonic()
    cleaned = clean_mail_html(html)
    text = html_to_text(html)
    assert time.monotonic() - started < 5
    assert_safe(cleaned)
    assert len(text) <= len(html)


def test_many_entities_are_too_complex() -> None:
    assert too_complex("&amp;" * 50_001)
    assert not too_complex("&nbsp;" * 5_000)
