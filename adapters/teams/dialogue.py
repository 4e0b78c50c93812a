"""What a Teams message or card click gets from the core, wherever it is answered.

Personal chats are answered from the inbox (inbox.py), everything else during its request
(adapter.py); both ask the core here, only ever as the directory person behind the sender's
Azure AD object id, and both remember the person's chat so reminders and approvals reach them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ConversationReference

from adapters.replies import Handle, not_in_directory
from adapters.teams.cards import reply_card
from adapters.teams.people import ACCOUNT, TEAMS_ID
from adapters.teams.references import TeamsReferences, card_key
from bot.core.bot import remembered
from bot.core.messages import Message, Reply
from bot.model.directory import Directory, Person
from bot.model.directory_file import check_ids
from bot.model.ports import EventLog, ReferenceStore

log = logging.getLogger(__name__)

ALREADY_USED = "That card has already been used. Ask again if you need it."
UNREADABLE_BUTTON = "Sorry, I couldn't read that button. Please type your answer."

Close = Callable[[str, dict[str, Any]], Awaitable[None]]
"""Replace the sent card with this activity id by this Adaptive Card (a clicked card, closed)."""


def tenant_of(activity: Activity) -> str:
    """The tenant the activity came from (Teams sends it in channelData)."""
    tenant = activity.conversation.tenant_id if activity.conversation else None
    channel_tenant = (activity.channel_data or {}).get("tenant") or {}
    return str(tenant or channel_tenant.get("id") or "")


def chat_reference(activity: Activity) -> dict[str, Any]:
    """The serialized reference of the activity's conversation, with its tenant filled in."""
    reference = TurnContext.get_conversation_reference(activity)
    reference.conversation.tenant_id = tenant_of(activity) or None
    data: dict[str, Any] = reference.serialize()
    return data


def without_bot_mention(activity: Activity) -> str:
    """The message text with the bot's own <at>mention</at> removed (channels), trimmed."""
    text = activity.text or ""
    bot_id = activity.recipient.id if activity.recipient else None
    for entity in activity.entities or []:
        props = entity.additional_properties or {}
        if entity.type == "mention" and (props.get("mentioned") or {}).get("id") == bot_id:
            text = text.replace(str(props.get("text") or ""), " ")
    return " ".join(text.split())


class TeamsDialogue:
    """The core asked as a directory person; cards clicked once; chats remembered."""

    def __init__(
        self,
        handle: Handle,
        directory: Directory,
        references: ReferenceStore,
        events: EventLog,
        tenant_id: str = "",
    ) -> None:
        check_ids(directory, [TEAMS_ID])
        self.handle = handle
        self.directory = directory
        self.references = TeamsReferences(references)
        self.events = events
        self.tenant_id = tenant_id

    def person(self, aad_object_id: str | None) -> Person | None:
        """The directory person behind a sender's Azure AD object id; never card data."""
        return self.directory.by_teams_id(aad_object_id) if aad_object_id else None

    def stranger(self) -> Reply:
        """What someone the directory does not know is told."""
        log.info("teams message from someone not in the directory")
        return not_in_directory(self.directory, ACCOUNT)

    async def remember(self, reference: dict[str, Any], person: Person | None) -> None:
        """Store how to reach this person (their personal chat) and the tenant's service."""
        conversation = ConversationReference().deserialize(reference).conversation
        tenant = conversation.tenant_id if conversation else None
        # Only staff in the directory vouch for the tenant new chats are opened in.
        if person and tenant and (not self.tenant_id or tenant == self.tenant_id):
            await self.references.save_service(reference)
        # A channel reference would post reminders and approvals where the team can read them.
        if person and conversation and conversation.conversation_type == "personal":
            await self.references.save_chat(person.id, reference)

    async def said(self, person: Person, text: str) -> list[Reply]:
        """The core's replies to a typed message."""
        return await self.handle(Message(person.id, text=text))

    async def clicked(
        self,
        person: Person,
        conversation_id: str,
        card_id: str | None,
        choice: str | None,
        close: Close,
        click: str | None = None,
    ) -> list[Reply]:
        """A card button: once per card, then the card is closed showing who picked what.

        `click` names the click (answered from the inbox, perhaps a second time after a crash):
        the click that used a card keeps its answer, any other is told the card is used."""
        if choice is None:
            return [Reply(UNREADABLE_BUTTON)]
        card = await self.references.card(conversation_id, card_id) if card_id else None
        kept = remembered(choice)  # the card is kept without the question a vote carries
        label = next((c.label for c in card.choices if c.value == kept), None) if card else None
        if card is None or label is None or card_id is None:
            # Not a button of a card we sent: the core still decides what the value may do.
            return await self.handle(Message(person.id, value=choice))
        if not await self._first_use(conversation_id, card_id, click):
            return [Reply(ALREADY_USED)]
        replies = await self.handle(Message(person.id, value=choice))
        try:
            await close(card_id, reply_card(card, picked=f"{person.name} chose: {label}"))
        except Exception as exc:  # the choice is made and kept; a stale card only looks open
            log.warning("teams card not closed: %s", type(exc).__name__)
        return replies

    async def _first_use(self, conversation_id: str, card_id: str, click: str | None) -> bool:
        once = f"teams-click:{card_key(conversation_id, card_id)}"
        if click is None:
            return await self.events.first_time(once)
        # A personal chat's clicks are answered one at a time, in order, so reading then writing
        # is safe; the click is named before `once` is taken, so a process killed between the
        # two leaves the card to this click's second answer, not to "already used".
        used_by = await self.references.card_used_by(conversation_id, card_id)
        if used_by is not None:
            return used_by == click
        await self.references.save_card_used_by(conversation_id, card_id, click)
        return await self.events.first_time(once)
