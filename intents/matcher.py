"""Ranking intents for a question, and deciding whether to answer, ask, or decline."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from intents.classifier import SoftmaxRegression
from intents.final import Features, FinalStage
from intents.knowledge import DATA, KnowledgeBase
from intents.phrasings import Phrasings
from intents.text import Normaliser
from intents.verdicts import Decision, Match, Thresholds, Verdict

# "As a TA, ...", "I'm a governor and ...", "Head of dept here - ...": who is asking, not what.
_ROLE = re.compile(
    r"^(?:(?:as an?|as the|i'?m an?|i am an?|i'?m the|i am the)\s+[^,.;:!?]{2,40}?"
    r"(?:\s+and\b|[,.;:!?]|\s+-+\s)|[^,.;:!?]{2,40}?\s+here\s*(?:[,.;:!?]|-+))",
    re.I,
)


__all__ = ["Decision", "Match", "Matcher", "Thresholds", "Verdict"]

Postings = dict[str, list[tuple[int, float]]]
"""Per term, the (row, share) pairs of the rows that use it."""


class Matcher:
    """Scores a question against every intent's example phrasings.

    Each example and each question becomes a set of canonical terms (see `Normaliser`). Three
    views are mixed: a nearest-example view (cosine similarity with terms weighted by rarity
    across intents, blended with the pool of all the intent's examples), which rewards close
    phrasings; a naive Bayes posterior over intents, which copes better with long scenarios full
    of incidental words; and a logistic regression trained on the examples, which learns the
    words that tell sibling clauses apart. The three best clauses are then reordered by `fit`,
    which also weighs how the question is put (see `refit`).
    """

    NB_WEIGHT = 0.3
    NB_SMOOTHING = 0.1
    UNKNOWN_WEIGHT = 2.0
    SHORTLIST = 25
    """How many of the best-ranked intents `rank` returns."""
    IDF_POWER = 0.75
    """Rarity counts for less than plain inverse document frequency: a word that only one
    phrasing happens to use ("genuinely") should not outweigh the words the question is about."""
    ROLE_WEIGHT = 0.45
    """How much an opening naming the asker's job ("As a TA, ...", "PE teacher here:") counts."""
    REPRESENTATIVE_WEIGHT = 0.7
    """How much it counts when the job is one the policy covers without employing (governor,
    volunteer, contractor, trainee): enough for "I'm a governor, does this apply to me?" to be
    about governors, not so much that "I'm a governor, can I criticise the head online?" is."""
    SHORTLIST_DEPTH = 3
    """How many of the best-ranked clauses are reordered by `fit`."""
    FIT_POOLED_WEIGHT = 1.0
    FIT_FUZZY_WEIGHT = 1.3
    """The pooled similarity's and the token set ratio's weights in `fit`, the rank's being 1:
    fitted by bench/fit_shortlist.py to put a correct clause first on the read question sets
    (from 86.4% to 87.6% first-ranked correct over 801 questions, each set left out in turn).
    The token set ratio rewards a question that contains one phrasing nearly word for word,
    function words included ("what happens to me if I ..."), which the term views cannot see."""
    REGRESSION_WEIGHT = 0.3
    """The logistic regression's share of the ranking, chosen with bench/qa.py. Over all four
    question sets (513 in-scope questions) it answers 1.8 points more of them correctly, with
    out-of-scope declines unchanged."""

    RERANK_DEPTH = 5
    """How many of the best-ranked clauses the final stage (intents/final.py) chooses among."""

    def __init__(
        self,
        kb: KnowledgeBase,
        thresholds: Thresholds | None = None,
        final_stage: Path | None = DATA,
    ) -> None:
        """`final_stage`: the folder holding the fitted final stage; None for the hand-set
        rules alone (as bench/fit_final.py needs to fit it)."""
        self.kb = kb
        self.thresholds = thresholds or Thresholds()
        vocabulary = [e for i in kb.intents for e in (*i.examples, *i.keywords)]
        vocabulary += [c.text for c in kb.clauses.values()]
        self.normaliser = Normaliser(kb.lexicon, vocabulary)
        self.intents = kb.intents
        groups: dict[str, int] = {}
        self._group = np.array(
            [
                groups.setdefault(i.clauses[0] if i.clauses else i.id, len(groups))
                for i in kb.intents
            ],
            dtype=np.intp,
        )
        self._topic = {t for w in kb.lexicon.topic for t in self.normaliser.terms(w)}
        self._representatives = set(kb.lexicon.representatives)
        df: Counter[str] = Counter()
        for intent in self.intents:
            df.update(
                {t for e in (*intent.examples, *intent.keywords) for t in self.normaliser.terms(e)}
            )
        n = len(self.intents)
        self.idf = {t: math.log((n + 1) / (d + 0.5)) ** self.IDF_POWER for t, d in df.items()}
        example_postings, pool_postings, counts, starts = self._cosine_postings()
        self._starts = np.array(starts, dtype=np.intp)
        self._term_ids = {t: k for k, t in enumerate(self.idf)}
        labelled = [
            (sorted({self._term_ids[t] for t in self.normaliser.terms(e)}), int(self._group[i]))
            for i, intent in enumerate(self.intents)
            for e in (*intent.examples, *intent.keywords)
        ]
        labelled = [(terms, label) for terms, label in labelled if terms]
        self._regression = SoftmaxRegression.fit(
            [terms for terms, _ in labelled], [label for _, label in labelled], len(self.idf)
        )
        self._examples = sum(len(i.examples) + len(i.keywords) for i in self.intents)
        self.phrasings = Phrasings(kb.intents, self.normaliser.spelled, self._cosine_shares)
        self._postings = self._tables(example_postings, pool_postings, counts)
        self.final = FinalStage.load(final_stage) if final_stage else None
        self.features = Features(self, final_stage)

    def _cosine_shares(self, example: str) -> dict[str, float]:
        """Each of the example's terms with its share of a cosine with it (rarity squared over
        the example's norm): a question's cosine with it is a sum over their common terms."""
        terms = set(self.normaliser.terms(example))
        norm = math.sqrt(sum(self.idf[t] ** 2 for t in terms)) or 1.0
        return {t: self.idf[t] ** 2 / norm for t in terms}

    def _tables(
        self, example_postings: Postings, pool_postings: Postings, counts: list[Counter[str]]
    ) -> dict[str, tuple[npt.NDArray[Any], ...]]:
        """Per term: the intents using it, with its pooled cosine share and naive Bayes lift;
        and the examples using it, with its share of their cosine. Also sets the naive Bayes
        tables' unseen term log probabilities: log P(term | intent) = unseen + lift."""
        a, v = self.NB_SMOOTHING, len(self.idf)
        self._log_unseen = np.array([math.log(a / (sum(c.values()) + a * v)) for c in counts])
        postings: dict[str, tuple[npt.NDArray[Any], ...]] = {}
        for t in self.idf:
            pooled = pool_postings[t]
            by_example = example_postings[t]
            postings[t] = (
                np.array([i for i, _ in pooled], dtype=np.intp),
                np.array([share for _, share in pooled]),
                np.array([math.log((counts[i][t] + a) / a) for i, _ in pooled]),
                np.array([e for e, _ in by_example], dtype=np.intp),
                np.array([share for _, share in by_example]),
            )
        return postings

    def _cosine_postings(
        self,
    ) -> tuple[Postings, Postings, list[Counter[str]], list[int]]:
        """Each term's (example, share) and (intent, share) postings, each intent's pooled term
        counts, and where each intent's examples start.

        A share is the term's part of a cosine already divided by the other side's norm, so
        ranking a question is only sums over its terms. Examples are numbered intent by intent,
        so an intent's examples are one slice of the example axis.
        """
        example_postings: Postings = defaultdict(list)
        pool_postings: Postings = defaultdict(list)
        counts: list[Counter[str]] = []
        starts: list[int] = []
        j = 0
        for i, intent in enumerate(self.intents):
            starts.append(j)
            pool: Counter[str] = Counter()
            examples = intent.examples + intent.keywords
            for example in examples:
                shares = self._cosine_shares(example)
                pool.update(shares.keys())
                for t, share in shares.items():
                    example_postings[t].append((j, share))
                j += 1
            counts.append(pool)
            weights = {t: self.idf[t] * (c / len(examples)) ** 0.5 for t, c in pool.items()}
            pool_norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            for t, w in weights.items():
                pool_postings[t].append((i, self.idf[t] * w / pool_norm))
        return example_postings, pool_postings, counts, starts

    def weights(self, question: str) -> dict[str, float]:
        """The question's terms, each with how much it counts: an opening naming the asker's job
        counts less, so "TA here, a parent messaged me" is about the parent, not about TAs; a job
        the policy covers without employing ("I'm a governor, does this apply?") counts more."""
        text = question.strip()
        out: dict[str, float] = {}
        role = _ROLE.match(text)
        if role:
            out = {
                t: self.REPRESENTATIVE_WEIGHT if t in self._representatives else self.ROLE_WEIGHT
                for t in self.normaliser.terms(role.group(0))
            }
            text = text[role.end() :]
        out.update(dict.fromkeys(self.normaliser.terms(text), 1.0))
        return out

    def rank(self, question: str) -> list[Match]:
        """The intents that fit the question best, best first (a shortlist, not all of them)."""
        weights = self.weights(question)
        known = {t: x for t, x in weights.items() if t in self.idf}
        if not known:
            return []
        # Words the intents never use still count against the fit: a question that is mostly
        # about something else ("flu jab clinic for staff") should not score high on "staff".
        unknown = sum(x * x for t, x in weights.items() if t not in self.idf)
        q_norm = math.sqrt(
            sum((x * self.idf[t]) ** 2 for t, x in known.items()) + unknown * self.UNKNOWN_WEIGHT**2
        )
        # Both intent-level views in one walk over the question's terms: the pooled cosine and the
        # naive Bayes log likelihood; and every example's cosine, for the nearest example.
        n = len(self.intents)
        pooled = np.zeros(n)
        logs = sum(known.values()) * self._log_unseen
        dots = np.zeros(self._examples)
        for t, x in known.items():
            intents, shares, lifts, examples, example_shares = self._postings[t]
            pooled[intents] += x * shares
            logs[intents] += x * lifts
            dots[examples] += x * example_shares
        # P(intent | terms) with a uniform prior; intents answered by the same clause share their
        # belief: several intents phrasing one situation differently should not split the vote
        # against a single rival.
        exps = np.exp(logs - logs.max())
        posterior = np.bincount(self._group, weights=exps / exps.sum())[self._group]
        nearest = (0.7 * np.maximum.reduceat(dots, self._starts) + 0.3 * pooled) / q_norm
        regression = self._regression.probabilities(
            [self._term_ids[t] for t in known], list(known.values())
        )[self._group]
        w, r = self.NB_WEIGHT, self.REGRESSION_WEIGHT
        lexical = w * posterior + (1 - w) * nearest
        ranks = (1 - r) * lexical + r * regression
        ranks[pooled == 0] = -math.inf  # an intent sharing no term with the question is no match
        top = np.argsort(-ranks, kind="stable")[: self.SHORTLIST]
        pooled /= q_norm
        return [
            Match(
                self.intents[i],
                float(nearest[i]),
                float(ranks[i]),
                float(lexical[i]),
                float(pooled[i]),
                float(ranks[i]),
            )
            for i in top
            if ranks[i] > -math.inf
        ]

    def fuzzy(self, question: str, match: Match) -> float:
        """The token set ratio of the question with the intent's phrasings (0 to 1)."""
        return self.phrasings.set_ratio(question, match.intent.id, lambda: self.weights(question))

    def refit(self, question: str, shortlist: list[Match]) -> list[Match]:
        """The shortlist reordered by `fit`, best first (ties keep their rank order)."""
        fitted = [
            replace(
                m,
                fit=m.rank
                + self.FIT_POOLED_WEIGHT * m.pooled
                + self.FIT_FUZZY_WEIGHT * self.fuzzy(question, m),
            )
            for m in shortlist
        ]
        return sorted(fitted, key=lambda m: -m.fit)

    @staticmethod
    def by_clause(ranked: list[Match]) -> list[Match]:
        """The in-scope matches, keeping only the best-ranked intent for each primary clause."""
        seen: set[str] = set()
        out = []
        for m in ranked:
            if m.intent.in_scope and m.intent.clauses[0] not in seen:
                seen.add(m.intent.clauses[0])
                out.append(m)
        return out

    def declined_early(self, question: str, in_scope: list[Match]) -> bool:
        """True when no clause is similar enough to the question, or when the question names
        nothing about being online or the policy and no clause fits it well."""
        t = self.thresholds
        confidence = max((m.score for m in in_scope[:3]), default=0.0)
        return (
            not in_scope
            or confidence < t.ask
            or (
                confidence < t.off_topic
                and in_scope[0].rank < t.off_topic_rank
                and self._topic.isdisjoint(self.normaliser.terms(question))
            )
        )

    def oos_close(self, oos: Match | None, top: Match) -> bool:
        """True when an out-of-scope intent ranks close to the best clause (a share of its
        rank, or of its rank without the regression)."""
        t = self.thresholds
        return oos is not None and (
            oos.rank >= top.rank * (1 - t.out_of_scope_margin)
            or oos.lexical >= top.lexical * (1 - t.out_of_scope_lexical_margin)
        )

    @staticmethod
    def _nearest_oos(ranked: list[Match]) -> Match | None:
        """The out-of-scope intent with the most similar phrasing, when it is the most similar
        of all (the reason to decline that a reply can name)."""
        nearest = max(ranked, key=lambda m: m.score, default=None)
        return nearest if nearest and not nearest.intent.in_scope else None

    def decide(self, question: str, other_than: frozenset[str] = frozenset()) -> Decision:
        """Rank, then answer, offer a choice between close matches, or decline; never with a
        clause of `other_than` (already quoted for another question of the message)."""
        ranked = self.rank(question)
        t = self.thresholds
        in_scope = [m for m in self.by_clause(ranked) if m.intent.clauses[0] not in other_than]
        oos = next((m for m in ranked if not m.intent.in_scope), None)
        top = in_scope[0] if in_scope else None  # by rank: whether to answer is decided on it
        # The best-ranked intent can have a modest similarity in a long scenario while a close
        # contender fits a phrasing well; the question is in scope if any of the top few fits.
        confidence = max((m.score for m in in_scope[:3]), default=0.0)
        if top is None or self.declined_early(question, in_scope):
            return Decision(Verdict.DECLINE, tuple(in_scope[:5]), self._nearest_oos(ranked))
        if self.final is not None:
            return self._final_stage(question, ranked, in_scope, confidence)
        if self.oos_close(oos, top):
            return Decision(Verdict.DECLINE, tuple(in_scope[:5]), oos)
        depth = self.SHORTLIST_DEPTH
        in_scope = self.refit(question, in_scope[:depth]) + in_scope[depth:]
        if confidence < t.answer:
            return Decision(Verdict.AMBIGUOUS, tuple(in_scope[:5]), None)
        best, runner_up = in_scope[0], in_scope[1] if len(in_scope) > 1 else None
        close = runner_up if runner_up and runner_up.fit >= best.fit - t.close else None
        return Decision(Verdict.ANSWER, tuple(in_scope[:5]), None, close)

    def _final_stage(
        self, question: str, ranked: list[Match], in_scope: list[Match], confidence: float
    ) -> Decision:
        """Decline when the decline model says so, else quote the reranker's choice."""
        assert self.final is not None
        shortlist = in_scope[: self.RERANK_DEPTH]
        rows = self.features.candidates(question, shortlist)
        scores = self.final.rerank.scores(rows)
        best = int(np.argmax(scores))
        x = self.features.question(question, ranked, shortlist, rows, best)
        p = 1 / (1 + math.exp(-float(self.final.decline.scores(x[None, :])[0])))
        oos = next((m for m in ranked if not m.intent.in_scope), None)
        # Below `sure`, the model declines only where an out-of-scope intent ranks close.
        if p >= self.final.threshold and (p >= self.final.sure or self.oos_close(oos, in_scope[0])):
            won = self._nearest_oos(ranked) or oos
            return Decision(Verdict.DECLINE, tuple(in_scope[:5]), won)
        probabilities = 1 / (1 + np.exp(-scores))
        order = np.argsort(-scores, kind="stable")
        fitted = [replace(shortlist[i], fit=float(probabilities[i])) for i in order]
        ranked_in_scope = fitted + in_scope[len(shortlist) :]
        if confidence < self.thresholds.answer:
            return Decision(Verdict.AMBIGUOUS, tuple(ranked_in_scope[:5]), None)
        first, runner_up = fitted[0], fitted[1] if len(fitted) > 1 else None
        close = (
            runner_up if runner_up and runner_up.fit >= first.fit - self.thresholds.close else None
        )
        return Decision(Verdict.ANSWER, tuple(ranked_in_scope[:5]), None, close)
