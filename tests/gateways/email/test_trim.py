"""extract_reply on the mails our customers' clients write: Gmail, Outlook, Apple Mail and iOS in
Norwegian (bokmål), Swedish, Danish and English; signatures; interleaved replies; odd input.

Interleaved replies keep the quoted lines the customer answers, so "Ja" still says what it says
yes to; the attribution line above them and a quote after the last answer go.
"""

from __future__ import annotations

import time

import pytest

from hub.gateways.email import extract_reply

NB_QUOTE = "> Hei Kari,\n>\n> Vi kan komme torsdag kl. 08. Passer det?\n>\n> Nordlys Elektro AS\n"
SV_QUOTE = "> Hej Sven,\n>\n> Vi kan komma på torsdag kl. 08.\n>\n> Fjällbacka Rör AB\n"
DA_QUOTE = "> Hej Jens,\n>\n> Vi kan komme torsdag kl. 8.\n>\n> Nordlys El ApS\n"
EN_QUOTE = "> Hi John,\n>\n> We can come on Thursday at 8.\n>\n> Nordlys Elektro\n"

CASES: list[tuple[str, str, str]] = [
    # --- Gmail -----------------------------------------------------------------------------
    (
        "gmail-nb",
        "Hei,\n\nTorsdag passer fint.\n\nMvh\nKari\n\n"
        "Den tir. 3. des. 2024 kl. 10:15 skrev Kari Nordmann <kari@example.no>:\n\n" + NB_QUOTE,
        "Hei,\n\nTorsdag passer fint.\n\nMvh\nKari",
    ),
    (
        "gmail-nb-wrapped-inside-address",
        "Torsdag passer.\n\nDen tir. 3. des. 2024 kl. 10:15 skrev Kari Nordmann <\n"
        "kari@example.no>:\n\n" + NB_QUOTE,
        "Torsdag passer.",
    ),
    (
        "gmail-nb-wrapped-before-address",
        "Torsdag passer.\n\nDen tir. 3. des. 2024 kl. 10:15 skrev Kari Nordmann\n"
        "<kari@example.no>:\n\n" + NB_QUOTE,
        "Torsdag passer.",
    ),
    (
        "gmail-nb-without-den",
        "Torsdag passer.\n\ntir. 3. des. 2024 kl. 10:15 skrev Nordlys Elektro "
        "<post@nordlys.no>:\n\n" + NB_QUOTE,
        "Torsdag passer.",
    ),
    (
        "gmail-sv",
        "Torsdag går bra.\n\nDen tis 3 dec. 2024 kl 10:15 skrev Fjällbacka Rör AB "
        "<info@fjallbacka.se>:\n\n" + SV_QUOTE,
        "Torsdag går bra.",
    ),
    (
        "gmail-da",
        "Torsdag passer fint.\n\nDen tir. 3. dec. 2024 kl. 10.15 skrev Nordlys El ApS "
        "<post@nordlys.dk>:\n\n" + DA_QUOTE,
        "Torsdag passer fint.",
    ),
    (
        "gmail-en",
        "Thursday works.\n\nOn Tue, Dec 3, 2024 at 10:15 AM Nordlys Elektro "
        "<post@nordlys.no> wrote:\n\n" + EN_QUOTE,
        "Thursday works.",
    ),
    (
        "gmail-en-wrapped",
        "Thursday works.\n\nOn Tue, Dec 3, 2024 at 10:15 AM Nordlys Elektro <\n"
        "post@nordlys.no> wrote:\n\n" + EN_QUOTE,
        "Thursday works.",
    ),
    (
        "gmail-nb-forward-without-comment",
        "---------- Videresendt melding ---------\nFra: Kari Nordmann <kari@example.no>\n"
        "Dato: tir. 3. des. 2024 kl. 10:15\nEmne: Lekkasje\nTil: <post@nordlys.no>\n\n\n"
        "Det lekker under vasken.\n",
        "Det lekker under vasken.",
    ),
    # --- Outlook ---------------------------------------------------------------------------
    (
        "outlook-nb-with-rule",
        "Det går bra.\n\n________________________________\n"
        "Fra: Nordlys Elektro <post@nordlys.no>\nSendt: tirsdag 3. desember 2024 10:15\n"
        "Til: Kari Nordmann <kari@example.no>\nEmne: Bekreftelse av time\n\nHei Kari,\n",
        "Det går bra.",
    ),
    (
        "outlook-nb",
        "Det går bra.\n\nFra: Nordlys Elektro <post@nordlys.no>\n"
        "Sendt: tirsdag 3. desember 2024 10:15\nTil: Kari Nordmann <kari@example.no>\n"
        "Emne: Bekreftelse av time\n\nHei Kari,\n\nVi kommer torsdag.\n",
        "Det går bra.",
    ),
    (
        "outlook-sv",
        "Tack, det blir bra.\n\nFrån: Fjällbacka Rör AB <info@fjallbacka.se>\n"
        "Skickat: den 3 december 2024 10:15\nTill: Sven Svensson <sven@example.se>\n"
        "Ämne: Bokning\n\nHej Sven,\n",
        "Tack, det blir bra.",
    ),
    (
        "outlook-da",
        "Tak, det passer.\n\nFra: Nordlys El ApS <post@nordlys.dk>\n"
        "Sendt: 3. december 2024 10:15\nTil: Jens Hansen <jens@example.dk>\n"
        "Cc: Mette Hansen <mette@example.dk>\nEmne: Booking\n\nHej Jens,\n",
        "Tak, det passer.",
    ),
    (
        "outlook-en",
        "Works for me.\n\nFrom: Nordlys Elektro <post@nordlys.no>\n"
        "Sent: Tuesday, December 3, 2024 10:15 AM\nTo: John Smith <john@example.com>\n"
        "Subject: Booking\n\nHi John,\n",
        "Works for me.",
    ),
    (
        "outlook-nb-original-message",
        "Hei\n\n-----Opprinnelig melding-----\nFra: Nordlys Elektro\n"
        "Sendt: 3. desember 2024 10:15\nTil: Kari\nEmne: Time\n\nHei Kari",
        "Hei",
    ),
    (
        "outlook-sv-original-message",
        "Hej\n\n-----Ursprungligt meddelande-----\nFrån: Fjällbacka Rör AB\n"
        "Skickat: 3 december 2024 10:15\nTill: Sven\nÄmne: Bokning\n\nHej Sven",
        "Hej",
    ),
    (
        "outlook-da-original-message",
        "Hej\n\n-----Oprindelig meddelelse-----\nFra: Nordlys El ApS\n"
        "Sendt: 3. december 2024 10:15\nTil: Jens\nEmne: Booking\n\nHej Jens",
        "Hej",
    ),
    (
        "outlook-en-original-message",
        "Hi\n\n-----Original Message-----\nFrom: Nordlys Elektro\n"
        "Sent: 3 December 2024 10:15\nTo: John\nSubject: Booking\n\nHi John",
        "Hi",
    ),
    # --- Apple Mail ------------------------------------------------------------------------
    (
        "apple-nb",
        "Ja, det passer.\n\nDen 3. des. 2024 kl. 10:15 skrev Nordlys Elektro "
        "<post@nordlys.no>:\n\n" + NB_QUOTE,
        "Ja, det passer.",
    ),
    (
        "apple-sv",
        "Ja, det passar.\n\n3 dec. 2024 kl. 10:15 skrev Fjällbacka Rör AB "
        "<info@fjallbacka.se>:\n\n" + SV_QUOTE,
        "Ja, det passar.",
    ),
    (
        "apple-nb-quoted-attribution",
        "Ja.\n\n> Den 3. des. 2024 kl. 10:15 skrev Nordlys Elektro <post@nordlys.no>:\n>\n"
        + NB_QUOTE,
        "Ja.",
    ),
    (
        "apple-en",
        "Yes.\n\nOn 3 Dec 2024, at 10:15, Nordlys Elektro <post@nordlys.no> wrote:\n\n" + EN_QUOTE,
        "Yes.",
    ),
    (
        "apple-nb-forward",
        "Se under.\n\n> Begynnelse på videresendt melding:\n>\n> Fra: Kari <kari@example.no>\n"
        "> Emne: Lekkasje\n>\n> Det lekker.\n",
        "Se under.",
    ),
    (
        "thunderbird-nb",
        "Greit.\n\nDen 03.12.2024 10:15, skrev Nordlys Elektro:\n" + NB_QUOTE,
        "Greit.",
    ),
    # --- iOS and other signatures ----------------------------------------------------------
    (
        "booking-confirmation-iphone-nb",
        "OK\n\nSendt fra min iPhone\n\n> Den 3. des. 2024 kl. 10:15 skrev Nordlys Elektro "
        "<post@nordlys.no>:\n>\n> Bekreftet: torsdag 5. des. kl. 08.\n",
        "OK",
    ),
    (
        "iphone-sv",
        "Ja\n\nSkickat från min iPhone\n\n3 dec. 2024 kl. 10:15 skrev Fjällbacka Rör AB "
        "<info@fjallbacka.se>:\n\n" + SV_QUOTE,
        "Ja",
    ),
    (
        "ipad-da",
        "Ja tak\n\nSendt fra min iPad\n\n> Den 3. dec. 2024 kl. 10.15 skrev Nordlys El ApS "
        "<post@nordlys.dk>:\n>\n" + DA_QUOTE,
        "Ja tak",
    ),
    (
        "iphone-en",
        "Sure.\n\nSent from my iPhone\n\n> On 3 Dec 2024, at 10:15, Nordlys Elektro "
        "<post@nordlys.no> wrote:\n>\n" + EN_QUOTE,
        "Sure.",
    ),
    (
        "outlook-ios-nb",
        "Flott\n\nHentet fra Outlook for iOS\n________________________________\n"
        "Fra: Nordlys Elektro\nSendt: tirsdag 3. desember 2024 10:15\nTil: Kari\nEmne: Time\n",
        "Flott",
    ),
    ("outlook-ios-en", "Great, thanks\n\nGet Outlook for iOS\n", "Great, thanks"),
    (
        "dash-dash-space-signature",
        "Hei\n\nVi er hjemme fra kl. 8.\n\n-- \nKari Nordmann\nStorgata 1, 0101 Oslo\n"
        "Tlf. 99 99 99 99\n",
        "Hei\n\nVi er hjemme fra kl. 8.",
    ),
    (
        "webmail-quoting-nb",
        "Beløpet stemmer ikke.\n\nHilsen Bjørn\n\nSitat Nordlys Elektro <post@nordlys.no>:\n\n"
        + NB_QUOTE,
        "Beløpet stemmer ikke.\n\nHilsen Bjørn",
    ),
    (
        "roundcube-da-name-before-skrev",
        "Vi er hjemme fra kl. 8.\n\nDen 2024-12-03 10:15, Nordlys El ApS skrev:\n\n" + DA_QUOTE,
        "Vi er hjemme fra kl. 8.",
    ),
    # --- signature blocks ------------------------------------------------------------------
    (
        "company-signature-after-sign-off",
        "Vi tar alternativ 2.\n\nMed vennlig hilsen\nOla Hansen\nDriftssjef | Hansen Eiendom AS\n"
        "Tlf. +47 922 33 444\n\nFra: Nordlys Elektro <post@nordlys.no>\n"
        "Sendt: tirsdag 3. desember 2024 10:15\nTil: Ola Hansen <ola@example.no>\nEmne: Tilbud\n",
        "Vi tar alternativ 2.\n\nMed vennlig hilsen\nOla Hansen",
    ),
    (
        "signature-after-named-sign-off-sv",
        "Fredag passar.\n\nHälsningar Anna\nAnna Lindqvist AB\n070-123 45 67\n",
        "Fredag passar.\n\nHälsningar Anna",
    ),
    (
        "postscript-after-sign-off-is-kept",
        "Torsdag passer.\n\nMvh\nKari\n\nPS: Ring 922 33 444 når dere kommer.\n",
        "Torsdag passer.\n\nMvh\nKari\n\nPS: Ring 922 33 444 når dere kommer.",
    ),
    # --- top-posting, no quote, own words that look like markers -----------------------------
    (
        "no-quote",
        "Hei!\n\nDet drypper fra taket på badet.\n- Når kan dere komme?\n- Hva koster det?\n\n"
        "Mvh Kari",
        "Hei!\n\nDet drypper fra taket på badet.\n- Når kan dere komme?\n- Hva koster det?\n\n"
        "Mvh Kari",
    ),
    (
        "top-posting-over-nested-thread",
        "Da sier vi det.\n\nDen tir. 3. des. 2024 kl. 10:15 skrev Nordlys Elektro "
        "<post@nordlys.no>:\n\n> Torsdag kl. 08?\n>\n> Den man. 2. des. 2024 kl. 09:00 skrev "
        "Kari <kari@example.no>:\n>\n>> Når kan dere komme?\n",
        "Da sier vi det.",
    ),
    (
        "fra-til-lines-are-words",
        "Vi er hjemme\nFra: mandag 9. des.\nTil: fredag 13. des.\n\nMvh Kari",
        "Vi er hjemme\nFra: mandag 9. des.\nTil: fredag 13. des.\n\nMvh Kari",
    ),
    (
        "skrev-jeg-is-words",
        "Den 3. mars 2024 skrev jeg til dere:\nHar dere fått svar?\n\nKari",
        "Den 3. mars 2024 skrev jeg til dere:\nHar dere fått svar?\n\nKari",
    ),
    (
        "from-my-side-is-words",
        "From my side everything is fine.\nSee you Thursday.",
        "From my side everything is fine.\nSee you Thursday.",
    ),
    # --- inline replies --------------------------------------------------------------------
    (
        "inline-en",
        "On Tue, Dec 3, 2024 at 10:15 AM Nordlys Elektro <post@nordlys.no> wrote:\n"
        "> Is Thursday OK?\n\nYes.\n\n> Which address?\n\n1 Main Street.\n\n> Regards\n",
        "> Is Thursday OK?\n\nYes.\n\n> Which address?\n\n1 Main Street.",
    ),
    (
        "inline-nb-with-intro",
        "Svar under.\n\nDen 3. des. 2024 kl. 10:15 skrev Nordlys Elektro <post@nordlys.no>:\n"
        "> Passer torsdag?\n\nJa.\n\n> Adresse?\n\nStorgata 1.\n",
        "Svar under.\n\n> Passer torsdag?\n\nJa.\n\n> Adresse?\n\nStorgata 1.",
    ),
    (
        "bottom-posting",
        "On Tue, 3 Dec 2024 at 10:15, Nordlys Elektro <post@nordlys.no> wrote:\n\n"
        "> Is Thursday OK?\n\nThursday is fine.\n",
        "Thursday is fine.",
    ),
    # --- odd input -------------------------------------------------------------------------
    ("empty", "", ""),
    ("blank", " \n\n\t \u00a0\n", ""),
    ("only-a-quote", "> bare et sitat\n> og litt til\n", "> bare et sitat\n> og litt til"),
    ("only-a-signature", "Sendt fra min iPhone\n", "Sendt fra min iPhone"),
    (
        "crlf",
        "Ja\r\n\r\nDen 3. des. 2024 kl. 10:15 skrev Nordlys <post@nordlys.no>:\r\n> Ok?\r\n",
        "Ja",
    ),
    (
        "code-block-kept",
        "Feilmeldingen:\n\n```\n---\n# ERROR 42\n```\n\nKari",
        "Feilmeldingen:\n\n```\n---\n# ERROR 42\n```\n\nKari",
    ),
]


