"""parse_mail against realistic client mail (fixtures/*.eml, expectations in expected.json)
and against everything that should not break it."""

from __future__ import annotations

import base64
import email
import hashlib
import json
import random
import re
import time
import tracemalloc
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path
from typing import Any

import pytest

from hub.gateways.email import parse
from hub.gateways.email.filenames import safe_filename
from hub.gateways.email.guards import cap_mime_headers
from hub.gateways.email.html_text import html_to_text
from hub.gateways.email.inbound import InboundMail
from hub.gateways.email.parse import parse_mail

FIXTURES = Path(__file__).parent / "fixtures"
EXPECTED: dict[str, dict[str, Any]] = json.loads(
    (FIXTURES / "expected.json").read_text(encoding="utf-8")
)
NAMES = sorted(EXPECTED)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def mail(headers: str, body: str = "Hei\n") -> bytes:
    return (headers.strip("\n") + "\n\n" + body).encode("utf-8", "surrogateescape")


def assert_clean(parsed: InboundMail) -> None:
    """Every string fit for the database: no NUL, no lone surrogate."""
    strings = [
        parsed.message_id or "",
        parsed.from_address or "",
        parsed.from_name,
        parsed.subject,
        parsed.text,
        parsed.html,
        parsed.raw_html,
        parsed.auto_reply or "",
        *parsed.in_reply_to,
        *parsed.references,
        *parsed.to,
        *parsed.cc,
        *parsed.reply_to,
        *parsed.delivered_to,
        *parsed.x_original_to,
        *(part.filename for part in parsed.attachments),
        *(part.content_id or "" for part in parsed.attachments),
    ]
    for value in strings:
        assert "\x00" not in value
        value.encode("utf-8")  # raises on a lone surrogate
    assert parsed.date is None or parsed.date.tzinfo is UTC
    for part in parsed.attachments:
        assert part.filename
        assert "/" not in part.filename
        assert "\\" not in part.filename
        assert not part.filename.startswith(".")


# The fixtures.


def test_every_fixture_has_expectations() -> None:
    assert sorted(p.name for p in FIXTURES.glob("*.eml")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_fixture(name: str) -> None:
    raw = fixture(name)
    expected = EXPECTED[name]
    parsed = parse_mail(raw)

    assert parsed.message_id == expected["message_id"]
    assert parsed.in_reply_to == expected["in_reply_to"]
    assert parsed.references == expected["references"]
    assert parsed.from_address == expected["from_address"]
    assert parsed.from_name == expected["from_name"]
    assert parsed.to == expected["to"]
    assert parsed.cc == expected["cc"]
    assert parsed.subject == expected["subject"]
    assert parsed.date == (datetime.fromisoformat(expected["date"]) if expected["date"] else None)
    assert (parsed.auto_reply is not None) == expected["auto_reply"]
    assert parsed.content_hash == hashlib.sha256(raw).hexdigest()
    assert not parsed.truncated
    assert [
        {
            "filename": part.filename,
            "content_type": part.content_type,
            "content_id": part.content_id,
            "inline": part.inline,
        }
        for part in parsed.attachments
    ] == expected["attachments"]
    if expected["bounce"] is None:
        assert parsed.bounce is None
    else:
        assert parsed.bounce is not None
        assert {
            "original_message_id": parsed.bounce.original_message_id,
            "recipient": parsed.bounce.recipient,
            "status": parsed.bounce.status,
            "permanent": parsed.bounce.permanent,
        } == expected["bounce"]
        assert parsed.bounce.reason
    assert expected["reply"] in parsed.text  # the customer's words are in the text, as written
    assert_clean(parsed)


@pytest.mark.parametrize("name", NAMES)
def test_fixture_html_is_sanitised(name: str) -> None:
    parsed = parse_mail(fixture(name))
    assert "<script" not in parsed.html
    assert "<style" not in parsed.html
    assert "class=" not in parsed.html
    assert bool(parsed.html) == bool(parsed.raw_html)


def test_delivery_headers() -> None:
    parsed = parse_mail(fixture("gmail_nb_reply.eml"))
    assert parsed.delivered_to == ["reply+s1042.abcdef123@reply.hub.example"]
    assert parsed.x_original_to == ["reply+s1042.abcdef123@reply.hub.example"]


def test_inline_image_keeps_its_cid_in_the_sanitised_html() -> None:
    parsed = parse_mail(fixture("inline_image_pdf.eml"))
    image, pdf = parsed.attachments
    assert image.payload.startswith(b"\x89PNG\r\n\x1a\n")
    assert pdf.payload.startswith(b"%PDF-1.4")
    assert 'src="cid:ii_m48x2k1z0"' in parsed.html
    assert 'src="cid:ii_m48x2k1z0"' in parsed.raw_html


def test_html_only_mail_gets_its_text_from_the_html() -> None:
    parsed = parse_mail(fixture("html_only_da.eml"))
    assert parsed.text.startswith("Hej Vestjysk VVS,\n\nVi er hjemme fra kl. 8.")
    assert "\n> Hej Søren,\n" in parsed.text
    assert "font-size" not in parsed.text  # the <style> is gone


def test_format_flowed_is_joined() -> None:
    parsed = parse_mail(fixture("thunderbird_nb_reply.eml"))
    assert "ring på hos Vik i andre etasje." in parsed.text
    assert "> Vi kan komme mandag 9. desember kl. 12 for å se på varmekablene. Passer det?" in (
        parsed.text
    )
    assert "\n-- \nTrond Vik" in parsed.text  # the signature separator keeps its space


def test_a_latin1_body_labelled_utf8_reads_right() -> None:
    parsed = parse_mail(fixture("broken_charset.eml"))
    assert "beløpet" in parsed.text
    assert "\ufffd" not in parsed.text
    assert parsed.from_name == "Bjørn Dahl"


# Malformed input.


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\n",
        b"\r\n\r\n",
        b"\x00" * 100,
        b"not a mail at all",
        b"From: \n\n",
        b": no name\n\n",
        b"Content-Type: multipart/mixed\n\nno boundary",
        b'Content-Type: multipart/mixed; boundary=""\n\n--\n--',
        b'Content-Type: text/plain; charset="\xff\xfe"\n\n\xff\xfe',
        b"Content-Type: message/rfc822\n\nFrom: x@y\n\n",
        b"Content-Transfer-Encoding: base64\n\n!!!!====",
        b"Content-Transfer-Encoding: x-uuencode\n\nbegin 644 x\n",
        b"Content-Type: text/plain; format=flowed; delsp=yes\n\n> > x \n> y \n\n",
    ],
)
def test_odd_inputs_do_not_raise(raw: bytes) -> None:
    assert_clean(parse_mail(raw))


