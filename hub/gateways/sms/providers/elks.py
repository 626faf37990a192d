"""46elks (Stockholm): a plain REST API to send, unsigned webhooks for inbound SMS and reports.

Send: ``POST {base}/a1/sms``, form-encoded ``from``, ``to``, ``message`` and ``whendelivered``
(the delivery report URL), basic auth with the API username and password. Success is 200 with
the SMS as JSON (``id`` "s…", ``status`` "created", ``parts``, ``cost`` in 1/10 000 of the
account's currency). An error is a 4xx with a short plain-text reason ("Invalid to number");
"Not enough credits" is a 403 too.

Webhooks (inbound: ``id``, ``from``, ``to``, ``message``, ``direction``, ``created``; delivery
report: ``id``, ``status`` of "sent", "delivered" or "failed", ``delivered`` time) carry no
signature. The only proof that a call comes from 46elks is a secret in the URL the hub gave
it (``compose.status_url``): the webhook finds the organisation by the unguessable key in its
path, and a call with a key of no organisation is refused. 46elks retries a webhook for at
least 6 hours until it gets 200-204, and sends any text in the answer to an inbound SMS back
to the customer as a reply, so the answer is empty. A failed report gives no reason.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from hub.gateways.sms.providers._http import Answer, Unreachable, post_form, shorten
from hub.gateways.sms.providers.base import (
    Credentials,
    InboundSms,
    OutgoingSms,
    SendResult,
    State,
    StatusReport,
    required,
)

API_BASE = "https://api.46elks.com"

STATES: dict[str, State] = {"sent": "sent", "delivered": "delivered", "failed": "failed"}
FAILED_WITHOUT_REASON = "46elks: not delivered (the carrier gives no reason)"


class ElksProvider:
    """46elks, with one organisation's API username and password."""

    name = "46elks"

    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials
        self.base_url = (credentials.base_url or API_BASE).rstrip("/")

    @property
    def sms_url(self) -> str:
        return f"{self.base_url}/a1/sms"

    async def send(self, sms: OutgoingSms) -> SendResult:
        if not self.credentials.account or not self.credentials.secret:
            return SendResult(ok=False, error="46elks: no API username or password", permanent=True)
        form = {"from": sms.sender, "to": sms.to, "message": sms.text}
        if sms.status_callback:
            form["whendelivered"] = sms.status_callback
        try:
            answer = await post_form(
                self.sms_url, form, self.credentials.account, self.credentials.secret
            )
        except Unreachable as error:
            return SendResult(ok=False, error=f"46elks unreachable: {error}")
        return _result(answer)

    def parse_inbound(self, params: Mapping[str, str]) -> InboundSms:
        """Fields: ``id``, ``from``, ``to``, ``message`` (present, possibly empty)."""
        if "message" not in params:
            raise ValueError("missing field message")
        return InboundSms(
            provider_id=required(params, "id"),
            sender=required(params, "from"),
            to=required(params, "to"),
            text=params["message"],
        )

    def parse_status(self, params: Mapping[str, str]) -> StatusReport | None:
        """Fields: ``id``, ``status``; any other status ("created") is ignored."""
        provider_id = required(params, "id")
        state = STATES.get(required(params, "status").lower())
        if state is None:
            return None
        if state == "failed":
            return StatusReport(provider_id, "failed", FAILED_WITHOUT_REASON)
        return StatusReport(provider_id, state)


def _result(answer: Answer) -> SendResult:
    if answer.success:
        try:
            body = json.loads(answer.text)
        except ValueError:
            body = None
        sms_id = body.get("id") if isinstance(body, dict) else None
        if isinstance(sms_id, str) and sms_id:
            if body.get("status") == "failed":
                return SendResult(
                    ok=False, provider_id=sms_id, error="46elks: failed", permanent=True
                )
            return SendResult(ok=True, provider_id=sms_id)
        # Taken, perhaps sent, but unreadable: not sent again (it would go out twice).
        return SendResult(
            ok=False,
            error=f"46elks answered {answer.status} without an id: {shorten(answer.text)}",
            permanent=True,
        )
    return SendResult(
        ok=False,
        error=shorten(f"46elks HTTP {answer.status}: {_reason(answer.text)}"),
        permanent=answer.permanent,
    )


def _reason(text: str) -> str:
    """The error's words: plain text as documented, or ``{"error": "..."}`` should it be JSON."""
    try:
        body = json.loads(text)
    except ValueError:
        return text.strip()
    if isinstance(body, dict):
        for key in ("error", "message"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
    return text.strip()
