"""The cyclic garbage collector in long-running processes (`serve`, `answer`, `worker`)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


def settle_startup_objects() -> None:
    """Leave everything built so far out of garbage collection, until gc.unfreeze(), and
    collect from now on (the command line starts with the collector off).

    The app (directory, intents, matcher, engines) lives as long as the process, yet every
    full collection walks all of it: about 30 ms for the matcher and the safeguarding model
    alone, spent in one pass of the event loop, so every request waiting on that pass waits
    too. In the worker, a pass queueing thousands of alerts triggers one.
    """
    gc.collect()
    gc.freeze()
    gc.enable()


@contextlib.contextmanager
def startup_objects_settled() -> Iterator[None]:
    """`settle_startup_objects()` for the life of a process's main loop, unfrozen after."""
    settle_startup_objects()
    try:
        yield
    finally:
        gc.unfreeze()
