"""Runners added after an account was approved are asked, like the first runners, to confirm
they have read and understood the policy; their answer is kept in the account's audit trail."""

from __future__ import annotations

import pytest

from bot.core.bot import Bot
from bot.storage.register import SqlRegister
from bot.storage.stores import Stores
from tests.apps import open_app
from tests.apps import register as add_account
from tests.conftest import FakeClock
from tests.features.handover_world import HISTORY, PE, make, open_register
from tests.helpers import Person, inbox


@pytest.fixture
async def register(stores: Stores, clock: FakeClock) -> SqlRegister:
    """The register with @HolyCrossHistory (Jack, Kate) and @HolyCrossPE (Jack, Gregory)."""
    return await open_register(stores, clock)


@pytest.fixture
def bot(stores: Stores, register: SqlRegister) -> Bot:
    return make(stores, register)


async def trail(stores: Stores, account_id: str) -> list[tuple[str, str, str | None]]:
    """(actor, action, runner) for each event in the account's audit trail."""
    events = await stores.audit.history(f"account:{account_id}")
    return [(e.actor, e.action, e.detail.get("runner")) for e in events]


async def test_a_replacement_named_after_a_handover_confirms_with_the_button(
    stores: Stores, bot: Bot, clock: FakeClock
) -> None:
    jack = Person(bot, "jack-sampleton")
    await jack.says("hand over @HolyCrossHistory")
    await jack.says("yes")
    frances = Person(bot, "frances-dummy")
    await inbox(stores.outbox, frances)
    await frances.clicks("Name a replacement")
    said = await frances.says("Dana Demo")
    assert "Dana Demo has been asked to confirm they have read the policy." in said

    dana = Person(bot, "demo-teacher")
    said = await inbox(stores.outbox, dana)
    assert "Frances Dummy has added you as a runner of @HolyCrossHistory (X/Twitter)." in said
    assert "https://trust.example.org/policies/social-media" in said
    assert "click the button or type 'confirm @HolyCrossHistory'" in said
    [button] = dana.replies[0].choices  # queued messages keep this value: it must not change
    assert button.value == f"handover:read:{HISTORY.id}"
    confirmed_at = clock.advance(hours=2)
    said = await dana.clicks("I have read and understood the policy")
    assert said == (
        "Thank you: recorded that you have read and understood the policy, as a runner of "
        "@HolyCrossHistory."
    )
    assert (await trail(stores, HISTORY.id))[-2:] == [
        ("frances-dummy", "runner added", "demo-teacher"),
        ("demo-teacher", "runner confirmed", "demo-teacher"),
    ]
    [*_, confirmed] = await stores.audit.history(f"account:{HISTORY.id}")
    assert confirmed.at == confirmed_at
    said = await dana.says("confirm @HolyCrossHistory")
    assert said == (
        "You have already confirmed you have read the policy for @HolyCrossHistory. Thank you."
    )
    assert len(await trail(stores, HISTORY.id)) == 4


async def test_a_runner_confirms_by_typing_and_then_the_same_words_go_to_the_annual_reminder(
    db_url: str, clock: FakeClock
) -> None:
    app = await open_app(db_url, clock)  # every feature, as `policybot serve` has them
    try:
        await add_account(app, HISTORY)
        await add_account(app, PE)
        gregory = Person(app.bot, "gregory-specimen")  # deputy head: on the leadership team
        await gregory.says("add Helen Proxy to @HolyCrossHistory")
        await gregory.says("add Helen Proxy to @HolyCrossPE")
        helen = Person(app.bot, "helen-proxy")
        said = await helen.says("confirm @HolyCrossHistory")
        assert said.endswith("as a runner of @HolyCrossHistory.")
        said = await helen.says("I have read the policy")  # names no account: those waiting
        assert said.endswith("as a runner of @HolyCrossPE.")
        for account in (HISTORY, PE):
            [*_, added, confirmed] = await app.audit.history(f"account:{account.id}")
            assert (added.actor, added.action) == ("gregory-specimen", "runner added")
            assert (confirmed.actor, confirmed.action) == ("helen-proxy", "runner confirmed")
        said = await helen.says("I have read the policy")  # nothing waits: the annual reminder
        assert said.startswith("Thank you: recorded that you have read the policy (")
        said = await helen.says("I've read and understood the policy for @holycrosspe")
        assert said == (
            "You have already confirmed you have read the policy for @HolyCrossPE. Thank you."
        )
        kate = Person(app.bot, "kate-mockett")
        said = await kate.says("confirm @HolyCrossPE")
        assert said == "You don't run @HolyCrossPE, so there's nothing to confirm for it."
        said = await kate.says("confirm @HolyCrossMaths")
        assert said == "I can't find @HolyCrossMaths in the account register."
        assert await app.questions.top_declined() == []
    finally:
        await app.close()


async def test_a_runner_handed_over_and_added_again_confirms_again(
    stores: Stores, register: SqlRegister, bot: Bot
) -> None:
    frances = Person(bot, "frances-dummy")
    await frances.says("add Dana Demo to @HolyCrossPE")
    dana = Person(bot, "demo-teacher")
    await dana.says("confirm @HolyCrossPE")
    await dana.says("hand over @HolyCrossPE")
    await dana.says("yes")
    await frances.says("add Dana Demo to @HolyCrossPE")
    said = await dana.says("confirm @HolyCrossPE")
    assert said.startswith("Thank you: recorded that you have read and understood the policy")
    actions = [a for _, a, runner in await trail(stores, PE.id) if runner == "demo-teacher"]
    assert actions == [
        "runner added",
        "runner confirmed",
        "handover",
        "runner added",
        "runner confirmed",
    ]
