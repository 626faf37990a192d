"""The portal's script to the staff app's standard (tests/web/test_scripts.py): every text a
literal ``gettext``/``ngettext`` call that ``makemessages -d djangojs`` finds, and nothing that
needs a build step or another module."""

from __future__ import annotations

import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "web" / "static" / "portal"
SCRIPT = STATIC / "portal.js"
TEXT_CALL = re.compile(r"\b(n?gettext)\(\s*([^\s)])")


def test_texts_are_literal_gettext_calls() -> None:
    calls = TEXT_CALL.findall(SCRIPT.read_text())
    assert calls, "the portal shows texts"
    assert [f"{name}({first}…" for name, first in calls if first not in "\"'"] == []


def test_one_module_without_imports() -> None:
    text = SCRIPT.read_text()
    assert not re.search(r"^\s*import\b", text, re.MULTILINE)
    assert "import(" not in text


def test_small_enough_for_a_cheap_phone() -> None:
    size = SCRIPT.stat().st_size + (STATIC / "portal.css").stat().st_size
    assert size < 40_000
