"""From a question to an answer: the matcher's decision plus the safeguarding rule."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from bot.core.credentials import about_credentials, asks_for_credentials
from bot.core.splitting import announces_questions, split_questions
from bot.core.writing import asks_for_writing
from intents.cache import load_matcher, load_safeguarding
from intents.knowledge import DATA, Clause, Intent, KnowledgeBase
from intents.matcher import Decision, Match, Matcher, Verdict
from intents.safeguarding import SafeguardingModel

SAFEGUARDING_CLAUSE = "safeguarding-concerns.seek-dso-advice"
CREDENTIALS_INTENT = "credentials"
"""The out-of-scope intent for requests for passwords and logins (intents/data/intents/)."""
MAX_TEXT = 1500
CONFIDENT = 0.5
"""The detector's score from which a message is routed even in the middle of a form."""
CREDENTIALS = "credentials"
"""Why a question is declined: it asks for an account's credentials or who runs it."""
CLOSE_FIT = 0.1
"""A runner-up within this of the best on the matcher's `fit` is offered as "Or did you mean"
beside the answer. With the final stage fitted on the read sets (session 12), 0.1 offers it for
6.5% of the answers to the folded sets and 18% of those to the own set and the shared sample,
covering 5 of the 9 there whose runner-up was right and the best not (0.25 offered it for 37%)."""
LONE_PART = 0.7
"""When nothing answers the message as a whole, one part the policy answers is answered alone
(the other declined) only from this similarity: a fragment such as "who do I contact first" is
more often misread than answered."""
LONE_ANNOUNCED = 0.45
"""The same when the message announces its questions ("two things -"): its parts are questions,
not fragments, so one the policy answers is answered from a lower similarity."""
FOLLOW_UP_FIT = 0.85
"""A later question of a message that the policy answers with nothing on its own ("..., and who
do I tell?", "what do I do with them after") is answered as the question before it and itself
together, with a clause not quoted yet, from this probability of the reranker's that the clause
is right. On 90 two-question messages written for it (bench/dev_doubles.jsonl, read, then
folded in), 53 had both questions answered right before and 61 after (with session 22's
splitting); on the read sets' 7,242 questions it added a second quote to 24 (0.8 gave 37, most
of them wrong: "... Who is this people?")."""
_OR_BEFORE, _OR_AFTER = re.compile(r"\bor\W*$", re.I), re.compile(r"^\W*or\b", re.I)
"""Two questions split at "or": the same question put another way ("can I accept friend requests
from parents or | is it just advised against?", "..., right? | Or is that frowned on?")."""
POLICY_LINK = "policy-link"
"""Why a question gets no clause: it asks where to read the whole policy."""
WRITING = "writing"
"""Why a question gets no clause: it asks the bot to write a post or tell a joke."""
_ASKS = re.compile(
    r"\?|\b(?:ok|okay|alright|allowed)\W*$|\bwhat\s+(?:i'?m|i\s+am|we'?re|we\s+are)\s+allowed\b"
    r"|^\W*(?:is|are|can|could|should|may|do|does|am|will|would|what|how|who|where|when|why)\b"
    r"|\b(?:advi[cs]e|(?:what|who|how)\s+(?:to|should|do))\b"
    r"|\b(?:(?:can|could|should|may|must|do|did|am|have)\s+i"
    r"|i\s+(?:wonder|am\s+not\s+sure|'?m\s+not\s+sure|don'?t\s+know)"
    r"|worr(?:y|ied|ying)\s+(?:that\s+)?i|(?:done|did)\s+(?:something\s+)?(?:wrong|the\s+wrong)"
    r"|in\s+trouble|not\s+comfortable|haven'?t\s+(?:replied|answered|responded))\b",
    re.IGNORECASE,
)
"""A message that asks something of its own beside what it tells: a question mark, a question's
opening, "... ok", a request for advice or for who to go to, doubt about what the asker did
("I'm worried I've done wrong", "I haven't replied yet") or may do ("I wasn't sure what I'm
allowed to say")."""
_WHOLE_POLICY = re.compile(
    r"^\W*(?:(?:hi|hello|please|sorry)\W+)?"
    r"(?:(?:where|how)\b[^.?!]{0,25}\b"
    r"(?:read|find|see|get(?:\s+hold\s+of)?|view|access|download|look\s+at)\s+"
    r"|(?:can|could|may)\s+(?:i|you)\s+(?:have|get|see|send\s+me|give\s+me)\s+(?:hold\s+of\s+)?"
    r"|(?:please\s+)?(?:send|give)\s+me\s+|is\s+there\s+|where(?:'s|\s+is)\s+)"
    r"(?:(?:a|the)\s+(?:link|copy|text|url)\s+(?:to|of|for)\s+)?(?:the|this|our|that)\s+"
    r"(?:full\s+|whole\s+|complete\s+|entire\s+|actual\s+)?(?:social\s+media\s+)?policy"
    r"(?:\s+(?:document|itself|in\s+full|online))?(?:\W+please)?\W*$",
    re.IGNORECASE,
)


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
    redirect: str | None = None
    """Why no clause is quoted although the bot knows what to say: CREDENTIALS or POLICY_LINK."""
    parts: tuple[Answer, ...] = ()
    """For a message asking two or more questions, each one's answer, in order."""
    out_of_scope: Intent | None = None
    """On a decline, the out-of-scope intent the question matched ("credentials" for a request
    for a password or a login), so the reply can say where to go instead."""
    beside: Answer | None = None
    """With the DSO clause for a possible risk to a child: the clause the question itself is
    answered with, quoted after it (None when the policy answers it with nothing else)."""

    @property
    def answered(self) -> bool:
        """True when a clause is quoted as the answer."""
        return self.clause is not None and self.verdict is Verdict.ANSWER

    @property
    def text(self) -> str:
        """The section heading and the clause, verbatim (with its list when it has one); for
        two questions in one message, each answered one's, a blank line between; for a possible
        risk to a child, the DSO clause and then the one the question itself is answered with."""
        if self.clause is None:
            return ""
        answered = [p for p in self.parts if p.answered] or [self]
        if self.beside is not None:
            answered = [self, self.beside]
        quotes = (f"{a.clause.heading}: {a.quote or a.clause.text}" for a in answered if a.clause)
        return "\n\n".join(quotes)[:MAX_TEXT]


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
        `confident`, only when the cue lists flag it too or the model is fairly sure."""
        detector = self.detector
        if not detector.is_concern(text):
            return False
        return not confident or detector.cues.is_concern(text) or detector.score(text) >= CONFIDENT

    def answer(self, text: str) -> Answer:
        """The answer to a message; when it asks two or more questions the policy answers
        differently, each one's answer is in `parts` and the first answered one is on top. A
        possible risk to a child anywhere in it leads with the DSO clause."""
        whole = self.answer_one(text)
        questions = split_questions(text)
        if len(questions) < 2:
            return whole
        parts = tuple(self.answer_one(q) for q in questions)
        if whole.answered:
            parts = self._follow_ups(questions, parts)
        concern = whole if whole.safeguarding else next((a for a in parts if a.safeguarding), None)
        if concern is not None:  # the DSO first, then the first question asked beside it
            asked = next((a for a in parts if a.answered and not a.safeguarding), concern.beside)
            related = () if asked else concern.related
            return replace(concern, question=text, beside=asked, related=related)
        answered = [a for a in parts if a.answered]
        clauses = {a.clause.id for a in answered if a.clause is not None}
        lone = LONE_ANNOUNCED if announces_questions(text) else LONE_PART
        if len(clauses) < 2 and (
            whole.answered or min((a.score for a in answered), default=0) < lone
        ):
            return whole  # one question after all, however it was put
        return replace(answered[0], question=text, parts=parts)

    def _follow_ups(self, questions: list[str], parts: tuple[Answer, ...]) -> tuple[Answer, ...]:
        """Each later question that is unanswered alone, answered as the question before it
        and itself together with a clause not quoted yet, when the reranker is sure of it
        (FOLLOW_UP_FIT); not one that puts the question before another way ("... or | is it
        ...")."""
        out = list(parts)
        for i in range(1, len(out)):
            before, question = questions[i - 1], questions[i]
            quoted = frozenset(a.clause.id for a in out[:i] if a.answered and a.clause)
            if (
                not quoted
                or out[i].answered
                or out[i].safeguarding
                or out[i].redirect
                or _OR_BEFORE.search(before)
                or _OR_AFTER.search(question)
            ):
                continue
            decision = self.matcher.decide(f"{before} {question}", other_than=quoted)
            if decision.best is not None and decision.best.fit >= FOLLOW_UP_FIT:
                again = self._matched(question, decision, ())
                out[i] = again if again.answered else out[i]
        return tuple(out)

    def answer_one(self, question: str) -> Answer:
        """Match one question; a possible risk to a child always leads with the DSO clause, and
        the clause the question is answered with follows it."""
        decision = self.matcher.decide(question)
        alternatives = tuple(
            Alternative(self.kb.clauses[m.intent.clauses[0]], m.score, m.intent.title)
            for m in decision.matches
        )
        plain = self._matched(question, decision, alternatives)
        if not self.is_concern(question):
            return plain
        # A message that only may suggest a risk (most often one that just mentions pupils), or
        # a worried story that asks, with a question mark or without ("... do I have to take it
        # down?", "... I'm now worried I've done wrong", "... I haven't replied yet"), gets the
        # clause it asked about quoted too; a clear disclosure asking nothing gets the DSO, with
        # the clauses it matched offered as choices, and nothing to distract from it.
        unsure = not self.is_concern(question, confident=True)
        quoted = plain.clause is not None and plain.clause.id != SAFEGUARDING_CLAUSE
        beside = plain if quoted and (unsure or _ASKS.search(question)) else None
        others = (a.clause for a in alternatives[:3] if a.clause.id != SAFEGUARDING_CLAUSE)
        related = () if beside else tuple(others)
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
            beside=beside,
        )

    def _matched(
        self, question: str, decision: Decision, alternatives: tuple[Alternative, ...]
    ) -> Answer:
        """The matcher's answer, or the reason to send the question elsewhere."""
        best = decision.best
        outside = decision.out_of_scope.intent if decision.out_of_scope else None
        if outside is not None and outside.id == CREDENTIALS_INTENT and about_credentials(question):
            # Declined for being near the requests for passwords, but it asks what the policy
            # says about them: the best clause answers it.
            decision = replace(decision, verdict=Verdict.ANSWER, out_of_scope=None)
            outside = None
        redirect = _redirect(question)
        if redirect is None and outside is not None and outside.id == CREDENTIALS_INTENT:
            redirect = CREDENTIALS  # the matcher's own "credentials" kind of decline
        if redirect is not None or best is None or decision.verdict is not Verdict.ANSWER:
            return Answer(
                question,
                Verdict.DECLINE if redirect else decision.verdict,
                None,
                None,
                best.score if best and not redirect else 0.0,
                False,
                alternatives,
                (),
                redirect=redirect,
                out_of_scope=outside,
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
            _close(decision.matches),
            self.kb.quote(intent.clauses[0]),
        )


def build_answerer(folder: Path | None = None) -> Answerer:
    """The knowledge base, validated, and the matcher over it (no database needed); built once
    per change to the data or code and then loaded from the user's cache directory."""
    matcher = load_matcher(folder or DATA)
    detector = load_safeguarding(folder or DATA, lexicon=matcher.kb.lexicon)
    return Answerer(matcher.kb, matcher, detector)


def _redirect(question: str) -> str | None:
    """Where to send a question no clause should answer: credentials to the Trust IT Team, "where
    can I read the policy" to the trust's address, "write me a post" to what the bot can do."""
    if asks_for_credentials(question):
        return CREDENTIALS
    if asks_for_writing(question):
        return WRITING
    return POLICY_LINK if _WHOLE_POLICY.search(question) else None


def _close(matches: tuple[Match, ...]) -> Intent | None:
    """The runner-up intent when it fits the question nearly as well as the best."""
    if len(matches) < 2 or matches[1].fit < matches[0].fit - CLOSE_FIT:
        return None
    return matches[1].intent
