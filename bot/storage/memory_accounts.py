"""Academy accounts' records in memory: business cases, the register, comments, confirmations.

The same semantics as the SQL stores, as in `bot.storage.memory`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.model.ports import AccountRegister, CaseStore, CommentStore, ConfirmationStore
from bot.model.records import Account, Case, Clock, Comment, NewComment, handle_key
from bot.storage.memory import as_json, utc


class MemoryCases:
    """The CaseStore port in memory."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._cases: dict[int, Case] = {}
        self._confirmations: dict[int, dict[str, datetime]] = {}

    async def create(self, requester: str, academy: str | None) -> Case:
        """A new draft."""
        now = utc(self._clock())
        number = len(self._cases) + 1
        self._cases[number] = Case(
            number, academy, requester, "draft", {}, None, None, None, now, now, {}
        )
        return self._case(number)

    async def get(self, number: int) -> Case | None:
        """The case with this number."""
        return self._case(number) if number in self._cases else None

    async def by_reference(self, reference: int) -> Case | None:
        """The submitted case whose id has this number (SMA-0007 → 7)."""
        return next((c for c in await self.all() if c.reference == reference), None)

    async def give_reference(self, number: int) -> int:
        """The case's reference, given now (the next free one) unless it already has one."""
        given = self._cases[number].reference
        if given is None:
            given = max((c.reference or 0 for c in self._cases.values()), default=0) + 1
            self._change(number, reference=given)
        return given

    async def save_answers(self, number: int, academy: str | None, answers: dict[str, Any]) -> None:
        """Replace a draft's answers."""
        self._change(number, academy=academy, answers=as_json(answers))

    async def move(self, number: int, from_statuses: set[str], to_status: str) -> bool:
        """Change status only from one of `from_statuses`; False when it was not in one."""
        case = self._cases.get(number)
        if case is None or case.status not in from_statuses:
            return False
        self._change(number, status=to_status)
        return True

    async def decide(self, number: int, status: str, by: str, note: str | None) -> bool:
        """Approve or reject a submitted case; False when someone decided first."""
        case = self._cases.get(number)
        if case is None or case.status != "submitted":
            return False
        at = utc(self._clock())
        self._change(number, status=status, decided_by=by, decided_at=at, decision_note=note)
        return True

    async def confirm(self, number: int, person_id: str) -> bool:
        """Record a runner's confirmation; False when they had already confirmed."""
        confirmed = self._confirmations.setdefault(number, {})
        if person_id in confirmed:
            return False
        confirmed[person_id] = utc(self._clock())
        return True

    async def of_requester(self, person_id: str) -> list[Case]:
        """The person's cases, newest first."""
        return [c for c in await self.all() if c.requester == person_id]

    async def all(self) -> list[Case]:
        """Every case, newest first."""
        return [self._case(n) for n in sorted(self._cases, reverse=True)]

    def _change(self, number: int, **changes: Any) -> None:
        if number in self._cases:
            now = utc(self._clock())
            self._cases[number] = replace(self._cases[number], updated_at=now, **changes)

    def _case(self, number: int) -> Case:
        case = self._cases[number]
        confirmed = dict(self._confirmations.get(number, {}))
        return replace(case, answers=as_json(case.answers), confirmations=confirmed)


