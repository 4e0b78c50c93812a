"""The policy's clauses and the intents that point at them, loaded from data files and checked."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from intents.errors import KnowledgeError
from intents.live_policy import DATA as DATA
from intents.live_policy import Policy as Policy
from intents.strict_yaml import StrictLoader

_SLUG = r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$"
_M = TypeVar("_M", bound="BaseModel")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class ClauseData(_Strict):
    id: str = Field(pattern=_SLUG)
    text: str = Field(min_length=1)
    items: list[str] = Field(default_factory=list)


class SectionData(_Strict):
    id: str = Field(pattern=_SLUG)
    title: str
    parent: str | None = None
    clauses: list[ClauseData]


class PolicyData(_Strict):
    title: str
    version: str
    date: str
    text_file: str
    published: str | None = None
    """When `policybot policy publish` made this version live (ISO 8601, UTC)."""


class ClausesFile(_Strict):
    policy: PolicyData
    sections: list[SectionData]


class IntentData(_Strict):
    id: str = Field(pattern=_SLUG)
    title: str = Field(min_length=3, max_length=80)
    clauses: list[str] = Field(default_factory=list)
    examples: list[str] = Field(min_length=1)
    keywords: list[str] = Field(default_factory=list)

    @field_validator("examples", "keywords")
    @classmethod
    def _no_blank(cls, v: list[str]) -> list[str]:
        if any(not s.strip() for s in v):
            raise ValueError("must not contain blank entries")
        return v


class LexiconFile(_Strict):
    stopwords: list[str]
    synonyms: dict[str, list[str]]
    safeguarding: dict[str, list[str]]
    smalltalk: dict[str, list[str]]
    topic: list[str]
    representatives: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _representatives_are_concepts(self) -> LexiconFile:
        unknown = [r for r in self.representatives if r not in self.synonyms]
        if unknown:
            raise ValueError(f"representatives {unknown} must be names of synonyms entries")
        return self


@dataclass(frozen=True, slots=True)
class Clause:
    """One paragraph or bullet of the policy, verbatim, with where it sits."""

    id: str
    section: str
    parent: str | None
    text: str
    items: tuple[str, ...] = ()
    """For a clause that introduces a list ("... include:"), the ids of the list's bullets."""

    @property
    def heading(self) -> str:
        """The section as people read it: 'Parent › Section' or just 'Section'."""
        return f"{self.parent} › {self.section}" if self.parent else self.section


@dataclass(frozen=True, slots=True)
class Intent:
    """Something staff ask about: example phrasings, cue words and the clauses that answer it.

    An intent with no clauses is out of scope: matching it means the bot declines.
    """

    id: str
    title: str
    clauses: tuple[str, ...]
    examples: tuple[str, ...]
    keywords: tuple[str, ...]

    @property
    def in_scope(self) -> bool:
        """True when the policy answers it."""
        return bool(self.clauses)

    @property
    def answer(self) -> str:
        """What matching it leads to: its primary clause's id (intents quoting the same clause
        lead to the same answer), or its own id when it is out of scope."""
        return self.clauses[0] if self.clauses else self.id


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Words treated specially: stop words, synonyms, safeguarding and small-talk cues."""

    stopwords: frozenset[str]
    synonyms: dict[str, tuple[str, ...]]
    safeguarding: dict[str, tuple[str, ...]]
    smalltalk: dict[str, tuple[str, ...]]
    topic: tuple[str, ...] = ()
    """Words that put a question on the policy's subject: being online, or the policy itself."""
    english: frozenset[str] = frozenset()
    """Common English words, never taken for typos of the policy's words."""
    representatives: tuple[str, ...] = ()
    """Synonym concepts naming people the policy covers who are not employees."""


_LOADER = StrictLoader  # a key twice is refused: plain YAML would keep the last one silently


def _load_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path.name}: not valid YAML: {exc}") from exc
    except OSError as exc:
        raise KnowledgeError(f"{path}: cannot read: {exc.strerror}") from exc


def _validate(model: type[_M], data: Any, source: str) -> _M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise KnowledgeError(f"{source}: {where}: {err['msg']}{more}") from exc


def _word_list(path: Path) -> frozenset[str]:
    """One word a line; lines starting with # are comments; a missing file is an empty list."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return frozenset()
    except OSError as exc:
        raise KnowledgeError(f"{path}: cannot read: {exc.strerror}") from exc
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


MAX_QUOTE = 1400
"""The longest quote allowed, so an answer with its heading stays within 1,500 characters."""
SHORT_BULLET = 60
"""A bullet shorter than this many characters is quoted with the rest of its list."""
LIST_INTRODUCTION = re.compile(r"(?::\s*-?|\bfollowing\b[^.:;]*;)\s*$")
"""How a clause that introduces a list ends: "... include:", "... the following points: -",
"... providing the following guidelines are strictly adhered to;"."""


def normalise_space(text: str) -> str:
    """Collapse runs of whitespace, so line breaks in the policy don't count as differences."""
    return re.sub(r"\s+", " ", text).strip()


def phrasing_key(text: str) -> str:
    """What makes two phrasings the same one: their words, ignoring case and punctuation."""
    return normalise_space(re.sub(r"[^\w\s]", " ", text.lower()))


