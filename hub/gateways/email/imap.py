"""Listening to an organisation's mailbox: IDLE for news, a UID poll as a safety net.

One ``MailboxListener`` per mailbox, supervised: any failure (a refused login, a dropped or hung
connection, a TLS mismatch) ends the session, is written on the mailbox for the settings page,
and a new session starts after a backoff. Every IMAP call runs under a watchdog, because a
client waiting on a server that went silent (aioimaplib can, after a BYE or a TLS mismatch)
would otherwise wait forever.

Mail is fetched in UID order and each one is stored with the mailbox's checkpoint in one
transaction (``hub.mail.actions.do_receive_mail``): a session that dies mid-fetch resumes after
the last stored mail. Nothing is deleted or flagged on the server: the mailbox stays the
customer's record too.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import ssl
from collections.abc import Awaitable
from dataclasses import dataclass

import aioimaplib
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection

from hub.gateways.email.parse import parse_mail
from hub.mail.actions import (
    Checkpoint,
    claim_mailbox,
    do_receive_mail,
    do_record_mailbox_error,
    do_reset_checkpoint,
    release_mailbox,
)
from hub.mail.models import Mailbox, Security
from hub.mail.secrets import decrypt

logger = logging.getLogger(__name__)

FETCH_BATCH = 25
RELEASE_TRIES = 5
UIDVALIDITY = re.compile(rb"\[UIDVALIDITY (\d+)\]")
FETCH_HEAD = re.compile(rb"UID (\d+)")
SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


class ImapError(Exception):
    """The server said no, or said something we cannot use."""


@dataclass(frozen=True, slots=True)
class Fetched:
    uid: int
    raw: bytes


class MailboxListener:
    def __init__(self, mailbox_id: int, worker: str) -> None:
        self.mailbox_id = mailbox_id
        self.worker = worker
        self.client: aioimaplib.IMAP4 | None = None
        self.lost = asyncio.Event()

    async def run(self) -> None:
        """Sessions, one after another, for as long as the task lives."""
        failures = 0
        try:
            while True:
                if not await sync_to_async(self._claim)():
                    await asyncio.sleep(settings.HUB_IMAP_POLL_SECONDS)
                    continue
                try:
                    await self.session()
                    failures = 0
                except (OSError, TimeoutError, ImapError, aioimaplib.Abort) as error:
                    failures += 1
                    await self._failed(error)
                except Exception as error:
                    failures += 1
                    logger.exception("mailbox %s: unexpected failure", self.mailbox_id)
                    await self._failed(error)
                finally:
                    await self._disconnect()
                await asyncio.sleep(self._backoff(failures))
        finally:
            await self._release()

    async def _release(self) -> None:
        """Free the mailbox for another worker at once rather than when the lease runs out.
        Also on cancellation (shutdown), when the thread-sensitive executor may be gone and a
        store cut short may still hold the database for a moment: a few tries, then the lease
        runs out by itself."""
        for attempt in range(RELEASE_TRIES):
            try:
                await sync_to_async(_release, thread_sensitive=False)(self.mailbox_id, self.worker)
                return
            except DatabaseError:
                await asyncio.sleep(0.2 * (attempt + 1))
        logger.warning("mailbox %s: lease not released; it runs out by itself", self.mailbox_id)

    async def session(self) -> None:
        """Connect, catch up, then IDLE and catch up again until something fails."""
        mailbox = await sync_to_async(Mailbox.objects.get)(pk=self.mailbox_id)
        client = await self._connect(mailbox)
        await self._call(client.login(mailbox.username, decrypt(mailbox.password_encrypted)))
        selected = await self._call(client.select(_quoted(mailbox.folder)))
        uidvalidity = _uidvalidity(selected.lines)
        if mailbox.uidvalidity is not None and mailbox.uidvalidity != uidvalidity:
            logger.warning("mailbox %s: UIDVALIDITY changed, reading it again", mailbox.pk)
            await sync_to_async(do_reset_checkpoint)(mailbox, uidvalidity)
        mailbox.uidvalidity = uidvalidity
        await sync_to_async(do_record_mailbox_error)(mailbox.pk, "")
        while True:
            await self.catch_up(client, mailbox)
            if not await sync_to_async(self._claim)():
                return
            await self._idle(client)

    async def catch_up(self, client: aioimaplib.IMAP4, mailbox: Mailbox) -> int:
        """Store every mail after the checkpoint; returns how many were new to this session."""
        found = await self._call(client.uid_search(f"UID {mailbox.last_uid + 1}:*", charset=None))
        uids = sorted(
            uid
            for line in found.lines[:-1]
            for uid in map(int, line.split())
            if uid > mailbox.last_uid
        )
        for start in range(0, len(uids), FETCH_BATCH):
            for fetched in await self._fetch(client, uids[start : start + FETCH_BATCH]):
                await sync_to_async(self._store)(mailbox, fetched)
                mailbox.last_uid = fetched.uid
        return len(uids)

    async def _fetch(self, client: aioimaplib.IMAP4, uids: list[int]) -> list[Fetched]:
        wanted = ",".join(map(str, uids))
        sizes = await self._call(client.uid("fetch", wanted, "(UID RFC822.SIZE)"))
        small: list[int] = []
        large: list[int] = []
        for line in sizes.lines:
            uid, size = FETCH_HEAD.search(line), SIZE.search(line)
            if uid and size:
                too_large = int(size.group(1)) > settings.HUB_MAIL_MAX_BYTES
                (large if too_large else small).append(int(uid.group(1)))
        fetched = []
        if small:
            fetched += await self._bodies(client, small, "BODY.PEEK[]")
        if large:
            heads = await self._bodies(client, large, "BODY.PEEK[HEADER]")
            fetched += [Fetched(f.uid, f.raw + _too_large_note()) for f in heads]
        return sorted(fetched, key=lambda f: f.uid)

    async def _bodies(self, client: aioimaplib.IMAP4, uids: list[int], part: str) -> list[Fetched]:
        response = await self._call(client.uid("fetch", ",".join(map(str, uids)), f"(UID {part})"))
        fetched, uid = [], None
        for line in response.lines:
            if isinstance(line, bytearray) and uid is not None:
                fetched.append(Fetched(uid, bytes(line)))
                uid = None
            elif isinstance(line, bytes) and (head := FETCH_HEAD.search(line)):
                uid = int(head.group(1))
        if {f.uid for f in fetched} != set(uids):
            raise ImapError(f"asked for {len(uids)} mails, got {len(fetched)}")
        return fetched

    async def _idle(self, client: aioimaplib.IMAP4) -> None:
        """Wait for the server to tell of new mail, at most one poll interval (well inside the
        29 minutes after which servers may drop an idle client)."""
        wait = min(settings.HUB_IMAP_POLL_SECONDS, settings.HUB_IMAP_IDLE_SECONDS)
        idle = await self._call(client.idle_start(timeout=wait + settings.HUB_IMAP_TIMEOUT_SECONDS))
        try:
            while True:
                push = await self._call(client.wait_server_push(timeout=wait), limit=wait + 5)
                if push == aioimaplib.STOP_WAIT_SERVER_PUSH or any(
                    isinstance(line, bytes) and line.endswith(b"EXISTS") for line in push
                ):
                    break
        except TimeoutError:
            pass  # the poll interval passed: look anyway
        finally:
            if client.has_pending_idle():
                client.idle_done()
        await self._call(idle)

    async def _connect(self, mailbox: Mailbox) -> aioimaplib.IMAP4:
        timeout = settings.HUB_IMAP_TIMEOUT_SECONDS
        if mailbox.security == Security.STARTTLS:
            # aioimaplib cannot upgrade a connection; the settings door refuses this choice.
            raise ImapError("IMAP with STARTTLS is not supported: use TLS (port 993)")
        if mailbox.security == Security.TLS:
            client: aioimaplib.IMAP4 = aioimaplib.IMAP4_SSL(
                mailbox.host, mailbox.port, timeout=timeout, ssl_context=_tls_context()
            )
        else:
            client = aioimaplib.IMAP4(mailbox.host, mailbox.port, timeout=timeout)
        self.client = client  # closed by _disconnect whatever happens from here on
        self.lost = asyncio.Event()
        client.protocol.conn_lost_cb = lambda _error: self.lost.set()
        await self._call(client.wait_hello_from_server())
        return client

    async def _call[T](self, call: Awaitable[T], limit: float | None = None) -> T:
        """The watchdog: no IMAP call may take longer than the limit, whatever the server, and
        none outlives the connection (a server that says BYE and hangs up ends it at once)."""
        work = asyncio.ensure_future(call)
        lost = asyncio.ensure_future(self.lost.wait())
        try:
            async with asyncio.timeout(limit or settings.HUB_IMAP_TIMEOUT_SECONDS):
                await asyncio.wait({work, lost}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            lost.cancel()
            if not work.done():
                work.cancel()
        if not work.done() or work.cancelled():
            raise ImapError("the connection was lost")
        result = work.result()
        if isinstance(result, aioimaplib.Response) and result.result != "OK":
            said = b" ".join(bytes(line) for line in result.lines)
            raise ImapError(said.decode(errors="replace"))
        return result

    def _store(self, mailbox: Mailbox, fetched: Fetched) -> None:
        close_old_connections()
        do_receive_mail(
            mailbox.organization,
            parse_mail(fetched.raw),
            fetched.raw,
            mailbox=mailbox,
            checkpoint=Checkpoint(mailbox.pk, mailbox.uidvalidity or 0, fetched.uid),
        )

    def _claim(self) -> bool:
        close_old_connections()
        lease = max(3 * settings.HUB_IMAP_POLL_SECONDS, 60)
        return claim_mailbox(self.mailbox_id, self.worker, lease)

    async def _failed(self, error: BaseException) -> None:
        message = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        logger.warning("mailbox %s: %s", self.mailbox_id, message)
        await sync_to_async(do_record_mailbox_error)(self.mailbox_id, message)

    async def _disconnect(self) -> None:
        client, self.client = self.client, None
        if client is None:
            return
        if not self.lost.is_set():
            try:
                async with asyncio.timeout(5):
                    if client.has_pending_idle():
                        client.idle_done()
                    await client.logout()
            except Exception:  # noqa: S110 - the session is over either way
                pass
        if client.protocol is not None and client.protocol.transport is not None:
            client.protocol.transport.close()

    @staticmethod
    def _backoff(failures: int) -> float:
        if failures == 0:
            return 0
        delay = min(settings.HUB_IMAP_RECONNECT_MAX_SECONDS, 2.0 ** min(failures, 10))
        return float(delay * random.uniform(0.5, 1.0))  # noqa: S311 - jitter only


def _release(mailbox_id: int, worker: str) -> None:
    try:
        release_mailbox(mailbox_id, worker)
    finally:
        connection.close()


def _uidvalidity(lines: list[bytes]) -> int:
    for line in lines:
        match = UIDVALIDITY.search(bytes(line))
        if match:
            return int(match.group(1))
    raise ImapError("the server named no UIDVALIDITY")


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _tls_context() -> ssl.SSLContext:
    return ssl.create_default_context()


def _too_large_note() -> bytes:
    return b"\r\n(This mail was larger than the hub imports; open it in the mailbox.)\r\n"
