"""YAML data files parsed once per content, then read back from the user's cache.

Importing PyYAML is about a twentieth of `policybot worker --once` (its reader compiles a
large pattern), for two small files read at every start: the trust directory and the business
case form. What the loader returns for a text is kept, pickled so that dates stay dates, under
a hash of the text, the loader and the code of PyYAML and StrictLoader: any change parses
again, and a text that does not parse raises as before and is never kept.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from pathlib import Path
from typing import Any

from intents.cache_dir import MISSING, default_cache_dir, read_pickle, write_pickle

_CODE = (Path(__file__), Path(__file__).with_name("strict_yaml.py"))
"""Our code that shapes what a text loads to."""


def load(text: str, *, strict: bool, cache_as: str, cache_dir: Path | None = None) -> Any:
    """yaml.load(text) with StrictLoader (strict: a key twice is refused) or the safe loader,
    both libyaml's when present; from the cache file `cache_as` when this text loaded before.

    Raises yaml.YAMLError as yaml.load does."""
    where = cache_dir or default_cache_dir()
    key = _key(text, strict)
    path = None if where is None or key is None else where / f"yaml-{cache_as}.pickle"
    if path is not None and key is not None:
        data = read_pickle(path, key)
        if data is not MISSING:
            return data
    import yaml

    from intents.strict_yaml import StrictLoader

    loader = StrictLoader if strict else getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(text, Loader=loader)
    if path is not None and key is not None:
        write_pickle(path, key, data)
    return data


def is_yaml_error(error: BaseException) -> bool:
    """Whether the error is PyYAML's (only parsing raises one, so PyYAML is loaded by then)."""
    yaml = sys.modules.get("yaml")
    return yaml is not None and isinstance(error, yaml.YAMLError)


def _key(text: str, strict: bool) -> str | None:
    """A hash of the text, the loader and the code; None when the code cannot be found."""
    spec = importlib.util.find_spec("yaml")
    if spec is None or spec.origin is None:
        return None
    h = hashlib.sha256(b"strict" if strict else b"safe")
    try:
        with os.scandir(Path(spec.origin).parent) as entries:  # an upgrade rewrites them all
            files = sorted((e.name, e.stat()) for e in entries if e.is_file())
        for name, stat in files:
            h.update(f"\0{name}:{stat.st_mtime_ns}:{stat.st_size}".encode())
        for file in _CODE:
            h.update(b"\0" + file.read_bytes())
    except OSError:
        return None
    h.update(b"\0" + text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()
