"""The booking letter PDF, read back with pypdf: what the customer reads, where the post office
looks for the address, and how a folder of letters prints duplex."""

from __future__ import annotations

import io
import logging
import random
import re
from dataclasses import dataclass, replace
from typing import Any

import pytest
from PIL import Image
from pypdf import PageObject, PdfReader

from hub.booking.letter_pdf import (
    ADDRESS_WINDOW,
    LOGO_BOX,
    LetterContent,
    printable,
    render_letter,
    render_letters,
)
from tests.factories import png_bytes

POINTS_PER_MM = 72 / 25.4
# What a template may hold that the core fonts print as they are (Windows-1252).
TYPOGRAPHIC = "\u00ab \u00bb \u2013 \u2014 \u2026 \u201c \u201d \u2018 \u2019 \u2022 \u20ac"
EN_DASH = "\u2013"
A4_HEIGHT = 297.0

BASE = LetterContent(
    sender_name="Nordlys Elektro AS",
    sender_lines=("Postboks 12 Sentrum", "0101 Oslo"),
    logo=None,
    recipient_name="Kari Nordmann",
    recipient_lines=("Storgata 1", "0155 Oslo"),
    place_date="Oslo, 25. november 2026",
    reference="Sak S-1042",
    subject="Vi kommer for å bytte strømmåleren din",
    body=(
        "Hei Kari!\n\n"
        "Vi kommer tirsdag 1. desember mellom kl. 08 og 12 for å bytte strømmåleren din.\n\n"
        "Med vennlig hilsen\nNordlys Elektro AS"
    ),
    code_label="Bookingkode",
    booking_code="K7PX3M",
    reply_instructions="Send en SMS med «K7PX3M OK» til +47 59 44 12 00 for å bekrefte tiden.",
)


@dataclass(frozen=True)
class Placed:
    """A piece of text on a page: where its baseline starts, in mm from the top left corner."""

    text: str
    x: float
    y: float
    font: str
    size: float


def letter(**changes: Any) -> LetterContent:
    return replace(BASE, **changes)


def read(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in read(data).pages]


def flat(text: str) -> str:
    """Extracted text with line breaks as spaces: multi_cell wraps lines where it likes."""
    return " ".join(text.split())


def placed_text(page: PageObject) -> list[Placed]:
    found: list[Placed] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        name = str(font.get("/BaseFont", "")) if font else ""
        found.append(
            Placed(text.strip(), x / POINTS_PER_MM, A4_HEIGHT - y / POINTS_PER_MM, name, size)
        )

    page.extract_text(visitor_text=visit)
    return found


def find(page: PageObject, text: str) -> Placed:
    matches = [placed for placed in placed_text(page) if placed.text == text]
    assert len(matches) == 1, (text, placed_text(page))
    return matches[0]


def images(page: PageObject) -> dict[str, int]:
    """The image XObjects ``page`` uses, by name, with their object numbers: the same number
    on two pages is one copy of the image in the file."""
    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources is not None else None
    if xobjects is None:
        return {}
    xobjects = xobjects.get_object()
    return {
        str(name): xobjects.raw_get(name).idnum
        for name in xobjects
        if xobjects[name].get_object()["/Subtype"] == "/Image"
    }


def content_of(page: PageObject) -> str:
    stream = page.get_contents()
    assert stream is not None
    return stream.get_data().decode("latin-1")


def image_placement(page: PageObject) -> tuple[float, float, float, float]:
    """(x, top, width, height) in mm of the one image drawn on ``page``."""
    content = content_of(page)
    match = re.search(r"q ([\d.]+) 0 0 ([\d.]+) ([\d.]+) ([\d.]+) cm /I\d+ Do Q", content)
    assert match is not None, content
    width, height, x, bottom = (float(value) / POINTS_PER_MM for value in match.groups())
    return x, A4_HEIGHT - bottom - height, width, height


def jpeg_bytes(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (20, 60, 140)).save(buffer, format="JPEG")
    return buffer.getvalue()


