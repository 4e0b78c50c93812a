"""Text as the vectoriser sees it, and the windows a message is scored on."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

_MEMO_SIZE = 50_000


# ---------------------------------------------------------------------------------------------
# Text as the vectoriser sees it, and the windows a message is scored on

_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"'})
TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token_pattern
_PIECE = re.compile(r"\S+")
_END = re.compile(r"[.!?;:]+[)\"']*$")
_TAG = "zz"
"""How the preprocessor's group names start."""
_DASH = frozenset({"-", "--", "–", "—", "...", "…", "|", "/"})

WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (3, 5)
WINDOW_WORDS = 24
"""Length of the sliding word windows, for long messages typed without full stops. Shorter
windows cut a look-alike's sentence into fragments that lose what made it ordinary ("a y10 lad
told me he'd been gaming till 3am" without "is there a leaflet on screen time")."""
WINDOW_STEP = 8
THRESHOLD = 0.10
"""Probability from which the model calls a message a concern (chosen by cross-validation for
recall of at least 98% with the fewest false alarms)."""
CUE_THRESHOLD = 0.05
"""The lower bar for a message the cue floor flags: a cue hit lowers the bar rather than deciding
alone, so a lesson, poster or news story about grooming or FGM that the model is all but sure is
not about a child at risk is not flagged (0 makes every cue hit a concern)."""
WINDOW_PENALTY = 2.5
"""How much less a window's log-odds count than the whole message's: a sentence on its own has
less context, so it needs more evidence (chosen by cross-validation with THRESHOLD)."""
C_BINARY = 10.0
C_CATEGORY = 0.3
NEGATIVE_WINDOWS = 3
"""How many windows of each negative to train on, shortest first."""
HARD_NEGATIVE_WEIGHT = 6.0
"""Weight of a look-alike written for this detector, against 1 for a concern."""
INTENTS_WEIGHT = 2.0
"""Weight of an intent's phrasing as a negative: ordinary policy questions about pupils, staff
and harassment stay ordinary (both weights chosen by cross-validation)."""


def preprocess(text: str) -> str:
    """Lower case and straight quotes: the first step of what the vectoriser sees."""
    return text.lower().translate(_QUOTES)


_VWORD = re.compile(r"[a-z0-9_]+(?:'[a-z0-9_]+)*")
_VSPEC = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*\*?")
_TAGS_AFTER = re.compile(r"(?: zz[a-z_]+)*")

_Entry = tuple[tuple[tuple[str, bool], ...], str]
"""A vocabulary phrase as (word, is_prefix) pairs, and its group."""


def entry_words(entry: str) -> tuple[tuple[str, bool], ...]:
    """A phrase's words, each with whether it ends in "*" (matches any word it starts)."""
    return tuple((w.rstrip("*"), w.endswith("*")) for w in _VSPEC.findall(preprocess(entry)))


