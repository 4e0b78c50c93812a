"""Fold graded question sets into the intents as example phrasings.

A question set in the style of staff chat, with the policy fragments that answer each question
(the format of bench/questions.jsonl), is training data too: each in-scope question is added to
the examples of the intent whose primary clause it expects (of several such intents, the one the
matcher ranks highest for it), in that intent's YAML file; an out-of-scope question joins the
out-of-scope intent the matcher ranks highest for it. A message asking two questions gives each
part to its own intent. Questions already among the examples are skipped.

    python bench/fold.py bench/holdout.jsonl [...] [--dry-run]

Once folded, a set measures nothing: bench/qa.py reports it as training, not generalisation.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.grading import is_oos, load, text_ok  # noqa: E402
from bot.core.splitting import split_questions  # noqa: E402
from intents.knowledge import DATA, KnowledgeBase, normalise_space, phrasing_key  # noqa: E402
from intents.matcher import Matcher  # noqa: E402

_ID = re.compile(r"^- id: (\S+)\s*$")


def targets(kb: KnowledgeBase, paths: list[Path]) -> tuple[dict[str, list[str]], list[str]]:
    """New phrasings by intent id, and the ids of the questions no intent could take."""
    matcher = Matcher(kb)
    known = {phrasing_key(e) for i in kb.intents for e in i.examples}
    found: dict[str, list[str]] = defaultdict(list)
    unplaced = []
    for path in paths:
        for r in (one for record in load(path) for one in questions(record)):
            q = normalise_space(r["q"])
            if phrasing_key(q) in known:
                continue
            ranked = matcher.rank(q)
            if is_oos(r):  # to the out-of-scope intent nearest to it
                oos = next((m.intent for m in ranked if not m.intent.in_scope), None)
                if oos is None:
                    unplaced.append(r["id"])
                else:
                    found[oos.id].append(q)
                    known.add(phrasing_key(q))
                continue
            fits = [
                i
                for i in kb.intents
                if i.in_scope
                and text_ok(r, f"{kb.clauses[i.clauses[0]].heading}: {kb.quote(i.clauses[0])}")
            ]
            if not fits:
                unplaced.append(r["id"])
                continue
            ranks = {m.intent.id: m.rank for m in ranked}
            best = max(fits, key=lambda i: (ranks.get(i.id, -1.0), len(i.examples)))
            found[best.id].append(q)
            known.add(phrasing_key(q))
    return found, unplaced


def questions(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The record, or for two questions in one message each part with its own phrases (none
    when the message does not split into as many parts as it has answers)."""
    parts = record.get("expect_parts")
    if not parts:
        return [record]
    asked = split_questions(record["q"])
    if len(asked) != len(parts):
        return []
    return [{**record, "q": q, "expect": e} for q, e in zip(asked, parts, strict=True)]


def insert(lines: list[str], additions: dict[str, list[str]]) -> list[str]:
    """The YAML file's lines with each intent's new phrasings after its last example."""
    out: list[str] = []
    current: str | None = None
    in_examples = False
    for line in lines:
        if in_examples and not line.startswith("    "):
            out += [
                f"    - {json.dumps(q, ensure_ascii=False)}"
                for q in additions.pop(current or "", [])
            ]
            in_examples = False
        if m := _ID.match(line):
            current = m.group(1)
        elif line.rstrip() == "  examples:":
            in_examples = True
        out.append(line)
    if in_examples:
        out += [
            f"    - {json.dumps(q, ensure_ascii=False)}" for q in additions.pop(current or "", [])
        ]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sets", nargs="+", type=Path, help="question sets (JSON Lines)")
    parser.add_argument("--dry-run", action="store_true", help="count, write nothing")
    args = parser.parse_args()
    kb = KnowledgeBase.load()
    found, unplaced = targets(kb, args.sets)
    print(f"{sum(map(len, found.values()))} phrasings for {len(found)} intents")
    if unplaced:
        print(f"no intent could take: {', '.join(unplaced)}")
    if args.dry_run:
        return
    for path in sorted((DATA / "intents").glob("*.yaml")):
        lines = path.read_text(encoding="utf-8").splitlines()
        path.write_text("\n".join(insert(lines, found)) + "\n", encoding="utf-8")
    if found:
        sys.exit(f"intents not found in any file: {', '.join(found)}")
    KnowledgeBase.load()  # the files still validate


if __name__ == "__main__":
    main()