@dataclass(frozen=True)
class KnowledgeBase:
    """Clauses, intents and lexicon, as loaded from one data folder."""

    policy: Policy
    policy_text: str
    clauses: dict[str, Clause]
    intents: tuple[Intent, ...]
    lexicon: Lexicon

    @staticmethod
    def current_policy(folder: Path = DATA) -> Policy:
        """Only which policy version is live (reads clauses.yaml alone, not the intents)."""
        p = _validate(ClausesFile, _load_yaml(folder / "clauses.yaml"), "clauses.yaml").policy
        return Policy(p.title, p.version, p.date, p.published)

    @classmethod
    def load(cls, folder: Path = DATA) -> KnowledgeBase:
        """Load and validate every file; raise KnowledgeError naming the file and field at fault."""
        cf = _validate(ClausesFile, _load_yaml(folder / "clauses.yaml"), "clauses.yaml")
        clauses: dict[str, Clause] = {}
        for sec in cf.sections:
            for c in sec.clauses:
                if c.id in clauses:
                    raise KnowledgeError(f"clauses.yaml: clause id {c.id!r} is used twice")
                clauses[c.id] = Clause(
                    c.id, sec.title, sec.parent, normalise_space(c.text), tuple(c.items)
                )
            ids = [c.id for c in sec.clauses]
            for c in sec.clauses:
                after = ids[ids.index(c.id) + 1 :]
                if c.items and c.items != after[: len(c.items)]:
                    raise KnowledgeError(
                        f"clauses.yaml: clause {c.id}: items must name the clauses that follow it "
                        f"in section {sec.id}, in order: {', '.join(after) or '(none)'}"
                    )
        intents: list[Intent] = []
        for path in sorted((folder / "intents").glob("*.yaml")):
            raw = _load_yaml(path) or []
            if not isinstance(raw, list):
                raise KnowledgeError(f"intents/{path.name}: must be a list of intents")
            for i, item in enumerate(raw):
                d = _validate(IntentData, item, f"intents/{path.name}[{i}]")
                intents.append(
                    Intent(d.id, d.title, tuple(d.clauses), tuple(d.examples), tuple(d.keywords))
                )
        lx = _validate(LexiconFile, _load_yaml(folder / "lexicon.yaml"), "lexicon.yaml")
        lexicon = Lexicon(
            frozenset(lx.stopwords),
            {k: tuple(v) for k, v in lx.synonyms.items()},
            {k: tuple(v) for k, v in lx.safeguarding.items()},
            {k: tuple(v) for k, v in lx.smalltalk.items()},
            tuple(lx.topic),
            _word_list(folder / "english_words.txt"),
            tuple(lx.representatives),
        )
        text = (folder / cf.policy.text_file).read_text(encoding="utf-8")
        p = cf.policy
        policy = Policy(p.title, p.version, p.date, p.published)
        return cls(policy, text, clauses, tuple(intents), lexicon)

    @cached_property
    def _lists(self) -> dict[str, Clause]:
        """Each bullet's list introduction, by the bullet's id."""
        return {item: c for c in self.clauses.values() for item in c.items}

    def passage(self, clause_id: str) -> tuple[Clause, ...]:
        """The clauses to quote for one: a list's introduction brings its bullets; a bullet too
        short to stand alone ("Blogs and Vlogs,;") comes with its whole list, any other bullet with
        the introduction that gives it its sense ("... a breach of this policy are:"); a clause
        outside a list is quoted alone."""
        clause = self.clauses[clause_id]
        lead = clause if clause.items else self._lists.get(clause_id)
        if lead is None:
            return (clause,)
        if lead is not clause and len(clause.text) >= SHORT_BULLET:
            return (lead, clause)
        return (lead, *(self.clauses[i] for i in lead.items))

    def quote(self, clause_id: str) -> str:
        """The verbatim text to quote for a clause, a list's bullets one a line."""
        first, *bullets = self.passage(clause_id)
        return "\n".join([first.text, *(f"• {b.text}" for b in bullets)])

    def _unlisted(self) -> list[str]:
        """Clauses that end by introducing a list but name none of its bullets in `items`, so
        they would be quoted up to "the following points: -" and no further. The last clause of a
        section is left alone: what it introduces are the sections after it ("Employees must
        adhere to the following principles ... :"), too long to quote."""
        found = []
        last = {c.section: c.id for c in self.clauses.values()}
        for c in self.clauses.values():
            if LIST_INTRODUCTION.search(c.text) and not c.items and last[c.section] != c.id:
                found.append(
                    f"clause {c.id}: introduces a list ({c.text[-40:]!r}) but names no items; "
                    "list the bullets that follow it in `items`"
                )
        return found

    @cached_property
    def intent_by_id(self) -> dict[str, Intent]:
        """Intents by id."""
        return {i.id: i for i in self.intents}

    def problems(self) -> list[str]:
        """Everything `policybot intents check` reports; empty when the knowledge base is sound."""
        found: list[str] = []
        policy = normalise_space(self.policy_text)
        for c in self.clauses.values():
            if c.text not in policy:
                found.append(
                    f"clause {c.id}: text not found verbatim in the policy: {c.text[:60]!r}"
                )
        for c in self.clauses.values():
            if len(self.quote(c.id)) > MAX_QUOTE:
                found.append(
                    f"clause {c.id}: its quote with its list is over {MAX_QUOTE} characters; "
                    "name fewer items"
                )
        found += self._unlisted()
        ids = Counter(i.id for i in self.intents)
        found += [f"intent {i}: id used {n} times" for i, n in ids.items() if n > 1]
        owner: dict[str, str] = {}
        for intent in self.intents:
            for cid in intent.clauses:
                if cid not in self.clauses:
                    found.append(f"intent {intent.id}: points at missing clause {cid!r}")
            for ex in intent.examples:
                key = phrasing_key(ex)
                if key in owner and owner[key] != intent.id:
                    found.append(
                        f"intent {intent.id}: phrasing {ex!r} is also in intent {owner[key]}"
                    )
                elif key in owner:
                    found.append(f"intent {intent.id}: phrasing {ex!r} is listed twice")
                owner[key] = intent.id
        return found
