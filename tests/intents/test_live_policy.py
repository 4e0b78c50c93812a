"""The live policy version kept between starts: the validated header, never a stale one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import intents.knowledge
from intents.errors import KnowledgeError
from intents.knowledge import DATA, KnowledgeBase
from intents.live_policy import live_policy


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the shipped data folder a test may edit."""
    return Path(shutil.copytree(DATA, tmp_path / "data"))


def test_a_second_start_reads_the_header_without_validating(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = live_policy(data, tmp_path / "cache")
    assert first == KnowledgeBase.current_policy(data)

    def refuse(folder: Path) -> None:
        raise AssertionError("validated again")

    monkeypatch.setattr(intents.knowledge.KnowledgeBase, "current_policy", refuse)
    assert live_policy(data, tmp_path / "cache") == first


def test_an_edited_file_is_validated_again(data: Path, tmp_path: Path) -> None:
    live_policy(data, tmp_path / "cache")
    clauses = data / "clauses.yaml"
    text = clauses.read_text(encoding="utf-8")
    published = text.replace(
        "  text_file: policy.txt\n",
        "  text_file: policy.txt\n  published: '2026-09-01T08:00:00+00:00'\n",
    )
    clauses.write_text(published, encoding="utf-8")
    assert live_policy(data, tmp_path / "cache").published == "2026-09-01T08:00:00+00:00"


def test_a_file_that_does_not_validate_is_refused_every_time(data: Path, tmp_path: Path) -> None:
    clauses = data / "clauses.yaml"
    clauses.write_text(clauses.read_text(encoding="utf-8").replace("  version: '2.1'\n", ""))
    for _ in range(2):
        with pytest.raises(KnowledgeError, match=r"clauses\.yaml: policy\.version"):
            live_policy(data, tmp_path / "cache")
