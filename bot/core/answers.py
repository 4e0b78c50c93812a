"""From a question to an answer: the matcher's decision plus the safeguarding rule."""

from __future__ import annotations

from dataclasses import dataclass

from intents.cache import load_matcher, load_safeguarding
from intents.knowledge import Clause, Intent, KnowledgeBase
from intents.matcher import Matcher, Verdict
from intents.safeguarding import SafeguardingModel

SAFEGUARDING_CLAUSE = "safeguarding-concerns.seek-dso-advice"
MAX_TEXT = 1500
CONFIDENT = 0.5
"""The detector's score from which a message is routed even in the middle of a form."""


@dataclass(frozen=True, slots=True)
class Alternative:
    """Another clause that may answer the question."""

    clause: Clause
    score: float
    title: str


@dataclass(frozen=True, slots=True)
class Answer:
    """What the policy says about a question, or why the bot won't say."""

    question: str
    verdict: Verdict
    clause: Clause | None
    intent: Intent | None
    score: float
    safeguarding: bool
    alternatives: tuple[Alternative, ...]
    related: tuple[Clause, ...]
    did_you_mean: Intent | None = None
    """A close runner-up intent, offered as a choice beside the answer."""
    quote: str = ""
    """The clause verbatim, with its list's bullets when it introduces one or is a short bullet."""
    out_of_scope: Intent | None = None
    """On a decline, the out-of-scope intent the question matched ("credentials" for a request
    for a password or a login), so the reply can say where to go instead."""

    @property
    def answered(self) -> bool:
        """True when a clause is quoted as the answer."""
        return self.clause is not None and self.verdict is Verdict.ANSWER

    @property
    def text(self) -> str:
        """The section heading and the clause, verbatim (with its list when it has one)."""
        if self.clause is None:
            return ""
        return f"{self.clause.heading}: {self.quote or self.clause.text}"[:MAX_TEXT]


class Answerer:
    """Answers questions from the knowledge base."""

    def __init__(
        self, kb: KnowledgeBase, matcher: Matcher, detector: SafeguardingModel | None = None
    ) -> None:
        self.kb = kb
        self.matcher = matcher
        self.detector = detector or load_safeguarding()

    def is_concern(self, text: str, confident: bool = False) -> bool:
        """True when the text suggests a child may be at risk (the DSO comes first); with
        `confident`, only when the cue lists flag it or the model is fairly sure."""
        if not confident:
            return self.detector.is_concern(text)
        return self.detector.cues.is_concern(text) or self.detector.score(text) >= CONFIDENT

    def answer(self, question: str) -> Answer:
        """Match the question; a possible risk to a child always leads with the DSO clause."""
        decision = self.matcher.decide(question)
        alternatives = tuple(
            Alternative(self.kb.clauses[m.intent.clauses[0]], m.score, m.intent.title)
            for m in decision.matches
        )
        best = decision.best
        if self.is_concern(question):
            related = tuple(
                a.clause for a in alternatives[:3] if a.clause.id != SAFEGUARDING_CLAUSE
            )
            return Answer(
                question,
                Verdict.ANSWER,
                self.kb.clauses[SAFEGUARDING_CLAUSE],
                None,
                1.0,
                True,
                alternatives,
                related,
                quote=self.kb.quote(SAFEGUARDING_CLAUSE),
            )
        if best is None or decision.verdict is not Verdict.ANSWER:
            return Answer(
                question,
                decision.verdict,
                None,
                None,
                best.score if best else 0.0,
                False,
                alternatives,
                (),
                out_of_scope=decision.out_of_scope.intent if decision.out_of_scope else None,
            )
        intent = best.intent
        return Answer(
            question,
            Verdict.ANSWER,
            self.kb.clauses[intent.clauses[0]],
            intent,
            best.score,
            False,
            alternatives[1:],
            tuple(self.kb.clauses[c] for c in intent.clauses[1:]),
            decision.close.intent if decision.close else None,
            self.kb.quote(intent.clauses[0]),
        )


def build_answerer() -> Answerer:
    """The knowledge base, validated, and the matcher over it (no database needed); built once
    per change to the data or code and then loaded from the user's cache directory."""
    matcher = load_matcher()
    return Answerer(matcher.kb, matcher, load_safeguarding())
