"""The SMS providers' callbacks: an SMS from a customer, a delivery report.

Machine-facing, so on the edge: read the form, prove it comes from the provider (Twilio signs
the full public URL and the sorted parameters with the organisation's auth token; 46elks signs
nothing, so the unguessable key in the URL it was given is the proof), hand it to the action,
answer at once. A forged or altered call gets 403 and nothing is stored; a replayed one is
answered 200 and stores nothing new (the action is idempotent by the provider's message id).
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from hub.gateways.sms.providers.base import Credentials, Provider
from hub.gateways.sms.providers.registry import provider_for
from hub.gateways.sms.providers.twilio import valid_signature
from hub.mail.secrets import decrypt
from hub.sms.actions import Incoming, do_receive_sms, do_record_sms_status
from hub.sms.models import ProviderName, SmsSettings

logger = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


async def sms_hook(request: Request) -> Response:
    provider_name = str(request.path_params["provider"])
    key = str(request.path_params["key"])
    kind = str(request.path_params["kind"])
    if kind not in ("inbound", "status") or provider_name == ProviderName.DEV:
        return PlainTextResponse("Not found", status_code=404)
    params = await _form(request)
    if params is None:
        return PlainTextResponse("Send application/x-www-form-urlencoded", status_code=415)
    sms_settings = await sync_to_async(_settings)(key, provider_name)
    if sms_settings is None:
        return PlainTextResponse("Forbidden", status_code=403)
    secret = decrypt(sms_settings.secret_encrypted)
    if provider_name == ProviderName.TWILIO:
        url = f"{settings.HUB_PUBLIC_URL}{request.url.path}"
        if request.url.query:
            url = f"{url}?{request.url.query}"
        signature = request.headers.get("x-twilio-signature", "")
        if not secret or not valid_signature(secret, url, params, signature):
            logger.warning("SMS webhook with a bad signature for %s", request.url.path)
            return PlainTextResponse("Forbidden", status_code=403)
    provider = provider_for(provider_name, Credentials(account=sms_settings.account, secret=secret))
    try:
        await sync_to_async(_hand_over)(sms_settings, provider, kind, params)
    except (KeyError, ValueError) as error:
        return PlainTextResponse(f"Bad request: {error}", status_code=400)
    if provider_name == ProviderName.TWILIO and kind == "inbound":
        return Response(TWIML_EMPTY, media_type="text/xml")
    # 46elks sends any text in the answer to an incoming SMS back to the customer: none.
    return Response(b"", status_code=200)


async def _form(request: Request) -> dict[str, str] | None:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return {}
    return dict(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))


def _settings(key: str, provider_name: str) -> SmsSettings | None:
    close_old_connections()
    return (
        SmsSettings.objects.select_related("organization")
        .filter(webhook_key=key, provider=provider_name)
        .first()
    )


def _hand_over(
    sms_settings: SmsSettings, provider: Provider, kind: str, params: dict[str, str]
) -> None:
    organization = sms_settings.organization
    if kind == "inbound":
        inbound = provider.parse_inbound(params)
        do_receive_sms(
            organization,
            Incoming(
                provider=sms_settings.provider,
                provider_id=inbound.provider_id,
                sender=inbound.sender,
                to=inbound.to,
                text=inbound.text,
            ),
        )
        return
    report = provider.parse_status(params)
    if report is not None:
        do_record_sms_status(organization, report.provider_id, report.state, report.error)
