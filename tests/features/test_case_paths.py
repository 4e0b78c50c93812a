"""Nobody is stranded by a business case: the paths around the happy one, as conversations.

Dana Demo (teacher, Holy Cross) proposes accounts; Jack Sampleton and Kate Mockett are named to
run them; Frances Dummy (headteacher) and Gregory Specimen (deputy) decide; Liam Bytes (trust
IT) has no academy.
"""

from __future__ import annotations

import pytest

from adapters.console import render
from bot.core.bot import Bot
from bot.storage.stores import Stores
from tests.conftest import FakeClock
from tests.features.test_business_case import (
    ANSWERS_AFTER_STEP_4,
    ANSWERS_TO_STEP_4,
    bot_on,
    fill_in,
)
from tests.helpers import Person, inbox


@pytest.fixture
def bot(stores: Stores, clock: FakeClock) -> Bot:
    return bot_on(stores, clock)


def people(bot: Bot) -> tuple[Person, Person, Person]:
    return Person(bot, "demo-teacher"), Person(bot, "jack-sampleton"), Person(bot, "frances-dummy")


async def submitted(dana: Person) -> str:
    """Dana fills in the whole form (runners: herself and Jack) and submits SMA-0001."""
    await fill_in(dana, ANSWERS_TO_STEP_4 + ANSWERS_AFTER_STEP_4)
    return await dana.says("submit")


async def test_a_runner_who_typed_instead_of_clicking_confirms_from_my_cases(
    bot: Bot, stores: Stores
) -> None:
    dana, jack, _ = people(bot)
    await submitted(dana)
    await inbox(stores.outbox, jack)
    # Jack ignores the button and types something else; the request scrolls away.
    await jack.says("what's the rule on friend requests from parents?")
    said = await jack.says("my cases")
    assert "You have no business cases of your own" in said
    assert "You are named" not in said and "Dana Demo has named you" in said
    assert "(Or type: confirm SMA-0001)" in said
    assert "Thank you: recorded" in await jack.clicks("I have read and understood")
    said = await jack.says("my cases")
    assert "confirm SMA-0001" not in said


async def test_runners_confirm_by_typing_with_or_without_the_case_id(
    bot: Bot, stores: Stores
) -> None:
    dana, jack, frances = people(bot)
    await submitted(dana)
    assert "Thank you: recorded" in await dana.says("confirm SMA-0001")
    assert "already confirmed reading the policy for SMA-0001" in await dana.says("confirm sma1")
    assert "Thank you: recorded" in await jack.says("I have read and understood the policy")
    update = await inbox(stores.outbox, frances)
    assert "Every runner has now confirmed" in update
    assert "Recorded: SMA-0001 approved" in await frances.says("approve SMA-0001")


async def test_a_leader_sees_who_is_pending_and_sends_the_request_again(
    bot: Bot, stores: Stores
) -> None:
    dana, jack, frances = people(bot)
    await submitted(dana)
    await dana.clicks("I have read")
    await inbox(stores.outbox, jack)  # delivered, then lost in the scroll
    request = await inbox(stores.outbox, frances)
    assert "Jack Sampleton (not yet)" in request
    said = await frances.clicks("Approve")
    assert "Jack Sampleton has not confirmed" in said and "remind SMA-0001" in said
    assert "Sent the request to confirm reading the policy again to Jack Sampleton" in (
        await frances.clicks("Remind Jack Sampleton")
    )
    again = await inbox(stores.outbox, jack)
    assert "Dana Demo has named you to help run" in again
    await jack.clicks("I have read and understood")
    assert "Every runner has now confirmed" in await inbox(stores.outbox, frances)
    # Typed, the same; nobody left to remind now.
    assert "Nobody is waiting to confirm on SMA-0001" in await frances.says("remind SMA-0001")
    assert "Only the requester or the Academy Leadership Team" in await jack.says("remind SMA-0001")


async def test_resubmission_asks_again_whoever_has_not_confirmed(bot: Bot, stores: Stores) -> None:
    dana, jack, frances = people(bot)
    await submitted(dana)
    await dana.clicks("I have read")
    assert "named you" in await inbox(stores.outbox, jack)  # Jack never answers
    said = await frances.says("request changes to SMA-0001: please use the academy email")
    assert "Sent your comments on SMA-0001 to Dana Demo" in said
    assert "please use the academy email" in await inbox(stores.outbox, dana)
    await dana.clicks("Edit SMA-0001")
    await dana.says("submit")
    asked = await inbox(stores.outbox, jack)
    assert "Dana Demo has named you to help run" in asked
    assert "named you" not in await inbox(stores.outbox, dana)  # Dana had confirmed


