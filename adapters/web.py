"""The `serve` process: one aiohttp application hosting each configured platform and /healthz.

Platform adapters plug in through the small WebAdapter protocol; `web_app` knows none of them
by name. The composition at the end of this module (`configured_adapters`, `make_web_app`,
`serve`) is the one place that builds adapters from the App and its settings.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol, runtime_checkable

from aiohttp import web

from adapters.answer_processes import AnswerProcesses, parent_gone
from adapters.comments_api import CommentsApi
from adapters.slack.adapter import SlackAdapter
from adapters.slack.settings import SlackSettings
from adapters.teams.settings import TeamsSettings
from bot.app import App
from bot.collector import startup_objects_settled
from bot.errors import UserError, failure
from bot.features.cases.queries import CaseQueries
from bot.jobs.answering import InboxParts
from bot.jobs.delivery import deliver_due
from bot.model.ports import Database, Sender

log = logging.getLogger(__name__)

AT_ONCE = 64
"""Events one process claims and answers at once: the batch is finished in one transaction, its
states loaded and saved in one statement each, so a bigger batch costs less per event (on SQLite
too, one writer at a time)."""
WRITERS = 4
"""Transactions keeping arriving events in flight at once on PostgreSQL (SQLite: one)."""
DELIVERY_INTERVAL = 5.0
"""Seconds between passes over the outbox."""
MAX_BODY = 1024 * 1024


class WebAdapter(Protocol):
    """A chat platform served over HTTP (or a socket it opens itself)."""

    name: str
    refreshes_itself: frozenset[str]
    """Paths on which the adapter takes up the newest directory itself, when it needs it."""

    @property
    def sender(self) -> Sender | None:
        """How the platform messages people unprompted, if it can."""
        ...

    def add_routes(self, app: web.Application) -> None:
        """Register the platform's endpoints."""
        ...

    async def start(self) -> None:
        """Begin work that runs beside the HTTP server (e.g. a Socket Mode connection)."""
        ...

    async def stop(self) -> None:
        """Release what start() took."""
        ...


class Health(Protocol):
    """Whether what policybot depends on (the database) answers; /healthz reports it."""

    async def __call__(self) -> bool:
        """True when the database answers."""
        ...


class Delivery(Protocol):
    """One pass over the outbox, sending what is due through these platforms."""

    async def __call__(self, senders: Sequence[Sender], /) -> object:
        """Deliver what is due now."""
        ...


