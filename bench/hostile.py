"""Every hostile input the tests know, replayed against the real `serve` application.

    python bench/hostile.py

Serves Slack, Teams (authentication off) and /api/comments on a loopback port, on a fresh
SQLite file, with a local sink playing the Slack Web API and the Bot Connector. Replays the
lists in bench/hostile_inputs.py at every endpoint and the console's lines at the bot; then
sends each credential (SECRETS) and each look-alike (LOOKALIKES) as a Teams message, a Slack
DM, a comment summary and a console line. Prints one line:

    N hostile inputs, E server errors, S secrets stored, F false refusals

A server error is a 5xx answer or an error logged while handling an input; a secret is stored
when its value (as typed, or NFKC-normalised) is anywhere in the database's files; a false
refusal is a look-alike refused as a credential (counted once per channel). The exit status is
1 if any count but the first is not 0, or a credential was not refused by every channel.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import itertools
import json
import logging
import re
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from slack_sdk.signature import SignatureVerifier  # noqa: E402

from adapters.console import Console  # noqa: E402
from adapters.slack.adapter import SlackAdapter  # noqa: E402
from adapters.teams.adapter import TeamsAdapter  # noqa: E402
from adapters.web import configured_adapters, make_web_app  # noqa: E402
from bench.hostile_inputs import (  # noqa: E402
    AUTHORIZATIONS,
    COMMENT_FIELDS,
    CONSOLE_LINES,
    JSON_BODIES,
    LOOKALIKES,
    SECRETS,
    SLACK_BODIES,
    TEAMS_FIELDS,
    Body,
    encode,
)
from bot.app import App, build_app  # noqa: E402
from bot.core.messages import Message  # noqa: E402
from bot.model.records import Account, account_id  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.storage.database import upgrade  # noqa: E402

SIGNING_SECRET = "bench-signing-secret-0123456789abcdef"
TOKEN = "bench-comments-token-0123456789abcdef"
CLARA_AAD = "00000000-0000-4000-8000-000000000003"
CLARA_SLACK = "U0DEMO003"
JACK = "jack-sampleton"
ACCOUNT = Account(
    id=account_id("holy-cross", "X/Twitter", "@HolyCrossHistory"),
    academy="holy-cross",
    platform="X/Twitter",
    handle="@HolyCrossHistory",
    runners=(JACK, "kate-mockett"),
    visibility="open",
    emails=("history@holycross.example.org",),
    comments_restricted=True,
    case_number=1,
    active=True,
)
RECEIVED = "2026-03-03T10:05:00+00:00"
"""When the replayed comments were received (in the past, in working hours)."""
REFUSED = "so I have not saved it anywhere"
"""The words of the bot's refusal of a credential (bot/core/bot.py SECRET_REFUSED)."""
_ids = itertools.count(1)


@dataclass
class Tally:
    """What the replay found."""

    inputs: int = 0
    server_errors: int = 0
    false_refusals: int = 0
    secrets_stored: int = 0
    secrets_missed: int = 0
    """Credentials some channel did not refuse (the exit status says so; the line counts
    them as stored only if they reached the database)."""

    def answered(self, status: int) -> None:
        """One input sent; a 5xx is a server error."""
        self.inputs += 1
        self.server_errors += status >= 500


class Errors(logging.Handler):
    """Counts errors (and tracebacks) logged while inputs are handled."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        """Count it if it is an error or carries a traceback."""
        self.count += record.levelno >= logging.ERROR or record.exc_info is not None


@dataclass
class Sink:
    """The Slack Web API and the Bot Connector: accepts everything, keeps what was posted."""

    posted: list[str] = field(default_factory=list)
    runner: web.AppRunner | None = None
    url: str = ""

    async def start(self) -> None:
        """Listen on a free loopback port."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{_port(site)}"

    async def handle(self, request: web.Request) -> web.Response:
        """Slack's answer to a Web API call, or the connector's to a posted activity."""
        self.posted.append((await request.read()).decode("utf-8", "replace"))
        if request.path == "/api/conversations.open":
            return web.json_response({"ok": True, "channel": {"id": "D0DEMO003"}})
        if request.path.startswith("/api/"):
            return web.json_response(
                {"ok": True, "user_id": "U0BOT", "bot_id": "B0BOT", "team_id": "T0DEMO",
                 "channel": "D0DEMO003", "ts": f"{time.time():.6f}", "user": {"id": "U0BOT"}}
            )  # fmt: skip
        return web.json_response({"id": f"bot-activity-{next(_ids)}"})

    def since(self, mark: int) -> str:
        """Everything posted after the first `mark` posts, as one text."""
        return "\n".join(self.posted[mark:])


