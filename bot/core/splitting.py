"""Two questions in one message, split where the boundary is clear.

A boundary is a question mark with more text after it, a new sentence that is itself a question
("... on fb. Can I also ..."), or a phrase that starts a new topic ("and also", "also,", "another
thing", "one more thing", "secondly,"). A comma alone never splits: "can I post photos, or
only the school can?" is one question.
"""

from __future__ import annotations

import re

MAX_PARTS = 4
_QUESTION_WORDS = (
    r"(?:can|could|may|might|should|shall|must|is|are|am|was|were|do|does|did|will|would|"
    r"have|has|what|what's|whats|how|who|whom|whose|where|when|why|which|any|anything)"
)
_BOUNDARY = re.compile(
    r"(?<=\?)\s+(?=\S)"
    rf"|(?<=[.!])\s+(?={_QUESTION_WORDS}\b[^.!?]*(?:\?|$))"
    r"|[\s,;]+(?=(?:and\s+also\b|also,|another\s+thing\b|one\s+more\s+thing\b|secondly\b|"
    r"separately,))",
    re.IGNORECASE,
)
_LEAD = re.compile(
    r"^(?:[\s,;:.!-]|and\b|also\b|plus\b|oh\b|so\b|but\b|another\s+thing\b|"
    r"one\s+more\s+thing\b|secondly\b|separately\b)+",
    re.IGNORECASE,
)


def split_questions(text: str) -> list[str]:
    """The message's questions in order; one item when there is no clear boundary. A part too
    short to be a question on its own ("thanks!") stays with the one before it."""
    parts: list[str] = []
    for piece in _BOUNDARY.split(text.strip()):
        part = _LEAD.sub("", piece).strip()
        if parts and len(part.split()) < 3:
            parts[-1] = f"{parts[-1]} {part}".strip()
        elif part:
            parts.append(part)
    if len(parts) > MAX_PARTS:
        return [text.strip()]
    return parts or [text.strip()]
