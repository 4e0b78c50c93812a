"""Where policybot keeps what it computes once and reads back on later starts, and how.

A cached value is stored with the key it was computed for (a hash of what it came from), so
a changed source is a recomputation, never a stale answer; a cache that cannot be read or
written only costs the computation, which is what every start did without it.
"""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path
from typing import Any

MISSING: Any = object()
"""What read_pickle returns when nothing is saved for the key (None may be a saved value)."""


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
    """Save the value (JSON data) for `key` at `path`; skipped when it cannot be."""
    _replace(path, json.dumps({"key": key, "value": value}).encode())


def read_pickle(path: Path, key: str) -> Any:
    """The value pickled at `path` for `key`; MISSING when missing, unreadable or another key's."""
    try:
        with path.open("rb") as f:
            if pickle.load(f) != key:
                return MISSING
            return pickle.load(f)
    except Exception:  # missing, unreadable, truncated or written by other code
        return MISSING


def write_pickle(path: Path, key: str, value: Any) -> None:
    """Save the value (anything pickle keeps exactly) for `key` at `path`; skipped when it
    cannot be."""
    _replace(path, pickle.dumps(key) + pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def _replace(path: Path, content: bytes) -> None:
    """Write the file whole or not at all: readers see the old one or the new one."""
    import tempfile

    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        os.replace(tmp, path)
        tmp = None
    except OSError:  # read-only or full: the next start computes it again
        pass
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
