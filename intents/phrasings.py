"""Each intent's phrasings, spelled as questions are, for the fuzzy ratios of the final stage."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from intents.knowledge import Intent

Shares = Callable[[str], Mapping[str, float]]
"""A phrasing's terms with each one's share of a cosine with it."""
Pool = tuple[dict[str, tuple[int, int]], npt.NDArray[np.intp], npt.NDArray[np.float64]]
"""Postings of an intent's phrasings: per term, where its entries run in the two arrays of the
positions of the phrasings using it (ascending) and the term's share of their cosine."""


class Phrasings:
    """The phrasings of every intent, shortest first, with the ratios that compare a question
    with them word by word (rapidfuzz), typos and function words included."""

    LENGTH = 1.5
    """Phrasings up to this many times the question's length (plus 10 characters) are compared
    with it by the token set ratio."""
    POOL = 40
    """Of those, at most this many: the ones sharing most (rare) terms with the question. An
    intent has about 65 phrasings on average and a few out-of-scope ones 1,000; the ratios were
    a third of the time of answering a question. Against 120, this pool cut the time of a warm
    answer by a tenth and left the final stage (refitted on the ratios so found) as it was:
    83.5% of in-scope questions right and 94.6% of out-of-scope declined, cross-validated on
    the read questions by bench/fit_final.py (83.4% and 94.6% with 120)."""

    def __init__(
        self, intents: Sequence[Intent], spelled: Callable[[str], str], shares: Shares
    ) -> None:
        """`spelled` spells a text as the matcher does; `shares` weighs a phrasing's terms."""
        self._spelled = spelled
        self._texts: dict[str, list[str]] = {}
        self._sorted: dict[str, list[str]] = {}
        self._lengths: dict[str, list[int]] = {}
        self._pools: dict[str, Pool] = {}
        for intent in intents:
            ordered = sorted(((spelled(e), e) for e in intent.examples), key=lambda p: len(p[0]))
            self._texts[intent.id] = [text for text, _ in ordered]
            self._sorted[intent.id] = [_sorted_words(text) for text, _ in ordered]
            self._lengths[intent.id] = [len(text) for text, _ in ordered]
            if len(ordered) > self.POOL:
                self._pools[intent.id] = _pool([e for _, e in ordered], shares)

    def set_ratio(
        self, question: str, intent: str, weights: Callable[[], Mapping[str, float]]
    ) -> float:
        """How nearly all the words of one of the intent's phrasings are in the question (the
        token set ratio, 0 to 1). Phrasings much longer than the question are left out: the
        ratio is as high for a short question whose words all appear in a long story as for
        the reverse, and only the reverse is a fit. `weights` are the question's terms."""
        text = self._spelled(question)
        limit = self.LENGTH * len(text) + 10
        near = self._texts[intent][: bisect.bisect_right(self._lengths[intent], limit)]
        if len(near) > self.POOL:
            near = self._nearest(weights(), intent, near)
        found = process.extractOne(text, near, scorer=fuzz.token_set_ratio)
        return found[1] / 100 if found else 0.0

    def sort_ratio(self, question: str, intent: str, slack: float) -> float:
        """The token sort ratio against the intent's nearest phrasing of similar length (half
        to twice the question's, give or take `slack` characters). The phrasings' words are
        sorted once, when they are read: the plain ratio of sorted words is the token sort
        ratio, at a third of the time of sorting each phrasing's again for every question."""
        text = self._spelled(question)
        lengths = self._lengths[intent]
        low, high = len(text) / 2 - slack, 2 * len(text) + slack
        near = self._sorted[intent][
            bisect.bisect_left(lengths, low) : bisect.bisect_right(lengths, high)
        ]
        found = process.extractOne(_sorted_words(text), near, scorer=fuzz.ratio)
        return found[1] / 100 if found else 0.0

    def _nearest(
        self, weights: Mapping[str, float], intent: str, phrasings: list[str]
    ) -> list[str]:
        """The `POOL` of the phrasings (a prefix of the intent's) nearest the question."""
        spans, positions, shares = self._pools[intent]
        n = len(phrasings)
        near = np.zeros(n)
        for t, x in weights.items():
            if (span := spans.get(t)) is not None:
                start, end = span
                end = start + int(np.searchsorted(positions[start:end], n))
                near[positions[start:end]] += x * shares[start:end]
        chosen = np.sort(np.argpartition(-near, self.POOL)[: self.POOL])
        return [phrasings[j] for j in chosen]


def _sorted_words(text: str) -> str:
    """The text's words in sorted order, as rapidfuzz's token sort ratio orders them."""
    return " ".join(sorted(text.split()))


def _pool(ordered: list[str], shares: Shares) -> Pool:
    """Per term, the positions of the phrasings using it (ascending) with the term's share of
    their cosine: the postings that choose `Phrasings.POOL` of them, all terms' in two arrays
    (thousands of small ones made the cached matcher slow to load)."""
    by_term: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for position, example in enumerate(ordered):
        for t, share in shares(example).items():
            by_term[t].append((position, share))
    spans: dict[str, tuple[int, int]] = {}
    hits: list[tuple[int, float]] = []
    for t, found in by_term.items():
        spans[t] = (len(hits), len(hits) + len(found))
        hits += found
    positions = np.array([p for p, _ in hits], dtype=np.intp)
    return spans, positions, np.array([s for _, s in hits], dtype=np.float64)
