"""The choice-value codec: every value a button carries parses back to the action it came from."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.core.actions import Action, action

PART = st.text(st.characters(blacklist_characters=":"), max_size=12)


def test_a_case_decision_round_trips() -> None:
    approve = action("case", "approve", "SMA-0001")
    assert approve.value == "case:approve:SMA-0001"
    assert Action.parse(approve.value) == approve
    assert Action.parse("case:approve:SMA-0001").arg == "SMA-0001"


def test_a_bare_kind_has_no_verb() -> None:
    assert action("help").value == "help"
    assert Action.parse("help") == Action("help")


def test_free_text_after_the_verb_keeps_its_colons() -> None:
    typed = Action.parse("case:answer:Other: a page for the PTA")
    assert typed.verb == "answer"
    assert typed.rest == "Other: a page for the PTA"


def test_an_empty_trailing_argument_survives() -> None:
    vote = action("feedback", "up", "pupils.no-friending", "")
    assert vote.value == "feedback:up:pupils.no-friending:"
    assert Action.parse(vote.value).args == ("pupils.no-friending", "")


def test_a_choice_carries_the_value() -> None:
    choice = action("case", "confirm", "SMA-0002").choice("I have read the policy")
    assert (choice.label, choice.value) == ("I have read the policy", "case:confirm:SMA-0002")


@given(st.text())
def test_any_string_parses_to_the_kind_before_its_first_colon(value: str) -> None:
    parsed = Action.parse(value)
    assert parsed.kind == value.split(":")[0]
    assert ":".join([parsed.kind, parsed.verb, *parsed.args]).rstrip(":") == value.rstrip(":")


@given(PART.filter(bool), PART.filter(bool), st.lists(PART, max_size=4))
def test_any_action_round_trips(kind: str, verb: str, args: list[str]) -> None:
    made = action(kind, verb, *args)
    assert Action.parse(made.value) == made
