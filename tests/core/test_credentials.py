"""Telling a request for an account's credentials from a question about the policy on them."""

from __future__ import annotations

import pytest

from bot.core.credentials import about_credentials, asks_for_credentials


@pytest.mark.parametrize(
    "text",
    [
        "can you send me the drama department's instagram password",
        "who has the login for the school facebook",
        "what's the password for the PE twitter",
        "who runs the history instagram",
        "who has access to our school fb page",
        "can I have the log-in details for the sports account",
        "send me the 2FA code for the school tiktok please",
        "I forgot the password to the academy facebook",
        "could you share the credentials for @HolyCrossHistory with me",
        "what's the username for the Friends of the Academy Facebook page?",
        "who's the admin on the year 6 instagram",
    ],
)
def test_requests_for_credentials_or_who_runs_an_account(text: str) -> None:
    assert asks_for_credentials(text)


@pytest.mark.parametrize(
    "text",
    [
        "The PE insta keeps saying 'incorrect password' and the photos need to be up by 3",
        "I'm locked out of the school twitter, what now",
        "cant log in to the drama tiktok",
        "the music facebook won't let me sign in",
        "How do I reset the password for the library account? I've tried everything",
    ],
)
def test_trouble_getting_into_an_account_goes_to_it(text: str) -> None:
    assert asks_for_credentials(text)


def test_resetting_passwords_at_handover_is_still_the_policys_question() -> None:
    assert not asks_for_credentials("how do I reset the password after handing over the account")
    assert not asks_for_credentials("when I leave the school do I need to reset the password")


@pytest.mark.parametrize(
    "text",
    [
        "who gets the password when the person running our school twitter leaves",
        "what does the policy say about sharing passwords",
        "should passwords be reset at handover",
        "who keeps a copy of the password for the department page",
        "who should run a new academy account",
        "who has the right to post on the school account",
        "PE teacher who runs the department's X account. Can I post this photo?",
        "can I pin a post on our page",
        "what is the login process for new staff",
    ],
)
def test_questions_about_the_policy_are_not_requests(text: str) -> None:
    assert not asks_for_credentials(text)


@pytest.mark.parametrize(
    ("text", "about"),
    [
        ("what should I do with the passwords when I hand over?", True),
        ("does the policy say who keeps the login for a department account", True),
        ("what's the password for the PE twitter", False),
        ("can I post photos of the match", False),
    ],
)
def test_questions_about_the_policy_on_credentials(text: str, about: bool) -> None:
    assert about_credentials(text) is about
