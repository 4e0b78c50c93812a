"""Cleaning what people type before it is kept: control and formatting characters, spacing.

Credentials are spotted in bot/core/secrets.py."""

from __future__ import annotations

import unicodedata


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
