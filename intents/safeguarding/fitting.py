"""Fitting the detector with scikit-learn: training only, never when loading."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from intents.safeguarding.examples import INTENTS, Example
from intents.safeguarding.windows import (
    C_BINARY,
    C_CATEGORY,
    CHAR_NGRAMS,
    HARD_NEGATIVE_WEIGHT,
    INTENTS_WEIGHT,
    NEGATIVE_WINDOWS,
    WORD_NGRAMS,
    Preprocessor,
    window_texts,
)

# ---------------------------------------------------------------------------------------------
# Fitting with scikit-learn (training only)


@dataclass(frozen=True)
class Fitted:
    """The scikit-learn objects a model is exported from (kept for tests and benches)."""

    features: Any
    """FeatureUnion of the word and char_wb TfidfVectorizers."""
    binary: Any
    """LogisticRegression: concern or not."""
    category: Any
    """LinearSVC over the concerns: which kind (one-vs-rest)."""
    vocabulary: dict[str, list[str]]
    """The vocabulary groups the preprocessor tags words with."""


def training_rows(
    examples: Sequence[Example], prep: Callable[[str], str], negative_windows: bool = True
) -> tuple[list[str], list[int], list[str | None], list[float]]:
    """Texts, labels, categories and weights to fit on: every example, and the windows of every
    negative (no part of an ordinary question is a concern, and windows are what a message is
    scored on). Negatives written for this detector weigh more than the intents' phrasings:
    they are the look-alikes that matter."""
    texts: list[str] = []
    labels: list[int] = []
    cats: list[str | None] = []
    weights: list[float] = []
    seen: set[str] = set()
    for e in examples:
        pieces = [e.text]
        if negative_windows and not e.concern:
            parts = window_texts(e.text, prep)[1:]
            pieces += sorted(parts, key=len)[:NEGATIVE_WINDOWS]
        weight = 1.0 if e.concern else HARD_NEGATIVE_WEIGHT
        if e.style == INTENTS:
            weight = INTENTS_WEIGHT
        for piece in pieces:
            key = prep(piece).strip()
            if key in seen:
                continue
            seen.add(key)
            texts.append(piece)
            labels.append(int(e.concern))
            cats.append(e.category)
            weights.append(weight)
    return texts, labels, cats, weights


def fit(
    examples: Sequence[Example],
    vocabulary: dict[str, list[str]],
    c_binary: float | None = None,
    c_category: float | None = None,
    negative_windows: bool = True,
) -> Fitted:
    """Fit the vectoriser and both classifiers with scikit-learn (imported here, not at start)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion
    from sklearn.svm import LinearSVC

    prep = Preprocessor(vocabulary)
    texts, labels, cats, weights = training_rows(examples, prep, negative_windows)
    features = FeatureUnion(
        [
            (
                "word",
                TfidfVectorizer(
                    preprocessor=prep,
                    analyzer="word",
                    min_df=2,
                    ngram_range=WORD_NGRAMS,
                    sublinear_tf=True,
                    dtype=np.float64,
                ),
            ),
            (
                "char",
                TfidfVectorizer(
                    preprocessor=prep,
                    analyzer="char_wb",
                    ngram_range=CHAR_NGRAMS,
                    sublinear_tf=True,
                    min_df=2,
                    dtype=np.float64,
                ),
            ),
        ]
    )
    x = features.fit_transform(texts)
    binary = LogisticRegression(
        C=C_BINARY if c_binary is None else c_binary,
        class_weight="balanced",
        max_iter=3000,
        tol=1e-4,
    )
    binary.fit(x, np.asarray(labels), sample_weight=np.asarray(weights))
    rows = [i for i, c in enumerate(cats) if c is not None]
    category = LinearSVC(
        C=C_CATEGORY if c_category is None else c_category, class_weight="balanced"
    )
    category.fit(x[rows], np.asarray([cats[i] for i in rows]))
    return Fitted(features, binary, category, vocabulary)
