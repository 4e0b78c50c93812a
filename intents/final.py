"""The matcher's final stage: which of the best few clauses to quote, and whether to decline.

Two small linear models, fitted with scikit-learn by bench/fit_final.py and kept as plain
weights in data/final_stage.json (read when the matcher is built, so the cache keeps them and no
process that answers questions imports scikit-learn):

- the reranker scores each of the best few clauses for a question from how the question fits it
  (the matcher's similarities and posteriors, fuzzy ratios against the nearest phrasing, how much
  of the question's rarer words the clause and its phrasings cover, a prior for how much is
  asked about it) and quotes the best-scoring one;
- the decline model gives the probability that the question is one the policy does not answer,
  from how well the best clauses fit it and how near it is to the out-of-scope phrasings.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from intents.intent_scores import IntentScores

if TYPE_CHECKING:
    from intents.matcher import Match, Matcher

Floats = npt.NDArray[np.float64]
FILE = "final_stage.json"

RERANK_FEATURES = (
    "rank",
    "gap",
    "lexical",
    "nearest",
    "pooled",
    "fuzzy_set",
    "fuzzy_sort",
    "coverage",
    "rare_coverage",
    "missing",
    "position",
    "first",
    "prior",
    "nearest_behind",
    "pooled_behind",
    "fuzzy_set_behind",
    "fuzzy_sort_behind",
    "rare_coverage_behind",
    "target_when_acting",
    "target_when_targeted",
    "intent_score",
    "intent_score_behind",
    "intent_score_below_top",
    "intent_score_place",
)
_RELATIVE = (3, 4, 5, 6, 8)
"""The features also given as how far behind the shortlist's best each clause is."""
DECLINE_FEATURES = (
    "confidence",
    "top_rank",
    "top_lexical",
    "top_pooled",
    "best_score",
    "best_fuzzy",
    "best_coverage",
    "best_missing",
    "oos_rank_ratio",
    "oos_lexical_ratio",
    "oos_nearest",
    "oos_fuzzy",
    "nearest_is_oos",
    "first_is_oos",
    "topic",
    "unknown",
    "terms",
    "intent_score_top",
    "intent_score_oos_margin",
    "intent_score_says_oos",
)


_ACTING = re.compile(
    r"^\W*(?:can|could|may|should|shall)\s+(?:i|we)\b|\b(?:am\s+i|are\s+we)\s+allowed\b|"
    r"\bis\s+it\s+ok(?:ay)?\s+(?:for\s+(?:me|us)\s+)?(?:to|if\s+i)\b|"
    r"\b(?:can|could|should)\s+i\b|\bi\s+(?:want|wanna|would\s+like|'?d\s+like)\s+to\b|"
    r"\bi'?m\s+(?:going|gonna|thinking\s+of|about)\b|\bi\s+(?:posted|shared|put|wrote|replied)\b",
    re.IGNORECASE,
)
"""The asker doing the thing they ask about: "can I ...", "am I allowed to ...", "I posted ..."."""
_ME = re.compile(r"(\w+)\s+me\b(?!\s+to\b)(\s+(?:off|up|down)\b)?", re.IGNORECASE)
_AT_ME = frozenset({"about", "at", "against", "toward", "towards", "to", "on", "of", "sent"})
_DONE_TO_ME = (
    *("bull", "troll", "harass", "mock", "abus", "target", "slag", "attack", "insult"),
    *("threaten", "messag", "tag", "send", "call", "post"),
)


def targeted(text: str) -> bool:
    """The asker on the receiving end: "posting about me", "a parent trolling me", "slagging
    me off" (not "is it up to me to ...")."""
    if " me" not in text.lower():
        return False
    for found in _ME.finditer(text):
        word = found.group(1).lower()
        if found.group(2) or word in _AT_ME or word.startswith(_DONE_TO_ME):
            return True
    return False


def voice(text: str) -> tuple[bool, bool]:
    """Whether the text has the asker acting, and whether it has them on the receiving end: the
    reranker weighs these against how often a clause's phrasings have the asker on the receiving
    end, so "can I slag off my colleagues" is not answered with the clause for victims."""
    return bool(_ACTING.search(text)), targeted(text)


