"""What the matcher decides about a question: its matches, the verdict and the thresholds."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from intents.knowledge import Intent


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
    """What orders intents: the similarity mixed with the naive Bayes and regression posteriors."""
    lexical: float
    """The ranking key without the regression's share."""
    pooled: float
    """Similarity to all the intent's phrasings pooled together."""
    fit: float
    """What orders the shortlist: the rank, the pooled similarity and how nearly one phrasing's
    words are all in the question (rapidfuzz's token set ratio). Equal to the rank until the
    shortlist is reordered."""


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
    out_of_scope_lexical_margin: float = 0.2
    """Also decline when an out-of-scope intent is within this share of the best in-scope one on
    the ranking without the regression: the regression can be sure of a clause for a question
    the policy does not cover ("how do students report bullying by classmates on tiktok")."""
    close: float = 0.03
    """A runner-up ranked within this of the best is offered as "did you mean"."""
    off_topic: float = 0.65
    """Similarity needed to answer a question with no word about being online or the policy:
    "is there a staff flu jab clinic this year" shares "staff" and "year" with the intents but
    is not what the policy is about."""
    off_topic_rank: float = 0.55
    """...unless the ranking is this sure of one clause: "after leaving am I free to say what went
    on" names nothing online, yet one clause clearly fits it."""