def test_empty_bytes() -> None:
    parsed = parse_mail(b"")
    assert parsed.message_id is None
    assert parsed.from_address is None
    assert parsed.text == ""
    assert parsed.attachments == []
    assert parsed.content_hash == hashlib.sha256(b"").hexdigest()


def test_random_bytes(caplog: pytest.LogCaptureFixture) -> None:
    generator = random.Random(5322)
    for _ in range(200):
        assert_clean(parse_mail(generator.randbytes(generator.randrange(0, 4000))))
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def test_mangled_fixtures(caplog: pytest.LogCaptureFixture) -> None:
    """Bytes flipped, lines dropped, mails cut short: never a crash, never a fallback."""
    generator = random.Random(2045)
    for name in NAMES:
        raw = bytearray(fixture(name))
        for _ in range(15):
            mangled = bytearray(raw)
            for _ in range(generator.randrange(1, 30)):
                mangled[generator.randrange(len(mangled))] = generator.randrange(256)
            assert_clean(parse_mail(bytes(mangled)))
            assert_clean(parse_mail(bytes(raw[: generator.randrange(len(raw))])))
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def test_truncated_multipart_keeps_what_arrived() -> None:
    raw = fixture("inline_image_pdf.eml")
    cut = raw[: raw.index(b"Content-Type: application/pdf") + 200]
    parsed = parse_mail(cut)
    assert "Her er bilde av måleren" in parsed.text
    assert parsed.attachments[0].filename == "image.png"
    assert_clean(parsed)


def test_deep_nesting_does_not_recurse_to_death() -> None:
    depth = 3000
    opening = "".join(
        f'Content-Type: multipart/mixed; boundary="b{i}"\n\n--b{i}\n' for i in range(depth)
    )
    parsed = parse_mail(("Subject: deep\n" + opening + "\nHei\n").encode())
    assert parsed.subject == "deep"
    assert_clean(parsed)


def test_the_number_of_parts_is_bounded() -> None:
    message = EmailMessage()
    message["Subject"] = "many"
    message.set_content("Hei")
    for number in range(parse.MAX_PARTS + 50):
        message.add_attachment(b"x", maintype="application", subtype="octet-stream",
                               filename=f"{number}.bin")  # fmt: skip
    parsed = parse_mail(message.as_bytes())
    assert len(parsed.attachments) == parse.MAX_PARTS - 1
    assert parsed.text.strip() == "Hei"


