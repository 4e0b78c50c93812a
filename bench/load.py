"""Inbound load: signed Slack direct messages sent open-loop at `policybot serve`.

    python bench/load.py                              # 50, 200, 500, 1000 events/s, 5 s each
    python bench/load.py --rates 200,1000 --seconds 10 --backends postgresql
    python bench/load.py --answerers 2               # serve with ANSWER_PROCESSES=2

For each offered load, events are sent on schedule whatever the responses (open loop), from
1,000 staff of a generated trust, first at a bare aiohttp app that only checks Slack's
signature (the floor on this machine), then at `serve` on SQLite and on PostgreSQL. A local
Slack Web API in this process takes the answers. Printed per run, in milliseconds from the
moment each event was due to be sent:

    ack p50/p99     until the HTTP 200 (Slack gives up at 3 s and retries)
    answer p50/p99  until the first reply reached the local Slack
    answered/s      events answered per second over the run
    errors          responses other than 200, and requests that failed
    twice           replies posted twice
    cpu ms/ans      CPU time of serve and its answer processes from the first event to the
                    last answer, per event answered
    unanswered      events acknowledged but not answered when the bench stopped waiting (60 s,
                    or twice the run, after the last event was due; they stay in the inbox)

Each `serve` run starts on a fresh database, and its timing once ten events sent first have been
answered (by then its answer processes have loaded the matcher). Machine-dependent: compare
runs made together.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import yaml
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
STAFF = 1000
QUESTIONS = (
    "can I accept a friend request from a parent?",
    "hello",
    "can I post photos from sports day on my own instagram",
    "someone left a nasty comment on our PE twitter, what now?",
    "thanks",
    "who do I ask to set up a new account for the school?",
)
PG = "postgresql://postgres@127.0.0.1:5432"


def free_port() -> int:
    """A loopback port nobody is listening on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def trust_file(folder: Path) -> Path:
    """The demo trust with STAFF more teachers, each with a Slack id."""
    demo = yaml.safe_load((ROOT / "bot" / "data" / "demo_trust.yaml").read_text())
    demo["people"] += [
        {
            "id": f"load-{n:04d}",
            "name": f"Load Tester {n}",
            "email": f"load{n:04d}@stmarys.example.org",
            "role": "teacher",
            "academy": "st-marys",
            "slack_id": f"U0LOAD{n:04d}",
        }
        for n in range(STAFF)
    ]
    path = folder / "trust.yaml"
    path.write_text(yaml.safe_dump(demo))
    return path


@dataclass
class LocalSlack:
    """The Slack Web API methods `serve` calls, noting when each event's first reply came."""

    answered_at: dict[int, float] = field(default_factory=dict)
    keys: Counter[str] = field(default_factory=Counter)
    news: asyncio.Event = field(default_factory=asyncio.Event)

    async def answered(self, events: set[int], within: float) -> None:
        """Wait until every one of these events was answered, or `within` seconds passed."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within):
                while not events <= self.answered_at.keys():
                    self.news.clear()
                    await self.news.wait()

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.content_type == "application/json":
            args = await request.json()
        else:
            args = dict(await request.post())
        if method == "chat.postMessage":
            key = ((args.get("metadata") or {}).get("event_payload") or {}).get("key", "")
            self.keys[key] += 1
            if key.endswith(":1") and key.startswith("inbox:slack:event:EvL"):
                n = int(key.split(":")[3].removeprefix("EvL"))
                self.answered_at.setdefault(n, time.monotonic())
                self.news.set()
            return web.json_response({"ok": True, "channel": args.get("channel"), "ts": "1.0"})
        if method == "conversations.open":
            user = str(args.get("users", "U0"))
            return web.json_response({"ok": True, "channel": {"id": "D" + user[1:]}})
        if method == "auth.test":
            return web.json_response(
                {"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T0BENCH"}
            )
        if method == "conversations.history":
            return web.json_response({"ok": True, "messages": [], "has_more": False})
        return web.json_response({"ok": False, "error": "unknown_method"})


def signed(n: int, run: str) -> tuple[bytes, dict[str, str]]:
    """Event n of a run: a direct message from one of the staff, signed."""
    from slack_sdk.signature import SignatureVerifier

    user = f"U0LOAD{n % STAFF:04d}"
    body = json.dumps(
        {
            "type": "event_callback",
            "team_id": "T0BENCH",
            "event_id": f"EvL{n}",
            "event_time": int(time.time()),
            "event": {
                "type": "message",
                "channel_type": "im",
                "channel": "D" + user[1:],
                "user": user,
                "text": QUESTIONS[n % len(QUESTIONS)],
                "ts": f"{int(time.time())}.{n:06d}",
                "client_msg_id": f"{run}-{n}",
            },
        }
    ).encode()
    stamp = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=stamp, body=body)
    return body, {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
    }


@dataclass
class Outcome:
    """What one run measured."""

    sent: int
    acks: list[float]
    errors: int
    answers: list[float]
    answered_per_s: float
    twice: int
    never: int
    cpu: float = 0.0
    """CPU seconds the processes under test spent during the run."""


async def offer(url: str, rate: int, seconds: float, slack: LocalSlack | None) -> Outcome:
    """Send rate * seconds events on schedule; then wait for their answers (if any)."""
    count = int(rate * seconds)
    run = uuid.uuid4().hex[:8]
    events = [signed(n, run) for n in range(count)]
    loop = asyncio.get_running_loop()
    acks: list[float] = []
    acked: set[int] = set()
    errors = 0
    start = loop.time() + 0.2
    due = [start + n / rate for n in range(count)]
    mono_offset = time.monotonic() - loop.time()

    async def fire(http: aiohttp.ClientSession, n: int) -> None:
        nonlocal errors
        await asyncio.sleep(max(0.0, due[n] - loop.time()))
        body, headers = events[n]
        try:
            async with http.post(url, data=body, headers=headers) as response:
                await response.read()
                if response.status == 200:
                    acks.append(loop.time() - due[n])
                    acked.add(n)
                else:
                    errors += 1
        except (aiohttp.ClientError, TimeoutError):
            errors += 1

    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        await asyncio.gather(*(fire(http, n) for n in range(count)))
    if slack is None:  # nothing answers
        return Outcome(count, acks, errors, [], 0.0, 0, 0)
    await slack.answered(acked, within=max(60.0, 2 * seconds))
    answers = [
        slack.answered_at[n] - (due[n] + mono_offset) for n in acked if n in slack.answered_at
    ]
    last = max(slack.answered_at.values(), default=start + mono_offset)
    span = max(last - (start + mono_offset), 1e-9)
    twice = sum(1 for times in slack.keys.values() if times > 1)
    never = len(acked - slack.answered_at.keys())
    return Outcome(count, acks, errors, answers, len(answers) / span, twice, never)


def children(pid: int) -> list[int]:
    """The processes `pid` started (Linux /proc): serve's answer processes."""
    listed = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in listed.read_text().split()] if listed.exists() else []


