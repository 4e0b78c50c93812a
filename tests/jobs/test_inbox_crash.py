"""Nothing acknowledged is lost, nothing answered twice: `serve` killed at random, many times.

Staff send direct messages, mention the bot in channels, type /policy and click buttons (in
their DMs, in channel threads, on private answers), as signed Slack requests to a real
`policybot serve` process, which keeps each in the inbox before acknowledging it
(tests/slack_staff.py). The process is killed with SIGKILL at random moments (some while Slack
is keeping a reply it has just posted, so the process never learns it went), then restarted.
As Slack does, an event that was not acknowledged is sent again until it is (Slack does not
retry a command or a click: the person, seeing it failed, tries again). At the end every event
has been answered, and no reply appears twice, except one kind Slack gives no way to look for:
a private answer (through a response_url) that a killed process posted before it could record
it, posted again by the outbox. Teams' side: test_inbox_crash_teams.py.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import aiohttp
import pytest

from bot.model.records import OutboxItem
from bot.settings import Settings, SettingsError
from bot.storage.database import upgrade
from tests.adapters.test_no_text_in_logs import free_port
from tests.conftest import sql_stores
from tests.fake_slack import FakeSlack
from tests.jobs.crashing import deliver_through_kills, healthy
from tests.jobs.test_delivery_crash import LEASE_SECONDS, Serve, killing
from tests.slack_staff import (
    PRIVATE,
    SIGNING_SECRET,
    Slack,
    answered,
    inbox_key,
    kind,
    posted_twice,
)

KILLS = 20
EVENTS = 240


def left_to_the_outbox(rows: list[OutboxItem]) -> set[str]:
    """The events (inbox keys) with a reply posted by the outbox, not by the process that
    answered it: that process was killed before it recorded the reply as sent."""
    hold = timedelta(seconds=int(LEASE_SECONDS))
    return {
        row.key.rsplit(":", 1)[0].removeprefix("inbox:")
        for row in rows
        if row.sent_at is not None and row.sent_at - row.created_at >= hold
    }


async def test_serve_killed_at_random_answers_every_acknowledged_event_exactly_once(
    db_url: str, fake: FakeSlack, tmp_path: Path
) -> None:
    await upgrade(db_url)
    stores = sql_stores(db_url, lambda: datetime.now(UTC))
    port = free_port()
    serve = Serve(db_url, fake, tmp_path, port=port)
    serve.env |= {"SLACK_SIGNING_SECRET": SIGNING_SECRET, "INBOX_LEASE_SECONDS": "2"}
    slack = Slack(f"http://127.0.0.1:{port}/slack/events", fake)
    seed = random.randrange(1 << 32)
    rng = random.Random(seed)

    async def all_answered() -> bool:
        items = await stores.outbox.outbox_items(limit=10 * EVENTS)
        done = not any(i.status == "pending" for i in items)
        return done and answered(fake, range(EVENTS)) >= set(range(EVENTS))

    def kill_on_post() -> Callable[[], None]:
        fake.on_post = killing(serve, fake, len(fake.to("chat.postMessage")) + rng.randrange(1, 4))
        return lambda: setattr(fake, "on_post", None)

    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
            await deliver_through_kills(
                serve,
                slack,
                http,
                total=EVENTS,
                kills=KILLS,
                rng=rng,
                kill_on_post=kill_on_post,
                done=all_answered,
            )
        rows = await stores.outbox.outbox_items(limit=10 * EVENTS)
    finally:
        fake.on_post = None
        if serve.process is not None:
            serve.kill()
            await serve.process.wait()
        await stores.close()

    twice = posted_twice(fake, range(EVENTS), rows)
    # Slack keeps no record of a private answer: one posted as its process was killed, before
    # the process heard back, is posted again by the outbox (and only such a one).
    unexplained = [
        n for n in twice if kind(n) not in PRIVATE or inbox_key(n) not in left_to_the_outbox(rows)
    ]
    lost = sorted(set(range(EVENTS)) - answered(fake, range(EVENTS)))
    kinds = Counter(kind(n) for n in range(EVENTS))
    outcome = (
        f"seed {seed}: {EVENTS} events ({dict(kinds)}) in {slack.attempts} deliveries, {KILLS} "
        f"kills: {len(lost)} never answered, {len(unexplained)} answered twice, "
        f"{len(twice) - len(unexplained)} private answers shown twice (left to the outbox by a "
        f"killed process), {serve.found()} replies found already posted after a kill"
    )
    print(outcome)
    assert (unexplained, lost) == ([], []), outcome


@pytest.mark.parametrize("answering", ["two serve processes", "serve and an answer process"])
async def test_processes_sharing_one_postgresql_answer_every_event_once(
    postgres_url: str, fake: FakeSlack, tmp_path: Path, answering: str
) -> None:
    await upgrade(postgres_url)
    stores = sql_stores(postgres_url, lambda: datetime.now(UTC))
    first, second = free_port(), free_port()
    serves = [Serve(postgres_url, fake, tmp_path, port=port) for port in (first, second)]
    if answering == "serve and an answer process":
        serves[1] = Serve(postgres_url, fake, tmp_path, command="answer")
        serves[0].env["ANSWER_ELSEWHERE"] = "1"
    for serve in serves:
        serve.env |= {"SLACK_SIGNING_SECRET": SIGNING_SECRET}
    # Slack delivers each event to one process, and some again to the other (a retry).
    ports = [first, second] if answering == "two serve processes" else [first, first]
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
            for serve in serves:
                await serve.start()
            slacks = [Slack(f"http://127.0.0.1:{port}/slack/events", fake) for port in ports]

            for serve in serves:  # both serve processes, when there are two
                if serve.command == "serve":
                    await serve.until(partial(healthy, http, serve))
            numbers = list(range(EVENTS))
            await asyncio.gather(
                slacks[0].deliver(http, numbers[0::2] + numbers[1::6]),
                slacks[1].deliver(http, numbers[1::2] + numbers[0::6]),
            )

            async def all_answered() -> bool:
                return answered(fake, numbers) >= set(numbers)

            await serves[0].until(all_answered)
            await asyncio.sleep(1)  # time for a second answer to any event, if one were coming
            rows = await stores.outbox.outbox_items(limit=10 * EVENTS)
    finally:
        for serve in serves:
            if serve.process is not None:
                await serve.stop()
        await stores.close()
    assert posted_twice(fake, numbers, rows) == []
    assert slacks[0].acked | slacks[1].acked == set(numbers)


def children(pid: int) -> set[int]:
    """The live processes `pid` started (Linux /proc)."""
    listed = Path(f"/proc/{pid}/task/{pid}/children")
    found = {int(c) for c in listed.read_text().split()} if listed.exists() else set()
    return {c for c in found if alive(c)}


def alive(pid: int) -> bool:
    """True while the process runs (not ended, nor ended and waiting to be reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


async def test_serve_keeps_its_answer_processes_running_and_they_answer_every_event_once(
    postgres_url: str, fake: FakeSlack, tmp_path: Path
) -> None:
    await upgrade(postgres_url)
    stores = sql_stores(postgres_url, lambda: datetime.now(UTC))
    port = free_port()
    serve = Serve(postgres_url, fake, tmp_path, port=port)
    serve.env |= {
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "ANSWER_PROCESSES": "2",
        "INBOX_LEASE_SECONDS": "2",
    }
    slack = Slack(f"http://127.0.0.1:{port}/slack/events", fake)
    numbers = list(range(EVENTS))
    rng = random.Random()
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
            await serve.start()
            await serve.until(partial(healthy, http, serve))
            assert serve.process is not None
            pid = serve.process.pid

            async def started(count: int) -> bool:
                return len(children(pid)) == count

            await serve.until(partial(started, 2))
            first = children(pid)
            delivering = asyncio.create_task(slack.deliver(http, numbers))
            await asyncio.sleep(rng.uniform(0.5, 1.5))
            killed = rng.choice(sorted(first))
            os.kill(killed, signal.SIGKILL)  # an answer process dies mid-work
            await delivering

            async def all_answered() -> bool:
                return answered(fake, numbers) >= set(numbers)

            await serve.until(all_answered)
            await serve.until(partial(started, 2))  # the dead one was replaced
            now = children(pid)
            assert killed not in now and len(now & first) == 1
            await asyncio.sleep(1)  # time for a second answer to any event, if one were coming
            rows = await stores.outbox.outbox_items(limit=10 * EVENTS)
            serve.kill()  # serve itself dies: its answer processes stop by themselves
            await serve.process.wait()
            for _ in range(200):
                if not any(alive(c) for c in now):
                    break
                await asyncio.sleep(0.05)
            else:
                pytest.fail(f"answer processes {sorted(now)} outlived their serve by 10 s")
    finally:
        if serve.process is not None and serve.process.returncode is None:
            await serve.stop()
        await stores.close()
    assert posted_twice(fake, numbers, rows) == []
    assert slack.acked == set(numbers)


def test_serve_answers_itself_unless_told_how_many_answer_processes_to_start() -> None:
    assert Settings.from_env({}).answer_processes == 0
    assert Settings.from_env({"ANSWER_PROCESSES": "2"}).answer_processes == 2
    with pytest.raises(SettingsError, match="ANSWER_PROCESSES='two': use a whole number"):
        Settings.from_env({"ANSWER_PROCESSES": "two"})
