"""What the Teams adapter remembers between turns, kept in the ReferenceStore.

Each person's personal chat (to message them unprompted), the tenant's service (to open a chat
with someone who never wrote), and each sent card that has buttons (to close it once clicked).
The last two are not people: they are stored under reserved keys that no person id can take.
"""

from __future__ import annotations

import hashlib
from typing import Any

from bot.core.messages import Reply, reply_from_json, reply_to_json
from bot.model.ports import ReferenceStore
from bot.model.records import RETENTION

PLATFORM = "teams"
SERVICE_KEY = "@teams-service"
"""Key of the latest trusted activity's reference: the tenant's service URL and bot."""


def digest(*parts: str) -> str:
    """A fixed-length key for ids that may be longer than a database key column."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


def card_key(conversation_id: str, activity_id: str) -> str:
    """The key a sent card is kept under (and its one click recorded with)."""
    return f"card:{digest(conversation_id, activity_id)}"


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
            key, PLATFORM, {"reply": reply_to_json(reply)}, keep_for=RETENTION
        )
