"""YAML data files parsed and checked once per content, then read back from the user's cache.

Importing PyYAML is about a twentieth of `policybot worker --once` (its reader compiles a
large pattern), and validating with pydantic a third, for two small files read at every
start: the trust directory and the business case form. What a text loads and checks to is
kept, pickled so that dates stay dates and records stay records, under a hash of the text,
the loader, the code of PyYAML and StrictLoader and the code that checks it: any change
parses and checks again, and a text that does not parse or pass raises as before and is
never kept.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from intents.cache_dir import MISSING, default_cache_dir, read_pickle, write_pickle

_CODE = (Path(__file__), Path(__file__).with_name("strict_yaml.py"))
"""Our code that shapes what a text loads to."""
_T = TypeVar("_T")


def load(text: str, *, strict: bool, cache_as: str, cache_dir: Path | None = None) -> Any:
    """yaml.load(text) with StrictLoader (strict: a key twice is refused) or the safe loader,
    both libyaml's when present; from the cache file `cache_as` when this text loaded before.

    Raises yaml.YAMLError as yaml.load does."""
    return load_checked(text, strict=strict, cache_as=cache_as, check=_as_is, cache_dir=cache_dir)


def load_checked(
    text: str,
    *,
    strict: bool,
    cache_as: str,
    check: Callable[[Any], _T],
    code: Iterable[Path] = (),
    cache_dir: Path | None = None,
) -> _T:
    """check(what `load` returns for the text), from the cache file `cache_as` when this text
    was checked before by the same `code` (the files `check` is written in).

    Raises yaml.YAMLError as yaml.load does, and whatever `check` raises."""
    where = cache_dir or default_cache_dir()
    key = _key(text, strict, (*_CODE, *code))
    path = None if where is None or key is None else where / f"yaml-{cache_as}.pickle"
    if path is not None and key is not None:
        kept = read_pickle(path, key)
        if kept is not MISSING:
            return kept  # type: ignore[no-any-return]
    import yaml

    from intents.strict_yaml import StrictLoader

    loader = StrictLoader if strict else getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    checked = check(yaml.load(text, Loader=loader))
    if path is not None and key is not None:
        write_pickle(path, key, checked)
    return checked


def _as_is(data: Any) -> Any:
    return data


def is_yaml_error(error: BaseException) -> bool:
    """Whether the error is PyYAML's (only parsing raises one, so PyYAML is loaded by then)."""
    yaml = sys.modules.get("yaml")
    return yaml is not None and isinstance(error, yaml.YAMLError)


def _key(text: str, strict: bool, code: Iterable[Path]) -> str | None:
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
        for file in code:
            h.update(b"\0" + file.read_bytes())
    except OSError:
        return None
    h.update(b"\0" + text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()
