"""Chat for comments: "log a comment on @HistoryDept ..." and the Responded button on alerts."""

from __future__ import annotations

import re
from typing import Any

from bot.core.messages import Reply
from bot.features.comments.service import Comments
from bot.features.comments.wording import RESPONDED, responded_choice
from bot.model.calendar import when
from bot.model.directory import Person

_LOG = re.compile(
    r"\s*log\s+(?:an?\s+)?(?:comment|query|complaint)\s+on\s+(@?[\w.\-]+)\s*[:,\-–]?\s*(.*)",
    re.IGNORECASE | re.DOTALL,
)


class CommentsFeature:
    """Chat: "log a comment on @HistoryDept ..." and the Responded button on alerts."""

    def __init__(self, comments: Comments) -> None:
        self.comments = comments

    async def on_choice(self, sender: str, value: str, state: dict[str, Any]) -> list[Reply] | None:
        """Close the comment whose Responded button was clicked."""
        if not value.startswith(RESPONDED):
            return None
        number = value.removeprefix(RESPONDED)
        found = await self.comments.get(int(number)) if number.isdecimal() else None
        account = await self.comments.register.get(found.account_id) if found else None
        if found is None or account is None:
            return [Reply("I can't find that comment any more.")]
        if not self.comments.may_respond(sender, account):
            return [
                Reply(
                    f"Only the people who run {account.handle} or the academy's leadership team "
                    "can mark its comments as responded."
                )
            ]
        closed, now_closed = await self.comments.respond(found.id, sender)
        calendar = self.comments.calendars[closed.academy]
        if not now_closed:
            who = self.comments.directory.person(closed.responded_by or "")
            at = when(closed.responded_at, calendar) if closed.responded_at else "earlier"
            return [
                Reply(
                    f"Comment #{closed.id} was already marked responded by "
                    f"{who.name if who else closed.responded_by} ({at})."
                )
            ]
        assert closed.responded_at is not None
        return [
            Reply(
                f"Thanks: comment #{closed.id} on {account.handle} is marked responded "
                f"({when(closed.responded_at, calendar)}). No more alerts for it."
            )
        ]

    async def on_text(self, sender: str, text: str, state: dict[str, Any]) -> list[Reply] | None:
        """Record a comment typed as "log a comment on @Handle: what it says"."""
        found = _LOG.fullmatch(text)
        if found is None:
            return None
        handle, summary = found.group(1), found.group(2).strip()
        account = await self.comments.register.find(handle)
        person = self.comments.directory.person(sender)
        if account is None:
            return [Reply(await self._unknown(handle, person))]
        if person is None or person.academy not in (None, account.academy):
            return [
                Reply(
                    f"{account.handle} belongs to another academy; its own staff log its comments."
                )
            ]
        if not summary:
            return [
                Reply(
                    f"What is the comment about? Say it in one line, for example: log a comment "
                    f"on {account.handle}: parent asking when the trip letter goes out"
                )
            ]
        recorded = await self.comments.add(account, summary, source="chat", logged_by=sender)
        calendar = self.comments.calendars[account.academy]
        text = (
            f"Logged comment #{recorded.id} on {account.handle}. The policy asks for a reply "
            f"by {when(recorded.deadline, calendar)}. I'll remind "
            f"{self.comments.names(account.runners)} at {when(recorded.due_soon_at, calendar)} "
            "if it is still open."
        )
        return [Reply(text, choices=(responded_choice(recorded.id),))]

    async def _unknown(self, handle: str, person: Person | None) -> str:
        academy = person.academy if person else None
        known = [a.handle for a in await self.comments.register.all(academy)]
        listed = f" Registered accounts: {', '.join(known)}." if known else ""
        return f"I can't find {handle} in the register of academy accounts.{listed}"
