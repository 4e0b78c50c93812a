"""Answers to an open handover question: a valid answer goes on, 'cancel' stops, a wrong answer
gets the question again with its context, and a line that clearly asks something else goes on
to the policy's answers while the question waits (see prompts.py)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.core.messages import Reply
from bot.features.handover import parsing
from bot.features.handover import wording as say
from bot.features.handover.adding_runners import AddingRunners
from bot.features.handover.handing_over import HandingOver
from bot.features.handover.prompts import NO_ACCOUNT, Prompt, forget
from bot.model.directory import Person
from bot.model.records import Account


class OpenQuestions:
    """Takes what a person types while a handover question is open."""

    def __init__(self, handing_over: HandingOver, adding: AddingRunners) -> None:
        self.handing_over = handing_over
        self.adding = adding
        self.directory = adding.directory
        self.register = adding.register
        self.names = frozenset(
            part
            for p in self.directory.people
            for part in parsing.name_words(p.name)
            if len(part) >= 3
        )
        """Parts of staff names: a line with one of them answers a question about a person."""

    async def answer(
        self, actor: Person, text: str, prompt: Prompt, state: dict[str, Any]
    ) -> list[Reply] | None:
        """The replies to `text` typed at the open question; None when it asks something else."""
        if parsing.is_cancel(text):
            return await self._cancel(actor, prompt, state)
        if parsing.is_courtesy(text):  # small talk: the question is offered again after it
            return await self.reminder(actor, prompt, state) or None
        account = await self._account(prompt)
        person = self.directory.person(prompt.person) if prompt.person else None
        if prompt.step == "confirm" and parsing.is_yes(text):
            forget(state)
            if account is None or person is None:
                return [Reply(say.STALE)]
            return await self.handing_over.hand_over(actor, person, account)
        if parsing.asks_something_else(text, self.names):
            return None
        if prompt.step == "adding":
            if account is None:
                forget(state)
                return [Reply(say.STALE)]
            name = parsing.without_add(text)
            return await self.adding.add_named(actor, account, account.handle, name, state)
        if prompt.step == "for":
            return await self.handing_over.named(actor, text, account, state)
        if person is None:
            forget(state)
            return [Reply(say.STALE)]
        if prompt.step == "which":
            return await self.handing_over.which_typed(actor, person, text, state)
        if account is None:
            forget(state)
            return [Reply(say.STALE)]
        for_whom = "" if person.id == actor.id else f" for {person.name}"
        unclear = Reply(say.YES_OR_CANCEL.format(handle=account.handle, for_whom=for_whom))
        return [unclear, *await self.again(actor, prompt, state)]

    async def again(self, actor: Person, prompt: Prompt, state: dict[str, Any]) -> list[Reply]:
        """The open question asked again, with what it is about; [] when that has gone."""
        account = await self._account(prompt)
        person = self.directory.person(prompt.person) if prompt.person else None
        if prompt.step == "adding" and account is not None:
            return [self.adding.question(account, prompt.added)]
        if prompt.step == "for":
            on = f" ({account.handle})" if account else ""
            return [Reply(say.WHOSE_AGAIN.format(on=on))]
        if prompt.step == "which" and person is not None:
            return await self.handing_over.choose(actor, person, None, "", state)
        if prompt.step == "confirm" and person is not None and account is not None:
            return self.handing_over.confirm(actor, person, account, state)
        forget(state)
        return []

    async def reminder(self, actor: Person, prompt: Prompt, state: dict[str, Any]) -> list[Reply]:
        """The open question again, introduced as still open (after an answer about the
        policy, small talk, or when the person comes back); [] when it has gone."""
        replies = await self.again(actor, prompt, state)
        if not replies:
            return []
        first, *rest = replies
        return [replace(first, text=f"{say.STILL_OPEN} {first.text}"), *rest]

    async def _cancel(self, actor: Person, prompt: Prompt, state: dict[str, Any]) -> list[Reply]:
        forget(state)
        if prompt.step == "adding":
            return [await self.adding.cancel(actor, prompt, await self._account(prompt))]
        return [Reply(say.CANCELLED)]

    async def _account(self, prompt: Prompt) -> Account | None:
        """The account the question is about, while it is still active."""
        if prompt.account == NO_ACCOUNT:
            return None
        account = await self.register.get(prompt.account)
        return account if account is not None and account.active else None