@dataclass(frozen=True, slots=True)
class Linear:
    """A logistic model over standardised features: weights, bias and each feature's centre
    and scale (scikit-learn's StandardScaler and LogisticRegression, flattened)."""

    weights: Floats
    bias: float
    centre: Floats
    scale: Floats

    def scores(self, x: Floats) -> Floats:
        """The log odds for each row of features."""
        out: Floats = ((x - self.centre) / self.scale) @ self.weights + self.bias
        return out

    def to_json(self) -> dict[str, object]:
        return {
            "weights": self.weights.tolist(),
            "bias": self.bias,
            "centre": self.centre.tolist(),
            "scale": self.scale.tolist(),
        }

    @classmethod
    def of(cls, raw: dict[str, object], size: int) -> Linear:
        arrays = [np.asarray(raw[k], dtype=np.float64) for k in ("weights", "centre", "scale")]
        if any(a.shape != (size,) for a in arrays):
            raise ValueError(f"{FILE}: expected {size} features")
        return cls(arrays[0], float(raw["bias"]), arrays[1], arrays[2])  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class FinalStage:
    """The fitted reranker and decline model, and the probability from which to decline."""

    rerank: Linear
    decline: Linear
    threshold: float
    sure: float
    """The probability from which to decline even when no out-of-scope intent ranks close."""

    @classmethod
    def load(cls, folder: Path) -> FinalStage | None:
        """The fitted stage from the data folder, or None when it has none (the matcher then
        keeps its hand-set rules)."""
        path = folder / FILE
        if not path.exists():
            return None
        raw = json.loads(path.read_text(encoding="utf-8"))
        if (
            raw.get("rerank_features") != list(RERANK_FEATURES)
            or raw.get("decline_features") != list(DECLINE_FEATURES)
            or "sure" not in raw
        ):
            return None  # fitted on other features: refit with bench/fit_final.py
        return cls(
            Linear.of(raw["rerank"], len(RERANK_FEATURES)),
            Linear.of(raw["decline"], len(DECLINE_FEATURES)),
            float(raw["threshold"]),
            float(raw["sure"]),
        )


