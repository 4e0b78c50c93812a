"""The Teams adapter: Bot Framework activities in, core Messages; core Replies out, Adaptive Cards.

A thin translator over botbuilder (archived upstream), so that moving to Microsoft's successor
SDK means rewriting this package only: CloudAdapter does authentication and the Bot Connector
calls, TeamsAdapter serves /api/messages: a message or card click in a personal chat, or in a
channel or group chat (where the bot hears only what mentions it), is kept in the inbox before it
is acknowledged and answered from there (inbox.py); anything else (an install, a message from a
conversation of no known type) is a turn of TeamsHandler during its request. Replies from the
inbox, and messages to people unprompted (the Sender port), go through conversation references;
dialogue.py asks the core.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from aiohttp import web
from botbuilder.core import ActivityHandler, TurnContext, serializer_helper
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    Attachment,
    ChannelAccount,
    ConversationParameters,
    ConversationReference,
)

from adapters.inbound_json import BadBody, parse_json, read_body, refused
from adapters.inbox import PlatformInbox
from adapters.replies import Handle, or_sorry
from adapters.sealing import Seal, opened_choices
from adapters.teams.cards import CONTENT_TYPE, reply_card, submitted_choice
from adapters.teams.connector import connector_error, refused_for_good
from adapters.teams.dialogue import TeamsDialogue, chat_reference, without_bot_mention
from adapters.teams.inbound import activity, auth_problem, for_authentication
from adapters.teams.inbox import TeamsRespondent, kept_activity
from adapters.teams.people import person_of
from adapters.teams.references import PLATFORM, TeamsReferences, digest
from adapters.teams.settings import TeamsSettings
from bot.core.messages import Reply
from bot.jobs.answering import InboxParts, newest_directory
from bot.model.directory import Directory, Person
from bot.model.ports import EventLog, ReferenceStore
from bot.model.records import Address, DeliveryError

log = logging.getLogger(__name__)

ROUTE = "/api/messages"
WHAT = "teams /api/messages"

Turn = Callable[[TurnContext], Awaitable[None]]


class AnswerNotSent(web.HTTPInternalServerError):
    """The answer to an activity could not be posted. It is kept, and the turn ends with a 500
    (no SORRY: Teams is not taking messages), so Teams delivers the activity again and that
    delivery sends the kept answer."""


class TeamsHandler(ActivityHandler):  # type: ignore[misc]
    """One Teams turn answered during its request: who is speaking, what they said or clicked,
    and the cards to answer (messages in chats, channels and group chats are answered from the
    inbox instead)."""

    def __init__(
        self,
        handle: Handle,
        directory: Directory,
        references: ReferenceStore,
        events: EventLog,
        tenant_id: str = "",
    ) -> None:
        super().__init__()
        self.dialogue = TeamsDialogue(handle, directory, references, events, tenant_id)
        self.references = self.dialogue.references
        self.events = events

    async def on_turn(self, turn_context: TurnContext) -> None:
        """Handle the activity; on an unexpected failure, tell the person instead of going quiet."""
        activity = turn_context.activity

        async def say(replies: Sequence[Reply]) -> None:
            await send_replies(turn_context, replies, self.references)

        is_message = activity.type == ActivityTypes.message
        what = f"teams {activity.type} activity"
        turn = super().on_turn(turn_context)
        await or_sorry(turn, say if is_message else None, what, passing=(AnswerNotSent,))

    async def _remember(self, activity: Activity) -> Person | None:
        """The directory person behind the sender, their chat and tenant remembered."""
        person = person_of(self.dialogue.directory, activity)
        await self.dialogue.remember(chat_reference(activity), person)
        return person

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        """A typed message or a clicked card button."""
        activity = turn_context.activity
        person = await self._remember(activity)
        if person is None:
            await send_replies(turn_context, [self.dialogue.stranger()], self.references)
            return
        conversation, activity_id = activity.conversation.id, activity.id
        if await self.events.first_time(f"teams:{digest(conversation, activity_id)}"):
            if activity.value is not None:

                async def close(card_id: str, card: dict[str, Any]) -> None:
                    await turn_context.update_activity(_replacing(card_id, card))

                choice = submitted_choice(activity.value)
                replies = await self.dialogue.clicked(
                    person, conversation, activity.reply_to_id, choice, close
                )
            else:
                replies = await self.dialogue.said(person, without_bot_mention(activity))
            await self.references.save_answer(conversation, activity_id, replies)
        else:
            # Teams delivers an activity again when answering it failed: send what did not go.
            kept = await self.references.answer(conversation, activity_id)
            if not kept:
                log.info("teams activity delivered again; already answered, ignored")
                return
            log.info("teams activity delivered again; sending the answer that did not go")
            replies = kept
        await self._send_answer(turn_context, replies)

    async def _send_answer(self, turn_context: TurnContext, replies: Sequence[Reply]) -> None:
        """Send the answer a reply at a time, keeping what has not gone for Teams' retry."""
        conversation, activity_id = turn_context.activity.conversation.id, turn_context.activity.id
        for n, reply in enumerate(replies):
            try:
                await send_replies(turn_context, [reply], self.references)
            except Exception as exc:
                if refused_for_good(exc):  # e.g. a conversation Teams does not know: 400
                    log.warning("teams answer refused: %s", connector_error(exc))
                    raise
                log.warning("teams answer kept for Teams' retry: %s", connector_error(exc))
                raise AnswerNotSent() from exc
            await self.references.save_answer(conversation, activity_id, replies[n + 1 :])

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        """The app was installed for a person or a team: remember how to reach them."""
        await self._remember(turn_context.activity)

    async def on_members_added_activity(
        self, members_added: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        """The bot joined a chat or team (Teams sends this beside installationUpdate)."""
        activity = turn_context.activity
        if any(m.id == activity.recipient.id for m in members_added):
            await self._remember(activity)


def _attachment(card: dict[str, Any]) -> Attachment:
    return Attachment(content_type=CONTENT_TYPE, content=card)


def _replacing(card_id: str, card: dict[str, Any]) -> Activity:
    """The activity that replaces a sent card (a clicked card, closed) by this one."""
    return Activity(id=card_id, type=ActivityTypes.message, attachments=[_attachment(card)])


async def send_replies(
    turn_context: TurnContext, replies: Sequence[Reply], references: TeamsReferences
) -> None:
    """Send each reply as an Adaptive Card, keeping cards with buttons so a click can close them."""
    for reply in replies:
        sent = await turn_context.send_activity(
            Activity(type=ActivityTypes.message, attachments=[_attachment(reply_card(reply))])
        )
        if reply.choices and sent is not None and sent.id:
            await references.save_card(turn_context.activity.conversation.id, sent.id, reply)


def _bot_framework_config(settings: TeamsSettings) -> SimpleNamespace:
    """The attribute names botbuilder's ConfigurationBotFrameworkAuthentication reads."""
    return SimpleNamespace(
        APP_ID=settings.app_id,
        APP_PASSWORD=settings.app_password,
        APP_TYPE=settings.app_type,
        APP_TENANTID=settings.app_tenant_id,
    )


class TeamsAdapter:
    """The Teams endpoint (POST /api/messages), messages answered from the inbox, and the Teams
    Sender for the outbox."""

    name = PLATFORM
    refreshes_itself = frozenset({ROUTE})
    """Kept messages take up the newest directory when answered; the rest before their turn."""

    def __init__(
        self,
        handle: Handle,
        directory: Directory,
        *,
        references: ReferenceStore,
        events: EventLog,
        settings: TeamsSettings,
        inbox: InboxParts,
        answers_here: bool = True,
    ) -> None:
        self.app_id = settings.app_id
        self.authenticated = settings.authenticated
        auth = ConfigurationBotFrameworkAuthentication(_bot_framework_config(settings))
        self.cloud = CloudAdapter(auth)
        tenant = settings.app_tenant_id
        self.handler = TeamsHandler(handle, directory, references, events, tenant)
        self.references = self.handler.references
        self._refresh = inbox.refresh
        # Every process of the deployment has the app password; a database copy alone does not.
        self._seal = Seal(settings.app_password)
        dialogue = TeamsDialogue(inbox.handle, directory, references, events, tenant)
        respondent = TeamsRespondent(dialogue, self, self._seal)
        self.inbox = PlatformInbox(inbox, respondent, self, answers_here=answers_here)

    @property
    def sender(self) -> TeamsAdapter:
        """Teams can message people unprompted, once it has a way into their chat."""
        return self

    def add_routes(self, app: web.Application) -> None:
        """Register POST /api/messages."""
        app.router.add_post(ROUTE, self.messages)

    async def start(self) -> None:
        """Start answering the inbox, unless `policybot answer` processes do."""
        self.inbox.start()

    async def stop(self) -> None:
        """Keep what is arriving and finish the answers being worked on."""
        await self.inbox.stop()

    async def settle(self) -> None:
        """Wait until every activity kept so far is answered (when this process answers)."""
        await self.inbox.settle()

    async def answer_forever(self) -> None:
        """Answer the inbox until cancelled, serving nothing: a `policybot answer` process."""
        await self.inbox.answer_forever()

    async def messages(self, request: web.Request) -> web.StreamResponse:
        """One activity from the Bot Connector: authenticate it, then keep it or run a turn.

        Before authentication only what it needs is read (serviceUrl, channelId); anything odd
        gets a 4xx naming the kind of problem, never the activity's content.
        """
        if request.content_type != "application/json":
            return refused(WHAT, "expected a Bot Framework activity as application/json", 415)
        try:
            body = parse_json(await read_body(request))
        except BadBody as bad:
            return refused(WHAT, bad)
        if (problem := auth_problem(body)) is not None:
            return refused(WHAT, problem)
        try:
            auth = await self.cloud.bot_framework_authentication.authenticate_request(
                for_authentication(body), request.headers.get("Authorization", "")
            )
        except Exception as exc:  # PermissionError, or a token the JWT library can't parse
            log.warning("teams request refused: %s", type(exc).__name__)
            return _problem(401, "not a valid Bot Framework token")
        turn = activity(body)
        if isinstance(turn, str):
            return refused(WHAT, turn)
        try:
            event = kept_activity(turn, self._seal)
        except Exception as exc:  # a shape the checks let through but botbuilder can't use
            log.error("teams activity could not be kept: %s", type(exc).__name__)
            return _problem(400, "the activity could not be handled")
        if event is not None:
            # Answered from the inbox: 201 once kept, as for a turn, or 500 to be sent again.
            return await self.inbox.acknowledge(event, status=201)
        await newest_directory(self._refresh)
        return await self._turn(auth, turn)

    async def _turn(self, auth: Any, turn: Activity) -> web.StreamResponse:
        try:
            invoke = await self.cloud.process_activity(auth, turn, self.handler.on_turn)
        except AnswerNotSent:  # kept: a 5xx is what makes Teams deliver the activity again
            return _problem(500, "the answer could not be posted yet; it is sent on the retry")
        except Exception as exc:  # e.g. a serviceUrl nobody answers: the turn could not run
            log.error("teams turn failed: %s", type(exc).__name__)
            return _problem(400, "the activity could not be handled")
        if invoke is None:
            return web.Response(status=201)
        if invoke.status >= 500:  # an invoke the bot does not handle (botbuilder says 501)
            return refused(WHAT, "an invoke policybot does not handle")
        return web.json_response(serializer_helper(invoke.body), status=invoke.status)

    # Sender

    async def reaches(self, person: Person) -> bool:
        """Anyone with a Teams id in the directory."""
        return person.teams_id is not None

    async def already_delivered(
        self, person: Person, key: str, since: datetime, address: Address | None = None
    ) -> bool:
        """Teams can't list a chat's messages to the bot, so it can never tell: False."""
        return False

    async def send(
        self, person: Person, reply: Reply, key: str, address: Address | None = None
    ) -> None:
        """Post the reply in the person's chat with the bot, opening the chat if need be, or
        in the conversation of its address (a reply in a channel thread or group chat)."""
        reference = await self.references.chat(person.id) if address is None else None
        reply = opened_choices(reply, self._seal)  # as the inbox's answers wait in the outbox
        try:
            if address is not None:
                await self.post(address["reference"], [reply])
            elif reference is None:
                await self._open_chat(person, self._poster([reply]))
            else:
                await self.post(reference, [reply])
        except DeliveryError:
            raise
        except Exception as exc:  # any connector or network failure leaves the row pending
            raise DeliveryError(connector_error(exc)) from exc

    # Chats: the inbox's answers, outside any request

    async def post(self, reference: dict[str, Any], replies: Sequence[Reply]) -> None:
        """Post the replies in the referenced conversation: as new messages in a personal chat,
        elsewhere as replies to the activity the reference names (the mention they answer)."""
        conversation = ConversationReference().deserialize(reference)
        kind = conversation.conversation.conversation_type if conversation.conversation else None
        reply_to = None if kind == "personal" else conversation.activity_id
        poster = self._poster(replies, reply_to)
        await self.cloud.continue_conversation(conversation, poster, self.app_id)

    async def replace(self, reference: dict[str, Any], card_id: str, card: dict[str, Any]) -> None:
        """Replace a card the bot sent in the referenced conversation."""

        async def update(turn_context: TurnContext) -> None:
            await turn_context.update_activity(_replacing(card_id, card))

        conversation = ConversationReference().deserialize(reference)
        await self.cloud.continue_conversation(conversation, update, self.app_id)

    def _poster(self, replies: Sequence[Reply], reply_to: str | None = None) -> Turn:
        async def post(turn_context: TurnContext) -> None:
            # A new message (or a reply to `reply_to`), not a reply to the continuation.
            turn_context.activity.id = reply_to
            await send_replies(turn_context, replies, self.references)

        return post

    async def _open_chat(self, person: Person, post: Turn) -> None:
        """Create the personal chat through the tenant's service, then remember and use it."""
        service = await self.references.service()
        if service is None or not person.teams_id:
            raise DeliveryError(
                f"no Teams chat with {person.id} yet: they need to install policybot in Teams "
                "or message it once"
            )
        known = ConversationReference().deserialize(service)
        tenant = known.conversation.tenant_id if known.conversation else None
        parameters = ConversationParameters(
            is_group=False,
            bot=known.bot,
            members=[ChannelAccount(id=person.teams_id, aad_object_id=person.teams_id)],
            tenant_id=tenant,
            channel_data={"tenant": {"id": tenant}},
        )

        async def remember_then_post(turn_context: TurnContext) -> None:
            reference = TurnContext.get_conversation_reference(turn_context.activity)
            reference.user = ChannelAccount(id=person.teams_id, aad_object_id=person.teams_id)
            await self.references.save_chat(person.id, reference.serialize())
            await post(turn_context)

        await self.cloud.create_conversation(
            self.app_id, remember_then_post, parameters, known.channel_id, known.service_url
        )


def _problem(status: int, detail: str) -> web.Response:
    return web.json_response({"error": detail}, status=status)
