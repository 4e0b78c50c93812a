"""A new version of the policy split into clauses and compared with the current one.

The current clauses are the anchors: wherever one of them appears verbatim in the new text it is
carved out as unchanged, keeping its id. What is left between them is split at paragraph breaks;
each piece is matched to a current clause no longer found (rapidfuzz, best pairs first) and is
then that clause changed, keeping its id, or is a new clause with a new id. Current clauses that
nothing matched were removed. A heading keeps its section id when its title is unchanged or when
most of its clauses come from one current section (a renamed heading).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

from rapidfuzz import fuzz

from intents.knowledge import Clause, KnowledgeBase, normalise_space
from intents.policy_reader import Block

SIMILAR = 70.0
"""rapidfuzz ratio (0-100) from which a reworded clause is the old one changed."""
_SHORT = 25
"""An old clause shorter than this is recognised only as a whole paragraph ("Engaging")."""
_ROW = re.compile(r"^(\d+(?:\.\d+)+)\s+(\d{1,2}/\d{4})\b")
_BULLET = re.compile(r"^(?:[•o\-–]\s+)+")
_STOP = {"the", "and", "for", "with", "that", "this", "are", "all", "any", "our", "not", "should"}


class Kind(Enum):
    """What became of a clause."""

    UNCHANGED = "unchanged"
    CHANGED = "changed"
    NEW = "new"
    REMOVED = "removed"


@dataclass(frozen=True, slots=True)
class Change:
    """One clause of the diff."""

    kind: Kind
    id: str
    heading: str
    old: str = ""
    new: str = ""


@dataclass
class Section:
    """A section of the new version, as clauses.yaml holds it."""

    id: str
    title: str
    parent: str | None
    clauses: list[tuple[str, str, bool]] = field(default_factory=list)
    """(id, text, bullet) in order."""
    items: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Revision:
    """The new version: its sections and clauses, and how it differs from the current one."""

    version: str
    date: str
    sections: tuple[Section, ...]
    changes: tuple[Change, ...]
    renamed: tuple[tuple[str, str], ...]
    """(old title, new title) of headings that were renamed."""
    review: tuple[tuple[str, str, Kind], ...]
    """(intent id, clause id, changed or removed) for intents pointing at a clause that moved."""

    def of(self, kind: Kind) -> list[Change]:
        """The changes of one kind, in document order."""
        return [c for c in self.changes if c.kind is kind]

    def counts(self) -> str:
        """'3 changed, 1 new, 1 removed, 250 unchanged'."""
        order = (Kind.CHANGED, Kind.NEW, Kind.REMOVED, Kind.UNCHANGED)
        return ", ".join(f"{len(self.of(k))} {k.value}" for k in order)

    def summary(self, limit: int = 6) -> str:
        """The short 'what changed' for staff: each changed, new and removed clause's heading."""

        def clauses(kind: Kind) -> list[Change]:  # the Change Control rows are not news
            return [c for c in self.of(kind) if not c.id.startswith("change-control.")]

        lines = [f"• Reworded: {c.heading}: {_short(c.new)}" for c in clauses(Kind.CHANGED)]
        lines += [f"• New: {c.heading}: {_short(c.new)}" for c in clauses(Kind.NEW)]
        lines += [f"• Removed: {c.heading}: {_short(c.old)}" for c in clauses(Kind.REMOVED)]
        lines += [f"• Heading renamed: {old} → {new}" for old, new in self.renamed]
        more = len(lines) - limit
        return "\n".join(lines[:limit] + ([f"• and {more} more"] if more > 0 else []))


def _short(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 1].rsplit(" ", 1)[0] + "…"


@dataclass
class _Piece:
    text: str
    bullet: bool
    old: str | None = None
    """The id of the current clause it is, when carved out verbatim or matched."""


@dataclass
class _Group:
    title: str
    level: int
    pieces: list[_Piece] = field(default_factory=list)


def split(blocks: Sequence[Block], kb: KnowledgeBase) -> list[_Group]:
    """The new text's headings with its pieces, each current clause carved out verbatim."""
    groups: list[_Group] = []
    current: _Group | None = None
    paragraphs: list[Block] = []
    used: set[str] = set()
    for block in [*blocks, Block("", heading=True)]:
        if not block.heading:
            paragraphs.append(block)
            continue
        if current is not None:
            current.pieces = _carve(paragraphs, current.title, kb, used)
            groups.append(current)
        paragraphs = []
        current = _Group(block.text, block.level)
    return groups


