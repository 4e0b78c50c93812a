"""Where policybot keeps what it computes once and reads back on later starts, and how.

A cached value is stored with the key it was computed for (a hash of what it came from), so
a changed source is a recomputation, never a stale answer; a cache that cannot be read or
written only costs the computation, which is what every start did without it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def default_cache_dir() -> Path | None:
    """$XDG_CACHE_HOME/policybot, else ~/.cache/policybot; None when there is no home."""
    base = os.environ.get("XDG_CACHE_HOME")
    if base:
        return Path(base) / "policybot"
    try:
        return Path.home() / ".cache" / "policybot"
    except RuntimeError:
        return None


def read_json(path: Path, key: str) -> Any | None:
    """The value saved at `path` for `key`; None when missing, unreadable or for another key."""
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        return saved["value"] if saved["key"] == key else None
    except (OSError, ValueError, TypeError, KeyError):
        return None


def write_json(path: Path, key: str, value: Any) -> None:
    """Save the value for `key` at `path` (whole or not at all); skipped when it cannot be."""
    import tempfile

    document = json.dumps({"key": key, "value": value})
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(document)
        os.replace(tmp, path)  # readers see the old file or the new one, never half of one
        tmp = None
    except OSError:  # read-only or full: the next start computes it again
        pass
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
