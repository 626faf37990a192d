"""The booking letter as a PDF (PowerCatch's "brevbooking"): an A4 page, printed and posted in
a left window envelope to a customer without a mobile phone, who answers with the booking code.

Only the drawing lives here; what the letter says arrives ready-made in a ``LetterContent``.

The PDF uses the core Helvetica and Courier fonts, which every PDF reader has, so the hub needs
no font files on the machine it runs on. Those fonts speak Windows-1252 (the PDF's
WinAnsiEncoding), which holds the Nordic letters and the typographic marks a template uses
(guillemets, dashes, curly quotes, the ellipsis, bullets, the euro sign); any other character is
mapped to a close equivalent or printed as "?", so no text can make a letter fail.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from fpdf import FPDF
from fpdf.enums import Align, ResourceAccessPolicy, XPos, YPos
from fpdf.image_parsing import preload_image

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LetterContent:
    """Everything a booking letter says, already localised and rendered from its template."""

    sender_name: str
    sender_lines: tuple[str, ...]
    logo: bytes | None
    recipient_name: str
    recipient_lines: tuple[str, ...]
    place_date: str
    reference: str
    subject: str
    body: str
    code_label: str
    booking_code: str
    reply_instructions: str


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle on the page in millimetres, measured from the page's top left corner."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height


# The window of a Nordic C5/C4 envelope with the window on the left. The address is kept a few
# millimetres inside it, because a folded letter shifts a little in its envelope.
ADDRESS_WINDOW = Box(x=20, y=45, width=90, height=45)
ADDRESS_AREA = Box(
    x=ADDRESS_WINDOW.x + 5,
    y=ADDRESS_WINDOW.y + 4,
    width=ADDRESS_WINDOW.width - 10,
    height=ADDRESS_WINDOW.height - 8,
)
LOGO_BOX = Box(x=150, y=15, width=40, height=20)

LEFT = 25.0
RIGHT = 20.0
TOP = 15.0
BOTTOM = 25.0  # room for the footer under the text
FOOTER_FROM_BOTTOM = 13.0
BODY_TOP = ADDRESS_WINDOW.bottom + 10
DATE_COLUMN = Box(x=120, y=ADDRESS_AREA.y + 5, width=70, height=10)

SANS = "Helvetica"
MONO = "Courier"
ENCODING = "windows-1252"
GREY = 90

BODY_SIZE = 11.0
BODY_LINE = 5.2
PARAGRAPH_GAP = 3.0
SUBJECT_SIZE = 14.0
SUBJECT_LINE = 6.5
ADDRESS_SIZES = (11.0, 10.5, 10.0, 9.5, 9.0, 8.5, 8.0)
RETURN_LINE_SIZE = 7.0
RETURN_LINE_HEIGHT = 4.0
CODE_SIZES = (26.0, 22.0, 18.0, 15.0, 12.0)
CODE_SPACING = 5.0  # points between the code's characters, so each one stands apart
CODE_BOX_HEIGHT = 27.0
CODE_BOX_GAP = 6.0

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"

# Characters Windows-1252 lacks, with what a reader of the printed letter would take for them.
_CLOSE_EQUIVALENTS = str.maketrans(
    {
        "\t": " ",
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2012": "-",  # figure dash
        "\u2015": "\u2014",  # horizontal bar
        "\u2043": "-",  # hyphen bullet
        "\u2212": "-",  # minus sign
        "\u2032": "'",  # prime
        "\u2033": '"',  # double prime
        "\u2190": "<-",
        "\u2192": "->",
        "\u2007": "\xa0",  # figure space
        "\u202f": "\xa0",  # narrow no-break space, as Babel puts in numbers
        "\u2028": "\n",  # line separator
        "\u2029": "\n\n",  # paragraph separator
        "\u0110": "D",  # Sámi and Croatian đ
        "\u0111": "d",
        "\u014a": "N",  # Sámi ŋ
        "\u014b": "n",
        "\u0166": "T",  # Sámi ŧ
        "\u0167": "t",
        "\u0141": "L",  # Polish ł
        "\u0142": "l",
        "\u0131": "i",  # Turkish dotless i
    }
)
_EMOJI_SKIN_TONES = frozenset(chr(code) for code in range(0x1F3FB, 0x1F400))
_INVISIBLE = frozenset(("Cf", "Mn", "Me"))
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\xa0]*\n")


def render_letter(content: LetterContent) -> bytes:
    """One letter as a PDF: one A4 page, more when the body is long."""
    return render_letters([content])


def render_letters(contents: Sequence[LetterContent]) -> bytes:
    """Several letters in one PDF, to print the whole letters folder in one go.

    Every letter starts on an odd page, after a blank page where needed, so that duplex printing
    never puts the end of one customer's letter on the back of the next customer's first page.
    Raises ``ValueError`` when there is no letter: a PDF without pages is not printable.
    """
    if not contents:
        raise ValueError("No letters to render.")
    pdf = _LetterPDF()
    pdf.set_title(_distinct_joined(content.subject for content in contents))
    pdf.set_author(_distinct_joined(content.sender_name for content in contents))
    for content in contents:
        _add_letter(pdf, content)
    return bytes(pdf.output())


def printable(text: str) -> str:
    """``text`` with only characters the core fonts can print.

    Line breaks are kept, other control and invisible characters dropped, characters outside
    Windows-1252 replaced by a close equivalent (a dash for a hyphen, a plain letter for an
    accented one the font lacks) or "?" when there is none (emoji, CJK).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text).translate(_CLOSE_EQUIVALENTS)
    return "".join(_printable_char(char) for char in text)


