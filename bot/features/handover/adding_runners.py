"""Adding a runner to an account, by the academy's leadership team, usually after a handover.

While a leader is asked to type the new runner's name, the conversation state holds
`{"adding": account id}` under KEY.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.core.messages import Reply
from bot.features.handover import wording as say
from bot.features.handover.handing_over import MIN_RUNNERS
from bot.features.handover.parsing import is_exact
from bot.features.handover.parts import HandoverParts
from bot.features.handover.wording import choose, label
from bot.model.directory import Person
from bot.model.records import Account

log = logging.getLogger(__name__)

KEY = "handover"
"""Where a question waiting for a name is kept in the conversation state."""


class AddingRunners(HandoverParts):
    """Adds staff of the account's academy as runners, telling them and recording it."""

    @staticmethod
    def take_pending(state: dict[str, Any]) -> str | None:
        """The id of the account whose new runner's name was asked for, and forget the question."""
        return (state.pop(KEY, None) or {}).get("adding")

    def ask(self, actor: Person, account: Account, state: dict[str, Any]) -> list[Reply]:
        """Ask a leader to type the new runner's name, which their next message then gives."""
        if refusal := self.may.may_add(actor, account):
            return [refusal]
        state[KEY] = {"adding": account.id}
        academy = self.words.academy_name(account)
        return [Reply(say.WHO_ELSE.format(handle=account.handle, academy=academy))]

    async def add_named(
        self, actor: Person, account: Account | None, account_text: str, name: str
    ) -> list[Reply]:
        """Add the staff member called `name`, or offer the closest names."""
        if account is None:
            return [Reply(say.NOT_REGISTERED.format(handle=account_text))]
        if refusal := self.may.may_add(actor, account):
            return [refusal]
        name = name.strip()
        exact = [p for p in self.directory.find_people(name) if is_exact(p, name)]
        if exact:
            return await self.add(actor, exact[0], account)
        similar = self.directory.find_people(name, account.academy)
        if not similar:
            academy = self.words.academy_name(account)
            return [Reply(say.NOBODY_AT.format(name=name, academy=academy))]
        choices = tuple(choose("addwho", account, p, f"Add {p.name}") for p in similar)
        return [Reply(say.NOT_EXACTLY.format(name=name), choices=choices)]

    async def add(self, actor: Person, person: Person, account: Account) -> list[Reply]:
        """Add a runner of the account's academy, tell them and record it."""
        if refusal := self.may.may_add(actor, account):
            return [refusal]
        if person.academy != account.academy:
            academy = self.words.academy_name(account)
            refused = say.NOT_STAFF.format(
                person=person.name, academy=academy, handle=account.handle
            )
            return [Reply(refused)]
        if person.id in account.runners:
            return [Reply(say.ALREADY_RUNS.format(person=person.name, handle=account.handle))]
        subject = f"account:{account.id}"
        n = len(await self.audit.history(subject))
        runners = await self.register.change_runners(
            account.id, lambda now: now if person.id in now else (*now, person.id)
        )
        await self.audit.record(subject, actor.id, "runner added", {"runner": person.id})
        log.info("runner added account=%s runner=%s actor=%s", account.id, person.id, actor.id)
        added = say.YOU_WERE_ADDED.format(actor=actor.name, account=label(account))
        await self.outbox.enqueue(
            f"handover:{account.id}:added:{person.id}:{n}", person.id, Reply(added)
        )
        text = say.NOW_RUN_BY.format(handle=account.handle, names=self.words.names(runners))
        if len(runners) < MIN_RUNNERS:
            text += say.ADD_ANOTHER.format(handle=account.handle)
        return [Reply(text)]
