"""A platform's inbox inside an adapter: kept, then acknowledged; answered here or elsewhere.

An adapter hands each event that goes through the inbox to `acknowledge`, which answers the
platform's request only once the event is kept (a 500 when it can't be, so the platform
delivers it again). The events are answered in this process while it serves, unless
`policybot answer` processes do (ANSWER_ELSEWHERE=1), or by `answer_forever` in one of those.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiohttp import web

from bot.errors import failure
from bot.jobs.answering import Event, InboxParts, Respondent
from bot.model.ports import Sender

log = logging.getLogger(__name__)


class PlatformInbox:
    """One platform's intake and answering, with the lifecycle `serve` gives them."""

    def __init__(
        self, parts: InboxParts, respondent: Respondent, sender: Sender, *, answers_here: bool
    ) -> None:
        self.name = respondent.name
        self.answering = parts.answering(respondent, sender)
        self.intake = parts.intake(self.answering, announce=not answers_here)
        self._inbox = parts.inbox
        self.answers_here = answers_here
        self._poll = parts.poll
        self._task: asyncio.Task[None] | None = None

    async def acknowledge(self, event: Event, status: int = 200) -> web.Response:
        """The answer to the platform's request: `status` once the event is kept, else 500."""
        try:
            await self.intake.keep(event)
        except Exception as exc:
            log.error("%s: event not kept, so not acknowledged: %s", self.name, failure(exc))
            return web.json_response({"error": "not kept; please retry"}, status=500)
        return web.Response(status=status)

    def start(self) -> None:
        """Answer the inbox beside serving, unless other processes do."""
        if self.answers_here and self._task is None:
            self._task = asyncio.create_task(self.answering.run(self._poll))

    async def answer_forever(self) -> None:
        """Answer the inbox until cancelled: a `policybot answer` process, woken when `serve`
        announces kept events (PostgreSQL), and looking every `poll` seconds besides."""
        listening = asyncio.create_task(self._inbox.arrivals(self.answering.nudge))
        try:
            await self.answering.run(self._poll)
        finally:
            listening.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listening

    async def settle(self) -> None:
        """Wait until every event handed in is kept and (when this process answers) the inbox
        is empty of what is due."""
        await self.intake.settle()
        if self.answers_here:
            await self.answering.answer_due()

    async def stop(self) -> None:
        """Keep what is arriving, stop answering in the background, answer what is due."""
        await self.intake.settle()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.settle()
