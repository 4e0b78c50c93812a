"""How long `policybot` commands take from start to exit, as medians of several runs.

    python bench/cli_startup.py                 # this checkout
    python bench/cli_startup.py --tree OTHER    # another checkout, e.g. a worktree of a commit

Each command runs as a fresh process (`python -m adapters`, the `policybot` script) against a
scratch SQLite database made with `db upgrade`, the matcher cache warm (one `ask` run first).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS = [
    ["--help"],
    ["outbox"],
    ["cases", "list"],
    ["accounts", "list"],
    ["worker", "--once", "--now", "2026-12-07T09:00Z"],
    ["ask", "can I accept a friend request from a parent"],
]


def run(tree: Path, env: dict[str, str], args: list[str]) -> float:
    """Seconds for one run of the command in the tree; exits on failure."""
    # The console script's module: adapters/ since the redesign, bot/ before it.
    module = "adapters" if (tree / "adapters" / "__main__.py").exists() else "bot"
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", module, *args], cwd=tree, env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return elapsed


def main() -> None:
    """Print the median, min and max wall time of each command."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tree", type=Path, default=Path(__file__).resolve().parents[1])
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{scratch}/bench.db",
            "XDG_CACHE_HOME": f"{scratch}/cache",
            "PYTHONPATH": str(args.tree),
        }
        run(args.tree, env, ["db", "upgrade"])
        run(args.tree, env, COMMANDS[-1])  # fills the matcher cache
        print(f"{args.tree}: median of {args.runs} runs (min-max), seconds")
        for command in COMMANDS:
            times = [run(args.tree, env, command) for _ in range(args.runs)]
            label = "policybot " + " ".join(command)
            print(
                f"  {label:<58} {statistics.median(times):6.3f}  "
                f"({min(times):.3f}-{max(times):.3f})"
            )


if __name__ == "__main__":
    main()
