"""Conversations through the Teams handler, driven by botbuilder's TestAdapter (no HTTP)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import (
    Activity,
    ChannelAccount,
    ConversationAccount,
    Entity,
    ResourceResponse,
)

from adapters.replies import SORRY
from adapters.teams.adapter import TeamsHandler
from bot.storage.stores import Stores
from tests.conftest import FakeClock, sql_stores
from tests.fake_connector import Posted
from tests.helpers import demo_directory, make_bot

BOT = ChannelAccount(id="28:policybot", name="policybot")
TENANT = "7d3c0a55-1b7e-4d8a-9c3f-0f6a2b1c9e11"
CLARA = "00000000-0000-4000-8000-000000000003"
QUESTION = "can I accept a friend request from a parent?"


class IdStampingTestAdapter(TestAdapter):  # type: ignore[misc]
    """TestAdapter, with each sent activity carrying the id it returned (as Teams assigns one)."""

    async def send_activities(
        self, context: TurnContext, activities: list[Activity]
    ) -> list[ResourceResponse]:
        responses: list[ResourceResponse] = await super().send_activities(context, activities)
        for activity, response in zip(activities, responses, strict=True):
            activity.id = response.id
        return responses


class TeamsChat:
    """A Teams conversation with the bot in a TestAdapter, as one Teams user."""

    def __init__(
        self, stores: Stores, aad_object_id: str, name: str, conversation_type: str = "personal"
    ) -> None:
        template = Activity(
            channel_id="msteams",
            service_url="https://smba.example.test/emea/",
            from_property=ChannelAccount(id="29:1abc", name=name, aad_object_id=aad_object_id),
            recipient=BOT,
            conversation=ConversationAccount(id="conv-1", conversation_type=conversation_type),
            channel_data={"tenant": {"id": TENANT}},
        )
        bot = make_bot(stores)
        handler = TeamsHandler(bot.handle, demo_directory(), stores.references, stores.events)
        self.adapter = IdStampingTestAdapter(handler.on_turn, template)
        self.cards: list[Posted] = []

    async def send(self, activity: Activity) -> list[Posted]:
        """Run one turn; return the cards the bot sent."""
        self.adapter.activity_buffer.clear()
        await self.adapter.receive_activity(activity)
        self.cards = [
            Posted("conv-1", str(a.id), a.serialize()) for a in self.adapter.activity_buffer
        ]
        return self.cards

    async def says(self, text: str, **fields: Any) -> list[Posted]:
        """Type a message."""
        return await self.send(Activity(type="message", text=text, **fields))

    async def clicks(self, title: str, card: Posted) -> list[Posted]:
        """Click the card's button with this title."""
        data = next(d for t, d in card.buttons if t == title)
        return await self.send(Activity(type="message", value=data, reply_to_id=card.id))

    @property
    def updates(self) -> list[Posted]:
        """Every card the bot replaced, in order."""
        return [Posted("conv-1", str(a.id), a.serialize()) for a in self.adapter.updated_activities]


async def test_greeting_uses_the_directory_name_not_the_teams_display_name(
    stores: Stores,
) -> None:
    chat = TeamsChat(stores, CLARA, "C. T. (Year 4)")
    [hello] = await chat.says("hello")
    assert hello.text.startswith("Hello Clara!")


async def test_question_then_not_helpful_then_the_card_is_closed(stores: Stores) -> None:
    chat = TeamsChat(stores, CLARA, "Clara Testwell")
    [answer] = await chat.says(QUESTION)
    assert "Consider carefully whether it is appropriate to accept colleagues" in answer.text
    [thanks] = await chat.clicks("Not helpful", answer)
    assert thanks.text.startswith("Thanks for telling me.")
    [closed] = chat.updates
    assert closed.id == answer.id
    assert closed.buttons == []
    assert closed.text.endswith("✓ Clara Testwell chose: Not helpful")


async def test_a_card_kept_past_its_lifetime_is_forgotten_yet_its_buttons_still_work(
    stores: Stores, clock: FakeClock
) -> None:
    chat = TeamsChat(stores, CLARA, "Clara Testwell")
    [answer] = await chat.says(QUESTION)
    references = stores.references
    # The answer is kept a day for Teams to deliver the question again; the card 90 days.
    assert await references.forget_expired_references(clock.advance(days=1, minutes=1)) == 1
    assert await references.forget_expired_references(clock.advance(days=88)) == 0
    assert await references.forget_expired_references(clock.advance(days=2)) == 1
    # The bot no longer knows the card, so it cannot close it, but the choice still counts.
    [thanks] = await chat.clicks("Not helpful", answer)
    assert thanks.text.startswith("Thanks for telling me.")
    assert chat.updates == []


async def test_a_typed_number_still_picks_a_choice(stores: Stores) -> None:
    chat = TeamsChat(stores, CLARA, "Clara Testwell")
    [answer] = await chat.says(QUESTION)
    position = [t for t, _ in answer.buttons].index("Helpful") + 1
    [thanks] = await chat.says(str(position))
    assert thanks.text == "Thanks, glad it helped."


async def test_the_person_comes_from_their_aad_id_whatever_the_card_data_says(
    stores: Stores,
) -> None:
    stranger = TeamsChat(stores, "99999999-9999-4999-8999-999999999999", "Clara Testwell")
    [refusal] = await stranger.send(Activity(type="message", value={"choice": "help"}))
    assert "can't find your Microsoft account in the trust directory" in refusal.text


async def test_a_channel_mention_is_stripped_before_the_question_is_matched(
    stores: Stores,
) -> None:
    chat = TeamsChat(stores, CLARA, "Clara Testwell", conversation_type="channel")
    mention = {
        "type": "mention",
        "text": "<at>policybot</at>",
        "mentioned": {"id": BOT.id, "name": "policybot"},
    }
    [answer] = await chat.says(
        f"<at>policybot</at> {QUESTION}", entities=[Entity().deserialize(mention)]
    )
    assert "clause good-practice.consider-carefully-whether" in answer.text


async def test_when_the_database_is_unusable_the_person_is_told_to_try_again(
    tmp_path: Path, clock: FakeClock
) -> None:
    broken = sql_stores(f"sqlite:///{tmp_path / 'never-migrated.db'}", clock)
    try:
        chat = TeamsChat(broken, CLARA, "Clara Testwell")
        [sorry] = await chat.says(QUESTION)
        assert sorry.text == SORRY
    finally:
        await broken.close()
