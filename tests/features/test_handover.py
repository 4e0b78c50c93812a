"""Handing over an academy account, as conversations on a real database."""

from __future__ import annotations

import pytest

from bot.core.bot import Bot
from bot.storage.register import SqlRegister
from bot.storage.stores import Stores
from tests.conftest import FakeClock
from tests.features.handover_world import HISTORY, PE, make, open_register, runners, texts
from tests.helpers import Person

PASSWORDS = "Passwords should be reset once handover has been completed."
LAST_STEP = (
    "4. Once handover is complete, reset the passwords and update the academy's record of "
    "logon email addresses (now: history@holycross.example.org)."
)


@pytest.fixture
async def register(stores: Stores, clock: FakeClock) -> SqlRegister:
    """The register with @HolyCrossHistory (Jack, Kate) and @HolyCrossPE (Jack, Gregory)."""
    return await open_register(stores, clock)


def bot(stores: Stores, register: SqlRegister) -> Bot:
    return make(stores, register)


async def test_a_runner_hands_over_and_the_head_and_it_get_the_checklist(
    stores: Stores, register: SqlRegister, clock: FakeClock
) -> None:
    await register.change_runners(
        HISTORY.id, lambda _: ("demo-teacher", "jack-sampleton", "kate-mockett")
    )
    dana = Person(bot(stores, register), "demo-teacher")
    said = await dana.says("I'm leaving, hand over the history twitter")
    assert "Hand over @HolyCrossHistory (X/Twitter)? You will be removed from its runners" in said
    assert "Frances Dummy (headteacher) and Liam Bytes (IT)" in said
    assert await texts(stores, "frances-dummy") == []  # nothing happens before the yes
    confirm = dana.replies
    said = await dana.clicks("Yes, hand it over")
    assert "Done. You have been removed from the runners of @HolyCrossHistory" in said
    assert said.endswith(LAST_STEP)
    assert await runners(register, HISTORY) == ("jack-sampleton", "kate-mockett")
    for person_id in ("frances-dummy", "liam-bytes"):
        [message] = await texts(stores, person_id)
        assert message.startswith("Dana Demo has handed over @HolyCrossHistory (X/Twitter).")
        assert "1. Dana Demo passes all account information" in message
        assert "runners now: Jack Sampleton, Kate Mockett" in message
        assert message.endswith(LAST_STEP)
    [event] = await stores.audit.history(f"account:{HISTORY.id}")
    assert (event.actor, event.action, event.at) == ("demo-teacher", "handover", clock.now)
    assert event.detail == {"runner": "demo-teacher", "runners": ["jack-sampleton", "kate-mockett"]}
    dana.replies = confirm  # the old button is still on screen: a second click
    said = await dana.clicks("Yes, hand it over")
    assert "Dana Demo no longer runs @HolyCrossHistory: nothing to do." in said
    assert len(await texts(stores, "frances-dummy")) == 1
    assert len(await stores.audit.history(f"account:{HISTORY.id}")) == 1


async def test_one_runner_left_so_the_head_names_a_replacement(
    stores: Stores, register: SqlRegister, clock: FakeClock
) -> None:
    jack = Person(bot(stores, register), "jack-sampleton")
    said = await jack.says("hand over @HolyCrossHistory")
    assert "That leaves 1 runner, so the headteacher will be asked to name a replacement." in said
    handed_over_at = clock.advance(minutes=5)
    await jack.clicks("Yes, hand it over")
    assert await runners(register, HISTORY) == ("kate-mockett",)
    checklist, ask = await stores.outbox.pending_for("frances-dummy")
    assert checklist.reply.text.endswith("history@holycross.example.org).")
    assert "@HolyCrossHistory now has 1 runner (Kate Mockett); at least two staff" in ask.reply.text
    assert await texts(stores, "liam-bytes") != []

    frances = Person(bot(stores, register), "frances-dummy")
    frances.replies = [ask.reply]  # as her chat app shows the delivered message
    said = await frances.clicks("Name a replacement")
    assert "Who should also run @HolyCrossHistory? Type their name" in said
    clock.advance(hours=1)
    restarted = Person(bot(stores, register), "frances-dummy")  # the state was saved
    said = await restarted.says("Dana Demo")
    assert said == (
        "Done. @HolyCrossHistory is now run by Kate Mockett, Dana Demo. Dana Demo has been "
        "asked to confirm they have read the policy."
    )
    assert await runners(register, HISTORY) == ("kate-mockett", "demo-teacher")
    [welcome] = await texts(stores, "demo-teacher")
    assert welcome.startswith("Frances Dummy has added you as a runner of @HolyCrossHistory")
    assert "type 'confirm @HolyCrossHistory'" in welcome
    events = await stores.audit.history(f"account:{HISTORY.id}")
    assert [(e.actor, e.action, e.detail.get("runner")) for e in events] == [
        ("jack-sampleton", "handover", "jack-sampleton"),
        ("jack-sampleton", "replacement requested", None),
        ("frances-dummy", "runner added", "demo-teacher"),
    ]
    assert [e.at for e in events] == [handed_over_at, handed_over_at, clock.now]


async def test_the_head_adds_by_typing_and_misspelt_names_get_choices(
    stores: Stores, register: SqlRegister
) -> None:
    frances = Person(bot(stores, register), "frances-dummy")
    said = await frances.says("add Dana Demmo to @holycrosshistory")
    assert "I can't find 'Dana Demmo' exactly. Did you mean one of these?" in said
    said = await frances.clicks("Add Dana Demo")
    assert said.startswith(
        "Done. @HolyCrossHistory is now run by Jack Sampleton, Kate Mockett, Dana Demo."
    )
    said = await frances.says("add Agnes Example to @HolyCrossHistory")
    assert "Agnes Example isn't staff of Holy Cross Catholic High School" in said
    assert "already runs" in await frances.says("add Kate Mockett to @HolyCrossHistory")
    said = await frances.says("add Kate Mockett to @HolyCrossMaths")
    assert said == "I can't find @HolyCrossMaths in the account register."
    assert await runners(register, HISTORY) == ("jack-sampleton", "kate-mockett", "demo-teacher")


