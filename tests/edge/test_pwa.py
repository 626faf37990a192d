"""The technician app's installable parts on the edge: the service worker at the root with the
headers a worker of scope "/" needs, and the web app manifest (its fields, its language, its
icons real PNGs of the sizes it names); and the worker keeps every file the app loads."""

from __future__ import annotations

import asyncio
import re
import struct
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from hub.edge.app import build_edge

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "web" / "static"
WORKER = STATIC / "pwa" / "sw.js"
IMPORT = re.compile(r'(?:from |import\()"(\.{1,2}/[\w./-]+\.js)"')
COMMENT = re.compile(r"^\s*(//|/?\*).*$", re.MULTILINE)  # an example in a comment loads nothing


async def django(scope: Scope, receive: Receive, send: Send) -> None:
    """Stands in for Django: anything the edge passes on is answered 418."""
    await send({"type": "http.response.start", "status": 418, "headers": []})
    await send({"type": "http.response.body", "body": b""})


class Edge:
    """The edge in front of the stand-in, asked in this thread (no server, no socket)."""

    def __init__(self) -> None:
        self.app = build_edge(django)

    def get(self, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
        async def fetch() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
                return await client.get(path, headers=headers)

        return asyncio.run(fetch())


@pytest.fixture
def edge() -> Edge:
    return Edge()


def manifest(edge: Edge, path: str = "/manifest.webmanifest", **headers: str) -> Any:
    answer = edge.get(path, headers)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/manifest+json"
    return answer.json()


def test_the_worker_is_served_from_the_root_for_the_whole_site(edge: Edge) -> None:
    answer = edge.get("/sw.js")
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == "text/javascript"
    assert answer.headers["service-worker-allowed"] == "/"
    assert answer.headers["cache-control"] == "no-cache"
    assert answer.content == WORKER.read_bytes()


def test_the_manifest_makes_an_installable_app(edge: Edge) -> None:
    data = manifest(edge, "/manifest.webmanifest?l=nb")
    assert edge.get("/manifest.webmanifest").headers["cache-control"] == "no-cache"
    assert data["name"] == data["short_name"] == "Huben"
    assert data["lang"] == "nb"
    assert data["description"]
    assert (data["id"], data["start_url"], data["scope"]) == ("/m/", "/m/", "/")
    assert data["display"] == "standalone"
    for colour in (data["theme_color"], data["background_color"]):
        assert re.fullmatch(r"#[0-9a-f]{6}", colour)
    assert {(icon["sizes"], icon["purpose"]) for icon in data["icons"]} == {
        ("192x192", "any"),
        ("512x512", "any"),
        ("512x512", "maskable"),
    }


@pytest.mark.parametrize(
    ("path", "headers", "name"),
    [
        ("/manifest.webmanifest?l=sv", {"Accept-Language": "da"}, "Hubben"),
        ("/manifest.webmanifest?l=xx", {"Accept-Language": "da-DK,da;q=0.9"}, "Hubben"),
        ("/manifest.webmanifest", {"Accept-Language": "nb-NO,nb;q=0.9,en;q=0.5"}, "Huben"),
        ("/manifest.webmanifest", {"Accept-Language": "fr"}, "The hub"),
    ],
)
def test_the_manifest_speaks_the_language_asked_for(
    edge: Edge, path: str, headers: dict[str, str], name: str
) -> None:
    assert manifest(edge, path, **headers)["name"] == name


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_icons_are_pngs_of_their_sizes(edge: Edge) -> None:
    for icon in manifest(edge)["icons"]:
        answer = edge.get(icon["src"])
        assert answer.status_code == 200, icon["src"]
        assert answer.headers["content-type"] == icon["type"] == "image/png"
        width, height = png_size(answer.content)
        assert f"{width}x{height}" == icon["sizes"]


def precached() -> list[str]:
    found = re.search(r"const PRECACHE = \[(.*?)\];", WORKER.read_text(), re.DOTALL)
    assert found is not None
    return re.findall(r'"([^"]+)"', found.group(1)) + (
        ["/m/"] if "SHELL_PAGE," in found.group(1) else []
    )


def loaded_by_the_app() -> set[Path]:
    """The app's entry module and every module it imports, to the last."""
    todo = [STATIC / "m" / "app.js"]
    seen: set[Path] = set()
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        code = COMMENT.sub("", module.read_text())
        for target in IMPORT.findall(code):
            todo.append((module.parent / target).resolve())
    return seen


def test_the_worker_keeps_every_file_the_app_loads() -> None:
    kept = precached()
    assert "/m/" in kept
    static = {STATIC / url.removeprefix("/static/") for url in kept if url.startswith("/static/")}
    assert sorted(str(p) for p in static if not p.is_file()) == []
    wanted = loaded_by_the_app() | set((STATIC / "m").glob("*.css"))
    template = (ROOT / "web" / "templates" / "mobile.html").read_text()
    wanted |= {STATIC / path for path in re.findall(r"\{% static '([^']+)' %\}", template)}
    assert sorted(str(p.relative_to(STATIC)) for p in wanted - static) == []
