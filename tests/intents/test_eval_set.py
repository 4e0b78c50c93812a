"""Validate the project's own evaluation set, bench/questions.jsonl, the held-out sets and
bench/training.jsonl.

Every expected phrase must occur verbatim in the policy after the grader's normalisation
(the same `norm` as the shared grade.py), so that a bot quoting the right clause can pass.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import TypedDict

import pytest

from bench.grading import norm

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = ROOT / "bench" / "questions.jsonl"
POLICY = ROOT / "intents" / "data" / "policy.txt"

KINDS = {"plain", "paraphrase", "typo", "scenario", "role", "oos"}
MIN_QUESTIONS = 180


class Question(TypedDict):
    id: str
    q: str
    expect: list[str]
    kind: str


def load_questions() -> list[Question]:
    lines = QUESTIONS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


QS = load_questions()
POLICY_TEXT = norm(POLICY.read_text(encoding="utf-8"))
IN_SCOPE = [r for r in QS if r["kind"] != "oos"]


def test_enough_questions_and_every_kind_present() -> None:
    assert len(QS) >= MIN_QUESTIONS
    assert set(Counter(r["kind"] for r in QS)) == KINDS


def test_records_have_exactly_the_sample_fields() -> None:
    for r in QS:
        assert list(r) == ["id", "q", "expect", "kind"], r
        assert isinstance(r["q"], str) and r["q"].strip(), r
        assert isinstance(r["expect"], list), r


def test_ids_are_well_formed_unique_and_sequential() -> None:
    ids = [r["id"] for r in QS]
    assert all(re.fullmatch(r"p\d{3}", i) for i in ids), ids
    assert len(set(ids)) == len(ids)
    assert ids == [f"p{n:03d}" for n in range(1, len(ids) + 1)]


def test_kinds_are_allowed() -> None:
    assert {r["kind"] for r in QS} <= KINDS


def test_no_duplicate_questions() -> None:
    counts = Counter(norm(r["q"]) for r in QS)
    assert [q for q, n in counts.items() if n > 1] == []


def test_oos_questions_expect_nothing() -> None:
    assert all(r["expect"] == [] for r in QS if r["kind"] == "oos")


@pytest.mark.parametrize("rec", IN_SCOPE, ids=[r["id"] for r in IN_SCOPE])
def test_in_scope_phrases_are_short_verbatim_policy_quotes(rec: Question) -> None:
    phrases = rec["expect"]
    assert 1 <= len(phrases) <= 4
    assert len({norm(p) for p in phrases}) == len(phrases), "repeated phrase"
    for phrase in phrases:
        assert 5 <= len(phrase.split()) <= 12, phrase
        assert norm(phrase) in POLICY_TEXT, phrase


HELD_OUT = [*sorted((ROOT / "bench").glob("holdout*.jsonl")), ROOT / "bench" / "training.jsonl"]


@pytest.mark.parametrize("path", HELD_OUT, ids=[p.name for p in HELD_OUT])
def test_held_out_sets_quote_the_policy_and_cover_every_kind(path: Path) -> None:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    assert {r["kind"] for r in records} == KINDS
    assert len({r["id"] for r in records}) == len(records)
    for r in records:
        assert (r["kind"] == "oos") == (r["expect"] == []), r["id"]
        assert all(norm(p) in POLICY_TEXT for p in r["expect"]), r["id"]


def test_question_ids_are_unique_across_every_set() -> None:
    """A miss is reported by id, so an id must name one question in all the sets."""
    ids = Counter(
        json.loads(line)["id"]
        for path in [QUESTIONS, *HELD_OUT]
        for line in path.read_text(encoding="utf-8").splitlines()
        if line
    )
    assert [i for i, n in ids.items() if n > 1] == []
