"""extract_reply against discourse/email_reply_trimmer's corpus (64 real mail bodies and what a
reader should see of each, MIT licence), kept in ``tests/corpora/email-reply-trimmer``.

Compared after one normalisation of both sides: line endings as "\\n", trailing whitespace off
every line, blank lines around the text off. Indentation and blank lines inside stay significant.
A file we cannot match is listed in KNOWN_MISSES with the reason; it runs as a strict xfail, so
fixing it fails the suite until the entry goes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.gateways.email import extract_reply

CORPUS = Path(__file__).resolve().parents[2] / "corpora" / "email-reply-trimmer"
EMAILS = CORPUS / "emails"
TRIMMED = CORPUS / "trimmed"
NAMES = sorted(p.name for p in EMAILS.iterdir()) if EMAILS.is_dir() else []
MIN_SHARE = 0.85

KNOWN_MISSES: dict[str, str] = {
    "spam_1.txt": "only nested quotes, no new words: by design we return the text, not ''",
}

pytestmark = pytest.mark.skipif(not NAMES, reason=f"reply-trimming corpus not found at {CORPUS}")


def normalise(text: str) -> str:
    """The comparison's normalisation (see the module docstring)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def read(path: Path) -> str:
    """The file as bytes decoded, so CRLF line endings reach extract_reply as they are."""
    return path.read_bytes().decode("utf-8")


def matches(name: str) -> bool:
    return normalise(extract_reply(read(EMAILS / name))) == normalise(read(TRIMMED / name))


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[n]))
        if n in KNOWN_MISSES
        else n
        for n in NAMES
    ]
    or ["(no corpus)"],
)
def test_corpus_mail(name: str) -> None:
    got = normalise(extract_reply(read(EMAILS / name)))
    assert got == normalise(read(TRIMMED / name))


def test_the_corpus_is_complete_and_the_known_misses_are_in_it() -> None:
    assert len(NAMES) == 64
    assert sorted(p.name for p in TRIMMED.iterdir()) == NAMES
    assert set(KNOWN_MISSES) <= set(NAMES)


def test_exact_match_share() -> None:
    hits = sum(matches(name) for name in NAMES)
    assert hits / len(NAMES) >= MIN_SHARE, f"{hits}/{len(NAMES)} exact"
    assert hits == len(NAMES) - len(KNOWN_MISSES)
