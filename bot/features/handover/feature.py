"""Handing over an academy account when a runner leaves, and naming a replacement runner.

Follows the policy section "Handover": the account's information goes to the headteacher
or the Trust IT team, and the passwords are reset once handover is complete.
"""

from __future__ import annotations

from typing import Any

from bot.core.actions import Action
from bot.core.messages import Reply
from bot.features.handover import parsing
from bot.features.handover import wording as say
from bot.features.handover.adding_runners import KEY, AddingRunners
from bot.features.handover.handing_over import HandingOver
from bot.features.handover.permissions import Permissions
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
        words = Wording(directory)
        may = Permissions(directory, words)
        self.handing_over = HandingOver(directory, outbox, audit, register, words, may)
        self.adding = AddingRunners(directory, outbox, audit, register, words, may)

    async def on_choice(self, sender: str, value: str, state: dict[str, Any]) -> list[Reply] | None:
        """Replies to a clicked handover button; None for anyone else's."""
        act = Action.parse(value)
        if act.kind != KIND:
            return None
        state.pop(KEY, None)
        actor = self.directory.person(sender)
        if actor is None:
            return [Reply(say.NOT_IN_DIRECTORY)]
        if act.verb == "cancel":
            return [Reply(say.CANCELLED)]
        account = await self._account(act.arg) if act.args and act.arg != "-" else None
        person = self.directory.person(act.args[1]) if len(act.args) == 2 else None
        return await self._on_button(actor, act.verb, account, person, state)

    async def on_text(self, sender: str, text: str, state: dict[str, Any]) -> list[Reply] | None:
        """Replies to a handover request or a named replacement; None for anything else."""
        adding = self.adding.take_pending(state)
        actor = self.directory.person(sender)
        if (request := parsing.add_request(text)) is not None:
            name, account_text = request
            account = await self.register.find(account_text)
            if account is not None or account_text.startswith("@"):
                if actor is None:
                    return [Reply(say.NOT_IN_DIRECTORY)]
                return await self.adding.add_named(actor, account, account_text, name)
        if adding and not parsing.is_question(text):
            if parsing.is_cancel(text):
                return [Reply(say.NOBODY_ADDED)]
            pending = await self.register.get(adding)
            if actor is None or pending is None:
                return [Reply(say.GONE)]
            name = parsing.without_add(text)
            return await self.adding.add_named(actor, pending, pending.handle, name)
        if not parsing.mentions_handover(text):
            return None
        accounts = await self.register.all()
        named = parsing.named_account(text, accounts)
        if named is None and parsing.is_question(text):
            return None
        if actor is None:
            return [Reply(say.NOT_IN_DIRECTORY)]
        return await self.handing_over.start(actor, text, named, accounts)

    async def _on_button(
        self,
        actor: Person,
        verb: str,
        account: Account | None,
        person: Person | None,
        state: dict[str, Any],
    ) -> list[Reply]:
        if verb == "for" and person is not None:
            return await self.handing_over.choose(actor, person, account, "")
        if account is None:
            return [Reply(say.GONE)]
        if verb == "add":
            return self.adding.ask(actor, account, state)
        if person is None:
            return [Reply(say.GONE)]
        if verb == "pick":
            return self.handing_over.confirm(actor, person, account)
        if verb == "yes":
            return await self.handing_over.hand_over(actor, person, account)
        if verb == "addwho":
            return await self.adding.add(actor, person, account)
        return [Reply(say.GONE)]

    async def _account(self, account_id: str) -> Account | None:
        """The account a button names, while it is still active."""
        account = await self.register.get(account_id)
        return account if account is not None and account.active else None
