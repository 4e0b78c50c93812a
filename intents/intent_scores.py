"""Which intent a question's words point to, learnt from the phrasings discriminatively: a
linear SVM (scikit-learn's LinearSVC) over TF-IDF of words and word pairs, one score per intent.

The matcher's similarities weigh each term by how rare it is, and its softmax regression
(intents/classifier.py) learns over its normalised single terms which clause they point at; this
model reads the question's own words and word pairs as typed ("loose my", "my own", "friend
request") and learns which intent they tell apart from the others, which the final stage
(intents/final.py) uses to choose among the best few clauses and to decline.

The data folder ships the model fitted on its phrasings (`intent_scores.npz`: NumPy arrays and
one JSON document, with a hash of the phrasings and of this module). When they have changed
since (a trust's own intents), the model is fitted when the matcher is built instead (about
4.5 s with scikit-learn, once: the matcher is cached). Scoring needs NumPy alone: the
featurisation below is scikit-learn's for these settings.

Cross-validated by bench/fit_final.py on the read questions (the rule the bot uses): 83.8% in
scope right and 93.7% out of scope declined without these features, 86.2% and 96.1% with them;
character n-grams beside the words gave 86.2% and 96.3%, for a model several times the size.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import numpy as np
import numpy.typing as npt

from intents.knowledge import Intent

Floats = npt.NDArray[np.float64]
FILE = "intent_scores.npz"
"""The model fitted on the shipped phrasings, beside them (`bench/fit_final.py --write`)."""
_FORMAT = 1
TOKEN = re.compile(r"(?u)\b\w\w+\b")
"""scikit-learn's default token pattern: words of two characters or more."""
C = 0.5
"""The SVM's regularisation (LinearSVC's C)."""
SMALLEST = 0.01
"""Weights nearer zero than this are dropped: a tenth of the weights are kept (a million of
14 million on the bundled phrasings), and no read question's best intent changed."""


def terms(text: str) -> list[str]:
    """The text's words and word pairs, lower case, as TfidfVectorizer(ngram_range=(1, 2))."""
    words = TOKEN.findall(text.lower())
    return words + [f"{a} {b}" for a, b in pairwise(words)]


@dataclass(frozen=True, slots=True)
class IntentScores:
    """The fitted model as plain arrays: per term its column and idf, and its weights for the
    intents it counts for (postings: the entries of term c run from starts[c] to starts[c + 1]
    in `targets` and `weights`); per intent a bias and whether it is out of scope."""

    columns: dict[str, int]
    idf: Floats
    starts: npt.NDArray[np.intp]
    targets: npt.NDArray[np.int32]
    weights: npt.NDArray[np.float32]
    bias: Floats
    intents: tuple[str, ...]
    out_of_scope: npt.NDArray[np.bool_]
    column: dict[str, int] = field(init=False)
    """Each intent's place in `intents`."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "column", {intent: k for k, intent in enumerate(self.intents)})

    @classmethod
    def fit(cls, intents: Sequence[Intent]) -> IntentScores | None:
        """Fit on the intents' phrasings; None with fewer than two intents to tell apart."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.svm import LinearSVC

        texts = [e for i in intents for e in i.examples]
        labels = [i.id for i in intents for _ in i.examples]
        if len(set(labels)) < 2:
            return None
        vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
        model = LinearSVC(C=C, random_state=0).fit(vectorizer.fit_transform(texts), labels)
        coef, bias = model.coef_, model.intercept_
        if coef.shape[0] == 1:  # two intents: one column for the second, its negative the first
            coef, bias = np.vstack([-coef, coef]), np.r_[-bias, bias]
        by_term = np.ascontiguousarray(coef.T)
        kept = np.abs(by_term) >= SMALLEST
        rows, targets = np.nonzero(kept)  # row-major: grouped by term, in order
        scope = {i.id: not i.in_scope for i in intents}
        return cls(
            columns={t: int(c) for t, c in vectorizer.vocabulary_.items()},
            idf=np.asarray(vectorizer.idf_, dtype=np.float64),
            starts=np.r_[0, np.cumsum(kept.sum(axis=1))].astype(np.intp),
            targets=targets.astype(np.int32),
            weights=by_term[rows, targets].astype(np.float32),
            bias=np.asarray(bias, dtype=np.float64),
            intents=tuple(str(c) for c in model.classes_),
            out_of_scope=np.array([scope[str(c)] for c in model.classes_], dtype=bool),
        )

    @classmethod
    def shipped_or_fitted(cls, intents: Sequence[Intent], folder: Path) -> IntentScores | None:
        """The model shipped in the folder when it was fitted on these phrasings, else fitted."""
        path = folder / FILE
        if path.exists():
            with np.load(path, allow_pickle=False) as arrays:
                meta = json.loads(arrays["meta"].tobytes().decode())
                if meta["key"] == fitting_key(intents):
                    return cls(
                        columns={t: c for c, t in enumerate(meta["terms"])},
                        idf=arrays["idf"],
                        starts=arrays["starts"].astype(np.intp),
                        targets=arrays["targets"],
                        weights=arrays["weights"],
                        bias=arrays["bias"],
                        intents=tuple(meta["intents"]),
                        out_of_scope=arrays["out_of_scope"],
                    )
        return cls.fit(intents)

    def save(self, intents: Sequence[Intent], folder: Path) -> Path:
        """Write the model beside the phrasings it was fitted on (`intents`)."""
        meta = {
            "key": fitting_key(intents),
            "terms": sorted(self.columns, key=self.columns.__getitem__),
            "intents": list(self.intents),
        }
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), dtype=np.uint8),
            idf=self.idf,
            starts=self.starts.astype(np.int32),
            targets=self.targets,
            weights=self.weights,
            bias=self.bias,
            out_of_scope=self.out_of_scope,
        )
        path = folder / FILE
        path.write_bytes(buffer.getvalue())
        return path

    def scores(self, text: str) -> Floats:
        """One score per intent (the order of `intents`): above 0, the model's pick."""
        counts = Counter(self.columns[t] for t in terms(text) if t in self.columns)
        if not counts:
            return self.bias.copy()
        cols = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
        x = tf * self.idf[cols]
        x /= np.linalg.norm(x)
        lengths = self.starts[cols + 1] - self.starts[cols]
        entries = np.concatenate([np.arange(self.starts[c], self.starts[c + 1]) for c in cols])
        values = self.weights[entries] * np.repeat(x, lengths)
        found = np.bincount(self.targets[entries], weights=values, minlength=len(self.intents))
        return found + self.bias


def fitting_key(intents: Sequence[Intent]) -> str:
    """A hash of what the model depends on: the phrasings, which intents are out of scope, and
    this module's code."""
    h = hashlib.sha256(f"format {_FORMAT}\0".encode())
    h.update(Path(__file__).read_bytes())
    for intent in intents:
        h.update(json.dumps([intent.id, intent.in_scope, intent.examples]).encode())
    return h.hexdigest()
