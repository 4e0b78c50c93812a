"""The values behind the business case's buttons: stored with queued messages, so fixed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.features.cases import Form, one_line
from bot.features.cases.form import check_runners
from bot.features.cases.wording import Wording
from bot.model.records import Case
from tests.helpers import demo_directory

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ANSWERS: dict[str, Any] = {
    "academy": "holy-cross",
    "platform": "X/Twitter",
    "handle": "@HolyCrossHistory",
    "runners": ["demo-teacher", "jack-sampleton"],
}


def case(status: str = "submitted", **answers: Any) -> Case:
    """SMA-0007 from Dana, with Dana's own confirmation recorded."""
    return Case(
        number=7,
        academy="holy-cross",
        requester="demo-teacher",
        status=status,
        answers={**ANSWERS, **answers},
        decided_by=None,
        decided_at=None,
        decision_note=None,
        created_at=NOW,
        updated_at=NOW,
        confirmations={"demo-teacher": NOW},
    )


def values(words: Wording, *replies: Any) -> list[str]:
    return [c.value for r in replies for c in r.choices]


def test_decision_confirmation_and_editing_buttons_keep_their_values() -> None:
    words = Wording(Form.load(), demo_directory())
    assert values(words, words.decision_request(case(), "New")) == [
        "case:approve:SMA-0007",
        "case:reject:SMA-0007",
        "case:changes:SMA-0007",
        "case:remind:SMA-0007",  # Jack has not confirmed yet
    ]
    assert values(words, words.confirm_request(case(), "jack-sampleton")) == [
        "case:confirm:SMA-0007"
    ]
    [mine, waiting] = words.my_cases("demo-teacher", [case("draft")], [case()], [])
    assert values(words, mine) == ["case:open:SMA-0007"]
    assert values(words, waiting)[0] == "case:approve:SMA-0007"
    [_, confirm] = words.my_cases("jack-sampleton", [], [], [case()])
    assert values(words, confirm) == ["case:confirm:SMA-0007"]
    [nothing] = words.my_cases("demo-teacher", [], [], [])
    assert values(words, nothing) == ["case:start"]


def test_form_buttons_keep_their_values() -> None:
    form = Form.load()
    words = Wording(form, demo_directory())
    assert values(words, words.review(case("draft"))) == ["case:nav:submit", "case:nav:cancel"]
    platform = words.step_prompt(case("draft"), form.step("platform"))
    assert values(words, platform)[:3] == [
        "case:answer:Facebook",
        "case:answer:Instagram",
        "case:answer:X/Twitter",
    ]
    academy = words.step_prompt(case("draft"), form.step("academy"))
    assert "case:answer:holy-cross" in values(words, academy)


def test_a_runner_suggestion_carries_the_persons_id() -> None:
    directory = demo_directory()
    dana = directory.person("demo-teacher")
    assert dana is not None
    checked = check_runners("Jak Sampleton", directory, "holy-cross", dana, [])
    assert [c.value for c in checked.suggestions] == ["case:runner:jack-sampleton"]


def test_one_line_counts_the_runners_who_confirmed() -> None:
    assert one_line(case()) == (
        "SMA-0007 · X/Twitter @HolyCrossHistory · waiting for a decision (1 of 2 runners confirmed)"
    )
    assert one_line(case("draft", platform=None, handle=None)) == (
        "SMA-0007 · (not named yet) · draft"
    )


def test_names_fall_back_to_the_id_of_someone_who_left() -> None:
    words = Wording(Form.load(), demo_directory())
    assert words.names(["jack-sampleton", "long-gone"]) == "Jack Sampleton, long-gone"
