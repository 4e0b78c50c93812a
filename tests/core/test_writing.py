"""Telling a request to write a post from a question about posting."""

from __future__ import annotations

import pytest

from bot.core.writing import asks_for_writing


@pytest.mark.parametrize(
    "text",
    [
        "can you write a facebook post announcing our harvest festival",
        "draft me a tweet about sports day",
        "Could you please come up with a caption for the open evening photos?",
        "write a short bio for the PE instagram",
        "tell me a joke about teachers and twitter",
        "hi, can you suggest some hashtags for our science week post",
        "can you check this tweet before I post it: 'well done to our netballers!'",
        "please translate this facebook post into urdu for our parents",
        "draft a polite reply to the parent complaining on our page",
    ],
)
def test_requests_to_write_or_entertain(text: str) -> None:
    assert asks_for_writing(text)


@pytest.mark.parametrize(
    "text",
    [
        "can I post photos of sports day on my own instagram",
        "what should I write in a post about a trip",
        "can you help me write a business case for a department twitter",
        "is it ok to write a blog post about my placement",
        "can you tell me what the policy says about posting pictures",
        "a colleague wrote a joke post about the head, what should I do",
        "can you check whether I can post photos of my class",
        "how should I reply to a parent's comment on the school page",
    ],
)
def test_questions_about_posting_are_not_requests(text: str) -> None:
    assert not asks_for_writing(text)
