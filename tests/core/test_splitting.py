"""Where one message holds two questions, and where it does not."""

from __future__ import annotations

import pytest

from bot.core.splitting import split_questions


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            "can I friend a parent on fb? and what about posting sports day pics on my insta",
            ["can I friend a parent on fb?", "what about posting sports day pics on my insta"],
        ),
        (
            "can i dm a pupil. also, what about tagging staff in posts",
            ["can i dm a pupil.", "what about tagging staff in posts"],
        ),
        (
            "can I post class photos on my insta and also can I follow parents back",
            ["can I post class photos on my insta", "can I follow parents back"],
        ),
        (
            "Can I post the match photos. Who do I hand the account to when I leave?",
            ["Can I post the match photos.", "Who do I hand the account to when I leave?"],
        ),
        (
            "can I friend a parent? another thing: when is the next inset day",
            ["can I friend a parent?", "when is the next inset day"],
        ),
    ],
)
def test_clear_boundaries_split(text: str, parts: list[str]) -> None:
    assert split_questions(text) == parts


@pytest.mark.parametrize(
    "text",
    [
        "can I post photos of the match, or only the school account can?",
        "if a parent sends me a friend request on facebook, can I accept it?",
        "Can I friend a parent? Thanks!",
        "my colleague posts about work on facebook. she names pupils.",
        "I'm a TA and my niece is in my class. Can I follow her mum on Instagram?",
        "is it ok to post sports day pics? the parents gave consent.",
    ],
)
def test_one_question_stays_whole(text: str) -> None:
    assert split_questions(text) == [text]