def _port(site: web.TCPSite) -> int:
    server = site._server
    assert server is not None and hasattr(server, "sockets")
    return int(server.sockets[0].getsockname()[1])


@dataclass
class Target:
    """The running application and how to reach it."""

    http: aiohttp.ClientSession
    url: str
    app: App
    sink: Sink
    slack: SlackAdapter
    teams: TeamsAdapter
    tally: Tally

    async def post(self, path: str, body: Body, **headers: str) -> str:
        """POST a body; count it; the answer's text."""
        sent = {"Content-Type": body.content_type, **headers}
        async with self.http.post(self.url + path, data=body.data, headers=sent) as response:
            self.tally.answered(response.status)
            return await response.text()

    async def slack_post(self, text: str, content_type: str, signed: bool) -> None:
        """POST to /slack/events, signed or not."""
        headers: dict[str, str] = {}
        if signed:
            stamp = str(int(time.time()))
            verifier = SignatureVerifier(SIGNING_SECRET)
            signature = verifier.generate_signature(timestamp=stamp, body=text)
            headers = {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}
        await self.post("/slack/events", Body("", text.encode(), content_type), **headers)
        await self.slack.settle()

    def activity(self, **fields: Any) -> dict[str, Any]:
        """A Teams message from Clara, as the Teams service sends it."""
        return {
            "type": "message",
            "id": f"activity-{next(_ids)}",
            "channelId": "msteams",
            "serviceUrl": self.sink.url,
            "from": {"id": f"29:{CLARA_AAD}", "name": "Clara Testwell", "aadObjectId": CLARA_AAD},
            "recipient": {"id": "28:policybot", "name": "policybot"},
            "conversation": {"id": f"a:1{CLARA_AAD}", "conversationType": "personal"},
            **fields,
        }


async def check_served(target: Target) -> None:
    """Each endpoint answers a good request: the replay is not measuring 404s."""
    teams = await target.post("/api/messages", Body("", encode(target.activity(text="hello"))))
    comment = {"account": "@HolyCrossHistory", "received_at": RECEIVED, "summary": "trip dates"}
    answer = await target.post(
        "/api/comments", Body("", encode(comment)), Authorization=f"Bearer {TOKEN}"
    )
    if teams != "" or '"deadline"' not in answer:
        raise SystemExit(f"policybot is not serving Teams and comments: {teams!r}, {answer!r}")
    target.tally.inputs -= 2  # good requests, not hostile ones


async def replay_endpoints(target: Target) -> None:
    """Every list of odd requests, at the endpoint it was written for."""
    for text, content_type in SLACK_BODIES:
        for signed in (False, True):
            await target.slack_post(text, content_type, signed)
    for body in JSON_BODIES:
        await target.slack_post(body.data.decode("utf-8", "replace"), body.content_type, True)
        await target.post("/api/messages", body)
        await target.post("/api/comments", body, Authorization=f"Bearer {TOKEN}")
    for name, change in TEAMS_FIELDS:
        await target.post("/api/messages", Body(name, encode(target.activity(text="hi") | change)))
    good = {"account": "@HolyCrossHistory", "received_at": RECEIVED}
    for name, change in COMMENT_FIELDS:
        fields = {k: v for k, v in (good | {"summary": "x"} | change).items() if v is not None}
        await target.post(
            "/api/comments", Body(name, encode(fields)), Authorization=f"Bearer {TOKEN}"
        )
    for name, authorization in AUTHORIZATIONS:
        headers = {} if authorization is None else {"Authorization": authorization}
        body = Body(name, encode(good | {"summary": "trip dates"}))
        await target.post("/api/comments", body, **headers)


async def replay_console(target: Target) -> None:
    """The console's odd lines, typed by Clara."""
    stdin, out = io.StringIO("".join(f"{line}\n" for line in CONSOLE_LINES)), io.StringIO()
    try:
        await Console(target.app.bot, target.app.outbox, "clara-testwell", stdin, out).run("")
    except Exception:
        target.tally.server_errors += 1
    target.tally.inputs += len(CONSOLE_LINES)


