"""Switching Teams on: settings are checked together, and `serve` never runs it open by accident."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from adapters.teams.settings import TeamsSettings
from bot.settings import Settings, SettingsError

APP_ID = "0b5a6c2e-8f1d-4e3a-9b7c-2d4e6f8a0c1e"
TENANT = "7d3c0a55-1b7e-4d8a-9c3f-0f6a2b1c9e11"
ROOT = Path(__file__).resolve().parents[2]


def test_teams_is_off_without_its_settings() -> None:
    assert TeamsSettings.from_env({}) is None


def test_app_id_and_password_switch_teams_on() -> None:
    env = {"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": "s3cret"}
    settings = TeamsSettings.from_env(env)
    assert settings is not None and settings.authenticated
    assert settings.app_type == "MultiTenant"
    assert "s3cret" not in repr(settings)
    assert "s3cret" not in repr(Settings.from_env(env))


def test_the_dev_switch_turns_teams_on_unauthenticated() -> None:
    settings = TeamsSettings.from_env({"TEAMS_DEV_NO_AUTH": "1"})
    assert settings is not None and settings.dev_no_auth and not settings.authenticated


def test_single_tenant_needs_the_tenant_id() -> None:
    env = {
        "MICROSOFT_APP_ID": APP_ID,
        "MICROSOFT_APP_PASSWORD": "s3cret",
        "MICROSOFT_APP_TYPE": "singletenant",
    }
    with pytest.raises(SettingsError, match="MICROSOFT_APP_TENANT_ID"):
        TeamsSettings.from_env(env)
    settings = TeamsSettings.from_env({**env, "MICROSOFT_APP_TENANT_ID": TENANT})
    assert settings is not None
    assert (settings.app_type, settings.app_tenant_id) == ("SingleTenant", TENANT)


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"MICROSOFT_APP_ID": APP_ID}, "MICROSOFT_APP_PASSWORD"),
        ({"MICROSOFT_APP_PASSWORD": "s3cret"}, "without MICROSOFT_APP_ID"),
        (
            {"MICROSOFT_APP_ID": "my-bot", "MICROSOFT_APP_PASSWORD": "x"},
            "MICROSOFT_APP_ID='my-bot'",
        ),
        ({"MICROSOFT_APP_TYPE": "Personal"}, "MICROSOFT_APP_TYPE='Personal'"),
        ({"TEAMS_DEV_NO_AUTH": "please"}, "TEAMS_DEV_NO_AUTH"),
        (
            {"TEAMS_DEV_NO_AUTH": "1", "MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": "x"},
            "unset one or the other",
        ),
    ],
)
def test_a_setting_that_cannot_work_is_named_in_the_error(env: dict[str, str], names: str) -> None:
    with pytest.raises(SettingsError, match=names.replace("(", r"\(")):
        TeamsSettings.from_env(env)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _listening_on(port: int) -> set[str]:
    """The IPv4 addresses with a listening socket on this port (Linux /proc/net/tcp)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if int(hex_port, 16) == port and state == "0A":
            found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return found


def _serve(tmp_path: Path, env: dict[str, str], port: int) -> subprocess.Popen[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MICROSOFT_", "TEAMS_"))}
    return subprocess.Popen(
        [sys.executable, "-m", "adapters", "serve", "--host", "0.0.0.0", "--port", str(port)],
        cwd=tmp_path,
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_serve_refuses_a_teams_app_id_without_its_password(tmp_path: Path) -> None:
    serve = _serve(tmp_path, {"MICROSOFT_APP_ID": APP_ID}, _free_port())
    _, err = serve.communicate(timeout=60)
    assert serve.returncode == 2
    assert "MICROSOFT_APP_PASSWORD" in err


def test_the_dev_switch_warns_loudly_and_serves_on_loopback_only(tmp_path: Path) -> None:
    port = _free_port()
    serve = _serve(tmp_path, {"TEAMS_DEV_NO_AUTH": "1"}, port)
    try:
        assert serve.stdout is not None and serve.stderr is not None
        banner = serve.stdout.readline()
        assert f"on http://127.0.0.1:{port}" in banner, banner
        assert "NOT authenticated" in serve.stderr.readline()
        deadline = time.monotonic() + 10
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    assert json.load(r)["status"] == "ok"
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert _listening_on(port) == {"127.0.0.1"}  # not 0.0.0.0, though --host asked for it
    finally:
        serve.terminate()
        serve.wait(timeout=30)
