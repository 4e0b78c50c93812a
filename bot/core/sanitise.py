"""Cleaning what people type before it is kept, and spotting credentials that must not be."""

from __future__ import annotations

import re
import unicodedata
from itertools import pairwise

_SECRET_WORDS = re.compile(
    r"\b(pass\s*word|passwd|pwd|pw|passcode|pin|login\s*details|credentials?)(\s*(?:is|was|=|:|-)\s*)\S+",
    re.IGNORECASE,
)
_TOKEN_PREFIXES = re.compile(
    r"\b(?:xox[abposr]-|xapp-|ghp_|gho_|github_pat_|sk-|AKIA|EAA[A-Za-z0-9]{20}|ya29\.)\S*",
)
_WORD = re.compile(r"\S+")


def clean(text: str) -> str:
    """Text with control and formatting characters removed and each line's spacing tidied."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\r\n", "\n")
    kept = "".join(
        ch if ch == "\n" or not ch.isspace() else " "
        for ch in text
        if ch.isspace() or not unicodedata.category(ch).startswith("C")
    )
    lines = (" ".join(line.split()) for line in kept.split("\n"))
    return "\n".join(line for line in lines if line).strip()


def looks_like_secret(text: str) -> bool:
    """True for text that seems to carry a password or an access token."""
    if _SECRET_WORDS.search(text) or _TOKEN_PREFIXES.search(text):
        return True
    return any(_random_looking(word.strip("()\"'").rstrip(".,;:")) for word in _WORD.findall(text))


def mask_secrets(text: str) -> str:
    """The text with anything that looks like a password or token replaced by [secret]."""
    text = _SECRET_WORDS.sub(lambda m: f"{m.group(1)}{m.group(2)}[secret]", text)
    text = _TOKEN_PREFIXES.sub("[secret]", text)
    return _WORD.sub(
        lambda m: (
            "[secret]" if _random_looking(m.group().strip("()\"'").rstrip(".,;:")) else m.group()
        ),
        text,
    )


def _random_looking(word: str) -> bool:
    """Like a password (8+ characters of all four kinds) or a generated key (16+, mixed)."""
    if len(word) < 8 or "@" in word or word.lower().startswith(("http://", "https://", "www.")):
        return False
    kinds = sum(
        (
            any(c.islower() for c in word),
            any(c.isupper() for c in word),
            any(c.isdigit() for c in word),
            any(not c.isalnum() for c in word),
        )
    )
    switches = sum(a.isdigit() != b.isdigit() for a, b in pairwise(word))
    return kinds == 4 or (len(word) >= 16 and kinds >= 3 and switches >= 4)
