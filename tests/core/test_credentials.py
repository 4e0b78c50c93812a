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
    ],
)
def test_requests_for_credentials_or_who_runs_an_account(text: str) -> None:
    assert asks_for_credentials(text)


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
