"""Turning what staff type into comparable terms: shorthand, synonyms, typos and word endings."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

import Stemmer
from rapidfuzz import process
from rapidfuzz.distance import Indel, Levenshtein

from intents.knowledge import Lexicon

_WORD = re.compile(r"[a-z0-9]+")
_APOSTROPHE = re.compile(r"[’'`]")


def words(text: str) -> list[str]:
    """Lower-case word tokens, apostrophes dropped ("don't" -> "dont")."""
    return _WORD.findall(_APOSTROPHE.sub("", text.lower()))


def _max_edits(word: str) -> int:
    n = len(word)
    return 0 if n < 4 else 1 if n < 6 else 2


class Normaliser:
    """Maps text to canonical terms.

    Synonyms (single words or phrases) map to one concept; unknown words within a small edit
    distance of a known word are read as that word; remaining words are stemmed so "posting",
    "posted" and "posts" meet. Stop words are dropped.
    """

    def __init__(self, lexicon: Lexicon, vocabulary: Iterable[str]) -> None:
        self._stemmer = Stemmer.Stemmer("english")
        self._stop = {w for s in lexicon.stopwords for w in words(s)}
        self._phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._single: dict[str, tuple[str, ...]] = {}
        for names, variants in lexicon.synonyms.items():
            concept = tuple(names.split())
            for variant in (concept[0], *variants):
                toks = tuple(words(variant))
                if len(toks) == 1:
                    self._single[toks[0]] = concept
                    stem = self._stem(toks[0])
                    # "followers" stems to "follow", a word of its own that must not join in.
                    if stem == toks[0] or stem not in lexicon.english:
                        self._single.setdefault(stem, concept)
                elif toks:
                    self._phrases[toks] = concept
        self._longest = max((len(p) for p in self._phrases), default=1)
        used = Counter(w for text in vocabulary for w in words(text))
        known = set(used)
        known |= set(self._single) | {w for p in self._phrases for w in p} | self._stop
        self._known = known
        self._english = lexicon.english
        self._known_stems = {self._stem(w) for w in known}
        self._used = used
        self._spellable: dict[int, list[str]] = defaultdict(list)
        for w in sorted(known):
            if len(w) >= 4 and not w.isdigit():
                self._spellable[len(w)].append(w)
        self._fixes: dict[str, str] = {}
        self._cache: dict[str, list[str]] = {}

    def _stem(self, word: str) -> str:
        return str(self._stemmer.stemWord(word))

    def correct(self, word: str) -> str:
        """The known word this one is a likely typo of, or the word itself."""
        if (  # chat's dropped g: "doin", "postin", "goin"
            word.endswith("in")
            and word not in self._english
            and ((full := word + "g") in self._english or full in self._known)
        ):
            return full
        if word in self._known or _max_edits(word) == 0 or word.isdigit():
            return word
        if word in self._english:  # a real word the policy doesn't use is not a typo
            return word
        if self._stem(word) in self._known_stems:  # another form of a known word, not a typo
            return word
        fixed = self._fixes.get(word)
        if fixed is None:
            fixed = self._nearest(word)
            self._fixes[word] = fixed
        return fixed

    def _nearest(self, word: str) -> str:
        """The closest known word; ties go to fewer swaps, the same first letter, the commonest."""
        edits = _max_edits(word)
        candidates = [
            w for n in range(len(word) - edits, len(word) + edits + 1) for w in self._spellable[n]
        ]
        found = process.extract(
            word, candidates, scorer=Levenshtein.distance, score_cutoff=edits, limit=None
        )
        if not found:
            return word
        # A dropped or doubled letter ("realy", "doin") is likelier than a swapped one.
        best = min(
            found,
            key=lambda f: (
                f[1],
                Indel.distance(word, f[0]),
                f[0][0] != word[0],
                -self._used[f[0]],
            ),
        )
        return best[0]

    def terms(self, text: str) -> list[str]:
        """Canonical terms of the text, in order, stop words removed."""
        cached = self._cache.get(text)
        if cached is None:
            cached = self._terms(text)
            if len(self._cache) < 50_000:
                self._cache[text] = cached
        return cached

    def _terms(self, text: str) -> list[str]:
        toks = [self.correct(w) for w in words(text)]
        out: list[str] = []
        i = 0
        while i < len(toks):
            for n in range(min(self._longest, len(toks) - i), 1, -1):
                concept = self._phrases.get(tuple(toks[i : i + n]))
                if concept:
                    out.extend(concept)
                    i += n
                    break
            else:
                w = toks[i]
                i += 1
                if w in self._single:
                    out.extend(self._single[w])
                elif w not in self._stop:
                    stem = self._stem(w)
                    out.extend(self._single.get(stem, (stem,)))
        return out
