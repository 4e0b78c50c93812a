"""Conversations about how questions are answered: two questions in one message, close calls,
lists quoted whole, requests for credentials and for the policy itself (real matcher)."""

from __future__ import annotations

import pytest

from bot.core.bot import Bot
from tests.helpers import Person, memory_bot

POLICY_URL = "https://trust.example.org/policies/social-media"


def quoted(person: Person) -> list[str]:
    """The clause ids quoted in the last replies, in order."""
    return [r.quote.clause_id for r in person.replies if r.quote is not None]


async def declined(bot: Bot) -> list[str]:
    """The questions kept for HR as declined."""
    return [g.text for g in await bot.questions.top_declined()]


async def test_two_questions_in_one_message_get_an_answer_each() -> None:
    dana = Person(memory_bot(), "demo-teacher")
    await dana.says(
        "can I friend a parent on fb? and what about posting sports day pics on my insta"
    )
    assert len(dana.replies) == 2
    assert dana.replies[0].text.startswith("You asked: “can I friend a parent on fb?”")
    assert dana.replies[1].text.startswith(
        "You asked: “what about posting sports day pics on my insta”"
    )
    first, second = quoted(dana)
    assert first == "good-practice.consider-carefully-whether"
    # Pictures of pupils on a personal account: the personal-use "do not" or the images clauses.
    assert second == "do-not.post-pictures-children" or second.startswith("images.")
    # Each answer has its own feedback; a typed number picks across both replies.
    labels = [c.label for r in dana.replies for c in r.choices]
    assert labels.count("Helpful") == 2
    assert "glad it helped" in await dana.says(str(len(labels) - 1))


async def test_two_questions_typed_in_a_row_without_punctuation_get_an_answer_each() -> None:
    dana = Person(memory_bot(), "demo-teacher")
    await dana.says(
        "can I accept a friend request from a parent at my school can I put photos of my class"
        " on my own instagram"
    )
    assert dana.replies[0].text.startswith(
        "You asked: “can I accept a friend request from a parent at my school”"
    )
    assert quoted(dana) == [
        "good-practice.consider-carefully-whether",
        "images.under-no-circumstances",
    ]


async def test_a_question_with_a_comma_or_a_scenario_then_a_question_is_answered_once() -> None:
    dana = Person(memory_bot(), "demo-teacher")
    await dana.says("if a parent sends me a friend request on facebook, can I accept it?")
    assert len(dana.replies) == 1 and "You asked" not in dana.replies[0].text
    await dana.says("im leaving in july. who do i hand the dept insta over to?")
    assert len(dana.replies) == 1
    assert quoted(dana) == ["handover.when-controller-trust"]


async def test_a_follow_up_that_leans_on_the_question_before_gets_its_own_clause() -> None:
    dana = Person(memory_bot(), "demo-teacher")
    # "how do i report it" alone says too little to answer; with the question before it, it
    # asks how to report abuse by a colleague, which another clause answers.
    await dana.says(
        "a colleague keeps making fun of me in the staff whatsapp. is that against the policy"
        " and how do i report it"
    )
    assert len(dana.replies) == 2
    assert dana.replies[1].text.startswith("You asked: “how do i report it”")
    first, second = quoted(dana)
    assert first != second
    assert second == "abuse.you-feel-you"


async def test_a_question_put_again_another_way_after_or_is_answered_once() -> None:
    dana = Person(memory_bot(), "demo-teacher")
    await dana.says("can I accept a friend request from a parent or is that just advised against?")
    assert len(dana.replies) == 1
    assert quoted(dana) == ["good-practice.consider-carefully-whether"]


async def test_the_part_nothing_answers_is_declined_and_noted_alone() -> None:
    bot = memory_bot()
    dana = Person(bot, "demo-teacher")
    said = await dana.says(
        "can I friend a parent on fb? another thing, when is the next inset day?"
    )
    assert quoted(dana) == ["good-practice.consider-carefully-whether"]
    assert dana.replies[1].text.startswith("You asked: “when is the next inset day?”")
    assert "can't find anything in the Social Media Policy that answers that part" in said
    assert await declined(bot) == ["when is the next inset day?"]


async def test_of_two_announced_questions_the_one_the_policy_answers_is_answered() -> None:
    bot = memory_bot()
    dana = Person(bot, "demo-teacher")
    said = await dana.says(
        "two quick ones - who checks the school page and how do I claim expenses for the trip"
    )
    # Before, the whole message was declined: the first part fits its clause only modestly.
    assert quoted(dana) == ["monitoring.academy-trust-accounts"]
    assert "can't find anything in the Social Media Policy that answers that part" in said
    assert await declined(bot) == ["how do I claim expenses for the trip"]


async def test_safeguarding_wins_over_a_second_question() -> None:
    dana = Person(memory_bot(), "demo-teacher")
    said = await dana.says(
        "can I friend a parent on fb? also a year 9 girl told me her stepdad hits her"
    )
    # A clear risk: the DSO first; the question asked beside it is answered after it.
    assert "safeguarding" in said.splitlines()[0].lower() and "Helen" in said
    assert quoted(dana) == [
        "safeguarding-concerns.seek-dso-advice",
        "good-practice.consider-carefully-whether",
    ]
    assert dana.replies[1].text == "On what you asked, the policy says:"