def test_too_many_parts_are_not_read() -> None:
    body = "--b\nContent-Type: text/plain\n\nHei\n" + "--b\nContent-Type: image/png\n\nx\n" * 6000
    parsed = parse_mail(mail('Content-Type: multipart/mixed; boundary="b"', body + "--b--\n"))
    assert parsed.truncated
    assert parsed.attachments == []
    assert parsed.text == "Hei"  # the line break before a delimiter belongs to the delimiter


@pytest.mark.parametrize(
    "header",
    [
        "Content-Type: text/plain; charset=utf-8" + "; a=b" * 300_000,
        "Content-Disposition: attachment"
        + "".join(f"; filename*{n}*=utf-8''a" for n in range(50_000)),
        "To: " + "a@example.no, " * 300_000,
        "To: " + "(" * 300_000,
        "Cc: " + '"' * 300_000,
    ],
    ids=["parameters", "rfc2231-pieces", "recipients", "comments", "quotes"],
)
def test_huge_headers_cost_linear_time(header: str) -> None:
    started = time.monotonic()
    parsed = parse_mail(mail(header))
    assert time.monotonic() - started < 5
    assert_clean(parsed)


def test_a_long_content_type_is_cut_at_a_parameter() -> None:
    raw = mail('Content-Type: text/plain; charset="iso-8859-1"' + "; x=y" * 100, "bl\udce5\n")
    assert cap_mime_headers(raw).count(b";") == 64
    assert parse_mail(raw).text == "blå\n"  # the charset, first, survives the cut


def test_many_recipients_are_all_read() -> None:
    recipients = ", ".join(f'"Etternavn, Fornavn {n}" <p{n}@example.no>' for n in range(300))
    assert len(parse_mail(mail(f"To: {recipients}")).to) == 300


def test_a_str_is_a_programming_error() -> None:
    with pytest.raises(TypeError):
        parse_mail("From: x@y\n\nHei")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("header", "subject"),
    [
        ("=?utf-8?q?J=C3=B8rgen?=", "Jørgen"),
        ("=?utf-8?q?unterminated", "=?utf-8?q?unterminated"),
        ("=?utf-8?b?!!!?=", "=?utf-8?b?!!!?="),  # undecodable base64 stays as written
        ("=?no-such-charset?q?Sp=F8rsm=E5l?=", "Spørsmål"),
        ("=?utf-8?q?=FF=FEhei?=", "ÿþhei"),  # not UTF-8 at all: read as Windows-1252
        ("=?utf-8?q?a?= =?utf-8?q?b?=", "ab"),  # whitespace between words is dropped
        ("Re: =?ISO-8859-1?Q?p=E5?= ferie", "Re: på ferie"),
        ("=?utf-16?b?//5IAGUAaQA=?=", "Hei"),
        ("=?base64?q?abc?=", "abc"),  # a codec that is not a text encoding
        ("=?utf-8?q?null=00byte?=", "nullbyte"),
        ("=?utf-8?q?line=0Abreak?=", "line break"),
    ],
)
def test_encoded_words(header: str, subject: str) -> None:
    parsed = parse_mail(mail(f"Subject: {header}"))
    assert parsed.subject == subject
    assert_clean(parsed)


def test_raw_8bit_headers() -> None:
    raw = "From: Åse Ødegård <ase@example.no>\nSubject: Spørsmål om målerbytte\n\nHei\n"
    utf8 = parse_mail(raw.encode("utf-8"))
    latin1 = parse_mail(raw.encode("latin-1"))
    for parsed in (utf8, latin1):
        assert parsed.subject == "Spørsmål om målerbytte"
        assert parsed.from_name == "Åse Ødegård"
        assert parsed.from_address == "ase@example.no"


# Headers.


def test_message_ids() -> None:
    parsed = parse_mail(
        mail(
            "Message-ID: <abc\n def@example.no>\n"
            "In-Reply-To: Your message of Tuesday <hub.1@hub.example> (comment)\n"
            "References: <a@x> <b@x>\n <hub.1@hub.example>\n"
            "References: <a@x> <c@x>"
        )
    )
    assert parsed.message_id == "abcdef@example.no"
    assert parsed.in_reply_to == ["hub.1@hub.example"]
    assert parsed.references == ["a@x", "b@x", "hub.1@hub.example", "c@x"]


