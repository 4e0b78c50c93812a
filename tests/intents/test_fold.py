"""bench/fold.py: graded questions become example phrasings of the intent that answers them."""

from __future__ import annotations

import json
from pathlib import Path

from bench.fold import insert, targets
from intents.knowledge import KnowledgeBase


def write(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_a_question_joins_the_intent_that_answers_it_or_declines_it(tmp_path: Path) -> None:
    kb = KnowledgeBase.load()
    existing = kb.intents[0].examples[0]
    found, unplaced = targets(
        kb,
        [
            write(
                tmp_path / "set.jsonl",
                [
                    {
                        "id": "a1",
                        "q": "r we allowed to mute the trolls on the school insta",
                        "expect": ["should block, report or delete other users"],
                        "kind": "typo",
                    },
                    {
                        "id": "a2",
                        "q": "where do I park at the sports hall",
                        "expect": [],
                        "kind": "oos",
                    },
                    {
                        "id": "a3",
                        "q": existing.upper(),
                        "expect": ["Social media"],
                        "kind": "plain",
                    },
                    {
                        "id": "a4",
                        "q": "who wrote this",
                        "expect": ["no such words in it"],
                        "kind": "plain",
                    },
                ],
            )
        ],
    )
    by_question = {q: i for i, qs in found.items() for q in qs}
    assert set(by_question) == {
        "r we allowed to mute the trolls on the school insta",
        "where do I park at the sports hall",
    }
    intents = {i.id: i for i in kb.intents}
    answering = intents[by_question["r we allowed to mute the trolls on the school insta"]]
    assert "should block, report or delete other users" in kb.clauses[answering.clauses[0]].text
    assert not intents[by_question["where do I park at the sports hall"]].in_scope
    assert unplaced == ["a4"]


def test_phrasings_are_inserted_after_the_intents_last_example() -> None:
    lines = [
        "- id: one",
        "  examples:",
        "    - first",
        "  keywords: [x]",
        "",
        "- id: two",
        "  examples:",
        "    - second",
    ]
    additions = {"one": ['a "quoted" one'], "two": ["last"]}
    assert insert(lines, additions) == [
        "- id: one",
        "  examples:",
        "    - first",
        '    - "a \\"quoted\\" one"',
        "  keywords: [x]",
        "",
        "- id: two",
        "  examples:",
        "    - second",
        '    - "last"',
    ]
    assert additions == {}
