"""Which version of the policy is live, as the worker and the server read it at every start.

KnowledgeBase.current_policy validates the whole of clauses.yaml, with the knowledge base's
models, for the four fields of its header: about 15 ms. The first process to see a content of
the file does that and keeps the header in the user's cache, keyed by a hash of the file and
of the code that validates it; later ones read it back. An edit to either is validated again,
and a file that does not validate is never cached.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path

from intents.cache_dir import default_cache_dir, read_json, write_json

DATA = Path(__file__).parent / "data"
"""The bundled knowledge base: the policy's clauses, the intents and the lexicon."""
_VALIDATING = (Path(__file__), Path(__file__).with_name("knowledge.py"))
"""The code a cached header was validated by."""


@dataclass(frozen=True, slots=True)
class Policy:
    """Which policy the clauses come from."""

    title: str
    version: str
    date: str
    published: str | None = None
    """When this version was published with `policybot policy publish` (ISO 8601)."""


def live_policy(folder: Path = DATA, cache_dir: Path | None = None) -> Policy:
    """The policy clauses.yaml in `folder` is from, as KnowledgeBase.current_policy says
    (KnowledgeError when the file does not validate), from the cache when seen before."""
    where = cache_dir or default_cache_dir()
    key = _key(folder)
    path = None if where is None or key is None else where / "live-policy.json"
    saved = read_json(path, key) if path is not None and key is not None else None
    if isinstance(saved, dict):
        try:
            return Policy(**saved)
        except TypeError:  # saved by other code: validated again
            pass
    from intents.knowledge import KnowledgeBase

    policy = KnowledgeBase.current_policy(folder)
    if path is not None and key is not None and _key(folder) == key:  # not edited meanwhile
        write_json(path, key, asdict(policy))
    return policy


def _key(folder: Path) -> str | None:
    """A hash of clauses.yaml and of the code validating it; None when one cannot be read."""
    h = hashlib.sha256()
    try:
        for file in (folder / "clauses.yaml", *_VALIDATING):
            h.update(file.read_bytes())
            h.update(b"\0")
    except OSError:
        return None
    return h.hexdigest()