def test_message_id_without_brackets() -> None:
    parsed = parse_mail(mail("Message-ID: 1234.5678@webmail.example.no\nReferences: a@x, b@x"))
    assert parsed.message_id == "1234.5678@webmail.example.no"
    assert parsed.references == ["a@x", "b@x"]


def test_message_id_that_is_no_id() -> None:
    assert parse_mail(mail("Message-ID: <>")).message_id is None
    assert parse_mail(mail("Message-ID: hello")).message_id is None


def test_very_long_references_keep_the_root_and_the_newest() -> None:
    ids = " ".join(f"<r{n}@x>" for n in range(500))
    parsed = parse_mail(mail(f"References: {ids}"))
    assert len(parsed.references) == 200
    assert parsed.references[0] == "r0@x"
    assert parsed.references[-1] == "r499@x"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Tue, 3 Dec 2024 10:15:00 +0100", datetime(2024, 12, 3, 9, 15, tzinfo=UTC)),
        ("Tue,  3 Dec 2024 10:15:00 +0100 (CET)", datetime(2024, 12, 3, 9, 15, tzinfo=UTC)),
        ("3 Dec 2024 10:15:00 -0000", datetime(2024, 12, 3, 10, 15, tzinfo=UTC)),
        ("Tue, 3 Dec 2024 10:15:00", datetime(2024, 12, 3, 10, 15, tzinfo=UTC)),
        ("Tue, 3 Dec 2024 10:15:00 PST", datetime(2024, 12, 3, 18, 15, tzinfo=UTC)),
        ("yesterday", None),
        ("", None),
        ("Tue, 32 Dec 2024 10:15:00 +0100", None),
        ("Tue, 3 Dec 99999 10:15:00 +0100", None),
    ],
)
def test_dates(value: str, expected: datetime | None) -> None:
    assert parse_mail(mail(f"Date: {value}")).date == expected


def test_addresses() -> None:
    parsed = parse_mail(
        mail(
            'From: "Hansen, Ola" <Ola.Hansen@Example.NO>\n'
            "To: undisclosed-recipients:;\n"
            "To: Team: A <a@example.no>, =?utf-8?q?Hansen=2C_Kari?= <KARI@example.no>;\n"
            "Cc: not an address, <>, b@example.no\n"
            "Reply-To: <Svar@Example.no>\n"
            "Delivered-To: Reply+S1@Hub.Example\n"
            "Delivered-To: reply+s1@hub.example\n"
            "X-Original-To: Reply+S1@Hub.Example"
        )
    )
    assert parsed.from_address == "ola.hansen@example.no"
    assert parsed.from_name == "Hansen, Ola"
    assert parsed.to == ["a@example.no", "kari@example.no"]
    assert parsed.cc == ["b@example.no"]
    assert parsed.reply_to == ["svar@example.no"]
    assert parsed.delivered_to == ["reply+s1@hub.example"]
    assert parsed.x_original_to == ["reply+s1@hub.example"]


def test_encoded_words_inside_addresses_come_out_clean() -> None:
    parsed = parse_mail(
        mail(
            'To: "=?x-unknown?q?=9D=A9?="@example.no, =?x-unknown?q?=E5se?= <ase@example.no>\n'
            "Cc: a@=?x-unknown?q?=9D?=.no"
        )
    )
    assert_clean(parsed)
    assert parsed.to[1] == "ase@example.no"


def test_missing_headers() -> None:
    parsed = parse_mail(b"\nJust a body\n")
    assert (parsed.message_id, parsed.from_address, parsed.subject, parsed.date) == (
        None,
        None,
        "",
        None,
    )
    assert parsed.text == "Just a body\n"


# Bodies.


def test_plain_text_wins_over_html_unless_it_is_empty() -> None:
    message = EmailMessage()
    message.set_content(" \n")
    message.add_alternative("<p>Fra <b>HTML</b></p>", subtype="html")
    assert parse_mail(message.as_bytes()).text == "Fra HTML"


def test_apple_mail_split_text_is_joined() -> None:
    message = EmailMessage()
    message.set_content("Før bildet\n")
    message.add_attachment(
        b"\x89PNG", maintype="image", subtype="png", filename="bilde.png", disposition="inline"
    )
    message.add_attachment("Etter bildet\n", disposition="inline")
    parsed = parse_mail(message.as_bytes())
    assert parsed.text == "Før bildet\n\nEtter bildet\n"
    assert [a.filename for a in parsed.attachments] == ["bilde.png"]
    assert parsed.attachments[0].inline


