"""The built matcher saved between runs: reused while nothing changed, never trusted when stale."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.core.answers import Answerer
from intents.cache import load_matcher
from intents.knowledge import DATA, KnowledgeBase

QUESTION = "is the zebra crossing lollipop rota on the staff noticeboard"
NEW_INTENT = """
- id: lollipop-rota
  title: The lollipop rota
  clauses: [children.do-not-give]
  examples:
    - zebra crossing lollipop rota
    - who is on the lollipop rota this week
    - lollipop crossing patrol rota for the zebra crossing
"""


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the shipped data folder a test may edit."""
    return Path(shutil.copytree(DATA, tmp_path / "data"))


def ask(data: Path, cache: Path, question: str) -> str | None:
    """Start as a new process would; the clause id quoted, or None when declined."""
    matcher = load_matcher(data, cache)
    answer = Answerer(matcher.kb, matcher).answer(question)
    return answer.clause.id if answer.answered and answer.clause else None


def test_a_second_start_reuses_the_saved_matcher(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = ask(data, tmp_path / "cache", "can I accept a friend request from a parent?")

    def no_parsing(*_args: object) -> KnowledgeBase:
        raise AssertionError("the knowledge base was parsed again")

    monkeypatch.setattr(KnowledgeBase, "load", no_parsing)
    assert ask(data, tmp_path / "cache", "can I accept a friend request from a parent?") == first
    assert first == "good-practice.consider-carefully-whether"


def test_an_edit_to_the_knowledge_base_is_picked_up_on_the_next_start(
    data: Path, tmp_path: Path
) -> None:
    assert ask(data, tmp_path / "cache", QUESTION) is None
    (data / "intents" / "zz-lollipop.yaml").write_text(NEW_INTENT, encoding="utf-8")
    assert ask(data, tmp_path / "cache", QUESTION) == "children.do-not-give"


def test_a_damaged_cache_file_is_rebuilt(data: Path, tmp_path: Path) -> None:
    ask(data, tmp_path / "cache", QUESTION)
    [saved] = (tmp_path / "cache").iterdir()
    saved.write_bytes(saved.read_bytes()[:1000])
    assert ask(data, tmp_path / "cache", "can I give my mobile number to a pupil") == (
        "children.do-not-give"
    )
    assert saved.stat().st_size > 1000


def test_a_cache_that_cannot_be_written_still_answers(data: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    assert ask(data, blocker / "cache", "can I give my mobile number to a pupil") == (
        "children.do-not-give"
    )
    assert ask(data, blocker / "cache", "can I give my mobile number to a pupil") == (
        "children.do-not-give"
    )
