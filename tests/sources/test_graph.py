"""`policybot directory sync`: staff from Entra ID through a local server that plays Graph."""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app import App, build_app
from bot.cli.directory import directory_sync
from bot.model.directory import DirectoryError
from bot.settings import Settings, SettingsError
from bot.sources.graph import GraphClient, GraphError, GraphSettings
from tests.fake_graph import SECRET, FakeGraph, graph_env, user
from tests.fakes import LocalServer
from tests.helpers import demo_directory

DORAS_OBJECT_ID = "00000000-0000-4000-8000-000000000004"


def demo_users(*leavers: str) -> list[dict[str, Any]]:
    """The demo trust as Entra holds it: object ids are their Teams ids."""
    directory = demo_directory()
    found = []
    for p in directory.people:
        academy = directory.academy(p.academy) if p.academy else None
        if p.id not in leavers:
            # Dora has no Teams id in the demo file; Entra has an object id for everyone.
            object_id = p.teams_id or DORAS_OBJECT_ID
            found.append(user(object_id, p.name, p.email, p.role, academy.name if academy else ""))
    return found


NORA = user(
    "22222222-0000-4000-8000-000000000099",
    "Nora Newcombe",
    "Nora.Newcombe@holycross.example.org",
    "Teacher of English",
    "holy-cross",
)


@pytest.fixture
async def graph() -> AsyncIterator[tuple[FakeGraph, LocalServer]]:
    fake = FakeGraph(demo_users())
    server = LocalServer(fake.handle)
    fake.server = server
    await server.start()
    try:
        yield fake, server
    finally:
        await server.close()


async def app_on(tmp_path: Path, env: dict[str, str]) -> App:
    url = f"sqlite:///{tmp_path / 'sync.db'}"
    from bot.storage.database import upgrade

    await upgrade(url)
    return await build_app(Settings.from_env({"DATABASE_URL": url, **env}))


def args(dry_run: bool = False) -> argparse.Namespace:
    return argparse.Namespace(dry_run=dry_run, assign=[], by=None)


async def test_every_page_is_read_and_throttling_waits_as_long_as_graph_asks(
    graph: tuple[FakeGraph, LocalServer],
) -> None:
    fake, server = graph
    fake.page_size, fake.throttle, fake.retry_after = 4, {1, 3}, "2"
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    settings = GraphSettings.from_env(graph_env(server))
    async with aiohttp.ClientSession() as session:
        users = await GraphClient(settings, session, sleep).staff()
    assert [u["mail"] for u in users] == [p.email for p in demo_directory().people]
    assert waits == [2.0, 2.0]
    statuses = [e.response.status for e in server.exchanges]
    assert statuses.count(429) == 2 and fake.tokens == 1


async def test_a_sync_adds_a_joiner_with_her_teams_id_and_removes_a_leaver(
    graph: tuple[FakeGraph, LocalServer], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake, server = graph
    fake.users = [*demo_users("dora-mockford"), NORA]
    fake.page_size = 5
    app = await app_on(tmp_path, graph_env(server))
    try:
        await directory_sync(app, args(dry_run=True))
        out = capsys.readouterr().out
        assert "+ Nora Newcombe (nora-newcombe): teacher at holy-cross" in out
        assert "- Dora Mockford (dora-mockford): support at st-marys" in out
        assert "1 to add, 0 to change, 1 to remove" in out
        assert await app.staff.version() is None
        await directory_sync(app, args())
        capsys.readouterr()
        stored = await app.staff.load()
        assert stored is not None
        nora = stored.directory.by_teams_id(NORA["id"])
        assert nora is not None and nora.email == NORA["mail"]
        jack = stored.directory.by_email("j.sampleton@holycross.example.org")
        assert jack == demo_directory().person("jack-sampleton")  # Slack id and phone kept
        await directory_sync(app, args())
        assert "No changes" in capsys.readouterr().out
    finally:
        await app.close()


async def test_an_expired_client_secret_is_one_clear_line(
    graph: tuple[FakeGraph, LocalServer], tmp_path: Path
) -> None:
    fake, server = graph
    fake.expired = True
    app = await app_on(tmp_path, graph_env(server))
    try:
        with pytest.raises(GraphError) as error:
            await directory_sync(app, args())
    finally:
        await app.close()
    message = str(error.value)
    assert "GRAPH_CLIENT_SECRET has expired" in message
    assert "Certificates & secrets" in message
    assert "\n" not in message and SECRET not in message
    assert [e.request.path for e in server.exchanges] == [server.exchanges[0].request.path]
    assert server.exchanges[0].request.path.endswith("/oauth2/v2.0/token")


async def test_a_wrong_secret_and_a_user_at_an_unknown_academy_are_refused_plainly(
    graph: tuple[FakeGraph, LocalServer], tmp_path: Path
) -> None:
    fake, server = graph
    app = await app_on(tmp_path, graph_env(server, secret="wrong"))
    try:
        with pytest.raises(GraphError, match="refused GRAPH_CLIENT_ID or GRAPH_CLIENT_SECRET"):
            await directory_sync(app, args())
    finally:
        await app.close()
    fake.users = [*demo_users(), {**NORA, "department": "Narnia High"}]
    app = await app_on(tmp_path, graph_env(server))
    try:
        with pytest.raises(DirectoryError) as error:
            await directory_sync(app, args())
        assert await app.staff.version() is None
    finally:
        await app.close()
    assert "user Nora.Newcombe@holycross.example.org: academy: no academy 'Narnia High'" in str(
        error.value
    )


async def test_without_a_group_staff_are_the_users_with_an_academy(
    graph: tuple[FakeGraph, LocalServer], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake, server = graph
    guest = user("33333333-0000-4000-8000-000000000001", "A Governor", "gov@x.org", "", None)
    trust_wide = [{**u, "department": u["department"] or "Trust"} for u in demo_users()]
    fake.users = [*trust_wide, guest]
    app = await app_on(tmp_path, graph_env(server, group=False))
    try:
        await directory_sync(app, args(dry_run=True))
    finally:
        await app.close()
    out = capsys.readouterr().out
    assert "Governor" not in out
    assert "0 to add, 1 to change, 0 to remove" in out
    assert f"~ Dora Mockford (dora-mockford): teams_id None → {DORAS_OBJECT_ID}" in out
    assert server.exchanges[-1].request.path == "/v1.0/users"


def test_missing_or_wrong_graph_settings_are_named() -> None:
    with pytest.raises(SettingsError, match=r"^GRAPH_CLIENT_SECRET not set: `directory sync`"):
        GraphSettings.from_env({"GRAPH_TENANT_ID": "t", "GRAPH_CLIENT_ID": "c"})
    env = {"GRAPH_TENANT_ID": "t", "GRAPH_CLIENT_ID": "c", "GRAPH_CLIENT_SECRET": "hush-1234"}
    with pytest.raises(SettingsError, match="GRAPH_DEFAULT_ROLE='cook': use one of teacher"):
        GraphSettings.from_env({**env, "GRAPH_DEFAULT_ROLE": "Cook"})
    assert "hush-1234" not in repr(GraphSettings.from_env(env))
