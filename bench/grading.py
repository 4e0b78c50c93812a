"""The grading rule of the shared evaluation (shared/eval/grade.py), for any question file."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

THRESHOLD = 90
MAX_ANSWER_CHARS = 1500
KINDS = ["plain", "paraphrase", "typo", "scenario", "role"]
_PLAIN = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\uf0b7": " ",
    }
)


def norm(text: str) -> str:
    """Lower case, plain quotes and dashes, no bullet glyph, whitespace collapsed."""
    return re.sub(r"\s+", " ", (text or "").translate(_PLAIN)).strip().lower()


def is_oos(record: dict[str, Any]) -> bool:
    """True for an out-of-scope question."""
    return record.get("kind") == "oos" or not record.get("expect")


def text_ok(record: dict[str, Any], text: str) -> bool:
    """True when the text contains one of the expected phrases (fuzzy partial match)."""
    if is_oos(record) or not text or len(norm(text)) > MAX_ANSWER_CHARS:
        return False
    t = norm(text)
    for phrase in record["expect"]:
        p = norm(phrase)
        score = fuzz.ratio(p, t) if len(t) < len(p) else fuzz.partial_ratio(p, t)
        if score >= THRESHOLD:
            return True
    return False


def grade(record: dict[str, Any], text: str, answered: bool) -> bool:
    """Correct: out of scope and declined, or in scope, answered and containing a phrase."""
    if is_oos(record):
        return not answered
    return answered and text_ok(record, text)


def load(path: Path) -> list[dict[str, Any]]:
    """Question records from a JSON Lines file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]
