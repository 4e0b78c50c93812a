"""Handing over an account: find whose and which, confirm, remove the runner, tell the academy.

Follows the policy section "Handover": the account's information goes to the headteacher
or the Trust IT team, and the passwords are reset once handover is complete.
"""

from __future__ import annotations

import logging

from bot.core.actions import action
from bot.core.messages import Reply
from bot.features.handover import wording as say
from bot.features.handover.parsing import is_exact, named_for, narrow
from bot.features.handover.parts import HandoverParts
from bot.features.handover.wording import KIND, choose, count, label
from bot.model.directory import Person
from bot.model.records import Account

log = logging.getLogger(__name__)

MIN_RUNNERS = 2
"""The business case asks for at least two staff to monitor and run an account."""


class HandingOver(HandoverParts):
    """Takes a handover from the first request to the checklist in the academy's inbox."""

    async def start(
        self, actor: Person, text: str, named: Account | str | None, accounts: list[Account]
    ) -> list[Reply]:
        """Work out whose account is being handed over, then pick or confirm it."""
        runner = actor
        name = named_for(text)
        if name:
            people = self.directory.find_people(name)
            exact = [p for p in people if is_exact(p, name)]
            if exact and exact[0].id != actor.id:
                runner = exact[0]
            elif self.may.acts_for_others(actor) and not exact:
                account = named if isinstance(named, Account) else "-"
                choices = tuple(choose("for", account, p, p.name) for p in people)
                intro = say.NOBODY_CALLED.format(name=name)
                if choices:
                    return [Reply(say.DID_YOU_MEAN.format(intro=intro), choices=choices)]
                return [Reply(say.SAY_FOR_WHOM.format(intro=intro))]
        if isinstance(named, str):
            unknown = say.NOT_REGISTERED.format(handle=named)
            return [Reply(f"{unknown} {self.words.runs(runner, accounts, actor)}")]
        if runner.id != actor.id and not self.may.acts_for_others(actor):
            return [Reply(say.ONLY_ADMINS, choices=(say.POLICY,))]
        return await self.choose(actor, runner, named, text, accounts)

    async def choose(
        self,
        actor: Person,
        runner: Person,
        named: Account | None,
        text: str,
        accounts: list[Account] | None = None,
    ) -> list[Reply]:
        """Confirm the named account, the runner's only account, or offer their accounts."""
        accounts = await self.register.all() if accounts is None else accounts
        if named is not None:
            if runner.id in named.runners:
                return self.confirm(actor, runner, named)
            return [self._not_a_runner(actor, runner, named, accounts)]
        runs = [a for a in accounts if runner.id in a.runners]
        if not runs:
            return [self._not_a_runner(actor, runner, None, accounts)]
        theirs = [a for a in runs if self.may.may_hand_over(actor, runner, a) is None]
        if not theirs:
            return [Reply(say.ONLY_ADMINS, choices=(say.POLICY,))]
        picked = narrow(theirs, text)
        if len(picked) == 1:
            return self.confirm(actor, runner, picked[0])
        choices = (*(choose("pick", a, runner, label(a)) for a in picked), say.CANCEL)
        return [Reply(say.WHICH_ACCOUNT, choices=choices)]

    def confirm(self, actor: Person, runner: Person, account: Account) -> list[Reply]:
        """Ask before changing anything, saying exactly what will happen."""
        if refusal := self.may.may_hand_over(actor, runner, account):
            return [refusal]
        remaining = [r for r in account.runners if r != runner.id]
        who = "You" if runner.id == actor.id else runner.name
        text = say.CONFIRM.format(account=label(account), who=who, told=self.words.told(account))
        if len(remaining) < MIN_RUNNERS:
            text += say.LEAVES_TOO_FEW.format(runners=count(len(remaining)))
        yes = choose("yes", account, runner, "Yes, hand it over")
        return [Reply(text, choices=(yes, say.CANCEL))]

    async def hand_over(self, actor: Person, runner: Person, account: Account) -> list[Reply]:
        """Remove the runner, tell the people responsible and record it."""
        if runner.id not in account.runners:
            return [Reply(say.NO_LONGER_RUNS.format(runner=runner.name, handle=account.handle))]
        if refusal := self.may.may_hand_over(actor, runner, account):
            return [refusal]
        subject = f"account:{account.id}"
        n = len(await self.audit.history(subject))
        remaining = await self.register.change_runners(
            account.id, lambda runners: tuple(r for r in runners if r != runner.id)
        )
        await self.audit.record(
            subject, actor.id, "handover", {"runner": runner.id, "runners": list(remaining)}
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
        await self.audit.record(
            f"account:{account.id}", actor.id, "replacement requested", {"headteacher": head.id}
        )

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
            return Reply(text, choices=(say.POLICY,))
        names = self.words.names(account.runners) or "nobody"
        text = say.NOT_YOURS.format(handle=account.handle, names=names, runs=runs)
        if not self.may.acts_for_someone(actor, account):
            return Reply(text, choices=(say.POLICY,))
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