async def test_every_decision_can_be_typed_with_its_reason(bot: Bot, stores: Stores) -> None:
    dana, jack, frances = people(bot)
    await submitted(dana)
    request = await inbox(stores.outbox, frances)
    assert "(Or type: approve SMA-0001 · reject SMA-0001 because …" in request
    assert "Only the Academy Leadership Team of Holy Cross" in await jack.says(
        "reject SMA-0001 because I changed my mind"
    )
    said = await frances.says("reject SMA-0001 because we already have a history account")
    assert "Recorded: SMA-0001 rejected" in said
    told = await inbox(stores.outbox, dana)
    assert "rejected: “we already have a history account”" in told
    assert "was already rejected by Frances Dummy" in await frances.says("approve SMA-0001")


async def test_a_typed_reject_without_a_reason_asks_for_one(bot: Bot, stores: Stores) -> None:
    dana, _, frances = people(bot)
    await submitted(dana)
    assert "Why are you rejecting SMA-0001?" in await frances.says("reject sma-0001")
    assert "3 to 1,000 characters" in await frances.says("no")
    assert "Recorded: SMA-0001 rejected" in await frances.says("Not needed this year")


async def test_on_the_review_numbers_edit_steps_and_submit_and_cancel_are_words(
    bot: Bot, stores: Stores
) -> None:
    dana = Person(bot, "demo-teacher")
    review = await fill_in(dana, ANSWERS_TO_STEP_4 + ANSWERS_AFTER_STEP_4[:-1])
    said = await dana.says("yes")  # the last step's answer brings the review
    assert "Type a step's number or name to change it" in said
    assert "[1]" not in said and "Submit · Cancel  (type the word)" in said
    said = await dana.says("1")
    assert "Step 1 of 10 · Academy" in said
    await dana.says("Holy Cross")
    said = await dana.says("2")
    assert "Step 2 of 10 · Platform" in said and "Currently: X/Twitter" in said
    await dana.says("Instagram")
    assert await stores.outbox.outbox_items() == []  # nothing submitted or cancelled
    assert "Submitted SMA-0001" in await dana.says("submit")
    del review


async def test_cancel_after_changes_were_requested_withdraws_the_case_fully(
    bot: Bot, stores: Stores
) -> None:
    dana, jack, frances = people(bot)
    await submitted(dana)
    await inbox(stores.outbox, frances)
    await inbox(stores.outbox, jack)
    await frances.says("request changes to SMA-0001: which devices?")
    await inbox(stores.outbox, dana)
    await dana.clicks("Edit SMA-0001")
    said = await dana.says("cancel")
    assert "Withdrew SMA-0001: it is cancelled" in said
    assert "Dana Demo has withdrawn business case SMA-0001" in await inbox(stores.outbox, frances)
    assert "withdrawn" in await inbox(stores.outbox, jack)
    assert "SMA-0001 is cancelled, so there is nothing to decide now" in await frances.says(
        "approve SMA-0001"
    )
    assert "cancelled" in (await stores.cases.all())[0].status


async def test_a_decided_case_cannot_be_withdrawn_and_says_why(bot: Bot, stores: Stores) -> None:
    dana, jack, frances = people(bot)
    await submitted(dana)
    await dana.says("confirm SMA-0001")
    await jack.says("confirm SMA-0001")
    await frances.says("approve SMA-0001")
    assert "SMA-0001 is already approved, so it can't be withdrawn" in await dana.says(
        "withdraw SMA-0001"
    )
    assert "Only Dana Demo, who made SMA-0001, can withdraw it" in await jack.says(
        "cancel SMA-0001"
    )


async def test_a_question_in_the_middle_of_the_form_is_answered_then_the_step_asked_again(
    bot: Bot, stores: Stores
) -> None:
    dana = Person(bot, "demo-teacher")
    await dana.says("new account")
    said = await dana.says("can I accept a friend request from a parent?")
    assert "Here's what the policy says" in said
    assert "still open where you left it" in said and "Step 2 of 10 · Platform" in said
    assert "Step 3 of 10" in await dana.says("facebook")
    assert await stores.questions.top_declined() == []


async def test_proposals_in_natural_words_start_the_form_with_what_they_say(bot: Bot) -> None:
    dana = Person(bot, "demo-teacher")
    said = await dana.says("new facebook account for the year 6 class")
    assert "noted the platform as Facebook" in said and "for the year 6 class" in said
    assert "Step 3 of 10" in said
    await dana.says("cancel")
    said = await dana.says("can we set up an instagram page for the PTA?")
    assert "noted the platform as Instagram" in said and "for the PTA" in said
    await dana.says("cancel")
    said = await dana.says("can I set up a personal facebook account to talk to parents?")
    assert "Step" not in said


