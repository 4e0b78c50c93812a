"""How well the safeguarding detector spots concerns, and how rarely it raises false alarms.

    python bench/safeguarding.py FILE.jsonl [--failures [--spent]]
    python bench/safeguarding.py --cv [--folds 5] [--failures]

FILE.jsonl holds records {"id", "text", "concern": bool, "category", "style"}. The model is
loaded the way the bot loads it (the knowledge base from the matcher's cache, then the trained
model from its own cache, trained on first use), and the file is scored with `is_concern` (the
cue floor or the model). Prints recall per category and per style, overall recall and the
false-alarm rate (flagged non-concerns / non-concerns), with the cue floor alone beside it;
--failures lists the misses and false alarms, except for a file whose name says it is blind,
whose misses are not listed (reading them would unblind it) unless --spent says the set has
already been measured once and is spent (its figures measure nothing after that).

--cv cross-validates on the training data instead (data/safeguarding/*.yaml and the intents'
phrasings as negatives): each fold's model is fitted without that fold, then scores it. It
prints the same figures, false alarms per negative group, and a threshold sweep.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from intents.cache import load_matcher, load_safeguarding  # noqa: E402
from intents.knowledge import Lexicon  # noqa: E402
from intents.safeguarding.examples import (  # noqa: E402
    CONTRAST,
    INTENTS,
    Example,
    load_examples,
    load_vocabulary,
)
from intents.safeguarding.fitting import fit  # noqa: E402
from intents.safeguarding.model import (  # noqa: E402
    GENERAL_THRESHOLD,
    SafeguardingModel,
    is_general_question,
)
from intents.safeguarding.windows import CUE_THRESHOLD  # noqa: E402


def _pct(hit: int, n: int) -> str:
    return f"{100 * hit / n:5.1f}% ({hit}/{n})" if n else "    -"


def report(
    records: Sequence[dict[str, Any]],
    flagged: Sequence[bool],
    floor: Sequence[bool],
    *,
    failures: bool,
    scores: Sequence[float] | None = None,
) -> None:
    """Recall per category and style, overall recall and false-alarm rate; misses if asked."""
    by_cat: dict[str, list[bool]] = defaultdict(list)
    by_style: dict[str, list[bool]] = defaultdict(list)
    neg_groups: dict[str, list[bool]] = defaultdict(list)
    pos = [(r, f, c) for r, f, c in zip(records, flagged, floor, strict=True) if r["concern"]]
    neg = [(r, f, c) for r, f, c in zip(records, flagged, floor, strict=True) if not r["concern"]]
    for r, f, _ in pos:
        by_cat[str(r.get("category") or "-")].append(f)
        by_style[str(r.get("style") or "-")].append(f)
    for r, f, _ in neg:
        neg_groups[str(r.get("style") or r.get("category") or "-")].append(f)
    print("Recall per category")
    for cat in sorted(by_cat):
        print(f"  {cat:<22} {_pct(sum(by_cat[cat]), len(by_cat[cat]))}")
    print("Recall per style")
    for style in sorted(by_style):
        print(f"  {style:<22} {_pct(sum(by_style[style]), len(by_style[style]))}")
    if len(neg_groups) > 1:
        print("False alarms per group")
        for group in sorted(neg_groups):
            print(f"  {group:<22} {_pct(sum(neg_groups[group]), len(neg_groups[group]))}")
    print(f"Recall            {_pct(sum(f for _, f, _ in pos), len(pos))}")
    print(f"False alarms      {_pct(sum(f for _, f, _ in neg), len(neg))}")
    print(f"  cue floor alone: recall {_pct(sum(c for *_, c in pos), len(pos))}, ", end="")
    print(f"false alarms {_pct(sum(c for *_, c in neg), len(neg))}")
    if failures:
        score_of = dict(zip((id(r) for r in records), scores or [], strict=False))
        print("\nMisses")
        for r, f, _ in pos:
            if not f:
                s = score_of.get(id(r))
                print(f"  [{r.get('category')}/{r.get('style')}] {_score(s)}{r['text']}")
        print("\nFalse alarms")
        for r, f, c in neg:
            if f:
                s = score_of.get(id(r))
                why = "cue" if c else "model"
                print(f"  [{r.get('style')}; {why}] {_score(s)}{r['text']}")


def _score(s: float | None) -> str:
    return "" if s is None else f"{s:.2f} "


def evaluate_file(path: Path, *, failures: bool, spent: bool = False) -> None:
    """Score a JSONL file with the model as the bot loads it."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    t0 = time.perf_counter()
    model = load_safeguarding()
    loaded = time.perf_counter() - t0
    texts = [str(r["text"]) for r in records]
    t0 = time.perf_counter()
    flagged = [model.is_concern(t) for t in texts]
    per = (time.perf_counter() - t0) / max(len(texts), 1)
    floor = [model.cues.is_concern(t) for t in texts]
    blind = "blind" in path.name.lower() and not spent
    if spent:
        print(f"{path.name} is SPENT: these figures are not blind.")
    print(f"{path.name}: {len(records)} records; model loaded in {loaded:.2f} s, ", end="")
    print(f"{per * 1e3:.3f} ms a message\n")
    report(
        records,
        flagged,
        floor,
        failures=failures and not blind,
        scores=[model.score(t) for t in texts] if failures and not blind else None,
    )
    if failures and blind:
        print("\n(the misses of a blind set are not listed)")