class MemoryRegister:
    """The AccountRegister port in memory."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._accounts: dict[str, Account] = {}

    async def add(self, account: Account) -> bool:
        """Register an account; False when its id is already registered."""
        utc(self._clock())
        if account.id in self._accounts:
            return False
        self._accounts[account.id] = replace(
            account, runners=tuple(account.runners), emails=tuple(account.emails)
        )
        return True

    async def get(self, account_id: str) -> Account | None:
        """The account with this id."""
        return self._accounts.get(account_id)

    async def find(self, text: str) -> Account | None:
        """The active account whose id or handle is this text (case, '@' and spaces ignored)."""
        key = handle_key(text)
        if not key:
            return None
        return next((a for a in await self.all() if key in (a.id, handle_key(a.handle))), None)

    async def all(self, academy: str | None = None) -> list[Account]:
        """Active accounts, of one academy or all, by id."""
        return [
            a
            for _, a in sorted(self._accounts.items())
            if a.active and academy in (None, a.academy)
        ]

    async def change_runners(
        self, account_id: str, change: Callable[[tuple[str, ...]], tuple[str, ...]]
    ) -> tuple[str, ...]:
        """Apply `change` to the current runners atomically and return the new runners."""
        account = self._accounts.get(account_id)
        if account is None:
            raise LookupError(f"no account {account_id}")
        new = change(account.runners)
        self._accounts[account_id] = replace(account, runners=tuple(new))
        return new


class MemoryComments:
    """The CommentStore port in memory."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._comments: dict[int, Comment] = {}
        self._next_checks: dict[int, datetime | None] = {}

    async def add(self, new: NewComment) -> Comment:
        """Record a new open comment; it is first looked at when it is due soon."""
        number = len(self._comments) + 1
        recorded = Comment(
            number,
            new.account_id,
            new.academy,
            utc(new.received_at),
            utc(new.deadline),
            utc(new.due_soon_at),
            utc(new.escalate_at),
            new.author,
            new.summary,
            new.source,
            new.logged_by,
            "open",
            None,
            None,
            utc(new.logged_at),
        )
        self._comments[number] = recorded
        self._next_checks[number] = recorded.due_soon_at
        return recorded

    async def get(self, comment_id: int) -> Comment | None:
        """The comment with this id."""
        return self._comments.get(comment_id)

    async def all(self, status: str | None = None) -> list[Comment]:
        """Every comment (or those with this status), oldest received first."""
        chosen = [c for c in self._comments.values() if status in (None, c.status)]
        return sorted(chosen, key=lambda c: (c.received_at, c.id))

    async def mark_responded(self, comment_id: int, person_id: str, at: datetime) -> Comment | None:
        """Close an open comment as answered; None when it is not open (or not there)."""
        found = self._comments.get(comment_id)
        if found is None or found.status != "open":
            return None
        closed = replace(found, status="responded", responded_by=person_id, responded_at=utc(at))
        self._comments[comment_id] = closed
        self._next_checks[comment_id] = None
        return closed

    async def needing_alerts(self, now: datetime) -> list[Comment]:
        """Open comments whose next look is due at `now`, by id."""
        now = utc(now)
        return [
            c
            for number, c in sorted(self._comments.items())
            if c.status == "open" and (at := self._next_checks[number]) is not None and at <= now
        ]

    async def set_next_checks(self, checks: Mapping[int, datetime | None]) -> None:
        """When each comment next needs looking at; None for never."""
        for number, at in checks.items():
            if number in self._comments:
                self._next_checks[number] = None if at is None else utc(at)


class MemoryConfirmations:
    """The ConfirmationStore port in memory."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._confirmed: dict[tuple[str, int, str], datetime] = {}

    async def confirm(self, academy: str, year: int, person_id: str) -> bool:
        """Record that the person read the policy that year; False when already recorded."""
        at = utc(self._clock())
        if (academy, year, person_id) in self._confirmed:
            return False
        self._confirmed[(academy, year, person_id)] = at
        return True

    async def confirmed(self, academy: str, year: int) -> set[str]:
        """Person ids of everyone who confirmed for that academy and year."""
        return {p for a, y, p in self._confirmed if (a, y) == (academy, year)}


if TYPE_CHECKING:

    def _satisfies_protocols(
        cases: MemoryCases,
        register: MemoryRegister,
        comments: MemoryComments,
        confirmations: MemoryConfirmations,
    ) -> tuple[CaseStore, AccountRegister, CommentStore, ConfirmationStore]:
        return cases, register, comments, confirmations
