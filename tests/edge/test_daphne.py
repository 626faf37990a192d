"""The edge over a real socket: daphne serving ``hub.asgi:application`` on loopback.

One daphne process for the module, on a port the kernel picks, against a fresh SQLite database
migrated in a temporary directory, with a small upload limit so that "too large" is cheap to
send.
"""

from __future__ import annotations

import http.client
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hub.edge.app import MULTIPART_OVERHEAD
from tests.servers import hub_server, migrate

ROOT = Path(__file__).resolve().parents[2]
UPLOAD_LIMIT = 4096
# What the edge lets through: the largest file plus room for the multipart around it.
EDGE_LIMIT = UPLOAD_LIMIT + MULTIPART_OVERHEAD
START_TIMEOUT = 30.0
REQUEST_TIMEOUT = 10.0
LISTENING = re.compile(r"Listening on TCP address 127\.0\.0\.1:(\d+)")


@pytest.fixture(scope="module")
def daphne(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """``(host, port)`` of a running embedded hub; stopped when the module's tests are done."""
    var_dir = tmp_path_factory.mktemp("daphne")
    env = {"HUB_UPLOAD_MAX_BYTES": str(UPLOAD_LIMIT)}
    migrate(var_dir, env)
    assert (var_dir / "hub.sqlite3").exists()
    with hub_server(var_dir, env) as server:
        yield server.host, server.port


def request(
    server: tuple[str, int], method: str, path: str, body: bytes | None = None
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """Status, headers (names in any case) and body."""
    connection = http.client.HTTPConnection(*server, timeout=REQUEST_TIMEOUT)
    try:
        connection.request(method, path, body=body)
        response = connection.getresponse()
        return response.status, response.msg, response.read()
    finally:
        connection.close()


def error_of(body: bytes) -> dict[str, Any]:
    error: dict[str, Any] = json.loads(body)["error"]
    return error


def test_healthz_is_answered_by_the_edge(daphne: tuple[str, int]) -> None:
    status, headers, body = request(daphne, "GET", "/healthz")
    assert status == 200
    assert headers["content-type"] == "application/json"
    assert json.loads(body) == {"status": "ok"}
    # Django's middleware never saw it.
    assert headers["X-Frame-Options"] is None


def test_the_api_without_login_is_401_json(daphne: tuple[str, int]) -> None:
    status, headers, body = request(daphne, "GET", "/api/cases")
    assert status == 401
    assert headers["Content-Type"] == "application/json"
    assert error_of(body)["code"] == "not_authenticated"


def test_a_session_and_its_csrf_cookie_over_the_socket(daphne: tuple[str, int]) -> None:
    status, headers, body = request(daphne, "GET", "/api/session")
    assert status == 200
    assert json.loads(body) == {"authenticated": False}
    assert any(cookie.startswith("csrftoken=") for cookie in headers.get_all("Set-Cookie", []))


def test_a_post_without_csrf_token_is_refused(daphne: tuple[str, int]) -> None:
    status, _headers, _body = request(daphne, "POST", "/api/session", b"{}")
    assert status == 403


def test_a_declared_body_over_the_limit_is_refused_once_sent(daphne: tuple[str, int]) -> None:
    body = b"\x00" * (EDGE_LIMIT + 1)
    status, headers, answer = request(daphne, "POST", "/api/cases/1/attachments", body)
    assert status == 413
    assert headers["content-type"] == "application/json"
    assert error_of(answer)["code"] == "too_large"


def test_a_declared_body_over_the_limit_is_refused_before_it_is_sent(
    daphne: tuple[str, int],
) -> None:
    connection = http.client.HTTPConnection(*daphne, timeout=1.5)
    try:
        connection.putrequest("POST", "/api/cases/1/attachments")
        connection.putheader("Content-Type", "application/octet-stream")
        connection.putheader("Content-Length", str(10 * 1024 * 1024 * 1024))
        connection.endheaders()
        # Not one byte of the 10 GB is sent: the answer must come from the headers alone.
        response = connection.getresponse()
        assert response.status == 413
        assert error_of(response.read())["code"] == "too_large"
    finally:
        connection.close()


def csrf_token(server: tuple[str, int]) -> str:
    _status, headers, _body = request(server, "GET", "/api/session")
    for cookie in headers.get_all("Set-Cookie", []):
        if cookie.startswith("csrftoken="):
            return str(cookie.split(";", 1)[0].removeprefix("csrftoken="))
    pytest.fail("no csrftoken cookie")


def send_chunked(server: tuple[str, int], path: str, total: int) -> tuple[int, bytes]:
    """POST ``total`` bytes without a Content-Length, in 8 KiB chunks, with a CSRF token so
    that Django, once reached, answers from the view."""
    token = csrf_token(server)
    connection = http.client.HTTPConnection(*server, timeout=REQUEST_TIMEOUT)
    try:
        connection.putrequest("POST", path)
        connection.putheader("Content-Type", "application/octet-stream")
        connection.putheader("Transfer-Encoding", "chunked")
        connection.putheader("Cookie", f"csrftoken={token}")
        connection.putheader("X-CSRFToken", token)
        connection.endheaders()
        sent = 0
        while sent < total:
            chunk = b"\x00" * min(8192, total - sent)
            connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent += len(chunk)
        connection.send(b"0\r\n\r\n")
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_a_streamed_body_over_the_limit_is_cut_off(daphne: tuple[str, int]) -> None:
    status, body = send_chunked(daphne, "/api/cases/1/attachments", EDGE_LIMIT + 64 * 1024)
    assert status == 413
    assert error_of(body)["code"] == "too_large"


def test_a_streamed_body_under_the_limit_reaches_django(daphne: tuple[str, int]) -> None:
    status, body = send_chunked(daphne, "/api/cases/1/attachments", 16 * 1024)
    assert status == 401
    assert error_of(body)["code"] == "not_authenticated"


def test_an_unknown_path_is_passed_to_django(daphne: tuple[str, int]) -> None:
    status, headers, _body = request(daphne, "GET", "/no/such/page")
    assert status == 404
    assert headers["X-Frame-Options"] == "DENY"
