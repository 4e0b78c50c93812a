"""Handover questions are asked again until answered: wrong names get choices and the question
with its context, 'cancel' stops, a question about the policy is answered while the handover
question waits, and none of these lines is kept as a question the policy could not answer."""

from __future__ import annotations

import re

import pytest

from bot.core.bot import Bot
from bot.core.messages import Message, Reply
from bot.storage.register import SqlRegister
from bot.storage.stores import Stores
from tests.conftest import FakeClock
from tests.features.handover_world import HISTORY, PE, make, open_register, runners, texts
from tests.helpers import Person, inbox


@pytest.fixture
async def register(stores: Stores, clock: FakeClock) -> SqlRegister:
    """The register with @HolyCrossHistory (Jack, Kate) and @HolyCrossPE (Jack, Gregory)."""
    return await open_register(stores, clock)


@pytest.fixture
def bot(stores: Stores, register: SqlRegister) -> Bot:
    return make(stores, register)


async def gaps(stores: Stores) -> list[str]:
    """What `policybot gaps` would list."""
    return [q.text for q in await stores.questions.top_declined()]


async def test_a_wrong_replacement_is_asked_for_again_and_a_question_waits_its_turn(
    stores: Stores, register: SqlRegister, bot: Bot
) -> None:
    jack = Person(bot, "jack-sampleton")
    said = await jack.says("hand over @HolyCrossHistory")
    assert "Type 'yes' to hand it over, or 'cancel'." in said
    assert "Done. You have been removed" in await jack.says("yes")

    frances = Person(bot, "frances-dummy")
    await inbox(stores.outbox, frances)
    said = await frances.clicks("Name a replacement")
    assert "Who should also run @HolyCrossHistory? Type their name" in said
    said = await frances.says("Gandalf")
    assert "I can't find anyone called 'Gandalf' at Holy Cross Catholic High School" in said
    assert "Who should also run @HolyCrossHistory? Type their name" in said
    said = await frances.says("can staff post photos of pupils on the academy account?")
    assert "Here's what the policy says:" in said
    assert frances.replies[-1].text.startswith(
        "Still open from before: Who should also run @HolyCrossHistory? Type their name"
    )
    said = await frances.says("dana demmo")
    assert "I can't find 'dana demmo' exactly. Did you mean one of these?" in said
    assert "Type the number or their full name, or 'cancel'." in said
    assert [c.label for c in frances.replies[0].choices] == ["Add Dana Demo"]
    said = await frances.says("1")
    assert said.startswith("Done. @HolyCrossHistory is now run by Kate Mockett, Dana Demo.")
    assert await runners(register, HISTORY) == ("kate-mockett", "demo-teacher")
    assert await gaps(stores) == []


async def test_the_names_added_so_far_are_kept_until_enough_staff_run_it_or_cancel(
    stores: Stores, register: SqlRegister, bot: Bot
) -> None:
    await register.change_runners(PE.id, lambda _: ())  # both runners have left
    frances = Person(bot, "frances-dummy")
    said = await frances.says("add Dana Demo to @HolyCrossPE")
    assert "Done. @HolyCrossPE is now run by Dana Demo." in said
    assert "At least two staff should run it: who else? Type their name, or 'cancel'." in said
    said = await frances.says("Bernard Sample")  # St Mary's, not Holy Cross
    assert "Bernard Sample isn't staff of Holy Cross Catholic High School" in said
    assert "Who should also run @HolyCrossPE?" in said
    assert "Added so far: Dana Demo." in said
    said = await frances.says("Dana Demo")
    assert "Dana Demo already runs @HolyCrossPE." in said
    assert "Added so far: Dana Demo." in said
    said = await frances.says("cancel")
    assert said == "OK, nobody else has been added. @HolyCrossPE is run by Dana Demo."
    assert await runners(register, PE) == ("demo-teacher",)
    said = await frances.says("Kate Mockett")  # the question is closed: not taken as a name
    assert "now run by" not in said
    assert await runners(register, PE) == ("demo-teacher",)
    # …it went to the policy answers, which keep a lone name out of the gaps as noise.
    assert "didn't follow" in said and await gaps(stores) == []


