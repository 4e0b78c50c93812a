"""The Slack adapter: DMs, mentions, /policy and button clicks in; Block Kit replies out.

Direct messages, and clicks on the buttons in them, are kept in the inbox before Slack is
acknowledged and answered from there (inbox.py), in order, exactly once through crashes;
over HTTP they never reach Bolt. Mentions, /policy and the clicks on their replies go through
Bolt and are answered in tasks held in memory.

Built on slack-bolt's AsyncApp, served on our own aiohttp route (`POST /slack/events`, with
Slack's request signatures checked by Bolt) or over Socket Mode when an app-level token is
configured. People are looked up in the trust directory by Slack id, or by the email Slack
holds for them (people.py); the core is only ever called with a directory person id.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError, SlackClientError

from adapters.replies import Handle, Say, not_in_directory, or_sorry
from adapters.sealing import Seal
from adapters.slack.blocks import CHOICE_ACTION, clicked, escape, message, plain_text
from adapters.slack.client import describe, error_code, web_client
from adapters.slack.home import ACCOUNT, HomeCases, HomeTab
from adapters.slack.inbound import problem, signed
from adapters.slack.inbox import (
    SlackRespondent,
    click_key,
    is_direct_click,
    is_direct_message,
    kept_click,
    kept_event,
    kept_message,
)
from adapters.slack.people import SlackPeople
from adapters.slack.sender import SlackSender
from adapters.slack.settings import SlackSettings
from bot.core.messages import Message, Reply
from bot.errors import UserError, failure
from bot.jobs.answering import Event, InboxParts, newest_directory
from bot.model.directory import Directory
from bot.model.ports import EventLog, ReferenceStore

log = logging.getLogger(__name__)

ROUTE = "/slack/events"
_BAD_TOKEN = {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}


class SlackAdapter:
    """Slack for `serve`: events, the /policy command and button clicks, plus the Sender."""

    name = "slack"
    refreshes_itself = frozenset({ROUTE})
    """Direct messages and their clicks take up the newest directory when answered; the rest
    before Bolt."""

    def __init__(
        self,
        handle: Handle,
        directory: Directory,
        *,
        events: EventLog,
        references: ReferenceStore,
        settings: SlackSettings,
        inbox: InboxParts,
        cases: HomeCases | None = None,
        answers_here: bool = True,
    ) -> None:
        self._refresh = inbox.refresh
        self._answers_here = answers_here
        _keep_message_text_out_of_logs()
        self.handle = handle
        self.directory = directory
        self.events = events
        self.client = web_client(settings.bot_token, settings.api_url)
        self.people = SlackPeople(directory, self.client, references)
        self.home = HomeTab(self.client, self.people, directory, cases)
        self._seal = Seal(settings.bot_token)
        self._sender = SlackSender(
            self.client, self.people, settings.history_lookback, seal=self._seal
        )
        respondent = SlackRespondent(inbox.handle, self.people, directory, self.client, self._seal)
        self.answering = inbox.answering(respondent, self._sender)
        self.intake = inbox.intake(self.answering)
        self._poll = inbox.poll
        self._answering: asyncio.Task[None] | None = None
        self._bot_user_id: str | None = None
        self._app_token = settings.app_token
        self._signing_secret = None if settings.socket_mode else settings.signing_secret
        self._socket: AsyncSocketModeHandler | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        # Listeners run before the response is sent (Bolt otherwise spawns tasks of its own);
        # they ack at once and hand the work to tasks this adapter owns, so stop() and tests
        # can wait for answers in flight.
        self.bolt = AsyncApp(
            client=self.client,
            signing_secret=settings.signing_secret or "",
            request_verification_enabled=not settings.socket_mode,
            process_before_response=True,
        )
        self._listen()

    @property
    def sender(self) -> SlackSender:
        """Proactive DMs for the outbox."""
        return self._sender

    @property
    def socket_mode(self) -> bool:
        """True when Slack is reached over Socket Mode rather than HTTP."""
        return self._app_token is not None

    def add_routes(self, app: web.Application) -> None:
        """POST /slack/events for events, slash commands and interactivity (HTTP mode only)."""
        if not self.socket_mode:
            app.router.add_post(ROUTE, self._http)

    async def start(self) -> None:
        """Check the bot token, start answering the inbox (unless `policybot answer` processes
        do), and open the Socket Mode connection when configured."""
        self._open_session()
        if self._answers_here:
            self._answering = asyncio.create_task(self.answering.run(self._poll))
        await self._check_token()
        if self._app_token is not None:
            self._socket = AsyncSocketModeHandler(self.bolt, self._app_token)
            try:
                await self._socket.connect_async()  # type: ignore[no-untyped-call]
            except SlackApiError as exc:
                raise UserError(f"Slack refused SLACK_APP_TOKEN: {error_code(exc)}") from exc
            log.info("slack: connected over Socket Mode")

    async def answer_forever(self) -> None:
        """Answer the inbox until cancelled, serving nothing: a `policybot answer` process."""
        self._open_session()
        await self._check_token()
        try:
            await self.answering.run(self._poll)
        finally:
            await self._close_session()

    def _open_session(self) -> None:
        # One HTTP session for every Web API call (the client otherwise opens one per call).
        self.client.session = aiohttp.ClientSession()

    async def _close_session(self) -> None:
        if self.client.session is not None:
            await self.client.session.close()
            self.client.session = None

    async def _check_token(self) -> None:
        try:
            self._bot_user_id = (await self.client.auth_test()).get("user_id")
        except SlackApiError as exc:
            if error_code(exc) in _BAD_TOKEN:
                raise UserError(f"Slack refused SLACK_BOT_TOKEN: {error_code(exc)}") from exc
            log.warning("slack: auth.test failed at start: %s", describe(exc))
        except (SlackClientError, aiohttp.ClientError, TimeoutError) as exc:
            log.warning("slack: Web API unreachable at start: %s", describe(exc))

    async def stop(self) -> None:
        """Close Socket Mode and finish the answers already being worked on."""
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None
        await self.intake.settle()
        if self._answering is not None:
            self._answering.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._answering
        await self.settle()
        await self._close_session()

    async def settle(self) -> None:
        """Wait until every answer being worked on now has been posted, and (when this process
        answers) the inbox is empty of what is due."""
        await self.intake.settle()
        if self._answers_here:
            await self.answering.answer_due()
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _http(self, request: web.Request) -> web.Response:
        try:
            body = (await request.read()).decode("utf-8")
        except UnicodeDecodeError:
            body = None
        secret = self._signing_secret
        if secret and (body is None or not signed(body, request.headers, secret)):
            log.warning("slack: request without a valid signature; refused")
            return web.Response(status=401, text="invalid signature")
        why = "not UTF-8" if body is None else problem(body, request.content_type)
        if why is not None or body is None:
            log.warning("slack: signed request is %s; refused", why)
            return web.Response(status=400, text="not a Slack payload")
        if (
            event := kept_event(body, request.content_type, self._bot_user_id, self._seal)
        ) is not None:
            return await self._keep(event)
        await newest_directory(self._refresh)
        try:
            bolt_request = await to_bolt_request(request)
        except (ValueError, TypeError, AttributeError, KeyError):  # a shape Bolt can't read
            log.warning("slack: request body is not a Slack payload; refused")
            return web.Response(status=400, text="not a Slack payload")
        return await to_aiohttp_response(await self.bolt.async_dispatch(bolt_request))

    async def _keep(self, event: Event) -> web.Response:
        """Acknowledge a direct message or DM click once it is in the inbox; a 500 makes Slack
        retry a message. Slack does not retry a click: the person sees it failed (Slack marks
        the button with a warning) and the message keeps its buttons, to click again."""
        try:
            await self.intake.keep(event)
        except Exception as exc:
            log.error("slack: event not kept, so not acknowledged: %s", failure(exc))
            return web.Response(status=500, text="not kept; please retry")
        return web.Response(status=200)

    def _listen(self) -> None:
        self.bolt.use(self._once)
        self.bolt.event("message")(self._on_message)
        self.bolt.event("app_mention")(self._on_mention)
        self.bolt.event("app_home_opened")(self._on_home_opened)
        self.bolt.command("/policy")(self._on_command)
        self.bolt.action(CHOICE_ACTION)(self._on_click)

    async def _once(
        self, body: dict[str, Any], next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        """Acknowledge, and otherwise ignore, anything Slack delivers a second time.

        What goes to the inbox (Socket Mode's DMs and DM clicks) is not counted here: the
        inbox itself keeps a delivery once, and one counted here but then not kept (the
        database down) would be dropped as seen when Slack delivers it again."""
        key = _delivery_key(body)
        if is_direct_message(body) or is_direct_click(body):
            key = None
        if key is not None and not await self.events.first_time(key):
            log.info("slack: %s seen before; not acting on it again", key)
            return BoltResponse(status=200, body="")
        await next()
        return None

    async def _on_message(self, body: dict[str, Any], context: dict[str, Any]) -> None:
        """A direct message over Socket Mode (over HTTP they never reach Bolt): to the inbox."""
        if (event := kept_message(body, context.get("bot_user_id"), self._seal)) is not None:
            await self.intake.keep(event)

    async def _on_mention(self, event: dict[str, Any], context: dict[str, Any]) -> None:
        channel = event["channel"]
        if channel.startswith("D") or event.get("bot_id") or "user" not in event:
            return  # a mention inside a DM also arrives as a message event
        text = plain_text(event.get("text", ""), context.get("bot_user_id"))
        post = self._poster(channel, event.get("thread_ts") or event["ts"])
        self._spawn(self._converse(event["user"], post, "mention", text=text))

    async def _on_command(
        self, ack: Callable[[], Awaitable[None]], command: dict[str, Any], respond: Any
    ) -> None:
        await ack()
        text = plain_text(command.get("text", "")) or "help"
        self._spawn(self._converse(command["user_id"], _responder(respond), "command", text=text))

    async def _on_click(
        self,
        ack: Callable[[], Awaitable[None]],
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Any,
    ) -> None:
        if (event := kept_click(body, self._seal)) is not None:  # in a DM, over Socket Mode
            await self.intake.keep(event)  # not kept: no ack, and Slack shows the click failed
            await ack()
            return
        await ack()
        self._spawn(self._click(body, action, respond))

    async def _on_home_opened(self, event: dict[str, Any]) -> None:
        if event.get("tab") == "home":
            self._spawn(self.home.publish(event["user"]))

    async def _click(self, body: dict[str, Any], action: dict[str, Any], respond: Any) -> None:
        """A click anywhere but a DM (those are answered from the inbox, inbox.py)."""
        label, value = action["text"]["text"], action["value"]
        container = body.get("container", {})
        original = body.get("message") or {}
        shown = clicked(original.get("blocks", []), label)
        fallback = original.get("text") or escape(label)
        update: Awaitable[object]
        if container.get("is_ephemeral"):  # only its response_url can change it
            update = respond(replace_original=True, text=fallback, blocks=shown)
            say = _responder(respond)
        else:
            channel = container["channel_id"]
            update = self.client.chat_update(
                channel=channel, ts=container["message_ts"], text=fallback, blocks=shown
            )
            say = self._poster(channel, original.get("thread_ts"))
        try:
            await update
        except (SlackClientError, aiohttp.ClientError, TimeoutError) as exc:
            log.warning("slack: clicked message not updated: %s", describe(exc))  # click stands
        await self._converse(body["user"]["id"], say, "click", value=value)

    def _poster(self, channel: str, thread_ts: str | None) -> Say:
        async def say(replies: Sequence[Reply]) -> None:
            for reply in replies:
                await self.client.chat_postMessage(
                    channel=channel, thread_ts=thread_ts, **message(reply)
                )

        return say

    async def _converse(
        self, user_id: str, say: Say, what: str, text: str = "", value: str | None = None
    ) -> None:
        """Ask the core as the directory person behind the Slack user, then show its replies."""

        async def answer() -> None:
            person = await self.people.person(user_id)
            if person is None:
                log.info("slack: %s from %s, who is not in the trust directory", what, user_id)
                await say([not_in_directory(self.directory, ACCOUNT)])
                return
            replies = await self.handle(Message(person.id, text, value))
            log.info("slack: %s from %s answered (%d replies)", what, person.id, len(replies))
            await say(replies)

        await or_sorry(answer(), say, f"slack: {what} from {user_id}", describe)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.error("slack: could not post to Slack: %s", describe(exc))


def _responder(respond: Any) -> Say:
    """Shows replies only the person sees, through a command's or click's response_url."""

    async def say(replies: Sequence[Reply]) -> None:
        for reply in replies:
            await respond(response_type="ephemeral", replace_original=False, **message(reply))

    return say


def _keep_message_text_out_of_logs() -> None:
    """slack_sdk and Bolt log whole requests, message text included, at DEBUG: never let them."""
    for name in ("slack_sdk", "slack_bolt"):
        library = logging.getLogger(name)
        library.setLevel(max(logging.INFO, library.getEffectiveLevel()))


def _delivery_key(body: dict[str, Any]) -> str | None:
    """What makes a delivery the same one again: Slack's retries reuse it."""
    if body.get("type") == "event_callback" and body.get("event_id"):
        return f"slack:event:{body['event_id']}"
    if body.get("command") and body.get("trigger_id"):
        return f"slack:command:{body['trigger_id']}"
    container = body.get("container") or {}
    if body.get("type") == "block_actions" and container.get("message_ts"):
        return click_key(str(container.get("channel_id")), container["message_ts"])
    return None
