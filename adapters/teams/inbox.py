"""Teams messages through the inbox: kept before the Bot Connector hears 201, answered from there.

`kept_activity` picks the activities that go through the inbox (a message or a card click in
a person's chat with the bot, or in a channel or group chat, where the bot hears only what
mentions it) and returns what is kept of them: the sender's ids, the conversation to answer in,
and the text, credentials masked (`keepable`, so a pasted password is never written anywhere),
or the clicked choice, each sealed (so the database never holds what people wrote in readable
form). Everything from one person is kept in one conversation, answered in order.
`TeamsRespondent` answers a kept activity as the directory person behind the sender: in their
personal chat, or as a reply in the channel thread or group chat it came from, posting through
the Bot Connector outside any request (`Chats`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from botbuilder.schema import Activity, ActivityTypes

from adapters.replies import SORRY
from adapters.sealing import Seal, sealed_choices
from adapters.teams.cards import submitted_choice
from adapters.teams.dialogue import TeamsDialogue, chat_reference, without_bot_mention
from adapters.teams.references import PLATFORM, digest
from bot.core.messages import Reply
from bot.core.secrets import keepable
from bot.jobs.answering import Answered, Event
from bot.model.directory import Person
from bot.model.records import Address

CONVERSATIONS = ("personal", "channel", "groupChat")
"""Where the messages kept in the inbox come from (a message whose conversation has no type,
as from a local emulator, is answered during its request)."""


def address_of(reference: dict[str, Any]) -> Address | None:
    """Where the answers to an activity in this conversation go: None for a personal chat (the
    person's chat, as for anything sent to them), else the conversation itself."""
    kind = (reference.get("conversation") or {}).get("conversationType")
    return None if kind == "personal" else {"platform": PLATFORM, "reference": reference}


class Chats(Protocol):
    """A Teams conversation reached through the Bot Connector, outside any request."""

    async def post(self, reference: dict[str, Any], replies: Sequence[Reply]) -> None:
        """Post the replies in the conversation: new messages in a personal chat, replies to
        the activity the reference names elsewhere (a channel thread, a group chat)."""
        ...

    async def replace(self, reference: dict[str, Any], card_id: str, card: dict[str, Any]) -> None:
        """Replace a card the bot sent in the conversation by this Adaptive Card."""
        ...


def kept_activity(activity: Activity, seal: Seal) -> Event | None:
    """The inbox entry for a message or click in a chat, channel or group chat, or None for
    anything else."""
    conversation, sender = activity.conversation, activity.from_property
    if activity.type != ActivityTypes.message or not activity.id or conversation is None:
        return None
    if conversation.conversation_type not in CONVERSATIONS or not conversation.id or sender is None:
        return None
    who = sender.aad_object_id or sender.id
    if not who:
        return None
    click = digest(conversation.id, activity.id)  # activity ids are unique per conversation
    payload: dict[str, Any] = {
        "aad": sender.aad_object_id,
        "reference": chat_reference(activity),
        "activity": click,
        "card": activity.reply_to_id,
    }
    if activity.value is not None:  # an Action.Submit: what matters is the choice it carries
        # A button's value is the bot's own, not typed: masking could change what it picks
        # (its ids look generated). Sealed all the same, as a vote carries the question asked.
        choice = submitted_choice(activity.value)
        payload["choice"] = None if choice is None else seal.seal(choice)
    else:
        payload["text"] = seal.seal(keepable(without_bot_mention(activity)))
    return f"teams:activity:{click}", PLATFORM, f"teams:{who}", payload


class TeamsRespondent:
    """Answers a kept message or click as the directory person behind the Teams sender."""

    name = PLATFORM

    def __init__(self, dialogue: TeamsDialogue, chats: Chats, seal: Seal) -> None:
        self.dialogue = dialogue
        self.chats = chats
        self.seal = seal

    async def respond(self, payload: dict[str, Any]) -> Answered | None:
        """The core's replies; someone outside the directory is told whom to ask, here."""
        reference: dict[str, Any] = payload["reference"]
        person = self.dialogue.person(payload.get("aad"))
        await self.dialogue.remember(reference, person)
        if person is None:
            await self.chats.post(reference, [self.dialogue.stranger()])
            return None
        if "choice" not in payload:
            text = self.seal.open(payload["text"])
            return self._answered(person, await self.dialogue.said(person, text), reference)
        sealed = payload["choice"]

        async def close(card_id: str, card: dict[str, Any]) -> None:
            await self.chats.replace(reference, card_id, card)

        replies = await self.dialogue.clicked(
            person,
            reference["conversation"]["id"],
            payload.get("card"),
            None if sealed is None else self.seal.open(sealed),
            close,
            click=payload["activity"],
        )
        return self._answered(person, replies, reference)

    def _answered(
        self, person: Person, replies: Sequence[Reply], reference: dict[str, Any]
    ) -> Answered:
        # The replies wait in the outbox until posted: a vote's question goes there sealed
        # (TeamsAdapter.send opens it).
        sealed = [sealed_choices(reply, self.seal) for reply in replies]
        return Answered(person, sealed, address_of(reference))

    async def apologise(self, payload: dict[str, Any]) -> None:
        """SORRY, in the chat, channel thread or group chat the message came from."""
        await self.chats.post(payload["reference"], [Reply(SORRY)])
