"""What every SMS provider offers the hub, whichever company carries the messages.

One organisation uses one provider with its own credentials (``registry.provider_for``); the
outbox and the webhooks see only these types, so a new provider is one module and one line in
the registry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

State = Literal["sent", "delivered", "failed"]


@dataclass(frozen=True)
class Credentials:
    """The organisation's account at the provider.

    ``account``: Twilio's Account SID, 46elks' API username. ``secret``: Twilio's auth token
    (which also signs Twilio's webhooks), 46elks' API password. ``base_url``: the API's address
    without a trailing path, None for the real one (tests point it at a local fake). The secret
    is left out of ``repr`` so that it cannot reach a log or a traceback."""

    account: str
    secret: str = field(repr=False)
    base_url: str | None = None


@dataclass(frozen=True)
class OutgoingSms:
    """``to``: E.164. ``sender``: an E.164 number (replies can come back) or an alphanumeric
    name of at most 11 characters (they cannot). ``status_callback``: the absolute URL the
    provider calls with delivery reports, None for none."""

    to: str
    sender: str
    text: str
    status_callback: str | None = None


@dataclass(frozen=True)
class SendResult:
    """What became of one send. ``permanent``: sending the same SMS again cannot succeed (an
    invalid number, refused credentials); otherwise (5xx, timeout, connection refused, rate
    limit) the outbox tries again later."""

    ok: bool
    provider_id: str = ""
    error: str = ""
    permanent: bool = False


@dataclass(frozen=True)
class InboundSms:
    """An SMS a customer sent to the organisation's number."""

    provider_id: str
    sender: str
    to: str
    text: str


@dataclass(frozen=True)
class StatusReport:
    """A delivery report: ``provider_id`` is the id ``send`` returned."""

    provider_id: str
    state: State
    error: str = ""


class Provider(Protocol):
    """One provider, bound to one organisation's credentials.

    ``parse_inbound`` and ``parse_status`` take the webhook's form parameters (already proven
    to come from the provider: see ``twilio.valid_signature``, and the secret key in the URL for
    46elks) and raise ``ValueError`` when a field they need is missing."""

    @property
    def name(self) -> str: ...

    async def send(self, sms: OutgoingSms) -> SendResult: ...

    def parse_inbound(self, params: Mapping[str, str]) -> InboundSms: ...

    def parse_status(self, params: Mapping[str, str]) -> StatusReport | None:
        """None: a state between the send and the outcome (Twilio's "queued", "sending"),
        or one the hub has no use for."""
        ...


def required(params: Mapping[str, str], *names: str) -> str:
    """The first of ``names`` present and non-empty in ``params`` (providers repeat some fields
    under an older name), else ``ValueError`` naming what is missing."""
    for name in names:
        value = params.get(name, "")
        if value:
            return value
    raise ValueError(f"missing field {' or '.join(names)}")
