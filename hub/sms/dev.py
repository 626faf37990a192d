"""The phone simulator of the embedded run: with the development provider, the hub's SMS land
here, and a person can answer as the customer's phone would; the answer takes the same way in
as a provider's webhook (routing, STOP, the unsorted queue)."""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from hub.gateways.sms.compose import sms_text
from hub.outbox.models import Delivery, OutboundChannel
from hub.sms.actions import Incoming, do_receive_sms, settings_for
from hub.sms.models import ProviderName

PAGE = 50


@login_required
@require_http_methods(["GET", "POST"])
def phone_simulator(request: HttpRequest) -> HttpResponse:
    member = getattr(request, "member", None)
    if member is None:
        raise Http404
    sms_settings = settings_for(member.organization)
    if sms_settings.provider != ProviderName.DEV:
        raise Http404
    sent = Delivery.objects.filter(
        organization_id=member.organization_id, channel=OutboundChannel.SMS
    ).select_related("message", "case__organization", "sent_by")
    if request.method == "POST":
        text = request.POST.get("text", "").strip()
        number = request.POST.get("number", "").strip()
        if not text or not sent.filter(recipient=number).exists():
            raise Http404
        do_receive_sms(
            member.organization,
            Incoming(
                provider=ProviderName.DEV,
                provider_id=f"dev-in-{secrets.token_hex(8)}",
                sender=number,
                to=sms_settings.virtual_number,
                text=text,
            ),
        )
        return HttpResponseRedirect(f"{request.path}?{urlencode({'answered': number})}")
    rows = [
        {
            "number": delivery.recipient,
            "name": delivery.recipient_name,
            # As the phone gets it: with the link to the customer portal, when it has one.
            "text": sms_text(delivery),
            "case": delivery.case.reference if delivery.case else "",
            "state": delivery.get_state_display(),
            "created": delivery.created,
        }
        for delivery in sent.order_by("-id")[:PAGE]
    ]
    return render(
        request,
        "dev_sms.html",
        {
            "messages_sent": rows,
            "answered": request.GET.get("answered"),
            "virtual_number": sms_settings.virtual_number,
        },
    )