async def test_an_unknown_platform_asks_again_which_account_and_a_policy_question_waits(
    stores: Stores, register: SqlRegister, bot: Bot
) -> None:
    jack = Person(bot, "jack-sampleton")
    assert "Which account is being handed over?" in await jack.says("handing over")
    said = await jack.says("the tiktok one")
    assert "I can't tell which account you mean by 'the tiktok one'." in said
    assert "Which account is being handed over? Type its number, handle or platform" in said
    assert [c.label for c in jack.replies[-1].choices] == [
        "@HolyCrossPE (Instagram)",
        "@HolyCrossHistory (X/Twitter)",
        "Cancel",
    ]
    said = await jack.says("what should I do with the passwords when I hand over?")
    assert "Here's what the policy says:" in said
    assert jack.replies[-1].text.startswith("Still open from before: Which account is being")
    [again] = await bot.resume("jack-sampleton")  # back another day: asked again
    assert again.text.startswith("Still open from before: Which account is being handed over?")
    said = await jack.says("the insta")
    assert "Hand over @HolyCrossPE (Instagram)? You will be removed" in said
    said = await jack.says("not sure")
    assert "I need a 'yes' or a 'cancel' to go on with handing over @HolyCrossPE." in said
    assert "Hand over @HolyCrossPE (Instagram)?" in said
    assert await jack.says("cancel") == "Cancelled: nothing has changed."
    assert await runners(register, PE) == PE.runners
    assert await stores.outbox.outbox_items() == []
    assert await gaps(stores) == []


async def test_an_admin_names_who_is_leaving_until_a_name_fits(
    stores: Stores, register: SqlRegister, bot: Bot
) -> None:
    liam = Person(bot, "liam-bytes")
    said = await liam.says("handover @HolyCrossPE for jak sampelton")
    assert "I can't find anyone called 'jak sampelton' in the trust directory." in said
    assert [c.label for c in liam.replies[0].choices] == ["Jack Sampleton"]
    said = await liam.says("Mr Nobody")
    assert "I can't find anyone called 'Mr Nobody'" in said
    assert "Who is leaving? Type their full name, or 'cancel'." in said
    said = await liam.says("jack sampleton")
    assert "Hand over @HolyCrossPE (Instagram)? Jack Sampleton will be removed" in said
    assert "Done. Jack Sampleton has been removed" in await liam.says("yes please")
    assert await runners(register, PE) == ("gregory-specimen",)
    assert await gaps(stores) == []


async def test_help_lists_the_typed_commands_and_asks_the_open_question_again(
    stores: Stores, register: SqlRegister, bot: Bot
) -> None:
    gregory = Person(bot, "gregory-specimen")
    said = await gregory.says("handover help")
    for typed in ("'handover @account for NAME'", "'yes'", "'cancel'", "'add NAME to @account'"):
        assert typed in said
    assert "'confirm @account', or 'I have read the policy'" in said
    assert "Hand over @HolyCrossPE (Instagram)?" in await gregory.says("hand over")
    said = await gregory.says("help")
    assert "'add NAME to @account'" in said
    assert gregory.replies[-1].text.endswith("Type 'yes' to hand it over, or 'cancel'.")
    assert await gaps(stores) == []


async def test_a_pasted_password_is_refused_and_the_question_asked_again(
    stores: Stores, register: SqlRegister, bot: Bot
) -> None:
    frances = Person(bot, "frances-dummy")
    await register.change_runners(HISTORY.id, lambda _: ("kate-mockett",))
    await frances.says("add Gandalf to @HolyCrossHistory")
    replies = await bot.handle(Message("frances-dummy", "the password is Hunter2Hunter2!"))
    assert "I have not saved it anywhere" in replies[0].text
    assert replies[-1].text.startswith("Still open from before: Who should also run @HolyCross")
    assert await texts(stores, "frances-dummy") == []
    assert await gaps(stores) == []