def _carve(blocks: list[Block], title: str, kb: KnowledgeBase, used: set[str]) -> list[_Piece]:
    """The section's text as pieces: current clauses found verbatim, and what lies between."""
    texts = [b.text for b in blocks]
    full = " ".join(texts)
    edges, at = {0, len(full)}, 0
    for t in texts:
        at += len(t)
        edges |= {at, at + 1}
        at += 1
    found: list[tuple[int, int, str]] = []
    for clause in _by_preference(kb, title):
        start = full.find(clause.text)
        while start >= 0:
            end = start + len(clause.text)
            if _fits(full, start, end, edges, len(clause.text) < _SHORT):
                found.append((start, end, clause.id))
                break
            start = full.find(clause.text, start + 1)
    pieces: list[_Piece] = []
    last = 0
    bullets = {i for i, b in enumerate(blocks) if b.bullet}
    for start, end, cid in sorted(found, key=lambda f: (f[0], f[0] - f[1])):
        if start < last:
            continue
        pieces += _between(full, last, start, texts, bullets)
        if cid not in used:  # a clause the document repeats is quoted from its first place
            pieces.append(_Piece(full[start:end], _block_of(start, texts) in bullets, cid))
            used.add(cid)
        last = end
    return pieces + _between(full, last, len(full), texts, bullets)


def _by_preference(kb: KnowledgeBase, title: str) -> list[Clause]:
    """Current clauses, those of the section with this title first (repeated texts go home)."""
    clauses = list(kb.clauses.values())
    return sorted(clauses, key=lambda c: c.section.lower() != title.lower())


def _fits(full: str, start: int, end: int, edges: set[int], whole: bool) -> bool:
    if whole:
        return start in edges and end in edges
    return (start == 0 or full[start - 1] == " ") and (end == len(full) or full[end] == " ")


def _block_of(offset: int, texts: list[str]) -> int:
    at = 0
    for i, t in enumerate(texts):
        at += len(t) + 1
        if offset < at:
            return i
    return len(texts) - 1


def _between(full: str, a: int, b: int, texts: list[str], bullets: set[int]) -> list[_Piece]:
    """The text between two carved clauses, one piece per paragraph it touches."""
    pieces: list[_Piece] = []
    at = 0
    for i, t in enumerate(texts):
        lo, hi = max(a, at), min(b, at + len(t))
        part = _BULLET.sub("", full[lo:hi].strip())
        if lo < hi and re.search(r"\w", part):
            if pieces and not re.search(r"[.:;?!]$", pieces[-1].text):
                # a paragraph break in mid-sentence is the export's, not the policy's
                pieces[-1].text = normalise_space(f"{pieces[-1].text} {part}")
            else:
                pieces.append(_Piece(normalise_space(part), i in bullets))
        at += len(t) + 1
    return pieces


def compare(groups: list[_Group], kb: KnowledgeBase, version: str, date: str) -> Revision:
    """Match what was left to the current clauses, name the sections and clauses, and diff."""
    _match_changed(groups, kb)
    sections = _sections(groups, kb)
    changes: list[Change] = []
    heading = {s.id: (f"{s.parent} › {s.title}" if s.parent else s.title) for s in sections}
    for s in sections:
        for cid, text, _ in s.clauses:
            old = kb.clauses.get(cid)
            kind = Kind.NEW if old is None else Kind.UNCHANGED if old.text == text else Kind.CHANGED
            changes.append(Change(kind, cid, heading[s.id], old.text if old else "", text))
    kept = {c.id for c in changes}
    changes += [
        Change(Kind.REMOVED, c.id, c.heading, c.text)
        for c in kb.clauses.values()
        if c.id not in kept
    ]
    moved = {c.id: c.kind for c in changes if c.kind in (Kind.CHANGED, Kind.REMOVED)}
    review = tuple((i.id, cid, moved[cid]) for i in kb.intents for cid in i.clauses if cid in moved)
    old_titles = {sec_id: title for sec_id, title in _old_sections(kb).items()}
    renamed = tuple(
        (old_titles[s.id], s.title)
        for s in sections
        if s.id in old_titles and old_titles[s.id] != s.title
    )
    found = _version(sections)
    return Revision(
        version or (found[0] if found else ""),
        date or (found[1] if found else ""),
        tuple(sections),
        tuple(changes),
        renamed,
        review,
    )


