"""File sizes as people read them, for messages that compare a file with a limit.

A file's size is rounded up and a limit down, so a refused file never reads as no larger than
the limit ("3.1 MB; the limit is 3 MB", not "3 MB; the limit is 3 MB")."""

from __future__ import annotations

import math

KB = 1024
MB = 1024 * 1024


def format_size(size: int, *, up: bool = True) -> str:
    """``up`` for a file's size, ``up=False`` for a limit."""
    step = math.ceil if up else math.floor
    if size >= MB:
        tenths = step(size * 10 / MB)
        text = f"{tenths / 10:.1f}".removesuffix(".0")
        return f"{text} MB"
    return f"{max(1, step(size / KB))} KB"


def format_limit(size: int) -> str:
    return format_size(size, up=False)
