"""Which provider an organisation's settings name: ``provider_for(name, credentials)``.

The names are those stored in ``SmsSettings.provider`` (``hub.sms.models.ProviderName``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from hub.gateways.sms.providers.base import Credentials, Provider
from hub.gateways.sms.providers.dev import DevProvider
from hub.gateways.sms.providers.elks import ElksProvider
from hub.gateways.sms.providers.twilio import TwilioProvider

PROVIDERS: Mapping[str, Callable[[Credentials], Provider]] = MappingProxyType(
    {
        TwilioProvider.name: TwilioProvider,
        ElksProvider.name: ElksProvider,
        DevProvider.name: DevProvider,
    }
)


class UnknownProvider(ValueError):
    """A provider name the hub does not know (a typo in settings, a provider removed)."""


def provider_for(name: str, credentials: Credentials) -> Provider:
    """The provider ``name`` bound to ``credentials``. Credentials are not checked here: a send
    without them fails permanently with a message saying so."""
    try:
        factory = PROVIDERS[name]
    except KeyError:
        known = ", ".join(sorted(PROVIDERS))
        raise UnknownProvider(f"unknown SMS provider {name!r} (known: {known})") from None
    return factory(credentials)
