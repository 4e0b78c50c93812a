"""`serve`'s own answer processes (ANSWER_PROCESSES=n): `policybot answer` children that
answer the inbox while `serve` only keeps and acknowledges events, so an acknowledgement never
waits behind an answer on the same core.

Each child is started again when it dies (after 1 s, doubling to 30 s while it keeps dying
within a minute of starting), and stopped when `serve` stops (Ctrl-C). A child whose `serve`
was killed or terminated (SIGTERM ends `serve` at once) stops by itself: it watches its parent,
rather than answering on unsupervised. The inbox makes all of this safe: an event a dead child
had claimed is claimed again once its lease runs out, and a reply it had queued is delivered by
the outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
import time
from collections.abc import Mapping, Sequence

log = logging.getLogger(__name__)

PARENT = "POLICYBOT_PARENT_PID"
"""Set in a child's environment: the `serve` process it answers for."""
FIRST_WAIT, LONGEST_WAIT, STEADY = 1.0, 30.0, 60.0
"""Seconds before a dead child is started again, at first and at most; a child that lived
this long counts as healthy, and the wait starts again from the first."""
STOP_WAIT = 10.0
"""Seconds a child has to finish after SIGTERM before it is killed."""


class AnswerProcesses:
    """`count` answer processes, kept running while `serve` runs."""

    def __init__(
        self,
        count: int,
        env: Mapping[str, str],
        command: Sequence[str] = (sys.executable, "-m", "adapters", "answer"),
    ) -> None:
        self._count = count
        self._env = {**env, "ANSWER_ELSEWHERE": "1", "ANSWER_PROCESSES": "0"}
        self._env[PARENT] = str(os.getpid())
        self._command = list(command)
        self._keepers: list[asyncio.Task[None]] = []
        self.running: dict[int, asyncio.subprocess.Process] = {}
        """The live child in each slot, by slot number."""

    def start(self) -> None:
        """Start the children (in the background: each loads the matcher on its own)."""
        self._keepers = [asyncio.create_task(self._keep(n)) for n in range(self._count)]

    async def stop(self) -> None:
        """Stop keeping the children, and stop them: SIGTERM, then SIGKILL after STOP_WAIT."""
        for keeper in self._keepers:
            keeper.cancel()
        await asyncio.gather(*self._keepers, return_exceptions=True)
        self._keepers = []
        await asyncio.gather(*(_stop(p) for p in self.running.values()))
        self.running.clear()

    async def _keep(self, slot: int) -> None:
        wait = FIRST_WAIT
        while True:
            started = time.monotonic()
            process = await asyncio.create_subprocess_exec(*self._command, env=self._env)
            self.running[slot] = process
            log.info("answer process %d started (pid %d)", slot + 1, process.pid)
            code = await process.wait()
            if time.monotonic() - started >= STEADY:
                wait = FIRST_WAIT
            log.error(
                "answer process %d (pid %d) exited with %s; starting another in %.0f s",
                *(slot + 1, process.pid, code, wait),
            )
            await asyncio.sleep(wait)
            wait = min(2 * wait, LONGEST_WAIT)


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.terminate()
    try:
        async with asyncio.timeout(STOP_WAIT):
            await process.wait()
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()


async def parent_gone() -> None:
    """Return once the `serve` that started this process (PARENT) has gone; never, in a
    process `serve` did not start (or where Linux's process file descriptors are missing)."""
    parent = os.environ.get(PARENT, "")
    if not parent.isdecimal() or not hasattr(os, "pidfd_open"):
        await asyncio.Event().wait()
    try:
        watch = os.pidfd_open(int(parent))
    except ProcessLookupError:
        return
    gone = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_reader(watch, gone.set)  # readable once the process has ended
    try:
        if os.getppid() == int(parent):  # not already adopted by another
            await gone.wait()
    finally:
        loop.remove_reader(watch)
        os.close(watch)
