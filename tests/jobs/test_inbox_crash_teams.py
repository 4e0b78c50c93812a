"""Nothing acknowledged is lost, nothing answered twice: Teams' side, `serve` killed at random.

Staff write in their Teams personal chats with the bot, or mention it in a channel, to a real
`policybot serve` process, which keeps each activity in the inbox before acknowledging it; it
is killed with SIGKILL at random moments (some while the Bot Connector is keeping a reply it has
just posted), restarted, and sent again what it did not acknowledge, as Teams does. Slack's
side: test_inbox_crash.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

from adapters.teams.cards import CONTENT_TYPE, reply_card
from adapters.teams.references import digest
from bot.core.messages import Reply
from bot.storage.database import upgrade
from tests.adapters.test_no_text_in_logs import free_port
from tests.conftest import sql_stores
from tests.fake_connector import FakeConnector, Posted
from tests.fake_slack import FakeSlack
from tests.helpers import demo_directory
from tests.jobs.crashing import deliver_through_kills
from tests.jobs.test_delivery_crash import LEASE_SECONDS, Serve
from tests.slack_staff import TEXTS

TEAMS_KILLS = 10
ACTIVITIES = 120
STAFF = (  # Azure AD object ids of directory people: Agnes, Clara, Frances, Dana, Jack
    "00000000-0000-4000-8000-000000000001",
    "00000000-0000-4000-8000-000000000003",
    "00000000-0000-4000-8000-000000000006",
    "00000000-0000-4000-8000-000000000009",
    "00000000-0000-4000-8000-000000000010",
)


BOT = "28:policybot"


def is_mention(n: int) -> bool:
    """Every fourth activity mentions the bot in a channel; the rest are personal chats."""
    return n % 4 == 1


def conversation_of(n: int) -> str:
    """Activity n's conversation: the sender's personal chat, or the thread it starts."""
    if is_mention(n):
        return f"19:staffroom@thread.tacv2;messageid={n}"
    return f"a:1{STAFF[n % len(STAFF)]}"


class Teams:
    """The Bot Connector's side: each activity sent until `serve` acknowledges it."""

    def __init__(self, url: str, connector: FakeConnector) -> None:
        self.url = url
        self.connector = connector
        self.acked: set[int] = set()
        self.attempts = 0

    def activity(self, n: int) -> dict[str, Any]:
        """Activity n: a message in one of the staff's personal chats with the bot, or (every
        fourth) a mention of the bot in a channel, starting a thread."""
        aad = STAFF[n % len(STAFF)]
        text = TEXTS[n % len(TEXTS)]
        conversation = {"id": conversation_of(n), "conversationType": "personal"}
        mention: dict[str, Any] = {}
        if is_mention(n):
            conversation |= {"conversationType": "channel", "isGroup": True}
            at = {"type": "mention", "text": "<at>policybot</at>", "mentioned": {"id": BOT}}
            mention = {"entities": [at]}
            text = f"<at>policybot</at> {text}"
        return {
            "type": "message",
            "id": f"1:{n:06d}",
            "channelId": "msteams",
            "serviceUrl": self.connector.url,
            "from": {"id": f"29:{aad}", "aadObjectId": aad},
            "recipient": {"id": BOT},
            "conversation": conversation,
            "text": text,
            **mention,
        }

    async def deliver(self, http: aiohttp.ClientSession, numbers: list[int]) -> None:
        """Send these activities, concurrently; those not answered 201 stay unacknowledged."""

        async def one(n: int) -> None:
            self.attempts += 1
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with http.post(self.url, json=self.activity(n)) as response:
                    if response.status == 201:
                        self.acked.add(n)

        await asyncio.gather(*(one(n) for n in numbers))

    def waiting(self, upto: int) -> list[int]:
        """Activities sent so far that were never acknowledged: Teams sends them again."""
        return [n for n in range(upto) if n not in self.acked]