def test_html_charset_from_meta() -> None:
    body = '<meta charset="windows-1252"><p>Bl\xe5b\xe6r \x96 r\xf8d</p>'.encode("latin-1")
    raw = b"Content-Type: text/html\n\n" + body
    assert parse_mail(raw).text == "Blåbær \u2013 rød"


def test_mislabelled_utf8() -> None:
    raw = b"Content-Type: text/plain; charset=iso-8859-1\n\n" + "Blåbær".encode()
    assert parse_mail(raw).text == "Blåbær"


def test_windows_1252_labelled_latin1() -> None:
    raw = b"Content-Type: text/plain; charset=iso-8859-1\n\nIt\x92s \x93quoted\x94"
    assert parse_mail(raw).text == "It\u2019s \u201cquoted\u201d"


def test_crlf_becomes_lf() -> None:
    raw = b"Subject: x\r\nContent-Type: text/plain\r\n\r\nen\r\nto\r\n"
    assert parse_mail(raw).text == "en\nto\n"


# Attachments.


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\x\\y.pdf", "y.pdf"),
        ("..", ""),
        ("...pdf", "pdf"),
        (".bashrc", "bashrc"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("nul\x00byte.txt", "nulbyte.txt"),
        ("sp\u00f8rsm\u00e5l.pdf", "spørsmål.pdf"),
        ("spo\u0308rsma\u030al.pdf", "spörsmål.pdf"),  # NFD from macOS
        ('a<b>c:d"e|f?g*h.txt', "a_b_c_d_e_f_g_h.txt"),
        ("trailing dots. . .", "trailing dots"),
        ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
    ],
)
def test_safe_filename(name: str, safe: str) -> None:
    assert safe_filename(name) == safe


@pytest.mark.parametrize(
    ("disposition", "filename"),
    [
        ('attachment; filename="../../etc/passwd"', "passwd"),
        ('attachment; filename="C:\\\\x\\\\y.pdf"', "y.pdf"),
        ('attachment; filename="=?utf-8?q?../Tilbud_v=C3=A5r.pdf?="', "Tilbud vår.pdf"),
        ("attachment; filename*=utf-8''..%2F..%2Fm%C3%A5ler.pdf", "måler.pdf"),
        ("attachment; filename*=x-unknown''m%E5ler.pdf", "måler.pdf"),
        ('attachment; filename=".."', "attachment-1.pdf"),
        ("attachment", "attachment-1.pdf"),
    ],
)
def test_attachment_filenames(disposition: str, filename: str) -> None:
    raw = mail(
        'Content-Type: multipart/mixed; boundary="b"',
        "--b\nContent-Type: text/plain\n\nHei\n"
        f"--b\nContent-Type: application/pdf\nContent-Disposition: {disposition}\n"
        "Content-Transfer-Encoding: base64\n\nJVBERi0=\n--b--\n",
    )
    (part,) = parse_mail(raw).attachments
    assert part.filename == filename
    assert part.payload == b"%PDF-"


def test_made_up_names_have_the_right_extension() -> None:
    raw = mail(
        'Content-Type: multipart/mixed; boundary="b"',
        "--b\nContent-Type: text/plain\n\nHei\n"
        "--b\nContent-Type: text/calendar; method=REQUEST\n\nBEGIN:VCALENDAR\n"
        "--b\nContent-Type: image/jpeg\n\nx\n"
        "--b\nContent-Type: x-weird/thing\n\ny\n--b--\n",
    )
    assert [p.filename for p in parse_mail(raw).attachments] == [
        "attachment-1.ics",
        "attachment-2.jpg",
        "attachment-3.bin",
    ]


def test_name_from_the_content_type() -> None:
    raw = mail(
        'Content-Type: multipart/mixed; boundary="b"',
        '--b\nContent-Type: text/plain\n\nHei\n--b\nContent-Type: image/jpeg; name="IMG_0042.JPG"\n'
        "Content-Transfer-Encoding: base64\n\n/9j/\n--b--\n",
    )
    (part,) = parse_mail(raw).attachments
    assert (part.filename, part.content_type, part.inline) == ("IMG_0042.JPG", "image/jpeg", False)


