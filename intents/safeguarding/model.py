"""The detector as plain data: NumPy scoring over the cue floor, picklable."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np

from intents.knowledge import DATA, Lexicon
from intents.safeguarding.cues import SafeguardingCues
from intents.safeguarding.examples import SAFEGUARDING_DATA, load_examples, load_vocabulary
from intents.safeguarding.fitting import Fitted, fit
from intents.safeguarding.windows import (
    CHAR_NGRAMS,
    CUE_THRESHOLD,
    THRESHOLD,
    TOKEN,
    WINDOW_PENALTY,
    WORD_NGRAMS,
    Preprocessor,
    spans,
)

_MEMO_SIZE = 50_000
_RECENT = 64
"""Messages whose scores are remembered: the bot asks about a message twice (before any form
sees it, and again when answering it), the messages of a batch taking turns in between."""


# ---------------------------------------------------------------------------------------------
# The model as plain data


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


class SafeguardingModel:
    """A learned concern detector over the cue floor; plain dicts and NumPy arrays, picklable."""

    def __init__(
        self,
        cues: SafeguardingCues,
        word_vocab: dict[str, int],
        char_vocab: dict[str, int],
        idf: np.ndarray,
        coef: np.ndarray,
        intercept: float,
        category_coef: np.ndarray,
        category_intercept: np.ndarray,
        categories: tuple[str, ...],
        vocabulary: dict[str, list[str]],
        threshold: float = THRESHOLD,
        cue_threshold: float = CUE_THRESHOLD,
    ) -> None:
        self.cues = cues
        self.word_vocab = word_vocab
        """Word n-gram -> column; columns after the words' are char n-grams."""
        self.char_vocab = char_vocab
        """Char n-gram -> column, counted from len(word_vocab)."""
        self.idf = idf
        self.coef = coef
        self.intercept = intercept
        self.category_coef = category_coef
        """Columns x categories."""
        self.category_intercept = category_intercept
        self.categories = categories
        self.vocabulary = vocabulary
        """The vocabulary groups the preprocessor tags words with."""
        self.threshold = threshold
        self.cue_threshold = cue_threshold
        self._derive()

    def _derive(self) -> None:
        """Plain-Python copies of the weights for per-term lookups, and an empty memo."""
        self._idf2: list[float] = (self.idf * self.idf).tolist()
        self._weight: list[float] = (self.idf * self.coef).tolist()
        self._memo: dict[str, tuple[list[str], list[int]]] = {}
        self._recent: dict[str, tuple[float, str]] = {}
        self._prep = Preprocessor(self.vocabulary)

    def __getstate__(self) -> dict[str, Any]:
        """What a pickle keeps: the arrays and dicts, not the derived lists or the memo."""
        state = dict(vars(self))
        for derived in ("_idf2", "_weight", "_memo", "_recent", "_prep"):
            del state[derived]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        vars(self).update(state)
        self._derive()

    @classmethod
    def train(cls, lexicon: Lexicon, folder: Path = DATA) -> SafeguardingModel:
        """Fit on the examples of the data folder (data/safeguarding/*.yaml and the intents'
        phrasings as ordinary questions; data/safeguarding itself is taken to mean its data
        folder). Imports scikit-learn; a few seconds."""
        folder = data_folder(folder)
        return cls.from_fitted(lexicon, fit(load_examples(folder), load_vocabulary(folder)))

    @classmethod
    def from_fitted(cls, lexicon: Lexicon, fitted: Fitted) -> SafeguardingModel:
        """Export fitted scikit-learn objects to plain arrays and dicts."""
        word = fitted.features.transformer_list[0][1]
        char = fitted.features.transformer_list[1][1]
        offset = len(word.vocabulary_)
        return cls(
            SafeguardingCues(lexicon),
            {str(k): int(v) for k, v in word.vocabulary_.items()},
            {str(k): int(v) + offset for k, v in char.vocabulary_.items()},
            np.concatenate([word.idf_, char.idf_]).astype(np.float64),
            np.asarray(fitted.binary.coef_[0], dtype=np.float64),
            float(fitted.binary.intercept_[0]),
            np.asarray(fitted.category.coef_.T, dtype=np.float64),
            np.asarray(fitted.category.intercept_, dtype=np.float64),
            tuple(str(c) for c in fitted.category.classes_),
            fitted.vocabulary,
        )

    # -- scoring ---------------------------------------------------------------------------

    def _token(self, tok: str) -> tuple[list[str], list[int]]:
        """One token's word terms, and the columns of its char_wb n-grams that are in the
        vocabulary (a column as many times as its n-gram occurs), remembered."""
        found = self._memo.get(tok)
        if found is not None:
            return found
        vocab = self.char_vocab
        w = f" {tok} "
        cols: list[int] = []
        lo, hi = CHAR_NGRAMS
        for n in range(lo, hi + 1):
            last = max(len(w) - n, 0)
            cols += [c for i in range(last + 1) if (c := vocab.get(w[i : i + n])) is not None]
            if last == 0:  # a word shorter than n is counted once, as scikit-learn does
                break
        found = (TOKEN.findall(tok), cols)
        if len(self._memo) < _MEMO_SIZE:
            self._memo[tok] = found
        return found

    def _counts(self, toks: Sequence[str]) -> tuple[Counter[int], Counter[int]]:
        """Term counts by column: the word block's and the char block's."""
        parts = [self._token(tok) for tok in toks]
        terms = [t for ts, _ in parts for t in ts]
        lo, hi = WORD_NGRAMS
        vocab = self.word_vocab
        grams = [
            " ".join(terms[i : i + n]) for n in range(lo, hi + 1) for i in range(len(terms) - n + 1)
        ]
        words = Counter([c for g in grams if (c := vocab.get(g)) is not None])
        return words, Counter(chain.from_iterable(cols for _, cols in parts))

    def _block(self, counts: Counter[int]) -> tuple[float, float]:
        """Sum of weight x tf-idf and the squared norm, for one vectoriser's block."""
        weight, idf2 = self._weight, self._idf2
        dot = norm2 = 0.0
        for col, k in counts.items():
            if k == 1:
                dot += weight[col]
                norm2 += idf2[col]
            else:
                tf = 1.0 + math.log(k)
                dot += tf * weight[col]
                norm2 += tf * tf * idf2[col]
        return dot, norm2

    def _logit(self, toks: Sequence[str]) -> float:
        z = self.intercept
        for counts in self._counts(toks):
            if counts:
                dot, norm2 = self._block(counts)
                z += dot / math.sqrt(norm2)
        return z

    def decision(self, text: str) -> float:
        """The classifier's decision value for the text as one window (log-odds of concern):
        equal to the scikit-learn pipeline's decision_function."""
        return self._logit(self._prep(text).split())

    def transform(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The text's tf-idf vector as (columns, values), as the fitted vectoriser gives it."""
        cols: list[np.ndarray] = []
        vals: list[np.ndarray] = []
        for counts in self._counts(self._prep(text).split()):
            if counts:
                c = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
                n = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
                v = (1.0 + np.log(n)) * self.idf[c]
                cols.append(c)
                vals.append(v / np.linalg.norm(v))
        if not cols:
            return np.zeros(0, dtype=np.intp), np.zeros(0)
        return np.concatenate(cols), np.concatenate(vals)

    def _best(self, text: str) -> tuple[float, str]:
        """The highest log-odds over the message and its windows (each less WINDOW_PENALTY),
        and the text where it was found (remembered for the last few messages)."""
        found = self._recent.get(text)
        if found is None:
            if len(self._recent) >= _RECENT:
                del self._recent[next(iter(self._recent))]
            found = self._recent[text] = self._score_windows(text)
        return found

    def _score_windows(self, text: str) -> tuple[float, str]:
        toks, windows = spans(text, self._prep)
        best, where = -math.inf, ""
        for s, e in windows:
            z = self._logit(toks[s:e])
            if (s, e) != (0, len(toks)):
                z -= WINDOW_PENALTY
            if z > best:
                best, where = z, " ".join(toks[s:e])
        return best, where

    def score(self, text: str) -> float:
        """Probability that the text raises a concern: the highest over the whole text and its
        windows (sentences, neighbouring sentences, runs of words), a window's log-odds counting
        WINDOW_PENALTY less."""
        best, _ = self._best(text)
        return _sigmoid(best) if best > -math.inf else 0.0

    def bar(self, text: str) -> float:
        """The score the text needs to be a concern: CUE_THRESHOLD when the cue floor flags it
        (a cue hit lowers the bar), GENERAL_THRESHOLD for a general question naming no
        particular child, else the model's threshold."""
        if self.cues.is_concern(text):
            return min(self.cue_threshold, self.threshold)
        return GENERAL_THRESHOLD if is_general_question(text) else self.threshold

    def is_concern(self, text: str) -> bool:
        """True when the model's score reaches the text's bar (see `bar`)."""
        return self.score(text) >= self.bar(text)

    def category(self, text: str) -> str | None:
        """The likeliest kind of concern (a key of CATEGORIES) when the text is flagged, judged
        on its highest-scoring window; None when it is not flagged."""
        best, where = self._best(text)
        if best == -math.inf or _sigmoid(best) < self.bar(text):
            return None
        cols, vals = self.transform(where or text)
        scores = vals @ self.category_coef[cols] + self.category_intercept
        return self.categories[int(np.argmax(scores))]


def data_folder(folder: Path) -> Path:
    """The data folder, given it or its safeguarding folder."""
    if folder.name == SAFEGUARDING_DATA and not (folder / SAFEGUARDING_DATA).is_dir():
        return folder.parent
    return folder


GENERAL_THRESHOLD = 0.5
"""The score a general question ("how do pupils report bullying?") needs to count as a concern."""
_QUESTION_WORD = re.compile(
    r"^\s*(?:how|where|what|when|which|who|is there|are there|do we|does)\b", re.I
)
_PARTICULAR = re.compile(
    r"\b(?:i|my|me|a|an|one|this|that|these|those|he|she|him|her|his|hers|they|them|their|"
    r"told|tells|says|said|keeps|kid's|child's|girl|boy)\b",
    re.I,
)


def is_general_question(text: str) -> bool:
    """A question about how things are done that names no particular child, asker or story:
    "where can students report cyberbullying?" (not "how do I help a year 9 who told me…")."""
    return bool(_QUESTION_WORD.match(text)) and not _PARTICULAR.search(text)
