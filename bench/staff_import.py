"""Speed of bringing in a trust's staff: a 5,000-row CSV import and a 5,000-user Graph sync.

Each run starts from a fresh SQLite database holding the demo trust (with @HolyCrossHistory
registered), then times, end to end as the command runs them (validation, the diff, the
report, the save, the running process taking the new directory up):

- import: `policybot directory import` of a CSV with the demo staff and 4,987 more;
- sync: `policybot directory sync` of 5,000 users from a local server that plays Graph, in
  pages of 999 with one page throttled (Retry-After: 0).

Prints the median (min, max) of several runs. Target: each under 10 s.

    python bench/staff_import.py [--runs 5] [--people 5000]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import App, build_app  # noqa: E402
from bot.cli.directory import directory_import, directory_sync  # noqa: E402
from bot.model.directory_file import DEMO_TRUST, load_directory  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.storage.database import upgrade  # noqa: E402
from tests.fake_graph import FakeGraph, graph_env, user  # noqa: E402
from tests.fakes import LocalServer  # noqa: E402

TARGET = 10.0
"""Seconds each should take at most."""
ACADEMIES = ("st-marys", "holy-cross")


def csv_text(people: int) -> str:
    """The demo staff and enough more to make `people` rows, as an MIS export."""
    demo = load_directory(DEMO_TRUST)
    rows = ["Staff ID,Name,Email,Role,Academy,Payroll"]
    rows += [f"{p.id},{p.name},{p.email},{p.role},{p.academy or ''},x" for p in demo.people]
    for n in range(people - len(demo.people)):
        role = "teacher" if n % 3 else "support"
        rows.append(f"S{n:05d},Staff Member {n},s{n}@bench.example.org,{role},{ACADEMIES[n % 2]},x")
    return "\n".join(rows) + "\n"


def graph_users(people: int) -> list[dict[str, object]]:
    """The demo staff and enough more to make `people` Entra users."""
    demo = load_directory(DEMO_TRUST)
    users = []
    for i, p in enumerate(demo.people):
        academy = demo.academy(p.academy) if p.academy else None
        object_id = p.teams_id or f"55555555-0000-4000-8000-{i:012d}"
        users.append(user(object_id, p.name, p.email, p.role, academy.name if academy else ""))
    for n in range(people - len(demo.people)):
        object_id = f"44444444-0000-4000-8000-{n:012d}"
        job = "Teacher" if n % 3 else "Teaching Assistant"
        users.append(
            user(object_id, f"Staff Member {n}", f"s{n}@bench.example.org", job, ACADEMIES[n % 2])
        )
    return users


async def timed(env: dict[str, str], command: Callable[[App], Awaitable[None]]) -> float:
    """Seconds for the command on a fresh database."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        await upgrade(url)
        app = await build_app(Settings.from_env({"DATABASE_URL": url, **env}))
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                start = time.perf_counter()
                await command(app)
                took = time.perf_counter() - start
            stored = await app.staff.load()
            assert stored is not None, "nothing was saved"
            assert len(app.directory.people) == len(stored.directory.people)
            return took
        finally:
            await app.close()


async def bench(runs: int, people: int) -> dict[str, list[float]]:
    """Times of each kind, `runs` times."""
    times: dict[str, list[float]] = {"import": [], "sync": []}
    with tempfile.TemporaryDirectory() as folder:
        staff = Path(folder) / "staff.csv"
        staff.write_text(csv_text(people), encoding="utf-8")
        fake = FakeGraph(graph_users(people), page_size=999, retry_after="0")
        server = LocalServer(fake.handle)
        fake.server = server
        await server.start()
        try:
            plain = argparse.Namespace(dry_run=False, assign=[], by=None, map=[])
            do_import = argparse.Namespace(**vars(plain), file=str(staff))
            for _ in range(runs):
                times["import"].append(
                    await timed({}, lambda app: directory_import(app, do_import))
                )
                fake.throttle = {2}
                times["sync"].append(
                    await timed(graph_env(server), lambda app: directory_sync(app, plain))
                )
        finally:
            await server.close()
    return times


def main() -> int:
    """Run the bench and print the medians; exit 1 when one is over the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--people", type=int, default=5000)
    args = parser.parse_args()
    times = asyncio.run(bench(args.runs, args.people))
    slow = False
    for kind, values in times.items():
        median = statistics.median(values)
        slow = slow or median > TARGET
        print(
            f"{kind}: {args.people} people: median {median:.2f} s "
            f"(min {min(values):.2f}, max {max(values):.2f}, {len(values)} runs; "
            f"target under {TARGET:.0f} s)"
        )
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
