"""Draw the technician app's icons (web/static/pwa/*.png) from the hub's icon (web/static/icon.svg):
a yellow speech bubble with three dots on navy. Written once and committed; run again only when
the icon changes: ``.venv/bin/python scripts/pwa_icons.py``.

No imaging library: each pixel's coverage comes from the shapes' signed distances (half a pixel
of anti-aliasing), and the PNG is written with zlib and struct.

- ``icon-192.png``, ``icon-512.png`` (purpose "any"): the rounded square, corners transparent.
- ``icon-maskable-512.png`` (purpose "maskable"): navy to every edge, the bubble shrunk into the
  safe zone (the middle circle of 80 %), since the platform cuts its own shape out of it.
"""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "web" / "static" / "pwa"
NAVY = (0x14, 0x21, 0x3D)
YELLOW = (0xFF, 0xD4, 0x79)
VIEW = 64.0  # the SVG's viewBox: every shape below is in its units

Shape = Callable[[float, float], float]  # signed distance in view units, negative inside


def rounded_rect(x0: float, y0: float, x1: float, y1: float, radius: float) -> Shape:
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    hx, hy = (x1 - x0) / 2 - radius, (y1 - y0) / 2 - radius

    def distance(x: float, y: float) -> float:
        qx, qy = abs(x - cx) - hx, abs(y - cy) - hy
        outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
        return outside + min(max(qx, qy), 0.0) - radius

    return distance


def circle(cx: float, cy: float, radius: float) -> Shape:
    return lambda x, y: math.hypot(x - cx, y - cy) - radius


def triangle(*points: tuple[float, float]) -> Shape:
    """A convex polygon, points clockwise on screen (y down): the largest edge distance."""
    edges = []
    for (ax, ay), (bx, by) in zip(points, points[1:] + points[:1], strict=True):
        length = math.hypot(bx - ax, by - ay)
        edges.append((ax, ay, (by - ay) / length, -(bx - ax) / length))

    def distance(x: float, y: float) -> float:
        return max((x - ax) * nx + (y - ay) * ny for ax, ay, nx, ny in edges)

    return distance


def union(*shapes: Shape) -> Shape:
    return lambda x, y: min(shape(x, y) for shape in shapes)


BUBBLE = union(rounded_rect(14, 14, 50, 42, 6), triangle((30, 42), (20, 50), (20, 42)))
DOTS = union(circle(24, 28, 3), circle(32, 28, 3), circle(40, 28, 3))


def draw(size: int, *, maskable: bool) -> bytes:
    units = VIEW / size  # view units per pixel
    scale = 0.8 if maskable else 1.0
    background = rounded_rect(0, 0, VIEW, VIEW, 14)
    rows = []
    for py in range(size):
        row = bytearray(b"\x00")  # filter: none
        for px in range(size):
            x, y = (px + 0.5) * units, (py + 0.5) * units
            # The content in the middle, shrunk around the centre for the maskable icon.
            cx, cy = (x - VIEW / 2) / scale + VIEW / 2, (y - VIEW / 2) / scale + VIEW / 2
            alpha = 1.0 if maskable else coverage(background(x, y), units)
            bubble = coverage(BUBBLE(cx, cy), units / scale)
            dots = coverage(DOTS(cx, cy), units / scale)
            colour = [
                navy + (yellow - navy) * bubble * (1 - dots)
                for navy, yellow in zip(NAVY, YELLOW, strict=True)
            ]
            row += bytes(round(c) for c in colour) + bytes([round(255 * alpha)])
        rows.append(bytes(row))
    return png(size, size, b"".join(rows))


def coverage(distance: float, pixel: float) -> float:
    """How much of a pixel a shape covers, from its distance at the pixel's centre."""
    return min(max(0.5 - distance / pixel, 0.0), 1.0)


def png(width: int, height: int, raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size, maskable in (
        ("icon-192.png", 192, False),
        ("icon-512.png", 512, False),
        ("icon-maskable-512.png", 512, True),
    ):
        (OUT / name).write_bytes(draw(size, maskable=maskable))
        print(f"wrote {OUT.name}/{name}")


if __name__ == "__main__":
    main()