async def test_only_the_academys_leadership_can_add_a_runner(
    stores: Stores, register: SqlRegister
) -> None:
    for person_id in ("demo-teacher", "agnes-example", "liam-bytes"):
        someone = Person(bot(stores, register), person_id)
        said = await someone.says("add Dana Demo to @HolyCrossHistory")
        assert "Only Holy Cross Catholic High School, Examplefield's leadership team" in said
    assert await runners(register, HISTORY) == HISTORY.runners
    assert await stores.audit.history(f"account:{HISTORY.id}") == []
    gregory = Person(bot(stores, register), "gregory-specimen")  # deputy head: leadership
    assert "now run by" in await gregory.says("add Dana Demo to @HolyCrossHistory")


async def test_someone_who_runs_nothing_is_refused_and_can_read_the_policy(
    stores: Stores, register: SqlRegister
) -> None:
    helen = Person(bot(stores, register), "helen-proxy")
    said = await helen.says("handover")
    assert "You don't run any academy account in the register, so there's nothing" in said
    await helen.clicks("What the policy says about handover")
    assert helen.replies[0].quote is not None and PASSWORDS in helen.replies[0].quote.text
    said = await helen.says("hand over @HolyCrossHistory please")
    assert "You don't run @HolyCrossHistory, so you can't hand it over." in said
    assert "Its runners are Jack Sampleton, Kate Mockett. You don't run any accounts." in said
    said = await helen.says("handover @HolyCrossHistory for Jack Sampleton")
    assert "Only the account's headteacher, or Trust IT, HR or admin staff" in said
    assert await runners(register, HISTORY) == HISTORY.runners
    assert await stores.outbox.outbox_items() == []


async def test_an_unknown_account_lists_the_accounts_they_run(
    stores: Stores, register: SqlRegister
) -> None:
    jack = Person(bot(stores, register), "jack-sampleton")
    said = await jack.says("hand over @HolyCrossMaths")
    assert said == (
        "I can't find @HolyCrossMaths in the account register. "
        "Accounts you run: @HolyCrossPE (Instagram); @HolyCrossHistory (X/Twitter)."
    )


async def test_a_runner_of_several_accounts_picks_one_and_can_cancel(
    stores: Stores, register: SqlRegister
) -> None:
    jack = Person(bot(stores, register), "jack-sampleton")
    said = await jack.says("handing over")
    assert "Which account is being handed over?" in said
    assert [c.label for c in jack.replies[0].choices] == [
        "@HolyCrossPE (Instagram)",
        "@HolyCrossHistory (X/Twitter)",
        "Cancel",
    ]
    assert "Hand over @HolyCrossHistory (X/Twitter)?" in await jack.says("2")
    assert "nothing has changed" in await jack.clicks("Cancel")
    assert "Hand over @HolyCrossPE (Instagram)?" in await jack.says("hand over the insta")
    assert await runners(register, PE) == PE.runners
    assert await stores.outbox.outbox_items() == []


async def test_an_admin_or_the_head_hands_over_for_someone_who_left(
    stores: Stores, register: SqlRegister
) -> None:
    liam = Person(bot(stores, register), "liam-bytes")
    said = await liam.says("handover @HolyCrossHistory for Jak Sampletn")
    assert "I can't find anyone called 'Jak Sampletn'" in said
    said = await liam.clicks("Jack Sampleton")
    assert "Hand over @HolyCrossHistory (X/Twitter)? Jack Sampleton will be removed" in said
    said = await liam.clicks("Yes, hand it over")
    assert "Done. Jack Sampleton has been removed from the runners of @HolyCrossHistory" in said
    [notice] = await texts(stores, "jack-sampleton")
    assert notice.startswith("Liam Bytes has handed over @HolyCrossHistory (X/Twitter) for you")
    [checklist, _ask] = await texts(stores, "frances-dummy")
    assert "(Liam Bytes did it for them)" in checklist
    [event, _] = await stores.audit.history(f"account:{HISTORY.id}")
    assert (event.actor, event.detail["runner"]) == ("liam-bytes", "jack-sampleton")

    frances = Person(bot(stores, register), "frances-dummy")
    said = await frances.says("handover for Jack Sampleton")
    assert "Hand over @HolyCrossPE (Instagram)? Jack Sampleton will be removed" in said
    agnes = Person(bot(stores, register), "agnes-example")  # another academy's head
    for request in ("hand over @HolyCrossPE for Jack Sampleton", "handover for Jack Sampleton"):
        said = await agnes.says(request)
        assert "Only the account's headteacher, or Trust IT, HR or admin staff" in said
    assert await runners(register, PE) == PE.runners


@pytest.mark.parametrize(
    "question",
    [
        "what does the policy say about handover?",
        "should the password be changed after a handover",
        "can I hand over the department account to a colleague",
        "im leaving in july, who do i hand the dept insta over to?",
    ],
)
async def test_questions_about_handover_still_get_the_policy_answer(
    stores: Stores, register: SqlRegister, question: str
) -> None:
    jack = Person(bot(stores, register), "jack-sampleton")  # a runner, so it could start
    said = await jack.says(question)
    assert "Here's what the policy says:" in said
    assert jack.replies[0].quote is not None and PASSWORDS in jack.replies[0].quote.text
    assert await runners(register, HISTORY) == HISTORY.runners
