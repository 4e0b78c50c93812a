"""Which answer a question's words point to, learnt from the phrasings discriminatively: a
linear SVM (scikit-learn's LinearSVC) over TF-IDF of words and word pairs, as typed and as the
matcher spells them, one score per answer (a clause, or an out-of-scope intent: `Intent.answer`).

The matcher's similarities weigh each term by how rare it is, and its softmax regression
(intents/classifier.py) learns over its normalised single terms which clause they point at; this
model reads the question's own words and word pairs as typed ("loose my", "my own", "friend
request"), and beside them the words of the text as the matcher spells it (typos corrected,
synonyms made one: "pics on fb" also gives "photo", "facebook social"), and learns which answer
they tell apart from the others, which the final stage (intents/final.py) uses to choose among
the best few clauses and to decline.

The data folder ships the model fitted on its phrasings (`intent_scores.npz`: NumPy arrays and
one JSON document, with a hash of the phrasings and of this module). When they have changed
since (a trust's own intents), the model is fitted when the matcher is built instead (8-14 s
with scikit-learn, once: the matcher is cached). Scoring needs NumPy alone: the
featurisation below is scikit-learn's for these settings.

Cross-validated by bench/fit_final.py on the read questions (the rule the bot uses): 83.8% in
scope right and 93.7% out of scope declined without these features, 86.2% and 96.1% with them;
character n-grams beside the words gave 86.2% and 96.3%, for a model several times the size.
Once the read sets of sessions 19 and 20 were folded in: 86.2% and 96.9% with a score per
intent on the words as typed; 86.8% and 96.9% with one score per clause (several intents quote
the same clause, and told apart they split its phrasings' weight); 87.2% and 96.8% with the
spelled words beside the typed ones (the spelled words alone: 85.9% and 96.7% per intent).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import numpy as np
import numpy.typing as npt

from intents.knowledge import Intent

Floats = npt.NDArray[np.float64]
FILE = "intent_scores.npz"
"""The model fitted on the shipped phrasings, beside them (`bench/fit_final.py --write`)."""
_FORMAT = 2
TOKEN = re.compile(r"(?u)\b\w\w+\b")
"""scikit-learn's default token pattern: words of two characters or more."""
C = 0.5
"""The SVM's regularisation (LinearSVC's C)."""
SMALLEST = 0.01
"""Weights nearer zero than this are dropped: a tenth of the weights are kept (a million of
14 million on the bundled phrasings), and no read question's best intent changed."""


Spell = Callable[[str], str]
"""The matcher's spelling of a text (`Normaliser.spelled`)."""


def terms(text: str) -> list[str]:
    """The text's words and word pairs, lower case, as TfidfVectorizer(ngram_range=(1, 2))."""
    words = TOKEN.findall(text.lower())
    return words + [f"{a} {b}" for a, b in pairwise(words)]


def features(text: str, spell: Spell) -> list[str]:
    """The terms of the text as typed and, marked with "~", of its spelled form."""
    return terms(text) + ["~" + t for t in terms(spell(text))]


def _given(document: list[str]) -> list[str]:
    """The vectoriser's analyser for documents that are already lists of terms."""
    return document