@pytest.mark.parametrize(
    "story",
    [
        "A Year 8 boy messaged my personal Instagram late last night saying he is being hurt at"
        " home. I haven't replied yet.",
        "A Year 8 boy messaged my personal Instagram late last night saying he is being hurt at"
        " home. I didn't reply, I wasn't sure what I'm allowed to say.",
    ],
    ids=["not replied yet", "what I'm allowed to say"],
)
async def test_a_worried_story_asking_without_a_question_mark_gets_dso_then_its_clause(
    story: str,
) -> None:
    dana = Person(memory_bot(), "demo-teacher")
    said = await dana.says(story)
    assert "safeguarding" in said.splitlines()[0].lower() and "Helen" in said
    assert quoted(dana) == [
        "safeguarding-concerns.seek-dso-advice",
        "children.no-personal-account",
    ]


async def test_a_clear_disclosure_asking_nothing_gets_the_dso_alone() -> None:
    dana = Person(memory_bot(), "demo-teacher")
    said = await dana.says(
        "a year 9 girl hasn't come home since she went to meet someone from insta"
    )
    assert len(dana.replies) == 1  # nothing to distract from it
    assert "safeguarding" in said.splitlines()[0].lower() and "Helen" in said


async def test_a_possible_risk_gets_the_dso_first_then_the_clause_it_asked_about(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bot = memory_bot()
    detector = bot.answerer.detector  # unsure about everything: a possible risk, not a clear one
    monkeypatch.setattr(detector, "is_concern", lambda text: True)
    monkeypatch.setattr(detector, "score", lambda text: 0.2)
    dana = Person(bot, "demo-teacher")
    said = await dana.says("can I accept a friend request from a parent on facebook?")
    assert quoted(dana) == [
        "safeguarding-concerns.seek-dso-advice",
        "good-practice.consider-carefully-whether",
    ]
    assert "safeguarding" in said.splitlines()[0].lower() and "Helen" in said
    assert dana.replies[1].text == "On what you asked, the policy says:"
    # The DSO's reply offers only the contact; the clause's reply its own choices.
    assert [c.label for c in dana.replies[0].choices] == ["Ask Helen to contact me now"]
    votes = {c.label: c.value for c in dana.replies[1].choices}
    assert "Helpful" in votes
    assert "friend request" not in votes["Not helpful"]  # nothing of the message is kept


async def test_a_close_runner_up_is_offered_as_or_did_you_mean() -> None:
    dana = Person(memory_bot(), "demo-teacher")
    await dana.says(
        "are we actually allowed to block parents from the school fb if they keep kicking off"
    )
    [best] = quoted(dana)
    first = dana.replies[0].choices[0].label
    assert first.startswith("Or did you mean: ") and first.endswith("?")
    await dana.clicks("Or did you mean")
    [runner_up] = quoted(dana)
    assert runner_up != best
    assert {best, runner_up} == {"do.take-appropriate-action", "abuse.conversation-turns-becomes"}
    # A clear question offers no runner-up.
    await dana.says("who gets the password when the person running our school twitter leaves")
    assert not any(c.label.startswith("Or did you mean") for c in dana.replies[0].choices)


async def test_the_business_case_points_are_quoted_with_the_clause_that_lists_them() -> None:
    dana = Person(memory_bot(), "demo-teacher")
    said = await dana.says("what has to go in the business case for a new school account")
    assert "which covers the following points: -" in said
    quote = dana.replies[0].quote
    assert quote is not None
    assert "• The aim of the account." in quote.text
    assert quote.text.endswith(
        "• Where there is an option, Comments and conversation should be as restricted."
    )


async def test_a_request_for_an_accounts_password_points_to_the_trust_it_team() -> None:
    bot = memory_bot()
    dana = Person(bot, "demo-teacher")
    for request in (
        "can you send me the drama department's instagram password",
        "who has the login for the school facebook",
        "who runs the history instagram?",
    ):
        said = await dana.says(request)
        assert len(dana.replies) == 1 and dana.replies[0].quote is None
        assert "Trust IT Team" in said and "Liam Bytes, l.bytes@trust.example.org" in said
    assert await declined(bot) == []
    # What the policy says about passwords is still answered from the policy.
    await dana.says("should passwords be reset when the person running our twitter leaves")
    assert quoted(dana) == ["handover.when-controller-trust"]


async def test_a_password_request_beside_a_policy_question_gets_both_answers() -> None:
    dana = Person(memory_bot(), "demo-teacher")
    said = await dana.says(
        "can I friend a parent on fb? and what's the password for the PE twitter"
    )
    assert quoted(dana) == ["good-practice.consider-carefully-whether"]
    assert dana.replies[1].text.startswith("You asked: “what's the password for the PE twitter”")
    assert "Trust IT Team" in said


async def test_where_to_read_the_full_policy_gets_the_trusts_address() -> None:
    dana = Person(memory_bot(), "demo-teacher")
    said = await dana.says("Where can I read the full policy?")
    assert said == f"You can read the full Social Media Policy here: {POLICY_URL}"
    assert dana.replies[0].quote is None
    await dana.says("can I have a copy of the social media policy please")
    assert POLICY_URL in dana.replies[0].text
    # Who makes the policy available is a question the policy answers.
    said = await dana.says("whose job is it to make sure all staff get a copy of this policy?")
    assert POLICY_URL not in said and quoted(dana) == ["managers.ensure-policy-document"]


async def test_a_request_to_write_a_post_is_declined_with_what_to_ask_instead() -> None:
    bot = memory_bot()
    dana = Person(bot, "demo-teacher")
    said = await dana.says("can you draft a tweet about our sports day results")
    assert quoted(dana) == []
    assert "can't write posts" in said and "whether a post may show pupils' photos" in said
    assert await declined(bot) == []  # not a gap in the policy
