"""The `serve` process: one aiohttp application hosting each configured platform and /healthz.

Platform adapters plug in through the small WebAdapter protocol; this module knows none of
them by name except in `configured_adapters`, which reads the settings.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import Sequence
from typing import Protocol

from aiohttp import web
from sqlalchemy import text

from adapters.comments_api import CommentsApi
from adapters.slack import SlackAdapter
from bot.app import App
from bot.delivery import deliver_due
from bot.errors import UserError
from bot.ports import Sender

log = logging.getLogger(__name__)

CORE_KEY = web.AppKey("core", App)
DELIVERY_INTERVAL = 5.0
"""Seconds between passes over the outbox."""
MAX_BODY = 1024 * 1024


class WebAdapter(Protocol):
    """A chat platform served over HTTP (or a socket it opens itself)."""

    name: str

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


class NoPlatformConfigured(UserError):
    """serve was started without any platform's credentials."""


def configured_adapters(core: App) -> list[WebAdapter]:
    """The adapters whose credentials are in the settings."""
    settings = core.settings
    adapters: list[WebAdapter] = []
    if settings.slack_bot_token:
        adapters.append(SlackAdapter.from_settings(core))
    if settings.teams_enabled:
        from adapters.teams import TeamsAdapter

        if settings.teams_dev_no_auth:
            warning = (
                "TEAMS_DEV_NO_AUTH=1: Teams requests are NOT authenticated; anyone who can reach "
                "/api/messages can act as any staff member. Serving on 127.0.0.1 only."
            )
            log.warning(warning)
            print(f"policybot: WARNING: {warning}", file=sys.stderr, flush=True)
        adapters.append(TeamsAdapter(core.bot, core.directory, core.store, settings))
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


async def _healthz(request: web.Request) -> web.Response:
    core = request.app[CORE_KEY]
    try:
        async with core.store.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:
        log.warning("health check: database unavailable: %s", type(exc).__name__)
        return web.json_response({"status": "unavailable", "database": "down"}, status=503)
    return web.json_response({"status": "ok", "database": "ok"})


async def deliver_forever(core: App, senders: Sequence[Sender], interval: float) -> None:
    """Deliver due outbox messages every `interval` seconds until cancelled."""
    while True:
        try:
            await deliver_due(core.store, core.directory, senders, core.clock())
        except Exception:  # a briefly unavailable database must not stop delivery for good
            log.exception("outbox delivery pass failed; retrying in %.0f s", interval)
        await asyncio.sleep(interval)


def make_web_app(
    core: App, adapters: Sequence[WebAdapter], delivery_interval: float = DELIVERY_INTERVAL
) -> web.Application:
    """The aiohttp application: /healthz, every adapter's routes, and outbox delivery."""
    app = web.Application(client_max_size=MAX_BODY)
    app[CORE_KEY] = core
    app.router.add_get("/healthz", _healthz)
    for adapter in adapters:
        adapter.add_routes(app)
    senders = [a.sender for a in adapters if a.sender is not None]

    async def lifecycle(_app: web.Application):  # type: ignore[no-untyped-def]
        for adapter in adapters:
            await adapter.start()
        task = asyncio.create_task(deliver_forever(core, senders, delivery_interval))
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        for adapter in reversed(adapters):
            await adapter.stop()

    app.cleanup_ctx.append(lifecycle)
    return app


async def serve(core: App, host: str, port: int) -> None:
    """Run the web application until cancelled (Ctrl-C or SIGTERM)."""
    adapters = configured_adapters(core)
    if core.settings.teams_dev_no_auth:
        host = "127.0.0.1"  # unauthenticated requests must not come from the network
    runner = web.AppRunner(make_web_app(core, adapters))
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        names = ", ".join(a.name for a in adapters)
        print(f"policybot serving {names} on http://{host}:{port} (health: /healthz)", flush=True)
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
