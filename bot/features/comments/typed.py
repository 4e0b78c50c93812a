"""What people type instead of the comment buttons: "responded to comment #3", "my comments".

Each form must be the whole message, so a question about the policy that happens to mention a
reply ("I replied to a parent's comment 2 days ago, is that ok?") is never taken for one.
"""

from __future__ import annotations

import re

_NUMBER = r"(?:(?:comment|query|complaint)\s*(?:#|no\.?|number)?\s*|#\s*)(\d{1,9})"
"""A comment's number as people write it: 'comment #3', 'comment 3', 'query no. 3', '#3'."""
_DID = r"(?:responded(?:\s+to)?|replied(?:\s+to)?|answered|dealt\s+with|done|handled|sorted)"
_I_HAVE = r"(?:i\s*(?:'ve|\s+have)?\s+)?(?:just\s+|now\s+|already\s+)?"

_BY_NUMBER = (
    # responded to comment #3 · I've replied to comment 3 · done #3 · answered query 3
    re.compile(rf"{_I_HAVE}{_DID}\s*{_NUMBER}"),
    # comment 3 responded · #3 done · comment #3 has been answered · comment 3 is done
    re.compile(rf"{_NUMBER}\s+(?:is\s+|has\s+been\s+|was\s+|now\s+)?{_DID}"),
    # mark comment 3 as responded · mark #3 answered · close comment #3
    re.compile(rf"(?:mark\s+{_NUMBER}\s+(?:as\s+)?{_DID}|close\s+{_NUMBER})"),
)
_BARE = re.compile(rf"{_I_HAVE}(?:responded|replied|answered|done|dealt\s+with\s+it)")
"""A responded with no number: the one comment waiting, after a yes/no question."""
_MINE = re.compile(
    r"(?:show\s+(?:me\s+)?)?(?:my|our)\s+(?:open\s+)?comments"
    r"|comments\s+(?:waiting\s+)?for\s+me|(?:which|what)\s+comments\s+(?:are\s+)?waiting"
)


def _plain(text: str) -> str:
    """Lower case, one space between words, curly apostrophes straight, no closing marks."""
    text = text.replace("\u2019", "'").lower()
    return " ".join(text.split()).strip(" .!")


def responded_number(text: str) -> int | None:
    """The comment number in a typed "responded to comment #3", else None."""
    plain = _plain(text)
    for pattern in _BY_NUMBER:
        found = pattern.fullmatch(plain)
        if found:
            return int(next(g for g in found.groups() if g))
    return None


def responded_bare(text: str) -> bool:
    """Whether the text says "responded" (or "done") without saying which comment."""
    return _BARE.fullmatch(_plain(text)) is not None


def asks_for_mine(text: str) -> bool:
    """Whether the text asks for the comments waiting for the sender ("my comments")."""
    return _MINE.fullmatch(_plain(text).rstrip("?")) is not None
