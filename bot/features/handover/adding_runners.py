"""Adding a runner to an account, by the academy's leadership team, usually after a handover.

While the account has fewer than two runners, the question "who should also run it?" stays
open (a Prompt with step 'adding'): a wrong name is answered with the closest staff of the
academy and the question again, and the runners added so far are remembered.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.core.messages import Reply
from bot.features.handover import wording as say
from bot.features.handover.confirming import reading_request
from bot.features.handover.parsing import is_exact
from bot.features.handover.parts import MIN_RUNNERS, HandoverParts
from bot.features.handover.prompts import Prompt, forget
from bot.features.handover.trail import ADDED, PUT_OFF, subject
from bot.features.handover.wording import choose
from bot.model.directory import Person
from bot.model.records import Account

log = logging.getLogger(__name__)


class AddingRunners(HandoverParts):
    """Adds staff of the account's academy as runners, telling them and recording it."""

    def ask(self, actor: Person, account: Account, state: dict[str, Any]) -> list[Reply]:
        """Ask a leader to type the new runner's name, which their next message then gives."""
        if refusal := self.may.may_add(actor, account):
            forget(state)
            return [refusal]
        prompt = Prompt.load(state)
        added = prompt.added if prompt and prompt.account == account.id else ()
        Prompt("adding", account.id, added=added).save(state)
        return [self.question(account, added)]

    def question(self, account: Account, added: tuple[str, ...] = ()) -> Reply:
        """'Who should also run @X? Type their name …', with who was added so far."""
        so_far = say.SO_FAR.format(names=self.words.names(added)) if added else ""
        academy = self.words.academy_name(account)
        return Reply(say.WHO_ELSE.format(handle=account.handle, academy=academy, so_far=so_far))

    async def add_named(
        self,
        actor: Person,
        account: Account | None,
        account_text: str,
        name: str,
        state: dict[str, Any],
    ) -> list[Reply]:
        """Add the staff member called `name`, or offer the closest staff and ask again."""
        if account is None:
            forget(state)
            return [Reply(say.NOT_REGISTERED.format(handle=account_text))]
        if refusal := self.may.may_add(actor, account):
            forget(state)
            return [refusal]
        name = name.strip()
        added = self._added(account, state)
        exact = [p for p in self.directory.find_people(name) if is_exact(p, name)]
        if exact:
            return await self.add(actor, exact[0], account, state)
        Prompt("adding", account.id, added=added).save(state)
        similar = self.directory.find_people(name, account.academy)
        if not similar:
            academy = self.words.academy_name(account)
            nobody = say.NOBODY_AT.format(name=name, academy=academy)
            return [Reply(nobody), self.question(account, added)]
        choices = tuple(choose("addwho", account, p, f"Add {p.name}") for p in similar)
        return [Reply(say.NOT_EXACTLY.format(name=name), choices=choices)]

    async def add(
        self, actor: Person, person: Person, account: Account, state: dict[str, Any]
    ) -> list[Reply]:
        """Add a runner of the account's academy, ask them to confirm reading the policy,
        record it, and ask for another while fewer than two run it."""
        if refusal := self.may.may_add(actor, account):
            forget(state)
            return [refusal]
        added = self._added(account, state)
        Prompt("adding", account.id, added=added).save(state)
        if person.academy != account.academy:
            academy = self.words.academy_name(account)
            refused = say.NOT_STAFF.format(
                person=person.name, academy=academy, handle=account.handle
            )
            return [Reply(refused), self.question(account, added)]
        if person.id in account.runners:
            runs = say.ALREADY_RUNS.format(person=person.name, handle=account.handle)
            if len(account.runners) >= MIN_RUNNERS:
                forget(state)
                return [Reply(runs)]
            return [Reply(runs), self.question(account, added)]
        runners = await self._record(actor, person, account)
        text = say.NOW_RUN_BY.format(handle=account.handle, names=self.words.names(runners))
        text += say.ASKED_TO_READ.format(person=person.name)
        if len(runners) < MIN_RUNNERS:
            Prompt("adding", account.id, added=(*added, person.id)).save(state)
            return [Reply(text + say.ADD_ANOTHER)]
        forget(state)
        return [Reply(text)]

    async def _record(self, actor: Person, person: Person, account: Account) -> tuple[str, ...]:
        """Add the runner, record it and send them the request to confirm reading the policy."""
        n = len(await self.audit.history(subject(account)))
        runners = await self.register.change_runners(
            account.id, lambda now: now if person.id in now else (*now, person.id)
        )
        await self.audit.record(subject(account), actor.id, ADDED, {"runner": person.id})
        log.info("runner added account=%s runner=%s actor=%s", account.id, person.id, actor.id)
        await self.outbox.enqueue(
            f"handover:{account.id}:added:{person.id}:{n}",
            person.id,
            reading_request(actor, account, self.directory.trust.policy_url),
        )
        return runners

    def which_needs(self, person: Person, accounts: list[Account]) -> Reply:
        """Several accounts need another runner: which one should this person run?"""
        choices = tuple(
            choose("addwho", a, person, f"Add {person.name} to {a.handle}") for a in accounts
        )
        handles = ", ".join(a.handle for a in accounts)
        text = say.WHICH_NEEDS.format(
            handles=handles, person=person.name, handle=accounts[0].handle
        )
        return Reply(text, choices=choices)

    async def cancel(self, actor: Person, prompt: Prompt, account: Account | None) -> Reply:
        """Stop asking who else should run the account (recorded while too few run it, so a
        name typed later is not taken as the answer)."""
        if account is not None and len(account.runners) < MIN_RUNNERS:
            await self.audit.record(subject(account), actor.id, PUT_OFF)
        if account is None or not prompt.added:
            return Reply(say.NOBODY_ADDED)
        names = self.words.names(account.runners) or "nobody"
        return Reply(say.NO_MORE_ADDED.format(handle=account.handle, names=names))

    @staticmethod
    def _added(account: Account, state: dict[str, Any]) -> tuple[str, ...]:
        """Who was added to this account while its question was open."""
        prompt = Prompt.load(state)
        same = prompt is not None and prompt.step == "adding" and prompt.account == account.id
        return prompt.added if prompt is not None and same else ()
