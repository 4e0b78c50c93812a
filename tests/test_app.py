"""A running process takes up a newly imported directory without a restart."""

from __future__ import annotations

from pathlib import Path

from bot.app import assemble
from bot.core.messages import Message
from bot.model.directory import Directory, Person
from bot.model.directory_file import DEMO_TRUST, load_directory
from bot.settings import Settings
from bot.storage.database import upgrade
from tests.conftest import FakeClock, sql_stores
from tests.helpers import answerer, demo_directory

NORA = Person(
    id="nora-new",
    name="Nora New",
    email="n.new@holycross.example.org",
    role="teacher",
    academy="holy-cross",
)


async def test_a_new_joiner_is_known_as_soon_as_the_import_is_saved(
    tmp_path: Path, clock: FakeClock
) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    await upgrade(url)
    running, importer = sql_stores(url, clock), sql_stores(url, clock)
    # A directory of its own: taking up the import changes it in place.
    app = assemble(Settings(database_url=url), lambda: load_directory(DEMO_TRUST), running, clock)
    app.__dict__["answerer"] = answerer()
    try:
        await app.follow_directory()
        before = await app.handle(Message("nora-new", "hand over my account"))
        assert "can't find you in the trust directory" in before[0].text
        demo = demo_directory()
        await importer.staff.save(Directory(demo.trust, demo.academies, (*demo.people, NORA)))
        after = await app.handle(Message("nora-new", "hand over my account"))
        assert "You don't run any academy account" in after[0].text
        assert app.directory.person("nora-new") == NORA
        assert app.bot.directory.person("nora-new") == NORA
    finally:
        await running.close()
        await importer.close()
