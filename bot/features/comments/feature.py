"""Chat for comments: "log a comment on @HistoryDept ...", "my comments", and Responded,
as a button on alerts or typed ("responded to comment #3")."""

from __future__ import annotations

import re
from typing import Any

from bot.core.messages import Choice, Reply
from bot.features.comments.service import Comments
from bot.features.comments.typed import asks_for_mine, responded_bare, responded_number
from bot.features.comments.wording import (
    KEEP_OPEN,
    MINE,
    RESPONDED,
    how_to_respond,
    responded_choice,
)
from bot.model.calendar import when
from bot.model.directory import Person
from bot.model.records import Account, Comment

_LOG = re.compile(
    r"\s*log\s+(?:an?\s+)?(?:comment|query|complaint)\s+on\s+(@?[\w.\-]+)\s*[:,\-–]?\s*(.*)",
    re.IGNORECASE | re.DOTALL,
)
NOTHING_WAITING = (
    "No comment is waiting for a reply from you: none is open on the accounts you run. "
    "'log a comment on @handle: …' records a new one."
)


class CommentsFeature:
    """Chat: log a comment, list those waiting for you, and mark one responded."""

    def __init__(self, comments: Comments) -> None:
        self.comments = comments

    async def on_choice(self, sender: str, value: str, state: dict[str, Any]) -> list[Reply] | None:
        """Responded (close the comment), No (keep it open), or My comments."""
        if value == MINE:
            return await self._mine(sender)
        if value.startswith(KEEP_OPEN):
            number = value.removeprefix(KEEP_OPEN)
            return [Reply(f"OK, comment #{number} stays open. I'll keep reminding its runners.")]
        if not value.startswith(RESPONDED):
            return None
        number = value.removeprefix(RESPONDED)
        if not number.isdecimal():
            return [Reply("I can't find that comment any more.")]
        return await self._respond(sender, int(number))

    async def on_text(self, sender: str, text: str, state: dict[str, Any]) -> list[Reply] | None:
        """Log a comment, "my comments", or a typed "responded to comment #3"."""
        number = responded_number(text)
        if number is not None:
            return await self._respond(sender, number)
        if asks_for_mine(text):
            return await self._mine(sender)
        if responded_bare(text):
            return await self._which(sender)
        return await self._log(sender, text)

    async def _respond(self, sender: str, number: int) -> list[Reply]:
        """Close the comment as answered by the sender, if they may."""
        found = await self.comments.get(number)
        account = await self.comments.register.get(found.account_id) if found else None
        if found is None or account is None:
            return [Reply(f"I can't find comment #{number}. 'my comments' lists yours.")]
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

    async def _mine(self, sender: str) -> list[Reply]:
        """Every comment waiting for the sender, each with its Responded button."""
        waiting = await self.comments.waiting_for(sender)
        if not waiting:
            return [Reply(NOTHING_WAITING)]
        intro = f"{len(waiting)} comment(s) waiting for a reply, oldest first:"
        return [Reply(intro), *(self._waiting(c, account) for c, account in waiting)]

    def _waiting(self, c: Comment, account: Account) -> Reply:
        calendar = self.comments.calendars[c.academy]
        due = when(c.deadline, calendar)
        late = f"Overdue since {due}" if c.deadline <= self.comments.now() else f"Reply by {due}"
        text = (
            f"#{c.id} on {account.handle}, received {when(c.received_at, calendar)}: "
            f'"{c.summary}"\n{late}. {how_to_respond(c.id)}'
        )
        return Reply(text, choices=(responded_choice(c.id),))

    async def _which(self, sender: str) -> list[Reply]:
        """A "responded" with no number: ask about the one comment waiting, or list them."""
        waiting = await self.comments.waiting_for(sender)
        if len(waiting) != 1:
            return await self._mine(sender)
        c, account = waiting[0]
        return [
            Reply(
                f'Mark comment #{c.id} on {account.handle} ("{c.summary}") as responded? '
                "Say yes or no.",
                choices=(Choice("Yes", f"{RESPONDED}{c.id}"), Choice("No", f"{KEEP_OPEN}{c.id}")),
            )
        ]

    async def _log(self, sender: str, text: str) -> list[Reply] | None:
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
            f"if it is still open. {how_to_respond(recorded.id)}"
        )
        return [Reply(text, choices=(responded_choice(recorded.id),))]

    async def _unknown(self, handle: str, person: Person | None) -> str:
        academy = person.academy if person else None
        known = [a.handle for a in await self.comments.register.all(academy)]
        listed = f" Registered accounts: {', '.join(known)}." if known else ""
        return f"I can't find {handle} in the register of academy accounts.{listed}"