async def refused_everywhere(target: Target, text: str) -> list[bool]:
    """Send one message as a Teams message, a Slack DM, a comment and a console line;
    whether each refused it as a credential."""
    mark = len(target.sink.posted)
    await target.post("/api/messages", Body("", encode(target.activity(text=text))))
    await target.teams.settle()  # kept in the inbox, then answered: wait for the reply
    teams = REFUSED in target.sink.since(mark)
    mark = len(target.sink.posted)
    event = {"type": "message", "channel_type": "im", "channel": "D0DEMO003", "user": CLARA_SLACK,
             "text": text, "ts": f"{time.time():.6f}"}  # fmt: skip
    callback = {"type": "event_callback", "event_id": f"Ev{next(_ids)}", "event": event}
    await target.slack_post(json.dumps(callback), "application/json", True)
    slack = REFUSED in target.sink.since(mark)
    comment = {"account": "@HolyCrossHistory", "received_at": RECEIVED, "summary": text}
    answer = await target.post(
        "/api/comments", Body("", encode(comment)), Authorization=f"Bearer {TOKEN}"
    )
    api = "looks like it holds" in answer
    replies = await target.app.bot.handle(Message("clara-testwell", text))
    target.tally.inputs += 1
    return [teams, slack, api, any(REFUSED in reply.text for reply in replies)]


async def replay_credentials(target: Target) -> None:
    """Each credential must be refused everywhere; each look-alike nowhere."""
    for text, _value in SECRETS:
        if not all(await refused_everywhere(target, text)):
            target.tally.secrets_missed += 1
    for text in LOOKALIKES:
        target.tally.false_refusals += sum(await refused_everywhere(target, text))


def stored_secrets(folder: Path) -> int:
    """How many credentials' values are anywhere in the database's files (a value of digits
    alone, a PIN, only with no digit either side: not inside a timestamp's microseconds)."""
    data = b"".join(p.read_bytes() for p in folder.glob("bench.db*"))
    values = [(v, unicodedata.normalize("NFKC", v)) for _text, v in SECRETS]
    return sum(any(_found(form.encode(), data) for form in forms) for forms in values)


def _found(value: bytes, data: bytes) -> bool:
    if not value.isdigit():
        return value in data
    return re.search(rb"(?<![0-9])" + re.escape(value) + rb"(?![0-9])", data) is not None


async def serve(
    folder: Path,
) -> tuple[App, web.AppRunner, int, Sink, SlackAdapter, TeamsAdapter]:
    """The application as `serve` builds it, on a fresh SQLite file, with the sink behind it."""
    sink = Sink()
    await sink.start()
    url = f"sqlite:///{folder / 'bench.db'}"
    await upgrade(url)
    env = {
        "TEAMS_DEV_NO_AUTH": "1",
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": f"{sink.url}/api/",
    }
    with contextlib.redirect_stderr(io.StringIO()):  # the unauthenticated-Teams warning
        app = await build_app(Settings(database_url=url, env=env, comments_api_token=TOKEN))
    await app.register.add(ACCOUNT)
    with contextlib.redirect_stderr(io.StringIO()):
        adapters = configured_adapters(app)
    [slack] = [a for a in adapters if isinstance(a, SlackAdapter)]
    [teams] = [a for a in adapters if isinstance(a, TeamsAdapter)]
    runner = web.AppRunner(make_web_app(app, adapters, delivery_interval=3600))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return app, runner, _port(site), sink, slack, teams


async def main() -> Tally:
    """Replay everything; the tally."""
    tally, errors = Tally(), Errors()
    root = logging.getLogger()
    level = root.level
    root.addHandler(errors)
    root.setLevel(logging.INFO)
    try:
        await _replay(tally)
    finally:
        root.removeHandler(errors)
        root.setLevel(level)
    tally.server_errors += errors.count
    return tally


async def _replay(tally: Tally) -> None:
    """Serve, replay every list at it, and count what was stored."""
    with tempfile.TemporaryDirectory() as tmp:
        app, runner, port, sink, slack, teams = await serve(Path(tmp))
        try:
            async with aiohttp.ClientSession() as http:
                target = Target(http, f"http://127.0.0.1:{port}", app, sink, slack, teams, tally)
                await check_served(target)
                await replay_endpoints(target)
                await replay_console(target)
                await replay_credentials(target)
        finally:
            await runner.cleanup()
            await app.close()
            assert sink.runner is not None
            await sink.runner.cleanup()
        tally.secrets_stored = stored_secrets(Path(tmp))


if __name__ == "__main__":
    logging.basicConfig(handlers=[logging.NullHandler()])
    found = asyncio.run(main())
    print(
        f"{found.inputs} hostile inputs, {found.server_errors} server errors, "
        f"{found.secrets_stored} secrets stored, {found.false_refusals} false refusals"
    )
    bad = found.server_errors + found.secrets_stored + found.false_refusals + found.secrets_missed
    sys.exit(1 if bad else 0)
