"""``hub.threads.uploads``: a file's type comes from its bytes, and its name is only a label."""

from __future__ import annotations

import io

import pytest

from hub.errors import TooLarge, UnsupportedType
from hub.threads.uploads import HEAD_BYTES, clean_name, sniff
from tests.factories import docx_bytes, pdf_bytes, png_bytes, zip_bytes

LIMIT = 10_000

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
TEXT = "Måleravlesning 12. mars: 4711 kWh.\nKunden ønsker time før kl. 10.\n".encode()
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def check(content: bytes, name: str, limit: int = LIMIT) -> str:
    return sniff(io.BytesIO(content), name, len(content), limit)


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (png_bytes(), "bilde.png", "image/png"),
        (png_bytes(), "BILDE.PNG", "image/png"),
        (JPEG, "skap.jpg", "image/jpeg"),
        (JPEG, "skap.jpeg", "image/jpeg"),
        (GIF, "anim.gif", "image/gif"),
        (pdf_bytes(), "faktura.pdf", "application/pdf"),
        (docx_bytes(), "tilbud.docx", DOCX),
        (TEXT, "notat.txt", "text/plain"),
        (b"dato;kWh\n2026-03-12;4711\n", "avlesning.csv", "text/plain"),
        (b"  \n  plain text after blank lines", "logg.log", "text/plain"),
    ],
)
def test_allowed_files_are_recognised_by_their_content(
    content: bytes, name: str, expected: str
) -> None:
    assert check(content, name) == expected


def test_a_multibyte_character_cut_at_the_end_of_the_sample_is_still_text() -> None:
    # "ø" is two bytes; the sample ends between them.
    content = b"a" * (HEAD_BYTES - 1) + "ø".encode() + b" og mer tekst"
    assert content[HEAD_BYTES - 1 : HEAD_BYTES] == b"\xc3"
    assert check(content, "lang.txt", limit=len(content)) == "text/plain"


def test_the_stream_is_left_where_it_was() -> None:
    stream = io.BytesIO(b"xx" + png_bytes())
    stream.seek(2)
    assert sniff(stream, "bilde.png", len(png_bytes()), LIMIT) == "image/png"
    assert stream.tell() == 2


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (ELF, "bilde.jpg"),
        (ELF, "faktura.pdf"),
        (EXE, "faktura.pdf"),
        (EXE, "bilde.jpg"),
        (EXE, "program.exe"),
        (HTML, "bilde.jpg"),
        (HTML, "side.html"),
        (zip_bytes(("virus.exe", "MZ")), "faktura.pdf"),
        (zip_bytes(("bilder/1.jpg", "x")), "bilder.zip"),
        (b"\x00\x01\x02\x03 not a known type", "data.bin"),
    ],
)
def test_types_not_on_the_list_are_refused_whatever_the_name(content: bytes, name: str) -> None:
    with pytest.raises(UnsupportedType, match="cannot be attached") as caught:
        check(content, name)
    assert caught.value.field == "file"
    assert caught.value.status == 415


@pytest.mark.parametrize(
    ("content", "name", "named", "real"),
    [
        (png_bytes(), "faktura.pdf", "application/pdf", "image/png"),
        (pdf_bytes(), "bilde.jpg", "image/jpeg", "application/pdf"),
        (docx_bytes(), "bilde.png", "image/png", DOCX),
        (TEXT, "bilde.png", "image/png", "text/plain"),
        (png_bytes(), "bilde", "no type", "image/png"),
    ],
)
def test_a_name_that_promises_another_type_is_refused(
    content: bytes, name: str, named: str, real: str
) -> None:
    with pytest.raises(UnsupportedType) as caught:
        check(content, name)
    assert caught.value.message == f"“{name}” is named as {named} but its content is {real}."


@pytest.mark.parametrize(
    "content",
    [
        HTML,
        b"   \n<html><body onload=alert(1)>",
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        b'<?xml version="1.0"?><root/>',
        b"#!/bin/sh\nrm -rf /\n",
        b"\xef\xbb\xbf<html><script>alert(1)</script>",
    ],
)
def test_markup_and_scripts_named_as_text_are_refused(content: bytes) -> None:
    with pytest.raises(UnsupportedType, match="cannot be attached"):
        check(content, "notat.txt")


def test_a_windows_1252_csv_from_excel_is_text() -> None:
    content = "Kunde;Adresse\nBjørn Ødegård;Åsveien 3\nGörel Ström;Storgatan 1\n".encode("cp1252")
    assert check(content, "kunder.csv") == "text/plain"


def test_control_characters_mark_a_binary_file() -> None:
    with pytest.raises(UnsupportedType, match="cannot be attached"):
        check(b"abc\x01\x02def" * 10, "notat.txt")


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(UnsupportedType, match="empty") as caught:
        check(b"", "tom.txt")
    assert caught.value.field == "file"


def test_a_file_over_the_limit_is_refused_before_it_is_read() -> None:
    class Unreadable(io.BytesIO):
        def read(self, size: int | None = -1, /) -> bytes:
            raise AssertionError("the size alone decides")

    with pytest.raises(TooLarge) as caught:
        sniff(Unreadable(), "bilde.png", 3 * 1024 * 1024 + 1, 3 * 1024 * 1024)
    assert caught.value.status == 413
    assert caught.value.field == "file"
    assert caught.value.message == "The file is 3.1 MB; the limit is 3 MB."


def test_a_file_of_exactly_the_limit_is_accepted() -> None:
    content = png_bytes()
    assert check(content, "bilde.png", limit=len(content)) == "image/png"
    with pytest.raises(TooLarge, match=r"The file is 2\.1 MB; the limit is 100 KB"):
        sniff(io.BytesIO(content), "bilde.png", 2 * 1024 * 1024 + 1, 100 * 1024)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bilde.png", "bilde.png"),
        ("../../etc/passwd.png", "passwd.png"),
        ("/etc/passwd", "passwd"),
        ("C:\\Users\\kari\\Desktop\\skap.jpg", "skap.jpg"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("mappe/", "mappe"),
        ("", "file"),
        ("   ", "file"),
        ("/", "file"),
        ("\x00\x01\x1f", "file"),
        ("faktura\nmars.pdf", "fakturamars.pdf"),
        ("tab\there.txt", "tabhere.txt"),
        # The right-to-left override that makes "fdp.exe" read as "exe.pdf".
        ("faktura\u202efdp.exe", "fakturafdp.exe"),
        ("  rapport.pdf  ", "rapport.pdf"),
        ("Målerskap Øvre Ålesund.jpg", "Målerskap Øvre Ålesund.jpg"),
    ],
)
def test_clean_name_keeps_the_last_printable_path_component(name: str, expected: str) -> None:
    assert clean_name(name) == expected


def test_clean_name_shortens_a_long_name_and_keeps_its_suffix() -> None:
    cleaned = clean_name("x" * 300 + ".pdf")
    assert len(cleaned) == 200
    assert cleaned == "x" * 196 + ".pdf"
    without_suffix = clean_name("y" * 300)
    assert len(without_suffix) <= 200
    assert set(without_suffix) == {"y"}
    assert clean_name("z" * 200) == "z" * 200
