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


_ASKING = re.compile(
    rf"^(?:{_QUESTION_WORDS}|is\s+it|tell\s+me|i\s+(?:want|would\s+like|'d\s+like)\s+to\s+know|"
    r"wondering|quick\s+question)\b|\?\s*$",
    re.IGNORECASE,
)


def split_questions(text: str) -> list[str]:
    """The message's questions in order; one item when there is no clear boundary. A sentence
    that asks nothing ("I'm a TA and my niece is in my class.") is the setting of the question
    after it, and stays with it; a word or two ("thanks!") stays with the question before."""
    parts: list[str] = []
    setting = ""
    for piece in _BOUNDARY.split(text.strip()):
        part = f"{setting} {_LEAD.sub('', piece)}".strip()
        setting = ""
        if parts and len(part.split()) < 3:
            parts[-1] = f"{parts[-1]} {part}".strip()
        elif part and not _ASKING.search(part):
            setting = part
        elif part:
            parts.append(part)
    if setting:
        parts = [*parts[:-1], f"{parts[-1]} {setting}"] if parts else [setting]
    if len(parts) > MAX_PARTS:
        return [text.strip()]
    return parts or [text.strip()]