def long_body(paragraphs: int) -> str:
    return "\n\n".join(
        f"Avsnitt {number}: montøren bytter måleren, sjekker sikringsskapet og rydder etter seg."
        for number in range(1, paragraphs + 1)
    )


def test_letter_has_everything_the_customer_needs() -> None:
    [text] = page_texts(render_letter(BASE))

    for expected in (
        "Nordlys Elektro AS",
        "Kari Nordmann",
        "Storgata 1",
        "0155 Oslo",
        "Oslo, 25. november 2026",
        "Sak S-1042",
        "Vi kommer for å bytte strømmåleren din",
        "Hei Kari!",
        "Med vennlig hilsen",
        "Bookingkode",
        "K7PX3M",
    ):
        assert expected in text
    assert "Vi kommer tirsdag 1. desember mellom kl. 08 og 12 for å bytte" in flat(text)
    assert BASE.reply_instructions in flat(text)


def test_parts_come_in_reading_order() -> None:
    page = read(render_letter(BASE)).pages[0]

    tops = [
        find(page, text).y
        for text in (
            "Nordlys Elektro AS, Postboks 12 Sentrum, 0101 Oslo",  # the return line
            "Kari Nordmann",
            "Vi kommer for å bytte strømmåleren din",
            "Hei Kari!",
            "Bookingkode",
            "K7PX3M",
        )
    ]
    assert tops == sorted(tops)


def test_subject_is_bold_and_booking_code_large_and_fixed_width() -> None:
    page = read(render_letter(BASE)).pages[0]

    subject = find(page, BASE.subject)
    code = find(page, "K7PX3M")
    body = find(page, "Hei Kari!")
    assert subject.font == "/Helvetica-Bold"
    assert code.font == "/Courier-Bold"
    assert code.size > subject.size > body.size


def test_address_sits_in_the_envelope_window() -> None:
    page = read(render_letter(BASE)).pages[0]

    for line in ("Kari Nordmann", "Storgata 1", "0155 Oslo"):
        placed = find(page, line)
        assert ADDRESS_WINDOW.x + 2 <= placed.x <= ADDRESS_WINDOW.right - 40
        assert ADDRESS_WINDOW.y + 5 <= placed.y <= ADDRESS_WINDOW.bottom - 3
    # The window itself is where Nordic C5/C4 envelopes have it.
    assert 15 <= ADDRESS_WINDOW.x <= 25
    assert 40 <= ADDRESS_WINDOW.y <= 50
    assert (ADDRESS_WINDOW.width, ADDRESS_WINDOW.height) == (90, 45)


def test_nothing_else_shows_through_the_window() -> None:
    page = read(render_letter(BASE)).pages[0]
    in_window = [
        placed.text
        for placed in placed_text(page)
        if ADDRESS_WINDOW.x <= placed.x < ADDRESS_WINDOW.right
        and ADDRESS_WINDOW.y <= placed.y <= ADDRESS_WINDOW.bottom + 2
    ]

    assert in_window == [
        "Nordlys Elektro AS, Postboks 12 Sentrum, 0101 Oslo",
        "Kari Nordmann",
        "Storgata 1",
        "0155 Oslo",
    ]


def test_a_crowded_address_is_made_smaller_and_cut_to_stay_in_the_window() -> None:
    lines = tuple(f"Adresselinje {number}" for number in range(1, 10))
    long_street = "Kong Christian den Fjerdes gate 112 B, oppgang 3, leilighet H0304 bak butikken"
    content = letter(recipient_lines=(long_street, *lines))

    page = read(render_letter(content)).pages[0]

    placed = [p for p in placed_text(page) if p.text.startswith(("Kari", "Kong", "Adresse"))]
    assert placed[0].text == "Kari Nordmann"
    assert placed[1].text.startswith("Kong Christian")
    assert placed[1].text.endswith("...")
    assert all(ADDRESS_WINDOW.y < p.y < ADDRESS_WINDOW.bottom for p in placed)
    assert all(p.size < 11 for p in placed)
    assert "Adresselinje 9" not in page.extract_text()


