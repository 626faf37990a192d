"""Real hub processes for tests that need a socket: ``python -m hub.server`` on a port the kernel
picks (or a given one, to restart a server where its clients will look for it), with bounded
waits and a log to show when it does not come up; and the environment that points such a server
at the test's own PostgreSQL database and Redis."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
LISTENING = re.compile(r"Listening on TCP address 127\.0\.0\.1:(\d+)")
# Settings a test server must not inherit from the test run unless a test passes them on.
# (DJANGO_ALLOW_ASYNC_UNSAFE: the browser tests set it for their own process, see
# tests/browser; a server keeps Django's checks.)
SERVICE_VARIABLES = {
    "DATABASE_URL",
    "REDIS_URL",
    "MEDIA_ROOT",
    "STATIC_ROOT",
    "HUB_ENV",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    log: Path

    @property
    def http(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://{self.host}:{self.port}"


def server_env(var_dir: Path, extra: Mapping[str, str]) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in SERVICE_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE="hub.settings",
        HUB_VAR_DIR=str(var_dir),
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def _wait_for_port(process: subprocess.Popen[bytes], log: Path, deadline: float) -> int:
    while time.monotonic() < deadline:
        found = LISTENING.search(log.read_text(errors="replace"))
        if found:
            return int(found.group(1))
        if process.poll() is not None:
            break
        time.sleep(0.05)
    pytest.fail(f"the hub did not start listening:\n{log.read_text(errors='replace')}")


def _wait_for_health(server: Server, process: subprocess.Popen[bytes], deadline: float) -> None:
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{server.http}/healthz", timeout=1) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.05)
    pytest.fail(f"the hub did not answer /healthz:\n{server.log.read_text(errors='replace')}")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (another process may take it before
    it is used: pass it on at once)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def shared_database_url() -> str:
    """The URL of the test's own PostgreSQL database (``test_…``), for another process."""
    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:"
        f"{settings['PORT']}/{settings['NAME']}"
    )


def shared_services_env() -> dict[str, str]:
    """The environment that points a hub server at the test's own database and Redis, for
    ``hub_server``. Skips the test unless they are PostgreSQL and Redis (``scripts/test``
    provides both): with the embedded SQLite test database there is nothing to share. Call it
    from a fixture that has ``transactional_db``: the server sees only what is committed."""
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.skip("needs PostgreSQL and Redis shared between processes: run scripts/test")
    return {
        "DATABASE_URL": shared_database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "HUB_REDIS_PREFIX": os.environ.get("HUB_REDIS_PREFIX", "hub"),
        # As in production: a server keeps its database connections.
        "DATABASE_CONN_MAX_AGE": "60",
    }


@contextmanager
def hub_server(
    var_dir: Path,
    env: Mapping[str, str],
    name: str = "hub",
    port: int = 0,
    *,
    stop_timeout: float = STOP_TIMEOUT,
) -> Iterator[Server]:
    """A running hub; ``env`` is added to a clean environment (pass DATABASE_URL, REDIS_URL…).
    ``port`` 0 lets the kernel pick one; a test that restarts a server passes the first one's
    port, so that its browser or socket clients find the new server at the same origin.

    Stopped with SIGTERM, and SIGKILL after ``stop_timeout`` s (noted at the end of the log): a
    hub stopped while an HTTP request is in flight does not exit (see the SIGTERM note in
    ``bench/README.md``)."""
    var_dir.mkdir(parents=True, exist_ok=True)
    log = var_dir / f"{name}.log"
    endpoint = f"tcp:port={port}:interface=127.0.0.1"
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter, a port number)
            [sys.executable, "-m", "hub.server", "-e", endpoint],
            cwd=ROOT,
            env=server_env(var_dir, env),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        server = Server("127.0.0.1", _wait_for_port(process, log, deadline), log)
        _wait_for_health(server, process, deadline)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=stop_timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)
            with log.open("a") as output:
                output.write(
                    f"[tests.servers] still running {stop_timeout} s after SIGTERM: killed\n"
                )


def migrate(var_dir: Path, env: Mapping[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=server_env(var_dir, env),
        check=True,
        capture_output=True,
        timeout=120,
    )
