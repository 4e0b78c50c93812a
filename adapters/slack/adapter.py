"""The Slack adapter: DMs, mentions, /policy and button clicks in; Block Kit replies out.

Everything a person says or clicks to the bot (a direct message, a mention in a channel, the
/policy command, a click on one of its buttons) is kept in the inbox before Slack is
acknowledged and answered from there (inbox.py, respondent.py), in order, exactly once through
crashes; over HTTP none of it reaches Bolt. Bolt serves the rest: the App Home, and Slack's
URL verification and SSL checks.

Built on slack-bolt's AsyncApp, served on our own aiohttp route (`POST /slack/events`, with
Slack's request signatures checked first) or over Socket Mode when an app-level token is
configured. People are looked up in the trust directory by Slack id, or by the email Slack
holds for them (people.py); the core is only ever called with a directory person id.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError, SlackClientError

from adapters.inbox import PlatformInbox
from adapters.sealing import Seal
from adapters.slack.blocks import CHOICE_ACTION
from adapters.slack.client import describe, error_code, web_client
from adapters.slack.home import HomeCases, HomeTab
from adapters.slack.inbound import problem, signed
from adapters.slack.inbox import (
    COMMAND,
    goes_to_inbox,
    kept_click,
    kept_command,
    kept_event,
    kept_message,
)
from adapters.slack.people import SlackPeople
from adapters.slack.respondent import SlackRespondent
from adapters.slack.sender import SlackSender
from adapters.slack.settings import SlackSettings
from bot.errors import UserError
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
    """What goes through the inbox takes up the newest directory when answered; the rest
    before Bolt."""

    def __init__(
        self,
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
        self._clock = inbox.clock
        _keep_message_text_out_of_logs()
        self.directory = directory
        self.events = events
        self.client = web_client(settings.bot_token, settings.api_url)
        self.people = SlackPeople(directory, self.client, references)
        self.home = HomeTab(self.client, self.people, directory, cases)
        self._seal = Seal(settings.bot_token)
        self._sender = SlackSender(
            self.client, self.people, settings.history_lookback, self._seal, inbox.clock
        )
        respondent = SlackRespondent(inbox.handle, self.people, directory, self._sender, self._seal)
        self.inbox = PlatformInbox(inbox, respondent, self._sender, answers_here=answers_here)
        self._bot_user_id: str | None = None
        self._app_token = settings.app_token
        self._signing_secret = None if settings.socket_mode else settings.signing_secret
        self._socket: AsyncSocketModeHandler | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        # Listeners run before the response is sent (Bolt otherwise spawns tasks of its own):
        # in Socket Mode they keep what goes to the inbox before acknowledging it.
        self.bolt = AsyncApp(
            client=self.client,
            signing_secret=settings.signing_secret or "",
            request_verification_enabled=not settings.socket_mode,
            process_before_response=True,
        )
        self._listen()

    @property
    def sender(self) -> SlackSender:
        """Slack messages for the outbox."""
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
        self.inbox.start()
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
            await self.inbox.answer_forever()
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
        await self.inbox.stop()
        await self._settle_tasks()
        await self._close_session()

    async def settle(self) -> None:
        """Wait until everything kept so far is answered and posted (when this process
        answers), and the App Home views being published are."""
        await self.inbox.settle()
        await self._settle_tasks()

    async def _settle_tasks(self) -> None:
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
        event = kept_event(body, request.content_type, self._bot_user_id, self._seal, self._clock())
        if event is not None:
            # A 500 when it can't be kept: Slack retries an event. It does not retry a command
            # or a click: the person sees it failed, and the message keeps its buttons.
            return await self.inbox.acknowledge(event)
        await newest_directory(self._refresh)
        try:
            bolt_request = await to_bolt_request(request)
        except (ValueError, TypeError, AttributeError, KeyError):  # a shape Bolt can't read
            log.warning("slack: request body is not a Slack payload; refused")
            return web.Response(status=400, text="not a Slack payload")
        return await to_aiohttp_response(await self.bolt.async_dispatch(bolt_request))

    def _listen(self) -> None:
        self.bolt.use(self._once)
        self.bolt.event("message")(self._on_message)
        self.bolt.event("app_mention")(self._on_message)
        self.bolt.event("app_home_opened")(self._on_home_opened)
        self.bolt.command(COMMAND)(self._on_command)
        self.bolt.action(CHOICE_ACTION)(self._on_click)

    async def _once(
        self, body: dict[str, Any], next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        """Acknowledge, and otherwise ignore, an event Slack delivers a second time.

        What goes to the inbox (in Socket Mode) is not counted here: the inbox itself keeps a
        delivery once, and one counted here but then not kept (the database down) would be
        dropped as seen when Slack delivers it again."""
        key = None if goes_to_inbox(body) else _delivery_key(body)
        if key is not None and not await self.events.first_time(key):
            log.info("slack: %s seen before; not acting on it again", key)
            return BoltResponse(status=200, body="")
        await next()
        return None

    # Socket Mode: what goes to the inbox arrives through Bolt, and is kept before the ack.
    # (Over HTTP it never reaches Bolt; what does is not the inbox's: nothing to answer.)

    async def _keep(self, event: Event | None) -> None:
        if event is not None:
            await self.inbox.intake.keep(event)  # not kept: no ack, so Slack sees it failed

    async def _on_message(self, body: dict[str, Any], context: dict[str, Any]) -> None:
        """A direct message or a mention (a message event in a channel is no one's question)."""
        await self._keep(kept_message(body, context.get("bot_user_id"), self._seal))

    async def _on_command(self, ack: Callable[[], Awaitable[None]], body: dict[str, Any]) -> None:
        await self._keep(kept_command(body, self._seal, self._clock()))
        await ack()

    async def _on_click(self, ack: Callable[[], Awaitable[None]], body: dict[str, Any]) -> None:
        await self._keep(kept_click(body, self._seal, self._clock()))
        await ack()

    async def _on_home_opened(self, event: dict[str, Any]) -> None:
        if event.get("tab") == "home":
            self._spawn(self.home.publish(event["user"]))

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.error("slack: could not post to Slack: %s", describe(exc))


def _keep_message_text_out_of_logs() -> None:
    """slack_sdk and Bolt log whole requests, message text included, at DEBUG: never let them."""
    for name in ("slack_sdk", "slack_bolt"):
        library = logging.getLogger(name)
        library.setLevel(max(logging.INFO, library.getEffectiveLevel()))


def _delivery_key(body: dict[str, Any]) -> str | None:
    """What makes an event's delivery the same one again: Slack's retries reuse its id."""
    if body.get("type") == "event_callback" and body.get("event_id"):
        return f"slack:event:{body['event_id']}"
    return None
