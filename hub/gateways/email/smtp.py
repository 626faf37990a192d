"""Handing a mail to an SMTP server, and what the answer means for the outbox.

A 5xx answer is final (the address or the content is refused: retrying changes nothing); a 4xx
answer, a refused or dropped connection or a timeout is temporary and retried by the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib
from django.conf import settings

from hub.gateways.email.compose import OutgoingMail
from hub.mail.models import MailSettings, Security
from hub.mail.secrets import decrypt
from hub.outbox.actions import Outcome

SCHEMES = {"smtp": Security.STARTTLS, "smtps": Security.TLS, "smtp+plain": Security.NONE}


@dataclass(frozen=True, slots=True)
class SmtpServer:
    host: str
    port: int
    security: str
    username: str = ""
    password: str = ""
    verify_certificate: bool = True

    def __repr__(self) -> str:  # never a password in a log line
        return f"SmtpServer({self.host}:{self.port}, {self.security}, user={self.username!r})"


def parse_smtp_url(url: str) -> SmtpServer:
    """``smtp://user:password@host:587`` (STARTTLS), ``smtps://…:465`` (TLS), ``smtp+plain://``
    (neither: a relay on a trusted network); ``?verify=no`` accepts any certificate."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise ValueError(f"HUB_SMTP_URL must look like smtp://user:password@host:port, not {url!r}")
    security = SCHEMES[parts.scheme]
    default_port = {Security.STARTTLS: 587, Security.TLS: 465, Security.NONE: 25}[security]
    verify = parse_qs(parts.query).get("verify", ["yes"])[0] not in ("no", "false", "0")
    return SmtpServer(
        host=parts.hostname,
        port=parts.port or default_port,
        security=security,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        verify_certificate=verify,
    )


def server_for(mail_settings: MailSettings | None) -> SmtpServer | None:
    """The organisation's own server, else the hub's relay; None: the development mailbox."""
    if mail_settings is not None and mail_settings.has_own_server:
        return SmtpServer(
            host=mail_settings.smtp_host,
            port=mail_settings.smtp_port,
            security=mail_settings.smtp_security,
            username=mail_settings.smtp_username,
            password=decrypt(mail_settings.smtp_password_encrypted),
        )
    if settings.HUB_SMTP_URL:
        return parse_smtp_url(settings.HUB_SMTP_URL)
    return None


async def send(server: SmtpServer, mail: OutgoingMail) -> Outcome:
    try:
        await aiosmtplib.send(
            mail.message,
            sender=mail.sender,
            recipients=mail.recipients,
            hostname=server.host,
            port=server.port,
            username=server.username or None,
            password=server.password or None,
            use_tls=server.security == Security.TLS,
            start_tls=server.security == Security.STARTTLS,
            validate_certs=server.verify_certificate,
            timeout=settings.HUB_SMTP_TIMEOUT_SECONDS,
        )
    except aiosmtplib.SMTPRecipientsRefused as error:
        refusal = error.recipients[0]
        return _refused(refusal.code, refusal.message)
    except aiosmtplib.SMTPResponseException as error:
        return _refused(error.code, error.message)
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
        return Outcome(ok=False, error=f"{server.host}:{server.port}: {error}")
    return Outcome(ok=True)


def _refused(code: int, message: str) -> Outcome:
    return Outcome(ok=False, error=f"{code} {message}".strip(), permanent=500 <= code < 600)
