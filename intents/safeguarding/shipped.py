"""The safeguarding model fitted ahead of time and shipped beside the data it was fitted on.

Training needs scikit-learn and takes seconds (over ten on a slow machine), which every first
start after an install or an upgrade used to pay. `data/safeguarding_model.npz`, written by
`python bench/fit_safeguarding.py --write`, holds the fitted arrays and vocabularies (no pickle:
NumPy arrays and one JSON document) and a hash of what they were fitted on: the safeguarding
examples, the intents' phrasings and the code that turns text into features. When those have
changed since (a trust's own edits), the file is passed over and the model is trained on first
use, as before.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import numpy as np

from intents.knowledge import DATA, Lexicon
from intents.safeguarding.cues import SafeguardingCues
from intents.safeguarding.examples import SAFEGUARDING_DATA
from intents.safeguarding.model import SafeguardingModel

FILE = "safeguarding_model.npz"
_FORMAT = 1
_CODE = ("examples.py", "fitting.py", "windows.py")
"""The modules that decide what the model is fitted on and how text becomes features."""


def training_key(folder: Path = DATA) -> str:
    """A hash of everything the fitted model depends on: a different key, a different model."""
    h = hashlib.sha256(f"format {_FORMAT}".encode())
    here = Path(__file__).parent
    inputs = [
        *sorted((folder / SAFEGUARDING_DATA).glob("*.yaml")),
        *sorted((folder / "intents").glob("*.yaml")),
        *(here / name for name in _CODE),
    ]
    for path in inputs:
        h.update(f"\0{path.parent.name}/{path.name}\0".encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def save(model: SafeguardingModel, folder: Path = DATA) -> Path:
    """Write the model with the key of the folder it was fitted on."""
    words = sorted(model.word_vocab, key=model.word_vocab.__getitem__)
    chars = sorted(model.char_vocab, key=model.char_vocab.__getitem__)
    meta = {
        "key": training_key(folder),
        "words": words,
        "chars": chars,
        "intercept": model.intercept,
        "categories": list(model.categories),
        "vocabulary": model.vocabulary,
    }
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), dtype=np.uint8),
        idf=model.idf,
        coef=model.coef,
        category_coef=model.category_coef.astype(np.float32),
        category_intercept=model.category_intercept,
    )
    path = folder / FILE
    path.write_bytes(buffer.getvalue())
    return path


def load(lexicon: Lexicon, folder: Path = DATA) -> SafeguardingModel | None:
    """The shipped model when it was fitted on the folder as it is now, else None."""
    path = folder / FILE
    if not path.exists():
        return None
    with np.load(path, allow_pickle=False) as arrays:
        meta = _meta(arrays)
        if meta.get("key") != training_key(folder):
            return None
        offset = len(meta["words"])
        return SafeguardingModel(
            SafeguardingCues(lexicon),
            {w: i for i, w in enumerate(meta["words"])},
            {c: i + offset for i, c in enumerate(meta["chars"])},
            arrays["idf"],
            arrays["coef"],
            float(meta["intercept"]),
            arrays["category_coef"].astype(np.float64),
            arrays["category_intercept"],
            tuple(meta["categories"]),
            {k: list(v) for k, v in meta["vocabulary"].items()},
        )


def is_current(folder: Path = DATA) -> bool:
    """True when the shipped model was fitted on the folder as it is now."""
    path = folder / FILE
    if not path.exists():
        return False
    with np.load(path, allow_pickle=False) as arrays:
        return bool(_meta(arrays).get("key") == training_key(folder))


def _meta(arrays: Any) -> dict[str, Any]:
    """The file's JSON document: its key, vocabularies, intercept and categories."""
    meta: dict[str, Any] = json.loads(arrays["meta"].tobytes().decode())
    return meta
