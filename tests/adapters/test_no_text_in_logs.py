"""What people write stays out of the logs, at DEBUG too, and secrets stay out of the database.

The real `policybot serve` runs as a process (Teams with authentication off, and Slack;
LOG_LEVEL=DEBUG) on a SQLite file, with a local Bot Connector and a local Slack; staff ask
questions, tell worrying stories, fill in a business case pasting credentials, log comments in
chat, and pin a message (an event policybot ignores, which Bolt would log whole). Then the
log output and the database file's bytes are searched for what they wrote.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

from tests.adapters.test_slack import SECRET
from tests.adapters.test_teams_http import Teams, User, answered_from
from tests.apps import open_app, register
from tests.conftest import FakeClock, sql_stores
from tests.fake_connector import FakeConnector, Posted
from tests.fake_slack import BOT_TOKEN, TEAM, FakeSlack
from tests.features.test_business_case import ANSWERS_AFTER_STEP_4

ROOT = Path(__file__).resolve().parents[2]
DANA = "00000000-0000-4000-8000-000000000009"  # demo-teacher, Holy Cross
CLARA = "00000000-0000-4000-8000-000000000003"
JACK = "00000000-0000-4000-8000-000000000010"  # runs @HolyCrossHistory

QUESTION = "can I accept a friend request from a parent of a pupil in my tutor group?"
WORRY = (
    "I'm worried about Tamsin Quillfeather in year 8, she told me her uncle posts photos of "
    "her online and makes her keep it a secret"
)
COMMENT = "a parent asked whether the Ypres battlefields trip is still going ahead"
PINNED = "the pinned note about Mr Okonkwo-Braithwaite's allotment"
SECRETS = ["Hunter2!", "Summer2024", "8837 2291", "xoxb-123456789012-abcdefABCDEF"]


def free_port() -> int:
    """A loopback port nobody is listening on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def started(url: str, server: asyncio.subprocess.Process) -> None:
    """Wait until `serve` answers /healthz (or has exited)."""
    async with aiohttp.ClientSession() as http:
        while server.returncode is None:
            try:
                async with http.get(f"{url}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.2)
    raise AssertionError("policybot serve exited before it answered /healthz")


def texts(posted: list[Posted]) -> str:
    """Everything the bot posted, as one text."""
    return "\n".join(p.text for p in posted)


async def test_a_whole_dialogue_at_debug_leaves_no_text_in_logs_and_no_secret_stored(
    tmp_path: Path, clock: FakeClock
) -> None:
    db = tmp_path / "policybot.db"
    url = f"sqlite:///{db}"
    app = await open_app(url, clock)
    await register(app)  # @HolyCrossHistory, for Jack's comments
    await app.close()
    connector, slack = FakeConnector(), FakeSlack()
    await connector.start()
    await slack.start()
    port = free_port()
    stores = sql_stores(url, clock)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "LOG_LEVEL": "DEBUG",
        "TEAMS_DEV_NO_AUTH": "1",
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.api_url,
    }
    server = await asyncio.create_subprocess_exec(
        *[sys.executable, "-m", "adapters", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    assert server.stdout is not None
    output = asyncio.create_task(server.stdout.read())
    try:
        await started(f"http://127.0.0.1:{port}", server)
        async with aiohttp.ClientSession() as http:
            teams_url = f"http://127.0.0.1:{port}"
            settle = answered_from(stores)
            await converse(Teams(http, teams_url, connector, app, clock, [], settle))
            await on_slack(http, f"http://127.0.0.1:{port}/slack/events", slack)
    finally:
        server.terminate()
        await server.wait()
        await connector.close()
        await slack.close()
        await stores.close()

    logged = (await output).decode("utf-8", "replace")
    assert " DEBUG " in logged and "/api/messages" in logged  # it did log, at DEBUG
    for text in [QUESTION, WORRY, "Tamsin", "Quillfeather", COMMENT, PINNED, *SECRETS]:
        assert text not in logged, text
    stored = database_bytes(tmp_path)
    for text in [QUESTION, WORRY, "Quillfeather", *SECRETS]:
        assert text.encode() not in stored, text
    assert COMMENT.encode() in stored  # the comment itself is a record, kept on purpose


async def on_slack(http: aiohttp.ClientSession, url: str, slack: FakeSlack) -> None:
    """Clara tells Slack her worry in a DM; a message is pinned, which policybot ignores; Dana
    asks her question with /policy, and mentions the bot in a channel about her password."""
    worry = {"type": "message", "channel_type": "im", "channel": "D0DEMO003", "text": WORRY}
    pinned = {"type": "pin_added", "item": {"type": "message", "message": {"text": PINNED}}}
    said = f"<@UBOTPOLICY> is it ok that my password is {SECRETS[0]}"
    mention = {"type": "app_mention", "channel": "C0STAFF01", "text": said}
    for n, event in enumerate([worry, pinned, mention]):
        callback = {"type": "event_callback", "event_id": f"Ev{n}", "team_id": TEAM}
        body = json.dumps(callback | {"event": {"user": "U0DEMO003", "ts": f"1.{n}", **event}})
        async with http.post(url, data=body.encode(), headers=signed(body, "json")) as response:
            assert response.status in (200, 404)  # Bolt's answer to an event nobody handles
    command = {
        "command": "/policy",
        "text": QUESTION,
        "user_id": "U0DEMO009",
        "response_url": slack.response_url("command-dana"),
        "trigger_id": "trigger-dana",
    }
    body = urlencode(command)
    headers = signed(body, "x-www-form-urlencoded")
    async with http.post(url, data=body.encode(), headers=headers) as response:
        assert response.status == 200

    def in_channel() -> list[str]:
        return [c.text for c in slack.to("chat.postMessage") if c.args["channel"] == "C0STAFF01"]

    await slack.wait_for(lambda: bool(in_channel()))
    assert "safeguarding" in slack.to("chat.postMessage")[0].text.lower()
    assert SECRETS[0] not in in_channel()[0]
    await slack.wait_for(lambda: bool(slack.to("response_url")))
    assert "Here's what the policy says" in slack.to("response_url")[0].text


def signed(body: str, kind: str) -> dict[str, str]:
    """The headers of a request Slack signs now, of content type application/`kind`."""
    stamp = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=stamp, body=body)
    return {
        "Content-Type": f"application/{kind}",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
    }


def database_bytes(folder: Path) -> bytes:
    """The SQLite file and its journals, as bytes."""
    return b"".join(p.read_bytes() for p in folder.glob("policybot.db*"))


async def converse(teams: Teams) -> None:
    """Dana asks and fills in a business case, Clara tells a worry, Jack logs comments."""
    dana, clara = User(teams, DANA, "Dana Demo"), User(teams, CLARA, "Clara Testwell")
    jack = User(teams, JACK, "Jack Sampleton")
    assert "Here's what the policy says" in texts(await dana.says(QUESTION))
    assert "safeguarding" in texts(await clara.says(WORRY)).lower()
    for answer in ["new account", "X", "@HolyCrossGeography", "To share fieldwork with families"]:
        await dana.says(answer)
    for answer in ANSWERS_AFTER_STEP_4[:4]:
        await dana.says(answer)
    refused = texts(await dana.says("geography@holycross.example.org, password is Hunter2!"))
    assert "password" in refused.lower() and "Hunter2" not in refused
    refused = texts(await dana.says("my login is admin / Summer2024"))
    assert "Summer2024" not in refused
    await dana.says("backup code is 8837 2291")
    await dana.says(ANSWERS_AFTER_STEP_4[4])
    said = texts(
        await jack.says("log a comment on @HolyCrossHistory: token xoxb-123456789012-abcdefABCDEF")
    )
    assert "Logged comment" not in said
    said = texts(await jack.says(f"log a comment on @HolyCrossHistory: {COMMENT}"))
    assert "Logged comment #1 on @HolyCrossHistory" in said
