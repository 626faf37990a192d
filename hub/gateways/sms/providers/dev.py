"""The provider of the embedded development run: nothing leaves the machine.

Every send succeeds with an id ``dev-<hex>``; the hub has stored the delivery itself, and the
phone simulator page shows it from there. The simulator posts a customer's SMS and delivery
reports in the same form as the other providers' webhooks, with neutral field names:
inbound ``id`` (optional), ``from``, ``to``, ``text``; report ``id``, ``status``
("sent", "delivered", "failed"), ``error``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from hub.gateways.sms.providers.base import (
    Credentials,
    InboundSms,
    OutgoingSms,
    SendResult,
    State,
    StatusReport,
    required,
)

PREFIX = "dev-"
STATES: dict[str, State] = {"sent": "sent", "delivered": "delivered", "failed": "failed"}


def new_id() -> str:
    return f"{PREFIX}{uuid.uuid4().hex}"


class DevProvider:
    """Needs no credentials; takes them so that every provider is made the same way."""

    name = "dev"

    def __init__(self, credentials: Credentials | None = None) -> None:
        self.credentials = credentials

    async def send(self, sms: OutgoingSms) -> SendResult:
        return SendResult(ok=True, provider_id=new_id())

    def parse_inbound(self, params: Mapping[str, str]) -> InboundSms:
        if "text" not in params:
            raise ValueError("missing field text")
        return InboundSms(
            provider_id=params.get("id") or new_id(),
            sender=required(params, "from"),
            to=required(params, "to"),
            text=params["text"],
        )

    def parse_status(self, params: Mapping[str, str]) -> StatusReport | None:
        provider_id = required(params, "id")
        state = STATES.get(required(params, "status").lower())
        if state is None:
            return None
        error = params.get("error", "") if state == "failed" else ""
        return StatusReport(provider_id, state, error)