def test_attached_mail_is_an_eml_named_after_its_subject() -> None:
    inner = EmailMessage()
    inner["Subject"] = "Faktura 1/2024 \u2013 Nordlys"
    inner["Message-ID"] = "<inner@example.no>"
    inner.set_content("Vedlagt faktura.")
    outer = EmailMessage()
    outer["Subject"] = "Fwd: faktura"
    outer.set_content("Se vedlagt.")
    outer.add_attachment(inner)
    parsed = parse_mail(outer.as_bytes())
    assert parsed.text.strip() == "Se vedlagt."
    (part,) = parsed.attachments
    assert part.filename == "Faktura 1_2024 \u2013 Nordlys.eml"
    assert part.content_type == "message/rfc822"
    again = email.message_from_bytes(part.payload)
    assert again["Message-ID"] == "<inner@example.no>"
    assert parse_mail(part.payload).text.strip() == "Vedlagt faktura."


def test_an_image_referenced_from_the_html_is_inline() -> None:
    raw = mail(
        'Content-Type: multipart/related; boundary="b"',
        '--b\nContent-Type: text/html\n\n<img src="cid:logo%40nordlys">\n'
        "--b\nContent-Type: image/png\nContent-ID: <logo@nordlys>\n\nx\n"
        "--b\nContent-Type: image/png\nContent-ID: <other@nordlys>\n\ny\n--b--\n",
    )
    first, second = parse_mail(raw).attachments
    assert (first.content_id, first.inline, first.filename) == (
        "logo@nordlys",
        True,
        "attachment-1.png",
    )
    assert (second.content_id, second.inline) == ("other@nordlys", False)


def test_a_20_mb_attachment_costs_a_few_copies() -> None:
    payload = random.Random(20).randbytes(20 * 1024 * 1024)
    raw = mail(
        'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"',
        "--b\nContent-Type: text/plain\n\nHei\n"
        '--b\nContent-Type: application/pdf; name="stor.pdf"\nContent-Transfer-Encoding: base64\n\n'
        + base64.encodebytes(payload).decode()
        + "--b--\n",
    )
    tracemalloc.start()
    try:
        parsed = parse_mail(raw)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    (part,) = parsed.attachments
    assert part.payload == payload
    assert peak < 4 * len(raw)


