"""The floor: a child word with a harm word from the lexicon's safeguarding cue lists."""

from __future__ import annotations

from intents.knowledge import Lexicon
from intents.text import words


class SafeguardingCues:
    """Cue words from the lexicon, matched as whole words or phrases.

    A message is a concern when it names a child and a harm, or describes an adult's contact
    with a child in worrying terms. Asking *about* the policy ("what counts as a safeguarding
    concern?") names no particular child and harm, so it is answered from the policy as usual.
    """

    def __init__(self, lexicon: Lexicon) -> None:
        self._cues = {
            name: [tuple(words(cue)) for cue in cues] for name, cues in lexicon.safeguarding.items()
        }

    def _has(self, name: str, toks: list[str]) -> bool:
        joined = f" {' '.join(toks)} "
        return any(f" {' '.join(cue)} " in joined for cue in self._cues.get(name, []) if cue)

    def is_concern(self, text: str) -> bool:
        """True when the text suggests a child may be at risk."""
        toks = words(text)
        if not self._has("child", toks):
            return False
        if self._has("harm", toks):
            return True
        return self._has("adult", toks) and self._has("worry", toks) and self._has("contact", toks)
