"""Exactly once through kill -9: a real `policybot serve` killed while delivering the outbox.

300 messages are queued for three people; `serve` (the process that delivers the outbox in
production) runs as a subprocess against the database and the local Slack, and is killed with
SIGKILL at random moments: some while Slack is answering a chat.postMessage it has just kept
(the message is in the DM, but the process never learns it), others wherever the process
happens to be. It is restarted each time with a short lease, and at the end every message must
be in its DM exactly once.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import random
import signal
import sys
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.messages import Reply
from bot.storage.database import upgrade
from tests.conftest import sql_stores
from tests.fake_slack import BOT_TOKEN, Call, FakeSlack

MESSAGES = 300
KILLS = 3
PEOPLE = ("agnes-example", "bernard-sample", "clara-testwell")
LEASE_SECONDS = "2"
_OURS = (
    "DATABASE_",
    "SLACK_",
    "MICROSOFT_",
    "TEAMS_",
    "OUTBOX_",
    "DELIVERY_",
    "COMMENTS_",
    "INBOX_",
    "ANSWER_",
)


class Serve:
    """`policybot serve` as a subprocess, on the test database and the local Slack."""

    def __init__(
        self, db_url: str, fake: FakeSlack, logs: Path, port: int = 0, command: str = "serve"
    ) -> None:
        self.port = port
        self.command = command
        inherited = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
        self.env = inherited | {
            "DATABASE_URL": db_url,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": "local-test-signing-secret",
            "SLACK_API_URL": fake.api_url,
            "OUTBOX_LEASE_SECONDS": LEASE_SECONDS,
            "DELIVERY_INTERVAL_SECONDS": "0.1",
            "LOG_LEVEL": "INFO",
        }
        self.logs = logs
        self.started = 0
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        """Start a fresh process."""
        self.started += 1
        with (self.logs / f"{self.command}-{self.port}-{self.started}.log").open("wb") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                *("-m", "adapters.cli", self.command),
                *(
                    ("--host", "127.0.0.1", "--port", str(self.port))
                    if self.command == "serve"
                    else ()
                ),
                env=self.env,
                stdout=log,
                stderr=log,
            )

    def kill(self) -> None:
        """SIGKILL: no clean-up, no chance to record what was just sent."""
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):  # it may have gone already
            os.kill(self.process.pid, signal.SIGKILL)

    async def until(self, check: Callable[[], Awaitable[bool]]) -> None:
        """Wait, while the process lives, until `check()` holds."""
        assert self.process is not None
        async with asyncio.timeout(120):
            while not await check():
                if self.process.returncode is not None:
                    name = f"{self.command}-{self.port}-{self.started}.log"
                    log = (self.logs / name).read_text()
                    pytest.fail(f"serve exited with {self.process.returncode}:\n{log[-3000:]}")
                await asyncio.sleep(0.05)

    async def stop(self) -> None:
        """SIGTERM, and wait for it to go."""
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            self.process.terminate()
        await self.process.wait()

    def found(self) -> int:
        """How many times a restarted process found a message already in its DM."""
        return sum(
            log.read_text().count("was already delivered") for log in self.logs.glob("*.log")
        )


def killing(serve: Serve, fake: FakeSlack, at: int) -> Callable[[Call], None]:
    """A chat.postMessage hook that kills `serve` as Slack keeps the `at`-th message."""

    def kill(_call: Call) -> None:
        if len(fake.to("chat.postMessage")) >= at:
            fake.on_post = None
            serve.kill()

    return kill


async def test_serve_killed_while_delivering_sends_every_message_exactly_once(
    db_url: str, fake: FakeSlack, tmp_path: Path
) -> None:
    await upgrade(db_url)
    stores = sql_stores(db_url, lambda: datetime.now(UTC))
    keys = [f"crash-test:{n}" for n in range(MESSAGES)]
    batch = [(k, PEOPLE[n % len(PEOPLE)], Reply(f"Message {n}")) for n, k in enumerate(keys)]
    assert await stores.outbox.enqueue_many(batch) == MESSAGES
    seed = random.randrange(1 << 32)
    rng = random.Random(seed)
    kill_at: list[int] = []
    serve = Serve(db_url, fake, tmp_path)

    async def posted(at: int) -> bool:
        return len(fake.to("chat.postMessage")) >= at

    async def all_sent() -> bool:
        items = await stores.outbox.outbox_items(limit=MESSAGES)
        return {i.status for i in items} == {"sent"}

    try:
        for n in range(KILLS):
            # A random moment after this process has posted some messages (never all).
            at = len(fake.to("chat.postMessage")) + rng.randrange(5, MESSAGES // (KILLS + 1))
            kill_at.append(at)
            await serve.start()
            if n % 2 == 0:  # as Slack keeps the message, before the process hears back
                fake.on_post = killing(serve, fake, at)
            await serve.until(functools.partial(posted, at))
            serve.kill()  # elsewhere: wherever the process happens to be
            await serve.stop()
            fake.on_post = None
        await serve.start()
        await serve.until(all_sent)
        await serve.stop()
    finally:
        fake.on_post = None
        if serve.process is not None:
            serve.kill()
            await serve.process.wait()
        await stores.close()

    counts = Counter(fake.posted_keys())
    duplicates = {k: c for k, c in counts.items() if c > 1}
    lost = [k for k in keys if k not in counts]
    outcome = (
        f"seed {seed}: {MESSAGES} messages, {KILLS} kills after {kill_at} posts, "
        f"{len(duplicates)} duplicated, {len(lost)} lost, {serve.found()} found already sent"
    )
    print(outcome)
    assert (duplicates, lost) == ({}, []), outcome
    # Each kill inside chat.postMessage leaves a message in Slack that its process never
    # recorded: a restart must have found it there rather than posting it again.
    assert serve.found() >= len(kill_at[::2]), outcome
