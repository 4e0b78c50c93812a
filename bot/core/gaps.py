"""What staff asked, as HR's lists keep it: a declined message worth noting, and a question
fit to keep with a vote on its answer."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from bot.core.redaction import redact
from bot.core.sanitise import clean
from bot.core.secrets import find_secret

COMMAND_WORDS = frozenset(
    {
        "cancel", "submit", "back", "yes", "no", "y", "n", "ok", "okay", "help", "pause",
        "resume", "skip", "next", "done", "quit", "exit", "stop", "menu", "start", "edit",
        "change", "undo", "continue", "confirm", "review", "me", "none", "na", "n a", "hi",
        "hello", "thanks", "thank you", "cheers", "restart", "retry", "send", "save",
    }
)  # fmt: skip
"""Words typed to drive a form or a choice, never a question about the policy."""
QUESTION_WORDS = frozenset(
    {
        "what", "whats", "what's", "how", "can", "could", "may", "might", "should", "shall",
        "is", "are", "am", "do", "does", "did", "who", "whom", "whose", "where", "when", "why",
        "which", "would", "will", "must",
    }
)  # fmt: skip
KEPT_QUESTION = 300
"""How much of a question is kept with a vote on its answer."""
_WORD = re.compile(r"[^\w\s?']+")


def worth_noting(text: str, names: Collection[str] = ()) -> bool:
    """Whether a declined message is a question HR should see in `policybot gaps`.

    Form and command noise is not: "cancel", "submit", "back", "yes", a number alone, a
    person's name alone (`names`, lower case), or two words or fewer that ask nothing.
    """
    plain = " ".join(_WORD.sub(" ", text.lower().replace("\u2019", "'")).split())
    words = plain.replace("?", " ").split()
    if not words:
        return False
    said = " ".join(words)
    if said in COMMAND_WORDS or said in names or all(w.isdecimal() for w in words):
        return False
    return len(words) > 2 or "?" in plain or words[0] in QUESTION_WORDS


def person_names(full_names: Iterable[str]) -> frozenset[str]:
    """Every way a person's name is typed alone: in full, first name, surname (lower case)."""
    found: set[str] = set()
    for name in full_names:
        parts = name.lower().split()
        found.update({" ".join(parts), *parts[:1], *parts[-1:]})
    return frozenset(found)


def kept_question(text: str) -> str | None:
    """The question as it may be stored with a vote: cleaned, contact details redacted, cut
    short; None when it holds anything like a credential."""
    if find_secret(text) is not None:
        return None
    kept = " ".join(redact(clean(text)).split())[:KEPT_QUESTION]
    return kept or None
