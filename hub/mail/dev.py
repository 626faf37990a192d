"""The development mailbox: without an SMTP server (the embedded run) the hub's mail lands
here, and a person can answer it as the customer would, through the same door as real mail.
Only while the development transport is in use, and only the organisation's own mail."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from hub.gateways.email.parse import parse_mail
from hub.gateways.email.smtp import server_for
from hub.mail.actions import do_receive_mail
from hub.mail.models import DevMail, MailSettings

PAGE = 50


@login_required
@require_http_methods(["GET", "POST"])
def dev_mailbox(request: HttpRequest) -> HttpResponse:
    member = getattr(request, "member", None)
    if member is None or server_for(
        MailSettings.objects.filter(organization_id=member.organization_id).first()
    ):
        raise Http404
    mails = DevMail.objects.filter(organization_id=member.organization_id).order_by("-id")
    shown = request.GET.get("to", "customers")
    if request.method == "POST":
        original = mails.filter(pk=request.POST.get("mail", "")).first()
        text = request.POST.get("text", "").strip()
        if original is None or not text:
            raise Http404
        raw = customer_reply(bytes(original.raw), text)
        do_receive_mail(member.organization, parse_mail(raw), raw)
        return HttpResponseRedirect(f"{request.path}?answered={original.pk}")
    # Mail to customers first: notifications to staff are many and answered in the hub itself.
    listed = (
        mails.filter(delivery__purpose="message")
        if shown == "customers"
        else mails.exclude(delivery__purpose="message")
    )
    rows = []
    for mail in listed[:PAGE]:
        parsed = message_from_bytes(bytes(mail.raw), policy=policy.default)
        body = parsed.get_body(preferencelist=("plain",))
        rows.append(
            {
                "id": mail.pk,
                "created": mail.created,
                "recipient": mail.recipient,
                "subject": mail.subject,
                "text": body.get_content() if body is not None else "",
                "automatic": bool(parsed.get("Auto-Submitted")),
            }
        )
    return render(
        request,
        "dev_mail.html",
        {"mails": rows, "answered": request.GET.get("answered"), "shown": shown},
    )


def customer_reply(original_raw: bytes, text: str) -> bytes:
    """What a customer's mail client makes of "Reply": to the Reply-To, threaded on the mail,
    the original quoted below the answer."""
    original = message_from_bytes(original_raw, policy=policy.default)
    body = original.get_body(preferencelist=("plain",))
    quoted = "\n".join(f"> {line}" for line in (body.get_content() if body else "").splitlines())
    sender = str(original.get("From", ""))
    reply = EmailMessage()
    reply["From"] = str(original.get("To", ""))
    reply["To"] = str(original.get("Reply-To") or sender)
    reply["Subject"] = f"Re: {original.get('Subject', '')}"
    reply["Date"] = format_datetime(timezone.now())
    reply["Message-ID"] = make_msgid(domain="customer.example")
    parent = str(original.get("Message-ID", ""))
    reply["In-Reply-To"] = parent
    reply["References"] = " ".join(filter(None, [str(original.get("References", "")), parent]))
    date = str(original.get("Date", ""))
    reply.set_content(f"{text}\n\n{date} {sender}:\n{quoted}\n")
    return reply.as_bytes()