class Features:
    """Describes (question, clause) pairs and questions for the final stage's two models."""

    FUZZY_SLACK = 10

    def __init__(self, matcher: Matcher, folder: Path | None = None) -> None:
        """`folder`: the data folder, whose shipped intent scores are used when they were
        fitted on the matcher's phrasings; None: fitted here."""
        self.m = matcher
        kb = matcher.kb
        terms = matcher.normaliser.terms
        vocab: dict[str, set[str]] = {}
        sizes: dict[str, int] = {}
        victims: dict[str, int] = {}
        for intent in kb.intents:
            key = intent.answer
            words = vocab.setdefault(key, set())
            for text in (*intent.examples, *intent.keywords):
                words.update(terms(text))
            for c in intent.clauses:
                words.update(terms(kb.clauses[c].text))
                words.update(terms(kb.clauses[c].heading))
            sizes[key] = sizes.get(key, 0) + len(intent.examples)
            victims[key] = victims.get(key, 0) + sum(map(targeted, intent.examples))
        self.vocab = {k: frozenset(v) for k, v in vocab.items()}
        self.target_share = {k: victims[k] / n if n else 0.0 for k, n in sizes.items()}
        """Per clause, the share of its phrasings with the asker on the receiving end."""
        self.prior = {k: math.log1p(n) for k, n in sizes.items()}
        self.top_idf = max(matcher.idf.values(), default=1.0)
        spell = matcher.normaliser.spelled
        self.intent_scores = (
            IntentScores.shipped_or_fitted(kb.intents, folder, spell)
            if folder
            else IntentScores.fit(kb.intents, spell)
        )
        self._scored: tuple[str, Floats] | None = None
        """The last question's intent scores: asked for by both models."""

    def scores(self, question: str) -> Floats | None:
        """The intent scores of the question (intents/intent_scores.py), if there is a model."""
        if self.intent_scores is None:
            return None
        if self._scored is None or self._scored[0] != question:
            self._scored = (question, self.intent_scores.scores(question))
        return self._scored[1]

    def _intent_columns(self, question: str, shortlist: Sequence[Match]) -> Floats:
        """Per clause of the shortlist: its score, how far behind the shortlist's best score and
        the best in-scope answer's it is, and its place among all answers."""
        scores, model = self.scores(question), self.intent_scores
        if scores is None or model is None:
            return np.zeros((len(shortlist), 4))
        column = model.column
        mine = scores[[column.get(m.intent.answer, 0) for m in shortlist]]
        mine[[m.intent.answer not in column for m in shortlist]] = scores.min()
        top = scores[~model.out_of_scope].max(initial=scores.min())
        place = (scores[None, :] > mine[:, None]).sum(axis=1)
        return np.asarray(np.c_[mine, mine - mine.max(), mine - top, 1.0 / (1.0 + place)], float)

    def _intent_question(self, question: str) -> list[float]:
        """The best in-scope answer's score, how far the best out-of-scope one's is above it,
        and whether an out-of-scope intent scores best."""
        scores, model = self.scores(question), self.intent_scores
        if scores is None or model is None:
            return [0.0, 0.0, 0.0]
        inside = scores[~model.out_of_scope].max(initial=scores.min())
        outside = scores[model.out_of_scope].max(initial=scores.min())
        return [inside, outside - inside, float(model.out_of_scope[int(np.argmax(scores))])]

    def coverage(self, question: dict[str, float], match: Match) -> tuple[float, float, float]:
        """How much of the question's terms (by rarity, and by rarity cubed) the clause and its
        phrasings use, and the rarity of the rarest term they don't."""
        idf, vocab = self.m.idf, self.vocab[match.intent.answer]
        total = rare_total = covered = rare = missing = 0.0
        for t, x in question.items():
            w = idf.get(t, self.top_idf) * x
            total += w
            rare_total += w**3
            if t in vocab:
                covered += w
                rare += w**3
            else:
                missing = max(missing, w)
        if not total:
            return 0.0, 0.0, 0.0
        return covered / total, rare / rare_total, missing / self.top_idf

    def fuzzy_sort(self, question: str, match: Match) -> float:
        """The token sort ratio against the intent's nearest phrasing of similar length."""
        return self.m.phrasings.sort_ratio(question, match.intent.id, self.FUZZY_SLACK)

    def candidates(self, question: str, shortlist: Sequence[Match]) -> Floats:
        """One row of RERANK_FEATURES per clause of the shortlist (best-ranked first)."""
        weights = self.m.weights(question)
        top = shortlist[0].rank
        acting, asker_targeted = voice(question)
        rows = []
        for j, match in enumerate(shortlist):
            cov, rare, missing = self.coverage(weights, match)
            rows.append(
                [
                    match.rank,
                    top - match.rank,
                    match.lexical,
                    match.score,
                    match.pooled,
                    self.m.fuzzy(question, match),
                    self.fuzzy_sort(question, match),
                    cov,
                    rare,
                    missing,
                    j,
                    float(j == 0),
                    self.prior[match.intent.answer],
                ]
            )
        x = np.array(rows, dtype=np.float64)
        rel = x[:, _RELATIVE]
        share = np.array([self.target_share[m.intent.answer] for m in shortlist])
        acts = acting and not asker_targeted
        voiced = np.c_[share * acts, share * asker_targeted]
        scored = self._intent_columns(question, shortlist)
        return np.hstack([x, rel.max(axis=0) - rel, voiced, scored])

    def question(
        self,
        question: str,
        ranked: Sequence[Match],
        shortlist: Sequence[Match],
        rows: Floats,
        best: int,
    ) -> Floats:
        """DECLINE_FEATURES for a question: its ranking, its shortlist's rows and which of
        them the reranker chose."""
        top = shortlist[0]
        oos = next((m for m in ranked if not m.intent.in_scope), None)
        nearest = max(ranked, key=lambda m: m.score)
        terms = self.m.weights(question)
        unknown = sum(1 for t in terms if t not in self.m.idf) / max(len(terms), 1)
        topic = not self.m._topic.isdisjoint(terms)
        b = rows[best]
        return np.array(
            [
                max(m.score for m in shortlist[:3]),
                top.rank,
                top.lexical,
                top.pooled,
                b[3],
                b[5],
                b[7],
                b[9],
                oos.rank / top.rank if oos and top.rank > 0 else 0.0,
                oos.lexical / top.lexical if oos and top.lexical > 0 else 0.0,
                oos.score if oos else 0.0,
                self.m.fuzzy(question, oos) if oos else 0.0,
                float(not nearest.intent.in_scope),
                float(not ranked[0].intent.in_scope),
                float(topic),
                unknown,
                math.log1p(len(terms)),
                *self._intent_question(question),
            ],
            dtype=np.float64,
        )