async def test_trust_staff_pick_an_academy_however_they_type_it(bot: Bot) -> None:
    liam = Person(bot, "liam-bytes")
    assert "Step 1 of 10 · Academy" in await liam.says("new account")
    said = await liam.says("st marys")
    assert "Step 2 of 10" in said
    await liam.says("back")
    await liam.says("back")
    said = await liam.says("holly crss")
    assert "Please pick one of the trust's academies" in said
    assert liam.replies[0].choices[0].label.startswith("Holy Cross")
    assert "Step 2 of 10" in await liam.clicks("Holy Cross")


async def test_leaders_see_the_personal_email_warning(bot: Bot, stores: Stores) -> None:
    dana, _, frances = people(bot)
    answers = [*ANSWERS_AFTER_STEP_4]
    answers[-2] = "hchistory@gmail.com; the department iPad with two-step verification"
    await fill_in(dana, ANSWERS_TO_STEP_4 + answers)
    said = await dana.says("submit")
    assert "You are named to help run" in said  # Dana named herself
    request = await inbox(stores.outbox, frances)
    assert "hchistory@gmail.com looks like a personal address" in request


def test_the_review_shows_its_buttons_as_words_on_the_console() -> None:
    from bot.core.messages import Choice, Reply

    review = Reply("Review", choices=(Choice("Submit", "case:nav:submit"),), numbered=False)
    assert "[1]" not in render(review) and "Submit  (type the word)" in render(review)


async def test_the_worker_queues_what_a_crash_left_unsent_before_submits_were_atomic(
    db_url: str, clock: FakeClock
) -> None:
    from bot.jobs.scheduler import Worker
    from tests.apps import open_app, policybot

    app = await open_app(db_url, clock)
    try:
        dana = Person(app.bot, "demo-teacher")
        await fill_in(dana, ANSWERS_TO_STEP_4 + ANSWERS_AFTER_STEP_4)
        [case] = await app.cases.all()
        # As an older version could leave it: "submitted", with nothing queued or audited.
        assert await app.cases.move(case.number, {"draft"}, "submitted")
        done = policybot(db_url, "worker", "--once", "--now", "2026-12-07T09:00Z")
        assert "repaired 1 half-submitted case(s)" in done.stdout, done.stderr
        assert "New business case for a decision" in await inbox(
            app.outbox, Person(app.bot, "frances-dummy")
        )
        assert "Dana Demo has named you" in await inbox(
            app.outbox, Person(app.bot, "jack-sampleton")
        )
        assert (await Worker(app).run_due(clock())).repaired == 0  # and nothing twice
    finally:
        await app.close()


async def test_abandoned_drafts_use_up_no_case_ids(bot: Bot, stores: Stores) -> None:
    dana, kate = Person(bot, "demo-teacher"), Person(bot, "kate-mockett")
    assert "(Draft 1)" in await dana.says("new account")
    await dana.says("cancel")
    assert "(Draft 2)" in await kate.says("new instagram account for the art department")
    await kate.says("pause")
    said = await submitted(dana)
    assert "Submitted SMA-0001" in said  # the first id given, two drafts later
    said = await kate.says("my cases")
    assert "Draft 2 · Instagram · draft" in said and "SMA" not in said
    await kate.clicks("Continue Draft 2")
    await fill_in(kate, ANSWERS_TO_STEP_4[2:] + ANSWERS_AFTER_STEP_4[:2])
    await fill_in(kate, ["me, Jack Sampleton", *ANSWERS_AFTER_STEP_4[3:]])
    assert "Submitted SMA-0002" in await kate.says("submit")
    # Newest draft first: Dana's second draft became SMA-0001, Kate's SMA-0002.
    assert [c.id for c in await stores.cases.all()] == ["SMA-0001", "SMA-0002", "Draft 1"]


async def test_drafts_and_cases_sent_back_are_opened_by_typing_their_id(
    bot: Bot, stores: Stores
) -> None:
    dana, _, frances = people(bot)
    await fill_in(dana, ANSWERS_TO_STEP_4)
    assert "Saved Draft 1" in await dana.says("pause")
    said = await dana.says("continue Draft 1")
    assert "Step 5 of 10 · Audience" in said
    await fill_in(dana, ANSWERS_AFTER_STEP_4)
    await dana.says("submit")
    await frances.says("request changes to SMA-0001: say which devices")
    await inbox(stores.outbox, dana)
    said = await dana.says("edit sma-1")  # every step answered: the review, to change one
    assert "Type a step's number or name to change it" in said
    assert "Submitted SMA-0001" in await dana.says("submit")
    summary = await frances.says("show SMA-0001")
    assert "Business case SMA-0001 from Dana Demo" in summary
    assert "Only Dana Demo can edit SMA-0001" in await frances.says("edit SMA-0001")
