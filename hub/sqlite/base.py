"""SQLite for the embedded hub, with LIKE that folds case beyond ASCII.

SQLite's own LIKE folds only A to Z, so searching "østlandet" would not find "Østlandet" and
"ÅSEN" would not find "åsen": useless for Nordic names. Django's SQLite lookups (``contains``,
``icontains``, ``iexact``, ``startswith`` …) are all LIKE, so replacing SQLite's ``like()``
function gives every one of them Unicode case folding. PostgreSQL needs none of this.
"""

from __future__ import annotations

import re
import sqlite3
from functools import lru_cache
from typing import Any

from django.db.backends.sqlite3 import base


@lru_cache(maxsize=256)
def _pattern(pattern: str, escape: str | None) -> re.Pattern[str]:
    parts: list[str] = []
    characters = iter(pattern)
    for character in characters:
        if escape is not None and character == escape:
            parts.append(re.escape(next(characters, "")))
        elif character == "%":
            parts.append(".*")
        elif character == "_":
            parts.append(".")
        else:
            parts.append(re.escape(character.casefold()))
    return re.compile("".join(parts), re.DOTALL)


def like(pattern: str | None, value: Any, escape: str | None = None) -> bool | None:
    """SQLite's ``value LIKE pattern [ESCAPE escape]``, folding case the Unicode way."""
    if pattern is None or value is None:
        return None
    return _pattern(pattern, escape).fullmatch(str(value).casefold()) is not None


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: Any) -> sqlite3.Connection:
        connection: sqlite3.Connection = super().get_new_connection(conn_params)
        connection.create_function("like", 2, like, deterministic=True)
        connection.create_function("like", 3, like, deterministic=True)
        return connection
