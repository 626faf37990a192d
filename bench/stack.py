"""What the benchmarks share: the services they use, the processes they start, the database
they seed.

Everything runs on loopback. The benchmarks keep to their own corner of the shared services: a
PostgreSQL database of their own (``hub_bench``), a Redis database index of their own (7) and
their own key prefix (``bench``), so they can run beside the test suite. Every process started
here is stopped again by the context manager that started it, whatever happens.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from hub.accounts.models import Member
    from hub.threads.models import Case

ROOT = Path(__file__).resolve().parents[1]
DATABASE_URL = "postgres://hub:hub@127.0.0.1:5432/hub_bench"
REDIS_URL = "redis://127.0.0.1:6379/7"
REDIS_PREFIX = "bench"
ORIGIN = "http://localhost"
LAYERS = ("core", "pubsub")
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
LISTENING = re.compile(
    r"Listening on TCP address 127\.0\.0\.1:(\d+)|listening on 127\.0\.0\.1:(\d+)"
)
# Settings a started process must not inherit from the shell unless the benchmark passes them.
SERVICE_VARIABLES = {
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "HUB_REDIS_PREFIX",
    "HUB_CHANNEL_LAYER",
    "MEDIA_ROOT",
    "STATIC_ROOT",
    "HUB_ENV",
    "DATABASE_CONN_MAX_AGE",
}


@dataclass(frozen=True)
class Services:
    database_url: str
    redis_url: str
    layer: str  # "core" or "pubsub": channels_redis's RedisChannelLayer or its pub/sub layer
    prefix: str = REDIS_PREFIX

    def hub_env(self) -> dict[str, str]:
        """The environment of a hub process (and of the benchmark's own Django)."""
        return {
            "DJANGO_SETTINGS_MODULE": "hub.settings",
            # As deployed: DEBUG off. The key only signs the benchmark's own sessions.
            "HUB_ENV": "production",
            "SECRET_KEY": "bench-only-secret-key-not-used-anywhere-else-0123456789",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "HUB_CHANNEL_LAYER": self.layer,
            "HUB_REDIS_PREFIX": self.prefix,
            # As in production: a server keeps its database connections.
            "DATABASE_CONN_MAX_AGE": "60",
        }


@dataclass
class Process:
    """A server the benchmark started: its process, the port it listens on, its log."""

    name: str
    popen: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def rss_kib(self) -> int:
        """Resident memory of the process now (VmRSS), in KiB."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError(f"no VmRSS for {self.name} ({self.pid})")

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)

    def errors(self) -> Counter[str]:
        """The exceptions in the log (the last line of each traceback) and the hub's "staff
        socket closed" warnings, counted."""
        found: Counter[str] = Counter()
        lines = self.log.read_text(errors="replace").splitlines()
        in_traceback = False
        for line in lines:
            if line.startswith("Traceback (most recent call last)"):
                in_traceback = True
            elif in_traceback and line and not line[0].isspace():
                if not line.startswith(("During handling", "The above exception")):
                    found[line[:160]] += 1
                    in_traceback = False
            elif line.startswith("staff socket closed"):
                found[line[:160]] += 1
        return found

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def exit_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so that ``finally`` blocks stop the servers and clients this
    process started, as they do on Ctrl-C. (Inside the event loop, ``cancel_on_sigterm``.)"""

    def terminate(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)


def cancel_on_sigterm() -> None:
    """In a running event loop: SIGTERM cancels the current task at once (a plain handler may
    wait for the loop's next timer when the signal lands on another thread), so its ``finally``
    blocks stop what it started."""
    task = asyncio.current_task()
    if task is not None:
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time process ``pid`` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def clean_env(extra: Mapping[str, str]) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in SERVICE_VARIABLES}
    env.update(PYTHONUNBUFFERED="1", **extra)
    return env


@contextmanager
def log_dir(keep: Path | None = None) -> Iterator[Path]:
    """A directory for the servers' logs: ``keep`` (made if missing, left afterwards), else a
    temporary one, removed afterwards."""
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep
        return
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as path:
        yield Path(path)


def _wait_for_port(process: subprocess.Popen[bytes], log: Path, deadline: float) -> int | None:
    while time.monotonic() < deadline:
        found = LISTENING.search(log.read_text(errors="replace"))
        if found:
            return int(found.group(1) or found.group(2))
        if process.poll() is not None:
            return None
        time.sleep(0.05)
    return None


def _healthy(port: int, process: subprocess.Popen[bytes], deadline: float) -> bool:
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as answer:
                if answer.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.05)
    return False


def stop(popen: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if it does not go within STOP_TIMEOUT."""
    if popen.poll() is not None:
        return
    popen.terminate()
    try:
        popen.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        popen.kill()
        popen.wait(timeout=STOP_TIMEOUT)


@contextmanager
def server(
    name: str, argv: list[str], env: Mapping[str, str], logs: Path, *, health: bool = False
) -> Iterator[Process]:
    """Start ``python <argv>`` (which must print the port it listens on) and stop it after."""
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"{name}.log"
    with log.open("wb") as output:
        popen = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            [sys.executable, *argv],
            cwd=ROOT,
            env=clean_env(env),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        port = _wait_for_port(popen, log, deadline)
        if port is None or (health and not _healthy(port, popen, deadline)):
            raise RuntimeError(f"{name} did not start:\n{log.read_text(errors='replace')}")
        yield Process(name, popen, port, log)
    finally:
        stop(popen)


def python_argv(module: str, profile: Path | None) -> list[str]:
    """``-m module``, under cProfile writing to ``profile`` when given (on a clean exit, which
    SIGTERM gives daphne)."""
    if profile is None:
        return ["-m", module]
    profile.parent.mkdir(parents=True, exist_ok=True)
    return ["-m", "cProfile", "-o", str(profile), "-m", module]


def hub_server(
    services: Services, logs: Path, name: str = "hub", profile: Path | None = None
) -> AbstractContextManager[Process]:
    """``python -m hub.server`` on a port the kernel picks."""
    return server(
        name,
        [*python_argv("hub.server", profile), "-e", "tcp:port=0:interface=127.0.0.1"],
        {**services.hub_env(), "HUB_VAR_DIR": str(logs / f"{name}-var")},
        logs,
        health=True,
    )


def bare_server(
    services: Services, logs: Path, profile: Path | None = None
) -> AbstractContextManager[Process]:
    """daphne serving ``bench.bare_app`` with the same channels_redis layer as the hub, and as
    the hub's server sets it, a minute for a socket to be accepted."""
    return server(
        "bare",
        [
            *python_argv("daphne", profile),
            "-e",
            "tcp:port=0:interface=127.0.0.1",
            "--websocket_connect_timeout",
            "60",
            "bench.bare_app:application",
        ],
        {
            "BENCH_REDIS_URL": services.redis_url,
            "BENCH_LAYER": services.layer,
            "BENCH_PREFIX": services.prefix,
        },
        logs,
    )


def raw_server(services: Services, channel: str, logs: Path) -> AbstractContextManager[Process]:
    """The raw ``websockets`` + Redis pub/sub broadcaster."""
    return server(
        "raw",
        [
            "-m",
            "bench.raw_broadcaster",
            "--redis-url",
            services.redis_url,
            "--channel",
            channel,
        ],
        {},
        logs,
    )


# The benchmark's own Django: the same settings as the hub process, pointed at the same services.


def setup_django(services: Services) -> None:
    """Configure this process as the hub does, creating and migrating the database first."""
    os.environ.update(services.hub_env())
    create_database(services.database_url)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def create_database(url: str) -> None:
    """Create the benchmark's database if it does not exist (on the server's maintenance
    database ``postgres``)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if exists is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def clear_redis(services: Services) -> None:
    """Delete the benchmark's keys (its prefix, in its database index) left by an earlier run."""
    import redis

    client = redis.Redis.from_url(services.redis_url)
    try:
        keys = list(client.scan_iter(match=f"{services.prefix}*", count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])
    finally:
        client.close()


def redis_cpu_seconds(url: str) -> float:
    """CPU seconds the Redis server has used so far (INFO cpu)."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        info = client.info("cpu")
    finally:
        client.close()
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


@dataclass(frozen=True)
class Seed:
    watcher: Member  # whose sockets watch
    author: Member  # who posts
    cookie: str  # the watcher's session


def seed() -> Seed:
    """One organisation and two dispatchers (who see every case): a watcher, logged in, whose
    session cookie every socket of the benchmark presents, and an author who posts. Not the
    same member: an author's post also moves the author's own read marker, and the
    ``read.updated`` event goes to the author's sockets, which watchers in real life are not."""
    from django.test import Client

    from hub.accounts.models import Member, Organization, Role, User

    organization, _ = Organization.objects.get_or_create(
        slug="bench",
        defaults={"name": "Benk AS", "locale": "en", "time_zone": "Europe/Oslo", "country": "NO"},
    )

    def member(handle: str, name: str) -> Member:
        user, created = User.objects.get_or_create(username=f"bench-{handle}")
        if created:
            user.set_unusable_password()
            user.save()
        found, _ = Member.objects.get_or_create(
            organization=organization,
            user=user,
            defaults={"role": Role.DISPATCHER, "handle": handle, "display_name": name},
        )
        return found

    watcher = member("watcher", "Vera Watcher")
    author = member("author", "Arne Author")
    client = Client()
    client.force_login(watcher.user)
    return Seed(watcher, author, f"sessionid={client.cookies['sessionid'].value}")


def new_case(member: Member, title: str) -> Case:
    """A fresh case, so a socket opening it ``since`` 0 has nothing to replay."""
    from hub.threads.actions.cases import do_create_case

    return do_create_case(member, title=title)
