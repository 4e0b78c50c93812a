"""`policybot teams-package`: the zip to upload to Teams, with the bot id filled in and checked."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from adapters.teams.package import SOURCE, PackageError, build_package, png_size
from tests.cli.test_cli import policybot

APP_ID = "0B5A6C2E-8F1D-4E3A-9B7C-2D4E6F8A0C1E"


def test_the_package_has_the_manifest_with_the_bot_id_and_both_icons(tmp_path: Path) -> None:
    out = tmp_path / "policybot-teams.zip"
    done = policybot("teams-package", "--app-id", APP_ID, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert str(out) in done.stdout
    with zipfile.ZipFile(out) as package:
        assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(package.read("manifest.json"))
        assert png_size(package.read("color.png")) == (192, 192)
        assert png_size(package.read("outline.png")) == (32, 32)
    assert manifest["id"] == APP_ID.lower()
    [bot] = manifest["bots"]
    assert bot["botId"] == APP_ID.lower()
    assert set(bot["scopes"]) == {"personal", "team"}
    assert "{{" not in json.dumps(manifest)


def test_a_missing_or_malformed_app_id_is_refused_with_what_to_do(tmp_path: Path) -> None:
    missing = policybot("teams-package", "--out", str(tmp_path / "p.zip"))
    assert missing.returncode == 2
    assert "pass --app-id or set MICROSOFT_APP_ID" in missing.stderr
    wrong = policybot("teams-package", "--app-id", "policybot", "--out", str(tmp_path / "p.zip"))
    assert wrong.returncode == 2
    assert "'policybot' is not a Microsoft App ID" in wrong.stderr
    assert not (tmp_path / "p.zip").exists()


def test_an_icon_of_the_wrong_size_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "teams"
    shutil.copytree(SOURCE, source)
    shutil.copy(SOURCE / "outline.png", source / "color.png")
    with pytest.raises(PackageError, match=r"color.png is 32x32; Teams needs 192x192"):
        build_package(APP_ID, tmp_path / "p.zip", source)
