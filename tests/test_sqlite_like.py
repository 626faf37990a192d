"""The embedded database's LIKE folds Nordic letters' case (SQLite's own folds only A to Z)."""

from __future__ import annotations

import pytest

from hub.sqlite.base import like


@pytest.mark.parametrize(
    ("pattern", "value", "matches"),
    [
        ("%østlandet%", "Østlandet Ærfugl", True),
        ("%ÅSEN%", "på åsen", True),
        ("%strasse%", "Hauptstraße", True),
        ("s-1001", "S-1001", True),
        ("%50\\%%", "50% rabatt", True),
        ("%50\\%%", "500 rabatt", False),
        ("a_c", "abc", True),
        ("a_c", "abbc", False),
        ("%ø%", "oslo", False),
    ],
)
def test_like(pattern: str, value: str, matches: bool) -> None:
    assert like(pattern, value, "\\") is matches


def test_null_is_unknown() -> None:
    assert like(None, "x") is None
    assert like("x", None) is None
