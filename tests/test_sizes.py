from __future__ import annotations

import pytest

from hub.sizes import format_limit, format_size


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (1, "1 KB"),
        (1024, "1 KB"),
        (1025, "2 KB"),
        (1024 * 1024, "1 MB"),
        (1024 * 1024 + 1, "1.1 MB"),
        (25 * 1024 * 1024, "25 MB"),
    ],
)
def test_a_files_size_is_rounded_up(size: int, text: str) -> None:
    assert format_size(size) == text


@pytest.mark.parametrize(
    ("size", "text"),
    [(200_000, "195 KB"), (1024 * 1024 + 1, "1 MB"), (int(2.99 * 1024 * 1024), "2.9 MB")],
)
def test_a_limit_is_rounded_down(size: int, text: str) -> None:
    assert format_limit(size) == text
