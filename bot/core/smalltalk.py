"""Greetings, help requests and thanks: recognised so they are not searched in the policy."""

from __future__ import annotations

from intents.knowledge import Lexicon
from intents.text import words


class SmallTalk:
    """Says which kind of small talk a whole message is, if it is nothing else."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._phrases = {
            kind: sorted((tuple(words(p)) for p in phrases), key=len, reverse=True)
            for kind, phrases in lexicon.smalltalk.items()
        }
        self._filler = {"policybot", "bot", "please", "pls", "so", "much", "very", "again", "there"}

    def kind(self, text: str) -> str | None:
        """'greeting', 'help', 'thanks', or None when the message asks something else."""
        toks = [t for t in words(text) if t not in self._filler]
        if not toks:
            return "greeting" if text.strip() else None
        found: str | None = None
        i = 0
        while i < len(toks):
            for kind, phrases in self._phrases.items():
                hit = next((p for p in phrases if tuple(toks[i : i + len(p)]) == p), None)
                if hit:
                    # help and thanks outrank a greeting in "hi, what can you do?"
                    if found is None or found == "greeting":
                        found = kind
                    i += len(hit)
                    break
            else:
                return None
        return found