@dataclass(frozen=True, slots=True)
class IntentScores:
    """The fitted model as plain arrays: per term its column and idf, and its weights for the
    answers it counts for (postings: the entries of term c run from starts[c] to starts[c + 1]
    in `targets` and `weights`); per answer a bias and whether it is out of scope."""

    columns: dict[str, int]
    idf: Floats
    starts: npt.NDArray[np.intp]
    targets: npt.NDArray[np.int32]
    weights: npt.NDArray[np.float32]
    bias: Floats
    answers: tuple[str, ...]
    out_of_scope: npt.NDArray[np.bool_]
    spell: Spell
    column: dict[str, int] = field(init=False)
    """Each answer's place in `answers`."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "column", {answer: k for k, answer in enumerate(self.answers)})

    @classmethod
    def fit(cls, intents: Sequence[Intent], spell: Spell) -> IntentScores | None:
        """Fit on the intents' phrasings; None with fewer than two answers to tell apart."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.svm import LinearSVC

        documents = [features(e, spell) for i in intents for e in i.examples]
        labels = [i.answer for i in intents for _ in i.examples]
        if len(set(labels)) < 2:
            return None
        vectorizer = TfidfVectorizer(analyzer=_given, sublinear_tf=True)
        model = LinearSVC(C=C, random_state=0).fit(vectorizer.fit_transform(documents), labels)
        coef, bias = model.coef_, model.intercept_
        if coef.shape[0] == 1:  # two answers: one column for the second, its negative the first
            coef, bias = np.vstack([-coef, coef]), np.r_[-bias, bias]
        by_term = np.ascontiguousarray(coef.T)
        kept = np.abs(by_term) >= SMALLEST
        rows, targets = np.nonzero(kept)  # row-major: grouped by term, in order
        scope = {i.answer: not i.in_scope for i in intents}
        return cls(
            columns={t: int(c) for t, c in vectorizer.vocabulary_.items()},
            idf=np.asarray(vectorizer.idf_, dtype=np.float64),
            starts=np.r_[0, np.cumsum(kept.sum(axis=1))].astype(np.intp),
            targets=targets.astype(np.int32),
            weights=by_term[rows, targets].astype(np.float32),
            bias=np.asarray(bias, dtype=np.float64),
            answers=tuple(str(c) for c in model.classes_),
            out_of_scope=np.array([scope[str(c)] for c in model.classes_], dtype=bool),
            spell=spell,
        )

    @classmethod
    def shipped_or_fitted(
        cls, intents: Sequence[Intent], folder: Path, spell: Spell
    ) -> IntentScores | None:
        """The model shipped in the folder when it was fitted on these phrasings spelled this
        way, else fitted."""
        path = folder / FILE
        if path.exists():
            with np.load(path, allow_pickle=False) as arrays:
                meta = json.loads(arrays["meta"].tobytes().decode())
                if meta["key"] == fitting_key(intents, spell):
                    return cls(
                        columns={t: c for c, t in enumerate(meta["terms"])},
                        idf=arrays["idf"],
                        starts=arrays["starts"].astype(np.intp),
                        targets=arrays["targets"],
                        weights=arrays["weights"],
                        bias=arrays["bias"],
                        answers=tuple(meta["answers"]),
                        out_of_scope=arrays["out_of_scope"],
                        spell=spell,
                    )
        return cls.fit(intents, spell)

    def save(self, intents: Sequence[Intent], folder: Path) -> Path:
        """Write the model beside the phrasings it was fitted on (`intents`)."""
        meta = {
            "key": fitting_key(intents, self.spell),
            "terms": sorted(self.columns, key=self.columns.__getitem__),
            "answers": list(self.answers),
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
        """One score per answer (the order of `answers`): above 0, the model's pick."""
        counts = Counter(self.columns[t] for t in features(text, self.spell) if t in self.columns)
        if not counts:
            return self.bias.copy()
        cols = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
        x = tf * self.idf[cols]
        x /= np.linalg.norm(x)
        lengths = self.starts[cols + 1] - self.starts[cols]
        # Each column's postings, end to end: position p of column k is entry starts[c_k] + p
        # minus where column k begins among them.
        shift = np.repeat(self.starts[cols] - np.cumsum(lengths) + lengths, lengths)
        entries = shift + np.arange(len(shift))
        values = self.weights[entries] * np.repeat(x, lengths)
        found = np.bincount(self.targets[entries], weights=values, minlength=len(self.answers))
        return found + self.bias


def fitting_key(intents: Sequence[Intent], spell: Spell) -> str:
    """A hash of what the model depends on: the phrasings and how they are spelled, the answer
    each intent leads to, and this module's code."""
    h = hashlib.sha256(f"format {_FORMAT}\0".encode())
    h.update(Path(__file__).read_bytes())
    for intent in intents:
        spelled = [spell(e) for e in intent.examples]
        h.update(json.dumps([intent.id, intent.answer, intent.examples, spelled]).encode())
    return h.hexdigest()
