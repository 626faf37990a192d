"""Two hub processes on one Redis: what happens on one reaches sockets held by the other."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from channels.db import database_sync_to_async

from hub.accounts.models import Member
from tests.factories import make_customer_case
from tests.realtime.client import next_of, open_socket, session_cookie
from tests.servers import Server, hub_server


def post_over_http(server: Server, cookie: str, case_id: int, text: str) -> dict[str, object]:
    """POST a message the way the web app does: session cookie, CSRF cookie and header."""
    with urllib.request.urlopen(f"{server.http}/api/session", timeout=10) as response:  # noqa: S310
        token = next(
            c.split(";", 1)[0].split("=", 1)[1]
            for c in response.headers.get_all("Set-Cookie")
            if c.startswith("csrftoken=")
        )
    request = urllib.request.Request(  # noqa: S310 - loopback
        f"{server.http}/api/cases/{case_id}/messages",
        data=json.dumps({"audience": "internal", "text": text, "client_id": "two-1"}).encode(),
        headers={
            "Content-Type": "application/json",
            "Cookie": f"{cookie}; csrftoken={token}",
            "X-CSRFToken": token,
            "Origin": server.http,
            "Referer": server.http + "/",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        assert response.status == 201
        answer: dict[str, object] = json.loads(response.read())
        return answer


async def test_a_message_posted_on_one_process_reaches_a_socket_on_the_other(
    services: dict[str, str], tmp_path: Path, dispatcher: Member
) -> None:
    case = await database_sync_to_async(make_customer_case)(dispatcher)
    cookie = await session_cookie(dispatcher)
    with (
        hub_server(tmp_path / "a", services, "a") as a,
        hub_server(tmp_path / "b", services, "b") as b,
    ):
        socket = await open_socket(b, cookie)
        try:
            await socket.send(json.dumps({"type": "open", "case_id": case.pk, "since": 0}))
            await next_of(socket, "opened")
            posted = await database_sync_to_async(post_over_http)(
                a, cookie, case.pk, "Fra prosess A"
            )
            frame = await next_of(socket, "message.created")
        finally:
            await socket.close()
    assert frame["message"]["id"] == posted["id"]
    assert frame["message"]["text"] == "Fra prosess A"
    assert frame["case_id"] == case.pk