class Preprocessor:
    """Lower case, straight quotes, and after each word or phrase of a vocabulary group the
    group's name ("paracetamol" -> "paracetamol zzselfharm"), so words no example used still
    count as their group does. Phrases match whole words (a word ending in "*" any word it
    starts), whatever separates them; an entry starting "re:" is a regular expression. Applying
    it twice changes nothing. Picklable: it keeps only the vocabulary."""

    def __init__(self, vocabulary: dict[str, list[str]]) -> None:
        self.vocabulary = vocabulary
        self._compile()

    def _compile(self) -> None:
        self._memo: dict[str, str] = {}
        self._single: dict[str, set[str]] = {}
        self._single_prefix: dict[str, list[tuple[str, str]]] = {}
        self._pairs: dict[tuple[str, str], list[_Entry]] = {}
        self._multi: dict[str, list[_Entry]] = {}
        self._multi_prefix: dict[str, list[_Entry]] = {}
        self._regexes: list[tuple[re.Pattern[str], str]] = []
        for group, entries in sorted(self.vocabulary.items()):
            for entry in entries:
                if entry.startswith("re:"):
                    self._regexes.append((re.compile(entry[3:]), group))
                    continue
                spec = entry_words(entry)
                if not spec:
                    continue
                first, is_prefix = spec[0]
                if len(spec) == 1 and not is_prefix:
                    self._single.setdefault(first, set()).add(group)
                elif len(spec) == 1:
                    self._single_prefix.setdefault(first[:3], []).append((first, group))
                elif not is_prefix and not spec[1][1]:  # two whole words first: the common case
                    self._pairs.setdefault((first, spec[1][0]), []).append((spec, group))
                else:
                    index = self._multi_prefix if is_prefix else self._multi
                    index.setdefault(first[:3] if is_prefix else first, []).append((spec, group))

    def __getstate__(self) -> dict[str, Any]:
        return {"vocabulary": self.vocabulary}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.vocabulary = state["vocabulary"]
        self._compile()

    @staticmethod
    def _fits(ws: Sequence[str], i: int, spec: tuple[tuple[str, bool], ...]) -> bool:
        return i + len(spec) <= len(ws) and all(
            ws[i + j].startswith(word) if pre else ws[i + j] == word
            for j, (word, pre) in enumerate(spec)
        )

    def __call__(self, text: str) -> str:
        done = self._memo.get(text)
        if done is None:
            done = self._tag(text)
            if len(self._memo) < _MEMO_SIZE:
                self._memo[text] = done
        return done

    def _tag(self, text: str) -> str:
        text = preprocess(text)
        found: dict[int, set[str]] = {}
        spots = list(_VWORD.finditer(text))
        ws = [m.group() for m in spots]
        single, single_prefix = self._single, self._single_prefix
        pairs, multi, multi_prefix = self._pairs, self._multi, self._multi_prefix
        fits = self._fits
        for i, w in enumerate(ws):
            groups = single.get(w)
            if groups:
                found.setdefault(spots[i].end(), set()).update(groups)
            head = w[:3]
            for stem, group in single_prefix.get(head, ()):
                if w.startswith(stem):
                    found.setdefault(spots[i].end(), set()).add(group)
            longer = pairs.get((w, ws[i + 1]), ()) if i + 1 < len(ws) else ()
            for spec, group in [*longer, *multi.get(w, ()), *multi_prefix.get(head, ())]:
                if fits(ws, i, spec):
                    found.setdefault(spots[i + len(spec) - 1].end(), set()).add(group)
        for pattern, group in self._regexes:
            for m in pattern.finditer(text):
                found.setdefault(m.end(), set()).add(group)
        if not found:
            return text
        out: list[str] = []
        last = 0
        for end in sorted(found):
            present = _TAGS_AFTER.match(text, end)
            have = set(present.group().split()) if present else set()
            new = [f" zz{g}" for g in sorted(found[end]) if f"zz{g}" not in have]
            out += [text[last:end], *new]
            last = end
        out.append(text[last:])
        return "".join(out)


def spans(
    text: str, prep: Callable[[str], str] = preprocess
) -> tuple[list[str], list[tuple[int, int]]]:
    """The preprocessed text's whitespace-separated tokens and the windows to score, as token
    ranges: the whole text, each sentence or clause, each two neighbouring ones, and sliding
    runs of words through anything longer than a window."""
    prepped = prep(text)
    toks: list[str] = []
    breaks: list[int] = []  # token indices where a new sentence starts
    last_end = 0
    for m in _PIECE.finditer(prepped):
        tok = m.group()
        if "\n" in prepped[last_end : m.start()] and toks:
            breaks.append(len(toks))
        last_end = m.end()
        toks.append(tok)
        if tok in _DASH or _END.search(tok):
            breaks.append(len(toks))
    n = len(toks)
    cuts = sorted({0, n, *(b for b in breaks if 0 < b < n)})
    windows: set[tuple[int, int]] = {(0, n)} if n else set()
    for i in range(len(cuts) - 1):
        windows.add((cuts[i], cuts[i + 1]))
        if i + 2 < len(cuts):
            windows.add((cuts[i], cuts[i + 2]))
    for i in range(len(cuts) - 1):  # runs of words through a long stretch without a stop
        start, end = cuts[i], cuts[i + 1]
        if end - start > WINDOW_WORDS:
            for s in range(start, end - WINDOW_WORDS + WINDOW_STEP, WINDOW_STEP):
                e = min(s + WINDOW_WORDS, end)
                while e < end and toks[e].startswith(_TAG):  # a word keeps its group names
                    e += 1
                windows.add((s, e))
    return toks, sorted(windows)


def window_texts(text: str, prep: Callable[[str], str] = preprocess) -> list[str]:
    """The texts of the windows the message is scored on (the whole message first), as the
    preprocessor gives them (preprocessing them again changes nothing)."""
    toks, windows = spans(text, prep)
    return [" ".join(toks[s:e]) for s, e in windows]
