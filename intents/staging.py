"""A new policy version staged beside the knowledge base, then published into it.

`policybot policy import` writes the new clauses.yaml, policy.txt and the diff to a folder next
to the data folder (`intents/data.staged/` for the bundled one). Nothing reads that folder but
`policybot policy publish`, which checks the live version has not changed since the import and
that no intent still points at a removed clause, then replaces the live files and checks the
knowledge base, putting the old files back if it is not sound.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from intents.errors import KnowledgeError
from intents.knowledge import DATA, KnowledgeBase
from intents.policy_reader import Block, read_policy
from intents.revision import Kind, Revision, compare, split

_HEADER = """\
# Every clause of the Social Media Policy, quoted verbatim (whitespace normalised).
# Checked against policy.txt by `policybot intents check`.
# `items` on a clause that introduces a list ("...include:") names the list's bullets, in order:
# an answer quoting the introduction, or one of its short bullets, quotes the whole list.
"""
_FILES = ("clauses.yaml", "policy.txt")


def staging_folder(data: Path = DATA) -> Path:
    """Where an imported version waits to be published."""
    return data.with_name(data.name + ".staged")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class Staged:
    """An imported version waiting for `policy publish`: what it is and how it differs."""

    version: str
    date: str
    source: str
    counts: str
    summary: str
    changes: list[dict[str, str]]
    review: list[dict[str, str]]
    renamed: list[list[str]]
    based_on: str
    """The digest of the live clauses.yaml it was compared with."""

    def of(self, kind: str) -> list[dict[str, str]]:
        """The changes of one kind ('changed', 'new', 'removed', 'unchanged')."""
        return [c for c in self.changes if c["kind"] == kind]


def import_policy(
    path: Path, data: Path = DATA, version: str = "", date: str = ""
) -> tuple[Revision, Staged]:
    """Read a new version, compare it with the live one and stage it; nothing goes live."""
    kb = KnowledgeBase.load(data)
    headings = {c.section for c in kb.clauses.values()}
    headings |= {c.parent for c in kb.clauses.values() if c.parent}
    blocks = read_policy(path, headings, [c.text for c in kb.clauses.values()])
    revision = compare(split(blocks, kb), kb, version, date)
    if not any(s.clauses for s in revision.sections):
        raise KnowledgeError(f"{path.name}: no headings or paragraphs found in it")
    if not revision.version or not revision.date:
        raise KnowledgeError(
            f"{path.name}: no version row found in its Change Control table; "
            "give --version and --date (e.g. --version 2.2 --date 01/2027)"
        )
    if revision.version == kb.policy.version:
        raise KnowledgeError(
            f"{path.name}: its newest version is {revision.version}, the one already live; add "
            "the new version's row to its Change Control table, or give --version"
        )
    text = path.read_text(encoding="utf-8-sig") if path.suffix.lower() == ".txt" else ""
    staged = _stage(revision, kb, text or _render(blocks), data, path.name)
    return revision, staged


def _render(blocks: list[Block]) -> str:
    """Blocks as plain text: a heading on its own line after a space, paragraphs apart."""
    return "\n\n".join(f" {b.text}" if b.heading else b.text for b in blocks) + "\n"


def _stage(revision: Revision, kb: KnowledgeBase, text: str, data: Path, source: str) -> Staged:
    folder = staging_folder(data)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    doc: dict[str, Any] = {
        "policy": {
            "title": kb.policy.title,
            "version": revision.version,
            "date": revision.date,
            "text_file": "policy.txt",
        },
        "sections": [
            {
                "id": s.id,
                "title": s.title,
                **({"parent": s.parent} if s.parent else {}),
                "clauses": [
                    {"id": cid, "text": t, **({"items": s.items[cid]} if cid in s.items else {})}
                    for cid, t, _ in s.clauses
                ],
            }
            for s in revision.sections
        ],
    }
    (folder / "clauses.yaml").write_text(_HEADER + _dump(doc), encoding="utf-8")
    (folder / "policy.txt").write_text(text, encoding="utf-8")
    staged = Staged(
        revision.version,
        revision.date,
        source,
        revision.counts(),
        revision.summary(),
        [
            {"kind": c.kind.value, "id": c.id, "heading": c.heading, "old": c.old, "new": c.new}
            for c in revision.changes
        ],
        [{"intent": i, "clause": c, "kind": k.value} for i, c, k in revision.review],
        [list(r) for r in revision.renamed],
        _digest(data / "clauses.yaml"),
    )
    (folder / "revision.json").write_text(
        json.dumps(staged.__dict__, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return staged


def _dump(doc: dict[str, Any]) -> str:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)


def staged(data: Path = DATA) -> Staged | None:
    """The version waiting to be published, if any."""
    path = staging_folder(data) / "revision.json"
    if not path.is_file():
        return None
    return Staged(**json.loads(path.read_text(encoding="utf-8")))


def publish(data: Path = DATA, published: str = "") -> Staged:
    """Make the staged version live: refuse if the live one changed since the import or an
    intent points at a removed clause; restore the old files if the result is not sound."""
    waiting = staged(data)
    if waiting is None:
        raise KnowledgeError("no policy version is waiting; run `policybot policy import FILE`")
    if _digest(data / "clauses.yaml") != waiting.based_on:
        raise KnowledgeError(
            "the live policy changed since this version was imported; import it again"
        )
    removed = {c["id"] for c in waiting.of(Kind.REMOVED.value)}
    pointing = [
        f"intent {i.id} points at removed clause {cid}"
        for i in KnowledgeBase.load(data).intents
        for cid in i.clauses
        if cid in removed
    ]
    if pointing:
        raise KnowledgeError(
            "publishing would leave intents pointing at removed clauses; edit them first:\n"
            + "\n".join(f"  - {p}" for p in pointing)
        )
    folder = staging_folder(data)
    doc = yaml.safe_load((folder / "clauses.yaml").read_text(encoding="utf-8"))
    doc["policy"]["published"] = published
    (folder / "clauses.yaml").write_text(_HEADER + _dump(doc), encoding="utf-8")
    backup = {name: (data / name).read_bytes() for name in _FILES}
    for name in _FILES:
        shutil.copyfile(folder / name, data / name)
    try:
        problems = KnowledgeBase.load(data).problems()
    except KnowledgeError as exc:
        problems = [str(exc)]
    if problems:
        for name, content in backup.items():
            (data / name).write_bytes(content)
        raise KnowledgeError(
            "the new version was not published; the knowledge base would have problems:\n"
            + "\n".join(f"  - {p}" for p in problems[:10])
        )
    shutil.rmtree(folder)
    return waiting
