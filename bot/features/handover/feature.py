"""Handing over an academy account when a runner leaves, and naming a replacement runner.

Follows the policy section "Handover": the account's information goes to the headteacher
or the Trust IT team, and the passwords are reset once handover is complete. New runners are
asked to confirm they have read and understood the policy.
"""

from __future__ import annotations

from typing import Any

from bot.core.actions import Action
from bot.core.messages import Reply
from bot.features.handover import parsing
from bot.features.handover import wording as say
from bot.features.handover.adding_runners import AddingRunners
from bot.features.handover.confirming import Confirming
from bot.features.handover.handing_over import HandingOver
from bot.features.handover.parts import MIN_RUNNERS
from bot.features.handover.permissions import Permissions
from bot.features.handover.prompts import NO_ACCOUNT, Prompt, forget
from bot.features.handover.questions import OpenQuestions
from bot.features.handover.trail import replacement_outstanding, subject
from bot.features.handover.wording import KIND, Wording
from bot.model.directory import Directory, Person
from bot.model.ports import AccountRegister, AuditTrail, Outbox
from bot.model.records import Account


class HandoverFeature:
    """Hands over an account for a leaving runner and asks the headteacher for a replacement."""

    def __init__(
        self, directory: Directory, outbox: Outbox, audit: AuditTrail, register: AccountRegister
    ) -> None:
        self.directory = directory
        self.register = register
        self.audit = audit
        words = Wording(directory)
        may = Permissions(directory, words)
        self.handing_over = HandingOver(directory, outbox, audit, register, words, may)
        self.adding = AddingRunners(directory, outbox, audit, register, words, may)
        self.confirming = Confirming(directory, outbox, audit, register, words, may)
        self.questions = OpenQuestions(self.handing_over, self.adding)

    async def on_choice(self, sender: str, value: str, state: dict[str, Any]) -> list[Reply] | None:
        """Replies to a clicked handover button, or asks an open handover question again
        ('resume': after an answer about the policy, or when the person comes back); None
        for anything else."""
        if value == "resume":
            prompt = Prompt.load(state)
            actor = self.directory.person(sender)
            if prompt is None or actor is None:
                return None
            return await self.questions.reminder(actor, prompt, state) or None
        act = Action.parse(value)
        if act.kind != KIND:
            return None
        actor = self.directory.person(sender)
        if actor is None:
            forget(state)
            return [Reply(say.NOT_IN_DIRECTORY)]
        if act.verb == "cancel":
            forget(state)
            return [Reply(say.CANCELLED)]
        account = await self._account(act.arg) if act.args and act.arg != NO_ACCOUNT else None
        if act.verb == "read":
            return await self.confirming.confirm(actor, account)
        person = self.directory.person(act.args[1]) if len(act.args) == 2 else None
        return await self._on_button(actor, act.verb, account, person, state)

    async def on_text(self, sender: str, text: str, state: dict[str, Any]) -> list[Reply] | None:
        """Handover requests, answers to an open handover question, confirmations of reading
        the policy and 'handover help'; None for anything else (questions go to Q&A)."""
        actor = self.directory.person(sender)
        prompt = Prompt.load(state)
        if (request := parsing.add_request(text)) is not None:
            name, account_text = request
            account = await self.register.find(account_text)
            if account is not None or account_text.startswith("@"):
                if actor is None:
                    return [Reply(say.NOT_IN_DIRECTORY)]
                return await self.adding.add_named(actor, account, account_text, name, state)
        if (handle := parsing.read_confirmation(text)) is not None and actor is not None:
            confirmed = await self.confirming.typed(actor, handle)
            if confirmed is not None:
                return confirmed
        if parsing.asks_for_help(text) and (prompt or parsing.mentions_handover(text)):
            again = await self.questions.again(actor, prompt, state) if actor and prompt else []
            return [Reply(say.HELP), *again]
        if prompt is not None and not self._new_request(text):
            if actor is None:
                forget(state)
                return [Reply(say.NOT_IN_DIRECTORY)]
            return await self.questions.answer(actor, text, prompt, state)
        if (replies := await self._request(actor, text, state)) is not None:
            return replies
        return await self._unprompted_name(actor, text, state) if actor else None

    async def _unprompted_name(
        self, actor: Person, text: str, state: dict[str, Any]
    ) -> list[Reply] | None:
        """A leader types a name after the request to name a replacement reached their inbox
        (a delivered message opens no question): it answers that request while it is
        outstanding for one of their academy's accounts (with several, it asks which)."""
        academies = [a.id for a in self.directory.academies if actor.id in a.leadership]
        if not academies or not parsing.looks_like_name(text, self.questions.names):
            return None
        for academy in academies:
            people = self.directory.find_people(text, academy)
            if not people:
                continue
            short = [
                a
                for a in await self.register.all(academy)
                if len(a.runners) < MIN_RUNNERS
                and replacement_outstanding(await self.audit.history(subject(a)))
            ]
            if len(short) == 1:
                return await self.adding.add_named(actor, short[0], short[0].handle, text, state)
            if short:
                return [self.adding.which_needs(people[0], short)]
        return None

    async def _request(
        self, actor: Person | None, text: str, state: dict[str, Any]
    ) -> list[Reply] | None:
        """A request to hand over ('I'm leaving, hand over the history twitter')."""
        if not parsing.mentions_handover(text):
            return None
        accounts = await self.register.all()
        named = parsing.named_account(text, accounts)
        if named is None and parsing.is_question(text):
            return None
        if actor is None:
            return [Reply(say.NOT_IN_DIRECTORY)]
        return await self.handing_over.start(actor, text, named, accounts, state)

    @staticmethod
    def _new_request(text: str) -> bool:
        """A new handover request typed while a question is open replaces the question."""
        return parsing.mentions_handover(text) and not parsing.is_question(text)

    async def _on_button(
        self,
        actor: Person,
        verb: str,
        account: Account | None,
        person: Person | None,
        state: dict[str, Any],
    ) -> list[Reply]:
        if verb == "for" and person is not None:
            return await self.handing_over.choose(actor, person, account, "", state)
        if account is None:
            forget(state)
            return [Reply(say.GONE)]
        if verb == "add":
            return self.adding.ask(actor, account, state)
        if person is None:
            forget(state)
            return [Reply(say.GONE)]
        if verb == "pick":
            return self.handing_over.confirm(actor, person, account, state)
        if verb == "yes":
            forget(state)
            return await self.handing_over.hand_over(actor, person, account)
        if verb == "addwho":
            return await self.adding.add(actor, person, account, state)
        forget(state)
        return [Reply(say.GONE)]

    async def _account(self, account_id: str) -> Account | None:
        """The account a button names, while it is still active."""
        account = await self.register.get(account_id)
        return account if account is not None and account.active else None