def test_nordic_letters_survive_exactly() -> None:
    nordic = "æøåÆØÅäöÄÖéü"
    content = letter(
        recipient_name=f"Åse Ærøy Øvergård {nordic}",
        subject=f"Måleren byttes {EN_DASH} {nordic}",
        body=f"Hälsningar från Göteborg, København og Tromsø: {nordic}",
    )

    [text] = page_texts(render_letter(content))

    assert f"Åse Ærøy Øvergård {nordic}" in text
    assert f"Måleren byttes {EN_DASH} {nordic}" in text
    assert f"Hälsningar från Göteborg, København og Tromsø: {nordic}" in text


def test_typographic_characters_of_a_template_are_printed() -> None:
    body = f"Tegn: {TYPOGRAPHIC}, pris 100 \u20ac"

    [text] = page_texts(render_letter(letter(body=body)))

    assert body in text


def test_characters_the_font_lacks_are_mapped_not_fatal() -> None:
    body = "Kl. 08\u201012 \u2212 ta med 漢字 😀👍🏽 og Đuro Ŋ ł č\u200b!"

    [text] = page_texts(render_letter(letter(body=body)))

    assert "Kl. 08-12 - ta med ?? ?? og Duro N l c!" in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("æøå ÆØÅ äö ÄÖ é ü", "æøå ÆØÅ äö ÄÖ é ü"),
        (TYPOGRAPHIC, TYPOGRAPHIC),
        ("a\u030a", "å"),  # decomposed å, as some systems send it
        ("08\u201012", "08-12"),
        ("1\u202f000 kr", "1\xa0000 kr"),
        ("\ufb01ne", "fine"),
        ("😀", "?"),
        ("👍🏽", "?"),
        ("👨\u200d👩\u200d👧", "???"),
        ("❤\ufe0f", "?"),
        ("漢字", "??"),
        ("tab\there\r\nnext\rline", "tab here\nnext\nline"),
        ("bell\x07", "bell"),
    ],
)
def test_printable(text: str, expected: str) -> None:
    assert printable(text) == expected


def test_long_body_flows_onto_a_second_page_without_losing_text() -> None:
    data = render_letter(letter(body=long_body(40)))

    texts = page_texts(data)

    assert len(texts) >= 2
    whole = "\n".join(texts)
    for number in range(1, 41):
        assert f"Avsnitt {number}: montøren bytter måleren" in whole
    assert "K7PX3M" in texts[-1]
    assert BASE.reply_instructions in flat(texts[-1])
    assert "Kari Nordmann" in texts[0]
    assert "Kari Nordmann" not in texts[1]
    assert all("Sak S-1042" in text for text in texts)  # the footer tells whose page it is


def test_code_box_is_not_split_from_its_label() -> None:
    for paragraphs in range(14, 24):
        pages = read(render_letter(letter(body=long_body(paragraphs)))).pages
        label_page = next(i for i, page in enumerate(pages) if "Bookingkode" in page.extract_text())
        assert "K7PX3M" in pages[label_page].extract_text()
        assert find(pages[label_page], "K7PX3M").y < A4_HEIGHT - 30


def two_page_body() -> str:
    for paragraphs in range(10, 60):
        body = long_body(paragraphs)
        if len(read(render_letter(letter(body=body))).pages) == 2:
            return body
    raise AssertionError("no body of two pages")


def first_pages(data: bytes, names: list[str]) -> list[int]:
    texts = page_texts(data)
    return [next(i + 1 for i, text in enumerate(texts) if name in text) for name in names]


def test_several_letters_each_start_on_an_odd_page() -> None:
    contents = [
        letter(recipient_name="Anna Andersen"),
        letter(recipient_name="Bjørn Berg", body=two_page_body()),
        letter(recipient_name="Cecilie Dahl"),
    ]

    data = render_letters(contents)

    texts = page_texts(data)
    assert len(texts) == 5
    assert first_pages(data, ["Anna Andersen", "Bjørn Berg", "Cecilie Dahl"]) == [1, 3, 5]
    assert texts[1] == ""  # the back of Anna's letter stays blank, footer and all
    assert "Bjørn Berg" not in texts[0] + texts[1] + texts[4]


