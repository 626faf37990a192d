"""Production refuses development defaults; the embedded defaults need nothing set."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import django; from django.conf import settings; django.setup(); "
    "print(settings.DEBUG, settings.DATABASES['default']['ENGINE'], "
    "settings.CHANNEL_LAYERS['default']['BACKEND'], settings.ALLOWED_HOSTS)"
)


def settings_in(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS", "HUB_ENV", "DEBUG"}
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed probe
        [sys.executable, "-c", PROBE],
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "hub.settings",
            "HUB_VAR_DIR": str(tmp_path),
            **env,
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_embedded_defaults(tmp_path: Path) -> None:
    result = settings_in({}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:3] == [
        "True",
        "hub.sqlite",
        "channels.layers.InMemoryChannelLayer",
    ]


def test_production_requires_a_secret_key(tmp_path: Path) -> None:
    result = settings_in({"HUB_ENV": "production", "ALLOWED_HOSTS": "hub.example.no"}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_requires_allowed_hosts(tmp_path: Path) -> None:
    result = settings_in({"HUB_ENV": "production", "SECRET_KEY": "x" * 50}, tmp_path)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_production_runs_without_debug_on_the_given_services(tmp_path: Path) -> None:
    result = settings_in(
        {
            "HUB_ENV": "production",
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "hub.example.no",
            "DATABASE_URL": "postgres://hub:secret@db.example.no:5432/hub",
            "REDIS_URL": "redis://cache.example.no:6379/0",
        },
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    debug, engine, layer, hosts = result.stdout.split(maxsplit=3)
    assert (debug, engine, layer) == (
        "False",
        "django.db.backends.postgresql",
        "channels_redis.core.RedisChannelLayer",
    )
    assert hosts.strip() == "['hub.example.no']"
