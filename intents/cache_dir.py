"""Where policybot keeps what it computes once and reads back on later starts."""

from __future__ import annotations

import os
from pathlib import Path


def default_cache_dir() -> Path | None:
    """$XDG_CACHE_HOME/policybot, else ~/.cache/policybot; None when there is no home."""
    base = os.environ.get("XDG_CACHE_HOME")
    if base:
        return Path(base) / "policybot"
    try:
        return Path.home() / ".cache" / "policybot"
    except RuntimeError:
        return None
