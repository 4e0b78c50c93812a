"""What the Teams adapter remembers between turns, kept in the ReferenceStore.

Each person's personal chat (to message them unprompted), the tenant's service (to open a chat
with someone who never wrote), each sent card that has buttons (to close it once clicked), the
click that used a card, and the part of each answer not yet sent (for Teams' retry of an
activity answered during its request to send it).
All but the first are not people: they are stored under reserved keys that no person id can
take.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from bot.core.bot import for_storage
from bot.core.messages import Reply, reply_from_json, reply_to_json
from bot.model.ports import ReferenceStore
from bot.model.records import RETENTION

PLATFORM = "teams"
ANSWER_KEPT = timedelta(days=1)
"""How long an answer is kept for Teams to deliver its activity again (it retries for minutes)."""
SERVICE_KEY = "@teams-service"
"""Key of the latest trusted activity's reference: the tenant's service URL and bot."""


def digest(*parts: str) -> str:
    """A fixed-length key for ids that may be longer than a database key column."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


def card_key(conversation_id: str, activity_id: str) -> str:
    """The key a sent card is kept under (and its one click recorded with)."""
    return f"card:{digest(conversation_id, activity_id)}"


def click_key(conversation_id: str, activity_id: str) -> str:
    """The key the click that used a sent card is kept under."""
    return f"click:{digest(conversation_id, activity_id)}"


def answer_key(conversation_id: str, activity_id: str) -> str:
    """The key the answer to an activity is kept under until it has been sent."""
    return f"answer:{digest(conversation_id, activity_id)}"


class TeamsReferences:
    """Conversation references and sent cards, by person or by conversation and activity."""

    def __init__(self, store: ReferenceStore) -> None:
        self.store = store

    async def chat(self, person_id: str) -> dict[str, Any] | None:
        """The serialized reference of the person's personal chat with the bot."""
        return await self.store.load_reference(person_id, PLATFORM)

    async def save_chat(self, person_id: str, reference: dict[str, Any]) -> None:
        """Remember the person's personal chat."""
        await self.store.save_reference(person_id, PLATFORM, reference)

    async def service(self) -> dict[str, Any] | None:
        """The reference that says where the tenant's Bot Connector service is."""
        return await self.store.load_reference(SERVICE_KEY, PLATFORM)

    async def save_service(self, reference: dict[str, Any]) -> None:
        """Remember the tenant's service, from an activity of someone in the directory."""
        await self.store.save_reference(SERVICE_KEY, PLATFORM, reference)

    async def card(self, conversation_id: str, activity_id: str) -> Reply | None:
        """The reply a card with buttons was sent for, while it is kept."""
        stored = await self.store.load_reference(card_key(conversation_id, activity_id), PLATFORM)
        return reply_from_json(stored["reply"]) if stored else None

    async def save_card(self, conversation_id: str, activity_id: str, reply: Reply) -> None:
        """Keep a sent card's reply for RETENTION, so a click on it can close it."""
        key = card_key(conversation_id, activity_id)
        await self.store.save_reference(
            key, PLATFORM, {"reply": reply_to_json(for_storage(reply))}, keep_for=RETENTION
        )

    async def card_used_by(self, conversation_id: str, card_id: str) -> str | None:
        """The click (an activity digest) that used the card, once one has."""
        stored = await self.store.load_reference(click_key(conversation_id, card_id), PLATFORM)
        return str(stored["by"]) if stored else None

    async def save_card_used_by(self, conversation_id: str, card_id: str, click: str) -> None:
        """Remember which click used the card, for as long as the card is kept."""
        key = click_key(conversation_id, card_id)
        await self.store.save_reference(key, PLATFORM, {"by": click}, keep_for=RETENTION)

    async def answer(self, conversation_id: str, activity_id: str) -> list[Reply] | None:
        """What is still to be sent of the answer to an activity; None when nothing was kept."""
        stored = await self.store.load_reference(answer_key(conversation_id, activity_id), PLATFORM)
        return [reply_from_json(r) for r in stored["replies"]] if stored else None

    async def save_answer(
        self, conversation_id: str, activity_id: str, replies: Sequence[Reply]
    ) -> None:
        """Keep what is still to be sent of the answer to an activity ([] once all has gone)."""
        await self.store.save_reference(
            answer_key(conversation_id, activity_id),
            PLATFORM,
            {"replies": [reply_to_json(for_storage(r)) for r in replies]},
            keep_for=ANSWER_KEPT,
        )
