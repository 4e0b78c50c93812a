"""Draw the Teams app icons (color.png 192x192, outline.png 32x32) with the standard library.

Run `python deploy/teams/make_icons.py` after changing the drawing; the PNGs are committed.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from pathlib import Path

Pixel = tuple[int, int, int, int]
HERE = Path(__file__).resolve().parent
ACCENT = (0x2E, 0x5C, 0x8A, 255)
WHITE = (255, 255, 255, 255)
CLEAR = (0, 0, 0, 0)


def png(size: int, paint: Callable[[float, float], Pixel]) -> bytes:
    """An RGBA PNG whose pixel at (x, y), in 0..1 coordinates of its centre, is paint(x, y)."""
    rows = b"".join(
        b"\x00" + b"".join(bytes(paint((x + 0.5) / size, (y + 0.5) / size)) for x in range(size))
        for y in range(size)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def in_bubble(x: float, y: float, inset: float = 0.0) -> bool:
    """A speech bubble: a rounded box with a tail at the lower left."""
    left, top, right, bottom, r = 0.18 + inset, 0.2 + inset, 0.82 - inset, 0.68 - inset, 0.1
    cx, cy = min(max(x, left + r), right - r), min(max(y, top + r), bottom - r)
    in_box = left <= x <= right and top <= y <= bottom and (x - cx) ** 2 + (y - cy) ** 2 <= r * r
    tail = inset == 0.0 and 0.3 <= x <= 0.45 and bottom <= y <= 0.82 - (x - 0.3) * 0.9
    return in_box or tail


def color(x: float, y: float) -> Pixel:
    """White bubble with three accent lines of text on the accent background."""
    if in_bubble(x, y):
        text = any(
            abs(y - row) < 0.025 and 0.28 <= x <= end
            for row, end in ((0.34, 0.72), (0.44, 0.72), (0.54, 0.58))
        )
        return ACCENT if text else WHITE
    return ACCENT


def outline(x: float, y: float) -> Pixel:
    """The bubble's outline in white on transparent, as Teams requires."""
    return WHITE if in_bubble(x, y) and not in_bubble(x, y, inset=0.08) else CLEAR


if __name__ == "__main__":
    (HERE / "color.png").write_bytes(png(192, color))
    (HERE / "outline.png").write_bytes(png(32, outline))
    print("wrote color.png (192x192) and outline.png (32x32)")