def card_text(reply: Reply) -> str:
    """The text a reply's card shows, as the connector's record of a post reads it."""
    attachment = {"contentType": CONTENT_TYPE, "content": reply_card(reply)}
    return Posted("", "", {"attachments": [attachment]}).text


async def test_serve_killed_at_random_answers_every_acknowledged_teams_activity_once(
    db_url: str, fake: FakeSlack, tmp_path: Path
) -> None:
    """As for Slack, except one thing Teams can't offer: a way to look whether a reply arrived.
    So a reply posted as the process is killed, before it hears back, is posted again by the
    outbox, and only such a reply (one left to the outbox by a killed process) may appear twice,
    or more when a later kill catches it in flight again."""
    await upgrade(db_url)
    stores = sql_stores(db_url, lambda: datetime.now(UTC))
    port = free_port()
    serve = Serve(db_url, fake, tmp_path, port=port)
    serve.env = {k: v for k, v in serve.env.items() if not k.startswith("SLACK_")}
    serve.env |= {"TEAMS_DEV_NO_AUTH": "1", "INBOX_LEASE_SECONDS": "2"}
    connector = FakeConnector()
    await connector.start()
    teams = Teams(f"http://127.0.0.1:{port}/api/messages", connector)
    seed = random.randrange(1 << 32)
    rng = random.Random(seed)

    def kill_on_post() -> Callable[[], None]:
        at = len(connector.sent) + rng.randrange(1, 4)

        def kill(_posted: Posted) -> None:
            if len(connector.sent) >= at:
                connector.on_post = None
                serve.kill()

        connector.on_post = kill
        return lambda: setattr(connector, "on_post", None)

    async def all_answered() -> bool:
        answered = {r.key.split(":")[3] for r in await stores.outbox.outbox_items(limit=5000)}
        items = await stores.outbox.outbox_items(limit=5000)
        done = not any(i.status == "pending" for i in items)
        return done and not await stores.inbox.waiting() and len(answered) >= ACTIVITIES

    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
            await deliver_through_kills(
                serve,
                teams,
                http,
                total=ACTIVITIES,
                kills=TEAMS_KILLS,
                rng=rng,
                kill_on_post=kill_on_post,
                done=all_answered,
            )
        rows = await stores.outbox.outbox_items(limit=5000)
    finally:
        connector.on_post = None
        if serve.process is not None:
            serve.kill()
            await serve.process.wait()
        await connector.close()
        await stores.close()

    hold = timedelta(seconds=int(LEASE_SECONDS))
    expected: Counter[tuple[str, str]] = Counter()
    left_to_the_outbox: Counter[tuple[str, str]] = Counter()
    for row in rows:
        if row.address is not None:  # a channel mention's thread
            chat = row.address["reference"]["conversation"]["id"]
        else:
            chat = f"a:1{demo_directory().person(row.recipient).teams_id}"  # type: ignore[union-attr]
        shown = (chat, card_text(row.reply))
        expected[shown] += 1
        if row.sent_at is not None and row.sent_at - row.created_at >= hold:
            left_to_the_outbox[shown] += 1
    posted = Counter((p.conversation, p.text) for p in connector.sent)
    lost = expected - posted
    twice = posted - expected
    # A reply the outbox posts for a killed process can be in flight at a later kill too.
    unexplained = [shown for shown in twice if not left_to_the_outbox[shown]]
    answered = {r.key.split(":")[3] for r in rows}
    outcome = (
        f"seed {seed}: {ACTIVITIES} activities in {teams.attempts} deliveries, {TEAMS_KILLS} "
        f"kills: {len(answered)} answered, {sum(twice.values())} replies posted twice (left to "
        f"the outbox by a killed process), {sum(lost.values())} lost, {len(unexplained)} "
        "posted twice though their process lived"
    )
    print(outcome)
    activities = {digest(conversation_of(n), f"1:{n:06d}") for n in range(ACTIVITIES)}
    assert answered == activities, outcome  # each answered, and answered once (one set of rows)
    assert (lost, unexplained) == (Counter(), []), outcome