@pytest.mark.parametrize(("mail", "reply"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_extract_reply(mail: str, reply: str) -> None:
    assert extract_reply(mail) == reply


@pytest.mark.parametrize(
    "odd",
    [
        "\r",
        "\x00\x00",
        "```",
        "```\nnever closed\n---\n",
        "On",
        "On\nwrote:",
        "@<>@<>@\n" * 100,
        "Fra:\nTil:\nEmne:\n",
        "-- \n",
        "\u200b\n\ufeff",
        ">" * 10_000,
    ],
)
def test_odd_input_does_not_raise(odd: str) -> None:
    assert isinstance(extract_reply(odd), str)


def test_pathological_input_is_quick() -> None:
    """200,000 quote lines, very long lines and long marker-like lines: linear time, no
    regular expression backtracking on a whole line or the whole mail."""
    mail = (
        "Hei\n"
        + ">\n" * 200_000
        + "a" * 2_000_000
        + "\n"
        + ("On " * 150 + "\n") * 5_000
        + (("a." * 240) + "@x wrote:\n") * 5_000
        + ("Den 3. des. 2024 kl. 10:15 " + "x " * 200 + "\n") * 5_000
        + "> "
        + "x" * 1_000_000
    )
    started = time.perf_counter()
    extract_reply(mail)
    assert time.perf_counter() - started < 5
