"""The business case for a new academy account, as conversations between several people."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.bot import Bot
from bot.features.cases import BusinessCaseFeature, Form
from bot.storage.register import SqlRegister
from bot.storage.stores import Stores
from tests.cli.test_cli import ROOT
from tests.conftest import FakeClock, sql_stores
from tests.helpers import Person, demo_directory, inbox, make_bot

ANSWERS_TO_STEP_4 = [
    "new account",
    "X",
    "@HolyCrossHistory",
    "To share pupils' work and history department news with families",
]
ANSWERS_AFTER_STEP_4 = [
    "Parents and carers of pupils in years 7 to 11",
    "A link on the school website and in the weekly newsletter",
    "me, Jack Sampleton",
    "open",
    "history@holycross.example.org; the app on the department iPad with two-step verification",
    "yes",
]


def bot_on(stores: Stores, clock: FakeClock) -> Bot:
    """The bot with the business case feature, on these stores."""
    feature = BusinessCaseFeature(Form.load(), demo_directory(), stores.cases, stores.transactions)
    return make_bot(stores, [feature])


async def fill_in(person: Person, answers: list[str]) -> str:
    said = ""
    for answer in answers:
        said = await person.says(answer)
    return said


async def submitted_and_confirmed(bot: Bot, stores: Stores) -> Person:
    """Dana submits SMA-0001 with Jack as co-runner, and both confirm reading the policy."""
    dana, jack = Person(bot, "demo-teacher"), Person(bot, "jack-sampleton")
    await fill_in(dana, ANSWERS_TO_STEP_4 + ANSWERS_AFTER_STEP_4)
    await dana.says("submit")
    await dana.clicks("I have read")
    await inbox(stores.outbox, jack)
    await jack.clicks("I have read")
    return dana


@pytest.fixture
def bot(stores: Stores, clock: FakeClock) -> Bot:
    return bot_on(stores, clock)


async def test_a_case_goes_from_first_message_to_approval_across_three_people(
    bot: Bot, stores: Stores, clock: FakeClock
) -> None:
    dana, jack, frances = (
        Person(bot, p) for p in ("demo-teacher", "jack-sampleton", "frances-dummy")
    )
    said = await dana.says("I want to set up a twitter account for the history department")
    assert "SMA-0001" in said and "X/Twitter" in said
    assert "Step 3 of 10 · Account name or handle" in said  # academy known, platform noted
    review = await fill_in(dana, ANSWERS_TO_STEP_4[2:] + ANSWERS_AFTER_STEP_4)
    assert "7. Who runs it: Dana Demo, Jack Sampleton" in review
    assert "history@holycross.example.org" in review
    said = await dana.clicks("Submit")
    assert "Submitted SMA-0001" in said and "Frances Dummy, Gregory Specimen" in said
    await dana.clicks("I have read and understood the policy")

    request = await inbox(stores.outbox, frances)
    assert "New business case for a decision" in request
    assert "Dana Demo (not yet), Jack Sampleton (not yet)" in request  # as at submission
    said = await frances.clicks("Approve")
    assert "can't be approved yet: Jack Sampleton has not confirmed" in said

    assert "named you to help run the academy's X/Twitter account" in await inbox(
        stores.outbox, jack
    )
    assert "Thank you" in await jack.clicks("I have read and understood the policy")
    update = await inbox(stores.outbox, frances)
    assert "Every runner has now confirmed" in update
    assert "Dana Demo ✓, Jack Sampleton ✓" in update
    assert "Recorded: SMA-0001 approved" in await frances.clicks("Approve")

    assert "SMA-0001 (X/Twitter @HolyCrossHistory) was approved by Frances Dummy" in (
        await inbox(stores.outbox, dana)
    )
    assert "was approved" in await inbox(stores.outbox, jack)
    [account] = await SqlRegister(stores.database.engine, clock).all("holy-cross")
    assert (account.handle, account.runners, account.visibility) == (
        "@HolyCrossHistory",
        ("demo-teacher", "jack-sampleton"),
        "open",
    )
    assert "approved" in await dana.says("my cases")
    actions = [e.action for e in await stores.audit.history("case:SMA-0001")]
    assert actions == [
        "started",
        "submitted",
        "runner confirmed",
        "runner confirmed",
        "approved",
    ]


async def test_every_step_says_exactly_what_is_wrong(bot: Bot) -> None:
    dana = Person(bot, "demo-teacher")
    await dana.says("new account")
    assert "Please pick one of: Facebook, Instagram, X/Twitter" in await dana.says("myspace")
    assert "Step 3 of 10" in await dana.says("insta")
    await dana.says("@HolyCrossArt")
    assert "at least 15 characters" in await dana.says("art")
    assert "under 1,000" in await dana.says("x" * 1001)
    await fill_in(dana, ["To celebrate pupils' art work", "Families", "Posters and newsletter"])
    said = await dana.says("Jak Sampleton")
    assert "I couldn't find “Jak Sampleton”" in said
    assert [c.label for c in dana.replies[0].choices] == ["Jack Sampleton (teacher)"]
    said = await dana.clicks("Jack Sampleton")
    assert "at least two different members of staff" in said and "So far: Jack Sampleton" in said
    assert "not on the staff of Holy Cross" in await dana.says("Agnes Example")
    assert "Step 8 of 10" in await dana.says("Kate Mockett")
    assert "Step 9 of 10" in await dana.says("private")
    assert "not a valid email address" in await dana.says("art@holycross; the iPad")
    assert "how the account will be accessed" in await dana.says("art@holycross.example.org")
    said = await dana.says("artdept@gmail.com, the art iPad with two-step verification")
    assert "artdept@gmail.com looks like a personal address" in said
    assert "Step 10 of 10" in said
    assert "Please pick one of: Yes, restricted, No" in await dana.says("maybe")
    said = await dana.says("no")
    assert "7. Who runs it: Jack Sampleton, Kate Mockett" in said
    assert "8. Open or private: Private/closed" in said


async def test_back_edit_and_cancel(bot: Bot, stores: Stores) -> None:
    dana = Person(bot, "demo-teacher")
    await fill_in(dana, ANSWERS_TO_STEP_4)
    assert "Step 4 of 10 · Aim" in await dana.says("back")
    assert "Step 5 of 10" in await dana.says("To share the department's news with families")
    await fill_in(dana, ANSWERS_AFTER_STEP_4)
    said = await dana.says("edit 3")
    assert "Step 3 of 10" in said and "Currently: @HolyCrossHistory" in said
    said = await dana.says("@HCHistory")
    assert "3. Account name or handle: @HCHistory" in said and "'submit'" in said
    await dana.says("audience")
    said = await dana.says("Families of pupils at Holy Cross")
    assert "5. Audience: Families of pupils at Holy Cross" in said
    assert "Cancelled SMA-0001. Nothing was sent to anyone." in await dana.says("cancel")
    assert await stores.outbox.outbox_items() == []
    assert "no business cases" in await dana.says("my cases")


async def test_a_restart_after_step_4_resumes_at_step_5(
    stores: Stores, db_url: str, clock: FakeClock
) -> None:
    await fill_in(Person(bot_on(stores, clock), "demo-teacher"), ANSWERS_TO_STEP_4)
    restarted = sql_stores(db_url, clock)
    try:
        bot = bot_on(restarted, clock)
        [welcome, prompt] = await bot.resume("demo-teacher")
        assert "SMA-0001" in welcome.text and prompt.text.startswith("Step 5 of 10 · Audience")
        dana = Person(bot, "demo-teacher")
        assert "Step 6 of 10" in await dana.says("Parents and carers")
        assert "Saved SMA-0001" in await dana.says("pause")
        said = await dana.says("my cases")
        assert "SMA-0001 · X/Twitter @HolyCrossHistory · draft" in said
    finally:
        await restarted.close()


async def test_a_pasted_password_is_refused_and_never_written(
    bot: Bot, stores: Stores, db_url: str
) -> None:
    dana = Person(bot, "demo-teacher")
    await fill_in(dana, ANSWERS_TO_STEP_4 + ANSWERS_AFTER_STEP_4[:4])
    said = await dana.says("history@holycross.example.org, password is Tr0ub4dor&3xyz")
    assert "not saved it anywhere" in said and "Liam Bytes" in said
    assert "Step 9 of 10" in said
    await dana.says("history@holycross.example.org; the iPad, with 2FA")
    await dana.says("ZqK8#mWp2$vL9xR4")
    await stores.close()
    if db_url.startswith("sqlite"):
        raw = await asyncio.to_thread(Path(db_url.removeprefix("sqlite:///")).read_bytes)
        assert b"Tr0ub4dor" not in raw and b"ZqK8#mWp2" not in raw
        assert b"history@holycross.example.org" in raw  # the real answer did get saved


async def test_only_that_academys_leadership_can_decide(bot: Bot, stores: Stores) -> None:
    dana = Person(bot, "demo-teacher")
    await fill_in(dana, ANSWERS_TO_STEP_4 + ANSWERS_AFTER_STEP_4)
    await dana.says("submit")
    request = (await stores.outbox.pending_for("frances-dummy"))[0].reply
    for outsider in ("kate-mockett", "agnes-example", "demo-teacher"):
        person = Person(bot, outsider)
        person.replies = [request]
        said = await person.clicks("Approve")
        assert "Only the Academy Leadership Team of Holy Cross" in said
        assert "Nothing has changed" in said
    assert "waiting for a decision" in await dana.says("my cases")


async def test_a_leader_finds_the_cases_waiting_for_them_under_my_cases(
    bot: Bot, stores: Stores
) -> None:
    dana = await submitted_and_confirmed(bot, stores)
    # Gregory never opened the request the bot sent him; "my cases" brings it back.
    gregory = Person(bot, "gregory-specimen")
    said = await gregory.says("my cases")
    assert "You have no business cases of your own." in said
    assert "Waiting for your decision: Business case SMA-0001 from Dana Demo" in said
    assert "Recorded: SMA-0001 approved" in await gregory.clicks("Approve")
    assert "Waiting for your decision" not in await gregory.says("my cases")
    # Neither the requester nor another academy's leadership is asked to decide.
    assert "Waiting for your decision" not in await dana.says("my cases")
    assert "SMA-0001" not in await Person(bot, "agnes-example").says("my cases")


async def test_two_leaders_deciding_at_once_only_one_wins(bot: Bot, stores: Stores) -> None:
    await submitted_and_confirmed(bot, stores)
    frances, gregory = Person(bot, "frances-dummy"), Person(bot, "gregory-specimen")
    await inbox(stores.outbox, frances)
    await inbox(stores.outbox, gregory)
    said = await asyncio.gather(frances.clicks("Approve"), gregory.clicks("Approve"))
    assert sum("Recorded: SMA-0001 approved" in s for s in said) == 1
    assert sum("was already approved by" in s for s in said) == 1
    decisions = [e for e in await stores.audit.history("case:SMA-0001") if e.action == "approved"]
    assert len(decisions) == 1


async def test_reject_needs_a_reason_and_changes_reopen_the_draft(bot: Bot, stores: Stores) -> None:
    dana, frances = Person(bot, "demo-teacher"), Person(bot, "frances-dummy")
    await fill_in(dana, ANSWERS_TO_STEP_4 + ANSWERS_AFTER_STEP_4)
    await dana.says("submit")
    await inbox(stores.outbox, frances)
    assert "What should be changed in SMA-0001?" in await frances.clicks("Request changes")
    assert "3 to 1,000 characters" in await frances.says("no")
    await frances.says("Please use a handle that names the school")
    said = await inbox(stores.outbox, dana)
    assert "Frances Dummy asked for changes to SMA-0001: “Please use a handle that names" in said
    said = await dana.clicks("Edit SMA-0001")
    assert "'submit'" in said
    await dana.says("3")
    await dana.says("@HolyCrossSchoolHistory")
    await dana.says("submit")
    assert "@HolyCrossSchoolHistory" in await inbox(stores.outbox, frances)
    assert "Why are you rejecting SMA-0001?" in await frances.clicks("Reject")
    await frances.says("We already have a history account")
    said = await inbox(stores.outbox, dana)
    assert "was rejected: “We already have a history account” by Frances Dummy" in said
    assert "rejected" in await dana.says("my cases")


async def test_cases_can_be_listed_and_shown_from_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {"DATABASE_URL": url}
    assert (await policybot_async(env, "db", "upgrade")).returncode == 0
    clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    stores = sql_stores(url, clock)
    try:
        dana = Person(bot_on(stores, clock), "demo-teacher")
        await fill_in(dana, ANSWERS_TO_STEP_4 + ANSWERS_AFTER_STEP_4)
        await dana.says("submit")
        await dana.clicks("I have read")
    finally:
        await stores.close()
    listed = await policybot_async(env, "cases", "list", "--json")
    [case] = [json.loads(line) for line in listed.stdout.splitlines()]
    assert (case["id"], case["status"], case["academy"]) == ("SMA-0001", "submitted", "holy-cross")
    assert case["answers"]["handle"] == "@HolyCrossHistory"
    assert case["runners"] == [
        {"person": "demo-teacher", "confirmed_at": "2026-11-23T09:00:00+00:00"},
        {"person": "jack-sampleton", "confirmed_at": None},
    ]
    shown = json.loads((await policybot_async(env, "cases", "show", "sma-1", "--json")).stdout)
    assert [e["action"] for e in shown["history"]] == ["started", "submitted", "runner confirmed"]
    missing = await policybot_async(env, "cases", "show", "SMA-0099")
    assert missing.returncode == 2 and "no case 'SMA-0099'" in missing.stderr


async def policybot_async(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run the command line in a subprocess without blocking the event loop."""
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "adapters", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=ROOT,
        timeout=60,
    )


async def test_a_question_about_new_accounts_offers_to_start_the_business_case(bot: Bot) -> None:
    dana = Person(bot, "demo-teacher")
    await dana.says("what do I need to do before setting up a department twitter account?")
    quote = dana.replies[0].quote
    assert quote and "must present a business case to the Academy Leadership Team" in quote.text
    assert "Step" in await dana.clicks("Propose a new academy account")