def _old_sections(kb: KnowledgeBase) -> dict[str, str]:
    """Current section id → title, from the clause ids' prefixes."""
    return {c.id.split(".", 1)[0]: c.section for c in kb.clauses.values()}


def _match_changed(groups: list[_Group], kb: KnowledgeBase) -> None:
    """Pair leftover pieces with current clauses not found verbatim, best pairs first."""
    carved = {p.old for g in groups for p in g.pieces if p.old}
    missing = [c for c in kb.clauses.values() if c.id not in carved]
    loose = [p for g in groups for p in g.pieces if p.old is None]
    pairs = sorted(
        (
            (fuzz.ratio(p.text, c.text), n, c.id)
            for n, p in enumerate(loose)
            for c in missing
            if abs(len(p.text) - len(c.text)) <= max(len(c.text), len(p.text)) // 2
        ),
        reverse=True,
    )
    taken: set[str] = set()
    for score, n, cid in pairs:
        if score < SIMILAR:
            break
        if loose[n].old is None and cid not in taken:
            loose[n].old = cid
            taken.add(cid)


def _sections(groups: list[_Group], kb: KnowledgeBase) -> list[Section]:
    old_titles = _old_sections(kb)
    by_title = {t.lower(): sid for sid, t in old_titles.items()}
    parents = {c.id.split(".", 1)[0]: c.parent for c in kb.clauses.values()}
    sections: list[Section] = []
    ids: set[str] = set()
    top: str | None = None
    for g in groups:
        if not g.pieces:
            top = g.title if g.level == 1 else top
            continue
        homes = Counter(p.old.split(".", 1)[0] for p in g.pieces if p.old)
        sid = by_title.get(g.title.lower())
        if sid is None or sid in ids:
            sid = next((h for h, _ in homes.most_common() if h not in ids), None)
        if sid is None:
            sid = _unique(_slug(g.title, 4) or "section", ids)
        ids.add(sid)
        if g.level > 1:
            parent = top
        elif sid in parents:
            parent = parents[sid]
        else:
            parent = sections[-1].parent if sections else None
        if g.level == 1 and not parents.get(sid):
            top = g.title
        sections.append(Section(sid, g.title, parent))
    taken = {p.old for g in groups for p in g.pieces if p.old}
    for g, s in zip([g for g in groups if g.pieces], sections, strict=True):
        for p in g.pieces:
            cid = p.old or _new_id(s.id, p.text, taken)
            taken.add(cid)
            s.clauses.append((cid, p.text, p.bullet))
        s.items = _lists(s, kb)
    return sections


def _new_id(section: str, text: str, taken: set[str]) -> str:
    row = _ROW.match(text)
    if section == "change-control" and row:
        return _unique(f"{section}.v{row.group(1).replace('.', '-')}", taken)
    return _unique(f"{section}.{_slug(text, 3) or 'clause'}", taken)


def _slug(text: str, words: int) -> str:
    found = [w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2 and w not in _STOP]
    return "-".join(found[:words])


def _unique(base: str, taken: set[str]) -> str:
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    return name


def _lists(s: Section, kb: KnowledgeBase) -> dict[str, list[str]]:
    """A list's introduction names the clauses after it that were its items, with new ones
    among them (or, from Word, new bullets right after it)."""
    lists: dict[str, list[str]] = {}
    for n, (cid, text, _) in enumerate(s.clauses):
        old = kb.clauses.get(cid)
        before = set(old.items) if old else set()
        if not before and not text.endswith(":"):
            continue
        run: list[str] = []
        for other, _, bullet in s.clauses[n + 1 :]:
            if other in before or (other not in kb.clauses and (bullet or bool(before))):
                run.append(other)
            else:
                break
        while run and run[-1] not in before and not _bullet(s, run[-1]):
            run.pop()
        if run:
            lists[cid] = run
    return lists


def _bullet(s: Section, cid: str) -> bool:
    return any(b for c, _, b in s.clauses if c == cid)


def _version(sections: list[Section]) -> tuple[str, str] | None:
    """The newest (version, date) row of the Change Control table."""
    rows = [
        (m.group(1), m.group(2))
        for s in sections
        if s.id == "change-control"
        for _, text, _ in s.clauses
        if (m := _ROW.match(text))
    ]
    return max(rows, key=lambda r: [int(x) for x in r[0].split(".")], default=None)
