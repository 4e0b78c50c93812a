"""The one exception type the command line prints as a message instead of a traceback, and
how any other failure is described in logs."""

from __future__ import annotations

import traceback
from pathlib import Path


class UserError(Exception):
    """A problem the person running policybot can fix; its message says what to do."""


def failure(exc: BaseException) -> str:
    """An exception for the logs: its type and where it was raised, never its message or a
    traceback (either can quote what someone wrote, or a value a statement carried)."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return type(exc).__name__
    last = frames[-1]
    return f"{type(exc).__name__} at {Path(last.filename).name}:{last.lineno} in {last.name}"