def test_a_mail_over_the_limit_is_read_in_part_without_its_files(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    raw = fixture("inline_image_pdf.eml")
    monkeypatch.setattr(parse, "MAX_MAIL_BYTES", len(raw) - 100)
    parsed = parse_mail(raw)
    assert parsed.truncated
    assert parsed.attachments == []
    assert "Her er bilde av måleren" in parsed.text
    assert "cid:" not in parsed.html
    assert parsed.content_hash == hashlib.sha256(raw).hexdigest()


# Automatic mail.


@pytest.mark.parametrize(
    "headers",
    [
        "Auto-Submitted: auto-replied",
        "Auto-Submitted: auto-generated; owner-email=x@y",
        "X-Autoreply: yes",
        "X-Autorespond: Vacation",
        "Precedence: bulk",
        "Precedence: junk",
        "Precedence: auto_reply",
        "Precedence: list",
        "Return-Path: <>",
        "Subject: Out of Office: Befaring",
        "Subject: Automatic reply: Befaring",
        "Subject: Autosvar: Befaring",
        "Subject: Automatisk svar: Befaring",
        "Subject: Automatiskt svar: Besiktning",
        "Subject: Fraværende",
        "Subject: Fraværende: tilbake 6. januar",
        "Subject: Frånvaro: åter 7 januari",
        "Subject: Ikke til stede (ferie)",
        "Subject: Abwesenheitsnotiz: Befaring",
        "Subject: Autoreply: Befaring",
    ],
)
def test_automatic_mail(headers: str) -> None:
    assert parse_mail(mail(f"From: a@example.no\n{headers}")).auto_reply is not None


@pytest.mark.parametrize(
    "headers",
    [
        "X-Auto-Response-Suppress: All",
        "Auto-Submitted: no",
        "Precedence: normal",
        "Subject: Fraværende montør i går",
        "Subject: SV: Automatisk svar: Befaring",  # a person answering an out-of-office
        "Subject: Re: Befaring",
    ],
)
def test_a_persons_mail(headers: str) -> None:
    assert parse_mail(mail(f"From: a@example.no\n{headers}")).auto_reply is None


def test_read_receipt() -> None:
    raw = mail(
        "Content-Type: multipart/report; report-type=disposition-notification; boundary=b",
        "--b\nContent-Type: text/plain\n\nLest\n--b\nContent-Type: message/disposition-notification"
        "\n\nFinal-Recipient: rfc822; a@example.no\nDisposition: manual-action/MDN-sent-manually;"
        " displayed\n\n--b--\n",
    )
    parsed = parse_mail(raw)
    assert parsed.auto_reply == "read receipt"
    assert parsed.bounce is None


# Bounces.


def dsn(action: str, status: str, returned: str, *, diagnostic: str = "") -> bytes:
    return mail(
        "From: MAILER-DAEMON@mx.example.no\nSubject: Delivery Status Notification\n"
        "Content-Type: multipart/report; report-type=delivery-status; boundary=b",
        "--b\nContent-Type: text/plain\n\nNotice\n"
        "--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.no\n\n"
        f"Final-Recipient: rfc822; Kunde@Example.no\nAction: {action}\nStatus: {status}\n"
        f"{diagnostic}\n" + returned + "--b--\n",
    )


RETURNED_MAIL = (
    "--b\nContent-Type: message/rfc822\n\nMessage-ID: <hub.77@hub.example>\nSubject: x\n\nHei\n"
)
RETURNED_HEADERS = "--b\nContent-Type: text/rfc822-headers\n\nMessage-ID: <hub.88@hub.example>\n"


def test_dsn_with_the_returned_mail() -> None:
    bounce = parse_mail(dsn("failed", "5.2.2", RETURNED_MAIL)).bounce
    assert bounce is not None
    assert bounce.original_message_id == "hub.77@hub.example"
    assert bounce.recipient == "kunde@example.no"
    assert bounce.status == "5.2.2"
    assert bounce.reason == "The mailbox is full."
    assert bounce.permanent


def test_dsn_with_the_returned_headers_and_a_diagnostic() -> None:
    bounce = parse_mail(
        dsn("failed", "5.7.1", RETURNED_HEADERS, diagnostic="Diagnostic-Code: smtp; 550 5.7.1 Nope")
    ).bounce
    assert bounce is not None
    assert bounce.original_message_id == "hub.88@hub.example"
    assert bounce.reason == "550 5.7.1 Nope"


def test_dsn_temporary_failure() -> None:
    bounce = parse_mail(dsn("failed", "4.4.7", RETURNED_HEADERS)).bounce
    assert bounce is not None
    assert not bounce.permanent


def test_a_delay_is_not_a_bounce() -> None:
    parsed = parse_mail(dsn("delayed", "4.4.1", RETURNED_HEADERS))
    assert parsed.bounce is None
    assert parsed.auto_reply is not None


def test_prose_bounce_with_an_smtp_reply_only() -> None:
    raw = mail(
        "From: postmaster@example.dk\nSubject: Undeliverable: Servicebesøg\nReturn-Path: <>",
        "Your message to <mette@example.dk> couldn't be delivered.\n\n"
        "Remote server returned '550 Requested action not taken: mailbox unavailable'\n\n"
        "Original message headers:\n\nMessage-ID: <hub.99@hub.example>\nSubject: x\n",
    )
    bounce = parse_mail(raw).bounce
    assert bounce is not None
    assert bounce.original_message_id == "hub.99@hub.example"
    assert bounce.status == "5.0.0"
    assert bounce.permanent


def test_prose_delay_is_not_a_bounce() -> None:
    raw = mail(
        "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n"
        "Subject: Delivery Status Notification (Delay)",
        "Delivery to the following recipient has been delayed:\n\n     a@example.no\n\n"
        "Message will be retried for 2 more day(s)\n",
    )
    assert parse_mail(raw).bounce is None


def test_a_customer_forwarding_a_bounce_is_no_bounce() -> None:
    raw = mail(
        "Return-Path: <kunde@example.no>\nFrom: kunde@example.no\n"
        "Subject: Fwd: Undeliverable: Faktura",
        "Hva betyr dette?\n\n550 5.1.1 User unknown\nMessage-ID: <hub.5@hub.example>\n",
    )
    assert parse_mail(raw).bounce is None
    raw = raw.replace(b"Fwd: Undeliverable", b"Undeliverable")
    assert parse_mail(raw).bounce is None  # from a person's address


def test_an_exchange_bounce_from_nobody() -> None:
    raw = mail(
        "Return-Path: <>\nFrom: Microsoft Outlook <MicrosoftExchange329e71ec88ae@example.no>\n"
        "Subject: Kan ikke leveres: Faktura",
        "Leveringen til disse mottakerne eller gruppene mislyktes:\n\nola@example.no\n"
        "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; not found'\n\n"
        "Message-ID: <hub.6@hub.example>\n",
    )
    bounce = parse_mail(raw).bounce
    assert bounce is not None
    assert (bounce.original_message_id, bounce.status) == ("hub.6@hub.example", "5.1.10")
    assert bounce.recipient == "ola@example.no"


def test_a_customer_writing_about_returned_mail_is_no_bounce() -> None:
    raw = mail("From: kunde@example.no\nSubject: Returned mail?", "Fikk dere posten min?\n")
    parsed = parse_mail(raw)
    assert parsed.bounce is None
    assert parsed.auto_reply is None


# html_to_text.


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>Hei</p><p>Takk</p>", "Hei\n\nTakk"),
        ("Hei<br>du<br/>der", "Hei\ndu\nder"),
        ("<div>Hei</div><div><br></div><div>Takk</div>", "Hei\n\nTakk"),
        ("<p>A &amp; B &lt;x&gt; &nbsp;&aring; &#8211; &euro;</p>", "A & B <x>  å \u2013 €"),
        ("<script>alert(1)</script><style>p{}</style><title>T</title>Hei", "Hei"),
        (
            "<p>Svar</p><blockquote><p>Sitat</p><blockquote>Dypere</blockquote></blockquote>Etter",
            "Svar\n\n> Sitat\n>\n> > Dypere\n\nEtter",
        ),
        ("<blockquote>en<br><br>to</blockquote>", "> en\n>\n> to"),
        ("<ul><li>en</li><li>to</li></ul><ol start=3><li>tre</li></ol>", "- en\n- to\n\n3. tre"),
        ("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc"),
        ("<pre>  x\n    y</pre>", "  x\n    y"),
        ("tekst<hr>mer", "tekst\n" + "_" * 32 + "\nmer"),
        ('<a href="https://x.example/a">lenke</a>', "lenke <https://x.example/a>"),
        ('<a href="https://x.example/a">https://x.example/a</a>', "https://x.example/a"),
        ('<a href="mailto:a@b">a@b</a>', "a@b"),
        ('<p class="MsoNormal">En<o:p></o:p></p><p class="MsoNormal">To</p>', "En\nTo"),
        ("  mange    mellomrom \n og\tlinjer  ", "mange mellomrom og linjer"),
        ("<p>x<![foo[ y</p>", "x"),  # html.parser gives up; what came before survives
        ("<blockquote>" * 30 + "x", "> " * 20 + "x"),  # the prefix is bounded
        ("", ""),
    ],
)
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