async def warm_up(url: str, slack: LocalSlack, count: int = 10) -> None:
    """Send a few events and wait for their answers, untimed: whatever answers is ready."""
    first = 10**7  # numbered apart from any run's
    async with aiohttp.ClientSession() as http:
        for n in range(first, first + count):
            body, headers = signed(n, "warm")
            async with http.post(url, data=body, headers=headers) as response:
                await response.read()
    await slack.answered(set(range(first, first + count)), within=60.0)


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time these processes have used so far (Linux /proc)."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile in milliseconds (nan when there are none)."""
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0] * 1000
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] * 1000


async def healthy(url: str, process: asyncio.subprocess.Process) -> None:
    """Wait until the process answers /healthz."""
    async with aiohttp.ClientSession() as http:
        for _ in range(300):
            if process.returncode is not None:
                sys.exit(f"the process under test exited with {process.returncode}")
            with contextlib.suppress(aiohttp.ClientError):
                async with http.get(url) as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.1)
    sys.exit(f"the process under test never answered {url}")


@contextlib.contextmanager
def database(backend: str, folder: Path) -> Any:
    """A fresh, upgraded database URL on the backend; dropped afterwards."""
    if backend == "sqlite":
        url = f"sqlite:///{folder / f'load-{uuid.uuid4().hex[:8]}.db'}"
        yield _upgraded(url)
        return
    import psycopg

    name = f"policybot_load_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _upgraded(f"{PG}/{name}")
    finally:
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _upgraded(url: str) -> str:
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, "-m", "adapters", "db", "upgrade"], env=env, check=True)
    return url


