"""Real words typed for other real words are read as meant when their neighbours say so."""

from __future__ import annotations

import pytest

from tests.helpers import answerer


def terms(text: str) -> list[str]:
    return answerer().matcher.normaliser.terms(text)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("could I loose my job over a tweet", "could I lose my job over a tweet"),
        ("can I follow there kids on instagram", "can I follow their kids on instagram"),
        ("weather I can post photos of my class", "whether I can post photos of my class"),
        ("our principle said no phones", "our principal said no phones"),
        ("who can give me some advise", "who can give me some advice"),
        ("am I aloud to post about my school", "am I allowed to post about my school"),
        (
            "can I except a friend request from a parent",
            "can I accept a friend request from a parent",
        ),
    ],
)
def test_a_real_word_in_the_wrong_place_is_read_as_the_word_meant(typed: str, meant: str) -> None:
    assert terms(typed) == terms(meant)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("there is a loose cable under my desk", "loos"),
        ("the weather is too bad for sports day photos", "weather"),
        ("everyone except me has joined the group", "except"),
        ("I read the post aloud in assembly", "aloud"),
    ],
)
def test_the_right_word_in_its_place_is_left_alone(text: str, word: str) -> None:
    assert word in terms(text)


def test_staff_who_type_a_real_word_for_another_still_get_the_clause() -> None:
    answer = answerer().answer("I'm worried I could loose my job over something I shared")
    assert answer.answered
    assert answer.clause is not None and answer.clause.id.startswith("breach.")