def _printable_char(char: str) -> str:
    if char == "\n":
        return char
    category = unicodedata.category(char)
    if category == "Cc":
        return ""
    if _encodable(char):
        return char
    if category in _INVISIBLE or char in _EMOJI_SKIN_TONES:
        return ""  # zero-width joiners, variation selectors, stray accents: parts of a character
    decomposed = unicodedata.normalize("NFKD", char)
    base = "".join(part for part in decomposed if not unicodedata.combining(part))
    if base and _encodable(base):
        return base  # "č" becomes "c", a ligature its letters, a full-width letter a plain one
    return "?"


def _encodable(text: str) -> bool:
    try:
        text.encode(ENCODING)
    except UnicodeEncodeError:
        return False
    return True


def _distinct_joined(values: Iterable[str]) -> str:
    """One metadata value for a PDF of several letters: each different value once, in order."""
    distinct = dict.fromkeys(" ".join(value.split()) for value in values)
    return "; ".join(value for value in distinct if value)


class _LetterPDF(FPDF):
    """An A4 document in millimetres that draws the footer of whichever letter is on the page.

    fpdf2 draws a page's footer when the page is closed, from ``footer_text`` at that moment;
    ``None`` leaves a page bare (the blank backs that keep letters apart).
    """

    def __init__(self) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.core_fonts_encoding = ENCODING
        self.resource_access_policy = ResourceAccessPolicy.NONE
        self.set_margins(left=LEFT, top=TOP, right=RIGHT)
        self.set_auto_page_break(auto=True, margin=BOTTOM)
        self.c_margin = 0  # text starts exactly where it is placed: the window leaves no slack
        self.footer_text: tuple[str, str] | None = None

    def footer(self) -> None:
        if self.footer_text is None:
            return
        left, right = self.footer_text
        half = self.epw / 2
        self.set_y(-FOOTER_FROM_BOTTOM)
        self.set_font(SANS, size=8)
        self.set_text_color(GREY)
        self.cell(w=half, h=4, text=_fit_line(self, left, half - 2), align=Align.L)
        self.cell(w=half, h=4, text=_fit_line(self, right, half - 2), align=Align.R)
        self.set_text_color(0)


def _add_letter(pdf: _LetterPDF, content: LetterContent) -> None:
    _start_on_odd_page(pdf)
    pdf.footer_text = (content.sender_name, content.reference)
    _draw_sender(pdf, content)
    _draw_logo(pdf, content.logo)
    _draw_address(pdf, content)
    _draw_place_date(pdf, content)
    pdf.set_xy(LEFT, BODY_TOP)
    _draw_subject(pdf, content.subject)
    _draw_paragraphs(pdf, content.body)
    _draw_code_box(pdf, content.code_label, content.booking_code)
    _draw_paragraphs(pdf, content.reply_instructions)


