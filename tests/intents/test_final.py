"""The final stage: the learned choice among the best clauses, and the learned decline."""

from __future__ import annotations

from pathlib import Path

import pytest

from intents.final import FinalStage
from intents.knowledge import DATA
from intents.matcher import Verdict
from tests.helpers import answerer


def test_the_fitted_final_stage_ships_with_the_knowledge_base() -> None:
    assert FinalStage.load(DATA) is not None
    assert answerer().matcher.final is not None


def test_a_folder_without_a_fitted_stage_keeps_the_hand_set_rules(tmp_path: Path) -> None:
    assert FinalStage.load(tmp_path) is None


@pytest.mark.parametrize(
    "question",
    [
        "could someone send me the log in for the year 4 class instagram",
        "what's the password to our school's facebook page",
        "who looks after the netball team's twitter, I need the login",
    ],
)
def test_a_request_for_a_password_is_declined_as_a_credentials_request(question: str) -> None:
    answer = answerer().answer(question)
    assert not answer.answered
    assert answer.redirect == "credentials"  # the reply points to the Trust IT Team


@pytest.mark.parametrize(
    "question",
    [
        "how do I put a pinned post at the top of the school page",
        "how do I switch off comments on one of our facebook posts",
        "what's the deadline for putting in a grievance",
        "how do I claim back mileage for a school trip",
    ],
)
def test_how_to_and_other_policy_questions_are_declined(question: str) -> None:
    answer = answerer().answer(question)
    assert not answer.answered
    assert answer.out_of_scope is None or answer.out_of_scope.id != "credentials"


def test_an_answer_has_no_out_of_scope_intent() -> None:
    answer = answerer().answer("can I accept a friend request from a parent?")
    assert answer.verdict is Verdict.ANSWER
    assert answer.out_of_scope is None
