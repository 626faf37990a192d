"""What each line of a customer's mail is: the line classifier behind :mod:`.trim`.

The patterns are those of discourse/email_reply_trimmer (Ruby, MIT licence, (c) Discourse),
rewritten for Python's ``re`` and extended with the Norwegian, Swedish and Danish forms our
customers' mail clients write (Gmail, Outlook, Apple Mail, iOS). Where they differ from the gem
on purpose, a comment says why.

Every pattern is tried on one line only, with ``match`` (anchored at the line start) unless it
says otherwise, and never on lines longer than :data:`MAX_MARKER_LEN`: attribution lines, header
lines and phone signatures are short, and bounding the line bounds what a pattern with two
neighbouring quantifiers can cost on hostile input.
"""

from __future__ import annotations

import re
from typing import Final

EMPTY: Final = "e"
DELIMITER: Final = "d"
SIGNATURE: Final = "s"
EMBEDDED: Final = "b"
HEADER: Final = "h"
QUOTE: Final = "q"
TEXT: Final = "t"

MAX_MARKER_LEN: Final = 500
"""Longer lines are text, quote, delimiter or empty: no marker is that long."""

# Ruby's [[:blank:]]: tab and the Unicode space separators (NBSP among them, which Apple Mail
# and Outlook put before colons in French and Nordic headers).
_BLANK: Final = " \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
# Blank for the purpose of "is this line empty": zero-width characters too, which some clients
# leave alone on a line.
_INVISIBLE: Final = "".join(chr(c) for c in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF))
WHITESPACE: Final = " \t\u00a0\u1680\u202f\u205f\u3000" + "".join(
    chr(c) for c in range(0x2000, 0x200B)
)
EMPTY_CHARS: Final = WHITESPACE + _INVISIBLE

FULLWIDTH_COLON: Final = "\uff1a"
"""Chinese clients end "...写道" with it."""

_DELIMITER_CHARS: Final = "-_,=+~#*ᐧ—"


