"""A process killed in the middle of `submit` leaves the case a draft or fully submitted.

A real `policybot chat` process is started on a SQLite file holding Dana's finished draft,
is sent "submit", and is killed with SIGKILL a few milliseconds later, 50 times from the
same starting file. Each time the case must be either still a draft with nothing queued and
no "submitted" in its audit trail, or submitted with its audit entry and every message
(the two Holy Cross leaders' decision requests and Jack's request to confirm).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from bot.storage.database import upgrade
from tests.cli.test_cli import ROOT
from tests.conftest import FakeClock, sql_stores
from tests.features.test_business_case import (
    ANSWERS_AFTER_STEP_4,
    ANSWERS_TO_STEP_4,
    bot_on,
    fill_in,
)
from tests.helpers import Person

KILLS = 50
EXPECTED_MESSAGES = {"case:1:r1:decide:frances-dummy", "case:1:r1:decide:gregory-specimen"}
EXPECTED_MESSAGES |= {"case:1:r1:confirm:jack-sampleton"}


async def draft_at_review(path: Path, clock: FakeClock) -> None:
    """Dana's complete draft, waiting on the review screen, in a SQLite file."""
    url = f"sqlite:///{path}"
    await upgrade(url)
    stores = sql_stores(url, clock)
    try:
        dana = Person(bot_on(stores, clock), "demo-teacher")
        said = await fill_in(dana, ANSWERS_TO_STEP_4 + ANSWERS_AFTER_STEP_4)
        assert "(type the word)" in said
    finally:
        await stores.close()


def submit_and_kill(path: Path, delay: float) -> None:
    """Start the console on the file, wait for the review, type submit, SIGKILL after delay."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "LOG_LEVEL": "WARNING"}
    process = subprocess.Popen(
        [sys.executable, "-m", "adapters", "chat", "--user", "demo-teacher"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    watchdog = threading.Timer(60, process.kill)
    watchdog.start()
    try:
        assert process.stdin is not None and process.stdout is not None
        for line in process.stdout:
            if "(type the word)" in line:  # the review is shown: the console now reads input
                break
        process.stdin.write("submit\n")
        process.stdin.flush()
        threading.Event().wait(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
    finally:
        watchdog.cancel()


def outcome(path: Path) -> str:
    """'draft' or 'submitted', after checking the case is wholly one or the other."""
    with sqlite3.connect(path) as db:
        [status] = db.execute("SELECT status FROM business_case WHERE number = 1").fetchone()
        audited = db.execute(
            "SELECT count(*) FROM audit_event WHERE subject = 'case:SMA-0001' "
            "AND action = 'submitted'"
        ).fetchone()[0]
        queued = {key for (key,) in db.execute("SELECT key FROM outbox")}
    if status == "draft":
        assert (audited, queued) == (0, set()), f"draft with {audited} audit, {queued}"
    else:
        assert status == "submitted", status
        assert audited == 1 and queued == EXPECTED_MESSAGES, f"submitted with {queued}"
    return str(status)


async def test_a_submit_killed_at_any_moment_is_all_or_nothing(tmp_path: Path) -> None:
    template = tmp_path / "template.db"
    await draft_at_review(template, FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC)))
    rng = random.Random(20261206)
    delays = [rng.uniform(0.0, 0.05) for _ in range(KILLS)]

    def one(n: int) -> str:
        copy = tmp_path / f"kill{n}.db"
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{template}{suffix}").exists():
                shutil.copyfile(f"{template}{suffix}", f"{copy}{suffix}")
        submit_and_kill(copy, delays[n])
        return outcome(copy)

    # Two at a time: each start loads the matcher, and CI has two cores.
    with ThreadPoolExecutor(max_workers=2) as pool:
        seen = Counter(pool.map(one, range(KILLS)))
    print(f"{KILLS} kills during submit: {dict(seen)}")
    assert sum(seen.values()) == KILLS
