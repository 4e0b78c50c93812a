"""What HR's lists keep: real questions, never form noise or a pasted credential."""

from __future__ import annotations

import pytest

from bot.core.gaps import kept_question, person_names, worth_noting

NAMES = person_names(["Kate Mockett", "Jack Sampleton"])


@pytest.mark.parametrize(
    "noise",
    ["cancel", "Submit", "2", " 12. ", "yes", "back!", "Kate Mockett", "kate", "sampleton",
     "ok", "n/a", "twitter", "history account", ""],
)  # fmt: skip
def test_form_and_command_noise_is_not_worth_noting(noise: str) -> None:
    assert not worth_noting(noise, NAMES)


@pytest.mark.parametrize(
    "question",
    ["who is on bus duty", "whatsapp?", "can Kate post?", "Kate Mockett left, who runs it now",
     "lunch menu for friday", "What's the wifi password policy"],
)  # fmt: skip
def test_questions_are_worth_noting_however_short(question: str) -> None:
    assert worth_noting(question, NAMES)


def test_a_kept_question_is_cleaned_redacted_and_never_holds_a_credential() -> None:
    assert kept_question("is it ok to email j.bloggs@gmail.com\u202e  from home?") == (
        "is it ok to email [email] from home?"
    )
    assert kept_question("can I share the login: admin pass: Summer2024 with a TA?") is None
    assert kept_question("  ") is None
    assert len(kept_question("can I post " * 100) or "") == 300