async def run_target(
    target: str,
    rate: int,
    seconds: float,
    folder: Path,
    trust: Path,
    profile: Path | None,
    answerers: int,
) -> Outcome:
    """One run against a fresh process: the bare app, or `serve` on a backend."""
    port = free_port()
    slack = LocalSlack()
    api = web.Application()
    api.router.add_post("/api/{method}", slack.handle)
    runner = web.AppRunner(api, access_log=None)
    await runner.setup()
    api_port = free_port()
    await web.TCPSite(runner, "127.0.0.1", api_port).start()
    try:
        with contextlib.ExitStack() as stack:
            if target == "bare":
                command = [sys.executable, __file__, "--bare", str(port)]
                env = dict(os.environ)
            else:
                url = stack.enter_context(database(target, folder))
                command = [sys.executable, "-m", "adapters", "serve"]
                command += ["--host", "127.0.0.1", "--port", str(port)]
                env = {
                    **os.environ,
                    "DATABASE_URL": url,
                    "TRUST_FILE": str(trust),
                    "SLACK_BOT_TOKEN": TOKEN,
                    "SLACK_SIGNING_SECRET": SECRET,
                    "SLACK_API_URL": f"http://127.0.0.1:{api_port}/api/",
                    "LOG_LEVEL": "WARNING",
                    "ANSWER_ELSEWHERE": "1" if answerers < 0 else "",  # nobody answers
                    "ANSWER_PROCESSES": str(max(answerers, 0)),
                }
            process = await asyncio.create_subprocess_exec(
                *command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL
            )
            try:
                await healthy(f"http://127.0.0.1:{port}/healthz", process)
                events = f"http://127.0.0.1:{port}/slack/events"
                answered = target != "bare" and answerers >= 0
                if answered:  # its answer processes have loaded the matcher, say
                    await warm_up(events, slack)
                pids = [process.pid, *children(process.pid)]
                spies = []
                if profile is not None and target != "bare":  # py-spy's stacks, a file each
                    for n, pid in enumerate(pids):
                        name = "serve" if n == 0 else f"answer{n}"
                        out = profile / f"{target}-{rate}-{name}.txt"
                        spies.append(
                            await asyncio.create_subprocess_exec(
                                *(py_spy(), "record", "--rate", "500", "--format", "raw"),
                                *("-o", str(out), "--pid", str(pid)),
                                *("--duration", str(int(seconds) + 5)),
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL,
                            )
                        )
                before = cpu_seconds(pids)
                outcome = await offer(events, rate, seconds, slack if answered else None)
                outcome.cpu = cpu_seconds(pids) - before
                for spy in spies:
                    await spy.wait()
                return outcome
            finally:
                process.terminate()  # and its answer processes with it
                await process.wait()
    finally:
        await runner.cleanup()


def py_spy() -> str:
    """py-spy's command: on PATH, or beside this Python (a venv not activated)."""
    found = shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))
    if found is None:
        raise SystemExit("--profile needs py-spy: pip install py-spy")
    return found


def bare(port: int) -> None:
    """A bare aiohttp app that checks Slack's signature and answers 200: the floor."""
    from slack_sdk.signature import SignatureVerifier

    verifier = SignatureVerifier(SECRET)

    async def events(request: web.Request) -> web.Response:
        body = (await request.read()).decode()
        stamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        ok = verifier.is_valid(body=body, timestamp=stamp, signature=signature)
        return web.Response(status=200 if ok else 401)

    async def health(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/slack/events", events)
    app.router.add_get("/healthz", health)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def main() -> None:
    """Run every target at every rate and print one line per run."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rates", default="50,200,500,1000")
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument(
        "--answerers",
        type=int,
        default=0,
        help="answer processes serve starts (ANSWER_PROCESSES); 0: serve answers; "
        "-1: nobody answers (ANSWER_ELSEWHERE=1: the acknowledgement alone)",
    )
    ap.add_argument(
        "--profile", type=Path, help="folder for py-spy profiles of serve and answer processes"
    )
    ap.add_argument("--bare", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.bare:
        bare(args.bare)
        return
    rates = [int(r) for r in args.rates.split(",")]
    if args.profile is not None:
        args.profile.mkdir(parents=True, exist_ok=True)
    targets = ["bare", *args.backends.split(",")]
    answering = {0: "serve answers", -1: "acknowledgements only"}.get(
        args.answerers, f"{args.answerers} answer process(es)"
    )
    print(f"{os.cpu_count()} cores; {args.seconds:g} s per run; {answering}; ms from when due")
    head = ("target", "ev/s", "sent", "ack p50", "ack p99", "ans p50", "ans p99", "answered/s")
    print(
        "{:<11}{:>6}{:>7}{:>9}{:>9}{:>9}{:>9}{:>11}{:>7}{:>6}{:>11}{:>11}".format(
            *head, "errors", "twice", "unanswered", "cpu ms/ans"
        )
    )
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        trust = trust_file(folder)
        for rate in rates:
            for target in targets:
                o = asyncio.run(
                    run_target(
                        target, rate, args.seconds, folder, trust, args.profile, args.answerers
                    )
                )
                cells = [percentile(o.acks, 50), percentile(o.acks, 99)]
                cells += [percentile(o.answers, 50), percentile(o.answers, 99)]
                answered = "-" if target == "bare" else f"{o.answered_per_s:.0f}"
                line = f"{target:<11}{rate:>6}{o.sent:>7}"
                line += "".join(f"{c:>9.1f}" for c in cells)
                line += f"{answered:>11}{o.errors:>7}{o.twice:>6}{o.never:>11}"
                per = 1000 * o.cpu / len(o.answers) if o.answers else float("nan")
                line += "{:>11}".format("-" if target == "bare" else f"{per:.1f}")
                print(line, flush=True)


if __name__ == "__main__":
    main()