Refresh = Callable[[], Awaitable[None]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class NoPlatformConfigured(UserError):
    """serve was started without any platform's credentials."""


def web_app(
    adapters: Sequence[WebAdapter],
    *,
    health: Health,
    deliver: Delivery,
    delivery_interval: float = DELIVERY_INTERVAL,
    refresh: Refresh | None = None,
) -> web.Application:
    """The aiohttp application: /healthz, every adapter's routes, and outbox delivery.

    `refresh` runs before each request to a platform (the newest directory, say), except on
    the paths an adapter refreshes itself where it needs to (not on every acknowledgement)."""
    own = frozenset(path for adapter in adapters for path in adapter.refreshes_itself)

    @web.middleware
    async def refreshing(request: web.Request, handler: Handler) -> web.StreamResponse:
        if refresh is not None and request.path != "/healthz" and request.path not in own:
            try:
                await refresh()
            except Exception:  # the directory already held still works
                log.exception("could not look for a newer directory; using the one held")
        return await handler(request)

    app = web.Application(client_max_size=MAX_BODY, middlewares=[refreshing])

    async def healthz(_request: web.Request) -> web.Response:
        if not await health():
            return web.json_response({"status": "unavailable", "database": "down"}, status=503)
        return web.json_response({"status": "ok", "database": "ok"})

    app.router.add_get("/healthz", healthz)
    for adapter in adapters:
        adapter.add_routes(app)
    senders = [a.sender for a in adapters if a.sender is not None]

    async def lifecycle(_app: web.Application):  # type: ignore[no-untyped-def]
        for adapter in adapters:
            await adapter.start()
        # An infinite interval means no delivery in the background (tests deliver by hand).
        task = None
        if math.isfinite(delivery_interval):
            task = asyncio.create_task(deliver_forever(deliver, senders, delivery_interval))
        yield
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for adapter in reversed(adapters):
            await adapter.stop()

    app.cleanup_ctx.append(lifecycle)
    return app


async def deliver_forever(deliver: Delivery, senders: Sequence[Sender], interval: float) -> None:
    """Deliver due outbox messages every `interval` seconds until cancelled."""
    while True:
        try:
            await deliver(senders)
        except Exception as exc:  # a briefly unavailable database must not stop delivery for good
            log.error(
                "outbox delivery pass failed (%s); retrying in %.0f s", failure(exc), interval
            )
        await asyncio.sleep(interval)


def pinging(database: Database) -> Health:
    """Health as the database's ping: False, with the reason logged, when it does not answer."""

    async def healthy() -> bool:
        try:
            await database.ping()
        except Exception as exc:
            log.warning("health check: database unavailable: %s", type(exc).__name__)
            return False
        return True

    return healthy


# The composition: adapters and the web application built from the App.


def configured_adapters(core: App) -> list[WebAdapter]:
    """The adapters whose credentials are in the settings."""
    settings = core.settings
    slack = SlackSettings.from_env(settings.env)
    teams = TeamsSettings.from_env(settings.env)
    adapters: list[WebAdapter] = []
    answers_here = not (settings.answer_elsewhere or settings.answer_processes)
    if slack is not None:
        cases = CaseQueries(core.cases, core.directory)
        adapters.append(
            SlackAdapter(
                core.directory,
                events=core.events,
                references=core.references,
                settings=slack,
                inbox=inbox_parts(core),
                cases=cases,
                answers_here=answers_here,
            )
        )
    if teams is not None:
        from adapters.teams.adapter import TeamsAdapter  # botbuilder is slow to import

        if teams.dev_no_auth:
            _warn_unauthenticated()
        adapters.append(
            TeamsAdapter(
                core.handle,
                core.directory,
                references=core.references,
                events=core.events,
                settings=teams,
                inbox=inbox_parts(core),
                answers_here=answers_here,
            )
        )
    if not adapters:
        raise NoPlatformConfigured(
            "no chat platform is configured. Set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET "
            "(Slack) or MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD (Teams); see README "
            "'Connecting Slack' and 'Connecting Teams'. To try the bot without them, run "
            "`policybot chat`."
        )
    if settings.comments_api_token:
        adapters.append(CommentsApi(core.comments, settings.comments_api_token))
    return adapters


def inbox_parts(core: App) -> InboxParts:
    """What each platform needs to answer through the inbox, from the App and its settings."""
    settings = core.settings
    sqlite = settings.database_url.startswith("sqlite")
    return InboxParts(
        lambda message: core.bot.handle(message),
        core.inbox,
        core.outbox,
        core.clock,
        lease=settings.inbox_lease,
        hold=settings.outbox_lease,
        refresh=core.follow_directory,
        at_once=AT_ONCE,
        writers=1 if sqlite else WRITERS,
        passing=core.database.passing,
    )


def _warn_unauthenticated() -> None:
    warning = (
        "TEAMS_DEV_NO_AUTH=1: Teams requests are NOT authenticated; anyone who can reach "
        "/api/messages can act as any staff member. Serving on 127.0.0.1 only."
    )
    log.warning(warning)
    print(f"policybot: WARNING: {warning}", file=sys.stderr, flush=True)


def make_web_app(
    core: App, adapters: Sequence[WebAdapter], delivery_interval: float | None = None
) -> web.Application:
    """The web application on the App's database and outbox (intervals from its settings)."""
    lease = core.settings.outbox_lease
    if delivery_interval is None:
        delivery_interval = core.settings.delivery_interval

    async def deliver(senders: Sequence[Sender]) -> object:
        await core.follow_directory()
        now = core.clock()
        return await deliver_due(core.outbox, core.directory, senders, now, lease=lease)

    return web_app(
        adapters,
        health=pinging(core.database),
        deliver=deliver,
        delivery_interval=delivery_interval,
        refresh=core.follow_directory,
    )


@runtime_checkable
class AnswersInbox(Protocol):
    """An adapter whose events go through the inbox, answered by `policybot answer` too."""

    name: str

    async def answer_forever(self) -> None:
        """Answer the inbox until cancelled, serving nothing."""
        ...


async def answer(core: App) -> None:
    """Answer the inbox until cancelled, serving no HTTP: `policybot answer` (the Procfile's
    `answer` process, beside `serve` run with ANSWER_ELSEWHERE=1)."""
    answering = [a for a in configured_adapters(core) if isinstance(a, AnswersInbox)]
    if not answering:
        raise NoPlatformConfigured(
            "nothing to answer: only Slack and Teams messages go through the inbox (the comments "
            "API does not). Set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET, or MICROSOFT_APP_ID and "
            "MICROSOFT_APP_PASSWORD (see README 'Connecting Slack' and 'Connecting Teams')."
        )
    await asyncio.to_thread(lambda: core.bot)
    names = " and ".join(a.name.capitalize() for a in answering)
    print(f"policybot answering {names} from the inbox", flush=True)
    with startup_objects_settled():
        work: asyncio.Future[object] = asyncio.ensure_future(
            asyncio.gather(*(a.answer_forever() for a in answering))
        )
        gone: asyncio.Future[object] = asyncio.ensure_future(parent_gone())
        try:
            await asyncio.wait({work, gone}, return_when=asyncio.FIRST_COMPLETED)
            if work.done():
                work.result()  # its failure
            else:
                log.warning("the serve process that started this one has gone; stopping")
        finally:
            for task in (work, gone):
                task.cancel()
            await asyncio.gather(work, gone, return_exceptions=True)


async def serve(core: App, host: str, port: int) -> None:
    """Run the web application until cancelled (Ctrl-C or SIGTERM)."""
    adapters = configured_adapters(core)
    teams = TeamsSettings.from_env(core.settings.env)
    if teams is not None and teams.dev_no_auth:
        host = "127.0.0.1"  # unauthenticated requests must not come from the network
    # The matcher and the safeguarding model load before the first request, not during it
    # (where they would hold up every acknowledgement behind it).
    await asyncio.to_thread(lambda: core.bot)
    runner = web.AppRunner(make_web_app(core, adapters))
    await runner.setup()
    children = AnswerProcesses(core.settings.answer_processes, core.settings.env)
    try:
        with startup_objects_settled():
            await web.TCPSite(runner, host, port).start()
            names = ", ".join(a.name for a in adapters)
            where = f"http://{host}:{port} (health: /healthz)"
            print(f"policybot serving {names} on {where}", flush=True)
            if core.settings.answer_processes:
                children.start()
                count = core.settings.answer_processes
                print(f"policybot: {count} answer process(es) answer the inbox", flush=True)
            await asyncio.Event().wait()
    finally:
        await children.stop()
        await runner.cleanup()