def _re(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Compile ``pattern`` with ``%B`` standing for a blank, ``%b`` for the blanks inside a
    character class and ``%A`` for a letter."""
    expanded = pattern.replace("%B", f"[{_BLANK}]").replace("%b", _BLANK)
    return re.compile(expanded.replace("%A", r"[^\W\d_]"), flags)


def _any(patterns: tuple[str, ...], flags: int = 0) -> re.Pattern[str]:
    """One alternation, so a line costs one call into the regex engine, not one per pattern."""
    return _re("|".join(f"(?:{p})" for p in patterns), flags)


# --- delimiters -------------------------------------------------------------------------------

_BULLET: Final = _re(r"%B*[-*]%B*\Z")


def is_delimiter(stripped: str) -> bool:
    """A line of dashes, underscores, stars...: "-- " before a signature, Outlook's rule.

    A lone "-" or "*" is a list bullet, not a delimiter (as in the gem's later versions).
    ``stripped`` is the line without surrounding blanks.
    """
    if not stripped or stripped.strip(_DELIMITER_CHARS):
        return False
    return _BULLET.match(stripped) is None


# --- signatures -------------------------------------------------------------------------------

_MARKDOWN_LINK: Final = re.compile(r"\[([^\]\n]+)\]\([^)\n]+\)")

SIGNATURE_RE: Final = _any(
    (
        # Chinese
        r"%B*從我的 iPhone 傳送",
        # English
        r"%B*\w+ from mobile",
        r"%B*[(<]*Sent (?:from|via|with|by) .+",
        # The gem has "From my .{1,20}", which also eats "From my side all is well."; a
        # device name is at most a few words and ends the line.
        r"%B*From my [\w-]+(?: [\w-]+){0,2}%B*$",
        r"%B*Get Outlook for ",
        # French, German, Italian, Portuguese, Spanish, Dutch
        r"%B*Envoyé depuis (?:mon|Yahoo Mail)",
        r"%B*Von meinem .+ gesendet",
        r"%B*Diese Nachricht wurde von .+ gesendet",
        r"%B*Inviato da ",
        r"%B*Enviado do meu ",
        r"%B*Enviado desde mi ",
        r"%B*Verzonden met ",
        r"%B*Verstuurd vanaf mijn ",
        # Norwegian, Danish, Swedish: "Sendt fra min iPhone", "Skickat från min iPhone",
        # "Sendt fra Mail til Windows", "Skickades från E-post för Windows".
        r"%B*(?:Sendt|Skickat|Skickad|Skickades) (?:fra|från) (?:min|mitt|mi|en|Outlook|Mail"
        r"|E-post|Yahoo|Samsung|Gmail|AOL|iCloud)\b",
        r"%B*från min ",
        # "Hent Outlook for iOS", "Hentet fra Outlook for iOS", "Hämta Outlook för Android"
        r"%B*(?:Hentet|Hent|Få|Hämta|Skaffa)(?: fra| från)? Outlook (?:for|til|för) ",
    ),
    re.IGNORECASE,
)


def is_signature(line: str) -> bool:
    """A phone or webmail signature line ("Sendt fra min iPhone")."""
    if "[" in line:
        line = _MARKDOWN_LINK.sub(r"\1", line)
    return SIGNATURE_RE.match(line) is not None


# --- embedded mails ---------------------------------------------------------------------------


def _on_date_wrote(opener: str, closer: str, stop: str) -> str:
    """ "On <date>, <someone> wrote:": the opener, anything but a ``stop`` word, the closer, and
    nothing after it but punctuation (so "On this day I wrote something" is text).
    """
    return rf"[%b<>-]*(?:{opener}) (?:(?!\b(?:{stop})\b).)+?(?:{closer})[%b.:\uff1a>-]*$"


# "On <date>, <someone> wrote:" in the gem's languages. These may be wrapped over several
# lines by the client; :mod:`.trim` joins the pieces and tries them on the result.
ON_DATE_WROTE_RE: Final = _re(
    "|".join(
        f"(?:{p})"
        for p in (
            # Chinese (no \b: it means nothing between CJK characters)
            r"[%b<>-]*在 (?:(?!在|写道).)+?写道[%b.:\uff1a>-]*$",
            # Dutch
            _on_date_wrote(
                "Op",
                r"het\svolgende\sgeschreven|schreef[^:]+",
                r"Op|het\svolgende\sgeschreven|schreef",
            ),
            # English
            _on_date_wrote("In message", "writes", "In message|writes"),
            _on_date_wrote("On|At", "wrote|writes|says|said", "On|wrote|writes|says|said"),
            # French
            _on_date_wrote("Le", r"nous\sa\sdit|a\s+écrit", r"Le|nous\sa\sdit|a\s+écrit"),
            # German
            _on_date_wrote("Am", r"schrieben\sSie", r"Am|schrieben\sSie"),
            _on_date_wrote("Am", r"geschrieben|schrieb[^:]+", "Am|geschrieben"),
            # Italian
            _on_date_wrote("Il", r"ha\sscritto", r"Il|ha\sscritto"),
            # Polish
            _on_date_wrote("Dnia|Dňa", r"napisał(?:\(a\))?", "Dnia|Dňa|napisał"),
            # Portuguese
            _on_date_wrote("Em", "escreveu", "Em|escreveu"),
            # Spanish
            _on_date_wrote("El", "escribió", "El|escribió"),
        )
    ),
    re.IGNORECASE,
)
# A cheap test that must pass before ON_DATE_WROTE_RE is worth trying.
OPENER_RE: Final = _re(
    r"[%b<>-]*(?:On|At|In message|Le|Am|Op|Il|Dnia|Dňa|Em|El|在|Den|På) ", re.IGNORECASE
)

# "Op 10 dec. 2015 18:35 schreef "Arpit" <x@y>:", "Am 18.09.2013 um 16:24 schrieb x <x@y>:"
_OP_AM_WROTE_RE: Final = _re(r"[%b>]*(?:Op\s.+\sschreef|Am\s.+\sschrieb)\s[^:]+:")
# "Max Mustermann <x@y> schrieb am Fr., 28. Apr. 2017 um 11:53 Uhr:". The gem asks for no end
# of line; a line that does not end in the colon is someone's text.
_WROTE_ON_DATE_RE: Final = _re(r".+\b(?:wrote\s+on|schrieb\s+am)\b.*:%B*$")

# Norwegian, Danish and Swedish attribution lines, which put the date first:
#   Gmail:       "tir. 3. des. 2024 kl. 10:15 skrev Kari Nordmann <kari@example.no>:"
#                "Den tis 3 dec. 2024 kl 10:15 skrev Kari Nordmann <kari@example.no>:"
#   Apple Mail:  "3. des. 2024 kl. 10:15 skrev Kari Nordmann <kari@example.no>:"
#                "Den 3. dec. 2024 kl. 10.15 skrev Kari Nordmann <kari@example.no>:"
#   Thunderbird: "Den 03.12.2024 10:15, skrev Kari Nordmann:"
# A year or a clock time must come before "skrev" and the line must end in a colon; "skrev jeg"
# and the like are someone's own words ("Den 3. mars 2024 skrev jeg til dere:").
_NORDIC_PRONOUNS: Final = r"jeg|eg|jag|vi|me|du|dere|de|dei|ni|han|hun|hon|den|det|I"
_NORDIC_WROTE_RE: Final = _re(
    r"[%b<>-]*(?=.{0,80}?(?:\d{4}|\d{1,2}[:.]\d{2}).{0,120}?\bskre(?:v|iv)\b)"
    rf".{{1,200}}?\bskre(?:v|iv)\s+(?!(?:{_NORDIC_PRONOUNS})\b).{{1,200}}:%B*$"
    # "Kari Nordmann <kari@example.no> skrev den 3. des. 2024 kl. 10:15:"
    r"|.{1,120}?\bskrev\s+(?:den\s+)?.{0,40}?\d{4}.{0,40}?\d{1,2}[:.]\d{2}.{0,20}:%B*$"
    # Roundcube, Danish Thunderbird: "Den 2024-12-03 10:15, Vestjysk VVS skrev:"
    r"|[%b<>-]*(?=.{0,80}?(?:\d{4}|\d{1,2}[:.]\d{2})).{1,200}?\sskre(?:v|iv):%B*$"
)
# Horde and other webmail: "Quoting Kari <kari@example.no>:", in Norwegian "Sitat ...:",
# Swedish "Citerar ...:", Danish "Citat ...:". An address is required: "Sitat fra avtalen:" is
# someone's text.
_QUOTING_RE: Final = _re(r"[%b>]*(?:Quoting|Sitat|Citerar|Citat|Zitat von)%B.{0,200}@.{0,200}:%B*$")


_OPENER_FIRST: Final = frozenset("OoAaIiLlEeDdPp在")
_OPENER_PREFIX: Final = _BLANK.replace("\u2000-\u200a", "") + "<>-"


def is_joinable(line: str) -> bool:
    """An attribution line of the kinds a client wraps ("On <date>, <someone> wrote:")."""
    if (
        line.lstrip(_OPENER_PREFIX)[:1] in _OPENER_FIRST
        and OPENER_RE.match(line) is not None
        and ON_DATE_WROTE_RE.match(line) is not None
    ):
        return True
    if _OP_AM_WROTE_RE.match(line) is not None:
        return True
    if ("skrev" in line or "skreiv" in line) and _NORDIC_WROTE_RE.match(line) is not None:
        return True
    if "@" in line and _QUOTING_RE.match(line) is not None:
        return True
    return ("wrote" in line or "schrieb" in line) and _WROTE_ON_DATE_RE.match(line) is not None


# Not anchored: these are searched for.
# Russian "<date> пользователь <someone> написал:", Polish "23 mar 2017 21:25 "Neil Lalonde"
# <x@y> napisał(a):", Ukrainian "<date> "Arpit" <x@y> пише:"
DATE_SOMEONE_WROTE_RE: Final = _re(
    r"[0-9]{4}.{1,80}пользователь.{0,80}написал:|[0-9]{4}.{1,160}?(?:napisał\(a\)|пише):"
)
# "2015-10-18 0:17 GMT+03:00 Matt Palmer <x@y>:", "2013/10/2 camilohollanda <x@y>",
# "tir. 3. des. 2024 kl. 10:15 skrev Kari Nordmann <kari@example.no>:"
DATE_SOMEONE_EMAIL_RE: Final = _re(r"[0-9]{4}.{1,80}\s?<[^@<>]+@[^@<>.]+\.[^@<>]+>:?%B*$")

# "2016-03-03 17:21 GMT+01:00 Some One"
_ISO_DATE_SOMEONE_RE: Final = _re(
    r"[%b>]*20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} GMT\+[0-9]{2}:[0-9]{2} [\w%b]+$"
)
# "codinghorror via Discourse Meta wrote:"
_VIA_WROTE_RE: Final = _re(r".+ via .+ (?:wrote|schrieb|skrev):?%B*$")
# "Posted by mpalmer on 01/21/2016"
_POSTED_BY_RE: Final = _re(r"[%b>]*Posted by .+ on [0-9]{2}/[0-9]{2}/[0-9]{4}$", re.IGNORECASE)
# Forwarded and Outlook's original-message markers between dashes: "-----Original Message-----"
# "-----Opprinnelig melding-----", "-----Ursprungligt meddelande-----", "-----Oprindelig
# meddelelse-----", "---------- Videresendt melding ---------", "---------- Vidarebefordrat
# meddelande ---------", "-----Originalmeddelande-----"
_DASHED_MARKER_RE: Final = _re(
    r"[%b>*]*-{2,}%B*(?:(?:Forwarded|Original|Reply) Message|Message transféré"
    r"|Ursprüngliche Nachricht|Mensaje original|原始邮件"
    r"|(?:Opprinnelig|Original|Oprindelig|Ursprungligt?|Videresendt|Vidarebefordrat"
    r"|Vidaresendt) ?(?:melding|meddelande|meddelelse|besked|e-post|mejl))%B*-{2,}",
    re.IGNORECASE,
)
# Apple Mail's forward: "Begin forwarded message:", "Begynnelse på videresendt melding:",
# "Vidarebefordrat mejl:", "Start på videresendt besked:"
_FORWARD_RE: Final = _re(
    r"[%b>]*(?:Begin forwarded message|Début du message transféré|Begynnelse på videresendt"
    r" melding|Start på videresendt (?:besked|meddelelse)|Vidarebefordrat (?:mejl|brev"
    r"|meddelande)|Videresendt (?:melding|besked|meddelelse))%B*:",
    re.IGNORECASE,
)

_EMAIL_AT: Final = re.compile(r"[\w.+-]@[\w-]+(?:\.[\w-]+)*\.\w{2,}\b")
_ENDS_WROTE: Final = _re(r"(?:wrote|skrev|schrieb):?%B*$")


def _someone_email_wrote(line: str) -> bool:
    """ "Some One <info@discourse.org> wrote:", "Kari <kari@example.no> skrev:".

    Something must come before the address (a wrapped "info@discourse.org> wrote:" is the
    tail of an attribution, not one). Looked for around each "@" rather than with one pattern
    over the line, which would try every word as the start of an address.
    """
    if not ("wrote" in line or "skrev" in line or "schrieb" in line):
        return False
    if _ENDS_WROTE.search(line) is None:
        return False
    at = line.find("@")
    while at > 0:
        start = at
        while start > 0 and (line[start - 1].isalnum() or line[start - 1] in "._+-"):
            start -= 1
        if 0 < start < at and _EMAIL_AT.match(line, at - 1) is not None:
            return True
        at = line.find("@", at + 1)
    return False


def is_embedded(line: str) -> bool:
    """The first line of an earlier mail quoted or forwarded below the reply.

    Each pattern sits behind a substring test it cannot match without, so an ordinary line
    costs a few ``in`` tests rather than a dozen regular expressions.
    """
    if is_standalone_marker(line):
        return True
    if "@" in line:
        if "<" in line and "<img" not in line and DATE_SOMEONE_EMAIL_RE.search(line):
            return True
        if _someone_email_wrote(line):
            return True
    return ("написал" in line or "napisał" in line or "пише" in line) and bool(
        DATE_SOMEONE_WROTE_RE.search(line)
    )


def is_standalone_marker(line: str) -> bool:
    """A marker line that cannot be the wrapped tail of another: all but the date-and-address
    forms."""
    if is_joinable(line):
        return True
    if "--" in line and _DASHED_MARKER_RE.match(line) is not None:
        return True
    if ":" in line and _FORWARD_RE.match(line) is not None:
        return True
    if " via " in line and _VIA_WROTE_RE.match(line) is not None:
        return True
    if "GMT+" in line and _ISO_DATE_SOMEONE_RE.match(line) is not None:
        return True
    return "osted by" in line and _POSTED_BY_RE.match(line) is not None


# How the last line of an attribution ends: a colon, an address ("<x@y>"), or the closing
# word itself ("---- On <date> X wrote ----").
_MARKER_END_WORDS: Final = (
    "wrote",
    "writes",
    "says",
    "said",
    "skrev",
    "scritto",
    "escreveu",
    "escribió",
    "napisał",
    "geschreven",
    "écrit",
    "写道",
)


# Every attribution holds one of these (lower case), or an address in angle brackets.
_CLOSER_WORDS: Final = (
    *_MARKER_END_WORDS,
    "skreiv",
    "schrieb",
    "schreef",
    "a dit",
    "escribi",
    "написал",
    "пише",
)


HOLDS_CLOSER: Final = 1
HOLDS_AT: Final = 2
HOLDS_ANGLE: Final = 4


def marker_ingredients(line: str) -> int:
    """What of an attribution ``line`` holds, as bits: a closing word ("wrote", "skrev"...),
    an "@", a "<". An attribution spread over some lines needs a closing word, or both an "@"
    and a "<", among them."""
    low = line.lower()
    bits = HOLDS_CLOSER if any(w in low for w in _CLOSER_WORDS) else 0
    if "@" in line:
        bits |= HOLDS_AT
    if "<" in line:
        bits |= HOLDS_ANGLE
    return bits


def may_end_wrapped_marker(line: str) -> bool:
    """Whether ``line`` could be the last piece of a wrapped attribution line."""
    tail = line.rstrip(WHITESPACE)
    last = tail[-1:]
    if last in (":", FULLWIDTH_COLON):
        return True
    if last == ">":
        return "@" in tail
    return tail.rstrip(" -").endswith(_MARKER_END_WORDS)


# --- signature blocks after a sign-off ---------------------------------------------------

_SIGN_OFF_WORDS: Final = (
    # "Med vennlig hilsen", "Venlig hilsen", "Vänliga hälsningar", "Best regards", "Mvh"
    r"(?:(?:med|with)\s+)?(?:(?:vennlig|venlig|vänlig|vänliga|beste|bedste|bästa|kind|best|warm"
    r"|warmest|many|kærlig|hjertelig|hjärtliga)\s+)?(?:hilsen|hilsener|hilsner|helsing|hälsning"
    r"|hälsningar|regards|wishes|thanks)"
    r"|mvh|vh|br|cheers|sincerely|yours sincerely|yours truly|thank you|thanks|takk|tack|tak"
)
_NAME: Final = r"%A[\w.'-]*(?: [\w.'-]+){0,2}%B*$"
SIGN_OFF_RE: Final = _re(rf"%B*(?:{_SIGN_OFF_WORDS})(?:[,.!]?%B*$|,?%B+{_NAME})", re.IGNORECASE)
"""A closing line: "Mvh", "Med vennlig hilsen,", or one with the name on it: "Hilsen Ingrid"."""
SIGN_OFF_NAMED_RE: Final = _re(rf"%B*(?:{_SIGN_OFF_WORDS}),?%B+%A", re.IGNORECASE)
# What a signature block has and a customer's sentence rarely does: a phone number, a
# "Tlf."/"Mob:"/"www.", an address, a "|" between title and company, a company form.
CONTACT_RE: Final = _re(
    r"(?:\+[0-9]{1,3}%B?)?[0-9]{2,4}(?:[ .-]?[0-9]{2,4}){2,}"
    r"|\b(?:tlf|tel|telefon|mob|mobil|phone|fax|e-?post|e-?mail|www)\b|https?://|@|\|"
    r"|\b(?:AS|ASA|AB|ApS|A/S|Ltd|Inc|GmbH|Oy)\b",
    re.IGNORECASE,
)
POSTSCRIPT_RE: Final = _re(r"%B*P\.?%B?S\b", re.IGNORECASE)


# One leading character class, which the regex engine scans for quickly.
_YEAR_OR_TIME: Final = re.compile(r"[0-9](?:[0-9]{3}|[:.][0-9]{2})")


def may_start_wrapped_marker(line: str) -> bool:
    """Whether a wrapped attribution could start on ``line``: an opener word, a year, a clock
    time, or a "wrote" (for "Someone <x@y> wrote on <date>" wrapped after the address)."""
    return (
        "wrote" in line
        or "schrieb" in line
        or (line.lstrip(_OPENER_PREFIX)[:1] in _OPENER_FIRST and OPENER_RE.match(line) is not None)
        or _YEAR_OR_TIME.search(line) is not None
    )


# --- e-mail headers (Outlook's "From:/Sent:/To:/Subject:" block) -------------------------------

_HEADERS_WITH_DATE: Final = (
    "Sendt|Sent|Date|Dato|Le|Gesendet|Enviada em|Enviado|Fecha|Data|Datum|Skickat|Skickad|发送时间"
)
_HEADERS_WITH_TEXT: Final = (
    # Norwegian, Danish
    "Fra|Til|Emne|Kopi|Blindkopi|Svar til"
    # English
    "|From|To|Cc|Bcc|Reply-To|Subject"
    # French
    "|De|Expéditeur|À|Destinataire|Répondre à|Objet"
    # German
    "|Von|An|Betreff"
    # Portuguese, Spanish
    "|Para|Assunto|Asunto"
    # Italian
    "|Da|Risposta|A|Oggetto"
    # Dutch
    "|Van|Beantwoorden - Aan|Aan|Onderwerp"
    # Swedish
    "|Från|Till|Ämne|Kopia|Svara till"
    # Chinese
    "|发件人|收件人|主题"
)
HEADER_RE: Final = _re(
    rf"(?:[%b*]*(?:{_HEADERS_WITH_DATE})[%b*]*:.*[0-9])"
    rf"|(?i:[%b*]*(?:{_HEADERS_WITH_TEXT})[%b*]*:.*\w)"
)


# --- quotes -----------------------------------------------------------------------------------

# "Richard> text" and "C> text" are quotes too (old Usenet style). The gem also reads a leading
# "|" as a quote mark; we do not, so a customer's plain-text table survives.
QUOTE_PREFIX_RE: Final = _re(r"(?:%B*%A{0,20}>)+")
_NAMED_QUOTE_MARK: Final = _re(r"%A+>")
QUOTE_PREFIX_SCAN: Final = 200
"""How far into a line a quote prefix is looked for."""


def fix_quote_prefix(line: str) -> str:
    """Rewrite "Richard> text" as "> text", so the line classifies as a quote."""
    m = QUOTE_PREFIX_RE.match(line, 0, QUOTE_PREFIX_SCAN)
    if m is None:
        return line
    prefix = m.group()
    fixed = _NAMED_QUOTE_MARK.sub(">", prefix)
    return line if fixed == prefix else fixed + line[m.end() :]


# --- code blocks ------------------------------------------------------------------------------

CODE_OPEN_RE: Final = re.compile(r"```[\w+#.-]*[ \t]*")
CODE_CLOSE_RE: Final = re.compile(r" {0,3}```[ \t]*")


# First letters (lower case) of the signature patterns, "[" for a Markdown link.
_SIGNATURE_FIRST: Final = frozenset("sfgevdihå從(<[")
# Header names are short: the colon comes within this many characters.
_HEADER_COLON_WITHIN: Final = 48


def classify(line: str) -> str:
    """The kind of one line, as a letter: the order of the tests is the gem's.

    Cheap tests (first letter, a colon near the start) come before each pattern, so that the
    plain text lines, which are most lines, cost little.
    """
    stripped = line.strip(EMPTY_CHARS)
    if not stripped:
        return EMPTY
    if is_delimiter(stripped):
        return DELIMITER
    if len(line) <= MAX_MARKER_LEN:
        if (stripped[0].lower() in _SIGNATURE_FIRST or "obile" in line) and is_signature(line):
            return SIGNATURE
        if is_embedded(line):
            return EMBEDDED
        if line.find(":", 0, _HEADER_COLON_WITHIN) >= 0 and HEADER_RE.match(line) is not None:
            return HEADER
    return QUOTE if stripped[0] == ">" else TEXT
