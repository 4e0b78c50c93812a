"""The labelled examples the detector learns from, and the vocabulary groups."""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from intents.errors import KnowledgeError
from intents.knowledge import DATA, phrasing_key
from intents.safeguarding.windows import entry_words
from intents.strict_yaml import StrictLoader

# ---------------------------------------------------------------------------------------------
# Training data

SAFEGUARDING_DATA = "safeguarding"
"""The folder, inside the data folder, holding the labelled examples."""

CATEGORIES: dict[str, str] = {
    "grooming": "online grooming: an adult met online, requests to meet, gifts, secrecy",
    "sexual_images": "sexual images of pupils: nudes shared, sextortion, images sent to adults",
    "abuse_at_home": "abuse or domestic violence at home",
    "neglect": "neglect",
    "self_harm": "self-harm or suicidal posts",
    "bullying": "a pupil bullied, harassed or threatened online",
    "radicalisation": "radicalisation and extremist content",
    "exploitation": "sexual or criminal exploitation: county lines, gangs recruiting online",
    "missing": "a child missing after meeting someone online",
    "fgm_forced_marriage": "FGM or forced marriage",
    "staff_contact": "an adult's inappropriate contact with a pupil",
    "harmful_post": "harm to a child shown in a post or livestream",
}
"""The kinds of concern the examples are grouped by, for stats."""


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled message."""

    text: str
    concern: bool
    category: str | None
    """The kind of concern, for a concern; None otherwise."""
    style: str
    """How it is written (chat, story, formal, buried, ...) or, for a negative, its group."""
    source: str
    """The file it came from."""


def _strings(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(s, str) and s.strip() for s in value):
        raise KnowledgeError(f"{where}: must be a list of non-blank strings")
    return [str(s) for s in value]


def _groups(value: Any, where: str) -> Iterable[tuple[str, list[str]]]:
    """A list of strings, or a mapping from a name to a list of strings: (name, texts) pairs."""
    if isinstance(value, list):
        yield "plain", _strings(value, where)
    elif isinstance(value, dict):
        for name, texts in value.items():
            yield str(name), _strings(texts, f"{where}.{name}")
    else:
        raise KnowledgeError(f"{where}: must be a list of strings or a mapping of lists")


_KEYS = {"positives", "negatives", "skip_intents", "skip_examples", "contrasts", "vocabulary"}


def _file(path: Path, name: str) -> dict[str, Any]:
    """One safeguarding file, checked to be a mapping of known keys."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=StrictLoader) or {}
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{name}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{name}: must be a mapping")
    if unknown := set(raw) - _KEYS:
        raise KnowledgeError(f"{name}: unknown keys {sorted(unknown)}")
    return raw


def _labelled(raw: dict[str, Any], name: str) -> list[Example]:
    """A file's positives, negatives and generated contrasts."""
    out: list[Example] = []
    for category, styles in (raw.get("positives") or {}).items():
        if category not in CATEGORIES:
            raise KnowledgeError(f"{name}: positives.{category}: not one of {list(CATEGORIES)}")
        for style, texts in _groups(styles, f"{name}: positives.{category}"):
            out += [Example(t.strip(), True, category, style, name) for t in texts]
    for group, texts in _groups(raw.get("negatives") or {}, f"{name}: negatives"):
        out += [Example(t.strip(), False, None, group, name) for t in texts]
    specs = raw.get("contrasts") or []
    for spec in specs if isinstance(specs, list) else [specs]:
        out += _contrasts(spec, name)
    return out