def _folds(examples: Sequence[Example], k: int, seed: int) -> list[int]:
    """A fold for each example, stratified by category (negatives by group); -1 for generated
    examples, which are always trained on and never tested."""
    strata: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(examples):
        if e.style != CONTRAST:
            strata[e.category or f"neg:{e.style}"].append(i)
    fold = [-1] * len(examples)
    rng = random.Random(seed)
    offset = 0
    for key in sorted(strata):
        idx = strata[key]
        rng.shuffle(idx)
        for j, i in enumerate(idx):
            fold[i] = (j + offset) % k
        offset += len(idx)
    return fold


def _own_negative(e: Example) -> bool:
    return not e.concern and e.style not in (INTENTS, CONTRAST)


def cross_validate(lexicon: Lexicon, k: int, seed: int, *, failures: bool) -> None:
    """Fit k models, each without one fold, and score the fold it left out (generated contrast
    examples are in every fold's training and in no test)."""
    examples = load_examples()
    vocabulary = load_vocabulary()
    fold = _folds(examples, k, seed)
    scores: dict[int, float] = {}
    whole: dict[int, float] = {}
    category_hits: list[bool] = []
    fit_times: list[float] = []
    model: SafeguardingModel | None = None
    for f in range(k):
        train = [e for e, g in zip(examples, fold, strict=True) if g != f]
        t0 = time.perf_counter()
        model = SafeguardingModel.from_fitted(lexicon, fit(train, vocabulary))
        fit_times.append(time.perf_counter() - t0)
        for i, (e, g) in enumerate(zip(examples, fold, strict=True)):
            if g == f:
                scores[i] = model.score(e.text)
                whole[i] = 1 / (1 + math.exp(-model.decision(e.text)))
                if e.category is not None and model.is_concern(e.text):
                    category_hits.append(model.category(e.text) == e.category)
    assert model is not None
    tested = sorted(scores)
    floor = {i: model.cues.is_concern(examples[i].text) for i in tested}
    records = [
        {
            "text": examples[i].text,
            "concern": examples[i].concern,
            "category": examples[i].category,
            "style": examples[i].style,
        }
        for i in tested
    ]
    npos = sum(examples[i].concern for i in tested)
    print(
        f"{k}-fold cross-validation on {len(tested)} examples ({npos} concerns, "
        f"{len(tested) - npos} not; {len(examples) - len(tested)} generated contrasts trained on "
        f"only); fitting took {statistics.median(fit_times):.2f} s a fold\n"
    )
    bars = {i: model.bar(examples[i].text) for i in tested}
    report(
        records,
        [scores[i] >= bars[i] for i in tested],
        [floor[i] for i in tested],
        failures=failures,
        scores=[scores[i] for i in tested],
    )
    print(f"Category right   {_pct(sum(category_hits), len(category_hits))} of flagged concerns")
    _sweep(
        [examples[i] for i in tested],
        [scores[i] for i in tested],
        [whole[i] for i in tested],
        [floor[i] for i in tested],
    )


def _sweep(
    examples: Sequence[Example],
    scores: Sequence[float],
    whole: Sequence[float],
    cue: Sequence[bool],
) -> None:
    """Recall and false alarms for thresholds t, the cue floor's bar min(CUE_THRESHOLD, t) and a
    general question's max(GENERAL_THRESHOLD, t), on the windows' score and the whole's."""
    print(
        f"\nThreshold sweep (bar t; min(t, {CUE_THRESHOLD}) for a cue hit; at least "
        f"{GENERAL_THRESHOLD} for a general question): recall / false alarms"
    )
    general = [is_general_question(e.text) for e in examples]
    pos = [i for i, e in enumerate(examples) if e.concern]
    neg = [i for i, e in enumerate(examples) if not e.concern]
    own = [i for i in neg if _own_negative(examples[i])]
    for t in (0.05, 0.08, 0.1, 0.12, 0.15, 0.2, 0.3, 0.4, 0.5):
        for name, sc in (("windows", scores), ("whole only", whole)):

            def hit(i: int, t: float = t, sc: Sequence[float] = sc) -> bool:
                bar = min(CUE_THRESHOLD, t) if cue[i] else t
                return sc[i] >= (max(bar, GENERAL_THRESHOLD) if general[i] and not cue[i] else bar)

            rec = sum(map(hit, pos)) / len(pos)
            fa = sum(map(hit, neg)) / len(neg)
            fa_own = sum(map(hit, own)) / max(len(own), 1)
            print(
                f"  t={t:.2f} {name:<10}  recall {100 * rec:5.1f}%  false alarms {100 * fa:4.1f}%"
                f"  (own hard negatives {100 * fa_own:4.1f}%)"
            )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", type=Path, help="JSONL of labelled messages")
    parser.add_argument("--cv", action="store_true", help="cross-validate on the training data")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--failures", action="store_true", help="list misses and false alarms")
    parser.add_argument(
        "--spent", action="store_true", help="the blind FILE was measured once: list its failures"
    )
    args = parser.parse_args(argv)
    if args.cv:
        cross_validate(load_matcher().kb.lexicon, args.folds, args.seed, failures=args.failures)
    elif args.file:
        evaluate_file(args.file, failures=args.failures, spent=args.spent)
    else:
        parser.error("give a FILE.jsonl or --cv")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
