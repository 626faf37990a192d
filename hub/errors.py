"""Errors an action or a door raises for a person to read.

Each carries an HTTP status, a stable machine ``code`` and a translated ``message``; the JSON
doors turn them into ``{"error": {"code", "message", "field"}}`` and the socket doors into error
frames. Raise them with text a user can act on, never with internals.
"""

from __future__ import annotations

from typing import ClassVar


class HubError(Exception):
    status: ClassVar[int] = 400
    code: ClassVar[str] = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code  # type: ignore[misc]

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "field": self.field}


class NotFound(HubError):
    status = 404
    code = "not_found"


class Forbidden(HubError):
    status = 403
    code = "forbidden"


class Conflict(HubError):
    status = 409
    code = "conflict"


class TooLarge(HubError):
    status = 413
    code = "too_large"


class UnsupportedType(HubError):
    status = 415
    code = "unsupported_type"