def load_examples(folder: Path = DATA) -> list[Example]:
    """The labelled examples: data/safeguarding/*.yaml and, as ordinary questions, the intents'
    phrasings (but for the intents and phrasings the safeguarding files set aside).

    Each safeguarding file is a mapping with any of: `positives` (category -> style -> texts, or
    category -> texts), `negatives` (group -> texts), `skip_intents` (intent ids whose phrasings
    are not used as negatives: they describe concerns) and `skip_examples` (single phrasings set
    aside the same way). A phrasing that is also a positive is never a negative.
    """
    positives: list[Example] = []
    negatives: list[Example] = []
    skip_intents: set[str] = set()
    skip_examples: set[str] = set()
    for path in sorted((folder / SAFEGUARDING_DATA).glob("*.yaml")):
        name = f"{SAFEGUARDING_DATA}/{path.name}"
        raw = _file(path, name)
        for e in _labelled(raw, name):
            (positives if e.concern else negatives).append(e)
        skip_intents |= set(_strings(raw.get("skip_intents") or [], f"{name}: skip_intents"))
        skip_examples |= {
            phrasing_key(t) for t in _strings(raw.get("skip_examples") or [], f"{name}: skip")
        }
    skip_examples |= {phrasing_key(e.text) for e in positives}
    for path in sorted((folder / "intents").glob("*.yaml")):
        for intent in yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or []:
            if intent["id"] in skip_intents:
                continue
            negatives += [
                Example(text, False, None, INTENTS, f"intents/{path.name}#{intent['id']}")
                for text in intent["examples"]
                if phrasing_key(text) not in skip_examples
            ]
    seen: set[str] = set()
    examples: list[Example] = []
    for e in [*positives, *negatives]:
        key = phrasing_key(e.text)
        if key and key not in seen:
            seen.add(key)
            examples.append(e)
    return examples


def load_vocabulary(folder: Path = DATA) -> dict[str, list[str]]:
    """The vocabulary groups (group -> words and phrases) of data/safeguarding/*.yaml."""
    vocabulary: dict[str, list[str]] = {}
    for path in sorted((folder / SAFEGUARDING_DATA).glob("*.yaml")):
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=StrictLoader) or {}
        groups = raw.get("vocabulary") if isinstance(raw, dict) else None
        for group, entries in _groups(groups or {}, f"{SAFEGUARDING_DATA}/{path.name}: vocabulary"):
            if not re.fullmatch(r"[a-z_]+", group):
                raise KnowledgeError(f"{path.name}: vocabulary group {group!r}: use a-z and _")
            vocabulary.setdefault(group, []).extend(entries)
    for group, entries in vocabulary.items():
        for entry in entries:
            where = f"{SAFEGUARDING_DATA}: vocabulary.{group}: {entry!r}"
            if entry.startswith("re:"):
                try:
                    re.compile(entry[3:])
                except re.error as exc:
                    raise KnowledgeError(f"{where}: {exc}") from exc
            elif not entry_words(entry) or any(pre and len(w) < 3 for w, pre in entry_words(entry)):
                raise KnowledgeError(f"{where}: needs words, and 3 letters before any *")
    return vocabulary


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
INTENTS = "intents"
"""The style of negatives taken from the intents' phrasings."""
CONTRAST = "contrast"
"""The style of generated examples: trained on, never counted in cross-validated figures."""
_PRONOUNS = {
    "girl": {"she": "she", "her": "her", "her_o": "her", "herself": "herself"},
    "boy": {"she": "he", "her": "his", "her_o": "him", "herself": "himself"},
}


def _contrasts(spec: Any, name: str) -> list[Example]:
    """Generated pairs: ways of naming a pupil and reporting what they said, each with ordinary
    news (not a concern) and worrying news (a concern, of no particular category)."""
    where = f"{name}: contrasts"
    if not isinstance(spec, dict):
        raise KnowledgeError(f"{where}: must be a mapping")
    try:
        subjects = {
            str(k): _strings(v, f"{where}.subjects.{k}") for k, v in spec["subjects"].items()
        }
        says = _strings(spec["says"], f"{where}.says")
        tails = [str(t) for t in spec["tails"]]
        news = {False: _strings(spec["ordinary"], where), True: _strings(spec["worrying"], where)}
        rng = random.Random(int(spec.get("seed", 0)))
        count = int(spec.get("count", 0))
    except (KeyError, AttributeError, TypeError, ValueError) as exc:
        raise KnowledgeError(
            f"{where}: needs subjects, says, tails, ordinary and worrying"
        ) from exc
    groups = sorted(subjects)
    out: list[Example] = []
    for i in range(count):
        concern = i % 2 == 1
        group = rng.choice(groups)
        gender = group if group in _PRONOUNS else rng.choice(sorted(_PRONOUNS))
        text = f"{rng.choice(subjects[group])} {rng.choice(says)} {rng.choice(news[concern])}"
        text += rng.choice(tails)
        try:
            text = text.format(**_PRONOUNS[gender])
        except (KeyError, IndexError, ValueError) as exc:
            raise KnowledgeError(f"{where}: bad placeholder in {text!r}") from exc
        out.append(Example(text, concern, None, CONTRAST, name))
    return out
