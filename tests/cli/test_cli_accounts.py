"""`policybot accounts list` and `policybot outbox`, run as a process on a prepared database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.features.handover.feature import HandoverFeature
from bot.storage.register import SqlRegister
from tests.apps import open_app
from tests.apps import register as register_account
from tests.conftest import FakeClock, sql_stores
from tests.features.test_handover import HISTORY, LAST_STEP
from tests.helpers import Person, demo_directory, make_bot

ROOT = Path(__file__).resolve().parents[2]


def policybot(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "adapters", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env={**os.environ, "DATABASE_URL": url},
    )


async def prepared(tmp_path: Path, clock: FakeClock) -> str:
    """A database where Jack handed over @HolyCrossHistory and Liam's message was sent."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgraded = policybot(url, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    stores = sql_stores(url, clock)
    register = SqlRegister(stores.database.engine, clock)
    try:
        await register.add(HISTORY)
        jack = Person(
            make_bot(
                stores,
                [HandoverFeature(demo_directory(), stores.outbox, stores.audit, register)],
            ),
            "jack-sampleton",
        )
        await jack.says("hand over @HolyCrossHistory")
        await jack.clicks("Yes, hand it over")
        clock.advance(minutes=1)
        [to_liam] = await stores.outbox.pending_for("liam-bytes")
        await stores.outbox.mark_sent(to_liam.id)
    finally:
        await stores.close()
    return url


async def test_accounts_list_shows_the_register_after_a_handover(
    tmp_path: Path, clock: FakeClock
) -> None:
    url = await prepared(tmp_path, clock)
    done = policybot(url, "accounts", "list", "--json")
    assert done.returncode == 0, done.stderr
    assert [json.loads(line) for line in done.stdout.splitlines()] == [
        {
            "id": "holy-cross-x-twitter-holycrosshistory",
            "academy": "holy-cross",
            "platform": "X/Twitter",
            "handle": "@HolyCrossHistory",
            "runners": ["kate-mockett"],
            "visibility": "open",
            "emails": ["history@holycross.example.org"],
            "comments_restricted": True,
            "case": 1,
        }
    ]
    text = policybot(url, "accounts", "list").stdout
    assert text.startswith("@HolyCrossHistory (X/Twitter, holy-cross) open, comments restricted")
    assert "  runners: kate-mockett\n" in text


async def test_outbox_shows_what_was_queued_and_what_was_sent(
    tmp_path: Path, clock: FakeClock
) -> None:
    url = await prepared(tmp_path, clock)
    done = policybot(url, "outbox", "--json")
    assert done.returncode == 0, done.stderr
    items = [json.loads(line) for line in done.stdout.splitlines()]
    assert sorted((i["recipient"], i["status"]) for i in items) == [
        ("frances-dummy", "pending"),
        ("frances-dummy", "pending"),
        ("liam-bytes", "sent"),
    ]
    sent = next(i for i in items if i["status"] == "sent")
    assert sent["text"].endswith(LAST_STEP)
    assert sent["key"].startswith(f"handover:{HISTORY.id}:jack-sampleton:")
    assert (sent["attempts"], sent["last_error"]) == (0, None)
    assert sent["created_at"].startswith("2025-03-01T09:00")
    assert sent["sent_at"].startswith("2025-03-01T09:01")
    assert len(policybot(url, "outbox", "--json", "--limit", "1").stdout.splitlines()) == 1
    text = policybot(url, "outbox").stdout
    assert "sent     to liam-bytes" in text
    assert "Jack Sampleton has handed over @HolyCrossHistory (X/Twitter)" in text


def test_an_empty_register_and_outbox_say_so_and_a_bad_limit_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    assert policybot(url, "db", "upgrade").returncode == 0
    assert policybot(url, "accounts", "list").stdout == "No accounts in the register yet.\n"
    assert policybot(url, "outbox").stdout == "The outbox is empty.\n"
    assert policybot(url, "outbox", "--json").stdout == ""
    bad = policybot(url, "outbox", "--limit", "-3")
    assert bad.returncode == 2 and "'-3' is not a whole number of at least 1" in bad.stderr


async def test_accounts_show_tells_who_ran_the_account_and_who_handed_over_to_whom(
    tmp_path: Path, clock: FakeClock
) -> None:
    url = f"sqlite:///{tmp_path / 'show.db'}"  # the command is the same on PostgreSQL
    clock.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    app = await open_app(url, clock)
    try:
        await register_account(app)
        subject = f"account:{HISTORY.id}"
        await app.audit.record(subject, "frances-dummy", "registered", {"case": "SMA-0001"})
        clock.advance(hours=1)
        jack = Person(app.bot, "jack-sampleton")
        await jack.says("hand over @HolyCrossHistory")
        await jack.clicks("Yes, hand it over")
        clock.advance(hours=1)
        await Person(app.bot, "frances-dummy").says("add Dana Demo to @HolyCrossHistory")
    finally:
        await app.close()
    done = policybot(url, "accounts", "show", "@holycrosshistory")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "@HolyCrossHistory (X/Twitter, holy-cross)"
    assert "  business case: SMA-0001" in lines
    assert "  runners: Kate Mockett, Dana Demo" in lines
    history = lines[lines.index("  history:") + 1 :]
    assert history[0] == (
        "    2026-03-02 09:00 UTC  registered when Frances Dummy approved it (business case "
        "SMA-0001)"
    )
    assert history[1] == "    2026-03-02 10:00 UTC  Jack Sampleton handed over to Kate Mockett"
    assert history[-1] == "    2026-03-02 11:00 UTC  Frances Dummy added Dana Demo as a runner"
    shown = json.loads(policybot(url, "accounts", "show", HISTORY.id, "--json").stdout)
    assert shown["runner_names"] == ["Kate Mockett", "Dana Demo"]
    assert [e["action"] for e in shown["history"]][:2] == ["registered", "handover"]
    missing = policybot(url, "accounts", "show", "@NoSuchAccount")
    assert missing.returncode == 2
    assert missing.stderr == (
        "policybot: no account '@NoSuchAccount'; `policybot accounts list` shows them\n"
    )
