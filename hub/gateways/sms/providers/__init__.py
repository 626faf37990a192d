"""SMS providers: Twilio, 46elks, and the development provider, behind one protocol."""

from hub.gateways.sms.providers.base import (
    Credentials,
    InboundSms,
    OutgoingSms,
    Provider,
    SendResult,
    StatusReport,
)
from hub.gateways.sms.providers.registry import PROVIDERS, UnknownProvider, provider_for

__all__ = [
    "PROVIDERS",
    "Credentials",
    "InboundSms",
    "OutgoingSms",
    "Provider",
    "SendResult",
    "StatusReport",
    "UnknownProvider",
    "provider_for",
]
