"""Segment counting with the characters that make Nordic SMS cost more than they look."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hub.gateways.sms.segments import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    Segments,
    cost,
    encoding,
    segments,
    to_gsm7,
)

EN_DASH = "\u2013"
EM_DASH = "\u2014"
RIGHT_QUOTE = "\u2019"
ELLIPSIS = "\u2026"
NBSP = "\u00a0"
EMOJI = "\U0001f600"  # grinning face, outside the BMP: a surrogate pair
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # man ZWJ woman ZWJ girl
KEYCAP_ONE = "1\ufe0f\u20e3"
HEART = "\u2764\ufe0f"
BOOKING = (
    "Hei Kari! Vi kommer tirsdag 3. des. kl. 10" + EN_DASH + "11. Svar OK for å bekrefte, "
    "eller ring 22 33 44 55. Hilsen Nordlys Elektro"
)
# A UCS-2 character that is one code unit: the text is UCS-2 because of it, not of the a's.
UCS2_ONE = "\u00ea"  # ê


def test_the_default_alphabet_is_the_whole_3gpp_table() -> None:
    assert len(GSM7_BASIC) == 127  # 128 positions, one of them the escape
    assert "\x1b" not in GSM7_BASIC
    for char in "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ ¤¡ÄÖÑÜ§¿äöñüà":
        assert char in GSM7_BASIC
    assert frozenset("\f^{}\\[~]|€") == GSM7_EXTENSION
    assert not GSM7_BASIC & GSM7_EXTENSION


@pytest.mark.parametrize(
    "text",
    ["æøåÆØÅäöÄÖ", "üÜéÉàñÑ", "Ç", "{[€]}|~^\\", "", "line\nbreak\r\n", "@£$¥¤§¿¡"],
)
def test_gsm7(text: str) -> None:
    assert encoding(text) == "gsm7"


@pytest.mark.parametrize(
    "text",
    [EN_DASH, EM_DASH, RIGHT_QUOTE, "\u201c", ELLIPSIS, EMOJI, "ê", "ç", "È", "`", "\t", NBSP],
)
def test_one_character_forces_ucs2(text: str) -> None:
    assert encoding("Hei " + text) == "ucs2"


@pytest.mark.parametrize(
    ("length", "count", "remaining"),
    [(1, 1, 159), (160, 1, 0), (161, 2, 153 - 8), (306, 2, 0), (307, 3, 152)],
)
def test_gsm7_plain(length: int, count: int, remaining: int) -> None:
    result = segments("a" * length)
    per_segment = 160 if count == 1 else 153
    assert result == Segments("gsm7", length, count, per_segment, remaining)


def test_empty_text_is_no_sms() -> None:
    assert segments("") == Segments("gsm7", 0, 0, 160, 160)


def test_extension_characters_count_two_septets() -> None:
    assert segments("€" * 80) == Segments("gsm7", 160, 1, 160, 0)
    assert segments("€" * 81) == Segments("gsm7", 162, 2, 153, 153 - 10)
    assert segments("{}" * 5).units == 20


def test_an_extension_character_is_not_split_across_segments() -> None:
    # 152 septets and then escape + euro: the pair cannot straddle, so the euro opens part 2.
    result = segments("a" * 152 + "€" + "a" * 10)
    assert result.units == 164
    assert result.count == 2
    assert result.remaining == 153 - 12
    # 306 septets, which ceil(units / 153) makes 2 parts; packed, the euro wastes a septet.
    assert segments("a" * 152 + "€" + "a" * 152) == Segments("gsm7", 306, 3, 153, 152)


@pytest.mark.parametrize(
    ("length", "count", "remaining"),
    [(1, 1, 69), (70, 1, 0), (71, 2, 67 - 4), (134, 2, 0), (135, 3, 66)],
)
def test_ucs2_plain(length: int, count: int, remaining: int) -> None:
    result = segments(UCS2_ONE * length)
    per_segment = 70 if count == 1 else 67
    assert result == Segments("ucs2", length, count, per_segment, remaining)


def test_an_emoji_counts_two_units() -> None:
    assert segments(EMOJI) == Segments("ucs2", 2, 1, 70, 68)
    assert segments(EMOJI * 35) == Segments("ucs2", 70, 1, 70, 0)
    assert segments(EMOJI * 36) == Segments("ucs2", 72, 2, 67, 67 - 6)


def test_an_emoji_is_not_split_across_segments() -> None:
    # 66 units and then a surrogate pair at the 67-unit boundary: it moves whole to part 2.
    result = segments(UCS2_ONE * 66 + EMOJI + UCS2_ONE * 5)
    assert result.units == 73
    assert result.count == 2
    assert result.remaining == 67 - 7
    # Just fitting: 65 + 2 = 67 fills part 1 exactly.
    assert segments(UCS2_ONE * 65 + EMOJI + UCS2_ONE * 5).remaining == 67 - 5
    # 134 units, which ceil(units / 67) makes 2 parts; packed, the pair wastes a unit.
    assert segments(UCS2_ONE * 66 + EMOJI + UCS2_ONE * 66) == Segments("ucs2", 134, 3, 67, 66)


def test_realistic_booking_sms() -> None:
    assert encoding(BOOKING) == "ucs2"
    assert segments(BOOKING) == Segments("ucs2", 117, 2, 67, 17)
    fixed = to_gsm7(BOOKING)
    assert fixed == BOOKING.replace(EN_DASH, "-")
    assert segments(fixed) == Segments("gsm7", 117, 1, 160, 43)


def test_cost() -> None:
    assert cost(3, Decimal("0.79"), recipients=2) == Decimal("4.74")
    assert cost(1, Decimal("0.79")) == Decimal("0.79")
    assert cost(0, Decimal("0.79"), recipients=100) == Decimal("0.00")
    assert cost(1, Decimal("0.125")) == Decimal("0.13")  # half up, not banker's
    assert cost(1, Decimal("0.115")) == Decimal("0.12")


def test_cost_refuses_negative_counts() -> None:
    with pytest.raises(ValueError, match="negative"):
        cost(-1, Decimal("0.79"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"10{EN_DASH}11", "10-11"),
        (f"ja {EM_DASH} nei", "ja - nei"),
        ("\u2010\u2011\u2212", "---"),
        (f"det{RIGHT_QUOTE}s \u2018ok\u2019 \u201a", "det's 'ok' '"),
        ("\u201cja\u201d \u201enei\u201c \u2033", '"ja" "nei" "'),
        ("\u00abOK\u00bb", '"OK"'),
        (f"vent{ELLIPSIS}", "vent..."),
        ("\u2022 punkt", "- punkt"),
        ("caf\u00e9\u00b4s `x`", "café's 'x'"),
        (f"kl.{NBSP}10\u202f\u2009\u3000x", "kl. 10   x"),
        ("a\u200bb\u200cc\u2060d\ufeffe\u00adf\u200dg", "abcdefg"),
        ("crème brûlée", "crème brulée"),  # è and é are GSM-7, û is not
        ("ç Ç ê Ê á À ó í ú õ ë ï ÿ", "c Ç e E a A o i u o e i y"),
        ("e\u0301 A\u030a a\u0308", "é Å ä"),  # decomposed, as macOS pastes it
        ("\u2126 \u212b", "Ω Å"),  # ohm and angstrom signs are the Greek and Latin letters
        ("q\u0301", "q"),
        ("tab\there", "tab here"),
        ("æøå ÆØÅ {€}", "æøå ÆØÅ {€}"),
    ],
)
def test_to_gsm7(text: str, expected: str) -> None:
    assert to_gsm7(text) == expected
    assert encoding(expected) == "gsm7"


@pytest.mark.parametrize(
    "text",
    [
        f"Takk {EMOJI}",
        f"Hei {FAMILY}!",
        f"Velg {KEYCAP_ONE}",
        f"Glad {HEART}",
        "40 m\u00b2",
        "\u0391\u03b8\u03ae\u03bd\u03b1",  # Greek lower case has no GSM-7 look-alike
        "\u0142\u00f0\u00fe",  # ł ð þ have no decomposition
    ],
)
def test_to_gsm7_leaves_what_has_no_gsm7_look_alike(text: str) -> None:
    assert to_gsm7(text) == text
    assert encoding(to_gsm7(text)) == "ucs2"


def test_to_gsm7_maps_around_emoji() -> None:
    text = f"Takk{ELLIPSIS} {EMOJI}{EN_DASH}{FAMILY}\u200b{RIGHT_QUOTE}"
    assert to_gsm7(text) == f"Takk... {EMOJI}-{FAMILY}'"


@pytest.mark.parametrize(
    "text",
    [
        BOOKING,
        f"{EMOJI}\u200d{EN_DASH}",  # the joiner's neighbour becomes GSM-7: the joiner goes
        f"{FAMILY}\u200d\u200d{EMOJI}",
        "\u00ea\u0308 e\u0301\u0308 \u0301start",
        f"a\u200d{EMOJI} {KEYCAP_ONE}\u200d1",
        "\u1ec7 \u01fa \u00e9\u0301",
    ],
)
def test_to_gsm7_is_idempotent(text: str) -> None:
    once = to_gsm7(text)
    assert to_gsm7(once) == once
