"""Handing over an account: find whose and which, confirm, remove the runner, tell the academy.

Follows the policy section "Handover": the account's information goes to the headteacher
or the Trust IT team, and the passwords are reset once handover is complete.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.core.actions import action
from bot.core.messages import Reply
from bot.features.handover import wording as say
from bot.features.handover.parsing import is_exact, named_account, named_for, narrow
from bot.features.handover.parts import MIN_RUNNERS, HandoverParts
from bot.features.handover.prompts import NO_ACCOUNT, Prompt, forget
from bot.features.handover.trail import HANDOVER, REQUESTED, subject
from bot.features.handover.wording import KIND, choose, count, label
from bot.model.directory import Person
from bot.model.records import Account

log = logging.getLogger(__name__)


class HandingOver(HandoverParts):
    """Takes a handover from the first request to the checklist in the academy's inbox."""

    async def start(
        self,
        actor: Person,
        text: str,
        named: Account | str | None,
        accounts: list[Account],
        state: dict[str, Any],
    ) -> list[Reply]:
        """Work out whose account is being handed over, then pick or confirm it."""
        forget(state)
        runner = actor
        name = named_for(text)
        if name:
            people = self.directory.find_people(name)
            exact = [p for p in people if is_exact(p, name)]
            if exact and exact[0].id != actor.id:
                runner = exact[0]
            elif self.may.acts_for_others(actor) and not exact:
                account = named if isinstance(named, Account) else None
                return self.whose(name, account, state)
        if isinstance(named, str):
            unknown = say.NOT_REGISTERED.format(handle=named)
            return [Reply(f"{unknown} {self.words.runs(runner, accounts, actor)}")]
        if runner.id != actor.id and not self.may.acts_for_others(actor):
            return [say.with_policy(say.ONLY_ADMINS)]
        return await self.choose(actor, runner, named, text, state, accounts)

    def whose(self, name: str, account: Account | None, state: dict[str, Any]) -> list[Reply]:
        """Nobody is called `name`: offer the closest people (of the account's academy when it
        is known), and ask whose account it is until they are named."""
        Prompt("for", account.id if account else NO_ACCOUNT).save(state)
        people = self.directory.find_people(name, account.academy if account else None)
        choices = tuple(choose("for", account or NO_ACCOUNT, p, p.name) for p in people)
        intro = say.NOBODY_CALLED.format(name=name)
        if choices:
            return [Reply(say.DID_YOU_MEAN.format(intro=intro), choices=choices)]
        return [Reply(say.SAY_FOR_WHOM.format(intro=intro))]

    async def named(
        self, actor: Person, name: str, account: Account | None, state: dict[str, Any]
    ) -> list[Reply]:
        """The answer to 'who is leaving?': go on with them, or offer choices and ask again."""
        exact = [p for p in self.directory.find_people(name) if is_exact(p, name.strip())]
        if not exact:
            return self.whose(name.strip(), account, state)
        return await self.choose(actor, exact[0], account, "", state)

    async def choose(
        self,
        actor: Person,
        runner: Person,
        named: Account | None,
        text: str,
        state: dict[str, Any],
        accounts: list[Account] | None = None,
    ) -> list[Reply]:
        """Confirm the named account, the runner's only account, or offer their accounts."""
        forget(state)
        accounts = await self.register.all() if accounts is None else accounts
        if named is not None:
            if runner.id in named.runners:
                return self.confirm(actor, runner, named, state)
            return [self._not_a_runner(actor, runner, named, accounts)]
        runs = [a for a in accounts if runner.id in a.runners]
        if not runs:
            return [self._not_a_runner(actor, runner, None, accounts)]
        theirs = [a for a in runs if self.may.may_hand_over(actor, runner, a) is None]
        if not theirs:
            return [say.with_policy(say.ONLY_ADMINS)]
        picked = narrow(theirs, text)
        if len(picked) == 1:
            return self.confirm(actor, runner, picked[0], state)
        Prompt("which", person=runner.id).save(state)
        return [self.which(actor, runner, picked)]

    def which(self, actor: Person, runner: Person, accounts: list[Account]) -> Reply:
        """Which of the runner's accounts, as buttons and as words to type."""
        choices = (*(choose("pick", a, runner, label(a)) for a in accounts), say.CANCEL)
        if runner.id == actor.id:
            return Reply(say.WHICH_ACCOUNT, choices=choices)
        return Reply(say.WHICH_OF_THEIRS.format(runner=runner.name), choices=choices)

    async def which_typed(
        self, actor: Person, runner: Person, text: str, state: dict[str, Any]
    ) -> list[Reply]:
        """The answer to 'which account?': a handle, an id or words like 'the insta'."""
        accounts = await self.register.all()
        theirs = [
            a
            for a in accounts
            if runner.id in a.runners and self.may.may_hand_over(actor, runner, a) is None
        ]
        if not theirs:
            forget(state)
            return [self._not_a_runner(actor, runner, None, accounts)]
        named = named_account(text, theirs)
        picked = [named] if isinstance(named, Account) else narrow(theirs, text)
        if len(picked) == 1 and not isinstance(named, str):
            return self.confirm(actor, runner, picked[0], state)
        unclear = say.NOT_THAT_ACCOUNT.format(text=text.strip())
        return [Reply(unclear), self.which(actor, runner, theirs)]

    def confirm(
        self, actor: Person, runner: Person, account: Account, state: dict[str, Any]
    ) -> list[Reply]:
        """Ask before changing anything, saying exactly what will happen."""
        if refusal := self.may.may_hand_over(actor, runner, account):
            forget(state)
            return [refusal]
        Prompt("confirm", account.id, runner.id).save(state)
        remaining = [r for r in account.runners if r != runner.id]
        who = "You" if runner.id == actor.id else runner.name
        text = say.CONFIRM.format(account=label(account), who=who, told=self.words.told(account))
        if len(remaining) < MIN_RUNNERS:
            text += say.LEAVES_TOO_FEW.format(runners=count(len(remaining)))
        yes = choose("yes", account, runner, "Yes, hand it over")
        return [Reply(text + say.TYPE_YES, choices=(yes, say.CANCEL))]

    async def hand_over(self, actor: Person, runner: Person, account: Account) -> list[Reply]:
        """Remove the runner, tell the people responsible and record it."""
        if runner.id not in account.runners:
            return [Reply(say.NO_LONGER_RUNS.format(runner=runner.name, handle=account.handle))]
        if refusal := self.may.may_hand_over(actor, runner, account):
            return [refusal]
        n = len(await self.audit.history(subject(account)))
        remaining = await self.register.change_runners(
            account.id, lambda runners: tuple(r for r in runners if r != runner.id)
        )
        await self.audit.record(
            subject(account), actor.id, HANDOVER, {"runner": runner.id, "runners": list(remaining)}
        )
        log.info("handover account=%s runner=%s actor=%s", account.id, runner.id, actor.id)
        key = f"handover:{account.id}:{runner.id}:{n}"
        checklist = self.words.checklist(runner, account, remaining)
        await self._tell(key, actor, runner, account, checklist)
        if len(remaining) < MIN_RUNNERS:
            await self._ask_for_replacement(key, actor, account, remaining)
        who = "You have" if actor.id == runner.id else f"{runner.name} has"
        told = self.words.told(account)
        done = say.DONE.format(who=who, handle=account.handle, told=told, checklist=checklist)
        return [Reply(done)]

    async def _tell(
        self, key: str, actor: Person, runner: Person, account: Account, checklist: str
    ) -> None:
        """The checklist to the headteacher and IT contact; a note to a runner handed over."""
        by = "" if actor.id == runner.id else say.DID_IT_FOR_THEM.format(actor=actor.name)
        handed = say.HANDED_OVER.format(
            runner=runner.name, account=label(account), by=by, checklist=checklist
        )
        for person in self._responsible(account):
            await self.outbox.enqueue(f"{key}:{person.id}", person.id, Reply(handed))
        if actor.id != runner.id:
            for_you = say.HANDED_OVER_FOR_YOU.format(
                actor=actor.name, account=label(account), told=self.words.told(account)
            )
            await self.outbox.enqueue(f"{key}:{runner.id}", runner.id, Reply(for_you))

    async def _ask_for_replacement(
        self, key: str, actor: Person, account: Account, remaining: tuple[str, ...]
    ) -> None:
        """Ask the headteacher to name another runner when too few are left."""
        academy = self.directory.academy(account.academy)
        head = self.directory.person(academy.headteacher) if academy else None
        if head is None:
            return
        text = say.NAME_A_REPLACEMENT.format(
            handle=account.handle,
            runners=count(len(remaining)),
            names=self.words.names(remaining) or "nobody",
        )
        await self.outbox.enqueue(
            f"{key}:{head.id}:replacement",
            head.id,
            Reply(text, choices=(action(KIND, "add", account.id).choice("Name a replacement"),)),
        )
        await self.audit.record(subject(account), actor.id, REQUESTED, {"headteacher": head.id})

    def _not_a_runner(
        self, actor: Person, runner: Person, account: Account | None, accounts: list[Account]
    ) -> Reply:
        """Why the runner can't hand over this (or any) account, and what they can do."""
        runs = self.words.runs(runner, accounts, actor)
        if runner.id != actor.id:
            what = account.handle if account else "any account in the register"
            return Reply(say.NOT_THEIR_ACCOUNT.format(runner=runner.name, what=what, runs=runs))
        if account is None:
            text = say.YOU_RUN_NOTHING
            if self.may.acts_for_others(actor):
                text += say.HAND_OVER_FOR_SOMEONE
            return say.with_policy(text)
        names = self.words.names(account.runners) or "nobody"
        text = say.NOT_YOURS.format(handle=account.handle, names=names, runs=runs)
        if not self.may.acts_for_someone(actor, account):
            return say.with_policy(text)
        text += say.FOR_A_RUNNER.format(handle=account.handle)
        choices = tuple(
            choose("pick", account, p, f"Hand over for {p.name}")
            for p in self.words.people(account.runners)
        )
        return Reply(text, choices=choices)

    def _responsible(self, account: Account) -> list[Person]:
        """The academy's headteacher and IT contact, each once."""
        academy = self.directory.academy(account.academy)
        ids = dict.fromkeys((academy.headteacher, academy.it_contact)) if academy else {}
        return self.words.people(ids)
