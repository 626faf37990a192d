"""The one HTTP call the providers make: a form POST with basic auth, bounded in time.

A fresh client per send: SMS are few and a pooled client would have to outlive event loops
(every async test runs in a new one). What comes back is the status and the text, or
``Unreachable`` when no HTTP answer came at all, which is always worth trying again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import httpx

TIMEOUT = 10.0  # seconds, for connecting and for each read or write
ERROR_TEXT_LIMIT = 300  # characters of a provider's error kept for the delivery's record

# 4xx answers that say "not now" rather than "never": a timeout, too early, too many requests.
RETRYABLE_4XX = frozenset({408, 425, 429})


class Unreachable(Exception):
    """No HTTP answer: refused, reset, DNS, TLS, timeout."""


@dataclass(frozen=True)
class Answer:
    status: int
    text: str

    @property
    def success(self) -> bool:
        return 200 <= self.status < 300

    @property
    def permanent(self) -> bool:
        """A failure that the same request cannot overcome: a 4xx other than the "not now"
        ones. 5xx, and anything unexpected (a 3xx from a misbehaving proxy), may pass."""
        return 400 <= self.status < 500 and self.status not in RETRYABLE_4XX


async def post_form(url: str, form: Mapping[str, str], user: str, password: str) -> Answer:
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False) as client:
            response = await client.post(
                url,
                data=dict(form),
                auth=(user, password),
                headers={"Accept": "application/json"},
            )
    except httpx.TimeoutException as error:
        raise Unreachable(f"no answer within {TIMEOUT:g} s ({type(error).__name__})") from error
    except httpx.HTTPError as error:
        raise Unreachable(
            f"{type(error).__name__}: {error}" if str(error) else repr(error)
        ) from error
    return Answer(response.status_code, response.text)


def shorten(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > ERROR_TEXT_LIMIT:
        return text[: ERROR_TEXT_LIMIT - 1] + "…"
    return text
