"""What staff see of each fixture against what a person reading it expects: the customer's new
words, without the quoted mail and without the signature (``extract_reply``); a forwarded mail
keeps what it forwards, that being the message (``shown_text``); a bounce keeps its notice."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hub.gateways.email.parse import parse_mail
from hub.gateways.email.shown import shown_text

FIXTURES = Path(__file__).parent / "fixtures"
EXPECTED: dict[str, dict[str, Any]] = json.loads(
    (FIXTURES / "expected.json").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_reply(name: str) -> None:
    parsed = parse_mail((FIXTURES / name).read_bytes())
    assert shown_text(parsed.subject, parsed.text) == EXPECTED[name]["reply"]
