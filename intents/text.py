"""Turning what staff type into comparable terms: shorthand, synonyms, typos and word endings."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any, TypeVar

import Stemmer
from rapidfuzz import process
from rapidfuzz.distance import OSA, Indel, Levenshtein

from intents.confusions import confusable, in_context
from intents.knowledge import Lexicon

_T = TypeVar("_T")
_MEMO_SIZE = 50_000
_WORD = re.compile(r"[a-z0-9]+")
_APOSTROPHE = re.compile(r"[’'`]")


def words(text: str) -> list[str]:
    """Lower-case word tokens, apostrophes dropped ("don't" -> "dont")."""
    return _WORD.findall(_APOSTROPHE.sub("", text.lower()))


def _remember(memo: dict[str, _T], key: str, value: _T) -> _T:
    """Store the value under the key while the memo is small (people can type endless words)."""
    if len(memo) < _MEMO_SIZE:
        memo[key] = value
    return value


# A capitalised word after a lower-case one is a name: "my colleague Claire", "up in York".
_NAME = re.compile(r"(?<=[a-z0-9,;] )[A-Z][a-z]+")


def _max_edits(word: str) -> int:
    n = len(word)
    return 0 if n < 4 else 1 if n < 6 else 2


class Normaliser:
    """Maps text to canonical terms.

    Synonyms (single words or phrases) map to one concept; unknown words within a small edit
    distance of a known word are read as that word; remaining words are stemmed so "posting",
    "posted" and "posts" meet. Stop words are dropped.
    """

    TRUSTED_USES = 3
    """A word in this many places of the vocabulary is a word, even if no dictionary has it."""

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
        # The longest phrase starting with each word, so most words skip the phrase lookups.
        self._phrase_len: dict[str, int] = {}
        for p in self._phrases:
            self._phrase_len[p[0]] = max(len(p), self._phrase_len.get(p[0], 0))
        texts = list(vocabulary)
        used = Counter(w for text in texts for w in words(text))
        self._english = lexicon.english
        self._used = used
        known = {w for w, n in used.items() if n >= self.TRUSTED_USES or w in self._english}
        known |= set(self._single) | {w for p in self._phrases for w in p} | self._stop
        self._known = known
        self._spellable: dict[int, list[str]] = defaultdict(list)
        for w in sorted(known):
            if len(w) >= 4 and not w.isdigit():
                self._spellable[len(w)].append(w)
        # A rare word that no dictionary knows is known too, unless it is one slip from a known
        # word: phrasings written the way staff type ("socail", "frend") must not teach the
        # matcher their typos as words of their own, or the typo would stop being corrected.
        # Names are written with a capital ("Claire", "York") and stay known.
        proper = {w.lower() for text in texts for w in _NAME.findall(text)}
        known |= {w for w in set(used) - known if w in proper or not self._near_miss(w)}
        self._known_stems = {self._stem(w) for w in known}
        self._fixes: dict[str, str] = {}
        self._word_terms: dict[str, tuple[str, ...]] = {}
        self._cache: dict[str, list[str]] = {}
        self._spelled: dict[str, str] = {}

    def __getstate__(self) -> dict[str, Any]:
        """What a pickle keeps: not the stemmer (a C object) nor the texts already seen."""
        state = dict(vars(self))
        del state["_stemmer"]
        state["_cache"] = {}
        state["_spelled"] = {}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        vars(self).update(state)
        self._stemmer = Stemmer.Stemmer("english")

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
        return self._nearest(word)

    def _near_miss(self, word: str) -> bool:
        """True when one letter added, dropped, changed or swapped makes a known word of it."""
        if len(word) < 4 or any(c.isdigit() for c in word):  # "11pm" is not "10pm"
            return False
        candidates = [w for n in range(len(word) - 1, len(word) + 2) for w in self._spellable[n]]
        return process.extractOne(word, candidates, scorer=OSA.distance, score_cutoff=1) is not None

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
        return self._scan(text)[0] if cached is None else cached

    def spelled(self, text: str) -> str:
        """The text as canonical terms with its stop words kept ("can i slag off my colleagues"
        -> "can i criticise off my colleague social"): for comparing function words too."""
        cached = self._spelled.get(text)
        return self._scan(text)[1] if cached is None else cached

    def _scan(self, text: str) -> tuple[list[str], str]:
        """The text's terms and its spelled form, from one pass, remembered."""
        fixes, phrase_len = self._fixes, self._phrase_len
        toks = [fixes.get(w) or _remember(fixes, w, self.correct(w)) for w in words(text)]
        if confusable(toks):  # "loose my job", "there kids": real words in the wrong place
            toks = in_context(toks)
        out: list[str] = []
        spelled: list[str] = []
        i = 0
        while i < len(toks):
            w = toks[i]
            longest = phrase_len.get(w)
            if longest:  # the longest phrase starting here wins
                for n in range(min(longest, len(toks) - i), 1, -1):
                    concept = self._phrases.get(tuple(toks[i : i + n]))
                    if concept:
                        break
                else:
                    concept = None
                if concept:
                    out.extend(concept)
                    spelled.extend(concept)
                    i += n
                    continue
            i += 1
            found = self._word_terms.get(w)
            if found is None:
                found = _remember(self._word_terms, w, self._word(w))
            out.extend(found)
            spelled.extend(found or (w,))  # a stop word has no terms but is spelled
        return _remember(self._cache, text, out), _remember(self._spelled, text, " ".join(spelled))

    def _word(self, w: str) -> tuple[str, ...]:
        """The terms of one corrected word outside any phrase: its concept, its stem or nothing."""
        if w in self._single:
            return self._single[w]
        if w in self._stop:
            return ()
        stem = self._stem(w)
        return self._single.get(stem, (stem,))