async def test_every_handover_button_comes_with_the_words_to_type_instead(
    stores: Stores, register: SqlRegister, bot: Bot
) -> None:
    shown: list[Reply] = []

    async def say(person: Person, text: str) -> None:
        await person.says(text)
        shown.extend(person.replies)

    helen, frances = Person(bot, "helen-proxy"), Person(bot, "frances-dummy")
    jack, liam = Person(bot, "jack-sampleton"), Person(bot, "liam-bytes")
    await say(helen, "handover")  # runs nothing: the policy is offered
    await say(helen, "hand over @HolyCrossHistory")
    await say(frances, "hand over @HolyCrossHistory")  # the head: for one of its runners
    await say(liam, "handover for jak sampelton")
    await say(jack, "handing over")
    await say(jack, "1")
    await say(jack, "yes")
    await say(frances, "add dana demmo to @HolyCrossPE")
    await frances.clicks("Add Dana Demo")  # Dana is asked to confirm reading the policy
    shown.extend(item.reply for item in await stores.outbox.outbox_items())
    buttons = [
        r for r in shown if any(c.value.startswith(("handover:", "clause:")) for c in r.choices)
    ]
    assert len(buttons) == 9
    for reply in buttons:
        assert re.search(r"\b(?:type|ask)\b", reply.text, re.IGNORECASE), reply.text


async def test_the_head_types_a_name_straight_after_the_request_arrives(
    stores: Stores, register: SqlRegister, bot: Bot
) -> None:
    jack = Person(bot, "jack-sampleton")
    await jack.says("hand over @HolyCrossHistory")
    await jack.says("yes")
    frances = Person(bot, "frances-dummy")
    said = await inbox(stores.outbox, frances)
    assert "Who should also run it? Click 'Name a replacement', or type 'add NAME to" in said
    said = await frances.says("thanks")  # nothing is open yet: small talk as ever
    assert "Who should also run" not in said
    said = await frances.says("dana dmeo")  # no click: the name still answers the request
    assert "I can't find 'dana dmeo' exactly. Did you mean one of these?" in said
    said = await frances.says("thanks")  # small talk while the question is open
    assert said.startswith("Still open from before: Who should also run @HolyCrossHistory?")
    said = await frances.says("Dana Demo")
    assert said.startswith("Done. @HolyCrossHistory is now run by Kate Mockett, Dana Demo.")
    said = await frances.says("Helen Proxy")  # two run it again: a name is no answer now
    assert "now run by" not in said
    assert await runners(register, HISTORY) == ("kate-mockett", "demo-teacher")


async def test_a_head_who_puts_off_the_replacement_is_not_taken_at_their_next_name(
    stores: Stores, register: SqlRegister, bot: Bot
) -> None:
    jack = Person(bot, "jack-sampleton")
    await jack.says("hand over @HolyCrossHistory")
    await jack.says("yes")
    frances = Person(bot, "frances-dummy")
    await inbox(stores.outbox, frances)
    await frances.clicks("Name a replacement")
    assert await frances.says("cancel") == "OK, nobody has been added."
    said = await frances.says("Dana Demo")
    assert "now run by" not in said
    assert await runners(register, HISTORY) == ("kate-mockett",)
    [*_, put_off] = await stores.audit.history(f"account:{HISTORY.id}")
    assert (put_off.actor, put_off.action) == ("frances-dummy", "replacement put off")
    said = await frances.says("add Dana Demo to @HolyCrossHistory")  # later, by typing
    assert said.startswith("Done. @HolyCrossHistory is now run by Kate Mockett, Dana Demo.")


async def test_a_name_with_two_accounts_short_of_runners_asks_which(
    stores: Stores, register: SqlRegister, bot: Bot
) -> None:
    jack = Person(bot, "jack-sampleton")  # leaves both accounts, each to one runner
    for account in ("@HolyCrossHistory", "@HolyCrossPE"):
        await jack.says(f"hand over {account}")
        await jack.says("yes")
    gregory = Person(bot, "gregory-specimen")  # deputy head
    said = await gregory.says("Dana Demo")
    assert "@HolyCrossPE, @HolyCrossHistory need another runner. Which should Dana Demo run?" in (
        said
    )
    assert "type e.g. 'add Dana Demo to @HolyCrossPE'" in said
    said = await gregory.clicks("Add Dana Demo to @HolyCrossPE")
    assert said.startswith("Done. @HolyCrossPE is now run by Gregory Specimen, Dana Demo.")
    assert "now run by" not in await jack.says("Dana Demo")  # not a leader: just text
    assert await runners(register, HISTORY) == ("kate-mockett",)