def test_html_to_text_of_an_outlook_reply_keeps_the_header_block() -> None:
    raw_html = parse_mail(fixture("outlook_nb_reply.eml")).raw_html
    text = html_to_text(raw_html)
    assert "Med vennlig hilsen\nOla Hansen\n" in text
    assert "\n\nFra: Nordlys Elektro <post@nordlys.example>\nSendt: tirsdag" in text
    assert "mso-" not in text


def test_the_sanitised_copy_can_be_cleaned_again_with_real_urls() -> None:
    from hub.gateways.email.html import clean_mail_html

    parsed = parse_mail(fixture("inline_image_pdf.eml"))
    served = clean_mail_html(parsed.html, cid_urls={"ii_m48x2k1z0": "/api/files/12/"})
    assert 'src="/api/files/12/"' in served
    assert served == clean_mail_html(parsed.raw_html, cid_urls={"ii_m48x2k1z0": "/api/files/12/"})


def test_a_mail_built_by_the_stdlib_round_trips() -> None:
    message = EmailMessage(policy=SMTP)
    message["From"] = "Nordlys Elektro <post@nordlys.example>"
    message["To"] = "Kari Nordmann <kari@example.no>"
    message["Subject"] = "Befaring \u2013 sak S1042"
    message["Message-ID"] = "<hub.4f3a9c2e1b7d4a60@hub.example>"
    message["Date"] = "Tue, 03 Dec 2024 10:15:00 +0100"
    message.set_content("Hei Kari,\n\nVi kommer torsdag.\n")
    parsed = parse_mail(message.as_bytes())
    assert parsed.subject == "Befaring \u2013 sak S1042"
    assert parsed.from_name == "Nordlys Elektro"
    assert parsed.text == "Hei Kari,\n\nVi kommer torsdag.\n"
    assert re.fullmatch(r"[0-9a-f]{64}", parsed.content_hash)
