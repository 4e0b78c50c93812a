"""The built matcher and safeguarding model kept on disk, so a new process skips building them.

The file is keyed by a hash of every data file and of the code that builds the matcher, so an edit
to either is a rebuild, never a stale answer. A cache that cannot be read or written only costs
the build, which is what every start did without it.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy
import rapidfuzz
import Stemmer

from intents.cache_dir import default_cache_dir
from intents.knowledge import DATA, KnowledgeBase, Lexicon
from intents.matcher import Matcher
from intents.safeguarding import SafeguardingModel, shipped

_HERE = Path(__file__).parent
_CODE = sorted(_HERE.glob("*.py")) + sorted((_HERE / "safeguarding").glob("*.py"))
"""The code a cached matcher was built by: all of it, so no module can be forgotten."""
T = TypeVar("T")


def fingerprint(folder: Path) -> str:
    """A hash of the data files, the matcher's code and the libraries that shape its terms."""
    h = hashlib.sha256(
        f"{sys.version}|{Stemmer.version()}|{rapidfuzz.__version__}|{numpy.__version__}".encode()
    )
    data = sorted(p for p in folder.rglob("*") if p.is_file())
    for path in [*data, *_CODE]:
        h.update(f"\0{path.name}\0{path.stat().st_size}\0".encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def load_matcher(folder: Path = DATA, cache_dir: Path | None = None) -> Matcher:
    """The matcher over the folder: from the cache when built from the same files, else built
    (validating the knowledge base) and saved for the next process."""
    return _cached(
        "matcher",
        folder,
        cache_dir,
        Matcher,
        lambda: Matcher(KnowledgeBase.load(folder), final_stage=folder),
    )


def load_safeguarding(
    folder: Path = DATA, cache_dir: Path | None = None, lexicon: Lexicon | None = None
) -> SafeguardingModel:
    """The safeguarding detector trained on the folder's examples: from the cache when trained
    on the same files with the same code, else the one shipped with the data when fitted on it
    as it is now, else trained (seconds, with scikit-learn); saved to the cache. `lexicon`: the
    folder's, when the caller has it already (loading the knowledge base takes a while)."""

    def train() -> SafeguardingModel:
        words = lexicon or KnowledgeBase.load(folder).lexicon
        return shipped.load(words, folder) or SafeguardingModel.train(words, folder)

    return _cached("safeguarding", folder, cache_dir, SafeguardingModel, train)


def _cached(
    name: str, folder: Path, cache_dir: Path | None, kind: type[T], build: Callable[[], T]
) -> T:
    where = cache_dir or default_cache_dir()
    if where is None:
        return build()
    key = fingerprint(folder)
    # One file per data folder: each checkout keeps its own, replaced whenever its files change.
    slot = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]
    path = where / f"{name}-{slot}.pickle"
    built = _read(path, key, kind)
    if built is None:
        built = build()
        _write(path, key, built)
    return built


def _read(path: Path, key: str, kind: type[T]) -> T | None:
    collecting = gc.isenabled()
    gc.disable()  # unpickling makes ~100k small objects; collecting meanwhile triples the time
    try:
        with path.open("rb") as f:
            if pickle.load(f) != key:
                return None
            built = pickle.load(f)
        return built if isinstance(built, kind) else None
    except Exception:  # missing, unreadable, truncated or written by other code: rebuild
        return None
    finally:
        if collecting:
            gc.enable()


def _write(path: Path, key: str, built: object) -> None:
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(key, f)
            pickle.dump(built, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # readers see the old file or the new one, never half of one
        tmp = None
    except OSError:  # read-only or full: the next start builds again
        pass
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