def _start_on_odd_page(pdf: _LetterPDF) -> None:
    """A new page for the next letter, with a blank back first when the last one ended on a
    front (an odd page), so each letter is on sheets of its own."""
    if pdf.page_no() % 2 == 1:
        pdf.add_page()  # closes the previous letter's last page with its footer
        pdf.footer_text = None
    pdf.add_page()


def _draw_sender(pdf: FPDF, content: LetterContent) -> None:
    """The organisation's name at the top left, its extra lines under it as far as they fit
    above the window (where they would show through the envelope)."""
    width = LOGO_BOX.x - LEFT - 5
    pdf.set_xy(LEFT, TOP)
    pdf.set_font(SANS, style="B", size=13)
    pdf.cell(w=width, h=6, text=_fit_line(pdf, content.sender_name, width), new_y=YPos.NEXT)
    pdf.set_font(SANS, size=9)
    room = int((ADDRESS_WINDOW.y - 2 - pdf.get_y()) // 4)
    for line in _nonblank(content.sender_lines)[:room]:
        pdf.set_x(LEFT)
        pdf.cell(w=width, h=4, text=_fit_line(pdf, line, width), new_y=YPos.NEXT)


def _draw_logo(pdf: FPDF, logo: bytes | None) -> None:
    """The organisation's logo at the top right, as large as fits in ``LOGO_BOX`` undistorted.

    A logo that is not a readable PNG or JPEG is left out: a bad upload in the settings must
    not stop letters from being written. Other formats are refused before fpdf2 sees them,
    because it would read SVG (with its references to other files) and whatever Pillow opens.
    """
    if not logo:
        return
    if not logo.startswith((PNG_SIGNATURE, JPEG_SIGNATURE)):
        logger.warning("Letter logo left out: it is neither a PNG nor a JPEG image.")
        return
    try:
        _name, _image, info = preload_image(
            pdf.image_cache, logo, resource_access_policy=ResourceAccessPolicy.NONE
        )
        width, height = _fit_inside(info.width, info.height, LOGO_BOX)
        pdf.image(logo, x=LOGO_BOX.right - width, y=LOGO_BOX.y, w=width, h=height)
    except Exception:  # Pillow and fpdf2 raise many kinds of errors on a damaged image
        logger.warning("Letter logo left out: the image could not be read.", exc_info=True)


def _fit_inside(width: float, height: float, box: Box) -> tuple[float, float]:
    """The largest size with the proportions of ``width`` by ``height`` that fits in ``box``."""
    if width <= 0 or height <= 0:
        raise ValueError("An image without size.")
    scale = min(box.width / width, box.height / height)
    return width * scale, height * scale


def _draw_address(pdf: FPDF, content: LetterContent) -> None:
    """The recipient in the envelope's window: a small return line when the sender has an
    address, then the name and address lines, in a smaller size when many or long lines would
    not fit (lines still too many or too long are cut, never spill out of the window)."""
    top = ADDRESS_AREA.y
    if _nonblank(content.sender_lines):
        pdf.set_font(SANS, size=RETURN_LINE_SIZE)
        return_line = ", ".join(_nonblank((content.sender_name, *content.sender_lines)))
        pdf.set_xy(ADDRESS_AREA.x, top)
        pdf.cell(w=ADDRESS_AREA.width, h=3, text=_fit_line(pdf, return_line, ADDRESS_AREA.width))
        top += RETURN_LINE_HEIGHT
    lines = _nonblank((content.recipient_name, *content.recipient_lines))
    height = ADDRESS_AREA.bottom - top
    size = _address_size(pdf, lines, ADDRESS_AREA.width, height)
    line_height = _line_height(size)
    pdf.set_font(SANS, size=size)
    pdf.set_xy(ADDRESS_AREA.x, top)
    for line in lines[: int(height // line_height)]:
        pdf.set_x(ADDRESS_AREA.x)
        text = _fit_line(pdf, line, ADDRESS_AREA.width)
        pdf.cell(w=ADDRESS_AREA.width, h=line_height, text=text, new_y=YPos.NEXT)


def _address_size(pdf: FPDF, lines: Sequence[str], width: float, height: float) -> float:
    """The largest font size in ``ADDRESS_SIZES`` at which all ``lines`` fit the window."""
    for size in ADDRESS_SIZES:
        pdf.set_font(SANS, size=size)
        fits_height = len(lines) * _line_height(size) <= height
        if fits_height and all(pdf.get_string_width(_one_line(line)) <= width for line in lines):
            return size
    return ADDRESS_SIZES[-1]


def _line_height(size: float) -> float:
    """Millimetres per line for a font of ``size`` points, with a comfortable leading."""
    return size * 0.46


def _draw_place_date(pdf: FPDF, content: LetterContent) -> None:
    """Place and date, and the case reference under them, right-aligned beside the window."""
    pdf.set_font(SANS, size=10)
    pdf.set_xy(DATE_COLUMN.x, DATE_COLUMN.y)
    for line in _nonblank((content.place_date, content.reference)):
        pdf.set_x(DATE_COLUMN.x)
        text = _fit_line(pdf, line, DATE_COLUMN.width)
        pdf.cell(w=DATE_COLUMN.width, h=5, text=text, align=Align.R, new_y=YPos.NEXT)


def _draw_subject(pdf: FPDF, subject: str) -> None:
    """The heading in bold; a letter without a subject starts with its body."""
    text = " ".join(printable(subject).split())
    if not text:
        return
    pdf.set_font(SANS, style="B", size=SUBJECT_SIZE)
    pdf.multi_cell(
        w=0, h=SUBJECT_LINE, text=text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.ln(4)


def _draw_paragraphs(pdf: FPDF, text: str) -> None:
    """Plain text as paragraphs: a blank line separates them, a single newline breaks a line
    inside one (an address or a list in a template stays as it was written)."""
    pdf.set_font(SANS, size=BODY_SIZE)
    for paragraph in _paragraphs(text):
        pdf.multi_cell(
            w=0, h=BODY_LINE, text=paragraph, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        pdf.ln(PARAGRAPH_GAP)


def _paragraphs(text: str) -> list[str]:
    paragraphs = _PARAGRAPH_BREAK.split(printable(text).strip())
    return [
        "\n".join(line.rstrip() for line in p.strip("\n").splitlines())
        for p in paragraphs
        if p.strip()
    ]


def _draw_code_box(pdf: FPDF, label: str, code: str) -> None:
    """The booking code framed and large, in a fixed-width font with room between characters,
    so it is easy to read off the paper and type. The box moves to the next page whole, with
    room under it for the start of the reply instructions, rather than be split."""
    needed = 2 * CODE_BOX_GAP + CODE_BOX_HEIGHT + 3 * BODY_LINE
    if pdf.will_page_break(needed):
        pdf.add_page()
    top = pdf.get_y() + CODE_BOX_GAP - PARAGRAPH_GAP
    pdf.set_line_width(0.4)
    pdf.rect(LEFT, top, pdf.epw, CODE_BOX_HEIGHT)
    pdf.set_line_width(0.2)
    pdf.set_font(SANS, size=10)
    pdf.set_xy(LEFT, top + 4)
    pdf.cell(w=pdf.epw, h=5, text=_fit_line(pdf, label, pdf.epw - 6), align=Align.C)
    _draw_code(pdf, " ".join(printable(code).split()), top + 11)
    pdf.set_xy(LEFT, top + CODE_BOX_HEIGHT + CODE_BOX_GAP)


def _draw_code(pdf: FPDF, code: str, top: float) -> None:
    """The code itself, in the largest of ``CODE_SIZES`` at which it fits the box's width."""
    pdf.set_char_spacing(CODE_SPACING)
    for size in CODE_SIZES:
        pdf.set_font(MONO, style="B", size=size)
        if pdf.get_string_width(code) <= pdf.epw - 10:
            break
    pdf.set_xy(LEFT, top)
    pdf.cell(w=pdf.epw, h=11, text=_fit_line(pdf, code, pdf.epw - 10), align=Align.C)
    pdf.set_char_spacing(0)


def _fit_line(pdf: FPDF, text: str, width: float) -> str:
    """``text`` on one line that fits ``width`` in the current font, cut with "..." if need be:
    one-line places (the window, the footer) have no room to wrap."""
    line = _one_line(text)
    if pdf.get_string_width(line) <= width:
        return line
    while line and pdf.get_string_width(line + "...") > width:
        line = line[:-1]
    return line.rstrip() + "..."


def _one_line(text: str) -> str:
    return " ".join(printable(text).split())


def _nonblank(lines: Iterable[str]) -> tuple[str, ...]:
    return tuple(line for line in lines if line.strip())
