"""The imported directory: each save is a new version, and another process loads it whole."""

from __future__ import annotations

from bot.model.directory import Directory
from tests.conftest import Backend
from tests.helpers import demo_directory


async def test_a_saved_directory_comes_back_whole_with_a_new_version(backend: Backend) -> None:
    store = backend.stores.staff
    assert await store.version() is None
    assert await store.load() is None
    demo = demo_directory()
    assert await store.save(demo) == 1
    fewer = Directory(demo.trust, demo.academies, demo.people[:-1])
    assert await store.save(fewer) == 2
    other = backend.reopen().staff
    assert await other.version() == 2
    stored = await other.load()
    assert stored is not None and stored.version == 2
    assert stored.directory.people == fewer.people
    assert stored.directory.academies == demo.academies
    assert stored.directory.trust == demo.trust
