"""The Teams app package to upload: deploy/teams/manifest.json with the bot's id, and two icons."""

from __future__ import annotations

import json
import struct
import zipfile
from pathlib import Path

from adapters.teams.settings import GUID
from bot.errors import UserError

SOURCE = Path(__file__).resolve().parents[2] / "deploy" / "teams"
PLACEHOLDER = "{{MICROSOFT_APP_ID}}"
ICONS = {"color.png": (192, 192), "outline.png": (32, 32)}
"""Icon file -> the (width, height) Teams requires."""


class PackageError(UserError):
    """The package can't be built; the message says what to fix."""


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's header."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def build_package(app_id: str, out: Path, source: Path = SOURCE) -> Path:
    """Write the zip Teams accepts (manifest.json and icons at its root) and return its path."""
    app_id = app_id.strip()
    if not app_id:
        raise PackageError(
            "no app id: pass --app-id or set MICROSOFT_APP_ID (the Microsoft App ID of the Azure "
            "Bot, on its Configuration page)"
        )
    if not GUID.fullmatch(app_id):
        raise PackageError(
            f"--app-id {app_id!r} is not a Microsoft App ID: expected a GUID like "
            "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
        )
    try:
        template = (source / "manifest.json").read_text(encoding="utf-8")
        icons = {name: (source / name).read_bytes() for name in ICONS}
    except OSError as exc:
        raise PackageError(f"can't read the Teams app files in {source}: {exc.strerror}") from exc
    if PLACEHOLDER not in template:
        raise PackageError(f"{source / 'manifest.json'} has no {PLACEHOLDER} to fill in")
    manifest_text = template.replace(PLACEHOLDER, app_id.lower())
    try:
        manifest = json.loads(manifest_text)
    except json.JSONDecodeError as exc:
        raise PackageError(f"{source / 'manifest.json'}: invalid JSON: {exc}") from exc
    for name, size in ICONS.items():
        if manifest["icons"].get(name.removesuffix(".png")) != name:
            raise PackageError(f"manifest.json icons should name {name}")
        try:
            actual = png_size(icons[name])
        except ValueError as exc:
            raise PackageError(f"{source / name}: {exc}") from exc
        if actual != size:
            raise PackageError(
                f"{source / name} is {actual[0]}x{actual[1]}; Teams needs {size[0]}x{size[1]}"
            )
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", manifest_text)
        for name, data in icons.items():
            package.writestr(name, data)
    return out
