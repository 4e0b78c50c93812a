"""Fit the safeguarding model and ship it: intents/data/safeguarding_model.npz.

Run after changing data/safeguarding/*.yaml, the intents' phrasings (they are its ordinary
questions) or the code that turns text into features (intents/safeguarding/examples.py,
fitting.py, windows.py); `policybot intents check` says when the shipped file is out of date.
Until it is refitted, a first start trains the model itself (seconds, with scikit-learn).

    python bench/fit_safeguarding.py [--write]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from intents.knowledge import DATA, KnowledgeBase  # noqa: E402
from intents.safeguarding import SafeguardingModel, shipped  # noqa: E402
from intents.safeguarding.examples import load_examples  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help=f"write intents/data/{shipped.FILE}")
    args = ap.parse_args()
    lexicon = KnowledgeBase.load(DATA).lexicon
    start = time.perf_counter()
    model = SafeguardingModel.train(lexicon, DATA)
    print(f"trained in {time.perf_counter() - start:.1f} s; current: {shipped.is_current(DATA)}")
    if not args.write:
        return
    path = shipped.save(model, DATA)
    start = time.perf_counter()
    loaded = shipped.load(lexicon, DATA)
    took = time.perf_counter() - start
    assert loaded is not None, "the file just written does not match the data"
    texts = [e.text for e in load_examples(DATA)]
    worst = max(abs(model.score(t) - loaded.score(t)) for t in texts)
    same = sum(model.is_concern(t) == loaded.is_concern(t) for t in texts)
    print(
        f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB), loads in {took * 1000:.0f} ms; "
        f"{same}/{len(texts)} training texts flagged alike, largest score difference {worst:.1e}"
    )


if __name__ == "__main__":
    main()
