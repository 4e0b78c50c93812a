"""Ranking intents for a question, and deciding whether to answer, ask, or decline."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from enum import Enum

from intents.knowledge import Intent, KnowledgeBase
from intents.text import Normaliser

# "As a TA, ...", "I'm a governor and ...", "Head of dept here - ...": who is asking, not what.
_ROLE = re.compile(
    r"^(?:(?:as an?|as the|i'?m an?|i am an?|i'?m the|i am the)\s+[^,.;:!?]{2,40}?"
    r"(?:\s+and\b|[,.;:!?]|\s+-+\s)|[^,.;:!?]{2,40}?\s+here\s*(?:[,.;:!?]|-+))",
    re.I,
)


class Verdict(Enum):
    """What the matcher advises doing with a question."""

    ANSWER = "answer"
    AMBIGUOUS = "ambiguous"
    DECLINE = "decline"


@dataclass(frozen=True, slots=True)
class Match:
    """An intent, how well the question fits it (0 to 1), and its ranking key."""

    intent: Intent
    score: float
    """Similarity to the intent's phrasings: the confidence that decides answer or decline."""
    rank: float
    """What orders intents: the similarity mixed with the naive Bayes posterior."""


@dataclass(frozen=True, slots=True)
class Decision:
    """The ranked in-scope matches and the verdict."""

    verdict: Verdict
    matches: tuple[Match, ...]
    """In-scope intents, best first, one per primary clause."""
    out_of_scope: Match | None
    """The best out-of-scope intent, when it is what made the bot decline."""
    close: Match | None = None
    """A runner-up ranked so near the best that the person may have meant it."""

    @property
    def best(self) -> Match | None:
        """The top in-scope match, if any."""
        return self.matches[0] if self.matches else None


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Scores that separate answering, asking and declining; tuned with bench/qa.py."""

    answer: float = 0.20
    """Similarity at or above which the best clause is quoted."""
    ask: float = 0.15
    """Similarity below which the bot declines; between the two it asks "did you mean"."""
    out_of_scope_margin: float = 0.4
    """Decline when an out-of-scope intent ranks within this share of the best in-scope one's
    rank (a share, not a difference: long scenarios rank everything lower)."""
    close: float = 0.03
    """A runner-up ranked within this of the best is offered as "did you mean"."""
    off_topic: float = 0.75
    """Similarity needed to answer a question with no word about being online or the policy:
    "is there a staff flu jab clinic this year" shares "staff" and "year" with the intents but
    is not what the policy is about."""


class Matcher:
    """Scores a question against every intent's example phrasings.

    Each example and each question becomes a set of canonical terms (see `Normaliser`). Two views
    are mixed: a nearest-example view (cosine similarity with terms weighted by rarity across
    intents, blended with the pool of all the intent's examples), which rewards close phrasings;
    and a naive Bayes posterior over intents, which learns which terms tell intents apart and so
    copes better with long scenarios full of incidental words.
    """

    NB_WEIGHT = 0.3
    NB_SMOOTHING = 0.1
    UNKNOWN_WEIGHT = 2.0
    SHORTLIST = 25
    IDF_POWER = 0.75
    """Rarity counts for less than plain inverse document frequency: a word that only one
    phrasing happens to use ("genuinely") should not outweigh the words the question is about."""
    ROLE_WEIGHT = 0.45
    """How much an opening that names the asker's job ("As a TA, ...", "Governor here:") counts."""

    def __init__(self, kb: KnowledgeBase, thresholds: Thresholds | None = None) -> None:
        self.kb = kb
        self.thresholds = thresholds or Thresholds()
        vocabulary = [e for i in kb.intents for e in (*i.examples, *i.keywords)]
        vocabulary += [c.text for c in kb.clauses.values()]
        self.normaliser = Normaliser(kb.lexicon, vocabulary)
        self.intents = kb.intents
        groups: dict[str, int] = {}
        self._group = [
            groups.setdefault(i.clauses[0] if i.clauses else i.id, len(groups))
            for i in self.intents
        ]
        self._groups = len(groups)
        self._topic = {t for w in kb.lexicon.topic for t in self.normaliser.terms(w)}
        df: Counter[str] = Counter()
        bags: list[set[str]] = []
        for intent in self.intents:
            bag = {
                t for e in (*intent.examples, *intent.keywords) for t in self.normaliser.terms(e)
            }
            bags.append(bag)
            df.update(bag)
        n = len(self.intents)
        self.idf = {t: math.log((n + 1) / (d + 0.5)) ** self.IDF_POWER for t, d in df.items()}
        # Postings hold each term's share of a cosine already divided by the other side's norm,
        # so ranking a question is only sums over the question's terms.
        self._example_postings: dict[str, dict[int, list[tuple[int, float]]]] = defaultdict(dict)
        pool_postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        counts: list[Counter[str]] = []
        self._sizes = [len(i.examples) + len(i.keywords) for i in self.intents]
        for i, intent in enumerate(self.intents):
            pool: Counter[str] = Counter()
            examples = intent.examples + intent.keywords
            for j, example in enumerate(examples):
                terms = set(self.normaliser.terms(example))
                pool.update(terms)
                norm = math.sqrt(sum(self.idf[t] ** 2 for t in terms)) or 1.0
                for t in terms:
                    shares = self._example_postings[t].setdefault(i, [])
                    shares.append((j, self.idf[t] ** 2 / norm))
            counts.append(pool)
            weights = {t: self.idf[t] * (c / len(examples)) ** 0.5 for t, c in pool.items()}
            pool_norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            for t, w in weights.items():
                pool_postings[t].append((i, self.idf[t] * w / pool_norm))
        # Naive Bayes tables: log P(term | intent) = unseen + lift, lift only where seen.
        a, v = self.NB_SMOOTHING, len(self.idf)
        self._log_unseen = [math.log(a / (sum(c.values()) + a * v)) for c in counts]
        # One posting per (term, intent): the term's pooled cosine share and its naive Bayes lift,
        # so a question's terms are walked once for both views.
        self._postings: dict[str, list[tuple[int, float, float]]] = {
            t: [(i, share, math.log((counts[i][t] + a) / a)) for i, share in pool_postings[t]]
            for t in self.idf
        }

    def weights(self, question: str) -> dict[str, float]:
        """The question's terms, each with how much it counts: an opening naming the asker's job
        counts less, so "TA here, a parent messaged me" is about the parent, not about TAs."""
        text = question.strip()
        out: dict[str, float] = {}
        role = _ROLE.match(text)
        if role:
            out = dict.fromkeys(self.normaliser.terms(role.group(0)), self.ROLE_WEIGHT)
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
        # Both views in one walk over the question's postings: the pooled cosine and the naive
        # Bayes log likelihood (log P(term | intent) = unseen + lift, lift only where seen).
        pooled: dict[int, float] = defaultdict(float)
        total = sum(known.values())
        logs = [total * unseen for unseen in self._log_unseen]
        for t, x in known.items():
            for i, share, lift in self._postings[t]:
                pooled[i] += x * share
                logs[i] += x * lift
        # P(intent | terms) with a uniform prior; intents answered by the same clause share their
        # belief: several intents phrasing one situation differently should not split the vote
        # against a single rival.
        top = max(logs)
        exps = [math.exp(x - top) for x in logs]
        z = sum(exps)
        grouped = [0.0] * self._groups
        for g, e in zip(self._group, exps, strict=True):
            grouped[g] += e / z
        posterior = [grouped[g] for g in self._group]
        w = self.NB_WEIGHT
        # Comparing with every example is the costly part, so only the intents that the pooled
        # view and naive Bayes already rank near the top get it.
        keys = {i: w * posterior[i] + (1 - w) * p / q_norm for i, p in pooled.items()}
        shortlist = sorted(keys, key=keys.__getitem__, reverse=True)[: self.SHORTLIST]
        examples = [(x, self._example_postings[t]) for t, x in known.items()]
        scored = []
        for i in shortlist:
            dots = [0.0] * self._sizes[i]
            for x, by_intent in examples:
                for j, share in by_intent.get(i, ()):
                    dots[j] += x * share
            example_dot = max(dots)
            nearest = (0.7 * example_dot + 0.3 * pooled[i]) / q_norm
            rank = w * posterior[i] + (1 - w) * nearest
            scored.append(Match(self.intents[i], nearest, rank))
        scored.sort(key=lambda m: m.rank, reverse=True)
        return scored

    def decide(self, question: str) -> Decision:
        """Rank, then answer, offer a choice between close matches, or decline."""
        ranked = self.rank(question)
        t = self.thresholds
        in_scope: list[Match] = []
        seen: set[str] = set()
        for m in ranked:
            if m.intent.in_scope and m.intent.clauses[0] not in seen:
                seen.add(m.intent.clauses[0])
                in_scope.append(m)
        oos = next((m for m in ranked if not m.intent.in_scope), None)
        top = in_scope[0] if in_scope else None
        # The best-ranked intent can have a modest similarity in a long scenario while a close
        # contender fits a phrasing well; the question is in scope if any of the top few fits.
        confidence = max((m.score for m in in_scope[:3]), default=0.0)
        if top is None or confidence < t.ask:
            return Decision(Verdict.DECLINE, tuple(in_scope[:5]), None)
        if oos is not None and oos.rank >= top.rank * (1 - t.out_of_scope_margin):
            return Decision(Verdict.DECLINE, tuple(in_scope[:5]), oos)
        if confidence < t.off_topic and self._topic.isdisjoint(self.normaliser.terms(question)):
            return Decision(Verdict.DECLINE, tuple(in_scope[:5]), None)
        if confidence < t.answer:
            return Decision(Verdict.AMBIGUOUS, tuple(in_scope[:5]), None)
        runner_up = in_scope[1] if len(in_scope) > 1 else None
        close = runner_up if runner_up and runner_up.rank >= top.rank - t.close else None
        return Decision(Verdict.ANSWER, tuple(in_scope[:5]), None, close)
