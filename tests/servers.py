"""Real hub processes for tests that need a socket: ``python -m hub.server`` on a port the kernel
picks, with bounded waits and a log to show when it does not come up."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 30.0
LISTENING = re.compile(r"Listening on TCP address 127\.0\.0\.1:(\d+)")
# Settings a test server must not inherit from the test run unless a test passes them on.
SERVICE_VARIABLES = {"DATABASE_URL", "REDIS_URL", "MEDIA_ROOT", "STATIC_ROOT", "HUB_ENV"}


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


@contextmanager
def hub_server(var_dir: Path, env: Mapping[str, str], name: str = "hub") -> Iterator[Server]:
    """A running hub; ``env`` is added to a clean environment (pass DATABASE_URL, REDIS_URL…)."""
    var_dir.mkdir(parents=True, exist_ok=True)
    log = var_dir / f"{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "hub.server", "-e", "tcp:port=0:interface=127.0.0.1"],
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
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def migrate(var_dir: Path, env: Mapping[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=server_env(var_dir, env),
        check=True,
        capture_output=True,
        timeout=120,
    )