def test_one_page_letters_are_kept_apart_by_blank_backs() -> None:
    names = ["Anna Andersen", "Bjørn Berg", "Cecilie Dahl"]

    data = render_letters([letter(recipient_name=name) for name in names])

    texts = page_texts(data)
    assert len(texts) == 5
    assert first_pages(data, names) == [1, 3, 5]
    assert texts[1] == texts[3] == ""


def test_no_letters_is_an_error() -> None:
    with pytest.raises(ValueError, match="No letters"):
        render_letters([])


def test_metadata_title_and_author() -> None:
    metadata = read(render_letter(BASE)).metadata

    assert metadata is not None
    assert metadata.title == "Vi kommer for å bytte strømmåleren din"
    assert metadata.author == "Nordlys Elektro AS"


def test_metadata_of_a_folder_names_each_subject_once() -> None:
    data = render_letters(
        [BASE, letter(subject="Vi kommer på besøk"), BASE, letter(sender_name="Nordlys Elektro AS")]
    )

    metadata = read(data).metadata
    assert metadata is not None
    assert metadata.title == "Vi kommer for å bytte strømmåleren din; Vi kommer på besøk"
    assert metadata.author == "Nordlys Elektro AS"


def test_letter_without_subject_or_sender_lines_still_renders() -> None:
    content = letter(subject="", sender_lines=(), place_date="", recipient_lines=())

    [text] = page_texts(render_letter(content))

    assert "Kari Nordmann" in text
    assert "K7PX3M" in text
    assert "Postboks" not in text  # no return line without an address to return to


@pytest.mark.parametrize(
    ("logo", "size"),
    [
        (png_bytes(60, 20), (40.0, 40 / 3)),  # wide: as wide as the box
        (png_bytes(10, 50), (4.0, 20.0)),  # tall: as high as the box
        (png_bytes(2, 1), (40.0, 20.0)),
        (jpeg_bytes(80, 20), (40.0, 10.0)),
    ],
)
def test_logo_fits_the_top_right_corner_undistorted(logo: bytes, size: tuple[float, float]) -> None:
    page = read(render_letter(letter(logo=logo))).pages[0]

    assert len(images(page)) == 1
    x, top, width, height = image_placement(page)
    assert (width, height) == pytest.approx(size, abs=0.05)
    assert x + width == pytest.approx(LOGO_BOX.right, abs=0.05)
    assert top == pytest.approx(LOGO_BOX.y, abs=0.05)


def test_folder_embeds_a_shared_logo_once() -> None:
    data = render_letters([letter(logo=png_bytes(60, 20))] * 3)

    pages = read(data).pages
    assert len(images(pages[0])) == 1
    assert [images(pages[i]) for i in (0, 2, 4)] == [images(pages[0])] * 3


SVG_LOGO = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" viewBox="0 0 40 20">'
    b'<rect width="40" height="20" fill="#d02030"/></svg>'
)


@pytest.mark.parametrize(
    ("logo", "reason"),
    [
        pytest.param(random.Random(7).randbytes(300), "neither a PNG", id="random-bytes"),
        pytest.param(png_bytes(60, 20)[:40], "could not be read", id="truncated-png"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "could not be read", id="empty-png"),
        pytest.param(b"\xff\xd8\xff" + b"garbage" * 20, "could not be read", id="broken-jpeg"),
        pytest.param(SVG_LOGO, "neither a PNG", id="svg"),
        pytest.param(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "neither a PNG", id="gif"),
        pytest.param(b"", None, id="empty"),
    ],
)
def test_unusable_logo_is_left_out(
    logo: bytes, reason: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="hub.booking.letter_pdf"):
        data = render_letter(letter(logo=logo))

    page = read(data).pages[0]
    assert images(page) == {}
    assert content_of(page).count(" re ") == 1  # no vector drawing either: just the code box
    assert "Kari Nordmann" in page.extract_text()
    assert "K7PX3M" in page.extract_text()
    warnings = [record.getMessage() for record in caplog.records]
    if reason is None:
        assert warnings == []
    else:
        assert len(warnings) == 1
        assert reason in warnings[0]
