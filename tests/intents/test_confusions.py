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
        ("what if I brake the policy at home", "what if I break the policy at home"),
        ("could a private post effect my job", "could a private post affect my job"),
        ("a parent left a lovely complement", "a parent left a lovely compliment"),
        ("is my pubic profile a problem", "is my public profile a problem"),
        ("a social networking sight like reddit", "a social networking site like reddit"),
        ("can support stuff post in the stuff group", "can support staff post in the staff group"),
        ("is that a breech of the policy", "is that a breach of the policy"),
        ("can I ad parents on facebook", "can I add parents on facebook"),
        ("I'm scared of loosing my job", "I'm scared of losing my job"),
        ("what should I bare in mind", "what should I bear in mind"),
        ("photos go to authorised personal", "photos go to authorised personnel"),
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
        ("the brake on the minibus failed", "brake"),
        ("what effect does a private account have", "effect"),
        ("can I run an ad on facebook", "ad"),
        ("are my personal accounts covered", "personal"),
    ],
)
def test_the_right_word_in_its_place_is_left_alone(text: str, word: str) -> None:
    assert word in terms(text)


def test_stuff_is_staff_only_beside_a_word_about_staff() -> None:
    assert terms("the stuff from the trip") != terms("the staff from the trip")
    assert terms("can I share the stuff room photos") == terms("can I share the staff room photos")


def test_staff_who_type_a_real_word_for_another_still_get_the_clause() -> None:
    answer = answerer().answer("I'm worried I could loose my job over something I shared")
    assert answer.answered
    assert answer.clause is not None and answer.clause.id.startswith("breach.")
