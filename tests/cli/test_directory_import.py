"""`policybot directory import staff.csv`: the trust's HR lead brings in the MIS export."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.model.directory import Directory, Person
from bot.model.directory_file import DEMO_TRUST
from bot.model.records import StoredDirectory
from bot.storage.database import upgrade
from tests.apps import HISTORY
from tests.conftest import FakeClock, sql_stores
from tests.helpers import demo_directory

HEADER = "Staff ID,Name,Email,Role,Academy,Payroll number"


def row(person_id: str, extra: str = "x") -> str:
    p = demo_directory().person(person_id)
    assert p is not None
    return f"{p.id},{p.name},{p.email},{p.role},{p.academy or ''},{extra}"


def everyone_but(*leavers: str) -> list[str]:
    return [row(p.id) for p in demo_directory().people if p.id not in leavers]


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    database = f"sqlite:///{tmp_path / 'staff.db'}"
    asyncio.run(upgrade(database))
    monkeypatch.setenv("DATABASE_URL", database)
    monkeypatch.delenv("TRUST_FILE", raising=False)
    return database


def staff_file(tmp_path: Path, *rows: str) -> str:
    path = tmp_path / "staff.csv"
    path.write_text("\n".join((HEADER, *rows)) + "\n", encoding="utf-8")
    return str(path)


def stored(url: str, clock: FakeClock) -> StoredDirectory | None:
    async def load() -> StoredDirectory | None:
        stores = sql_stores(url, clock)
        try:
            return await stores.staff.load()
        finally:
            await stores.close()

    return asyncio.run(load())


def the_directory(url: str, clock: FakeClock) -> Directory:
    found = stored(url, clock)
    assert found is not None
    return found.directory


def test_a_dry_run_shows_who_joins_changes_and_leaves_and_changes_nothing(
    url: str, tmp_path: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = everyone_but("dora-mockford", "clara-testwell")
    rows.append("clara-testwell,Clara Testwell,c.testwell@stmarys.example.org,leader,st-marys,1")
    rows.append("T0999,Nora Newcombe,n.newcombe@holycross.example.org,Teacher,holy-cross,2")
    assert main(["directory", "import", staff_file(tmp_path, *rows), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "1 to add, 1 to change, 1 to remove" in out
    assert "+ Nora Newcombe (t0999): teacher at holy-cross" in out
    assert "~ Clara Testwell (clara-testwell): role teacher → leader" in out
    assert "- Dora Mockford (dora-mockford): support at st-marys" in out
    assert "Dry run: nothing has changed." in out
    assert stored(url, clock) is None


def test_a_good_file_is_imported_and_keeps_everyones_chat_ids(
    url: str, tmp_path: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    # The academy may be given by its name, as an MIS export writes it.
    school = '"Holy Cross Catholic High School, Examplefield"'
    nora = f"T0999,Nora Newcombe,n.n@x.example.org,teacher,{school},x"
    rows = [*everyone_but("dora-mockford"), nora]
    assert main(["directory", "import", staff_file(tmp_path, *rows)]) == 0
    assert "Saved: the directory is now version 1" in capsys.readouterr().out
    directory = the_directory(url, clock)
    assert directory.person("dora-mockford") is None
    assert directory.person("t0999") == Person(
        id="t0999",
        name="Nora Newcombe",
        email="n.n@x.example.org",
        role="teacher",
        academy="holy-cross",
    )
    assert directory.by_slack_id("U0DEMO010") == demo_directory().person("jack-sampleton")
    assert directory.by_teams_id("00000000-0000-4000-8000-000000000011") is not None
    assert directory.academy("holy-cross") == demo_directory().academy("holy-cross")
    assert main(["directory", "import", staff_file(tmp_path, *rows)]) == 0
    assert "No changes" in capsys.readouterr().out


def test_bad_rows_are_each_named_by_row_number_and_nothing_is_imported(
    url: str, tmp_path: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = everyone_but()
    rows[1] = "bernard-sample,Bernard Sample,not-an-email,leader,st-marys,x"
    rows[3] = "dora-mockford,Dora Mockford,d.m@stmarys.example.org,cook,narnia,x"
    rows.append("new-one,New One,a.example@stmarys.example.org,teacher,,x")
    assert main(["directory", "import", staff_file(tmp_path, *rows)]) == 2
    err = capsys.readouterr().err
    assert "row 3: email: 'not-an-email' is not a valid email address" in err
    assert "row 5: role: 'cook' is not one of teacher" in err
    assert "row 5: academy: no academy 'narnia' (use one of st-marys, holy-cross)" in err
    assert "row 15: email 'a.example@stmarys.example.org' is already on row 2" in err
    assert "row 15: academy: missing; only hr, it and admin staff can be trust-wide" in err
    assert stored(url, clock) is None


def test_other_headers_are_read_with_map(
    url: str, tmp_path: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "hr.csv"
    lines = [row(p.id) for p in demo_directory().people]
    path.write_text("\n".join(["Ref,Known as,Work Email,Post,School,Pay", *lines]) + "\n")
    assert main(["directory", "import", str(path), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "no 'id' column" in err and "--map 'HEADER=id'" in err
    maps = ["Ref=id", "Known as=name", "work email=email", "Post=role", "School=academy"]
    args = [arg for pair in maps for arg in ("--map", pair)]
    assert main(["directory", "import", str(path), *args]) == 0
    assert len(the_directory(url, clock).people) == len(demo_directory().people)


def test_a_leaving_headteacher_needs_a_successor_and_comes_off_the_leadership_team(
    url: str, tmp_path: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [*everyone_but("agnes-example"), "nora-new,Nora New,n.new@x.example.org,"]
    rows[-1] += "headteacher,st-marys,x"
    file = staff_file(tmp_path, *rows)
    assert main(["directory", "import", file]) == 2
    err = capsys.readouterr().err
    assert "Agnes Example (agnes-example) is leaving or moving, but is the headteacher of" in err
    assert "--assign st-marys.headteacher=PERSON_ID" in err
    assert stored(url, clock) is None
    assert main(["directory", "import", file, "--assign", "st-marys.headteacher=nora-new"]) == 0
    out = capsys.readouterr().out
    assert "! Agnes Example is leaving but was the headteacher of St Mary's" in out
    assert "Nora New takes over." in out
    assert "was on the leadership team of St Mary's" in out
    st_marys = the_directory(url, clock).academy("st-marys")
    assert st_marys is not None
    assert (st_marys.headteacher, st_marys.leadership) == (
        "nora-new",
        ("nora-new", "bernard-sample"),
    )


def test_a_leaver_who_runs_an_account_gets_a_handover_started(
    url: str, tmp_path: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    async def register_history() -> None:
        stores = sql_stores(url, clock)
        try:
            await stores.register.add(HISTORY)
        finally:
            await stores.close()

    asyncio.run(register_history())
    file = staff_file(tmp_path, *everyone_but("jack-sampleton"))
    assert main(["directory", "import", file, "--dry-run"]) == 0
    assert "! Jack Sampleton is leaving but runs @HolyCrossHistory" in capsys.readouterr().out
    assert main(["directory", "import", file]) == 0
    out = capsys.readouterr().out
    assert "Handovers started in the name of Mina Peopleworth (mina-peopleworth)." in out

    async def after() -> tuple[tuple[str, ...], list[str], list[str]]:
        stores = sql_stores(url, clock)
        try:
            account = await stores.register.get(HISTORY.id)
            assert account is not None
            to_head = [i.reply.text for i in await stores.outbox.pending_for("frances-dummy")]
            to_jack = [i.reply.text for i in await stores.outbox.pending_for("jack-sampleton")]
            return account.runners, to_head, to_jack
        finally:
            await stores.close()

    runners, to_head, to_jack = asyncio.run(after())
    assert runners == ("kate-mockett",)
    assert any("Jack Sampleton has handed over @HolyCrossHistory" in t for t in to_head)
    assert any("name a replacement" in t or "Who should also run" in t for t in to_head)
    assert any("Mina Peopleworth has handed over" in t for t in to_jack)
    assert the_directory(url, clock).person("jack-sampleton") is None


def test_an_edit_to_the_trust_file_is_published_by_the_next_import(
    url: str,
    tmp_path: Path,
    clock: FakeClock,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    file = staff_file(tmp_path, *everyone_but())
    assert main(["directory", "import", file]) == 0
    trust = tmp_path / "trust.yaml"
    trust.write_text(
        DEMO_TRUST.read_text(encoding="utf-8").replace("- 2026-10-23", "- 2026-10-22"),
        encoding="utf-8",
    )
    monkeypatch.setenv("TRUST_FILE", str(trust))
    capsys.readouterr()
    assert main(["directory", "import", file]) == 0
    out = capsys.readouterr().out
    assert "the trust's or academies' settings, as the trust file now has them" in out
    assert "version 2" in out
    holy_cross = the_directory(url, clock).academy("holy-cross")
    assert holy_cross is not None
    assert date(2026, 10, 22) in holy_cross.closures
    assert date(2026, 10, 23) not in holy_cross.closures
